/**
 * One diagnosed path: URL and status, its hops as a live list, then the
 * verdict. `compact` renders only the header line with where the path stops,
 * so several discovered paths fit a terminal: the App expands the path under
 * the cursor.
 */
import { Box, Text, type DOMElement } from "ink";
import type { FixId } from "../engine/types.js";
import { describeTarget } from "../report/request-text.js";
import { hopFixIds } from "./fix-panel.js";
import { HopRow } from "./HopRow.js";
import { Spinner } from "./Spinner.js";
import { hopView, pathHopIds, type UiState } from "./state.js";
import { Verdict } from "./Verdict.js";
import { useTint } from "./theme.js";

export interface PathViewProps {
  state: UiState;
  index: number;
  /** Key of the row under the cursor (see `rows`), or null. */
  cursorKey: string | null;
  cursor: boolean;
  /** Render one line (URL, status, where it stops) instead of the hops. */
  compact?: boolean;
  /** Fixes the user can open for this path (`f`); each failing or warning hop lists the ones its checks recommend. */
  offered?: readonly FixId[];
  /** Receives the path's laid-out box (the App scrolls its URL into view with its first hop). */
  pathRef?: (el: DOMElement | null) => void;
  /** The ref callback for the row with `key` (see `rows`), for scrolling the cursor's row into view. */
  rowRef?: (key: string) => (el: DOMElement | null) => void;
}

export function PathView({ state, index, cursorKey, cursor, compact = false, offered = [], pathRef, rowRef }: PathViewProps): React.JSX.Element | null {
  const tint = useTint();
  const path = state.paths[index];
  if (!path) return null;
  const status = path.report?.status;
  // The fix panel under this path shows the fix in full: the verdict need not list the fixes again.
  const panelOpen = state.fix.mode !== "closed" && state.fix.path === index;
  const color = status === "fail" ? "red" : status === "warn" ? "yellow" : "green";
  return (
    <Box ref={pathRef} flexDirection="column" marginTop={1}>
      {/* One Text, so a narrow terminal wraps it between words (wrap-ansi), never inside the URL when it fits a line. */}
      <Text>
        <Text bold>{describeTarget(path.target)}</Text>
        {"  "}
        {status ? (
          <Text bold color={tint(color)}>
            {status.toUpperCase()}
          </Text>
        ) : (
          <Spinner />
        )}
        {compact ? <Text dimColor>{`  ${compactNote(path.report)}`}</Text> : null}
      </Text>
      {compact ? null : pathHopIds(path).map((hop) => {
        const key = `${index}:${hop}`;
        const view = hopView(state, index, hop);
        return (
          <HopRow
            key={key}
            view={view}
            selected={cursor && cursorKey === key}
            expanded={state.expanded.includes(key)}
            cursor={cursor}
            fixes={offered.length > 0 ? hopFixIds(view.checks, offered) : undefined}
            boxRef={rowRef?.(key)}
          />
        );
      })}
      {compact ? null : <Verdict report={path.report} probe={path.probe} fixes={state.fixes} listFixes={!panelOpen} />}
    </Box>
  );
}

/** Where a collapsed path stops, in a few words. */
function compactNote(report: UiState["paths"][number]["report"]): string {
  if (!report) return "running";
  if (report.verdict) return `stops at ${report.verdict.hop}: ${report.verdict.code} ${report.verdict.checkId}`;
  return report.status === "warn" ? "passes with warnings" : "passes every hop";
}
