/**
 * Load a CommonJS file through a V8 code cache (issue 12) — the command line
 * (dist/bundle/cli.cjs, from dist/bundle/start.cjs) and the diagnosis bundle
 * (dist/bundle/diagnose.cjs, from the command line): the bytecode V8
 * compiled for the file in an earlier run is read back instead of parsing
 * and compiling the source again. Node 20 has no compile cache of its own
 * (`module.enableCompileCache` is Node 22+), and its ES module loader takes
 * no cached data, so the diagnosis bundle is one CommonJS file compiled here
 * with `vm.Script` and `cachedData` (Node's documented API, "vm: Script
 * cachedData / createCachedData").
 *
 * Why not a library: v8-compile-cache(-lib) hooks every `require`, keys each
 * file by a SHA-1 of its source (hashing the whole bundle on every start) and
 * caches what V8 compiled at load time only; the code cache written here is
 * made after the run (`script.createCachedData()` at exit), so it also holds
 * every function the diagnosis compiled lazily — measured on the lab, most
 * of the saving.
 *
 * The file cannot `import()` (Node 20's vm: see src/import-module.ts); the
 * build turns the bundle's own dynamic imports into `require` and leaves
 * src/import-module.ts outside it.
 *
 * Where: `$XDG_CACHE_HOME/netdoctor/v8/` (else `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows, `~/.cache` elsewhere); with no home directory,
 * `<os.tmpdir()>/netdoctor-<uid>/v8/`, used only when that directory is the
 * user's own and nobody else can write to it (bytecode is code: a cache
 * another user could plant is never read). `NETDOCTOR_CODE_CACHE=0` turns
 * it off.
 *
 * Key: the file's build hash, its size and modification time (a file edited
 * in place, e.g. by patch-package, gets a cache of its own), the Node
 * version and the architecture; V8 itself rejects data made by another V8
 * or with other flags, and the file is then compiled from source as if
 * there were no cache.
 *
 * Never a change of behaviour: a missing, unreadable, corrupt or rejected
 * cache compiles from source; an unwritable cache directory (read-only
 * home), a full disk or another run writing the same cache at once (each
 * writes a file of its own and renames it into place) only means no cache
 * is saved. The cache is written when none was used and the run ended with
 * a report (exit 0 or 1), so a usage error does not save a cache of the few
 * functions it ran. Writing one removes all but the newest
 * {@link KEEP_CACHES} others (earlier builds) and temp files older than an
 * hour (a run killed while writing).
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import vm from "node:vm";

/** How a load used the cache: read and accepted, none there, there but rejected by V8, or not used (turned off, no place for it). */
export type CodeCacheState = "hit" | "miss" | "rejected" | "off";

/** A module loaded by {@link loadWithCodeCache}. */
export interface CachedLoad {
  /** `module.exports` of the file. */
  exports: unknown;
  state: CodeCacheState;
  /** The cache file (null when off). */
  cacheFile: string | null;
  /** Write the cache now, from what V8 has compiled of the file so far. Returns false when it could not be written (never throws). */
  save(): boolean;
}

/** Options of {@link loadWithCodeCache}. */
export interface CodeCacheOptions {
  /** The file's build hash (scripts/bundle.mjs writes it beside the file). */
  key: string;
  /** Environment read for the cache directory (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Platform (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** Save the cache at process exit when none was used and the exit code is 0 or 1 (default false). */
  saveAtExit?: boolean;
  /** The cache directory (default {@link codeCacheDir} of `env` and `platform`); null: no cache. */
  cacheDir?: { dir: string; shared: boolean } | null;
}

