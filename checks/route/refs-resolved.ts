/**
 * route.refs-resolved (ND703): the rule's backendRefs resolve.
 *
 * Why this matters: when the rule that wins has no backendRefs, or every
 * backendRef is invalid (Service missing, port not defined, cross-namespace
 * without a ReferenceGrant, unknown kind), Envoy-based gateways answer a bare
 * 500 with an empty body (Gateway API httproute_types.go BackendRefs;
 * envoyproxy/gateway #6068) — the request never reaches any pod, and nothing
 * in the response says why. A partly invalid rule sends that weight share to
 * 500.
 */
import { defineCheck, fail, pass, skip, warn, type CheckOutcome } from "../../src/index.js";
import { checkBackendRefs, compareRouteStatus, describeMatch, ruleMatches, type BackendRefCheck } from "../../src/gateway/index.js";
import { loadWorld, nn } from "./common.js";

const refLabel = (c: BackendRefCheck) => `${c.kind === "Service" && c.group === "" ? "Service" : `${c.group ? `${c.group}/` : ""}${c.kind}`} ${c.namespace}/${c.name}:${c.port ?? "?"}`;

const expectation = (c: BackendRefCheck, routeNs: string): string => {
  switch (c.reason) {
    case "RefNotPermitted":
      return `a ReferenceGrant in namespace ${c.namespace} allowing HTTPRoutes from the route's namespace ${routeNs}`;
    case "InvalidKind":
      return "a backendRef to a core Service";
    case "BackendNotFound":
    case null:
      return c.servicePorts
        ? `the backendRef's port to be one Service ${c.namespace}/${c.name} has (${c.servicePorts.join(", ") || "none"}), or port ${c.port} added to the Service`
        : `Service ${c.namespace}/${c.name} with port ${c.port ?? "(set a port)"}`;
    default: {
      const never: never = c.reason;
      return String(never);
    }
  }
};

/**
 * The ReferenceGrant that permits `c` (Gateway API referencegrant_types.go:
 * it lives in the target namespace; `from` names group/kind/namespace of the
 * referrer, `to` the group/kind/name of the target), as YAML.
 */
function referenceGrantFor(routeNamespace: string, c: BackendRefCheck): string {
  return [
    "apiVersion: gateway.networking.k8s.io/v1beta1",
    "kind: ReferenceGrant",
    "metadata:",
    `  name: allow-httproutes-from-${routeNamespace}`,
    `  namespace: ${c.namespace}`,
    "spec:",
    "  from:",
    "  - group: gateway.networking.k8s.io",
    "    kind: HTTPRoute",
    `    namespace: ${routeNamespace}`,
    "  to:",
    '  - group: ""',
    "    kind: Service",
    `    name: ${c.name}`,
  ].join("\n");
}

