/**
 * NetworkPolicy ingress semantics: which policies isolate a pod, and whether
 * they admit a given source on a given port. Pure functions over listed
 * objects; no I/O.
 *
 * Source: https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * and the networking.k8s.io/v1 API reference:
 * - a pod is isolated for ingress when a NetworkPolicy of its namespace
 *   selects it (`podSelector`, `{}` = every pod) and has `Ingress` in
 *   `policyTypes` (absent `policyTypes`: `Ingress` always, `Egress` only
 *   when `egress` is set); a pod no policy selects admits everything;
 * - policies are additive: a connection is admitted when any rule of any
 *   selecting policy admits it; an empty or absent `ingress` list admits
 *   nothing;
 * - a rule admits traffic from any of its `from` peers (absent or empty =
 *   every source) to any of its `ports` (absent or empty = every port;
 *   `protocol` defaults to TCP; `port` is a number or a named container
 *   port; `endPort` makes a range);
 * - a peer with `podSelector` only selects pods of the policy's namespace,
 *   `namespaceSelector` only every pod of the matching namespaces, both
 *   together the matching pods of the matching namespaces; `ipBlock`
 *   selects addresses in `cidr` minus `except` (meant for traffic from
 *   outside the cluster: pod and node addresses are implementation-defined);
 * - traffic from the node the pod runs on is always allowed by the docs,
 *   though CNIs differ (callers say so rather than decide it).
 * Namespaces carry `kubernetes.io/metadata.name: <name>` (set by the API
 * server since Kubernetes 1.21), also when a recorded object omits it.
 */
import { BlockList, isIP } from "node:net";
import type { LabelSelector, Namespace, NetworkPolicy, NetworkPolicyPeer, Pod } from "./types.js";
import { matchesLabelSelector, podPorts, ref } from "./helpers.js";
import { describeLabelSelector, namespaceLabels } from "../gateway/attach.js";

/** Where a connection comes from: a pod (its labels and namespace), or an address that is no pod's (a node, the API server). */
export type PolicySource =
  | { kind: "pod"; namespace: string; name: string; labels: Record<string, string> }
  | { kind: "address"; /** The source address when known (a node's InternalIP); null = not known. */ address: string | null; /** What the source is, for messages: "the API server". */ what: string };

/** The destination: a pod and the port (number inside the pod) the connection reaches. */
export interface PolicyDestination {
  pod: Pod;
  port: number;
  /** `TCP` unless said otherwise. */
  protocol?: string;
}

/** The decision for one source and destination. */
export interface PolicyDecision {
  /** The policies that select the destination pod for ingress (empty = not isolated: every source admitted). */
  selecting: NetworkPolicy[];
  /** The first selecting policy that admits the source on the port; null when none does (or none selects). */
  admittedBy: NetworkPolicy | null;
  /** True when the source is admitted: no selecting policy, or one admits it. */
  admitted: boolean;
  /** True when only an `ipBlock` rule could admit an address source whose address is not known. */
  undecided: boolean;
}

/** Whether the policy governs ingress (policyTypes, defaulted as the API server does). */
export function governsIngress(p: NetworkPolicy): boolean {
  const types = p.spec.policyTypes;
  return types === undefined || types.length === 0 ? true : types.includes("Ingress");
}

/** The NetworkPolicies of the pod's namespace that select it for ingress. */
export function ingressPoliciesFor(policies: readonly NetworkPolicy[], pod: Pod): NetworkPolicy[] {
  return policies.filter(
    (p) => p.metadata.namespace === pod.metadata.namespace && governsIngress(p) && matchesLabelSelector(pod.metadata.labels ?? {}, p.spec.podSelector ?? {}),
  );
}

function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  return matchesLabelSelector(labels, sel ?? {});
}

function inIpBlock(block: { cidr: string; except?: string[] }, address: string): boolean {
  const fam = isIP(address);
  if (!fam) return false;
  const type = fam === 6 ? "ipv6" : "ipv4";
  const list = (cidr: string) => {
    const [net, bits] = cidr.split("/");
    const b = new BlockList();
    if (!net || isIP(net) !== fam) return null;
    try {
      b.addSubnet(net, Number(bits ?? (fam === 6 ? 128 : 32)), type);
    } catch {
      return null;
    }
    return b;
  };
  if (!list(block.cidr)?.check(address, type)) return false;
  return !(block.except ?? []).some((e) => list(e)?.check(address, type));
}

