/**
 * GitHub Actions output (issue 13 §5): workflow-command annotations, parsed
 * back the way the runner reads them (`::cmd key=value,…::message`, values
 * %-escaped), and the Markdown job summary, parsed with a real Markdown
 * parser (marked). Through the built CLI, with GITHUB_ACTIONS set or `-o github`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { marked, type Tokens } from "marked";
import { describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/report/github.js";
import { runCli } from "../e2e/cli.js";
import { makeReport } from "./fixture-report.js";

/** Workflow commands in `out`, unescaped as the runner does (docs: "Workflow commands for GitHub Actions"). */
function commands(out: string): { command: string; props: Record<string, string>; message: string }[] {
  const unescapeData = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
  const unescapeProp = (s: string) => unescapeData(s.replace(/%3A/g, ":").replace(/%2C/g, ","));
  const found = [];
  for (const line of out.split("\n")) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of (m[2] ?? "").split(",").filter(Boolean)) {
      const i = kv.indexOf("=");
      props[kv.slice(0, i)] = unescapeProp(kv.slice(i + 1));
    }
    found.push({ command: m[1]!, props, message: unescapeData(m[3]!) });
  }
  return found;
}

function tables(md: string): Tokens.Table[] {
  return marked.lexer(md).filter((t): t is Tokens.Table => t.type === "table");
}

describe("the job summary", () => {
  it("is Markdown with the result, a table of causes and a table of paths", () => {
    const md = summaryMarkdown(makeReport());
    const tokens = marked.lexer(md);
    expect(tokens[0]).toMatchObject({ type: "heading", text: "netdoctor: FAIL" });
    const [causes, paths] = tables(md);
    expect(causes!.header.map((h) => h.text)).toEqual(["status", "where", "check", "why", "paths", "fix"]);
    expect(causes!.rows).toHaveLength(1);
    expect(causes!.rows[0]![2]!.text).toBe("ND502 `service.port-free`");
    expect(causes!.rows[0]![5]!.text).toBe("`netdoctor fix remove-traefik`");
    expect(paths!.rows.map((r) => r[1]!.text)).toEqual(["http://api.openchoreo.localhost:8080/", "http://openchoreoapis.localhost:19080/"]);
  });
});

describe("in GitHub Actions", () => {
  it("annotates each root cause and appends the job summary when GITHUB_ACTIONS is set", async () => {
    const summary = join(mkdtempSync(join(tmpdir(), "netdoctor-gh-")), "summary.md");
    writeFileSync(summary, "# earlier step\n");
    const r = await runCli(["--lab"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const cmds = commands(r.stdout);
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toMatchObject({ command: "error", props: { title: "ND502 service.port-free (service hop)" } });
    expect(cmds[0]!.message).toMatch(/^svclb pod kube-system\/svclb-gateway-default-\S+ is Pending\b.*: port 80 is held by svclb-traefik/);
    expect(cmds[0]!.message).toMatch(/\npaths: http:\/\/api\.openchoreo\.localhost:\d+\/, /);
    expect(cmds[0]!.message).toContain("fix: netdoctor fix remove-traefik");
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("# earlier step\n")).toBe(true);
    expect(tables(md)[0]!.rows[0]![2]!.text).toBe("ND502 `service.port-free`");
    // The text report is still printed above the annotations.
    expect(r.stdout).toMatch(/^Result: FAIL/m);
  });

  it("says on stderr that the job summary was not written when GITHUB_STEP_SUMMARY names no file, and still reports and exits as the diagnosis says", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "netdoctor-gh-")), "no-such-dir", "summary.md");
    const r = await runCli(["--lab", "-o", "github"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: missing });
    expect(r.code).toBe(1);
    expect(commands(r.stdout)[0]).toMatchObject({ command: "error", props: { title: "ND502 service.port-free (service hop)" } });
    expect(r.stderr).toMatch(/^netdoctor: the job summary was not written: Unable to access summary file: '.*summary\.md'/m);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("-o github prints only the annotations; a warning is an error under --fail-on warn", async () => {
    const r = await runCli(["--lab", "k3d-evidence-netpol-blocks-proxy", "-o", "github"]);
    const cmds = commands(r.stdout);
    expect(r.stdout.trim().split("\n").every((l) => l.startsWith("::") || l.startsWith("%") || l === "")).toBe(true);
    expect(cmds.length).toBeGreaterThan(0);
    expect(cmds.every((c) => c.command === "warning")).toBe(true);
    const strict = await runCli(["--lab", "k3d-evidence-netpol-blocks-proxy", "-o", "github", "--fail-on", "warn"]);
    expect(strict.code).toBe(1);
    expect(commands(strict.stdout).every((c) => c.command === "error")).toBe(true);
  });
});
