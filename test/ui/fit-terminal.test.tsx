import { EventEmitter } from "node:events";
import stringWidth from "string-width";
import { render } from "ink";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FixRunner } from "../../src/fixes/types.js";
import { App } from "../../src/ui/App.js";
import { KEY_GROUPS } from "../../src/ui/keys.js";
import { createRunStore } from "../../src/ui/store.js";
import { WatchView, type WatchViewState } from "../../src/ui/WatchView.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";
import { fakeRunner, removeTraefikPlan } from "../unit/tui-fix-fixtures.js";

// The App in a terminal of a given size (issue 13 §6): Ink in debug mode writes each whole frame,
// so the last write is the screen.

// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

class Terminal extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (s: string): boolean => {
    this.frames.push(s);
    return true;
  };
  screen = (): string => plain(this.frames.at(-1) ?? "").replace(/\n$/, "");
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

class Keyboard extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setRawMode = (): void => undefined;
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

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

function mount(columns: number, rows: number, fixer?: FixRunner) {
  const store = createRunStore();
  for (const e of eventsFor(makeReport())) store.dispatch(e);
  const term = new Terminal(columns, rows);
  const keys = new Keyboard();
  const instance = render(<App store={store} interactive fixer={fixer} />, {
    stdout: term as unknown as NodeJS.WriteStream,
    stdin: keys as unknown as NodeJS.ReadStream,
    stderr: new Terminal(columns, rows) as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  unmount = () => instance.unmount();
  const screenWhere = (check: (s: string) => void) => vi.waitFor(() => check(term.screen()), { timeout: 5000, interval: 5 });
  return { store, term, keys, screenWhere };
}

/** Every line of `screen` fits `columns`, and there are at most `rows - 1` of them (Ink's newline takes the last). */
function expectFits(screen: string, columns: number, rows: number): void {
  const lines = screen.split("\n");
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

describe("the TUI in a terminal of a given size", () => {
  it("fits 80×24 with the cursor's row in view and the status line, uncut, on the last line", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s.split("\n").at(-1)).toMatch(/^FAIL {2}2 paths: 1 fail, 0 warn, 1 pass/));
    const s = t.term.screen();
    expectFits(s, 80, 24);
    expect(s).toMatch(/^› ✔ env/m);
    expect(s).toMatch(/^↓ \d+ more$/m);
    expect(s).not.toMatch(/^↑ \d+ more( · .*)?$/m);
  });

  it("follows the cursor to the last row on End and back to the first on Home", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    t.keys.press("G");
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ backend/m));
    let s = t.term.screen();
    expectFits(s, 80, 24);
    // The last row shows with what follows it: the second path's verdict.
    expect(s).toContain("Verdict: the request passes every hop");
    t.keys.press("g");
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    s = t.term.screen();
    expect(s.split("\n")[0]).toMatch(/^netdoctor/);
  });

  it("keeps the cursor's row in view while it moves down one row at a time", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    const rows = t.store.getState().cursor;
    expect(rows).toBe(0);
    for (let i = 1; i < 18; i++) {
      t.keys.press("j");
      await t.screenWhere((s) => expect(s).toMatch(/^› /m));
      expectFits(t.term.screen(), 80, 24);
    }
  });

  it("draws no frame with the cursor off screen while it moves among the rows of the open path", async () => {
    const t = mount(80, 12);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    for (let i = 1; i <= 8; i++) {
      const from = t.term.frames.length;
      t.keys.press("j");
      await vi.waitFor(() => expect(t.store.getState().cursor).toBe(i));
      await t.screenWhere((s) => expect(s).toMatch(/^› /m));
      // Every frame Ink wrote for this move (debug mode writes each one) shows the cursor's row.
      for (const f of t.term.frames.slice(from)) expect(plain(f)).toMatch(/^› /m);
    }
  });

  it("pages down and up a screen of rows at a time", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    t.keys.press("\u001B[6~"); // PageDown
    await vi.waitFor(() => expect(t.store.getState().cursor).toBeGreaterThan(1));
    const after = t.store.getState().cursor;
    await t.screenWhere((s) => expect(s).toMatch(/^› /m));
    t.keys.press("\u001B[5~"); // PageUp
    await vi.waitFor(() => expect(t.store.getState().cursor).toBeLessThan(after));
    await t.screenWhere((s) => expect(s).toMatch(/^› /m));
  });

  it("shows every key binding on ? and closes on Esc", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    t.keys.press("?");
    await t.screenWhere((s) => expect(s).toMatch(/^Keys$/m));
    const s = t.term.screen();
    expectFits(s, 80, 24);
    for (const g of KEY_GROUPS) for (const b of g.bindings) expect(s).toContain(b.keys);
    expect(s.split("\n").at(-1)).toMatch(/^FAIL {2}.*\? or esc close/);
    t.keys.press("\u001B");
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
  });

  it("re-fits on a resize: narrower, then shorter", async () => {
    const t = mount(80, 24);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    t.term.resize(50, 14);
    await t.screenWhere((s) => expect(s.split("\n").length).toBeLessThanOrEqual(13));
    const s = t.term.screen();
    expectFits(s, 50, 14);
    expect(s).toMatch(/^› ✔ env/m);
    expect(s.split("\n").at(-1)).toMatch(/^FAIL {2}/);
    // Down to the failing service hop: the lines above it give way, and say so.
    for (let i = 0; i < 5; i++) t.keys.press("j");
    await t.screenWhere((s) => expect(s).toMatch(/^› ✖ service/m));
    expect(t.term.screen()).toMatch(/^↑ \d+ more( · .*)?$/m);
    expectFits(t.term.screen(), 50, 14);
  });

  it("uses the width of a wide terminal and shows everything when it fits", async () => {
    const t = mount(160, 50);
    await t.screenWhere((s) => expect(s.split("\n").at(-1)).toMatch(/^FAIL {2}2 paths: .*↑↓ move · enter expand/));
    const s = t.term.screen();
    expectFits(s, 160, 50);
    expect(s).not.toMatch(/^[↑↓] \d+ more$/m);
    expect(s.split("\n").some((l) => stringWidth(l) > 80)).toBe(true);
  });

  it("names the path whose URL scrolled away in the '↑ N more' line", async () => {
    const t = mount(80, 12);
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ env/m));
    t.keys.press("G");
    await t.screenWhere((s) => expect(s).toMatch(/^› ✔ backend/m));
    const s = t.term.screen();
    expectFits(s, 80, 12);
    expect(s.split("\n")[0]).toMatch(/^↑ \d+ more · http:\/\/openchoreoapis\.localhost:19080\/ PASS$/);
  });

  it("scrolls a fix plan taller than the screen, with its keys on the status line", async () => {
    const fake = fakeRunner();
    const t = mount(80, 14, fake.runner);
    await t.screenWhere((s) => expect(s).toContain("f fix"));
    t.keys.press("f");
    await vi.waitFor(() => expect(fake.plans.length).toBe(1));
    fake.plans[0]!.resolve(removeTraefikPlan());
    // The panel opens from its top: the fix's title shows, the prompt at its bottom does not yet.
    await t.screenWhere((s) => expect(s).toMatch(/│ Plan: +│/));
    expect(t.term.screen()).toContain("Fix remove-traefik — Remove k3s' bundled traefik");
    let s = t.term.screen();
    expectFits(s, 80, 14);
    expect(s.split("\n").at(-1)).toMatch(/^FAIL {2}.*y apply · n back/);
    expect(s).not.toContain("apply? y/n");
    expect(s).toMatch(/^↓ \d+ more$/m);
    // ↓ scrolls it (the panel keeps y and n): down to the prompt.
    for (let i = 0; i < 12; i++) t.keys.press("j");
    await t.screenWhere((s) => expect(s).toContain("apply? y/n"));
    s = t.term.screen();
    expectFits(s, 80, 14);
    expect(t.store.getState().fix.mode).toBe("planned");
  });
});

