import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { runTui } from "../../src/ui/run-tui.js";
import type { RunEvent, RunListener } from "../../src/report/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";
import { appliedOutcome, deferred, fakeRunner, fixedReport, removeTraefikPlan } from "./tui-fix-fixtures.js";

/** A terminal-like output stream that keeps everything written to it. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 200;
  chunks: string[] = [];
  write = (s: string): boolean => {
    this.chunks.push(s);
    return true;
  };
  // eslint-disable-next-line no-control-regex
  text = (): string => this.chunks.join("").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  /** What was written after the first `n` chunks. */
  since = (n: number): string => this.chunks.slice(n).join("");
}

/** stdin as Ink reads it: 'readable' events and read(); raw mode only when `tty`. */
class FakeStdin extends EventEmitter {
  isTTY: boolean;
  setRawMode?: (mode: boolean) => void;
  private data: string | null = null;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
    if (tty) this.setRawMode = () => undefined;
  }
  press(s: string): void {
    this.data = s;
    this.emit("readable");
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  ref(): void {}
  unref(): void {}
  resume(): void {}
  pause(): void {}
}

/** A listener registry the test drives (run events, fix progress). */
function hub<L extends (...args: never[]) => void>() {
  const listeners = new Set<L>();
  return {
    listeners,
    subscribe: (l: L) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

function streams(tty: boolean) {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin(tty);
  const stderr = new FakeStdout();
  return { stdout, stdin, opts: { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream } };
}

const emit = (events: ReturnType<typeof hub<RunListener>>, list: RunEvent[]) => list.forEach((e) => events.listeners.forEach((l) => l(e)));

describe("runTui with a fix runner", () => {
  it("offers fixes once the promised runner arrives, shows the runner's progress, and reports the re-check", async () => {
    const events = hub<RunListener>();
    const progress = hub<(what: "applying" | "re-checking", attempt: number) => void>();
    const { stdout, stdin, opts } = streams(true);
    const fake = fakeRunner();
    const runner = deferred<typeof fake.runner | null>();
    const onReport = vi.fn();
    const done = runTui(events.subscribe, { ...opts, fixer: runner.promise, fixProgress: progress.subscribe, onReport });
    expect(progress.listeners.size).toBe(1);
    emit(events, eventsFor(makeReport()));
    await vi.waitFor(() => expect(stdout.text()).toContain("FAIL  2 paths"));
    expect(stdout.text()).not.toContain("f fix");
    runner.resolve(fake.runner);
    await vi.waitFor(() => expect(stdout.text()).toContain("f fix"));
    stdin.press("f");
    await vi.waitFor(() => expect(fake.plans).toHaveLength(1));
    fake.plans[0]!.resolve(removeTraefikPlan());
    await vi.waitFor(() => expect(stdout.text()).toContain("apply? y/n"));
    stdin.press("y");
    await vi.waitFor(() => expect(fake.applies).toHaveLength(1));
    const mark = stdout.chunks.length;
    progress.listeners.forEach((l) => l("re-checking", 2));
    await vi.waitFor(() => expect(stdout.since(mark)).toContain("re-checking… (attempt 2)"));
    fake.applies[0]!.resolve({ outcome: appliedOutcome(), report: fixedReport() });
    await vi.waitFor(() => expect(stdout.text()).toContain("→ after: PASS"));
    expect(onReport).toHaveBeenCalledWith(expect.objectContaining({ status: "pass" }));
    stdin.press("q");
    await done;
    expect(events.listeners.size).toBe(0);
    expect(progress.listeners.size).toBe(0);
  });

  it.each([
    ["resolves to null", (d: ReturnType<typeof deferred<null>>) => d.resolve(null)],
    ["rejects", (d: ReturnType<typeof deferred<null>>) => d.reject(new Error("no kube writer"))],
  ])("offers no fixes when the runner promise %s", async (_name, settle) => {
    const events = hub<RunListener>();
    const { stdout, stdin, opts } = streams(true);
    const runner = deferred<null>();
    const done = runTui(events.subscribe, { ...opts, fixer: runner.promise });
    settle(runner);
    emit(events, eventsFor(makeReport()));
    await vi.waitFor(() => expect(stdout.text()).toContain("q quit"));
    stdin.press("f");
    stdin.press("q");
    await done;
    expect(stdout.text()).not.toContain("f fix");
    expect(stdout.text()).not.toContain("planning");
  });

  it("without a TTY on stdin, never asks the runner and ends with the run as before", async () => {
    const events = hub<RunListener>();
    const { stdout, opts } = streams(false);
    const fake = fakeRunner();
    const done = runTui(events.subscribe, { ...opts, fixer: fake.runner });
    emit(events, eventsFor(makeReport()));
    await done;
    expect(stdout.text()).toContain("FAIL  2 paths: 1 fail, 0 warn, 1 pass");
    expect(stdout.text()).not.toContain("(f)");
    expect(fake.runner.offered).not.toHaveBeenCalled();
  });
});
