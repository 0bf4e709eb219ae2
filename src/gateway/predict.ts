/**
 * Request routing prediction: given a Gateway, its HTTPRoutes and the
 * request, what an Envoy-based Gateway (Envoy Gateway, kgateway) does with it
 * — which listener, virtual host, route, rule and backend, or why it fails
 * (connection refused, 404, 500) and which routes came closest.
 *
 * Source: ../shared/reference/gateway-api-matching.md A4 (port then listener
 * hostname, listener isolation), A5 (one vhost per intersected hostname, no
 * fall-back: envoyproxy/gateway #5500), A6 (Host normalisation), A7/A8
 * (matching and precedence), A9 (failure outcomes), A10 (the algorithm).
 * Pure functions: no I/O, never throw.
 */
import type { Gateway, HTTPRoute, HTTPRouteMatch, Listener, Namespace, ReferenceGrant, Service } from "../kube/types.js";
import { hostHeaderOf, matchHeadersOf } from "../engine/request.js";
import type { Target } from "../engine/types.js";
import { attachRoute, type RouteAttachment } from "./attach.js";
import { checkBackendRefs, primaryBackend, type BackendRefCheck } from "./backend.js";
import { bestHostKey, editDistance, hostKeyMatches, hostKeyRank, isWildcard, looksLikeTypo, normalizeHost } from "./hostname.js";
import {
  compareCandidates,
  describeMatch,
  matchFits,
  matchMisses,
  pathDistance,
  effectivePath,
  ruleMatches,
  toMatchRequest,
  type Candidate,
  type Flavor,
  type MatchRequest,
} from "./match.js";

/** The cluster objects a prediction reads. `null`/absent lists mean "unknown". */
export interface RoutingWorld {
  gateway: Gateway;
  /** Every HTTPRoute (any namespace); those not referring to the Gateway are ignored. */
  routes: readonly HTTPRoute[];
  /** Namespace objects, for `allowedRoutes.namespaces.from: Selector`; null = unknown (only the name label is assumed). */
  namespaces?: readonly Namespace[] | null;
  /** ReferenceGrants; null = unknown, treated as none. */
  referenceGrants?: readonly ReferenceGrant[] | null;
  /** Services, to resolve backendRefs; null/absent = unknown (Service refs not judged). */
  services?: readonly Service[] | null;
}

/** The request to route. */
export interface RequestSpec {
  /** The listener / Gateway Service port the request arrives on (the connection port, not the Host port). */
  port: number;
  /** Host header as sent (port, case and brackets allowed). */
  host: string;
  /** Path with query, starting with `/`. */
  path: string;
  /** HTTP method; default GET. */
  method?: string;
  /** Request headers (names in any case). */
  headers?: Record<string, string>;
  /** When given, only listeners of the matching protocol (http → HTTP, https → HTTPS) take the request; otherwise both. */
  scheme?: "http" | "https";
}

/**
 * The request a target sends, as prediction takes it, arriving on `port`
 * (the listener / Service port): the Host header it carries (a `-H 'Host:
 * …'` included), its path with query, its method and its headers
 * (src/engine/request.ts). The same request the probe sends.
 */
export function requestSpecFor(target: Target, port: number): RequestSpec {
  return {
    port,
    host: hostHeaderOf(target),
    path: target.path,
    scheme: target.scheme,
    ...(target.method !== undefined ? { method: target.method } : {}),
    headers: matchHeadersOf(target),
  };
}

/** Knobs for implementation differences (Part C) and Host handling (A6). */
export interface PredictOptions {
  /** Default `spec`. */
  flavor?: Flavor;
  /** Strip a trailing dot from the Host (EG ClientTrafficPolicy / kgateway ListenerPolicy opt-in). Default false. */
  stripTrailingHostDot?: boolean;
}

/** What happened to the request (A9). */
export type RouteOutcome = "matched" | "no-listener" | "no-listener-hostname" | "no-route" | "no-rule" | "no-backend" | "invalid-backend";

/**
 * What the client sees: `refused` (no listener on the port: TCP connection
 * refused), `status` (404 NR with empty body, or 500 direct response with
 * empty body), `forwarded` (to the backendRefs by weight; `invalidWeightShare`
 * of requests get 500), or `filter` (the rule answers itself, e.g.
 * RequestRedirect).
 */
export type ExpectedResponse =
  | { kind: "refused"; status: null }
  | { kind: "status"; status: 404 | 500 }
  | { kind: "forwarded"; status: null; invalidWeightShare: number }
  | { kind: "filter"; status: null; filter: string };

