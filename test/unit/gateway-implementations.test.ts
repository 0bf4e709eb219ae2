/**
 * Recognition of every Gateway API implementation in
 * src/gateway/implementations.ts, table-driven: each case is one
 * implementation's GatewayClass, Gateway, proxy Service and proxy pods as its
 * controller creates them (docs/facts/gateway-implementations.md), run
 * through gateway.found, gateway.proxy-ready and gateway.listener-serves-port.
 * A case fails when recognition of that implementation regresses.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, ContainerFact, PathFacts, ServiceFact } from "../../src/engine/types.js";
import type { Gateway, GatewayClass, Pod, Service } from "../../src/kube/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import gatewayFound from "../../checks/gateway/found.js";
import proxyReady from "../../checks/gateway/proxy-ready.js";
import listenerServesPort from "../../checks/gateway/listener-serves-port.js";
import ingressControllerReady from "../../checks/gateway/ingress-controller-ready.js";
import classAccepted from "../../checks/gateway/class-accepted.js";
import receivesPort from "../../checks/service/receives-port.js";
import {
  GATEWAY_IMPLEMENTATIONS,
  implementationOfControllerName,
  listenerPortFor,
  proxyContainerPorts,
  proxyOwnerOf,
  type GatewayImplementationId,
} from "../../src/gateway/implementations.js";

const T0 = "2026-03-04T09:00:00Z";

function pod(ns: string, name: string, labels: Record<string, string>, ready: boolean, ports: { name?: string; containerPort: number }[] = []): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels, uid: `${name}-uid`, creationTimestamp: T0 },
    spec: { nodeName: "kind-control-plane", containers: [{ name: "proxy", image: "proxy:1", ports: ports.map((p) => ({ ...p, protocol: "TCP" })) }] },
    status: {
      phase: "Running",
      podIP: "10.244.0.9",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [{ name: "proxy", ready, restartCount: 0, state: ready ? { running: { startedAt: T0 } } : { waiting: { reason: "CrashLoopBackOff" } } }],
    },
  } as Pod;
}

function gatewayClass(name: string, controllerName: string): GatewayClass {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name },
    spec: { controllerName },
    status: { conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "accepted" }] },
  } as GatewayClass;
}

function gateway(ns: string, name: string, className: string, port: number): Gateway {
  const ok = (type: string) => ({ type, status: "True" as const, reason: type, message: type });
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name, namespace: ns, generation: 1 },
    spec: { gatewayClassName: className, listeners: [{ name: "http", port, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } }] },
    status: {
      addresses: [{ type: "IPAddress", value: "172.18.0.2" }],
      conditions: [ok("Accepted"), ok("Programmed")],
      listeners: [{ name: "http", attachedRoutes: 1, supportedKinds: [{ kind: "HTTPRoute" }], conditions: [ok("Accepted"), ok("Programmed"), ok("ResolvedRefs"), { type: "Conflicted", status: "False", reason: "NoConflicts", message: "" }] }],
    },
  } as Gateway;
}

function service(ns: string, name: string, labels: Record<string, string>, selector: Record<string, string> | undefined, port: number, targetPort: number | string | undefined): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, labels, uid: `${name}-uid` },
    spec: { type: "NodePort", clusterIP: "10.96.88.14", ...(selector ? { selector } : {}), ports: [{ name: "http", port, protocol: "TCP", nodePort: 30080, ...(targetPort !== undefined ? { targetPort } : {}) }] },
    status: { loadBalancer: {} },
  } as Service;
}

/** One implementation as its controller sets it up for Gateway `gw` in namespace `ns`, listener port 80. */
interface ImplCase {
  id: Exclude<GatewayImplementationId, "other">;
  className: string;
  controllerName: string;
  gatewayNs: string;
  gatewayName: string;
  listenerPort: number;
  svc: Service;
  /** The proxy pods (Ready) and, for the broken variant, what makes them not Ready. */
  pods: (ready: boolean) => Pod[];
  /** A targetPort the proxy never binds (absent: the implementation has no port rule to break). */
  wrongTargetPort?: number;
}

