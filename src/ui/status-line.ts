/**
 * Fitting the TUI's pinned status line to the terminal's width. The line is
 * `WORD  detail  hints`: the status word (PASS, WARN, FAIL, or the running
 * count) is never cut; when the width is short the key hints give way first
 * (shorter variants, then none), then the detail (shorter variants). Widths
 * are terminal columns as string-width counts them (the measure Ink uses).
 */
import stringWidth from "string-width";

/** The parts of a status line, each optional part as variants from the richest to the poorest. */
export interface StatusParts {
  /** Always shown, first: "FAIL", "PASS", "running". */
  word: string;
  /** Variants of what follows the word, richest first (e.g. counts and duration, then counts alone). */
  details: readonly string[];
  /** Variants of the key hints, richest first; the line drops them entirely before it shortens the detail. */
  hints: readonly string[];
}

/** The chosen variants; `detail` and `hints` may be "". */
export interface FittedStatus {
  word: string;
  detail: string;
  hints: string;
}

/** Columns between the word, the detail and the hints. */
export const STATUS_GAP = "  ";

/** The whole line as text. */
export function statusText(s: FittedStatus): string {
  return [s.word, s.detail, s.hints].filter((part) => part !== "").join(STATUS_GAP);
}

/**
 * The richest status line that fits `columns`: for each detail variant
 * (richest first), the richest hint variant that fits with it, or none;
 * failing all, the word and the poorest detail (cut by the caller's
 * truncation, never the word).
 */
export function fitStatus(parts: StatusParts, columns: number): FittedStatus {
  const details = parts.details.length > 0 ? parts.details : [""];
  for (const detail of details) {
    for (const hints of [...parts.hints, ""]) {
      const fitted = { word: parts.word, detail, hints };
      if (stringWidth(statusText(fitted)) <= columns) return fitted;
    }
  }
  return { word: parts.word, detail: details[details.length - 1]!, hints: "" };
}
