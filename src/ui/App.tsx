/**
 * The netdoctor TUI: header (tool, context, flavor), the environment checks,
 * each path as a live list of hops, and a status line pinned under them. Thin:
 * it renders the state reduced from run events (./state.ts) and holds no
 * diagnosis logic.
 *
 * It fits the terminal: when its height is known, everything above the status
 * line scrolls in a viewport (./Viewport.tsx) that keeps the cursor's row in
 * view, says how many lines are hidden above and below, and follows resizes;
 * text wraps between words (Ink's wrap-ansi); the status line gives up its key
 * hints and details before its status word (./status-line.ts).
 *
 * Keys (interactive mode only; listed by `?`, ./keys.ts): ↑/↓ or k/j move
 * between hops, PgUp/PgDn a page, Home/g and End/G to the first and last;
 * enter or space expands a hop's checks; `?` shows the keys; q / Esc / Ctrl-C
 * quit. With a fix runner (`fixer`), once the run has ended, failing hops list
 * their fixes and `f` opens the fix panel under the focused path (keys in
 * ./fix-controller.ts; the panel takes every key while open except those that
 * scroll it, and q does not quit while a fix is applying). Without raw-mode
 * stdin the app takes no keys, shows nothing about fixes, and exits by itself
 * once the run has ended, leaving the final frame, drawn whole, on screen.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Box, Text, measureElement, useApp, useInput, useStdin, type DOMElement, type Key } from "ink";
import { pathCounts, recordingSentence } from "../report/format.js";
import { describeTarget } from "../report/request-text.js";
import type { Report } from "../report/types.js";
import { createFixController } from "./fix-controller.js";
import { panelKeys, type TuiFixer } from "./fix-panel.js";
import { FixPanel } from "./FixPanel.js";
import { HopRow } from "./HopRow.js";
import { PathView } from "./PathView.js";
import { KeyHelp } from "./KeyHelp.js";
import { Spinner } from "./Spinner.js";
import { hopView, rows, type UiState } from "./state.js";
import { fitStatus, STATUS_GAP, statusText, type StatusParts } from "./status-line.js";
import type { RunStore } from "./store.js";
import { ColorContext, useTint } from "./theme.js";
import { useTerminalSize } from "./use-terminal-size.js";
import { rangeWithin, Viewport, type ScrollTarget, type ViewportControl } from "./Viewport.js";
import { pageCursor } from "./viewport-lines.js";

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
  // One Text, so a narrow terminal wraps it between words (wrap-ansi) rather than squeezing each part.
  return (
    <Text>
      <Text bold color={tint("cyan")}>
        netdoctor
      </Text>
      {state.version ? <Text dimColor>{` ${state.version}`}</Text> : null}
      {env.context ? `  ${env.context}` : null}
      {env.flavor ? <Text dimColor>{` (${env.flavor})`}</Text> : null}
      {env.apiServer ? <Text dimColor>{`  ${env.apiServer}`}</Text> : null}
    </Text>
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

/** The status line's key hints, richest first: the panel's keys while it is open, the help's while it shows, else movement, `f fix` when the focused path offers fixes, and quit. */
function keyHints(state: UiState, canFix: boolean, help: boolean): string[] {
  if (help) return ["? or esc close · ↑↓ PgUp PgDn scroll · q quit", "? or esc close · q quit", "? close"];
  if (state.fix.mode === "applying") return [panelKeys(state.fix)];
  if (state.fix.mode !== "closed") {
    const keys = panelKeys(state.fix);
    return [`${keys} · q quit · ? keys`, `${keys} · q quit`, keys];
  }
  const fix = canFix ? "f fix · " : "";
  return [`↑↓ move · enter expand · ${fix}q quit · ? keys`, `${fix}q quit · ? keys`, `${fix}? keys`, "? keys"];
}

