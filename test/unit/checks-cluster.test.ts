/**
 * Table-driven tests of the cluster-side checks (service, gateway, backend
 * hops) over memorySources, with objects as real clusters show them
 * (../shared/reference/real-world-facts.md §2–§6).
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOutcome, ContainerFact, FixId, PathFacts, Target } from "../../src/engine/types.js";
import type { DaemonSet, EndpointSlice, Gateway, GatewayClass, HelmChart, KubeEvent, Node, Pod, Service } from "../../src/kube/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import { SourceError } from "../../src/sources/types.js";
import receivesPort from "../../checks/service/receives-port.js";
import portFree from "../../checks/service/port-free.js";
import lbReady from "../../checks/service/load-balancer-ready.js";
import gatewayFound from "../../checks/gateway/found.js";
import classAccepted from "../../checks/gateway/class-accepted.js";
import programmed from "../../checks/gateway/programmed.js";
import listenerServesPort from "../../checks/gateway/listener-serves-port.js";
import proxyReady from "../../checks/gateway/proxy-ready.js";
import serviceExists from "../../checks/backend/service-exists.js";
import endpointsReady from "../../checks/backend/endpoints-ready.js";
import podsReady from "../../checks/backend/pods-ready.js";
import targetPortMatches from "../../checks/backend/target-port-matches.js";
import answers from "../../checks/backend/answers.js";

// ---------------------------------------------------------------- object builders

const CP = "openchoreo-control-plane";
const T0 = "2026-11-22T10:00:00Z";

const container = (over: Partial<ContainerFact> = {}): ContainerFact => ({
  id: "3f0c9a2b7d1e",
  name: "k3d-openchoreo-serverlb",
  role: "k3d-serverlb",
  cluster: "openchoreo",
  hostIp: "0.0.0.0",
  hostPort: 8080,
  containerPort: 8080,
  protocol: "tcp",
  running: true,
  networks: { "k3d-openchoreo": "172.19.0.3" },
  ...over,
});
const kindNode = (containerPort: number): ContainerFact =>
  container({ id: "9b1d2e", name: "kind-control-plane", role: "kind-node", cluster: "kind", hostPort: 8080, containerPort, networks: { kind: "172.18.0.2" } });

const ready = [{ type: "Ready", status: "True" as const }];

function service(ns: string, name: string, spec: Service["spec"], labels: Record<string, string> = {}, ingress: string[] = []): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, uid: `${name.replace(/[^a-z]/g, "").padEnd(8, "0").slice(0, 8)}-4c1e-4a8e-9a0b-2f6d3c1b7e55`, labels },
    spec: { clusterIP: "10.43.12.7", ...spec },
    status: { loadBalancer: ingress.length ? { ingress: ingress.map((ip) => ({ ip, ipMode: "VIP" })) } : {} },
  };
}

const kgwLabels = (gw: string) => ({
  kgateway: "kube-gateway",
  "app.kubernetes.io/name": gw,
  "app.kubernetes.io/instance": gw,
  "gateway.networking.k8s.io/gateway-name": gw,
  "gateway.networking.k8s.io/gateway-class-name": "kgateway",
  "app.kubernetes.io/managed-by": "kgateway",
});

function gatewayService(port: number, ingress: string[] = ["172.19.0.2"]): Service {
  return service(
    CP,
    "gateway-default",
    {
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/name": "gateway-default", "app.kubernetes.io/instance": "gateway-default", "gateway.networking.k8s.io/gateway-name": "gateway-default" },
      ports: [{ name: "http", protocol: "TCP", port, targetPort: port, nodePort: 31547 }],
      externalTrafficPolicy: "Cluster",
    },
    kgwLabels("gateway-default"),
    ingress,
  );
}

const traefikService = (): Service =>
  service(
    "kube-system",
    "traefik",
    {
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/name": "traefik" },
      ports: [
        { name: "web", protocol: "TCP", port: 80, targetPort: "web", nodePort: 30917 },
        { name: "websecure", protocol: "TCP", port: 443, targetPort: "websecure", nodePort: 32204 },
      ],
    },
    { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "traefik" },
    ["172.19.0.2"],
  );

function svclbLabels(svc: string, ns: string) {
  return { app: `svclb-${svc}`, "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns };
}

function svclbDaemonSet(svc: Service): DaemonSet {
  const name = `svclb-${svc.metadata.name}-${svc.metadata.uid!.slice(0, 8)}`;
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "kube-system", uid: `ds-${name}`, labels: { ...svclbLabels(svc.metadata.name, svc.metadata.namespace!), "svccontroller.k3s.cattle.io/nodeselector": "false" } },
    spec: { selector: { matchLabels: { app: name } }, template: { spec: { containers: [] } } },
  };
}

function svclbPod(svc: Service, suffix: string, phase: "Running" | "Pending"): Pod {
  const ds = svclbDaemonSet(svc);
  const name = `${ds.metadata.name}-${suffix}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "kube-system",
      uid: `pod-${name}`,
      labels: { ...svclbLabels(svc.metadata.name, svc.metadata.namespace!), "controller-revision-hash": "6c9b8d7f4" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid, controller: true }],
    },
    spec: {
      nodeName: phase === "Running" ? "k3d-openchoreo-server-0" : undefined,
      containers: (svc.spec.ports ?? []).map((p) => ({
        name: `lb-tcp-${p.port}`,
        image: "rancher/klipper-lb:v0.4.9",
        ports: [{ name: `lb-tcp-${p.port}`, containerPort: p.port, hostPort: p.port, protocol: "TCP" }],
        env: [{ name: "SRC_PORT", value: String(p.port) }, { name: "DEST_PROTO", value: "TCP" }, { name: "DEST_PORT", value: String(p.port) }],
      })),
    },
    status:
      phase === "Running"
        ? { phase, hostIP: "172.19.0.2", podIP: "10.42.0.9", conditions: ready, containerStatuses: (svc.spec.ports ?? []).map((p) => ({ name: `lb-tcp-${p.port}`, ready: true, restartCount: 0, state: { running: { startedAt: T0 } } })) }
        : {
            phase,
            conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: FREE_PORTS }],
          },
  };
}

const FREE_PORTS =
  "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. no new claims to deallocate, preemption: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.";

function event(pod: Pod, reason: string, message: string, type: "Normal" | "Warning" = "Warning", at = T0): KubeEvent {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod.metadata.name}.1879c0a${reason.length}`, namespace: pod.metadata.namespace },
    involvedObject: { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    reason,
    message,
    type,
    count: 3,
    source: { component: reason === "FailedScheduling" ? "default-scheduler" : "kubelet" },
    firstTimestamp: at,
    lastTimestamp: at,
  };
}

function appPod(ns: string, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[], state: "ready" | "crash" | "pull" = "ready"): Pod {
  const container = name.split("-").slice(0, -2).join("-") || name;
  const statuses =
    state === "ready"
      ? [{ name: container, ready: true, restartCount: 0, state: { running: { startedAt: T0 } } }]
      : state === "crash"
        ? [
            {
              name: container,
              ready: false,
              restartCount: 12,
              state: { waiting: { reason: "CrashLoopBackOff", message: `back-off 5m0s restarting failed container=${container} pod=${name}_${ns}(0d6f…)` } },
              lastState: { terminated: { reason: "Error", exitCode: 1, startedAt: T0 } as never },
            },
          ]
        : [{ name: container, ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "ghcr.io/openchoreo/${container}:v9.9.9"` } } }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels },
    spec: { nodeName: "k3d-openchoreo-server-0", containers: [{ name: container, image: `ghcr.io/openchoreo/${container}:v0.4.0`, ports }] },
    status: {
      phase: "Running",
      podIP: "10.42.0.31",
      conditions: state === "ready" ? ready : [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: `containers with unready status: [${container}]` }],
      containerStatuses: statuses,
    },
  };
}

function slice(ns: string, svc: string, pods: Pod[], port: number, readyFlag: (p: Pod) => boolean = () => true): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${svc}-x8k2p`, namespace: ns, labels: { "kubernetes.io/service-name": svc, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
    addressType: "IPv4",
    endpoints: pods.map((p) => ({
      addresses: [p.status?.podIP ?? "10.42.0.31"],
      conditions: { ready: readyFlag(p), serving: readyFlag(p), terminating: false },
      nodeName: "k3d-openchoreo-server-0",
      targetRef: { kind: "Pod", namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
    })),
    ports: [{ name: "http", port, protocol: "TCP" }],
  };
}

const kgatewayClass = (accepted: boolean | "none" = true): GatewayClass => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "GatewayClass",
  metadata: { name: "kgateway" },
  spec: { controllerName: "kgateway.dev/kgateway" },
  status: {
    conditions:
      accepted === "none"
        ? []
        : [
            accepted
              ? { type: "Accepted", status: "True", reason: "Accepted", message: "GatewayClass accepted by kgateway controller" }
              : { type: "Accepted", status: "Unknown", reason: "Pending", message: "Waiting for controller" },
          ],
  },
});

function gateway(port: number, state: "programmed" | "waiting" | "no-address" | "stale" = "programmed", listeners?: Gateway["spec"]["listeners"], ns = CP, name = "gateway-default", className = "kgateway"): Gateway {
  const ls = listeners ?? [{ name: "http", protocol: "HTTP", port, allowedRoutes: { namespaces: { from: "All" } } }];
  const cond = (type: string, ok: boolean, reason: string, message: string) => ({ type, status: (ok ? "True" : "False") as "True" | "False", reason, message, observedGeneration: state === "stale" ? 1 : 2, lastTransitionTime: T0 });
  const conditions =
    state === "waiting"
      ? [
          { type: "Accepted", status: "Unknown" as const, reason: "Pending", message: "Waiting for controller", lastTransitionTime: "1970-01-01T00:00:00Z" },
          { type: "Programmed", status: "Unknown" as const, reason: "Pending", message: "Waiting for controller", lastTransitionTime: "1970-01-01T00:00:00Z" },
        ]
      : state === "no-address"
        ? [cond("Accepted", true, "Accepted", "The Gateway has been scheduled by Envoy Gateway"), cond("Programmed", false, "AddressNotAssigned", "No addresses have been assigned to the Gateway")]
        : [cond("Accepted", true, "Accepted", "Successfully accepted Gateway"), cond("Programmed", true, "Programmed", "Successfully programmed Gateway")];
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name, namespace: ns, generation: 2 },
    spec: { gatewayClassName: className, listeners: ls },
    status:
      state === "waiting"
        ? { conditions }
        : {
            addresses: state === "no-address" ? [] : [{ type: "IPAddress", value: "172.19.0.2" }],
            conditions,
            listeners: ls.map((l) => ({
              name: l.name,
              attachedRoutes: 2,
              supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
              conditions: [
                cond("Accepted", true, "Accepted", "Successfully accepted Listener"),
                { ...cond("Conflicted", false, "NoConflicts", "Successfully verified that Listener has no conflicts"), status: "False" as const },
                cond("ResolvedRefs", true, "ResolvedRefs", "Successfully resolved all references"),
                cond("Programmed", true, "Programmed", "Successfully programmed Listener"),
              ],
            })),
          },
  };
}

const proxyPod = (readyState: "ready" | "crash" = "ready") =>
  appPod(CP, "gateway-default-6d8f7c9b4-q2w8z", { "app.kubernetes.io/name": "gateway-default", "app.kubernetes.io/instance": "gateway-default", "gateway.networking.k8s.io/gateway-name": "gateway-default", "pod-template-hash": "6d8f7c9b4" }, [{ name: "http", containerPort: 8080 }], readyState);

const apiLabels = { "app.kubernetes.io/name": "openchoreo-api", "app.kubernetes.io/component": "api-server" };
/** The openchoreo-api Service; `selector: null` = a Service without selector. */
const apiService = (targetPort: number | string = 8080, selector: Record<string, string> | null = apiLabels): Service =>
  service(CP, "openchoreo-api", { type: "ClusterIP", selector: selector ?? undefined, ports: [{ name: "http", protocol: "TCP", port: 8080, targetPort }] }, { "app.kubernetes.io/name": "openchoreo-api" });
