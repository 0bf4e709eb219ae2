/**
 * Reading a bug-report bundle (DESIGN §9): a `.tar.gz` (extracted to a temp
 * directory with the `tar` library) or an already extracted directory.
 * `openBundle` validates `manifest.json` and `report.json` and loads every
 * collected file — `cluster/**.yaml`, `docker/*.json`, `host/*` — into one
 * plain value — a RecordedRun of the snapshot model (src/snapshot/model.ts)
 * — that the recorded sources (src/sources/recorded.ts) and the lab
 * (`netdoctor lab BUNDLE`, via src/lab/from-bundle.ts) serve.
 *
 * A bundle that cannot be read is a usage error (exit 2): every message is
 * one line naming the file (`BUNDLE/manifest.json: not valid JSON: …`).
 */
import { existsSync, rmSync, statSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { makeTempDir } from "../lifecycle.js";
import path from "node:path";
import type { KubeObject } from "../kube/types.js";
import type { Environment, Report } from "../report/types.js";
import { SnapshotError, clusterObjects, containerFiles, containerList, listenerList, networkList } from "../snapshot/files.js";
import { kindIn, type BundleFailure, type BundleManifest, type RecordedRun } from "../snapshot/model.js";
import type { ContainerTop, SourceErrorCode } from "../sources/types.js";
import { parseInterfaces } from "../host/interfaces.js";
import { parseRecordedForwards } from "../host/recorded-forwards.js";

export type { BundleFailure, BundleManifest } from "../snapshot/model.js";

/** A bundle that cannot be opened: missing, not a bundle, a file that does not parse. Code `NETDOCTOR_USAGE` (exit 2). */
export class BundleError extends Error {
  override readonly name = "BundleError";
  readonly code = "NETDOCTOR_USAGE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An opened bundle: every recorded file, parsed (the snapshot model's RecordedRun, plus where it came from). */
export interface Bundle extends RecordedRun {
  /** What the user named (file or directory), as given. */
  source: string;
  /** The directory holding `manifest.json` (inside a temp dir for a tarball). */
  dir: string;
  /** `host/versions.json`, as recorded ({} when absent). */
  versions: Record<string, unknown>;
  /** The temp directory a tarball was extracted into (removed by cleanup), or null for a directory. */
  tempDir: string | null;
  /** Removes the temp directory of an extracted tarball (no-op for a directory). Idempotent. */
  cleanup(): Promise<void>;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** True when `p` names something `openBundle` would try: a `.tar.gz`/`.tgz` file, or a directory with `manifest.json` (and no `scenario.yaml`). */
export function looksLikeBundle(p: string): boolean {
  try {
    const st = statSync(p);
    if (st.isFile()) return /\.(tar\.gz|tgz)$/i.test(p);
    return st.isDirectory() && existsSync(path.join(p, "manifest.json")) && !existsSync(path.join(p, "scenario.yaml"));
  } catch {
    return false;
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}

/** Where the bundle root is in an extracted tree: the top, or the single directory the tarball wrapped it in. */
async function findRoot(dir: string): Promise<string | null> {
  if (existsSync(path.join(dir, "manifest.json"))) return dir;
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (entries.length === 1 && existsSync(path.join(dir, entries[0]!.name, "manifest.json"))) return path.join(dir, entries[0]!.name);
  return null;
}

/** The SourceError code a recorded failure message stands for (HTTP status or errno words in it). */
export function codeFromMessage(message: string): SourceErrorCode {
  const m = message.toLowerCase();
  if (/\b403\b|forbidden/.test(m)) return "forbidden";
  if (/\b401\b|unauthori[sz]ed/.test(m)) return "unauthorized";
  if (/\b404\b|not found|not served|could not find the requested resource|enoent/.test(m)) return "not-found";
  if (/timeout|timed out|etimedout|deadline/.test(m)) return "timeout";
  if (/econnrefused|refused|unreachable|ehostunreach|enotfound|no such file|socket|cannot connect/.test(m)) return "unreachable";
  if (/unsupported|not available on|not supported/.test(m)) return "unsupported";
  return "error";
}

const CODES: readonly SourceErrorCode[] = ["unreachable", "timeout", "unauthorized", "forbidden", "not-found", "unsupported", "invalid-config", "error"];

/**
 * One manifest failure entry → BundleFailure. Accepts the shapes a writer may
 * use: `{collector|source|kind|resource|subject|what|file, code?, error|reason|message}`.
 */
function failureOf(v: unknown, key?: string): BundleFailure | null {
  const o: Obj = isObj(v) ? v : { message: String(v) };
  const str = (k: string): string => (typeof o[k] === "string" ? (o[k] as string) : "");
  const message = firstLine(str("error") || str("reason") || str("message") || (typeof o["status"] === "number" ? `HTTP ${o["status"]}` : "") || "not collected");
  const name = [key ?? "", str("collector"), str("source"), str("kind"), str("resource"), str("subject"), str("what"), str("file"), str("name")].join(" ");
  const given = str("code");
  const code = (CODES as readonly string[]).includes(given) ? (given as SourceErrorCode) : codeFromMessage(`${given} ${message} ${typeof o["status"] === "number" ? o["status"] : ""}`);
  const lower = name.toLowerCase();
  const kind = kindIn(name);
  if (/\blogs?\b/.test(lower)) return { source: "logs", subject: name.trim(), code, message };
  // One container's file or process list not read: Docker itself answered (the replay reads that one as absent).
  const one = /\bdocker (file|top)\b/.exec(lower);
  if (one && !kind) return { source: "docker", subject: one[1] === "file" ? "files" : "top", code, message };
  if (/docker|container|network/.test(lower) && !kind) return { source: "docker", subject: /network/.test(lower) ? "networks" : "containers", code, message };
  if (/host|listener|resolver|hosts\b|versions?/.test(lower) && !kind) {
    const subject = /listener/.test(lower) ? "listeners" : /resolver/.test(lower) ? "resolver" : /versions?/.test(lower) ? "versions" : "hosts";
    return { source: "host", subject, code, message };
  }
  if (kind) return { source: "kube", subject: kind, code, message };
  if (/kube|cluster|api|version/.test(lower)) return { source: "kube", subject: "version", code, message };
  return { source: "other", subject: name.trim(), code, message };
}

/** Normalises `manifest.failed` (a list, or a map keyed by collector) and `collectors[]` entries whose status is not ok. */
function failuresOf(raw: Obj): BundleFailure[] {
  const out: BundleFailure[] = [];
  for (const key of ["failed", "failures", "errors", "notCollected"]) {
    const f = raw[key];
    if (Array.isArray(f)) for (const x of f) out.push(failureOf(x)!);
    else if (isObj(f)) for (const [k, x] of Object.entries(f)) out.push(failureOf(x, k)!);
  }
  // `collected: [{name, status, summary, errors: [{subject, code, message}]}]`: one failure per recorded error.
  for (const c of Array.isArray(raw["collected"]) ? raw["collected"] : []) {
    if (!isObj(c) || !Array.isArray(c["errors"])) continue;
    const name = typeof c["name"] === "string" ? c["name"] : "";
    for (const err of c["errors"]) out.push(failureOf(isObj(err) ? { ...err, collector: name } : { collector: name, message: String(err) })!);
  }
  const collectors = raw["collectors"];
  const list = Array.isArray(collectors) ? collectors : isObj(collectors) ? Object.entries(collectors).map(([k, v]) => (isObj(v) ? { collector: k, ...v } : { collector: k, status: v })) : [];
  for (const c of list) {
    if (!isObj(c)) continue;
    const status = typeof c["status"] === "string" ? c["status"].toLowerCase() : "";
    if (["failed", "fail", "error", "unavailable", "skipped"].includes(status) || (typeof c["error"] === "string" && c["error"] !== "")) {
      out.push(failureOf({ ...c, status: undefined }, typeof c["collector"] === "string" ? c["collector"] : typeof c["name"] === "string" ? c["name"] : undefined)!);
    }
  }
  return out;
}

async function readIf(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new BundleError(`${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
}

function parseJson(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BundleError(`${shown}: not valid JSON: ${firstLine((e as Error).message)}`, { cause: e });
  }
}

/** Every `*.yaml`/`*.yml` under `dir`, sorted by relative path. */
async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** `host/resolver.json` in any of the shapes a writer may use: `{name: [addr]}`, `{name: {addresses}}`, `[{name, addresses}]`. */
function resolverOf(v: unknown, shown: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (name: unknown, addrs: unknown): void => {
    if (typeof name !== "string") return;
    const list = Array.isArray(addrs) ? addrs : isObj(addrs) && Array.isArray(addrs["addresses"]) ? addrs["addresses"] : null;
    if (list === null) throw new BundleError(`${shown}: ${name}: expected a list of addresses`);
    out[name] = list.filter((a): a is string => typeof a === "string");
  };
  if (Array.isArray(v)) for (const x of v) if (isObj(x)) add(x["name"], x);
  else if (isObj(v)) {
    const inner = isObj(v["names"]) ? v["names"] : isObj(v["lookups"]) ? v["lookups"] : v;
    for (const [k, x] of Object.entries(inner)) if (Array.isArray(x) || isObj(x)) add(k, x);
  }
  return out;
}

/**
 * Opens a bundle: a `.tar.gz`/`.tgz` file (extracted into a new temp dir) or
 * an extracted directory. Validates `manifest.json` (a JSON object) and
 * `report.json` (a JSON report, `schemaVersion: 1`, with `paths`), then loads
 * the collected files; files that were not collected are simply absent.
 * @throws BundleError (code NETDOCTOR_USAGE, one line naming the file) for a
 * missing path, a file that is not a tarball, a missing or broken manifest or
 * report, or a collected file that does not parse.
 */
export async function openBundle(fileOrDir: string): Promise<Bundle> {
  const abs = path.resolve(fileOrDir);
  const st = await stat(abs).catch(() => null);
  if (!st) throw new BundleError(`${fileOrDir}: no such bundle file or directory`);
  let root: string | null = null;
  // Ctrl-C, SIGHUP or a crash while the bundle is open: its extracted files go with the process.
  const extracted = st.isDirectory() ? null : await makeTempDir("netdoctor-bundle-", "the extracted bundle");
  const tmp = extracted?.path ?? null;
  if (st.isDirectory()) root = await findRoot(abs);
  const dir = tmp;
  const cleanup = async (): Promise<void> => {
    await extracted?.remove();
  };
  if (dir !== null) {
    try {
      await extract(abs, dir);
    } catch (e) {
      await cleanup();
      throw new BundleError(`${fileOrDir}: not a readable .tar.gz bundle (truncated or not a tarball): ${firstLine((e as Error).message)}`, { cause: e });
    }
    root = await findRoot(dir);
  }
  try {
    if (root === null) throw new BundleError(`${path.join(fileOrDir, "manifest.json")}: missing (not a netdoctor bundle)`);
    const shown = (rel: string): string => path.join(fileOrDir, path.relative(tmp ?? abs, path.join(root!, rel)));
    return await load(fileOrDir, root, shown, tmp, cleanup);
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * Extract a .tar.gz into `dir` with node-tar, strictly (a truncated archive
 * or a bad entry is an error). Waits until every entry was written or
 * abandoned: node-tar may still be writing files when the stream errors, and
 * removing the directory under it fails with ENOTEMPTY.
 */
async function extract(file: string, dir: string): Promise<void> {
  const tar = await import("tar");
  await tar.x({ file, cwd: dir, strict: true, preservePaths: false });
}

/** Remove a directory tree, retrying while a writer that just failed still closes its files (ENOTEMPTY, EBUSY). */

async function load(source: string, root: string, shown: (rel: string) => string, tempDir: string | null, cleanup: () => Promise<void>): Promise<Bundle> {
  // Collected files use the snapshot parsers a scenario uses too; their SnapshotError becomes a BundleError naming the bundle's file.
  const parse = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof SnapshotError) throw new BundleError(e.message, { cause: e });
      throw e;
    }
  };

  const manifestText = await readIf(path.join(root, "manifest.json"));
  if (manifestText === null) throw new BundleError(`${shown("manifest.json")}: missing (not a netdoctor bundle)`);
  const raw = parseJson(manifestText, shown("manifest.json"));
  if (!isObj(raw)) throw new BundleError(`${shown("manifest.json")}: expected a JSON object`);
  const tool = raw["tool"];
  if (isObj(tool) && typeof tool["name"] === "string" && tool["name"] !== "netdoctor") {
    throw new BundleError(`${shown("manifest.json")}: tool.name: expected "netdoctor", got ${JSON.stringify(tool["name"])}`);
  }

  const reportText = await readIf(path.join(root, "report.json"));
  if (reportText === null) throw new BundleError(`${shown("report.json")}: missing (a bundle needs the JSON report of its run)`);
  const report = parseJson(reportText, shown("report.json"));
  if (!isObj(report)) throw new BundleError(`${shown("report.json")}: expected a JSON object`);
  if (report["schemaVersion"] !== 1) throw new BundleError(`${shown("report.json")}: schemaVersion: expected 1, got ${JSON.stringify(report["schemaVersion"])}`);
  if (!Array.isArray(report["paths"])) throw new BundleError(`${shown("report.json")}: paths: expected a list`);
  if (!Array.isArray(report["checks"])) throw new BundleError(`${shown("report.json")}: checks: expected a list`);
  for (const [i, p] of (report["paths"] as unknown[]).entries()) {
    if (!isObj(p) || !isObj(p["target"]) || typeof (p["target"] as Obj)["url"] !== "string") throw new BundleError(`${shown("report.json")}: paths[${i}].target.url: expected a string`);
  }
  const rep = report as unknown as Report;

  const env = isObj(raw["environment"]) ? (raw["environment"] as Manifestenv) : {};
  const manifest: BundleManifest = {
    raw,
    toolVersion: isObj(tool) && typeof tool["version"] === "string" ? tool["version"] : typeof raw["version"] === "string" ? raw["version"] : null,
    createdAt: typeof raw["createdAt"] === "string" ? raw["createdAt"] : typeof raw["time"] === "string" ? raw["time"] : null,
    environment: { ...(rep.environment ?? {}), ...env },
    flags: isObj(raw["flags"]) ? raw["flags"] : isObj(raw["command"]) && isObj((raw["command"] as Obj)["flags"]) ? ((raw["command"] as Obj)["flags"] as Obj) : {},
    failures: failuresOf(raw),
    collectedText: raw["collected"] === undefined ? "" : JSON.stringify(raw["collected"]).toLowerCase(),
  };

  const objects: KubeObject[] = [];
  for (const f of await yamlFiles(path.join(root, "cluster"))) {
    const rel = path.relative(root, f);
    const text = await readIf(f);
    if (text !== null) objects.push(...parse(() => clusterObjects(text, shown(rel))));
  }

  const containersText = await readIf(path.join(root, "docker", "containers.json"));
  const containers = containersText === null ? null : parse(() => containerList(containersText, shown("docker/containers.json")));
  const networksText = await readIf(path.join(root, "docker", "networks.json"));
  const networks = networksText === null ? [] : parse(() => networkList(networksText, shown("docker/networks.json")));
  const top: Record<string, ContainerTop> = {};
  const topText = await readIf(path.join(root, "docker", "top.json"));
  if (topText !== null) {
    const t = parseJson(topText, shown("docker/top.json"));
    if (isObj(t)) {
      for (const [k, v] of Object.entries(t)) {
        if (isObj(v) && Array.isArray(v["Titles"]) && Array.isArray(v["Processes"])) top[k.replace(/^\//, "")] = v as unknown as ContainerTop;
      }
    }
  }
  const filesText = await readIf(path.join(root, "docker", "files.yaml"));
  const files = filesText === null ? {} : parse(() => containerFiles(filesText, shown("docker/files.yaml")));
  const listenersText = await readIf(path.join(root, "host", "listeners.yaml"));
  const listeners = listenersText === null ? null : parse(() => listenerList(listenersText, shown("host/listeners.yaml")));
  const hosts = await readIf(path.join(root, "host", "hosts"));
  const interfacesText = await readIf(path.join(root, "host", "interfaces.json"));
  const interfaces = interfacesText === null ? null : parseInterfaces(parseJson(interfacesText, shown("host/interfaces.json")));
  const recordedText = await readIf(path.join(root, "host", "recorded-forwards.json"));
  const recordedForwards = recordedText === null ? null : parseRecordedForwards(parseJson(recordedText, shown("host/recorded-forwards.json")));
  const resolverText = await readIf(path.join(root, "host", "resolver.json"));
  const resolver = resolverText === null ? {} : resolverOf(parseJson(resolverText, shown("host/resolver.json")), shown("host/resolver.json"));
  const versionsText = await readIf(path.join(root, "host", "versions.json"));
  const versionsRaw = versionsText === null ? {} : parseJson(versionsText, shown("host/versions.json"));
  const versions = isObj(versionsRaw) ? versionsRaw : {};

  return { source, dir: root, manifest, report: rep, objects, containers, networks, top, files, listeners, hosts, interfaces, recordedForwards, resolver, versions, tempDir, cleanup };
}

type Manifestenv = Partial<Environment> & { platform?: string };

/**
 * Opens a bundle whose extracted files must outlive the call (for `netdoctor
 * lab BUNDLE`, whose lab reads pod logs from the directory while it serves):
 * a tarball's temp dir is removed when the process exits.
 */
export async function openBundleForProcess(fileOrDir: string): Promise<Bundle> {
  const b = await openBundle(fileOrDir);
  const tmp = b.tempDir;
  if (tmp !== null) {
    process.once("exit", () => {
      // Only synchronous work runs at exit.
      rmSync(tmp, { recursive: true, force: true });
    });
  }
  return b;
}
