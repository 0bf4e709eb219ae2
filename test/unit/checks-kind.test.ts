/**
 * Table-driven tests of the kind and Envoy Gateway rules: node containers by
 * their io.x-k8s.kind.* labels, extraPortMappings (listenAddress included),
 * "mapped containerPort must equal the Service's nodePort", ClusterIP where a
 * NodePort is needed, pending LoadBalancers (cloud-provider-kind, MetalLB),
 * the kubeconfig's API port, and Envoy Gateway status reasons
 * (../shared/reference/real-world-facts.md §3, §5, §6).
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOutcome, ContainerFact, FixId, PathFacts, ServiceFact } from "../../src/engine/types.js";
import type { Condition, Gateway, Pod, Service } from "../../src/kube/types.js";
import type { ContainerInspect } from "../../src/sources/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import receivesPort from "../../checks/service/receives-port.js";
import lbReady from "../../checks/service/load-balancer-ready.js";
import programmed from "../../checks/gateway/programmed.js";
import listenerServesPort from "../../checks/gateway/listener-serves-port.js";
import publishesPort from "../../checks/container/publishes-port.js";
import kubeconfigMatches, { apiPublisher, isLocalHost, refreshCommand, serverAddress } from "../../checks/env/kubeconfig-matches-cluster.js";

// ---------------------------------------------------------------- docker objects

type Bindings = Record<string, { HostIp: string; HostPort: string }[]>;

/** A container as `docker inspect` shows it (only the fields the checks read). */
function inspect(name: string, labels: Record<string, string>, ports: Bindings, ip = "172.18.0.2", running = true): ContainerInspect {
  return {
    Id: `${name.replace(/[^a-z0-9]/g, "")}f416651287e377eee11b47b03f9a5dbcd63e5033a67625517033bf9087af672a`.slice(0, 64),
    Name: `/${name}`,
    Created: "2026-03-03T14:01:41.508331207Z",
    State: { Status: running ? "running" : "exited", Running: running, Paused: false, Restarting: false, ExitCode: running ? 0 : 137, StartedAt: "2026-03-03T14:01:42.016498113Z" },
    Config: { Image: "kindest/node:v1.33.1", Labels: labels, Hostname: name },
    HostConfig: { PortBindings: ports, NetworkMode: "kind" },
    NetworkSettings: { Ports: running ? ports : {}, Networks: { kind: { IPAddress: ip } } },
  } as unknown as ContainerInspect;
}

const kindLabels = (role: string, cluster = "kind") => ({ "io.x-k8s.kind.cluster": cluster, "io.x-k8s.kind.role": role });
/** kind-control-plane with extraPortMappings `hostPort → containerPort` on `listen`, and the API on 127.0.0.1:`api`. */
const kindControlPlane = (mappings: [number, number][] = [[8080, 30080]], api = 41633, listen = "0.0.0.0", cluster = "kind") =>
  inspect(`${cluster}-control-plane`, kindLabels("control-plane", cluster), {
    ...Object.fromEntries(mappings.map(([h, c]) => [`${c}/tcp`, [{ HostIp: listen, HostPort: String(h) }]])),
    "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: String(api) }],
  });
const k3dServerlb = (api: number) =>
  inspect("k3d-openchoreo-serverlb", { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "loadbalancer" }, {
    "8080/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
    "6443/tcp": [{ HostIp: "0.0.0.0", HostPort: String(api) }],
  }, "172.19.0.3");
const k3dServer = () => inspect("k3d-openchoreo-server-0", { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "server" }, {}, "172.19.0.2");
/** A cloud-provider-kind load-balancer container (real-world-facts §3.4). */
const kindccm = (svc: string, cluster = "kind") =>
  inspect(`kindccm-${svc.replace(/\W/g, "").slice(0, 8)}a1b2`, { "io.x-k8s.cloud-provider-kind.cluster": cluster, "io.x-k8s.cloud-provider-kind.loadbalancer.name": `${cluster}/${svc}` }, {}, "172.18.0.11");

// ---------------------------------------------------------------- kube objects

