/**
 * The plain-text reporter: stable, colour-free output for CI logs and
 * non-TTY stdout (DESIGN §3 output modes). Never writes an escape code: control
 * characters found in report data (response bodies, command lines) are shown
 * as `\xNN`.
 *
 * Layout (one block per path, environment checks first):
 *
 * ```
 * http://api.openchoreo.localhost:8080/  FAIL
 *   [ok]   dns        api.openchoreo.localhost resolves to 127.0.0.1
 *   [FAIL] service    svclb pod for gateway-default is Pending …
 *            [FAIL] ND502 service.port-free  svclb pod … held by svclb-traefik
 *                   pod: kube-system/svclb-gateway-default-6d1c3f7a-x2x9q
 *   Verdict: the request stops at the service hop — … (ND502 service.port-free)
 *   Probe: HTTP 404 traefik-404 in 3 ms
 *   Fixes: remove-traefik — Remove k3s' bundled traefik (disruptive)
 *            kubectl -n kube-system delete helmchart traefik traefik-crd
 * ```
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

/**
 * The whole report as plain text, ending with a newline. Stable: the same
 * report gives the same text; no colours, no escape codes, no terminal width.
 */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const verbose = opts.verbose ?? false;
  const env = report.environment;
  const head = [`netdoctor ${report.tool.version}`];
  if (env.context) head.push(`context ${env.context}`);
  head.push(`flavor ${env.flavor}`);
  if (env.cluster) head.push(`cluster ${env.cluster}`);
  const lines = [head.join("  ")];
  const where = [`API server ${env.apiServer ?? "none"}`, `docker ${env.dockerHost ?? "none"}`, `host address ${env.hostAddress}`];
  lines.push(where.join("  "));
  if (report.recording) lines.push(recordingSentence(report.recording));
  if (report.discovery) lines.push(...discoveryLines(report.discovery, verbose));
  const envLines = envBlock(report, verbose);
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
  const n = pathCounts(report);
  const checks = report.checks.length + report.paths.reduce((s, p) => s + p.checks.length, 0);
  lines.push(
    "",
    `Result: ${report.status.toUpperCase()}  ${report.paths.length} path${report.paths.length === 1 ? "" : "s"} ` +
      `(${n.fail} fail, ${n.warn} warn, ${n.pass} pass), ${checks} checks in ${Math.round(report.durationMs)} ms`,
  );
  return lines.map(clean).join("\n") + "\n";
}

/**
 * An incremental text reporter for CI logs: one line per finished check and
 * per probe as events arrive, then, at `run-end`, a blank line and exactly the
 * text of {@link renderText} for the final report.
 *
 * @param write receives whole lines (each ending in "\n").
 */
export function createTextReporter(write: (s: string) => void, opts: TextOptions = {}): RunListener {
  let targets: { host: string; port: number; url: string }[] = [];
  const where = (path: number | null): string => {
    if (path === null) return "env";
    const t = targets[path];
    return t ? `${t.host}:${t.port}` : `path ${path}`;
  };
  return (event: RunEvent) => {
    switch (event.type) {
      case "run-start": {
        targets = event.targets;
        if (event.recording) write(clean(recordingSentence(event.recording)) + "\n");
        if (event.discovery) for (const l of discoveryLines(event.discovery, true)) write(clean(l) + "\n");
        const n = event.targets.length;
        write(clean(`netdoctor: diagnosing ${n} target${n === 1 ? "" : "s"} (${event.checks.length} checks)`) + "\n");
        return;
      }
      case "check-start":
        return;
      case "check-end": {
        const r = event.result;
        write(clean(`${textMark(r.status)} ${where(event.path)}  ${r.code} ${r.id}  ${r.summary}`) + "\n");
        return;
      }
      case "probe-end":
        write(clean(`probe  ${where(event.path)}  ${probeSentence(event.probe)}`) + "\n");
        return;
      case "path-end":
        write(clean(`path   ${describeTarget(event.report.target)}  ${event.report.status.toUpperCase()}`) + "\n");
        return;
      case "run-end":
        write("\n" + renderText(event.report, opts));
        return;
    }
  };
}
