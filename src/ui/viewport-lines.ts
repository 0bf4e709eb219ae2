/**
 * The arithmetic of the TUI's scrolling viewport, apart from Ink so it can be
 * tested on numbers alone. Content is a column of `contentHeight` lines (as
 * Ink laid it out); the viewport has `height` terminal lines. When the content
 * overflows, the first line of the viewport says "↑ N more" while lines are
 * hidden above, the last one "↓ N more" while lines are hidden below, and the
 * lines between show the content from `offset` on. Units: terminal lines.
 */

/** A range of content lines, `top` included, `bottom` excluded. */
export interface LineRange {
  top: number;
  bottom: number;
}

/** What the viewport shows at one offset. */
export interface ViewportWindow {
  /** First content line shown (0 when everything fits). */
  offset: number;
  /** How many content lines are shown. */
  lines: number;
  /** Content lines hidden above (the "↑ N more" line shows when > 0). */
  above: number;
  /** Content lines hidden below (the "↓ N more" line shows when > 0). */
  below: number;
}

/** Below this height the viewport draws no "more" lines: they would leave no room for content. */
const MIN_HEIGHT_WITH_MARKS = 3;

/** True when `contentHeight` lines do not fit in `height`. */
export function overflows(contentHeight: number, height: number): boolean {
  return contentHeight > Math.max(height, 1);
}

/**
 * The largest useful offset: the last content line sits on the last line of
 * the viewport (under the "↑ N more" line). 0 when the content fits.
 */
export function maxOffset(contentHeight: number, height: number): number {
  if (!overflows(contentHeight, height)) return 0;
  const h = Math.max(height, 1);
  return h < MIN_HEIGHT_WITH_MARKS ? contentHeight - h : contentHeight - (h - 1);
}

/**
 * An offset clamped to [0, {@link maxOffset}]. Offset 1 would trade the first
 * content line for a "↑ 1 more" line: it becomes 0 (or 2 when moving down,
 * `direction` > 0, so a one-line scroll down still reveals a line).
 */
export function clampOffset(offset: number, contentHeight: number, height: number, direction = 0): number {
  const max = maxOffset(contentHeight, height);
  let o = Math.min(Math.max(Math.round(offset), 0), max);
  if (o === 1 && height >= MIN_HEIGHT_WITH_MARKS) o = direction > 0 ? Math.min(2, max) : 0;
  return o;
}

/** What the viewport shows with its first content line at `offset` (clamped first). */
export function viewportWindow(contentHeight: number, height: number, offset: number): ViewportWindow {
  const h = Math.max(height, 1);
  if (!overflows(contentHeight, h)) return { offset: 0, lines: contentHeight, above: 0, below: 0 };
  const o = clampOffset(offset, contentHeight, h);
  if (h < MIN_HEIGHT_WITH_MARKS) return { offset: o, lines: h, above: o, below: contentHeight - o - h };
  const rest = h - (o > 0 ? 1 : 0);
  const lines = o + rest >= contentHeight ? contentHeight - o : rest - 1;
  return { offset: o, lines, above: o, below: contentHeight - o - lines };
}

/** True when every line of `range` is shown at `offset`. */
export function isVisible(range: LineRange, contentHeight: number, height: number, offset: number): boolean {
  const w = viewportWindow(contentHeight, height, offset);
  return range.top >= w.offset && range.bottom <= w.offset + w.lines;
}

/**
 * The offset nearest to `offset` that shows all of `range` (clamped to the
 * content). A range taller than the viewport shows from its top.
 */
export function scrollToRange(offset: number, range: LineRange, contentHeight: number, height: number): number {
  if (!overflows(contentHeight, height)) return 0;
  const top = Math.min(Math.max(range.top, 0), contentHeight);
  const bottom = Math.min(Math.max(range.bottom, top), contentHeight);
  const current = clampOffset(offset, contentHeight, height);
  if (isVisible({ top, bottom }, contentHeight, height, current)) return current;
  if (top < current) return clampOffset(top, contentHeight, height);
  // Lines shown between the two "more" lines when scrolled into the middle.
  const inner = height < MIN_HEIGHT_WITH_MARKS ? height : height - 2;
  const candidate = clampOffset(bottom - inner, contentHeight, height);
  return isVisible({ top, bottom }, contentHeight, height, candidate) ? candidate : clampOffset(top, contentHeight, height);
}

/**
 * Where to scroll so the cursor's row is shown: all of `want` (the row with
 * its context, e.g. the path's URL above its first hop) when that fits, or
 * else all of `must` (the row itself, from its top when it is taller than the
 * viewport).
 */
export function followCursor(offset: number, must: LineRange, want: LineRange, contentHeight: number, height: number): number {
  const o = scrollToRange(offset, want, contentHeight, height);
  return isVisible(must, contentHeight, height, o) ? o : scrollToRange(offset, must, contentHeight, height);
}

/** Lines a page key scrolls: the lines shown, less one kept for continuity (at least 1). */
export function pageLines(contentHeight: number, height: number, offset: number): number {
  return Math.max(1, viewportWindow(contentHeight, height, offset).lines - 1);
}

/**
 * Where the cursor goes on PageDown (`direction` 1) or PageUp (-1): as many
 * rows on as are fully shown now, less one (at least one row). `shown` counts
 * the rows fully visible in the viewport; the result is clamped to [0, rowCount - 1].
 */
export function pageCursor(cursor: number, rowCount: number, shown: number, direction: 1 | -1): number {
  const step = Math.max(1, shown - 1);
  return Math.min(Math.max(cursor + direction * step, 0), Math.max(rowCount - 1, 0));
}
