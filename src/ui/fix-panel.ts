/**
 * The fix panel of the TUI (issue 4, DESIGN §5 "plan → consent → apply →
 * re-check"): which fix the user is looking at and where it is between
 * choosing, planning, the plan on screen, applying and the outcome. A pure
 * reducer over plain data, so the whole flow is testable without Ink; the
 * asynchronous calls live in ./fix-controller.ts.
 *
 * The types below are the part of the fix contract (src/fixes/types.ts:
 * FixRunner, FixPlan, PlanStep, FixOutcome) the view reads. They are declared
 * here, structurally, because the view imports only engine/report types, Ink
 * and React (STYLE: the view never imports sources, and src/fixes/types.ts
 * pulls in the source and writer types). A `FixRunner` is assignable to
 * {@link TuiFixer}; the caller passing one to `runTui` is what keeps the two in
 * step at compile time.
 */
import type { FixId, PathStatus } from "../engine/types.js";
import type { Report } from "../report/types.js";
import type { UiCheck } from "./state.js";

/** One step of a plan as the panel shows it (the fields of `PlanStep`). */
export interface TuiPlanStep {
  /** `delete`, `patch`, `create`, `start-forward`, `stop-process`, `append-file`, `run` or `manual`. */
  action: string;
  /** `apiVersion Kind namespace/name`. */
  object?: string;
  /** `- field: old` / `+ field: new` lines. */
  diff?: string[];
  command?: string;
  file?: string;
  line?: string;
  note?: string;
}

/** A plan as the panel shows it (the fields of `FixPlan` it reads; the object itself is handed back to `apply`). */
export interface TuiFixPlan {
  fixId: FixId;
  steps: TuiPlanStep[];
  /** One line when the fix cannot be applied here: shown in red, nothing to confirm. */
  refusal: string | null;
  /** False when the user applies the steps by hand: no prompt. */
  automatic: boolean;
  notes: string[];
}

/** Status and verdict of a path before or after a fix (`PathState`). */
export interface TuiPathState {
  status: PathStatus;
  verdict: { hop: string; checkId: string; code: string; summary: string } | null;
}

/** The outcome of applying a fix, as the panel shows it (the fields of `FixOutcome` it reads). */
export interface TuiFixOutcome {
  id: FixId;
  title: string;
  /** True only when the changes were made. */
  applied: boolean;
  before: TuiPathState;
  /** The re-check; null when nothing was applied. */
  after: TuiPathState | null;
  /** Each check the fix was for: status before → after (after null when not applied). */
  checks: { id: string; code: string; before: string; after: string | null }[];
  /** `netdoctor undo <undoId>` puts the change back; null when nothing changed. */
  undoId: string | null;
  /** One line when refused or failed; null otherwise. */
  error: string | null;
}

/**
 * What the TUI drives: the `FixRunner` of src/fixes/types.ts, seen through the
 * types above. `offered` must be cheap (it is called while rendering);
 * `apply` never rejects by contract (failures are in `outcome.error`), but the
 * panel shows a rejection of either call as a one-line error all the same.
 */
export interface TuiFixer {
  /** The fix ids recommended for path `pathIndex`, failing checks first. */
  offered(pathIndex: number): FixId[];
  /** Plan a fix for a path. Never changes anything. */
  plan(fixId: FixId, pathIndex: number): Promise<TuiFixPlan>;
  /** Apply a plan returned by {@link plan}, re-check, and resolve to the outcome and the new report. */
  apply(plan: TuiFixPlan, pathIndex: number): Promise<{ outcome: TuiFixOutcome; report: Report }>;
}

/** Title and risk of the fix the panel shows (from the report's `fixes[]`; risk null when the report does not list it). */
export interface FixInfo {
  id: FixId;
  title: string;
  risk: "safe" | "disruptive" | null;
}

/**
 * The panel, one variant per step of the flow. `path` is the index of the
 * path the fix is for; `seq` identifies the request in flight, so a result
 * arriving after the user closed the panel (or opened another fix) is dropped.
 */
export type FixPanel =
  | { mode: "closed" }
  /** Several fixes are offered: the user picks one (`index` is the highlighted one). */
  | { mode: "choosing"; path: number; options: FixInfo[]; index: number }
  | { mode: "planning"; path: number; fix: FixInfo; seq: number }
  | { mode: "planned"; path: number; fix: FixInfo; plan: TuiFixPlan }
  /**
   * Applying and re-checking; `progress` is the runner's last report of where
   * it is (null when it reports none), `quitAsked` set once the user tried to
   * quit meanwhile.
   */
  | { mode: "applying"; path: number; fix: FixInfo; plan: TuiFixPlan; seq: number; progress: FixProgress | null; quitAsked: boolean }
  | { mode: "applied"; path: number; fix: FixInfo; plan: TuiFixPlan; outcome: TuiFixOutcome }
  /** `plan` or `apply` rejected: one line. */
  | { mode: "failed"; path: number; fix: FixInfo; error: string };

