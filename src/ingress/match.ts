/**
 * networking.k8s.io/v1 Ingress matching: which Ingress rule (and backend) a
 * controller picks for a request's host and path, and, when none does, which
 * rules came closest. Pure functions, no I/O.
 *
 * Sources:
 * - Kubernetes Ingress concepts (kubernetes.io/docs/concepts/services-networking/ingress/):
 *   "Hostname wildcards": `*.foo.com` matches `bar.foo.com` but not
 *   `baz.bar.foo.com` nor `foo.com` (exactly one DNS label — unlike Gateway
 *   API, where a wildcard covers one or more labels); a rule without host
 *   applies to all inbound HTTP traffic; "Path types": Exact matches the URL
 *   path exactly and case-sensitively, Prefix matches element-wise on `/`
 *   with a trailing slash ignored (`/aaa/bbb` matches `/aaa/bbb/ccc`, not
 *   `/aaa/bbbxyz`), ImplementationSpecific is up to the IngressClass;
 *   "Multiple matches": the longest matching path wins, and an Exact path
 *   beats a Prefix path of the same length; "DefaultBackend": requests that
 *   match no rule go to `spec.defaultBackend`, else to the controller's own
 *   default backend.
 * - ingress-nginx (docs/user-guide/ingress-path-matching.md, nginx server
 *   selection): every Ingress of a class is merged into one nginx config; a
 *   server per host, exact names before wildcard names, rules without host in
 *   the catch-all server `_`; a request whose host has a server never falls
 *   back to the catch-all; unmatched paths of a host go to the defaultBackend
 *   of an Ingress defining that host, else to the controller's default
 *   backend, which answers `404 Not Found` (HTML, `<center>nginx</center>`).
 *   ImplementationSpecific paths become nginx prefix locations (regular
 *   expressions with `nginx.ingress.kubernetes.io/use-regex`): netdoctor
 *   treats them as Prefix and says so. Conflicting identical paths: the
 *   oldest Ingress wins.
 * - The Host header port is ignored and host names compare case-insensitively
 *   (RFC 9110 §7.2 host is case-insensitive; nginx server_name matching drops
 *   the port).
 */
import type { Ingress, IngressClass } from "../kube/types.js";
import { editDistance } from "../gateway/hostname.js";
import { servesIngress, type IngressControllerConfig, type ServedDecision } from "./classes.js";
import { canaryRulesOf, decideCanary, type CanaryDecision } from "./canary.js";

/** The path type an Ingress path is matched with (ImplementationSpecific is matched as Prefix). */
export type IngressPathType = "Exact" | "Prefix" | "ImplementationSpecific";

/** A backend as an Ingress names it: Service name and port (number or port name). */
export interface IngressBackendRef {
  namespace: string;
  name: string;
  /** `port.number`, or `port.name` (resolved against the Service's `spec.ports[].name` by the caller). */
  port: number | string;
}

/** How a rule's host covers the request host. */
export type HostMatchKind = "exact" | "wildcard" | "any";

/** One Ingress path that could serve the request. */
export interface IngressPathMatch {
  ingress: Ingress;
  /** Index in `spec.rules`. */
  rule: number;
  /** Index in `spec.rules[rule].http.paths`. */
  path: number;
  host: HostMatchKind;
  /** The path as written (`/` when absent). */
  value: string;
  pathType: IngressPathType;
  backend: IngressBackendRef | null;
}

/** Why an Ingress rule does not serve the request. */
export interface ClosestRule {
  namespace: string;
  name: string;
  /** Rule index, or null for the Ingress as a whole (its class). */
  rule: number | null;
  reason: string;
  /** Lower is closer. */
  distance: number;
}

/**
 * The controller's choice for one request:
 * - `matched`: a rule path serves it (`match`);
 * - `default-backend`: no path matches but an Ingress's `spec.defaultBackend` takes it;
 * - `no-host`: no served rule covers the host and no defaultBackend exists (controller default backend: 404);
 * - `no-path`: rules cover the host but none of their paths matches (404).
 */
export interface IngressPrediction {
  outcome: "matched" | "default-backend" | "no-host" | "no-path";
  request: { host: string; path: string };
  match: IngressPathMatch | null;
  /** For `default-backend`: the Ingress whose defaultBackend serves, and the backend. */
  defaultBackend: { ingress: Ingress; backend: IngressBackendRef | null } | null;
  /** The backend that serves the request (match or defaultBackend), null when none or a resource backend. */
  backend: IngressBackendRef | null;
  /** Ingresses the controller serves, with how. */
  served: { ingress: Ingress; decision: ServedDecision }[];
  /** Ingresses of other classes, with why. */
  notServed: { ingress: Ingress; decision: ServedDecision }[];
  /** When nothing matched (or only a defaultBackend): the closest rules, closest first (at most 5). */
  closest: ClosestRule[];
  /** Caveats about the prediction (ImplementationSpecific treated as Prefix, …). */
  notes: string[];
  /**
   * ingress-nginx only: the canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`)
   * attached to the matched rule's host and path, and what its rules decide
   * for this request (src/ingress/canary.ts). Absent when there is none.
   */
  canary?: { ingress: Ingress; rule: number; backend: IngressBackendRef | null; decision: CanaryDecision } | null;
}