/**
 * The directory for netdoctor's code caches, and whether it is a shared
 * temp directory (whose ownership is checked before anything in it is read),
 * or null when caching is off.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { dir: string; shared: boolean } | null {
  if (env["NETDOCTOR_CODE_CACHE"] === "0") return null;
  // XDG Base Directory: a relative $XDG_CACHE_HOME is invalid and ignored.
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg && isAbsolute(xdg)) return { dir: join(xdg, "netdoctor", "v8"), shared: false };
  const home = env["HOME"] || env["USERPROFILE"] || safeHomedir();
  if (platform === "win32" && env["LOCALAPPDATA"]) return { dir: join(env["LOCALAPPDATA"], "netdoctor", "v8"), shared: false };
  if (home) return { dir: platform === "darwin" ? join(home, "Library", "Caches", "netdoctor", "v8") : join(home, ".cache", "netdoctor", "v8"), shared: false };
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  return { dir: join(tmpdir(), `netdoctor-${uid ?? "user"}`, "v8"), shared: true };
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return "";
  }
}

/** Is `dir` (a directory in a shared temp dir) ours alone: owned by this user, not a link, writable by nobody else? */
function ownedPrivately(dir: string): boolean {
  if (typeof process.getuid !== "function") return false;
  try {
    for (const d of [dir, dirname(dir)]) {
      const st = statSync(d, { throwIfNoEntry: false });
      if (!st || !st.isDirectory() || st.uid !== process.getuid() || (st.mode & 0o022) !== 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The file's cached data, or undefined (none, unreadable, or in a shared dir not ours alone). */
function readCache(file: string, shared: boolean): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (shared && !ownedPrivately(dirname(file))) return undefined;
    fd = openSync(file, "r");
    if (shared) {
      const st = fstatSync(fd);
      if (typeof process.getuid === "function" && st.uid !== process.getuid()) return undefined;
    }
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How many caches of other files (earlier builds, other installs) a directory keeps beside the one just written. */
export const KEEP_CACHES = 8;

/** Remove all but the newest KEEP_CACHES caches other than `keep`, and temp files older than an hour. Best effort. */
function prune(dir: string, keep: string): void {
  try {
    const now = Date.now();
    const others: { path: string; mtimeMs: number }[] = [];
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path === keep || !/\.(bin|tmp)$/.test(name)) continue;
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      if (name.endsWith(".tmp")) {
        if (now - st.mtimeMs > 3_600_000) unlinkSync(path);
      } else others.push({ path, mtimeMs: st.mtimeMs });
    }
    for (const o of others.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(KEEP_CACHES)) unlinkSync(o.path);
  } catch {
    // another run pruned it first, or the directory is not ours to tidy
  }
}

/** Write `data` to `file` through a file of this process's own, renamed into place (atomic: a concurrent reader sees the old file or the new one). */
function writeCache(file: string, data: Buffer, shared: boolean): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (shared && !ownedPrivately(dirname(file))) return false;
    writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
    prune(dirname(file), file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    return false;
  }
}

/** `(function (exports, require, module, __filename, __dirname) { … })`, as Node's CommonJS loader wraps a file. */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) { ", "\n})"] as const;

/**
 * Load the CommonJS file `file` (an absolute path) as `require` would, its
 * code compiled from the V8 code cache when a valid one exists (see the
 * module comment). Errors of the file itself (a syntax error, a throw at its
 * top level) propagate as from `require`; nothing about the cache does.
 */
export function loadWithCodeCache(file: string, opts: CodeCacheOptions): CachedLoad {
  const where = opts.cacheDir !== undefined ? opts.cacheDir : codeCacheDir(opts.env, opts.platform);
  const source = readFileSync(file, "utf8");
  let cacheFile: string | null = null;
  if (where) {
    try {
      const st = statSync(file);
      cacheFile = join(where.dir, `${opts.key}-${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}-${process.arch}.bin`);
    } catch {
      cacheFile = null;
    }
  }
  const cachedData = cacheFile ? readCache(cacheFile, where!.shared) : undefined;
  // No importModuleDynamically: on Node 20 its default loader is experimental (a warning on stderr) and is lost when the code
  // comes from the cache. The file must not import(): the diagnosis bundle's go through src/import-module.ts, a file of its own.
  const script = new vm.Script(`${WRAPPER[0]}${source}${WRAPPER[1]}`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const state: CodeCacheState = !cacheFile ? "off" : !cachedData ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const fn = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  const save = (): boolean => {
    if (!cacheFile) return false;
    try {
      return writeCache(cacheFile, script.createCachedData(), where!.shared);
    } catch {
      return false;
    }
  };
  if (opts.saveAtExit && (state === "miss" || state === "rejected")) {
    process.once("exit", (code) => {
      if (code === 0 || code === 1) save();
    });
  }
  return { exports: module.exports, state, cacheFile, save };
}
