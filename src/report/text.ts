/**
 * The plain-text reporter: stable, colour-free output for CI logs and
 * non-TTY stdout (DESIGN §3 output modes). Never writes an escape code: control
 * characters found in report data (response bodies, command lines) are shown
 * as `\xNN`.
 *
 * Layout, answer first (issue 13 §1): the header and the result; one entry
 * per root cause (src/report/causes.ts) with its paths, why, what else it
 * explains and the fix; a line per passing path; then the failing and warning
 * hops of each path (paths with the same findings shown once):
 *
 * ```
 * Result: FAIL  3 paths (3 fail, 0 warn, 0 pass), 89 checks in 398 ms
 *
 * [FAIL] service hop: ND502 service.port-free — 3 paths
 *        why: svclb pod … is Pending: port 80 is held by svclb-traefik-…
 *        paths: http://api.openchoreo.localhost:8080/, http://openchoreo.localhost:8080/, …
 *        explains: ND503 service.load-balancer-ready, ND603 gateway.programmed
 *        fix: netdoctor fix remove-traefik — Remove k3s' bundled traefik (disruptive)
 *
 * Details: the failing and warning hops (--verbose: every check)
 *
 * http://api.openchoreo.localhost:8080/  FAIL  (same for http://openchoreo.localhost:8080/, …)
 *   [FAIL] service    ND502 service.port-free  svclb pod … is Pending …
 *                     pod: kube-system/svclb-gateway-default-6d1c3f7a-x2x9q
 *   Probe: HTTP 404 traefik-404 in 3 ms; points at the service hop
 * ```
 *
 * `--verbose` keeps the outcome and lists every check of every path instead
 * of the details. `-o short|wide` is one line per path (`renderShort`).
 */
import type { CheckStatus } from "../engine/types.js";
import { describeTarget } from "./request-text.js";
import {
  basisSentence,
  evidenceLines,
  fixesFor,
  pathCounts,
  pathHops,
  probeSentence,
  problemChecks,
  recordingSentence,
  resolutionLine,
  verdictSentence,
  worstStatus,
} from "./format.js";
import { rootCauses, type Cause } from "./causes.js";
import { suppressedFindings } from "./filter.js";
import type { CheckResult, DiscoveryReport, FixReport, PathReport, Report, RunEvent, RunListener } from "./types.js";

/** Options of the text reporter. */
export interface TextOptions {
  /** List every check under its hop (with details and all evidence), not only the failing and warning ones. */
  verbose?: boolean;
}

/** ASCII status marks, padded to one width: `[ok]`, `[warn]`, `[FAIL]`, `[skip]`, `[err]`. */
export function textMark(status: CheckStatus): string {
  switch (status) {
    case "pass":
      return "[ok]  ";
    case "warn":
      return "[warn]";
    case "fail":
      return "[FAIL]";
    case "skip":
      return "[skip]";
    case "error":
      return "[err] ";
  }
}

const HOP_WIDTH = 10; // "host-port" + 1
const CHECK_INDENT = "           "; // under the hop summary column
const EVIDENCE_INDENT = CHECK_INDENT + "       ";

/** Replace control characters (ESC and friends) by a visible `\xNN`, keeping the text one line each. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function checkLines(c: CheckResult, verbose: boolean, ids: ReadonlyMap<string, string> = new Map()): string[] {
  const lines = [`${CHECK_INDENT}${textMark(c.status)} ${c.code} ${c.id}  ${c.summary}`];
  if (c.causedBy) lines.push(`${EVIDENCE_INDENT}caused by ${c.causedBy}${ids.has(c.causedBy) ? ` ${ids.get(c.causedBy)}` : ""}`);
  if (c.overruled) lines.push(`${EVIDENCE_INDENT}likely: ${c.overruled.likely}`);
  const showEvidence = verbose || c.status !== "pass";
  if (showEvidence) {
    const ev = evidenceLines(c.evidence, verbose ? { width: 400 } : { max: 4, width: 160 });
    for (const l of ev) lines.push(`${EVIDENCE_INDENT}${l}`);
  }
  if (verbose && c.details) for (const l of c.details.split("\n")) lines.push(`${EVIDENCE_INDENT}${l}`);
  return lines;
}

/** Each offered fix with its steps, and the command that plans and applies it (`netdoctor fix ID`). */
function fixLines(fixes: FixReport[], indent: string): string[] {
  return fixes.flatMap((f, i) => [
    `${indent}${i === 0 ? "Fixes: " : "       "}${f.id} — ${f.title} (${f.risk})${f.applied ? " [applied]" : ""}`,
    ...f.steps.map((step) => `${indent}         ${step}`),
    ...(f.applied ? [] : [`${indent}         plan and apply: netdoctor fix ${f.id}`]),
  ]);
}

