/**
 * Hostname rules of Gateway API as Envoy-based gateways (Envoy Gateway,
 * kgateway) apply them: validity, wildcard matching, listener × route
 * intersection, Host header normalisation and "best key" selection.
 *
 * Source: ../shared/reference/gateway-api-matching.md A1 (values and wildcards),
 * A2 (intersection), A4/A5 (most specific wins), A6 (Host normalisation);
 * Gateway API v1 `apis/v1/shared_types.go` (Hostname), `httproute_types.go`
 * (Hostnames), `gateway_types.go` (Listener.Hostname); Envoy
 * `RouteMatcher::findVirtualHost`.
 * Pure functions: no I/O, never throw.
 */

/**
 * CRD pattern of `Hostname` (GWAPI shared_types.go): RFC 1123, lower case, no
 * IP, no trailing dot, optional single leading `*.` label. Length ≤ 253.
 */
const HOSTNAME_RE = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * True when `value` is a valid Gateway API `Hostname` (A1): `*`, `f*.x.com`,
 * `a.*.com`, `x.com.` and `FOO.com` are all invalid.
 */
export function isValidHostname(value: string): boolean {
  return value.length > 0 && value.length <= 253 && HOSTNAME_RE.test(value) && !isIpLiteral(value);
}

/** True when `value` is a wildcard hostname (`*.example.com`). */
export function isWildcard(value: string): boolean {
  return value.startsWith("*.");
}

/** True when `value` is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(value: string): boolean {
  const v = value.replace(/^\[|\]$/g, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return v.split(".").every((o) => Number(o) <= 255);
  return v.includes(":") && /^[0-9a-f:.]+$/i.test(v);
}

/**
 * True when the wildcard `pattern` (`*.example.com`) covers `host`: suffix
 * match on one label or more, never the apex (A1; gateway-api #1159 / PR
 * #1173; Envoy stores `.example.com` and requires the host to be strictly
 * longer). `*.example.com` covers `a.example.com` and `a.b.example.com`, not
 * `example.com`. Both arguments must already be lower case.
 */
