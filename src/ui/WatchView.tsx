/**
 * The live view of `netdoctor watch`: the target and where requests go, one
 * line with requests done/total, success rate and p50/p99 latency, one line
 * per hop the failures point to (count and last signature), and the last
 * error. Thin: it draws the state the watch command computes (src/watch) and
 * holds no statistics of its own.
 */
import { Box, Text } from "ink";
import type { Hop } from "../engine/types.js";
import { markStyle } from "./marks.js";
import { Spinner } from "./Spinner.js";
import { ColorContext, useTint } from "./theme.js";

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

function Body({ state }: { state: WatchViewState }): React.JSX.Element {
  const tint = useTint();
  const rateColor = state.successRate === null ? undefined : state.successRate === 1 ? "green" : state.successRate >= 0.9 ? "yellow" : "red";
  const end = state.done ? markStyle(state.successRate === 1 ? "pass" : "fail") : null;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={tint("cyan")}>
          netdoctor watch
        </Text>
        {` ${state.target}`}
        <Text dimColor>{` → ${state.address} (${state.via}), ${state.concurrency} client${state.concurrency === 1 ? "" : "s"}`}</Text>
      </Text>
      <Text>
        {end ? <Text color={tint(end.color)}>{end.mark}</Text> : <Spinner />}
        {` ${state.requests}/${state.count} requests  `}
        <Text color={tint(rateColor)}>{`${rateText(state.successRate)} ok`}</Text>
        {`  p50 ${ms(state.latencyMs.p50)}  p99 ${ms(state.latencyMs.p99)}`}
        {state.failed > 0 ? <Text color={tint("red")}>{`  ${state.failed} failed`}</Text> : null}
      </Text>
      {state.hops.map((h) => (
        <Text key={h.hop}>
          {"  "}
          <Text color={tint("red")}>{h.hop.padEnd(10)}</Text>
          {` ${h.failed} failed, last ${h.lastSignature}`}
        </Text>
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

/** The watch view, with colour on or off (`--no-color`). */
export function WatchView({ state, color = true }: WatchViewProps): React.JSX.Element {
  return (
    <ColorContext.Provider value={color}>
      <Body state={state} />
    </ColorContext.Provider>
  );
}
