import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { WatchView, type WatchViewState } from "../../src/ui/WatchView.js";

afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

function state(over: Partial<WatchViewState> = {}): WatchViewState {
  return {
    target: "http://api.openchoreo.localhost:8080/",
    address: "127.0.0.1:8080",
    via: "rfc6761",
    count: 200,
    concurrency: 12,
    requests: 120,
    ok: 60,
    failed: 60,
    aborted: 0,
    successRate: 0.5,
    latencyMs: { p50: 2, p90: 5, p99: 14, max: 20 },
    hops: [{ hop: "container", failed: 60, lastSignature: "reset" }],
    lastError: { signature: "reset", hop: "container", status: null, error: "read ECONNRESET" },
    done: false,
    durationMs: null,
    stoppedBy: null,
    ...over,
  };
}

describe("WatchView", () => {
  it("shows the target, done/total, success rate, p50/p99, a line per failing hop and the last error", () => {
    const { lastFrame } = render(<WatchView state={state()} color={false} />);
    const frame = plain(lastFrame());
    expect(frame).toContain("netdoctor watch http://api.openchoreo.localhost:8080/ → 127.0.0.1:8080 (rfc6761), 12 clients");
    expect(frame).toContain("120/200 requests  50.0% ok  p50 2 ms  p99 14 ms  60 failed");
    expect(frame).toMatch(/container\s+60 failed, last reset/);
    expect(frame).toContain("Last error: reset → container: read ECONNRESET");
    expect(frame).not.toContain("Done in");
  });

  it("shows no failure lines while every request succeeds", () => {
    const { lastFrame } = render(<WatchView state={state({ requests: 10, ok: 10, failed: 0, successRate: 1, hops: [], lastError: null })} color={false} />);
    const frame = plain(lastFrame());
    expect(frame).toContain("10/200 requests  100.0% ok");
    expect(frame).not.toContain("failed");
    expect(frame).not.toContain("Last error");
  });

  it.each([
    [1, "✔", "all requests done"],
    [0.5, "✖", "all requests done"],
  ])("ends at rate %d with %s and the reason it stopped", (rate, mark, reason) => {
    const { lastFrame } = render(<WatchView state={state({ successRate: rate, requests: 200, done: true, durationMs: 3400, stoppedBy: "count" })} color={false} />);
    const frame = plain(lastFrame());
    expect(frame).toContain(`${mark} 200/200 requests`);
    expect(frame).toContain(`Done in 3.4 s (${reason}); latency p90 5 ms, max 20 ms`);
  });

  it("names the deadline and the requests cut off", () => {
    const { lastFrame } = render(<WatchView state={state({ done: true, durationMs: 2000, stoppedBy: "deadline", aborted: 3 })} color={false} />);
    expect(plain(lastFrame())).toContain("Done in 2.0 s (stopped by --timeout, 3 cut off in flight)");
  });
});
