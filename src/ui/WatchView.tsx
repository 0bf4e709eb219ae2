/**
 * The live view of `netdoctor watch`: the target and where requests go, one
 * line per hop the failures point to (count and last signature), the last
 * error, and pinned under them a status line with requests done/total,
 * success rate, p50/p99 latency and failures. It fits the terminal: the part
 * above the status line scrolls in a viewport (./Viewport.tsx) and lines wrap
 * between words. Thin: it draws the state the watch command computes (src/watch) and
 * holds no statistics of its own.
 */
import { Box, Text } from "ink";
import type { Hop } from "../engine/types.js";
import { markStyle } from "./marks.js";
import { Spinner } from "./Spinner.js";
import { fitStatus, STATUS_GAP } from "./status-line.js";
import { ColorContext, useTint } from "./theme.js";
import { useTerminalSize } from "./use-terminal-size.js";
import { Viewport } from "./Viewport.js";

/** What the view draws; the watch command's statistics snapshot plus the run's header and end. */
export interface WatchViewState {
  target: string;
  /** `address:port` every request goes to. */
  address: string;
  via: string;
  count: number;
  concurrency: number;
  requests: number;
  ok: number;
  failed: number;
  aborted: number;
  /** 0..1, null before the first finished request. */
  successRate: number | null;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  /** Failures per hop their signature points to, with the last signature seen there. */
  hops: { hop: Hop; failed: number; lastSignature: string }[];
  lastError: { signature: string; hop: Hop | null; status: number | null; error: string | null } | null;
  done: boolean;
  durationMs: number | null;
  /** `count`, `deadline` or `interrupted` once done. */
  stoppedBy: string | null;
}

export interface WatchViewProps {
  state: WatchViewState;
  color?: boolean;
}

/** `98.5%`, `n/a` before the first request (rounded down, so 199/200 never shows 100%). */
export function rateText(rate: number | null): string {
  return rate === null ? "n/a" : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}

const ms = (v: number | null): string => (v === null ? "n/a" : `${Math.round(v)} ms`);

const STOPPED: Record<string, string> = { count: "all requests done", deadline: "stopped by --timeout", interrupted: "interrupted" };

/** Width of the hop column of the failure lines, in columns. */
const HOP_WIDTH = 10;

/** The target, failures per hop, the last error and how the run ended: the part that scrolls. */
function Body({ state }: { state: WatchViewState }): React.JSX.Element {
  const tint = useTint();
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={tint("cyan")}>
          netdoctor watch
        </Text>
        {` ${state.target}`}
        <Text dimColor>{` → ${state.address} (${state.via}), ${state.concurrency} client${state.concurrency === 1 ? "" : "s"}`}</Text>
      </Text>
      {state.hops.map((h) => (
        <Box key={h.hop}>
          <Box flexShrink={0} width={2 + HOP_WIDTH + 1}>
            <Text color={tint("red")}>{`  ${h.hop}`}</Text>
          </Box>
          <Box flexShrink={1}>
            <Text>{`${h.failed} failed, last ${h.lastSignature}`}</Text>
          </Box>
        </Box>
      ))}
      {state.lastError ? (
        <Text>
          <Text bold>{"Last error: "}</Text>
          {state.lastError.status !== null ? `${state.lastError.signature} (HTTP ${state.lastError.status})` : state.lastError.signature}
          {state.lastError.hop ? ` → ${state.lastError.hop}` : ""}
          {state.lastError.error ? <Text dimColor>{`: ${state.lastError.error}`}</Text> : null}
        </Text>
      ) : null}
      {state.done ? (
        <Text dimColor>
          {`Done in ${((state.durationMs ?? 0) / 1000).toFixed(1)} s (${STOPPED[state.stoppedBy ?? ""] ?? state.stoppedBy ?? ""}${state.aborted ? `, ${state.aborted} cut off in flight` : ""}); latency p90 ${ms(state.latencyMs.p90)}, max ${ms(state.latencyMs.max)}`}
        </Text>
      ) : null}
    </Box>
  );
}

/**
 * The pinned line: mark or spinner, requests done/total and the success rate
 * (never cut), then latency and the failure count as the width allows.
 */
function Status({ state, columns }: { state: WatchViewState; columns: number }): React.JSX.Element {
  const tint = useTint();
  const rateColor = state.successRate === null ? undefined : state.successRate === 1 ? "green" : state.successRate >= 0.9 ? "yellow" : "red";
  const end = state.done ? markStyle(state.successRate === 1 ? "pass" : "fail") : null;
  const requests = `${state.requests}/${state.count} requests`;
  const rate = `${rateText(state.successRate)} ok`;
  const latency = `p50 ${ms(state.latencyMs.p50)}  p99 ${ms(state.latencyMs.p99)}`;
  const failed = state.failed > 0 ? `${state.failed} failed` : "";
  const details = failed ? [`${latency}${STATUS_GAP}${failed}`, failed] : [latency];
  // The mark and its space take two columns.
  const fitted = fitStatus({ word: `${requests}${STATUS_GAP}${rate}`, details, hints: [] }, columns - 2);
  const latencyShown = fitted.detail.startsWith("p50");
  return (
    <Box flexShrink={0}>
      <Box flexShrink={0} marginRight={1}>
        {end ? <Text color={tint(end.color)}>{end.mark}</Text> : <Spinner />}
      </Box>
      <Box flexShrink={0}>
        <Text>
          {`${requests}${STATUS_GAP}`}
          <Text color={tint(rateColor)}>{rate}</Text>
        </Text>
      </Box>
      {fitted.detail ? (
        <Box flexShrink={1}>
          <Text wrap="truncate-end">
            {latencyShown ? `${STATUS_GAP}${latency}` : ""}
            {failed ? <Text color={tint("red")}>{`${STATUS_GAP}${failed}`}</Text> : null}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** The view sized to the terminal: the body in a viewport (while the run is live and the height is known), the status line pinned under it. */
function Screen({ state }: { state: WatchViewState }): React.JSX.Element {
  const { columns, rows } = useTerminalSize();
  // One line for the status line, one for Ink's newline after the frame (see App.tsx); the final frame is drawn whole.
  const height = rows !== undefined && !state.done ? Math.max(rows - 2, 1) : undefined;
  return (
    <Box flexDirection="column" width={columns}>
      <Viewport height={height}>
        <Body state={state} />
      </Viewport>
      <Status state={state} columns={columns} />
    </Box>
  );
}

/** The watch view, with colour on or off (`--no-color`). */
export function WatchView({ state, color = true }: WatchViewProps): React.JSX.Element {
  return (
    <ColorContext.Provider value={color}>
      <Screen state={state} />
    </ColorContext.Provider>
  );
}
