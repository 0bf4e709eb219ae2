/**
 * How a netdoctor process ends when it does not end normally — SIGINT,
 * SIGTERM, SIGHUP, a write error on stdout (ENOSPC), a crash — so that
 * nothing is left behind (issue 14 §5): every temp dir and lab registered
 * with {@link onExitCleanup} is removed, a note registered with
 * {@link onInterruptNote} says what a command had already changed (a fix
 * half applied: `netdoctor undo` restores it), and under `--json` stdout
 * still carries one JSON document (the error document, {@link errorDocument}).
 *
 * Exit codes: 128 + signal number for a signal (SIGHUP 129, SIGINT 130,
 * SIGTERM 143, as shells report them); 2 for a crash or an unwritable stdout
 * ("netdoctor could not run", DESIGN §3).
 *
 * A late answer is not a crash: a SourceError rejected after every caller
 * stopped waiting for it (the run's deadline passed) is dropped.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maskCredentials } from "./report/mask.js";
import { isSourceError } from "./sources/types.js";

/** The JSON error document under `--json` (schema/error.schema.json): printed on stdout for every failure that has no document of its own. */
export interface ErrorDocument {
  schemaVersion: 1;
  error: {
    /** `usage` (bad input, exit 2), `scenario`, `registry`, `plugin`, `interrupted`, `output`, `crash`. */
    code: string;
    /** One line, as printed on stderr (without the `netdoctor: ` prefix). */
    message: string;
    /** The process's exit code. */
    exitCode: number;
    /** What a command had done when it was interrupted (e.g. a fix applied, and how to undo it). */
    notes?: string[];
  };
}

/** The error document for `code` / `message` / `exitCode`. */
export function errorDocument(code: string, message: string, exitCode: number, notes: string[] = []): ErrorDocument {
  return { schemaVersion: 1, error: { code, message: maskCredentials(message), exitCode, ...(notes.length ? { notes } : {}) } };
}

/** `NETDOCTOR_USAGE` → `usage`, `NETDOCTOR_SCENARIO` → `scenario`; anything else → `crash`. */
export function errorCodeOf(e: unknown): string {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code === "string" && code.startsWith("NETDOCTOR_")) return code.slice("NETDOCTOR_".length).toLowerCase().replace(/_/g, "-");
  return "crash";
}

interface Registered {
  what: string;
  run: () => unknown;
}

/**
 * The module's state, one record per process on `globalThis`: the diagnosis
 * bundle (dist/bundle/diagnose.cjs) holds its own copy of this module beside
 * the ES module part's that the command line loads (scripts/bundle.mjs
 * PROCESS_WIDE_STATE), and a cleanup either copy registers must be run by
 * the guards the other installed.
 */
interface LifecycleState {
  cleanups: Registered[];
  interruptHandlers: Set<(signal: NodeJS.Signals) => void>;
  notes: Set<() => string[]>;
  /** True once anything was written to stdout through {@link trackOutput}'s wrapper. */
  stdoutWritten: boolean;
  /** Set once the process is ending abnormally: the run may still be going and must not print a second document (nor errors about what the cleanup removed). */
  stdoutClosed: boolean;
  /** process.stdout.write / process.stderr.write as they were before the first copy of this module wrapped them. */
  originalWrite: { stdout: typeof process.stdout.write; stderr: typeof process.stderr.write };
}
const STATE_KEY = Symbol.for("netdoctor.lifecycle.state.v1");
const state: LifecycleState = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= {
  cleanups: [],
  interruptHandlers: new Set(),
  notes: new Set(),
  stdoutWritten: false,
  stdoutClosed: false,
  originalWrite: { stdout: process.stdout.write, stderr: process.stderr.write },
} satisfies LifecycleState) as LifecycleState;
const { cleanups, interruptHandlers, notes, originalWrite } = state;

/**
 * Register what must be undone if the process ends abnormally (remove a temp
 * dir, stop a lab). Returns the function that unregisters it — call it once
 * the thing was cleaned up normally.
 */
