import { describe, expect, it } from "vitest";
import { runDiagnosis, type RunInput } from "../../src/engine/run.js";
import { validateRegistry } from "../../src/engine/registry.js";
import { decideVerdict } from "../../src/engine/verdict.js";
import { parseResolve, parseTarget } from "../../src/engine/target.js";
import { defineCheck, fail, pass } from "../../src/engine/define.js";
import type { Check, CheckOutcome, Hop } from "../../src/engine/types.js";
import type { CheckResult, ProbeReport, RunEvent } from "../../src/report/types.js";
import { memorySources } from "../../src/sources/memory.js";
import { SourceError, type ProbeResult } from "../../src/sources/types.js";

const target = parseTarget("http://api.openchoreo.localhost:8080/");

function check(id: string, hop: Hop | "env", run: Check["run"], extra: Partial<Check> & { code: string }): Check {
  return { id, hop, title: id, run, ...extra };
}

let codeSeq = 100;
function mk(id: string, hop: Hop | "env", outcome: CheckOutcome | (() => Promise<CheckOutcome>), extra: Partial<Check> = {}): Check {
  codeSeq++;
  return check(id, hop, typeof outcome === "function" ? outcome : async () => outcome, { code: `ND${codeSeq}`, ...extra });
}

const ok200: ProbeResult = { outcome: "http", status: 200, signature: "success", durationMs: 1 };

function input(checks: Check[], over: Partial<RunInput> = {}): RunInput & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    checks,
    targets: [target],
    sources: memorySources({ http: () => ok200 }),
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 1000 },
    timeoutMs: 5000,
    toolVersion: "0.0.0-test",
    onEvent: (e) => events.push(e),
    events,
    ...over,
  };
}

const byId = (checks: CheckResult[], id: string) => checks.find((c) => c.id === id)!;

