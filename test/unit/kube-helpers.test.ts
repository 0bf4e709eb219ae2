import { describe, expect, it } from "vitest";
import type { KubeEvent, Pod, Service } from "../../src/kube/types.js";
import {
  backendOfPath,
  describePodState,
  eventsFor,
  findServicePort,
  formatSelector,
  gatewayOfService,
  getCondition,
  hostPortsOf,
  isOwnedBy,
  listenerHostnameScore,
  matchesLabelSelector,
  ownerOf,
  podState,
  podsSelectedBy,
  proxyContainerPort,
  proxyServicesOf,
  resolveTargetPort,
  serviceSelects,
  svclbFor,
} from "../../src/kube/helpers.js";

const pod = (name: string, extra: Partial<Pod> = {}, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, namespace: "ns", labels, uid: `uid-${name}` },
  spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] },
  ...extra,
});

describe("matchesLabelSelector", () => {
  const labels = { app: "web", tier: "api" };
  it.each([
    ["matches matchLabels", { matchLabels: { app: "web" } }, true],
    ["rejects a different matchLabels value", { matchLabels: { app: "db" } }, false],
    ["matches In", { matchExpressions: [{ key: "tier", operator: "In" as const, values: ["api", "ui"] }] }, true],
    ["rejects In when the key is absent", { matchExpressions: [{ key: "zone", operator: "In" as const, values: ["a"] }] }, false],
    ["matches NotIn when the key is absent", { matchExpressions: [{ key: "zone", operator: "NotIn" as const, values: ["a"] }] }, true],
    ["rejects NotIn with a listed value", { matchExpressions: [{ key: "tier", operator: "NotIn" as const, values: ["api"] }] }, false],
    ["matches Exists", { matchExpressions: [{ key: "app", operator: "Exists" as const }] }, true],
    ["rejects DoesNotExist for a present key", { matchExpressions: [{ key: "app", operator: "DoesNotExist" as const }] }, false],
    ["ANDs matchLabels and matchExpressions", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In" as const, values: ["ui"] }] }, false],
    ["matches everything with an empty selector", {}, true],
  ])("%s", (_name, selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });
  it("matches nothing with a null selector", () => {
    expect(matchesLabelSelector(labels, null)).toBe(false);
  });
});

describe("serviceSelects", () => {
  it("selects pods carrying every selector label", () => {
    expect(serviceSelects({ app: "web" }, { app: "web", x: "y" })).toBe(true);
    expect(serviceSelects({ app: "web", tier: "api" }, { app: "web" })).toBe(false);
  });
  it("selects nothing when the Service has no selector", () => {
    expect(serviceSelects(undefined, { app: "web" })).toBe(false);
    expect(serviceSelects({}, { app: "web" })).toBe(false);
  });
  it("formats selectors as kubectl does", () => {
    expect(formatSelector({ app: "web", tier: "api" })).toBe("app=web,tier=api");
    expect(formatSelector(undefined)).toBe("<none>");
  });
  it("keeps only pods of the namespace", () => {
    const a = pod("a", {}, { app: "web" });
    const b = { ...pod("b", {}, { app: "web" }), metadata: { name: "b", namespace: "other", labels: { app: "web" } } };
    expect(podsSelectedBy([a, b], "ns", { app: "web" }).map((p) => p.metadata.name)).toEqual(["a"]);
  });
});

describe("conditions and events", () => {
  it("finds a condition by type", () => {
    const conds = [{ type: "Accepted", status: "True" as const }, { type: "Programmed", status: "False" as const, reason: "AddressNotAssigned" }];
    expect(getCondition(conds, "Programmed")?.reason).toBe("AddressNotAssigned");
    expect(getCondition(conds, "Ready")).toBeUndefined();
  });
  it("returns the events of an object newest first", () => {
    const ev = (name: string, t: string, involved: string, kind = "Pod"): KubeEvent => ({
      metadata: { name, namespace: "ns" },
      involvedObject: { kind, namespace: "ns", name: involved },
      lastTimestamp: t,
    });
    const events = [ev("old", "2026-01-01T10:00:00Z", "p"), ev("other", "2026-01-01T12:00:00Z", "q"), ev("new", "2026-01-01T11:00:00Z", "p"), ev("svc", "2026-01-01T13:00:00Z", "p", "Service")];
    expect(eventsFor(events, { kind: "Pod", namespace: "ns", name: "p" }).map((e) => e.metadata.name)).toEqual(["new", "old"]);
  });
});

describe("podState", () => {
  it("reports CrashLoopBackOff with restarts and the last exit code", () => {
    const p = pod("api-1", {
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady" }],
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 12,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=app" } },
            lastState: { terminated: { reason: "Error", exitCode: 1 } },
          },
        ],
      },
    });
    const s = podState(p);
    expect(s).toMatchObject({ ready: false, reason: "CrashLoopBackOff", restarts: 12, lastExitCode: 1, notReadyContainers: ["app"] });
    expect(describePodState(s)).toBe("api-1: CrashLoopBackOff, 12 restarts, last exit code 1");
  });
  it("reports an unschedulable pod with the scheduler's message", () => {
    const msg = "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.";
    const s = podState(pod("lb", { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: msg }] } }));
    expect(s).toMatchObject({ ready: false, reason: "Unschedulable", message: msg, phase: "Pending" });
  });
  it("reports a Ready pod as ready", () => {
    expect(podState(pod("ok", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } })).ready).toBe(true);
  });
});