/** Where an apply is: changing things, or re-checking (attempt 1, 2, … while the checks still fail and the runner waits for controllers to act). */
export interface FixProgress {
  what: "applying" | "re-checking";
  attempt: number;
}

/** Actions of the panel (dispatched by ./fix-controller.ts through the run store). */
export type FixAction =
  | { type: "fix-choose"; path: number; options: FixInfo[] }
  | { type: "fix-move"; delta: number }
  | { type: "fix-plan"; path: number; fix: FixInfo; seq: number }
  | { type: "fix-planned"; seq: number; plan: TuiFixPlan }
  | { type: "fix-apply"; seq: number }
  | { type: "fix-applied"; seq: number; outcome: TuiFixOutcome }
  | { type: "fix-failed"; seq: number; error: string }
  | { type: "fix-progress"; progress: FixProgress }
  | { type: "fix-quit-blocked" }
  | { type: "fix-close" };

/** The panel before any fix was opened. */
export const closedPanel: FixPanel = { mode: "closed" };

/** True when `plan` can be applied by netdoctor after a `y`: automatic and not refused. */
export function canApply(plan: TuiFixPlan): boolean {
  return plan.automatic && plan.refusal === null;
}

/**
 * The next panel after `action`. Pure. Results (`fix-planned`, `fix-applied`,
 * `fix-failed`) apply only to the request with the same `seq`; `fix-apply`
 * only to a plan that {@link canApply}; nothing closes the panel while a fix
 * is applying (the change and its re-check must finish on screen).
 */
export function reduceFixPanel(panel: FixPanel, action: FixAction): FixPanel {
  switch (action.type) {
    case "fix-choose":
      return action.options.length === 0 ? panel : { mode: "choosing", path: action.path, options: action.options, index: 0 };
    case "fix-move": {
      if (panel.mode !== "choosing") return panel;
      const n = panel.options.length;
      return { ...panel, index: (((panel.index + action.delta) % n) + n) % n };
    }
    case "fix-plan":
      if (panel.mode === "applying") return panel;
      return { mode: "planning", path: action.path, fix: action.fix, seq: action.seq };
    case "fix-planned":
      if (panel.mode !== "planning" || panel.seq !== action.seq) return panel;
      return { mode: "planned", path: panel.path, fix: panel.fix, plan: action.plan };
    case "fix-apply":
      if (panel.mode !== "planned" || !canApply(panel.plan)) return panel;
      return { mode: "applying", path: panel.path, fix: panel.fix, plan: panel.plan, seq: action.seq, progress: null, quitAsked: false };
    case "fix-applied":
      if (panel.mode !== "applying" || panel.seq !== action.seq) return panel;
      return { mode: "applied", path: panel.path, fix: panel.fix, plan: panel.plan, outcome: action.outcome };
    case "fix-failed":
      if ((panel.mode !== "planning" && panel.mode !== "applying") || panel.seq !== action.seq) return panel;
      return { mode: "failed", path: panel.path, fix: panel.fix, error: action.error };
    case "fix-progress":
      return panel.mode === "applying" ? { ...panel, progress: action.progress } : panel;
    case "fix-quit-blocked":
      return panel.mode === "applying" && !panel.quitAsked ? { ...panel, quitAsked: true } : panel;
    case "fix-close":
      return panel.mode === "applying" || panel.mode === "closed" ? panel : closedPanel;
  }
}

/**
 * The fixes a hop row shows: the ids of `offered` that a failing or warning
 * check of the hop recommends, in `offered` order.
 */
export function hopFixIds(checks: readonly UiCheck[], offered: readonly FixId[]): FixId[] {
  const own = new Set<FixId>();
  for (const c of checks) if (c.result && (c.result.status === "fail" || c.result.status === "warn")) for (const id of c.result.fixes) own.add(id);
  return offered.filter((id) => own.has(id));
}

/** The keys the panel takes in its current mode, for the footer ("" when closed). */
export function panelKeys(panel: FixPanel): string {
  switch (panel.mode) {
    case "closed":
      return "";
    case "choosing":
      return `↑↓ choose · enter or 1-${Math.min(panel.options.length, 9)} plan · esc back`;
    case "planning":
    case "failed":
    case "applied":
      return "esc back";
    case "planned":
      return canApply(panel.plan) ? "y apply · n back" : "esc back";
    case "applying":
      return "applying, please wait";
  }
}
