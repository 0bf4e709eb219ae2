/**
 * route.host-matches (ND701): an HTTPRoute serves this host and path.
 *
 * Why this matters: behind a Gateway, a request that reaches a healthy Envoy
 * still gets a bare 404 with an empty body when no attached HTTPRoute carries
 * the Host (a hostname typo, a wildcard that does not cover the apex, a route
 * bound to another listener or port, a route the listener does not allow) or
 * when no rule matches the path. Envoy says nothing about why; this check
 * predicts the data plane's choice with the Gateway API rules
 * (../shared/reference/gateway-api-matching.md A4–A10) and names the routes
 * that came closest, so the user sees "api.openchoreo.local vs
 * api.openchoreo.localhost" instead of a 404.
 */
import { defineCheck, fail, pass, skip, type BackendFact, type CheckOutcome, type Gateway, type Namespace, type RouteFact } from "../../src/index.js";
import { describeMatch, predictRoute, requestSpecFor, type ClosestRoute, type RoutePrediction } from "../../src/gateway/index.js";
import { flavorOf, loadWorld, nn, serviceLabel, statusNote, type StatusNote } from "./common.js";

const ENVOY_404 = "A probe of this path gets Envoy's 404 with an empty body (route_not_found, response flag NR).";

/** Closest-route kinds whose explanation is the route's attachment, so its status.parents matters. */
const ATTACHMENT_KINDS: ReadonlySet<ClosestRoute["kind"]> = new Set(["not-attached", "other-listener", "other-port"]);

/** The status note of each closest route when it says something: attachment kinds always; others only when status is missing, stale or disagrees. */
function closestStatus(p: RoutePrediction, namespaces: readonly Namespace[] | null | undefined, gateway: Gateway): Map<ClosestRoute, StatusNote> {
  const out = new Map<ClosestRoute, StatusNote>();
  for (const c of p.closest) {
    const a = p.attachments.find((x) => x.route.metadata.name === c.name && (x.route.metadata.namespace ?? "default") === c.namespace);
    const note = a ? statusNote(a.route, gateway, namespaces) : null;
    if (note && (ATTACHMENT_KINDS.has(c.kind) || note.disagrees || note.stale || note.missing)) out.set(c, note);
  }
  return out;
}

function closestLines(p: RoutePrediction, notes: Map<ClosestRoute, StatusNote>): string {
  if (!p.closest.length) return "No HTTPRoute refers to this Gateway.";
  return [
    "Closest HTTPRoutes, closest first:",
    ...p.closest.map((c) => `  - HTTPRoute ${c.namespace}/${c.name}: ${c.reason}${notes.has(c) ? `\n      ${notes.get(c)!.phrase}` : ""}`),
  ].join("\n");
}

/**
 * What would make the request work, phrased from the closest route: allow
 * its namespace, attach it to the request's listener, fix the hostname, or
 * add a rule for the path.
 */
function expectation(p: RoutePrediction, top: ClosestRoute | undefined, path: string): string {
  const host = p.request.host;
  const id = top ? `HTTPRoute ${top.namespace}/${top.name}` : "";
  const listener = p.listener ? `listener ${p.listener.name} on port ${p.listener.port}` : `a listener on port ${p.request.port}`;
  if (p.outcome === "no-rule") {
    // A rule that misses only by method, header or query: the request (-X, -H, the URL's query) is as much the suspect as the route.
    const req = `${p.request.method} ${path}`;
    if (top?.kind === "method") return `expected a rule that takes ${req}, or the request sent with the method the rule wants (-X)`;
    if (top?.kind === "header") return `expected a rule that takes ${req} with the headers sent, or the request sent with the header the rule wants (-H)`;
    if (top?.kind === "query") return `expected a rule that takes ${req}, or the query parameter the rule wants in the URL`;
    return `expected a rule whose match covers ${path}`;
  }
  if (p.outcome === "no-listener-hostname") return `expected a listener with hostname ${host}, a wildcard covering it, or none`;
  switch (top?.kind) {
    case "not-attached": {
      const a = p.attachments.find((x) => x.route.metadata.name === top.name && (x.route.metadata.namespace ?? "default") === top.namespace);
      const reason = a?.parents[0]?.reason;
      if (reason === "NotAllowedByListeners") return `expected ${listener} to allow HTTPRoutes from namespace ${top.namespace} (allowedRoutes)`;
      if (reason === "NoMatchingParent") return `expected the parentRef of ${id} to name ${listener} by sectionName or port`;
      if (reason === "NoMatchingListenerHostname") return `expected a hostname of ${id} to intersect the listener hostname and cover ${host}`;
      return `expected ${id} to attach to ${listener}`;
    }
    case "other-port":
    case "other-listener":
      return `expected ${id} attached to ${listener}`;
    case "shadowed":
      return `expected the routes with hostname ${p.hostKey ?? host} to serve ${path}, or ${id} to name ${host} itself`;
    default: {
      // localhost or an address is where the client connects (a port-forward, a mapped port), rarely a name a
      // route serves: the Host header is what is missing (Envoy Gateway's quickstart curls with -H "Host: www.example.com").
      const a = top && (top.kind === "hostname" || top.kind === "hostname-typo") ? p.attachments.find((x) => x.route.metadata.name === top.name && (x.route.metadata.namespace ?? "default") === top.namespace) : undefined;
      const name = (a?.route.spec.hostnames ?? []).find((h) => !h.startsWith("*"));
      if (name && (host === "localhost" || p.request.isIp)) {
        return `expected one with hostname ${host}, or the request sent with the host ${id} serves: -H 'Host: ${name}' (curl --resolve ${name}:${p.request.hostHeader.split(":")[1] ?? p.request.port}:127.0.0.1 does the same)`;
      }
      return `expected one with hostname ${host}`;
    }
  }
}

