/**
 * hosts-entry (DESIGN §5): the target name does not resolve through the
 * system resolver, so add `ADDR NAME` to the hosts file the resolver reads
 * (`/etc/hosts` on Linux and macOS; under the lab, the lab's hosts file). The
 * address is where host-published ports are reached (`--host-address`).
 * Applied only with consent and write access; the file is copied into the
 * undo record first, and undo removes exactly the added line.
 */
import { FIXES } from "./catalog.js";
import { access, appendFile, constants, copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { FixError, type Fix, type FixPlan } from "./types.js";

interface State {
  file: string;
  line: string;
}

export const hostsEntry: Fix = {
  ...FIXES["hosts-entry"],
  answers: ["dns.name-resolves"],
  async plan(ctx) {
    const name = ctx.path.target.host;
    const addr = ctx.report.environment.hostAddress || "127.0.0.1";
    const { path: file, entries } = await ctx.sources.host.hostsFile(ctx.signal);
    const line = `${addr} ${name}`;
    const plan: FixPlan = { fixId: "hosts-entry", steps: [], refusal: null, automatic: true, notes: [], state: { file, line } satisfies State };
    const existing = entries.find((e) => e.names.some((n) => n.toLowerCase() === name.toLowerCase()));
    if (existing) {
      plan.refusal = `${file} already maps ${name} to ${existing.address}: the resolver does not read it first (check /etc/nsswitch.conf "hosts:")`;
      plan.automatic = false;
      return plan;
    }
    // What is written, exactly: one line at the end of this one file (consent is to this, nothing broader).
    plan.steps.push({
      action: "append-file",
      file,
      line,
      command: `echo "${line}" | sudo tee -a ${file}`,
      note: `changes only ${file}: adds this one line at its end (after a newline if the file lacks a final one); a copy of the file is kept in the undo record first`,
    });
    try {
      await access(file, constants.W_OK);
    } catch {
      plan.automatic = false;
      plan.notes.push(`netdoctor may not write ${file}: run the command above (it needs root), or run netdoctor fix hosts-entry with sudo`);
    }
    return plan;
  },
  async apply(_ctx, plan, journal) {
    const st = plan.state as State;
    const backup = join(journal.dir, "hosts.bak");
    try {
      await copyFile(st.file, backup);
    } catch (e) {
      throw new FixError(`cannot back up ${st.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; nothing was changed`);
    }
    const text = await readFile(st.file, "utf8");
    const newlineAdded = text.length > 0 && !text.endsWith("\n");
    await journal.record({ type: "file-appended", file: st.file, backup, line: st.line, newlineAdded });
    try {
      await appendFile(st.file, `${newlineAdded ? "\n" : ""}${st.line}\n`);
    } catch (e) {
      await journal.discardLast();
      throw new FixError(`cannot write ${st.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; nothing was changed`);
    }
  },
};
