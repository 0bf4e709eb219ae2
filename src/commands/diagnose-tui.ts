/**
 * The TUI's part of a diagnosis (DESIGN §3, §5): Ink's view of the run's
 * events and, once the run has ended, the fixes the failing hops offer. It
 * stays in the ES module part (Ink and yoga-layout load with top-level
 * await, which a CommonJS file cannot hold); src/commands/diagnose.ts hands
 * it to the run as a {@link TuiBinding}.
 */
import type { PathFacts, Target } from "../engine/types.js";
import type { Report } from "../report/types.js";
import { runTui } from "../ui/run-tui.js";
import { toolVersion } from "../version.js";
import type { SetUpRun, TuiBinding, TuiFixes, TuiFixOptions } from "./diagnose-run.js";

/** A FixRunner over the run that ends with `done`; re-checks diagnose the same targets with fresh sources. */
async function fixesForTui(done: Promise<Report | null>, facts: () => PathFacts[], run: SetUpRun, o: TuiFixOptions): Promise<TuiFixes> {
  const listeners = new Set<(what: "applying" | "re-checking", attempt: number) => void>();
  let latest: Report | null = null;
  const fixer = done.then(async (report) => {
    if (!report) return null;
    latest = report;
    const { createRunFixRunner, diagnoseFor } = await import("../fixes/runner.js");
    const { maskCredentialsIn } = await import("../report/mask.js");
    const diagnoseWith = (sources: import("../sources/types.js").Sources, targets: Target[]) =>
      diagnoseFor({ checks: o.checks, targets, sources, options: { resolve: o.resolve, hostAddress: o.hostAddress, namespace: o.namespace, probeTimeoutMs: o.probeTimeoutMs }, timeoutMs: o.timeoutMs, toolVersion: toolVersion() });
    const runner = await createRunFixRunner(run, { report, facts: facts(), sources: run.live.sources }, diagnoseWith, {
      options: {},
      onProgress: (what, attempt) => {
        for (const l of listeners) l(what, attempt);
      },
    });
    // The re-check after a fix is shown (and written to --junit) masked like the run's own report.
    const masked: import("../fixes/types.js").FixRunner = {
      offered: (path) => runner.offered(path),
      plan: (fixId, path) => runner.plan(fixId, path),
      apply: async (plan, path) => {
        const r = await runner.apply(plan, path);
        return { outcome: r.outcome, report: maskCredentialsIn(r.report) };
      },
    };
    return masked;
  });
  return {
    fixer,
    fixProgress: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onReport: (r) => (latest = r),
    latest: () => latest,
  };
}


/** The TUI and its fixes, for {@link import("./diagnose-run.js").runDiagnose}. */
export const tuiBinding: TuiBinding = { start: runTui, fixes: fixesForTui };
