/**
 * The netdoctor TUI: header (tool, context, flavor), the environment checks,
 * each path as a live list of hops, and a footer with the keys. Thin: it
 * renders the state reduced from run events (./state.ts) and holds no
 * diagnosis logic.
 *
 * Keys (interactive mode only): ↑/↓ or k/j move between hops, enter or space
 * expands a hop's checks, q / Esc / Ctrl-C quit. With a fix runner (`fixer`),
 * once the run has ended, failing hops list their fixes and `f` opens the fix
 * panel under the focused path (keys in ./fix-controller.ts; the panel takes
 * every key while open, and q does not quit while a fix is applying). Without
 * raw-mode stdin the app takes no keys, shows nothing about fixes, and exits
 * by itself once the run has ended, leaving the final frame on screen.
 */
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { Box, Text, useApp, useInput, useStdin } from "ink";
import { pathCounts, recordingSentence } from "../report/format.js";
import type { Report } from "../report/types.js";
import { createFixController } from "./fix-controller.js";
import { panelKeys, type TuiFixer } from "./fix-panel.js";
import { FixPanel } from "./FixPanel.js";
import { HopRow } from "./HopRow.js";
import { PathView } from "./PathView.js";
import { Spinner } from "./Spinner.js";
import { hopView, rows, type UiState } from "./state.js";
import type { RunStore } from "./store.js";
import { ColorContext, useTint } from "./theme.js";

export interface AppProps {
  store: RunStore;
  /** Take keys; default: when stdin supports raw mode. */
  interactive?: boolean;
  /** Called when the user quits (q, Esc, Ctrl-C), before the app exits. */
  onQuit?: () => void;
  /** Colour marks and statuses (default true; false for `--no-color`). */
  color?: boolean;
  /**
   * Plans and applies fixes (a `FixRunner`, src/fixes/types.ts). Used in
   * interactive mode once the run has ended; absent (e.g. `--from` bundles):
   * nothing about fixes beyond the verdict's list is shown.
   */
  fixer?: TuiFixer;
  /** Called with the re-check's report each time an applied fix replaced the report on screen. */
  onReport?: (report: Report) => void;
}

function Header({ state }: { state: UiState }): React.JSX.Element {
  const env = state.environment;
  const tint = useTint();
  return (
    <Box>
      <Text bold color={tint("cyan")}>
        netdoctor
      </Text>
      {state.version ? <Text dimColor>{` ${state.version}`}</Text> : null}
      {env.context ? <Text>{`  ${env.context}`}</Text> : null}
      {env.flavor ? <Text dimColor>{` (${env.flavor})`}</Text> : null}
      {env.apiServer ? <Text dimColor>{`  ${env.apiServer}`}</Text> : null}
    </Box>
  );
}

/** Under the header of an offline analysis (`--from BUNDLE`): which recording, and when it was made. */
function RecordingLine({ state }: { state: UiState }): React.JSX.Element | null {
  if (!state.recording) return null;
  return (
    <Box>
      <Text color="yellow" wrap="wrap">
        {recordingSentence(state.recording)}
      </Text>
    </Box>
  );
}

/** What discovery found, under the header (only when no target was given). */
function DiscoveryLine({ state }: { state: UiState }): React.JSX.Element | null {
  if (!state.discovery) return null;
  return (
    <Box>
      <Text>
        <Text dimColor>{"Discovered: "}</Text>
        {state.discovery.summary}
      </Text>
    </Box>
  );
}

/** Header of a group of discovered paths sharing one entry (host) port. */
function PortHeader({ port }: { port: number }): React.JSX.Element {
  const tint = useTint();
  return (
    <Box marginTop={1}>
      <Text bold color={tint("cyan")}>{`Port ${port}`}</Text>
    </Box>
  );
}

/** The footer's key hints: the panel's keys while it is open, else movement, `f fix` when the focused path offers fixes, and quit. */
function keyHints(state: UiState, canFix: boolean): string {
  if (state.fix.mode === "applying") return `  ${panelKeys(state.fix)}`;
  if (state.fix.mode !== "closed") return `  ${panelKeys(state.fix)} · q quit`;
  return `  ↑↓ move · enter expand${canFix ? " · f fix" : ""} · q quit`;
}

