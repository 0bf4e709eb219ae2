/**
 * Statistics of `netdoctor watch` (DESIGN §3): success rate, latency
 * percentiles, counts per probe signature and per hop the failures point to,
 * and the last error. Pure: no I/O, no clock — the loop feeds it results.
 */
import type { Hop } from "../engine/types.js";
import { signatureHop } from "../probe/classify.js";
import type { ProbeSignature } from "../sources/types.js";

/**
 * The `p`-th percentile (0 < p ≤ 100) of ascending `sorted` by the
 * nearest-rank method: the smallest value such that at least p % of the data
 * is ≤ it, i.e. `sorted[ceil(p/100 · n) − 1]` (the definition used by
 * NIST's "nearest rank" and by most load-testing tools, so a p99 is always a
 * latency some request really had). Null for an empty array.
 * @throws RangeError when p is outside (0, 100].
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p}: expected 0 < p ≤ 100`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * A bounded uniform sample of a stream (Vitter's Algorithm R): the first
 * `capacity` values are kept as they come, value number i > capacity
 * replaces a random slot with probability capacity / i. Exact (every value
 * kept) while the stream is no longer than `capacity`.
 */
export class Reservoir {
  private readonly values: number[] = [];
  private seen = 0;
  /**
   * @param capacity most values kept (≥ 1)
   * @param random uniform [0, 1) source (tests pass a seeded one)
   */
  constructor(
    readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`reservoir capacity ${capacity}: expected an integer ≥ 1`);
  }

  /** Offer one value. */
  add(value: number): void {
    this.seen += 1;
    if (this.values.length < this.capacity) {
      this.values.push(value);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.values[j] = value;
  }

  /** Values offered so far (kept or not). */
  get count(): number {
    return this.seen;
  }

  /** The kept values, ascending (a copy). */
  sorted(): number[] {
    return [...this.values].sort((a, b) => a - b);
  }
}

/** Latencies kept for percentiles; beyond this many requests they are a uniform sample. */
export const LATENCY_RESERVOIR_SIZE = 10_000;

/** One finished request, as the probe source answered it. */
export interface WatchResult {
  signature: ProbeSignature;
  /** Time from sending to the outcome, ms. */
  durationMs: number;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** One-line transport error, when there was one. */
  error?: string;
}

/** The most recent failed request. */
export interface WatchError {
  signature: ProbeSignature;
  /** The hop the signature points to (signatureHop). */
  hop: Hop | null;
  status: number | null;
  error: string | null;
  /** 1-based number of the request among the finished ones. */
  request: number;
}

/** Latency percentiles in ms over every finished request (successes and failures: the time to the outcome); null before the first. */
export interface Latency {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Per hop the failures point to: how many, and the last signature seen there. */
export interface HopFailures {
  hop: Hop;
  failed: number;
  lastSignature: ProbeSignature;
}

/** A point-in-time view of the statistics. */
export interface WatchStatsSnapshot {
  /** Finished requests (ok + failed). */
  requests: number;
  ok: number;
  failed: number;
  /** ok / requests, or null before the first finished request. */
  successRate: number | null;
  latencyMs: Latency;
  /** Finished requests per signature (including `success`). */
  signatures: Partial<Record<ProbeSignature, number>>;
  /** Failed requests per hop their signature points to. */
  byHop: Partial<Record<Hop, number>>;
  /** The same per hop, with the last signature, in hop order of first failure. */
  hops: HopFailures[];
  lastError: WatchError | null;
}

/** Options of {@link createWatchStats}. */
export interface WatchStatsOptions {
  /** Whether a userspace forwarder owns the target port (decides reset/empty-reply → forwarder or container). */
  hasForwarder: boolean;
  /**
   * The path's own gateway / ingress proxy implementation, when the caller
   * knows it (decides traefik-404 → route or service, signatureHop); absent =
   * not known: `netdoctor watch` reads no cluster, so a traefik 404 points at
   * the service hop there.
   */
  pathProxy?: string | null;
  /** Latencies kept for percentiles (default {@link LATENCY_RESERVOIR_SIZE}). */
  reservoirSize?: number;
  random?: () => number;
}

/** The accumulator: `record` each finished request, `snapshot` at any time. */
export interface WatchStats {
  record(result: WatchResult): void;
  snapshot(): WatchStatsSnapshot;
}

/**
 * Create the statistics of one watch run. A request is ok when its
 * signature is `success` (2xx/3xx, classifyHttp); every other signature is
 * a failure, grouped by the hop `signatureHop` names for it.
 */
export function createWatchStats(opts: WatchStatsOptions): WatchStats {
  const latencies = new Reservoir(opts.reservoirSize ?? LATENCY_RESERVOIR_SIZE, opts.random);
  let ok = 0;
  let failed = 0;
  let max: number | null = null;
  const signatures = new Map<ProbeSignature, number>();
  const hops = new Map<Hop, HopFailures>();
  let lastError: WatchError | null = null;
  return {
    record(r) {
      latencies.add(r.durationMs);
      max = max === null ? r.durationMs : Math.max(max, r.durationMs);
      signatures.set(r.signature, (signatures.get(r.signature) ?? 0) + 1);
      if (r.signature === "success") {
        ok += 1;
        return;
      }
      failed += 1;
      const hop = signatureHop(r.signature, { hasForwarder: opts.hasForwarder, ...(opts.pathProxy !== undefined ? { pathProxy: opts.pathProxy } : {}) });
      if (hop) {
        const h = hops.get(hop) ?? { hop, failed: 0, lastSignature: r.signature };
        h.failed += 1;
        h.lastSignature = r.signature;
        hops.set(hop, h);
      }
      lastError = { signature: r.signature, hop, status: r.status ?? null, error: r.error ?? null, request: ok + failed };
    },
    snapshot() {
      const sorted = latencies.sorted();
      const requests = ok + failed;
      return {
        requests,
        ok,
        failed,
        successRate: requests === 0 ? null : ok / requests,
        latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max },
        signatures: Object.fromEntries(signatures),
        byHop: Object.fromEntries([...hops.values()].map((h) => [h.hop, h.failed])),
        hops: [...hops.values()].map((h) => ({ ...h })),
        lastError,
      };
    },
  };
}
