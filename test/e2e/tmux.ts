/**
 * Driving a real terminal for the TUI tests: a detached tmux session runs the
 * CLI, send-keys types, capture-pane reads the screen.
 */
import { execFileSync, spawnSync } from "node:child_process";

/** True when the tmux binary runs here (.ci/run installs it). */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

/** Helpers bound to one session name. */
export function tmuxSession(session: string) {
  const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
  const screen = () => tmux("capture-pane", "-t", session, "-p");
  /**
   * The screen with the lines the terminal wrapped joined back (`capture-pane -J`): a line the
   * program wrote wider than the terminal shows as one line longer than the width.
   */
  const joinedScreen = () => tmux("capture-pane", "-t", session, "-p", "-J");
  /** Poll the screen until `pattern` shows; bounded, since a loaded CI machine may be slow. Resolves to the screen. */
  async function waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = screen();
      if (pattern.test(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Poll until the screen differs from `before` (e.g. after a key that moves the cursor); resolves to the new screen. */
  async function waitForChange(before: string, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = screen();
      if (s !== before) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for the screen to change; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { session, tmux, screen, joinedScreen, waitFor, waitForChange };
}