/** One route that refers to the Gateway but does not serve the request, and why, in one phrase. */
export interface ClosestRoute {
  namespace: string;
  name: string;
  /** The nearest cause. */
  kind: "path" | "method" | "header" | "query" | "shadowed" | "hostname-typo" | "wildcard-apex" | "hostname" | "other-listener" | "other-port" | "not-attached";
  /** One phrase: "hostname api.openchoreo.local vs requested api.openchoreo.localhost (4 characters differ)". */
  reason: string;
  /** Lower is closer; ranks the list. */
  score: number;
}

/** The prediction (A10). Fields after `outcome` are null when that stage was not reached. */
export interface RoutePrediction {
  outcome: RouteOutcome;
  /** The request as matched: normalised host, path, method. */
  request: { port: number; host: string; hostHeader: string; path: string; method: string; isIp: boolean; trailingDot: boolean };
  /** HTTP/HTTPS listeners on the port (of the request's scheme when given). */
  listenersOnPort: Listener[];
  /** The listener chosen by hostname (A4). */
  listener: Listener | null;
  /** The vhost key chosen among intersected hostnames (A5): exact, wildcard or `*`. */
  hostKey: string | null;
  route: HTTPRoute | null;
  ruleIndex: number | null;
  matchIndex: number | null;
  match: HTTPRouteMatch | null;
  /** backendRefs of the winning rule, resolved. */
  backendRefs: BackendRefCheck[];
  /** The ref a diagnosis follows (highest weight valid, else the first Service ref). */
  backend: BackendRefCheck | null;
  expected: ExpectedResponse;
  /** Routes referring to the Gateway that do not serve the request, closest first (only when nothing matched). */
  closest: ClosestRoute[];
  /** Attachment of every route referring to the Gateway. */
  attachments: RouteAttachment[];
  /** One sentence for humans. */
  explanation: string;
}

const ref = (r: HTTPRoute) => `${r.metadata.namespace ?? "default"}/${r.metadata.name}`;

/**
 * Pick the listener for a host among listeners of one port (A4): exact
 * hostname > longest wildcard > no hostname; null when none matches.
 */
export function selectListener(listeners: readonly Listener[], host: string): Listener | null {
  let best: Listener | null = null;
  let bestRank = -1;
  for (const l of listeners) {
    const key = l.hostname || undefined;
    if (!hostKeyMatches(key, host)) continue;
    const r = hostKeyRank(key);
    if (r > bestRank) {
      best = l;
      bestRank = r;
    }
  }
  return best;
}

/**
 * Predict the fate of a request (A10). Never throws; every failure is an
 * outcome. See `RoutePrediction` for the shape.
 */