export default defineCheck({
  id: "route.refs-resolved",
  code: "ND703",
  hop: "route",
  title: "the rule's backendRefs resolve",
  dependsOn: ["route.host-matches"],
  explain: {
    meaning:
      "The rule that serves the request has at least one backendRef, and its backendRefs name existing Services with the referenced port, in the route's namespace or in a namespace whose ReferenceGrant allows it. The route's ResolvedRefs condition is True.",
    causes:
      "A rule without backendRefs (500); a Service that does not exist or lacks the port (BackendNotFound); a backendRef to another namespace without a ReferenceGrant there (RefNotPermitted); a backendRef kind the implementation does not support (InvalidKind).",
    fix:
      "Point the backendRef at an existing Service and port (`kubectl get svc -n NS`), or create the ReferenceGrant in the Service's namespace (from: group gateway.networking.k8s.io, kind HTTPRoute, namespace of the route; to: kind Service).",
    links: ["https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref", "https://gateway-api.sigs.k8s.io/api-types/referencegrant/"],
  },
  async run(ctx): Promise<CheckOutcome> {
    const fact = ctx.facts.gateway;
    const rf = ctx.facts.route;
    if (!fact || !rf || rf.kind !== "HTTPRoute") return skip("not applicable: no HTTPRoute selected for this path");
    const loaded = await loadWorld(ctx, fact, true);
    const route = loaded.routes.find((r) => r.metadata.name === rf.name && (r.metadata.namespace ?? "default") === rf.namespace);
    const rule = route?.spec.rules?.[rf.rule];
    if (!route || !rule) return skip(`not applicable: HTTPRoute ${rf.namespace}/${rf.name} rule ${rf.rule} not found`);
    const checks = checkBackendRefs(route, rule, loaded.world?.services ?? null, loaded.world?.referenceGrants ?? null);
    const where = `HTTPRoute ${nn(route)} rule ${rf.rule} (${ruleMatches(rule).map(describeMatch).join(" | ")})`;
    const statuses = loaded.gateway ? compareRouteStatus(route, loaded.gateway, loaded.world?.namespaces ?? null) : [];
    const resolvedFalse = statuses.map((s) => s.resolvedRefs).find((c) => c?.status === "False") ?? null;
    const evidence: Record<string, unknown> = {
      route: nn(route),
      rule: rf.rule,
      backendRefs: checks.map((c) => ({ group: c.group, kind: c.kind, namespace: c.namespace, name: c.name, port: c.port, weight: c.weight, valid: c.valid, reason: c.reason, message: c.message })),
      statusResolvedRefs: statuses.map((s) => s.resolvedRefs),
    };
    if (Object.keys(loaded.unavailable).length) {
      evidence.unavailable = loaded.unavailable;
      if (loaded.unavailable.referencegrants) evidence.assumed = { referencegrants: "none (cross-namespace backendRefs count as not permitted)" };
    }
    const routeNs = route.metadata.namespace ?? "default";
    const resolvedTrue = statuses.map((s) => s.resolvedRefs).find((c) => c?.status === "True") ?? null;
    const staleStatus = statuses.find((s) => s.stale);
    const staleNote = staleStatus ? ` That status was written for an older generation of the route (${route.metadata.generation ?? "?"} now), so it may describe the previous spec.` : "";
    const statusNote = resolvedFalse
      ? ` The route's status agrees: ResolvedRefs=False ${resolvedFalse.reason ?? ""}${resolvedFalse.message ? ` "${resolvedFalse.message}"` : ""}.${staleNote}`
      : resolvedTrue
        ? ` The route's status still says ResolvedRefs=True, which disagrees with these objects: the controller has not reconciled since they changed, or it resolves references its own way.${staleNote}`
        : "";

    if (checks.length === 0) {
      const answering = (rule.filters ?? []).find((f) => f.type === "RequestRedirect");
      if (answering) return pass(`${where} has no backendRefs and answers with its RequestRedirect filter`, { evidence });
      return fail(`${where} has no backendRefs: Envoy answers 500; expected at least one backendRef to a Service`, {
        details: `A rule that matches but names no backend (and has no filter that answers by itself) gets a 500 with an empty body from the gateway.${statusNote}`,
        evidence,
      });
    }
    const invalid = checks.filter((c) => c.valid === false);
    if (invalid.length === checks.length) {
      const c = invalid[0]!;
      const grant = invalid.filter((x) => x.reason === "RefNotPermitted");
      const grantText = grant.length
        ? `\nA ReferenceGrant in the Service's namespace permits it (or move the HTTPRoute to namespace ${c.namespace}):\n${grant.map((x) => referenceGrantFor(routeNs, x)).join("\n---\n")}`
        : "";
      // A controller may word a missing port as a missing Service ('Service "foo-svc" not found', kgateway-dev/kgateway#11998).
      const misworded =
        c.servicePorts && resolvedFalse?.reason === "BackendNotFound" && /not found/i.test(resolvedFalse.message ?? "") && !(resolvedFalse.message ?? "").includes(String(c.port))
          ? ` Despite that message, Service ${c.namespace}/${c.name} exists: only port ${c.port} is missing from it (its ports: ${c.servicePorts.join(", ") || "none"}).`
          : "";
      return fail(`${where}: backendRef ${refLabel(c)} does not resolve (${c.reason}: ${c.message}); Envoy answers 500; expected ${expectation(c, routeNs)}`, {
        details: `Every backendRef of the rule is invalid, so the gateway answers every request with a 500 and an empty body; the Service itself may be healthy (see the backend hop).${invalid.length > 1 ? ` Also invalid: ${invalid.slice(1).map((x) => `${refLabel(x)} (${x.reason})`).join(", ")}.` : ""}${statusNote}${misworded}${grantText}`,
        evidence,
      });
    }
    const total = checks.reduce((s, c) => s + c.weight, 0);
    if (total === 0) {
      return fail(`${where}: every backendRef has weight 0; Envoy answers 500; expected a backendRef with a positive weight`, { evidence });
    }
    if (invalid.length) {
      const share = Math.round((invalid.reduce((s, c) => s + c.weight, 0) / total) * 100);
      return warn(`${where}: ${invalid.length} of ${checks.length} backendRefs do not resolve (${invalid.map((c) => `${refLabel(c)} ${c.reason}`).join(", ")}): ${share}% of requests get 500; expected ${expectation(invalid[0]!, routeNs)}`, {
        details: `Requests are split by weight; the share of invalid backendRefs is answered with 500.${statusNote}`,
        evidence,
      });
    }
    if (resolvedFalse) {
      return warn(`${where} backendRefs resolve, but the route's status says ResolvedRefs=False ${resolvedFalse.reason ?? ""}${resolvedFalse.message ? ` "${resolvedFalse.message}"` : ""}; expected ResolvedRefs=True`, {
        details: "The condition covers the whole route: another rule may have an invalid backendRef, or the status is older than the objects it refers to.",
        evidence,
      });
    }
    const unknown = checks.some((c) => c.valid === null);
    return pass(`${where} backendRefs resolve: ${checks.map(refLabel).join(", ")}${unknown ? " (Services not verified)" : ""}`, { evidence });
  },
});
