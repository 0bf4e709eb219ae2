/**
 * `netdoctor watch` through the built CLI (run `npm run build` first):
 * against lab scenarios and loopback servers only, never beyond 127.0.0.0/8.
 */
import net from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WatchSummary } from "../../src/watch/summary.js";
import { runCli, scenariosDir } from "../e2e/cli.js";

let servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.close();
    (s as net.Server & { sockets?: Set<net.Socket> }).sockets?.forEach((c) => c.destroy());
  }
  servers = [];
});

/** A loopback server that accepts connections and never answers (a hung hop). */
async function hungServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((c) => {
    sockets.add(c);
    c.on("error", () => undefined);
    c.resume();
  });
  (s as net.Server & { sockets?: Set<net.Socket> }).sockets = sockets;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  servers.push(s);
  return (s.address() as net.AddressInfo).port;
}

describe("netdoctor watch through the built CLI", () => {
  it("sends 200 requests with 12 clients to the healthy lab, reports rate 1 and percentiles, and ends on its own", async () => {
    const r = await runCli(["watch", "--lab", join(scenariosDir, "k3d-openchoreo-healthy"), "--concurrency", "12", "--count", "200", "--json"]);
    expect(r.stderr).toBe("");
    const s = JSON.parse(r.stdout) as WatchSummary;
    expect(s).toMatchObject({ schemaVersion: 1, concurrency: 12, count: 200, requests: 200, ok: 200, failed: 0, aborted: 0, successRate: 1, stoppedBy: "count", lastError: null, byHop: {} });
    expect(s.signatures).toEqual({ success: 200 });
    expect(new URL(s.target).hostname).toBe("api.openchoreo.localhost");
    expect(s.address).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const p of ["p50", "p90", "p99", "max"] as const) expect(typeof s.latencyMs[p]).toBe("number");
    expect(s.latencyMs.p50!).toBeLessThanOrEqual(s.latencyMs.p99!);
    expect(s.latencyMs.p99!).toBeLessThanOrEqual(s.latencyMs.max!);
    expect(r.code).toBe(0);
  });

  it("sends -X and -H with every request: the GET-only route answers the GET and gives Envoy's 404 to a POST", async () => {
    const dir = join(scenariosDir, "kind-eg-method-not-matched");
    const get = await runCli(["watch", "--lab", dir, "--count", "6", "--concurrency", "2", "--interval", "0", "--json"]);
    expect(JSON.parse(get.stdout) as WatchSummary).toMatchObject({ ok: 6, failed: 0, signatures: { success: 6 } });
    expect(get.code).toBe(0);
    const post = await runCli(["watch", "--lab", dir, "--count", "6", "--concurrency", "2", "--interval", "0", "--json", "-X", "POST", "-H", "x-trace: 1"]);
    const s = JSON.parse(post.stdout) as WatchSummary;
    expect(s).toMatchObject({ method: "POST", headers: [{ name: "x-trace", value: "1" }], ok: 0, failed: 6, signatures: { "envoy-404": 6 }, byHop: { route: 6 } });
    expect(post.code).toBe(1);
  });

  it("shows about half the requests failing with resets when the lab resets every other connection", async () => {
    const r = await runCli(["watch", "--lab", join(scenariosDir, "k3d-flaky-gateway"), "--concurrency", "12", "--count", "200", "--interval", "20ms", "--json"]);
    expect(r.stderr).toBe("");
    const s = JSON.parse(r.stdout) as WatchSummary;
    expect(s.requests).toBe(200);
    expect(s.successRate).toBeGreaterThanOrEqual(0.3);
    expect(s.successRate).toBeLessThanOrEqual(0.7);
    const failures = Object.entries(s.signatures).filter(([sig]) => sig !== "success");
    expect(failures.length).toBeGreaterThan(0);
    for (const [sig] of failures) expect(["reset", "empty-reply"]).toContain(sig);
    expect(s.byHop).toEqual({ container: s.failed });
    expect(s.lastError).toMatchObject({ hop: "container" });
    expect(r.code).toBe(1);
  });

  it("ends by --timeout against a target that accepts and never answers", async () => {
    const port = await hungServer();
    const r = await runCli(["watch", `http://127.0.0.1:${port}/`, "--concurrency", "4", "--count", "100000", "--interval", "0", "--probe-timeout", "0.5", "--timeout", "2", "--json"]);
    const s = JSON.parse(r.stdout) as WatchSummary;
    expect(s.stoppedBy).toBe("deadline");
    expect(s.address).toBe(`127.0.0.1:${port}`);
    expect(s.requests).toBeLessThan(100000);
    expect(s.ok).toBe(0);
    expect(Object.keys(s.signatures).every((sig) => sig === "timeout")).toBe(true);
    expect(r.code).toBe(1);
  });

  it("prints progress and a plain summary on a non-TTY stdout", async () => {
    const r = await runCli(["watch", "--lab", join(scenariosDir, "k3d-openchoreo-healthy"), "--count", "20", "--concurrency", "4", "--interval", "0"]);
    expect(r.stdout).toMatch(/^netdoctor watch http:\/\/api\.openchoreo\.localhost:\d+\/ → 127\.0\.0\.1:\d+ \(rfc6761\): 20 requests, 4 clients/);
    expect(r.stdout).toContain("20/20 requests by 4 clients");
    expect(r.stdout).toContain("success rate 100.0%: 20 ok, 0 failed");
    expect(r.stdout).toMatch(/latency p50 \d+ ms, p90 \d+ ms, p99 \d+ ms, max \d+ ms/);
    expect(r.code).toBe(0);
  });

  it.each([
    ["no target and no lab", ["watch"], /watch needs a TARGET/],
    ["too many clients", ["watch", "http://127.0.0.1:9/", "--concurrency", "65"], /--concurrency "65": expected an integer from 1 to 64/],
    ["a count of zero", ["watch", "http://127.0.0.1:9/", "--count", "0"], /--count "0": expected an integer ≥ 1/],
    ["an interval that is not a duration", ["watch", "http://127.0.0.1:9/", "--interval", "1.5x"], /--interval "1.5x": expected a duration such as 500ms, 20s, 1m or a number of seconds/],
    ["a bad target", ["watch", "ftp://x/"], /only http:\/\/ and https:\/\//],
  ])("exits 2 for %s", async (_what, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});
