/**
 * The socat forwards netdoctor starts (fix `socat-forward`, DESIGN §5): a
 * detached `socat TCP-LISTEN:P,fork,reuseaddr,bind=ADDR TCP:HOST:PORT` per
 * forward, recorded in `<netdoctorHome>/forwards.json` so `netdoctor
 * forwards` can list them with their liveness, `netdoctor forwards stop ID`
 * and `netdoctor undo` can stop them, and the host source under the lab can
 * see them.
 *
 * Safety rule: a process is only ever signalled when it verifiably is the
 * recorded socat — on Linux `/proc/PID/cmdline` must be the recorded command
 * line (a reused pid is someone else's process); elsewhere `ps -o command=`
 * must show it.
 */
import { mkdir, open, readFile, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { connect, createServer, isIP } from "node:net";
import { basename, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { randomBytes } from "node:crypto";
import { formatHostPort } from "../host/addresses.js";
import { netdoctorHome } from "./home.js";
import { FixError } from "./types.js";
import { which } from "./which.js";

/** One socat forward netdoctor started, as stored in `forwards.json`. */
export interface ForwardRecord {
  /** Short id, `fw-<listen port>-<4 hex>` (e.g. `fw-8891-1a2b`). */
  id: string;
  /** Pid of the socat parent (the listener; it forks one child per connection). */
  pid: number;
  /** Where socat listens (loopback unless `--address` was given). */
  listen: { address: string; port: number };
  /** `host:port` the user asked to reach (e.g. `172.18.0.2:30080`). */
  upstream: string;
  /** `host:port` socat really dials: `upstream`, except under the lab, where a node address maps to a loopback listener. */
  dial: string;
  /** What the forward reaches, for people: `ns/service:port (NodePort 30080)` or a URL. */
  target: string;
  /** The socat command line, arguments joined by single spaces (as `/proc/PID/cmdline` shows it). */
  command: string;
  /** When it was started, ISO 8601. */
  startedAt: string;
  /** The undo record of the fix that started it, or null when started otherwise. */
  undoId: string | null;
  /** File that receives socat's stderr. */
  log: string;
}

/** A record with its liveness: true when the pid still runs the recorded socat command. */
export type ForwardStatus = ForwardRecord & { alive: boolean };

/** Options of `startForward`. */
export interface StartForwardOptions {
  /** Listen address (an IP; `127.0.0.1` for loopback) and port (1–65535). */
  listen: { address: string; port: number };
  /** `host:port` (IPv6 hosts in brackets) the forward stands for. */
  upstream: string;
  /** `host:port` socat dials; default `upstream`. */
  dial?: string;
  /** Human description of what it reaches. */
  target: string;
  /** The undo record of the fix starting it. */
  undoId?: string | null;
  /** Environment: `PATH` (to find socat), `NETDOCTOR_HOME`/`HOME` (state directory). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** How long startForward waits for socat to accept connections. */
const READY_TIMEOUT_MS = 3_000;
/** How long stopForward waits for socat to exit after SIGTERM (then SIGKILL, then as long again). */
const STOP_TIMEOUT_MS = 3_000;
/** How long a writer waits for another netdoctor process to release `forwards.json.lock`. */
const LOCK_TIMEOUT_MS = 10_000;
/** A lock file left empty for this long is from a crashed writer. */
const EMPTY_LOCK_STALE_MS = 5_000;
/** Polling interval while waiting for a port, an exit or a lock. */
const POLL_MS = 25;

/** `<home>/forwards.json`. */
export function forwardsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(netdoctorHome(env), "forwards.json");
}

// ---------------------------------------------------------------- socat

/**
 * The install command for socat on this machine, from `/etc/os-release`
 * `ID` and `ID_LIKE` (os-release(5)) on Linux: Debian/Ubuntu `apt-get`,
 * Fedora/RHEL/CentOS `dnf`, Arch `pacman`, Alpine `apk`, openSUSE `zypper`;
 * macOS Homebrew. Null when the platform is not known.
 */
export function socatInstallHint(platform: string, osRelease = ""): string | null {
  if (platform === "darwin") return "brew install socat";
  if (platform !== "linux") return null;
  const field = (name: string) => {
    const m = new RegExp(`^${name}=(.*)$`, "m").exec(osRelease);
    return m ? m[1]!.trim().replace(/^["']|["']$/g, "").toLowerCase().split(/\s+/) : [];
  };
  const ids = [...field("ID"), ...field("ID_LIKE")];
  const has = (...names: string[]) => names.some((n) => ids.includes(n));
  if (has("debian", "ubuntu")) return "sudo apt-get install socat";
  if (has("fedora", "rhel", "centos", "rocky", "almalinux", "amzn")) return "sudo dnf install socat";
  if (has("arch", "manjaro")) return "sudo pacman -S socat";
  if (has("alpine")) return "sudo apk add socat";
  if (has("opensuse", "suse", "sles")) return "sudo zypper install socat";
  return null;
}

/** The first executable `socat` on `env.PATH`, or null. */
export function findSocat(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return which("socat", env);
}

/** One line saying socat is missing and how to install it on this machine (os-release on Linux, Homebrew on macOS). */
export async function socatMissing(): Promise<string> {
  const osRelease = process.platform === "linux" ? await readFile("/etc/os-release", "utf8").catch(() => "") : "";
  const hint = socatInstallHint(process.platform, osRelease);
  return `socat is not installed (not found on PATH); install it with \`${hint ?? "your package manager's socat package"}\` and retry`;
}

/** Split `host:port` / `[v6]:port` into host and port, or null when it is not one. */
export function parseHostPort(spec: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(spec.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  const host = m[1] ?? m[2]!;
  if (m[1] && isIP(host) !== 6) return null;
  return { host, port };
}

/**
 * The socat arguments (without the program) of a forward listening on
 * `listen` and dialling `dial` (`host:port`): `TCP-LISTEN:P,fork,reuseaddr,bind=ADDR TCP:HOST:PORT`;
 * an IPv6 listen address adds `pf=ip6` and brackets the bind address
 * (socat(1) "TCP-LISTEN", "bind=", "pf=").
 */
export function socatArgs(listen: { address: string; port: number }, dial: string): string[] {
  const v6 = isIP(listen.address) === 6;
  const bind = v6 ? `pf=ip6,bind=[${listen.address}]` : `bind=${listen.address}`;
  return [`TCP-LISTEN:${listen.port},fork,reuseaddr,${bind}`, `TCP:${dial}`];
}

/** The socat command line of a forward, as recorded and as `/proc/PID/cmdline` shows it. */
export function socatCommand(listen: { address: string; port: number }, dial: string): string {
  return ["socat", ...socatArgs(listen, dial)].join(" ");
}

// ---------------------------------------------------------------- processes

/** True when `pid` names an existing process (also a zombie, and also another user's: EPERM). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether an argv (argv0 may be a path) is the recorded command line. */
function sameCommand(argv: string[], command: string): boolean {
  const want = command.split(" ");
  if (argv.length !== want.length || argv.length === 0) return false;
  if (basename(argv[0]!) !== want[0]) return false;
  return argv.slice(1).every((a, i) => a === want[i + 1]);
}

/** `ps -o command= -p PID` (POSIX ps), or undefined when ps cannot run; "" when no such process. */
async function psCommand(pid: number): Promise<string | undefined> {
  // node:child_process loads only when there is a forward to check (a diagnosis lists forwards on every run).
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile("ps", ["-o", "command=", "-p", String(pid)], { timeout: 5_000 }, (err, stdout) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === "string") return resolve(undefined); // ENOENT, …
      resolve(err ? "" : String(stdout).trim());
    });
  });
}

/**
 * Whether `pid` is the socat running `command`:
 * `ours` (verified), `other` (no such process, a zombie, or another
 * program: a reused pid), or `unverified` (it exists but its command line
 * cannot be read). Linux: `/proc/PID/cmdline` (NUL-separated argv, empty for
 * zombies, proc(5)); other platforms: `ps -o command=`, falling back to
 * `kill(pid, 0)` when ps cannot run.
 */
export async function processState(pid: number, command: string, platform: string = process.platform): Promise<"ours" | "other" | "unverified"> {
  if (!Number.isInteger(pid) || pid <= 0) return "other";
  if (platform === "linux") {
    let raw: string;
    try {
      raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === "ENOENT" || code === "ESRCH" || !pidExists(pid) ? "other" : "unverified";
    }
    return sameCommand(raw.replace(/\0+$/, "").split("\0"), command) ? "ours" : "other";
  }
  const shown = await psCommand(pid);
  if (shown === undefined) return pidExists(pid) ? "unverified" : "other";
  return shown !== "" && sameCommand(shown.split(/\s+/), command) ? "ours" : "other";
}

/** The process group of a `/proc/PID/stat` line (field 5, proc(5); comm may contain spaces and parentheses), or null. */
function statGroup(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  return Number.isInteger(pgrp) && pgrp > 0 ? pgrp : null;
}

/**
 * Linux: the processes of the forward led by `leader` — those in process
 * group `leader` (socat was started as a group leader; its per-connection
 * children inherit the group) whose `/proc/PID/cmdline` is the recorded
 * command line. Each one is verified, so signalling them is safe.
 */
async function forwardProcesses(leader: number, command: string): Promise<number[]> {
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((d) => /^\d+$/.test(d)).map(Number);
  const members = await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      if (statGroup(stat) !== leader && pid !== leader) return null;
      return (await processState(pid, command, "linux")) === "ours" ? pid : null;
    }),
  );
  return members.filter((p): p is number => p !== null);
}

