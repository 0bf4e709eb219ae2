/**
 * The JUnit XML reporter (`--junit FILE`, DESIGN §3): one `<testsuite>` for
 * the environment checks and one per path, one `<testcase>` per check, for CI
 * dashboards (GitLab, Jenkins, GitHub test reporters).
 *
 * Shape (the de-facto JUnit schema those tools read, as written by Maven
 * Surefire / pytest `--junitxml`):
 *
 * ```xml
 * <testsuites name="netdoctor" tests="…" failures="…" errors="…" skipped="…" time="…">
 *   <testsuite name="http://api.openchoreo.localhost:8080/" tests=… failures=… errors=… skipped=… time=… timestamp=…>
 *     <testcase classname="service" name="ND502 service.port-free" time="0.004">
 *       <failure message="summary">details and evidence as text</failure>
 *     </testcase>
 * ```
 *
 * Status mapping: fail → `<failure>`, error → `<error>`, skip →
 * `<skipped message="…"/>`, warn → a passing testcase with `<system-out>`,
 * pass → an empty testcase. Each path suite also has one testcase for the
 * end-to-end probe (`ND901 probe.end-to-end`, classname `probe`): failed when
 * the path's verdict rests on the probe alone ("no static cause found"),
 * skipped when the probe did not run, passed otherwise — so a path that fails
 * only by its probe is red in the dashboard too.
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

function testcase(c: CheckResult, classname: string = c.hop): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(`${c.code} ${c.id}`)}" time="${seconds(c.durationMs)}"`;
  switch (c.status) {
    case "pass":
      return `${open}/>`;
    case "warn":
      return `${open}>\n      <system-out>${escapeXml(`warning: ${body(c)}`)}</system-out>\n    </testcase>`;
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

function suite(name: string, cases: CheckResult[], timestamp: string, probe: CheckResult | null): string {
  const all = probe ? [...cases, probe] : cases;
  const n = (s: CheckResult["status"]) => all.filter((c) => c.status === s).length;
  const time = all.reduce((t, c) => t + c.durationMs, 0);
  const lines = [
    `  <testsuite name="${escapeXml(name)}" tests="${all.length}" failures="${n("fail")}" errors="${n("error")}" skipped="${n("skip")}" time="${seconds(time)}" timestamp="${escapeXml(timestamp)}">`,
    ...cases.map((c) => testcase(c)),
  ];
  if (probe) lines.push(testcase(probe, "probe"));
  lines.push("  </testsuite>");
  return lines.join("\n");
}

/** Counts over the whole JUnit document: what `<testsuites>` declares. */
export function junitCounts(report: Report): { tests: number; failures: number; errors: number; skipped: number } {
  const all = [...report.checks, ...report.paths.flatMap((p) => [...p.checks, probeResult(p)])];
  return {
    tests: all.length,
    failures: all.filter((c) => c.status === "fail").length,
    errors: all.filter((c) => c.status === "error").length,
    skipped: all.filter((c) => c.status === "skip").length,
  };
}

/** Render the report as a JUnit XML document (UTF-8, ends with a newline). */
export function renderJunit(report: Report): string {
  const c = junitCounts(report);
  const ts = report.startedAt.replace(/\.\d+Z$/, "Z").replace(/Z$/, "");
  const suites: string[] = [];
  if (report.checks.length) suites.push(suite("environment", report.checks, ts, null));
  for (const p of report.paths) suites.push(suite(p.target.url, p.checks, ts, probeResult(p)));
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="netdoctor" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}
