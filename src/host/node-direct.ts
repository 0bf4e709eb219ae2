/**
 * Which Kubernetes node a target address reaches directly, without a node
 * container: k3s (or RKE2) installed on this host, or on a VM or machine
 * reached by its address (Colima with `--network-address`, Rancher Desktop,
 * Lima, multipass, a Raspberry Pi). Pure: takes what the sources returned.
 *
 * Sources:
 * - a node's addresses are `status.addresses` (`InternalIP`, `ExternalIP`,
 *   `Hostname`; Kubernetes API Node v1). k3s sets InternalIP to the host's
 *   primary address (or `--node-ip`), ExternalIP from `--node-external-ip`
 *   (docs.k3s.io/cli/agent "Networking").
 * - k3s ServiceLB writes the addresses of the nodes running a Service's svclb
 *   pods into `status.loadBalancer.ingress` (k3s pkg/cloudprovider/servicelb.go
 *   `getStatus`: ExternalIP when set, else InternalIP), so a LoadBalancer IP on
 *   k3s is a node address (`kubectl get svc` EXTERNAL-IP `192.168.1.50`,
 *   k3s-io/k3s#1414, #3345).
 * - a node is this host when one of its addresses is an address of this host's
 *   interfaces (`os.networkInterfaces()`); then loopback (`localhost`,
 *   127.0.0.1) and every other address of this host reach that node too: the
 *   CNI portmap DNAT rules that take hostPorts (svclb) match
 *   `--dst-type LOCAL` (`CNI-HOSTPORT-DNAT`, medic/cht-core#6876), and
 *   kube-proxy answers NodePorts on every local address.
 */
import type { NodeFact } from "../engine/types.js";
import type { Node, Service } from "../kube/types.js";
import type { HostInterface } from "../sources/types.js";
import { isLoopback, normalizeAddress } from "./addresses.js";

/** What `identifyNode` decided. */
export interface NodeDirectResult {
  /** The node the address reaches directly, or null. */
  node: NodeFact | null;
  /** The node that is this host (whatever the target), or null when none is, or when the interfaces are unknown. */
  localNode: { name: string; address: string; addressType: string } | null;
  /** Why `node` is null (or how it was found), one clause naming the objects, for summaries. */
  reason: string;
  /** The Service whose LoadBalancer ingress IP the address is, when it is one. */
  loadBalancerOf: { namespace: string; name: string } | null;
}

/** Node address types that route to the node (a `Hostname` entry is a name, not an address to match). */
const ADDRESS_TYPES = ["InternalIP", "ExternalIP"];

function nodeAddresses(n: Node): { type: string; address: string }[] {
  return (n.status?.addresses ?? []).filter((a) => ADDRESS_TYPES.includes(a.type)).map((a) => ({ type: a.type, address: normalizeAddress(a.address) }));
}

/**
 * The node a target `address` reaches directly (rules in the module
 * comment). `interfaces` null means this host's addresses are unknown: then
 * only a node's own address (or a LoadBalancer IP that is one) is
 * recognised, never loopback. Never throws.
 */
export function identifyNode(address: string, interfaces: readonly HostInterface[] | null, nodes: readonly Node[], services: readonly Service[]): NodeDirectResult {
  const target = normalizeAddress(address);
  const own = new Set((interfaces ?? []).map((i) => normalizeAddress(i.address)));
  let localNode: NodeDirectResult["localNode"] = null;
  for (const n of nodes) {
    const hit = nodeAddresses(n).find((a) => own.has(a.address) && !isLoopback(a.address));
    if (hit) {
      localNode = { name: n.metadata.name, address: hit.address, addressType: hit.type };
      break;
    }
  }
  const lbOf = services.find((s) => s.spec.type === "LoadBalancer" && (s.status?.loadBalancer?.ingress ?? []).some((i) => i.ip && normalizeAddress(i.ip) === target));
  const loadBalancerOf = lbOf ? { namespace: lbOf.metadata.namespace ?? "default", name: lbOf.metadata.name } : null;
  const thisHost = isLoopback(target) || own.has(target);

  if (thisHost && interfaces !== null) {
    if (localNode) {
      return {
        node: { name: localNode.name, address: localNode.address, addressType: localNode.addressType, local: true, via: "this-host" },
        localNode,
        loadBalancerOf,
        reason: `${address} is this host, and this host is node ${localNode.name} (${localNode.addressType} ${localNode.address} is one of its addresses)`,
      };
    }
    const ips = [...own].filter((a) => !isLoopback(a));
    return {
      node: null,
      localNode,
      loadBalancerOf,
      reason: `${address} is this host, which is not a Kubernetes node (no node's InternalIP or ExternalIP is among this host's addresses${ips.length ? `: ${ips.slice(0, 4).join(", ")}${ips.length > 4 ? ", …" : ""}` : ""})`,
    };
  }
  for (const n of nodes) {
    const hit = nodeAddresses(n).find((a) => a.address === target);
    if (!hit) continue;
    const local = localNode?.name === n.metadata.name;
    const via: NodeFact["via"] = loadBalancerOf ? "load-balancer-ip" : "node-address";
    return {
      node: { name: n.metadata.name, address: hit.address, addressType: hit.type, local, via },
      localNode,
      loadBalancerOf,
      reason: `${address} is the ${hit.type} of node ${n.metadata.name}${local ? " (this host)" : ""}${loadBalancerOf ? `, published as the LoadBalancer IP of Service ${loadBalancerOf.namespace}/${loadBalancerOf.name} (k3s ServiceLB)` : ""}`,
    };
  }
  if (thisHost) return { node: null, localNode, loadBalancerOf, reason: `${address} is this host; its interface addresses are unknown, so whether it is a node cannot be told` };
  if (loadBalancerOf) {
    return {
      node: null,
      localNode,
      loadBalancerOf,
      reason: `${address} is the LoadBalancer IP of Service ${loadBalancerOf.namespace}/${loadBalancerOf.name}, but not the address of any node (assigned by a load balancer other than k3s ServiceLB, e.g. MetalLB)`,
    };
  }
  return { node: null, localNode, loadBalancerOf, reason: `${address} is neither an address of this host nor of a node` };
}
