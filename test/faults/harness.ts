/**
 * The fault corpus's harness: run the built CLI the way a hostile or unlucky
 * user would, each run with a TMPDIR of its own, and return what a user sees
 * (exit code, stdout, stderr) plus what the run left behind in that TMPDIR.
 * Helpers build the faults: hung and garbage servers, kubeconfigs, scenario
 * variants.
 *
 * The "Done when", kept for every run of every test here (checked
 * after each test, whatever the test itself asserts): a run under `--json`
 * (or `-o json`) whose stdout is captured printed one valid JSON document; no
 * run left an entry in its TMPDIR or a process behind. A run's processes are
 * told apart by an environment marker (NETDOCTOR_FAULT_RUN) every child
 * inherits; /proc/PID/environ names them (Linux).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, watch, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect } from "vitest";
import { parse, stringify } from "yaml";
import { root, runCli, scenariosDir, type CliResult } from "../e2e/cli.js";

/** Scratch directories of this test file (kubeconfigs, scenario variants). */
export function scratch(prefix = "netdoctor-fault-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** What one CLI run did, and the files it left in its own TMPDIR. */
export interface FaultRun extends CliResult {
  /** Entries left in the run's TMPDIR after it exited (labs, bundle staging, …): should be empty. */
  leftBehind: string[];
  /** Processes the run started that still run after it exited (`pid command`): should be empty. */
  leftProcesses: string[];
}

/** The environment variable that marks a run's processes. */
const RUN_MARKER = "NETDOCTOR_FAULT_RUN";

/** Live processes whose environment carries `marker` (`pid command`); [] where /proc cannot tell (not Linux). */
function processesMarked(marker: string): string[] {
  if (process.platform !== "linux") return [];
  const needle = `${RUN_MARKER}=${marker}`;
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(needle)) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").filter(Boolean).join(" ");
      if (cmd) out.push(`${pid} ${cmd}`); // a zombie has no command line: it is gone but for its exit status
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/**
 * The run's processes still alive once it exited. A child killed at exit may
 * take a moment to go: asked again for a bounded while (no event says when a
 * process that is not our child has gone).
 */
async function leftProcesses(marker: string): Promise<string[]> {
  let left = processesMarked(marker);
  for (let i = 0; i < 50 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesMarked(marker);
  }
  return left;
}

/** Runs of the current test, checked after it (see the module comment). */
const runsOfTest: { args: string[]; run: FaultRun; stdoutCaptured: boolean }[] = [];

afterEach(() => {
  const runs = runsOfTest.splice(0);
  for (const { args, run, stdoutCaptured } of runs) {
    const what = `netdoctor ${args.join(" ")}`;
    expect(run.leftBehind, `${what} left files in its TMPDIR`).toEqual([]);
    expect(run.leftProcesses, `${what} left processes`).toEqual([]);
    const json = args.includes("--json") || args.some((a, i) => (a === "-o" || a === "--output") && args[i + 1] === "json");
    if (json && stdoutCaptured) oneJsonDocument(run.stdout);
  }
});

/** Run the CLI with a fresh, empty TMPDIR; `env` adds to (or, with undefined, removes from) the environment. */
export async function runFault(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<FaultRun> {
  const tmp = scratch("netdoctor-fault-tmp-");
  const marker = randomUUID();
  const r = await runCli(args, { HOME: scratch("netdoctor-fault-home-"), ...env, TMPDIR: tmp, [RUN_MARKER]: marker }, stdin);
  const run = { ...r, leftBehind: readdirSync(tmp), leftProcesses: await leftProcesses(marker) };
  runsOfTest.push({ args, run, stdoutCaptured: true });
  return run;
}

/** Parse stdout as exactly one JSON document (throws with stdout in the message when it is not). */
export function oneJsonDocument(stdout: string): Record<string, unknown> {
  try {
    const doc = JSON.parse(stdout) as unknown;
    expect(typeof doc === "object" && doc !== null && !Array.isArray(doc)).toBe(true);
    return doc as Record<string, unknown>;
  } catch (e) {
    throw new Error(`stdout is not one JSON document (${(e as Error).message}):\n${stdout.slice(0, 2000)}`);
  }
}

/** No stack trace, no "Node.js vNN" banner: what a crash prints. */
export function expectNoCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(r.stderr).not.toMatch(/^Node\.js v\d+/m);
  expect(r.stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection|TypeError|ReferenceError/);
}

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A TCP server on 127.0.0.1 that accepts connections and never answers (a hung API server, a hung Docker daemon). Returns its port. */
export async function hungServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((c) => {
    sockets.add(c);
    c.on("error", () => undefined);
    c.on("close", () => sockets.delete(c));
  });
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => srv.close(r));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return (srv.address() as { port: number }).port;
}

