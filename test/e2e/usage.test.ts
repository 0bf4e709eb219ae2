import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli.js";

const tmp = mkdtempSync(join(tmpdir(), "netdoctor-usage-"));

/** One line on stderr, exit 2, no stack trace; on stdout nothing, or under --json only the JSON error document with that line. */
function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  if (r.stdout !== "") {
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; error: { code: string; message: string; exitCode: number } };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.error.exitCode).toBe(2);
    expect(r.stderr).toContain(doc.error.message);
  }
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("bad input gets one clear line and exit 2", () => {
  it("rejects an unknown flag", async () => {
    const r = await runCli(["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it("rejects a kubeconfig that cannot be read", async () => {
    const r = await runCli(["http://localhost:8080/", "--kubeconfig", join(tmp, "missing.yaml"), "--json"]);
    expectOneLineError(r, /^netdoctor: .*missing\.yaml/);
  });

  it("rejects a malformed kubeconfig", async () => {
    const file = join(tmp, "bad.yaml");
    writeFileSync(file, "apiVersion: v1\nclusters: [ {name: x\n");
    const r = await runCli(["http://localhost:8080/", "--kubeconfig", file, "--json"]);
    expectOneLineError(r, /^netdoctor: .*bad\.yaml/);
  });

  it("rejects an unknown context and lists the known ones", async () => {
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--context", "k3d-nope", "--json"]);
    expectOneLineError(r, /context "k3d-nope" not found/);
  });

  it("rejects a scenario directory that does not exist", async () => {
    const r = await runCli(["--lab", join(tmp, "no-such-scenario"), "--json"]);
    expectOneLineError(r, /no-such-scenario/);
  });

  it("names the file and the field of a scenario that does not parse", async () => {
    const dir = join(tmp, "broken");
    mkdirSync(join(dir, "cluster"), { recursive: true });
    writeFileSync(join(dir, "scenario.yaml"), "name: broken\ncontext: k3d-x\ntargets: ['http://localhost:8080/']\ntraffic:\n  - port: eighty\n    mode: http\n");
    const r = await runCli(["--lab", dir, "--json"]);
    expectOneLineError(r, /scenario\.yaml.*traffic\[0\]\.port/);
  });

  it("rejects a target that is not a URL", async () => {
    const r = await runCli(["ftp://example.invalid/", "--json"]);
    expectOneLineError(r, /only http:\/\/ and https:\/\//);
  });

  it.each([
    ["diagnose", ["http://localhost:8080/", "-H", "nocolon", "--json"], /^netdoctor: invalid -H "nocolon": expected 'Name: value'/],
    ["diagnose", ["http://localhost:8080/", "-X", "GE T", "--json"], /^netdoctor: invalid -X "GE T": expected an HTTP method/],
    ["diagnose --from", ["--from", join(tmp, "missing-bundle.tar.gz"), "--header", "x canary: 1"], /^netdoctor: invalid -H "x canary: 1": "x canary" is not a valid header name/],
    ["bundle", ["bundle", "http://localhost:8080/", "-H", "Content-Length: 3"], /^netdoctor: invalid -H "Content-Length: 3": netdoctor sets Content-Length itself/],
    ["watch", ["watch", "http://localhost:8080/", "--request", "CONNECT", "--json"], /^netdoctor: invalid -X "CONNECT": CONNECT opens a tunnel/],
    ["fix", ["fix", "http://localhost:8080/", "-H", "Host: a", "-H", "host: b", "--dry-run"], /^netdoctor: invalid -H: more than one Host header/],
  ])("rejects a malformed -H or an invalid -X of %s before it runs", async (_cmd, args, pattern) => {
    const r = await runCli(args);
    expectOneLineError(r, pattern);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("prints the version and help quickly and without loading a cluster", async () => {
    const v = await runCli(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runCli(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("--fail-on");
  });
});
