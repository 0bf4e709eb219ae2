/**
 * Fault corpus, issue 14 §6 (bundles): `bundle -o` never replaces a file it
 * did not write (unless --force), never writes into /proc, and an unredacted
 * bundle is named …-UNREDACTED and mode 0600; `--from` a truncated or foreign
 * bundle is one line, exit 2, and no temp dir left.
 */
import { readFileSync, statSync, writeFileSync, existsSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectNoCrash, oneJsonDocument, runFault, scratch } from "./harness.js";

describe("bundle -o", () => {
  it("refuses to overwrite a file that is not a netdoctor bundle, and says --force replaces it", async () => {
    const file = join(scratch(), "notes.txt");
    writeFileSync(file, "my notes\n");
    const r = await runFault(["bundle", "--lab", "-o", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`netdoctor: -o ${file}: the file exists and is not a netdoctor bundle: refusing to overwrite it (pass --force to replace it)\n`);
    expect(readFileSync(file, "utf8")).toBe("my notes\n");
    expect(r.leftBehind).toEqual([]);
  });

  it("replaces its own earlier bundle, and another file with --force", async () => {
    const dir = scratch();
    const out = join(dir, "b.tar.gz");
    expect((await runFault(["bundle", "--lab", "-o", out])).code).toBe(0);
    expect((await runFault(["bundle", "--lab", "-o", out])).code).toBe(0);
    const other = join(dir, "other.tar.gz");
    writeFileSync(other, "x");
    const r = await runFault(["bundle", "--lab", "-o", other, "--force"]);
    expect(r.code).toBe(0);
    expect(statSync(other).size).toBeGreaterThan(1);
  });

  it("names an unredacted bundle …-UNREDACTED and makes it readable by its owner only", async () => {
    const dir = scratch();
    const r = await runFault(["bundle", "--lab", "--no-redact", "-o", join(dir, "b.tar.gz"), "--json"]);
    expect(r.code).toBe(0);
    const doc = oneJsonDocument(r.stdout);
    expect(doc["path"]).toBe(join(dir, "b-UNREDACTED.tar.gz"));
    expect(statSync(join(dir, "b-UNREDACTED.tar.gz")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, "b.tar.gz"))).toBe(false);
  });

  it.each(["/proc/self/netdoctor.tar.gz", "/proc/1/mem", "/sys/kernel/netdoctor.tar.gz"])("refuses %s at once instead of hanging", async (out) => {
    const r = await runFault(["bundle", "--lab", "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kernel pseudo-filesystem or device tree, not a place for a bundle\n$/);
    expect(r.leftBehind).toEqual([]);
  });
});

describe("--from a damaged or foreign bundle", () => {
  it("says a truncated bundle is truncated, exits 2 and leaves no temp dir", async () => {
    const dir = scratch();
    const out = join(dir, "b.tar.gz");
    expect((await runFault(["bundle", "--lab", "-o", out])).code).toBe(0);
    truncateSync(out, Math.floor(statSync(out).size / 2));
    const r = await runFault(["--from", out]);
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: .*b\.tar\.gz: not a readable \.tar\.gz bundle \(truncated or not a tarball\)/);
    expect(r.stderr).not.toMatch(/ENOTEMPTY/);
    expect(r.leftBehind).toEqual([]);
  });

  it.each([
    ["a text file", "hello\n"],
    ["an empty file", ""],
  ])("refuses %s with one line and exit 2", async (_what, content) => {
    const file = join(scratch(), "x.tar.gz");
    writeFileSync(file, content);
    const r = await runFault(["--from", file, "--json"]);
    expect(r.code).toBe(2);
    expect(oneJsonDocument(r.stdout)).toMatchObject({ error: { code: "usage", exitCode: 2 } });
    expect(r.leftBehind).toEqual([]);
  });

  it("refuses a directory that is not a bundle", async () => {
    const r = await runFault(["--from", scratch()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json: missing \(not a netdoctor bundle\)/);
  });
});
