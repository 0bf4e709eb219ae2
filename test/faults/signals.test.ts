/**
 * Fault corpus, issue 14 §5 "nothing left behind": SIGINT, SIGTERM and
 * SIGHUP, a full disk on stdout and a crash end the process with its temp
 * dirs removed (the lab's kubeconfig and token), a one-line reason, the exit
 * code a shell expects, and under --json one JSON document.
 */
import { openSync, closeSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateErrorDocument } from "../../src/report/schema.js";
import { expectNoCrash, oneJsonDocument, runFault, scenarioVariant, scratch, startFault } from "./harness.js";

const SIGNALS: [NodeJS.Signals, number][] = [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
];

describe("a run interrupted by a signal", () => {
  it.each(SIGNALS)("removes the lab's files on %s during a diagnosis, exits %i, and prints the error document under --json", async (signal, exitCode) => {
    // A slow API server keeps the run going while the signal arrives.
    const slow = scenarioVariant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 1000, forbid: [] };
    });
    const run = startFault(["--lab", slow, "--json"]);
    await run.waitForTemp("netdoctor-lab-");
    run.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(exitCode);
    expect(r.stderr).toContain(`netdoctor: interrupted (${signal})`);
    const doc = oneJsonDocument(r.stdout);
    expect(validateErrorDocument(doc).errors).toEqual([]);
    expect(doc).toMatchObject({ schemaVersion: 1, error: { code: "interrupted", exitCode } });
    expect(r.leftBehind).toEqual([]);
  });

  it.each(SIGNALS)("stops netdoctor lab --print-env on %s with its files removed", async (signal) => {
    const run = startFault(["lab", "--print-env"]);
    await run.waitFor(/export NETDOCTOR_LAB=/);
    run.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.leftBehind).toEqual([]);
  });

  it("removes the lab's files when bundle is interrupted", async () => {
    const slow = scenarioVariant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 1000, forbid: [] };
    });
    const out = join(scratch(), "b.tar.gz");
    const run = startFault(["bundle", "--lab", slow, "-o", out]);
    await run.waitForTemp("netdoctor-lab-");
    run.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.leftBehind).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it("says what an interrupted fix changed and that netdoctor undo restores it", async () => {
    const slow = scenarioVariant("k3d-openchoreo-traefik-conflict", (s) => {
      s["apiServer"] = { latencyMs: 1500, forbid: [] };
    });
    const home = scratch();
    const run = startFault(["fix", "remove-traefik", "--lab", slow, "--yes", "--timeout", "30"], { NETDOCTOR_HOME: home });
    await run.waitFor(/Fix remove-traefik/);
    run.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expectNoCrash(r);
    // Either nothing was changed yet, or the changes are named with the undo command.
    expect(r.stderr).toMatch(/remove-traefik was interrupted (before it changed anything|while applying; changed so far \(as recorded\): .+)|remove-traefik was applied: .+/);
    const undo = /netdoctor undo (\S+) restores it/.exec(r.stderr);
    if (undo) expect(existsSync(join(home, "undo", undo[1]!, "record.json"))).toBe(true);
    expect(r.leftBehind).toEqual([]);
  });
});

describe("a run that cannot write its output or crashes", () => {
  it("ends with one line and exit 2 when stdout is a full disk (ENOSPC), its lab removed", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      const run = startFault(["--lab", "--json"], {}, { stdoutFd: fd });
      const r = await run.done;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^netdoctor: cannot write the output: ENOSPC/m);
      expectNoCrash(r);
      expect(r.leftBehind).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it("ends a crash outside any check with one line, exit 2, the error document and no lab left behind", async () => {
    const dir = join(import.meta.dirname, "fixtures");
    const slow = scenarioVariant("k3d-openchoreo-healthy", (s) => {
      s["apiServer"] = { latencyMs: 500, forbid: [] };
    });
    const r = await runFault(["--lab", slow, "--json", "--checks-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: crashed: plugin timer bug \(please report this as a netdoctor bug\)$/m);
    expectNoCrash(r);
    const doc = oneJsonDocument(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, error: { code: "crash", exitCode: 2 } });
    expect(r.leftBehind).toEqual([]);
  });
});
