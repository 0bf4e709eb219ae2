/**
 * HTTPRoute match semantics (A7) and rule precedence (A8), plus one-phrase
 * descriptions of why a match does not fit a request (for "closest routes").
 *
 * Source: ../shared/reference/gateway-api-matching.md A7, A8, C3, C4, C5;
 * Gateway API v1 `httproute_types.go` (PathMatchType, HTTPHeaderMatch,
 * HTTPQueryParamMatch, HTTPRouteMatch, HTTPRouteRule.Matches); Envoy
 * `path_separated_prefix`; EG `xds/translator/route.go buildPathMatch`,
 * `sort.go`; kgateway `setEnvoyPathMatcher`, `sortable_route.go`.
 * Pure functions: no I/O, never throw.
 */
import type { HTTPRoute, HTTPRouteMatch } from "../kube/types.js";

/**
 * Which implementation's behaviour to predict where they differ (Part C):
 * - `spec`: the Gateway API text (default);
 * - `envoy-gateway`: method counts as a `:method` header (C4), longer regex first (C5);
 * - `kgateway`: `PathPrefix` ending in `/` is a plain string prefix (C3).
 */
export type Flavor = "spec" | "envoy-gateway" | "kgateway";

/** A request as the data plane sees it after the listener and host are chosen. */
export interface MatchRequest {
  /** Path without query and fragment, starting with `/`. */
  path: string;
  /** Decoded query parameters in order (name as written, case-sensitive). */
  query: [string, string][];
  /** Upper-case method. */
  method: string;
  /** Header names lower-cased; the first value of each name. */
  headers: Record<string, string>;
}

/**
 * Split a request target (`/p?a=1#f`) into path and query parameters. Names
 * and values are percent-decoded (undecodable text is kept as written).
 */
export function splitPathAndQuery(target: string): { path: string; query: [string, string][] } {
  const noFrag = target.split("#")[0] ?? "";
  const q = noFrag.indexOf("?");
  let path = q >= 0 ? noFrag.slice(0, q) : noFrag;
  if (!path.startsWith("/")) path = `/${path}`;
  const query: [string, string][] = [];
  if (q >= 0) {
    for (const part of noFrag.slice(q + 1).split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const [n, v] = eq >= 0 ? [part.slice(0, eq), part.slice(eq + 1)] : [part, ""];
      query.push([decode(n), decode(v)]);
    }
  }
  return { path, query };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/** Build a MatchRequest from a path with query, a method and headers (any case). */
export function toMatchRequest(pathWithQuery: string, method = "GET", headers: Record<string, string> = {}): MatchRequest {
  const { path, query } = splitPathAndQuery(pathWithQuery);
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const lk = k.toLowerCase();
    if (!(lk in h)) h[lk] = v; // A7: only the first of several entries with the same name counts
  }
  return { path, query, method: method.toUpperCase(), headers: h };
}

/**
 * Full-match a regular expression (RE2 via Envoy `safe_regex` must match the
 * entire value; A7). JS syntax stands in for RE2; an invalid pattern matches
 * nothing.
 */
export function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, "u").test(value);
  } catch {
    return false;
  }
}

/** The path match of an `HTTPRouteMatch`, defaulted (A7: no path = `PathPrefix /`). */
export function effectivePath(m: HTTPRouteMatch): { type: "Exact" | "PathPrefix" | "RegularExpression"; value: string } {
  return { type: m.path?.type ?? "PathPrefix", value: m.path?.value ?? "/" };
}

/**
 * Whether a path match fits `path` (A7):
 * - Exact: whole path, case-sensitive;
 * - PathPrefix: whole `/` segments, trailing `/` of the value ignored (`/abc`
 *   matches `/abc`, `/abc/`, `/abc/def`, not `/abcd`), except in kgateway where
 *   a value ending in `/` is a plain string prefix (C3);
 * - RegularExpression: full match.
 */
export function pathMatches(type: "Exact" | "PathPrefix" | "RegularExpression", value: string, path: string, flavor: Flavor = "spec"): boolean {
  switch (type) {
    case "Exact":
      return path === value;
    case "PathPrefix": {
      if (value === "/" || value === "") return path.startsWith("/");
      if (flavor === "kgateway" && value.endsWith("/")) return path.startsWith(value);
      const v = value.replace(/\/+$/, "");
      return path === v || path.startsWith(`${v}/`);
    }
    case "RegularExpression":
      return fullMatch(value, path);
    default: {
      const never: never = type;
      void never;
      return false;
    }
  }
}

