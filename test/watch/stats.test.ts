import { describe, expect, it } from "vitest";
import { createWatchStats, percentile, Reservoir, type WatchResult } from "../../src/watch/stats.js";
import { formatRate, progressLine, summaryText, watchExitCode, type WatchSummary } from "../../src/watch/summary.js";

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe("percentile (nearest rank)", () => {
  it.each([
    [oneToHundred, 50, 50],
    [oneToHundred, 90, 90],
    [oneToHundred, 99, 99],
    [oneToHundred, 100, 100],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[7], 1, 7],
    [[7], 99, 7],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
  ])("of %j at p%d is %d", (data, p, want) => {
    expect(percentile(data, p)).toBe(want);
  });

  it("is null for no data", () => {
    expect(percentile([], 50)).toBeNull();
  });

  it.each([0, -1, 101, Number.NaN])("rejects p = %d", (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError);
  });
});

describe("Reservoir", () => {
  it("keeps every value while the stream fits", () => {
    const r = new Reservoir(5);
    for (const v of [5, 3, 9, 1]) r.add(v);
    expect(r.sorted()).toEqual([1, 3, 5, 9]);
    expect(r.count).toBe(4);
  });

  it("keeps at most its capacity, all from the stream, and counts everything offered", () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const r = new Reservoir(10, random);
    for (let i = 0; i < 1000; i++) r.add(i);
    const kept = r.sorted();
    expect(kept).toHaveLength(10);
    expect(new Set(kept).size).toBe(10);
    for (const v of kept) expect(v).toBeGreaterThanOrEqual(0);
    expect(kept.some((v) => v >= 10)).toBe(true); // later values do replace early ones
    expect(r.count).toBe(1000);
  });

  it("rejects a capacity below 1", () => {
    expect(() => new Reservoir(0)).toThrow(RangeError);
  });
});

const ok = (durationMs: number): WatchResult => ({ signature: "success", durationMs, status: 200 });
const reset = (durationMs: number): WatchResult => ({ signature: "reset", durationMs, error: "read ECONNRESET" });

describe("createWatchStats", () => {
  it("starts empty: no rate, no percentiles, no error", () => {
    const s = createWatchStats({ hasForwarder: false }).snapshot();
    expect(s).toMatchObject({ requests: 0, ok: 0, failed: 0, successRate: null, latencyMs: { p50: null, p90: null, p99: null, max: null }, signatures: {}, byHop: {}, lastError: null });
  });

  it("counts successes and failures, per signature and per hop, and keeps the last error", () => {
    const stats = createWatchStats({ hasForwarder: false });
    for (let i = 1; i <= 100; i++) stats.record(i % 2 === 0 ? reset(i) : ok(i));
    stats.record({ signature: "envoy-503-no-healthy-upstream", durationMs: 101, status: 503 });
    const s = stats.snapshot();
    expect(s.requests).toBe(101);
    expect(s.ok).toBe(50);
    expect(s.failed).toBe(51);
    expect(s.successRate).toBeCloseTo(50 / 101);
    expect(s.signatures).toEqual({ success: 50, reset: 50, "envoy-503-no-healthy-upstream": 1 });
    expect(s.byHop).toEqual({ container: 50, backend: 1 });
    expect(s.hops).toEqual([
      { hop: "container", failed: 50, lastSignature: "reset" },
      { hop: "backend", failed: 1, lastSignature: "envoy-503-no-healthy-upstream" },
    ]);
    expect(s.lastError).toEqual({ signature: "envoy-503-no-healthy-upstream", hop: "backend", status: 503, error: null, request: 101 });
    expect(s.latencyMs).toEqual({ p50: 51, p90: 91, p99: 100, max: 101 });
  });

  it("points resets at the forwarder when a userspace forwarder owns the port", () => {
    const stats = createWatchStats({ hasForwarder: true });
    stats.record(reset(1));
    stats.record({ signature: "empty-reply", durationMs: 1 });
    expect(stats.snapshot().byHop).toEqual({ forwarder: 2 });
  });

  it("points traefik's 404 at the route hop when the caller knows traefik is the path's own proxy, else at the service hop", () => {
    const own = createWatchStats({ hasForwarder: false, pathProxy: "traefik" });
    own.record({ signature: "traefik-404", durationMs: 1, status: 404 });
    expect(own.snapshot().byHop).toEqual({ route: 1 });
    const unknown = createWatchStats({ hasForwarder: false });
    unknown.record({ signature: "traefik-404", durationMs: 1, status: 404 });
    expect(unknown.snapshot().byHop).toEqual({ service: 1 });
  });

  it("reports a success rate of exactly 1 only when nothing failed", () => {
    const stats = createWatchStats({ hasForwarder: false });
    for (let i = 0; i < 200; i++) stats.record(ok(3));
    expect(stats.snapshot().successRate).toBe(1);
    stats.record({ signature: "timeout", durationMs: 3000, error: "no answer within 3000 ms" });
    expect(stats.snapshot().successRate).toBeLessThan(1);
    expect(stats.snapshot().byHop).toEqual({ "host-port": 1 });
  });
});

