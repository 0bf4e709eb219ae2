/**
 * What the NetworkPolicies of a path's backend pods admit: the path's own
 * gateway / ingress proxy pods (backend.network-policy-admits-proxy, ND808)
 * and the API server's service proxy (backend.answers, ND805, to name the
 * policy behind a proxy timeout). Shared by those two checks; the semantics
 * are src/kube/network-policy.ts.
 */
import type { CheckContext, NetworkPolicy, Node, Pod, Service } from "../../src/index.js";
import { backendOfPath, findServicePort, isObject, isPodReady, podNode, podsSelectedBy, ref, resolveTargetPort } from "../../src/kube/helpers.js";
import { decideIngress, describeAdmitted, policyRef, type PolicyDecision, type PolicySource } from "../../src/kube/network-policy.js";

/** The backend pods of the path and what a decision needs about them. */
export interface BackendPolicyView {
  /** `namespace/name` of the backend Service. */
  service: string;
  servicePort: number;
  /** Ready pods behind the Service (all selected pods when none is Ready), each with the port the traffic reaches inside it. */
  pods: { pod: Pod; port: number }[];
  policies: NetworkPolicy[];
  namespaces: Awaited<ReturnType<CheckContext["kube"]["list"]>>;
  nodes: Node[];
  services: Service[];
}

/**
 * The backend Service's pods and the cluster's NetworkPolicies, or null
 * when the path has no backend Service with a selector and pods.
 * @throws SourceError when NetworkPolicies (or the other kinds) cannot be listed.
 */
export async function backendPolicyView(ctx: CheckContext): Promise<BackendPolicyView | null> {
  const backend = backendOfPath(ctx.facts);
  if (!backend) return null;
  const [services, pods, policies, namespaces, nodes] = await Promise.all([
    ctx.kube.list("services", ctx.signal),
    ctx.kube.list("pods", ctx.signal),
    ctx.kube.list("networkpolicies", ctx.signal),
    ctx.kube.list("namespaces", ctx.signal),
    ctx.kube.list("nodes", ctx.signal),
  ]);
  const svc = services.find((s) => isObject(s, backend.namespace, backend.name));
  if (!svc || !Object.keys(svc.spec.selector ?? {}).length) return null;
  const sp = findServicePort(svc, backend.port);
  if (!sp) return null;
  const selected = podsSelectedBy(pods, backend.namespace, svc.spec.selector).filter((p) => p.status?.phase === "Running" || p.status?.phase === "Pending");
  const ready = selected.filter(isPodReady);
  const chosen = (ready.length ? ready : selected).flatMap((pod) => {
    const port = resolveTargetPort(sp, pod);
    return port === undefined ? [] : [{ pod, port }];
  });
  if (!chosen.length) return null;
  return { service: ref(svc), servicePort: sp.port, pods: chosen, policies, namespaces, nodes, services };
}

/** A decision for every backend pod, against one source. */
export function decideForPods(view: BackendPolicyView, source: (dest: Pod) => PolicySource): { pod: Pod; port: number; decision: PolicyDecision }[] {
  return view.pods.map(({ pod, port }) => ({ pod, port, decision: decideIngress(view.policies, view.namespaces, source(pod), { pod, port }) }));
}

/** InternalIP of a node, or null. */
export function nodeAddress(node: Node | undefined): string | null {
  return node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? null;
}

/** The node the API server runs on (a control-plane node), as a policy source: it connects from the node's address, not from a pod. */
export function apiServerSource(view: BackendPolicyView): { source: PolicySource; node: Node | null } {
  const cp = view.nodes.find((n) => {
    const l = n.metadata.labels ?? {};
    return "node-role.kubernetes.io/control-plane" in l || "node-role.kubernetes.io/master" in l;
  });
  return { source: { kind: "address", address: nodeAddress(cp), what: "the API server" }, node: cp ?? null };
}

/**
 * The policies that keep the API server's service proxy from every backend
 * pod: `sentence` names them and what they admit; `contradiction` adds that
 * this is expected while the gateway's traffic works (for `overruled.likely`).
 * Null when no policy keeps it out (the pods are not isolated, a rule admits
 * every source or the node's address, or an ipBlock might).
 */
export function apiServerBlockedBy(view: BackendPolicyView): { policies: NetworkPolicy[]; sentence: string; contradiction: string } | null {
  const { source, node } = apiServerSource(view);
  const decisions = decideForPods(view, () => source);
  if (decisions.some((d) => d.decision.admitted || d.decision.undecided)) return null;
  const policies = [...new Map(decisions.flatMap((d) => d.decision.selecting).map((p) => [ref(p), p])).values()];
  const address = nodeAddress(node ?? undefined);
  const from = node ? `it connects from node ${node.metadata.name}${address ? `, ${address}` : ""}, not from a pod` : "it connects from a control-plane node's address, not from a pod";
  const sameNode = node && decisions.some((d) => podNode(d.pod) === node.metadata.name);
  const nodeNote = sameNode ? "; the Kubernetes docs let traffic from a pod's own node through, this CNI evidently does not" : "";
  const sentence = `${policies.map((p) => `${policyRef(p)} admits only ${describeAdmitted(p)}`).join("; ")}; the API server's service proxy is not among them (${from}${nodeNote})`;
  const todo = "to use `kubectl proxy` or service proxy URLs, admit the node's address with an ipBlock";
  return { policies, sentence, contradiction: `${sentence} — traffic through the gateway works, this is expected; ${todo}` };
}
