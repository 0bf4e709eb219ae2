/**
 * The lab's `flaky` traffic mode, which the watch tests stand on: every
 * `every`-th request meets `then`, the rest are answered as in http mode;
 * bare TCP connects (port checks) do not count.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/lab/scenario.js";
import type { TrafficEntry } from "../../src/lab/scenario.js";
import { freePort, startTraffic, type Traffic } from "../../src/lab/traffic.js";
import { createProbeSource } from "../../src/sources/live/probe.js";
import type { ProbeSignature } from "../../src/sources/types.js";
import { tcp } from "../lab/helpers.js";

const ok = { status: 200, headers: { "content-type": "application/json" }, body: '{"status":"UP"}' };
const flaky = (port: number, then: "reset" | "empty-reply" | "hang", every = 2): TrafficEntry => ({
  port,
  address: "127.0.0.1",
  mode: "flaky",
  respond: [{ host: "api.openchoreo.localhost", ...ok }],
  default: { status: 404, headers: {}, body: "" },
  flaky: { every, then },
});

let traffic: Traffic | null = null;
afterEach(async () => {
  await traffic?.close();
  traffic = null;
});

/** `n` requests one after the other through the live probe source (no lab: the port is loopback). */
async function signatures(port: number, n: number, timeoutMs = 2000): Promise<ProbeSignature[]> {
  const probe = createProbeSource({ lab: null });
  const out: ProbeSignature[] = [];
  for (let i = 0; i < n; i++) {
    const r = await probe.http({ scheme: "http", address: "127.0.0.1", port, host: `api.openchoreo.localhost:${port}`, path: "/", timeoutMs }, new AbortController().signal);
    out.push(r.signature);
  }
  return out;
}

describe("flaky traffic", () => {
  it.each([
    ["reset", 2, ["success", "reset", "success", "reset", "success", "reset"]],
    ["empty-reply", 2, ["success", "empty-reply", "success", "empty-reply", "success", "empty-reply"]],
    ["reset", 3, ["success", "success", "reset", "success", "success", "reset"]],
  ] as const)("with then=%s and every=%d answers %j", async (then, every, want) => {
    const port = await freePort();
    traffic = await startTraffic([flaky(port, then, every)]);
    expect(await signatures(port, want.length)).toEqual(want);
  });

  it("lets a hung request time out and answers the next one", async () => {
    const port = await freePort();
    traffic = await startTraffic([flaky(port, "hang")]);
    expect(await signatures(port, 3, 300)).toEqual(["success", "timeout", "success"]);
  });

  it("does not count bare TCP connects, so a port check does not shift which request fails", async () => {
    const port = await freePort();
    traffic = await startTraffic([flaky(port, "reset")]);
    const probe = createProbeSource({ lab: null });
    for (let i = 0; i < 3; i++) expect((await probe.tcp("127.0.0.1", port, 1000, new AbortController().signal)).outcome).toBe("connected");
    expect(await signatures(port, 2)).toEqual(["success", "reset"]);
  });

  it("answers by Host and path like http mode on the requests it lets through", async () => {
    const port = await freePort();
    traffic = await startTraffic([flaky(port, "reset")]);
    const r = await tcp(port, `GET / HTTP/1.1\r\nHost: api.openchoreo.localhost:${port}\r\nConnection: close\r\n\r\n`);
    expect(r.data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.data.endsWith('{"status":"UP"}')).toBe(true);
  });
});

describe("scenario loader: flaky entries", () => {
  async function load(yaml: string) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "nd-flaky-"));
    try {
      await writeFile(path.join(dir, "scenario.yaml"), yaml);
      return await loadScenario(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("reads every and then, defaulting to every 2, then reset", async () => {
    const s = await load("name: x\ntraffic:\n- {port: 8080, mode: flaky, every: 3, then: empty-reply}\n- {port: 8081, mode: flaky}\n- {port: 8082, mode: http, every: 5}\n");
    expect(s.traffic.map((t) => t.flaky)).toEqual([{ every: 3, then: "empty-reply" }, { every: 2, then: "reset" }, undefined]);
  });

  it.each([
    ["every below 2", "every: 1", /traffic\[0\]\.every: expected an integer ≥ 2, got 1/],
    ["every not an integer", "every: 2.5", /traffic\[0\]\.every: expected an integer ≥ 2, got 2\.5/],
    ["every not a number", "every: often", /traffic\[0\]\.every: expected a number, got "often"/],
    ["an unknown failure", "then: teleport", /traffic\[0\]\.then: expected one of reset, empty-reply, hang, got "teleport"/],
  ])("names the field for %s", async (_what, field, message) => {
    const err = await load(`name: x\ntraffic:\n- {port: 8080, mode: flaky, ${field}}\n`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NETDOCTOR_SCENARIO" });
    expect((err as Error).message).toMatch(message);
  });
});