/** Send `signal` to `pid`; a process that is already gone is fine. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Poll `done` every POLL_MS until it is true or `ms` passed; resolves to whether it became true. */
async function pollUntil(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}

// ---------------------------------------------------------------- ports

/** The address to connect to for a listen address (`0.0.0.0` → `127.0.0.1`, `::` → `::1`). */
function connectAddress(listen: string): string {
  if (listen === "0.0.0.0") return "127.0.0.1";
  if (listen === "::") return "::1";
  return listen;
}

/** Resolve true when a TCP connection to `host:port` is accepted, false when refused or after `ms`. */
function canConnect(host: string, port: number, ms = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Throw FixError when `address:port` cannot be listened on (taken, not a local address, privileged). */
async function ensurePortFree(address: string, port: number): Promise<void> {
  const where = formatHostPort(address, port);
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
  if (error?.code === "EADDRINUSE" || (!error && (await canConnect(connectAddress(address), port)))) {
    throw new FixError(`cannot listen on ${where}: the port is already in use; stop what holds it or choose another port with --port`);
  }
  if (error?.code === "EACCES") throw new FixError(`cannot listen on ${where}: ports below 1024 need privileges; choose another port with --port`);
  if (error?.code === "EADDRNOTAVAIL") throw new FixError(`cannot listen on ${where}: ${address} is not an address of this machine; choose another with --address`);
  if (error) throw new FixError(`cannot listen on ${where}: ${error.code ?? error.message}`);
}

// ---------------------------------------------------------------- the records file

/** Check one stored record's shape. */
function isRecord(r: unknown): r is ForwardRecord {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  const listen = o["listen"] as Record<string, unknown> | undefined;
  return (
    typeof o["id"] === "string" &&
    Number.isInteger(o["pid"]) &&
    typeof listen === "object" &&
    listen !== null &&
    typeof listen["address"] === "string" &&
    Number.isInteger(listen["port"]) &&
    ["upstream", "dial", "target", "command", "startedAt", "log"].every((k) => typeof o[k] === "string") &&
    (o["undoId"] === null || typeof o["undoId"] === "string")
  );
}

/**
 * Read `forwards.json` (`{schemaVersion: 1, forwards: ForwardRecord[]}`).
 * Missing or empty file: no records. Throws FixError (one line naming the
 * file) when it cannot be read or is not such a document — never drops
 * records it cannot understand.
 */
export async function readForwards(env: NodeJS.ProcessEnv = process.env): Promise<ForwardRecord[]> {
  const file = forwardsFile(env);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    throw new FixError(`cannot read ${file}: ${code ?? String(err)}`);
  }
  if (text.trim() === "") return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FixError(`${file} is corrupt (${String((err as Error).message).split("\n")[0]}); fix or remove it`);
  }
  const forwards = (doc as { forwards?: unknown } | null)?.forwards;
  if (!Array.isArray(forwards)) throw new FixError(`${file} is corrupt (expected {"schemaVersion": 1, "forwards": [...]}); fix or remove it`);
  const bad = forwards.findIndex((r) => !isRecord(r));
  if (bad >= 0) throw new FixError(`${file} is corrupt (forwards[${bad}] is not a forward record); fix or remove it`);
  return forwards as ForwardRecord[];
}

