/**
 * Evidence precedence (DESIGN §2, issue 11 §1): the end-to-end probe is the
 * user's truth. A probe that got the application's answer overrules a static
 * fail (it becomes a warn naming the contradiction); a failing probe leaves the
 * verdict to the checks and the signature; a probe that could not run makes
 * the path's status rest on static evidence only.
 */
import { describe, expect, it } from "vitest";
import { runDiagnosis, type RunInput } from "../../src/engine/run.js";
import { applicationAnswer, applyProbePrecedence, decideVerdict, linkCauses, withRootCause, type CauseLinks } from "../../src/engine/verdict.js";
import { fixesFor } from "../../src/report/format.js";
import { parseTarget } from "../../src/engine/target.js";
import { defineCheck, fail, pass } from "../../src/engine/define.js";
import type { Check, CheckOutcome, Hop } from "../../src/engine/types.js";
import type { CheckResult, ProbeReport } from "../../src/report/types.js";
import { memorySources } from "../../src/sources/memory.js";
import type { ProbeResult } from "../../src/sources/types.js";
import { renderText } from "../../src/report/text.js";
import { validateReport } from "../../src/report/schema.js";

const target = parseTarget("http://api.openchoreo.localhost:8080/");

const res = (id: string, hop: CheckResult["hop"], status: CheckResult["status"], evidence?: Record<string, unknown>): CheckResult => ({
  id,
  code: "ND000",
  hop,
  title: id,
  status,
  summary: `${id} ${status}`,
  ...(evidence ? { evidence } : {}),
  fixes: [],
  blockedBy: null,
  durationMs: 0,
});

const probe = (over: Partial<ProbeReport>): ProbeReport => ({ outcome: "http", status: 200, signature: "success", durationMs: 1, hop: null, ...over });

let code = 900;
function mk(id: string, hop: Hop | "env", outcome: CheckOutcome, extra: Partial<Check> = {}): Check {
  code++;
  return defineCheck({ id, hop, title: id, code: `ND${code}`, run: async () => outcome, ...extra });
}

function input(checks: Check[], http: () => ProbeResult): RunInput {
  return {
    checks,
    targets: [target],
    sources: memorySources({ http }),
    options: { resolve: [{ host: target.host, port: target.port, address: "127.0.0.1" }], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 1000 },
    timeoutMs: 5000,
    toolVersion: "0.0.0-test",
  };
}