/** How many of the HTTPRoutes attached to the Gateway the evidence lists (a large cluster attaches thousands: 2,000 made 325 KB of a report). */
const ROUTES_SHOWN = 50;

/**
 * The evidence's `routesReferringToGateway`: the HTTPRoutes that name the
 * Gateway as a parentRef, with their acceptance and the listeners they
 * attached to, in the order they were found — or, when there are more than
 * ROUTES_SHOWN, that many with those not accepted first (what is wrong is
 * what a reader looks for) and `routesReferringToGatewayNotShown`: how many
 * more there are.
 */
function routesShown(attachments: ReturnType<typeof predictRoute>["attachments"]): Record<string, unknown> {
  const ordered = attachments.length <= ROUTES_SHOWN ? attachments : [...attachments.filter((a) => !a.accepted), ...attachments.filter((a) => a.accepted)];
  const shown = ordered.slice(0, ROUTES_SHOWN).map((a) => ({
    route: nn(a.route),
    accepted: a.accepted,
    reasons: a.parents.map((x) => x.reason),
    listeners: a.listeners.map((l) => ({ listener: l.listener, port: l.port, hostnames: l.hostnames })),
  }));
  return { routesReferringToGateway: shown, ...(ordered.length > shown.length ? { routesReferringToGatewayNotShown: ordered.length - shown.length } : {}) };
}

