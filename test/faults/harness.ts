/**
 * The fault corpus's harness: run the built CLI the way a hostile or unlucky
 * user would, each run with a TMPDIR of its own, and return what a user sees
 * (exit code, stdout, stderr) plus what the run left behind in that TMPDIR.
 * Helpers build the faults: hung and garbage servers, kubeconfigs, scenario
 * variants.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { parse, stringify } from "yaml";
import { runCli, scenariosDir, type CliResult } from "../e2e/cli.js";

/** Scratch directories of this test file (kubeconfigs, scenario variants). */
export function scratch(prefix = "netdoctor-fault-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** What one CLI run did, and the files it left in its own TMPDIR. */
export interface FaultRun extends CliResult {
  /** Entries left in the run's TMPDIR after it exited (labs, bundle staging, …): should be empty. */
  leftBehind: string[];
}

/** Run the CLI with a fresh, empty TMPDIR; `env` adds to (or, with undefined, removes from) the environment. */
export async function runFault(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<FaultRun> {
  const tmp = scratch("netdoctor-fault-tmp-");
  const r = await runCli(args, { HOME: scratch("netdoctor-fault-home-"), ...env, TMPDIR: tmp }, stdin);
  return { ...r, leftBehind: readdirSync(tmp) };
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
