/**
 * Gateway API matching, table-driven: one case per rule of
 * ../shared/reference/gateway-api-matching.md Part A, the conformance tests
 * of kubernetes-sigs/gateway-api (conformance/tests/*.go|yaml) as request →
 * backend/status, and the derived cases of Part C.
 */
import { describe, expect, it } from "vitest";
import {
  attachRoute,
  bestHostKey,
  compareRouteStatus,
  describeLabelSelector,
  intersectHostnames,
  isValidHostname,
  labelSelectorMatches,
  normalizeHost,
  pathMatches,
  predictRoute,
  wildcardCovers,
  type PredictOptions,
  type RoutingWorld,
} from "../../src/gateway/index.js";
import type { Gateway, HTTPRoute } from "../../src/kube/types.js";
import { INFRA, gateway, grant, infraServices, namespace, route, service, to, v } from "./matching-fixtures.js";

interface Req {
  port?: number;
  host?: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}
/** Expected: a backend Service name, or an HTTP status / refused. */
type Want = string | 404 | 500 | "refused";

function outcomeOf(world: RoutingWorld, req: Req, opts?: PredictOptions): Want {
  // The conformance harness sends the Gateway address as Host when a test gives none (A6).
  const p = predictRoute(world, { port: req.port ?? 80, host: req.host ?? "172.18.0.200", path: req.path, method: req.method, headers: req.headers }, opts);
  if (p.expected.kind === "refused") return "refused";
  if (p.expected.kind === "status") return p.expected.status;
  return p.backend?.name ?? "?";
}

function table(title: string, world: () => RoutingWorld, cases: [string, Req, Want][], opts?: PredictOptions) {
  describe(title, () => {
    const w = world();
    it.each(cases)("%s", (_name, req, want) => {
      expect(outcomeOf(w, req, opts)).toBe(want);
    });
  });
}

const sameNamespace = () => gateway("same-namespace", [{ name: "http", port: 80, allowedRoutes: { namespaces: { from: "Same" } } }]);
const world = (gw: Gateway, routes: HTTPRoute[], extra: Partial<RoutingWorld> = {}): RoutingWorld => ({ gateway: gw, routes, services: infraServices(), namespaces: [namespace(INFRA)], ...extra });

// ---------------------------------------------------------------- Part A: rules

describe("A1 hostname values and wildcards", () => {
  it.each([
    ["accepts a lower-case name", "foo.example.com", true],
    ["accepts a leading wildcard label", "*.example.com", true],
    ["rejects a bare star", "*", false],
    ["rejects a partial-label wildcard", "f*.x.com", false],
    ["rejects a wildcard in the middle", "a.*.com", false],
    ["rejects a trailing dot", "x.com.", false],
    ["rejects upper case", "FOO.com", false],
    ["rejects an IP address", "10.0.0.1", false],
  ])("%s (%s)", (_n, value, ok) => expect(isValidHostname(value)).toBe(ok));

  it.each([
    ["a wildcard covers one label", "*.example.com", "test.example.com", true],
    ["a wildcard covers several labels", "*.example.com", "foo.test.example.com", true],
    ["a wildcard never covers the apex", "*.example.com", "example.com", false],
    ["*.com covers example.com", "*.com", "example.com", true],
    ["*.com covers www.example.com", "*.com", "www.example.com", true],
    ["a wildcard does not cover a look-alike suffix", "*.example.com", "fooexample.com", false],
  ])("%s", (_n, pattern, host, ok) => expect(wildcardCovers(pattern, host)).toBe(ok));
});

describe("A2 listener × route hostname intersection", () => {
  it.each<[string, string | undefined, string[] | undefined, string[]]>([
    ["no listener hostname and no route hostnames give *", undefined, undefined, ["*"]],
    ["no listener hostname keeps the route hostnames as written", undefined, ["a.b.c", "*.x.c"], ["a.b.c", "*.x.c"]],
    ["a route without hostnames takes the listener hostname", "*.b.c", undefined, ["*.b.c"]],
    ["equal precise hostnames intersect", "a.b.c", ["a.b.c"], ["a.b.c"]],
    ["different precise hostnames do not intersect", "a.b.c", ["x.b.c"], []],
    ["a wildcard listener keeps a covered precise route hostname", "*.b.c", ["a.b.c", "x.a.b.c"], ["a.b.c", "x.a.b.c"]],
    ["a wildcard listener does not take the apex", "*.b.c", ["b.c"], []],
    ["a precise listener covered by a route wildcard gives the listener's", "a.b.c", ["*.b.c"], ["a.b.c"]],
    ["a precise listener covered by a broader route wildcard gives the listener's", "a.b.c", ["*.c"], ["a.b.c"]],
    ["equal wildcards intersect", "*.b.c", ["*.b.c"], ["*.b.c"]],
    ["wildcard × broader wildcard gives the more specific (listener)", "*.b.c", ["*.c"], ["*.b.c"]],
    ["wildcard × narrower wildcard gives the more specific (route)", "*.c", ["*.b.c"], ["*.b.c"]],
    ["disjoint wildcards do not intersect", "*.b.c", ["*.x.c"], []],
    ["non-intersecting route hostnames are ignored for that listener", "*.example.com", ["test.example.com", "test.example.net"], ["test.example.com"]],
  ])("%s", (_n, l, r, want) => expect(intersectHostnames(l, r)).toEqual(want));
});

