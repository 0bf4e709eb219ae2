/**
 * Filters and suppressions (issue 13 §4), applied to a finished report:
 *
 * - `--skip X` / `--only X` (X: a check code `ND502`, a check id
 *   `service.port-free` or a hop `service`): a check skipped, or not among
 *   the ones named by `--only`, is reported as `skip` with a summary saying
 *   so; every check still ran, so what depends on it is unchanged.
 * - suppressions (from `.netdoctor.yaml`): a finding (fail, warn or error)
 *   that matches one keeps its status and gains `suppressed: {reason}` — it
 *   is listed as suppressed, never hidden — and no longer counts: the path's
 *   status and verdict, and the run's status (what `--fail-on` reads), are
 *   decided without it.
 *
 * Paths' statuses and verdicts are decided again with the engine's own rule
 * (src/engine/verdict.ts `decideVerdict`); the end-to-end probe (ND901
 * probe.end-to-end) can be skipped or suppressed like a check.
 */
import { PROBE_CHECK, decideVerdict, summariseHops, toPathStatus, worsePath } from "../engine/verdict.js";
import type { CheckResult, PathReport, ProbeReport, Report } from "./types.js";

/** One suppression: which findings (`check`: code, check id or hop; optionally only on paths whose URL starts with `path`) and why. */
export interface Suppression {
  check: string;
  reason: string;
  /** A URL, or the start of one (`http://api.openchoreo.localhost:8080/`): only findings on matching paths. */
  path?: string;
}

/** What to filter. Empty lists filter nothing. */
export interface ReportFilter {
  skip: readonly string[];
  only: readonly string[];
  suppress: readonly Suppression[];
}

/** True when `selector` names the check: its code, its id, or its hop (case-insensitive). */
export function selects(selector: string, c: { code: string; id: string; hop: string }): boolean {
  const s = selector.trim().toLowerCase();
  return s === c.code.toLowerCase() || s === c.id.toLowerCase() || s === c.hop.toLowerCase();
}

const PROBE_AS_CHECK = { code: PROBE_CHECK.code, id: PROBE_CHECK.id, hop: "probe" };

/** Is the check left out by --skip / --only? The reason, or null. */
function leftOut(f: ReportFilter, c: { code: string; id: string; hop: string }): string | null {
  const skipped = f.skip.find((s) => selects(s, c));
  if (skipped) return `skipped (--skip ${skipped})`;
  if (f.only.length && !f.only.some((s) => selects(s, c))) return `not selected (--only ${f.only.join(",")})`;
  return null;
}

function suppressionOf(f: ReportFilter, c: Pick<CheckResult, "status"> & { code: string; id: string; hop: string }, url: string | null): Suppression | undefined {
  if (c.status !== "fail" && c.status !== "warn" && c.status !== "error") return undefined;
  return f.suppress.find((s) => selects(s.check, c) && (s.path === undefined || (url !== null && url.startsWith(s.path))));
}

function apply(f: ReportFilter, c: CheckResult, url: string | null): CheckResult {
  const out = leftOut(f, c);
  if (out) return { ...c, status: "skip", summary: `${out}: ${c.summary}` };
  const s = suppressionOf(f, c, url);
  return s ? { ...c, suppressed: { reason: s.reason } } : c;
}

/** True when a result counts toward statuses and verdicts. */
const counts = (c: CheckResult) => !c.suppressed;

function refilterPath(f: ReportFilter, p: PathReport): PathReport {
  const checks = p.checks.map((c) => apply(f, c, p.target.url));
  // The probe as a check: left out or suppressed, its failure no longer decides a verdict.
  const probeAsFinding = { ...PROBE_AS_CHECK, status: "fail" as const };
  const probeIgnored = leftOut(f, PROBE_AS_CHECK) !== null || suppressionOf(f, probeAsFinding, p.target.url) !== undefined;
  const probe: ProbeReport = probeIgnored ? { ...p.probe, outcome: "not-run", signature: null } : p.probe;
  const { status, verdict } = decideVerdict(checks.filter(counts), probe);
  return { ...p, checks, status, verdict, hops: summariseHops(checks.filter(counts)) };
}

/** True when the filter changes nothing. */
export function isEmptyFilter(f: ReportFilter): boolean {
  return f.skip.length === 0 && f.only.length === 0 && f.suppress.length === 0;
}

/** The report with the filter applied (a new object; the input is not changed). */
export function applyFilter(report: Report, f: ReportFilter): Report {
  if (isEmptyFilter(f)) return report;
  const checks = report.checks.map((c) => apply(f, c, null));
  const paths = report.paths.map((p) => refilterPath(f, p));
  let status = checks.filter(counts).reduce((s, c) => worsePath(s, toPathStatus(c.status)), "pass" as Report["status"]);
  for (const p of paths) status = worsePath(status, p.status);
  return { ...report, checks, paths, status };
}

/** Every suppressed finding of a report, with the path it is on (null: environment). */
export function suppressedFindings(report: Report): { check: CheckResult; path: string | null }[] {
  return [
    ...report.checks.filter((c) => c.suppressed).map((check) => ({ check, path: null })),
    ...report.paths.flatMap((p) => p.checks.filter((c) => c.suppressed).map((check) => ({ check, path: p.target.url }))),
  ];
}

/** One path with the filter applied (what a `path-end` event carries). */
export function applyPathFilter(path: PathReport, f: ReportFilter): PathReport {
  return isEmptyFilter(f) ? path : refilterPath(f, path);
}
