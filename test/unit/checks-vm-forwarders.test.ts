/**
 * k3s in a desktop VM tool's VM reached through the tool's own port forwarder
 * (issue 10 §1: Lima, Colima without --network-address, Rancher Desktop):
 * the forwarder followed to the VM's node (ND203), what takes the port there
 * (ND305), and why a port the VM takes is not forwarded (ND207). Each case
 * names the situation, the expected status and a fragment of the summary.
 * Memory sources only; facts in docs/facts/vm-tool-forwarders.md.
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOptions, CheckOutcome, DaemonSet, HostInterface, HostListener, Node, PathFacts, Pod, Service, Target } from "../../src/index.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import nodeIdentified from "../../checks/host-port/node-identified.js";
import vmPortForwarded from "../../checks/host-port/vm-port-forwarded.js";
import vmForwardReachesNode from "../../checks/forwarder/vm-forward-reaches-node.js";
import { resolutionLine } from "../../src/report/format.js";

// ------------------------------------------------------------------ fixtures

const node = (name: string, internal: string, args = '["server"]'): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, annotations: { "k3s.io/node-args": args } },
  status: { addresses: [{ type: "InternalIP", address: internal }, { type: "Hostname", address: name }], conditions: [{ type: "Ready", status: "True" }] },
});
const colima = node("colima", "192.168.5.15", '["server","--disable=traefik","--flannel-iface","eth0"]');
const colimaNoLb = node("colima", "192.168.5.15", '["server","--disable=traefik","--disable=servicelb","--flannel-iface","eth0"]');
const colimaAddr = node("colima", "192.168.106.2", '["server","--advertise-address","192.168.106.2","--flannel-iface","col0"]');
const rd = node("lima-rancher-desktop", "192.168.5.15", '["server","--https-listen-port","6443"]');
const limaK3s = node("lima-k3s", "192.168.5.15");
const limaK3s2 = node("lima-k3s-2", "192.168.104.3");

const macIfaces: HostInterface[] = [
  { name: "lo0", address: "127.0.0.1", family: "IPv4", internal: true },
  { name: "en0", address: "192.168.2.31", family: "IPv4", internal: false },
];

const COLIMA_HA = "/opt/homebrew/bin/limactl hostagent --pidfile /Users/dev/.colima/_lima/colima/ha.pid --socket /Users/dev/.colima/_lima/colima/ha.sock --guestagent /opt/homebrew/share/lima/lima-guestagent.Linux-aarch64.gz colima";
const COLIMA_MUX = "ssh: /Users/dev/.colima/_lima/colima/ssh.sock [mux]";
const RD_MAC = "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl hostagent --pidfile /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.pid --socket /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.sock 0";
const RD_LINUX = "/opt/rancher-desktop/resources/resources/linux/lima/bin/limactl hostagent --pidfile /home/dev/.local/share/rancher-desktop/lima/0/ha.pid --socket /home/dev/.local/share/rancher-desktop/lima/0/ha.sock 0";
const LIMA_K3S = "/usr/local/bin/limactl hostagent --pidfile /Users/dev/.lima/k3s/ha.pid --socket /Users/dev/.lima/k3s/ha.sock k3s";

const listen = (address: string, port: number, pid: number, command: string, proc = "limactl"): HostListener => ({ address, port, pid, process: proc, command });

const lbSvc = (name: string, ns: string, port: number, nodePort: number, ip: string | null): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: ns },
  spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ name: "http", port, targetPort: "http", nodePort, protocol: "TCP" }] },
  status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} },
});
const svclbPod = (svc: string, ns: string, nodeName: string, phase: "Running" | "Pending", ports: number[]): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: `svclb-${svc}-3b7d0e21-7bhkv`, namespace: "kube-system", labels: { app: `svclb-${svc}-3b7d0e21`, "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns } },
  spec: { nodeName: phase === "Running" ? nodeName : undefined, containers: ports.map((p) => ({ name: `lb-tcp-${p}`, image: "rancher/klipper-lb:v0.4.9", ports: [{ containerPort: p, hostPort: p, protocol: "TCP" }] })) },
  status: { phase },
});
const svclbDs = (svc: string, ns: string): DaemonSet => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: `svclb-${svc}-3b7d0e21`, namespace: "kube-system", labels: { "svccontroller.k3s.cattle.io/svcname": svc, "svccontroller.k3s.cattle.io/svcnamespace": ns } },
  spec: { selector: { matchLabels: { app: `svclb-${svc}-3b7d0e21` } }, template: { metadata: { labels: { app: `svclb-${svc}-3b7d0e21` } }, spec: { containers: [] } } },
});
const hostPortPod = (name: string, nodeName: string, port: number): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: { nodeName, containers: [{ name, image: "nginx:1.27", ports: [{ containerPort: 80, hostPort: port, protocol: "TCP" }] }] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
});

const hello = lbSvc("hello", "default", 8080, 31866, "192.168.5.15");
const traefik = lbSvc("traefik", "kube-system", 80, 30529, "192.168.5.15");

const vmData = (n: Node, listeners: HostListener[], kube: MemoryData["kube"] = {}, extra: Partial<MemoryData> = {}): MemoryData => ({
  kubeInfo: { context: "colima", cluster: "colima", server: "https://127.0.0.1:49281", namespace: "default" },
  kubeVersion: "v1.33.4+k3s1",
  interfaces: macIfaces,
  platform: "darwin",
  listeners,
  kube: { nodes: [n], services: [], pods: [], daemonsets: [], ...kube },
  ...extra,
});

const colimaNode = {
  name: "colima",
  address: "192.168.5.15",
  addressType: "InternalIP",
  local: false,
  via: "vm-forwarder" as const,
  forwardedBy: { tool: "colima" as const, instance: "colima", mechanism: "hostagent" as const, listen: "0.0.0.0:8080", pid: 2874, log: "/Users/dev/.colima/_lima/colima/ha.stderr.log" },
};

// ------------------------------------------------------------------ harness

const defaults: CheckOptions = { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 };
type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;
type LooseFacts = DeepPartial<PathFacts>;
interface Case {
  name: string;
  data: MemoryData;
  target: string;
  facts?: LooseFacts;
  status: CheckOutcome["status"];
  summary: string | RegExp;
  details?: string | RegExp;
  expectFacts?: LooseFacts;
}

function toTarget(url: string): Target {
  const u = new URL(url);
  return { url, scheme: "http", host: u.hostname.toLowerCase(), port: u.port ? Number(u.port) : 80, path: u.pathname + u.search };
}

function table(check: Check, cases: Case[]) {
  describe(`${check.id} (${check.code})`, () => {
    it.each(cases)("$name → $status", async (c) => {
      const ctx: CheckContext = { ...memorySources(c.data), target: toTarget(c.target), facts: (c.facts ?? { address: "127.0.0.1" }) as PathFacts, options: defaults, signal: new AbortController().signal };
      const out = await check.run(ctx);
      expect(out.status).toBe(c.status);
      if (typeof c.summary === "string") expect(out.summary).toContain(c.summary);
      else expect(out.summary).toMatch(c.summary);
      if (c.details) {
        if (typeof c.details === "string") expect(out.details ?? "").toContain(c.details);
        else expect(out.details ?? "").toMatch(c.details);
      }
      if (c.expectFacts) expect(out.facts).toMatchObject(c.expectFacts);
    });
  });
}

// ------------------------------------------------------------------ ND203: the forwarder leads to the VM's node

table(nodeIdentified, [
  {
    name: "Colima's limactl hostagent on *:8080 leads to node colima",
    data: vmData(colima, [listen("127.0.0.1", 49281, 2874, COLIMA_HA), listen("0.0.0.0", 8080, 2874, COLIMA_HA)]),
    target: "http://localhost:8080/",
    status: "pass",
    summary: "Colima's port forwarder (limactl hostagent, instance colima, pid 2874) listens on 0.0.0.0:8080 and carries the port into its VM: the VM is node colima",
    expectFacts: { node: { name: "colima", local: false, via: "vm-forwarder", forwardedBy: { tool: "colima", instance: "colima", mechanism: "hostagent", listen: "0.0.0.0:8080" } } },
  },
  {
    name: "Lima's ssh ControlMaster (older Lima's SSH forwarder) is followed the same way",
    data: vmData(colima, [listen("0.0.0.0", 8080, 3117, COLIMA_MUX, "ssh")]),
    target: "http://localhost:8080/",
    status: "pass",
    summary: "Colima's port forwarder (Lima's ssh ControlMaster, instance colima, pid 3117)",
    expectFacts: { node: { name: "colima", via: "vm-forwarder", forwardedBy: { mechanism: "ssh-mux" } } },
  },
  {
    name: "Rancher Desktop's instance 0 leads to node lima-rancher-desktop",
    data: vmData(rd, [listen("0.0.0.0", 80, 1877, RD_MAC)]),
    target: "http://whoami.127.0.0.1.sslip.io/",
    status: "pass",
    summary: "Rancher Desktop's port forwarder (limactl hostagent, instance 0, pid 1877)",
    expectFacts: { node: { name: "lima-rancher-desktop", forwardedBy: { tool: "rancher-desktop", instance: "0", log: "~/Library/Logs/rancher-desktop/lima.ha.stderr.log" } } },
  },
  {
    name: "a Lima instance's forwarder picks node lima-<instance> among several nodes",
    data: vmData(limaK3s, [listen("127.0.0.1", 31080, 901, LIMA_K3S)], { nodes: [limaK3s2, limaK3s] }),
    target: "http://127.0.0.1:31080/",
    status: "pass",
    summary: "the VM is node lima-k3s (InternalIP 192.168.5.15)",
  },
  {
    name: "a forwarder whose VM is not a node of this multi-node cluster leads nowhere",
    data: vmData(limaK3s, [listen("0.0.0.0", 8080, 2874, COLIMA_HA)], { nodes: [limaK3s2, node("lima-k3s-3", "192.168.104.4")] }),
    target: "http://localhost:8080/",
    status: "skip",
    summary: "is this host, which is not a Kubernetes node",
    expectFacts: { node: null },
  },
  {
    name: "a socat on the port is no VM forwarder",
    data: vmData(colima, [listen("0.0.0.0", 8080, 70412, "socat TCP-LISTEN:8080,fork,reuseaddr TCP:192.168.106.2:31866", "socat")]),
    target: "http://localhost:8080/",
    status: "skip",
    summary: "not applicable",
    expectFacts: { node: null },
  },
]);

// ------------------------------------------------------------------ ND305: what takes the forwarded port in the VM

table(vmForwardReachesNode, [
  {
    name: "a Running svclb pod takes the LoadBalancer port on node colima",
    data: vmData(colima, [], { services: [hello], pods: [svclbPod("hello", "default", "colima", "Running", [8080])], daemonsets: [svclbDs("hello", "default")] }),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: colimaNode },
    status: "pass",
    summary: "carries it into its VM, node colima, where LoadBalancer Service default/hello (k3s ServiceLB, port 8080) takes port 8080",
  },
  {
    name: "ServiceLB disabled: the LoadBalancer port is forwarded but nothing takes it (empty reply)",
    data: vmData(colimaNoLb, [], { services: [lbSvc("hello", "default", 8080, 31866, null)] }),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: colimaNode },
    status: "fail",
    summary: /nothing there takes port 8080: k3s runs with --disable=servicelb .* then closed \(empty reply\)/,
    details: /kubernetes\.k3sArgs.*Lima forwards the nodePort of NodePort Services/,
  },
  {
    name: "a Pending svclb pod: the forwarded port is held by nobody yet",
    data: vmData(colima, [], { services: [lbSvc("hello", "default", 8080, 31866, null)], pods: [svclbPod("hello", "default", "colima", "Pending", [8080])], daemonsets: [svclbDs("hello", "default")] }),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: colimaNode },
    status: "fail",
    summary: "no svclb pod of Service default/hello is Running on node colima",
  },
  {
    name: "a NodePort answers on the node whatever else runs",
    data: vmData(colima, [], { services: [{ ...hello, spec: { ...hello.spec, type: "NodePort" } }] }),
    target: "http://localhost:31866/",
    facts: { address: "127.0.0.1", node: { ...colimaNode, forwardedBy: { ...colimaNode.forwardedBy, listen: "127.0.0.1:31866" } } },
    status: "pass",
    summary: "NodePort Service default/hello (nodePort 31866)",
  },
  {
    name: "a port no Kubernetes object takes is a guest process's",
    data: vmData(colima, [], { services: [hello] }),
    target: "http://localhost:49281/",
    facts: { address: "127.0.0.1", node: colimaNode },
    status: "skip",
    summary: "no Kubernetes object takes port 49281",
  },
  {
    name: "no VM forwarder on the path",
    data: vmData(colima, []),
    target: "http://localhost:8080/",
    facts: { address: "127.0.0.1", node: null },
    status: "skip",
    summary: "no desktop VM tool's port forwarder owns the target port",
  },
]);

// ------------------------------------------------------------------ ND207: a port the VM takes is not forwarded

const rdLinux = (extra: Partial<MemoryData> = {}) =>
  vmData(rd, [listen("127.0.0.1", 6443, 4412, RD_LINUX)], { services: [traefik], pods: [svclbPod("traefik", "kube-system", "lima-rancher-desktop", "Running", [80, 443])], daemonsets: [svclbDs("traefik", "kube-system")] }, { platform: "linux", ...extra });

table(vmPortForwarded, [
  {
    name: "Rancher Desktop on Linux cannot bind port 80 without root",
    data: rdLinux(),
    target: "http://whoami.127.0.0.1.sslip.io/",
    status: "fail",
    summary: /nothing listens on 127\.0\.0\.1:80: Rancher Desktop's port forwarder .* its VM is node lima-rancher-desktop, where LoadBalancer Service kube-system\/traefik .* port 80 is privileged/,
    details: "sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80",
  },
  {
    name: "the same port on a Mac is not a privilege problem: the host agent's log is where to look",
    data: vmData(rd, [listen("0.0.0.0", 6443, 1877, RD_MAC)], { services: [traefik], pods: [svclbPod("traefik", "kube-system", "lima-rancher-desktop", "Running", [80, 443])], daemonsets: [svclbDs("traefik", "kube-system")] }),
    target: "http://whoami.127.0.0.1.sslip.io/",
    status: "fail",
    summary: "the forwarder has not opened port 80",
    details: "~/Library/Logs/rancher-desktop/lima.ha.stderr.log",
  },
  {
    name: "a hostPort pod without a Service is not forwarded by Lima 2",
    data: vmData(limaK3s, [listen("127.0.0.1", 6443, 901, LIMA_K3S)], { pods: [hostPortPod("web", "lima-k3s", 8080)] }),
    target: "http://localhost:8080/",
    status: "fail",
    summary: /pod default\/web \(hostPort 8080\) takes port 8080, but the forwarder does not forward it: only a hostPort pod takes port 8080/,
    details: "kubectl port-forward -n default pod/web 8080:80",
  },
  {
    name: "Colima with --network-address ignores 80 and 443",
    data: vmData(colimaAddr, [listen("127.0.0.1", 49281, 2874, COLIMA_HA)], { services: [traefik], pods: [svclbPod("traefik", "kube-system", "colima", "Running", [80, 443])] }),
    target: "http://localhost/",
    status: "fail",
    summary: "Colima started with --network-address does not forward ports 80 and 443",
    details: "192.168.106.2",
  },
  {
    name: "a Pending svclb pod holds nothing in the VM, so older Lima has nothing to forward",
    data: vmData(colima, [listen("127.0.0.1", 49281, 3117, COLIMA_MUX, "ssh")], { services: [lbSvc("hello", "default", 8080, 31866, null)], pods: [svclbPod("hello", "default", "colima", "Pending", [8080])], daemonsets: [svclbDs("hello", "default")] }),
    target: "http://localhost:8080/",
    status: "fail",
    summary: "no svclb pod of Service default/hello runs on node colima",
  },
  {
    name: "a NodePort is not forwarded by Lima before 0.15",
    data: vmData(colima, [listen("127.0.0.1", 49281, 3117, COLIMA_MUX, "ssh")], { services: [{ ...hello, spec: { ...hello.spec, type: "NodePort" } }] }),
    target: "http://localhost:31866/",
    status: "fail",
    summary: "Lima before 0.15 does not forward NodePorts",
    details: "kubectl port-forward -n default svc/hello 31866:8080",
  },
  {
    name: "nothing takes the port in the VM either: nothing to forward",
    data: vmData(colima, [listen("127.0.0.1", 49281, 2874, COLIMA_HA)], { services: [hello], pods: [svclbPod("hello", "default", "colima", "Running", [8080])] }),
    target: "http://localhost:9090/",
    status: "fail",
    summary: "nothing in the VM takes port 9090 either",
  },
  {
    name: "a listener on the port: see the listener checks",
    data: vmData(colima, [listen("0.0.0.0", 8080, 2874, COLIMA_HA)], { services: [hello] }),
    target: "http://localhost:8080/",
    status: "skip",
    summary: "a process listens on 0.0.0.0:8080",
  },
  {
    name: "no VM tool's forwarder on this host",
    data: vmData(colima, [listen("0.0.0.0", 22, 1104, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "sshd")], { services: [hello] }),
    target: "http://localhost:8080/",
    status: "skip",
    summary: "no desktop VM tool's port forwarder",
  },
  {
    name: "a host whose listeners cannot be read (Windows) says so",
    data: { ...rdLinux(), listeners: null },
    target: "http://whoami.127.0.0.1.sslip.io/",
    status: "skip",
    summary: "listeners cannot be read",
  },
]);

describe("the forwarder check's taker names", () => {
  it("names the path's LoadBalancer Service, not a hostPort pod, when both take the port", async () => {
    const data = vmData(colima, [], { services: [hello], pods: [svclbPod("hello", "default", "colima", "Running", [8080]), hostPortPod("web", "colima", 8080)], daemonsets: [svclbDs("hello", "default")] });
    const ctx: CheckContext = { ...memorySources(data), target: toTarget("http://localhost:8080/"), facts: { address: "127.0.0.1", node: colimaNode } as PathFacts, options: defaults, signal: new AbortController().signal };
    const out = await vmForwardReachesNode.run(ctx);
    expect(out.summary).toContain("LoadBalancer Service default/hello");
  });
});

describe("the Through line of a path", () => {
  it("names the VM tool and instance whose forwarder leads into the node, and a k3s host as this host", () => {
    const base = { address: "127.0.0.1", listener: { address: "0.0.0.0", port: 8080, process: "limactl", pid: 2874 }, forwarder: null, container: null, gateway: null, route: null, backend: null };
    const service = { namespace: "default", name: "hello", type: "LoadBalancer", port: 8080 };
    expect(resolutionLine({ ...base, service, node: { name: "colima", address: "192.168.5.15", local: false, forwardedBy: { tool: "colima", instance: "colima", listen: "0.0.0.0:8080" } } })).toBe(
      "127.0.0.1 -> 0.0.0.0:8080 limactl -> node colima (Colima VM, instance colima) -> Service default/hello LoadBalancer:8080",
    );
    expect(resolutionLine({ ...base, listener: null, service, node: { name: "devbox", address: "192.168.1.50", local: true } })).toBe("127.0.0.1 -> node devbox (this host) -> Service default/hello LoadBalancer:8080");
  });
});
