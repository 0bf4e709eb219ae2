/**
 * The socat forward manager (src/fixes/forwards.ts) against a real socat and
 * real loopback sockets: start, forward, list, stop; refusals (port taken,
 * socat missing, socat failing); a reused pid is never reported alive nor
 * killed; a corrupt forwards.json is a one-line error and loses nothing;
 * concurrent starts keep every record; and the lab host source sees the
 * forwards netdoctor started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, get, type Server } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  forwardsFile,
  listForwards,
  processState,
  readForwards,
  socatCommand,
  socatInstallHint,
  startForward,
  stopForward,
  type ForwardRecord,
} from "../../src/fixes/forwards.js";
import { parseForwarderCommand, upstreamOf } from "../../src/host/forwarders.js";
import type { LabState } from "../../src/lab/contract.js";
import { createHostSource } from "../../src/sources/live/host.js";

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

/** A loopback HTTP server answering `hello from upstream <path>`. */
async function upstreamServer(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => res.end(`hello from upstream ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** GET a URL on a fresh connection (no keep-alive), resolving to the body. */
function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    }).once("error", reject);
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

/** Poll `cond` every 20 ms, failing after a generous bound (a safety net, not a timing assertion). */
async function eventually(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while `pid` exists (a zombie counts until it is reaped). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A record written by hand. */
function handRecord(over: Partial<ForwardRecord>): ForwardRecord {
  const listen = over.listen ?? { address: "127.0.0.1", port: 40123 };
  return {
    id: "fw-40123-beef",
    pid: 1,
    listen,
    upstream: "172.18.0.2:30080",
    dial: "172.18.0.2:30080",
    target: "envoy-gateway-system/envoy-default-eg-e41e7b31:80 (NodePort 30080)",
    command: socatCommand(listen, "172.18.0.2:30080"),
    startedAt: new Date().toISOString(),
    undoId: null,
    log: "/dev/null",
    ...over,
  };
}

let home: string;
let env: NodeJS.ProcessEnv;
const servers: Server[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-forwards-"));
  env = { ...process.env, NETDOCTOR_HOME: home };
});

afterEach(async () => {
  // Stop what the test started: forwards through the manager (it only signals verified socats), helper processes by their pid.
  for (const f of await listForwards(env).catch(() => [])) await stopForward(f.id, env).catch(() => undefined);
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await rm(home, { recursive: true, force: true });
});

/** Start an upstream server and a forward to it. */
async function forwardToServer(extra: { upstream?: string } = {}) {
  const { server, port: serverPort } = await upstreamServer();
  servers.push(server);
  const listenPort = await freePort();
  const record = await startForward({
    listen: { address: "127.0.0.1", port: listenPort },
    upstream: extra.upstream ?? `127.0.0.1:${serverPort}`,
    dial: `127.0.0.1:${serverPort}`,
    target: `http://127.0.0.1:${serverPort}/`,
    env,
  });
  return { record, listenPort, serverPort };
}

