/** A one-character spinner (no dependency): a frame index advanced by setInterval while mounted. */
import { useEffect, useState } from "react";
import { Text } from "ink";
import { SPINNER_FRAMES, SPINNER_INTERVAL_MS } from "./marks.js";
import { useTint } from "./theme.js";

/** Draws the current spinner frame in cyan; the interval is cleared on unmount. */
export function Spinner(): React.JSX.Element {
  const tint = useTint();
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % SPINNER_FRAMES.length), SPINNER_INTERVAL_MS);
    return () => clearInterval(timer);
  }, []);
  return <Text color={tint("cyan")}>{SPINNER_FRAMES[frame]}</Text>;
}