describe("the watch view in a terminal of a given size", () => {
  const watch = (over: Partial<WatchViewState> = {}): WatchViewState => ({
    target: "http://api.openchoreo.localhost:8080/",
    address: "127.0.0.1:8080",
    via: "rfc6761",
    count: 2000,
    concurrency: 12,
    requests: 1200,
    ok: 600,
    failed: 600,
    aborted: 0,
    successRate: 0.5,
    latencyMs: { p50: 2, p90: 5, p99: 14, max: 20 },
    hops: (["dns", "host-port", "forwarder", "container", "service", "gateway", "route", "backend"] as const).map((hop) => ({ hop, failed: 75, lastSignature: "reset" })),
    lastError: { signature: "reset", hop: "container", status: null, error: "read ECONNRESET: the connection to 127.0.0.1:8080 was reset by the peer while the response was being read, after the request had been sent whole" },
    done: false,
    durationMs: null,
    stoppedBy: null,
    ...over,
  });

  it("fits 12 rows: the lines above the status line scroll, the requests and success rate stay whole on the last line", async () => {
    const term = new Terminal(40, 12);
    const instance = render(<WatchView state={watch()} color={false} />, { stdout: term as unknown as NodeJS.WriteStream, debug: true, patchConsole: false });
    unmount = () => instance.unmount();
    await vi.waitFor(() => expect(term.screen()).toMatch(/^↓ \d+ more$/m));
    const s = term.screen();
    expectFits(s, 40, 12);
    expect(s.split("\n").at(-1)).toMatch(/^⠋? ?.*1200\/2000 requests {2}50\.0% ok/);
  });
});