describe("owners", () => {
  it("finds the controller owner and matches by uid", () => {
    const owner = { kind: "DaemonSet", metadata: { name: "svclb-x", uid: "u1" } };
    const p = pod("p", { metadata: { name: "p", ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "svclb-x", uid: "u1", controller: true }] } });
    expect(ownerOf(p)?.name).toBe("svclb-x");
    expect(ownerOf(p, "ReplicaSet")).toBeUndefined();
    expect(isOwnedBy(p, owner)).toBe(true);
    expect(isOwnedBy(p, { ...owner, metadata: { name: "svclb-x", uid: "u2" } })).toBe(false);
  });
});

describe("Service ports", () => {
  const svc: Service = { metadata: { name: "api", namespace: "ns" }, spec: { ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "grpc", port: 9090 }] } };
  it("finds a port by number and by name", () => {
    expect(findServicePort(svc, 80)?.name).toBe("http");
    expect(findServicePort(svc, "grpc")?.port).toBe(9090);
    expect(findServicePort(svc, 8080)).toBeUndefined();
  });
  it("resolves named, numeric and absent targetPorts against a pod", () => {
    const p = pod("p");
    expect(resolveTargetPort(svc.spec.ports![0]!, p)).toBe(8080);
    expect(resolveTargetPort(svc.spec.ports![1]!, p)).toBe(9090);
    expect(resolveTargetPort({ port: 80, targetPort: "metrics" }, p)).toBeUndefined();
  });
  it("lists hostPorts of a pod for a port and protocol", () => {
    const p: Pod = { metadata: { name: "svclb" }, spec: { containers: [{ name: "lb-tcp-80", ports: [{ name: "lb-tcp-80", containerPort: 80, hostPort: 80, protocol: "TCP" }] }] } };
    expect(hostPortsOf(p, 80)).toHaveLength(1);
    expect(hostPortsOf(p, 80, "UDP")).toHaveLength(0);
    expect(hostPortsOf(p, 443)).toHaveLength(0);
  });
});

