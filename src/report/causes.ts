/**
 * The outcome of a report as root causes (issue 13 §1, DESIGN §2): what the
 * answer-first reporters (text, short, GitHub summary) open with. One cause
 * per distinct finding that explains a path's status — the verdict check of
 * a failing path, a warning, a check that could not run, a failing
 * environment check — with every path it affects. A finding that carries
 * `causedBy` (the code of its cause), or fails beside a path's verdict, is a
 * consequence listed under that cause, not a cause of its own. Pure function
 * over report data: the engine decided every status and verdict.
 */
import { fixesFor, isProblem, statusRank } from "./format.js";
import type { CheckResult, FixReport, Report } from "./types.js";

/** One root cause. */
export interface Cause {
  /** The finding's status: `fail`, `warn` or `error` (could not check). */
  status: "fail" | "warn" | "error";
  /** The finding (the first result seen; the same code and summary on other paths is the same cause). */
  check: CheckResult;
  /** `environment` when an environment check found it (it affects every path); `paths` otherwise. */
  scope: "environment" | "paths";
  /** URLs of the paths it affects, in report order (empty for the environment scope). */
  paths: string[];
  /** Other findings it explains on those paths: `causedBy` it, or failing beside the verdict it is. Distinct by check id. */
  consequences: CheckResult[];
  /** The fixes the cause and its consequences recommend, with the run's titles and steps. */
  fixes: FixReport[];
}

const keyOf = (c: CheckResult) => `${c.code}\u0000${c.id}\u0000${c.status}\u0000${c.summary}`;

/**
 * The report's root causes: failing ones first (environment, then in path
 * order), then warnings and checks that could not run. Empty for a report
 * whose every check passed or was skipped.
 */
export function rootCauses(report: Report): Cause[] {
  const causes = new Map<string, Cause>();
  const pending: { check: CheckResult; path: string | null; beside: Cause | null }[] = [];
  const add = (check: CheckResult, path: string | null): Cause => {
    const key = keyOf(check);
    let cause = causes.get(key);
    if (!cause) {
      cause = { status: check.status as Cause["status"], check, scope: path === null ? "environment" : "paths", paths: [], consequences: [], fixes: [] };
      causes.set(key, cause);
    }
    if (path !== null && !cause.paths.includes(path)) cause.paths.push(path);
    return cause;
  };

  // Suppressed findings are not causes: the reporters list them apart, with their reasons.
  const problem = (c: CheckResult) => isProblem(c.status) && !c.suppressed;
  for (const c of report.checks) {
    if (!problem(c)) continue;
    if (c.causedBy) pending.push({ check: c, path: null, beside: null });
    else add(c, null);
  }
  for (const p of report.paths) {
    // The verdict's root cause leads when the engine named one (issue 11 §3); the verdict check is then its consequence.
    const rootId = p.verdict?.rootCause?.checkId;
    const verdict =
      (rootId ? p.checks.find((c) => c.id === rootId && problem(c)) : undefined) ?? (p.verdict ? p.checks.find((c) => c.id === p.verdict!.checkId && problem(c)) : undefined);
    // A verdict the probe alone gave (no static cause found, DESIGN §2) is the path's cause too: without it a
    // failing path would have no entry at all. It stands as a finding of the hop its signature points to.
    const probeOnly =
      !verdict && p.verdict && p.status !== "pass" && !p.checks.some((c) => c.id === p.verdict!.checkId)
        ? ({ id: p.verdict.checkId, code: p.verdict.code, hop: p.verdict.hop, title: "the end-to-end request succeeds", status: "fail", summary: p.verdict.summary, fixes: [], blockedBy: null, durationMs: p.probe.durationMs } satisfies CheckResult)
        : undefined;
    const main = verdict ? add(verdict, p.target.url) : probeOnly ? add(probeOnly, p.target.url) : null;
    for (const c of p.checks) {
      if (!problem(c) || c === verdict) continue;
      if (c.causedBy) pending.push({ check: c, path: p.target.url, beside: main });
      else if (main && c.status !== "warn") pending.push({ check: c, path: p.target.url, beside: main });
      else add(c, p.target.url);
    }
  }
  // Consequences go under the cause whose code they name, else beside the path's verdict, else they stand alone.
  for (const { check, path, beside } of pending) {
    const named = check.causedBy ? [...causes.values()].find((k) => k.check.code === check.causedBy && (path === null || k.scope === "environment" || k.paths.includes(path))) ?? [...causes.values()].find((k) => k.check.code === check.causedBy) : undefined;
    const owner = named ?? beside;
    if (owner) {
      if (!owner.consequences.some((x) => x.id === check.id)) owner.consequences.push(check);
    } else add(check, path);
  }
  const list = [...causes.values()];
  for (const c of list) c.fixes = fixesFor([c.check, ...c.consequences], report.fixes);
  // Stable: worst first, environment before paths, otherwise in order of appearance.
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => statusRank(b.c.status) - statusRank(a.c.status) || (a.c.scope === b.c.scope ? 0 : a.c.scope === "environment" ? -1 : 1) || a.i - b.i)
    .map(({ c }) => c);
}
