/**
 * The diagnose command's output modes and exit code (DESIGN §3), shared by
 * the command line (src/commands/diagnose.ts, which picks the mode before it
 * loads the run) and the run (src/commands/diagnose-run.ts). No module state:
 * both parts of the bundle may hold a copy (scripts/bundle.mjs).
 */
import { UsageError } from "../errors.js";
import type { Report } from "../report/types.js";

/** Output formats `-o` takes (issue 13 §1); `--json` is `-o json`. */
export const OUTPUT_FORMATS = ["text", "short", "wide", "json", "yaml", "github"] as const;

/** An output format, or the TUI (a terminal, no `-o`/`--json`, not under CI). */
export type Mode = (typeof OUTPUT_FORMATS)[number] | "tui";

/**
 * `-o`, else `--json`, else the TUI on a terminal (not under CI), else text (DESIGN §3 output modes).
 * @throws UsageError for `--json` with another `-o`.
 */
export function chooseMode(flags: { json?: boolean; output?: (typeof OUTPUT_FORMATS)[number] }): Mode {
  if (flags.json && flags.output && flags.output !== "json") throw new UsageError(`--json and -o ${flags.output} cannot be combined: pick one output format`);
  if (flags.output) return flags.output;
  if (flags.json) return "json";
  if (!process.stdout.isTTY || process.env["CI"]) return "text";
  return "tui";
}

/** Exit code for a report status under `--fail-on` (DESIGN §3). */
export function exitCodeFor(status: Report["status"], failOn: "fail" | "warn" | "never"): number {
  switch (failOn) {
    case "never":
      return 0;
    case "warn":
      return status === "pass" ? 0 : 1;
    case "fail":
      return status === "fail" ? 1 : 0;
  }
}