const apiPod = (state: "ready" | "crash" | "pull" = "ready", ports = [{ name: "http", containerPort: 8080 }]) => appPod(CP, "openchoreo-api-7c9d5b6f8-k2x9w", apiLabels, ports, state);

// ---------------------------------------------------------------- facts

const svcFact = (over: Partial<NonNullable<PathFacts["service"]>> = {}): NonNullable<PathFacts["service"]> => ({
  namespace: CP,
  name: "gateway-default",
  type: "LoadBalancer",
  port: 8080,
  nodePort: 31547,
  targetPort: 8080,
  via: "svclb",
  ...over,
});
const gwFact = (over: Partial<NonNullable<PathFacts["gateway"]>> = {}): NonNullable<PathFacts["gateway"]> => ({
  namespace: CP,
  name: "gateway-default",
  className: "kgateway",
  listener: "http",
  port: 8080,
  implementation: "kgateway",
  ...over,
});
const apiBackend = { backend: { namespace: CP, name: "openchoreo-api", port: 8080 }, route: { kind: "HTTPRoute" as const, namespace: CP, name: "openchoreo-api", rule: 0 } };

// ---------------------------------------------------------------- scenarios (object sets)

function healthyK3d(): MemoryData["kube"] {
  const gw = gatewayService(8080);
  const api = apiPod();
  return {
    services: [gw, apiService(), service("kube-system", "kube-dns", { type: "ClusterIP", selector: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP", targetPort: 53 }] })],
    daemonsets: [svclbDaemonSet(gw)],
    pods: [svclbPod(gw, "x7k2p", "Running"), proxyPod(), api],
    endpointslices: [slice(CP, "openchoreo-api", [api], 8080), slice(CP, "gateway-default", [proxyPod()], 8080)],
    gateways: [gateway(8080)],
    gatewayclasses: [kgatewayClass()],
    events: [],
  };
}

function traefikConflict(): MemoryData["kube"] {
  const gw = gatewayService(80, []);
  const tr = traefikService();
  const pending = svclbPod(gw, "d9z7d", "Pending");
  const chart: HelmChart = {
    apiVersion: "helm.cattle.io/v1",
    kind: "HelmChart",
    metadata: { name: "traefik", namespace: "kube-system", annotations: { "objectset.rio.cattle.io/owner-gvk": "k3s.cattle.io/v1, Kind=Addon", "objectset.rio.cattle.io/owner-name": "traefik" } },
    spec: { chart: "https://%{KUBERNETES_API}%/static/charts/traefik-34.2.1+up34.2.0.tgz" },
  };
  return {
    services: [gw, tr, apiService()],
    daemonsets: [svclbDaemonSet(gw), svclbDaemonSet(tr)],
    pods: [pending, svclbPod(tr, "lq8vn", "Running"), proxyPod(), apiPod()],
    events: [event(pending, "FailedScheduling", FREE_PORTS)],
    helmcharts: [chart],
    gateways: [gateway(80)],
    gatewayclasses: [kgatewayClass()],
  };
}

function kindNodePort(nodePort: number, type: "NodePort" | "LoadBalancer" = "NodePort"): MemoryData["kube"] {
  const web = appPod("default", "web-5d8c7b9f6-2xkqp", { app: "web" }, [{ containerPort: 8080 }]);
  return {
    services: [service("default", "web", { type, selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080, nodePort, protocol: "TCP" }] }), service("default", "kubernetes", { type: "ClusterIP", ports: [{ name: "https", port: 443, targetPort: 6443 }] })],
    pods: [web],
    endpointslices: [slice("default", "web", [web], 8080)],
  };
}

function noController(withClass: boolean | "none"): MemoryData["kube"] {
  return {
    services: [apiService()],
    pods: [apiPod()],
    gateways: [gateway(8080, "waiting")],
    gatewayclasses: withClass === false ? [] : [kgatewayClass(withClass === "none" ? "none" : false)],
  };
}

function envoyGateway(targetPort: number): MemoryData["kube"] {
  const svc = service(
    "envoy-gateway-system",
    "envoy-default-eg-e41e7b31",
    {
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway", "app.kubernetes.io/name": "envoy", "gateway.envoyproxy.io/owning-gateway-name": "eg", "gateway.envoyproxy.io/owning-gateway-namespace": "default" },
      ports: [{ name: "http-80", protocol: "TCP", port: 80, targetPort, nodePort: 30734 }],
    },
    { "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway", "app.kubernetes.io/name": "envoy", "gateway.envoyproxy.io/owning-gateway-name": "eg", "gateway.envoyproxy.io/owning-gateway-namespace": "default" },
    ["172.19.0.2"],
  );
  const envoy = appPod("envoy-gateway-system", "envoy-default-eg-e41e7b31-7d4b9c8f6-mzq4t", svc.spec.selector!, [{ name: "http-10080", containerPort: 10080 }]);
  return {
    services: [svc],
    daemonsets: [svclbDaemonSet(svc)],
    pods: [svclbPod(svc, "h5n2c", "Running"), envoy],
    gateways: [gateway(80, "programmed", [{ name: "http", protocol: "HTTP", port: 80 }], "default", "eg", "eg")],
    gatewayclasses: [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "eg" }, spec: { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" }, status: { conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "Valid GatewayClass" }] } }],
  };
}

// ---------------------------------------------------------------- harness

const target = (url = "http://api.openchoreo.localhost:8080/"): Target => {
  const u = new URL(url);
  return { url, scheme: u.protocol === "https:" ? "https" : "http", host: u.hostname, port: Number(u.port || (u.protocol === "https:" ? 443 : 80)), path: u.pathname };
};

function ctxFor(data: MemoryData, facts: PathFacts, url?: string, kubeOverride: Partial<CheckContext["kube"]> = {}): CheckContext {
  const s = memorySources(data);
  return {
    target: target(url),
    kube: { ...s.kube, ...kubeOverride },
    docker: s.docker,
    host: s.host,
    probe: s.probe,
    facts,
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  };
}

interface Case {
  situation: string;
  check: Check;
  kube: MemoryData["kube"];
  facts: PathFacts;
  url?: string;
  serviceProxy?: MemoryData["serviceProxy"];
  status: CheckOutcome["status"];
  summary: string | RegExp;
  fixes?: FixId[];
  published?: Partial<PathFacts>;
  evidence?: RegExp;
}

const cases: Case[] = [
  // ---------------- service.receives-port
  {
    situation: "OpenChoreo k3d healthy: gateway-default LoadBalancer on 8080 takes the serverlb port through svclb",
    check: receivesPort,
    kube: healthyK3d(),
    facts: { container: container() },
    status: "pass",
    summary: "k3d-openchoreo-serverlb forwards host 8080 → port 8080 on the nodes; LoadBalancer Service openchoreo-control-plane/gateway-default takes it through k3s ServiceLB",
    published: { service: svcFact() },
  },
  {
    situation: "traefik conflict: the Gateway proxy Service is the one the path needs, even though traefik holds port 80",
    check: receivesPort,
    kube: traefikConflict(),
    facts: { container: container({ containerPort: 80 }) },
    status: "pass",
    summary: "openchoreo-control-plane/gateway-default",
    published: { service: svcFact({ port: 80, targetPort: 80 }) },
    evidence: /kube-system\/traefik/,
  },
  {
    situation: "kind nodePort mismatch: node port 30080 mapped, Service has nodePort 30081",
    check: receivesPort,
    kube: kindNodePort(30081),
    facts: { container: kindNode(30080) },
    status: "fail",
    summary: "kind-control-plane maps host 8080 → node port 30080; no Service has nodePort 30080; NodePort Services: default/web nodePort 30081",
    fixes: ["service-to-nodeport", "kind-port-mapping"],
    // The only application Service is the one the mapping is meant for: named, but not reached from the node.
    published: { service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30081, targetPort: 8080, via: "cluster-ip" } },
  },
  {
    situation: "kind NodePort matches the mapped node port",
    check: receivesPort,
    kube: kindNodePort(30080),
    facts: { container: kindNode(30080) },
    status: "pass",
    summary: "NodePort Service default/web takes it as nodePort 30080 (port 80)",
    published: { service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" } },
  },
  {
    situation: "k3d mapping names a port no Service uses (old 8080:80 config, gateway on 8080)",
    check: receivesPort,
    kube: healthyK3d(),
    facts: { container: container({ containerPort: 80 }) },
    status: "fail",
    summary: "no Service takes port 80 (no LoadBalancer Service with port 80, no nodePort 80, no hostPort pod); LoadBalancer Services: openchoreo-control-plane/gateway-default 8080:31547",
    fixes: ["k3d-port-mapping"],
  },
  {
    situation: "k3d: a Gateway listens on the port but its controller never created the proxy Service",
    check: receivesPort,
    kube: noController(false),
    facts: { container: container() },
    status: "fail",
    summary: "Gateway openchoreo-control-plane/gateway-default has a listener on port 8080 but no proxy Service",
    fixes: [],
  },
  {
    situation: "no container fact: skipped but publishes service null",
    check: receivesPort,
    kube: healthyK3d(),
    facts: { container: null },
    status: "skip",
    summary: "not applicable: no container publishes the port",
    published: { service: null },
  },
  {
    situation: "kind ingress-nginx style hostPort pod takes the node port",
    check: receivesPort,
    kube: {
      pods: [{ ...appPod("ingress-nginx", "ingress-nginx-controller-6b9d4c7f5-p8t2z", { "app.kubernetes.io/name": "ingress-nginx" }, []), spec: { nodeName: "kind-control-plane", containers: [{ name: "controller", ports: [{ name: "http", containerPort: 80, hostPort: 80, protocol: "TCP" }] }] } }],
      services: [service("ingress-nginx", "ingress-nginx-controller", { type: "NodePort", selector: { "app.kubernetes.io/name": "ingress-nginx" }, ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 31080 }] })],
    },
    facts: { container: kindNode(80) },
    status: "pass",
    summary: "pod ingress-nginx/ingress-nginx-controller-6b9d4c7f5-p8t2z takes it as hostPort 80 (Service ingress-nginx/ingress-nginx-controller port 80)",
    published: { service: { namespace: "ingress-nginx", name: "ingress-nginx-controller", type: "NodePort", port: 80, nodePort: 31080, targetPort: "http", via: "hostport" } },
  },

  // ---------------- service.port-free
  {
    situation: "traefik conflict: svclb-gateway-default Pending, svclb-traefik holds hostPort 80",
    check: portFree,
    kube: traefikConflict(),
    facts: { service: svcFact({ port: 80, targetPort: 80 }) },
    status: "fail",
    summary: /^svclb pod kube-system\/svclb-gateway-default-\w+-d9z7d is Pending: port 80 is held by svclb-traefik-\w+-lq8vn \(Service kube-system\/traefik\)/,
    fixes: ["remove-traefik"],
    evidence: /didn't have free ports for the requested pod ports/,
  },
  {
    situation: "healthy k3d: nobody else holds 8080",
    check: portFree,
    kube: healthyK3d(),
    facts: { service: svcFact() },
    status: "pass",
    summary: "no other pod holds port 8080",
  },
  {
    situation: "NodePort path on kind: ServiceLB port sharing does not apply",
    check: portFree,
    kube: kindNodePort(30080),
    facts: { service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" } },
    status: "skip",
    summary: "not applicable: Service default/web is reached through nodePort 30080",
  },

  // ---------------- service.load-balancer-ready
  {
    situation: "healthy k3d: gateway-default has its svclb ingress",
    check: lbReady,
    kube: healthyK3d(),
    facts: { container: container(), service: svcFact() },
    status: "pass",
    summary: "Service openchoreo-control-plane/gateway-default has LoadBalancer ingress 172.19.0.2",
  },
  {
    situation: "traefik conflict: gateway-default pending because its svclb pod cannot schedule",
    check: lbReady,
    kube: traefikConflict(),
    facts: { container: container({ containerPort: 80 }), service: svcFact({ port: 80, targetPort: 80 }) },
    status: "fail",
    summary: /Service openchoreo-control-plane\/gateway-default has no LoadBalancer ingress \(svclb pods not Ready: svclb-gateway-default-\w+-d9z7d: Unschedulable\); expected an address from k3s ServiceLB/,
  },
  {
    situation: "RKE2 with enable-servicelb: the Pending svclb pod is RKE2's ServiceLB, not k3s'",
    check: lbReady,
    kube: { ...traefikConflict(), nodes: [{ apiVersion: "v1", kind: "Node", metadata: { name: "labhost", labels: { "node.kubernetes.io/instance-type": "rke2" }, annotations: { "rke2.io/node-args": '["server","--enable-servicelb","true"]' } }, spec: {}, status: {} } as unknown as Node] },
    facts: { container: container({ containerPort: 80 }), service: svcFact({ port: 80, targetPort: 80 }) },
    status: "fail",
    summary: /has no LoadBalancer ingress \(svclb pods not Ready: svclb-gateway-default-\w+-d9z7d: Unschedulable\); expected an address from RKE2 ServiceLB$/,
  },
  {
    situation: "kind: LoadBalancer pending but the path uses its nodePort — a warning",
    check: lbReady,
    kube: kindNodePort(30080, "LoadBalancer"),
    facts: { container: kindNode(30080), service: { namespace: "default", name: "web", type: "LoadBalancer", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" } },
    status: "warn",
    summary: "expected an address from cloud-provider-kind or MetalLB",
  },
  {
    situation: "NodePort Service: no LoadBalancer to check",
    check: lbReady,
    kube: kindNodePort(30080),
    facts: { container: kindNode(30080), service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" } },
    status: "skip",
    summary: "not applicable: Service default/web is type NodePort",
  },

  // ---------------- gateway.found
  {
    situation: "healthy k3d: gateway-default Service is the kgateway proxy of Gateway gateway-default",
    check: gatewayFound,
    kube: healthyK3d(),
    facts: { container: container(), service: svcFact() },
    status: "pass",
    summary: "Service openchoreo-control-plane/gateway-default is the proxy of Gateway openchoreo-control-plane/gateway-default (class kgateway, kgateway)",
    published: { gateway: gwFact() },
  },
  {
    situation: "Envoy Gateway: proxy Service in envoy-gateway-system names its Gateway by labels",
    check: gatewayFound,
    kube: envoyGateway(10080),
    facts: { container: container({ containerPort: 80 }), service: svcFact({ namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", port: 80, targetPort: 10080, nodePort: 30734 }) },
    status: "pass",
    summary: "is the proxy of Gateway default/eg (class eg, Envoy Gateway)",
    published: { gateway: { namespace: "default", name: "eg", className: "eg", listener: "http", port: 80, implementation: "envoy-gateway" } },
  },
  {
    situation: "traefik is the entry Service: not a Gateway proxy",
    check: gatewayFound,
    kube: traefikConflict(),
    facts: { service: { namespace: "kube-system", name: "traefik", type: "LoadBalancer", port: 80, nodePort: 30917, targetPort: "web", via: "svclb" } },
    status: "skip",
    summary: "not applicable: Service kube-system/traefik is not a Gateway proxy",
    published: { gateway: null },
  },
  {
    situation: "no Service takes the port, but a Gateway listens there without a proxy Service",
    check: gatewayFound,
    kube: noController(false),
    facts: { container: container(), service: null },
    status: "warn",
    summary: "Gateway openchoreo-control-plane/gateway-default has a listener on port 8080 but no proxy Service",
    published: { gateway: gwFact({ implementation: "other" }) },
  },

  {
    situation: "entry Service unresolved (receives-port could not run): the Gateway listening on the node port is used",
    check: gatewayFound,
    kube: healthyK3d(),
    facts: { container: container() },
    status: "pass",
    summary: "Gateway openchoreo-control-plane/gateway-default listens on port 8080 (proxy Service openchoreo-control-plane/gateway-default)",
    published: { gateway: gwFact() },
  },
  {
    situation: "entry Service resolved as none and no Gateway on the port",
    check: gatewayFound,
    kube: healthyK3d(),
    facts: { container: container({ containerPort: 80 }), service: null },
    status: "skip",
    summary: "not applicable: no Service takes port 80 and no Gateway listens on it",
    published: { gateway: null },
  },

  // ---------------- gateway.class-accepted
  {
    situation: "healthy: GatewayClass kgateway accepted",
    check: classAccepted,
    kube: healthyK3d(),
    facts: { gateway: gwFact() },
    status: "pass",
    summary: "GatewayClass kgateway is Accepted by kgateway.dev/kgateway",
  },
  {
    situation: "no controller: GatewayClass kgateway does not exist",
    check: classAccepted,
    kube: noController(false),
    facts: { gateway: gwFact() },
    status: "fail",
    summary: "GatewayClass kgateway does not exist; no controller will program Gateway openchoreo-control-plane/gateway-default",
  },
  {
    situation: "GatewayClass exists but no controller wrote any condition",
    check: classAccepted,
    kube: noController("none"),
    facts: { gateway: gwFact() },
    status: "fail",
    summary: "no controller has acted on it (is kgateway installed and running?",
  },
  {
    situation: "GatewayClass waiting for its controller",
    check: classAccepted,
    kube: noController(true),
    facts: { gateway: gwFact() },
    status: "fail",
    summary: "GatewayClass kgateway is Accepted=Unknown (Pending: Waiting for controller)",
  },

  // ---------------- gateway.programmed
  {
    situation: "healthy: Gateway Accepted and Programmed",
    check: programmed,
    kube: healthyK3d(),
    facts: { gateway: gwFact() },
    status: "pass",
    summary: "Gateway openchoreo-control-plane/gateway-default is Accepted and Programmed (address 172.19.0.2)",
  },
  {
    situation: "no controller: status Pending Waiting for controller",
    check: programmed,
    kube: noController(false),
    facts: { gateway: gwFact() },
    status: "fail",
    summary: "Accepted=Unknown (Pending: Waiting for controller), Programmed=Unknown (Pending: Waiting for controller); expected Accepted=True and Programmed=True",
  },
  {
    situation: "kind without LoadBalancer, reached through NodePort: AddressNotAssigned is a warning",
    check: programmed,
    kube: { gateways: [gateway(80, "no-address", undefined, "default", "eg", "eg")] },
    facts: { gateway: gwFact({ namespace: "default", name: "eg", className: "eg", port: 80, implementation: "envoy-gateway" }), service: svcFact({ via: "nodeport" }) },
    status: "warn",
    summary: "Programmed=False (AddressNotAssigned: No addresses have been assigned to the Gateway)",
  },
  {
    situation: "k3d: AddressNotAssigned on the svclb path is a failure",
    check: programmed,
    kube: { gateways: [gateway(80, "no-address", undefined, "default", "eg", "eg")] },
    facts: { gateway: gwFact({ namespace: "default", name: "eg", className: "eg", port: 80, implementation: "envoy-gateway" }), service: svcFact() },
    status: "fail",
    summary: "Programmed=False (AddressNotAssigned",
  },
  {
    situation: "status written for an older generation",
    check: programmed,
    kube: { gateways: [gateway(8080, "stale")] },
    facts: { gateway: gwFact() },
    status: "warn",
    summary: "for generation 1 while the spec is at generation 2",
  },

  // ---------------- gateway.listener-serves-port
  {
    situation: "healthy: listener http serves 8080",
    check: listenerServesPort,
    kube: healthyK3d(),
    facts: { gateway: gwFact({ listener: null }), service: svcFact() },
    status: "pass",
    summary: "Gateway openchoreo-control-plane/gateway-default listener http 8080/HTTP serves port 8080 for host api.openchoreo.localhost",
    published: { gateway: gwFact() },
  },
  {
    situation: "listener on 80 while the Service (and mapping) carry 8080",
    check: listenerServesPort,
    kube: { gateways: [gateway(80)] },
    facts: { gateway: gwFact({ listener: null }) },
    status: "fail",
    summary: "Gateway openchoreo-control-plane/gateway-default has no listener on port 8080; listeners: http 80/HTTP",
    published: { gateway: gwFact({ listener: null }) },
  },
  {
    situation: "several listeners on the port: the exact hostname wins over the wildcard",
    check: listenerServesPort,
    kube: {
      gateways: [
        gateway(8080, "programmed", [
          { name: "catch-all", protocol: "HTTP", port: 8080 },
          { name: "wild", protocol: "HTTP", port: 8080, hostname: "*.openchoreo.localhost" },
          { name: "api", protocol: "HTTP", port: 8080, hostname: "api.openchoreo.localhost" },
        ]),
      ],
    },
    facts: { gateway: gwFact({ listener: null }) },
    status: "pass",
    summary: "listener api 8080/HTTP api.openchoreo.localhost serves port 8080",
    published: { gateway: gwFact({ listener: "api" }) },
  },
  {
    situation: "only an HTTPS listener on the port for a plain http request",
    check: listenerServesPort,
    kube: { gateways: [gateway(8443, "programmed", [{ name: "https", protocol: "HTTPS", port: 8443, hostname: "*.openchoreo.invalid" }])] },
    facts: { gateway: gwFact({ port: 8443, listener: null }) },
    url: "http://api.openchoreo.localhost:8443/",
    status: "fail",
    summary: "does not speak HTTP for this http request",
  },
  {
    situation: "listener hostname does not accept the request host",
    check: listenerServesPort,
    kube: { gateways: [gateway(8080, "programmed", [{ name: "http", protocol: "HTTP", port: 8080, hostname: "*.openchoreo.invalid" }])] },
    facts: { gateway: gwFact({ listener: null }) },
    status: "fail",
    summary: "no listener of Gateway openchoreo-control-plane/gateway-default on port 8080 accepts host api.openchoreo.localhost",
  },
  {
    situation: "listener rejected by the controller: HostnameConflict",
    check: listenerServesPort,
    kube: (() => {
      const gw = gateway(8080);
      gw.status!.listeners![0]!.conditions = [
        { type: "Accepted", status: "True", reason: "Accepted" },
        { type: "Conflicted", status: "True", reason: "HostnameConflict", message: "Listener hostname conflicts with another listener" },
        { type: "Programmed", status: "False", reason: "Invalid", message: "Listener is invalid" },
      ];
      return { gateways: [gw] };
    })(),
    facts: { gateway: gwFact({ listener: null }) },
    status: "fail",
    summary: "listener http is Conflicted=True (HostnameConflict: Listener hostname conflicts with another listener)",
  },
  {
    situation: "Envoy Gateway: Service targetPort follows the +10000 shift (80 → 10080)",
    check: listenerServesPort,
    kube: envoyGateway(10080),
    facts: { gateway: gwFact({ namespace: "default", name: "eg", className: "eg", port: 80, implementation: "envoy-gateway", listener: null }), service: svcFact({ namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", port: 80, targetPort: 10080 }) },
    url: "http://www.example.com/",
    status: "pass",
    summary: "Gateway default/eg listener http 80/HTTP serves port 80",
  },
  {
    situation: "Envoy Gateway: Service targetPort not shifted",
    check: listenerServesPort,
    kube: envoyGateway(80),
    facts: { gateway: gwFact({ namespace: "default", name: "eg", className: "eg", port: 80, implementation: "envoy-gateway", listener: null }), service: svcFact({ namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", port: 80, targetPort: 80 }) },
    url: "http://www.example.com/",
    status: "fail",
    summary: "Envoy Gateway binds listener port 80 at container port 10080; expected targetPort 10080",
  },

  // ---------------- gateway.proxy-ready
  {
    situation: "healthy: the kgateway Envoy pod is Ready",
    check: proxyReady,
    kube: healthyK3d(),
    facts: { gateway: gwFact(), service: svcFact() },
    status: "pass",
    summary: "1/1 proxy pods of Gateway openchoreo-control-plane/gateway-default are Ready (gateway-default-6d8f7c9b4-q2w8z)",
  },
  {
    situation: "proxy crash-looping",
    check: proxyReady,
    kube: { ...healthyK3d(), pods: [proxyPod("crash")] },
    facts: { gateway: gwFact(), service: svcFact() },
    status: "fail",
    summary: "no proxy pod of Gateway openchoreo-control-plane/gateway-default is Ready (0/1): gateway-default-6d8f7c9b4-q2w8z: CrashLoopBackOff, 12 restarts, last exit code 1",
  },
  {
    situation: "no controller: no proxy Service at all",
    check: proxyReady,
    kube: noController(false),
    facts: { gateway: gwFact(), service: null },
    status: "fail",
    summary: "Gateway openchoreo-control-plane/gateway-default has no proxy Service or pods",
  },

  // ---------------- backend.service-exists
  {
    situation: "healthy: openchoreo-api has port 8080",
    check: serviceExists,
    kube: healthyK3d(),
    facts: { gateway: gwFact(), ...apiBackend },
    status: "pass",
    summary: "Service openchoreo-control-plane/openchoreo-api exists with port 8080 (http) → targetPort 8080",
  },
  {
    situation: "backendRef port 9090 not on the Service",
    check: serviceExists,
    kube: healthyK3d(),
    facts: { gateway: gwFact(), ...apiBackend, backend: { namespace: CP, name: "openchoreo-api", port: 9090 } },
    status: "fail",
    summary: "Service openchoreo-control-plane/openchoreo-api has no port 9090 (backendRef of HTTPRoute openchoreo-control-plane/openchoreo-api rule 0); ports: 8080 (http)",
  },
  {
    situation: "backend Service missing",
    check: serviceExists,
    kube: { services: [] },
    facts: { gateway: gwFact(), ...apiBackend },
    status: "fail",
    summary: "Service openchoreo-control-plane/openchoreo-api does not exist",
  },
  {
    situation: "kind NodePort app without Gateway: the entry Service is the backend",
    check: serviceExists,
    kube: kindNodePort(30080),
    facts: { gateway: null, route: null, backend: null, service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: 8080, via: "nodeport" } },
    status: "pass",
    summary: "Service default/web exists with port 80",
    published: { backend: { namespace: "default", name: "web", port: 80 } },
  },
  {
    situation: "neither a backend nor an entry Service",
    check: serviceExists,
    kube: {},
    facts: { gateway: null, service: null },
    status: "skip",
    summary: "not applicable: no backend Service on the path",
  },

  // ---------------- backend.endpoints-ready
  {
    situation: "healthy: one ready endpoint",
    check: endpointsReady,
    kube: healthyK3d(),
    facts: apiBackend,
    status: "pass",
    summary: "Service openchoreo-control-plane/openchoreo-api has 1 ready endpoint: openchoreo-api-7c9d5b6f8-k2x9w (10.42.0.31)",
  },
  {
    situation: "backend crash-looping: endpoint not ready",
    check: endpointsReady,
    kube: { services: [apiService()], pods: [apiPod("crash")], endpointslices: [slice(CP, "openchoreo-api", [apiPod("crash")], 8080, () => false)] },
    facts: apiBackend,
    status: "fail",
    summary: "Service openchoreo-control-plane/openchoreo-api has no ready endpoints; not ready: openchoreo-api-7c9d5b6f8-k2x9w (10.42.0.31)",
    evidence: /openchoreo-api-7c9d5b6f8-k2x9w/,
  },
  {
    situation: "backend no endpoints: selector matches no pods",
    check: endpointsReady,
    kube: { services: [apiService()], pods: [], endpointslices: [{ ...slice(CP, "openchoreo-api", [], 8080), endpoints: [] }] },
    facts: apiBackend,
    status: "fail",
    summary: "selector app.kubernetes.io/name=openchoreo-api,app.kubernetes.io/component=api-server matches no pods in namespace openchoreo-control-plane",
  },
  {
    situation: "Service without selector and no EndpointSlices",
    check: endpointsReady,
    kube: { services: [apiService(8080, null)] },
    facts: apiBackend,
    status: "fail",
    summary: "Service openchoreo-control-plane/openchoreo-api has no selector and no EndpointSlices",
  },

  // ---------------- backend.pods-ready
  {
    situation: "healthy: the API pod is Ready",
    check: podsReady,
    kube: healthyK3d(),
    facts: apiBackend,
    status: "pass",
    summary: "1/1 pods of Service openchoreo-control-plane/openchoreo-api are Ready",
  },
  {
    situation: "backend CrashLoopBackOff, with the kubelet BackOff event",
    check: podsReady,
    kube: (() => {
      const p = apiPod("crash");
      return {
        services: [apiService()],
        pods: [p],
        events: [
          event(p, "Pulled", 'Container image "ghcr.io/openchoreo/openchoreo:v0.4.0" already present on machine', "Normal", "2026-11-22T10:05:00Z"),
          event(p, "BackOff", `Back-off restarting failed container openchoreo in pod ${p.metadata.name}_${CP}(uid-x)`, "Warning", "2026-11-22T10:04:00Z"),
        ],
      };
    })(),
    facts: apiBackend,
    status: "fail",
    summary: "1/1 pods of Service openchoreo-control-plane/openchoreo-api are not Ready: openchoreo-api-7c9d5b6f8-k2x9w: CrashLoopBackOff, 12 restarts, last exit code 1",
    evidence: /Back-off restarting failed container/,
  },
  {
    situation: "backend ImagePullBackOff",
    check: podsReady,
    kube: { services: [apiService()], pods: [apiPod("pull")] },
    facts: apiBackend,
    status: "fail",
    summary: "openchoreo-api-7c9d5b6f8-k2x9w: ImagePullBackOff",
  },
  {
    situation: "Service without selector: pods are not its business",
    check: podsReady,
    kube: { services: [apiService(8080, null)] },
    facts: apiBackend,
    status: "skip",
    summary: "not applicable: Service openchoreo-control-plane/openchoreo-api has no selector",
  },

  // ---------------- backend.target-port-matches
  {
    situation: "healthy: targetPort 8080 is the http container port",
    check: targetPortMatches,
    kube: healthyK3d(),
    facts: apiBackend,
    status: "pass",
    summary: "Service openchoreo-control-plane/openchoreo-api targetPort 8080 is a container port of openchoreo-api-7c9d5b6f8-k2x9w",
  },
  {
    situation: "targetPort mismatch: 8081 vs container 8080 (http)",
    check: targetPortMatches,
    kube: { services: [apiService(8081)], pods: [apiPod()] },
    facts: apiBackend,
    status: "fail",
    summary: "Service openchoreo-api targetPort 8081; pods openchoreo-api-7c9d5b6f8-k2x9w expose 8080 (http)",
  },
  {
    situation: "named targetPort that no container declares",
    check: targetPortMatches,
    kube: { services: [apiService("api")], pods: [apiPod()] },
    facts: apiBackend,
    status: "fail",
    summary: "have no container port named api (they expose 8080 (http))",
  },
  {
    situation: "named targetPort resolves",
    check: targetPortMatches,
    kube: { services: [apiService("http")], pods: [apiPod()] },
    facts: apiBackend,
    status: "pass",
    summary: "targetPort http resolves to container port 8080",
  },
  {
    situation: "containers declare no ports: normal for a numeric targetPort, so it passes (issue 11 §2)",
    check: targetPortMatches,
    kube: { services: [apiService(8081)], pods: [apiPod("ready", [])] },
    facts: apiBackend,
    status: "pass",
    summary: "declare no container ports (informational in Kubernetes), so the port is tested by backend.answers",
  },
  {
    situation: "one pod declares the targetPort and another declares none: passes",
    check: targetPortMatches,
    kube: { services: [apiService(8080)], pods: [apiPod(), { ...apiPod("ready", []), metadata: { ...apiPod().metadata, name: "openchoreo-api-7c9d5b6f8-zz9q2" } }] },
    facts: apiBackend,
    status: "pass",
    summary: "openchoreo-api-7c9d5b6f8-zz9q2 declare no container ports",
  },

  // ---------------- backend.answers
  {
    situation: "service proxy: the app answers 404 — reachable",
    check: answers,
    kube: healthyK3d(),
    facts: apiBackend,
    serviceProxy: { [`${CP}/openchoreo-api:8080`]: { status: 404, body: '{"error":"not found"}' } },
    status: "pass",
    summary: "Service openchoreo-control-plane/openchoreo-api:8080 answered 404 to GET / through the API server",
  },
  {
    situation: "service proxy: connection refused in the pod",
    check: answers,
    kube: healthyK3d(),
    facts: apiBackend,
    status: "fail",
    summary: "the API server's service proxy got no answer from Service openchoreo-control-plane/openchoreo-api:8080 (503: error trying to reach service",
  },
  {
    situation: "service proxy: a Status object's message is quoted, not its JSON",
    check: answers,
    kube: healthyK3d(),
    facts: apiBackend,
    serviceProxy: {
      [`${CP}/openchoreo-api:8080`]: {
        status: 503,
        body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"error trying to reach service: dial tcp 10.42.0.14:8080: i/o timeout","reason":"ServiceUnavailable","code":503}',
      },
    },
    status: "fail",
    summary: "(503: error trying to reach service: dial tcp 10.42.0.14:8080: i/o timeout)",
  },
];

describe("cluster-side checks", () => {
  it.each(cases.map((c) => [`${c.check.id}: ${c.situation}`, c] as const))("%s", async (_name, c) => {
    const out = await c.check.run(ctxFor({ kube: c.kube, serviceProxy: c.serviceProxy }, c.facts, c.url));
    expect({ status: out.status, summary: out.summary }).toMatchObject({ status: c.status });
    if (typeof c.summary === "string") expect(out.summary).toContain(c.summary);
    else expect(out.summary).toMatch(c.summary);
    if (c.fixes) expect(out.fixes ?? []).toEqual(c.fixes);
    for (const f of out.fixes ?? []) expect(c.check.fixes).toContain(f);
    if (c.published) expect(out.facts).toMatchObject(c.published);
    if (c.evidence) expect(JSON.stringify(out.evidence) + (out.details ?? "")).toMatch(c.evidence);
  });

  it("names the failure a crash-looping svclb pod logged, as its own cause rather than a port conflict (k3s-io/k3s#2424)", async () => {
    const gw = gatewayService(80, []);
    const crashing = svclbPod(gw, "8m7zp", "Running");
    crashing.status = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady" }],
      containerStatuses: [{ name: "lb-tcp-80", ready: false, restartCount: 16, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", exitCode: 3, startedAt: T0 } as never } }],
    };
    const kube = { services: [gw], daemonsets: [svclbDaemonSet(gw)], pods: [crashing] };
    const log = "+ iptables -t nat -I PREROUTING '!' -s 10.43.86.88/32 -p TCP --dport 80 -j DNAT --to 10.43.86.88:80\niptables v1.6.2: can't initialize iptables table `nat': Permission denied\nPerhaps iptables or your kernel needs to be upgraded.\n";
    const facts = { container: container({ containerPort: 80 }), service: svcFact({ port: 80, targetPort: 80 }) };
    const out = await lbReady.run(ctxFor({ kube, logs: { [`kube-system/${crashing.metadata.name}/lb-tcp-80`]: log } }, facts));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("lb-tcp-80 logged \"iptables v1.6.2: can't initialize iptables table `nat': Permission denied\": SELinux");
    expect(out.details).toContain("k3s-selinux");
    expect(out.causedBy ?? []).not.toContain("service.port-free");
    // Without the log on record, the crash is named and a port conflict stays the likely cause.
    const noLog = await lbReady.run(ctxFor({ kube }, facts));
    expect(noLog.summary).not.toContain("logged");
    expect(noLog.causedBy).toContain("service.port-free");
  });

  it("every cluster-side check explains itself and names a title in lower case", () => {
    const all = [receivesPort, portFree, lbReady, gatewayFound, classAccepted, programmed, listenerServesPort, proxyReady, serviceExists, endpointsReady, podsReady, targetPortMatches, answers];
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
    for (const c of all) {
      expect(c.explain?.meaning).toBeTruthy();
      expect(c.title[0]).toBe(c.title[0]!.toLowerCase());
    }
  });

  it("lets a forbidden service proxy surface as a SourceError (the engine reports it as skipped)", async () => {
    const ctx = ctxFor({ kube: healthyK3d() }, apiBackend, undefined, {
      serviceProxy: async () => {
        throw new SourceError("forbidden", "kube", "services/proxy", "services/proxy forbidden (403)");
      },
    });
    await expect(answers.run(ctx)).rejects.toMatchObject({ name: "SourceError", code: "forbidden" });
  });

  it("lets an unserved Gateway API surface as a SourceError from gateway.found", async () => {
    const ctx = ctxFor({ kube: healthyK3d(), unavailable: { gateways: "not-found" } }, { container: container(), service: svcFact() });
    await expect(gatewayFound.run(ctx)).rejects.toMatchObject({ code: "not-found" });
  });
});
