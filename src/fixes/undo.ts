/**
 * Undo records (DESIGN §5): before a fix changes anything, what it replaces is
 * saved under `~/.netdoctor/undo/<UTC time>-<fix>/`:
 *
 * - `record.json` — `{ id, fix, createdAt, context, server, target, entries[], undoneAt }`,
 *   entries in the order the changes were made (UndoEntry);
 * - `NN-<kind>-<namespace>-<name>.yaml` — each deleted or patched object as
 *   it was, readable and `kubectl apply -f`-able by hand;
 * - `hosts.bak` — a copy of a hosts file before a line was appended.
 *
 * `netdoctor undo [ID]` replays the entries backwards (restoreRecord).
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { KubeObject } from "../kube/types.js";
import { refText, type KubeWriter, type ObjectRef } from "../sources/kube-writer.js";
import { isSourceError } from "../sources/types.js";
import { FixError, type UndoEntry, type UndoJournal } from "./types.js";

/** The JSON of an undo record (`record.json`). */
export interface UndoRecord {
  /** `20261122T101500Z-remove-traefik`. */
  id: string;
  fix: string;
  /** ISO time the record was opened. */
  createdAt: string;
  /** kubeconfig context and API server the changes went to (null when the fix touched no cluster). */
  context: string | null;
  server: string | null;
  /** URL of the path the fix was for. */
  target: string;
  entries: UndoEntry[];
  /** ISO time it was undone; null while it is not. */
  undoneAt: string | null;
}

/** `<home>/undo`. */
export function undoDir(home: string): string {
  return join(home, "undo");
}

