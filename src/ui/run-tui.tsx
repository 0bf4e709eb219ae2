/**
 * Entry point of TUI mode. The CLI loads it with `await import("./ui/run-tui.js")`
 * only when stdout is a TTY and `--json` is absent, so Ink and React are never
 * loaded for `--json`, `--version` or CI runs (STYLE: load Ink with await import()).
 */
import { render } from "ink";
import { App } from "./App.js";
import { createRunStore } from "./store.js";
import type { RunEvent, RunListener } from "../report/types.js";

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
  const stdin = opts.stdin ?? process.stdin;
  const interactive = Boolean(stdin.isTTY) && typeof stdin.setRawMode === "function";
  const instance = render(<App store={store} interactive={interactive} color={opts.color ?? true} />, {
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
    stdin,
    // Ctrl-C is a key like q (handled by App), so quitting always goes the same way.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    unsubscribe();
  }
  if (!ended) opts.onQuitEarly?.();
}
