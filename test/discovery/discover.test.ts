/**
 * Discovery over memorySources: recorded k3d and kind clusters (the lab
 * scenarios' objects and containers, as real clusters show them), and small
 * variations of them for each rule.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { discover, MAX_ENTRY_POINTS } from "../../src/discovery/discover.js";
import { KIND_INFO, type KindMap, type KubeKind, type KubeObject, type Service } from "../../src/kube/types.js";
import { loadScenario, type Scenario } from "../../src/lab/scenario.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import type { ContainerInspect } from "../../src/sources/types.js";

const scenarios = join(import.meta.dirname, "..", "..", "fixtures", "scenarios");
const signal = new AbortController().signal;

const PLURAL = new Map(Object.entries(KIND_INFO).map(([plural, i]) => [`${i.group}/${i.kind}`, plural as KubeKind]));

/** MemoryData of a scenario: its objects by kind (kinds whose CRD is absent are not served), its containers. */
function dataOf(s: Scenario): MemoryData {
  const kube: Partial<Record<KubeKind, KubeObject[]>> = {};
  for (const o of s.objects) {
    const group = (o.apiVersion ?? "v1").includes("/") ? o.apiVersion!.split("/")[0]! : "";
    const plural = PLURAL.get(`${group}/${o.kind}`);
    if (plural) (kube[plural] ??= []).push(o);
  }
  const crds = (kube.customresourcedefinitions ?? []).map((c) => c.metadata.name);
  const unavailable: MemoryData["unavailable"] = {};
  for (const [plural, info] of Object.entries(KIND_INFO) as [KubeKind, (typeof KIND_INFO)[KubeKind]][]) {
    const builtin = ["", "apps", "discovery.k8s.io", "networking.k8s.io", "apiextensions.k8s.io"].includes(info.group);
    if (!builtin && !crds.includes(`${plural}.${info.group}`)) unavailable[plural] = "not-found";
  }
  const m = /^(k3d|kind)-(.+)$/.exec(s.context);
  return {
    kubeInfo: { context: s.context, cluster: s.context, server: "https://127.0.0.1:6550", namespace: "default" },
    kubeVersion: m?.[1] === "kind" ? "v1.33.1" : "v1.31.5+k3s1",
    kube: kube as MemoryData["kube"],
    unavailable,
    containers: s.containers,
  };
}

/** A copy of `data` with the objects of one kind changed. */
function withKind<K extends KubeKind>(data: MemoryData, kind: K, f: (items: KindMap[K][]) => KindMap[K][]): MemoryData {
  const items = structuredClone((data.kube?.[kind] ?? []) as KindMap[K][]);
  return { ...data, kube: { ...data.kube, [kind]: f(items) } };
}

const run = (data: MemoryData, hostAddress = "127.0.0.1", scenarioTargets?: string[]) =>
  discover(memorySources(data), { hostAddress, signal, ...(scenarioTargets ? { scenarioTargets } : {}) });