/** First query value of `name` (exact, case-sensitive name; A7). */
function queryValue(query: [string, string][], name: string): string | undefined {
  return query.find(([n]) => n === name)?.[1];
}

/**
 * Why `m` does not fit `req`, as a list of short phrases (empty = it fits).
 * Conditions are ANDed inside one match (A7).
 */
export function matchMisses(m: HTTPRouteMatch, req: MatchRequest, flavor: Flavor = "spec"): string[] {
  const out: string[] = [];
  const p = effectivePath(m);
  if (!pathMatches(p.type, p.value, req.path, flavor)) out.push(describePathMiss(p.type, p.value, req.path, flavor));
  if (m.method && m.method.toUpperCase() !== req.method) out.push(`method ${req.method}, the match wants ${m.method}`);
  for (const h of m.headers ?? []) {
    const got = req.headers[h.name.toLowerCase()];
    const ok = got !== undefined && ((h.type ?? "Exact") === "Exact" ? got === h.value : fullMatch(h.value, got));
    if (!ok) out.push(got === undefined ? `header ${h.name}: ${h.value} is missing` : `header ${h.name} is "${got}", the match wants ${(h.type ?? "Exact") === "Exact" ? `"${h.value}"` : `/${h.value}/`}`);
  }
  for (const q of m.queryParams ?? []) {
    const got = queryValue(req.query, q.name);
    const ok = got !== undefined && ((q.type ?? "Exact") === "Exact" ? got === q.value : fullMatch(q.value, got));
    if (!ok) out.push(got === undefined ? `query parameter ${q.name}=${q.value} is missing` : `query parameter ${q.name} is "${got}", the match wants "${q.value}"`);
  }
  return out;
}

/** Whether `m` fits `req` (path AND method AND headers AND queryParams; A7). */
export function matchFits(m: HTTPRouteMatch, req: MatchRequest, flavor: Flavor = "spec"): boolean {
  return matchMisses(m, req, flavor).length === 0;
}

const segs = (p: string) => p.split("/").filter(Boolean);

/**
 * One phrase for a path that a path match does not fit, naming the nearest
 * cause: trailing slash, case, a partial segment (`/api` vs `/apis`), a path
 * N segments short, or the first differing segment.
 */
export function describePathMiss(type: "Exact" | "PathPrefix" | "RegularExpression", value: string, path: string, flavor: Flavor = "spec"): string {
  const label = `${type} ${value}`;
  if (type === "RegularExpression") return `${label} does not fully match ${path}`;
  if (path.toLowerCase() === value.toLowerCase() || (type === "PathPrefix" && pathMatches(type, value.toLowerCase(), path.toLowerCase(), flavor))) {
    return `${label} does not match ${path}: paths are case-sensitive`;
  }
  if (type === "Exact") {
    if (path === `${value}/` || value === `${path}/`) return `${label} does not match ${path}: the trailing slash differs (Exact compares the whole path)`;
    if (path.startsWith(`${value}/`)) return `${label} does not match ${path}: Exact does not cover sub-paths (PathPrefix would)`;
  }
  if (type === "PathPrefix" && flavor === "kgateway" && value.endsWith("/") && path === value.replace(/\/+$/, "")) {
    return `${label} does not match ${path} in kgateway: a value ending in "/" is a plain string prefix`;
  }
  const vs = segs(value);
  const ps = segs(path);
  let common = 0;
  while (common < vs.length && common < ps.length && vs[common] === ps[common]) common++;
  if (common < vs.length && common < ps.length && ps[common]!.startsWith(vs[common]!)) {
    return `${label} does not match ${path}: prefixes match whole segments, "${vs[common]}" is not "${ps[common]}"`;
  }
  if (common === ps.length && vs.length > ps.length) {
    const n = vs.length - ps.length;
    return `${label} does not match ${path}: the path is ${n} segment${n > 1 ? "s" : ""} short`;
  }
  if (common < vs.length && common < ps.length) {
    return `${label} does not match ${path}: segment ${common + 1} is "${ps[common]}", the route wants "${vs[common]}"`;
  }
  return `${label} does not match ${path}`;
}