describe("A3 attachment and its failure reasons", () => {
  const gw = gateway("gw", [
    { name: "http", port: 80, allowedRoutes: { namespaces: { from: "Same" } } },
    { name: "tls", port: 443, protocol: "TLS", allowedRoutes: { kinds: [{ kind: "TLSRoute" }] } },
    { name: "team", port: 8080, hostname: "*.team.example", allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { team: "a" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } } } },
  ]);
  const nss = [namespace(INFRA), namespace("team-a", { team: "a", env: "dev" }), namespace("team-prod", { team: "a", env: "prod" }), namespace("other")];
  it.each<[string, HTTPRoute, string, string[]]>([
    ["parentRef defaults (group, kind, namespace = the route's) attach to every allowed listener", route("r", { parentRefs: [{ name: "gw" }] }), "Accepted", ["http"]],
    ["a port that no listener has gives NoMatchingParent (HTTPRouteInvalidParentRefNotMatchingListenerPort)", route("r", { parentRefs: [{ name: "gw", port: 81 }] }), "NoMatchingParent", []],
    ["an unknown sectionName gives NoMatchingParent (HTTPRouteInvalidParentRefNotMatchingSectionName)", route("r", { parentRefs: [{ name: "gw", sectionName: "http1", port: 80 }] }), "NoMatchingParent", []],
    ["sectionName and port must both match (HTTPRouteInvalidParentRefSectionNameNotMatchingPort)", route("r", { parentRefs: [{ name: "gw", sectionName: "http", port: 81 }] }), "NoMatchingParent", []],
    ["a route from another namespace on a Same listener gives NotAllowedByListeners (HTTPRouteInvalidCrossNamespaceParentRef)", route("r", { parentRefs: [{ name: "gw", namespace: INFRA, sectionName: "http" }] }, { namespace: "other" }), "NotAllowedByListeners", []],
    ["a listener whose kinds exclude HTTPRoute gives NotAllowedByListeners (HTTPRouteDisallowedKind)", route("r", { parentRefs: [{ name: "gw", sectionName: "tls" }] }), "NotAllowedByListeners", []],
    ["a Selector listener admits a namespace matching matchLabels and matchExpressions", route("r", { parentRefs: [{ name: "gw", namespace: INFRA, sectionName: "team" }] }, { namespace: "team-a" }), "Accepted", ["team"]],
    ["a Selector listener refuses a namespace excluded by matchExpressions", route("r", { parentRefs: [{ name: "gw", namespace: INFRA, sectionName: "team" }] }, { namespace: "team-prod" }), "NotAllowedByListeners", []],
    ["a Selector listener refuses a namespace without the label, before hostnames are looked at", route("r", { parentRefs: [{ name: "gw", sectionName: "team" }], hostnames: ["team.example"] }), "NotAllowedByListeners", []],
  ])("%s", (_n, r, reason, listeners) => {
    const a = attachRoute(r, gw, nss)!;
    expect(a.parents[0]!.reason).toBe(reason);
    expect(a.listeners.map((l) => l.listener)).toEqual(listeners);
  });

  it("gives NoMatchingListenerHostname when every allowed listener's hostname misses (GatewayWithAttachedRoutes)", () => {
    const g = gateway("gw", [{ name: "http", port: 80, hostname: "*.example.com" }]);
    const a = attachRoute(route("r", { parentRefs: [{ name: "gw" }], hostnames: ["example.com", "other.net"] }), g, null)!;
    expect(a.parents[0]).toMatchObject({ accepted: false, reason: "NoMatchingListenerHostname", message: "There were no hostname intersections between the HTTPRoute and this parent ref's Listener(s)." });
  });

  it("names the selector and the namespace's labels when a Selector listener refuses a route", () => {
    const a = attachRoute(route("r", { parentRefs: [{ name: "gw", namespace: INFRA, sectionName: "team" }] }, { namespace: "team-prod" }), gw, nss)!;
    expect(a.parents[0]!.refusedBy).toEqual([
      { listener: "team", why: "namespace team-prod (labels: team=a, env=prod) does not match the namespace selector team=a,env notin (prod) of listener team" },
    ]);
  });

  it.each([
    ["matchLabels as key=value", { matchLabels: { "shared-gateway-access": "true" } }, "shared-gateway-access=true"],
    ["In, Exists and DoesNotExist as kubectl writes them", { matchExpressions: [{ key: "env", operator: "In" as const, values: ["dev", "test"] }, { key: "team", operator: "Exists" as const }, { key: "legacy", operator: "DoesNotExist" as const }] }, "env in (dev,test),team,!legacy"],
    ["the empty selector as {}", {}, "{}"],
  ])("describes label selectors: %s", (_n, sel, text) => expect(describeLabelSelector(sel)).toBe(text));

  it("returns null for a route whose parentRefs name another Gateway", () => {
    expect(attachRoute(route("r", { parentRefs: [{ name: "other-gw" }] }), gw, nss)).toBeNull();
  });

  it.each([
    ["an empty selector matches everything", {}, { a: "1" }, true],
    ["matchLabels must all match", { matchLabels: { a: "1", b: "2" } }, { a: "1" }, false],
    ["In matches a listed value", { matchExpressions: [{ key: "a", operator: "In" as const, values: ["1", "2"] }] }, { a: "2" }, true],
    ["Exists needs the key", { matchExpressions: [{ key: "a", operator: "Exists" as const }] }, { b: "1" }, false],
    ["DoesNotExist refuses the key", { matchExpressions: [{ key: "a", operator: "DoesNotExist" as const }] }, { a: "1" }, false],
  ])("label selectors: %s", (_n, sel, labels, ok) => expect(labelSelectorMatches(sel, labels)).toBe(ok));
});

describe("A4/A5 most specific key wins", () => {
  it.each<[string, (string | undefined)[], string, string | undefined | null]>([
    ["exact beats wildcard and *", ["*", "*.example.com", "a.example.com"], "a.example.com", "a.example.com"],
    ["the longer wildcard suffix wins", ["*.example.com", "*.foo.example.com"], "x.foo.example.com", "*.foo.example.com"],
    ["* takes what nothing else matches", ["*", "*.example.com"], "other.net", "*"],
    ["nothing matches gives null", ["a.example.com"], "b.example.com", null],
    ["an IP literal matches only *", ["*.0.1", "*"], "10.0.0.1", "*"],
  ])("%s", (_n, keys, host, want) => expect(bestHostKey(keys, host)).toBe(want));
});

describe("A6 Host normalisation", () => {
  it.each([
    ["strips the port", "api.example.localhost:8080", "api.example.localhost", false],
    ["folds case", "API.Example.Localhost", "api.example.localhost", false],
    ["keeps a trailing dot", "www.example.com.", "www.example.com.", false],
    ["unwraps an IPv6 literal", "[::1]:8080", "::1", true],
    ["recognises an IPv4 literal", "172.18.0.2:80", "172.18.0.2", true],
  ])("%s", (_n, header, host, isIp) => {
    const n = normalizeHost(header);
    expect(n.host).toBe(host);
    expect(n.isIp).toBe(isIp);
  });
});

describe("A7 path semantics", () => {
  it.each<[string, "Exact" | "PathPrefix" | "RegularExpression", string, string, boolean]>([
    ["Exact matches only the whole path", "Exact", "/abc", "/abc", true],
    ["Exact does not match a trailing slash", "Exact", "/abc", "/abc/", false],
    ["Exact is case-sensitive", "Exact", "/abc", "/Abc", false],
    ["Exact does not match a longer path", "Exact", "/abc", "/abcd", false],
    ["PathPrefix matches itself", "PathPrefix", "/abc", "/abc", true],
    ["PathPrefix matches with a trailing slash", "PathPrefix", "/abc", "/abc/", true],
    ["PathPrefix matches a sub-path", "PathPrefix", "/abc", "/abc/def", true],
    ["PathPrefix matches whole segments only", "PathPrefix", "/abc", "/abcd", false],
    ["PathPrefix /v2 does not match /v2example", "PathPrefix", "/v2", "/v2example", false],
    ["PathPrefix ignores the trailing slash of its value", "PathPrefix", "/foo/", "/foo", true],
    ["PathPrefix / matches everything", "PathPrefix", "/", "/anything/at/all", true],
    ["RegularExpression must match the entire path", "RegularExpression", "/api/v[0-9]+", "/api/v2/x", false],
    ["RegularExpression full match succeeds", "RegularExpression", "/api/v[0-9]+", "/api/v12", true],
  ])("%s", (_n, type, value, path, ok) => expect(pathMatches(type, value, path)).toBe(ok));

  table(
    "headers, query parameters and method",
    () =>
      world(sameNamespace(), [
        route("r", {
          parentRefs: [{ name: "same-namespace" }],
          rules: [
            { matches: [{ headers: [{ name: "X-Env", value: "Canary" }] }], backendRefs: v(1) },
            { matches: [{ queryParams: [{ name: "animal", value: "whale" }] }], backendRefs: v(2) },
            { matches: [{ method: "POST" }], backendRefs: v(3) },
          ],
        }),
      ]),
    [
      ["a header name matches case-insensitively", { path: "/", headers: { "x-env": "Canary" } }, "infra-backend-v1"],
      ["a header value is case-sensitive", { path: "/", headers: { "X-Env": "canary" } }, 404],
      ["a query parameter name is case-sensitive", { path: "/?ANIMAL=whale" }, 404],
      ["a query parameter matches with others around it", { path: "/?x=1&animal=whale" }, "infra-backend-v2"],
      ["the first of repeated query parameters counts", { path: "/?animal=dolphin&animal=whale" }, 404],
      ["HEAD is not GET", { path: "/", method: "HEAD" }, 404],
      ["a method matches exactly", { path: "/", method: "post" }, "infra-backend-v3"],
    ],
  );
});

