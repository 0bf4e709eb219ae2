/**
 * `netdoctor forwards [list] [--json]` and `netdoctor forwards stop ID`
 * (src/commands/forwards.ts) over real socat forwards, with stdout captured.
 * The command is driven directly: the lead wires it into src/cli.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forwardsFile, listForwards, socatCommand, startForward, stopForward, type ForwardRecord } from "../../src/fixes/forwards.js";
import { forwardsCommand } from "../../src/commands/forwards.js";

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolve to the error code of a connection attempt, or "connected". */
function connectResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

/** Run the command, resolving to its exit code and what it wrote to stdout. */
async function run(action: "list" | "stop", id?: string, flags: { json?: boolean } = {}): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await forwardsCommand(action, id, flags);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

let home: string;
let server: Server;
let serverPort: number;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-forwards-cmd-"));
  vi.stubEnv("NETDOCTOR_HOME", home);
  server = createHttpServer((_req, res) => res.end("upstream"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverPort = (server.address() as { port: number }).port;
});

afterEach(async () => {
  for (const f of await listForwards(process.env).catch(() => [])) await stopForward(f.id, process.env).catch(() => undefined);
  vi.unstubAllEnvs();
  await new Promise((r) => server.close(r));
  await rm(home, { recursive: true, force: true });
});

/** Start a forward to the test's upstream server. */
async function start(): Promise<ForwardRecord> {
  return startForward({
    listen: { address: "127.0.0.1", port: await freePort() },
    upstream: "172.18.0.2:30080",
    dial: `127.0.0.1:${serverPort}`,
    target: "envoy-gateway-system/envoy-default-eg-e41e7b31:80 (NodePort 30080)",
  });
}

describe("netdoctor forwards", () => {
  it("says there are no forwards when none are recorded", async () => {
    expect(await run("list")).toEqual({ code: 0, out: "no forwards\n" });
  });

  it("prints an empty JSON list when none are recorded", async () => {
    const { code, out } = await run("list", undefined, { json: true });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ schemaVersion: 1, forwards: [] });
  });

  it("lists running and dead forwards as a table", async () => {
    const live = await start();
    const dead: ForwardRecord = {
      ...live,
      id: "fw-40124-dead",
      pid: 2 ** 22 + 1,
      listen: { address: "127.0.0.1", port: 40124 },
      command: socatCommand({ address: "127.0.0.1", port: 40124 }, "172.18.0.2:30080"),
      startedAt: "2026-11-22T10:15:00.123Z",
    };
    await writeFile(forwardsFile(process.env), JSON.stringify({ schemaVersion: 1, forwards: [live, dead] }));

    const { code, out } = await run("list");

    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(/\s{2,}/)).toEqual(["ID", "LISTEN", "UPSTREAM", "TARGET", "PID", "ALIVE", "STARTED"]);
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      live.id,
      `127.0.0.1:${live.listen.port}`,
      "172.18.0.2:30080",
      "envoy-gateway-system/envoy-default-eg-e41e7b31:80 (NodePort 30080)",
      String(live.pid),
      "yes",
      live.startedAt.replace(/\.\d{3}Z$/, "Z"),
    ]);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      "fw-40124-dead",
      "127.0.0.1:40124",
      "172.18.0.2:30080",
      "envoy-gateway-system/envoy-default-eg-e41e7b31:80 (NodePort 30080)",
      String(2 ** 22 + 1),
      "no",
      "2026-11-22T10:15:00Z",
    ]);
    // Columns line up: every row has ALIVE at the same offset.
    const alive = lines[0]!.indexOf("ALIVE");
    expect([lines[1]!.slice(alive, alive + 3), lines[2]!.slice(alive, alive + 2)]).toEqual(["yes", "no"]);
  });

  it("prints the forwards with their liveness as JSON", async () => {
    const live = await start();
    const { code, out } = await run("list", undefined, { json: true });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ schemaVersion: 1, forwards: [{ ...live, alive: true }] });
  });

  it("stops a forward by id and prints one line", async () => {
    const live = await start();
    const { code, out } = await run("stop", live.id);
    expect(code).toBe(0);
    expect(out).toBe(`stopped ${live.id} (socat pid ${live.pid}, 127.0.0.1:${live.listen.port} → 172.18.0.2:30080)\n`);
    expect(await connectResult(live.listen.port)).toBe("ECONNREFUSED");
    expect(await run("list")).toEqual({ code: 0, out: "no forwards\n" });
  });

  it("reports a stop as JSON with --json", async () => {
    const live = await start();
    const { code, out } = await run("stop", live.id, { json: true });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ schemaVersion: 1, stopped: true, forward: live });
  });

  it("removes a forward that is no longer running and says so", async () => {
    const live = await start();
    const dead = { ...live, id: "fw-40124-dead", pid: 2 ** 22 + 1 };
    await writeFile(forwardsFile(process.env), JSON.stringify({ schemaVersion: 1, forwards: [live, dead] }));
    const { code, out } = await run("stop", dead.id);
    expect(code).toBe(0);
    expect(out).toBe(`fw-40124-dead was not running (pid ${2 ** 22 + 1} is gone or belongs to another program); removed its record (127.0.0.1:${live.listen.port} → 172.18.0.2:30080)\n`);
    expect((await listForwards(process.env)).map((f) => [f.id, f.alive])).toEqual([[live.id, true]]);
  });

  it.each([
    { name: "an unknown id, listing the known ids", id: "fw-1-dead", message: /^unknown forward "fw-1-dead": known: fw-\d+-[0-9a-f]{4}$/ },
    { name: "a missing id", id: undefined, message: /^forwards stop needs a forward id: run `netdoctor forwards` for the list$/ },
  ])("rejects stop with $name as a usage error", async ({ id, message }) => {
    await start();
    const attempt = run("stop", id);
    await expect(attempt).rejects.toMatchObject({ code: "NETDOCTOR_USAGE", message: expect.stringMatching(message) });
    expect(await listForwards(process.env)).toHaveLength(1);
  });

  it.each([
    { name: "an unknown action", action: "restart", id: undefined, message: 'unknown forwards action "restart": expected list or stop ID' },
    { name: "list with an id", action: "list", id: "fw-1-dead", message: 'forwards list takes no id (got "fw-1-dead"); to stop a forward: netdoctor forwards stop fw-1-dead' },
  ])("rejects $name as a usage error", async ({ action, id, message }) => {
    await expect(run(action as "list", id)).rejects.toMatchObject({ code: "NETDOCTOR_USAGE", message });
  });

  it("reports a corrupt forwards.json as a one-line usage error naming the file", async () => {
    const file = forwardsFile(process.env);
    await writeFile(file, "[{");
    for (const [action, id] of [["list", undefined], ["stop", "fw-1-dead"]] as const) {
      await expect(run(action, id)).rejects.toMatchObject({
        code: "NETDOCTOR_USAGE",
        message: expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is corrupt \\([^\\n]+\\); fix or remove it$`)),
      });
    }
  });
});
