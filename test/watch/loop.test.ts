import { describe, expect, it } from "vitest";
import { runWatchLoop } from "../../src/watch/loop.js";
import { forwarderOwns, resolveWatchAddress } from "../../src/watch/target.js";
import { parseTarget } from "../../src/engine/target.js";
import type { HostListener } from "../../src/engine/types.js";
import { SourceError, type HostSource, type HttpProbeRequest, type ProbeResult, type ProbeSource } from "../../src/sources/types.js";

const request: HttpProbeRequest = { scheme: "http", address: "127.0.0.1", port: 8080, host: "api.openchoreo.localhost:8080", path: "/", timeoutMs: 1000 };

/** A probe source answering from `answer`, recording every request and the most requests in flight at once. */
function fakeProbe(answer: (n: number, signal: AbortSignal) => Promise<ProbeResult>) {
  const seen: HttpProbeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const probe: ProbeSource = {
    tcp: () => Promise.reject(new Error("watch sends no bare TCP connects")),
    http: async (req, signal) => {
      seen.push(req);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await answer(seen.length, signal);
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { probe, seen, maxInFlight: () => maxInFlight };
}

const success = (): Promise<ProbeResult> => new Promise((resolve) => setImmediate(() => resolve({ outcome: "http", status: 200, signature: "success", durationMs: 1 })));

/** Never answers until the signal aborts, then answers as the live probe source does. */
const hang = (_n: number, signal: AbortSignal): Promise<ProbeResult> =>
  new Promise((resolve) => signal.addEventListener("abort", () => resolve({ outcome: "timeout", signature: "timeout", durationMs: 0, error: "aborted: the run's deadline passed" }), { once: true }));

describe("runWatchLoop", () => {
  it.each([
    [1, 1],
    [12, 200],
    [64, 10],
  ])("with %d clients sends exactly %d requests, all to the one address given", async (concurrency, count) => {
    const f = fakeProbe(success);
    const results: ProbeResult[] = [];
    const out = await runWatchLoop({ probe: f.probe, request, count, concurrency, intervalMs: 0, signal: new AbortController().signal, onResult: (r) => results.push(r) });
    expect(out).toEqual({ sent: count, finished: count, aborted: 0, stoppedBy: "count" });
    expect(results).toHaveLength(count);
    expect(f.seen.every((r) => r === request)).toBe(true);
    expect(f.maxInFlight()).toBeLessThanOrEqual(Math.min(concurrency, count));
  });

  it("keeps every client busy: 12 clients have 12 requests in flight", async () => {
    const f = fakeProbe(success);
    await runWatchLoop({ probe: f.probe, request, count: 48, concurrency: 12, intervalMs: 0, signal: new AbortController().signal, onResult: () => undefined });
    expect(f.maxInFlight()).toBe(12);
  });

  it("stops at the signal against a hung target, counting the requests cut off, not failing them", async () => {
    const f = fakeProbe(hang);
    const ctl = new AbortController();
    const results: ProbeResult[] = [];
    const done = runWatchLoop({ probe: f.probe, request, count: 1000, concurrency: 4, intervalMs: 0, signal: ctl.signal, onResult: (r) => results.push(r) });
    await new Promise((r) => setImmediate(r));
    ctl.abort();
    expect(await done).toEqual({ sent: 4, finished: 0, aborted: 4, stoppedBy: "signal" });
    expect(results).toEqual([]);
  });

  it("stops during a client's pause between requests when the signal aborts", async () => {
    const ctl = new AbortController();
    const f = fakeProbe(async () => {
      const r = await success();
      ctl.abort(); // the deadline passes right after the first answer
      return r;
    });
    const out = await runWatchLoop({ probe: f.probe, request, count: 100, concurrency: 1, intervalMs: 60_000, signal: ctl.signal, onResult: () => undefined });
    expect(out).toEqual({ sent: 1, finished: 1, aborted: 0, stoppedBy: "signal" });
  });

  it("sends nothing when the signal has already aborted", async () => {
    const f = fakeProbe(success);
    const out = await runWatchLoop({ probe: f.probe, request, count: 10, concurrency: 3, intervalMs: 0, signal: AbortSignal.abort(), onResult: () => undefined });
    expect(out.sent).toBe(0);
    expect(f.seen).toEqual([]);
  });
});

/** A host source with a fixed resolver answer and listeners. */
function host(addresses: string[], listeners: HostListener[] | SourceError = []): HostSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    platform: () => "linux",
    listeners: () => (listeners instanceof SourceError ? Promise.reject(listeners) : Promise.resolve(listeners)),
    hostsFile: () => Promise.resolve({ path: "/etc/hosts", entries: [] }),
    resolve: (name) => {
      asked.push(name);
      return Promise.resolve(addresses.length ? { name, addresses } : { name, addresses: [], error: "ENOTFOUND" });
    },
  };
}