function service(ns: string, name: string, spec: Service["spec"], labels: Record<string, string> = {}): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, labels }, spec: { clusterIP: "10.96.143.27", ...spec }, status: { loadBalancer: {} } };
}
const kubernetesSvc = () => service("default", "kubernetes", { type: "ClusterIP", ports: [{ name: "https", port: 443, targetPort: 6443, protocol: "TCP" }] }, { component: "apiserver", provider: "kubernetes" });
const kubeDns = () => service("kube-system", "kube-dns", { type: "ClusterIP", selector: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP", targetPort: 53 }] });
const web = (type: "ClusterIP" | "NodePort" | "LoadBalancer", nodePort?: number) =>
  service("default", "web", { type, selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http", ...(nodePort ? { nodePort } : {}) }] }, { app: "web" });
const api = () => service("default", "api", { type: "ClusterIP", selector: { app: "api" }, ports: [{ name: "http", port: 8080, protocol: "TCP", targetPort: 8080 }] });

const EG_LABELS = {
  "app.kubernetes.io/component": "proxy",
  "app.kubernetes.io/managed-by": "envoy-gateway",
  "app.kubernetes.io/name": "envoy",
  "gateway.envoyproxy.io/owning-gateway-name": "eg",
  "gateway.envoyproxy.io/owning-gateway-namespace": "default",
};
const egProxy = (type: "ClusterIP" | "NodePort" | "LoadBalancer", nodePort?: number) =>
  service("envoy-gateway-system", "envoy-default-eg-e41e7b31", { type, selector: EG_LABELS, ports: [{ name: "http-80", port: 80, protocol: "TCP", targetPort: 10080, ...(nodePort ? { nodePort } : {}) }] }, EG_LABELS);

/** Envoy Gateway's proxy pod (container envoy listens on 10080 for listener port 80, real-world-facts §6), Running and Ready. */
const egProxyPod = (): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq", namespace: "envoy-gateway-system", labels: { ...EG_LABELS, "pod-template-hash": "6c8d9f7b54" }, creationTimestamp: "2026-03-04T09:04:40Z" },
  spec: { nodeName: "kind-control-plane", containers: [{ name: "envoy", image: "docker.io/envoyproxy/envoy:distroless-v1.35.0", ports: [{ containerPort: 10080, name: "http-10080", protocol: "TCP" }] }] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-03-04T09:04:52Z" }] },
});

const metallbPod = (): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "controller-7499d4584d-x9m2k", namespace: "metallb-system", labels: { app: "metallb", component: "controller" } },
  spec: { containers: [{ name: "controller", image: "quay.io/metallb/controller:v0.14.9" }] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
});

const T0 = "2026-03-04T09:05:03Z";
const cond = (type: string, status: "True" | "False" | "Unknown", reason: string, message: string): Condition => ({ type, status, reason, message, observedGeneration: 1, lastTransitionTime: T0 });

/** Gateway default/eg (class eg) with one listener and the given Gateway and listener conditions. */
function egGateway(gwConds: Condition[], listener: Gateway["spec"]["listeners"][number] = { name: "http", protocol: "HTTP", port: 80 }, listenerConds?: Condition[]): Gateway {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "eg", namespace: "default", generation: 1 },
    spec: { gatewayClassName: "eg", listeners: [listener] },
    status: {
      addresses: [],
      conditions: gwConds,
      listeners: [
        {
          name: listener.name,
          attachedRoutes: 1,
          supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
          conditions: listenerConds ?? [
            cond("Programmed", "True", "Programmed", "Sending translated listener configuration to the data plane"),
            cond("Accepted", "True", "Accepted", "Listener has been successfully translated"),
            cond("ResolvedRefs", "True", "ResolvedRefs", "Listener references have been resolved"),
          ],
        },
      ],
    },
  };
}
const accepted = cond("Accepted", "True", "Accepted", "The Gateway has been scheduled by Envoy Gateway");

// ---------------------------------------------------------------- facts

const kindNode = (containerPort = 30080, over: Partial<ContainerFact> = {}): ContainerFact => ({
  id: "f416651287e3",
  name: "kind-control-plane",
  role: "kind-node",
  cluster: "kind",
  hostIp: "0.0.0.0",
  hostPort: 8080,
  containerPort,
  protocol: "tcp",
  running: true,
  networks: { kind: "172.18.0.2" },
  ...over,
});
const webFact = (over: Partial<ServiceFact> = {}): ServiceFact => ({ namespace: "default", name: "web", type: "LoadBalancer", port: 80, nodePort: 30080, targetPort: "http", via: "nodeport", ...over });
const egServiceFact = (over: Partial<ServiceFact> = {}): ServiceFact => ({
  namespace: "envoy-gateway-system",
  name: "envoy-default-eg-e41e7b31",
  type: "NodePort",
  port: 80,
  nodePort: 30080,
  targetPort: 10080,
  via: "nodeport",
  ...over,
});
const egGatewayFact = { namespace: "default", name: "eg", className: "eg", listener: "http", port: 80, implementation: "envoy-gateway" as const };

