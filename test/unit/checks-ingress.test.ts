/**
 * Table-driven tests of the Ingress checks (gateway.ingress-controller-ready,
 * route.ingress-rule-matches, gateway.found's ingress case) and of
 * backendOfPath, over memorySources loaded from the recorded objects of the
 * kind-ingress-nginx-healthy scenario (the kind ingress guide with
 * ingress-nginx v1.12.1), changed per case.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { CheckContext, ContainerFact, IngressControllerFact, PathFacts, ServiceFact, Target } from "../../src/engine/types.js";
import { KIND_INFO, type Ingress, type KindMap, type KubeEvent, type KubeKind, type Node, type Pod, type Service } from "../../src/kube/types.js";
import { backendOfPath } from "../../src/kube/helpers.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import ingressControllerReady from "../../checks/gateway/ingress-controller-ready.js";
import ingressRuleMatches from "../../checks/route/ingress-rule-matches.js";
import gatewayFound from "../../checks/gateway/found.js";

type Kube = NonNullable<MemoryData["kube"]>;

const SCENARIO = join(import.meta.dirname, "../../fixtures/scenarios/kind-ingress-nginx-healthy/cluster");

/** The scenario's objects, grouped by plural, as fresh copies (each case may change them). */
function recorded(): Kube {
  const byKind = new Map(Object.entries(KIND_INFO).map(([plural, i]) => [i.kind, plural as KubeKind]));
  const out: Record<string, unknown[]> = {};
  for (const f of readdirSync(SCENARIO)) {
    for (const doc of parseAllDocuments(readFileSync(join(SCENARIO, f), "utf8"))) {
      const o = doc.toJS() as { kind?: string; items?: unknown[] } | null;
      if (!o) continue;
      for (const item of (o.kind === "List" ? o.items ?? [] : [o]) as { kind: string }[]) {
        const plural = byKind.get(item.kind);
        if (plural) (out[plural] ??= []).push(item);
      }
    }
  }
  return out as Kube;
}

const kindNode: ContainerFact = {
  id: "9b1d2e",
  name: "kind-control-plane",
  role: "kind-node",
  cluster: "kind",
  hostIp: "0.0.0.0",
  hostPort: 80,
  containerPort: 80,
  protocol: "tcp",
  running: true,
  networks: { kind: "172.18.0.2" },
};
const nginxService: ServiceFact = { namespace: "ingress-nginx", name: "ingress-nginx-controller", type: "NodePort", port: 80, nodePort: 31742, targetPort: "http", via: "hostport" };
const nginxFact: IngressControllerFact = {
  namespace: "ingress-nginx",
  name: "ingress-nginx-controller",
  implementation: "ingress-nginx",
  controller: "k8s.io/ingress-nginx",
  classNames: ["nginx"],
  annotationClasses: ["nginx"],
  watchWithoutClass: true,
};

function ctxFor(kube: Kube, facts: PathFacts, url = "http://web.localhost/", unavailable: MemoryData["unavailable"] = {}): CheckContext {
  const s = memorySources({ kube, unavailable });
  const u = new URL(url);
  const target: Target = { url, scheme: "http", host: u.hostname, port: Number(u.port || 80), path: u.pathname };
  return {
    target,
    kube: s.kube,
    docker: s.docker,
    host: s.host,
    probe: s.probe,
    facts,
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  };
}

const controllerPod = (k: Kube) => (k.pods as Pod[]).find((p) => p.metadata.name.startsWith("ingress-nginx-controller-"))!;
const webIngress = (k: Kube) => (k.ingresses as Ingress[]).find((i) => i.metadata.name === "web")!;

/** k3s' bundled traefik: Service and pod kube-system/traefik (real-world-facts §2.1). */
function withTraefik(k: Kube): Kube {
  const labels = { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "traefik", "helm.sh/chart": "traefik-34.2.1_up34.2.0" };
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "traefik", namespace: "kube-system", labels },
    spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/name": "traefik" }, ports: [{ name: "web", port: 80, targetPort: "web", nodePort: 30817, protocol: "TCP" }] },
  };
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "traefik-5d45fc8cc9-9xk2p", namespace: "kube-system", labels: { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/name": "traefik" } },
    spec: { nodeName: "k3d-dev-server-0", containers: [{ name: "traefik", args: ["--entryPoints.web.address=:8000/tcp", "--providers.kubernetesingress"], ports: [{ name: "web", containerPort: 8000, protocol: "TCP" }] }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "traefik", ready: true, restartCount: 0, state: { running: {} } } as never] },
  };
  return {
    ...k,
    services: [...(k.services ?? []), svc],
    pods: [...(k.pods ?? []), pod],
    ingressclasses: [...(k.ingressclasses ?? []), { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "traefik", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }, spec: { controller: "traefik.io/ingress-controller" } }],
  };
}

