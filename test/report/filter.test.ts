/**
 * Filters and suppressions on a report (issue 13 §4): --skip / --only by
 * code, check id or hop; suppressed findings keep their status, carry the
 * reason, and no longer decide statuses, verdicts or --fail-on.
 */
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/commands/diagnose.js";
import { applyFilter, selects, suppressedFindings, type ReportFilter } from "../../src/report/filter.js";
import { validateReport } from "../../src/report/schema.js";
import { renderText } from "../../src/report/text.js";
import { makeReport } from "./fixture-report.js";

const none: ReportFilter = { skip: [], only: [], suppress: [] };
const probeOk = (r: ReturnType<typeof makeReport>) => {
  r.paths[0]!.probe = { outcome: "http", status: 200, signature: "success", durationMs: 3, hop: null };
  return r;
};

describe("selectors", () => {
  it("name a check by code, id or hop, in any case", () => {
    const c = { code: "ND502", id: "service.port-free", hop: "service" as const };
    for (const s of ["ND502", "nd502", "service.port-free", "service"]) expect(selects(s, c)).toBe(true);
    for (const s of ["ND501", "gateway", "port-free"]) expect(selects(s, c)).toBe(false);
  });
});

describe("applyFilter", () => {
  it("changes nothing without filters", () => {
    const r = makeReport();
    expect(applyFilter(r, none)).toBe(r);
  });

  it("--skip reports the check as skipped and decides the path without it", () => {
    const r = applyFilter(probeOk(makeReport()), { ...none, skip: ["ND502"] });
    const c = r.paths[0]!.checks.find((x) => x.code === "ND502")!;
    expect(c).toMatchObject({ status: "skip" });
    expect(c.summary).toMatch(/^skipped \(--skip ND502\): /);
    expect(r.paths[0]).toMatchObject({ status: "pass", verdict: null });
    expect(r.status).toBe("pass");
    expect(validateReport(r)).toEqual({ valid: true, errors: [] });
  });

  it("--only keeps the named hops and checks, the others reported as not selected", () => {
    const r = applyFilter(makeReport(), { ...none, only: ["dns", "ND502"] });
    const statuses = Object.fromEntries(r.paths[0]!.checks.map((c) => [c.code, c.status]));
    expect(statuses).toMatchObject({ ND101: "pass", ND502: "fail", ND201: "skip", ND401: "skip" });
    expect(r.paths[0]!.checks.find((c) => c.code === "ND201")!.summary).toMatch(/^not selected \(--only dns,ND502\)/);
    expect(r.paths[0]!.verdict?.code).toBe("ND502");
  });

  it("a suppression keeps the finding with its reason, and the path is decided without it", () => {
    const f: ReportFilter = { ...none, suppress: [{ check: "service.port-free", reason: "traefik stays until Q3" }] };
    const r = applyFilter(probeOk(makeReport()), f);
    expect(r.paths[0]!.checks.find((c) => c.code === "ND502")).toMatchObject({ status: "fail", suppressed: { reason: "traefik stays until Q3" } });
    expect(r.paths[0]).toMatchObject({ status: "pass", verdict: null });
    expect(exitCodeFor(r.status, "warn")).toBe(0);
    expect(suppressedFindings(r)).toEqual([{ check: expect.objectContaining({ code: "ND502" }), path: "http://api.openchoreo.localhost:8080/" }]);
    expect(validateReport(r)).toEqual({ valid: true, errors: [] });
  });

  it("a suppressed finding does not hide a failing probe: the path fails on the probe", () => {
    const r = applyFilter(makeReport(), { ...none, suppress: [{ check: "ND502", reason: "accepted" }] });
    expect(r.paths[0]).toMatchObject({ status: "fail", verdict: { code: "ND901" } });
    const both = applyFilter(makeReport(), { ...none, suppress: [{ check: "ND502", reason: "accepted" }, { check: "ND901", reason: "the 404 is expected" }] });
    expect(both.paths[0]).toMatchObject({ status: "pass", verdict: null });
  });

  it("a suppression with a path applies to paths whose URL starts with it only", () => {
    const r = makeReport();
    r.paths[1]!.checks[0]!.status = "warn";
    r.paths[1]!.status = "warn";
    const f: ReportFilter = { ...none, suppress: [{ check: "ND101", reason: "known", path: "http://openchoreoapis.localhost:19080/" }] };
    const out = applyFilter(r, f);
    expect(out.paths[1]!.checks[0]!.suppressed).toEqual({ reason: "known" });
    expect(out.paths[1]!.status).toBe("pass");
    expect(out.paths[0]!.checks[0]!.suppressed).toBeUndefined();
  });

  it("the text lists suppressed findings with their reason and never as a cause", () => {
    const r = applyFilter(probeOk(makeReport()), { ...none, suppress: [{ check: "ND502", reason: "traefik stays until Q3" }] });
    const text = renderText(r);
    expect(text).not.toMatch(/^\[FAIL\] service hop/m);
    expect(text).toMatch(/^Suppressed \(1\): not counted toward the result or --fail-on$/m);
    expect(text).toMatch(/^ {2}\[FAIL\] ND502 service\.port-free on http:\/\/api\.openchoreo\.localhost:8080\/ — traefik stays until Q3$/m);
  });
});