describe("whether the probe got the application's answer", () => {
  it("counts 2xx and 3xx as the application's answer", () => {
    expect(applicationAnswer(probe({}), "{}", [])).toBe("HTTP 200");
    expect(applicationAnswer(probe({ status: 302 }), "", [])).toBe("HTTP 302");
  });

  it("counts another status when the backend gives the same answer through the service proxy", () => {
    const answers = res("backend.answers", "backend", "pass", { status: 401, body: '{"error":"unauthorized"}' });
    const got = applicationAnswer(probe({ status: 401, signature: "http-other", hop: "backend" }), '{"error":"unauthorized"}\n', [answers]);
    expect(got).toMatch(/^HTTP 401, the answer the backend gives through the API server's service proxy/);
  });

  it("does not count a different answer, a gateway error signature, a transport failure or a probe not run", () => {
    const answers = res("backend.answers", "backend", "pass", { status: 404, body: "not here" });
    expect(applicationAnswer(probe({ status: 404, signature: "http-other", hop: "backend" }), "something else", [answers])).toBeNull();
    expect(applicationAnswer(probe({ status: 404, signature: "traefik-404", hop: "service" }), "404 page not found\n", [answers])).toBeNull();
    expect(applicationAnswer(probe({ status: 503, signature: "envoy-503-no-healthy-upstream", hop: "backend" }), "no healthy upstream", [answers])).toBeNull();
    expect(applicationAnswer(probe({ outcome: "reset", status: undefined, signature: "reset", hop: "container" }), undefined, [answers])).toBeNull();
    expect(applicationAnswer(probe({ outcome: "not-run", status: undefined, signature: null }), undefined, [answers])).toBeNull();
  });
});

describe("a probe that reached the application overrules static failures", () => {
  it("turns a path check's fail into a warn that names the contradiction and its likely reasons", () => {
    const out = applyProbePrecedence([res("backend.answers", "backend", "fail"), res("env.api-reachable", "env", "fail")], "HTTP 200", new Map([["backend.answers", "a NetworkPolicy"]]));
    expect(out[0]).toMatchObject({ status: "warn", overruled: { was: "fail", probe: "HTTP 200", likely: "a NetworkPolicy" } });
    expect(out[0]!.summary).toBe("backend.answers fail — yet the end-to-end request got HTTP 200 from the application, so this does not stop traffic now");
    expect(out[1]!.status).toBe("fail");
  });

  it("gives a generic likely reason for a check that has none of its own", () => {
    const [c] = applyProbePrecedence([res("gateway.found", "gateway", "fail")], "HTTP 200", new Map());
    expect(c!.overruled!.likely).toMatch(/controller is about to reconcile/);
  });

  it("changes nothing when the probe did not reach the application", () => {
    const checks = [res("backend.answers", "backend", "fail")];
    expect(applyProbePrecedence(checks, null, new Map())).toEqual(checks);
  });

  it("leaves a path warn with no verdict once the fails are overruled", () => {
    const checks = applyProbePrecedence([res("service.port-free", "service", "fail")], "HTTP 200", new Map());
    expect(decideVerdict(checks, probe({}))).toEqual({ status: "warn", verdict: null });
  });
});

describe("evidence precedence in a run", () => {
  it("reports a path whose probe got 200 as warn, never fail, with the check's own likely reasons", async () => {
    const answers = mk("backend.answers", "backend", fail("the API server's service proxy got no answer"), { contradiction: "a NetworkPolicy admits only the gateway" });
    const r = await runDiagnosis(input([answers, mk("route.host-matches", "route", pass("matched"))], () => ({ outcome: "http", status: 200, signature: "success", durationMs: 1, body: "ok" })));
    const path = r.paths[0]!;
    expect(path).toMatchObject({ status: "warn", verdict: null, basis: "probe" });
    expect(path.checks.find((c) => c.id === "backend.answers")).toMatchObject({ status: "warn", overruled: { was: "fail", likely: "a NetworkPolicy admits only the gateway" } });
    expect(r.status).toBe("warn");
    expect(validateReport(r)).toEqual({ valid: true, errors: [] });
    const text = renderText(r);
    expect(text).toContain("Verdict: the request reaches the application (HTTP 200)");
    expect(text).toContain("likely: a NetworkPolicy admits only the gateway");
  });

  it("keeps the static verdict when the probe failed with a gateway's error signature", async () => {
    const r = await runDiagnosis(
      input([mk("backend.endpoints-ready", "backend", fail("no ready endpoints"))], () => ({ outcome: "http", status: 503, signature: "envoy-503-no-healthy-upstream", durationMs: 1, body: "no healthy upstream" })),
    );
    expect(r.paths[0]).toMatchObject({ status: "fail", verdict: { checkId: "backend.endpoints-ready" }, basis: "probe" });
  });

  it("says the status rests on static evidence only when the probe was not sent", async () => {
    const r = await runDiagnosis(
      input([mk("service.port-free", "service", fail("held by svclb-traefik"))], () => ({ outcome: "unreachable", signature: "unreachable", durationMs: 0, error: "not reachable from the lab", notSent: true })),
    );
    const path = r.paths[0]!;
    expect(path).toMatchObject({ status: "fail", basis: "static", probe: { outcome: "not-run", signature: null } });
    expect(path.probe.error).toContain("not reachable from the lab");
    expect(renderText(r)).toContain("Evidence: the status rests on static evidence only: the end-to-end probe could not run (127.0.0.1:8080 not reachable from the lab)");
  });
});

describe("root causes lead", () => {
  const links = (m: Record<string, Partial<CauseLinks>>) => new Map(Object.entries(m).map(([k, v]) => [k, { causedBy: v.causedBy ?? [], causes: v.causes ?? [] }]));
  const coded = (id: string, hop: CheckResult["hop"], status: CheckResult["status"], code: string): CheckResult => ({ ...res(id, hop, status), code });

  it("links a consequence to the first candidate cause that found a problem", () => {
    const checks = [coded("service.port-free", "service", "fail", "ND502"), coded("service.load-balancer-ready", "service", "fail", "ND503"), coded("gateway.class-accepted", "gateway", "pass", "ND602"), coded("gateway.programmed", "gateway", "fail", "ND603")];
    const out = linkCauses(checks, links({ "service.load-balancer-ready": { causedBy: ["service.port-free"] }, "gateway.programmed": { causedBy: ["gateway.class-accepted", "service.load-balancer-ready"] } }));
    expect(out.map((c) => c.causedBy ?? null)).toEqual([null, "ND502", null, "ND503"]);
  });

  it("links the other way for a cause that names its consequences, and never a passing check", () => {
    const checks = [coded("service.receives-port", "service", "fail", "ND501"), coded("gateway.ingress-controller-ready", "gateway", "fail", "ND606"), coded("route.accepted", "route", "pass", "ND702")];
    const out = linkCauses(checks, links({ "gateway.ingress-controller-ready": { causes: ["service.receives-port", "route.accepted"] } }));
    expect(out.map((c) => c.causedBy ?? null)).toEqual(["ND606", null, null]);
  });

  it("drops a link that would close a cycle", () => {
    const checks = [coded("backend.endpoints-ready", "backend", "fail", "ND802"), coded("backend.pods-ready", "backend", "fail", "ND803")];
    const out = linkCauses(checks, links({ "backend.endpoints-ready": { causedBy: ["backend.pods-ready"] }, "backend.pods-ready": { causedBy: ["backend.endpoints-ready"] } }));
    expect(out.filter((c) => c.causedBy).length).toBeLessThan(2);
  });

  it("names the end of the chain as the verdict's root cause", () => {
    const checks = linkCauses(
      [coded("service.receives-port", "service", "fail", "ND501"), coded("gateway.found", "gateway", "warn", "ND601"), coded("gateway.class-accepted", "gateway", "fail", "ND602")],
      links({ "service.receives-port": { causedBy: ["gateway.found"] }, "gateway.found": { causedBy: ["gateway.class-accepted"] } }),
    );
    const { verdict } = decideVerdict(checks, probe({ outcome: "reset", status: undefined, signature: "reset", hop: "container" }));
    expect(withRootCause(verdict!, checks)).toMatchObject({ checkId: "service.receives-port", rootCause: { checkId: "gateway.class-accepted", code: "ND602", hop: "gateway" } });
  });

  it("offers the root cause's fixes, not the consequence's", () => {
    const checks: CheckResult[] = [
      { ...coded("service.receives-port", "service", "fail", "ND501"), fixes: ["k3d-port-mapping"], causedBy: "ND502" },
      { ...coded("service.port-free", "service", "fail", "ND502"), fixes: ["remove-traefik"] },
    ];
    expect(fixesFor(checks, []).map((f) => f.id)).toEqual(["remove-traefik"]);
  });
});