function envBlock(report: Report, verbose: boolean): string[] {
  if (report.checks.length === 0) return [];
  const status = worstStatus(report.checks.map((c) => c.status));
  const label = status === "skip" ? "SKIP" : status === "error" ? "FAIL" : status === "pass" ? "PASS" : status.toUpperCase();
  const lines = [`Environment  ${label}`];
  for (const c of report.checks) {
    lines.push(`  ${textMark(c.status)} ${c.code} ${c.id}  ${c.summary}`);
    if (verbose || c.status !== "pass") {
      const ev = evidenceLines(c.evidence, verbose ? { width: 400 } : { max: 4, width: 160 });
      for (const l of ev) lines.push(`${" ".repeat(9)}${l}`);
      if (verbose && c.details) for (const l of c.details.split("\n")) lines.push(`${" ".repeat(9)}${l}`);
    }
  }
  lines.push(...fixLines(fixesFor(report.checks, report.fixes), "  "));
  return lines;
}

/** The block of one path: header, hop rows (with the checks to look at), verdict, probe, fixes. */
export function renderPathText(path: PathReport, fixes: readonly FixReport[], opts: TextOptions = {}): string[] {
  const verbose = opts.verbose ?? false;
  const lines = [`${describeTarget(path.target)}  ${path.status.toUpperCase()}`];
  const ids = new Map(path.checks.map((c) => [c.code, c.id]));
  for (const hop of pathHops(path)) {
    lines.push(`  ${textMark(hop.status)} ${hop.hop.padEnd(HOP_WIDTH)} ${hop.summary}`);
    const shown = verbose ? path.checks.filter((c) => c.hop === hop.hop) : problemChecks(path.checks, hop.hop);
    for (const c of shown) lines.push(...checkLines(c, verbose, ids));
  }
  const through = resolutionLine(path.resolution);
  if (through) lines.push(`  Through: ${through}`);
  lines.push(`  Verdict: ${verdictSentence(path)}`);
  const basis = basisSentence(path);
  if (basis) lines.push(`  Evidence: ${basis}`);
  lines.push(`  Probe: ${probeSentence(path.probe)}`);
  lines.push(...fixLines(fixesFor(path.checks, fixes), "  "));
  return lines;
}

/**
 * What discovery found, as printed first: `Discovered: <summary>`, then (with
 * `verbose`) each entry point with the chain of objects that led to it.
 */
export function discoveryLines(d: DiscoveryReport, verbose: boolean): string[] {
  const lines = [`Discovered: ${d.summary}`];
  if (verbose) for (const e of d.entryPoints) lines.push(`  ${e.url}  ← ${e.why}`);
  return lines;
}

/** `Result: FAIL  3 paths (3 fail, 0 warn, 0 pass), 89 checks in 448 ms`. */
export function resultLine(report: Report): string {
  const n = pathCounts(report);
  const checks = report.checks.length + report.paths.reduce((s, p) => s + p.checks.length, 0);
  return (
    `Result: ${report.status.toUpperCase()}  ${report.paths.length} path${report.paths.length === 1 ? "" : "s"} ` +
    `(${n.fail} fail, ${n.warn} warn, ${n.pass} pass), ${checks} checks in ${Math.round(report.durationMs)} ms`
  );
}

/** A list of URLs in one line: all of them up to `max`, then "and N more". */
function urlList(urls: readonly string[], max = 4): string {
  return urls.length <= max ? urls.join(", ") : `${urls.slice(0, max).join(", ")} and ${urls.length - max} more`;
}

/**
 * The outcome, one entry per root cause (issue 13 §1): where, which check,
 * why in one line, the paths it affects (identical paths grouped), what else
 * it explains, and the fix.
 */
