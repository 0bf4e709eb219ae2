/**
 * The route-hop checks over in-memory sources with OpenChoreo's control-plane
 * objects (real-world-facts.md §4.2): Gateway `gateway-default` in
 * `openchoreo-control-plane`, listener `http` on 8080 from All, HTTPRoutes
 * `openchoreo-api` (api.openchoreo.localhost → openchoreo-api:8080) and
 * `backstage` (openchoreo.localhost → backstage:7007). Each case mutates that
 * healthy picture into one realistic breakage.
 */
import { describe, expect, it } from "vitest";
import accepted from "../../checks/route/accepted.js";
import hostMatches from "../../checks/route/host-matches.js";
import refsResolved from "../../checks/route/refs-resolved.js";
import type { Check, CheckContext, CheckOutcome, Gateway, GatewayFact, HTTPRoute, PathFacts, Target } from "../../src/index.js";
import type { KindMap } from "../../src/kube/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";

const CP = "openchoreo-control-plane";
const CONTROLLER = "kgateway.dev/kgateway";

type Kube = { [K in keyof KindMap]?: KindMap[K][] };

function openchoreo(): Required<Pick<Kube, "namespaces" | "gateways" | "httproutes" | "services" | "referencegrants">> {
  const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } });
  const svc = (name: string, port: number, namespace = CP, type: "ClusterIP" | "LoadBalancer" = "ClusterIP") => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: { "app.kubernetes.io/instance": "openchoreo-control-plane" } },
    spec: { type, selector: { "app.kubernetes.io/name": name }, ports: [{ name: "http", port, targetPort: port, protocol: "TCP" }] },
  });
  const accepted = (generation = 1) => ({
    parents: [
      {
        parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway-default", namespace: CP },
        controllerName: CONTROLLER,
        conditions: [
          { type: "Accepted", status: "True" as const, reason: "Accepted", message: "Successfully accepted Route", observedGeneration: generation, lastTransitionTime: "2026-05-01T09:00:00Z" },
          { type: "ResolvedRefs", status: "True" as const, reason: "ResolvedRefs", message: "Successfully resolved all references", observedGeneration: generation, lastTransitionTime: "2026-05-01T09:00:00Z" },
        ],
      },
    ],
  });
  const httpRoute = (name: string, hostnames: string[], rules: HTTPRoute["spec"]["rules"], created: string): HTTPRoute => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: CP, generation: 1, creationTimestamp: created, labels: { "app.kubernetes.io/managed-by": "Helm" } },
    spec: { parentRefs: [{ name: "gateway-default", namespace: CP }], hostnames, rules },
    status: accepted(),
  });
  const gateway: Gateway = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "gateway-default", namespace: CP, generation: 1, creationTimestamp: "2026-05-01T08:59:00Z" },
    spec: { gatewayClassName: "kgateway", listeners: [{ name: "http", protocol: "HTTP", port: 8080, allowedRoutes: { namespaces: { from: "All" } } }] },
    status: {
      addresses: [{ type: "IPAddress", value: "172.19.0.3" }],
      conditions: [{ type: "Programmed", status: "True", reason: "Programmed", message: "Successfully programmed Gateway" }],
      listeners: [{ name: "http", attachedRoutes: 2, conditions: [{ type: "Accepted", status: "True", reason: "Accepted" }] }],
    },
  };
  return {
    namespaces: [ns(CP), ns("thunder"), ns("default")],
    gateways: [gateway],
    httproutes: [
      httpRoute("openchoreo-api", ["api.openchoreo.localhost"], [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "openchoreo-api", port: 8080, weight: 1 }] }], "2026-05-01T09:00:00Z"),
      httpRoute(
        "backstage",
        ["openchoreo.localhost"],
        [
          { matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "backstage", port: 7007 }] },
          { matches: [{ path: { type: "PathPrefix", value: "/api/openchoreo-observability-backend/chat" } }], timeouts: { request: "450s" }, backendRefs: [{ name: "backstage", port: 7007 }] },
          { matches: [{ path: { type: "PathPrefix", value: "/api/openchoreo/wirelogs/stream" } }], backendRefs: [{ name: "backstage", port: 7007 }] },
        ],
        "2026-05-01T09:00:01Z",
      ),
    ],
    services: [svc("openchoreo-api", 8080), svc("backstage", 7007), svc("gateway-default", 8080, CP, "LoadBalancer"), svc("thunder", 8090, "thunder")],
    referencegrants: [],
  };
}