/** kind created without the ingress-ready label: the controller pod stays Pending (FailedScheduling). */
function pendingController(k: Kube): Kube {
  const pod = controllerPod(k);
  delete pod.spec.nodeName;
  pod.status = {
    phase: "Pending",
    conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." }],
  };
  for (const n of k.nodes as Node[]) delete n.metadata.labels!["ingress-ready"];
  const ev: KubeEvent = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod.metadata.name}.1829c3d1a2b3c4d5`, namespace: "ingress-nginx" },
    involvedObject: { kind: "Pod", namespace: "ingress-nginx", name: pod.metadata.name, uid: pod.metadata.uid },
    reason: "FailedScheduling",
    type: "Warning",
    message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    lastTimestamp: "2026-03-03T14:04:12Z",
  };
  return { ...k, events: [...(k.events ?? []), ev] };
}

describe("gateway.ingress-controller-ready", () => {
  const cases: { situation: string; kube: (k: Kube) => Kube; facts: PathFacts; unavailable?: MemoryData["unavailable"]; status: string; summary: RegExp; fact?: Partial<IngressControllerFact> | null }[] = [
    {
      situation: "passes for kind's ingress-nginx reached through its hostPort pod and Service",
      kube: (k) => k,
      facts: { container: kindNode, service: nginxService },
      status: "pass",
      summary: /^1\/1 pods of the ingress-nginx controller ingress-nginx\/ingress-nginx-controller are Ready .*IngressClass nginx \(k8s.io\/ingress-nginx\) and Ingresses without class$/,
      fact: { implementation: "ingress-nginx", controller: "k8s.io/ingress-nginx", classNames: ["nginx"], watchWithoutClass: true },
    },
    {
      situation: "is not applicable when the entry Service is an application",
      kube: (k) => k,
      facts: { container: kindNode, service: { ...nginxService, namespace: "default", name: "web", via: "nodeport" } },
      status: "skip",
      summary: /^not applicable: Service default\/web is not an ingress controller$/,
      fact: null,
    },
    {
      situation: "finds the controller from the hostPort pod when no Service was resolved",
      kube: (k) => k,
      facts: { container: kindNode, service: null },
      status: "pass",
      summary: /ingress-nginx controller ingress-nginx\/ingress-nginx-controller are Ready/,
      fact: { name: "ingress-nginx-controller" },
    },
    {
      situation: "fails with the node-label hint when the controller is Pending on a kind node without ingress-ready=true",
      kube: pendingController,
      facts: { container: kindNode, service: nginxService },
      status: "fail",
      summary: /^no ingress-nginx controller pod is Ready \(0\/1\): ingress-nginx-controller-5d9b7f6c4d-x7kqp: Unschedulable; no node carries the label ingress-ready=true its nodeSelector asks for; expected a Ready controller behind Service ingress-nginx\/ingress-nginx-controller/,
      fact: { implementation: "ingress-nginx" },
    },
    {
      situation: "recognises k3s' traefik and its default IngressClass",
      kube: withTraefik,
      facts: { container: { ...kindNode, name: "k3d-dev-serverlb", role: "k3d-serverlb" }, service: { namespace: "kube-system", name: "traefik", type: "LoadBalancer", port: 80, nodePort: 30817, targetPort: "web", via: "svclb" } },
      status: "pass",
      summary: /pods of the traefik controller kube-system\/traefik are Ready .*IngressClass traefik \(traefik.io\/ingress-controller\)/,
      fact: { implementation: "traefik", controller: "traefik.io/ingress-controller", classNames: ["traefik"] },
    },
    {
      situation: "still passes when IngressClasses cannot be read, with no class names",
      kube: (k) => k,
      facts: { container: kindNode, service: nginxService },
      unavailable: { ingressclasses: "forbidden" },
      status: "pass",
      summary: /no IngressClass with controller k8s.io\/ingress-nginx and Ingresses without class$/,
      fact: { classNames: [] },
    },
  ];
  it.each(cases)("$situation", async (c) => {
    const o = await ingressControllerReady.run(ctxFor(c.kube(recorded()), c.facts, undefined, c.unavailable));
    expect(o.status).toBe(c.status);
    expect(o.summary).toMatch(c.summary);
    if (c.fact === null) expect(o.facts?.ingressController).toBeNull();
    else if (c.fact) expect(o.facts?.ingressController).toMatchObject(c.fact);
  });

  it("names the missing ingress-ready node label in the details", async () => {
    const o = await ingressControllerReady.run(ctxFor(pendingController(recorded()), { container: kindNode, service: nginxService }));
    expect(o.details).toContain("Warning FailedScheduling: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector");
    expect(o.details).toContain("no node has it");
  });
});

describe("route.ingress-rule-matches", () => {
  const cases: { situation: string; kube: (k: Kube) => Kube; url?: string; status: string; summary: RegExp; route?: unknown; backend?: unknown }[] = [
    {
      situation: "passes and publishes the Ingress rule and its backend",
      kube: (k) => k,
      status: "pass",
      summary: /^Ingress default\/web rule 0 \(Prefix \/ on host web.localhost\) serves web.localhost\/ → Service web:80$/,
      route: { kind: "Ingress", namespace: "default", name: "web", rule: 0 },
      backend: { namespace: "default", name: "web", port: 80 },
    },
    {
      situation: "fails on a host typo and names the closest rule",
      kube: (k) => {
        webIngress(k).spec.rules![0]!.host = "web.locahost";
        return k;
      },
      status: "fail",
      summary: /^no Ingress served by ingress-nginx \(class nginx\) has a rule for host web.localhost; .*\(closest: Ingress default\/web rule 0, host web.locahost differs from web.localhost \(edit distance 1\)\)$/,
      route: null,
      backend: null,
    },
    {
      situation: "fails when the only Ingress names another class",
      kube: (k) => {
        webIngress(k).spec.ingressClassName = "traefik";
        return k;
      },
      status: "fail",
      summary: /closest: Ingress default\/web rule 0, host and path fit, but ingressClassName traefik names no IngressClass/,
      route: null,
      backend: null,
    },
    {
      situation: "resolves a backend port given by name through the Service",
      kube: (k) => {
        webIngress(k).spec.rules![0]!.http!.paths[0]!.backend.service!.port = { name: "http" };
        return k;
      },
      status: "pass",
      summary: /→ Service web:80$/,
      backend: { namespace: "default", name: "web", port: 80 },
    },
    {
      situation: "warns when a backend port name does not resolve",
      kube: (k) => {
        webIngress(k).spec.rules![0]!.http!.paths[0]!.backend.service!.port = { name: "web" };
        return k;
      },
      status: "warn",
      summary: /but Service default\/web has no port named web; ingress-nginx answers 503/,
      backend: null,
    },
    {
      situation: "names a NodePort Service no Ingress routes to, and the port mapping its nodePort needs (wasmCloud/wasmcloud.com#1141)",
      kube: (k) => {
        const hello: Service = { apiVersion: "v1", kind: "Service", metadata: { name: "hello-world", namespace: "default" }, spec: { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30950, protocol: "TCP" }] } };
        return { ...k, ingresses: [], services: [...(k.services ?? []), hello] };
      },
      status: "fail",
      summary: /^no Ingress served by ingress-nginx \(class nginx\) has a rule for host web.localhost; .*; no Ingress routes to NodePort Service default\/hello-world \(80:30950\): .*no host port reaches nodePort 30950: add an extraPortMappings entry with containerPort 30950/,
      route: null,
    },
    {
      situation: "fails when no path covers the request",
      kube: (k) => {
        webIngress(k).spec.rules![0]!.http!.paths[0]!.path = "/app";
        return k;
      },
      url: "http://web.localhost/apps",
      status: "fail",
      summary: /^no path of the Ingress rules for host web.localhost matches \/apps; .*Prefix \/app matches whole path segments only \(apps is not app\)/,
      route: null,
    },
  ];
  it.each(cases)("$situation", async (c) => {
    const o = await ingressRuleMatches.run(ctxFor(c.kube(recorded()), { container: kindNode, service: nginxService, ingressController: nginxFact }, c.url));
    expect(o.status).toBe(c.status);
    expect(o.summary).toMatch(c.summary);
    if (c.route !== undefined) expect(o.facts?.route ?? null).toEqual(c.route === null ? null : expect.objectContaining(c.route as object));
    if (c.backend !== undefined) expect(o.facts?.backend ?? null).toEqual(c.backend);
  });

  it("skips without publishing facts when no ingress controller is on the path", async () => {
    const o = await ingressRuleMatches.run(ctxFor(recorded(), { ingressController: null }));
    expect(o.status).toBe("skip");
    expect(o.facts).toBeUndefined();
  });

  it("lets a SourceError for ingresses reach the engine (reported as unavailable)", async () => {
    await expect(ingressRuleMatches.run(ctxFor(recorded(), { ingressController: nginxFact }, undefined, { ingresses: "forbidden" }))).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("gateway.found with an ingress controller at the entry", () => {
  it("skips as not applicable and publishes gateway null", async () => {
    const o = await gatewayFound.run(ctxFor(recorded(), { container: kindNode, service: nginxService, ingressController: nginxFact }));
    expect(o.status).toBe("skip");
    expect(o.summary).toBe("not applicable: Service ingress-nginx/ingress-nginx-controller is an ingress controller (ingress-nginx), not a Gateway proxy");
    expect(o.facts).toEqual({ gateway: null });
  });
});

describe("backendOfPath", () => {
  const route = { kind: "Ingress" as const, namespace: "default", name: "web", rule: 0 };
  it.each([
    { situation: "the Ingress rule's backend", facts: { service: nginxService, ingressController: nginxFact, route, backend: { namespace: "default", name: "web", port: 80 } }, want: { namespace: "default", name: "web", port: 80, from: "route" } },
    { situation: "nothing when the entry is an ingress controller and no rule matched", facts: { service: nginxService, gateway: null, ingressController: nginxFact, route: null, backend: null }, want: null },
    { situation: "the entry Service when neither a Gateway nor an ingress controller is on the path", facts: { service: { ...nginxService, namespace: "default", name: "web" }, gateway: null, ingressController: null, route: null }, want: { namespace: "default", name: "web", port: 80, from: "entry-service" } },
  ] as { situation: string; facts: PathFacts; want: unknown }[])("is $situation", ({ facts, want }) => {
    expect(backendOfPath(facts)).toEqual(want);
  });
});
