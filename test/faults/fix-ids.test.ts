/**
 * Fault corpus, issue 14 §2 "nothing acts on a guess": `fix` takes only known
 * fix ids as ids and explicit targets as targets; any other word is a usage
 * error with a did-you-mean, before anything is read or written.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateErrorDocument } from "../../src/report/schema.js";
import { expectNoCrash, oneJsonDocument, runFault, scratch } from "./harness.js";

const FIXES = "fixes: remove-traefik, service-to-nodeport, socat-forward, kind-port-mapping, k3d-port-mapping, hosts-entry";

describe("netdoctor fix with a word that is not a fix id", () => {
  it("refuses `fix traefik --yes` instead of adding a hosts entry for traefik, and suggests remove-traefik", async () => {
    const home = scratch();
    const r = await runFault(["fix", "traefik", "--yes", "--lab", "k3d-openchoreo-traefik-conflict"], { NETDOCTOR_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`netdoctor: "traefik" is neither a fix id nor a target: did you mean remove-traefik? (${FIXES}; a target is a URL or host:port, e.g. http://traefik:80/)\n`);
    expect(r.stdout).toBe("");
    // Nothing was journalled, so nothing was changed.
    expect(existsSync(join(home, "undo")) ? readdirSync(join(home, "undo")) : []).toEqual([]);
    expect(r.leftBehind).toEqual([]);
  });

  it("prints the usage error as the JSON error document under --json", async () => {
    const r = await runFault(["fix", "nodeport", "--yes", "--json"]);
    expect(r.code).toBe(2);
    const doc = oneJsonDocument(r.stdout);
    expect(validateErrorDocument(doc).errors).toEqual([]);
    expect(doc).toMatchObject({ error: { code: "usage", exitCode: 2, message: expect.stringContaining('"nodeport" is neither a fix id nor a target: did you mean service-to-nodeport?') } });
  });

  it("refuses a near-miss fix id with a did-you-mean", async () => {
    const r = await runFault(["fix", "socat-forwrd", "http://app.localhost:8080/"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`netdoctor: unknown fix "socat-forwrd": did you mean socat-forward? (${FIXES})\n`);
    expectNoCrash(r);
  });

  it("still takes an explicit target beside a fix id", async () => {
    const r = await runFault(["fix", "hosts-entry", "http://nothing-here.localhost:1/", "--dry-run", "--timeout", "3", "--docker-host", `unix://${scratch()}/no.sock`, "--kubeconfig", join(scratch(), "none")]);
    // The kubeconfig does not exist: the run stops there, after the arguments were accepted.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: cannot read kubeconfig .*: no such file\n$/);
  });
});
