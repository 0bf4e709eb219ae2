/**
 * The JUnit XML reporter (`--junit FILE`, DESIGN §3): one `<testsuite>` for
 * the environment checks and one per path, one `<testcase>` per check, for CI
 * dashboards (GitLab, Jenkins, GitHub test reporters).
 *
 * Shape: valid against the JUnit schema CI servers validate with (Jenkins
 * xunit-plugin's junit-10.xsd, the Surefire format; tested with xmllint):
 *
 * ```xml
 * <testsuites name="netdoctor" tests="…" failures="…" errors="…" time="…">
 *   <testsuite name="http://api.openchoreo.localhost:8080/" tests=… failures=… errors=… skipped=… time=… timestamp=…>
 *     <testcase classname="http://api.openchoreo.localhost:8080/ service" name="ND502 service.port-free" time="0.004">
 *       <failure message="summary" type="ND502">details and evidence as text</failure>
 *     </testcase>
 * ```
 *
 * The test class is the path's URL and the hop, so the same check on two
 * URLs is two tests in a dashboard, never one (`environment` for the
 * environment checks).
 *
 * Status mapping: fail → `<failure>`, error → `<error>`, warn → `<skipped
 * type="warning">` (visible, not a pass), or `<failure type="warning">` under
 * `--fail-on warn`; a suppressed finding → `<skipped type="suppressed">` with
 * its reason; a check blocked by another → `<skipped>`; pass → an empty
 * testcase. A check that does not apply to the path (skipped without being
 * blocked) is left out. Each path suite also has one testcase for the
 * end-to-end probe (`ND901 probe.end-to-end`, class `URL probe`): failed when
 * the path's verdict rests on the probe alone ("no static cause found"),
 * passed when it ran otherwise, left out when it did not run — so a path that
 * fails only by its probe is red in the dashboard too.
 */
import { PROBE_CHECK } from "../engine/verdict.js";
import type { CheckResult, PathReport, Report } from "./types.js";

/**
 * Escape text for XML 1.0 content and attribute values: `& < > " '` become
 * entities; characters XML 1.0 forbids (C0 controls other than tab, LF, CR;
 * lone surrogates; U+FFFE/U+FFFF) are written as `\xNN` / `\uNNNN` text, so a
 * response body with an escape sequence cannot make the file unparsable.
 */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, (c) => {
        const code = c.charCodeAt(0);
        return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
      })
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** Seconds with millisecond precision, as JUnit `time` attributes are written. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** A check's details and evidence as plain text (the body of a failure / error / system-out). */
function body(c: CheckResult): string {
  const parts = [c.summary];
  if (c.details) parts.push("", c.details);
  if (c.evidence && Object.keys(c.evidence).length) parts.push("", "evidence:", JSON.stringify(c.evidence, null, 2));
  if (c.fixes.length) parts.push("", `fixes: ${c.fixes.join(", ")}`);
  if (c.blockedBy) parts.push("", `blocked by ${c.blockedBy}`);
  return parts.join("\n");
}

/** Options of the JUnit reporter. */
export interface JunitOptions {
  /** `--fail-on`: under `warn`, a warning is a failure. */
  failOn?: "fail" | "warn" | "never";
}

/** How a result is written: the JUnit outcome, or null to leave it out (not applicable). */
function outcome(c: CheckResult, opts: JunitOptions): "pass" | "failure" | "error" | "skipped" | null {
  if (c.suppressed) return "skipped";
  switch (c.status) {
    case "pass":
      return "pass";
    case "fail":
      return "failure";
    case "error":
      return "error";
    case "warn":
      return opts.failOn === "warn" ? "failure" : "skipped";
    case "skip":
      return c.blockedBy ? "skipped" : null;
  }
}

