/**
 * One hop of a path (or the environment block): mark or spinner, hop name,
 * summary; under a failing or warning hop the worst check's id, summary and
 * main evidence (wrapped between words under the summary column), and the
 * fixes the user can open from here (`fix: ID (f)`);
 * when expanded, every check of the hop.
 */
import { Box, Text, type DOMElement } from "ink";
import type { FixId } from "../engine/types.js";
import { evidenceLines } from "../report/format.js";
import { CheckList } from "./CheckList.js";
import { Mark } from "./Mark.js";
import type { HopView } from "./state.js";
import { useTint } from "./theme.js";

export interface HopRowProps {
  view: HopView;
  /** The cursor is on this row (drawn with ›). */
  selected: boolean;
  expanded: boolean;
  /** Draw the cursor (interactive mode); the column is kept either way so that layouts match. */
  cursor: boolean;
  /** Fixes the user can open with `f` for this hop's failing or warning checks (none: no line). */
  fixes?: readonly FixId[];
  /** Receives the row's laid-out box (all its lines), for scrolling it into view. */
  boxRef?: (el: DOMElement | null) => void;
}

const HOP_WIDTH = 10;

/** "checking: <title>, <title>" for the hop's running checks; "" when none runs. */
function runningTitles(view: HopView): string {
  const running = view.checks.filter((c) => c.state === "running").map((c) => c.title);
  return running.length ? `checking: ${running.join(", ")}` : "";
}

export function HopRow({ view, selected, expanded, cursor, fixes = [], boxRef }: HopRowProps): React.JSX.Element {
  const tint = useTint();
  const p = view.problem;
  const showProblem = p !== null && (view.status === "fail" || view.status === "error" || view.status === "warn" || view.status === "running");
  return (
    <Box ref={boxRef} flexDirection="column">
      <Box>
        <Box flexShrink={0}>
          <Text color={tint("cyan")}>{cursor && selected ? "› " : "  "}</Text>
        </Box>
        <Box flexShrink={0} marginRight={1}>
          <Mark status={view.status} />
        </Box>
        <Box flexShrink={0} width={HOP_WIDTH}>
          <Text bold={selected}>{view.hop}</Text>
        </Box>
        <Box flexShrink={1}>
          <Text dimColor={view.status === "skip" || view.status === "pending" || !view.summary}>{view.summary || runningTitles(view)}</Text>
        </Box>
      </Box>
      {showProblem ? (
        <Box flexDirection="column" marginLeft={2 + 2 + HOP_WIDTH}>
          <Text color={tint(p.status === "warn" ? "yellow" : "red")}>
            {`${p.code} ${p.id}`}
            {p.summary !== view.summary ? <Text color={undefined}>{` — ${p.summary}`}</Text> : null}
          </Text>
          {evidenceLines(p.evidence, { max: 2, width: 200 }).map((line, i) => (
            <Text key={i} dimColor>
              {line}
            </Text>
          ))}
          {fixes.length > 0 ? <Text color={tint("cyan")}>{`fix: ${fixes.join(", ")} (f)`}</Text> : null}
        </Box>
      ) : null}
      {expanded ? <CheckList checks={view.checks} /> : null}
    </Box>
  );
}
