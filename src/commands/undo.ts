/**
 * `netdoctor undo [ID] [--list] [--json] [--force]` (DESIGN §5): restore
 * what a fix changed from its record under `~/.netdoctor/undo/` — recreate
 * deleted objects, restore patched ones (only when nobody changed them since,
 * unless --force), stop the socat forwards it started, take out the hosts
 * line it added. Without ID: the newest record not undone yet.
 *
 * Exit codes: 0 everything restored (or nothing to undo); 1 some entry could
 * not be restored (the record stays, so `undo ID` can retry); 2 usage error
 * (unknown ID, another cluster than the record's).
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { UndoRecord } from "../fixes/undo.js";
import type { OnAction } from "./run-options.js";

/** Options of `netdoctor undo`. */
export interface UndoFlags {
  list?: boolean;
  json?: boolean;
  force?: boolean;
  context?: string;
  kubeconfig?: string;
}

/** Define `netdoctor undo` on `cmd` (a fresh subcommand). */
export function defineUndo(cmd: Command, onAction: OnAction): Command {
  return cmd
    .description("restore what a fix changed (default: the latest fix not undone): recreate deleted objects, restore patched ones, stop its forwards")
    .argument("[id]", "undo record id (see --list)")
    .option("--list", "list the undo records")
    .option("--json", "print JSON")
    .option("--force", "restore an object even when it changed after the fix; replay a record already undone")
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file")
    .action((id: string | undefined, flags: UndoFlags) => onAction(undoCommand(id, flags)));
}

/** Run `netdoctor undo`. Resolves to the exit code. @throws UsageError */
export async function undoCommand(id: string | undefined, flags: UndoFlags): Promise<number> {
  const { netdoctorHome } = await import("../fixes/home.js");
  const { listRecords, markUndone, restoreEntries } = await import("../fixes/undo.js");
  const home = netdoctorHome(process.env);
  const { records, broken } = await listRecords(home);
  for (const b of broken) process.stderr.write(`netdoctor: skipping ${home}/undo/${b.name}: ${b.why}\n`);

  if (flags.list) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ schemaVersion: 1, records, ...(broken.length ? { unreadable: broken } : {}) }, null, 2)}\n`);
    else if (records.length === 0) process.stdout.write("no undo records\n");
    else for (const r of records) process.stdout.write(`${r.id}  ${r.undoneAt ? "undone" : "active"}  ${r.fix}  ${r.target}  ${r.entries.length} change${r.entries.length === 1 ? "" : "s"}${r.context ? `  context ${r.context}` : ""}\n`);
    return 0;
  }

  let rec: UndoRecord | undefined;
  if (id) {
    rec = records.find((r) => r.id === id);
    if (!rec) throw new UsageError(`no undo record ${JSON.stringify(id)} in ${home}/undo${records.length ? ` (records: ${records.slice(0, 5).map((r) => r.id).join(", ")}${records.length > 5 ? ", …" : ""})` : ""}`);
  } else {
    rec = records.find((r) => !r.undoneAt);
    if (!rec && broken.length > 0) {
      // A record that cannot be read may be the fix to undo: that is not "nothing to undo" (exit 1: something could not be restored).
      process.stderr.write(`netdoctor: nothing restorable, but ${broken.length} undo record${broken.length === 1 ? "" : "s"} could not be read (named above): inspect ${home}/undo\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ schemaVersion: 1, undo: null, unreadable: broken }, null, 2)}\n`);
      return 1;
    }
    if (!rec) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ schemaVersion: 1, undo: null }, null, 2)}\n`);
      else process.stdout.write("nothing to undo\n");
      return 0;
    }
  }
  if (rec.undoneAt && !flags.force) throw new UsageError(`${rec.id} was already undone at ${rec.undoneAt} (use --force to replay it)`);

  const touchesCluster = rec.entries.some((e) => e.type === "deleted" || e.type === "patched" || e.type === "created");
  let kube = null;
  if (touchesCluster) {
    const { createLiveSources } = await import("../sources/live/index.js");
    const live = createLiveSources({ kubeconfig: flags.kubeconfig, context: flags.context, env: process.env });
    let info;
    try {
      info = live.sources.kube.info();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // Never replay objects into another cluster than the one the fix changed.
    if (rec.server && info.server !== rec.server) {
      throw new UsageError(`${rec.id} changed the cluster at ${rec.server} (context ${rec.context ?? "?"}), but the current context ${info.context} talks to ${info.server}: switch with --context`);
    }
    kube = live.sources.kube.writer?.() ?? null;
  }
  const { stopForward } = await import("../fixes/forwards.js");
  const steps = await restoreEntries(rec.entries, { kube, stopForward: (fid) => stopForward(fid, process.env), signal: AbortSignal.timeout(60_000), force: !!flags.force });
  const complete = steps.every((s) => s.ok);
  if (complete) await markUndone(home, rec);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ schemaVersion: 1, undo: { id: rec.id, fix: rec.fix, target: rec.target, complete, steps } }, null, 2)}\n`);
  } else {
    process.stdout.write(`undo ${rec.id} (${rec.fix} on ${rec.target}):\n`);
    for (const s of steps) process.stdout.write(`  ${s.ok ? "✔" : "✖"} ${s.subject}: ${s.message}\n`);
    if (!complete) process.stdout.write(`not everything was restored; the record stays: ${home}/undo/${rec.id}\n`);
  }
  return complete ? 0 : 1;
}