const GATEWAY: GatewayFact = { namespace: CP, name: "gateway-default", className: "kgateway", listener: "http", port: 8080, implementation: "kgateway" };

/** A target for `url`; `hostOverride` is sent as `-H 'Host: …'` (the Host Envoy routes on). */
function target(url: string, hostOverride?: string): Target {
  const u = new URL(url);
  return {
    url,
    scheme: "http",
    host: u.hostname,
    port: Number(u.port || 80),
    path: `${u.pathname}${u.search}`,
    ...(hostOverride ? { headers: [{ name: "Host", value: hostOverride }] } : {}),
  };
}

function ctxFor(data: MemoryData, t: Target | null, facts: PathFacts): CheckContext {
  const s = memorySources(data);
  return { target: t, ...s, facts, options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 }, signal: new AbortController().signal };
}

/** Run the three checks as the engine would: host-matches first, its facts merged into the others' context; dependents skipped when it does not pass. */
async function runRoute(kube: Kube, url: string, opts: { hostOverride?: string; facts?: PathFacts; unavailable?: MemoryData["unavailable"] } = {}) {
  const data: MemoryData = { kube, unavailable: opts.unavailable };
  const t = target(url, opts.hostOverride);
  const facts: PathFacts = opts.facts ?? { gateway: GATEWAY };
  const first = await hostMatches.run(ctxFor(data, t, facts));
  const merged = { ...facts, ...first.facts };
  const after = async (c: Check): Promise<CheckOutcome | "blocked"> => (first.status === "pass" || first.status === "warn" ? c.run(ctxFor(data, t, merged)) : "blocked");
  return { hostMatches: first, accepted: await after(accepted), refsResolved: await after(refsResolved) };
}

const routeOf = (k: ReturnType<typeof openchoreo>, name: string) => k.httproutes.find((r) => r.metadata.name === name)!;

describe("the route checks are declared as the contract wants", () => {
  it.each([
    [hostMatches, "route.host-matches", "ND701", undefined],
    [accepted, "route.accepted", "ND702", ["route.host-matches"]],
    [refsResolved, "route.refs-resolved", "ND703", ["route.host-matches"]],
  ] as const)("%# declares id, code, hop, dependsOn and explain", (check, id, code, dependsOn) => {
    expect(check).toMatchObject({ id, code, hop: "route" });
    expect(check.dependsOn).toEqual(dependsOn);
    if (check === hostMatches) expect(check.after).toEqual(["gateway.listener-serves-port"]);
    expect(check.explain?.meaning.length).toBeGreaterThan(40);
    expect(check.title[0]).toBe(check.title[0]!.toLowerCase());
  });
});