/** The line pinned under the viewport: the run's progress, or its status word and counts, and the key hints; fitted to the width so the word is never cut. */
function StatusLine({ state, hints, columns, spaced }: { state: UiState; hints: string[]; columns: number; spaced: boolean }): React.JSX.Element {
  const tint = useTint();
  const running = state.phase !== "done" || !state.report;
  let parts: StatusParts;
  let color: "red" | "yellow" | "green" | undefined;
  if (running) {
    const all = [...state.env, ...state.paths.flatMap((p) => p.checks)];
    const done = all.filter((c) => c.state === "done").length;
    parts = { word: state.phase === "waiting" ? "starting" : `running · ${done}/${all.length} checks done`, details: [], hints };
  } else {
    const r = state.report!;
    const n = pathCounts(r);
    const counts = `${n.fail} fail, ${n.warn} warn, ${n.pass} pass`;
    const paths = `${r.paths.length} path${r.paths.length === 1 ? "" : "s"}: ${counts}`;
    parts = { word: r.status.toUpperCase(), details: [`${paths} · ${Math.round(r.durationMs)} ms`, paths, counts], hints };
    color = r.status === "fail" ? "red" : r.status === "warn" ? "yellow" : "green";
  }
  // The spinner and its space take two columns while running.
  const fitted = fitStatus(parts, running ? columns - 2 : columns);
  const rest = statusText({ ...fitted, word: "" });
  return (
    <Box marginTop={spaced ? 1 : 0} flexShrink={0}>
      {running ? (
        <Box flexShrink={0} marginRight={1}>
          <Spinner />
        </Box>
      ) : null}
      <Box flexShrink={0}>
        <Text bold={!running} color={running ? undefined : tint(color)} dimColor={running}>
          {fitted.word}
        </Text>
      </Box>
      {rest ? (
        <Box flexShrink={1}>
          <Text dimColor wrap="truncate-end">{`${STATUS_GAP}${rest}`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** Keys that scroll the viewport by lines or pages (in the help, and in a fix panel that is not choosing). */
function scrollKey(input: string, key: Key): ((v: ViewportControl) => void) | null {
  if (key.upArrow || input === "k") return (v) => v.scrollBy(-1);
  if (key.downArrow || input === "j") return (v) => v.scrollBy(1);
  return pageKey(input, key);
}

function pageKey(input: string, key: Key): ((v: ViewportControl) => void) | null {
  if (key.pageUp) return (v) => v.page(-1);
  if (key.pageDown) return (v) => v.page(1);
  if (key.home || input === "g") return (v) => v.jump("start");
  if (key.end || input === "G") return (v) => v.jump("end");
  return null;
}

/** Rows (`rows()` keys) whose lines are all inside the viewport's window now. */
function rowsShown(refs: Map<string, DOMElement>, view: NonNullable<ReturnType<ViewportControl["measure"]>>): number {
  if (!view.content) return 0;
  let n = 0;
  for (const el of refs.values()) {
    const r = rangeWithin(el, view.content);
    if (r && r.top >= view.window.offset && r.bottom <= view.window.offset + view.window.lines) n++;
  }
  return n;
}

/** Rows PgUp/PgDn move without a viewport (no terminal height known). */
const PAGE_ROWS_WITHOUT_VIEWPORT = 10;

export function App({ store, interactive, onQuit, color = true, fixer, onReport }: AppProps): React.JSX.Element {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows: terminalRows } = useTerminalSize();
  const keys = interactive ?? isRawModeSupported;
  const [help, setHelp] = useState(false);
  const onReportRef = useRef(onReport);
  onReportRef.current = onReport;
  const fixes = useMemo(
    () => (keys && fixer ? createFixController(store, fixer, { onReport: (r) => onReportRef.current?.(r) }) : null),
    [keys, fixer, store],
  );
  const viewport = useRef<ViewportControl>(null);
  // Laid-out boxes of the rows, the paths and the fix panel, for scrolling to the cursor.
  const rowBoxes = useRef(new Map<string, DOMElement>());
  const pathBoxes = useRef(new Map<number, DOMElement>());
  const panelBox = useRef<DOMElement>(null);

  useInput(
    (input, key) => {
      // Keys typed faster than the terminal is read arrive as one chunk ("jjj\r"): take them one by one.
      const chars = !key.ctrl && !key.meta && input.length > 1 ? [...input] : [input];
      let helpOpen = help;
      for (const ch of chars) {
        const enter = key.return || ch === "\r" || ch === "\n";
        const ctrlC = key.ctrl && ch === "c";
        const panel = store.getState().fix.mode;
        const quit = ch === "q" || key.escape || ctrlC;
        if (helpOpen) {
          const scroll = scrollKey(ch, key);
          if (ch === "?" || key.escape) helpOpen = false;
          else if (scroll) scroll(viewport.current!);
          // q and Ctrl-C go on to quit (a fix that is applying may hold them back); other keys do nothing here.
          if (!(ch === "q" || ctrlC)) continue;
        } else if (ch === "?" && !key.ctrl && !key.meta) {
          helpOpen = true;
          continue;
        } else if (panel !== "closed" && !ctrlC) {
          // A plan or outcome taller than the screen scrolls; the chooser keeps ↑↓ for choosing.
          const scroll = panel === "choosing" ? pageKey(ch, key) : scrollKey(ch, key);
          if (scroll && viewport.current) {
            scroll(viewport.current);
            continue;
          }
        }
        if (fixes?.key({ input: ch, escape: key.escape, enter, up: key.upArrow, down: key.downArrow, ctrl: key.ctrl })) continue;
        if (quit) {
          onQuit?.();
          exit();
          return;
        } else if (key.upArrow || ch === "k") store.dispatch({ type: "ui-move", delta: -1 });
        else if (key.downArrow || ch === "j") store.dispatch({ type: "ui-move", delta: 1 });
        else if (key.home || ch === "g") store.dispatch({ type: "ui-goto", row: 0 });
        else if (key.end || ch === "G") store.dispatch({ type: "ui-goto", row: rows(store.getState()).length - 1 });
        else if (key.pageUp || key.pageDown) {
          const view = viewport.current?.measure();
          const shown = view ? rowsShown(rowBoxes.current, view) : PAGE_ROWS_WITHOUT_VIEWPORT;
          const s = store.getState();
          store.dispatch({ type: "ui-goto", row: pageCursor(s.cursor, rows(s).length, shown, key.pageDown ? 1 : -1) });
        } else if (enter || ch === " ") store.dispatch({ type: "ui-toggle" });
      }
      if (helpOpen !== help) setHelp(helpOpen);
    },
    { isActive: keys },
  );

  // Without keys, leave once the final frame (run ended) has been committed.
  useEffect(() => {
    if (!keys && state.phase === "done") exit();
  }, [keys, state.phase, exit]);

  const allRows = rows(state);
  const cursorRow = keys ? allRows[state.cursor] : undefined;
  const cursorKey = cursorRow?.key ?? null;
  // With several paths, only the one under the cursor (the first, initially) shows its hops.
  const focused = cursorRow?.path ?? 0;
  const offered = fixes ? fixes.offered(focused) : [];
  const panel = state.fix.mode !== "closed" ? <FixPanel panel={state.fix} boxRef={panelBox} /> : null;
  const panelPath = state.fix.mode !== "closed" ? state.fix.path : -1;

  // A viewport when the terminal's height is known: always with keys (the user scrolls), and while a
  // run without keys is live (its final frame is drawn whole, as the terminal's scrollback keeps it).
  // One line for the status line, one for the newline Ink writes after a frame shorter than the
  // terminal (a frame as tall as the terminal is redrawn after clearing the scrollback: ink/build/ink.js).
  const viewportOn = terminalRows !== undefined && (keys || state.phase !== "done");
  const height = viewportOn ? Math.max(terminalRows - 2, 1) : undefined;

  const target = (content: DOMElement): ScrollTarget | null => {
    if (help) return { must: { top: 0, bottom: 1 }, want: { top: 0, bottom: 1 } };
    if (state.fix.mode !== "closed") {
      const r = rangeWithin(panelBox.current, content);
      return r ? { must: { top: r.top, bottom: Math.min(r.bottom, r.top + 1) }, want: r } : null;
    }
    if (!cursorRow) return null;
    const r = rangeWithin(rowBoxes.current.get(cursorRow.key), content);
    if (!r) return null;
    let want = r;
    // Context that comes with the row when it fits: the header above the first row, the path's URL
    // above its first hop, everything below the last row.
    if (state.cursor === 0) want = { top: 0, bottom: r.bottom };
    else if (cursorRow.path !== null && allRows[state.cursor - 1]?.path !== cursorRow.path) {
      const p = rangeWithin(pathBoxes.current.get(cursorRow.path), content);
      if (p) want = { top: p.top, bottom: r.bottom };
    }
    if (state.cursor === allRows.length - 1) want = { top: want.top, bottom: Math.round(measureElement(content).height) };
    return { must: r, want };
  };
  // Inside a path whose URL scrolled away above: the "↑ N more" line names it.
  const aboveNote = (content: DOMElement, offset: number): string | null => {
    if (help || cursorRow?.path == null) return null;
    const p = rangeWithin(pathBoxes.current.get(cursorRow.path), content);
    const path = state.paths[cursorRow.path];
    if (!p || !path || p.top >= offset || p.bottom <= offset) return null;
    return `${describeTarget(path.target)}${path.report ? ` ${path.report.status.toUpperCase()}` : ""}`;
  };
  const followKey = help ? "help" : state.fix.mode !== "closed" ? `panel:${state.fix.mode}:${state.fix.path}` : `cursor:${cursorKey}`;

  const boxRef =
    <K,>(map: Map<K, DOMElement>, key: K) =>
    (el: DOMElement | null) => {
      if (el) map.set(key, el);
      else map.delete(key);
    };

  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={columns}>
        <Viewport
          height={height}
          target={target}
          followKey={followKey}
          always={!help && state.fix.mode === "closed"}
          aboveNote={aboveNote}
          control={viewport}
        >
          {help ? (
            <KeyHelp />
          ) : (
            <>
              <Header state={state} />
              <RecordingLine state={state} />
              <DiscoveryLine state={state} />
              {state.env.length > 0 ? (
                <Box flexDirection="column" marginTop={1}>
                  <Text bold>Environment</Text>
                  <HopRow
                    view={hopView(state, null, "env")}
                    selected={cursorKey === "env"}
                    expanded={state.expanded.includes("env")}
                    cursor={keys}
                    boxRef={boxRef(rowBoxes.current, "env")}
                  />
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
                    pathRef={boxRef(pathBoxes.current, i)}
                    rowRef={(key) => boxRef(rowBoxes.current, key)}
                  />
                  {i === panelPath ? panel : null}
                </Box>
              ))}
              {panelPath >= state.paths.length ? panel : null}
            </>
          )}
        </Viewport>
        <StatusLine state={state} hints={keys ? keyHints(state, offered.length > 0, help) : []} columns={columns} spaced={height === undefined} />
      </Box>
    </ColorContext.Provider>
  );
}