function summary(over: Partial<WatchSummary> = {}): WatchSummary {
  return {
    schemaVersion: 1,
    target: "http://api.openchoreo.localhost:8080/",
    address: "127.0.0.1:8080",
    via: "rfc6761",
    concurrency: 12,
    count: 200,
    intervalMs: 200,
    requests: 200,
    ok: 100,
    failed: 100,
    aborted: 0,
    successRate: 0.5,
    latencyMs: { p50: 2, p90: 5, p99: 12, max: 15 },
    signatures: { success: 100, reset: 100 },
    byHop: { container: 100 },
    lastError: { signature: "reset", hop: "container", status: null, error: "read ECONNRESET", request: 200 },
    durationMs: 3400,
    stoppedBy: "count",
    ...over,
  };
}

describe("the watch summary", () => {
  it.each([
    [1, 0],
    [0.995, 1],
    [0, 1],
    [null, 1],
  ])("exits %s → %d", (rate, code) => {
    expect(watchExitCode({ successRate: rate })).toBe(code);
  });

  it("never rounds a failing run up to 100%", () => {
    expect(formatRate(199 / 200)).toBe("99.5%");
    expect(formatRate(1999 / 2000)).toBe("99.9%");
    expect(formatRate(1)).toBe("100.0%");
    expect(formatRate(null)).toBe("n/a");
  });

  it("says in text what the JSON says: counts, rate, percentiles, signatures, hops and the last error", () => {
    const text = summaryText(summary());
    expect(text).toContain("200/200 requests by 12 clients in 3.4 s (all requests done)");
    expect(text).toContain("success rate 50.0%: 100 ok, 100 failed");
    expect(text).toContain("latency p50 2 ms, p90 5 ms, p99 12 ms, max 15 ms");
    expect(text).toContain("signatures: reset 100, success 100");
    expect(text).toContain("failures by hop: container 100");
    expect(text).toContain("last error: reset → container: read ECONNRESET");
  });

  it("names the deadline and the requests cut off when --timeout stopped the run", () => {
    const text = summaryText(summary({ requests: 0, ok: 0, failed: 0, aborted: 4, successRate: null, stoppedBy: "deadline", signatures: {}, byHop: {}, lastError: null, latencyMs: { p50: null, p90: null, p99: null, max: null } }));
    expect(text).toContain("(stopped by --timeout, 4 cut off in flight)");
    expect(text).toContain("success rate n/a: 0 ok, 0 failed");
    expect(text).not.toContain("last error");
  });

  it("shows progress as done/total, rate, p50/p99 and the last error", () => {
    const stats = createWatchStats({ hasForwarder: false });
    stats.record(ok(4));
    stats.record(reset(2));
    expect(progressLine(stats.snapshot(), 200)).toBe("watch: 2/200 requests, 50.0% ok, p50 2 ms, p99 4 ms; last error reset → container: read ECONNRESET");
  });
});
