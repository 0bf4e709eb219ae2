/** The end of a path: the verdict in one sentence, the probe's signature, and the fixes offered (id + title). */
import { Box, Text } from "ink";
import { basisSentence, fixesFor, probeSentence, verdictSentence } from "../report/format.js";
import type { FixReport, PathReport, ProbeReport } from "../report/types.js";
import { useTint } from "./theme.js";

export interface VerdictProps {
  /** The path's report; null while the path runs (then only the probe, if it finished, is shown). */
  report: PathReport | null;
  probe: ProbeReport | null;
  /** The run's fix reports (titles); empty until the run ends, when only ids are known. */
  fixes: FixReport[];
  /** List the offered fixes (default true; false while the fix panel shows them). */
  listFixes?: boolean;
}

const FIXES_LABEL = "Fixes: ";

export function Verdict({ report, probe, fixes, listFixes = true }: VerdictProps): React.JSX.Element | null {
  const tint = useTint();
  const offered = report && listFixes ? fixesFor(report.checks, fixes) : [];
  if (!report && !probe) return null;
  const color = report?.status === "fail" ? "red" : report?.status === "warn" ? "yellow" : "green";
  return (
    <Box flexDirection="column" marginLeft={2}>
      {report ? (
        <Text>
          <Text bold>Verdict: </Text>
          <Text color={tint(color)}>{verdictSentence(report)}</Text>
        </Text>
      ) : null}
      {report && basisSentence(report) ? (
        <Text>
          <Text bold>Evidence: </Text>
          {basisSentence(report)}
        </Text>
      ) : null}
      {probe ? (
        <Text>
          <Text bold>Probe: </Text>
          {probeSentence(probe)}
        </Text>
      ) : null}
      {offered.map((f, i) => (
        <Box key={f.id}>
          <Box flexShrink={0} width={FIXES_LABEL.length}>
            <Text bold>{i === 0 ? FIXES_LABEL : ""}</Text>
          </Box>
          {/* The fix and its steps in one column, so wrapped lines keep their indent. */}
          <Box flexDirection="column" flexShrink={1}>
            <Text>
              <Text color={tint("cyan")}>{f.id}</Text>
              {f.title !== f.id ? ` — ${f.title}` : ""}
              <Text dimColor>{`  (${f.risk})`}</Text>
            </Text>
            {f.steps.map((step, j) => (
              <Box key={j} marginLeft={2}>
                <Text>{step}</Text>
              </Box>
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