export function predictRoute(world: RoutingWorld, request: RequestSpec, options: PredictOptions = {}): RoutePrediction {
  const flavor = options.flavor ?? "spec";
  const nh = normalizeHost(request.host, options.stripTrailingHostDot ?? false);
  const mreq = toMatchRequest(request.path, request.method ?? "GET", request.headers ?? {});
  const gw = world.gateway;
  const gwRef = `${gw.metadata.namespace ?? "default"}/${gw.metadata.name}`;
  const attachments = world.routes.map((r) => attachRoute(r, gw, world.namespaces)).filter((a): a is RouteAttachment => a !== null);
  const protocols = request.scheme === "https" ? ["HTTPS"] : request.scheme === "http" ? ["HTTP"] : ["HTTP", "HTTPS"];
  const http = (gw.spec.listeners ?? []).filter((l) => protocols.includes(l.protocol.toUpperCase()));
  const onPort = http.filter((l) => l.port === request.port);
  const base: RoutePrediction = {
    outcome: "no-listener",
    request: { port: request.port, host: nh.host, hostHeader: request.host, path: request.path, method: mreq.method, isIp: nh.isIp, trailingDot: nh.trailingDot },
    listenersOnPort: onPort,
    listener: null,
    hostKey: null,
    route: null,
    ruleIndex: null,
    matchIndex: null,
    match: null,
    backendRefs: [],
    backend: null,
    expected: { kind: "refused", status: null },
    closest: [],
    attachments,
    explanation: "",
  };
  const near = (listener: Listener | null, key: string | null) => closestRoutes(attachments, request.port, listener, key, nh.host, mreq, flavor);

  if (onPort.length === 0) {
    const all = http.map((l) => `${l.name}:${l.port}`).join(", ") || "none";
    return {
      ...base,
      closest: near(null, null),
      explanation: `Gateway ${gwRef} has no ${protocols.join("/")} listener on port ${request.port} (listeners: ${all}); the connection is refused`,
    };
  }
  const listener = selectListener(onPort, nh.host);
  if (!listener) {
    const names = onPort.map((l) => `${l.name} (${l.hostname ?? "any host"})`).join(", ");
    const typo = onPort.find((l) => l.hostname && looksLikeTypo(l.hostname.replace(/^\*/, nh.host.split(".")[0] ?? ""), nh.host));
    return {
      ...base,
      outcome: "no-listener-hostname",
      expected: { kind: "status", status: 404 },
      closest: near(null, null),
      explanation:
        `no listener of Gateway ${gwRef} on port ${request.port} accepts host ${nh.host} (listeners: ${names})` +
        (typo ? `; listener ${typo.name} hostname ${typo.hostname} looks like a typo of ${nh.host}` : "") +
        "; Envoy answers 404",
    };
  }
  base.listener = listener;
  const onListener = attachments
    .map((a) => ({ a, la: a.listeners.find((x) => x.listener === listener.name) }))
    .filter((x): x is { a: RouteAttachment; la: NonNullable<typeof x.la> } => x.la !== undefined);
  const keys = [...new Set(onListener.flatMap((x) => x.la.hostnames))];
  const hostKey = bestHostKey(keys, nh.host);
  if (hostKey === null) {
    return {
      ...base,
      outcome: "no-route",
      expected: { kind: "status", status: 404 },
      closest: near(listener, null),
      explanation: onListener.length
        ? `no HTTPRoute attached to listener ${listener.name} of Gateway ${gwRef} serves host ${nh.host} (hostnames served: ${keys.join(", ")}); Envoy answers 404`
        : `no HTTPRoute is attached to listener ${listener.name} of Gateway ${gwRef}; Envoy answers 404`,
    };
  }
  base.hostKey = hostKey;
  const candidates: Candidate[] = [];
  for (const { a } of onListener.filter((x) => x.la.hostnames.includes(hostKey))) {
    (a.route.spec.rules ?? []).forEach((rule, ruleIndex) => {
      ruleMatches(rule).forEach((match, matchIndex) => {
        if (matchFits(match, mreq, flavor)) candidates.push({ route: a.route, ruleIndex, matchIndex, match });
      });
    });
  }
  if (candidates.length === 0) {
    const owners = onListener.filter((x) => x.la.hostnames.includes(hostKey)).map((x) => `HTTPRoute ${ref(x.a.route)}`);
    return {
      ...base,
      outcome: "no-rule",
      expected: { kind: "status", status: 404 },
      closest: near(listener, hostKey),
      explanation: `${owners.join(", ")} serve${owners.length === 1 ? "s" : ""} host ${nh.host} on listener ${listener.name} (hostname ${hostKey}), but no rule matches ${mreq.method} ${request.path}; Envoy answers 404`,
    };
  }
  candidates.sort((x, y) => compareCandidates(x, y, flavor));
  const win = candidates[0]!;
  const rule = win.route.spec.rules![win.ruleIndex]!;
  const checks = checkBackendRefs(win.route, rule, world.services ?? null, world.referenceGrants ?? null);
  const matched = {
    ...base,
    route: win.route,
    ruleIndex: win.ruleIndex,
    matchIndex: win.matchIndex,
    match: win.match,
    backendRefs: checks,
    backend: primaryBackend(checks),
  };
  const where = `HTTPRoute ${ref(win.route)} rule ${win.ruleIndex} (${describeMatch(win.match)})`;
  if (checks.length === 0) {
    const answering = (rule.filters ?? []).find((f) => f.type === "RequestRedirect" || f.type === "ExtensionRef");
    if (answering) {
      return { ...matched, outcome: "matched", expected: { kind: "filter", status: null, filter: answering.type }, explanation: `${where} answers with its ${answering.type} filter` };
    }
    return { ...matched, outcome: "no-backend", expected: { kind: "status", status: 500 }, explanation: `${where} has no backendRefs; Envoy answers 500` };
  }
  const usable = checks.filter((c) => c.valid !== false);
  if (usable.length === 0) {
    const reasons = [...new Set(checks.map((c) => c.reason))].join(", ");
    return { ...matched, outcome: "invalid-backend", expected: { kind: "status", status: 500 }, explanation: `${where}: every backendRef is invalid (${reasons}); Envoy answers 500` };
  }
  const total = checks.reduce((s, c) => s + c.weight, 0);
  if (total === 0) {
    return { ...matched, outcome: "no-backend", expected: { kind: "status", status: 500 }, explanation: `${where}: every backendRef has weight 0; Envoy answers 500` };
  }
  const invalidWeight = checks.filter((c) => c.valid === false).reduce((s, c) => s + c.weight, 0);
  const b = matched.backend;
  return {
    ...matched,
    outcome: "matched",
    expected: { kind: "forwarded", status: null, invalidWeightShare: invalidWeight / total },
    explanation: `${where} serves ${nh.host}${request.path}${b ? ` → Service ${b.namespace}/${b.name}:${b.port ?? "?"}` : ""}`,
  };
}