/**
 * How far a path is from a path match, in segments (0 = fits; used to rank
 * closest routes). Case-only and trailing-slash differences count 0.5.
 */
export function pathDistance(type: "Exact" | "PathPrefix" | "RegularExpression", value: string, path: string, flavor: Flavor = "spec"): number {
  if (pathMatches(type, value, path, flavor)) return 0;
  if (type === "RegularExpression") return 3;
  if (path.toLowerCase() === value.toLowerCase() || path === `${value}/` || value === `${path}/`) return 0.5;
  const vs = segs(value);
  const ps = segs(path);
  let common = 0;
  while (common < vs.length && common < ps.length && vs[common] === ps[common]) common++;
  return vs.length - common + (type === "Exact" ? ps.length - common : 0) || 0.5;
}

/** One (rule, match) of a route that fits the request: an entry in the A8 ordering. */
export interface Candidate {
  route: HTTPRoute;
  ruleIndex: number;
  matchIndex: number;
  match: HTTPRouteMatch;
}

function created(r: HTTPRoute): number {
  const t = r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t; // unknown age ranks as newest
}

/**
 * A8 comparator (negative = `a` wins). Spec order: Exact path; then
 * RegularExpression (implementation-specific; EG and kgateway rank it between
 * Exact and PathPrefix, C5); longest PathPrefix value; has method; most
 * header matches; most query matches; oldest creationTimestamp;
 * `namespace/name` ascending; rule order; match order. `envoy-gateway`
 * counts the method as one more header and orders regexes by length (C4, C5).
 */
export function compareCandidates(a: Candidate, b: Candidate, flavor: Flavor = "spec"): number {
  const pa = effectivePath(a.match);
  const pb = effectivePath(b.match);
  const rank = (t: string) => (t === "Exact" ? 2 : t === "RegularExpression" ? 1 : 0);
  if (rank(pa.type) !== rank(pb.type)) return rank(pb.type) - rank(pa.type);
  if (pa.type === "PathPrefix" || (pa.type === "RegularExpression" && flavor === "envoy-gateway")) {
    const la = pa.value === "/" ? 0 : pa.value.length;
    const lb = pb.value === "/" ? 0 : pb.value.length;
    if (la !== lb) return lb - la;
  }
  const ma = a.match.method ? 1 : 0;
  const mb = b.match.method ? 1 : 0;
  const ha = (a.match.headers?.length ?? 0) + (flavor === "envoy-gateway" ? ma : 0);
  const hb = (b.match.headers?.length ?? 0) + (flavor === "envoy-gateway" ? mb : 0);
  if (flavor !== "envoy-gateway" && ma !== mb) return mb - ma;
  if (ha !== hb) return hb - ha;
  const qa = a.match.queryParams?.length ?? 0;
  const qb = b.match.queryParams?.length ?? 0;
  if (qa !== qb) return qb - qa;
  if (a.route !== b.route) {
    const ca = created(a.route);
    const cb = created(b.route);
    if (ca !== cb) return ca < cb ? -1 : 1;
    const na = `${a.route.metadata.namespace ?? ""}/${a.route.metadata.name}`;
    const nb = `${b.route.metadata.namespace ?? ""}/${b.route.metadata.name}`;
    if (na !== nb) return na < nb ? -1 : 1;
  }
  if (a.ruleIndex !== b.ruleIndex) return a.ruleIndex - b.ruleIndex;
  return a.matchIndex - b.matchIndex;
}

/** The matches of a rule, defaulted (A7: a rule without matches = `PathPrefix /`). */
export function ruleMatches(rule: { matches?: HTTPRouteMatch[] }): HTTPRouteMatch[] {
  return rule.matches && rule.matches.length ? rule.matches : [{ path: { type: "PathPrefix", value: "/" } }];
}

/** Short text of a match, for summaries: `PathPrefix /api, GET, 1 header`. */
export function describeMatch(m: HTTPRouteMatch): string {
  const p = effectivePath(m);
  const parts = [`${p.type} ${p.value}`];
  if (m.method) parts.push(m.method);
  for (const h of m.headers ?? []) parts.push(`header ${h.name}${(h.type ?? "Exact") === "Exact" ? "=" : "~"}${h.value}`);
  for (const q of m.queryParams ?? []) parts.push(`query ${q.name}${(q.type ?? "Exact") === "Exact" ? "=" : "~"}${q.value}`);
  return parts.join(", ");
}
