/**
 * A scrolling window onto a column of content, `height` terminal lines tall:
 * Ink lays the content out at its natural height, a box with
 * `overflowY="hidden"` clips it, and a negative top margin scrolls it (Ink 6
 * clips text drawn outside an `overflow: hidden` box: ink/build/output.js).
 * After every commit (Ink computes the layout before React's layout effects)
 * it measures the content and the lines its owner wants shown (the cursor's
 * row, the fix panel) and scrolls to them; "↑ N more" / "↓ N more" lines say
 * what is hidden. The arithmetic lives in ./viewport-lines.ts.
 */
import { useImperativeHandle, useLayoutEffect, useRef, useState, type ReactNode, type Ref } from "react";
import { Box, Text, measureElement, type DOMElement } from "ink";
import { clampOffset, followCursor, pageLines, viewportWindow, type LineRange, type ViewportWindow } from "./viewport-lines.js";

/** Lines to bring into view: all of `want` when it fits, else all of `must`. */
export interface ScrollTarget {
  must: LineRange;
  want: LineRange;
}

/** What the owner can do with the viewport (keys that scroll by lines, paging by rows). */
export interface ViewportControl {
  /** Scroll by `lines` (negative: up). */
  scrollBy(lines: number): void;
  /** Scroll a page down (1) or up (-1). */
  page(direction: 1 | -1): void;
  /** Scroll to the first (`start`) or the last line. */
  jump(to: "start" | "end"): void;
  /** The laid-out content box (null before the first layout), its height and what is shown now. */
  measure(): { content: DOMElement | null; contentHeight: number; window: ViewportWindow } | null;
}

export interface ViewportProps {
  /** Terminal lines the viewport may take; undefined: no viewport, the content is drawn whole. */
  height: number | undefined;
  /** The lines to show, measured in the laid-out content; null: keep the offset. */
  target?: (content: DOMElement) => ScrollTarget | null;
  /** Identifies what `target` points at; the viewport scrolls to it when this changes. */
  followKey?: string;
  /** Scroll to `target` after every layout (the cursor's row), not only when `followKey` changes (a panel the user may scroll through). */
  always?: boolean;
  /**
   * What the "↑ N more" line adds after the count, given the content and the
   * first line shown (e.g. the URL of the path whose header scrolled away);
   * null: nothing.
   */
  aboveNote?: (content: DOMElement, offset: number) => string | null;
  control?: Ref<ViewportControl>;
  children: ReactNode;
}

/** Height in lines of a laid-out Ink node; 0 before layout. */
function heightOf(node: DOMElement | null): number {
  return node ? Math.round(measureElement(node).height) : 0;
}

export function Viewport({ height, target, followKey = "", always = false, aboveNote, control, children }: ViewportProps): React.JSX.Element {
  const contentRef = useRef<DOMElement>(null);
  // contentHeight null: not measured yet; the first frame is clipped to `height` so it never outgrows the terminal.
  const [view, setView] = useState<{ offset: number; contentHeight: number | null; note: string | null }>({ offset: 0, contentHeight: null, note: null });
  const followed = useRef<string | null>(null);
  const h = height === undefined ? undefined : Math.max(height, 1);

  // Scroll to the target as the last layout placed it, before this frame is laid out: Ink writes a
  // frame as soon as React commits it, so a cursor moving among rows already laid out lands in view
  // in this frame rather than one frame after the layout effect below (a flash at the old offset).
  // Where the layout changes (another path opens), the layout effect corrects it in the next frame.
  let shown = view.offset;
  const laidOut = contentRef.current;
  if (h !== undefined && view.contentHeight !== null && laidOut && target && (always || followed.current !== followKey)) {
    const t = target(laidOut);
    if (t) shown = followCursor(shown, t.must, t.want, view.contentHeight, h);
  }
  const rendered = useRef(shown);
  rendered.current = shown;

  useLayoutEffect(() => {
    if (h === undefined) return;
    const node = contentRef.current;
    if (!node) return;
    const contentHeight = heightOf(node);
    let offset = clampOffset(rendered.current, contentHeight, h);
    if (target && (always || followed.current !== followKey)) {
      const t = target(node);
      if (t) offset = followCursor(offset, t.must, t.want, contentHeight, h);
      followed.current = followKey;
    }
    const note = offset > 0 && aboveNote ? aboveNote(node, viewportWindow(contentHeight, h, offset).offset) : null;
    if (offset !== view.offset || contentHeight !== view.contentHeight || note !== view.note) setView({ offset, contentHeight, note });
  });

  useImperativeHandle(
    control,
    () => {
      const scrollTo = (next: (offset: number, contentHeight: number, height: number) => number, direction: number) =>
        setView((v) => {
          if (h === undefined || v.contentHeight === null) return v;
          const offset = clampOffset(next(v.offset, v.contentHeight, h), v.contentHeight, h, direction);
          return offset === v.offset ? v : { ...v, offset };
        });
      return {
        scrollBy: (lines) => scrollTo((o) => o + lines, Math.sign(lines)),
        page: (direction) => scrollTo((o, c, hh) => o + direction * pageLines(c, hh, o), direction),
        jump: (to) => scrollTo((_, c) => (to === "start" ? 0 : c), to === "start" ? -1 : 1),
        measure: () => {
          if (h === undefined || view.contentHeight === null) return null;
          return { content: contentRef.current, contentHeight: view.contentHeight, window: viewportWindow(view.contentHeight, h, view.offset) };
        },
      };
    },
    [h, view],
  );

  if (h === undefined) {
    return (
      <Box ref={contentRef} flexDirection="column" flexShrink={0}>
        {children}
      </Box>
    );
  }
  const w = view.contentHeight === null ? { offset: 0, lines: h, above: 0, below: 0 } : viewportWindow(view.contentHeight, h, shown);
  const clipped = view.contentHeight === null || w.above > 0 || w.below > 0;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {w.above > 0 ? <Text dimColor wrap="truncate-end">{`↑ ${w.above} more${view.note ? ` · ${view.note}` : ""}`}</Text> : null}
      <Box flexDirection="column" flexShrink={0} height={clipped ? w.lines : undefined} overflowY="hidden">
        <Box ref={contentRef} flexDirection="column" flexShrink={0} marginTop={-w.offset}>
          {children}
        </Box>
      </Box>
      {w.below > 0 ? <Text dimColor wrap="truncate-end">{`↓ ${w.below} more`}</Text> : null}
    </Box>
  );
}

/**
 * The top of `node` in lines from the top of `ancestor` (Yoga's computed tops
 * are relative to the parent: summed up the tree), or null when `node` is not
 * inside `ancestor` (e.g. unmounted).
 */
export function topWithin(node: DOMElement, ancestor: DOMElement): number | null {
  let y = 0;
  let n: DOMElement | undefined = node;
  while (n && n !== ancestor) {
    y += n.yogaNode?.getComputedTop() ?? 0;
    n = n.parentNode;
  }
  return n === ancestor ? Math.round(y) : null;
}

/** The lines `node` takes inside `ancestor`, or null when it is not inside. */
export function rangeWithin(node: DOMElement | null | undefined, ancestor: DOMElement): LineRange | null {
  if (!node) return null;
  const top = topWithin(node, ancestor);
  return top === null ? null : { top, bottom: top + heightOf(node) };
}
