/**
 * Table-driven tests of Ingress matching (src/ingress): classes, hosts, path
 * types, precedence, default backends and the closest rules, each case named
 * after the rule of the Kubernetes Ingress spec or the controller behaviour
 * it exercises.
 */
import { describe, expect, it } from "vitest";
import type { Ingress, IngressClass } from "../../src/kube/types.js";
import {
  argValue,
  controllerConfig,
  ingressHostMatch,
  ingressImplementationOf,
  ingressPathMatches,
  predictIngress,
  servesIngress,
  type IngressPathType,
} from "../../src/ingress/index.js";

type Path = { path?: string; pathType: IngressPathType; svc: string; port?: number | string };
type Rule = { host?: string; paths: Path[] };

function ingress(name: string, o: { ns?: string; cls?: string; annotation?: string; rules?: Rule[]; dflt?: string; created?: string } = {}): Ingress {
  const port = (p: number | string | undefined) => (typeof p === "string" ? { name: p } : { number: p ?? 80 });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name,
      namespace: o.ns ?? "default",
      creationTimestamp: o.created ?? "2026-03-03T14:05:24Z",
      ...(o.annotation ? { annotations: { "kubernetes.io/ingress.class": o.annotation } } : {}),
    },
    spec: {
      ...(o.cls ? { ingressClassName: o.cls } : {}),
      ...(o.dflt ? { defaultBackend: { service: { name: o.dflt, port: { number: 80 } } } } : {}),
      rules: (o.rules ?? []).map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: r.paths.map((p) => ({ ...(p.path !== undefined ? { path: p.path } : {}), pathType: p.pathType, backend: { service: { name: p.svc, port: port(p.port) } } })) },
      })),
    },
  };
}

function ingressClass(name: string, controller: string, isDefault = false): IngressClass {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name, ...(isDefault ? { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } : {}) },
    spec: { controller },
  };
}

