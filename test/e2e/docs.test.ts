import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checks } from "../../checks/index.js";
import { root, runCli } from "./cli.js";

describe("the README stays true", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("<!-- checks:begin -->"), readme.indexOf("<!-- checks:end -->"));

  it("lists every check code, id, hop and title", () => {
    for (const c of checks) expect(table).toContain(`| ${c.code} | ${c.hop} | \`${c.id}\` | ${c.title} |`);
  });

  it("is self-contained: every link and file it names is in the repository", () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      expect(l, l).not.toMatch(/^(\.\.\/|\/|[a-z]+:)/);
      expect(existsSync(join(root, l)), l).toBe(true);
    }
    expect(readme).not.toMatch(/\.\.\/shared\//);
  });

  it("lists every lab scenario in its scenario table, and no scenario that does not exist", () => {
    const dir = join(root, "fixtures", "scenarios");
    const scenarios = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "scenario.yaml"))).map((d) => d.name);
    expect(scenarios.length).toBeGreaterThan(0);
    const lab = readme.slice(readme.indexOf("## The lab"), readme.indexOf("## JSON report"));
    const rows = lab.split("\n").filter((l) => l.startsWith("| `"));
    const named = new Set(rows.flatMap((l) => [...l.split("|")[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!)));
    for (const s of scenarios) expect(named, `README scenario table lacks ${s}`).toContain(s);
    for (const n of named) expect(scenarios, `README names a scenario that does not exist: ${n}`).toContain(n);
    // One table: no blank line splits it (a row after a blank line renders as a paragraph).
    const first = lab.indexOf("| scenario |");
    const block = lab.slice(first, lab.indexOf("\n\n", first));
    expect(block.split("\n").filter((l) => l.startsWith("| `")).length).toBe(rows.length);
  });

  it("gives the two fresh-machine commands, and CI runs the README's test command", () => {
    expect(readme).toContain("npm ci && npm run lab");
    expect(readme).toContain("npm ci && npm test");
    const ci = readFileSync(join(root, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});

describe("checks and explain", () => {
  it("lists every check as JSON with hop, title, dependsOn and fixes", async () => {
    const r = await runCli(["checks", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { checks: { id: string; code: string; dependsOn: string[]; fixes: string[] }[] };
    expect(out.checks.map((c) => c.id).sort()).toEqual([...checks.map((c) => c.id), "probe.end-to-end"].sort());
    expect(out.checks.find((c) => c.id === "service.port-free")).toMatchObject({ code: "ND502", fixes: ["remove-traefik"] });
  });

  it("lists every code a report can carry, the probe's ND901 too, in text and JSON", async () => {
    const json = JSON.parse((await runCli(["checks", "--json"])).stdout) as { checks: { code: string; hop: string }[] };
    expect(json.checks.at(-1)).toMatchObject({ code: "ND901", hop: "probe" });
    const text = await runCli(["checks"]);
    expect(text.stdout).toMatch(/^ND901 +probe +probe\.end-to-end +the end-to-end request succeeds$/m);
  });

  it.each(["ND502", "service.port-free", "nd701", "ND901"])("explains %s", async (what) => {
    const r = await runCli(["explain", what]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/What it means: .+/);
    expect(r.stdout).toMatch(/How to fix it: .+/);
  });

  it("explains every registered code through the CLI", async () => {
    for (const c of checks) {
      const r = await runCli(["explain", c.code]);
      expect(r.code, c.code).toBe(0);
      expect(r.stdout, c.code).toContain(`${c.code} ${c.id} (hop ${c.hop})`);
      expect(r.stdout, c.code).toMatch(/Why it happens: .+/);
    }
  }, 300_000); // one CLI start per registered code, one after another: the time grows with the registry and the machine's load

  it("refuses an unknown code with exit 2", async () => {
    const r = await runCli(["explain", "ND999"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: unknown check or fix "ND999": run `netdoctor checks` for the checks \(fixes: remove-traefik, /);
  });
});
