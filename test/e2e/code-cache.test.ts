import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "netdoctor-code-cache-e2e-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What a diagnosis concluded, without what differs from run to run (times, the lab's ports). */
function verdicts(r: Report): unknown {
  return {
    status: r.status,
    checks: r.checks.map((c) => [c.id, c.status]),
    paths: r.paths.map((p) => ({ status: p.status, checks: p.checks.map((c) => [c.id, c.status]) })),
    fixes: r.fixes.map((f) => f.id),
  };
}

describe("the code caches of the command line and the diagnosis bundle", () => {
  it("is saved under XDG_CACHE_HOME by a printed diagnosis, and the next run from it reports the same", async () => {
    const cache = scratch();
    const first = await runCli(["--lab", "k3d-openchoreo-traefik-conflict", "--json"], { XDG_CACHE_HOME: cache });
    expect(first.code).toBe(1);
    const saved = readdirSync(join(cache, "netdoctor", "v8"));
    // Two caches: the command line's (cli.cjs, kept per kind of command line: this one's is a diagnosis, "run") and the diagnosis bundle's.
    expect(saved.filter((f) => f.endsWith(".bin"))).toHaveLength(2);
    expect(saved.filter((f) => /^[0-9a-f]{16}-run-\d+-\d+-v[\d.]+-\w+\.bin$/.test(f))).toHaveLength(1);
    expect(saved.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const second = await runCli(["--lab", "k3d-openchoreo-traefik-conflict", "--json"], { XDG_CACHE_HOME: cache });
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(first.stderr);
    expect(verdicts(JSON.parse(second.stdout) as Report)).toEqual(verdicts(JSON.parse(first.stdout) as Report));
    expect(readdirSync(join(cache, "netdoctor", "v8"))).toEqual(saved);
  });

  it("leaves --checks-dir plugins (ES modules the run imports) working when the run's code comes from the cache", async () => {
    const dir = scratch();
    const checks = join(dir, "checks");
    mkdirSync(checks);
    writeFileSync(
      join(checks, "acme.mjs"),
      'export default { id: "service.acme-ok", code: "ACME501", hop: "service", title: "acme is fine", async run() { return { status: "pass", summary: "fine" }; } };\n',
    );
    const cache = join(dir, "xdg");
    for (const run of ["compiled from source", "compiled from the cache"]) {
      const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--json", "--checks-dir", checks], { XDG_CACHE_HOME: cache });
      expect(r.stderr, run).toBe("");
      expect(r.code, run).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.paths[0]!.checks.map((c) => c.code), run).toContain("ACME501");
    }
  });

  it("keeps a command's ES module imports working when the command line itself comes from its cache", async () => {
    const cache = scratch();
    const outputs: string[] = [];
    for (const run of ["compiled from source", "compiled from the cache"]) {
      const r = await runCli(["checks", "--json"], { XDG_CACHE_HOME: cache });
      expect(r.stderr, run).toBe("");
      expect(r.code, run).toBe(0);
      outputs.push(r.stdout);
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect((JSON.parse(outputs[0]!) as { checks: { code: string }[] }).checks.map((c) => c.code)).toContain("ND501");
    // The command line's cache of this kind of command line (a command's name), beside none of the diagnosis bundle's.
    expect(readdirSync(join(cache, "netdoctor", "v8")).map((f) => f.replace(/^[0-9a-f]{16}-/, "").replace(/-\d+-\d+-v.*$/, ""))).toEqual(["word-checks"]);
  });

  it("is not saved by a run that ends in a usage error", async () => {
    const cache = scratch();
    const r = await runCli(["http://api.example.localhost:8080/", "--timeout", "soon", "--json"], { XDG_CACHE_HOME: cache });
    expect(r.code).toBe(2);
    expect(() => readdirSync(join(cache, "netdoctor", "v8"))).toThrow();
  });

  it("changes nothing when it cannot be written (the cache directory is under a file)", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "file"), "");
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "-o", "short"], { XDG_CACHE_HOME: join(dir, "file", "cache") });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/pass/i);
  });

  it("is not used with NETDOCTOR_CODE_CACHE=0", async () => {
    const cache = scratch();
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--json"], { XDG_CACHE_HOME: cache, NETDOCTOR_CODE_CACHE: "0" });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).status).toBe("pass");
    expect(() => readdirSync(join(cache, "netdoctor", "v8"))).toThrow();
  });
});