describe("route.host-matches", () => {
  it("passes on the healthy OpenChoreo API host and names route, rule and backend", async () => {
    const r = await runRoute(openchoreo(), "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.summary).toBe("HTTPRoute openchoreo-control-plane/openchoreo-api rule 0 (PathPrefix /) serves api.openchoreo.localhost/ → Service openchoreo-api:8080");
    expect(r.hostMatches.facts).toEqual({
      route: { kind: "HTTPRoute", namespace: CP, name: "openchoreo-api", rule: 0 },
      backend: { namespace: CP, name: "openchoreo-api", port: 8080 },
    });
    expect(r.accepted).toMatchObject({ status: "pass", summary: `HTTPRoute ${CP}/openchoreo-api is Accepted by Gateway ${CP}/gateway-default (controller ${CONTROLLER})` });
    expect(r.refsResolved).toMatchObject({ status: "pass" });
  });

  it("matches a Host with a port and upper case as Envoy does (port ignored, case folded)", async () => {
    const r = await runRoute(openchoreo(), "http://api.openchoreo.localhost:8080/", { hostOverride: "API.OpenChoreo.Localhost:8080" });
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.summary).toContain("serves api.openchoreo.localhost/ → Service openchoreo-api:8080");
  });

  it("routes a -H Host to another HTTPRoute than the URL's host names, as Envoy routes on the Host header", async () => {
    const r = await runRoute(openchoreo(), "http://127.0.0.1:8080/", { hostOverride: "openchoreo.localhost" });
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.facts).toMatchObject({ route: { name: "backstage", rule: 0 }, backend: { name: "backstage", port: 7007 } });
  });

  it("routes on the method and headers the request sends, and names what a request without them misses", async () => {
    const k = openchoreo();
    routeOf(k, "openchoreo-api").spec.rules![0]!.matches = [{ path: { type: "PathPrefix", value: "/" }, method: "POST", headers: [{ name: "env", value: "canary" }] }];
    const t = target("http://api.openchoreo.localhost:8080/");
    const data: MemoryData = { kube: k };
    const sent = await hostMatches.run(ctxFor(data, { ...t, method: "POST", headers: [{ name: "Env", value: "canary" }] }, { gateway: GATEWAY }));
    expect(sent.status).toBe("pass");
    expect(sent.summary).toBe("HTTPRoute openchoreo-control-plane/openchoreo-api rule 0 (PathPrefix /, POST, header env=canary) serves api.openchoreo.localhost/ → Service openchoreo-api:8080");
    const plain = await hostMatches.run(ctxFor(data, t, { gateway: GATEWAY }));
    expect(plain.status).toBe("fail");
    expect(plain.summary).toContain("matches GET /");
    expect(plain.summary).toContain("rule 0: method GET, the match wants POST; header env: canary is missing");
  });

  it("names the Host header to send when the request goes to localhost or an address no route names (a port-forward)", async () => {
    const k = openchoreo();
    for (const url of ["http://localhost:8080/", "http://127.0.0.1:8080/"]) {
      const r = await runRoute(k, url);
      expect(r.hostMatches.status).toBe("fail");
      expect(r.hostMatches.summary).toMatch(/or the request sent with the host HTTPRoute openchoreo-control-plane\/[a-z-]+ serves: -H 'Host: [a-z.]+localhost' \(curl --resolve [a-z.]+localhost:8080:127\.0\.0\.1 does the same\)/);
    }
  });

  it("fails on a hostname typo and names the typo among the closest routes", async () => {
    const k = openchoreo();
    routeOf(k, "openchoreo-api").spec.hostnames = ["api.openchoreo.local"];
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toBe(
      `no HTTPRoute attached to Gateway ${CP}/gateway-default listener http serves host api.openchoreo.localhost path /; expected one with hostname api.openchoreo.localhost` +
        ` (closest: HTTPRoute ${CP}/openchoreo-api, hostname api.openchoreo.local vs requested api.openchoreo.localhost (4 characters differ))`,
    );
    expect(r.hostMatches.details).toContain("Envoy's 404 with an empty body");
    expect(r.hostMatches.details).toContain(`HTTPRoute ${CP}/backstage: hostname openchoreo.localhost is a parent domain of api.openchoreo.localhost, a different name`);
    expect((r.hostMatches.evidence!.closest as { name: string; kind: string }[])[0]).toMatchObject({ name: "openchoreo-api", kind: "hostname-typo" });
    expect(r.hostMatches.facts).toEqual({ route: null, backend: null });
    expect(r.accepted).toBe("blocked");
  });

  it("fails when the route is bound to a listener on another port, and names it", async () => {
    const k = openchoreo();
    k.gateways[0]!.spec.listeners.push({ name: "http-alt", protocol: "HTTP", port: 9080, allowedRoutes: { namespaces: { from: "All" } } });
    routeOf(k, "openchoreo-api").spec.parentRefs = [{ name: "gateway-default", namespace: CP, port: 9080 }];
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toContain("closest: HTTPRoute openchoreo-control-plane/openchoreo-api, attached to listener http-alt on port 9080, the request arrives on port 8080");
  });

  it("fails when the listener does not allow the route's namespace, with the attachment reason", async () => {
    const k = openchoreo();
    k.gateways[0]!.spec.listeners[0]!.allowedRoutes = { namespaces: { from: "Same" } };
    k.httproutes.push({
      ...routeOf(k, "openchoreo-api"),
      metadata: { name: "thunder", namespace: "thunder", generation: 1, creationTimestamp: "2026-05-01T09:01:00Z" },
      spec: { parentRefs: [{ name: "gateway-default", namespace: CP }], hostnames: ["thunder.openchoreo.localhost"], rules: [{ backendRefs: [{ name: "thunder", port: 8090 }] }] },
    });
    const r = await runRoute(k, "http://thunder.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toContain("closest: HTTPRoute thunder/thunder, not attached (NotAllowedByListeners): listener http allows routes from namespace openchoreo-control-plane only (from: Same)");
  });

  /** openchoreo() with listener http restricted to namespaces labelled shared-gateway-access=true, and podinfo's route in team-a (unlabelled). */
  function restricted(status: HTTPRoute["status"] | undefined, mutate: (r: HTTPRoute) => void = () => {}) {
    const k = openchoreo();
    k.gateways[0]!.spec.listeners[0]!.allowedRoutes = { namespaces: { from: "Selector", selector: { matchLabels: { "shared-gateway-access": "true" } } } };
    for (const n of k.namespaces) n.metadata.labels = { ...n.metadata.labels, "shared-gateway-access": "true" };
    k.namespaces.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "team-a" } } });
    const r: HTTPRoute = {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "podinfo", namespace: "team-a", generation: 1, creationTimestamp: "2026-05-03T10:00:00Z" },
      spec: { parentRefs: [{ name: "gateway-default", namespace: CP }], hostnames: ["podinfo.openchoreo.localhost"], rules: [{ backendRefs: [{ name: "podinfo", port: 9898 }] }] },
      ...(status ? { status } : {}),
    };
    mutate(r);
    k.httproutes.push(r);
    return k;
  }
  const parentStatus = (conditions: { type: string; status: "True" | "False" | "Unknown"; reason: string; message: string; observedGeneration?: number }[]): HTTPRoute["status"] => ({
    parents: [{ parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway-default", namespace: CP }, controllerName: CONTROLLER, conditions }],
  });

  it("fails when a Selector listener refuses the route's namespace, naming selector and labels, and says the status agrees", async () => {
    const k = restricted(parentStatus([{ type: "Accepted", status: "False", reason: "NotAllowedByListeners", message: "NotAllowedByListeners", observedGeneration: 1 }]));
    const r = await runRoute(k, "http://podinfo.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toBe(
      `no HTTPRoute attached to Gateway ${CP}/gateway-default listener http serves host podinfo.openchoreo.localhost path /; expected listener http on port 8080 to allow HTTPRoutes from namespace team-a (allowedRoutes)` +
        " (closest: HTTPRoute team-a/podinfo, not attached (NotAllowedByListeners): namespace team-a (labels: none besides its name) does not match the namespace selector shared-gateway-access=true of listener http)",
    );
    expect(r.hostMatches.details).toContain(`status Accepted=False NotAllowedByListeners (${CONTROLLER}), as the rules predict`);
    expect(r.hostMatches.evidence!.closest).toContainEqual(expect.objectContaining({ name: "podinfo", status: `status Accepted=False NotAllowedByListeners (${CONTROLLER}), as the rules predict` }));
  });

  it.each<[string, HTTPRoute["status"] | undefined, (r: HTTPRoute) => void, string]>([
    [
      "says when the status disagrees with the rules (Accepted=True on a refused route)",
      parentStatus([{ type: "Accepted", status: "True", reason: "Accepted", message: "Successfully accepted Route", observedGeneration: 1 }]),
      () => {},
      `status Accepted=True Accepted "Successfully accepted Route" (${CONTROLLER}), but the rules say NotAllowedByListeners: the controller disagrees or its status is out of date`,
    ],
    [
      "says when the status is stale (observedGeneration behind generation)",
      parentStatus([{ type: "Accepted", status: "False", reason: "NotAllowedByListeners", message: "NotAllowedByListeners", observedGeneration: 1 }]),
      (r) => {
        r.metadata.generation = 2;
      },
      "stale: written for generation 1, the route is at generation 2",
    ],
    ["says when no controller wrote a status", undefined, () => {}, "no status from any controller for this Gateway"],
  ])("%s, in the summary", async (_n, status, mutate, text) => {
    const r = await runRoute(restricted(status, mutate), "http://podinfo.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toContain(`closest: HTTPRoute team-a/podinfo, not attached (NotAllowedByListeners)`);
    expect(r.hostMatches.summary).toContain(text);
  });

  it("says when the controller names another reason than the rules (kgateway checks namespaces before sectionName)", async () => {
    const k = restricted(parentStatus([{ type: "Accepted", status: "False", reason: "NotAllowedByListeners", message: "NotAllowedByListeners", observedGeneration: 1 }]), (r) => {
      r.metadata.namespace = CP;
      r.spec.parentRefs = [{ name: "gateway-default", namespace: CP, sectionName: "htpp" }];
      r.status!.parents![0]!.parentRef.sectionName = "htpp"; // controllers echo the parentRef as written
    });
    const r = await runRoute(k, "http://podinfo.openchoreo.localhost:8080/");
    expect(r.hostMatches.summary).toContain("not attached (NoMatchingParent): its parentRef sectionName htpp matches no listener");
    expect(r.hostMatches.summary).toContain(`expected the parentRef of HTTPRoute ${CP}/podinfo to name listener http on port 8080 by sectionName or port`);
    expect(r.hostMatches.details).toContain("the rules (Envoy Gateway's order) name NoMatchingParent: implementations order these checks differently");
  });

  it("fails when sectionName binds the route to a listener on another port (listener isolation), naming listener, port and parentRef", async () => {
    const k = openchoreo();
    k.gateways[0]!.spec.listeners.push({ name: "internal", protocol: "HTTP", port: 9080, allowedRoutes: { namespaces: { from: "Same" } } });
    const api = routeOf(k, "openchoreo-api");
    api.spec.parentRefs = [{ name: "gateway-default", namespace: CP, sectionName: "internal" }];
    api.status!.parents![0]!.parentRef = { ...api.spec.parentRefs[0]!, group: "gateway.networking.k8s.io", kind: "Gateway" };
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toBe(
      `no HTTPRoute attached to Gateway ${CP}/gateway-default listener http serves host api.openchoreo.localhost path /; expected HTTPRoute ${CP}/openchoreo-api attached to listener http on port 8080` +
        ` (closest: HTTPRoute ${CP}/openchoreo-api, attached to listener internal on port 9080, the request arrives on port 8080 (its parentRef sectionName internal selects only that listener))`,
    );
    expect(r.hostMatches.details).toContain(`status Accepted=True Accepted "Successfully accepted Route" (${CONTROLLER}), as the rules predict`);
  });

  it.each([
    ["the longer PathPrefix of a second route on the same host wins", "http://api.openchoreo.localhost:8080/api/v2/projects?limit=5", "openchoreo-api-v2", 0, "openchoreo-api-v2"],
    ["the catch-all PathPrefix / still serves other paths of that host", "http://api.openchoreo.localhost:8080/api/v1/projects", "openchoreo-api", 0, "openchoreo-api"],
    ["a path on a segment boundary is not taken by a longer prefix", "http://api.openchoreo.localhost:8080/api/v2beta", "openchoreo-api", 0, "openchoreo-api"],
    ["backstage's wirelogs rule wins over its PathPrefix /", "http://openchoreo.localhost:8080/api/openchoreo/wirelogs/stream/abc", "backstage", 2, "backstage"],
  ])("path precedence: %s", async (_n, url, route, rule, backend) => {
    const k = openchoreo();
    k.httproutes.push({
      ...routeOf(k, "openchoreo-api"),
      metadata: { name: "openchoreo-api-v2", namespace: CP, generation: 1, creationTimestamp: "2026-05-02T09:00:00Z" },
      spec: { ...routeOf(k, "openchoreo-api").spec, rules: [{ matches: [{ path: { type: "PathPrefix", value: "/api/v2" } }], backendRefs: [{ name: "openchoreo-api-v2", port: 8081 }] }] },
    });
    k.services.push({ apiVersion: "v1", kind: "Service", metadata: { name: "openchoreo-api-v2", namespace: CP }, spec: { type: "ClusterIP", ports: [{ port: 8081 }] } });
    const r = await runRoute(k, url);
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.facts?.route).toMatchObject({ name: route, rule });
    expect(r.hostMatches.facts?.backend).toMatchObject({ name: backend });
  });

  it("fails with the nearest rule when the host is served but no rule matches the path", async () => {
    const k = openchoreo();
    routeOf(k, "openchoreo-api").spec.rules = [{ matches: [{ path: { type: "PathPrefix", value: "/api/v1" } }], backendRefs: [{ name: "openchoreo-api", port: 8080 }] }];
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/healthz");
    expect(r.hostMatches.status).toBe("fail");
    expect(r.hostMatches.summary).toContain("no rule of the HTTPRoutes for host api.openchoreo.localhost on Gateway openchoreo-control-plane/gateway-default listener http matches GET /healthz");
    expect(r.hostMatches.summary).toContain('rule 0: PathPrefix /api/v1 does not match /healthz: segment 1 is "healthz", the route wants "api"');
  });

  it.each([
    ["skips when no Gateway is in front of the path", { gateway: null }, "not applicable: no Gateway in front of this path"],
    ["skips when the Gateway has no listener on the port (the gateway hop reports it)", { gateway: { ...GATEWAY, port: 9999, listener: null } }, "not applicable: Gateway openchoreo-control-plane/gateway-default has no HTTP listener on port 9999"],
    ["skips when the Gateway named by the facts does not exist", { gateway: { ...GATEWAY, name: "gone" } }, "not applicable: Gateway openchoreo-control-plane/gone not found"],
  ])("%s", async (_n, facts, summary) => {
    const r = await runRoute(openchoreo(), "http://api.openchoreo.localhost:8080/", { facts });
    expect(r.hostMatches).toMatchObject({ status: "skip", summary });
  });

  it("lists at most 50 of the routes attached to the Gateway in its evidence, those not accepted first, and counts the rest", async () => {
    const k = openchoreo();
    const team = routeOf(k, "backstage");
    for (let i = 0; i < 70; i++) {
      const r = structuredClone(team);
      r.metadata.name = `team-${i}`;
      r.spec.hostnames = [`team-${i}.openchoreo.localhost`];
      if (i >= 60) r.spec.parentRefs = [{ name: "gateway-default", namespace: CP, sectionName: "https" }]; // no such listener: not accepted
      k.httproutes.push(r);
    }
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("pass");
    const shown = r.hostMatches.evidence!["routesReferringToGateway"] as { route: string; accepted: boolean }[];
    expect(shown).toHaveLength(50);
    expect(shown.slice(0, 10).every((a) => !a.accepted)).toBe(true);
    expect(shown.slice(0, 10).map((a) => a.route)).toEqual(Array.from({ length: 10 }, (_, i) => `${CP}/team-${60 + i}`));
    expect(shown.slice(10).every((a) => a.accepted)).toBe(true);
    expect(r.hostMatches.evidence!["routesReferringToGatewayNotShown"]).toBe(72 - 50);
  });

  it("lists every attached route, in order and without a count, when there are no more than 50", async () => {
    const r = await runRoute(openchoreo(), "http://api.openchoreo.localhost:8080/");
    expect((r.hostMatches.evidence!["routesReferringToGateway"] as { route: string }[]).map((a) => a.route)).toEqual([`${CP}/openchoreo-api`, `${CP}/backstage`]);
    expect(r.hostMatches.evidence).not.toHaveProperty("routesReferringToGatewayNotShown");
  });

  it("lets a SourceError for httproutes reach the engine (reported as unavailable)", async () => {
    await expect(runRoute(openchoreo(), "http://api.openchoreo.localhost:8080/", { unavailable: { httproutes: "forbidden" } })).rejects.toMatchObject({ name: "SourceError", code: "forbidden" });
  });
});