const CASES: ImplCase[] = [
  {
    id: "envoy-gateway",
    className: "eg",
    controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
    gatewayNs: "default",
    gatewayName: "eg",
    listenerPort: 80,
    svc: service(
      "envoy-gateway-system",
      "envoy-default-eg-e41e7b31",
      {
        "app.kubernetes.io/name": "envoy",
        "app.kubernetes.io/component": "proxy",
        "app.kubernetes.io/managed-by": "envoy-gateway",
        "gateway.envoyproxy.io/owning-gateway-name": "eg",
        "gateway.envoyproxy.io/owning-gateway-namespace": "default",
      },
      { "gateway.envoyproxy.io/owning-gateway-name": "eg", "gateway.envoyproxy.io/owning-gateway-namespace": "default" },
      80,
      10080,
    ),
    pods: (ready) => [pod("envoy-gateway-system", "envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq", { "gateway.envoyproxy.io/owning-gateway-name": "eg", "gateway.envoyproxy.io/owning-gateway-namespace": "default" }, ready)],
    wrongTargetPort: 80,
  },
  {
    id: "kgateway",
    className: "kgateway",
    controllerName: "kgateway.dev/kgateway",
    gatewayNs: "openchoreo-control-plane",
    gatewayName: "gateway-default",
    listenerPort: 80,
    svc: service(
      "openchoreo-control-plane",
      "gateway-default",
      { kgateway: "kube-gateway", "app.kubernetes.io/name": "gateway-default", "app.kubernetes.io/instance": "gateway-default", "gateway.networking.k8s.io/gateway-name": "gateway-default", "app.kubernetes.io/managed-by": "kgateway" },
      { "app.kubernetes.io/name": "gateway-default", "app.kubernetes.io/instance": "gateway-default", "gateway.networking.k8s.io/gateway-name": "gateway-default" },
      80,
      8080,
    ),
    pods: (ready) => [pod("openchoreo-control-plane", "gateway-default-5d9c7b8f6-h2xkq", { kgateway: "kube-gateway", "app.kubernetes.io/name": "gateway-default", "app.kubernetes.io/instance": "gateway-default", "gateway.networking.k8s.io/gateway-name": "gateway-default" }, ready)],
    wrongTargetPort: 10080,
  },
  {
    id: "istio",
    className: "istio",
    controllerName: "istio.io/gateway-controller",
    gatewayNs: "default",
    gatewayName: "gateway",
    listenerPort: 80,
    svc: service("default", "gateway-istio", { "gateway.networking.k8s.io/gateway-name": "gateway", "gateway.networking.k8s.io/gateway-class-name": "istio" }, { "gateway.networking.k8s.io/gateway-name": "gateway" }, 80, undefined),
    pods: (ready) => [
      pod("default", "gateway-istio-6b8f9c7d5-q4wzn", { "gateway.networking.k8s.io/gateway-name": "gateway", "gateway.networking.k8s.io/gateway-class-name": "istio", "gateway.istio.io/managed": "istio.io-gateway-controller", "service.istio.io/canonical-name": "gateway-istio" }, ready),
    ],
  },
  {
    id: "cilium",
    className: "cilium",
    controllerName: "io.cilium/gateway-controller",
    gatewayNs: "default",
    gatewayName: "my-gateway",
    listenerPort: 80,
    svc: service("default", "cilium-gateway-my-gateway", { "io.cilium.gateway/owning-gateway": "my-gateway" }, undefined, 80, undefined),
    pods: (ready) => [pod("kube-system", "cilium-envoy-7xq2m", { "k8s-app": "cilium-envoy", "app.kubernetes.io/name": "cilium-envoy", "app.kubernetes.io/part-of": "cilium" }, ready), pod("kube-system", "cilium-4kz8p", { "k8s-app": "cilium", "app.kubernetes.io/name": "cilium-agent" }, true)],
  },
  {
    id: "nginx-gateway-fabric",
    className: "nginx",
    controllerName: "gateway.nginx.org/nginx-gateway-controller",
    gatewayNs: "default",
    gatewayName: "gateway",
    listenerPort: 80,
    svc: service(
      "default",
      "gateway-nginx",
      { "app.kubernetes.io/instance": "ngf", "app.kubernetes.io/managed-by": "ngf-nginx", "app.kubernetes.io/name": "gateway-nginx", "gateway.networking.k8s.io/gateway-name": "gateway" },
      { "app.kubernetes.io/instance": "ngf", "app.kubernetes.io/managed-by": "ngf-nginx", "app.kubernetes.io/name": "gateway-nginx", "gateway.networking.k8s.io/gateway-name": "gateway" },
      80,
      80,
    ),
    pods: (ready) => [pod("default", "gateway-nginx-7c9d8b6f4-m2vts", { "app.kubernetes.io/instance": "ngf", "app.kubernetes.io/managed-by": "ngf-nginx", "app.kubernetes.io/name": "gateway-nginx", "gateway.networking.k8s.io/gateway-name": "gateway" }, ready)],
    wrongTargetPort: 8080,
  },
  {
    id: "contour",
    className: "contour",
    controllerName: "projectcontour.io/gateway-controller",
    gatewayNs: "projectcontour",
    gatewayName: "contour",
    listenerPort: 80,
    svc: service("projectcontour", "envoy-contour", { "projectcontour.io/owning-gateway-name": "contour", "gateway.networking.k8s.io/gateway-name": "contour" }, { app: "envoy-contour" }, 80, 8080),
    pods: (ready) => [
      pod(
        "projectcontour",
        "envoy-contour-6wqlt",
        { app: "envoy-contour", "app.kubernetes.io/component": "ingress-controller", "app.kubernetes.io/instance": "contour", "app.kubernetes.io/name": "contour", "app.kubernetes.io/managed-by": "contour-gateway-provisioner", "projectcontour.io/owning-gateway-name": "contour" },
        ready,
      ),
    ],
    wrongTargetPort: 80,
  },
  {
    id: "traefik",
    className: "traefik",
    controllerName: "traefik.io/gateway-controller",
    gatewayNs: "default",
    gatewayName: "traefik-gateway",
    listenerPort: 8000,
    svc: service("kube-system", "traefik", { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/managed-by": "Helm" }, { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" }, 80, "web"),
    pods: (ready) => [pod("kube-system", "traefik-c98fdf6fb-7tkwn", { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" }, ready, [{ name: "web", containerPort: 8000 }, { name: "websecure", containerPort: 8443 }])],
  },
];

function svcFact(s: Service): ServiceFact {
  const sp = s.spec.ports![0]!;
  return { namespace: s.metadata.namespace!, name: s.metadata.name, type: s.spec.type ?? "ClusterIP", port: sp.port, nodePort: sp.nodePort ?? null, targetPort: sp.targetPort ?? null, via: "nodeport" };
}

function ctxFor(kube: MemoryData["kube"], facts: PathFacts, url = "http://www.example.com:8080/"): CheckContext {
  const s = memorySources({ kube });
  const u = new URL(url);
  return {
    target: { url, scheme: "http", host: u.hostname, port: Number(u.port), path: u.pathname },
    kube: s.kube,
    docker: s.docker,
    host: s.host,
    probe: s.probe,
    facts,
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  } as CheckContext;
}

function world(c: ImplCase, ready: boolean, svc: Service = c.svc): MemoryData["kube"] {
  return {
    services: [svc],
    pods: c.pods(ready),
    gateways: [gateway(c.gatewayNs, c.gatewayName, c.className, c.listenerPort)],
    gatewayclasses: [gatewayClass(c.className, c.controllerName)],
    events: [],
    deployments: [],
    ingresses: [],
    ingressclasses: [],
    nodes: [],
  };
}

describe("the implementations table", () => {
  it("covers every implementation the issue names, each with a controllerName and its sources", () => {
    expect(GATEWAY_IMPLEMENTATIONS.map((i) => i.id).sort()).toEqual(["cilium", "contour", "envoy-gateway", "istio", "kgateway", "nginx-gateway-fabric", "traefik"]);
    for (const i of GATEWAY_IMPLEMENTATIONS) {
      expect(i.controllerNames.length).toBeGreaterThan(0);
      expect(i.sources.length).toBeGreaterThan(0);
    }
  });

  it.each(CASES.map((c) => [c.controllerName, c.id] as const))("names controllerName %s %s", (controllerName, id) => {
    expect(implementationOfControllerName(controllerName)).toBe(id);
  });

  it("calls a controllerName it does not know generic, and none null", () => {
    expect(implementationOfControllerName("example.net/gateway-controller")).toBe("other");
    expect(implementationOfControllerName(undefined)).toBeNull();
  });

  it.each([
    ["envoy-gateway", 80, [10080]],
    ["envoy-gateway", 8080, [8080]],
    ["kgateway", 80, [8080, 80]],
    ["kgateway", 19080, [19080]],
    ["contour", 80, [8080]],
    ["contour", 443, [8443]],
    ["istio", 80, [80]],
    ["nginx-gateway-fabric", 80, [80]],
    ["cilium", 80, null],
    ["traefik", 8000, null],
    ["other", 80, null],
  ] as const)("maps %s listener port %i to container ports %j", (id, port, expected) => {
    expect(proxyContainerPorts(port, id)).toEqual(expected);
  });

  it("reads the proxy Service labels of each implementation", () => {
    const owners = CASES.map((c) => [c.id, proxyOwnerOf(c.svc)]);
    expect(Object.fromEntries(owners)).toEqual({
      "envoy-gateway": { namespace: "default", name: "eg", implementation: "envoy-gateway" },
      kgateway: { namespace: "openchoreo-control-plane", name: "gateway-default", implementation: "kgateway" },
      // Istio and NGF label their Service only with the GEP-1762 label: the GatewayClass names the implementation.
      istio: { namespace: "default", name: "gateway", implementation: "other" },
      cilium: { namespace: "default", name: "my-gateway", implementation: "cilium" },
      "nginx-gateway-fabric": { namespace: "default", name: "gateway", implementation: "other" },
      contour: { namespace: "projectcontour", name: "contour", implementation: "contour" },
      traefik: null,
    });
  });

  it("resolves traefik's named targetPort web to the entryPoint port its listeners use", () => {
    const c = CASES.find((x) => x.id === "traefik")!;
    expect(listenerPortFor("traefik", c.svc.spec.ports![0]!, c.pods(true))).toBe(8000);
    expect(listenerPortFor("istio", { port: 80, targetPort: 8080 }, [])).toBe(80);
  });
});

describe.each(CASES)("$id", (c) => {
  const facts = (): PathFacts => ({ service: svcFact(c.svc) });

  it("is recognised by gateway.found from the entry Service", async () => {
    const out = await gatewayFound.run(ctxFor(world(c, true), facts()));
    expect(out.status).toBe("pass");
    expect(out.facts?.gateway).toMatchObject({ namespace: c.gatewayNs, name: c.gatewayName, implementation: c.id, port: c.listenerPort, listener: "http" });
  });

  it("has Ready proxy pods found by gateway.proxy-ready", async () => {
    const found = await gatewayFound.run(ctxFor(world(c, true), facts()));
    const out = await proxyReady.run(ctxFor(world(c, true), { ...facts(), ...found.facts }));
    expect(out.status).toBe("pass");
  });

  it("fails gateway.proxy-ready when its proxy pods are not Ready", async () => {
    const found = await gatewayFound.run(ctxFor(world(c, false), facts()));
    const out = await proxyReady.run(ctxFor(world(c, false), { ...facts(), ...found.facts }));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("CrashLoopBackOff");
  });

  it("serves the listener port at the container port its proxy binds", async () => {
    const found = await gatewayFound.run(ctxFor(world(c, true), facts()));
    const out = await listenerServesPort.run(ctxFor(world(c, true), { ...facts(), ...found.facts }));
    expect(out.status).toBe("pass");
  });

  it.runIf(c.wrongTargetPort !== undefined)("fails when the Service targets a port the proxy does not bind", async () => {
    const bad = structuredClone(c.svc);
    bad.spec.ports![0]!.targetPort = c.wrongTargetPort!;
    const f: PathFacts = { service: svcFact(bad) };
    const found = await gatewayFound.run(ctxFor(world(c, true, bad), f));
    const out = await listenerServesPort.run(ctxFor(world(c, true, bad), { ...f, ...found.facts }));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain(`targets ${c.wrongTargetPort}`);
  });
});

describe("an implementation netdoctor does not know", () => {
  const svc = service("gw", "edge-proxy", { "gateway.networking.k8s.io/gateway-name": "edge" }, { app: "edge-proxy" }, 80, 8888);
  const kube: MemoryData["kube"] = {
    services: [svc],
    pods: [pod("gw", "edge-proxy-0", { app: "edge-proxy" }, true)],
    gateways: [gateway("gw", "edge", "example", 80)],
    gatewayclasses: [gatewayClass("example", "example.net/gateway-controller")],
    events: [],
    deployments: [],
  };

  it("is still found from the GEP-1762 label and said to be generic", async () => {
    const out = await gatewayFound.run(ctxFor(kube, { service: svcFact(svc) }));
    expect(out.status).toBe("pass");
    expect(out.facts?.gateway).toMatchObject({ name: "edge", implementation: "other" });
    expect(out.summary).toContain("generic");
  });

  it("is not held to any implementation's port mapping", async () => {
    const found = await gatewayFound.run(ctxFor(kube, { service: svcFact(svc) }));
    const out = await listenerServesPort.run(ctxFor(kube, { service: svcFact(svc), ...found.facts }));
    expect(out.status).toBe("pass");
  });
});

describe("traefik as a Gateway API provider", () => {
  const c = CASES.find((x) => x.id === "traefik")!;

  it("takes the Gateway path, not the Ingress path, when a traefik Gateway listens on the entryPoint", async () => {
    const out = await ingressControllerReady.run(ctxFor(world(c, true), { service: svcFact(c.svc) }));
    expect(out.status).toBe("skip");
    expect(out.summary).toContain("Gateway default/traefik-gateway");
    expect(out.facts?.ingressController).toBeNull();
  });

  it("fails listener-serves-port when the listener uses the Service port instead of the entryPoint port", async () => {
    const kube = world(c, true);
    kube!.gateways = [gateway(c.gatewayNs, c.gatewayName, c.className, 80)];
    const found = await gatewayFound.run(ctxFor(kube, { service: svcFact(c.svc) }));
    expect(found.facts?.gateway).toMatchObject({ port: 8000, implementation: "traefik" });
    const out = await listenerServesPort.run(ctxFor(kube, { service: svcFact(c.svc), ...found.facts }));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("no listener on port 8000");
    expect(out.details).toContain("entryPoint");
  });

  it("stays an ingress controller when no Gateway of a traefik class exists", async () => {
    const kube = world(c, true);
    kube!.gateways = [];
    const out = await ingressControllerReady.run(ctxFor(kube, { service: svcFact(c.svc) }));
    expect(out.facts?.ingressController).toMatchObject({ implementation: "traefik" });
  });
});

describe("a kind mapping for a Gateway whose controller never created its proxy Service", () => {
  const kindNode: ContainerFact = {
    id: "f416651287e3",
    name: "kind-control-plane",
    role: "kind-node",
    cluster: "kind",
    hostIp: "0.0.0.0",
    hostPort: 8080,
    containerPort: 30080,
    protocol: "tcp",
    running: true,
    networks: { kind: "172.18.0.2" },
  };
  const backend = service("default", "backend", { app: "backend" }, { app: "backend" }, 3000, 3000);
  backend.spec.type = "ClusterIP";
  delete backend.spec.ports![0]!.nodePort;
  const cls = gatewayClass("contour", "projectcontour.io/gateway-controller");
  cls.status = { conditions: [{ type: "Accepted", status: "False", reason: "InvalidParameters", message: 'invalid ContourDeployment spec.envoy.networkPublishing.type "NodePort", must be LoadBalancerService, NoderPortService or ClusterIPService' }] };
  const gw = gateway("projectcontour", "contour", "contour", 80);
  delete gw.status;
  const kube: MemoryData["kube"] = { services: [backend], pods: [], gateways: [gw], gatewayclasses: [cls], daemonsets: [], events: [] };

  it("names the Gateway, not the only application Service, on the service hop", async () => {
    const out = await receivesPort.run(ctxFor(kube, { container: kindNode }));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("Gateway projectcontour/contour has no proxy Service");
    expect(out.summary).not.toContain("default/backend");
    expect(out.facts?.service).toBeNull();
    expect(out.fixes ?? []).toEqual([]);
  });

  it("leads gateway.found to that Gateway, and gateway.class-accepted to the class's InvalidParameters", async () => {
    const found = await gatewayFound.run(ctxFor(kube, { container: kindNode, service: null }));
    expect(found.status).toBe("warn");
    expect(found.facts?.gateway).toMatchObject({ namespace: "projectcontour", name: "contour", implementation: "contour", port: 80 });
    const cls = await classAccepted.run(ctxFor(kube, { container: kindNode, service: null, ...found.facts }));
    expect(cls.status).toBe("fail");
    expect(cls.summary).toContain("InvalidParameters");
  });
});