export function causeLines(causes: readonly Cause[]): string[] {
  const lines: string[] = [];
  for (const c of causes) {
    const where = c.scope === "environment" ? "environment" : `${c.check.hop} hop`;
    const n = c.paths.length;
    lines.push(`${textMark(c.status)} ${where}: ${c.check.code} ${c.check.id}${c.scope === "paths" ? ` — ${n} path${n === 1 ? "" : "s"}` : " — every path"}`);
    lines.push(`       why: ${c.check.summary}`);
    if (c.check.overruled) lines.push(`       likely: ${c.check.overruled.likely}`);
    if (n > 0) lines.push(`       ${n === 1 ? "path" : "paths"}: ${urlList(c.paths)}`);
    if (c.consequences.length) lines.push(`       explains: ${c.consequences.map((x) => `${x.code} ${x.id}`).join(", ")}`);
    for (const f of c.fixes) lines.push(`       fix: ${f.applied ? `${f.id} [applied]` : `netdoctor fix ${f.id}`} — ${f.title} (${f.risk})`);
    if (c.fixes.length === 0) lines.push(`       more: netdoctor explain ${c.check.code}`);
  }
  return lines;
}

/** Suppressed findings (issue 13 §4): listed with their reasons, never hidden; none: no lines. */
export function suppressedLines(report: Report): string[] {
  const all = suppressedFindings(report);
  if (all.length === 0) return [];
  return [
    "",
    `Suppressed (${all.length}): not counted toward the result or --fail-on`,
    ...all.map(({ check, path }) => `  ${textMark(check.status)} ${check.code} ${check.id} on ${path ?? "the environment"} — ${check.suppressed!.reason}`),
  ];
}

/** What makes two paths' detail blocks the same: their findings, probe and evidence basis. */
function detailKey(path: PathReport): string {
  const problems = problemChecks(path.checks).map((c) => [c.code, c.status, c.summary, c.evidence ?? null]);
  return JSON.stringify([path.status, problems, path.probe.outcome, path.probe.status ?? null, path.probe.signature, path.basis ?? null, path.verdict?.checkId ?? null]);
}

/** One path's failing and warning hops, each finding with a little evidence; then what is not said by a cause. */
function problemBlock(path: PathReport, same: readonly string[]): string[] {
  const lines = [`${describeTarget(path.target)}  ${path.status.toUpperCase()}${same.length ? `  (same for ${urlList(same, 3)})` : ""}`];
  for (const hop of pathHops(path)) {
    const shown = problemChecks(path.checks, hop.hop);
    shown.forEach((c, i) => {
      lines.push(`  ${textMark(c.status)} ${(i === 0 ? hop.hop : "").padEnd(HOP_WIDTH)} ${c.code} ${c.id}  ${c.suppressed ? "(suppressed) " : ""}${c.summary}`);
      if (c.overruled) lines.push(`${CHECK_INDENT}         likely: ${c.overruled.likely}`);
      for (const l of evidenceLines(c.evidence, { max: 3, width: 160 })) lines.push(`${CHECK_INDENT}         ${l}`);
    });
  }
  // The objects differ between grouped paths (their routes, backends): shown for a path alone.
  const through = same.length === 0 ? resolutionLine(path.resolution) : "";
  if (through) lines.push(`  Through: ${through}`);
  if (!path.verdict) lines.push(`  Verdict: ${verdictSentence(path)}`);
  const basis = basisSentence(path);
  if (basis) lines.push(`  Evidence: ${basis}`);
  lines.push(`  Probe: ${probeSentence(path.probe)}`);
  return lines;
}

/** The header: tool, context, flavor, cluster; then where netdoctor looked. */
function headLines(report: Report): string[] {
  const env = report.environment;
  const head = [`netdoctor ${report.tool.version}`];
  if (env.context) head.push(`context ${env.context}`);
  head.push(`flavor ${env.flavor}`);
  if (env.cluster) head.push(`cluster ${env.cluster}`);
  const lines = [head.join("  "), [`API server ${env.apiServer ?? "none"}`, `docker ${env.dockerHost ?? "none"}`, `host address ${env.hostAddress}`].join("  ")];
  if (report.recording) lines.push(recordingSentence(report.recording));
  return lines;
}