function Footer({ state, keys }: { state: UiState; keys: string }): React.JSX.Element {
  const tint = useTint();
  const all = [...state.env, ...state.paths.flatMap((p) => p.checks)];
  const done = all.filter((c) => c.state === "done").length;
  if (state.phase !== "done" || !state.report) {
    return (
      <Box marginTop={1}>
        <Spinner />
        <Text dimColor>{` ${state.phase === "waiting" ? "starting" : `running · ${done}/${all.length} checks done`}${keys}`}</Text>
      </Box>
    );
  }
  const r = state.report;
  const n = pathCounts(r);
  const color = r.status === "fail" ? "red" : r.status === "warn" ? "yellow" : "green";
  return (
    <Box marginTop={1}>
      <Text bold color={tint(color)}>
        {r.status.toUpperCase()}
      </Text>
      <Text dimColor>{`  ${r.paths.length} path${r.paths.length === 1 ? "" : "s"}: ${n.fail} fail, ${n.warn} warn, ${n.pass} pass · ${Math.round(r.durationMs)} ms${keys}`}</Text>
    </Box>
  );
}

export function App({ store, interactive, onQuit, color = true, fixer, onReport }: AppProps): React.JSX.Element {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const keys = interactive ?? isRawModeSupported;
  const onReportRef = useRef(onReport);
  onReportRef.current = onReport;
  const fixes = useMemo(
    () => (keys && fixer ? createFixController(store, fixer, { onReport: (r) => onReportRef.current?.(r) }) : null),
    [keys, fixer, store],
  );

  useInput(
    (input, key) => {
      // Keys typed faster than the terminal is read arrive as one chunk ("jjj\r"): take them one by one.
      const chars = !key.ctrl && !key.meta && input.length > 1 ? [...input] : [input];
      for (const ch of chars) {
        const enter = key.return || ch === "\r" || ch === "\n";
        if (fixes?.key({ input: ch, escape: key.escape, enter, up: key.upArrow, down: key.downArrow, ctrl: key.ctrl })) continue;
        if (ch === "q" || key.escape || (key.ctrl && ch === "c")) {
          onQuit?.();
          exit();
          return;
        } else if (key.upArrow || ch === "k") store.dispatch({ type: "ui-move", delta: -1 });
        else if (key.downArrow || ch === "j") store.dispatch({ type: "ui-move", delta: 1 });
        else if (enter || ch === " ") store.dispatch({ type: "ui-toggle" });
      }
    },
    { isActive: keys },
  );

  // Without keys, leave once the final frame (run ended) has been committed.
  useEffect(() => {
    if (!keys && state.phase === "done") exit();
  }, [keys, state.phase, exit]);

  const cursorRow = keys ? rows(state)[state.cursor] : undefined;
  const cursorKey = cursorRow?.key ?? null;
  // With several paths, only the one under the cursor (the first, initially) shows its hops.
  const focused = cursorRow?.path ?? 0;
  const offered = fixes ? fixes.offered(focused) : [];
  const panel = state.fix.mode !== "closed" ? <FixPanel panel={state.fix} /> : null;
  const panelPath = state.fix.mode !== "closed" ? state.fix.path : -1;
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column">
        <Header state={state} />
        <RecordingLine state={state} />
        <DiscoveryLine state={state} />
        {state.env.length > 0 ? (
          <Box flexDirection="column" marginTop={1}>
            <Text bold>Environment</Text>
            <HopRow view={hopView(state, null, "env")} selected={cursorKey === "env"} expanded={state.expanded.includes("env")} cursor={keys} />
          </Box>
        ) : null}
        {state.paths.map((p, i) => (
          <Box key={i} flexDirection="column">
            {state.discovery && p.target.port !== state.paths[i - 1]?.target.port ? <PortHeader port={p.target.port} /> : null}
            <PathView
              state={state}
              index={i}
              cursorKey={cursorKey}
              cursor={keys}
              compact={keys && state.paths.length > 1 && i !== focused}
              offered={i === focused ? offered : undefined}
            />
            {i === panelPath ? panel : null}
          </Box>
        ))}
        {panelPath >= state.paths.length ? panel : null}
        <Footer state={state} keys={keys ? keyHints(state, offered.length > 0) : ""} />
      </Box>
    </ColorContext.Provider>
  );
}
