/** The `?` overlay: every key binding of the TUI (./keys.ts), grouped; it takes the place of the paths until `?` or Esc. */
import { Box, Text } from "ink";
import { KEY_GROUPS } from "./keys.js";
import { useTint } from "./theme.js";

/** Width of the keys column, in columns. */
const KEYS_WIDTH = 16;

export function KeyHelp(): React.JSX.Element {
  const tint = useTint();
  return (
    <Box flexDirection="column">
      <Text bold color={tint("cyan")}>
        Keys
      </Text>
      {KEY_GROUPS.map((g) => (
        <Box key={g.title} flexDirection="column" marginTop={1}>
          <Text bold>{g.title}</Text>
          {g.bindings.map((b) => (
            <Box key={b.keys}>
              <Box flexShrink={0} width={KEYS_WIDTH} marginLeft={2}>
                <Text color={tint("cyan")}>{b.keys}</Text>
              </Box>
              <Box flexShrink={1}>
                <Text>{b.action}</Text>
              </Box>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
