/**
 * Entry point of the `netdoctor watch` TUI. The watch command loads it with
 * `await import("./ui/run-watch.js")` only when stdout is a TTY and `--json`
 * is absent, so Ink and React are never loaded otherwise.
 */
import { render } from "ink";
import { WatchView, type WatchViewState } from "./WatchView.js";

/** Options of {@link runWatchTui}. Streams default to the process's. */
export interface WatchTuiOptions {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Colour (default true; false for `--no-color`). */
  color?: boolean;
}

/** A mounted watch view. */
export interface WatchTui {
  /** Redraw with a new state; a state with `done: true` is the final frame and unmounts the view. */
  update(state: WatchViewState): void;
  /** Resolves once the final frame was written and Ink unmounted. */
  finished: Promise<void>;
}

/**
 * Mount the watch view with `initial`. It takes no keys (Ctrl-C reaches the
 * process as SIGINT, which the watch command turns into an early stop). The
 * final frame stays on the terminal.
 */
export function runWatchTui(initial: WatchViewState, opts: WatchTuiOptions = {}): WatchTui {
  const color = opts.color ?? true;
  const instance = render(<WatchView state={initial} color={color} />, {
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
    stdin: opts.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let done = false;
  return {
    update(state) {
      if (done) return;
      instance.rerender(<WatchView state={state} color={color} />);
      if (state.done) {
        done = true;
        instance.unmount();
      }
    },
    finished: instance.waitUntilExit().then(() => undefined),
  };
}
