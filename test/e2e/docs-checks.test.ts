/**
 * docs/checks.md is generated from the check registry (scripts/gen-docs.mjs
 * over the built dist/) and must match it: a new check, a changed title or
 * explain text makes this test fail until the docs are regenerated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { root, runCli } from "./cli.js";

interface GenDocs {
  checksMarkdown(): Promise<string>;
  docsFile: string;
}

const load = async () => (await import(pathToFileURL(join(root, "scripts", "gen-docs.mjs")).href)) as GenDocs;

describe("docs/checks.md", () => {
  it("is current with the check registry (regenerate with `npm run docs`)", async () => {
    const gen = await load();
    const fresh = await gen.checksMarkdown();
    let current = "";
    try {
      current = readFileSync(gen.docsFile, "utf8");
    } catch {
      // a missing file is out of date too
    }
    expect(current === fresh, "docs/checks.md is out of date: run `npm run docs` and commit docs/checks.md").toBe(true);
  });

  it("documents every check `netdoctor checks --json` lists, with the same explain text", async () => {
    const r = await runCli(["checks", "--json"]);
    const { checks } = JSON.parse(r.stdout) as { checks: { id: string; code: string }[] };
    const text = await (await load()).checksMarkdown();
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) expect(text).toContain(`## ${c.code} ${c.id}\n`);
    const explained = await runCli(["explain", checks[0]!.code]);
    expect(text).toContain(explained.stdout.trimEnd());
  });
});
