/**
 * backend.endpoints-ready (ND802): the backend Service has ready endpoints.
 */
import { defineCheck, fail, pass, skip, type Check } from "../../src/index.js";
import { backendOfPath, formatSelector, isObject, podsSelectedBy } from "../../src/kube/helpers.js";

/** Label linking an EndpointSlice to its Service (discovery.k8s.io/v1 `kubernetes.io/service-name`). */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/**
 * Why this matters: Envoy (and kube-proxy) send traffic only to ready
 * endpoints. With none, the gateway answers 503 `no healthy upstream` (Envoy
 * response flag UH) and a NodePort / port-forward gets refused connections.
 */
const check: Check = defineCheck({
  id: "backend.endpoints-ready",
  code: "ND802",
  hop: "backend",
  title: "the backend has ready endpoints",
  dependsOn: ["backend.service-exists"],
  contradiction:
    "the endpoints changed between the checks and the request (a rollout or a restart in progress: the gateway still held a ready endpoint), or the gateway sends this route to another backend than the Service netdoctor resolved; rerun, and watch `kubectl get endpointslices -w` while it settles",
  explain: {
    meaning: "The backend Service's EndpointSlices (labelled kubernetes.io/service-name) must list at least one endpoint with conditions.ready true (an absent ready counts as ready).",
    causes: "No pod matches the Service selector (label typo, Deployment scaled to 0); the pods exist but fail their readiness probe or crash; the Service has no selector and nobody wrote EndpointSlices for it.",
    fix: "Fix the selector or the pods (see backend.pods-ready); for a Service without selector, create an EndpointSlice with the backend addresses or add a selector.",
    links: ["https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/", "https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors"],
  },
  async run(ctx) {
    const backend = backendOfPath(ctx.facts);
    if (!backend) return skip("not applicable: no backend Service on the path");
    const name = `${backend.namespace}/${backend.name}`;
    const [services, slices] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("endpointslices", ctx.signal)]);
    const svc = services.find((s) => isObject(s, backend.namespace, backend.name));
    if (!svc) return skip(`not applicable: Service ${name} does not exist`);
    if (svc.spec.type === "ExternalName") return skip(`not applicable: Service ${name} is ExternalName (${svc.spec.externalName ?? "?"}), it has no endpoints`);
    const mine = slices.filter((s) => (s.metadata.namespace ?? "default") === backend.namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === backend.name);
    const endpoints = mine.flatMap((s) => s.endpoints ?? []);
    // EndpointConditions.ready: "nil should be interpreted as ready" (discovery.k8s.io/v1 API).
    const ready = endpoints.filter((e) => e.conditions?.ready !== false);
    const notReady = endpoints.filter((e) => e.conditions?.ready === false);
    const names = (list: typeof endpoints) => list.map((e) => (e.targetRef?.name ? `${e.targetRef.name} (${e.addresses.join(",")})` : e.addresses.join(","))).join(", ");
    const hasSelector = Object.keys(svc.spec.selector ?? {}).length > 0;
    const evidence = {
      service: name,
      selector: formatSelector(svc.spec.selector),
      endpointSlices: mine.map((s) => s.metadata.name),
      ready: ready.map((e) => ({ addresses: e.addresses, pod: e.targetRef?.name ?? null })),
      notReady: notReady.map((e) => ({ addresses: e.addresses, pod: e.targetRef?.name ?? null, conditions: e.conditions ?? {} })),
    };
    const signature = "A gateway in front of it answers 503 `no healthy upstream`; kube-proxy refuses connections.";
    if (ready.length) {
      return pass(`Service ${name} has ${ready.length} ready endpoint${ready.length === 1 ? "" : "s"}: ${names(ready)}${notReady.length ? ` (${notReady.length} not ready)` : ""}`, { evidence });
    }
    if (!hasSelector && !mine.length) {
      return fail(`Service ${name} has no selector and no EndpointSlices; expected an EndpointSlice labelled ${SERVICE_NAME_LABEL}=${backend.name} listing the backend addresses`, {
        details: `A Service without a selector gets no endpoints from Kubernetes: someone must create EndpointSlices (or Endpoints) for it by hand. ${signature}`,
        evidence,
      });
    }
    if (notReady.length) {
      return fail(`Service ${name} has no ready endpoints; not ready: ${names(notReady)}; expected at least one ready endpoint`, {
        causedBy: ["backend.pods-ready"],
        details: `The pods behind the Service exist but are not Ready (failing readiness probe, crashing or starting): see backend.pods-ready. ${signature}`,
        evidence,
      });
    }
    const pods = ctx.kube.list("pods", ctx.signal);
    const selected = hasSelector ? podsSelectedBy(await pods, backend.namespace, svc.spec.selector) : [];
    return fail(
      hasSelector
        ? `Service ${name} has no endpoints: selector ${formatSelector(svc.spec.selector)} matches ${selected.length ? `${selected.length} pod(s) without a ready address` : `no pods in namespace ${backend.namespace}`}; expected at least one ready endpoint`
        : `Service ${name} has no selector and its EndpointSlices ${mine.map((s) => s.metadata.name).join(", ")} list no endpoints; expected at least one ready endpoint`,
      { details: signature, evidence: { ...evidence, selectedPods: selected.map((p) => p.metadata.name) } },
    );
  },
});

export default check;