// ---------------------------------------------------------------- Part B: conformance golden cases

table(
  "HTTPRouteHostnameIntersection",
  () => {
    const gw = gateway("httproute-hostname-intersection", [
      { name: "listener-1", port: 80, hostname: "very.specific.com" },
      { name: "listener-2", port: 80, hostname: "*.wildcard.io" },
      { name: "listener-3", port: 80, hostname: "*.anotherwildcard.io" },
    ]);
    const p = [{ name: "httproute-hostname-intersection", namespace: INFRA }];
    return world(gw, [
      route("specific-host-matches-listener-specific-host", { parentRefs: p, hostnames: ["non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/s1" } }], backendRefs: v(1) }] }),
      route("specific-host-matches-listener-wildcard-host", { parentRefs: p, hostnames: ["non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/s2" } }], backendRefs: v(2) }] }),
      route("wildcard-host-matches-listener-specific-host", { parentRefs: p, hostnames: ["non.matching.com", "*.specific.com"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/s3" } }], backendRefs: v(3) }] }),
      route("wildcard-host-matches-listener-wildcard-host", { parentRefs: p, hostnames: ["*.anotherwildcard.io"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/s4" } }], backendRefs: v(1) }] }),
      route("no-intersecting-hosts", { parentRefs: p, hostnames: ["specific.but.wrong.com", "wildcard.io"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/s5" } }], backendRefs: v(2) }] }),
    ]);
  },
  [
    ["very.specific.com /s1 reaches v1", { host: "very.specific.com", path: "/s1" }, "infra-backend-v1"],
    ["very.specific.com:1234 /s1 reaches v1 (Host port ignored)", { host: "very.specific.com:1234", path: "/s1" }, "infra-backend-v1"],
    ["non.matching.com /s1 is 404", { host: "non.matching.com", path: "/s1" }, 404],
    ["foo.nonmatchingwildcard.io /s1 is 404", { host: "foo.nonmatchingwildcard.io", path: "/s1" }, 404],
    ["foo.wildcard.io /s1 is 404", { host: "foo.wildcard.io", path: "/s1" }, 404],
    ["very.specific.com /non-matching-prefix is 404", { host: "very.specific.com", path: "/non-matching-prefix" }, 404],
    ["foo.wildcard.io /s2 reaches v2", { host: "foo.wildcard.io", path: "/s2" }, "infra-backend-v2"],
    ["bar.wildcard.io /s2 reaches v2", { host: "bar.wildcard.io", path: "/s2" }, "infra-backend-v2"],
    ["foo.bar.wildcard.io /s2 reaches v2", { host: "foo.bar.wildcard.io", path: "/s2" }, "infra-backend-v2"],
    ["wildcard.io /s2 is 404 (apex)", { host: "wildcard.io", path: "/s2" }, 404],
    ["very.specific.com /s2 is 404", { host: "very.specific.com", path: "/s2" }, 404],
    ["very.specific.com /s3 reaches v3", { host: "very.specific.com", path: "/s3" }, "infra-backend-v3"],
    ["foo.specific.com /s3 is 404", { host: "foo.specific.com", path: "/s3" }, 404],
    ["foo.anotherwildcard.io /s4 reaches v1", { host: "foo.anotherwildcard.io", path: "/s4" }, "infra-backend-v1"],
    ["foo.bar.anotherwildcard.io /s4 reaches v1", { host: "foo.bar.anotherwildcard.io", path: "/s4" }, "infra-backend-v1"],
    ["anotherwildcard.io /s4 is 404", { host: "anotherwildcard.io", path: "/s4" }, 404],
    ["specific.but.wrong.com /s5 is 404", { host: "specific.but.wrong.com", path: "/s5" }, 404],
    ["wildcard.io /s5 is 404", { host: "wildcard.io", path: "/s5" }, 404],
  ],
);

table(
  "HTTPRouteHostnameIntersection (listener without hostname)",
  () =>
    world(gateway("all", [{ name: "listener-1", port: 80 }]), [
      route("httproute-hostname-intersection-all", { parentRefs: [{ name: "all" }], hostnames: ["first.com", "sub.first.com", "second.com", "sub.second.com"], rules: [{ backendRefs: v(2) }] }),
    ]),
  [
    ["first.com reaches v2", { host: "first.com", path: "/" }, "infra-backend-v2"],
    ["sub.second.com reaches v2", { host: "sub.second.com", path: "/" }, "infra-backend-v2"],
    ["third.com is 404", { host: "third.com", path: "/" }, 404],
    ["sub.third.com is 404", { host: "sub.third.com", path: "/" }, 404],
  ],
);

table(
  "HTTPRouteListenerHostnameMatching",
  () => {
    const g = "httproute-listener-hostname-matching";
    const gw = gateway(g, [
      { name: "listener-1", port: 80, hostname: "bar.com" },
      { name: "listener-2", port: 80, hostname: "foo.bar.com" },
      { name: "listener-3", port: 80, hostname: "*.bar.com" },
      { name: "listener-4", port: 80, hostname: "*.foo.com" },
    ]);
    return world(gw, [
      route("backend-v1", { parentRefs: [{ name: g, sectionName: "listener-1" }], rules: [{ backendRefs: v(1) }] }),
      route("backend-v2", { parentRefs: [{ name: g, sectionName: "listener-2" }], rules: [{ backendRefs: v(2) }] }),
      route("backend-v3", { parentRefs: [{ name: g, sectionName: "listener-3" }, { name: g, sectionName: "listener-4" }], rules: [{ backendRefs: v(3) }] }),
    ]);
  },
  [
    ["bar.com reaches v1", { host: "bar.com", path: "/" }, "infra-backend-v1"],
    ["foo.bar.com reaches v2 (exact listener beats wildcard)", { host: "foo.bar.com", path: "/" }, "infra-backend-v2"],
    ["baz.bar.com reaches v3", { host: "baz.bar.com", path: "/" }, "infra-backend-v3"],
    ["multiple.prefixes.bar.com reaches v3", { host: "multiple.prefixes.bar.com", path: "/" }, "infra-backend-v3"],
    ["multiple.prefixes.foo.com reaches v3", { host: "multiple.prefixes.foo.com", path: "/" }, "infra-backend-v3"],
    ["foo.com is 404 (apex of *.foo.com)", { host: "foo.com", path: "/" }, 404],
    ["no.matching.host is 404", { host: "no.matching.host", path: "/" }, 404],
  ],
);

table(
  "HTTPRouteListenerPortMatching",
  () => {
    const g = "httproute-listener-port-matching";
    const gw = gateway(g, [
      { name: "listener-1", port: 80 },
      { name: "listener-2", port: 8080 },
      { name: "listener-3", port: 8090, hostname: "bar.com" },
      { name: "listener-4", port: 8090, hostname: "foo.com" },
    ]);
    return world(gw, [
      route("backend-v1", { parentRefs: [{ name: g, port: 80 }], rules: [{ backendRefs: v(1) }] }),
      route("backend-v2", { parentRefs: [{ name: g, port: 8080 }], rules: [{ backendRefs: v(2) }] }),
      route("backend-v3", { parentRefs: [{ name: g, sectionName: "listener-4" }], rules: [{ backendRefs: v(3) }] }),
    ]);
  },
  [
    ["foo.com on port 80 reaches v1", { port: 80, host: "foo.com", path: "/" }, "infra-backend-v1"],
    ["foo.com:8080 on port 8080 reaches v2", { port: 8080, host: "foo.com:8080", path: "/" }, "infra-backend-v2"],
    ["bar.com:8080 on port 8080 reaches v2", { port: 8080, host: "bar.com:8080", path: "/" }, "infra-backend-v2"],
    ["foo.com:8090 on port 8090 reaches v3", { port: 8090, host: "foo.com:8090", path: "/" }, "infra-backend-v3"],
    ["bar.com:8090 on port 8090 is 404 (its listener has no route)", { port: 8090, host: "bar.com:8090", path: "/" }, 404],
    ["a port without a listener refuses the connection", { port: 9999, host: "foo.com", path: "/" }, "refused"],
  ],
);

table(
  "HTTPRouteMatchingAcrossRoutes",
  () =>
    world(sameNamespace(), [
      route("matching-part1", { parentRefs: [{ name: "same-namespace" }], hostnames: ["example.com", "example.net"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }, { headers: [{ name: "version", value: "one" }] }], backendRefs: v(1) }] }),
      route("matching-part2", { parentRefs: [{ name: "same-namespace" }], hostnames: ["example.com"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/v2" } }, { headers: [{ name: "version", value: "two" }] }], backendRefs: v(2) }] }),
    ]),
  [
    ["example.com / reaches v1", { host: "example.com", path: "/" }, "infra-backend-v1"],
    ["example.com /example reaches v1", { host: "example.com", path: "/example" }, "infra-backend-v1"],
    ["example.net /example reaches v1", { host: "example.net", path: "/example" }, "infra-backend-v1"],
    ["example.com /example with version one reaches v1", { host: "example.com", path: "/example", headers: { Version: "one" } }, "infra-backend-v1"],
    ["example.com /v2 reaches v2 (longer prefix across routes)", { host: "example.com", path: "/v2" }, "infra-backend-v2"],
    ["example.net /v2 reaches v1 (v2 is limited to example.com)", { host: "example.net", path: "/v2" }, "infra-backend-v1"],
    ["example.com /v2/example reaches v2", { host: "example.com", path: "/v2/example" }, "infra-backend-v2"],
    ["example.com / with version two reaches v2 (header count)", { host: "example.com", path: "/", headers: { Version: "two" } }, "infra-backend-v2"],
  ],
);

table(
  "HTTPRouteMatching",
  () =>
    world(sameNamespace(), [
      route("matching", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ path: { type: "PathPrefix", value: "/" } }, { headers: [{ name: "version", value: "one" }] }], backendRefs: v(1) },
          { matches: [{ path: { type: "PathPrefix", value: "/v2" } }, { headers: [{ name: "version", value: "two" }] }], backendRefs: v(2) },
        ],
      }),
    ]),
  [
    ["/ reaches v1", { path: "/" }, "infra-backend-v1"],
    ["/example reaches v1", { path: "/example" }, "infra-backend-v1"],
    ["/ with version one reaches v1", { path: "/", headers: { Version: "one" } }, "infra-backend-v1"],
    ["/v2 reaches v2", { path: "/v2" }, "infra-backend-v2"],
    ["/v2/example reaches v2", { path: "/v2/example" }, "infra-backend-v2"],
    ["/ with version two reaches v2", { path: "/", headers: { Version: "two" } }, "infra-backend-v2"],
  ],
);

