/**
 * Drives the fix panel (./fix-panel.ts) from key presses: opens the focused
 * path's fixes, calls the runner's `plan` and `apply`, and feeds their results
 * back through the run store. No React here, so the flow is testable with a
 * store and a fake runner alone; the App only forwards keys.
 *
 * Keys (when the run has ended and the focused path offers fixes):
 * - `f` opens the first offered fix's plan, or a chooser when several are
 *   offered (↑↓/k/j and enter, or the digit shown next to a fix);
 * - with a plan on screen: `y` applies it when netdoctor can (automatic, not
 *   refused), `n` or Esc closes it without changes;
 * - while applying, nothing closes the panel or quits: q, Esc and Ctrl-C show
 *   "applying, please wait"; a second Ctrl-C quits anyway (the escape hatch
 *   when a change hangs; the undo journal already holds what was changed);
 * - after the outcome: Esc, n or enter close it, `f` opens the path's next fix.
 * q and Ctrl-C quit in every other state (the App does it).
 */
import type { FixId } from "../engine/types.js";
import type { Report } from "../report/types.js";
import { canApply, hopFixIds, type FixInfo, type FixPanel, type TuiFixer } from "./fix-panel.js";
import { focusedPath, type UiState } from "./state.js";
import type { RunStore } from "./store.js";

/** A key press as the controller reads it (the App derives it from Ink's `useInput`). */
export interface FixKey {
  /** The character typed ("" for special keys). */
  input: string;
  escape: boolean;
  enter: boolean;
  up: boolean;
  down: boolean;
  ctrl: boolean;
}

/** What the App calls: which fixes to show, and the key handler. */
export interface FixController {
  /** The fix ids path `path` offers now: the runner's, limited to those a failing or warning check of the path recommends; empty before the run ended. */
  offered(path: number): FixId[];
  /** Handle a key. True when the panel took it; false when the App should handle it (movement, quitting). */
  key(key: FixKey): boolean;
}

/** Hooks of {@link createFixController}. */
export interface FixControllerOptions {
  /** Called with the re-check's report each time an applied fix replaced the report. */
  onReport?: (report: Report) => void;
}

/** The first line of a rejection, for the panel. */
function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0] || "failed";
}

/** The report's title and risk of a fix (the id itself when the report does not list it). */
function infoOf(state: UiState, id: FixId): FixInfo {
  const f = state.fixes.find((x) => x.id === id);
  return f ? { id, title: f.title, risk: f.risk } : { id, title: id, risk: null };
}

/** The controller of `store`'s fix panel, planning and applying through `fixer`. */
export function createFixController(store: RunStore, fixer: TuiFixer, opts: FixControllerOptions = {}): FixController {
  // Identifies the request in flight; a result for an older one is dropped by the reducer.
  let seq = 0;

  const offered = (path: number): FixId[] => {
    const state = store.getState();
    const p = state.paths[path];
    if (state.phase !== "done" || !p?.report) return [];
    return hopFixIds(p.checks, fixer.offered(path));
  };

  const plan = (path: number, fix: FixInfo): void => {
    const id = ++seq;
    store.dispatch({ type: "fix-plan", path, fix, seq: id });
    Promise.resolve()
      .then(() => fixer.plan(fix.id, path))
      .then(
        (p) => store.dispatch({ type: "fix-planned", seq: id, plan: p }),
        (err: unknown) => store.dispatch({ type: "fix-failed", seq: id, error: oneLine(err) }),
      );
  };

  const apply = (panel: Extract<FixPanel, { mode: "planned" }>): void => {
    const id = ++seq;
    store.dispatch({ type: "fix-apply", seq: id });
    Promise.resolve()
      .then(() => fixer.apply(panel.plan, panel.path))
      .then(
        ({ outcome, report }) => {
          store.dispatch({ type: "report-replaced", report });
          opts.onReport?.(report);
          store.dispatch({ type: "fix-applied", seq: id, outcome });
        },
        (err: unknown) => store.dispatch({ type: "fix-failed", seq: id, error: oneLine(err) }),
      );
  };

  const open = (): void => {
    const state = store.getState();
    const path = focusedPath(state);
    const ids = offered(path);
    if (ids.length === 1) plan(path, infoOf(state, ids[0]!));
    else if (ids.length > 1) store.dispatch({ type: "fix-choose", path, options: ids.map((id) => infoOf(state, id)) });
  };

  const key = (k: FixKey): boolean => {
    const panel = store.getState().fix;
    const ch = k.input;
    const ctrlC = k.ctrl && ch === "c";
    const quit = ch === "q" || ctrlC;
    const back = k.escape || ch === "n";
    switch (panel.mode) {
      case "closed":
        if (ch !== "f" || store.getState().phase !== "done") return false;
        open();
        return true;
      case "choosing": {
        if (quit) return false;
        const digit = /^[1-9]$/.test(ch) ? Number(ch) : 0;
        if (back) store.dispatch({ type: "fix-close" });
        else if (k.up || ch === "k") store.dispatch({ type: "fix-move", delta: -1 });
        else if (k.down || ch === "j") store.dispatch({ type: "fix-move", delta: 1 });
        else if (digit > 0 && digit <= panel.options.length) plan(panel.path, panel.options[digit - 1]!);
        else if (k.enter) plan(panel.path, panel.options[panel.index]!);
        return true;
      }
      case "planning":
      case "failed":
        if (quit) return false;
        if (back) store.dispatch({ type: "fix-close" });
        return true;
      case "planned":
        if (quit) return false;
        if (back) store.dispatch({ type: "fix-close" });
        else if (ch === "y" && canApply(panel.plan)) apply(panel);
        return true;
      case "applying":
        if (ctrlC && panel.quitAsked) return false;
        if (quit || k.escape) store.dispatch({ type: "fix-quit-blocked" });
        return true;
      case "applied":
        if (quit) return false;
        if (back || k.enter) store.dispatch({ type: "fix-close" });
        else if (ch === "f") {
          store.dispatch({ type: "fix-close" });
          open();
        }
        return true;
    }
  };

  return { offered, key };
}
