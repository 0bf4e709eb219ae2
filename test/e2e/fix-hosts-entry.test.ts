/**
 * `netdoctor fix hosts-entry` and `netdoctor undo` end to end against the
 * lab: the real CLI appends `ADDR NAME` to the hosts file the lab serves (the
 * file the live host source reads under the lab), the re-check resolves the
 * name through it, and undo takes exactly that line out again. The lab runs
 * in this process (startLab) so it outlives each CLI run.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { runCli, scenariosDir } from "./cli.js";

interface FixJson {
  schemaVersion: number;
  fixes: {
    id: string;
    applied: boolean;
    plan: { action: string; file?: string; line?: string; command?: string }[];
    target: string;
    before: { status: string; verdict: { hop: string; checkId: string; code: string } | null };
    after: { status: string; verdict: unknown } | null;
    checks: { id: string; code: string; before: string; after: string | null }[];
    notes: string[];
    undoId: string | null;
    error: string | null;
  }[];
}

interface UndoJson {
  schemaVersion: number;
  undo: { id: string; fix: string; complete: boolean; steps: { entry: string; subject: string; ok: boolean; message: string }[] } | null;
}

const LINE = "127.0.0.1 console.platform.test";

let home: string;
let lab: RunningLab | null = null;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-home-"));
});
afterEach(async () => {
  await lab?.stop();
  lab = null;
  await rm(home, { recursive: true, force: true });
});

async function open(): Promise<Record<string, string>> {
  lab = await startLab(join(scenariosDir, "host-hosts-entry-missing"));
  return { ...lab.env, NETDOCTOR_HOME: home };
}

describe("netdoctor fix hosts-entry on host-hosts-entry-missing", () => {
  it("appends the line to the lab's hosts file, the re-check resolves the name, and undo restores the file byte for byte", async () => {
    const env = await open();
    const hostsFile = lab!.state.hostsFile;
    const original = await readFile(hostsFile, "utf8");
    expect(original).not.toContain("console.platform.test");

    const r = await runCli(["fix", "hosts-entry", "--yes", "--json"], env);
    expect(r.stderr).not.toMatch(/could not run/);
    const doc = JSON.parse(r.stdout) as FixJson;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.fixes).toHaveLength(1);
    const f = doc.fixes[0]!;
    expect(f.plan).toEqual([
      {
        action: "append-file",
        file: hostsFile,
        line: LINE,
        command: `echo "${LINE}" | sudo tee -a ${hostsFile}`,
        note: `changes only ${hostsFile}: adds this one line at its end (after a newline if the file lacks a final one); a copy of the file is kept in the undo record first`,
      },
    ]);
    expect(f.target).toMatch(/^http:\/\/console\.platform\.test:\d+\/$/);
    expect(f.before).toEqual({ status: "fail", verdict: expect.objectContaining({ hop: "dns", checkId: "dns.name-resolves", code: "ND101" }) });
    expect(f.notes).toEqual([]);
    expect(f.applied).toBe(true);
    expect(f.undoId).toMatch(/^\d{8}T\d{6}Z-hosts-entry$/);
    // The file holds exactly the original plus the one line.
    expect(await readFile(hostsFile, "utf8")).toBe(`${original}${original.endsWith("\n") ? "" : "\n"}${LINE}\n`);
    // The undo record keeps a copy of the file as it was.
    expect((await readdir(join(home, "undo", f.undoId!))).sort()).toEqual(["hosts.bak", "record.json"]);
    expect(await readFile(join(home, "undo", f.undoId!, "hosts.bak"), "utf8")).toBe(original);
    // The re-check: the name now resolves through the hosts file, and the path passes.
    expect(f.error).toBeNull();
    expect(f.after).toEqual({ status: "pass", verdict: null });
    expect(f.checks).toEqual([{ id: "dns.name-resolves", code: "ND101", before: "fail", after: "pass" }]);
    expect(r.code).toBe(0);

    const u = await runCli(["undo", "--json"], env);
    expect(u.stderr).toBe("");
    expect(u.code).toBe(0);
    const undo = JSON.parse(u.stdout) as UndoJson;
    expect(undo.undo).toMatchObject({ id: f.undoId, fix: "hosts-entry", complete: true });
    expect(undo.undo!.steps).toEqual([
      { entry: "file-appended", subject: hostsFile, ok: true, message: `removed "${LINE}" (the file before the fix: ${join(home, "undo", f.undoId!, "hosts.bak")})` },
    ]);
    expect(await readFile(hostsFile, "utf8")).toBe(original);

    // The diagnosis fails at dns again, and there is nothing left to undo.
    const again = await runCli(["--json"], env);
    expect(again.code).toBe(1);
    const none = await runCli(["undo"], env);
    expect(none.stdout).toBe("nothing to undo\n");
  });

  it("with --dry-run prints the append step and leaves the hosts file and the undo directory alone", async () => {
    const env = await open();
    const hostsFile = lab!.state.hostsFile;
    const original = await readFile(hostsFile, "utf8");
    const r = await runCli(["fix", "hosts-entry", "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `  1. append-file ${hostsFile}: ${LINE}\n       $ echo "${LINE}" | sudo tee -a ${hostsFile}\n       changes only ${hostsFile}: adds this one line at its end (after a newline if the file lacks a final one); a copy of the file is kept in the undo record first\n  --dry-run: nothing was changed\n`,
    );
    expect(await readFile(hostsFile, "utf8")).toBe(original);
    await expect(readdir(join(home, "undo"))).rejects.toThrow(/ENOENT/);
  });
});
