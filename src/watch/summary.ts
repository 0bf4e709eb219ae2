/**
 * The result of a `netdoctor watch` run: the JSON summary (`--json`,
 * `schemaVersion: 1`), its plain-text form and the one-line progress used on
 * non-TTY output. Pure functions.
 */
import type { Hop } from "../engine/types.js";
import type { ProbeSignature } from "../sources/types.js";
import type { Latency, WatchError, WatchStatsSnapshot } from "./stats.js";

/** Why the run stopped: every request done, the `--timeout` deadline, or Ctrl-C. */
export type StoppedBy = "count" | "deadline" | "interrupted";

/** The JSON summary of a watch run (printed alone on stdout with `--json`). */
export interface WatchSummary {
  schemaVersion: 1;
  /** The target URL as parsed (`http://host:port/path`). */
  target: string;
  /** `-X` when given (upper-case); absent for a plain GET. */
  method?: string;
  /** `-H` when given, in order (`[{name, value}]`); absent when none. */
  headers?: { name: string; value: string }[];
  /** `address:port` every request went to (IPv6 in brackets). */
  address: string;
  /** How the address was found: literal, --resolve, rfc6761 (*.localhost) or resolver. */
  via: string;
  concurrency: number;
  /** Requests asked for (`--count`). */
  count: number;
  intervalMs: number;
  /** Finished requests (ok + failed). */
  requests: number;
  ok: number;
  failed: number;
  /** Requests cut off by the deadline or Ctrl-C while in flight (neither ok nor failed). */
  aborted: number;
  /** ok / requests; null when no request finished. */
  successRate: number | null;
  latencyMs: Latency;
  signatures: Partial<Record<ProbeSignature, number>>;
  byHop: Partial<Record<Hop, number>>;
  lastError: WatchError | null;
  durationMs: number;
  stoppedBy: StoppedBy;
}

/** Exit code of a watch run: 0 when every finished request succeeded (and at least one did), else 1 (DESIGN §3). */
export function watchExitCode(s: Pick<WatchSummary, "successRate">): number {
  return s.successRate === 1 ? 0 : 1;
}

/** `98.5%`, or `n/a` before the first request. */
export function formatRate(rate: number | null): string {
  if (rate === null) return "n/a";
  return `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}

const ms = (v: number | null): string => (v === null ? "n/a" : `${Math.round(v)} ms`);

/** `reset 100, success 100` — most frequent first, then by name. */
function counts(m: Partial<Record<string, number>>): string {
  return Object.entries(m)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

/** `reset (points at the container hop): read ECONNRESET` */
export function describeError(e: WatchError): string {
  const what = e.status !== null ? `${e.signature} (HTTP ${e.status})` : e.signature;
  const hop = e.hop ? ` → ${e.hop}` : "";
  return `${what}${hop}${e.error ? `: ${e.error}` : ""}`;
}

/** One progress line (no newline): requests done/total, success rate, p50/p99, last error. */
export function progressLine(s: WatchStatsSnapshot, count: number): string {
  const last = s.lastError ? `; last error ${describeError(s.lastError)}` : "";
  return `watch: ${s.requests}/${count} requests, ${formatRate(s.successRate)} ok, p50 ${ms(s.latencyMs.p50)}, p99 ${ms(s.latencyMs.p99)}${last}`;
}

const STOPPED: Record<StoppedBy, string> = {
  count: "all requests done",
  deadline: "stopped by --timeout",
  interrupted: "interrupted",
};

/** The plain-text summary (after the start line naming target and address), lines ending in `\n`. */
export function summaryText(s: WatchSummary): string {
  const lines = [
    `${s.requests}/${s.count} requests by ${s.concurrency} client${s.concurrency === 1 ? "" : "s"} in ${(s.durationMs / 1000).toFixed(1)} s (${STOPPED[s.stoppedBy]}${s.aborted ? `, ${s.aborted} cut off in flight` : ""})`,
    `success rate ${formatRate(s.successRate)}: ${s.ok} ok, ${s.failed} failed`,
    `latency p50 ${ms(s.latencyMs.p50)}, p90 ${ms(s.latencyMs.p90)}, p99 ${ms(s.latencyMs.p99)}, max ${ms(s.latencyMs.max)}`,
  ];
  if (s.requests > 0) lines.push(`signatures: ${counts(s.signatures)}`);
  if (s.failed > 0) {
    lines.push(`failures by hop: ${counts(s.byHop)}`);
    if (s.lastError) lines.push(`last error: ${describeError(s.lastError)}`);
  }
  return lines.map((l) => `${l}\n`).join("");
}