export default defineCheck({
  id: "route.host-matches",
  code: "ND701",
  hop: "route",
  title: "an HTTPRoute serves this host and path",
  // facts.gateway (with the listener) comes from the gateway hop; `after` so this check still runs when that hop fails
  after: ["gateway.listener-serves-port"],
  explain: {
    meaning:
      "Among the HTTPRoutes attached to the Gateway listener that receives the request, one has a hostname matching the Host header and a rule whose matches cover the method, path, headers and query. Envoy picks the most specific listener, then the most specific hostname (exact > longest wildcard > none) without falling back to a less specific one, then the rule by Gateway API precedence.",
    causes:
      "A hostname typo (api.openchoreo.local vs api.openchoreo.localhost); a wildcard hostname, which never covers its apex (*.example.com does not match example.com); a route bound by parentRef sectionName or port to another listener; a route the listener does not allow (allowedRoutes from Same, a namespace selector, or kinds); a more specific hostname on another route that shadows a catch-all route; a PathPrefix that matches whole segments only (/api does not match /apis) or an Exact path with a different trailing slash; a rule that matches a method, header or query parameter the request does not send (a GET-only rule and a POST, a canary rule without its header: Envoy answers 404, not 405).",
    fix:
      "Compare the route hostnames and parentRefs with the Host and port you request (`kubectl get httproute -A`, `kubectl get httproute NAME -o yaml`), fix the hostname or sectionName, or add a rule whose PathPrefix covers the path. Diagnose the request as the client sends it: `-X METHOD` and `-H 'Name: value'` (and `-H 'Host: …'`) as with curl, the query in the URL.",
    links: [
      "https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec",
      "https://gateway-api.sigs.k8s.io/guides/http-routing/",
      "https://github.com/envoyproxy/gateway/issues/5500",
    ],
  },
  async run(ctx): Promise<CheckOutcome> {
    const fact = ctx.facts.gateway;
    if (!ctx.target) return skip("not applicable: no target");
    if (!fact) return skip("not applicable: no Gateway in front of this path", { facts: { route: null, backend: null } });
    const loaded = await loadWorld(ctx, fact, true);
    const gwRef = `${fact.namespace}/${fact.name}`;
    if (!loaded.gateway || !loaded.world) return skip(`not applicable: Gateway ${gwRef} not found`, { facts: { route: null, backend: null } });
    const { path, scheme } = ctx.target;
    // The Host header (a -H 'Host: …' included), method and headers the probe sends are what Envoy routes on.
    const p = predictRoute(loaded.world, requestSpecFor(ctx.target, fact.port), { flavor: flavorOf(fact) });
    const shown = `${p.request.host}${path}`;
    const evidence: Record<string, unknown> = {
      gateway: gwRef,
      port: fact.port,
      request: p.request,
      outcome: p.outcome,
      listener: p.listener?.name ?? null,
      hostKey: p.hostKey,
      expected: p.expected,
      explanation: p.explanation,
      ...routesShown(p.attachments),
    };
    if (Object.keys(loaded.unavailable).length) {
      evidence.unavailable = loaded.unavailable;
      evidence.assumed = {
        ...(loaded.unavailable.referencegrants ? { referencegrants: "none (cross-namespace backendRefs count as not permitted)" } : {}),
        ...(loaded.unavailable.namespaces ? { namespaces: "only the kubernetes.io/metadata.name label (for allowedRoutes selectors)" } : {}),
      };
    }

    switch (p.outcome) {
      case "no-listener":
        return skip(`not applicable: Gateway ${gwRef} has no ${scheme.toUpperCase()} listener on port ${fact.port}`, { evidence, facts: { route: null, backend: null } });
      case "no-listener-hostname":
      case "no-route":
      case "no-rule": {
        const notes = closestStatus(p, loaded.world.namespaces, loaded.gateway);
        evidence.closest = p.closest.map((c) => ({ ...c, ...(notes.has(c) ? { status: notes.get(c)!.phrase } : {}) }));
        const where = p.listener ? `listener ${p.listener.name}` : `port ${fact.port}`;
        const top = p.closest[0];
        const expected = expectation(p, top, path);
        const summary =
          p.outcome === "no-listener-hostname"
            ? `no listener of Gateway ${gwRef} on port ${fact.port} accepts host ${p.request.host}; ${expected}`
            : p.outcome === "no-route"
              ? `no HTTPRoute attached to Gateway ${gwRef} ${where} serves host ${p.request.host} path ${path}; ${expected}`
              : `no rule of the HTTPRoutes for host ${p.request.host} on Gateway ${gwRef} ${where} matches ${p.request.method} ${path}; ${expected}`;
        const topNote = top ? notes.get(top) : undefined;
        const topStatus = topNote && (topNote.disagrees || topNote.stale || topNote.missing) ? `; ${topNote.phrase}` : "";
        return fail(top ? `${summary} (closest: HTTPRoute ${top.namespace}/${top.name}, ${top.reason}${topStatus})` : summary, {
          details: `${p.explanation}.\n${ENVOY_404}\n${closestLines(p, notes)}`,
          evidence,
          facts: { route: null, backend: null },
        });
      }
      case "matched":
      case "no-backend":
      case "invalid-backend": {
        const r = p.route!;
        const routeNs = r.metadata.namespace ?? "default";
        const route: RouteFact = { kind: "HTTPRoute", namespace: routeNs, name: r.metadata.name, rule: p.ruleIndex! };
        const b = p.backend;
        const backend: BackendFact | null = b && b.port !== null ? { namespace: b.namespace, name: b.name, port: b.port } : null;
        evidence.route = route;
        evidence.match = p.match;
        evidence.backendRefs = p.backendRefs.map((c) => ({ kind: c.kind, namespace: c.namespace, name: c.name, port: c.port, weight: c.weight, valid: c.valid, reason: c.reason, message: c.message }));
        const head = `HTTPRoute ${nn(r)} rule ${p.ruleIndex} (${describeMatch(p.match!)}) serves ${shown}`;
        let summary: string;
        if (p.outcome === "no-backend") {
          summary = p.backendRefs.length ? `${head}, but every backendRef has weight 0: Envoy answers 500 (see route.refs-resolved)` : `${head}, but the rule has no backendRefs: Envoy answers 500 (see route.refs-resolved)`;
        } else if (p.outcome === "invalid-backend") {
          const first = p.backendRefs[0]!;
          summary = `${head} → ${b ? serviceLabel(routeNs, b) : `${first.kind} ${first.name}`}, which does not resolve (${first.reason}): Envoy answers 500 (see route.refs-resolved)`;
        } else if (p.expected.kind === "filter") {
          summary = `${head}; the rule answers with its ${p.expected.filter} filter`;
        } else {
          summary = `${head}${b ? ` → ${serviceLabel(routeNs, b)}` : ""}`;
        }
        return pass(summary, { details: p.explanation, evidence, facts: { route, backend } });
      }
      default: {
        const never: never = p.outcome;
        throw new Error(`unhandled outcome ${String(never)}`);
      }
    }
  },
});