describe("discovery on k3d (OpenChoreo, kgateway)", () => {
  let healthy: MemoryData;
  beforeAll(async () => {
    healthy = dataOf(await loadScenario(join(scenarios, "k3d-openchoreo-healthy")));
  });

  it("finds every HTTPRoute hostname behind the Gateway on the published port, and says what it saw first", async () => {
    const d = await run(healthy);
    expect(d.flavor).toBe("k3d");
    expect(d.cluster).toBe("openchoreo");
    expect(d.entryPoints.map((e) => e.url)).toEqual([
      "http://api.openchoreo.localhost:8080/",
      "http://openchoreo.localhost:8080/",
      "http://thunder.openchoreo.localhost:8080/",
    ]);
    expect(d.summary).toMatch(/^k3d cluster openchoreo, traefik disabled, kgateway: 1 Gateway, 3 HTTPRoutes; entry points: 3/);
    expect(d.entryPoints[0]!.why).toContain("HTTPRoute openchoreo-control-plane/openchoreo-api on listener http");
    expect(d.entryPoints[0]!.why).toContain("LoadBalancer Service openchoreo-control-plane/gateway-default (svclb, port 8080)");
  });

  it("names a published port nothing takes in the summary instead of diagnosing it", async () => {
    const d = await run(healthy);
    expect(d.summary).toContain("8443 published but no Service takes it");
    expect(d.entryPoints.some((e) => e.url.includes(":8443/"))).toBe(false);
  });

  it("never treats the API server port (container port 6443) as an entry point", async () => {
    const d = await run(healthy);
    expect(d.entryPoints.some((e) => e.url.includes(":6550/"))).toBe(false);
    expect(d.summary).not.toContain("6550");
  });

  it("diagnoses at most MAX_ENTRY_POINTS entry points and counts the rest in the summary", async () => {
    const data = withKind(healthy, "httproutes", (routes) => {
      const base = routes.find((r) => r.metadata.name === "openchoreo-api")!;
      const extra = Array.from({ length: 30 }, (_, i) => ({
        ...base,
        metadata: { ...base.metadata, name: `team-${i}`, uid: `uid-team-${i}` },
        spec: { ...base.spec, hostnames: [`team-${String(i).padStart(2, "0")}.openchoreo.localhost`] },
      }));
      return [...routes, ...extra];
    });
    const d = await run(data);
    expect(d.entryPoints).toHaveLength(MAX_ENTRY_POINTS);
    expect(d.summary).toContain(`entry points: 33, the first ${MAX_ENTRY_POINTS} diagnosed (pass a TARGET for any other)`);
  });

  it("skips a wildcard hostname but mentions it", async () => {
    const data = withKind(healthy, "httproutes", (routes) =>
      routes.map((r) => (r.metadata.name === "thunder" ? { ...r, spec: { ...r.spec, hostnames: ["*.thunder.openchoreo.localhost"] } } : r)),
    );
    const d = await run(data);
    expect(d.entryPoints.map((e) => e.url)).not.toContain("http://thunder.openchoreo.localhost:8080/");
    expect(d.summary).toContain("*.thunder.openchoreo.localhost on 8080 not diagnosed (wildcard hostname of HTTPRoute thunder/thunder)");
  });

  it("writes https for a route on an HTTPS listener", async () => {
    const data = withKind(healthy, "gateways", (gws) => gws.map((g) => ({ ...g, spec: { ...g.spec, listeners: g.spec.listeners.map((l) => ({ ...l, protocol: "HTTPS" })) } })));
    const d = await run(data);
    expect(d.entryPoints.map((e) => e.url)).toContain("https://api.openchoreo.localhost:8080/");
  });

  it("says traefik is installed when kube-system/traefik exists", async () => {
    const traefik: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { namespace: "kube-system", name: "traefik", labels: { "app.kubernetes.io/name": "traefik" } },
      spec: { type: "LoadBalancer", ports: [{ name: "web", port: 80, targetPort: "web", nodePort: 31080 }] },
    };
    const d = await run(withKind(healthy, "services", (s) => [...s, traefik]));
    expect(d.summary).toContain("traefik installed");
  });

  it("uses the host address for a port whose Service is not a Gateway proxy or Ingress controller", async () => {
    const data = withKind(healthy, "services", (svcs) =>
      svcs.map((s) => (s.metadata.name === "gateway-default" ? { ...s, metadata: { ...s.metadata, labels: {} } } : s)),
    );
    const d = await run(data, "192.168.64.2");
    expect(d.entryPoints.map((e) => e.url)).toEqual(["http://192.168.64.2:8080/"]);
  });

  it("diagnoses the published ports when nothing takes any of them, so the user sees why", async () => {
    const d = await run(withKind(healthy, "services", (svcs) => svcs.filter((s) => s.metadata.name !== "gateway-default")));
    expect(d.entryPoints.map((e) => e.url)).toEqual(["http://localhost:8080/", "http://localhost:8443/"]);
    expect(d.entryPoints[0]!.why).toContain("no Service takes container port 8080");
  });

  it("adds the lab scenario's targets first, without duplicating discovered ones", async () => {
    const d = await run(healthy, "127.0.0.1", ["http://api.openchoreo.localhost:8080/", "http://openchoreo.localhost:8080/healthz"]);
    expect(d.entryPoints.map((e) => e.url)).toEqual([
      "http://api.openchoreo.localhost:8080/",
      "http://openchoreo.localhost:8080/healthz",
      "http://openchoreo.localhost:8080/",
      "http://thunder.openchoreo.localhost:8080/",
    ]);
    expect(d.entryPoints[0]!.why).toContain("HTTPRoute openchoreo-control-plane/openchoreo-api");
    expect(d.summary).toContain("entry points: 4 (1 only from the lab scenario's targets)");
  });

  it("says when HTTPRoutes cannot be read instead of guessing hostnames", async () => {
    const d = await run({ ...healthy, unavailable: { ...healthy.unavailable, httproutes: "forbidden" } });
    expect(d.summary).toContain("HTTPRoutes not readable (httproutes.gateway.networking.k8s.io forbidden (403)): their hostnames are unknown");
    expect(d.entryPoints.map((e) => e.url)).toEqual(["http://localhost:8080/", "http://localhost:8443/"]);
    expect(d.entryPoints[0]!.why).toContain("proxy of Gateway openchoreo-control-plane/gateway-default; no host is routed on this port");
  });

  it("diagnoses only the lab scenario's targets when nothing is routed by name", async () => {
    const data = { ...healthy, unavailable: { ...healthy.unavailable, httproutes: "forbidden" as const } };
    const d = await run(data, "127.0.0.1", ["http://api.openchoreo.localhost:8080/"]);
    expect(d.entryPoints).toEqual([{ url: "http://api.openchoreo.localhost:8080/", why: "target of the lab scenario" }]);
    expect(d.summary).toContain("host port 8080 reaches Gateway openchoreo-control-plane/gateway-default but no HTTPRoute hostname is attached on port 8080");
    expect(d.summary).toContain("8443 published but no Service takes it");
  });

  it("reports no cluster when there is no kubeconfig", async () => {
    const d = await run({ kubeInfo: null, containers: [] });
    expect(d.flavor).toBe("none");
    expect(d.entryPoints).toEqual([]);
  });

  it("keeps going when Docker is unreachable, with nothing published to follow", async () => {
    const d = await run({ ...healthy, dockerUnavailable: "unreachable" });
    expect(d.entryPoints).toEqual([]);
    expect(d.summary).toContain("traefik disabled");
  });
});

