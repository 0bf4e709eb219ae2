import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLiveSources, DIAGNOSIS_KINDS, startReads } from "../../src/sources/live/index.js";

describe("createLiveSources", () => {
  it("wires the lab from NETDOCTOR_LAB and the docker host from DOCKER_HOST", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nd-live-"));
    writeFileSync(join(dir, "listeners.yaml"), "- { address: 0.0.0.0, port: 8080, pid: 2211, process: docker-proxy }\n");
    writeFileSync(join(dir, "hosts"), "");
    writeFileSync(
      join(dir, "lab.json"),
      JSON.stringify({
        scenario: "s",
        dir,
        targets: [],
        kubeconfig: join(dir, "kubeconfig"),
        context: "k3d-s",
        dockerHost: `unix://${dir}/docker.sock`,
        listenersFile: join(dir, "listeners.yaml"),
        hostsFile: join(dir, "hosts"),
        resolver: {},
        probeMap: {},
        loopbackOnly: true,
        portMap: {},
      }),
    );
    const live = createLiveSources({ env: { NETDOCTOR_LAB: join(dir, "lab.json"), DOCKER_HOST: `unix://${dir}/docker.sock`, HOME: dir } });
    expect(live.lab?.scenario).toBe("s");
    expect(live.dockerHost).toBe(`unix://${dir}/docker.sock`);
    expect(live.sources.docker.host()).toBe(live.dockerHost);
    const signal = new AbortController().signal;
    expect(await live.sources.host.listeners(signal)).toEqual([{ address: "0.0.0.0", port: 8080, pid: 2211, process: "docker-proxy" }]);
    expect((await live.sources.probe.tcp("10.43.0.10", 80, 1000, signal)).outcome).toBe("unreachable");
    expect(() => live.sources.kube.info()).toThrow(/^no kubeconfig: /);
  });

  it("prefers --docker-host over DOCKER_HOST", () => {
    const live = createLiveSources({ dockerHost: "tcp://192.168.64.2:2375", env: { DOCKER_HOST: "unix:///x.sock", HOME: tmpdir() } });
    expect(live.dockerHost).toBe("tcp://192.168.64.2:2375");
    expect(live.lab).toBeNull();
  });
});

describe("the reads a run starts at set-up", () => {
  const scenarios = join(import.meta.dirname, "..", "..", "fixtures", "scenarios");

  it.each(["k3d-openchoreo-healthy", "k3d-openchoreo-traefik-conflict", "kind-ingress-nginx-healthy", "kind-envoy-gateway-healthy"])(
    "cover every kind a diagnosis of %s lists, so no check waits for a list of its own",
    async (scenario) => {
      const { startLab } = await import("../../src/lab/lab.js");
      const { loadChecks } = await import("../../src/load-checks.js");
      const { diagnoseFor } = await import("../../src/fixes/diagnose-for.js");
      const { parseTarget } = await import("../../src/engine/target.js");
      const lab = await startLab(join(scenarios, scenario));
      try {
        const sources = createLiveSources({ env: { ...process.env, ...lab.env } }).sources;
        const checks = await loadChecks(undefined);
        await diagnoseFor({
          checks,
          targets: lab.state.targets.map(parseTarget),
          sources,
          options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 3000 },
          timeoutMs: 20_000,
          toolVersion: "test",
        });
        const kindsRead = Object.keys(sources.kube.stats().byKind).filter((k) => !["version", "proxy", "logs", "write"].includes(k));
        expect(kindsRead.length).toBeGreaterThan(0);
        expect(DIAGNOSIS_KINDS).toEqual(expect.arrayContaining(kindsRead));
      } finally {
        await lab.stop();
      }
    },
  );

  it("starts each read once and lets later callers share it, with nothing rejected unobserved", async () => {
    const { startLab } = await import("../../src/lab/lab.js");
    const lab = await startLab(join(scenarios, "k3d-openchoreo-healthy"));
    try {
      const sources = createLiveSources({ env: { ...process.env, ...lab.env } }).sources;
      lab.resetApiStats();
      startReads(sources, AbortSignal.timeout(20_000));
      const signal = new AbortController().signal;
      await Promise.all([sources.kube.version(signal), ...DIAGNOSIS_KINDS.map((k) => sources.kube.list(k, signal).catch(() => null))]);
      const stats = lab.apiStats();
      expect(stats.requests).toBe(DIAGNOSIS_KINDS.length + 1);
      expect(Object.values(stats.byPath).every((n) => n === 1)).toBe(true);
    } finally {
      await lab.stop();
    }
  });
});
