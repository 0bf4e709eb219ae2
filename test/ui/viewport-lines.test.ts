import { describe, expect, it } from "vitest";
import { clampOffset, followCursor, isVisible, maxOffset, pageCursor, pageLines, scrollToRange, viewportWindow } from "../../src/ui/viewport-lines.js";

// A 60-line report in a 22-line viewport (an 80×24 terminal less the status line and Ink's last newline).
const H = 60;
const V = 22;

describe("the viewport's arithmetic", () => {
  it("shows everything, with no 'more' lines, when the content fits", () => {
    expect(viewportWindow(10, V, 5)).toEqual({ offset: 0, lines: 10, above: 0, below: 0 });
    expect(viewportWindow(V, V, 0)).toEqual({ offset: 0, lines: V, above: 0, below: 0 });
    expect(scrollToRange(7, { top: 8, bottom: 9 }, 10, V)).toBe(0);
  });

  it("gives one line to '↓ N more' at the top of overflowing content", () => {
    expect(viewportWindow(H, V, 0)).toEqual({ offset: 0, lines: V - 1, above: 0, below: H - (V - 1) });
  });

  it("gives a line to each 'more' line in the middle, and the last line of the viewport to the last content line at the end", () => {
    expect(viewportWindow(H, V, 10)).toEqual({ offset: 10, lines: V - 2, above: 10, below: H - 10 - (V - 2) });
    expect(maxOffset(H, V)).toBe(H - (V - 1));
    expect(viewportWindow(H, V, 1000)).toEqual({ offset: H - (V - 1), lines: V - 1, above: H - (V - 1), below: 0 });
  });

  it("never trades the first content line for a '↑ 1 more' line", () => {
    expect(clampOffset(1, H, V)).toBe(0);
    expect(clampOffset(1, H, V, 1)).toBe(2);
    expect(viewportWindow(H, V, 1).offset).toBe(0);
  });

  it("each line shown plus each line counted as hidden adds up to the content, at every offset", () => {
    for (let o = 0; o <= H; o++) {
      const w = viewportWindow(H, V, o);
      expect(w.above + w.lines + w.below).toBe(H);
      expect(w.lines + (w.above > 0 ? 1 : 0) + (w.below > 0 ? 1 : 0)).toBeLessThanOrEqual(V);
    }
  });

  it("keeps the offset while the range is already visible", () => {
    expect(scrollToRange(10, { top: 12, bottom: 14 }, H, V)).toBe(10);
  });

  it("scrolls down just enough to show a range below the viewport, above the '↓ N more' line", () => {
    const o = scrollToRange(0, { top: 30, bottom: 33 }, H, V);
    expect(o).toBe(33 - (V - 2));
    expect(isVisible({ top: 30, bottom: 33 }, H, V, o)).toBe(true);
    expect(isVisible({ top: 30, bottom: 34 }, H, V, o)).toBe(false);
  });

  it("scrolls up to put a range above the viewport at its top", () => {
    expect(scrollToRange(40, { top: 20, bottom: 22 }, H, V)).toBe(20);
    expect(scrollToRange(40, { top: 1, bottom: 2 }, H, V)).toBe(0);
  });

  it("shows the top of a range taller than the viewport", () => {
    expect(scrollToRange(0, { top: 25, bottom: 55 }, H, V)).toBe(25);
  });

  it("reaches the last line of the content at the end", () => {
    const o = scrollToRange(0, { top: H - 2, bottom: H }, H, V);
    expect(o).toBe(maxOffset(H, V));
    expect(viewportWindow(H, V, o).below).toBe(0);
  });

  it("follows the cursor with its context when both fit, else the cursor's row alone", () => {
    // The path's URL (line 10) above its first hop (lines 20-22): both fit.
    expect(followCursor(40, { top: 20, bottom: 22 }, { top: 10, bottom: 22 }, H, V)).toBe(10);
    // Context 30 lines tall: only the row is brought into view.
    const o = followCursor(0, { top: 40, bottom: 42 }, { top: 10, bottom: 42 }, H, V);
    expect(isVisible({ top: 40, bottom: 42 }, H, V, o)).toBe(true);
  });

  it("pages by the lines shown less one", () => {
    expect(pageLines(H, V, 0)).toBe(V - 2);
    expect(pageLines(H, V, 10)).toBe(V - 3);
    expect(pageLines(5, V, 0)).toBe(4);
  });

  it("moves the cursor a page of rows at a time, within the rows", () => {
    expect(pageCursor(0, 20, 6, 1)).toBe(5);
    expect(pageCursor(18, 20, 6, 1)).toBe(19);
    expect(pageCursor(3, 20, 6, -1)).toBe(0);
    // Nothing fully shown (a row taller than the viewport): still one row.
    expect(pageCursor(4, 20, 0, 1)).toBe(5);
    expect(pageCursor(0, 0, 5, 1)).toBe(0);
  });

  it("degrades to no 'more' lines in a viewport of one or two lines", () => {
    expect(viewportWindow(10, 2, 3)).toEqual({ offset: 3, lines: 2, above: 3, below: 5 });
    expect(viewportWindow(10, 0, 0).lines).toBe(1);
  });
});
