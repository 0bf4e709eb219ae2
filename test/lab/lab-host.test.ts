/**
 * The lab's scenario-format extensions for k3s on this host (issue 10 §1):
 * `docker: false` (no Docker Engine: no stand-in, DOCKER_HOST names a socket
 * nothing listens on), `remapHostPorts: false` (ports keep their numbers and
 * are reached through probeMap), and `host/interfaces.yaml`.
 */
import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startLab } from "../../src/lab/lab.js";
import { loadScenario, ScenarioError } from "../../src/lab/scenario.js";
import { createHostSource } from "../../src/sources/live/host.js";
import { createProbeSource } from "../../src/sources/live/probe.js";
import { scenariosDir } from "../e2e/cli.js";

const K3S_HOST = path.join(scenariosDir, "k3s-host-no-docker");
const signal = new AbortController().signal;

async function scenarioDir(yaml: string, files: Record<string, string> = {}): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "netdoctor-lab-host-"));
  await writeFile(path.join(dir, "scenario.yaml"), yaml);
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), text);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describe("scenario keys for a host without Docker", () => {
  it("loads docker: false, remapHostPorts: false and host/interfaces.yaml", async () => {
    const s = await loadScenario(K3S_HOST);
    expect(s.docker).toBe(false);
    expect(s.remapHostPorts).toBe(false);
    expect(s.interfaces).toContainEqual({ name: "wlp0s20f3", address: "10.0.0.23", family: "IPv4", internal: false });
  });

  it.each([
    ["docker: no\n", /scenario\.yaml: docker: expected a boolean, got "no"/],
    ["remapHostPorts: 0\n", /scenario\.yaml: remapHostPorts: expected a boolean, got 0/],
  ])("rejects %j with the file and the field named", async (yaml, message) => {
    const s = await scenarioDir(yaml);
    try {
      await expect(loadScenario(s.dir)).rejects.toThrow(message);
      await expect(loadScenario(s.dir)).rejects.toBeInstanceOf(ScenarioError);
    } finally {
      await s.cleanup();
    }
  });

  it("rejects an interface without an address", async () => {
    const s = await scenarioDir("name: x\n", { "host/interfaces.yaml": "- { name: eth0 }\n" });
    try {
      await expect(loadScenario(s.dir)).rejects.toThrow(/host\/interfaces\.yaml: \[0\]\.address: expected a string/);
    } finally {
      await s.cleanup();
    }
  });
});

describe("a lab without Docker that keeps its host ports", () => {
  it("starts no Docker stand-in, keeps port 30080 in the targets and serves it through probeMap", async () => {
    const lab = await startLab(K3S_HOST);
    try {
      expect(lab.state.targets).toEqual(["http://localhost:30080/"]);
      expect(lab.state.portMap).toEqual({});
      // DOCKER_HOST names a socket in the state dir that nothing listens on, never the machine's own Docker.
      expect(lab.env.DOCKER_HOST).toMatch(/^unix:\/\/.*no-docker\.sock$/);
      await expect(stat(lab.env.DOCKER_HOST.slice("unix://".length))).rejects.toThrow(/ENOENT/);
      expect(lab.state.probeMap["127.0.0.1:30080"]).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(lab.state.probeMap["127.0.0.1:30080"]).not.toBe("127.0.0.1:30080");
      const probe = createProbeSource({ lab: lab.state });
      const r = await probe.http({ scheme: "http", address: "127.0.0.1", port: 30080, host: "localhost:30080", path: "/", timeoutMs: 2000 }, signal);
      expect(r).toMatchObject({ outcome: "http", status: 200, signature: "success" });
      expect(r.body).toContain("greetings from podinfo");
      const host = createHostSource({ lab: lab.state });
      expect(await host.interfaces!(signal)).toContainEqual({ name: "wlp0s20f3", address: "10.0.0.23", family: "IPv4", internal: false });
    } finally {
      await lab.stop();
    }
  });

  it("serves loopback only as this host's interfaces when the scenario declares none", async () => {
    const lab = await startLab(path.join(scenariosDir, "k3d-openchoreo-healthy"));
    try {
      const host = createHostSource({ lab: lab.state });
      expect(await host.interfaces!(signal)).toEqual([
        { name: "lo", address: "127.0.0.1", family: "IPv4", internal: true },
        { name: "lo", address: "::1", family: "IPv6", internal: true },
      ]);
    } finally {
      await lab.stop();
    }
  });
});
