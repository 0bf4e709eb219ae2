import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import stringWidth from "string-width";
import { afterAll, describe, expect, it } from "vitest";
import { KEY_GROUPS } from "../../src/ui/keys.js";
import { root } from "./cli.js";
import { hasTmux, tmuxSession } from "./tmux.js";

// Issue 13 §6: the TUI fits the terminal. tmux runs the built CLI on the default lab scenario at
// 80×24 and at 160×50; capture-pane -J joins lines the terminal wrapped, so a line written wider
// than the terminal shows up as one long line. Needs `npm run build`.

const sessions: string[] = [];
afterAll(() => {
  if (!hasTmux) return;
  for (const s of sessions) {
    try {
      tmuxSession(s).tmux("kill-session", "-t", s);
    } catch {
      // already gone
    }
  }
});

/** Starts the default lab in a detached tmux window of `columns`×`rows`; the shell writes the exit code to the returned file. */
function start(name: string, columns: number, rows: number, args = "--lab --probe-timeout 15s") {
  const t = tmuxSession(`netdoctor-${name}-${process.pid}`);
  sessions.push(t.session);
  const dir = mkdtempSync(join(tmpdir(), `netdoctor-${name}-`));
  const exitFile = join(dir, "exit");
  const env = `env -u CI -u NETDOCTOR_LAB -u KUBECONFIG -u DOCKER_HOST HOME=${JSON.stringify(dir)} NETDOCTOR_HOME=${JSON.stringify(join(dir, "netdoctor"))}`;
  const cmd = `cd ${JSON.stringify(root)} && ${env} node bin/netdoctor.js ${args}; echo $? > ${JSON.stringify(exitFile)}; sleep 60`;
  t.tmux("new-session", "-d", "-s", t.session, "-x", String(columns), "-y", String(rows), cmd);
  return { ...t, exitFile };
}

/** The run's final status line, as the last line the TUI drew. */
const STATUS = /^FAIL {2}\d+ paths?: \d+ fail, \d+ warn, \d+ pass · \d+ ms/;
const screenLines = (s: string): string[] => s.replace(/\s+$/, "").split("\n");
const statusLine = (s: string): string => screenLines(s).at(-1) ?? "";

/** The TUI's own lines fit `columns`; its status line is the last one, uncut; the cursor's row shows. */
function expectFits(joined: string, columns: number, rows: number): void {
  const lines = screenLines(joined);
  expect(lines.length, joined).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(stringWidth(l.trimEnd()), `wider than ${columns} columns: ${l}`).toBeLessThanOrEqual(columns);
  expect(statusLine(joined), joined).toMatch(STATUS);
  expect(joined, "the cursor's row is on screen").toMatch(/^› /m);
}