describe("route.refs-resolved", () => {
  it("fails on a cross-namespace backendRef without a ReferenceGrant, while host-matches still names the Service", async () => {
    const k = openchoreo();
    routeOf(k, "backstage").spec.rules![0]!.backendRefs = [{ name: "thunder", namespace: "thunder", port: 8090 }];
    const r = await runRoute(k, "http://openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.summary).toContain("→ Service thunder/thunder:8090, which does not resolve (RefNotPermitted): Envoy answers 500 (see route.refs-resolved)");
    expect(r.hostMatches.facts?.backend).toEqual({ namespace: "thunder", name: "thunder", port: 8090 });
    expect(r.refsResolved).toMatchObject({ status: "fail" });
    const out = r.refsResolved as CheckOutcome;
    expect(out.summary).toContain("backendRef Service thunder/thunder:8090 does not resolve (RefNotPermitted");
    expect(out.summary).toContain("Envoy answers 500; expected a ReferenceGrant in namespace thunder allowing HTTPRoutes from the route's namespace openchoreo-control-plane");
    expect(out.details).toContain(
      ["kind: ReferenceGrant", "metadata:", `  name: allow-httproutes-from-${CP}`, "  namespace: thunder", "spec:", "  from:", "  - group: gateway.networking.k8s.io", "    kind: HTTPRoute", `    namespace: ${CP}`, "  to:", '  - group: ""', "    kind: Service", "    name: thunder"].join("\n"),
    );
    expect(out.details).toContain("The route's status still says ResolvedRefs=True, which disagrees with these objects");
  });

  it("says the status agrees when the controller reports ResolvedRefs=False RefNotPermitted (kgateway wording)", async () => {
    const k = openchoreo();
    const b = routeOf(k, "backstage");
    b.spec.rules![0]!.backendRefs = [{ name: "thunder", namespace: "thunder", port: 8090 }];
    b.status!.parents![0]!.conditions![1] = { type: "ResolvedRefs", status: "False", reason: "RefNotPermitted", message: "missing reference grant", observedGeneration: 1 };
    const out = (await runRoute(k, "http://openchoreo.localhost:8080/")).refsResolved as CheckOutcome;
    expect(out.status).toBe("fail");
    expect(out.details).toContain(`The route's status agrees: ResolvedRefs=False RefNotPermitted "missing reference grant".`);
  });

  it("passes the same backendRef once a ReferenceGrant in the Service's namespace allows it", async () => {
    const k = openchoreo();
    routeOf(k, "backstage").spec.rules![0]!.backendRefs = [{ name: "thunder", namespace: "thunder", port: 8090 }];
    k.referencegrants.push({
      apiVersion: "gateway.networking.k8s.io/v1beta1",
      kind: "ReferenceGrant",
      metadata: { name: "allow-openchoreo-routes", namespace: "thunder" },
      spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: CP }], to: [{ group: "", kind: "Service", name: "thunder" }] },
    });
    const r = await runRoute(k, "http://openchoreo.localhost:8080/");
    expect(r.refsResolved).toMatchObject({ status: "pass" });
  });

  it("treats unavailable ReferenceGrants as none and says so in evidence", async () => {
    const k = openchoreo();
    routeOf(k, "backstage").spec.rules![0]!.backendRefs = [{ name: "thunder", namespace: "thunder", port: 8090 }];
    const r = await runRoute(k, "http://openchoreo.localhost:8080/", { unavailable: { referencegrants: "not-found" } });
    const out = r.refsResolved as CheckOutcome;
    expect(out.status).toBe("fail");
    expect(out.evidence).toMatchObject({ assumed: { referencegrants: "none (cross-namespace backendRefs count as not permitted)" } });
    expect(r.hostMatches.evidence).toHaveProperty("unavailable.referencegrants");
  });

  it("fails on a rule without backendRefs (Envoy answers 500) while host-matches passes", async () => {
    const k = openchoreo();
    delete routeOf(k, "openchoreo-api").spec.rules![0]!.backendRefs;
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.hostMatches.status).toBe("pass");
    expect(r.hostMatches.summary).toContain("but the rule has no backendRefs: Envoy answers 500");
    expect(r.hostMatches.facts).toEqual({ route: { kind: "HTTPRoute", namespace: CP, name: "openchoreo-api", rule: 0 }, backend: null });
    expect(r.refsResolved).toMatchObject({
      status: "fail",
      summary: "HTTPRoute openchoreo-control-plane/openchoreo-api rule 0 (PathPrefix /) has no backendRefs: Envoy answers 500; expected at least one backendRef to a Service",
    });
  });

  it.each([
    ["fails on a missing Service with BackendNotFound", [{ name: "openchoreo-api-svc", port: 8080 }], "fail", "backendRef Service openchoreo-control-plane/openchoreo-api-svc:8080 does not resolve (BackendNotFound: service openchoreo-control-plane/openchoreo-api-svc not found)"],
    ["fails on a Service port that does not exist", [{ name: "openchoreo-api", port: 80 }], "fail", "Service openchoreo-control-plane/openchoreo-api found, but port 80 not defined"],
    ["warns when one of two weighted refs is invalid, with the 500 share", [{ name: "openchoreo-api", port: 8080, weight: 3 }, { name: "openchoreo-api-canary", port: 8080, weight: 1 }], "warn", "1 of 2 backendRefs do not resolve (Service openchoreo-control-plane/openchoreo-api-canary:8080 BackendNotFound): 25% of requests get 500"],
  ])("%s", async (_n, refs, status, text) => {
    const k = openchoreo();
    routeOf(k, "openchoreo-api").spec.rules![0]!.backendRefs = refs;
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.refsResolved).toMatchObject({ status });
    expect((r.refsResolved as CheckOutcome).summary).toContain(text);
  });

  it("names the ports a found Service has, and a controller message that calls the Service missing (kgateway-dev/kgateway#11998)", async () => {
    const k = openchoreo();
    const route = routeOf(k, "openchoreo-api");
    route.spec.rules![0]!.backendRefs = [{ name: "openchoreo-api", port: 800 }];
    route.status!.parents![0]!.conditions![1] = { type: "ResolvedRefs", status: "False", reason: "BackendNotFound", message: 'Service "openchoreo-api" not found', observedGeneration: 1 };
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    const out = r.refsResolved as CheckOutcome;
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("expected the backendRef's port to be one Service openchoreo-control-plane/openchoreo-api has (8080), or port 800 added to the Service");
    expect(out.details).toContain("Despite that message, Service openchoreo-control-plane/openchoreo-api exists: only port 800 is missing from it (its ports: 8080).");
  });

  it("warns when the route's status says ResolvedRefs=False although this rule's refs resolve", async () => {
    const k = openchoreo();
    const cond = routeOf(k, "openchoreo-api").status!.parents![0]!.conditions!;
    cond[1] = { type: "ResolvedRefs", status: "False", reason: "BackendNotFound", message: "Service openchoreo-control-plane/openchoreo-api not found", observedGeneration: 1 };
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.refsResolved).toMatchObject({ status: "warn" });
    expect((r.refsResolved as CheckOutcome).summary).toContain('status says ResolvedRefs=False BackendNotFound "Service openchoreo-control-plane/openchoreo-api not found"');
  });
});

