/**
 * A plugin author's view of the package: `npm pack` the built package,
 * install the tarball into a scratch project, type-check a TypeScript check
 * against the shipped types, import `defineCheck` from "netdoctor" at run
 * time, and run the CLI with `--checks-dir` on the lab. The report stays valid
 * against the shipped schema with the plugin's own codes in it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { x as untar } from "tar";
import type { Report } from "../../src/report/types.js";
import { validateReport } from "../../src/report/schema.js";
import { root, runCli } from "./cli.js";

let scratch: string;

/** A `--checks-dir` with one module in it. */
function checksDir(name: string, source: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "check.mjs"), source);
  return dir;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "netdoctor-plugin-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: root, encoding: "utf8" })) as { filename: string }[];
  const pkgDir = join(scratch, "node_modules", "netdoctor");
  mkdirSync(pkgDir, { recursive: true });
  await untar({ file: join(scratch, packed[0]!.filename), cwd: pkgDir, strip: 1 });
  // The package's own dependencies, as an install would provide them.
  symlinkSync(join(root, "node_modules"), join(pkgDir, "node_modules"), "dir");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "acme-netdoctor-checks", private: true, type: "module" }));
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the package a plugin author installs", () => {
  it("ships the public API's types and a runtime entry", () => {
    const files = readdirSync(join(scratch, "node_modules", "netdoctor", "dist", "types", "src"));
    expect(files).toContain("index.d.ts");
  });

  it("type-checks a TypeScript check written against `import ... from \"netdoctor\"`", () => {
    writeFileSync(
      join(scratch, "quota.ts"),
      [
        'import { defineCheck, pass, warn, type CheckContext, type Service } from "netdoctor";',
        "export default defineCheck({",
        '  id: "service.acme-quota-free", code: "ACME501", hop: "service", title: "the namespace has Service quota left",',
        "  async run(ctx: CheckContext) {",
        '    const services: Service[] = await ctx.kube.list("services", ctx.signal);',
        '    return services.length < 100 ? pass(`${services.length} Services`) : warn("close to the quota");',
        "  },",
        "});",
      ].join("\n"),
    );
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ["quota.ts"] }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const run = (): string => {
      try {
        execFileSync(process.execPath, [tsc, "-p", scratch], { cwd: scratch, encoding: "utf8" });
        return "";
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    };
    expect(run()).toBe("");
    // The types are real: a wrong hop does not compile.
    writeFileSync(join(scratch, "quota.ts"), 'import { defineCheck } from "netdoctor";\nexport default defineCheck({ id: "x.y", code: "ACME001", hop: "nowhere", title: "t", run: async () => ({ status: "pass", summary: "" }) });\n');
    expect(run()).toMatch(/quota\.ts.*"nowhere"/);
  }, 120_000);

  it("runs a plugin that imports defineCheck from the package, and the report stays valid with the plugin's codes", async () => {
    const dir = checksDir(
      "checks",
      [
        'import { defineCheck, pass } from "netdoctor";',
        "export default defineCheck({",
        '  id: "backend.acme-owner-labelled", code: "ACME801", hop: "backend", title: "the backend Service names its owning team",',
        '  async run(ctx) { return pass(`target ${ctx.target.host}`); },',
        "});",
      ].join("\n"),
    );
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--checks-dir", dir, "--json"]);
    expect(r.stderr).not.toMatch(/plugin|checks-dir/i);
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report).errors).toEqual([]);
    const mine = report.paths.flatMap((p) => p.checks).filter((c) => c.code === "ACME801");
    expect(mine.length).toBe(report.paths.length);
    expect(mine[0]).toMatchObject({ id: "backend.acme-owner-labelled", hop: "backend", status: "pass" });
  }, 120_000);

  it("runs the README's plugin example as written", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const example = /```js\n(\/\/ checks\/owner-label\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--checks-dir", checksDir("readme", example!), "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report).errors).toEqual([]);
    const results = report.paths.flatMap((p) => p.checks).filter((c) => c.code === "ACME801");
    expect(results.length).toBe(report.paths.length);
    // The lab's backend Services carry no acme.io/team label.
    expect(results.every((c) => c.status === "warn" && /has no acme\.io\/team label/.test(c.summary))).toBe(true);
  }, 60_000);

  it.each([
    ["netdoctor's own ND prefix", 'code: "ND999", hop: "service", id: "service.acme-x"', /the ND prefix is netdoctor's own/],
    ["an id outside its hop", 'code: "ACME501", hop: "service", id: "route.acme-x"', /must be "<hop>\.<kebab-name>" with hop service/],
    ["an unknown fix", 'code: "ACME501", hop: "service", id: "service.acme-x", fixes: ["reboot"]', /unknown fixes reboot/],
  ])("refuses a plugin check with %s in one line, exit 2", async (name, fields, message) => {
    const dir = checksDir(`bad-${name.replace(/\W+/g, "-")}`, `export default { ${fields}, title: "t", run: async () => ({ status: "pass", summary: "" }) };\n`);
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "--checks-dir", dir, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
