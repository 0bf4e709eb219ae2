/**
 * Entry point of TUI mode. The CLI loads it with `await import("./ui/run-tui.js")`
 * only when stdout is a TTY and `--json` is absent, so Ink and React are never
 * loaded for `--json`, `--version` or CI runs (STYLE: load Ink with await import()).
 */
import { render } from "ink";
import { App } from "./App.js";
import type { FixProgress, TuiFixer } from "./fix-panel.js";
import { createRunStore } from "./store.js";
import type { Report, RunEvent, RunListener } from "../report/types.js";

/** Options of {@link runTui}. Streams default to the process's. */
export interface TuiOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** Colour marks and statuses (default true; false for `--no-color`). */
  color?: boolean;
  /**
   * Called when the user quits before the run ended (e.g. to abort the run's
   * AbortController); runTui resolves right after.
   */
  onQuitEarly?: () => void;
  /**
   * Guided fixes (issue 4): the run's `FixRunner` (src/fixes/types.ts; any
   * object with its `offered`/`plan`/`apply` fits {@link TuiFixer}), or a
   * promise of it, since a runner exists only once the run's report does. A
   * promise resolving to null or rejecting means "no fixes" (the rejection is
   * the caller's to report). Used only in interactive mode and only after
   * `run-end`; absent (e.g. `--from` bundles): the TUI behaves as without fixes.
   */
  fixer?: TuiFixer | Promise<TuiFixer | null>;
  /**
   * Progress of an apply, for the panel's spinner line: registers a listener
   * (e.g. fed from the runner's `onProgress`) and returns the unsubscribe
   * function. Without it the panel shows "applying… / re-checking…".
   */
  fixProgress?: (listener: (what: FixProgress["what"], attempt: number) => void) => () => void;
  /**
   * Called with the re-check's report each time an applied fix replaced the
   * report on screen, so the caller can base the exit code on what the user
   * saw last.
   */
  onReport?: (report: Report) => void;
}

/**
 * Render the TUI for one run.
 *
 * Subscribes to the run's events at once (before the first frame, so none is
 * lost), renders {@link App} with Ink, and resolves:
 * - interactive (stdin is a TTY with raw mode): when the user quits (q, Esc,
 *   Ctrl-C) — after the run ended, or earlier, calling `onQuitEarly`;
 * - otherwise: as soon as the run ended and its final frame was written.
 * The final frame stays on the terminal. Unsubscribes before resolving.
 * With `opts.fixer`, the interactive TUI re-renders once the runner is
 * available and offers its fixes (keys in ./fix-controller.ts).
 *
 * @param subscribe registers a listener for the run's events and returns the unsubscribe function.
 */
export async function runTui(subscribe: (listener: RunListener) => () => void, opts: TuiOptions = {}): Promise<void> {
  const store = createRunStore();
  let ended = false;
  const unsubscribe = subscribe((event: RunEvent) => {
    if (event.type === "run-end") ended = true;
    store.dispatch(event);
  });
  const unsubscribeProgress = opts.fixProgress?.((what, attempt) => store.dispatch({ type: "fix-progress", progress: { what, attempt } }));
  const stdin = opts.stdin ?? process.stdin;
  const interactive = Boolean(stdin.isTTY) && typeof stdin.setRawMode === "function";
  let fixer: TuiFixer | undefined;
  const app = () => <App store={store} interactive={interactive} color={opts.color ?? true} fixer={fixer} onReport={opts.onReport} />;
  const instance = render(app(), {
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
    stdin,
    // Ctrl-C is a key like q (handled by App), so quitting always goes the same way.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let exited = false;
  if (opts.fixer) {
    // Handled even when not interactive, so a rejected runner never surfaces as an unhandled rejection.
    Promise.resolve(opts.fixer).then(
      (f) => {
        if (!interactive || !f || exited) return;
        fixer = f;
        instance.rerender(app());
      },
      () => undefined,
    );
  }
  try {
    await instance.waitUntilExit();
  } finally {
    exited = true;
    unsubscribe();
    unsubscribeProgress?.();
  }
  if (!ended) opts.onQuitEarly?.();
}