// ---------------------------------------------------------------- harness

/** `address` is the address the target resolved to, and also the host address (`--host-address`) published ports are reached at. */
function ctxFor(data: MemoryData, facts: PathFacts = {}, url: string | null = "http://www.example.com:8080/", address?: string): CheckContext {
  const s = memorySources(data);
  const u = url ? new URL(url) : null;
  return {
    target: u ? { url: u.href, scheme: u.protocol === "https:" ? "https" : "http", host: u.hostname, port: Number(u.port || 80), path: u.pathname } : null,
    kube: s.kube,
    docker: s.docker,
    host: s.host,
    probe: s.probe,
    facts: address ? { address, ...facts } : facts,
    options: { resolve: [], hostAddress: address ?? "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  };
}

interface Case {
  rule: string;
  check: Check;
  data: MemoryData;
  facts?: PathFacts;
  url?: string | null;
  address?: string;
  status: CheckOutcome["status"];
  /** Every string must appear in the summary. */
  summary: (string | RegExp)[];
  details?: RegExp;
  fixes?: FixId[];
  /** Matched with toMatchObject: a subset of the published facts. */
  published?: Record<string, unknown>;
}

const kindInfo = { context: "kind-kind", cluster: "kind-kind", server: "https://127.0.0.1:41633", namespace: "default" };
const k3dInfo = { context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: "https://0.0.0.0:6550", namespace: "default" };
const kindNodeObj = (name: string) => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } }, spec: { providerID: `kind://docker/kind/${name}` } }) as never;

