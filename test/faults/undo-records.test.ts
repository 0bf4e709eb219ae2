/**
 * Fault corpus, issue 14 §6 (undo records): records of any shape are
 * validated with schema/undo-record.schema.json; a bad one is skipped and
 * named, never fatal to the others; a garbage active record is not "nothing
 * to undo".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectNoCrash, oneJsonDocument, runFault, scratch } from "./harness.js";

/** A NETDOCTOR_HOME with these record.json texts (by record directory name). */
function home(records: Record<string, string>): string {
  const h = scratch();
  for (const [name, text] of Object.entries(records)) {
    mkdirSync(join(h, "undo", name), { recursive: true });
    writeFileSync(join(h, "undo", name, "record.json"), text);
  }
  return h;
}

const GOOD = JSON.stringify({ id: "20261201T100000Z-hosts-entry", fix: "hosts-entry", createdAt: "2026-12-01T10:00:00.000Z", context: null, server: null, target: "http://a.localhost:80/", entries: [], undoneAt: "2026-12-01T10:05:00.000Z" });

describe("undo records of the wrong shape", () => {
  it.each([
    ["valid JSON of another shape", JSON.stringify({ hello: "world" }), /record\.json is not an undo record: /],
    ["entries that are not a list", JSON.stringify({ id: "x", fix: "hosts-entry", createdAt: "2026", context: null, server: null, target: "t", entries: "all", undoneAt: null }), /record\.json is not an undo record: \/entries/],
    ["an entry of an unknown type", JSON.stringify({ id: "x", fix: "hosts-entry", createdAt: "2026", context: null, server: null, target: "t", entries: [{ type: "rm-rf" }], undoneAt: null }), /record\.json is not an undo record: \/entries\/0\/type/],
    ["not JSON", "{", /record\.json is not JSON/],
    ["a JSON array", "[]", /record\.json is not an undo record/],
  ])("skips and names %s, and still lists the good records", async (_what, text, why) => {
    const h = home({ "20261201T100000Z-hosts-entry": GOOD, "20261202T100000Z-broken": text });
    const r = await runFault(["undo", "--list"], { NETDOCTOR_HOME: h });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^netdoctor: skipping .*20261202T100000Z-broken: ${why.source}`, "m"));
    expect(r.stdout).toContain("20261201T100000Z-hosts-entry  undone  hosts-entry");
  });

  it("does not call a garbage active record 'nothing to undo'", async () => {
    const h = home({ "20261202T100000Z-remove-traefik": JSON.stringify({ id: 5, entries: null }) });
    const r = await runFault(["undo"], { NETDOCTOR_HOME: h });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/nothing to undo/);
    expect(r.stderr).toMatch(/nothing restorable, but 1 undo record could not be read/);
  });

  it("prints one JSON document naming the unreadable records under --json", async () => {
    const h = home({ "20261202T100000Z-remove-traefik": "garbage" });
    const r = await runFault(["undo", "--json"], { NETDOCTOR_HOME: h });
    expect(r.code).toBe(1);
    expect(oneJsonDocument(r.stdout)).toMatchObject({ schemaVersion: 1, undo: null, unreadable: [{ name: "20261202T100000Z-remove-traefik", why: "record.json is not JSON" }] });
  });
});