table(
  "HTTPExactPathMatching",
  () =>
    world(sameNamespace(), [
      route("exact-matching", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ path: { type: "Exact", value: "/one" } }], backendRefs: v(1) },
          { matches: [{ path: { type: "Exact", value: "/two" } }], backendRefs: v(2) },
        ],
      }),
    ]),
  [
    ["/one reaches v1", { path: "/one" }, "infra-backend-v1"],
    ["/two reaches v2", { path: "/two" }, "infra-backend-v2"],
    ["/ is 404", { path: "/" }, 404],
    ["/one/example is 404", { path: "/one/example" }, 404],
    ["/two/ is 404", { path: "/two/" }, 404],
    ["/Two is 404", { path: "/Two" }, 404],
  ],
);

table(
  "HTTPRoutePathMatchOrder",
  () => {
    const rule = (type: "Exact" | "PathPrefix", value: string, n: 1 | 2 | 3) => ({ matches: [{ path: { type, value } }], backendRefs: v(n) });
    return world(sameNamespace(), [
      route("path-matching-order", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [rule("Exact", "/match", 1), rule("Exact", "/match/exact", 2), rule("Exact", "/match/exact/one", 3), rule("PathPrefix", "/match/", 3), rule("PathPrefix", "/match/prefix/", 1), rule("PathPrefix", "/match/prefix/one", 2)],
      }),
    ]);
  },
  [
    ["/match/exact/one reaches v3 (Exact)", { path: "/match/exact/one" }, "infra-backend-v3"],
    ["/match/exact reaches v2 (Exact)", { path: "/match/exact" }, "infra-backend-v2"],
    ["/match reaches v1 (Exact beats PathPrefix /match/)", { path: "/match" }, "infra-backend-v1"],
    ["/match/prefix/one/any reaches v2 (longest prefix)", { path: "/match/prefix/one/any" }, "infra-backend-v2"],
    ["/match/prefix/any reaches v1", { path: "/match/prefix/any" }, "infra-backend-v1"],
    ["/match/any reaches v3", { path: "/match/any" }, "infra-backend-v3"],
  ],
);

