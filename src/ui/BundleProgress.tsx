/**
 * Progress of `netdoctor bundle` in a terminal: one line per finished
 * collector (✔ collected, ✖ could not collect) and a spinner on the step in
 * progress. Thin: it renders the plain progress lines the collectors emit.
 */
import { useSyncExternalStore } from "react";
import { Box, Text } from "ink";
import { markStyle } from "./marks.js";
import { Spinner } from "./Spinner.js";
import { useTint } from "./theme.js";

/** Lines so far, and whether collection is still running. */
export interface BundleProgressState {
  lines: string[];
  running: boolean;
}

/** A tiny external store the bundle command pushes progress lines into. */
export function createBundleProgressStore() {
  let state: BundleProgressState = { lines: [], running: true };
  const listeners = new Set<() => void>();
  const set = (next: BundleProgressState) => {
    state = next;
    for (const l of listeners) l();
  };
  return {
    getState: () => state,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push: (line: string) => set({ ...state, lines: [...state.lines, line] }),
    finish: () => set({ ...state, running: false }),
  };
}

export type BundleProgressStore = ReturnType<typeof createBundleProgressStore>;

/** A collector line failed when the collector says so ("could not …", "… failed)"). */
function failed(line: string): boolean {
  return /^could not\b/.test(line) || /\bfailed\)$/.test(line);
}

export function BundleProgress({ store }: { store: BundleProgressStore }): React.JSX.Element {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const tint = useTint();
  return (
    <Box flexDirection="column">
      {state.lines.map((line, i) => {
        const m = markStyle(failed(line) ? "fail" : "pass");
        return (
          <Text key={i}>
            <Text color={tint(m.color)}>{m.mark}</Text> {line}
          </Text>
        );
      })}
      {state.running ? (
        <Text>
          <Spinner /> <Text dimColor>collecting…</Text>
        </Text>
      ) : null}
    </Box>
  );
}