describe("startForward", () => {
  it("forwards a loopback port to the upstream and records the forward", async () => {
    const { record, listenPort, serverPort } = await forwardToServer();

    expect(await fetchText(`http://127.0.0.1:${listenPort}/through`)).toBe("hello from upstream /through");
    expect(record).toMatchObject({
      id: expect.stringMatching(new RegExp(`^fw-${listenPort}-[0-9a-f]{4}$`)),
      listen: { address: "127.0.0.1", port: listenPort },
      upstream: `127.0.0.1:${serverPort}`,
      dial: `127.0.0.1:${serverPort}`,
      command: `socat TCP-LISTEN:${listenPort},fork,reuseaddr,bind=127.0.0.1 TCP:127.0.0.1:${serverPort}`,
      undoId: null,
      log: join(home, "forwards", `${record.id}.log`),
    });
    expect(Number.isNaN(Date.parse(record.startedAt))).toBe(false);
    expect(await readForwards(env)).toEqual([record]);
    const stored = JSON.parse(await readFile(forwardsFile(env), "utf8"));
    expect(stored).toMatchObject({ schemaVersion: 1, forwards: [{ id: record.id, pid: record.pid }] });
  });

  it("lists a running forward as alive", async () => {
    const { record } = await forwardToServer();
    expect(await listForwards(env)).toEqual([{ ...record, alive: true }]);
  });

  it("records the undo id and the logical upstream apart from the address socat dials", async () => {
    const { server, port: serverPort } = await upstreamServer();
    servers.push(server);
    const record = await startForward({
      listen: { address: "127.0.0.1", port: await freePort() },
      upstream: "172.18.0.2:30080",
      dial: `127.0.0.1:${serverPort}`,
      target: "envoy-gateway-system/envoy-default-eg-e41e7b31:80 (NodePort 30080)",
      undoId: "20261122T101500Z-socat-forward",
      env,
    });
    expect(record).toMatchObject({ upstream: "172.18.0.2:30080", dial: `127.0.0.1:${serverPort}`, undoId: "20261122T101500Z-socat-forward" });
    expect(record.command.endsWith(` TCP:127.0.0.1:${serverPort}`)).toBe(true);
  });

  it("refuses a listen port that is already in use and records nothing", async () => {
    const { server, port } = await upstreamServer();
    servers.push(server);
    const attempt = startForward({ listen: { address: "127.0.0.1", port }, upstream: "127.0.0.1:1", target: "x", env });
    await expect(attempt).rejects.toMatchObject({ name: "FixError", message: `cannot listen on 127.0.0.1:${port}: the port is already in use; stop what holds it or choose another port with --port` });
    expect(await readForwards(env)).toEqual([]);
  });

  it("says how to install socat when it is not on PATH", async () => {
    const emptyBin = join(home, "bin");
    await mkdir(emptyBin);
    const osRelease = await readFile("/etc/os-release", "utf8").catch(() => "");
    const hint = socatInstallHint(process.platform, osRelease);
    const attempt = startForward({ listen: { address: "127.0.0.1", port: await freePort() }, upstream: "127.0.0.1:1", target: "x", env: { ...env, PATH: emptyBin } });
    await expect(attempt).rejects.toMatchObject({ name: "FixError", message: expect.stringMatching(/^socat is not installed \(not found on PATH\); install it with `[^`\n]+` and retry$/) });
    if (hint) await expect(attempt).rejects.toThrow(`\`${hint}\``);
    expect(await readForwards(env)).toEqual([]);
  });

  it("reports the last line of socat's log when socat exits instead of listening", async () => {
    const bin = join(home, "bin");
    await mkdir(bin);
    const fake = join(bin, "socat");
    await writeFile(fake, "#!/bin/sh\necho '2026/11/22 10:15:00 socat[4242] W ignoring option' >&2\necho '2026/11/22 10:15:00 socat[4242] E setsockopt(5, SOL_SOCKET, SO_REUSEADDR): Invalid argument' >&2\nexit 1\n");
    await chmod(fake, 0o755);
    const attempt = startForward({ listen: { address: "127.0.0.1", port: await freePort() }, upstream: "127.0.0.1:1", target: "x", env: { ...env, PATH: bin } });
    await expect(attempt).rejects.toMatchObject({
      name: "FixError",
      message: expect.stringMatching(/^socat exited \(code 1\) instead of listening on 127\.0\.0\.1:\d+: E setsockopt\(5, SOL_SOCKET, SO_REUSEADDR\): Invalid argument$/),
    });
    expect(await readForwards(env)).toEqual([]);
  });

  it.each([
    { name: "a listen address that is not an IP", listen: { address: "localhost", port: 8080 }, upstream: "127.0.0.1:80", message: 'cannot listen on "localhost": expected an IP address (e.g. 127.0.0.1)' },
    { name: "a listen port out of range", listen: { address: "127.0.0.1", port: 70000 }, upstream: "127.0.0.1:80", message: "cannot listen on port 70000: expected 1-65535" },
    { name: "an upstream without a port", listen: { address: "127.0.0.1", port: 8080 }, upstream: "172.18.0.2", message: 'upstream "172.18.0.2": expected host:port' },
    { name: "an upstream that would inject socat options", listen: { address: "127.0.0.1", port: 8080 }, upstream: "172.18.0.2:80,fork", message: 'upstream "172.18.0.2:80,fork": expected host:port' },
  ])("refuses $name", async ({ listen, upstream, message }) => {
    await expect(startForward({ listen, upstream, target: "x", env })).rejects.toMatchObject({ name: "FixError", message });
  });

  it("keeps every record when several forwards start at once", async () => {
    const { server, port: serverPort } = await upstreamServer();
    servers.push(server);
    const ports = [await freePort(), await freePort(), await freePort()];
    const records = await Promise.all(
      ports.map((port) => startForward({ listen: { address: "127.0.0.1", port }, upstream: `127.0.0.1:${serverPort}`, target: "x", env })),
    );
    expect((await readForwards(env)).map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    for (const port of ports) expect(await fetchText(`http://127.0.0.1:${port}/`)).toBe("hello from upstream /");
  });
});

describe("stopForward", () => {
  it("stops the socat: the port refuses connections, the pid is gone and the record removed", async () => {
    const { record, listenPort } = await forwardToServer();

    const result = await stopForward(record.id, env);

    expect(result).toEqual({ stopped: true, record });
    expect(await connectResult(listenPort)).toBe("ECONNREFUSED");
    await eventually(() => !exists(record.pid), `pid ${record.pid} to be reaped`);
    expect(await readForwards(env)).toEqual([]);
    await expect(readFile(record.log)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("also closes connections that socat's per-connection children still serve", async () => {
    const { record, listenPort } = await forwardToServer();
    const socket: Socket = connect({ host: "127.0.0.1", port: listenPort });
    socket.on("error", () => undefined);
    const closed = new Promise((r) => socket.once("close", r));
    const answered = new Promise((r) => socket.once("data", r));
    socket.write("GET /keep HTTP/1.1\r\nHost: upstream\r\nConnection: keep-alive\r\n\r\n");
    await answered; // a socat child now serves this connection, and the upstream keeps it open
    await stopForward(record.id, env);
    await closed;
  });

  it("removes a forward whose socat already exited and says it was not running", async () => {
    const { record } = await forwardToServer();
    process.kill(record.pid, "SIGKILL");
    await eventually(async () => (await processState(record.pid, record.command)) === "other", "socat to exit");

    expect(await listForwards(env)).toEqual([{ ...record, alive: false }]);
    expect(await stopForward(record.id, env)).toEqual({ stopped: false, record });
    expect(await readForwards(env)).toEqual([]);
  });

  it("neither reports alive nor kills a process that reuses the recorded pid", async () => {
    const sleeper = spawn("sleep", ["1000", "1000"], { stdio: "ignore" });
    children.push(sleeper);
    await new Promise((r) => sleeper.once("spawn", r));
    const record = handRecord({ pid: sleeper.pid! });
    await writeFile(forwardsFile(env), JSON.stringify({ schemaVersion: 1, forwards: [record] }));

    expect(await listForwards(env)).toEqual([{ ...record, alive: false }]);
    expect(await stopForward(record.id, env)).toEqual({ stopped: false, record });
    expect(sleeper.exitCode).toBeNull();
    expect(sleeper.signalCode).toBeNull();
    expect((await readFile(`/proc/${sleeper.pid}/cmdline`, "utf8")).split("\0")[0]).toBe("sleep");
    expect(await readForwards(env)).toEqual([]);
  });

  it("refuses an unknown id, listing the known ones", async () => {
    const known = handRecord({ id: "fw-40123-beef", pid: 2 ** 22 + 1 });
    await writeFile(forwardsFile(env), JSON.stringify({ schemaVersion: 1, forwards: [known] }));
    await expect(stopForward("fw-1-dead", env)).rejects.toMatchObject({
      name: "FixError",
      code: "NETDOCTOR_FORWARD_UNKNOWN",
      message: 'unknown forward "fw-1-dead": known: fw-40123-beef',
    });
    await rm(forwardsFile(env));
    await expect(stopForward("fw-1-dead", env)).rejects.toThrow('unknown forward "fw-1-dead": no forwards are recorded');
  });
});

describe("processState", () => {
  it.each(["linux", "darwin"])("tells the recorded socat from another program on a reused pid (%s method)", async (platform) => {
    const { record } = await forwardToServer();
    const sleeper = spawn("sleep", ["1000", "1000"], { stdio: "ignore" });
    children.push(sleeper);
    await new Promise((r) => sleeper.once("spawn", r));

    expect(await processState(record.pid, record.command, platform)).toBe("ours");
    expect(await processState(sleeper.pid!, record.command, platform)).toBe("other");
    expect(await processState(record.pid, socatCommand(record.listen, "127.0.0.1:1"), platform)).toBe("other");
  });
});

describe("a corrupt forwards.json", () => {
  it.each([
    { name: "not JSON", text: "{not json", detail: /is corrupt \(.+\); fix or remove it$/ },
    { name: "without a forwards list", text: '{"schemaVersion": 1, "forwards": 3}', detail: /is corrupt \(expected \{"schemaVersion": 1, "forwards": \[\.\.\.\]\}\); fix or remove it$/ },
    { name: "with a record of the wrong shape", text: '{"schemaVersion": 1, "forwards": [{"id": 1}]}', detail: /is corrupt \(forwards\[0\] is not a forward record\); fix or remove it$/ },
  ])("($name) is a one-line error naming the file, and nothing is started or dropped", async ({ text, detail }) => {
    const file = forwardsFile(env);
    await writeFile(file, text);
    for (const attempt of [() => listForwards(env), () => stopForward("fw-1-dead", env)]) {
      const err = await attempt().then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.name).toBe("FixError");
      expect(err?.message.startsWith(`${file} is corrupt (`)).toBe(true);
      expect(err?.message).toMatch(detail);
      expect(err?.message).not.toContain("\n");
    }
    const port = await freePort();
    await expect(startForward({ listen: { address: "127.0.0.1", port }, upstream: "127.0.0.1:1", target: "x", env })).rejects.toThrow(`${file} is corrupt (`);
    expect(await connectResult(port)).toBe("ECONNREFUSED");
    expect(await readFile(file, "utf8")).toBe(text);
  });
});

describe("socat command lines", () => {
  it.each([
    { listen: { address: "127.0.0.1", port: 8080 }, dial: "172.18.0.2:30080", want: "socat TCP-LISTEN:8080,fork,reuseaddr,bind=127.0.0.1 TCP:172.18.0.2:30080" },
    { listen: { address: "0.0.0.0", port: 80 }, dial: "172.18.0.2:30080", want: "socat TCP-LISTEN:80,fork,reuseaddr,bind=0.0.0.0 TCP:172.18.0.2:30080" },
    { listen: { address: "::1", port: 9443 }, dial: "[fd00:10:244::5]:8443", want: "socat TCP-LISTEN:9443,fork,reuseaddr,pf=ip6,bind=[::1] TCP:[fd00:10:244::5]:8443" },
  ])("builds $want, which the forwarder recogniser reads back", ({ listen, dial, want }) => {
    const command = socatCommand(listen, dial);
    expect(command).toBe(want);
    const parsed = parseForwarderCommand(command, "socat");
    expect(parsed).toMatchObject({ kind: "socat", listen: { port: listen.port, bind: listen.address } });
    expect(upstreamOf(parsed, listen.port)).toBe(dial);
  });
});

describe("socatInstallHint", () => {
  it.each([
    { name: "Debian", platform: "linux", osRelease: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', want: "sudo apt-get install socat" },
    { name: "Ubuntu", platform: "linux", osRelease: "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n", want: "sudo apt-get install socat" },
    { name: "Linux Mint (ID_LIKE ubuntu)", platform: "linux", osRelease: "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", want: "sudo apt-get install socat" },
    { name: "Fedora", platform: "linux", osRelease: "ID=fedora\n", want: "sudo dnf install socat" },
    { name: "Rocky Linux (ID_LIKE rhel)", platform: "linux", osRelease: 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', want: "sudo dnf install socat" },
    { name: "Arch", platform: "linux", osRelease: "ID=arch\n", want: "sudo pacman -S socat" },
    { name: "Alpine", platform: "linux", osRelease: "ID=alpine\n", want: "sudo apk add socat" },
    { name: "macOS", platform: "darwin", osRelease: "", want: "brew install socat" },
    { name: "an unknown Linux", platform: "linux", osRelease: "ID=plan9ish\n", want: null },
    { name: "Windows", platform: "win32", osRelease: "", want: null },
  ])("names $want on $name", ({ platform, osRelease, want }) => {
    expect(socatInstallHint(platform, osRelease)).toBe(want);
  });
});

describe("the lab host source", () => {
  it("reports live loopback forwards as socat listeners naming the recorded upstream, in place of the scenario's listener", async () => {
    const { record, listenPort, serverPort } = await forwardToServer({ upstream: "172.18.0.2:30080" });
    const dead = handRecord({ id: "fw-40124-dead", listen: { address: "127.0.0.1", port: 40124 }, pid: 2 ** 22 + 1 });
    const stored = await readForwards(env);
    await writeFile(forwardsFile(env), JSON.stringify({ schemaVersion: 1, forwards: [...stored, dead] }));
    const listenersFile = join(home, "listeners.yaml");
    await writeFile(
      listenersFile,
      [
        `- {address: 127.0.0.1, port: ${listenPort}, pid: 4711, process: kubectl, command: "kubectl port-forward -n envoy-gateway-system svc/envoy 8080:80"}`,
        "- {address: 0.0.0.0, port: 6443, pid: 900, process: docker-proxy}",
        "",
      ].join("\n"),
    );
    const lab = { listenersFile, hostsFile: join(home, "hosts"), resolver: {} } as unknown as LabState;

    const listeners = await createHostSource({ lab, env }).listeners(new AbortController().signal);

    const command = `socat TCP-LISTEN:${listenPort},fork,reuseaddr,bind=127.0.0.1 TCP:172.18.0.2:30080`;
    expect(listeners).toEqual([
      { address: "127.0.0.1", port: listenPort, pid: record.pid, process: "socat", command },
      { address: "0.0.0.0", port: 6443, pid: 900, process: "docker-proxy" },
    ]);
    expect(record.command).toContain(`TCP:127.0.0.1:${serverPort}`);
  });

  it("adds a forward on a port the scenario does not list, and ignores a corrupt forwards.json", async () => {
    const { record, listenPort } = await forwardToServer({ upstream: "172.18.0.2:30080" });
    const listenersFile = join(home, "listeners.yaml");
    await writeFile(listenersFile, "- {address: 0.0.0.0, port: 6443, pid: 900, process: docker-proxy}\n");
    const lab = { listenersFile, hostsFile: join(home, "hosts"), resolver: {} } as unknown as LabState;
    const signal = new AbortController().signal;

    expect(await createHostSource({ lab, env }).listeners(signal)).toEqual([
      { address: "0.0.0.0", port: 6443, pid: 900, process: "docker-proxy" },
      { address: "127.0.0.1", port: listenPort, pid: record.pid, process: "socat", command: socatCommand(record.listen, "172.18.0.2:30080") },
    ]);

    const good = await readFile(forwardsFile(env), "utf8");
    await writeFile(forwardsFile(env), "{not json");
    expect(await createHostSource({ lab, env }).listeners(signal)).toEqual([{ address: "0.0.0.0", port: 6443, pid: 900, process: "docker-proxy" }]);
    await writeFile(forwardsFile(env), good); // so afterEach can stop the forward
  });
});