table(
  "HTTPRouteMethodMatching",
  () =>
    world(sameNamespace(), [
      route("method-matching", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ method: "POST" }], backendRefs: v(1) },
          { matches: [{ method: "GET" }], backendRefs: v(2) },
          { matches: [{ path: { type: "PathPrefix", value: "/path1" }, method: "GET" }], backendRefs: v(1) },
          { matches: [{ headers: [{ name: "version", value: "one" }], method: "PUT" }], backendRefs: v(2) },
          { matches: [{ path: { type: "PathPrefix", value: "/path2" }, headers: [{ name: "version", value: "two" }], method: "POST" }], backendRefs: v(3) },
          { matches: [{ path: { type: "PathPrefix", value: "/path3" }, method: "PATCH" }, { path: { type: "PathPrefix", value: "/path4" }, headers: [{ name: "version", value: "three" }], method: "DELETE" }], backendRefs: v(1) },
          { matches: [{ path: { type: "PathPrefix", value: "/path5" } }], backendRefs: v(1) },
          { matches: [{ method: "PATCH" }], backendRefs: v(2) },
          { matches: [{ headers: [{ name: "version", value: "four" }] }], backendRefs: v(3) },
        ],
      }),
    ]),
  [
    ["POST / reaches v1", { path: "/", method: "POST" }, "infra-backend-v1"],
    ["GET / reaches v2", { path: "/", method: "GET" }, "infra-backend-v2"],
    ["HEAD / is 404", { path: "/", method: "HEAD" }, 404],
    ["GET /path1 reaches v1", { path: "/path1", method: "GET" }, "infra-backend-v1"],
    ["PUT / with version one reaches v2", { path: "/", method: "PUT", headers: { version: "one" } }, "infra-backend-v2"],
    ["POST /path2 with version two reaches v3", { path: "/path2", method: "POST", headers: { version: "two" } }, "infra-backend-v3"],
    ["PATCH /path3 reaches v1 (ORed matches)", { path: "/path3", method: "PATCH" }, "infra-backend-v1"],
    ["DELETE /path4 with version three reaches v1", { path: "/path4", method: "DELETE", headers: { version: "three" } }, "infra-backend-v1"],
    ["PUT / without the header is 404 (ANDed)", { path: "/", method: "PUT" }, 404],
    ["DELETE /path4 without the header is 404", { path: "/path4", method: "DELETE" }, 404],
    ["PATCH /path5 reaches v1 (prefix beats method)", { path: "/path5", method: "PATCH" }, "infra-backend-v1"],
    ["PATCH / with version four reaches v2 (method beats header)", { path: "/", method: "PATCH", headers: { version: "four" } }, "infra-backend-v2"],
  ],
);

table(
  "HTTPRouteQueryParamMatching",
  () => {
    const q = (name: string, value: string) => ({ name, value });
    return world(sameNamespace(), [
      route("query-param-matching", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ queryParams: [q("animal", "whale")] }], backendRefs: v(1) },
          { matches: [{ queryParams: [q("animal", "dolphin")] }], backendRefs: v(2) },
          { matches: [{ queryParams: [q("animal", "dolphin"), q("color", "blue")] }, { queryParams: [q("ANIMAL", "Whale")] }], backendRefs: v(3) },
          { matches: [{ path: { type: "PathPrefix", value: "/path1" }, queryParams: [q("animal", "whale")] }], backendRefs: v(1) },
          { matches: [{ headers: [{ name: "version", value: "one" }], queryParams: [q("animal", "whale")] }], backendRefs: v(2) },
          { matches: [{ path: { type: "PathPrefix", value: "/path2" }, headers: [{ name: "version", value: "two" }], queryParams: [q("animal", "whale")] }], backendRefs: v(3) },
          { matches: [{ path: { type: "PathPrefix", value: "/path3" }, queryParams: [q("animal", "shark")] }, { path: { type: "PathPrefix", value: "/path4" }, headers: [{ name: "version", value: "three" }], queryParams: [q("animal", "kraken")] }], backendRefs: v(1) },
          { matches: [{ path: { type: "PathPrefix", value: "/path5" } }], backendRefs: v(1) },
          { matches: [{ queryParams: [q("animal", "hydra")] }], backendRefs: v(2) },
          { matches: [{ headers: [{ name: "version", value: "four" }] }], backendRefs: v(3) },
        ],
      }),
    ]);
  },
  [
    ["/?animal=whale reaches v1", { path: "/?animal=whale" }, "infra-backend-v1"],
    ["/?animal=dolphin reaches v2", { path: "/?animal=dolphin" }, "infra-backend-v2"],
    ["/?animal=dolphin&color=blue reaches v3 (more query matches)", { path: "/?animal=dolphin&color=blue" }, "infra-backend-v3"],
    ["/?ANIMAL=Whale reaches v3 (names are case-sensitive)", { path: "/?ANIMAL=Whale" }, "infra-backend-v3"],
    ["/?animal=whale&otherparam=irrelevant reaches v1", { path: "/?animal=whale&otherparam=irrelevant" }, "infra-backend-v1"],
    ["/?animal=dolphin&color=yellow reaches v2", { path: "/?animal=dolphin&color=yellow" }, "infra-backend-v2"],
    ["/?color=blue is 404", { path: "/?color=blue" }, 404],
    ["/?animal=dog is 404", { path: "/?animal=dog" }, 404],
    ["/?animal=whaledolphin is 404", { path: "/?animal=whaledolphin" }, 404],
    ["/ is 404", { path: "/" }, 404],
    ["/path1?animal=whale reaches v1", { path: "/path1?animal=whale" }, "infra-backend-v1"],
    ["/?animal=whale with version one reaches v2", { path: "/?animal=whale", headers: { version: "one" } }, "infra-backend-v2"],
    ["/path2?animal=whale with version two reaches v3", { path: "/path2?animal=whale", headers: { version: "two" } }, "infra-backend-v3"],
    ["/path3?animal=shark reaches v1", { path: "/path3?animal=shark" }, "infra-backend-v1"],
    ["/path4?animal=kraken with version three reaches v1", { path: "/path4?animal=kraken", headers: { version: "three" } }, "infra-backend-v1"],
    ["/?animal=shark is 404", { path: "/?animal=shark" }, 404],
    ["/path4?animal=kraken without the header is 404", { path: "/path4?animal=kraken" }, 404],
    ["/path5?animal=hydra reaches v1 (prefix beats query)", { path: "/path5?animal=hydra" }, "infra-backend-v1"],
    ["/?animal=hydra with version four reaches v3 (header beats query)", { path: "/?animal=hydra", headers: { version: "four" } }, "infra-backend-v3"],
  ],
);

table(
  "GatewayHTTPListenerIsolation",
  () => {
    const g = "http-listener-isolation";
    const gw = gateway(g, [
      { name: "empty-hostname", port: 80 },
      { name: "wildcard-example-com", port: 80, hostname: "*.example.com" },
      { name: "wildcard-foo-example-com", port: 80, hostname: "*.foo.example.com" },
      { name: "abc-foo-example-com", port: 80, hostname: "abc.foo.example.com" },
    ]);
    const r = (name: string, n: 1 | 2 | 3 | 4) => route(name, { parentRefs: [{ name: g, sectionName: name }], rules: [{ matches: [{ path: { type: "PathPrefix", value: `/${name}` } }], backendRefs: v(n) }] });
    return world(gw, [r("empty-hostname", 1), r("wildcard-example-com", 2), r("wildcard-foo-example-com", 3), r("abc-foo-example-com", 4)]);
  },
  [
    ["bar.com /empty-hostname reaches v1", { host: "bar.com", path: "/empty-hostname" }, "infra-backend-v1"],
    ["bar.com /wildcard-example-com is 404", { host: "bar.com", path: "/wildcard-example-com" }, 404],
    ["bar.example.com /wildcard-example-com reaches v2", { host: "bar.example.com", path: "/wildcard-example-com" }, "infra-backend-v2"],
    ["bar.example.com /empty-hostname is 404 (no fall-through)", { host: "bar.example.com", path: "/empty-hostname" }, 404],
    ["bar.foo.example.com /wildcard-foo-example-com reaches v3", { host: "bar.foo.example.com", path: "/wildcard-foo-example-com" }, "infra-backend-v3"],
    ["bar.foo.example.com /wildcard-example-com is 404", { host: "bar.foo.example.com", path: "/wildcard-example-com" }, 404],
    ["abc.foo.example.com /abc-foo-example-com reaches v4", { host: "abc.foo.example.com", path: "/abc-foo-example-com" }, "infra-backend-v4"],
    ["abc.foo.example.com /wildcard-foo-example-com is 404", { host: "abc.foo.example.com", path: "/wildcard-foo-example-com" }, 404],
  ],
);