const signal = new AbortController().signal;

describe("resolveWatchAddress", () => {
  it.each([
    ["an IPv4 literal is itself", "http://127.0.0.1:8080/", [], ["10.0.0.1"], { address: "127.0.0.1", via: "literal" }],
    ["an IPv6 literal is itself", "http://[::1]:8080/", [], [], { address: "::1", via: "literal" }],
    ["--resolve wins over the resolver", "http://console.platform.test:9080/", [{ host: "console.platform.test", port: 9080, address: "127.0.0.2" }], ["10.0.0.1"], { address: "127.0.0.2", via: "--resolve" }],
    ["--resolve for another port does not apply", "http://console.platform.test:9080/", [{ host: "console.platform.test", port: 80, address: "127.0.0.2" }], ["10.0.0.1"], { address: "10.0.0.1", via: "resolver" }],
    ["*.localhost is loopback by RFC 6761", "http://api.openchoreo.localhost:8080/", [], [], { address: "127.0.0.1", via: "rfc6761" }],
    ["the resolver's IPv4 answer comes first", "http://web.test:80/", [], ["::1", "127.0.0.1"], { address: "127.0.0.1", via: "resolver" }],
  ])("%s", async (_what, url, overrides, addresses, want) => {
    const h = host(addresses);
    expect(await resolveWatchAddress(parseTarget(url), overrides, h, signal)).toEqual(want);
  });

  it("asks the resolver nothing for *.localhost", async () => {
    const h = host(["10.9.9.9"]);
    await resolveWatchAddress(parseTarget("http://openchoreo.localhost:8080/"), [], h, signal);
    expect(h.asked).toEqual([]);
  });

  it("refuses to run (usage error) when the name does not resolve", async () => {
    const err = await resolveWatchAddress(parseTarget("http://console.platform.test:9080/"), [], host([]), signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NETDOCTOR_USAGE" });
    expect((err as Error).message).toMatch(/^console\.platform\.test does not resolve \(ENOTFOUND\)/);
  });
});

describe("forwarderOwns", () => {
  const socat: HostListener = { address: "0.0.0.0", port: 6385, pid: 11, process: "socat", command: "socat TCP-LISTEN:6385,fork,reuseaddr TCP:127.0.0.1:6386" };
  const dockerProxy: HostListener = { address: "0.0.0.0", port: 8080, pid: 12, process: "docker-proxy", command: "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080" };
  const pf: HostListener = { address: "127.0.0.1", port: 3000, pid: 13, process: "kubectl", command: "kubectl port-forward svc/console 3000:3000" };

  it.each([
    ["socat on every address", [socat], "127.0.0.1", 6385, true],
    ["kubectl port-forward on the target address", [pf], "127.0.0.1", 3000, true],
    ["kubectl port-forward bound to loopback, target elsewhere", [pf], "192.168.1.20", 3000, false],
    ["docker-proxy (a published container port, not a forwarder)", [dockerProxy], "127.0.0.1", 8080, false],
    ["a forwarder on another port", [socat], "127.0.0.1", 8080, false],
  ])("%s → %s", async (_what, listeners, address, port, want) => {
    expect(await forwarderOwns(host([], listeners), address, port, signal)).toBe(want);
  });

  it("is false when the listeners cannot be read", async () => {
    expect(await forwarderOwns(host([], new SourceError("unsupported", "host", "listeners", "not available")), "127.0.0.1", 80, signal)).toBe(false);
  });
});
