/**
 * Issue 11 through the built CLI: the lab diagnoses the URL the user typed
 * (§6), and evidence precedence holds end to end (§1).
 */
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

describe("netdoctor --lab DIR URL", () => {
  it("maps the URL's port through the lab's port remapping, as the scenario's own targets", async () => {
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "http://api.openchoreo.localhost:8080/", "--json"]);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(report.paths).toHaveLength(1);
    const p = report.paths[0]!;
    expect(p.target.host).toBe("api.openchoreo.localhost");
    expect(p.target.port).not.toBe(8080);
    expect(p.target.url).toBe(`http://api.openchoreo.localhost:${p.target.port}/`);
    expect(p).toMatchObject({ status: "pass", probe: { signature: "success" } });
    expect(r.code).toBe(0);
  });
});

describe("evidence precedence through the CLI", () => {
  it("reports a NetworkPolicy that blocks only the service proxy as a warning, with the probe's 200 and the likely reasons", async () => {
    const r = await runCli(["--lab", "k3d-evidence-netpol-blocks-proxy", "http://api.openchoreo.localhost:8080/"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Verdict: the request reaches the application (HTTP 200)");
    expect(r.stdout).toMatch(/\[warn\] ND805 backend\.answers .*i\/o timeout.*yet the end-to-end request got HTTP 200/);
    expect(r.stdout).toContain("likely: the API server's own connection to the pods is blocked while the gateway's is not: a NetworkPolicy");
    expect(r.stdout).not.toContain("FAIL");
  });
});