table(
  "HTTPRouteMultipleGateways: routes of another Gateway never mix",
  () => {
    const gw = sameNamespace();
    return world(gw, [
      route("other-gateway-route", { parentRefs: [{ name: "other" }], hostnames: ["example.com"], rules: [{ backendRefs: v(2) }] }),
      route("this-gateway-route", { parentRefs: [{ name: "same-namespace" }], hostnames: ["example.net"], rules: [{ backendRefs: v(1) }] }),
    ]);
  },
  [
    ["example.net reaches this Gateway's route", { host: "example.net", path: "/" }, "infra-backend-v1"],
    ["example.com is 404 here", { host: "example.com", path: "/" }, 404],
  ],
);

table(
  "A9 backend outcomes (HTTPRouteNoBackendRefs, HTTPRouteInvalidNonExistentBackendRef, HTTPRouteInvalidCrossNamespaceBackendRef, HTTPRouteInvalidBackendRefUnknownKind, HTTPRouteReferenceGrant, HTTPRouteAllBackendsWeightZero)",
  () =>
    world(
      sameNamespace(),
      [
        route("r", {
          parentRefs: [{ name: "same-namespace" }],
          rules: [
            { matches: [{ path: { type: "PathPrefix", value: "/none" } }] },
            { matches: [{ path: { type: "PathPrefix", value: "/missing" } }], backendRefs: to("nonexistent") },
            { matches: [{ path: { type: "PathPrefix", value: "/cross" } }], backendRefs: to("web-backend", 8080, { namespace: "gateway-conformance-web-backend" }) },
            { matches: [{ path: { type: "PathPrefix", value: "/kind" } }], backendRefs: to("infra-backend-v1", 8080, { group: "unknown.example.com", kind: "NonExistent" }) },
            { matches: [{ path: { type: "PathPrefix", value: "/granted" } }], backendRefs: to("app-backend-v1", 8080, { namespace: "gateway-conformance-app-backend" }) },
            { matches: [{ path: { type: "PathPrefix", value: "/zero" } }], backendRefs: [...to("infra-backend-v1", 8080, { weight: 0 }), ...to("infra-backend-v2", 8080, { weight: 0 })] },
            { matches: [{ path: { type: "PathPrefix", value: "/partial" } }], backendRefs: [...to("nonexistent", 8080, { weight: 1 }), ...to("infra-backend-v2", 8080, { weight: 3 })] },
            { matches: [{ path: { type: "PathPrefix", value: "/badport" } }], backendRefs: to("infra-backend-v1", 9090) },
          ],
        }),
      ],
      {
        services: [...infraServices(), service("web-backend", "gateway-conformance-web-backend"), service("app-backend-v1", "gateway-conformance-app-backend")],
        referenceGrants: [grant("gateway-conformance-app-backend", INFRA, "app-backend-v1")],
      },
    ),
  [
    ["a rule without backendRefs answers 500", { path: "/none" }, 500],
    ["a backendRef to a missing Service answers 500", { path: "/missing" }, 500],
    ["a cross-namespace backendRef without ReferenceGrant answers 500", { path: "/cross" }, 500],
    ["a backendRef of unknown kind answers 500", { path: "/kind" }, 500],
    ["a cross-namespace backendRef with a ReferenceGrant is forwarded", { path: "/granted" }, "app-backend-v1"],
    ["backendRefs that all weigh 0 answer 500", { path: "/zero" }, 500],
    ["a partly invalid rule forwards to the valid ref", { path: "/partial" }, "infra-backend-v2"],
    ["a Service port that does not exist answers 500", { path: "/badport" }, 500],
  ],
);

describe("A9 reasons of invalid backendRefs", () => {
  const w = world(sameNamespace(), [
    route("r", {
      parentRefs: [{ name: "same-namespace" }],
      rules: [
        { matches: [{ path: { type: "PathPrefix", value: "/missing" } }], backendRefs: to("nonexistent") },
        { matches: [{ path: { type: "PathPrefix", value: "/cross" } }], backendRefs: to("web-backend", 8080, { namespace: "web" }) },
        { matches: [{ path: { type: "PathPrefix", value: "/kind" } }], backendRefs: to("x", 8080, { group: "example.com", kind: "Thing" }) },
        { matches: [{ path: { type: "PathPrefix", value: "/partial" } }], backendRefs: [...to("nonexistent", 8080, { weight: 1 }), ...to("infra-backend-v2", 8080, { weight: 3 })] },
      ],
    }),
  ]);
  it.each([
    ["names BackendNotFound for a missing Service and still names it", "/missing", "BackendNotFound", "service gateway-conformance-infra/nonexistent not found", "nonexistent"],
    ["names RefNotPermitted for a cross-namespace ref without grant", "/cross", "RefNotPermitted", "no ReferenceGrant in web allows HTTPRoutes from gateway-conformance-infra", "web-backend"],
    ["names InvalidKind for an unknown kind and follows no Service", "/kind", "InvalidKind", "example.com/Thing", null],
  ])("%s", (_n, path, reason, message, followed) => {
    const p = predictRoute(w, { port: 80, host: "x", path });
    expect(p.outcome).toBe("invalid-backend");
    expect(p.backendRefs[0]).toMatchObject({ valid: false, reason });
    expect(p.backendRefs[0]!.message).toContain(message);
    expect(p.backend?.name ?? null).toBe(followed);
  });
  it("reports the weight share that gets 500 when some refs are invalid", () => {
    const p = predictRoute(w, { port: 80, host: "x", path: "/partial" });
    expect(p.expected).toEqual({ kind: "forwarded", status: null, invalidWeightShare: 0.25 });
  });
});

// ---------------------------------------------------------------- Part C: derived cases

