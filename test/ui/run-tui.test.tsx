import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { runTui } from "../../src/ui/run-tui.js";
import type { RunEvent, RunListener } from "../../src/report/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";

/** A terminal-like output stream that keeps everything written to it. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 200;
  chunks: string[] = [];
  write = (s: string): boolean => {
    this.chunks.push(s);
    return true;
  };
  // eslint-disable-next-line no-control-regex
  text = (): string => this.chunks.join("").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
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

/** An event source the test drives; records when the TUI subscribed and unsubscribed. */
function source() {
  const listeners = new Set<RunListener>();
  return {
    listeners,
    subscribe: (l: RunListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (events: RunEvent[]) => events.forEach((e) => listeners.forEach((l) => l(e))),
  };
}

const streams = (tty: boolean) => {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin(tty);
  const stderr = new FakeStdout();
  return { stdout, stdin, stderr, opts: { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream } };
};

describe("runTui", () => {
  it("without a TTY on stdin, prints the final frame and resolves once the run ends", async () => {
    const src = source();
    const { stdout, opts } = streams(false);
    let resolved = false;
    const done = runTui(src.subscribe, opts).then(() => (resolved = true));
    expect(src.listeners.size).toBe(1); // subscribed before the first frame: no event is lost
    const events = eventsFor(makeReport());
    src.emit(events.slice(0, -1));
    await vi.waitFor(() => expect(stdout.text()).toContain("http://api.openchoreo.localhost:8080/"));
    expect(resolved).toBe(false);
    src.emit(events.slice(-1));
    await done;
    const out = stdout.text();
    expect(out).toContain("Verdict: the request stops at the service hop");
    expect(out).toContain("FAIL  2 paths: 1 fail, 0 warn, 1 pass");
    expect(out).not.toContain("q quit");
    expect(src.listeners.size).toBe(0);
  });

  it("with a TTY, waits after the run ended until the user quits", async () => {
    const src = source();
    const { stdout, stdin, opts } = streams(true);
    const onQuitEarly = vi.fn();
    let resolved = false;
    const done = runTui(src.subscribe, { ...opts, onQuitEarly }).then(() => (resolved = true));
    src.emit(eventsFor(makeReport()));
    await vi.waitFor(() => expect(stdout.text()).toContain("q quit"));
    await vi.waitFor(() => expect(stdout.text()).toContain("FAIL  2 paths"));
    expect(resolved).toBe(false);
    stdin.press("q");
    await done;
    expect(onQuitEarly).not.toHaveBeenCalled();
    expect(src.listeners.size).toBe(0);
  });

  it("tells the caller when the user quits before the run ended", async () => {
    const src = source();
    const { stdout, stdin, opts } = streams(true);
    const onQuitEarly = vi.fn();
    const done = runTui(src.subscribe, { ...opts, onQuitEarly });
    src.emit(eventsFor(makeReport()).slice(0, 5));
    await vi.waitFor(() => expect(stdout.text()).toContain("running"));
    stdin.press("q");
    await done;
    expect(onQuitEarly).toHaveBeenCalledTimes(1);
    expect(src.listeners.size).toBe(0);
  });
});
