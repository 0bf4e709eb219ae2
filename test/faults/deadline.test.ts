/**
 * Fault corpus, issue 14 §1 "one deadline, kept": at any --timeout the run
 * ends with a complete report (checks still running end as `error:
 * deadline`), one valid JSON document under --json, exit 1 — never a stack
 * trace, never a lab temp dir left behind; a run without TARGET against a hung
 * API server spends one --timeout, not two.
 */
import { describe, expect, it } from "vitest";
import { validateFixDocument, validateReport } from "../../src/report/schema.js";
import type { Report } from "../../src/report/types.js";
import { expectNoCrash, hungServer, kubeconfigFor, oneJsonDocument, runFault, scenarioVariant, scratch } from "./harness.js";

function report(stdout: string): Report {
  const doc = oneJsonDocument(stdout);
  expect(validateReport(doc).errors).toEqual([]);
  return doc as unknown as Report;
}

const allChecks = (r: Report) => [...r.checks, ...r.paths.flatMap((p) => p.checks)];

describe("a run whose deadline hits early", () => {
  it.each(["0.1", "0.2"])("ends with a complete JSON report, exit 1 and no lab left behind at --lab --timeout %s", async (timeout) => {
    const r = await runFault(["--lab", "--timeout", timeout, "--json"]);
    expectNoCrash(r);
    const rep = report(r.stdout);
    expect(r.code).toBe(1);
    expect(rep.status).toBe("fail");
    expect(allChecks(rep).filter((c) => c.status === "error").every((c) => c.summary.startsWith("deadline: "))).toBe(true);
    expect(r.leftBehind).toEqual([]);
  });

  it("ends a run against an API server slower than --timeout with a report, not a crash", async () => {
    const slow = scenarioVariant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 3000, forbid: [] };
    });
    const r = await runFault(["--lab", slow, "--timeout", "2", "--json"]);
    expectNoCrash(r);
    const rep = report(r.stdout);
    expect(r.code).toBe(1);
    expect(allChecks(rep).some((c) => c.status === "error" && c.summary.startsWith("deadline: "))).toBe(true);
    expect(r.leftBehind).toEqual([]);
  });

  it("prints the text report too when the deadline cut the run short", async () => {
    // An API server slower than the whole --timeout: the checks that read it are certainly still
    // running at the deadline, however fast or loaded the machine (a bare `--lab --timeout 0.1` can
    // spend the deadline in discovery alone and then finish every check in time).
    const slow = scenarioVariant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 5000, forbid: [] };
    });
    const r = await runFault(["--lab", slow, "--timeout", "0.5"]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/deadline: did not finish before the run's deadline \(--timeout 0\.5 s\)/);
    expect(r.stdout).toMatch(/^Result: FAIL/m);
    expect(r.leftBehind).toEqual([]);
  });

  it("lets discovery spend only part of the deadline against a hung API server, so the checks still say what is wrong", async () => {
    const port = await hungServer();
    const kubeconfig = kubeconfigFor(`https://127.0.0.1:${port}`);
    const r = await runFault(["--kubeconfig", kubeconfig, "--docker-host", `unix://${scratch()}/no.sock`, "--timeout", "2", "--json"]);
    expectNoCrash(r);
    const rep = report(r.stdout);
    expect(r.code).toBe(1);
    expect(rep.paths).toEqual([]);
    expect(rep.discovery?.summary).toMatch(/^discovery did not finish in its half of the time left/);
    // The API server never answers: that is the finding, whichever way the deadline cut it.
    const api = allChecks(rep).find((c) => c.id === "env.api-reachable")!;
    const loaded = allChecks(rep).find((c) => c.id === "env.kubeconfig-loaded")!;
    // On a machine loaded enough that even reading the kubeconfig outlived the 2 s, the API check is blocked by that deadline.
    const blockedByDeadline = api.status === "skip" && api.blockedBy === "env.kubeconfig-loaded" && loaded.summary.startsWith("deadline: ");
    expect(["fail", "error"].includes(api.status) || blockedByDeadline, `${api.status}: ${api.summary}`).toBe(true);
    expect(r.leftBehind).toEqual([]);
  });

  it("keeps the deadline in netdoctor fix: one fix document, no lab left behind", async () => {
    const r = await runFault(["fix", "--lab", "--timeout", "0.2", "--dry-run", "--json"]);
    expectNoCrash(r);
    const doc = oneJsonDocument(r.stdout);
    expect(validateFixDocument(doc).errors).toEqual([]);
    expect(r.leftBehind).toEqual([]);
  });

  it("keeps the deadline in netdoctor bundle: a bundle of what was read in time, no temp dir left behind", async () => {
    const out = `${scratch()}/b.tar.gz`;
    const r = await runFault(["bundle", "--lab", "--timeout", "0.2", "-o", out, "--json"]);
    expectNoCrash(r);
    const doc = oneJsonDocument(r.stdout);
    expect(doc["path"]).toBe(out);
    expect(r.leftBehind).toEqual([]);
  });
});
