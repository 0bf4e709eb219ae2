/**
 * Discovery through the built CLI: `netdoctor --lab DIR` and `netdoctor`
 * after `eval "$(netdoctor lab DIR --print-env)"`, both without a TARGET,
 * find and diagnose the scenario's entry points (issue 3 item 5).
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateReport } from "../../src/report/schema.js";
import type { Report } from "../../src/report/types.js";
import { root, runCli, scenariosDir } from "./cli.js";

const healthy = join(scenariosDir, "k3d-openchoreo-healthy");
const hostsOf = (r: Report) => r.paths.map((p) => p.target.host);

/** Start `netdoctor lab DIR --print-env`, parse its export lines, and give a way to stop it. */
async function startLabEnv(dir: string): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(root, "bin", "netdoctor.js"), "lab", dir, "--print-env"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const env: Record<string, string> = {};
  let buf = "";
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`lab exited with ${code} before printing its environment`)));
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      for (const m of buf.matchAll(/^export (\w+)=(?:'([^']*)'|(\S*))$/gm)) env[m[1]!] = m[2] ?? m[3]!;
      if (env["KUBECONFIG"] && env["DOCKER_HOST"] && env["NETDOCTOR_LAB"]) resolve();
    });
  });
  child.removeAllListeners("exit");
  return {
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

describe("netdoctor without a target", () => {
  it("discovers and diagnoses every OpenChoreo host of the lab, with the discovery summary in the report", async () => {
    const r = await runCli(["--lab", healthy, "--json"]);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report).errors).toEqual([]);
    expect(hostsOf(report)).toEqual(expect.arrayContaining(["api.openchoreo.localhost", "openchoreo.localhost", "thunder.openchoreo.localhost"]));
    expect(report.discovery?.summary).toMatch(/^k3d cluster openchoreo, traefik disabled, kgateway: 1 Gateway, 3 HTTPRoutes; entry points: 3/);
    expect(report.discovery?.entryPoints.map((e) => e.url)).toEqual(report.paths.map((p) => p.target.url));
    expect(report.status).toBe("pass");
    expect(r.code).toBe(0);
  });

  it("prints what it discovered under the header, and with --verbose each entry point and the paths under a header per entry port", async () => {
    const r = await runCli(["--lab", healthy, "--verbose"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[2]).toMatch(/^Discovered: k3d cluster openchoreo, traefik disabled/);
    expect(lines.slice(3, 6).every((l) => /^ {2}https?:\/\/\S+ {2}← k3d-openchoreo-serverlb publishes/.test(l))).toBe(true);
    expect(r.stdout.match(/^== port \d+ ==$/gm)).toHaveLength(1);
  });

  it("discovers the entry points of a lab started with `lab --print-env`", async () => {
    const lab = await startLabEnv(healthy);
    try {
      const r = await runCli(["--json"], lab.env);
      expect(r.stderr).toBe("");
      const report = JSON.parse(r.stdout) as Report;
      expect(hostsOf(report)).toEqual(expect.arrayContaining(["api.openchoreo.localhost", "openchoreo.localhost", "thunder.openchoreo.localhost"]));
      expect(report.discovery?.summary).toContain("k3d cluster openchoreo");
    } finally {
      await lab.stop();
    }
  });

  it("keeps the one-line usage error when there is no cluster at all", async () => {
    const home = mkdtempSync(join(tmpdir(), "netdoctor-nohome-"));
    const r = await runCli([], { HOME: home, DOCKER_HOST: `unix://${join(home, "docker.sock")}` });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^netdoctor: no target: pass a URL/);
  });
});