const NGINX = ingressClass("nginx", "k8s.io/ingress-nginx");
/** kind provider manifest flags (ingress-nginx deploy/static/provider/kind/deploy.yaml). */
const kindNginx = controllerConfig("ingress-nginx", ["/nginx-ingress-controller", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--watch-ingress-without-class=true"]);
const plainNginx = controllerConfig("ingress-nginx", []);
const traefik = controllerConfig("traefik", []);

describe("ingress controller configuration", () => {
  it.each([
    { args: ["--ingress-class=nginx"], flag: "--ingress-class", value: "nginx" },
    { args: ["--ingress-class", "internal"], flag: "--ingress-class", value: "internal" },
    { args: ["--watch-ingress-without-class"], flag: "--watch-ingress-without-class", value: "true" },
    { args: ["--other=1"], flag: "--ingress-class", value: undefined },
  ])("reads $flag from $args", ({ args, flag, value }) => {
    expect(argValue(args, flag)).toBe(value);
  });

  it("uses the ingress-nginx defaults when no flag is given", () => {
    expect(plainNginx).toEqual({ implementation: "ingress-nginx", controller: "k8s.io/ingress-nginx", annotationClasses: ["nginx"], watchWithoutClass: false });
  });

  it("takes the kind manifest's --watch-ingress-without-class=true", () => {
    expect(kindNginx.watchWithoutClass).toBe(true);
  });

  it("serves Ingresses without class in traefik unless an ingressclass is set", () => {
    expect(traefik.watchWithoutClass).toBe(true);
    expect(controllerConfig("traefik", ["--providers.kubernetesingress.ingressclass=traefik-internal"])).toMatchObject({ watchWithoutClass: false, annotationClasses: ["traefik-internal"] });
  });

  it.each([
    { labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }, impl: "ingress-nginx" },
    { labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "admission-webhook" }, impl: null },
    { labels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" }, impl: "traefik" },
    { labels: { app: "web" }, impl: null },
  ] as { labels: Record<string, string>; impl: string | null }[])("recognises $labels as $impl", ({ labels, impl }) => {
    expect(ingressImplementationOf({ metadata: { name: "x", labels } })).toBe(impl);
  });
});

describe("which Ingresses a controller serves", () => {
  const cases: { situation: string; cfg: typeof kindNginx; ing: Ingress; classes: IngressClass[]; served: boolean; by?: string }[] = [
    { situation: "ingressClassName naming its IngressClass", cfg: plainNginx, ing: ingress("a", { cls: "nginx" }), classes: [NGINX], served: true, by: "ingressClassName" },
    { situation: "ingressClassName naming another controller's class", cfg: plainNginx, ing: ingress("a", { cls: "traefik" }), classes: [NGINX, ingressClass("traefik", "traefik.io/ingress-controller")], served: false },
    { situation: "ingressClassName naming a missing IngressClass", cfg: plainNginx, ing: ingress("a", { cls: "nginx" }), classes: [], served: false },
    { situation: "the legacy annotation with its --ingress-class", cfg: plainNginx, ing: ingress("a", { annotation: "nginx" }), classes: [], served: true, by: "annotation" },
    { situation: "the legacy annotation with another class", cfg: plainNginx, ing: ingress("a", { annotation: "traefik" }), classes: [NGINX], served: false },
    { situation: "no class and its IngressClass is the default", cfg: plainNginx, ing: ingress("a"), classes: [ingressClass("nginx", "k8s.io/ingress-nginx", true)], served: true, by: "default-class" },
    { situation: "no class, no default, without --watch-ingress-without-class", cfg: plainNginx, ing: ingress("a"), classes: [NGINX], served: false },
    { situation: "no class with --watch-ingress-without-class=true (kind manifest)", cfg: kindNginx, ing: ingress("a"), classes: [NGINX], served: true, by: "without-class" },
    { situation: "no class while the default class belongs to traefik", cfg: plainNginx, ing: ingress("a"), classes: [NGINX, ingressClass("traefik", "traefik.io/ingress-controller", true)], served: false },
    { situation: "no class for traefik (k3s default)", cfg: traefik, ing: ingress("a"), classes: [], served: true, by: "without-class" },
  ];
  it.each(cases)("$situation → served $served", ({ cfg, ing, classes, served, by }) => {
    const d = servesIngress(cfg, ing, classes);
    expect(d.served).toBe(served);
    if (by) expect(d.by).toBe(by);
    expect(d.reason.length).toBeGreaterThan(0);
  });
});

describe("Ingress host matching", () => {
  it.each([
    { rule: "web.localhost", host: "web.localhost", want: "exact" },
    { rule: "web.localhost", host: "WEB.LocalHost", want: "exact" },
    { rule: "web.localhost", host: "web.localhost:8080", want: "exact" },
    { rule: "web.localhost", host: "web.localhost.", want: "exact" },
    { rule: "web.localhost", host: "api.localhost", want: null },
    { rule: "*.foo.com", host: "bar.foo.com", want: "wildcard" },
    { rule: "*.foo.com", host: "baz.bar.foo.com", want: null },
    { rule: "*.foo.com", host: "foo.com", want: null },
    { rule: undefined, host: "anything.example", want: "any" },
  ])("rule host $rule vs $host → $want", ({ rule, host, want }) => {
    expect(ingressHostMatch(rule, host)).toBe(want);
  });
});

describe("Ingress path matching", () => {
  it.each([
    { type: "Exact", path: "/foo", req: "/foo", want: true },
    { type: "Exact", path: "/foo", req: "/bar", want: false },
    { type: "Exact", path: "/foo", req: "/foo/", want: false },
    { type: "Exact", path: "/foo/", req: "/foo", want: false },
    { type: "Exact", path: "/foo", req: "/foo?x=1", want: true },
    { type: "Prefix", path: "/", req: "/anything/at/all", want: true },
    { type: "Prefix", path: "/foo", req: "/foo", want: true },
    { type: "Prefix", path: "/foo", req: "/foo/", want: true },
    { type: "Prefix", path: "/foo/", req: "/foo", want: true },
    { type: "Prefix", path: "/aaa/bb", req: "/aaa/bbb", want: false },
    { type: "Prefix", path: "/aaa/bbb", req: "/aaa/bbb/ccc", want: true },
    { type: "Prefix", path: "/aaa/bbb", req: "/aaa/bbbxyz", want: false },
    { type: "Prefix", path: "/foo", req: "/FOO", want: false },
    { type: "ImplementationSpecific", path: "/api", req: "/api/v1", want: true },
    { type: "ImplementationSpecific", path: undefined, req: "/x", want: true },
  ] as { type: IngressPathType; path: string | undefined; req: string; want: boolean }[])("$type $path vs $req → $want", ({ type, path, req, want }) => {
    expect(ingressPathMatches(type, path, req)).toBe(want);
  });
});

describe("predicting the Ingress rule", () => {
  const web = ingress("web", { cls: "nginx", rules: [{ host: "web.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "web" }] }] });

  it("matches the host rule and names its backend", () => {
    const p = predictIngress(kindNginx, [web], [NGINX], { host: "web.localhost:8080", path: "/" });
    expect(p.outcome).toBe("matched");
    expect(p.match).toMatchObject({ rule: 0, path: 0, host: "exact", pathType: "Prefix" });
    expect(p.backend).toEqual({ namespace: "default", name: "web", port: 80 });
  });

  it("prefers the longest matching path", () => {
    const ing = ingress("app", { cls: "nginx", rules: [{ host: "app.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "ui" }, { path: "/api", pathType: "Prefix", svc: "api" }] }] });
    expect(predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/api/users" }).backend?.name).toBe("api");
    expect(predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/apis" }).backend?.name).toBe("ui");
  });

  it("prefers Exact over Prefix of the same length", () => {
    const ing = ingress("app", { cls: "nginx", rules: [{ host: "app.localhost", paths: [{ path: "/login", pathType: "Prefix", svc: "prefix" }, { path: "/login", pathType: "Exact", svc: "exact" }] }] });
    expect(predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/login" }).backend?.name).toBe("exact");
    expect(predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/login/x" }).backend?.name).toBe("prefix");
  });

  it("merges paths across Ingresses of the same host, the oldest winning an identical path", () => {
    const older = ingress("older", { cls: "nginx", created: "2026-01-01T00:00:00Z", rules: [{ host: "app.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "old" }] }] });
    const newer = ingress("newer", { cls: "nginx", created: "2026-02-01T00:00:00Z", rules: [{ host: "app.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "new" }, { path: "/v2", pathType: "Prefix", svc: "v2" }] }] });
    expect(predictIngress(kindNginx, [newer, older], [NGINX], { host: "app.localhost", path: "/" }).match?.ingress.metadata.name).toBe("older");
    expect(predictIngress(kindNginx, [newer, older], [NGINX], { host: "app.localhost", path: "/v2/x" }).backend?.name).toBe("v2");
  });

  it("prefers an exact host over a wildcard and a wildcard over a rule without host, without falling back", () => {
    const exact = ingress("exact", { cls: "nginx", rules: [{ host: "a.example.com", paths: [{ path: "/only", pathType: "Prefix", svc: "exact" }] }] });
    const wild = ingress("wild", { cls: "nginx", rules: [{ host: "*.example.com", paths: [{ path: "/", pathType: "Prefix", svc: "wild" }] }] });
    const any = ingress("any", { cls: "nginx", rules: [{ paths: [{ path: "/", pathType: "Prefix", svc: "any" }] }] });
    const world = [exact, wild, any];
    expect(predictIngress(kindNginx, world, [NGINX], { host: "a.example.com", path: "/only" }).backend?.name).toBe("exact");
    expect(predictIngress(kindNginx, world, [NGINX], { host: "b.example.com", path: "/" }).backend?.name).toBe("wild");
    expect(predictIngress(kindNginx, world, [NGINX], { host: "other.test", path: "/" }).backend?.name).toBe("any");
    const p = predictIngress(kindNginx, world, [NGINX], { host: "a.example.com", path: "/" });
    expect(p.outcome).toBe("no-path");
  });

  it("treats ImplementationSpecific as Prefix and says so", () => {
    const ing = ingress("legacy", { cls: "nginx", rules: [{ host: "app.localhost", paths: [{ path: "/api", pathType: "ImplementationSpecific", svc: "api" }] }] });
    const p = predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/api/v1" });
    expect(p.outcome).toBe("matched");
    expect(p.notes.join(" ")).toMatch(/ImplementationSpecific.*matched it as Prefix/);
  });

  it("sends unmatched paths of a host to that Ingress's defaultBackend", () => {
    const ing = ingress("app", { cls: "nginx", dflt: "fallback", rules: [{ host: "app.localhost", paths: [{ path: "/api", pathType: "Prefix", svc: "api" }] }] });
    const p = predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/docs" });
    expect(p.outcome).toBe("default-backend");
    expect(p.backend).toEqual({ namespace: "default", name: "fallback", port: 80 });
  });

  it("sends a host no rule covers to a defaultBackend-only Ingress", () => {
    const catchAll = ingress("catch-all", { cls: "nginx", dflt: "default-http-backend" });
    const p = predictIngress(kindNginx, [web, catchAll], [NGINX], { host: "nope.localhost", path: "/" });
    expect(p.outcome).toBe("default-backend");
    expect(p.defaultBackend?.ingress.metadata.name).toBe("catch-all");
  });

  it("keeps a named backend port for the caller to resolve", () => {
    const ing = ingress("named", { cls: "nginx", rules: [{ host: "app.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "app", port: "http" }] }] });
    expect(predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/" }).backend).toEqual({ namespace: "default", name: "app", port: "http" });
  });

  it("ignores Ingresses of another class, and names them as closest", () => {
    const other = ingress("web", { cls: "traefik", rules: [{ host: "web.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "web" }] }] });
    const p = predictIngress(kindNginx, [other], [NGINX, ingressClass("traefik", "traefik.io/ingress-controller")], { host: "web.localhost", path: "/" });
    expect(p.outcome).toBe("no-host");
    expect(p.closest[0]).toMatchObject({ name: "web", rule: 0 });
    expect(p.closest[0]!.reason).toMatch(/IngressClass traefik belongs to controller traefik.io\/ingress-controller/);
  });

  it("names a host typo by edit distance", () => {
    const typo = ingress("web", { cls: "nginx", rules: [{ host: "web.locahost", paths: [{ path: "/", pathType: "Prefix", svc: "web" }] }] });
    const p = predictIngress(kindNginx, [typo], [NGINX], { host: "web.localhost", path: "/" });
    expect(p.outcome).toBe("no-host");
    expect(p.closest[0]!.reason).toBe("host web.locahost differs from web.localhost (edit distance 1)");
  });

  it("names a wildcard that would need more than one label", () => {
    const wild = ingress("wild", { cls: "nginx", rules: [{ host: "*.localhost", paths: [{ path: "/", pathType: "Prefix", svc: "web" }] }] });
    const p = predictIngress(kindNginx, [wild], [NGINX], { host: "api.web.localhost", path: "/" });
    expect(p.outcome).toBe("no-host");
    expect(p.closest[0]!.reason).toMatch(/exactly one label/);
  });

  it("names a path one segment off", () => {
    const ing = ingress("api", { cls: "nginx", rules: [{ host: "app.localhost", paths: [{ path: "/api", pathType: "Prefix", svc: "api" }] }] });
    const p = predictIngress(kindNginx, [ing], [NGINX], { host: "app.localhost", path: "/apis/x" });
    expect(p.outcome).toBe("no-path");
    expect(p.closest[0]!.reason).toMatch(/whole path segments only \(apis is not api\)/);
  });

  it("finds nothing close when hosts are unrelated", () => {
    const p = predictIngress(kindNginx, [web], [NGINX], { host: "totally-different.example.org", path: "/" });
    expect(p.outcome).toBe("no-host");
    expect(p.closest).toEqual([]);
  });
});

/** Contour's rule, internal/ingressclass/ingressclass.go MatchesIngress (projectcontour/contour @31c4bb38). */
describe("which Ingresses Contour serves (class names, not IngressClass controllers)", () => {
  const contour = controllerConfig("contour", ["serve", "--incluster", "--xds-port=8001"]);
  const internal = controllerConfig("contour", ["serve", "--ingress-class-name=contour-internal,edge"]);
  const withAnn = (ing: Ingress, key: string, value: string): Ingress => ({ ...ing, metadata: { ...ing.metadata, annotations: { ...ing.metadata.annotations, [key]: value } } });
  const cases: { situation: string; cfg: typeof contour; ing: Ingress; classes: IngressClass[]; served: boolean }[] = [
    { situation: "no class, no --ingress-class-name", cfg: contour, ing: ingress("a"), classes: [], served: true },
    { situation: "ingressClassName contour with no IngressClass object (quickstart)", cfg: contour, ing: ingress("a", { cls: "contour" }), classes: [], served: true },
    { situation: "ingressClassName nginx, even when IngressClass nginx exists", cfg: contour, ing: ingress("a", { cls: "nginx" }), classes: [NGINX], served: false },
    { situation: "an IngressClass named contour whose controller is ingress-nginx's", cfg: contour, ing: ingress("a", { cls: "contour" }), classes: [ingressClass("contour", "k8s.io/ingress-nginx")], served: true },
    { situation: "no class while another controller's class is the default", cfg: contour, ing: ingress("a"), classes: [ingressClass("nginx", "k8s.io/ingress-nginx", true)], served: true },
    { situation: "the legacy annotation contour over ingressClassName nginx", cfg: contour, ing: ingress("a", { cls: "nginx", annotation: "contour" }), classes: [], served: true },
    { situation: "projectcontour.io/ingress.class nginx over kubernetes.io/ingress.class contour", cfg: contour, ing: withAnn(ingress("a", { annotation: "contour" }), "projectcontour.io/ingress.class", "nginx"), classes: [], served: false },
    { situation: "no class with --ingress-class-name set", cfg: internal, ing: ingress("a"), classes: [], served: false },
    { situation: "class contour with --ingress-class-name=contour-internal,edge", cfg: internal, ing: ingress("a", { cls: "contour" }), classes: [], served: false },
    { situation: "class edge, the second of --ingress-class-name", cfg: internal, ing: ingress("a", { cls: "edge" }), classes: [], served: true },
  ];
  it.each(cases)("$situation → served $served", ({ cfg, ing, classes, served }) => {
    const d = servesIngress(cfg, ing, classes);
    expect(d.served).toBe(served);
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it("reads the class names from --ingress-class-name and defaults to contour", () => {
    expect(contour).toEqual({ implementation: "contour", controller: "", annotationClasses: ["contour"], watchWithoutClass: true });
    expect(internal).toMatchObject({ annotationClasses: ["contour-internal", "edge"], watchWithoutClass: false });
  });

  const podOf = (labels: Record<string, string>, images: string[]) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "envoy-w7j5q", namespace: "projectcontour", labels },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  });
  it.each([
    { situation: "the quickstart Envoy DaemonSet pod", pod: podOf({ app: "envoy" }, ["ghcr.io/projectcontour/contour:v1.33.0", "docker.io/envoyproxy/envoy:distroless-v1.35.1"]), impl: "contour" },
    { situation: "a Gateway Provisioner Envoy pod (a Gateway proxy)", pod: podOf({ app: "envoy-contour", "gateway.networking.k8s.io/gateway-name": "contour" }, ["ghcr.io/projectcontour/contour:v1.33.0", "docker.io/envoyproxy/envoy:distroless-v1.35.1"]), impl: null },
    { situation: "a plain Envoy pod without Contour", pod: podOf({ app: "envoy" }, ["docker.io/envoyproxy/envoy:v1.35.1"]), impl: null },
  ])("recognises $situation as $impl", ({ pod, impl }) => {
    expect(ingressImplementationOf(pod as never)).toBe(impl);
  });
});
