/**
 * ingress-nginx canary Ingresses (src/ingress/canary.ts, predictIngress):
 * cases from ingress-nginx docs/user-guide/nginx-configuration/annotations.md
 * "Canary" and docs/examples/canary (main Ingress `production` → Service
 * production, canary Ingress `canary` → Service canary, both for
 * echo.prod.mydomain.com /).
 */
import { describe, expect, it } from "vitest";
import type { Ingress, IngressClass } from "../../src/kube/types.js";
import { canaryRulesOf, decideCanary, type CanaryRules } from "../../src/ingress/canary.js";
import { controllerConfig } from "../../src/ingress/classes.js";
import { predictIngress } from "../../src/ingress/match.js";

const HOST = "echo.prod.mydomain.com";
function ing(name: string, service: string, annotations: Record<string, string> = {}, created = "2026-03-01T10:00:00Z"): Ingress {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: "default", annotations, creationTimestamp: created },
    spec: { ingressClassName: "nginx", rules: [{ host: HOST, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { number: 80 } } } }] } }] },
  } as unknown as Ingress;
}
const classes: IngressClass[] = [{ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } } as IngressClass];
const nginx = controllerConfig("ingress-nginx", []);
const C = "nginx.ingress.kubernetes.io/";
const main = ing("production", "production");
const canary = (a: Record<string, string>) => ing("canary", "canary", { [`${C}canary`]: "true", ...Object.fromEntries(Object.entries(a).map(([k, v]) => [`${C}${k}`, v])) }, "2026-03-02T10:00:00Z");
const predict = (c: Ingress, headers: { name: string; value: string }[] = []) => predictIngress(nginx, [main, c], classes, { host: HOST, path: "/", headers });
const rules = (r: Partial<CanaryRules>): CanaryRules => ({ header: null, headerValue: null, headerPattern: null, cookie: null, weight: null, weightTotal: 100, ...r });

describe("ingress-nginx canary rules", () => {
  it("reads the annotations only when canary is \"true\"", () => {
    expect(canaryRulesOf(ing("x", "s", { [`${C}canary-by-header`]: "X-Canary" }))).toBeNull();
    expect(canaryRulesOf(canary({ "canary-by-header": "X-Canary", "canary-weight": "10" }))).toEqual(rules({ header: "X-Canary", weight: 10 }));
  });

  it.each([
    { case: "header always → canary", r: rules({ header: "X-Canary" }), h: [{ name: "x-canary", value: "always" }], to: "canary", by: "header" },
    { case: "header never → main, even with weight 100", r: rules({ header: "X-Canary", weight: 100 }), h: [{ name: "X-Canary", value: "never" }], to: "main", by: "header" },
    { case: "another header value is ignored, the weight decides", r: rules({ header: "X-Canary", weight: 100 }), h: [{ name: "X-Canary", value: "maybe" }], to: "canary", by: "weight" },
    { case: "header-value must match exactly", r: rules({ header: "Region", headerValue: "cd" }), h: [{ name: "Region", value: "cd" }], to: "canary", by: "header" },
    { case: "header-value: another value falls through to main", r: rules({ header: "Region", headerValue: "cd" }), h: [{ name: "Region", value: "sz" }], to: "main", by: "none" },
    { case: "header-pattern cd|sz matches sz", r: rules({ header: "Region", headerPattern: "cd|sz" }), h: [{ name: "Region", value: "sz" }], to: "canary", by: "header" },
    { case: "header-pattern is ignored when header-value is set", r: rules({ header: "Region", headerValue: "bj", headerPattern: "cd|sz" }), h: [{ name: "Region", value: "sz" }], to: "main", by: "none" },
    { case: "an erroring pattern does not match", r: rules({ header: "Region", headerPattern: "(" }), h: [{ name: "Region", value: "(" }], to: "main", by: "none" },
    { case: "cookie always → canary", r: rules({ cookie: "user_from_cd" }), h: [{ name: "Cookie", value: "a=1; user_from_cd=always" }], to: "canary", by: "cookie" },
    { case: "header before cookie", r: rules({ header: "X-Canary", cookie: "c" }), h: [{ name: "X-Canary", value: "never" }, { name: "Cookie", value: "c=always" }], to: "main", by: "header" },
    { case: "weight 10 is a split", r: rules({ weight: 10 }), h: [], to: "split", by: "weight" },
    { case: "weight 0 never sends to the canary", r: rules({ weight: 0 }), h: [], to: "main", by: "none" },
    { case: "weight equal to canary-weight-total sends everything", r: rules({ weight: 500, weightTotal: 500 }), h: [], to: "canary", by: "weight" },
  ])("$case", ({ r, h, to, by }) => {
    expect(decideCanary(r, { headers: h })).toMatchObject({ to, by });
  });

  it("gives a weight split its share in percent", () => {
    expect(decideCanary(rules({ weight: 20, weightTotal: 200 }), { headers: [] })).toMatchObject({ to: "split", percent: 10 });
  });
});

describe("predicting the Ingress rule with a canary", () => {
  it("resolves to the canary's backend when the request sends the canary header", () => {
    const p = predict(canary({ "canary-by-header": "X-Canary" }), [{ name: "X-Canary", value: "always" }]);
    expect(p.outcome).toBe("matched");
    expect(p.match!.ingress.metadata.name).toBe("production");
    expect(p.canary).toMatchObject({ rule: 0, decision: { to: "canary", by: "header" } });
    expect(p.backend).toEqual({ namespace: "default", name: "canary", port: 80 });
  });

  it("resolves to the main Ingress's backend without the header", () => {
    const p = predict(canary({ "canary-by-header": "X-Canary" }));
    expect(p.canary?.decision.to).toBe("main");
    expect(p.backend).toEqual({ namespace: "default", name: "production", port: 80 });
  });

  it("names a weight-only canary as a split and keeps the main backend", () => {
    const p = predict(canary({ "canary-weight": "10" }));
    expect(p.canary?.decision).toMatchObject({ to: "split", percent: 10 });
    expect(p.backend?.name).toBe("production");
  });

  it("never takes the canary Ingress for a route of its own, even when it is older", () => {
    const old = ing("canary", "canary", { [`${C}canary`]: "true" }, "2025-01-01T00:00:00Z");
    const p = predictIngress(nginx, [main, old], classes, { host: HOST, path: "/" });
    expect(p.match!.ingress.metadata.name).toBe("production");
  });

  it("ignores canary annotations for another controller (traefik)", () => {
    const traefik = controllerConfig("traefik", []);
    const c = { ...canary({ "canary-by-header": "X-Canary" }), spec: { ...canary({}).spec, ingressClassName: undefined } } as unknown as Ingress;
    const m = { ...main, spec: { ...main.spec, ingressClassName: undefined } } as unknown as Ingress;
    const p = predictIngress(traefik, [m, c], [], { host: HOST, path: "/", headers: [{ name: "X-Canary", value: "always" }] });
    expect(p.canary ?? null).toBeNull();
    expect(p.backend?.name).toBe("production");
  });
});
