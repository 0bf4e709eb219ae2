/**
 * The fix framework (DESIGN §5): plan on a finished diagnosis → (consent,
 * given by the caller) → apply with an undo journal → re-run the diagnosis
 * and report before → after. A fix that fails halfway is rolled back from
 * its journal, so a refusal leaves the cluster as it was.
 */
import type { FixId, PathFacts, Target } from "../engine/types.js";
import type { LabState } from "../lab/contract.js";
import type { PathReport, Report } from "../report/types.js";
import type { KubeWriter } from "../sources/kube-writer.js";
import { isSourceError, type Sources } from "../sources/types.js";
import type { RunSetup } from "../run-setup.js";
import { stopForward } from "./forwards.js";
import { netdoctorHome } from "./home.js";
import { FIX_PLUGINS } from "./index.js";
import { FixError, type FixContext, type FixOptions, type FixOutcome, type FixPlan, type FixRunner, type PathState, type UndoEntry } from "./types.js";
import { markUndone, openJournal, restoreEntries } from "./undo.js";
import { onInterruptNote } from "../lifecycle.js";

export { diagnoseFor, type DiagnoseInput, type Diagnosis } from "./diagnose-for.js";
import type { Diagnosis } from "./diagnose-for.js";

/** One undo entry as the user reads it: `deleted HelmChart kube-system/traefik`, `appended to /etc/hosts`. */
export function describeEntry(e: UndoEntry): string {
  switch (e.type) {
    case "deleted":
    case "patched":
    case "created":
      return `${e.type} ${e.ref.kind} ${e.ref.namespace ? `${e.ref.namespace}/` : ""}${e.ref.name}`;
    case "forward-started":
      return `started forward ${e.forwardId}`;
    case "process-stopped":
      return `stopped pid ${e.pid} (${e.command})`;
    case "file-appended":
      return `appended ${JSON.stringify(e.line)} to ${e.file}`;
  }
}

/**
 * The lines an interrupted `fix` prints for one fix it touched: what it
 * changed (as recorded before each change) and the `netdoctor undo` command
 * that restores it.
 */
export function interruptNote(fixId: string, undoId: string | null, entries: UndoEntry[], done: boolean): string[] {
  if (entries.length === 0 || undoId === null) return done ? [] : [`${fixId} was interrupted before it changed anything`];
  const what = entries.map(describeEntry).join("; ");
  return [
    done ? `${fixId} was applied: ${what}` : `${fixId} was interrupted while applying; changed so far (as recorded): ${what}`,
    `netdoctor undo ${undoId} restores it`,
  ];
}

/** A fix this runner started applying: its undo record once opened, and what it recorded. */
interface Touched {
  fixId: string;
  undoId: string | null;
  entries: () => UndoEntry[];
  done: boolean;
}

/** What createFixRunner needs. */
export interface FixRunnerInput {
  /** The diagnosis the first plans are made on. */
  initial: Diagnosis;
  /** Diagnose these targets again with fresh sources (nothing memoised from before the change). */
  rediagnose: (targets: Target[]) => Promise<Diagnosis>;
  /** The targets of the initial diagnosis, re-checked after each fix. */
  targets: Target[];
  lab: LabState | null;
  /** State directory (`~/.netdoctor`, netdoctorHome). */
  home: string;
  env: NodeJS.ProcessEnv;
  platform: string;
  options: FixOptions;
  /**
   * How long to keep re-checking after a fix while the checks it was for
   * still fail (controllers act asynchronously: the helm-controller needs a
   * few seconds to uninstall traefik), in ms. Default 30 000.
   */
  settleMs?: number;
  /** Pause between re-checks, in ms (default 2 000). */
  recheckIntervalMs?: number;
  /** Deadline of planning and applying one fix, in ms (default 60 000). */
  stepTimeoutMs?: number;
  /** Told before each re-check (for progress output). */
  onProgress?: (what: "applying" | "re-checking", attempt: number) => void;
}