function hostnameNear(hostnames: readonly string[], host: string): Pick<ClosestRoute, "kind" | "reason" | "score"> {
  let best: Pick<ClosestRoute, "kind" | "reason" | "score"> | null = null;
  const consider = (c: Pick<ClosestRoute, "kind" | "reason" | "score">) => {
    if (!best || c.score < best.score) best = c;
  };
  for (const h of hostnames) {
    if (isWildcard(h) && host === h.slice(2)) {
      consider({ kind: "wildcard-apex", reason: `hostname ${h} does not cover the apex ${host} (a wildcard needs at least one more label)`, score: 2 });
      continue;
    }
    if (!isWildcard(h) && (host.endsWith(`.${h}`) || h.endsWith(`.${host}`))) {
      // a parent or child domain is another name, not a typo (openchoreo.localhost vs api.openchoreo.localhost)
      consider({ kind: "hostname", reason: `hostname ${h} is ${host.endsWith(`.${h}`) ? "a parent domain" : "a subdomain"} of ${host}, a different name`, score: 5.5 });
      continue;
    }
    const comparable = isWildcard(h) ? `${host.split(".")[0] ?? ""}${h.slice(1)}` : h;
    if (looksLikeTypo(comparable, host)) {
      const d = editDistance(comparable, host);
      consider({ kind: "hostname-typo", reason: `hostname ${h} vs requested ${host} (${d} character${d > 1 ? "s" : ""} differ${d > 1 ? "" : "s"})`, score: 2 + d / 100 });
    }
  }
  return best ?? { kind: "hostname", reason: `hostname${hostnames.length > 1 ? "s" : ""} ${hostnames.join(", ")} ${hostnames.length > 1 ? "do" : "does"} not match ${host}`, score: 6 };
}

/** `sectionName X and port N` of a parentRef, or "" when it names neither. */
function parentSelector(parentRef: { sectionName?: string; port?: number }): string {
  return [parentRef.sectionName !== undefined ? `sectionName ${parentRef.sectionName}` : "", parentRef.port !== undefined ? `port ${parentRef.port}` : ""].filter(Boolean).join(" and ");
}

/**
 * Why a route attached to `listener` is not on `port` too: its parentRef
 * selects that listener only (sectionName / port, A3 step 2), or the
 * listeners on the port refused it (allowedRoutes, A3 step 3). "" when
 * neither explains it (hostname intersection).
 */
function whyNotOnPort(a: RouteAttachment, listener: string, port: number, requestListener: Listener | null): string {
  const via = a.parents.find((p) => p.listeners.some((l) => l.listener === listener));
  const sel = via ? parentSelector(via.parentRef) : "";
  if (sel) return ` (its parentRef ${sel} selects only that listener)`;
  const refusal = requestListener ? a.parents.flatMap((p) => p.refusedBy).find((r) => r.listener === requestListener.name) : undefined;
  return refusal ? `; on port ${port}: ${refusal.why}` : "";
}

function missKind(miss: string): ClosestRoute["kind"] {
  if (miss.startsWith("method")) return "method";
  if (miss.startsWith("header")) return "header";
  if (miss.startsWith("query")) return "query";
  return "path";
}

/** The nearest miss among a route's rules for a request: rule index, phrases, distance. */
function nearestRuleMiss(route: HTTPRoute, req: MatchRequest, flavor: Flavor): { ruleIndex: number; misses: string[]; distance: number } | null {
  let best: { ruleIndex: number; misses: string[]; distance: number } | null = null;
  (route.spec.rules ?? []).forEach((rule, ruleIndex) => {
    for (const m of ruleMatches(rule)) {
      const misses = matchMisses(m, req, flavor);
      if (!misses.length) continue;
      const p = effectivePath(m);
      const distance = pathDistance(p.type, p.value, req.path, flavor) + (misses.length - 1) * 0.5;
      if (!best || distance < best.distance) best = { ruleIndex, misses, distance };
    }
  });
  return best;
}

