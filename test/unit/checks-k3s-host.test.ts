/**
 * k3s on this host or in a VM reached by its address (issue 10 §1): which
 * node an address reaches directly, the container hop standing aside, the
 * service hop reading the node's own port, the Docker check on a host without
 * Docker, and where traefik is kept off. Each case names the situation, the
 * expected status and a fragment of the summary. Memory sources only.
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOptions, CheckOutcome, DaemonSet, HostInterface, Node, PathFacts, Pod, Service, Target } from "../../src/index.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import { identifyNode } from "../../src/host/node-direct.js";
import { keepTraefikOff, k3sRuntimeOf } from "../../src/host/k3s-runtime.js";
import { parseInterfaces } from "../../src/host/interfaces.js";
import { reportNamespaces } from "../../src/bundle/collect.js";
import type { Report } from "../../src/report/types.js";
import nodeIdentified from "../../checks/host-port/node-identified.js";
import listenerIdentified from "../../checks/host-port/listener-identified.js";
import publishesPort from "../../checks/container/publishes-port.js";
import receivesPort from "../../checks/service/receives-port.js";
import portFree from "../../checks/service/port-free.js";
import dockerReachable from "../../checks/env/docker-reachable.js";
import notShadowed from "../../checks/host-port/listener-not-shadowed.js";
import nameResolves from "../../checks/dns/name-resolves.js";

// ------------------------------------------------------------------ fixtures (docs/facts/k3s-host-vm.md)

const node = (name: string, internal: string, external?: string): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  status: {
    addresses: [{ type: "InternalIP", address: internal }, ...(external ? [{ type: "ExternalIP", address: external }] : []), { type: "Hostname", address: name }],
    conditions: [{ type: "Ready", status: "True" }],
  },
});
const devbox = node("devbox", "192.168.1.50");
const pi = node("pi4", "192.168.2.248");
const colima = node("colima", "192.168.106.2");
const kindNode = node("kind-control-plane", "172.18.0.2");

const lo: HostInterface[] = [
  { name: "lo", address: "127.0.0.1", family: "IPv4", internal: true },
  { name: "lo", address: "::1", family: "IPv6", internal: true },
];
const devboxIfaces: HostInterface[] = [...lo, { name: "enp3s0", address: "192.168.1.50", family: "IPv4", internal: false }, { name: "cni0", address: "10.42.0.1", family: "IPv4", internal: false }];
const laptopIfaces: HostInterface[] = [...lo, { name: "en0", address: "192.168.2.31", family: "IPv4", internal: false }, { name: "bridge100", address: "192.168.106.1", family: "IPv4", internal: false }];
const dockerHostIfaces: HostInterface[] = [...lo, { name: "eth0", address: "10.0.0.5", family: "IPv4", internal: false }, { name: "br-5e1f", address: "172.18.0.1", family: "IPv4", internal: false }];

const traefikSvc = (ip: string | null): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "traefik", namespace: "kube-system", labels: { "app.kubernetes.io/name": "traefik" } },
  spec: {
    type: "LoadBalancer",
    clusterIP: "10.43.66.5",
    selector: { "app.kubernetes.io/name": "traefik" },
    ports: [
      { name: "web", port: 80, targetPort: "web", nodePort: 30529, protocol: "TCP" },
      { name: "websecure", port: 443, targetPort: "websecure", nodePort: 31208, protocol: "TCP" },
    ],
  },
  status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} },
});
const metallbSvc: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" },
  spec: { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31715, protocol: "TCP" }] },
  status: { loadBalancer: { ingress: [{ ip: "192.168.2.240" }] } },
};
const podinfoSvc: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "podinfo", namespace: "podinfo" },
  spec: { type: "NodePort", selector: { app: "podinfo" }, ports: [{ name: "http", port: 9898, targetPort: "http", nodePort: 30080, protocol: "TCP" }] },
};
const svclbPod = (svc: string, ns: string, nodeName: string, phase: "Running" | "Pending", ports: number[]): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `svclb-${svc}-051ba4dd-7bhkv`,
    namespace: "kube-system",
    labels: { app: `svclb-${svc}-051ba4dd`, "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns },
  },
  spec: {
    nodeName: phase === "Running" ? nodeName : undefined,
    containers: ports.map((p) => ({ name: `lb-tcp-${p}`, image: "rancher/klipper-lb:v0.4.9", ports: [{ containerPort: p, hostPort: p, protocol: "TCP" }] })),
  },
  status: { phase },
});
const svclbDs = (svc: string, ns: string): DaemonSet => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: `svclb-${svc}-051ba4dd`, namespace: "kube-system", labels: { "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns } },
  spec: { selector: { matchLabels: { app: `svclb-${svc}-051ba4dd` } }, template: { metadata: { labels: { app: `svclb-${svc}-051ba4dd` } }, spec: { containers: [] } } },
});

const k3sHostInfo = { context: "default", cluster: "default", server: "https://127.0.0.1:6443", namespace: "default" };
const k3dInfo = { context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: "https://0.0.0.0:6550", namespace: "default" };
const devboxNode = { name: "devbox", address: "192.168.1.50", addressType: "InternalIP", local: true, via: "this-host" as const };
const colimaNode = { name: "colima", address: "192.168.106.2", addressType: "InternalIP", local: false, via: "node-address" as const };

// ------------------------------------------------------------------ pure: identifyNode

describe("identifyNode", () => {
  it("recognises this host as the node when a node's InternalIP is one of its interface addresses, for loopback too", () => {
    const r = identifyNode("127.0.0.1", devboxIfaces, [devbox], []);
    expect(r.node).toMatchObject({ name: "devbox", address: "192.168.1.50", local: true, via: "this-host" });
    expect(identifyNode("192.168.1.50", devboxIfaces, [devbox], []).node).toMatchObject({ name: "devbox", local: true, via: "this-host" });
    expect(identifyNode("::1", devboxIfaces, [devbox], []).node?.name).toBe("devbox");
  });

  it("says this host is not a node on a Docker host running kind, whose node is a container", () => {
    const r = identifyNode("127.0.0.1", dockerHostIfaces, [kindNode], []);
    expect(r.node).toBeNull();
    expect(r.localNode).toBeNull();
    expect(r.reason).toMatch(/is this host, which is not a Kubernetes node/);
  });

  it("follows a VM's address to its node, which is not this host", () => {
    const r = identifyNode("192.168.106.2", laptopIfaces, [colima], []);
    expect(r.node).toMatchObject({ name: "colima", local: false, via: "node-address", addressType: "InternalIP" });
  });

  it("matches a node's ExternalIP as well", () => {
    expect(identifyNode("203.0.113.7", laptopIfaces, [node("pi4", "192.168.2.248", "203.0.113.7")], []).node).toMatchObject({ name: "pi4", addressType: "ExternalIP" });
  });

  it("treats a LoadBalancer IP that ServiceLB published (a node address) as that node", () => {
    const r = identifyNode("192.168.2.248", laptopIfaces, [pi], [traefikSvc("192.168.2.248")]);
    expect(r.node).toMatchObject({ name: "pi4", via: "load-balancer-ip" });
    expect(r.loadBalancerOf).toEqual({ namespace: "kube-system", name: "traefik" });
  });

  it("does not claim a node for a LoadBalancer IP from MetalLB", () => {
    const r = identifyNode("192.168.2.240", laptopIfaces, [pi], [metallbSvc]);
    expect(r.node).toBeNull();
    expect(r.reason).toMatch(/not the address of any node/);
  });

  it("recognises no node through loopback when this host's interfaces are unknown", () => {
    expect(identifyNode("127.0.0.1", null, [devbox], []).node).toBeNull();
    expect(identifyNode("192.168.1.50", null, [devbox], []).node).toMatchObject({ name: "devbox", local: false });
  });
});

describe("parseInterfaces", () => {
  it("reads the scenario and bundle shape, dropping a prefix length and defaulting the family", () => {
    expect(parseInterfaces([{ name: "enp3s0", address: "192.168.1.50/24" }, { name: "lo", address: "::1", internal: true }, { address: "x" }])).toEqual([
      { name: "enp3s0", address: "192.168.1.50", family: "IPv4", internal: false },
      { name: "lo", address: "::1", family: "IPv6", internal: true },
    ]);
    expect(parseInterfaces("nonsense")).toEqual([]);
  });
});

describe("where traefik is kept off", () => {
  it("tells the runtime from the kubeconfig context name", () => {
    expect(k3sRuntimeOf("rancher-desktop")).toBe("rancher-desktop");
    expect(k3sRuntimeOf("colima")).toBe("colima");
    expect(k3sRuntimeOf("colima-work")).toBe("colima");
    expect(k3sRuntimeOf("default")).toBe("host");
    expect(k3sRuntimeOf(null)).toBe("host");
  });

  it("names each runtime's own setting", () => {
    expect(keepTraefikOff("host")).toContain("disable: [traefik]");
    expect(keepTraefikOff("host")).toContain("/etc/rancher/k3s/config.yaml");
    expect(keepTraefikOff("host")).toContain('INSTALL_K3S_EXEC="--disable=traefik"');
    expect(keepTraefikOff("rancher-desktop")).toContain("rdctl set --kubernetes.options.traefik=false");
    expect(keepTraefikOff("colima", "colima-work")).toContain("colima start --profile work --kubernetes --k3s-arg=--disable=traefik");
    expect(keepTraefikOff("colima", "colima")).toContain("colima start --kubernetes --k3s-arg=--disable=traefik");
  });
});

// ------------------------------------------------------------------ harness

const defaults: CheckOptions = { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 };
type LooseFacts = { [K in keyof PathFacts]?: Partial<NonNullable<PathFacts[K]>> | null };
interface Case {
  name: string;
  data: MemoryData;
  target: string | null;
  facts?: LooseFacts;
  status: CheckOutcome["status"];
  summary: string | RegExp;
  fixes?: string[];
  expectFacts?: LooseFacts;
}

function toTarget(url: string): Target {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : "http";
  return { url, scheme, host: u.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: u.port ? Number(u.port) : scheme === "https" ? 443 : 80, path: u.pathname + u.search };
}

function table(check: Check, cases: Case[]) {
  describe(`${check.id} (${check.code})`, () => {
    it.each(cases)("$name → $status", async (c) => {
      const ctx: CheckContext = { ...memorySources(c.data), target: c.target ? toTarget(c.target) : null, facts: (c.facts ?? {}) as PathFacts, options: defaults, signal: new AbortController().signal };
      const out = await check.run(ctx);
      expect(out.status).toBe(c.status);
      if (typeof c.summary === "string") expect(out.summary).toContain(c.summary);
      else expect(out.summary).toMatch(c.summary);
      if (c.fixes) expect(out.fixes ?? []).toEqual(c.fixes);
      if (c.expectFacts) expect(out.facts).toMatchObject(c.expectFacts);
    });
  });
}

const k3sHostData = (extra: Partial<MemoryData> = {}): MemoryData => ({
  kubeInfo: k3sHostInfo,
  kubeVersion: "v1.33.4+k3s1",
  interfaces: devboxIfaces,
  kube: { nodes: [devbox], services: [traefikSvc("192.168.1.50")], pods: [svclbPod("traefik", "kube-system", "devbox", "Running", [80, 443])], daemonsets: [svclbDs("traefik", "kube-system")] },
  dockerUnavailable: "unreachable",
  ...extra,
});

// ------------------------------------------------------------------ checks

table(nodeIdentified, [
  {
    name: "k3s installed on this host, target localhost",
    data: k3sHostData(),
    target: "http://localhost/",
    facts: { address: "127.0.0.1" },
    status: "pass",
    summary: "127.0.0.1 is this host, and this host is node devbox (InternalIP 192.168.1.50",
    expectFacts: { node: { name: "devbox", local: true, via: "this-host" } },
  },
  {
    name: "a Colima VM reached by its --network-address",
    data: { kubeInfo: { ...k3sHostInfo, context: "colima" }, interfaces: laptopIfaces, kube: { nodes: [colima], services: [] } },
    target: "http://192.168.106.2:8080/",
    facts: { address: "192.168.106.2" },
    status: "pass",
    summary: "192.168.106.2 is the InternalIP of node colima; the request goes from the address straight to the node",
    expectFacts: { node: { name: "colima", local: false } },
  },
  {
    name: "kind on a Docker host: loopback is not a node",
    data: { kubeInfo: { ...k3sHostInfo, context: "kind-kind" }, interfaces: dockerHostIfaces, kube: { nodes: [kindNode], services: [] } },
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1" },
    status: "skip",
    summary: /^not applicable: 127\.0\.0\.1 is this host, which is not a Kubernetes node/,
    expectFacts: { node: null },
  },
  {
    name: "nodes cannot be read: the node stays unresolved",
    data: { ...k3sHostData(), unavailable: { nodes: "forbidden" } },
    target: "http://localhost/",
    facts: { address: "127.0.0.1" },
    status: "skip",
    summary: /^unavailable: .*whether 127\.0\.0\.1 is a node's address cannot be told/,
  },
]);

table(listenerIdentified, [
  {
    name: "nothing listens on 80 of a k3s host: the DNAT rules are named",
    data: k3sHostData({ listeners: [{ address: "::", port: 6443, pid: 1988, process: "k3s-server" }] }),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode },
    status: "skip",
    summary: "this host is node devbox, where k3s ServiceLB and hostPort pods take ports through iptables/nftables DNAT rules that ss and netstat do not show",
  },
]);

table(publishesPort, [
  {
    name: "k3s on this host: no node container",
    data: k3sHostData(),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode },
    status: "skip",
    summary: "not applicable: 127.0.0.1 is this host, which is node devbox itself (k3s on this host): there is no node container",
    expectFacts: { container: null },
  },
  {
    name: "a VM's node reached by its address",
    data: { ...k3sHostData(), containers: [] },
    target: "http://192.168.106.2:8080/",
    facts: { address: "192.168.106.2", node: colimaNode },
    status: "skip",
    summary: "not applicable: 192.168.106.2 is the InternalIP of node colima: the request reaches the node directly",
  },
]);

table(receivesPort, [
  {
    name: "traefik's svclb takes port 80 on this host's node",
    data: k3sHostData(),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode },
    status: "pass",
    summary: "node devbox (this host) receives port 80 itself, without a node container; LoadBalancer Service kube-system/traefik takes it through k3s ServiceLB (svclb, port 80)",
    expectFacts: { service: { namespace: "kube-system", name: "traefik", via: "svclb", port: 80 } },
  },
  {
    name: "a NodePort answers on this host's node",
    data: k3sHostData({ kube: { nodes: [devbox], services: [podinfoSvc], pods: [] } }),
    target: "http://localhost:30080/",
    facts: { address: "127.0.0.1", node: devboxNode },
    status: "pass",
    summary: "NodePort Service podinfo/podinfo takes it as nodePort 30080 (port 9898)",
    expectFacts: { service: { name: "podinfo", via: "nodeport", nodePort: 30080 } },
  },
  {
    name: "nothing takes the port on the node: neither k3d nor kind fixes are offered",
    data: k3sHostData({ kube: { nodes: [devbox], services: [traefikSvc("192.168.1.50")], pods: [] } }),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: devboxNode },
    status: "fail",
    summary: "node devbox (this host) receives port 8080 itself, without a node container; no Service takes port 8080",
    fixes: [],
  },
  {
    name: "without a node and without a container the hop does not apply",
    data: k3sHostData(),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: null, container: null },
    status: "skip",
    summary: "not applicable: no container publishes the port",
  },
]);

table(portFree, [
  {
    name: "an Envoy Gateway proxy on a k3s host waits for port 80, which traefik's svclb holds",
    data: k3sHostData({
      kube: {
        nodes: [devbox],
        services: [traefikSvc("192.168.1.50")],
        pods: [svclbPod("traefik", "kube-system", "devbox", "Running", [80, 443]), { ...svclbPod("envoy-default-eg-e41e7b31", "envoy-gateway-system", "devbox", "Pending", [80]), metadata: { ...svclbPod("envoy-default-eg-e41e7b31", "envoy-gateway-system", "devbox", "Pending", [80]).metadata, name: "svclb-envoy-default-eg-e41e7b31-9c2e7b41-4mklw" }, status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports." }] } }],
        helmcharts: [{ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name: "traefik", namespace: "kube-system" }, spec: {} }],
      },
    }),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode, service: { namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", type: "LoadBalancer", port: 80, nodePort: 31437, targetPort: 10080, via: "svclb" } },
    status: "fail",
    summary: "port 80 is held by svclb-traefik-051ba4dd-7bhkv (Service kube-system/traefik)",
    fixes: ["remove-traefik"],
  },
]);


table(dockerReachable, [
  {
    name: "no Docker on a k3s host is normal",
    data: k3sHostData(),
    target: null,
    status: "skip",
    summary: /^not applicable: no Docker Engine at .* \(unreachable\), which is normal here: the cluster of context default is k3s v1\.33\.4\+k3s1 on a host or VM/,
  },
  {
    name: "no Docker under Rancher Desktop with containerd is normal too",
    data: k3sHostData({ kubeInfo: { ...k3sHostInfo, context: "rancher-desktop" }, kubeVersion: "v1.32.6+k3s1" }),
    target: null,
    status: "skip",
    summary: "the cluster of context rancher-desktop is k3s v1.32.6+k3s1",
  },
  {
    name: "an RKE2 node needs no Docker either",
    data: k3sHostData({ kubeVersion: "v1.31.9+rke2r1" }),
    target: null,
    status: "skip",
    summary: "is RKE2 v1.31.9+rke2r1",
  },
  {
    name: "a k3d context without Docker is still a failure: its nodes are Docker containers",
    data: k3sHostData({ kubeInfo: k3dInfo }),
    target: null,
    status: "fail",
    summary: /does not answer/,
  },
  {
    name: "a kind cluster without Docker is a failure",
    data: k3sHostData({ kubeInfo: { ...k3dInfo, context: "kind-kind" }, kubeVersion: "v1.33.1" }),
    target: null,
    status: "fail",
    summary: /does not answer/,
  },
]);

// ------------------------------------------------------------------ §2: a local listener shadowed by the node's rules

const kubectlOn80 = { address: "127.0.0.1", port: 80, pid: 48213, process: "kubectl", command: "kubectl --kubeconfig /etc/rancher/k3s/k3s.yaml port-forward -n monitoring svc/grafana 80:80" };
const nginxOn80 = { address: "0.0.0.0", port: 80, pid: 1207, process: "nginx", command: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;" };
const ingressNginxHostPort: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "ingress-nginx-controller-5b8d7c6f9-q2xkz", namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" } },
  spec: { nodeName: "devbox", containers: [{ name: "controller", ports: [{ containerPort: 80, hostPort: 80, protocol: "TCP" }] }] },
  status: { phase: "Running" },
};

table(notShadowed, [
  {
    name: "sudo kubectl port-forward 80:80 on a k3s host with traefik",
    data: k3sHostData({ listeners: [kubectlOn80] }),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: kubectlOn80 },
    status: "fail",
    summary:
      "kubectl (pid 48213) listens on 127.0.0.1:80, but connections to 127.0.0.1:80 never reach it: svclb-traefik-051ba4dd-7bhkv (ServiceLB of Service kube-system/traefik) holds hostPort 80 on node devbox (this host)",
    fixes: ["remove-traefik"],
  },
  {
    name: "an apt nginx on 0.0.0.0:80 reached by the host's own address",
    data: k3sHostData({ listeners: [nginxOn80] }),
    target: "http://192.168.1.50/",
    facts: { address: "192.168.1.50", node: devboxNode, listener: nginxOn80 },
    status: "fail",
    summary: /^nginx \(pid 1207\) listens on 0\.0\.0\.0:80, but connections to 192\.168\.1\.50:80 never reach it: .*traefik answers instead/,
    fixes: ["remove-traefik"],
  },
  {
    name: "another hostPort pod holds the port: no remove-traefik",
    data: k3sHostData({ kube: { nodes: [devbox], services: [], pods: [ingressNginxHostPort] } }),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: nginxOn80 },
    status: "fail",
    summary: "pod ingress-nginx/ingress-nginx-controller-5b8d7c6f9-q2xkz (hostPort 80) holds hostPort 80 on node devbox (this host)",
    fixes: [],
  },
  {
    name: "traefik removed: nginx gets its connections",
    data: k3sHostData({ kube: { nodes: [devbox], services: [], pods: [] } }),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: nginxOn80 },
    status: "pass",
    summary: "nginx (pid 1207) listens on 0.0.0.0:80; no svclb or hostPort pod holds port 80 on node devbox (this host)",
  },
  {
    name: "a port traefik does not hold",
    data: k3sHostData(),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: { ...kubectlOn80, port: 8080 } },
    status: "pass",
    summary: "no svclb or hostPort pod holds port 8080",
  },
  {
    name: "IPv6 loopback still reaches the listener (k3s-io/k3s#2403)",
    data: k3sHostData(),
    target: "http://[::1]/",
    facts: { address: "::1", node: devboxNode, listener: { ...nginxOn80, address: "::" } },
    status: "skip",
    summary: "not applicable: [::1]:80 is IPv6",
  },
  {
    name: "a k3d host: this host is not a node",
    data: k3sHostData(),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: null, listener: { address: "0.0.0.0", port: 8080, pid: 2211, process: "docker-proxy" } },
    status: "skip",
    summary: "not applicable: this host is not a Kubernetes node",
  },
]);

table(receivesPort, [
  {
    name: "a kubectl port-forward carries the request: the node's port is not on the path",
    data: k3sHostData(),
    target: "http://localhost/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: kubectlOn80, forwarder: { kind: "kubectl-port-forward", pid: 48213, upstream: "monitoring/svc/grafana:80", command: kubectlOn80.command } },
    status: "skip",
    summary: "not applicable: a kubectl port-forward takes the port and carries it through the API server, not to a node port, and no Service was found behind it",
  },
  {
    name: "a host nginx on a port nothing in the cluster takes: the path ends at nginx",
    data: k3sHostData(),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: devboxNode, listener: { ...nginxOn80, port: 8080 } },
    status: "skip",
    summary: "not applicable: nginx (pid 1207) listens on 0.0.0.0:8080 of node devbox itself and no Service takes port 8080 there",
    expectFacts: { service: null },
  },
]);

describe("the namespaces a bundle collects", () => {
  it("include a kubectl port-forward's upstream namespace, which forwarder.upstream-reachable reads", () => {
    const path = {
      resolution: { address: "127.0.0.1", listener: null, container: null, service: null, gateway: null, route: null, backend: null, forwarder: { kind: "kubectl-port-forward", pid: 48213, upstream: "monitoring/svc/grafana:80" } },
    };
    expect(reportNamespaces({ paths: [path] } as unknown as Report)).toEqual(["monitoring"]);
    expect(reportNamespaces({ paths: [{ resolution: { ...path.resolution, forwarder: { kind: "socat", pid: 1, upstream: "172.18.0.2:30080" } } }] } as unknown as Report)).toEqual([]);
  });
});

table(nameResolves, [
  {
    name: "a VM's address is where its ports are: no scope warning",
    data: { kubeInfo: { ...k3sHostInfo, context: "colima" }, interfaces: laptopIfaces, kube: { nodes: [colima], services: [] } },
    target: "http://192.168.106.2:8080/",
    status: "pass",
    summary: "192.168.106.2 is an IP literal",
  },
  {
    name: "a name in the hosts file pointing at a multipass VM's node",
    data: { interfaces: laptopIfaces, kube: { nodes: [node("k3s", "192.168.64.5")], services: [] }, hosts: { path: "/etc/hosts", entries: [{ address: "192.168.64.5", names: ["www.example.com"] }] } },
    target: "http://www.example.com/",
    status: "pass",
    summary: "www.example.com resolves to 192.168.64.5",
  },
  {
    name: "an address that is no node's still warns",
    data: { interfaces: laptopIfaces, kube: { nodes: [colima], services: [] } },
    target: "http://192.168.122.1:6385/",
    status: "warn",
    summary: "192.168.122.1 resolves to 192.168.122.1, which is not an address of this host, but the cluster's ports are published on 127.0.0.1: requests go to another machine",
  },
]);