/** Replace `forwards.json` atomically (write a temp file in the same directory, then rename). */
async function writeForwards(env: NodeJS.ProcessEnv, records: ForwardRecord[]): Promise<void> {
  const file = forwardsFile(env);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify({ schemaVersion: 1, forwards: records }, null, 2)}\n`, { mode: 0o600, flush: true });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new FixError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Run `fn` holding `forwards.json.lock` (created exclusively, holding our
 * pid), so read-modify-write cycles of concurrent netdoctor processes do not
 * lose each other's records. A lock whose pid is gone (or that stayed empty)
 * is stale and taken over. Throws FixError when another live process holds
 * it longer than LOCK_TIMEOUT_MS.
 */
async function withLock<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const home = netdoctorHome(env);
  const lock = join(home, "forwards.json.lock");
  try {
    await mkdir(home, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new FixError(`cannot create ${home}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx", 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new FixError(`cannot create ${lock}: ${code ?? String(err)}`);
    }
    const [text, info] = await Promise.all([readFile(lock, "utf8").catch(() => null), stat(lock).catch(() => null)]);
    if (text === null || info === null) continue; // released meanwhile
    const holder = Number(text.trim());
    const stale = text.trim() === "" ? Date.now() - info.mtimeMs > EMPTY_LOCK_STALE_MS : !Number.isInteger(holder) || !pidExists(holder);
    if (stale) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new FixError(`${lock} is held by pid ${text.trim() || "?"}; remove it if no netdoctor is running`);
    await delay(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** A fresh id `fw-<port>-<4 hex>` not in `taken`. */
function newId(port: number, taken: Set<string>): string {
  for (;;) {
    const id = `fw-${port}-${randomBytes(2).toString("hex")}`;
    if (!taken.has(id)) return id;
  }
}

/** The last non-empty line of a socat log, without socat's `DATE TIME socat[PID] ` prefix. */
async function lastLogLine(file: string): Promise<string | null> {
  const text = await readFile(file, "utf8").catch(() => "");
  const line = text.trimEnd().split("\n").pop()?.trim();
  return line ? line.replace(/^\S+ \S+ socat\[\d+\] /, "") : null;
}

// ---------------------------------------------------------------- API

/**
 * Start a detached socat forward and record it.
 *
 * Steps: validate the addresses; find socat on PATH (missing → FixError
 * with this platform's install command); refuse when the listen port is
 * taken; check `forwards.json` is readable (a corrupt file refuses before
 * anything starts); spawn socat detached (own process group; stdin/stdout
 * ignored, stderr appended to `<home>/forwards/<id>.log`) and unref it;
 * wait up to 3 s until the port accepts a connection or socat exits (→
 * FixError with the last line of its log); then add the record under the
 * lock. If recording fails, the socat is stopped again and the FixError
 * rethrown, so no unrecorded forward is left running.
 *
 * @throws FixError (one line) for every refusal or failure above.
 */
export async function startForward(opts: StartForwardOptions): Promise<ForwardRecord> {
  const env = opts.env ?? process.env;
  const { address, port } = opts.listen;
  if (isIP(address) === 0) throw new FixError(`cannot listen on ${JSON.stringify(address)}: expected an IP address (e.g. 127.0.0.1)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new FixError(`cannot listen on port ${port}: expected 1-65535`);
  const upstream = parseHostPort(opts.upstream);
  if (!upstream) throw new FixError(`upstream ${JSON.stringify(opts.upstream)}: expected host:port`);
  const dialSpec = opts.dial ?? opts.upstream;
  const dial = parseHostPort(dialSpec);
  if (!dial) throw new FixError(`dial address ${JSON.stringify(dialSpec)}: expected host:port`);

  const socat = await findSocat(env);
  if (!socat) throw new FixError(await socatMissing());
  await ensurePortFree(address, port);
  const existing = await readForwards(env);

  const home = netdoctorHome(env);
  const id = newId(port, new Set(existing.map((r) => r.id)));
  const logDir = join(home, "forwards");
  const log = join(logDir, `${id}.log`);
  const args = socatArgs(opts.listen, formatHostPort(dial.host, dial.port));
  const command = ["socat", ...args].join(" ");
  let logHandle;
  try {
    await mkdir(logDir, { recursive: true, mode: 0o700 });
    logHandle = await open(log, "a", 0o600);
  } catch (err) {
    throw new FixError(`cannot create ${log}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }

  const startedAt = new Date().toISOString();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const { spawn } = await import("node:child_process");
  const child = spawn(socat, args, { argv0: "socat", detached: true, stdio: ["ignore", "ignore", logHandle.fd], env });
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    exit = { code, signal };
  };
  child.on("exit", onExit);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  } catch (err) {
    throw new FixError(`cannot start ${socat}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    await logHandle.close();
  }
  child.unref();
  const pid = child.pid!;

  const where = formatHostPort(address, port);
  try {
    const ready = await pollUntil(async () => exit !== null || (await canConnect(connectAddress(address), port, 500)), READY_TIMEOUT_MS);
    if (exit) {
      const { code, signal: sig } = exit as { code: number | null; signal: NodeJS.Signals | null };
      const line = await lastLogLine(log);
      throw new FixError(`socat exited (${sig ?? `code ${code}`}) instead of listening on ${where}: ${line ?? `see ${log}`}`);
    }
    if (!ready) throw new FixError(`socat did not listen on ${where} within ${READY_TIMEOUT_MS / 1000} s; see ${log}`);
  } catch (err) {
    if (!exit) signal(-pid, "SIGKILL"); // the group of the socat just started (detached: it leads its own)
    throw err;
  } finally {
    child.off("exit", onExit);
  }

  const record: ForwardRecord = {
    id,
    pid,
    listen: { address, port },
    upstream: formatHostPort(upstream.host, upstream.port),
    dial: formatHostPort(dial.host, dial.port),
    target: opts.target,
    command,
    startedAt,
    undoId: opts.undoId ?? null,
    log,
  };
  try {
    await withLock(env, async () => {
      const records = await readForwards(env);
      await writeForwards(env, [...records.filter((r) => r.id !== id), record]);
    });
  } catch (err) {
    signal(-pid, "SIGTERM");
    throw err;
  }
  return record;
}

/**
 * Every recorded forward with its liveness (`alive`: the pid runs the
 * recorded socat command line — see `processState`; a pid whose command
 * cannot be read counts as alive), in start order.
 *
 * @throws FixError when `forwards.json` is corrupt or unreadable.
 */
export async function listForwards(env: NodeJS.ProcessEnv = process.env): Promise<ForwardStatus[]> {
  const records = await readForwards(env);
  return Promise.all(records.map(async (r) => ({ ...r, alive: (await processState(r.pid, r.command)) !== "other" })));
}

/** Thrown by `stopForward` for an id that is not recorded; `code` tells it from other FixErrors. */
export class UnknownForwardError extends FixError {
  readonly code = "NETDOCTOR_FORWARD_UNKNOWN";
}

/**
 * Stop a recorded forward and remove its record. Sends SIGTERM only when
 * the pid verifiably still runs the recorded socat — on Linux also to its
 * per-connection children (same process group, same command line), so open
 * connections close too; elsewhere those finish with their connection — and
 * waits up to 3 s for it to exit (then SIGKILL, as long again). A forward
 * that is no longer running (or whose pid now belongs to another program) is only
 * removed from the records: `stopped` is false. The forward's log file under
 * `<home>/forwards/` goes with its record.
 *
 * @throws UnknownForwardError (a FixError, code `NETDOCTOR_FORWARD_UNKNOWN`)
 *   listing the known ids when `id` is not recorded; FixError when the pid
 *   exists but cannot be verified (nothing is signalled, the record kept),
 *   when socat does not exit, or when `forwards.json` is corrupt.
 */
export async function stopForward(id: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stopped: boolean; record: ForwardRecord }> {
  const records = await readForwards(env);
  const record = records.find((r) => r.id === id);
  if (!record) {
    const known = records.map((r) => r.id);
    throw new UnknownForwardError(`unknown forward ${JSON.stringify(id)}: ${known.length ? `known: ${known.join(", ")}` : "no forwards are recorded"}`);
  }
  const platform = process.platform;
  const state = await processState(record.pid, record.command, platform);
  if (state === "unverified") {
    throw new FixError(`cannot verify that pid ${record.pid} is the socat of ${id}; nothing stopped (stop it yourself, then run this again)`);
  }
  let stopped = false;
  if (state === "ours") {
    // Linux: the listener and its per-connection children, each verified; elsewhere the listener only.
    const members = async () => (platform === "linux" ? forwardProcesses(record.pid, record.command) : [record.pid]);
    const gone = async () => (await processState(record.pid, record.command, platform)) !== "ours";
    for (const pid of await members()) signal(pid, "SIGTERM");
    if (!(await pollUntil(gone, STOP_TIMEOUT_MS))) {
      signal(record.pid, "SIGKILL");
      if (!(await pollUntil(gone, STOP_TIMEOUT_MS))) throw new FixError(`socat pid ${record.pid} of ${id} did not exit after SIGTERM and SIGKILL; record kept`);
    }
    // Children forked while the listener was being stopped.
    if (platform === "linux") for (const pid of await forwardProcesses(record.pid, record.command)) signal(pid, "SIGTERM");
    stopped = true;
  }
  await withLock(env, async () => {
    const now = await readForwards(env);
    if (now.some((r) => r.id === id)) await writeForwards(env, now.filter((r) => r.id !== id));
  });
  if (record.log.startsWith(join(netdoctorHome(env), "forwards"))) await unlink(record.log).catch(() => undefined);
  return { stopped, record };
}