/**
 * The whole report as plain text, ending with a newline, answer first (issue
 * 13 §1): the header and the result line; then one entry per root cause
 * (`causeLines`) and a line per path that passes; then the failing and
 * warning hops of each path (paths with the same findings shown once); with
 * `verbose`, every check of every path instead. Stable: the same report
 * gives the same text; no colours, no escape codes, no terminal width.
 */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const verbose = opts.verbose ?? false;
  const lines = headLines(report);
  if (report.discovery) lines.push(...discoveryLines(report.discovery, verbose));
  lines.push("", resultLine(report));
  const causes = rootCauses(report);
  if (causes.length) lines.push("", ...causeLines(causes));
  lines.push(...suppressedLines(report));
  const passing = report.paths.filter((p) => p.status === "pass");
  if (passing.length) {
    lines.push("");
    for (const p of passing) lines.push(`${textMark("pass")} ${p.target.url} — ${verdictSentence(p)}; probe ${probeSentence(p.probe)}`);
  }
  if (verbose) {
    const envLines = envBlock(report, true);
    if (envLines.length) lines.push("", ...envLines);
    let port: number | null = null;
    for (const path of report.paths) {
      // Discovered paths are grouped by entry (host) port: a header when the port changes.
      if (report.discovery && path.target.port !== port) {
        port = path.target.port;
        lines.push("", `== port ${port} ==`);
      }
      lines.push("", ...renderPathText(path, report.fixes, { verbose }));
    }
    lines.push("", resultLine(report));
  } else if (causes.length) {
    lines.push("", "Details: the failing and warning hops (--verbose: every check)");
    const envProblems = problemChecks(report.checks);
    if (envProblems.length) {
      lines.push("", `Environment  ${worstStatus(envProblems.map((c) => c.status)).toUpperCase()}`);
      for (const c of envProblems) {
        lines.push(`  ${textMark(c.status)} ${c.code} ${c.id}  ${c.summary}`);
        for (const l of evidenceLines(c.evidence, { max: 3, width: 160 })) lines.push(`${" ".repeat(9)}${l}`);
      }
    }
    const groups = new Map<string, PathReport[]>();
    for (const p of report.paths) {
      if (p.status === "pass") continue;
      const k = detailKey(p);
      groups.set(k, [...(groups.get(k) ?? []), p]);
    }
    for (const [, [first, ...rest]] of groups) lines.push("", ...problemBlock(first!, rest.map((p) => p.target.url)));
    lines.push("", resultLine(report));
  }
  return lines.map(clean).join("\n") + "\n";
}

/**
 * One line per path (`-o short`): status, URL, and where and why it stops
 * (or the probe's answer for a passing path). With `wide`, the probe and the
 * objects the request traverses too (`-o wide`, as kubectl's).
 */
export function renderShort(report: Report, opts: { wide?: boolean } = {}): string {
  const rows: string[][] = [];
  // WHY is last (unpadded): the other columns stay aligned whatever its length.
  const row = (status: string, url: string, hop: string, code: string, why: string, probe: string, through: string) =>
    opts.wide ? [status, url, hop, code, probe, through, why] : [status, url, hop, code, why];
  const head = row("STATUS", "URL", "HOP", "CHECK", "WHY", "PROBE", "THROUGH");
  rows.push(head);
  for (const c of problemChecks(report.checks)) rows.push(row(c.status.toUpperCase(), "(environment)", "env", c.code, c.summary, "-", "-"));
  for (const p of report.paths) {
    const first = p.verdict ? p.checks.find((c) => c.id === p.verdict!.checkId) : problemChecks(p.checks)[0];
    rows.push(row(p.status.toUpperCase(), p.target.url, first?.hop ?? "-", first?.code ?? "-", first ? first.summary : verdictSentence(p), probeSentence(p.probe), resolutionLine(p.resolution) || "-"));
  }
  const widths = head.map((_, i) => (i === head.length - 1 ? 0 : Math.max(...rows.map((r) => r[i]!.length))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).map(clean).join("\n") + "\n";
}

/**
 * Progress of a run for a terminal (stderr): one line, rewritten in place,
 * counting finished checks and paths; erased at `run-end`. Write it only to a
 * terminal (issue 13 §1: progress goes to stderr, and only on a terminal).
 */
export function createProgressReporter(write: (s: string) => void): RunListener {
  let total = 0;
  let done = 0;
  let paths = 0;
  let targets = 0;
  const show = () => write(`\r\x1b[2Knetdoctor: ${done}/${total} checks, ${paths}/${targets} paths`);
  return (event: RunEvent) => {
    switch (event.type) {
      case "run-start":
        total = event.checks.length;
        targets = event.targets.length;
        show();
        return;
      case "check-end":
        done++;
        show();
        return;
      case "path-end":
        paths++;
        show();
        return;
      case "run-end":
        write("\r\x1b[2K");
        return;
      default:
        return;
    }
  };
}

/**
 * The text reporter: at `run-end`, exactly the text of {@link renderText}
 * for the final report (nothing before it: progress is
 * {@link createProgressReporter}'s, on stderr).
 *
 * @param write receives the whole report.
 */
export function createTextReporter(write: (s: string) => void, opts: TextOptions = {}): RunListener {
  return (event: RunEvent) => {
    if (event.type === "run-end") write(renderText(event.report, opts));
  };
}
