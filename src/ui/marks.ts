/**
 * Status marks and colours of the TUI: ✔ pass (green), ‼ warn (yellow),
 * ✖ fail and error (red), – skip (dim), · pending (dim). Plain data, so the
 * components stay thin and tests can refer to the same characters.
 */
import type { RowStatus } from "./state.js";

/** How one status is drawn: the mark character, its Ink colour (or none), and whether it is dimmed. */
export interface MarkStyle {
  mark: string;
  color: "green" | "yellow" | "red" | "cyan" | undefined;
  dim: boolean;
}

/** The mark of a finished or pending status (running hops draw a spinner instead). */
export function markStyle(status: RowStatus): MarkStyle {
  switch (status) {
    case "pass":
      return { mark: "✔", color: "green", dim: false };
    case "warn":
      return { mark: "‼", color: "yellow", dim: false };
    case "fail":
      return { mark: "✖", color: "red", dim: false };
    case "error":
      return { mark: "✖", color: "red", dim: false };
    case "skip":
      return { mark: "–", color: undefined, dim: true };
    case "pending":
      return { mark: "·", color: undefined, dim: true };
    case "running":
      return { mark: "…", color: "cyan", dim: false };
  }
}

/** Spinner frames (braille dots), advanced every {@link SPINNER_INTERVAL_MS}. */
export const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const;

/** Milliseconds between spinner frames. */
export const SPINNER_INTERVAL_MS = 80;
