/**
 * The JSON reporter (DESIGN §4, contract `schemaVersion: 1`): `--json` prints
 * exactly one such document on stdout and nothing else. The shape is
 * described by `schema/report.schema.json` (see `./schema.ts`).
 */
import type { Report } from "./types.js";

/** The report as one JSON document: 2-space indent, trailing newline. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