describe("C1 spec-derived hostname cases", () => {
  it.each<[string, string | undefined, string[] | undefined, string, Want]>([
    ["exact listener and exact route serve www.example.com", "www.example.com", ["www.example.com"], "www.example.com", "infra-backend-v1"],
    ["a wildcard listener serves an exact route hostname", "*.example.com", ["www.example.com"], "www.example.com", "infra-backend-v1"],
    ["wildcard listener × *.com serves www.example.com", "*.example.com", ["*.com"], "www.example.com", "infra-backend-v1"],
    ["wildcard listener × *.com serves foo.bar.example.com (one or more labels)", "*.example.com", ["*.com"], "foo.bar.example.com", "infra-backend-v1"],
    ["the apex of a wildcard listener is 404", "*.example.com", ["www.example.com"], "example.com", 404],
    ["a route narrows a wildcard listener: foo.example.com is 404", "*.example.com", ["www.example.com"], "foo.example.com", 404],
    ["an exact listener with a wildcard route serves the listener's name", "www.example.com", ["*.example.com"], "www.example.com", "infra-backend-v1"],
    ["a deep exact listener with a wildcard route is served", "sub.domain.example.com", ["*.example.com"], "sub.domain.example.com", "infra-backend-v1"],
    ["a route apex under a wildcard listener is not attached: 404", "*.example.com", ["example.com"], "example.com", 404],
    ["the non-intersecting hostname of a route is ignored: 404", "*.example.com", ["test.example.com", "test.example.net"], "test.example.net", 404],
    ["no hostnames anywhere serve any host", undefined, undefined, "anything.example", "infra-backend-v1"],
    ["no hostnames anywhere serve an IP literal", undefined, undefined, "10.1.2.3", "infra-backend-v1"],
  ])("%s", (_n, lh, rh, host, want) => {
    const gw = gateway("gw", [{ name: "http", port: 80, ...(lh ? { hostname: lh } : {}) }]);
    const w = world(gw, [route("r", { parentRefs: [{ name: "gw" }], ...(rh ? { hostnames: rh } : {}), rules: [{ backendRefs: v(1) }] })]);
    expect(outcomeOf(w, { host, path: "/" })).toBe(want);
  });

  const gw = gateway("gw", [{ name: "http", port: 80 }]);
  const x = route("x", { parentRefs: [{ name: "gw" }], hostnames: ["api.example.localhost"], rules: [{ backendRefs: v(1) }] });
  it.each<[string, HTTPRoute[], Req, Want, PredictOptions?]>([
    ["the Host port is ignored: the connection port picks the listener", [x], { port: 80, host: "api.example.localhost:8080", path: "/" }, "infra-backend-v1"],
    ["the Host is lower-cased", [x], { host: "API.Example.Localhost", path: "/" }, "infra-backend-v1"],
    ["a trailing dot is 404 by default", [x], { host: "api.example.localhost.", path: "/" }, 404],
    ["a trailing dot is served when stripTrailingHostDot is set", [x], { host: "api.example.localhost.", path: "/" }, "infra-backend-v1", { stripTrailingHostDot: true }],
    [
      "a trailing dot falls to a * vhost when one exists",
      [x, route("catch-all", { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: v(2) }] })],
      { host: "api.example.localhost.", path: "/" },
      "infra-backend-v2",
    ],
    ["a port with no listener refuses the connection", [x], { port: 8080, host: "api.example.localhost", path: "/" }, "refused"],
  ])("%s", (_n, routes, req, want, opts) => expect(outcomeOf(world(gw, routes), req, opts)).toBe(want));

  it("takes only listeners of the request's scheme when it is given", () => {
    const g = gateway("gw", [{ name: "https", port: 443, protocol: "HTTPS", hostname: "*.example.com" }]);
    const w = world(g, [route("r", { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: v(1) }] })]);
    expect(predictRoute(w, { port: 443, host: "a.example.com", path: "/", scheme: "http" }).outcome).toBe("no-listener");
    expect(predictRoute(w, { port: 443, host: "a.example.com", path: "/", scheme: "https" }).backend?.name).toBe("infra-backend-v1");
  });
});