/**
 * For each route that refers to the Gateway and does not serve the request,
 * one phrase saying why, ranked closest first: a rule that misses by path /
 * method / header / query; a hostname shadowed by a more specific one (no
 * fall-back, EG #5500); a wildcard not covering the apex; a hostname typo;
 * attachment to another listener or port; not attached (with the reason).
 * `listener`/`hostKey` are the chosen listener and vhost key (null when the
 * request did not get that far).
 */
export function closestRoutes(
  attachments: readonly RouteAttachment[],
  port: number,
  listener: Listener | null,
  hostKey: string | null,
  host: string,
  req: MatchRequest,
  flavor: Flavor = "spec",
): ClosestRoute[] {
  const out: ClosestRoute[] = [];
  for (const a of attachments) {
    const r = a.route;
    const id = { namespace: r.metadata.namespace ?? "default", name: r.metadata.name };
    const routeHosts = r.spec.hostnames ?? [];
    const coversHost = routeHosts.length === 0 || routeHosts.some((h) => hostKeyMatches(h, host));
    if (!a.accepted) {
      const p = a.parents[0]!;
      let detail: string;
      if (p.reason === "NoMatchingParent") {
        const sel = parentSelector(p.parentRef);
        detail = `its parentRef ${sel || "selector"} matches no listener`;
      } else if (p.reason === "NotAllowedByListeners") {
        detail = p.refusedBy.map((x) => x.why).join("; ");
      } else {
        const hn = hostnameNear(routeHosts, host);
        detail = `hostnames ${routeHosts.join(", ")} do not intersect the listener hostname${hn.kind === "hostname" ? "" : `; ${hn.reason}`}`;
      }
      out.push({ ...id, kind: "not-attached", reason: `not attached (${p.reason}): ${detail}`, score: coversHost ? 3.5 : 5 });
      continue;
    }
    const la = listener ? a.listeners.find((x) => x.listener === listener.name) : undefined;
    if (!la) {
      const samePort = a.listeners.filter((x) => x.port === port);
      const other = samePort[0] ?? a.listeners[0]!;
      const hostsOk = other.hostnames.some((h) => hostKeyMatches(h, host));
      const hn = hostsOk ? null : hostnameNear(other.hostnames, host);
      if (samePort.length) {
        const why = listener
          ? `but host ${host} selects listener ${listener.name}${listener.hostname ? ` (${listener.hostname})` : ""}; no fall-through between listeners`
          : `whose hostname ${other.listenerHostname ?? "*"} does not match ${host}`;
        out.push({ ...id, kind: "other-listener", reason: `attached to listener ${other.listener}${other.listenerHostname ? ` (${other.listenerHostname})` : ""} ${why}${hn && hn.kind !== "hostname" ? `; ${hn.reason}` : ""}`, score: 3 + (hn ? 1 : 0) });
      } else {
        out.push({
          ...id,
          kind: "other-port",
          reason: `attached to listener ${other.listener} on port ${other.port}, the request arrives on port ${port}${whyNotOnPort(a, other.listener, port, listener)}${hn && hn.kind !== "hostname" ? `; ${hn.reason}` : ""}`,
          score: 3 + (hn ? 1 : 0),
        });
      }
      continue;
    }
    if (hostKey !== null && la.hostnames.includes(hostKey)) {
      const miss = nearestRuleMiss(r, req, flavor);
      if (!miss) continue; // it serves the request (not reached when nothing matched)
      out.push({ ...id, kind: missKind(miss.misses[0]!), reason: `rule ${miss.ruleIndex}: ${miss.misses.join("; ")}`, score: 1 + Math.min(0.9, miss.distance / 10) });
      continue;
    }
    const own = la.hostnames.filter((h) => hostKeyMatches(h, host));
    if (own.length && hostKey !== null) {
      out.push({
        ...id,
        kind: "shadowed",
        reason: `serves ${host} only through ${own.join(", ")}, but the more specific hostname ${hostKey} takes every request for ${host} (Envoy does not fall back to a less specific hostname)`,
        score: 1.5,
      });
      continue;
    }
    out.push({ ...id, ...hostnameNear(la.hostnames, host) });
  }
  return out.sort((x, y) => x.score - y.score || `${x.namespace}/${x.name}`.localeCompare(`${y.namespace}/${y.name}`));
}