/** Whether one peer selects the source ("yes", "no", or "unknown" for an ipBlock and an address not known). */
function peerSelects(peer: NetworkPolicyPeer, policyNamespace: string, source: PolicySource, namespaces: readonly Namespace[]): "yes" | "no" | "unknown" {
  if (peer.ipBlock) {
    if (source.kind === "pod") return "no"; // pod addresses are implementation-defined; the docs mean ipBlock for cluster-external traffic
    if (source.address === null) return "unknown";
    return inIpBlock(peer.ipBlock, source.address) ? "yes" : "no";
  }
  if (source.kind !== "pod") return "no"; // pod and namespace selectors select pods only
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(source.namespace, namespaces))) return "no";
  } else if (source.namespace !== policyNamespace) return "no";
  return selectorMatches(peer.podSelector, source.labels) ? "yes" : "no";
}

/** Whether a rule's `ports` admit the destination port (named ports resolve on the destination pod). */
function portAdmitted(ports: NonNullable<NetworkPolicy["spec"]["ingress"]>[number]["ports"], dest: PolicyDestination): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = (dest.protocol ?? "TCP").toUpperCase();
  return ports.some((p) => {
    if ((p.protocol ?? "TCP").toUpperCase() !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "number") return p.endPort !== undefined ? dest.port >= p.port && dest.port <= p.endPort : dest.port === p.port;
    if (/^\d+$/.test(p.port)) return dest.port === Number(p.port);
    return podPorts(dest.pod).some((pp) => pp.name === p.port && pp.containerPort === dest.port);
  });
}

/**
 * Whether `source` may open a connection to `dest` under the policies
 * (module docstring for the rules).
 */
export function decideIngress(policies: readonly NetworkPolicy[], namespaces: readonly Namespace[], source: PolicySource, dest: PolicyDestination): PolicyDecision {
  const selecting = ingressPoliciesFor(policies, dest.pod);
  if (selecting.length === 0) return { selecting, admittedBy: null, admitted: true, undecided: false };
  let undecided = false;
  for (const p of selecting) {
    for (const rule of p.spec.ingress ?? []) {
      if (!portAdmitted(rule.ports, dest)) continue;
      const from = rule.from ?? [];
      if (from.length === 0) return { selecting, admittedBy: p, admitted: true, undecided: false };
      for (const peer of from) {
        const r = peerSelects(peer, p.metadata.namespace ?? "", source, namespaces);
        if (r === "yes") return { selecting, admittedBy: p, admitted: true, undecided: false };
        if (r === "unknown") undecided = true;
      }
    }
  }
  return { selecting, admittedBy: null, admitted: false, undecided };
}

/** One peer as text: `pods app=x in namespace ns`, `pods gateway-name=gw in every namespace`, `namespace kubernetes.io/metadata.name=ingress-nginx`, `ipBlock 10.0.0.0/8`. */
export function describePeer(peer: NetworkPolicyPeer, policyNamespace: string): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(", ")}` : ""}`;
  const pods = peer.podSelector && describeLabelSelector(peer.podSelector) !== "{}" ? `pods ${describeLabelSelector(peer.podSelector)}` : "every pod";
  if (!peer.namespaceSelector) return `${pods} of namespace ${policyNamespace}`;
  const ns = describeLabelSelector(peer.namespaceSelector);
  return ns === "{}" ? `${pods} in every namespace` : `${pods} in namespaces ${ns}`;
}

/** What a policy admits, as text: `pods app=x of namespace ns on port 8080/TCP; …`, or `nothing` for an empty ingress list. */
export function describeAdmitted(p: NetworkPolicy): string {
  const rules = p.spec.ingress ?? [];
  if (rules.length === 0) return "nothing (empty ingress list: deny all)";
  return rules
    .map((r) => {
      const from = r.from?.length ? r.from.map((peer) => describePeer(peer, p.metadata.namespace ?? "")).join(" or ") : "every source";
      const ports = r.ports?.length ? ` on port ${r.ports.map((pt) => `${pt.port ?? "any"}${pt.endPort ? `-${pt.endPort}` : ""}/${pt.protocol ?? "TCP"}`).join(", ")}` : "";
      return `${from}${ports}`;
    })
    .join("; ");
}

/** `NetworkPolicy ns/name`. */
export function policyRef(p: NetworkPolicy): string {
  return `NetworkPolicy ${ref(p)}`;
}