describe("C2–C6 implementation divergences", () => {
  it("C3: PathPrefix /foo/ matches /foo in the spec and Envoy Gateway, not in kgateway", () => {
    const w = world(sameNamespace(), [route("r", { parentRefs: [{ name: "same-namespace" }], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/foo/" } }], backendRefs: v(1) }] })]);
    expect(outcomeOf(w, { path: "/foo" })).toBe("infra-backend-v1");
    expect(outcomeOf(w, { path: "/foo" }, { flavor: "envoy-gateway" })).toBe("infra-backend-v1");
    expect(outcomeOf(w, { path: "/foo" }, { flavor: "kgateway" })).toBe(404);
    expect(outcomeOf(w, { path: "/foo/x" }, { flavor: "kgateway" })).toBe("infra-backend-v1");
  });

  it("C4: a method beats two headers in the spec and kgateway, not in Envoy Gateway", () => {
    const w = world(sameNamespace(), [
      route("r", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ headers: [{ name: "a", value: "1" }, { name: "b", value: "2" }] }], backendRefs: v(1) },
          { matches: [{ method: "GET" }], backendRefs: v(2) },
        ],
      }),
    ]);
    const req = { path: "/", method: "GET", headers: { a: "1", b: "2" } };
    expect(outcomeOf(w, req)).toBe("infra-backend-v2");
    expect(outcomeOf(w, req, { flavor: "kgateway" })).toBe("infra-backend-v2");
    expect(outcomeOf(w, req, { flavor: "envoy-gateway" })).toBe("infra-backend-v1");
  });

  it("C5: Exact beats RegularExpression, which beats PathPrefix; Envoy Gateway ranks the longer regex first", () => {
    const w = world(sameNamespace(), [
      route("r", {
        parentRefs: [{ name: "same-namespace" }],
        rules: [
          { matches: [{ path: { type: "PathPrefix", value: "/api/v1" } }], backendRefs: v(1) },
          { matches: [{ path: { type: "RegularExpression", value: "/api/.*" } }], backendRefs: v(2) },
          { matches: [{ path: { type: "RegularExpression", value: "/api/v[0-9]+/.*" } }], backendRefs: v(3) },
          { matches: [{ path: { type: "Exact", value: "/api/v1/x" } }], backendRefs: v(4) },
        ],
      }),
    ]);
    expect(outcomeOf(w, { path: "/api/v1/x" })).toBe("infra-backend-v4");
    expect(outcomeOf(w, { path: "/api/v1/y" })).toBe("infra-backend-v2");
    expect(outcomeOf(w, { path: "/api/v1/y" }, { flavor: "envoy-gateway" })).toBe("infra-backend-v3");
  });

  it("C6: an exact-hostname route shadows the catch-all route for every path (no fall-back)", () => {
    const w = world(sameNamespace(), [
      route("r1", { parentRefs: [{ name: "same-namespace" }], rules: [{ backendRefs: v(1) }] }),
      route("r2", { parentRefs: [{ name: "same-namespace" }], hostnames: ["www.host.org"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/pathmatch" } }], backendRefs: v(2) }] }),
    ]);
    expect(outcomeOf(w, { host: "www.host.org", path: "/pathmatch/x" })).toBe("infra-backend-v2");
    expect(outcomeOf(w, { host: "www.host.org", path: "/other" })).toBe(404);
    expect(outcomeOf(w, { host: "other.host", path: "/other" })).toBe("infra-backend-v1");
    const p = predictRoute(w, { port: 80, host: "www.host.org", path: "/other" });
    expect(p.closest.map((c) => [c.name, c.kind])).toEqual([
      ["r2", "path"],
      ["r1", "shadowed"],
    ]);
  });

  it("A8: across routes the older creationTimestamp wins, then namespace/name", () => {
    const mk = (name: string, created: string, n: 1 | 2) => route(name, { parentRefs: [{ name: "same-namespace" }], rules: [{ backendRefs: v(n) }] }, { created });
    expect(outcomeOf(world(sameNamespace(), [mk("b-new", "2026-02-01T00:00:00Z", 1), mk("a-old", "2026-01-01T00:00:00Z", 2)]), { path: "/" })).toBe("infra-backend-v2");
    expect(outcomeOf(world(sameNamespace(), [mk("b", "2026-01-01T00:00:00Z", 1), mk("a", "2026-01-01T00:00:00Z", 2)]), { path: "/" })).toBe("infra-backend-v2");
  });
});

// ---------------------------------------------------------------- closest routes and status

describe("closest routes when nothing matches", () => {
  const gw = gateway("gateway-default", [{ name: "http", port: 8080, allowedRoutes: { namespaces: { from: "All" } } }, { name: "https", port: 8443, protocol: "HTTPS", hostname: "*.openchoreo.localhost" }], "openchoreo-control-plane");
  const p = [{ name: "gateway-default", namespace: "openchoreo-control-plane" }];
  const ns = "openchoreo-control-plane";
  const routes = [
    route("typo", { parentRefs: p, hostnames: ["api.openchoreo.local"], rules: [{ backendRefs: to("openchoreo-api") }] }, { namespace: ns }),
    route("apex", { parentRefs: p, hostnames: ["*.api.openchoreo.localhost"], rules: [{ backendRefs: to("openchoreo-api") }] }, { namespace: ns }),
    route("tls-only", { parentRefs: [{ ...p[0]!, sectionName: "https" }], hostnames: ["api.openchoreo.localhost"], rules: [{ backendRefs: to("openchoreo-api") }] }, { namespace: ns }),
    route("wrong-section", { parentRefs: [{ ...p[0]!, sectionName: "htp" }], hostnames: ["api.openchoreo.localhost"], rules: [{ backendRefs: to("openchoreo-api") }] }, { namespace: ns }),
    route("elsewhere", { parentRefs: p, hostnames: ["grafana.example.com"], rules: [{ backendRefs: to("grafana") }] }, { namespace: ns }),
  ];
  const pred = predictRoute({ gateway: gw, routes, services: [] }, { port: 8080, host: "api.openchoreo.localhost", path: "/" });

  it("predicts 404 with no route for the host", () => {
    expect(pred.outcome).toBe("no-route");
    expect(pred.expected).toEqual({ kind: "status", status: 404 });
  });
  it.each([
    ["names the hostname typo", "typo", "hostname-typo", "hostname api.openchoreo.local vs requested api.openchoreo.localhost (4 characters differ)"],
    ["says a wildcard does not cover its apex", "apex", "wildcard-apex", "*.api.openchoreo.localhost does not cover the apex api.openchoreo.localhost"],
    ["names the other listener and port", "tls-only", "other-port", "attached to listener https on port 8443, the request arrives on port 8080"],
    ["gives the attachment reason", "wrong-section", "not-attached", "not attached (NoMatchingParent): its parentRef sectionName htp matches no listener"],
    ["says an unrelated hostname does not match", "elsewhere", "hostname", "hostname grafana.example.com does not match api.openchoreo.localhost"],
  ])("%s", (_n, name, kind, reason) => {
    const c = pred.closest.find((x) => x.name === name)!;
    expect(c.kind).toBe(kind);
    expect(c.reason).toContain(reason);
  });
  it("ranks the typo and the apex first and the unrelated hostname last", () => {
    expect(pred.closest.map((c) => c.name)).toEqual(["apex", "typo", "tls-only", "wrong-section", "elsewhere"]);
  });
  it("says a path is one segment short", () => {
    const w: RoutingWorld = { gateway: gw, routes: [route("api", { parentRefs: p, hostnames: ["api.openchoreo.localhost"], rules: [{ matches: [{ path: { type: "PathPrefix", value: "/api/v1" } }], backendRefs: to("openchoreo-api") }] }, { namespace: ns })] };
    const r = predictRoute(w, { port: 8080, host: "api.openchoreo.localhost", path: "/api" });
    expect(r.outcome).toBe("no-rule");
    expect(r.closest[0]).toMatchObject({ name: "api", kind: "path" });
    expect(r.closest[0]!.reason).toContain("PathPrefix /api/v1 does not match /api: the path is 1 segment short");
    const r2 = predictRoute(w, { port: 8080, host: "api.openchoreo.localhost", path: "/apiv1" });
    expect(r2.closest[0]!.reason).toContain('prefixes match whole segments, "api" is not "apiv1"');
    const r3 = predictRoute(w, { port: 8080, host: "api.openchoreo.localhost", path: "/api/v2/users" });
    expect(r3.closest[0]!.reason).toContain('segment 2 is "v2", the route wants "v1"');
  });
});

describe("status comparison", () => {
  const gw = sameNamespace();
  const mk = (status: HTTPRoute["status"], hostnames?: string[], generation = 1) => {
    const r = route("r", { parentRefs: [{ name: "same-namespace" }], ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs: v(1) }] }, { generation });
    r.status = status;
    return r;
  };
  const parent = (accepted: "True" | "False" | "Unknown", reason: string, observedGeneration = 1) => ({
    parents: [{ parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "same-namespace" }, controllerName: "kgateway.dev/kgateway", conditions: [{ type: "Accepted", status: accepted, reason, observedGeneration }, { type: "ResolvedRefs", status: "True" as const, reason: "ResolvedRefs", observedGeneration }] }],
  });
  it.each([
    ["finds the entry by defaulted group, kind and namespace", mk(parent("True", "Accepted")), { missing: false, stale: false, disagreement: null, controllerName: "kgateway.dev/kgateway" }],
    ["says status is missing when no controller wrote it", mk(undefined), { missing: true, stale: false }],
    ["says status is stale when observedGeneration is older", mk(parent("True", "Accepted", 1), undefined, 3), { missing: false, stale: true }],
    ["says Accepted Unknown is pending", mk(parent("Unknown", "Pending")), { pending: true }],
  ])("%s", (_n, r, want) => expect(compareRouteStatus(r, gw, null)[0]).toMatchObject(want));
  it("names both sides when status and computation disagree", () => {
    const c = compareRouteStatus(mk(parent("False", "NotAllowedByListeners")), gw, null)[0]!;
    expect(c.disagreement).toBe("status says Accepted=False NotAllowedByListeners, but the rules say it attaches to listener http");
  });
  it("flags a different reason without calling it a disagreement", () => {
    const g = gateway("same-namespace", [{ name: "http", port: 80, hostname: "a.example.com" }]);
    const c = compareRouteStatus(mk(parent("False", "NotAllowedByListeners"), ["b.example.com"]), g, null)[0]!;
    expect(c).toMatchObject({ disagreement: null, reasonDiffers: true });
    expect(c.computed.reason).toBe("NoMatchingListenerHostname");
  });
});
