/**
 * `netdoctor forwards [list] [--json]` and `netdoctor forwards stop ID`: the
 * socat forwards netdoctor's `socat-forward` fix started (DESIGN §5), from
 * `~/.netdoctor/forwards.json`.
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { ForwardStatus } from "../fixes/forwards.js";
import type { OnAction } from "./run-options.js";

/** Define `netdoctor forwards [list]` and `forwards stop ID` on `cmd` (a fresh subcommand). */
export function defineForwards(cmd: Command, onAction: OnAction): Command {
  cmd
    .description("list the socat forwards netdoctor started, with liveness; `forwards stop ID` stops one")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => onAction(forwardsCommand("list", undefined, flags)));
  cmd
    .command("list")
    .description("list the socat forwards netdoctor started")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => onAction(forwardsCommand("list", undefined, flags)));
  cmd
    .command("stop")
    .description("stop a forward netdoctor started")
    .argument("<id>", "forward id (see netdoctor forwards)")
    .option("--json", "print JSON")
    .action((id: string, flags: { json?: boolean }) => onAction(forwardsCommand("stop", id, flags)));
  return cmd;
}

/** `forwards --json` document. */
export interface ForwardsDocument {
  schemaVersion: 1;
  /** Every recorded forward with `alive`, in start order. */
  forwards: ForwardStatus[];
}

/** `host:port`, IPv6 hosts bracketed. */
function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `2026-11-22T10:15:00Z`: the ISO time without milliseconds (the stored value when it is not a date). */
function shortTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Render rows as columns separated by two spaces, the last column unpadded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}

/** Errors of the forward manager (FixError: one line) become usage errors (exit 2, printed by the CLI as one line). */
function asUsage(err: unknown): unknown {
  if (err instanceof Error && err.name === "FixError") return new UsageError(err.message.split("\n")[0]!);
  return err;
}

/**
 * Run `netdoctor forwards list|stop`. `list` prints a table (ID, LISTEN,
 * UPSTREAM, TARGET, PID, ALIVE, STARTED), `no forwards` when there are none,
 * or with `json` one ForwardsDocument. `stop ID` stops one forward and prints
 * one line. Resolves to 0.
 *
 * @throws UsageError (exit 2) for an action other than list/stop, `list`
 *   with an id, `stop` without an id, an unknown id (the
 *   message lists the known ids), a corrupt `forwards.json`, or a forward
 *   that could not be stopped.
 */
export async function forwardsCommand(action: "list" | "stop", id: string | undefined, flags: { json?: boolean }): Promise<number> {
  // Commander hands over whatever was typed: check it here.
  if ((action as string) !== "list" && (action as string) !== "stop") throw new UsageError(`unknown forwards action ${JSON.stringify(action)}: expected list or stop ID`);
  const { listForwards, stopForward } = await import("../fixes/forwards.js");
  if (action === "list") {
    if (id !== undefined) throw new UsageError(`forwards list takes no id (got ${JSON.stringify(id)}); to stop a forward: netdoctor forwards stop ${id}`);
    let forwards: ForwardStatus[];
    try {
      forwards = await listForwards(process.env);
    } catch (err) {
      throw asUsage(err);
    }
    if (flags.json) {
      const doc: ForwardsDocument = { schemaVersion: 1, forwards };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    }
    if (forwards.length === 0) {
      process.stdout.write("no forwards\n");
      return 0;
    }
    const rows = [
      ["ID", "LISTEN", "UPSTREAM", "TARGET", "PID", "ALIVE", "STARTED"],
      ...forwards.map((f) => [f.id, hostPort(f.listen.address, f.listen.port), f.upstream, f.target, String(f.pid), f.alive ? "yes" : "no", shortTime(f.startedAt)]),
    ];
    process.stdout.write(table(rows));
    return 0;
  }

  if (!id) throw new UsageError("forwards stop needs a forward id: run `netdoctor forwards` for the list");
  let result: Awaited<ReturnType<typeof stopForward>>;
  try {
    result = await stopForward(id, process.env);
  } catch (err) {
    throw asUsage(err);
  }
  const { stopped, record } = result;
  const what = `${hostPort(record.listen.address, record.listen.port)} → ${record.upstream}`;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ schemaVersion: 1, stopped, forward: record }, null, 2)}\n`);
  } else if (stopped) {
    process.stdout.write(`stopped ${record.id} (socat pid ${record.pid}, ${what})\n`);
  } else {
    process.stdout.write(`${record.id} was not running (pid ${record.pid} is gone or belongs to another program); removed its record (${what})\n`);
  }
  return 0;
}
