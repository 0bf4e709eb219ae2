import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { codeCacheDir, KEEP_CACHES, loadWithCodeCache } from "../../src/code-cache.js";

const root = join(import.meta.dirname, "..", "..");
const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "netdoctor-code-cache-test-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A CommonJS file with enough functions that V8's cached data is not empty. */
function fixture(dir: string, body = ""): string {
  const file = join(dir, "fixture.cjs");
  writeFileSync(
    file,
    `"use strict";
const path = require("node:path");
function add(a, b) { return a + b; }
function words(s) { return s.split(/\\s+/).filter(Boolean).map((w) => w.toUpperCase()); }
module.exports = { add, words, base: path.basename(__filename), dir: __dirname, strictThis: this === module.exports };
${body}
`,
  );
  return file;
}

function use(m: unknown): { add: (a: number, b: number) => number; words: (s: string) => string[]; base: string; dir: string; strictThis: boolean } {
  return m as never;
}

/**
 * Load `file` in a fresh process (V8 keeps what it compiled in memory, so a
 * second load in the same process never reads the cache): its state, what
 * add(20, 22) gave, and whether save() wrote.
 */
function loadInChild(file: string, cacheDir: { dir: string; shared: boolean }, save: boolean): Promise<{ state: string; sum: number; saved: boolean | null }> {
  const loader = join(root, "dist", "src", "code-cache.js");
  const script = `import { loadWithCodeCache } from ${JSON.stringify(loader)};
const m = loadWithCodeCache(${JSON.stringify(file)}, { key: "k1", cacheDir: ${JSON.stringify(cacheDir)} });
const saved = ${save} ? m.save() : null;
process.stdout.write(JSON.stringify({ state: m.state, sum: m.exports.add(20, 22), saved }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as never) : reject(new Error(`child exited ${code}`))));
  });
}

describe("loadWithCodeCache", () => {
  it("compiles from source the first time, saves the cache, and compiles from the cache the second time with the same exports", async () => {
    const dir = scratch();
    const file = fixture(dir);
    const cacheDir = { dir: join(dir, "cache"), shared: false };
    const first = loadWithCodeCache(file, { key: "k1", cacheDir });
    expect(first.state).toBe("miss");
    expect(use(first.exports).add(2, 3)).toBe(5);
    expect(use(first.exports).words(" a b ")).toEqual(["A", "B"]);
    expect(use(first.exports)).toMatchObject({ base: "fixture.cjs", dir, strictThis: true });
    expect(first.save()).toBe(true);
    expect(existsSync(first.cacheFile!)).toBe(true);
    await expect(loadInChild(file, cacheDir, false)).resolves.toEqual({ state: "hit", sum: 42, saved: null });
  });

  it("compiles from source when the cached data is corrupt, behaves the same, and replaces it", async () => {
    const dir = scratch();
    const file = fixture(dir);
    const cacheDir = { dir: join(dir, "cache"), shared: false };
    const first = loadWithCodeCache(file, { key: "k1", cacheDir });
    mkdirSync(cacheDir.dir, { recursive: true });
    writeFileSync(first.cacheFile!, Buffer.from("not V8 cached data at all"));
    await expect(loadInChild(file, cacheDir, true)).resolves.toEqual({ state: "rejected", sum: 42, saved: true });
    await expect(loadInChild(file, cacheDir, false)).resolves.toEqual({ state: "hit", sum: 42, saved: null });
  });

  it("uses another cache file when the file is edited in place (its size or modification time changes)", () => {
    const dir = scratch();
    const file = fixture(dir);
    const cacheDir = { dir: join(dir, "cache"), shared: false };
    const first = loadWithCodeCache(file, { key: "k1", cacheDir });
    first.save();
    fixture(dir, "module.exports.add = (a, b) => a - b;");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const edited = loadWithCodeCache(file, { key: "k1", cacheDir });
    expect(edited.cacheFile).not.toBe(first.cacheFile);
    expect(edited.state).toBe("miss");
    expect(use(edited.exports).add(5, 3)).toBe(2);
  });

  it("still loads, and saves nothing, when the cache directory cannot be created", () => {
    const dir = scratch();
    const file = fixture(dir);
    writeFileSync(join(dir, "a-file"), "");
    const m = loadWithCodeCache(file, { key: "k1", cacheDir: { dir: join(dir, "a-file", "cache"), shared: false } });
    expect(m.state).toBe("miss");
    expect(use(m.exports).add(1, 2)).toBe(3);
    expect(m.save()).toBe(false);
  });

  it("is off with NETDOCTOR_CODE_CACHE=0 and loads the file the same", () => {
    const dir = scratch();
    const file = fixture(dir);
    const m = loadWithCodeCache(file, { key: "k1", env: { NETDOCTOR_CODE_CACHE: "0", XDG_CACHE_HOME: join(dir, "cache") } });
    expect(m.state).toBe("off");
    expect(m.cacheFile).toBeNull();
    expect(m.save()).toBe(false);
    expect(use(m.exports).add(1, 2)).toBe(3);
    expect(existsSync(join(dir, "cache"))).toBe(false);
  });

  it("never reads a cache in a shared temp directory that others can write to", async () => {
    const dir = scratch();
    const file = fixture(dir);
    const shared = { dir: join(dir, "netdoctor-user", "v8"), shared: true };
    await expect(loadInChild(file, shared, true)).resolves.toEqual({ state: "miss", sum: 42, saved: true });
    await expect(loadInChild(file, shared, false)).resolves.toEqual({ state: "hit", sum: 42, saved: null });
    chmodSync(join(dir, "netdoctor-user"), 0o777);
    await expect(loadInChild(file, shared, true)).resolves.toEqual({ state: "miss", sum: 42, saved: false });
  });

  it("keeps the newest caches of other builds and removes the rest when it writes one", () => {
    const dir = scratch();
    const file = fixture(dir);
    const cacheDir = { dir: join(dir, "cache"), shared: false };
    mkdirSync(cacheDir.dir, { recursive: true });
    const old = Date.now() / 1000 - 100;
    for (let i = 0; i < KEEP_CACHES + 2; i++) {
      const f = join(cacheDir.dir, `old${i}.bin`);
      writeFileSync(f, "x");
      utimesSync(f, old + i, old + i);
    }
    writeFileSync(join(cacheDir.dir, "stale.tmp"), "x");
    utimesSync(join(cacheDir.dir, "stale.tmp"), old - 7200, old - 7200);
    const m = loadWithCodeCache(file, { key: "k1", cacheDir });
    expect(m.save()).toBe(true);
    const left = readdirSync(cacheDir.dir).sort();
    expect(left).toEqual([...Array.from({ length: KEEP_CACHES }, (_, i) => `old${i + 2}.bin`), m.cacheFile!.split("/").pop()!].sort());
  });

  it("leaves one valid cache and no temp file when several processes load and save at once", async () => {
    const dir = scratch();
    const file = fixture(dir);
    const cacheHome = join(dir, "xdg");
    const loader = join(root, "dist", "src", "code-cache.js");
    const script = `import { loadWithCodeCache } from ${JSON.stringify(loader)};
const m = loadWithCodeCache(${JSON.stringify(file)}, { key: "k1", saveAtExit: true });
if (m.exports.add(20, 22) !== 42) process.exit(3);`;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, stdio: "ignore" });
          child.on("error", reject);
          child.on("close", resolve);
        }),
      ),
    );
    expect(runs).toEqual([0, 0, 0, 0, 0, 0]);
    const files = readdirSync(join(cacheHome, "netdoctor", "v8"));
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    await expect(loadInChild(file, { dir: join(cacheHome, "netdoctor", "v8"), shared: false }, false)).resolves.toEqual({ state: "hit", sum: 42, saved: null });
  });
});

describe("codeCacheDir", () => {
  it("is under $XDG_CACHE_HOME when it is an absolute path, and ignores a relative one", () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" }, "linux")).toEqual({ dir: join("/x/cache", "netdoctor", "v8"), shared: false });
    expect(codeCacheDir({ XDG_CACHE_HOME: "rel/cache", HOME: "/home/u" }, "linux")).toEqual({ dir: join("/home/u", ".cache", "netdoctor", "v8"), shared: false });
  });

  it("is the platform's cache directory otherwise: ~/.cache, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows", () => {
    expect(codeCacheDir({ HOME: "/home/u" }, "linux")!.dir).toBe(join("/home/u", ".cache", "netdoctor", "v8"));
    expect(codeCacheDir({ HOME: "/Users/u" }, "darwin")!.dir).toBe(join("/Users/u", "Library", "Caches", "netdoctor", "v8"));
    expect(codeCacheDir({ USERPROFILE: "C:\\Users\\u", LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32")!.dir).toBe(join("C:\\Users\\u\\AppData\\Local", "netdoctor", "v8"));
  });

  it("is null with NETDOCTOR_CODE_CACHE=0", () => {
    expect(codeCacheDir({ NETDOCTOR_CODE_CACHE: "0", HOME: "/home/u" }, "linux")).toBeNull();
  });
});