/** Host without port and trailing dot, lower-cased (the Host header port is ignored). */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  if (colon >= 0 && h.indexOf(":") === colon) h = h.slice(0, colon);
  return h.replace(/\.+$/, "");
}

/**
 * How an Ingress rule host covers a request host: `any` for a rule without
 * host, `exact` for the same name, `wildcard` when `*.suffix` and the host is
 * exactly one label followed by `.suffix` (Kubernetes Ingress "Hostname
 * wildcards"), null otherwise.
 */
export function ingressHostMatch(ruleHost: string | undefined, requestHost: string): HostMatchKind | null {
  if (!ruleHost) return "any";
  const r = ruleHost.toLowerCase().replace(/\.+$/, "");
  const h = normaliseHost(requestHost);
  if (r.startsWith("*.")) {
    const suffix = r.slice(1); // ".foo.com"
    if (!h.endsWith(suffix)) return null;
    const label = h.slice(0, h.length - suffix.length);
    return label.length > 0 && !label.includes(".") ? "wildcard" : null;
  }
  return r === h ? "exact" : null;
}

/** Path without query and fragment. */
function pathOnly(path: string): string {
  const cut = path.search(/[?#]/);
  const p = cut >= 0 ? path.slice(0, cut) : path;
  return p.startsWith("/") ? p : `/${p}`;
}

/**
 * Whether an Ingress path matches a request path (query ignored):
 * - Exact: equal strings (case-sensitive, trailing slash significant);
 * - Prefix and ImplementationSpecific: element-wise on `/`; `/` matches
 *   everything; a trailing slash on either side is ignored
 *   (Kubernetes Ingress "Examples" table).
 */
export function ingressPathMatches(pathType: IngressPathType, value: string | undefined, requestPath: string): boolean {
  const req = pathOnly(requestPath);
  const v = value && value.length ? value : "/";
  if (pathType === "Exact") return req === v;
  const elems = (s: string) => s.split("/").filter((x) => x.length > 0);
  const want = elems(v);
  const have = elems(req);
  if (want.length > have.length) return false;
  return want.every((w, i) => have[i] === w);
}

/** An Ingress backend as a Service reference in the Ingress's namespace (null for resource backends). */
export function backendRefOf(ing: Ingress, b: { service?: { name: string; port: { number?: number; name?: string } } } | undefined): IngressBackendRef | null {
  const s = b?.service;
  if (!s) return null;
  const port = s.port?.number ?? s.port?.name;
  if (port === undefined) return null;
  return { namespace: ing.metadata.namespace ?? "default", name: s.name, port };
}

const created = (i: Ingress) => (i.metadata.creationTimestamp ? Date.parse(i.metadata.creationTimestamp) : 0) || 0;
const nsName = (i: Ingress) => `${i.metadata.namespace ?? "default"}/${i.metadata.name}`;
const HOST_RANK: Record<HostMatchKind, number> = { exact: 3, wildcard: 2, any: 1 };

/** Order two Ingresses as ingress-nginx resolves conflicts: oldest first, then namespace/name. */
function olderFirst(a: Ingress, b: Ingress): number {
  return created(a) - created(b) || nsName(a).localeCompare(nsName(b));
}

/** How far a path is from covering the request, in words and a distance (segments apart). */
function pathMiss(pathType: IngressPathType, value: string, requestPath: string): { reason: string; distance: number } {
  const req = pathOnly(requestPath);
  const elems = (s: string) => s.split("/").filter((x) => x.length > 0);
  const want = elems(value);
  const have = elems(req);
  if (pathType === "Exact") {
    const close = value.replace(/\/+$/, "") === req.replace(/\/+$/, "");
    return {
      reason: close ? `Exact path ${value} differs from ${req} only by the trailing slash` : `Exact path ${value} does not equal ${req}`,
      distance: close ? 0 : Math.abs(want.length - have.length) + 1,
    };
  }
  let common = 0;
  while (common < want.length && common < have.length && want[common] === have[common]) common++;
  const next = want[common];
  const got = have[common];
  const why =
    next !== undefined && got !== undefined && got.startsWith(next)
      ? `${pathType} ${value} matches whole path segments only (${got} is not ${next})`
      : `${pathType} ${value} does not cover ${req}`;
  return { reason: why, distance: want.length - common };
}

/**
 * Predict which Ingress rule the controller `cfg` uses for `host` and `path`
 * (see the module comment for the rules and their sources). `ingresses` and
 * `classes` are every Ingress and IngressClass of the cluster.
 */
export function predictIngress(
  cfg: IngressControllerConfig,
  ingresses: readonly Ingress[],
  classes: readonly IngressClass[],
  request: { host: string; path: string; headers?: readonly { name: string; value: string }[] },
): IngressPrediction {
  const host = normaliseHost(request.host);
  const path = pathOnly(request.path);
  const served: IngressPrediction["served"] = [];
  const notServed: IngressPrediction["notServed"] = [];
  for (const ing of ingresses) {
    const decision = servesIngress(cfg, ing, classes);
    (decision.served ? served : notServed).push({ ingress: ing, decision });
  }
  served.sort((a, b) => olderFirst(a.ingress, b.ingress));
  const notes: string[] = [];
  // ingress-nginx: a canary Ingress is no route of its own; it only adds an alternative backend to a main rule.
  const isCanary = (ing: Ingress) => cfg.implementation === "ingress-nginx" && canaryRulesOf(ing) !== null;

  // Rules whose host covers the request, grouped by how (nginx: exact server_name > wildcard > catch-all `_`).
  const hostRules: { ing: Ingress; rule: number; kind: HostMatchKind }[] = [];
  for (const { ingress: ing } of served) {
    if (isCanary(ing)) continue;
    (ing.spec?.rules ?? []).forEach((r, i) => {
      const kind = ingressHostMatch(r.host, host);
      if (kind) hostRules.push({ ing, rule: i, kind });
    });
  }
  const best = hostRules.reduce((m, r) => Math.max(m, HOST_RANK[r.kind]), 0);
  const tier = hostRules.filter((r) => HOST_RANK[r.kind] === best);

  const candidates: IngressPathMatch[] = [];
  for (const r of tier) {
    const paths = r.ing.spec.rules![r.rule]!.http?.paths ?? [];
    paths.forEach((p, j) => {
      const value = p.path && p.path.length ? p.path : "/";
      if (!ingressPathMatches(p.pathType, value, path)) return;
      candidates.push({ ingress: r.ing, rule: r.rule, path: j, host: r.kind, value, pathType: p.pathType, backend: backendRefOf(r.ing, p.backend) });
    });
  }
  // Longest path first; Exact before Prefix of the same length; then the oldest Ingress; then rule/path order.
  candidates.sort(
    (a, b) =>
      b.value.length - a.value.length ||
      (a.pathType === "Exact" ? 0 : 1) - (b.pathType === "Exact" ? 0 : 1) ||
      olderFirst(a.ingress, b.ingress) ||
      a.rule - b.rule ||
      a.path - b.path,
  );
  const match = candidates[0] ?? null;
  if (match?.pathType === "ImplementationSpecific") {
    notes.push(
      `path ${match.value} of Ingress ${nsName(match.ingress)} is ImplementationSpecific: ${cfg.implementation === "ingress-nginx" ? "ingress-nginx compiles it to an nginx prefix location (a regular expression with nginx.ingress.kubernetes.io/use-regex)" : cfg.implementation === "contour" ? "Contour matches it as a prefix (a regular expression when it holds regex characters)" : "traefik matches it as a PathPrefix"}; netdoctor matched it as Prefix`,
    );
  }
  const base = { request: { host, path }, served, notServed, notes };
  if (match) {
    const canary = cfg.implementation === "ingress-nginx" ? canaryFor(match, served.map((x) => x.ingress).filter(isCanary), request.headers ?? []) : null;
    const backend = canary?.decision.to === "canary" ? canary.backend : match.backend;
    return { ...base, outcome: "matched", match, defaultBackend: null, backend, closest: [], canary };
  }

  // No path: the defaultBackend of an Ingress defining the host (or, with no host rule at all, of any served Ingress).
  const withDefault = (list: Ingress[]) => list.filter((i) => i.spec?.defaultBackend).sort(olderFirst)[0];
  const dflt = tier.length ? withDefault([...new Set(tier.map((r) => r.ing))]) : withDefault(served.map((s) => s.ingress));
  const closest = closestRules(host, path, served.map((s) => s.ingress), notServed, tier);
  if (dflt) {
    const backend = backendRefOf(dflt, dflt.spec.defaultBackend);
    return { ...base, outcome: "default-backend", match: null, defaultBackend: { ingress: dflt, backend }, backend, closest };
  }
  return { ...base, outcome: tier.length ? "no-path" : "no-host", match: null, defaultBackend: null, backend: null, closest };
}

/**
 * The canary Ingress attached to a matched main rule: the oldest served canary
 * with a rule for the same host and a path with the same value and type
 * (ingress-nginx merges it into that location; "a maximum of one canary
 * ingress can be applied per Ingress rule"), and its decision for the request.
 */
function canaryFor(match: IngressPathMatch, canaries: readonly Ingress[], headers: readonly { name: string; value: string }[]): IngressPrediction["canary"] {
  const mainHost = normaliseHost(match.ingress.spec.rules![match.rule]!.host ?? "");
  for (const ing of [...canaries].sort(olderFirst)) {
    const rules = canaryRulesOf(ing)!;
    const rule = (ing.spec?.rules ?? []).findIndex((r) => normaliseHost(r.host ?? "") === mainHost && (r.http?.paths ?? []).some((p) => (p.path && p.path.length ? p.path : "/") === match.value && p.pathType === match.pathType));
    if (rule < 0) continue;
    const p = ing.spec.rules![rule]!.http!.paths!.find((x) => (x.path && x.path.length ? x.path : "/") === match.value && x.pathType === match.pathType)!;
    return { ingress: ing, rule, backend: backendRefOf(ing, p.backend), decision: decideCanary(rules, { headers }) };
  }
  return null;
}

/**
 * The rules that came closest to serving `host` + `path`, closest first (at
 * most 5): a path one segment off on a rule that covers the host; a host
 * that is a typo of the request host (edit distance ≤ 3, or a wildcard that
 * would need more than one label); an Ingress whose host and path fit but
 * whose class another controller owns.
 */
export function closestRules(
  host: string,
  path: string,
  served: readonly Ingress[],
  notServed: readonly { ingress: Ingress; decision: ServedDecision }[],
  tier: readonly { ing: Ingress; rule: number }[],
): ClosestRule[] {
  const out: ClosestRule[] = [];
  const ns = (i: Ingress) => i.metadata.namespace ?? "default";
  // (a) rules that cover the host: which path came closest.
  for (const r of tier) {
    const paths = r.ing.spec.rules![r.rule]!.http?.paths ?? [];
    let bestMiss: { reason: string; distance: number } | null = null;
    for (const p of paths) {
      const m = pathMiss(p.pathType, p.path && p.path.length ? p.path : "/", path);
      if (!bestMiss || m.distance < bestMiss.distance) bestMiss = m;
    }
    if (bestMiss) out.push({ namespace: ns(r.ing), name: r.ing.metadata.name, rule: r.rule, reason: bestMiss.reason, distance: bestMiss.distance });
  }
  // (b) rules of served Ingresses whose host is near the request host.
  for (const ing of served) {
    (ing.spec?.rules ?? []).forEach((r, i) => {
      if (!r.host || ingressHostMatch(r.host, host)) return;
      const rh = r.host.toLowerCase();
      if (rh.startsWith("*.") && host.endsWith(rh.slice(1))) {
        out.push({ namespace: ns(ing), name: ing.metadata.name, rule: i, reason: `wildcard host ${r.host} covers exactly one label; ${host} has more (Ingress wildcards are single-label)`, distance: 1 });
        return;
      }
      const d = editDistance(rh.replace(/^\*\./, ""), host);
      if (d <= Math.max(3, Math.floor(host.length / 4))) out.push({ namespace: ns(ing), name: ing.metadata.name, rule: i, reason: `host ${r.host} differs from ${host} (edit distance ${d})`, distance: d + 1 });
    });
  }
  // (c) Ingresses of another class whose rules would serve the request.
  for (const { ingress: ing, decision } of notServed) {
    const fits = (ing.spec?.rules ?? []).findIndex((r) => ingressHostMatch(r.host, host) && (r.http?.paths ?? []).some((p) => ingressPathMatches(p.pathType, p.path, path)));
    if (fits >= 0) out.push({ namespace: ns(ing), name: ing.metadata.name, rule: fits, reason: `host and path fit, but ${decision.reason}`, distance: 0 });
    else if (!ing.spec?.rules?.length && ing.spec?.defaultBackend) out.push({ namespace: ns(ing), name: ing.metadata.name, rule: null, reason: `its defaultBackend would serve, but ${decision.reason}`, distance: 1 });
  }
  return out.sort((a, b) => a.distance - b.distance || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)).slice(0, 5);
}

/** A matched path in words: `Prefix /api` (`host web.localhost`). */
export function describeIngressPath(m: IngressPathMatch): string {
  const rule = m.ingress.spec.rules![m.rule]!;
  return `${m.pathType} ${m.value}${rule.host ? ` on host ${rule.host}` : " on any host"}`;
}