/** True when {@link expectFits} would pass. */
function fits(joined: string, columns: number, rows: number): boolean {
  try {
    expectFits(joined, columns, rows);
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls the joined screen until `ok` holds, then asserts the fit on it (a frame drawn before the
 * viewport scrolled to the cursor is replaced within a frame: polling waits it out). Resolves to the screen.
 */
async function settle(t: ReturnType<typeof start>, columns: number, rows: number, ok: (s: string) => boolean = () => true, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let s = t.joinedScreen();
  while (!(ok(s) && fits(s, columns, rows)) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    s = t.joinedScreen();
  }
  expect(ok(s), `the awaited screen did not come:\n${s}`).toBe(true);
  expectFits(s, columns, rows);
  return s;
}

/** Every http(s) URL on the screens. */
const urlsIn = (screens: string[]): string[] => screens.flatMap((s) => s.match(/https?:\/\/\S+/g) ?? []);

describe.skipIf(!hasTmux)("the TUI fits the terminal, in tmux", () => {
  it("at 80×24 keeps the cursor's row, the status line and whole URLs on screen through moves, the key help and a resize", { timeout: 240_000 }, async () => {
    const t = start("tui-80x24", 80, 24);
    await t.waitFor(/^FAIL {2}\d+ paths?: .*\? keys/m, 90_000);
    const first = await settle(t, 80, 24);
    const screens: string[] = [first];
    expect(first).toMatch(/^› ✔ env/m);
    expect(first).toMatch(/^↓ \d+ more$/m);

    // Down through the first path and into the second: the cursor's row is always on screen.
    let before = first;
    for (let i = 0; i < 12; i++) {
      t.tmux("send-keys", "-t", t.session, "j");
      const prev = before;
      before = await settle(t, 80, 24, (s) => s !== prev);
      screens.push(before);
    }
    expect(screens.some((s) => /^↑ \d+ more( · .*)?$/m.test(s))).toBe(true);

    // To the last row (End): it shows, with everything below it, and the status line stays.
    t.tmux("send-keys", "-t", t.session, "G");
    const prev = before;
    const last = await settle(t, 80, 24, (s) => s !== prev && !/^↓ \d+ more$/m.test(s));
    screens.push(last);

    // ? shows every key; ? again closes it.
    t.tmux("send-keys", "-t", t.session, "?");
    const help = await t.waitFor(/^Keys$/m);
    for (const g of KEY_GROUPS) for (const b of g.bindings) expect(help).toContain(b.keys);
    expect(statusLine(help)).toMatch(/^FAIL {2}.*\? or esc close/);
    t.tmux("send-keys", "-t", t.session, "?");
    await t.waitFor(/^› /m);

    // Wider: the path URLs on one line each, to compare with what the 80-column screens showed.
    t.tmux("resize-window", "-t", t.session, "-x", "200", "-y", "60");
    t.tmux("send-keys", "-t", t.session, "g");
    // Everything fits there: wait out the frames drawn during the resize.
    const wide = await settle(t, 200, 60, (s) => /^› ✔ env/m.test(s) && !/^[↑↓] \d+ more/m.test(s));
    const headers = [...wide.matchAll(/^(https?:\/\/\S+) {2}(FAIL|WARN|PASS)\b/gm)].map((m) => m[1]!);
    expect(headers.length).toBeGreaterThanOrEqual(2);
    // No URL was broken mid-word at 80 columns: each one shown is whole, never a piece of a longer one.
    const shown = urlsIn(screens);
    expect(headers.filter((h) => shown.includes(h)).length, `path URLs seen whole at 80 columns: ${shown.join(" ")}`).toBeGreaterThanOrEqual(2);
    for (const u of shown) for (const h of headers) if (u !== h) expect(h.startsWith(u), `${u} is a piece of ${h}`).toBe(false);

    t.tmux("send-keys", "-t", t.session, "q");
    const until = Date.now() + 20_000;
    while (!existsSync(t.exitFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(t.exitFile, "utf8").trim()).toBe("1");
  });

  it("at 160×50 uses the width: every path on screen, nothing hidden, the full key hints", { timeout: 180_000 }, async () => {
    const t = start("tui-160x50", 160, 50);
    await t.waitFor(/^FAIL {2}\d+ paths?: .*↑↓ move · enter expand · f fix · q quit · \? keys/m, 90_000);
    const joined = await settle(t, 160, 50);
    expect(joined).not.toMatch(/^[↑↓] \d+ more$/m);
    expect(screenLines(joined).some((l) => stringWidth(l.trimEnd()) > 80)).toBe(true);
    expect([...joined.matchAll(/^https?:\/\/\S+ {2}FAIL\b/gm)].length).toBeGreaterThanOrEqual(2);
    expect(joined).toMatch(/^ {2}Verdict: /m);
    t.tmux("send-keys", "-t", t.session, "q");
  });

  it("at 80×24 draws the watch view within the width, its requests and success rate whole on the last line", { timeout: 180_000 }, async () => {
    const t = start("watch-80x24", 80, 24, "watch --lab --count 40 --concurrency 4 --interval 50ms");
    // While it runs, and its final frame.
    const live = await t.waitFor(/^\S \d+\/40 requests {2}\S+ ok/m, 90_000);
    expect(live).toMatch(/^netdoctor watch http:\/\/\S+/m);
    const done = await t.waitFor(/^Done in /m, 90_000);
    const lines = screenLines(t.joinedScreen()).filter((l) => l.trim() !== "");
    for (const l of lines) expect(stringWidth(l.trimEnd()), `wider than 80 columns: ${l}`).toBeLessThanOrEqual(80);
    expect(lines.at(-1), done).toMatch(/^[✔✖] 40\/40 requests {2}\d+\.\d% ok {2}p50 \d+ ms {2}p99 \d+ ms/);
  });
});