/** `20261122T101500Z` for a date (UTC, no separators). */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** The fields the API server owns: a recreated object must not carry them. */
const SERVER_FIELDS = ["resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

/** The object as it can be POSTed again: server-owned metadata and `status` removed. */
export function forCreate(o: KubeObject): KubeObject {
  const metadata = { ...o.metadata } as Record<string, unknown>;
  for (const k of SERVER_FIELDS) delete metadata[k];
  const copy: KubeObject = { ...o, metadata: metadata as KubeObject["metadata"] };
  delete copy["status"];
  return copy;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** A journal being written, with access to its record. */
export interface OpenJournal extends UndoJournal {
  /** The record as written so far. */
  record_(): UndoRecord;
  /** Remove the record when nothing was changed; true when removed. */
  discardIfEmpty(): Promise<boolean>;
}

/**
 * Open a new undo record for `fix`. The directory is created at once with an
 * empty `record.json`; each `record()` rewrites it before the change is made.
 */
export async function openJournal(home: string, fix: string, meta: { context: string | null; server: string | null; target: string }, now = new Date()): Promise<OpenJournal> {
  const root = undoDir(home);
  await mkdir(root, { recursive: true, mode: 0o700 });
  let id = `${stamp(now)}-${fix}`;
  for (let n = 2; ; n++) {
    try {
      await mkdir(join(root, id), { mode: 0o700 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      id = `${stamp(now)}-${fix}-${n}`;
    }
  }
  const dir = join(root, id);
  const rec: UndoRecord = { id, fix, createdAt: now.toISOString(), context: meta.context, server: meta.server, target: meta.target, entries: [], undoneAt: null };
  const save = () => writeJson(join(dir, "record.json"), rec);
  await save();
  const sameRef = (a: ObjectRef, b: ObjectRef) => a.apiVersion === b.apiVersion && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
  /** The YAML copy written for each entry, by entry index. */
  const copies = new Map<number, string>();
  const journal: OpenJournal = {
    id,
    dir,
    async record(entry) {
      rec.entries.push(entry);
      if (entry.type === "deleted" || entry.type === "patched") {
        const r = entry.ref;
        const file = `${String(rec.entries.length).padStart(2, "0")}-${r.kind.toLowerCase()}-${r.namespace || "cluster"}-${r.name}.yaml`;
        copies.set(rec.entries.length - 1, file);
        await writeFile(join(dir, file), stringify(entry.object), { mode: 0o600 });
      }
      await save();
    },
    async update(entry) {
      for (let i = rec.entries.length - 1; i >= 0; i--) {
        const e = rec.entries[i]!;
        if (e.type === entry.type && "ref" in e && "ref" in entry && sameRef(e.ref, entry.ref)) {
          rec.entries[i] = entry;
          await save();
          return;
        }
      }
      await journal.record(entry);
    },
    async discardLast() {
      rec.entries.pop();
      const copy = copies.get(rec.entries.length);
      if (copy) {
        copies.delete(rec.entries.length);
        await rm(join(dir, copy), { force: true });
      }
      await save();
    },
    record_: () => rec,
    async discardIfEmpty() {
      if (rec.entries.length > 0) return false;
      await rm(dir, { recursive: true, force: true });
      return true;
    },
  };
  return journal;
}

/** An undo record that could not be used: its directory name and why, in one line. */
export interface BrokenRecord {
  name: string;
  why: string;
}

/**
 * Every undo record under `<home>/undo`, newest first. A directory whose
 * record.json is missing, unreadable, not JSON or not of the record's shape
 * (schema/undo-record.schema.json, validated with ajv) is skipped and listed
 * in `broken` with why — never fatal to the other records.
 */
export async function listRecords(home: string): Promise<{ records: UndoRecord[]; broken: BrokenRecord[] }> {
  const root = undoDir(home);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { records: [], broken: [] };
    throw e;
  }
  const { validateUndoRecord } = await import("../report/schema.js");
  const records: UndoRecord[] = [];
  const broken: BrokenRecord[] = [];
  for (const n of names.sort()) {
    let text: string;
    try {
      text = await readFile(join(root, n, "record.json"), "utf8");
    } catch (e) {
      broken.push({ name: n, why: `no readable record.json (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      broken.push({ name: n, why: "record.json is not JSON" });
      continue;
    }
    const v = validateUndoRecord(doc);
    if (!v.valid) {
      broken.push({ name: n, why: `record.json is not an undo record: ${v.errors[0] ?? "wrong shape"}` });
      continue;
    }
    records.push(doc as UndoRecord);
  }
  records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  return { records, broken };
}

/** Mark a record undone (kept on disk: it still holds the objects). */
export async function markUndone(home: string, rec: UndoRecord, now = new Date()): Promise<void> {
  rec.undoneAt = now.toISOString();
  await writeJson(join(undoDir(home), rec.id, "record.json"), rec);
}

/** What restoring one entry did. */
export interface RestoreStep {
  entry: UndoEntry["type"];
  /** `helm.cattle.io/v1 HelmChart kube-system/traefik`, `forward fw-8891-ab12`, a file. */
  subject: string;
  ok: boolean;
  /** One line: what was done, or why not. */
  message: string;
}

/** How restoreRecord reaches what it restores. */
export interface RestoreDeps {
  kube: KubeWriter | null;
  stopForward: (id: string) => Promise<{ stopped: boolean }>;
  signal: AbortSignal;
  /** Restore a patched object even when it changed after the fix. */
  force?: boolean;
}

/**
 * JSON merge patch (RFC 7386) that turns `current.spec` back into
 * `saved.spec`: every saved key set, every key the fix (or the API server's
 * defaulting for the new type) added set to null. Lists are replaced whole.
 */
export function restorePatch(saved: KubeObject, current: KubeObject): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...((saved["spec"] as Record<string, unknown> | undefined) ?? {}) };
  for (const k of Object.keys((current["spec"] as Record<string, unknown> | undefined) ?? {})) if (!(k in spec)) spec[k] = null;
  return { metadata: { resourceVersion: current.metadata.resourceVersion }, spec };
}

/** JSON with object keys sorted: equal for equal values whatever the key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}

/** One line for a failed API call. */
function why(e: unknown): string {
  if (e instanceof FixError || isSourceError(e)) return e.message.split("\n")[0]!;
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

/**
 * Undo the entries of a record, last change first. Each entry is attempted
 * even when an earlier one failed; nothing is overwritten that changed after
 * the fix (a patched object whose resourceVersion moved is left alone unless
 * `force`). Resolves to one RestoreStep per entry.
 */
export async function restoreEntries(entries: UndoEntry[], deps: RestoreDeps): Promise<RestoreStep[]> {
  const out: RestoreStep[] = [];
  for (const e of [...entries].reverse()) {
    switch (e.type) {
      case "deleted": {
        const subject = refText(e.ref);
        if (!deps.kube) {
          out.push({ entry: e.type, subject, ok: false, message: "no cluster to restore it to" });
          break;
        }
        try {
          await deps.kube.create(forCreate(e.object), deps.signal);
          out.push({ entry: e.type, subject, ok: true, message: "recreated" });
        } catch (err) {
          const exists = isSourceError(err) && err.code === "conflict";
          // 404 on create: the kind is no longer served (its CRD was removed) or the namespace is gone; the record stays for a retry.
          const unserved = isSourceError(err) && err.code === "not-found" && !/namespaces? "[^"]*" not found/.test(err.message);
          const message = exists
            ? "already exists again: left as it is"
            : unserved
              ? `not recreated: the API server no longer serves ${e.ref.apiVersion} ${e.ref.kind} (its CustomResourceDefinition was removed?); the saved copy is kept: run netdoctor undo again once the kind is served`
              : `not recreated: ${why(err)}`;
          out.push({ entry: e.type, subject, ok: exists, message });
        }
        break;
      }
      case "patched": {
        const subject = refText(e.ref);
        if (!deps.kube) {
          out.push({ entry: e.type, subject, ok: false, message: "no cluster to restore it to" });
          break;
        }
        try {
          const current = await deps.kube.get(e.ref, deps.signal);
          if (!current) {
            out.push({ entry: e.type, subject, ok: false, message: "it no longer exists: not restored" });
            break;
          }
          // Someone else's change to the spec is never overwritten; a controller updating status (a new resourceVersion) is fine.
          const moved = e.specAfter !== undefined ? canonical(current["spec"] ?? null) !== canonical(e.specAfter) : !!e.resourceVersionAfter && current.metadata.resourceVersion !== e.resourceVersionAfter;
          if (!deps.force && moved) {
            out.push({ entry: e.type, subject, ok: false, message: "its spec changed after the fix: not restored, so that change is not overwritten; use --force to restore it anyway" });
            break;
          }
          await deps.kube.patch(e.ref, restorePatch(e.object, current), "merge", deps.signal);
          out.push({ entry: e.type, subject, ok: true, message: "spec restored" });
        } catch (err) {
          out.push({ entry: e.type, subject, ok: false, message: `not restored: ${why(err)}` });
        }
        break;
      }
      case "created": {
        const subject = refText(e.ref);
        try {
          if (!deps.kube) throw new FixError("no cluster to remove it from");
          await deps.kube.delete(e.ref, e.uid ? { uid: e.uid } : {}, deps.signal);
          out.push({ entry: e.type, subject, ok: true, message: "deleted" });
        } catch (err) {
          const gone = isSourceError(err) && err.code === "not-found";
          out.push({ entry: e.type, subject, ok: gone, message: gone ? "already gone" : `not deleted: ${why(err)}` });
        }
        break;
      }
      case "forward-started": {
        const subject = `forward ${e.forwardId}`;
        try {
          const r = await deps.stopForward(e.forwardId);
          out.push({ entry: e.type, subject, ok: true, message: r.stopped ? "stopped" : "was no longer running" });
        } catch (err) {
          // Stopped by hand already (`netdoctor forwards stop`): its record is gone, and so is the forward.
          const gone = (err as { code?: unknown }).code === "NETDOCTOR_FORWARD_UNKNOWN";
          out.push({ entry: e.type, subject, ok: gone, message: gone ? "already stopped" : why(err) });
        }
        break;
      }
      case "process-stopped":
        out.push({ entry: e.type, subject: `pid ${e.pid}`, ok: true, message: `not restarted (netdoctor does not restart processes); to restart it: ${e.command}` });
        break;
      case "file-appended": {
        try {
          const text = await readFile(e.file, "utf8");
          const lines = text.split("\n");
          const i = lines.lastIndexOf(e.line);
          if (i < 0) {
            out.push({ entry: e.type, subject: e.file, ok: true, message: `the line "${e.line}" is no longer there` });
            break;
          }
          lines.splice(i, 1);
          let restored = lines.join("\n");
          // The fix ended an unterminated last line before appending: take that newline back too.
          if (e.newlineAdded && restored.endsWith("\n")) restored = restored.slice(0, -1);
          await copyFile(e.file, `${e.backup}.before-undo`);
          await writeFile(e.file, restored);
          out.push({ entry: e.type, subject: e.file, ok: true, message: `removed "${e.line}" (the file before the fix: ${e.backup})` });
        } catch (err) {
          out.push({ entry: e.type, subject: e.file, ok: false, message: `not restored: ${why(err)}; the file before the fix: ${e.backup}` });
        }
        break;
      }
    }
  }
  return out;
}