describe("svclb and gateway proxies", () => {
  const labels = (svc: string, ns: string) => ({ "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns });
  it("finds the svclb DaemonSet and pods of a Service by labels", () => {
    const ds = { metadata: { name: "svclb-traefik-1a2b3c4d", namespace: "kube-system", labels: labels("traefik", "kube-system") }, spec: { selector: {}, template: { spec: { containers: [] } } } };
    const p1 = { ...pod("svclb-traefik-1a2b3c4d-x"), metadata: { name: "svclb-traefik-1a2b3c4d-x", namespace: "kube-system", labels: labels("traefik", "kube-system") } };
    const p2 = { ...pod("svclb-traefik-ffff-x"), metadata: { name: "svclb-traefik-ffff-x", namespace: "kube-system", labels: labels("traefik", "other") } };
    const r = svclbFor({ namespace: "kube-system", name: "traefik" }, [ds], [p1, p2]);
    expect(r.daemonSets).toHaveLength(1);
    expect(r.pods.map((p) => p.metadata.name)).toEqual(["svclb-traefik-1a2b3c4d-x"]);
  });
  it.each([
    ["kgateway", { "gateway.networking.k8s.io/gateway-name": "gateway-default", kgateway: "kube-gateway" }, "openchoreo-control-plane", { namespace: "openchoreo-control-plane", name: "gateway-default", implementation: "kgateway" }],
    ["Envoy Gateway", { "gateway.envoyproxy.io/owning-gateway-name": "eg", "gateway.envoyproxy.io/owning-gateway-namespace": "default" }, "envoy-gateway-system", { namespace: "default", name: "eg", implementation: "envoy-gateway" }],
    ["another implementation", { "gateway.networking.k8s.io/gateway-name": "gw" }, "istio-ingress", { namespace: "istio-ingress", name: "gw", implementation: "other" }],
    ["a plain Service", { app: "web" }, "default", null],
  ])("identifies the Gateway of a %s proxy Service", (_n, l, ns, expected) => {
    const svc: Service = { metadata: { name: "s", namespace: ns, labels: l }, spec: {} };
    expect(gatewayOfService(svc)).toEqual(expected);
    if (expected) expect(proxyServicesOf(expected, [svc])).toHaveLength(1);
  });
  it("shifts Envoy Gateway ports below 1024 by 10000", () => {
    expect(proxyContainerPort(80, "envoy-gateway")).toBe(10080);
    expect(proxyContainerPort(8080, "envoy-gateway")).toBe(8080);
    expect(proxyContainerPort(80, "kgateway")).toBe(8080);
  });
});

describe("listenerHostnameScore", () => {
  it("ranks exact over longer wildcard over shorter wildcard over none", () => {
    const host = "api.openchoreo.localhost";
    const scores = ["api.openchoreo.localhost", "*.openchoreo.localhost", "*.localhost", undefined].map((h) => listenerHostnameScore(h, host));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.every((s) => s >= 0)).toBe(true);
  });
  it("does not match a wildcard against its apex or a different name", () => {
    expect(listenerHostnameScore("*.openchoreo.localhost", "openchoreo.localhost")).toBe(-1);
    expect(listenerHostnameScore("foo.example.com", "bar.example.com")).toBe(-1);
    expect(listenerHostnameScore("*.example.com", "a.b.example.com")).toBeGreaterThan(0);
  });
});

describe("backendOfPath", () => {
  const service = { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" as const };
  it("prefers the route's backend", () => {
    expect(backendOfPath({ backend: { namespace: "a", name: "b", port: 1 }, service })).toMatchObject({ name: "b", from: "route" });
  });
  it("uses the entry Service when there is no Gateway and no route", () => {
    expect(backendOfPath({ service, gateway: null, route: null, backend: null })).toMatchObject({ name: "web", port: 80, from: "entry-service" });
  });
  it("returns null when a Gateway is on the path but no backend was resolved", () => {
    const gateway = { namespace: "a", name: "g", className: "kgateway", listener: "http", port: 80, implementation: "kgateway" as const };
    expect(backendOfPath({ service, gateway, backend: null })).toBeNull();
  });
});
