/** The status mark of a hop or check: a spinner while running, otherwise ✔ ‼ ✖ – · in their colours. */
import { Text } from "ink";
import { markStyle } from "./marks.js";
import { Spinner } from "./Spinner.js";
import type { RowStatus } from "./state.js";
import { useTint } from "./theme.js";

export function Mark({ status }: { status: RowStatus }): React.JSX.Element {
  const tint = useTint();
  if (status === "running") return <Spinner />;
  const s = markStyle(status);
  return (
    <Text color={tint(s.color)} dimColor={s.dim}>
      {s.mark}
    </Text>
  );
}
