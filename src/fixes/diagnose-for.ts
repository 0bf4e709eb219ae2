/**
 * One diagnosis with the fix catalogue described in its report, keeping the
 * facts fixes plan from. Its own module so that diagnosing loads neither the
 * fix plugins nor what they run (execa): only `netdoctor fix` and the TUI's
 * fix flow import ./runner.js.
 */
import type { PathFacts } from "../engine/types.js";
import type { Report } from "../report/types.js";
import type { Sources } from "../sources/types.js";

/** One diagnosis the runner works on: the report, the facts of each path, and the (memoised) sources it read. */
export interface Diagnosis {
  report: Report;
  facts: PathFacts[];
  sources: Sources;
}

/** What diagnoseFor needs: the engine's run input; the report's fixes are described from the catalogue. */
export type DiagnoseInput = Omit<import("../engine/run.js").RunInput, "describeFixes">;

/** Run the engine with the fix catalogue and keep the facts of each path (what fixes plan from). Used by every command that diagnoses. */
export async function diagnoseFor(input: DiagnoseInput): Promise<Diagnosis> {
  const { runDiagnosis } = await import("../engine/run.js");
  const { describeFixes } = await import("./catalog.js");
  let facts: PathFacts[] = [];
  const report = await runDiagnosis({
    ...input,
    describeFixes: (recommended, paths, f, environment) => {
      facts = f;
      return describeFixes(recommended, paths, f, environment);
    },
  });
  return { report, facts, sources: input.sources };
}

