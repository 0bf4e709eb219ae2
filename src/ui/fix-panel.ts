/**
 * The fix panel of the TUI (issue 4, DESIGN §5 "plan → consent → apply →
 * re-check"): which fix the user is looking at and where it is between
 * choosing, planning, the plan on screen, applying and the outcome. A pure
 * reducer over plain data, so the whole flow is testable without Ink; the
 * asynchronous calls live in ./fix-controller.ts.
 *
 * The fix data (plans, outcomes, the FixRunner) comes from
 * src/report/fix-types.ts, which names no sources: the view imports only
 * engine/report types, Ink and React (STYLE: the view never imports sources).
 */
import type { FixId, PathStatus } from "../engine/types.js";
import type { FixOutcome, FixPlan, FixRunner, PathState, PlanStep } from "../report/fix-types.js";
import type { Report } from "../report/types.js";
import type { UiCheck } from "./state.js";

/** The fix data the panel shows (src/report/fix-types.ts): the same types `netdoctor fix` prints. */
export type TuiPlanStep = PlanStep;
export type TuiFixPlan = FixPlan;
export type TuiPathState = PathState;
export type TuiFixOutcome = FixOutcome;
/** What the TUI drives: the FixRunner of src/fixes/runner.ts. `offered` must be cheap (it is called while rendering). */
export type TuiFixer = FixRunner;

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