function testcase(c: CheckResult, classname: string, opts: JunitOptions): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(`${c.code} ${c.id}`)}" time="${seconds(c.durationMs)}"`;
  if (c.suppressed) return `${open}>\n      <skipped type="suppressed" message="${escapeXml(`suppressed (${c.status}): ${c.suppressed.reason}`)}">${escapeXml(body(c))}</skipped>\n    </testcase>`;
  switch (c.status) {
    case "pass":
      return `${open}/>`;
    case "warn":
      return opts.failOn === "warn"
        ? `${open}>\n      <failure message="${escapeXml(`warning: ${c.summary}`)}" type="warning">${escapeXml(body(c))}</failure>\n    </testcase>`
        : `${open}>\n      <skipped type="warning" message="${escapeXml(`warning: ${c.summary}`)}">${escapeXml(body(c))}</skipped>\n    </testcase>`;
    case "fail":
      return `${open}>\n      <failure message="${escapeXml(c.summary)}" type="${escapeXml(c.code)}">${escapeXml(body(c))}</failure>\n    </testcase>`;
    case "error":
      return `${open}>\n      <error message="${escapeXml(c.summary)}" type="${escapeXml(c.code)}">${escapeXml(body(c))}</error>\n    </testcase>`;
    case "skip":
      return `${open}>\n      <skipped message="${escapeXml(c.summary)}"/>\n    </testcase>`;
  }
}

/** The probe's pseudo-check result for a path (see the module comment). */
export function probeResult(p: PathReport): CheckResult {
  const onProbe = p.verdict?.checkId === PROBE_CHECK.id;
  const status: CheckResult["status"] = onProbe ? "fail" : p.probe.outcome === "not-run" ? "skip" : "pass";
  // A probe that did not run is not applicable (left out); blockedBy stays null.
  const what = p.probe.outcome === "http" ? `HTTP ${p.probe.status ?? "?"}${p.probe.signature ? ` (${p.probe.signature})` : ""}` : p.probe.outcome;
  const summary = onProbe ? p.verdict!.summary : p.probe.outcome === "not-run" ? "not applicable: the probe did not run" : `the end-to-end request got ${what}`;
  return {
    id: PROBE_CHECK.id,
    code: PROBE_CHECK.code,
    hop: "env",
    title: PROBE_CHECK.title,
    status,
    summary,
    evidence: { probe: p.probe },
    fixes: [],
    blockedBy: null,
    durationMs: p.probe.durationMs,
  };
}

/** The results a suite writes, with their JUnit outcome (the ones left out dropped). */
function written(cases: CheckResult[], opts: JunitOptions): { c: CheckResult; o: NonNullable<ReturnType<typeof outcome>> }[] {
  return cases.map((c) => ({ c, o: outcome(c, opts) })).filter((x): x is { c: CheckResult; o: NonNullable<ReturnType<typeof outcome>> } => x.o !== null);
}

function suite(name: string, cases: CheckResult[], timestamp: string, probe: CheckResult | null, classOf: (c: CheckResult) => string, opts: JunitOptions): string {
  const all = written(probe ? [...cases, probe] : cases, opts);
  const n = (o: string) => all.filter((x) => x.o === o).length;
  const time = all.reduce((t, x) => t + x.c.durationMs, 0);
  const lines = [
    `  <testsuite name="${escapeXml(name)}" tests="${all.length}" failures="${n("failure")}" errors="${n("error")}" skipped="${n("skipped")}" time="${seconds(time)}" timestamp="${escapeXml(timestamp)}">`,
    ...all.map(({ c }) => testcase(c, c === probe ? classOf({ ...c, hop: "probe" as CheckResult["hop"] }) : classOf(c), opts)),
    "  </testsuite>",
  ];
  return lines.join("\n");
}

/** Counts over the whole JUnit document: what `<testsuites>` declares (the common schema has no `skipped` there), and the skipped ones. */
export function junitCounts(report: Report, opts: JunitOptions = {}): { tests: number; failures: number; errors: number; skipped: number } {
  const all = written([...report.checks, ...report.paths.flatMap((p) => [...p.checks, probeResult(p)])], opts);
  return {
    tests: all.length,
    failures: all.filter((x) => x.o === "failure").length,
    errors: all.filter((x) => x.o === "error").length,
    skipped: all.filter((x) => x.o === "skipped").length,
  };
}

/** Render the report as a JUnit XML document (UTF-8, ends with a newline). */
export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const c = junitCounts(report, opts);
  const ts = report.startedAt.replace(/\.\d+Z$/, "Z").replace(/Z$/, "");
  const suites: string[] = [];
  if (report.checks.length) suites.push(suite("environment", report.checks, ts, null, () => "environment", opts));
  for (const p of report.paths) suites.push(suite(p.target.url, p.checks, ts, probeResult(p), (x) => `${p.target.url} ${x.hop}`, opts));
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="netdoctor" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" time="${seconds(report.durationMs)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}
