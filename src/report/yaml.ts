/**
 * `-o yaml`: the JSON report (DESIGN §4, schemaVersion 1) as one YAML
 * document, the same fields and values as `--json`, no line folding.
 */
import { stringify } from "yaml";
import type { Report } from "./types.js";

/** The report as YAML, ending with a newline. */
export function renderYaml(report: Report): string {
  return stringify(report, { lineWidth: 0 });
}