describe("check engine", () => {
  it("skips dependents of a failing check with blockedBy, transitively", async () => {
    const i = input([
      mk("dns.name-resolves", "dns", fail("x does not resolve"), { dependsOn: [] }),
      mk("host-port.accepts-connections", "host-port", pass("ok"), { dependsOn: ["dns.name-resolves"] }),
      mk("host-port.listener-identified", "host-port", pass("ok"), { dependsOn: ["host-port.accepts-connections"] }),
    ]);
    const report = await runDiagnosis(i);
    const checks = report.paths[0]!.checks;
    expect(byId(checks, "host-port.accepts-connections")).toMatchObject({ status: "skip", blockedBy: "dns.name-resolves", summary: "blocked by dns.name-resolves" });
    expect(byId(checks, "host-port.listener-identified")).toMatchObject({ status: "skip", blockedBy: "host-port.accepts-connections" });
  });

  it("does not block on `after` dependencies but hands their facts on", async () => {
    let seen: unknown;
    const i = input([
      mk("container.publishes-port", "container", fail("no container", { facts: { container: null } })),
      mk(
        "service.receives-port",
        "service",
        async () => {
          return pass("ok");
        },
        { after: ["container.publishes-port"] },
      ),
      check(
        "gateway.found",
        "gateway",
        async (ctx) => {
          seen = ctx.facts;
          return pass("ok");
        },
        { code: "ND601", after: ["service.receives-port"] },
      ),
    ]);
    const report = await runDiagnosis(i);
    expect(byId(report.paths[0]!.checks, "service.receives-port").status).toBe("pass");
    expect(seen).toEqual({ container: null });
  });

  it("gives a check only the facts of its dependency closure", async () => {
    let seen: unknown;
    const i = input([
      mk("dns.name-resolves", "dns", pass("ok", { facts: { address: "127.0.0.1" } })),
      mk("container.publishes-port", "container", pass("ok", { facts: { container: null } })),
      check(
        "host-port.accepts-connections",
        "host-port",
        async (ctx) => {
          seen = ctx.facts;
          return pass("ok");
        },
        { code: "ND201", dependsOn: ["dns.name-resolves"] },
      ),
    ]);
    await runDiagnosis(i);
    expect(seen).toEqual({ address: "127.0.0.1" });
  });

  it("reports a thrown SourceError as skip with the reason and any other exception as error", async () => {
    const i = input([
      mk("gateway.found", "gateway", async () => {
        throw new SourceError("forbidden", "kube", "gateways", "gateways.gateway.networking.k8s.io is forbidden (403)");
      }),
      mk("route.host-matches", "route", async () => {
        throw new TypeError("cannot read properties of undefined (reading 'spec')");
      }),
    ]);
    const checks = (await runDiagnosis(i)).paths[0]!.checks;
    expect(byId(checks, "gateway.found")).toMatchObject({ status: "skip", summary: "unavailable: gateways.gateway.networking.k8s.io is forbidden (403)" });
    expect(byId(checks, "route.host-matches").status).toBe("error");
    expect(byId(checks, "route.host-matches").summary).toMatch(/check crashed: cannot read properties/);
  });

  it("ends checks that outlive the deadline as error and still finishes the run", async () => {
    const i = input([mk("backend.answers", "backend", () => new Promise<CheckOutcome>(() => {})), mk("dns.name-resolves", "dns", pass("ok"))], {
      timeoutMs: 50,
    });
    const report = await runDiagnosis(i);
    expect(byId(report.paths[0]!.checks, "backend.answers")).toMatchObject({ status: "error" });
    expect(byId(report.paths[0]!.checks, "backend.answers").summary).toMatch(/deadline/);
    expect(byId(report.paths[0]!.checks, "dns.name-resolves").status).toBe("pass");
  });

  it("never runs more checks at once than the concurrency limit", async () => {
    let running = 0;
    let peak = 0;
    const slow = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      running--;
      return pass("ok");
    };
    const checks = ["a", "b", "c", "d", "e", "f"].map((n) => mk(`backend.x-${n}`, "backend", slow));
    await runDiagnosis(input(checks, { concurrency: 2 }));
    expect(peak).toBe(2);
  });

  it("runs environment checks once and path checks once per target", async () => {
    let envRuns = 0;
    let pathRuns = 0;
    const i = input(
      [
        mk("env.api-reachable", "env", async () => {
          envRuns++;
          return pass("ok");
        }),
        mk(
          "service.receives-port",
          "service",
          async () => {
            pathRuns++;
            return pass("ok");
          },
          { dependsOn: ["env.api-reachable"] },
        ),
      ],
      { targets: [target, parseTarget("http://openchoreo.localhost:8080/")] },
    );
    const report = await runDiagnosis(i);
    expect(envRuns).toBe(1);
    expect(pathRuns).toBe(2);
    expect(report.checks.map((c) => c.id)).toEqual(["env.api-reachable"]);
    expect(report.paths).toHaveLength(2);
  });

  it("emits run-start first, a check-end per check, path-end per path and run-end last", async () => {
    const i = input([mk("env.api-reachable", "env", pass("ok")), mk("dns.name-resolves", "dns", pass("ok"))]);
    await runDiagnosis(i);
    const types = i.events.map((e) => e.type);
    expect(types[0]).toBe("run-start");
    expect(types.at(-1)).toBe("run-end");
    expect(types.filter((t) => t === "check-end")).toHaveLength(2);
    expect(types.filter((t) => t === "path-end")).toHaveLength(1);
    expect(types.indexOf("probe-end")).toBeLessThan(types.indexOf("path-end"));
  });

  it("drops fixes a check did not declare", async () => {
    const i = input([mk("service.port-free", "service", fail("held", { fixes: ["remove-traefik", "hosts-entry"] }), { fixes: ["remove-traefik"] })]);
    const r = await runDiagnosis(i);
    expect(byId(r.paths[0]!.checks, "service.port-free").fixes).toEqual(["remove-traefik"]);
  });

  it("probes the address the dns hop resolved, with the Host header of the target", async () => {
    const seen: string[] = [];
    const i = input([mk("dns.name-resolves", "dns", pass("ok", { facts: { address: "127.0.0.9" } }))], {
      sources: memorySources({
        http: (req) => {
          seen.push(`${req.address}:${req.port} ${req.host} ${req.path}`);
          return ok200;
        },
      }),
    });
    const r = await runDiagnosis(i);
    expect(seen).toEqual(["127.0.0.9:8080 api.openchoreo.localhost:8080 /"]);
    expect(r.paths[0]!.probe).toMatchObject({ outcome: "http", status: 200, signature: "success" });
  });
});

describe("verdict", () => {
  const res = (id: string, hop: Hop, status: CheckResult["status"]): CheckResult => ({
    id,
    code: "ND000",
    hop,
    title: id,
    status,
    summary: `${id} ${status}`,
    fixes: [],
    blockedBy: null,
    durationMs: 0,
  });
  const okProbe: ProbeReport = { outcome: "http", status: 200, signature: "success", durationMs: 1, hop: null };

  it("picks the failing check on the hop closest to the client", () => {
    const v = decideVerdict([res("backend.endpoints-ready", "backend", "fail"), res("service.port-free", "service", "fail")], okProbe);
    expect(v).toMatchObject({ status: "fail", verdict: { hop: "service", checkId: "service.port-free" } });
  });

  it("falls back to the probe's hop with 'no static cause found' when no check fails", () => {
    const probe: ProbeReport = { outcome: "http", status: 404, signature: "envoy-404", durationMs: 1, hop: "route" };
    const v = decideVerdict([res("route.host-matches", "route", "pass")], probe);
    expect(v.status).toBe("fail");
    expect(v.verdict).toMatchObject({ hop: "route", checkId: "probe.end-to-end", code: "ND901" });
    expect(v.verdict!.summary).toMatch(/^no static cause found/);
  });

  it("is null with status warn when only warnings remain and the probe succeeded", () => {
    expect(decideVerdict([res("service.load-balancer-ready", "service", "warn")], okProbe)).toEqual({ status: "warn", verdict: null });
  });
});

