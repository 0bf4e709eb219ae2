/**
 * GitHub Actions output (issue 13 §5): one workflow-command annotation per
 * root cause (`::error title=…::…` for a failure, `::warning` for a warning
 * or a check that could not run), and a Markdown job summary appended to
 * `$GITHUB_STEP_SUMMARY`: the result, a table of the causes and a table of
 * the paths. Written with GitHub's own toolkit (`@actions/core`), which
 * escapes values as the runner parses them.
 *
 * Annotations carry no `file`: a finding is about the cluster, not a line of
 * the repository; the title names the check and the hop.
 */
import * as core from "@actions/core";
import { rootCauses, type Cause } from "./causes.js";
import { probeSentence, verdictSentence } from "./format.js";
import { suppressedFindings } from "./filter.js";
import type { Report } from "./types.js";

/** The annotation text of a cause: why, where, and the fix. */
function message(c: Cause): string {
  const where = c.scope === "environment" ? "every path" : c.paths.join(", ");
  const fix = c.fixes.length ? `fix: ${c.fixes.map((f) => `netdoctor fix ${f.id} (${f.title}, ${f.risk})`).join("; ")}` : `see: netdoctor explain ${c.check.code}`;
  const explains = c.consequences.length ? `explains: ${c.consequences.map((x) => `${x.code} ${x.id}`).join(", ")}` : null;
  return [c.check.summary, `paths: ${where}`, explains, fix].filter(Boolean).join("\n");
}

/** The annotations as the lines `@actions/core` writes (one command per cause), for `failOnWarn` a warning is an error too. */
export async function writeAnnotations(report: Report, opts: { failOnWarn?: boolean } = {}): Promise<void> {
  for (const c of rootCauses(report)) {
    const title = `${c.check.code} ${c.check.id} (${c.scope === "environment" ? "environment" : `${c.check.hop} hop`})`;
    if (c.status === "fail" || (opts.failOnWarn && c.status === "warn")) core.error(message(c), { title });
    else core.warning(message(c), { title });
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The job summary as Markdown (what {@link writeSummary} appends). */
export function summaryMarkdown(report: Report): string {
  const causes = rootCauses(report);
  const lines = [`## netdoctor: ${report.status.toUpperCase()}`, ""];
  const n = { pass: 0, warn: 0, fail: 0 };
  for (const p of report.paths) n[p.status]++;
  lines.push(`${report.paths.length} path${report.paths.length === 1 ? "" : "s"}: ${n.fail} fail, ${n.warn} warn, ${n.pass} pass${report.environment.context ? ` — context \`${report.environment.context}\`` : ""}`, "");
  if (causes.length) {
    lines.push("### Causes", "", "| status | where | check | why | paths | fix |", "|---|---|---|---|---|---|");
    for (const c of causes) {
      const where = c.scope === "environment" ? "environment" : `${c.check.hop} hop`;
      const fix = c.fixes.length ? c.fixes.map((f) => `\`netdoctor fix ${f.id}\``).join(", ") : `\`netdoctor explain ${c.check.code}\``;
      lines.push(`| ${c.status.toUpperCase()} | ${where} | ${c.check.code} \`${c.check.id}\` | ${cell(c.check.summary)} | ${c.scope === "environment" ? "every path" : cell(c.paths.join(", "))} | ${fix} |`);
    }
    lines.push("");
  }
  lines.push("### Paths", "", "| status | URL | verdict | probe |", "|---|---|---|---|");
  for (const p of report.paths) lines.push(`| ${p.status.toUpperCase()} | ${cell(p.target.url)} | ${cell(verdictSentence(p))} | ${cell(probeSentence(p.probe))} |`);
  const suppressed = suppressedFindings(report);
  if (suppressed.length) {
    lines.push("", "### Suppressed", "", "| check | status | path | reason |", "|---|---|---|---|");
    for (const s of suppressed) lines.push(`| ${s.check.code} \`${s.check.id}\` | ${s.check.status} | ${cell(s.path ?? "environment")} | ${cell(s.check.suppressed!.reason)} |`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Append the job summary to `$GITHUB_STEP_SUMMARY` (through `@actions/core`'s
 * summary); nothing when the variable is unset. A summary that cannot be
 * written (`@actions/core` refuses a path that does not exist or is not
 * writable: "Unable to access summary file") is said in one line on stderr
 * and the run goes on: the report, the annotations and the exit code are the
 * diagnosis's, not the summary file's.
 */
export async function writeSummary(report: Report): Promise<void> {
  if (!process.env["GITHUB_STEP_SUMMARY"]) return;
  try {
    await core.summary.addRaw(summaryMarkdown(report), true).write();
  } catch (e) {
    core.summary.emptyBuffer();
    process.stderr.write(`netdoctor: the job summary was not written: ${String((e as Error).message ?? e).split("\n")[0]}\n`);
  }
}
