/**
 * Why this matters: a 403 on one kind (a namespaced Role instead of a
 * ClusterRole, a restricted CI service account) silently hides a whole hop.
 * Listing every kind up front turns that into one warning that names the
 * kinds, instead of unexplained skips further down.
 */
import { defineCheck, isSourceError, pass, warn, type KubeKind, type SourceError } from "../../src/index.js";

/** Every kind the built-in checks list (all namespaces). */
const KINDS_READ: readonly KubeKind[] = [
  "services", "endpointslices", "pods", "events", "deployments", "daemonsets", "namespaces", "nodes",
  "gateways", "gatewayclasses", "httproutes", "referencegrants", "helmcharts", "ingresses", "networkpolicies",
];

export default defineCheck({
  id: "env.permissions-sufficient",
  code: "ND005",
  hop: "env",
  title: "every resource kind netdoctor reads is readable",
  dependsOn: ["env.api-reachable"],
  explain: {
    meaning: "netdoctor may list (across all namespaces) every resource kind it reads: Services, EndpointSlices, Pods, Events, Deployments, DaemonSets, Namespaces, Nodes, Gateway API objects, HelmCharts and Ingresses.",
    causes: "The kubeconfig's user is bound to a namespaced Role, or to a ClusterRole without list on some kinds (common for CI service accounts and shared clusters).",
    fix: "Use a kubeconfig with cluster-wide read access (e.g. the `view` ClusterRole plus read on gateway.networking.k8s.io and helm.cattle.io), or accept that the checks needing those kinds are skipped. `kubectl auth can-i list pods -A` tells which are refused.",
    links: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"],
  },
  async run(ctx) {
    const results = await Promise.allSettled(KINDS_READ.map((k) => ctx.kube.list(k, ctx.signal)));
    const forbidden: KubeKind[] = [];
    const notServed: KubeKind[] = [];
    const other: { kind: KubeKind; error: SourceError }[] = [];
    results.forEach((r, i) => {
      if (r.status === "fulfilled") return;
      const kind = KINDS_READ[i]!;
      const e: unknown = r.reason;
      if (!isSourceError(e)) throw e;
      if (e.code === "forbidden") forbidden.push(kind);
      else if (e.code === "not-found") notServed.push(kind);
      else other.push({ kind, error: e });
    });
    const evidence = { forbidden, notServed, failed: other.map((o) => `${o.kind}: ${o.error.message}`) };
    if (forbidden.length) {
      const extra = other.length ? `; ${other.map((o) => o.kind).join(", ")} could not be read (${other[0]!.error.code})` : "";
      return warn(`list ${forbidden.join(", ")} is forbidden (403); the checks that need them are skipped${extra}`, {
        details: "Check with `kubectl auth can-i list <kind> -A`. netdoctor only reads; the `view` ClusterRole plus read access to gateway.networking.k8s.io and helm.cattle.io is enough.",
        evidence,
      });
    }
    // Not a permission answer: the API failed on the way. Let the engine report it as unavailable.
    if (other.length) throw other[0]!.error;
    const readable = KINDS_READ.length - notServed.length;
    const absent = notServed.length ? ` (${notServed.join(", ")} not served: CRD not installed)` : "";
    return pass(`all ${readable} served kinds are readable across namespaces${absent}`, { evidence });
  },
});