describe("registry validation", () => {
  const run = async () => pass("ok");
  it("rejects duplicate ids, shared codes, unknown dependencies and cycles", () => {
    expect(() => validateRegistry([defineCheck({ id: "dns.a", code: "ND101", hop: "dns", title: "a", run }), defineCheck({ id: "dns.a", code: "ND102", hop: "dns", title: "a", run })])).toThrow(/duplicate check id dns.a/);
    expect(() => validateRegistry([defineCheck({ id: "dns.a", code: "ND101", hop: "dns", title: "a", run }), defineCheck({ id: "dns.b", code: "ND101", hop: "dns", title: "b", run })])).toThrow(/share code ND101/);
    expect(() => validateRegistry([defineCheck({ id: "dns.a", code: "ND101", hop: "dns", title: "a", run, dependsOn: ["dns.zz"] })])).toThrow(/unknown check dns.zz/);
    expect(() =>
      validateRegistry([
        defineCheck({ id: "dns.a", code: "ND101", hop: "dns", title: "a", run, dependsOn: ["dns.b"] }),
        defineCheck({ id: "dns.b", code: "ND102", hop: "dns", title: "b", run, after: ["dns.a"] }),
      ]),
    ).toThrow(/dependency cycle: dns.a → dns.b → dns.a/);
  });

  it("rejects ids that do not start with the check's hop", () => {
    expect(() => defineCheck({ id: "route.x", code: "ND101", hop: "dns", title: "x", run })).toThrow(/hop dns/);
  });
});

describe("target parsing", () => {
  it.each([
    ["http://api.openchoreo.localhost:8080/", { host: "api.openchoreo.localhost", port: 8080, path: "/", scheme: "http" }],
    ["localhost:8080", { host: "localhost", port: 8080, path: "/", scheme: "http" }],
    ["https://Console.Platform.Test/a?b=1", { host: "console.platform.test", port: 443, path: "/a?b=1", scheme: "https" }],
    ["http://[::1]:9080/x", { host: "::1", port: 9080, path: "/x", url: "http://[::1]:9080/x" }],
  ])("parses %s", (raw, want) => {
    expect(parseTarget(raw)).toMatchObject(want);
  });

  it("rejects other schemes and garbage with a usage error", () => {
    expect(() => parseTarget("ftp://x")).toThrow(/only http/);
    expect(() => parseTarget("http://")).toThrow(/invalid target/);
  });

  it("parses --resolve like curl, including bracketed IPv6", () => {
    expect(parseResolve("api.openchoreo.localhost:8080:127.0.0.1")).toEqual({ host: "api.openchoreo.localhost", port: 8080, address: "127.0.0.1" });
    expect(parseResolve("x:80:[::1]")).toEqual({ host: "x", port: 80, address: "::1" });
    expect(() => parseResolve("x:80")).toThrow(/HOST:PORT:ADDR/);
  });
});

describe("check engine under an outer deadline", () => {
  it("ends every check as error: deadline when the command's own deadline already passed", async () => {
    const ctl = new AbortController();
    ctl.abort();
    const i = input([mk("dns.name-resolves", "dns", pass("ok")), mk("env.kubeconfig-loaded", "env", pass("ok"))], { signal: ctl.signal, timeoutMs: 200 });
    const report = await runDiagnosis(i);
    for (const c of [...report.checks, ...report.paths[0]!.checks]) {
      expect(c.status).toBe("error");
      expect(c.summary).toBe("deadline: did not finish before the run's deadline (--timeout 0.2 s)");
    }
    expect(report.status).toBe("fail");
  });

  it("ends the run when the outer signal aborts while a check hangs", async () => {
    const ctl = new AbortController();
    const hang = () => new Promise<CheckOutcome>(() => undefined);
    const i = input([mk("dns.name-resolves", "dns", hang)], {
      signal: ctl.signal,
      onEvent: (e) => {
        if (e.type === "check-start") ctl.abort();
      },
    });
    const report = await runDiagnosis(i);
    expect(byId(report.paths[0]!.checks, "dns.name-resolves")).toMatchObject({ status: "error" });
    expect(byId(report.paths[0]!.checks, "dns.name-resolves").summary).toMatch(/^deadline: /);
  });
});