export function wildcardCovers(pattern: string, host: string): boolean {
  if (!isWildcard(pattern)) return false;
  const suffix = pattern.slice(1); // ".example.com"
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * True when a hostname key (`*` = any host, a wildcard, or an exact name)
 * matches the normalised request host. An IP literal matches only `*` (A6).
 */
export function hostKeyMatches(key: string | undefined, host: string): boolean {
  if (key === undefined || key === "*") return true;
  if (isIpLiteral(host)) return false;
  return isWildcard(key) ? wildcardCovers(key, host) : key === host;
}

/**
 * Specificity of a hostname key for the "most specific wins" rule (A4 listener
 * ordering, A5 Envoy vhost order): exact > longest wildcard suffix > `*`/none.
 * Higher is more specific. Exact names rank above every wildcard.
 */
export function hostKeyRank(key: string | undefined): number {
  if (key === undefined || key === "*") return 0;
  if (isWildcard(key)) return 1 + key.length; // longer suffix = more labels to the right of `*`
  return 10_000 + key.length;
}

/**
 * The most specific key among `keys` that matches `host` (A4, A5; Envoy
 * `findVirtualHost`: exact, then longest suffix wildcard, then `*`), or null.
 * `undefined` in `keys` stands for "no hostname" and ranks like `*`.
 */
export function bestHostKey<K extends string | undefined>(keys: readonly K[], host: string): K | null {
  let best: K | null = null;
  let bestRank = -1;
  for (const k of keys) {
    if (!hostKeyMatches(k, host)) continue;
    const r = hostKeyRank(k);
    if (r > bestRank) {
      best = k;
      bestRank = r;
    }
  }
  return bestRank < 0 ? null : best;
}

/**
 * Intersection of one listener hostname with one route hostname (A2 table,
 * incl. wildcard × wildcard; EG `computeHosts`). Returns the hostname the pair
 * serves, or null when they do not intersect:
 * - listener none → the route hostname as written;
 * - precise × precise → equal or none;
 * - wildcard listener × precise route → the route's when covered (never the apex);
 * - precise listener × wildcard route → the listener's when covered;
 * - wildcard × wildcard → the more specific one when one covers the other.
 */
export function intersectPair(listenerHostname: string | undefined, routeHostname: string): string | null {
  const l = listenerHostname;
  const r = routeHostname.toLowerCase();
  if (l === undefined || l === "") return r;
  if (isWildcard(l) && isWildcard(r)) {
    const ls = l.slice(1);
    const rs = r.slice(1);
    if (ls.endsWith(rs)) return l; // listener equal or more specific
    if (rs.endsWith(ls)) return r;
    return null;
  }
  if (isWildcard(l)) return wildcardCovers(l, r) ? r : null;
  if (isWildcard(r)) return wildcardCovers(r, l) ? l : null;
  return l === r ? r : null;
}

/**
 * Intersected hostnames of a listener and a route's `spec.hostnames` (A2):
 * `["*"]` when neither has hostnames, `[listener]` when the route has none,
 * otherwise every non-empty pair intersection, deduplicated, in route order.
 * An empty result means "no intersection" (NoMatchingListenerHostname when it
 * holds for every listener the parentRef selects).
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[] | undefined): string[] {
  const l = listenerHostname || undefined;
  if (!routeHostnames || routeHostnames.length === 0) return [l ?? "*"];
  const out: string[] = [];
  for (const r of routeHostnames) {
    const i = intersectPair(l, r);
    if (i !== null && !out.includes(i)) out.push(i);
  }
  return out;
}

/** A Host header reduced to what Envoy matches against (A6). */
export interface NormalizedHost {
  /** Lower case, without port and brackets; a trailing dot is kept unless stripped. */
  host: string;
  /** The port written in the Host header, if any (ignored for matching). */
  port: number | null;
  /** True for IPv4/IPv6 literals: they match only a `*` vhost. */
  isIp: boolean;
  /** True when the host ends with a dot (it then matches no Gateway API hostname). */
  trailingDot: boolean;
}

/**
 * Normalise a Host header the way EG / kgateway match it (A6): the port is
 * ignored (`ignore_port_in_host_matching`), case is folded (Envoy lowercases
 * the Host), a trailing dot is kept (no match) unless `stripTrailingDot`
 * (EG ClientTrafficPolicy `headers.host.stripTrailingHostDot`, kgateway
 * ListenerPolicy `httpSettings.stripTrailingHostDot`).
 */
export function normalizeHost(hostHeader: string, stripTrailingDot = false): NormalizedHost {
  let h = hostHeader.trim().toLowerCase();
  let port: number | null = null;
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    const rest = end >= 0 ? h.slice(end + 1) : "";
    if (rest.startsWith(":") && /^\d+$/.test(rest.slice(1))) port = Number(rest.slice(1));
    h = end >= 0 ? h.slice(1, end) : h.slice(1);
  } else {
    const colons = h.split(":").length - 1;
    if (colons === 1) {
      const [name, p] = h.split(":") as [string, string];
      if (/^\d*$/.test(p)) {
        h = name;
        port = p === "" ? null : Number(p);
      }
    }
  }
  const trailingDot = h.endsWith(".") && h.length > 1;
  if (trailingDot && stripTrailingDot) h = h.replace(/\.+$/, "");
  return { host: h, port, isIp: isIpLiteral(h), trailingDot: trailingDot && !stripTrailingDot };
}

/**
 * Levenshtein edit distance between two strings (insertions, deletions,
 * substitutions; cost 1 each). Used to name hostname typos
 * ("api.openchoreo.local vs api.openchoreo.localhost").
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * True when `a` and `b` differ by what looks like a typo: a small edit
 * distance relative to their length (≤ 2, or ≤ 20 % of the longer one, at
 * most 10 characters: `local` vs `localhost` is 4 edits in 24 characters).
 */
export function looksLikeTypo(a: string, b: string): boolean {
  if (a === b) return false;
  const d = editDistance(a, b);
  return d <= 2 || d <= Math.min(10, Math.floor(Math.max(a.length, b.length) * 0.2));
}
