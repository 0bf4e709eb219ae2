/**
 * Every HTTPRoute header, method and query-parameter matching case of the
 * Gateway API conformance suite, as a user would send it with netdoctor:
 * each request is written as curl flags (`-X`, `-H`, the URL with its query),
 * parsed by the same code as the CLI's `-H`/`-X` (src/engine/request.ts),
 * and routed by the same prediction route.host-matches runs, against the
 * conformance manifests copied verbatim into test/unit/gateway-api-conformance/.
 *
 * Source: kubernetes-sigs/gateway-api @ 4564255ac2c35d582249b3cdf261bdf51c8bca32,
 * conformance/tests/{httproute-header-matching, httproute-method-matching,
 * httproute-query-param-matching, httproute-matching,
 * httproute-matching-across-routes}.{go,yaml} and conformance/base/manifests.yaml.
 * The expectations are the `testCases` of each .go file, in order: a backend
 * (`confsuite.InfraBackendServiceNameV1` = infra-backend-v1 …) or
 * `Response{StatusCode: 404}`. The harness sends the Gateway address as Host
 * when a case names none (conformance/utils/http/http.go), so those requests
 * go to an IP literal here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseRequestOptions, withRequest } from "../../src/engine/request.js";
import { parseTarget } from "../../src/engine/target.js";
import { predictRoute, requestSpecFor, type Flavor, type RoutingWorld } from "../../src/gateway/index.js";
import type { Gateway, HTTPRoute } from "../../src/kube/types.js";
import { INFRA, infraServices, namespace } from "./matching-fixtures.js";

const dir = join(import.meta.dirname, "gateway-api-conformance");

/** The objects of one copied manifest file. */
function manifest(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((d) => d.toJS() as unknown).filter((o) => o !== null);
}

/** The suite's Gateway `same-namespace`, with a class name standing in for {GATEWAY_CLASS_NAME}. */
function sameNamespaceGateway(): Gateway {
  const gw = manifest("base-same-namespace.yaml")[0] as Gateway;
  return { ...gw, spec: { ...gw.spec, gatewayClassName: "conformance" } };
}

/** The routes of a test manifest; creationTimestamps in document order, as `kubectl apply` of the file creates them. */
function routes(file: string): HTTPRoute[] {
  return (manifest(file) as HTTPRoute[]).map((r, i) => ({ ...r, metadata: { ...r.metadata, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() } }));
}

/** The address the harness connects to (and sends as Host when a case names none). */
const GATEWAY_ADDRESS = "172.18.0.200";

/** One conformance request, as netdoctor flags: `-X`, `-H 'Name: value'` (in the order the Go map lists them), `Host`. */
interface Req {
  method?: string;
  path: string;
  headers?: string[];
  host?: string;
}

/** A backend (infra-backend-vN) or 404. */
type Want = `infra-backend-v${1 | 2 | 3}` | 404;

/**
 * Route one request: build the target as the CLI does (URL to the Gateway
 * address, `-H`/`-X` applied, a case's Host given as `-H 'Host: …'` exactly
 * as the harness sets it), then predict as route.host-matches does.
 */
function route(world: RoutingWorld, req: Req, flavor: Flavor): Want | 500 | string {
  const options = parseRequestOptions([...(req.host ? [`Host: ${req.host}`] : []), ...(req.headers ?? [])], req.method);
  const target = withRequest(parseTarget(`http://${GATEWAY_ADDRESS}${req.path}`), options);
  const p = predictRoute(world, requestSpecFor(target, 80), { flavor });
  if (p.expected.kind === "status") return p.expected.status;
  if (p.expected.kind === "forwarded") return p.backend?.name ?? "?";
  return p.expected.kind;
}

/** Run a conformance test's cases, in order, under each implementation flavor netdoctor predicts for. */
function conformance(test: string, file: string, cases: [Req, Want][]) {
  describe(`${test} (conformance/tests/${file.replace(/\.yaml$/, ".go")})`, () => {
    const world: RoutingWorld = { gateway: sameNamespaceGateway(), routes: routes(file), services: infraServices(), namespaces: [namespace(INFRA)] };
    for (const flavor of ["spec", "envoy-gateway", "kgateway"] as const) {
      it.each(cases.map(([req, want], i) => ({ i, req, want, shown: `${req.method ?? "GET"} ${req.host ?? ""}${req.path}${(req.headers ?? []).map((h) => ` -H '${h}'`).join("")}` })))(
        `${flavor}: case $i, $shown, reaches $want`,
        ({ req, want }) => {
          expect(route(world, req, flavor)).toBe(want);
        },
      );
    }
  });
}

conformance("HTTPRouteHeaderMatching", "httproute-header-matching.yaml", [
  [{ path: "/", headers: ["Version: one"] }, "infra-backend-v1"],
  [{ path: "/", headers: ["Version: two"] }, "infra-backend-v2"],
  [{ path: "/", headers: ["Version: two", "Color: orange"] }, "infra-backend-v1"],
  [{ path: "/", headers: ["Version: two", "Color: blue"] }, "infra-backend-v2"],
  [{ path: "/", headers: ["Color: orange"] }, 404],
  [{ path: "/", headers: ["Some-Other-Header: one"] }, 404],
  [{ path: "/", headers: ["Color: blue"] }, "infra-backend-v1"],
  [{ path: "/", headers: ["Color: green"] }, "infra-backend-v1"],
  [{ path: "/", headers: ["Color: red"] }, "infra-backend-v2"],
  [{ path: "/", headers: ["Color: yellow"] }, "infra-backend-v2"],
  [{ path: "/", headers: ["Color: purple"] }, 404],
]);

