/**
 * backend.network-policy-admits-proxy (ND808): the NetworkPolicies that
 * select the backend pods admit the path's own gateway or ingress proxy.
 */
import { defineCheck, fail, pass, skip, type Check, type Pod } from "../../src/index.js";
import { isObject, podsSelectedBy, ref } from "../../src/kube/helpers.js";
import { describeAdmitted, policyRef, type PolicySource } from "../../src/kube/network-policy.js";
import { apiServerBlockedBy, backendPolicyView, decideForPods, nodeAddress } from "./network-policies.js";

/** The pods of the path's gateway / ingress proxy (the entry Service's pods when the entry is a proxy) and the Service's selector. */
async function proxyPods(ctx: Parameters<Check["run"]>[0]): Promise<{ pods: Pod[]; selector: Record<string, string> } | string> {
  const svc = ctx.facts.service;
  if (!svc) return "not applicable: no Service on the path";
  if (!svc.proxy && !ctx.facts.gateway && !ctx.facts.ingressController) return "not applicable: no gateway or ingress proxy in front of the backend (traffic reaches it from the node)";
  const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
  const entry = services.find((s) => isObject(s, svc.namespace, svc.name));
  const named = svc.proxy ? pods.filter((p) => p.metadata.namespace === svc.namespace && svc.proxy!.pods.includes(p.metadata.name)) : [];
  const selected = named.length ? named : entry?.spec.selector && Object.keys(entry.spec.selector).length ? podsSelectedBy(pods, svc.namespace, entry.spec.selector) : [];
  const running = selected.filter((p) => p.status?.phase === "Running");
  return running.length ? { pods: running, selector: entry?.spec.selector ?? {} } : `not applicable: no running proxy pods behind Service ${svc.namespace}/${svc.name}`;
}

/**
 * Why this matters: a NetworkPolicy that selects the backend pods drops
 * every connection it does not admit — the gateway's Envoy then answers 503
 * `upstream connect error … connection timeout` while every object looks
 * healthy. Policies written for another ingress controller (admitting the
 * `ingress-nginx` namespace after a move to a Gateway) are the usual cause.
 */
const check: Check = defineCheck({
  id: "backend.network-policy-admits-proxy",
  code: "ND808",
  hop: "backend",
  title: "the backend pods' NetworkPolicies admit the path's gateway proxy",
  dependsOn: ["backend.service-exists"],
  after: ["gateway.found", "gateway.ingress-controller-ready"],
  explain: {
    meaning:
      "Every NetworkPolicy of the backend's namespace that selects its pods for ingress is read with the Kubernetes semantics (podSelector, policyTypes, ingress from namespaceSelector / podSelector / ipBlock, ports; an empty ingress list denies all), and the pods of the path's own gateway or ingress proxy must be admitted on the port the Service targets.",
    causes:
      "A policy admits only another namespace (the old ingress-nginx one after a move to a Gateway), its podSelector names labels the proxy pods do not carry, its ports name another port, or a default-deny policy (`ingress: []`) has no companion that admits the gateway.",
    fix:
      "Add a peer that selects the proxy pods to the policy's `ingress[].from` (namespaceSelector `kubernetes.io/metadata.name: <proxy namespace>` together with a podSelector of the proxy's labels) on the target port, then re-run netdoctor.",
    links: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  },
  async run(ctx) {
    const view = await backendPolicyView(ctx);
    if (!view) return skip("not applicable: no backend pods behind a Service selector on the path");
    const found = await proxyPods(ctx);
    if (typeof found === "string") return skip(found);
    const proxies = found.pods;
    const nodes = view.nodes;
    const sourceOf = (p: Pod): PolicySource =>
      p.spec.hostNetwork
        ? { kind: "address", address: nodeAddress(nodes.find((n) => n.metadata.name === p.spec.nodeName)) ?? p.status?.podIP ?? null, what: `hostNetwork pod ${ref(p)}` }
        : { kind: "pod", namespace: p.metadata.namespace ?? "default", name: p.metadata.name, labels: p.metadata.labels ?? {} };
    const proxyNames = proxies.map(ref);
    const rows = proxies.flatMap((proxy) => decideForPods(view, () => sourceOf(proxy)).map((d) => ({ proxy, ...d })));
    const selecting = [...new Map(rows.flatMap((r) => r.decision.selecting).map((p) => [ref(p), p])).values()];
    const apiBlock = apiServerBlockedBy(view);
    const evidence = {
      service: view.service,
      proxyPods: proxyNames,
      backendPods: view.pods.map((p) => ({ pod: ref(p.pod), port: p.port })),
      networkPolicies: selecting.map(ref),
      apiServerAdmitted: apiBlock === null,
    };
    if (selecting.length === 0) return pass(`no NetworkPolicy selects the pods of Service ${view.service}: every source is admitted, the proxy pods (${proxyNames.join(", ")}) included`, { evidence });
    const blocked = rows.filter((r) => !r.decision.admitted && !r.decision.undecided);
    if (blocked.length === 0) {
      const by = [...new Set(rows.map((r) => r.decision.admittedBy).filter((p) => p !== null).map((p) => policyRef(p!)))];
      return pass(`${by.join(", ") || selecting.map(policyRef).join(", ")} admit${by.length === 1 ? "s" : ""} the proxy pods (${proxyNames.join(", ")}) to the pods of Service ${view.service}`, { evidence });
    }
    const first = blocked[0]!;
    const ports = [...new Set(blocked.map((b) => b.port))].join(", ");
    // The proxy Service's selector is the label set that names exactly the proxy pods.
    const selector = Object.keys(found.selector).length ? found.selector : Object.fromEntries(Object.entries(first.proxy.metadata.labels ?? {}).filter(([k]) => k !== "pod-template-hash"));
    const labels = Object.entries(selector).map(([k, v]) => `${k}: ${v}`).join(", ");
    return fail(
      `${first.decision.selecting.map((p) => `${policyRef(p)} admits only ${describeAdmitted(p)}`).join("; ")}; the proxy pod ${ref(first.proxy)} is not among them; expected the gateway proxy admitted to the pods of Service ${view.service} on port ${ports}`,
      {
        details: `The backend pods (${[...new Set(blocked.map((b) => ref(b.pod)))].join(", ")}) are isolated for ingress by ${first.decision.selecting.map(policyRef).join(", ")}, and no rule admits ${ref(first.proxy)} (namespace ${first.proxy.metadata.namespace}, labels ${labels || "none"}). The CNI drops (or rejects) its connections, so the proxy answers 503 (Envoy: \`upstream connect error or disconnect/reset before headers. reset reason: connection timeout\`). Add to the policy's ingress: \`- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${first.proxy.metadata.namespace}}}, podSelector: {matchLabels: {${labels.replace(/=/g, ": ").replace(/,/g, ", ")}}}}]\` with \`ports: [{port: ${first.port}}]\`.`,
        evidence: { ...evidence, blocked: blocked.map((b) => ({ proxy: ref(b.proxy), pod: ref(b.pod), port: b.port })) },
      },
    );
  },
});

export default check;