export function onExitCleanup(what: string, run: () => unknown): () => void {
  const entry = { what, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** A private temporary directory from {@link makeTempDir}. */
export interface TempDir {
  /** Absolute path of the directory (created, mode 0700). */
  path: string;
  /** Remove the directory and everything in it, and unregister its exit cleanup; idempotent. */
  remove(): Promise<void>;
  /** Unregister the exit cleanup without removing the directory (its owner removes it another way). */
  forget(): void;
}

/**
 * Create `os.tmpdir()/<prefix>XXXXXX` (`mkdtemp`) with its removal registered
 * as an exit cleanup *before* the directory exists. libuv may deliver a
 * signal (SIGINT, SIGHUP, …) in the same loop turn as mkdtemp's completion,
 * before the code after `await mkdtemp()` runs; a cleanup registered only then
 * would miss the directory. This one waits for the creation, then removes what
 * was created. `what` names it in "could not clean up …" messages.
 * @throws what `mkdtemp` throws (ENOSPC, EACCES on the temp dir).
 */
export async function makeTempDir(prefix: string, what: string): Promise<TempDir> {
  const created = mkdtemp(join(tmpdir(), prefix));
  const removeTree = async (): Promise<void> => {
    const dir = await created.catch(() => null);
    if (dir !== null) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  let removing: Promise<void> | null = null;
  const forget = onExitCleanup(`${what} (${join(tmpdir(), prefix)}…)`, () => (removing ??= removeTree()));
  let dir: string;
  try {
    dir = await created;
  } catch (e) {
    forget();
    throw e;
  }
  return {
    path: dir,
    remove: async () => {
      await (removing ??= removeTree());
      forget();
    },
    forget,
  };
}

/**
 * Register a command that ends itself on an interrupt (the lab command stops
 * its lab and exits 0; watch prints its summary). While one is registered, the
 * first SIGINT/SIGTERM/SIGHUP goes to it; a second one ends the process.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  interruptHandlers.add(handler);
  return () => void interruptHandlers.delete(handler);
}

/** Register lines to print when the process is interrupted (what was applied so far, how to undo it). */
export function onInterruptNote(lines: () => string[]): () => void {
  notes.add(lines);
  return () => void notes.delete(lines);
}

/** Run every registered cleanup once, newest first; each may take at most `limitMs` (a cleanup that hangs does not keep the process alive). */
export async function runCleanups(limitMs = 2000): Promise<void> {
  if (process.env["NETDOCTOR_DEBUG"]) writeErr(`netdoctor: cleaning up at ${Math.round(performance.now())}: ${cleanups.map((c) => c.what).join(", ") || "nothing"}\n`);
  for (const c of cleanups.splice(0).reverse()) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(c.run),
        new Promise((resolve) => {
          timer = setTimeout(resolve, limitMs);
          timer.unref();
        }),
      ]);
    } catch (e) {
      writeErr(`netdoctor: could not clean up ${c.what}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
    } finally {
      clearTimeout(timer);
      if (process.env["NETDOCTOR_DEBUG"]) writeErr(`netdoctor: cleaned up ${c.what} at ${Math.round(performance.now())}\n`);
    }
  }
}

/** Options of {@link installProcessGuards}. */
export interface GuardOptions {
  /** `--json` was given: failures print the error document on stdout. */
  json: boolean;
  /** Ends the process (default `process.exit`); tests replace it. */
  exit?: (code: number) => void;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** True once anything was written to stdout through {@link trackOutput}'s wrapper (a document, or part of one). */
export function wroteToStdout(): boolean {
  return state.stdoutWritten;
}

/** Write to stderr even once the process is ending (the run's own output is muted then). */
function writeErr(s: string): void {
  try {
    (originalWrite.stderr as (s: string) => boolean).call(process.stderr, s);
  } catch {
    // stderr is gone too: nothing more to say.
  }
}

/**
 * Note every write to stdout, so a failure prints its JSON error document
 * only when no document was printed; mute stdout and stderr once the process
 * is ending (the interrupted run may still print a report or an error about
 * files the cleanup just removed).
 */
function trackOutput(): () => void {
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (state.stdoutClosed) return true;
    if (chunk !== undefined && chunk !== null && (chunk as { length?: number }).length !== 0) state.stdoutWritten = true;
    return (originalWrite.stdout as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  process.stderr.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
    if (state.stdoutClosed) return true;
    return (originalWrite.stderr as (...a: unknown[]) => boolean).call(this, ...args);
  } as typeof process.stderr.write;
  return () => {
    process.stdout.write = originalWrite.stdout;
    process.stderr.write = originalWrite.stderr;
  };
}

/**
 * Install the handlers that end the process cleanly on SIGINT, SIGTERM,
 * SIGHUP, an uncaught exception (a write error on stdout such as ENOSPC
 * arrives as one, from bin/netdoctor.js) and an unhandled rejection (a late
 * SourceError is dropped). Returns the function that removes them.
 */
export function installProcessGuards(o: GuardOptions): () => void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let ending = false;
  let interrupted = false;

  const end = async (code: string, message: string, exitCode: number, opts: { stdoutBroken?: boolean; stack?: string } = {}): Promise<void> => {
    if (ending) return;
    ending = true;
    const lines = [...notes].flatMap((n) => {
      try {
        return n();
      } catch {
        return [];
      }
    });
    const err = writeErr;
    err(`netdoctor: ${maskCredentials(message)}\n`);
    for (const l of lines) err(`  ${l}\n`);
    if (opts.stack && process.env["NETDOCTOR_DEBUG"]) err(`${opts.stack}\n`);
    if (o.json && !state.stdoutWritten && !opts.stdoutBroken) {
      try {
        (originalWrite.stdout as (s: string) => boolean).call(process.stdout, `${JSON.stringify(errorDocument(code, message, exitCode, lines), null, 2)}\n`);
      } catch {
        // stdout cannot be written: stderr said it.
      }
    }
    // The run may still be going while the cleanups run: nothing more of it is printed.
    state.stdoutClosed = true;
    await runCleanups();
    exit(exitCode);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const exitCode = SIGNAL_EXIT[signal] ?? 130;
    if (ending) {
      // A second signal while cleaning up: stop now.
      exit(exitCode);
      return;
    }
    if (interruptHandlers.size > 0 && !interrupted) {
      interrupted = true;
      for (const h of interruptHandlers) h(signal);
      return;
    }
    void end("interrupted", `interrupted (${signal})`, exitCode);
  };
  const onException = (e: unknown) => {
    const errno = e as NodeJS.ErrnoException;
    if (errno && typeof errno.code === "string" && typeof errno.syscall === "string" && errno.syscall === "write") {
      void end("output", `cannot write the output: ${errno.code}${errno.message ? ` (${errno.message.split("\n")[0]})` : ""}`, 2, { stdoutBroken: true });
      return;
    }
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
    void end("crash", `crashed: ${message} (please report this as a netdoctor bug)`, 2, { stack: e instanceof Error ? e.stack : undefined });
  };
  const onRejection = (reason: unknown) => {
    if (isSourceError(reason)) {
      // A late answer: every caller stopped waiting (the run's deadline passed). Dropped.
      if (process.env["NETDOCTOR_DEBUG"]) process.stderr.write(`netdoctor: dropped a late answer: ${reason.message}\n`);
      return;
    }
    onException(reason);
  };

  const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  const untrack = trackOutput();
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
    untrack();
  };
}
