/**
 * Why this matters: k3s installed on this host, or in a VM or on a home-lab
 * machine reached by its address, has no node container: the address leads
 * straight to a node, and the node itself takes the port (ServiceLB and
 * hostPort pods through DNAT rules that `ss`/`netstat` do not show, NodePorts
 * through kube-proxy on every node address). Recognising that node — by
 * comparing the nodes' addresses with this host's interface addresses, the
 * target address, the LoadBalancer IPs ServiceLB published, and the VM tool
 * (Lima, Colima, Rancher Desktop) whose port forwarder owns the port — lets the
 * container hop stand aside and the service hop look at the right node's port.
 */
import { defineCheck, isSourceError, pass, skip, type CheckContext, type HostInterface, type HostListener, type Node, type NodeFact, type Service } from "../../src/index.js";
import { identifyNode } from "../../src/host/node-direct.js";
import { formatHostPort, isLoopback, normalizeAddress } from "../../src/host/addresses.js";
import { coveringListeners } from "../../src/host/listeners.js";
import { describeVmForwarder, hostAgentLog, parseVmForwarder, vmNodeAddress, vmNodeOf } from "../../src/host/vm-forwarders.js";

export default defineCheck({
  id: "host-port.node-identified",
  code: "ND203",
  hop: "host-port",
  title: "the node the address reaches directly is identified",
  after: ["dns.name-resolves"],
  explain: {
    meaning:
      "The resolved address belongs to a Kubernetes node itself, with no node container in between: this host is a node (one of its interface addresses is a node's InternalIP or ExternalIP: k3s or RKE2 installed on this machine), or the address is a node's InternalIP/ExternalIP (a VM reached by its address: Colima with --network-address, Rancher Desktop, Lima, multipass; a Raspberry Pi or home-lab server), or a LoadBalancer IP k3s ServiceLB published (it is a node address), or this host is not a node but a desktop VM tool's port forwarder owns the port and carries it into the VM that is (Lima's `limactl hostagent` or ssh ControlMaster; Colima and Rancher Desktop run Lima: `localhost:PORT` on the Mac reaches node colima / lima-rancher-desktop / lima-<instance>). The path then goes from the address straight to the node: the container hop does not apply, and the service hop looks at what takes the port on that node. Skipped (not applicable) when the address is not a node's, e.g. on k3d and kind, whose nodes are containers reached through published ports.",
    causes:
      "Informational. On a node, k3s ServiceLB (svclb pods) and hostPort pods take ports through iptables/nftables DNAT rules (CNI portmap `CNI-HOSTPORT-DNAT`, matching every local address), not sockets: `ss -tlnp` shows nothing on 80/443 while traefik answers there. NodePorts answer on every node address.",
    fix: "Nothing to fix here. If this host should not be a node (a leftover k3s install), `/usr/local/bin/k3s-uninstall.sh` removes it.",
    links: ["https://docs.k3s.io/networking/networking-services#service-load-balancer", "https://kubernetes.io/docs/reference/node/node-status/#addresses"],
  },
  async run(ctx) {
    const target = ctx.target;
    const address = ctx.facts.address;
    if (!target || !address) return skip("not applicable: no resolved address", { facts: { node: null } });
    let interfaces: HostInterface[] | null = null;
    if (ctx.host.interfaces) {
      try {
        interfaces = await ctx.host.interfaces(ctx.signal);
      } catch (e) {
        if (!isSourceError(e)) throw e;
      }
    }
    let nodes: Node[];
    let services: Service[];
    try {
      [nodes, services] = await Promise.all([ctx.kube.list("nodes", ctx.signal), ctx.kube.list("services", ctx.signal)]);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      // The path may still be a plain container path: leave the node unresolved rather than claim there is none.
      return skip(`unavailable: ${e.message}; whether ${address} is a node's address cannot be told`, { facts: { node: undefined } });
    }
    const r = identifyNode(address, interfaces, nodes, services);
    const evidence = {
      address,
      node: r.node,
      localNode: r.localNode,
      loadBalancerOf: r.loadBalancerOf,
      interfaces: interfaces?.filter((i) => !i.internal).map((i) => `${i.name} ${i.address}`) ?? null,
      nodes: nodes.map((n) => ({ name: n.metadata.name, addresses: (n.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`) })),
    };
    if (!r.node) {
      // This host is not a node, but a desktop VM tool's port forwarder (Lima, Colima, Rancher Desktop) may own the
      // port and carry it into the VM that is: the path then goes from the forwarder to that node.
      const thisHost = isLoopback(address) || (interfaces ?? []).some((i) => normalizeAddress(i.address) === normalizeAddress(address));
      const viaVm = thisHost ? await vmForwardedNode(ctx, address, target.port, nodes) : null;
      if (viaVm) return pass(viaVm.summary, { facts: { node: viaVm.node }, evidence: { ...evidence, forwarder: viaVm.evidence } });
      return skip(`not applicable: ${r.reason}`, { facts: { node: null }, evidence });
    }
    const how = r.node.local
      ? "there is no node container: the node takes the port itself (ServiceLB / hostPort DNAT rules, NodePorts)"
      : "the request goes from the address straight to the node, not through a published container port";
    return pass(`${r.reason}; ${how}`, { facts: { node: r.node }, evidence });
  },
});

/**
 * The node behind a VM tool's forwarder listening on `address:port` of this
 * host (Lima's `limactl hostagent` or ssh ControlMaster; Colima and Rancher
 * Desktop run Lima), matched by the node name the tool gives the VM, or the
 * only node. Null when no such forwarder owns the port, or its VM is no node
 * of this cluster. Listener read failures count as "no forwarder".
 */
async function vmForwardedNode(ctx: CheckContext, address: string, port: number, nodes: readonly Node[]): Promise<{ node: NodeFact; summary: string; evidence: Record<string, unknown> } | null> {
  let listeners: HostListener[];
  try {
    listeners = await ctx.host.listeners(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return null;
  }
  const listener = coveringListeners(listeners, address, port)[0];
  if (!listener) return null;
  const vm = parseVmForwarder(listener.command, listener.process);
  if (!vm) return null;
  const match = vmNodeOf(vm, nodes);
  if (!match) return null;
  const n = match.node;
  const a = vmNodeAddress(n);
  const listen = formatHostPort(listener.address, listener.port);
  const node: NodeFact = {
    name: n.metadata.name,
    address: a.address,
    addressType: a.type,
    local: false,
    via: "vm-forwarder",
    forwardedBy: { tool: vm.tool, instance: vm.instance, mechanism: vm.mechanism, listen, pid: listener.pid ?? null, log: hostAgentLog(vm) },
  };
  const how = match.by === "name" ? `the VM is node ${n.metadata.name}` : `the VM is node ${n.metadata.name}, the cluster's only node`;
  return {
    node,
    summary: `${formatHostPort(address, port)} is this host, which is not a node; ${describeVmForwarder(vm, listener.pid)} listens on ${listen} and carries the port into its VM: ${how} (${a.type} ${a.address}); the node takes port ${port} itself (ServiceLB / hostPort DNAT rules, NodePorts)`,
    evidence: { listen, pid: listener.pid ?? null, command: listener.command ?? null, vm, matchedBy: match.by },
  };
}
