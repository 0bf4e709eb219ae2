/** The checks of an expanded hop: each with mark, title, code, id and summary, wrapped between words under the title. */
import { Box, Text } from "ink";
import { Mark } from "./Mark.js";
import type { UiCheck } from "./state.js";

export interface CheckListProps {
  checks: UiCheck[];
}

export function CheckList({ checks }: CheckListProps): React.JSX.Element {
  return (
    <Box flexDirection="column" marginLeft={6}>
      {checks.map((c) => (
        <Box key={c.id}>
          <Box flexShrink={0} marginRight={1}>
            <Mark status={c.result ? c.result.status : c.state === "running" ? "running" : "pending"} />
          </Box>
          <Box flexShrink={1}>
            <Text>
              {c.title}
              {c.result ? <Text dimColor>{`  ${c.result.code} ${c.id} — ${c.result.summary}${c.result.causedBy ? ` (caused by ${c.result.causedBy})` : ""}`}</Text> : <Text dimColor>{`  ${c.id}`}</Text>}
            </Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