/** The status and verdict of a path, as `fix --json` shows them. */
export function pathState(p: PathReport | undefined): PathState {
  if (!p) return { status: "fail", verdict: { hop: "probe", checkId: "", code: "", summary: "the path was not diagnosed" } };
  return { status: p.status, verdict: p.verdict ? { hop: p.verdict.hop, checkId: p.verdict.checkId, code: p.verdict.code, summary: p.verdict.summary } : null };
}

/** Fix ids the checks of a path recommend (fail before warn, check order), without repeats. */
export function offeredFixes(p: PathReport | undefined): FixId[] {
  if (!p) return [];
  const out: FixId[] = [];
  for (const status of ["fail", "warn"] as const) {
    for (const c of p.checks) if (c.status === status) for (const f of c.fixes) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** The checks of a path the fix answers that recommend it and do not pass: what the re-check must turn to pass. */
function checksFor(p: PathReport, id: FixId): PathReport["checks"] {
  const answers = FIX_PLUGINS[id].answers;
  return p.checks.filter((c) => answers.includes(c.id) && c.fixes.includes(id) && (c.status === "fail" || c.status === "warn"));
}

function line(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0]!;
}

/**
 * A FixRunner over a diagnosis. `plan` and `apply` work on the latest
 * diagnosis: after a fix is applied, the re-check becomes the diagnosis the
 * next plan is made on.
 */
export function createFixRunner(input: FixRunnerInput): FixRunner & { current(): Diagnosis } {
  let current = input.initial;
  const settleMs = input.settleMs ?? 30_000;
  const intervalMs = input.recheckIntervalMs ?? 2_000;
  const stepMs = input.stepTimeoutMs ?? 60_000;

  // What this runner changed, for the note an interrupt prints (issue 14 §5: say what was applied and how to undo it).
  const touched: Touched[] = [];
  let noted = false;
  const ensureInterruptNote = () => {
    if (noted) return;
    noted = true;
    onInterruptNote(() => touched.flatMap((t) => interruptNote(t.fixId, t.undoId, t.entries(), t.done)));
  };

  const context = (pathIndex: number, signal: AbortSignal): FixContext => {
    const path = current.report.paths[pathIndex];
    if (!path) throw new FixError(`no path ${pathIndex}`);
    const kube: KubeWriter | null = current.sources.kube.writer?.() ?? null;
    return {
      sources: current.sources,
      kube,
      report: current.report,
      path,
      facts: current.facts[pathIndex] ?? {},
      lab: input.lab,
      platform: input.platform,
      env: input.env,
      options: input.options,
      signal,
    };
  };

  const kubeIdentity = (): { context: string | null; server: string | null } => {
    try {
      const i = current.sources.kube.info();
      return { context: i.context, server: i.server };
    } catch {
      return { context: null, server: null };
    }
  };

  return {
    current: () => current,
    offered: (i) => offeredFixes(current.report.paths[i]),

    async plan(fixId, pathIndex) {
      const fix = FIX_PLUGINS[fixId];
      try {
        return await fix.plan(context(pathIndex, AbortSignal.timeout(stepMs)));
      } catch (e) {
        // A read the plan needed failed (403, API unreachable): a refusal, not a crash.
        const why = isSourceError(e) || e instanceof FixError ? line(e) : `planning failed: ${line(e)}`;
        return { fixId, steps: [], refusal: why, automatic: false, notes: [], state: null } satisfies FixPlan;
      }
    },

    async apply(plan, pathIndex) {
      const fix = FIX_PLUGINS[plan.fixId];
      const path = current.report.paths[pathIndex]!;
      const forChecks = checksFor(path, plan.fixId);
      const outcome: FixOutcome = {
        id: fix.id,
        title: fix.title,
        risk: fix.risk,
        applied: false,
        plan: plan.steps,
        notes: plan.notes,
        target: (plan.verifyTarget ?? path.target).url,
        before: pathState(path),
        after: null,
        checks: forChecks.map((c) => ({ id: c.id, code: c.code, before: c.status, after: null })),
        undoId: null,
        error: null,
      };
      if (plan.refusal) return { outcome: { ...outcome, error: plan.refusal }, report: current.report };
      if (!plan.automatic) return { outcome: { ...outcome, error: `${fix.id} is applied by hand: follow the steps of the plan` }, report: current.report };

      // Ctrl-C (or SIGTERM, SIGHUP) from here on — registered before the first await, so from the moment the plan was shown: say what was changed and how to restore it.
      const applying: Touched = { fixId: fix.id, undoId: null, entries: () => [], done: false };
      touched.push(applying);
      ensureInterruptNote();
      const ctx = context(pathIndex, AbortSignal.timeout(stepMs));
      const journal = await openJournal(input.home, fix.id, { ...kubeIdentity(), target: outcome.target });
      applying.undoId = journal.id;
      applying.entries = () => journal.record_().entries;
      input.onProgress?.("applying", 0);
      try {
        await fix.apply(ctx, plan, journal);
      } catch (e) {
        const entries = journal.record_().entries;
        let error = isSourceError(e) || e instanceof FixError ? line(e) : `${fix.id} failed: ${line(e)}`;
        if (entries.length > 0) {
          const restored = await restoreEntries(entries, { kube: ctx.kube, stopForward: (id) => stopForward(id, input.env), signal: AbortSignal.timeout(stepMs) });
          const bad = restored.filter((r) => !r.ok);
          error += bad.length === 0 ? "; the changes made before that were rolled back" : `; rolling back failed for ${bad.map((r) => `${r.subject} (${r.message})`).join(", ")}: netdoctor undo ${journal.id} retries`;
          if (bad.length === 0) await markUndone(input.home, journal.record_());
          else outcome.undoId = journal.id;
        }
        await journal.discardIfEmpty();
        if (!outcome.undoId) touched.splice(touched.indexOf(applying), 1);
        return { outcome: { ...outcome, error }, report: current.report };
      }
      outcome.applied = true;
      outcome.undoId = (await journal.discardIfEmpty()) ? null : journal.id;
      applying.done = true;

      // Re-check: diagnose again (fresh sources) until the checks the fix was for pass, or settleMs passed.
      const targets = [...input.targets];
      if (plan.verifyTarget && !targets.some((t) => t.url === plan.verifyTarget!.url)) targets.push(plan.verifyTarget);
      const started = Date.now();
      let attempt = 0;
      let next: Diagnosis;
      let after: PathReport | undefined;
      for (;;) {
        input.onProgress?.("re-checking", ++attempt);
        try {
          next = await input.rediagnose(targets);
        } catch (e) {
          return { outcome: { ...outcome, error: `applied, but the re-check could not run: ${line(e)}` }, report: current.report };
        }
        after = next.report.paths.find((p) => p.target.url === outcome.target);
        const stillFailing = !after || after.checks.some((c) => forChecks.some((f) => f.id === c.id) && c.status === "fail");
        if (!stillFailing || Date.now() - started + intervalMs > settleMs) break;
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      current = next;
      outcome.after = pathState(after);
      outcome.checks = outcome.checks.map((c) => ({ ...c, after: after?.checks.find((x) => x.id === c.id)?.status ?? null }));
      const stillFail = outcome.checks.filter((c) => c.after === "fail");
      if (stillFail.length > 0) outcome.error = `applied, but ${stillFail.map((c) => `${c.id} (${c.code})`).join(", ")} still fail${stillFail.length === 1 ? "s" : ""} after ${Math.round((Date.now() - started) / 1000)} s`;
      return { outcome, report: current.report };
    },
  };
}

/**
 * A FixRunner over a live run (`netdoctor fix`, the TUI): re-checks diagnose
 * the run's targets with fresh sources of the same cluster (and lab), undo
 * records go to netdoctorHome, and the environment is this process's.
 */
export function createRunFixRunner(
  run: Pick<RunSetup, "live" | "targets" | "freshSources">,
  initial: Diagnosis,
  diagnose: (sources: Sources, targets: Target[]) => Promise<Diagnosis>,
  extra: Pick<FixRunnerInput, "options" | "settleMs" | "onProgress">,
): FixRunner & { current(): Diagnosis } {
  return createFixRunner({
    initial,
    rediagnose: (targets) => diagnose(run.freshSources().sources, targets),
    targets: run.targets,
    lab: run.live.lab,
    home: netdoctorHome(process.env),
    env: process.env,
    platform: process.platform,
    ...extra,
  });
}
