/** One diagnosed path: URL and status, its hops as a live list, then the verdict. */
import { Box, Text } from "ink";
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
}

export function PathView({ state, index, cursorKey, cursor }: PathViewProps): React.JSX.Element | null {
  const tint = useTint();
  const path = state.paths[index];
  if (!path) return null;
  const status = path.report?.status;
  const color = status === "fail" ? "red" : status === "warn" ? "yellow" : "green";
  return (
    <Box flexDirection="column" marginTop={1}>
      <Box>
        <Text bold>{path.target.url}</Text>
        <Text>{"  "}</Text>
        {status ? (
          <Text bold color={tint(color)}>
            {status.toUpperCase()}
          </Text>
        ) : (
          <Spinner />
        )}
      </Box>
      {pathHopIds(path).map((hop) => {
        const key = `${index}:${hop}`;
        return (
          <HopRow
            key={key}
            view={hopView(state, index, hop)}
            selected={cursor && cursorKey === key}
            expanded={state.expanded.includes(key)}
            cursor={cursor}
          />
        );
      })}
      <Verdict report={path.report} probe={path.probe} fixes={state.fixes} />
    </Box>
  );
}