conformance("HTTPRouteMethodMatching", "httproute-method-matching.yaml", [
  [{ method: "POST", path: "/" }, "infra-backend-v1"],
  [{ method: "GET", path: "/" }, "infra-backend-v2"],
  [{ method: "HEAD", path: "/" }, 404],
  // Combinations with core match types.
  [{ path: "/path1", method: "GET" }, "infra-backend-v1"],
  [{ headers: ["version: one"], path: "/", method: "PUT" }, "infra-backend-v2"],
  [{ headers: ["version: two"], path: "/path2", method: "POST" }, "infra-backend-v3"],
  // Match of the form (cond1 AND cond2) OR (cond3 AND cond4 AND cond5).
  [{ path: "/path3", method: "PATCH" }, "infra-backend-v1"],
  [{ headers: ["version: three"], path: "/path4", method: "DELETE" }, "infra-backend-v1"],
  // Matches for path3 and path4 must not succeed without all their conditions.
  [{ path: "/", method: "PUT" }, 404],
  [{ path: "/path4", method: "DELETE" }, 404],
  // Precedence: a path match beats a method match; a method match beats a header match.
  [{ path: "/path5", method: "PATCH" }, "infra-backend-v1"],
  [{ headers: ["version: four"], path: "/", method: "PATCH" }, "infra-backend-v2"],
]);

conformance("HTTPRouteQueryParamMatching", "httproute-query-param-matching.yaml", [
  [{ path: "/?animal=whale" }, "infra-backend-v1"],
  [{ path: "/?animal=dolphin" }, "infra-backend-v2"],
  [{ path: "/?animal=dolphin&color=blue" }, "infra-backend-v3"],
  [{ path: "/?ANIMAL=Whale" }, "infra-backend-v3"],
  [{ path: "/?animal=whale&otherparam=irrelevant" }, "infra-backend-v1"],
  [{ path: "/?animal=dolphin&color=yellow" }, "infra-backend-v2"],
  [{ path: "/?color=blue" }, 404],
  [{ path: "/?animal=dog" }, 404],
  [{ path: "/?animal=whaledolphin" }, 404],
  [{ path: "/" }, 404],
  // Combinations with core match types.
  [{ path: "/path1?animal=whale" }, "infra-backend-v1"],
  [{ headers: ["version: one"], path: "/?animal=whale" }, "infra-backend-v2"],
  [{ headers: ["version: two"], path: "/path2?animal=whale" }, "infra-backend-v3"],
  // Match of the form (cond1 AND cond2) OR (cond3 AND cond4 AND cond5).
  [{ path: "/path3?animal=shark" }, "infra-backend-v1"],
  [{ headers: ["version: three"], path: "/path4?animal=kraken" }, "infra-backend-v1"],
  // Matches for path3 and path4 must not succeed without all their conditions.
  [{ path: "/?animal=shark" }, 404],
  [{ path: "/path4?animal=kraken" }, 404],
  // Precedence: a path match beats a query match; a header match beats a query match.
  [{ path: "/path5?animal=hydra" }, "infra-backend-v1"],
  [{ headers: ["version: four"], path: "/?animal=hydra" }, "infra-backend-v3"],
]);

conformance("HTTPRouteMatching", "httproute-matching.yaml", [
  [{ path: "/" }, "infra-backend-v1"],
  [{ path: "/example" }, "infra-backend-v1"],
  [{ path: "/", headers: ["Version: one"] }, "infra-backend-v1"],
  [{ path: "/v2" }, "infra-backend-v2"],
  [{ path: "/v2/example" }, "infra-backend-v2"],
  [{ path: "/", headers: ["Version: two"] }, "infra-backend-v2"],
  [{ path: "/v2/" }, "infra-backend-v2"],
  // Not a path segment prefix, so it must not match /v2.
  [{ path: "/v2example" }, "infra-backend-v1"],
  [{ path: "/foo/v2/example" }, "infra-backend-v1"],
]);

conformance("HTTPRouteMatchingAcrossRoutes", "httproute-matching-across-routes.yaml", [
  [{ host: "example.com", path: "/" }, "infra-backend-v1"],
  [{ host: "example.com", path: "/example" }, "infra-backend-v1"],
  [{ host: "example.net", path: "/example" }, "infra-backend-v1"],
  [{ host: "example.com", path: "/example", headers: ["Version: one"] }, "infra-backend-v1"],
  [{ host: "example.com", path: "/v2" }, "infra-backend-v2"],
  // v2 matches are limited to example.com.
  [{ host: "example.net", path: "/v2" }, "infra-backend-v1"],
  [{ host: "example.com", path: "/v2/example" }, "infra-backend-v2"],
  [{ host: "example.com", path: "/", headers: ["Version: two"] }, "infra-backend-v2"],
]);

describe("the conformance manifests as copied", () => {
  it("are the upstream HTTPRoutes, attached to the suite's same-namespace Gateway", () => {
    const names = ["httproute-header-matching", "httproute-method-matching", "httproute-query-param-matching", "httproute-matching", "httproute-matching-across-routes"].flatMap((f) =>
      routes(`${f}.yaml`).map((r) => `${r.metadata.namespace}/${r.metadata.name}→${r.spec.parentRefs?.[0]?.name}`),
    );
    expect(names).toEqual([
      "gateway-conformance-infra/header-matching→same-namespace",
      "gateway-conformance-infra/method-matching→same-namespace",
      "gateway-conformance-infra/query-param-matching→same-namespace",
      "gateway-conformance-infra/matching→same-namespace",
      "gateway-conformance-infra/matching-part1→same-namespace",
      "gateway-conformance-infra/matching-part2→same-namespace",
    ]);
  });
});