/** A unix socket (in a scratch dir) that accepts connections and never answers: a hung Docker daemon. Returns its path. */
export async function hungUnixSocket(): Promise<string> {
  const path = join(scratch("netdoctor-fault-sock-"), "docker.sock");
  const sockets = new Set<Socket>();
  const srv: Server = createServer((c) => {
    sockets.add(c);
    c.on("error", () => undefined);
    c.on("close", () => sockets.delete(c));
  });
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => srv.close(r));
  });
  await new Promise<void>((r) => srv.listen(path, () => r()));
  return path;
}

/** An HTTP server on 127.0.0.1 answering every request with `status` and `body` (some other web server where Docker or an API server was expected). */
export async function httpServer(status: number, body: string, headers: Record<string, string> = { "content-type": "text/html" }): Promise<number> {
  const srv = createHttpServer((_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  });
  closers.push(() => {
    srv.closeAllConnections();
    return new Promise((r) => srv.close(r));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return (srv.address() as { port: number }).port;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A kubeconfig file with one context `fault` whose cluster is `server`. */
export function kubeconfigFor(server: string, user: Record<string, unknown> = { token: "abc" }, cluster: Record<string, unknown> = { "insecure-skip-tls-verify": true }): string {
  const file = join(scratch("netdoctor-fault-kc-"), "config");
  writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fault", cluster: { server, ...cluster } }],
      contexts: [{ name: "fault", context: { cluster: "fault", user: "fault" } }],
      users: [{ name: "fault", user }],
      "current-context": "fault",
    }),
  );
  return file;
}

/** A copy of a fixture scenario with scenario.yaml edited. */
export function scenarioVariant(name: string, edit: (s: Record<string, unknown>) => void): string {
  const dir = scratch(`netdoctor-fault-${name}-`);
  cpSync(join(scenariosDir, name), dir, { recursive: true });
  const file = join(dir, "scenario.yaml");
  const s = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(s);
  writeFileSync(file, stringify(s));
  return dir;
}

/** A CLI run in progress: wait for its output, signal it, collect its end. */
export interface LiveRun {
  pid: number;
  /** Resolves once `pattern` appeared on stdout or stderr (what the user saw so far). */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves once an entry whose name starts with `prefix` appeared in the run's TMPDIR. */
  waitForTemp(prefix: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  done: Promise<FaultRun>;
}

/** Start the CLI with a fresh TMPDIR (as {@link runFault}); `stdout` may be a file descriptor to write to instead of a pipe (e.g. /dev/full). */
export function startFault(args: string[], env: Record<string, string | undefined> = {}, opts: { stdoutFd?: number } = {}): LiveRun {
  const tmp = scratch("netdoctor-fault-tmp-");
  const marker = randomUUID();
  const base: Record<string, string> = { [RUN_MARKER]: marker };
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || ["KUBECONFIG", "DOCKER_HOST", "NETDOCTOR_LAB", "CI", "FORCE_COLOR"].includes(k)) continue;
    base[k] = v;
  }
  for (const [k, v] of Object.entries({ HOME: scratch("netdoctor-fault-home-"), ...env, TMPDIR: tmp })) if (v !== undefined) base[k] = v;
  const child = spawn(process.execPath, [join(root, "bin", "netdoctor.js"), ...args], {
    env: base,
    cwd: root,
    stdio: ["pipe", opts.stdoutFd ?? "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    check();
  });
  child.stdin!.end();
  const done = new Promise<FaultRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve();
      const leftBehind = readdirSync(tmp);
      void leftProcesses(marker).then((left) => {
        const run = { code: code ?? (signal ? -1 : null), stdout, stderr, leftBehind, leftProcesses: left };
        runsOfTest.push({ args, run, stdoutCaptured: opts.stdoutFd === undefined });
        resolve(run);
      }, reject);
    });
  });
  return {
    pid: child.pid!,
    waitFor: (pattern) =>
      new Promise<void>((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      }),
    waitForTemp: (prefix) =>
      new Promise<void>((resolve) => {
        const has = () => readdirSync(tmp).some((e) => e.startsWith(prefix));
        if (has()) return resolve();
        const w = watch(tmp, () => {
          if (has()) {
            w.close();
            resolve();
          }
        });
        void done.then(() => {
          w.close();
          resolve();
        });
      }),
    kill: (signal) => void child.kill(signal),
    done,
  };
}