describe("route.accepted", () => {
  it.each<[string, (r: HTTPRoute) => void, string, string]>([
    [
      "warns when the status is stale",
      (r) => {
        r.metadata.generation = 3;
      },
      "warn",
      "status of HTTPRoute openchoreo-control-plane/openchoreo-api for Gateway openchoreo-control-plane/gateway-default is stale (observedGeneration 1 < generation 3); expected the controller to have processed generation 3",
    ],
    [
      "warns when no controller wrote a status",
      (r) => {
        delete r.status;
      },
      "warn",
      "HTTPRoute openchoreo-control-plane/openchoreo-api has no status for Gateway openchoreo-control-plane/gateway-default; expected Accepted=True from the Gateway's controller",
    ],
    [
      "warns while Accepted is Unknown (Pending)",
      (r) => {
        r.status!.parents![0]!.conditions![0] = { type: "Accepted", status: "Unknown", reason: "Pending", message: "Waiting for controller" };
      },
      "warn",
      'is not yet Accepted by Gateway openchoreo-control-plane/gateway-default: Accepted=Unknown Pending "Waiting for controller"',
    ],
    [
      "fails when Accepted is False, with reason and message",
      (r) => {
        r.status!.parents![0]!.conditions![0] = { type: "Accepted", status: "False", reason: "NotAllowedByListeners", message: "No listeners included by this parent ref allowed this attachment.", observedGeneration: 1 };
      },
      "fail",
      'HTTPRoute openchoreo-control-plane/openchoreo-api is not Accepted by Gateway openchoreo-control-plane/gateway-default: Accepted=False NotAllowedByListeners "No listeners included by this parent ref allowed this attachment."; expected Accepted=True',
    ],
  ])("%s", async (_n, mutate, status, summary) => {
    const k = openchoreo();
    mutate(routeOf(k, "openchoreo-api"));
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.accepted).toMatchObject({ status });
    expect((r.accepted as CheckOutcome).summary).toContain(summary);
  });

  it("names the computation when it disagrees with Accepted=False", async () => {
    const k = openchoreo();
    routeOf(k, "openchoreo-api").status!.parents![0]!.conditions![0] = { type: "Accepted", status: "False", reason: "NoMatchingListenerHostname", message: "x", observedGeneration: 1 };
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect((r.accepted as CheckOutcome).details).toContain("netdoctor's computation disagrees: by the Gateway API rules it attaches to listener http");
  });

  it("says a route without hostnames takes the listener's when a controller refuses it with NoMatchingListenerHostname (nginx/nginx-gateway-fabric#606)", async () => {
    const k = openchoreo();
    k.gateways[0]!.spec.listeners[0]!.hostname = "*.openchoreo.localhost";
    const route = routeOf(k, "openchoreo-api");
    route.spec.hostnames = [];
    route.status!.parents![0]!.conditions![0] = { type: "Accepted", status: "False", reason: "NoMatchingListenerHostname", message: "Listener hostname does not match the HTTPRoute hostnames", observedGeneration: 1 };
    const r = await runRoute(k, "http://api.openchoreo.localhost:8080/");
    expect(r.accepted).toMatchObject({ status: "fail" });
    expect((r.accepted as CheckOutcome).details).toContain("the route names no hostnames, and by the Gateway API a route without hostnames takes the listener's (*.openchoreo.localhost)");
    expect((r.accepted as CheckOutcome).details).toContain("list hostnames in the route that fall under the listener's (*.openchoreo.localhost)");
  });
});
