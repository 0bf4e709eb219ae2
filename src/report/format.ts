/**
 * Presentation helpers shared by the reporters (plain text and the Ink TUI):
 * status ordering, the verdict and probe sentences, the fixes a path offers,
 * evidence as short lines. Pure functions over report data; no diagnosis
 * happens here (the engine decided every status and the verdict), and no
 * colour or escape code is produced.
 */
import { HOPS } from "../engine/types.js";
import type { CheckStatus, FixId, Hop, ReportHop } from "../engine/types.js";
import type { CheckResult, FixReport, HopSummary, PathReport, ProbeReport, RecordingInfo, Report, Resolution } from "./types.js";

/** Hops as reports order them: `env` first, then the path hops from the client inward (DESIGN §2). */
export const REPORT_HOPS: readonly ReportHop[] = ["env", ...HOPS];

/** Position of a hop in {@link REPORT_HOPS}; unknown hops (newer engines) sort last. */
export function hopIndex(hop: string): number {
  const i = (REPORT_HOPS as readonly string[]).indexOf(hop);
  return i === -1 ? REPORT_HOPS.length : i;
}

/**
 * Severity rank of a check status, higher is worse: skip < pass < warn < error < fail.
 * `fail` outranks `error` so that a hop with both shows the diagnosis, not the crash.
 */
export function statusRank(status: CheckStatus): number {
  switch (status) {
    case "skip":
      return 0;
    case "pass":
      return 1;
    case "warn":
      return 2;
    case "error":
      return 3;
    case "fail":
      return 4;
  }
}

/** The worst of some statuses by {@link statusRank}; `skip` for an empty list (nothing ran). */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = "skip";
  for (const s of statuses) if (statusRank(s) > statusRank(worst)) worst = s;
  return worst;
}

/** True for statuses a reader must look at: fail, error and warn. */
export function isProblem(status: CheckStatus): boolean {
  return status === "fail" || status === "error" || status === "warn";
}

/**
 * The checks of one hop a reader must look at (fail, error, warn), worst first,
 * otherwise in report order.
 */
