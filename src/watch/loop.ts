/**
 * The request loop of `netdoctor watch` (DESIGN §3): N concurrent clients
 * send the same HTTP request through the probe source until `count`
 * requests were sent or the run's signal aborts. Every request goes to the
 * one `address:port` given (the probe source adds the lab's loopback guard);
 * nothing here resolves names or picks other addresses.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { HttpProbeRequest, ProbeResult, ProbeSource } from "../sources/types.js";

/** Options of {@link runWatchLoop}. */
export interface WatchLoopOptions {
  probe: ProbeSource;
  /** The request every client sends (address, port, Host header, path, per-request timeout). */
  request: HttpProbeRequest;
  /** Total requests to send across all clients (≥ 1). */
  count: number;
  /** Clients sending in parallel (≥ 1); each has at most one request in flight. */
  concurrency: number;
  /** Pause of each client between the end of one of its requests and the start of its next, ms (≥ 0). */
  intervalMs: number;
  /** The run's deadline (and Ctrl-C): no request starts after it aborts, and the ones in flight end at once. */
  signal: AbortSignal;
  /** Called with each request that finished on its own (not cut off by `signal`). */
  onResult(result: ProbeResult): void;
}

/** How the loop ended. */
export interface WatchLoopOutcome {
  /** Requests sent. */
  sent: number;
  /** Requests that finished on their own (passed to onResult). */
  finished: number;
  /** Requests in flight when `signal` aborted: neither ok nor failed. */
  aborted: number;
  /** `count` when every request was sent and finished, else `signal` (the deadline or an interrupt). */
  stoppedBy: "count" | "signal";
}

/**
 * Run the clients and resolve when the last one stops: after `count`
 * requests, or as soon as `signal` aborts (the probe source ends requests
 * in flight on abort, so a hung target costs no more than the deadline).
 * A request in flight when the signal aborts, answered `timeout` because of
 * it, is counted in `aborted`, not passed to onResult.
 */
export async function runWatchLoop(opts: WatchLoopOptions): Promise<WatchLoopOutcome> {
  const { probe, request, count, signal } = opts;
  let sent = 0;
  let finished = 0;
  let aborted = 0;
  async function client(): Promise<void> {
    while (!signal.aborted && sent < count) {
      sent += 1;
      const result = await probe.http(request, signal);
      if (signal.aborted && result.signature === "timeout") {
        aborted += 1;
        return;
      }
      finished += 1;
      opts.onResult(result);
      if (sent >= count || signal.aborted) return;
      if (opts.intervalMs > 0) {
        try {
          await sleep(opts.intervalMs, undefined, { signal });
        } catch {
          return; // aborted while pausing
        }
      }
    }
  }
  const clients = Math.max(1, Math.min(opts.concurrency, count));
  await Promise.all(Array.from({ length: clients }, client));
  return { sent, finished, aborted, stoppedBy: finished === count ? "count" : "signal" };
}
