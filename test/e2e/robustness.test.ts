import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { CheckResult, Report } from "../../src/report/types.js";
import { validateReport } from "../../src/report/schema.js";
import { runCli, scenariosDir } from "./cli.js";

/** A copy of a fixture scenario with scenario.yaml edited. */
function variant(name: string, edit: (s: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), `netdoctor-${name}-`));
  cpSync(join(scenariosDir, name), dir, { recursive: true });
  const file = join(dir, "scenario.yaml");
  const s = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(s);
  writeFileSync(file, stringify(s));
  return dir;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const all = (r: Report): CheckResult[] => [...r.checks, ...r.paths.flatMap((p) => p.checks)];
const find = (r: Report, id: string) => all(r).find((c) => c.id === id)!;

function parseReport(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  expect(validateReport(report).errors).toEqual([]);
  return report;
}

describe("netdoctor degrades instead of crashing or hanging", () => {
  it("reports an unreachable API server as a failing env check and skips what needs it", async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), "netdoctor-kc-"));
    const kubeconfig = join(dir, "config");
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "k3d-gone", cluster: { server: `https://127.0.0.1:${port}`, "insecure-skip-tls-verify": true } }],
        contexts: [{ name: "k3d-gone", context: { cluster: "k3d-gone", user: "admin@k3d-gone" } }],
        users: [{ name: "admin@k3d-gone", user: { token: "abc" } }],
        "current-context": "k3d-gone",
      }),
    );
    const r = await runCli([`http://127.0.0.1:${port}/`, "--json", "--kubeconfig", kubeconfig, "--docker-host", `unix://${join(dir, "no.sock")}`]);
    expect(r.code).toBe(1);
    const report = parseReport(r.stdout);
    expect(find(report, "env.api-reachable")).toMatchObject({ status: "fail" });
    expect(find(report, "env.api-reachable").summary).toMatch(/connection refused/);
    expect(find(report, "env.docker-reachable").summary).toMatch(/no such socket/);
    expect(find(report, "env.permissions-sufficient")).toMatchObject({ status: "skip", blockedBy: "env.api-reachable" });
    expect(report.paths[0]!.verdict).toMatchObject({ hop: "host-port" });
  });

  it("skips the checks of a kind the API answers 403 for, and says why", async () => {
    const dir = variant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 0, forbid: ["httproutes"] };
    });
    const r = await runCli(["--lab", dir, "--json"]);
    const report = parseReport(r.stdout);
    expect(find(report, "env.permissions-sufficient")).toMatchObject({ status: "warn" });
    expect(find(report, "env.permissions-sufficient").summary).toMatch(/httproutes/);
    const route = find(report, "route.host-matches");
    expect(route.status).toBe("skip");
    expect(route.summary).toMatch(/^unavailable: .*forbidden/);
    expect(report.status).toBe("warn"); // the request works; netdoctor could not see everything
    expect(r.code).toBe(0);
  });

  it("keeps diagnosing the cluster side when the Docker socket is missing", async () => {
    const r = await runCli(["--lab", join(scenariosDir, "k3d-backend-no-endpoints"), "--json", "--docker-host", "unix:///nonexistent/docker.sock"]);
    const report = parseReport(r.stdout);
    expect(find(report, "env.docker-reachable").status).toBe("fail");
    // The docker-proxy command line still names the container side: inferred, so a warning, not a block.
    const container = find(report, "container.publishes-port");
    expect(container).toMatchObject({ status: "warn", blockedBy: null });
    expect(container.summary).toMatch(/^Docker is unreachable; docker-proxy \(pid \d+\) relays 0\.0\.0\.0:\d+ to 172\.19\.0\.3:8080 — inferred: k3d-openchoreo-serverlb/);
    expect(find(report, "container.running")).toMatchObject({ status: "skip", summary: expect.stringMatching(/^not applicable: Docker unreachable, state inferred/) });
    expect(find(report, "service.receives-port").status).toBe("pass");
    expect(find(report, "backend.endpoints-ready").status).toBe("fail");
    expect(report.paths[0]!.verdict).toMatchObject({ hop: "backend", checkId: "backend.endpoints-ready" });
    expect(r.code).toBe(1);
  });

  it("bounds a port that accepts and never answers by the probe timeout, and the run by --timeout", async () => {
    const dir = variant("k3d-openchoreo-healthy", (s) => {
      const traffic = s["traffic"] as { port: number; mode: string; address?: string }[];
      for (const t of traffic) if (t.port === 8080 && !t.address) t.mode = "hang";
    });
    const r = await runCli(["--lab", dir, "--json", "--probe-timeout", "1", "--timeout", "10"]);
    const report = parseReport(r.stdout);
    for (const p of report.paths) {
      expect(p.probe).toMatchObject({ outcome: "timeout", signature: "timeout" });
      expect(p.status).toBe("fail");
    }
    expect(r.code).toBe(1);
  });
});

describe("a reader that goes away", () => {
  it("ends the run normally when stdout is closed early (netdoctor | head -1)", async () => {
    const { spawn } = await import("node:child_process");
    const { root } = await import("./cli.js");
    const env = { ...process.env };
    for (const k of ["KUBECONFIG", "DOCKER_HOST", "NETDOCTOR_LAB", "CI"]) delete env[k];
    const child = spawn(process.execPath, [join(root, "bin", "netdoctor.js"), "--lab", "k3d-openchoreo-traefik-conflict", "--verbose"], { env, cwd: root });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close the pipe, as head does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(code).toBe(1);
  });
});