export function problemChecks(checks: readonly CheckResult[], hop?: ReportHop): CheckResult[] {
  return checks
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => (hop === undefined || c.hop === hop) && isProblem(c.status))
    .sort((a, b) => statusRank(b.c.status) - statusRank(a.c.status) || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * The hop rows of a path in path order: the engine's `hops` summaries, plus a
 * row derived from the checks (worst status, the worst check's summary) for
 * any hop that has checks but no summary.
 */
export function pathHops(path: Pick<PathReport, "hops" | "checks">): HopSummary[] {
  const byHop = new Map<string, HopSummary>();
  for (const h of path.hops) byHop.set(h.hop, h);
  for (const c of path.checks) {
    if (c.hop === "env" || byHop.has(c.hop)) continue;
    const mine = path.checks.filter((x) => x.hop === c.hop);
    const status = worstStatus(mine.map((x) => x.status));
    const first = mine.find((x) => x.status === status) ?? c;
    byHop.set(c.hop, { hop: c.hop, status, summary: first.summary });
  }
  return [...byHop.values()].sort((a, b) => hopIndex(a.hop) - hopIndex(b.hop));
}

/**
 * One sentence saying where the request stops (DESIGN §2 verdict):
 * "the request stops at the service hop — <summary> (ND502 service.port-free)";
 * for a path without a verdict, what that means for its status.
 */
export function verdictSentence(path: Pick<PathReport, "status" | "verdict" | "checks">): string {
  const v = path.verdict;
  if (v?.rootCause) {
    // Root causes lead (issue 11 §3): the headline names the cause; where the request stops follows.
    const r = v.rootCause;
    return `root cause ${r.code} ${r.checkId} — ${r.summary}; so the request stops at the ${v.hop} hop (${v.code} ${v.checkId}: ${v.summary})`;
  }
  if (v) return `the request stops at the ${v.hop} hop — ${v.summary} (${v.code} ${v.checkId})`;
  switch (path.status) {
    case "pass":
      return "the request passes every hop";
    case "warn": {
      const n = path.checks.filter((c) => c.status === "warn").length;
      const overruled = path.checks.filter((c) => c.overruled);
      if (overruled.length) {
        // DESIGN §2 evidence precedence: the probe's answer outranks the static findings that disagree.
        return `the request reaches the application (${overruled[0]!.overruled!.probe}); ${overruled.map((c) => c.code).join(", ")} found a failure the probe contradicts, now a warning (${n} warning${n === 1 ? "" : "s"} in all)`;
      }
      return `the request passes every hop, with ${n} warning${n === 1 ? "" : "s"}`;
    }
    case "fail":
      return "the path fails, but no hop was named as the place the request stops";
  }
}

/**
 * The end-to-end probe in a few words: "HTTP 404 traefik-404 in 3 ms",
 * "connection refused in 1 ms", "not run". The hop the signature points to is
 * appended for failures ("; points at the service hop").
 */
export function probeSentence(probe: ProbeReport): string {
  const ms = `${Math.round(probe.durationMs)} ms`;
  let s: string;
  switch (probe.outcome) {
    case "http":
      s = `HTTP ${probe.status ?? "?"}${probe.signature ? ` ${probe.signature}` : ""} in ${ms}`;
      break;
    case "refused":
      s = `connection refused in ${ms}`;
      break;
    case "reset":
      s = `connection reset in ${ms}`;
      break;
    case "timeout":
      s = `no answer within ${ms}`;
      break;
    case "empty-reply":
      s = `empty reply in ${ms}`;
      break;
    case "unreachable":
      s = `address unreachable${probe.error ? ` (${probe.error})` : ""}`;
      break;
    case "error":
      s = `error${probe.error ? `: ${probe.error}` : ""}`;
      break;
    case "not-run":
      return `not run${probe.error ? ` (${probe.error})` : ""}`;
    default:
      // A newer engine's outcome: say what it is rather than hide it.
      s = `${String(probe.outcome)} in ${ms}`;
  }
  if (probe.hop) s += `; points at the ${probe.hop} hop`;
  return s;
}

/**
 * What a path's status rests on, when that needs saying: "static evidence
 * only" when the probe could not run (DESIGN §2), with the reason; null when
 * the probe ran.
 */
export function basisSentence(path: Pick<PathReport, "basis" | "probe">): string | null {
  if (path.basis !== "static") return null;
  return `the status rests on static evidence only: the end-to-end probe could not run${path.probe.error ? ` (${path.probe.error})` : ""}`;
}

/**
 * The fixes offered for a set of checks: the fix ids their non-passing results
 * recommend, in order of first mention, joined with the run's fix reports
 * (title, risk, steps). A fix id without a report keeps its id as title.
 */
export function fixesFor(checks: readonly CheckResult[], fixes: readonly FixReport[]): FixReport[] {
  const ids: FixId[] = [];
  // Root causes lead (issue 11 §3): the fixes of findings that cause others come first.
  const causes = new Set(checks.map((c) => c.causedBy).filter((x): x is string => !!x));
  const problems = problemChecks(checks);
  // A consequence's own fixes are not offered: fixing the cause fixes it (the offered fix names the root cause).
  const ordered = [...problems.filter((c) => causes.has(c.code) && !c.causedBy), ...problems.filter((c) => !c.causedBy)];
  for (const c of ordered) for (const id of c.fixes) if (!ids.includes(id)) ids.push(id);
  return ids.map(
    (id) => fixes.find((f) => f.id === id) ?? { id, title: id, risk: "safe", forChecks: [], steps: [], applied: false },
  );
}

/** Shorten `s` to at most `max` characters, marking the cut with "...". */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, " ");
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 3))}...`;
}

/**
 * Evidence as `key: value` lines: strings as they are, anything else as
 * compact JSON, each value cut to `width` characters; at most `max` lines plus
 * a "(+N more)" line. Empty for missing or empty evidence.
 */
export function evidenceLines(
  evidence: Record<string, unknown> | undefined,
  opts: { max?: number; width?: number } = {},
): string[] {
  if (!evidence) return [];
  const entries = Object.entries(evidence).filter(([, v]) => v !== undefined);
  const max = opts.max ?? Infinity;
  const width = opts.width ?? 160;
  const lines = entries.slice(0, max).map(([k, v]) => `${k}: ${truncate(formatValue(v), width)}`);
  if (entries.length > max) lines.push(`(+${entries.length - max} more)`);
  return lines;
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * The objects the request traverses, as one line:
 * "127.0.0.1 -> 0.0.0.0:8080 docker-proxy -> container k3d-x-serverlb 8080:80 -> Service ns/name LoadBalancer:80 -> …";
 * a node reached without a container is named (`node devbox (this host)`, `node colima (Colima VM, instance colima)`).
 * Empty when nothing was resolved.
 */
export function resolutionLine(r: Resolution | null | undefined): string {
  if (!r) return "";
  const parts: string[] = [];
  if (r.address) parts.push(r.address);
  if (r.listener) parts.push(`${r.listener.address}:${r.listener.port}${r.listener.process ? ` ${r.listener.process}` : ""}`);
  if (r.forwarder?.chain?.length) for (const h of r.forwarder.chain) parts.push(`${h.owner} on ${h.listen}${h.upstream ? ` to ${h.upstream}` : ""}`);
  else if (r.forwarder) parts.push(`${r.forwarder.kind}${r.forwarder.upstream ? ` to ${r.forwarder.upstream}` : ""}`);
  if (r.container) parts.push(`container ${r.container.name} ${r.container.hostPort}:${r.container.containerPort}`);
  if (r.node) {
    const vm = r.node.forwardedBy;
    const tool = vm ? ({ lima: "Lima", colima: "Colima", "rancher-desktop": "Rancher Desktop" } as Record<string, string>)[vm.tool] ?? vm.tool : "";
    parts.push(`node ${r.node.name}${r.node.local ? " (this host)" : vm ? ` (${tool} VM${vm.instance ? `, instance ${vm.instance}` : ""})` : ""}`);
  }
  if (r.service) parts.push(`Service ${r.service.namespace}/${r.service.name} ${r.service.type}:${r.service.port}`);
  if (r.gateway) parts.push(`Gateway ${r.gateway.namespace}/${r.gateway.name}${r.gateway.listener ? ` listener ${r.gateway.listener}` : ""}`);
  if (r.route) parts.push(`${r.route.kind} ${r.route.namespace}/${r.route.name} rule ${r.route.rule}`);
  if (r.backend) parts.push(`backend ${r.backend.namespace}/${r.backend.name}:${r.backend.port}`);
  return parts.join(" -> ");
}

/** Counts of path statuses over a report, for the closing line. */
export function pathCounts(report: Pick<Report, "paths">): { pass: number; warn: number; fail: number } {
  const n = { pass: 0, warn: 0, fail: 0 };
  for (const p of report.paths) n[p.status]++;
  return n;
}

/** Hop type guard: a path hop (not `env`). */
export function isPathHop(hop: string): hop is Hop {
  return (HOPS as readonly string[]).includes(hop);
}

/**
 * The one line that says a report is an offline analysis (`--from BUNDLE`):
 * "offline analysis of bundle B, recorded 2026-11-22 10:00 UTC by netdoctor
 * 0.1.0: probes show their recorded outcomes; nothing was sent to the cluster".
 */
export function recordingSentence(r: RecordingInfo): string {
  const when = r.recordedAt ? `recorded ${r.recordedAt.replace("T", " ").replace(/(\d\d:\d\d):\d\d(\.\d+)?Z$/, "$1 UTC")}` : "recording time unknown";
  const by = r.recordedBy ? ` by netdoctor ${r.recordedBy}` : "";
  return `Offline analysis of bundle ${r.bundle}, ${when}${by}: probes show their recorded outcomes; nothing was sent to the cluster`;
}
