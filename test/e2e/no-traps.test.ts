/**
 * No traps (issue 13 §2), through the built CLI: options are honoured
 * wherever they are written or refused with exit 2; `help [COMMAND]` and
 * `version` work; a near miss of a command is a usage error with "did you
 * mean"; a bare word that is not a known host is refused; `-n` limits
 * discovery; durations read as 500ms / 20s / 1m / plain seconds.
 */
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

/** One line on stderr, exit 2, nothing on stdout. */
function refused(r: { code: number | null; stdout: string; stderr: string }, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("(run netdoctor --help"))).toHaveLength(1);
}

describe("an option written before the subcommand", () => {
  it("reaches the subcommand: --context before fix selects that context", async () => {
    refused(await runCli(["--context", "nope", "fix", "--dry-run", "--lab"]), /context "nope" not found in kubeconfig/);
  });

  it("reaches the subcommand: --lab before fix starts the lab for fix, not a scenario named fix", async () => {
    const r = await runCli(["--lab", "fix", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Fix remove-traefik (disruptive)");
    expect(r.stdout).toContain("--dry-run: nothing was changed");
  });

  it("reaches the subcommand: -o json before checks prints the catalogue as JSON", async () => {
    const r = await runCli(["-o", "json", "checks"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1 });
  });

  it("is refused when the subcommand does not take it", async () => {
    refused(await runCli(["--verbose", "checks"]), /^netdoctor: --verbose does not apply to 'netdoctor checks'/);
    refused(await runCli(["-o", "json", "bundle", "--lab"]), /^netdoctor: --output json does not apply to 'netdoctor bundle'/);
  });

  it("after the subcommand wins over the one before it", async () => {
    const r = await runCli(["--context", "nope", "fix", "--context", "k3d-openchoreo", "--dry-run", "--lab"]);
    expect(r.code).toBe(0);
  });
});

describe("help and version", () => {
  it("help prints the usage and exits 0", async () => {
    const r = await runCli(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: netdoctor \[options\] \[command\] \[target\.\.\.\]/);
  });

  it("help COMMAND prints that command's usage", async () => {
    const r = await runCli(["help", "fix"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: netdoctor fix \[options\]/);
  });

  it("version prints the version, as --version does", async () => {
    const [v, flag] = await Promise.all([runCli(["version"]), runCli(["--version"])]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
    expect(v.stdout).toBe(flag.stdout);
  });
});

describe("a word that is not a target", () => {
  it.each([
    ["chekcs", "checks"],
    ["bundel", "bundle"],
    ["udno", "undo"],
    ["halp", "help"],
  ])("%s is a mistyped command: did you mean %s?", async (word, command) => {
    refused(await runCli([word]), new RegExp(`^netdoctor: unknown command '${word}' \\(did you mean '${command}'\\?\\)`));
  });

  it("a command after a target belongs in front", async () => {
    refused(await runCli(["http://localhost:8080/", "fix"]), /^netdoctor: 'fix' is a command: write it first \(netdoctor fix …\)/);
  });

  it("an unknown bare word is not a host name netdoctor would diagnose", async () => {
    refused(await runCli(["frobnicate"]), /^netdoctor: TARGET 'frobnicate' is not a URL, host:port or a known host name/);
  });

  it("a name given with --resolve is a host name", async () => {
    const r = await runCli(["myapp", "--resolve", "myapp:80:127.0.0.1", "--kubeconfig", "/nonexistent/kubeconfig"]);
    // Accepted as a target: the run then stops at the kubeconfig that does not exist, not at the word.
    expect(r.stderr).not.toMatch(/not a URL/);
    expect(r.stderr).toMatch(/nonexistent/);
  });
});

describe("-n/--namespace", () => {
  it("limits discovery to the routes of that namespace", async () => {
    const r = await runCli(["--lab", "-n", "thunder", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.paths.map((p) => p.target.host)).toEqual(["thunder.openchoreo.localhost"]);
    expect(report.discovery?.summary).toContain("namespace thunder: entry points: 1");
  });

  it("refuses a namespace where nothing is routed", async () => {
    refused(await runCli(["--lab", "-n", "nope"]), /no entry point found .*namespace nope: entry points: 0/);
  });
});

describe("durations", () => {
  it("accept units and plain seconds on every duration flag", async () => {
    const r = await runCli(["--lab", "kind-nodeport-healthy", "--timeout", "1m", "--probe-timeout", "500ms", "--json"]);
    expect(r.code).toBe(0);
    const f = await runCli(["fix", "--lab", "kind-nodeport-healthy", "--dry-run", "--wait", "20s", "--timeout", "20"]);
    expect(f.code).toBe(0);
  });

  it.each([
    [["--timeout", "20x"], /--timeout "20x": expected a duration such as 500ms, 20s, 1m or a number of seconds/],
    [["--probe-timeout", "0"], /--probe-timeout "0": expected a duration above zero/],
  ])("refuse %j", async (args, message) => {
    refused(await runCli(["--lab", ...args]), message);
  });

  it("say what a plain watch --interval of a minute or more means, since it used to count milliseconds", async () => {
    const r = await runCli(["watch", "--lab", "kind-nodeport-healthy", "--interval", "200", "--count", "1", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("--interval 200 pauses 200 s between requests (a plain number is seconds; write 200ms for milliseconds)");
    const units = await runCli(["watch", "--lab", "kind-nodeport-healthy", "--interval", "2m", "--count", "1", "--json"]);
    expect(units.code).toBe(0);
    expect(units.stderr).not.toContain("plain number");
  });

  it("refuse a bad watch --interval the same way", async () => {
    refused(await runCli(["watch", "http://127.0.0.1:9/", "--interval", "fast"]), /--interval "fast": expected a duration such as 500ms, 20s, 1m/);
  });
});