const cases: Case[] = [
  // ---------------- service.receives-port on kind: mapped containerPort vs nodePort
  {
    rule: "kind: a NodePort Service whose nodePort equals the mapped containerPort takes the port",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), web("NodePort", 30080)], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "pass",
    summary: ["kind-control-plane maps host 8080 → node port 30080", "NodePort Service default/web takes it as nodePort 30080 (port 80)"],
    published: { service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30080, targetPort: "http", via: "nodeport" } },
  },
  {
    rule: "kind: nodePort 30081 vs mapped 30080 is named both ways (which Service has which nodePort; which port the node maps)",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), web("NodePort", 30081)], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "fail",
    summary: ["maps host 8080 → node port 30080", "no Service has nodePort 30080", "default/web nodePort 30081 (no kind node maps it)"],
    details: /kind nodes map 0\.0\.0\.0:8080 → 30080/,
    fixes: ["service-to-nodeport", "kind-port-mapping"],
    // The only application Service is named on the path, with via cluster-ip: the node does not reach it.
    published: { service: { namespace: "default", name: "web", type: "NodePort", port: 80, nodePort: 30081, via: "cluster-ip" } },
  },
  {
    rule: "kind: a nodePort that another mapping of the node does publish is not called unmapped",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), web("NodePort", 30081)], pods: [] }, containers: [kindControlPlane([[8080, 30080], [8081, 30081]])] },
    facts: { container: kindNode() },
    status: "fail",
    summary: [/default\/web nodePort 30081(?! \(no kind node)/],
    fixes: ["service-to-nodeport", "kind-port-mapping"],
  },
  {
    rule: "kind: the only application Service is ClusterIP — it has no nodePort; fix service-to-nodeport",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), kubeDns(), web("ClusterIP")], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "fail",
    summary: ["Service default/web is type ClusterIP (the only application Service)", "expected type NodePort with nodePort 30080"],
    fixes: ["service-to-nodeport"],
    published: { service: { namespace: "default", name: "web", type: "ClusterIP", port: 80, nodePort: null, via: "cluster-ip" } },
  },
  {
    rule: "kind: among several ClusterIP Services the Gateway proxy is the one needed (evidence: owning-gateway labels)",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), web("ClusterIP"), api(), egProxy("ClusterIP")], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "fail",
    summary: ["Service envoy-gateway-system/envoy-default-eg-e41e7b31 is type ClusterIP (proxy of Gateway default/eg)"],
    details: /Other application Services: default\/web, default\/api/,
    fixes: ["service-to-nodeport"],
    published: { service: { namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", via: "cluster-ip" } },
  },
  {
    rule: "kind: a ClusterIP Service whose port equals the mapped containerPort is evidence too",
    check: receivesPort,
    data: { kube: { services: [web("ClusterIP"), service("default", "echo", { type: "ClusterIP", selector: { app: "echo" }, ports: [{ port: 30080, targetPort: 8080, protocol: "TCP" }] })], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "fail",
    summary: ["Service default/echo is type ClusterIP (a port or targetPort is 30080)"],
    fixes: ["service-to-nodeport"],
  },
  {
    rule: "kind: two ClusterIP application Services and no evidence: name both, pick none",
    check: receivesPort,
    data: { kube: { services: [kubernetesSvc(), web("ClusterIP"), api()], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "fail",
    summary: ["no Service has nodePort 30080", "no application Service is NodePort or LoadBalancer"],
    details: /ClusterIP Services have no nodePort at all: default\/web, default\/api/,
    fixes: ["service-to-nodeport", "kind-port-mapping"],
    published: { service: null },
  },
  {
    rule: "kind: a pending LoadBalancer still has its nodePort — the mapping reaches it",
    check: receivesPort,
    data: { kube: { services: [web("LoadBalancer", 30080)], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode() },
    status: "pass",
    summary: ["LoadBalancer Service default/web takes it as nodePort 30080"],
    published: { service: { name: "web", via: "nodeport", nodePort: 30080 } },
  },

  // ---------------- service.load-balancer-ready on kind
  {
    rule: "kind: LoadBalancer pending, no implementation, reached through its nodePort — warn and name both options",
    check: lbReady,
    data: { kube: { services: [web("LoadBalancer", 30080)], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode(), service: webFact() },
    status: "warn",
    summary: ["EXTERNAL-IP <pending>", "no cloud-provider-kind (kindccm-*) container and no MetalLB", "expected an address from cloud-provider-kind or MetalLB"],
    details: /go install sigs\.k8s\.io\/cloud-provider-kind@latest.*nodePort 30080/s,
  },
  {
    rule: "kind: LoadBalancer pending and not reached through a nodePort — fail",
    check: lbReady,
    data: { kube: { services: [web("LoadBalancer", 31547)], pods: [] }, containers: [kindControlPlane()] },
    facts: { container: kindNode(), service: webFact({ nodePort: 31547, via: "cluster-ip" }) },
    status: "fail",
    summary: ["has no LoadBalancer ingress"],
  },
  {
    rule: "kind: cloud-provider-kind started a kindccm container for this Service but wrote no address",
    check: lbReady,
    data: { kube: { services: [web("LoadBalancer", 30080)], pods: [] }, containers: [kindControlPlane(), kindccm("default/web")] },
    facts: { container: kindNode(), service: webFact() },
    status: "warn",
    summary: [/cloud-provider-kind started kindccm-\w+ \(running\) for it/],
  },
  {
    rule: "kind: kindccm containers exist for other Services only — cloud-provider-kind is no longer running",
    check: lbReady,
    data: { kube: { services: [web("LoadBalancer", 30080)], pods: [] }, containers: [kindControlPlane(), kindccm("default/other")] },
    facts: { container: kindNode(), service: webFact() },
    status: "warn",
    summary: ["none for this Service"],
    details: /probably not running any more/,
  },
  {
    rule: "kind: MetalLB installed but no address — name the IPAddressPool",
    check: lbReady,
    data: { kube: { services: [web("LoadBalancer", 30080)], pods: [metallbPod()] }, containers: [kindControlPlane()] },
    facts: { container: kindNode(), service: webFact() },
    status: "warn",
    summary: ["MetalLB pods: metallb-system/controller-7499d4584d-x9m2k Running"],
    details: /IPAddressPool/,
  },

  // ---------------- container.publishes-port: extraPortMappings listenAddress
  {
    rule: "kind: extraPortMappings with listenAddress 127.0.0.1 receives connections to 127.0.0.1",
    check: publishesPort,
    data: { containers: [kindControlPlane([[8080, 30080]], 41633, "127.0.0.1")], kubeInfo: kindInfo },
    url: "http://localhost:8080/",
    address: "127.0.0.1",
    status: "pass",
    summary: ["kind-control-plane publishes 127.0.0.1:8080 → 30080/tcp (kind node of cluster kind)"],
    published: { container: { name: "kind-control-plane", role: "kind-node", containerPort: 30080, hostIp: "127.0.0.1" } },
  },
  {
    rule: "kind: listenAddress 127.0.0.1 does not receive connections to the LAN address (--host-address 192.168.1.20)",
    check: publishesPort,
    data: { containers: [kindControlPlane([[8080, 30080]], 41633, "127.0.0.1")], kubeInfo: kindInfo },
    url: "http://192.168.1.20:8080/",
    address: "192.168.1.20",
    status: "fail",
    summary: ["kind-control-plane publishes 127.0.0.1:8080 → 30080/tcp only", "expected a binding on 192.168.1.20 or 0.0.0.0"],
    fixes: ["kind-port-mapping"],
  },
  {
    rule: "kind: a target port that is a Service's nodePort no node publishes is named, with the entry to add (istio/istio#40324)",
    check: publishesPort,
    data: { containers: [kindControlPlane([])], kubeInfo: kindInfo, kube: { services: [kubernetesSvc(), web("LoadBalancer", 31659)] } },
    url: "http://127.0.0.1:31659/productpage",
    address: "127.0.0.1",
    status: "fail",
    summary: ["no container publishes port 31659", "31659 is the nodePort of Service default/web (port 80)"],
    details: /answers at 172\.18\.0\.2:31659.*containerPort: 31659\\n  hostPort: 31659.*port-forward svc\/web 31659:80/s,
    fixes: ["kind-port-mapping"],
  },
  {
    rule: "kind: a target port no Service uses as nodePort keeps the generic extraPortMappings advice",
    check: publishesPort,
    data: { containers: [kindControlPlane([])], kubeInfo: kindInfo, kube: { services: [kubernetesSvc(), web("NodePort", 30080)] } },
    url: "http://127.0.0.1:9080/",
    address: "127.0.0.1",
    status: "fail",
    summary: ["no container publishes port 9080"],
    details: /containerPort: <NodePort>/,
    fixes: ["kind-port-mapping"],
  },
  {
    rule: "kubectl port-forward svc/NAME: the Service behind the forward is the path's entry, reached without a node port",
    check: receivesPort,
    data: { kubeInfo: kindInfo, kube: { services: [kubernetesSvc(), egProxy("LoadBalancer", 31382)] } },
    facts: { forwarder: { kind: "kubectl-port-forward", pid: 52214, upstream: "envoy-gateway-system/svc/envoy-default-eg-e41e7b31:80", command: "kubectl port-forward -n envoy-gateway-system svc/envoy-default-eg-e41e7b31 8888:80" }, container: null },
    url: "http://www.example.com:8888/",
    status: "pass",
    summary: ["kubectl port-forward (pid 52214) carries port 8888 to LoadBalancer Service envoy-gateway-system/envoy-default-eg-e41e7b31 port 80 through the API server"],
    published: { service: { namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", port: 80, targetPort: 10080, via: "port-forward" } },
  },
  {
    rule: "kubectl port-forward pod/NAME (skaffold's form): the Service that routes to that pod and container port is the path's entry",
    check: receivesPort,
    data: { kubeInfo: kindInfo, kube: { services: [kubernetesSvc(), egProxy("NodePort", 30080)], pods: [egProxyPod()] } },
    facts: {
      forwarder: { kind: "kubectl-port-forward", pid: 61488, upstream: "envoy-gateway-system/pod/envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq:10080", command: "kubectl --context kind-kind port-forward --pod-running-timeout 1s pod/envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq 8888:10080 --namespace envoy-gateway-system" },
      container: null,
    },
    url: "http://www.example.com:8888/",
    status: "pass",
    summary: ["carries port 8888 to container port 10080 of pod envoy-gateway-system/envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq through the API server, the pod and port NodePort Service envoy-gateway-system/envoy-default-eg-e41e7b31 port 80 routes to (targetPort 10080)"],
    published: { service: { namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", port: 80, targetPort: 10080, via: "port-forward" } },
  },
  {
    rule: "kubectl port-forward pod/NAME to a container port no Service routes to (Envoy's admin port 19000, as Envoy Gateway's docs forward it) leaves the path to the forwarder hop",
    check: receivesPort,
    data: { kubeInfo: kindInfo, kube: { services: [egProxy("NodePort", 30080)], pods: [egProxyPod()], deployments: [] } },
    facts: { forwarder: { kind: "kubectl-port-forward", pid: 61488, upstream: "envoy-gateway-system/pod/envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq:19000", command: "kubectl port-forward -n envoy-gateway-system pod/envoy-default-eg-e41e7b31-6c8d9f7b54-xk2vq 19000" }, container: null },
    url: "http://127.0.0.1:19000/",
    status: "skip",
    summary: ["a kubectl port-forward takes the port and carries it through the API server, not to a node port, and no Service was found behind it"],
    published: { service: null },
  },
  {
    rule: "kubectl port-forward to a Service port that does not exist leaves the path to the forwarder hop",
    check: receivesPort,
    data: { kubeInfo: kindInfo, kube: { services: [egProxy("LoadBalancer", 31382)] } },
    facts: { forwarder: { kind: "kubectl-port-forward", pid: 52214, upstream: "envoy-gateway-system/svc/envoy-default-eg-e41e7b31:8080", command: "kubectl port-forward -n envoy-gateway-system svc/envoy-default-eg-e41e7b31 8888:8080" }, container: null },
    url: "http://www.example.com:8888/",
    status: "skip",
    summary: ["a kubectl port-forward takes the port and carries it through the API server, not to a node port, and no Service was found behind it"],
    published: { service: null },
  },
  {
    rule: "kind: listenAddress 0.0.0.0 (the default) receives every address",
    check: publishesPort,
    data: { containers: [kindControlPlane()], kubeInfo: kindInfo },
    url: "http://192.168.1.20:8080/",
    address: "192.168.1.20",
    status: "pass",
    summary: ["kind-control-plane publishes 0.0.0.0:8080 → 30080/tcp"],
  },

  // ---------------- env.kubeconfig-matches-cluster
  {
    rule: "kind: the kubeconfig names the port the control plane publishes for 6443",
    check: kubeconfigMatches,
    data: { kubeInfo: kindInfo, containers: [kindControlPlane()], kube: { nodes: [kindNodeObj("kind-control-plane")] } },
    url: null,
    status: "pass",
    summary: ["kubeconfig server https://127.0.0.1:41633 is the API port kind-control-plane publishes 6443 on 127.0.0.1:41633"],
  },
  {
    rule: "kind: stale kubeconfig after a re-create — both ports and the refresh command, API refused",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://127.0.0.1:39217" }, containers: [kindControlPlane()], unavailable: { version: "unreachable" } },
    url: null,
    status: "fail",
    summary: ["kubeconfig server https://127.0.0.1:39217 is port 39217, but kind-control-plane publishes 6443 on 127.0.0.1:41633", "run `kind export kubeconfig --name kind`"],
  },
  {
    rule: "k3d: the kubeconfig names the port the serverlb publishes (0.0.0.0:6550)",
    check: kubeconfigMatches,
    data: { kubeInfo: k3dInfo, containers: [k3dServerlb(6550), k3dServer()] },
    url: null,
    status: "pass",
    summary: ["k3d-openchoreo-serverlb publishes 6443 on 0.0.0.0:6550"],
  },
  {
    rule: "k3d: stale kubeconfig — k3d kubeconfig merge",
    check: kubeconfigMatches,
    data: { kubeInfo: k3dInfo, containers: [k3dServerlb(41877), k3dServer()], unavailable: { version: "unreachable" } },
    url: null,
    status: "fail",
    summary: ["is port 6550, but k3d-openchoreo-serverlb publishes 6443 on 0.0.0.0:41877", "`k3d kubeconfig merge openchoreo --kubeconfig-switch-context`"],
  },
  {
    rule: "another port that answers as this cluster (its Nodes are the node containers) is a forwarder, not a stale kubeconfig",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://127.0.0.1:38221" }, containers: [kindControlPlane()], kube: { nodes: [kindNodeObj("kind-control-plane")] } },
    url: null,
    status: "pass",
    summary: ["is not the published API port", "answers as kind cluster kind (Node kind-control-plane)"],
  },
  {
    rule: "another port that answers as another cluster is a wrong kubeconfig",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://127.0.0.1:38221" }, containers: [kindControlPlane()], kube: { nodes: [kindNodeObj("dev-control-plane")] } },
    url: null,
    status: "fail",
    summary: ["answers as another cluster (Nodes dev-control-plane)"],
  },
  {
    rule: "another port that answers but whose Nodes cannot be read: warn, cannot tell",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://127.0.0.1:38221" }, containers: [kindControlPlane()], unavailable: { nodes: "forbidden" } },
    url: null,
    status: "warn",
    summary: ["its Nodes cannot be read"],
  },
  {
    rule: "kind's --internal kubeconfig used from the host",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://kind-control-plane:6443" }, containers: [kindControlPlane()], unavailable: { version: "unreachable" } },
    url: null,
    status: "fail",
    summary: ["kind's --internal address", "kind export kubeconfig --name kind"],
  },
  {
    rule: "multi-control-plane kind: the external load balancer publishes the API",
    check: kubeconfigMatches,
    data: {
      kubeInfo: { ...kindInfo, server: "https://127.0.0.1:45121" },
      containers: [
        inspect("kind-external-load-balancer", kindLabels("external-load-balancer"), { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "45121" }] }, "172.18.0.5"),
        inspect("kind-control-plane", kindLabels("control-plane"), {}, "172.18.0.3"),
        inspect("kind-control-plane2", kindLabels("control-plane"), {}, "172.18.0.4"),
      ],
    },
    url: null,
    status: "pass",
    summary: ["kind-external-load-balancer publishes 6443 on 127.0.0.1:45121"],
  },
  {
    rule: "not kind or k3d: not applicable",
    check: kubeconfigMatches,
    data: { kubeInfo: { context: "docker-desktop", cluster: "docker-desktop", server: "https://kubernetes.docker.internal:6443", namespace: "default" }, containers: [] },
    url: null,
    status: "skip",
    summary: ["not applicable: context docker-desktop is not a kind or k3d cluster (flavor generic)"],
  },
  {
    rule: "a kubeconfig naming a remote host is not compared with local bindings",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://192.168.64.3:41633" }, containers: [kindControlPlane()] },
    url: null,
    status: "skip",
    summary: ["not applicable: kubeconfig server https://192.168.64.3:41633 is not an address of this machine or the Docker host"],
  },
  {
    rule: "a kubeconfig naming the tcp:// Docker host is compared",
    check: kubeconfigMatches,
    data: { kubeInfo: { ...kindInfo, server: "https://192.168.64.3:41633" }, dockerHost: "tcp://192.168.64.3:2376", containers: [kindControlPlane()] },
    url: null,
    status: "pass",
    summary: ["is the API port"],
  },

  // ---------------- Envoy Gateway status reasons in plain words
  {
    rule: "Envoy Gateway Programmed=False NoResources (Envoy replicas unavailable) points at the proxy pods",
    check: programmed,
    data: { kube: { gateways: [egGateway([accepted, cond("Programmed", "False", "NoResources", "Envoy replicas unavailable")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "fail",
    summary: ["Gateway default/eg is Programmed=False (NoResources: Envoy replicas unavailable)"],
    details: /Envoy pods are not Ready.*gateway\.proxy-ready/,
  },
  {
    rule: "Envoy Gateway Programmed=False AddressNotAssigned on a nodePort path is a warning",
    check: programmed,
    data: { kube: { gateways: [egGateway([accepted, cond("Programmed", "False", "AddressNotAssigned", "No addresses have been assigned to the Gateway")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact({ type: "LoadBalancer" }) },
    status: "warn",
    summary: ["AddressNotAssigned: No addresses have been assigned to the Gateway"],
    details: /no EXTERNAL-IP.*nodePort 30080, which works without an address/s,
  },
  {
    rule: "Programmed=False AddressNotAssigned while the proxy's LoadBalancer Service has its address is a stale status (envoyproxy/gateway#8953)",
    check: programmed,
    data: {
      kube: {
        gateways: [egGateway([accepted, cond("Programmed", "False", "AddressNotAssigned", "No addresses have been assigned to the Gateway")])],
        services: [{ ...egProxy("LoadBalancer", 30080), status: { loadBalancer: { ingress: [{ ip: "172.18.0.200", ipMode: "VIP" }] } } } as Service],
      },
    },
    facts: { gateway: egGatewayFact, service: egServiceFact({ type: "LoadBalancer", via: "loadbalancer-ip" }) },
    status: "warn",
    summary: ["AddressNotAssigned: No addresses have been assigned to the Gateway", "has EXTERNAL-IP 172.18.0.200: the Gateway's status is stale"],
    details: /kubectl -n envoy-gateway-system annotate svc envoy-default-eg-e41e7b31/,
  },
  {
    rule: "Programmed=False Invalid is explained",
    check: programmed,
    data: { kube: { gateways: [egGateway([accepted, cond("Programmed", "False", "Invalid", "EnvoyProxy envoy-gateway-system/kind-nodeport not found")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "fail",
    summary: ["Programmed=False (Invalid: EnvoyProxy envoy-gateway-system/kind-nodeport not found)"],
    details: /rejected the Gateway as written/,
  },
  {
    rule: "listener PortUnavailable in plain words",
    check: listenerServesPort,
    data: { kube: { gateways: [egGateway([accepted, cond("Programmed", "True", "Programmed", "ok")], undefined, [cond("Accepted", "False", "PortUnavailable", "Port 80 is unavailable")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "fail",
    summary: ["listener http is Accepted=False (PortUnavailable: Port 80 is unavailable)"],
    details: /cannot bind this port/,
  },
  {
    rule: "listener HostnameConflict in plain words",
    check: listenerServesPort,
    data: { kube: { gateways: [egGateway([accepted], undefined, [cond("Conflicted", "True", "HostnameConflict", "All listeners for a given port must use a unique hostname")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "fail",
    summary: ["Conflicted=True (HostnameConflict"],
    details: /same hostname/,
  },
  {
    rule: "listener ProtocolConflict in plain words",
    check: listenerServesPort,
    data: { kube: { gateways: [egGateway([accepted], undefined, [cond("Conflicted", "True", "ProtocolConflict", "All listeners for a given port must use a compatible protocol")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "fail",
    summary: ["Conflicted=True (ProtocolConflict"],
    details: /incompatible protocol.*its own port/,
  },
  {
    rule: "listener InvalidCertificateRef in plain words",
    check: listenerServesPort,
    data: {
      kube: {
        gateways: [
          egGateway([accepted], { name: "https", protocol: "HTTPS", port: 443, tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "example-cert" }] } } as never, [
            cond("ResolvedRefs", "False", "InvalidCertificateRef", "Secret default/example-cert does not exist."),
          ]),
        ],
      },
    },
    facts: { gateway: { ...egGatewayFact, listener: "https", port: 443 }, service: egServiceFact({ port: 443, targetPort: 10443, nodePort: 30443 }) },
    url: "https://www.example.com:8443/",
    status: "fail",
    summary: ["ResolvedRefs=False (InvalidCertificateRef: Secret default/example-cert does not exist.)"],
    details: /kubernetes\.io\/tls Secret/,
  },
  {
    rule: "Envoy Gateway listener 80 is bound at container port 10080: the pass names the shift",
    check: listenerServesPort,
    data: { kube: { gateways: [egGateway([accepted, cond("Programmed", "True", "Programmed", "Address assigned to the Gateway, 1/1 envoy replicas available")])] } },
    facts: { gateway: egGatewayFact, service: egServiceFact() },
    status: "pass",
    summary: ["listener http 80/HTTP serves port 80", "Envoy Gateway binds it at container port 10080"],
  },
];

describe("kind and Envoy Gateway rules", () => {
  it.each(cases.map((c) => [c.rule, c] as const))("%s", async (_rule, c) => {
    const out = await c.check.run(ctxFor(c.data, c.facts, c.url === undefined ? "http://www.example.com:8080/" : c.url, c.address));
    expect({ status: out.status, summary: out.summary }).toMatchObject({ status: c.status });
    for (const s of c.summary) typeof s === "string" ? expect(out.summary).toContain(s) : expect(out.summary).toMatch(s);
    if (c.details) expect(out.details ?? "").toMatch(c.details);
    if (c.fixes) expect(out.fixes ?? []).toEqual(c.fixes);
    for (const f of out.fixes ?? []) expect(c.check.fixes).toContain(f);
    if (c.published) expect(out.facts).toMatchObject(c.published);
  });
});

describe("kubeconfig helpers", () => {
  it.each([
    ["https://127.0.0.1:41633", { host: "127.0.0.1", port: 41633 }],
    ["https://0.0.0.0:6550", { host: "0.0.0.0", port: 6550 }],
    ["https://[::1]:6443", { host: "::1", port: 6443 }],
    ["https://kubernetes.docker.internal", { host: "kubernetes.docker.internal", port: 443 }],
    ["not a url", null],
  ])("reads host and port of %s", (server, want) => {
    expect(serverAddress(server)).toEqual(want);
  });

  it.each([
    ["127.0.0.1", true],
    ["localhost", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["192.168.64.3", false],
    ["kind-control-plane", false],
  ])("calls %s local: %s", (host, want) => {
    expect(isLocalHost(host)).toBe(want);
  });

  it("names the refresh command of each tool", () => {
    expect(refreshCommand("kind", "dev")).toBe("kind export kubeconfig --name dev");
    expect(refreshCommand("k3d", "openchoreo")).toBe("k3d kubeconfig merge openchoreo --kubeconfig-switch-context");
  });

  it("finds the API publisher by role labels, not by container order", () => {
    const lb = inspect("kind-external-load-balancer", kindLabels("external-load-balancer"), { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "45121" }] });
    const cp = inspect("kind-control-plane", kindLabels("control-plane"), { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "40000" }] });
    expect(apiPublisher([cp, lb])?.binding.hostPort).toBe(45121);
    expect(apiPublisher([inspect("kind-worker", kindLabels("worker"), {})])).toBeNull();
  });

  it("uses the configured binding of a stopped node", () => {
    const stopped = inspect("kind-control-plane", kindLabels("control-plane"), { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "41633" }] }, "172.18.0.2", false);
    expect(apiPublisher([stopped])?.binding.hostPort).toBe(41633);
  });
});