describe("discovery on kind", () => {
  it("follows an extraPortMappings port to the Service with that nodePort", async () => {
    const data = dataOf(await loadScenario(join(scenarios, "kind-nodeport-healthy")));
    const d = await run(data);
    expect(d.flavor).toBe("kind");
    expect(d.entryPoints.length).toBeGreaterThan(0);
    for (const e of d.entryPoints) expect(e.why).toMatch(/nodePort \d+/);
    expect(d.summary).toMatch(/^kind cluster \S+, no Gateway API; entry points: \d/);
  });

  it("lists the Ingress hosts behind ingress-nginx's hostPort pod", async () => {
    const s = await loadScenario(join(scenarios, "kind-ingress-nginx-healthy"));
    const d = await run(dataOf(s));
    const hosts = s.objects
      .filter((o) => o.kind === "Ingress")
      .flatMap((o) => ((o as KindMap["ingresses"]).spec.rules ?? []).map((r) => r.host))
      .filter((h): h is string => !!h && !h.startsWith("*."));
    expect(hosts.length).toBeGreaterThan(0);
    for (const h of hosts) expect(d.entryPoints.map((e) => new URL(e.url).hostname)).toContain(h);
    expect(d.entryPoints.find((e) => e.url.startsWith("http://"))!.why).toContain("ingress-nginx controller; Ingress");
  });

  it("takes a hostPort pod only on the node it runs on", async () => {
    const s = await loadScenario(join(scenarios, "kind-ingress-nginx-healthy"));
    const data = dataOf(s);
    const moved = withKind(data, "pods", (pods) => pods.map((p) => (p.metadata.labels?.["app.kubernetes.io/name"] === "ingress-nginx" ? { ...p, spec: { ...p.spec, nodeName: "some-other-node" } } : p)));
    const d = await run(moved);
    expect(d.entryPoints.every((e) => !e.why.includes("ingress-nginx controller"))).toBe(true);
  });

  it("leaves out containers of other clusters and plain containers", async () => {
    const data = dataOf(await loadScenario(join(scenarios, "kind-nodeport-healthy")));
    const stray: ContainerInspect = {
      Id: "a1b2c3",
      Name: "/registry",
      State: { Status: "running", Running: true },
      Config: { Image: "registry:2", Labels: {} },
      HostConfig: { PortBindings: { "5000/tcp": [{ HostIp: "", HostPort: "5001" }] } },
      NetworkSettings: { Ports: { "5000/tcp": [{ HostIp: "0.0.0.0", HostPort: "5001" }] } },
    };
    const d = await run({ ...data, containers: [...(data.containers ?? []), stray] });
    expect(d.entryPoints.some((e) => e.url.includes(":5001/"))).toBe(false);
    expect(d.summary).not.toContain("5001");
  });
});
