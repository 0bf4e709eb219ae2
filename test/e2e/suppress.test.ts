/**
 * Filters and suppressions through the built CLI (issue 13 §4): --skip and
 * --only; a configuration file found with --config, or in the user's config
 * directory, whose suppressions are listed with their reasons and do not
 * count toward --fail-on; bad selectors and bad files refused (exit 2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

const dir = mkdtempSync(join(tmpdir(), "netdoctor-config-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("--skip and --only", () => {
  it("--skip a hop reports its checks as skipped, saying so", async () => {
    const r = await runCli(["--lab", "--json", "--skip", "service,gateway", "--skip", "ND901"]);
    const report = JSON.parse(r.stdout) as Report;
    const c = report.paths[0]!.checks.find((x) => x.code === "ND502")!;
    expect(c.status).toBe("skip");
    expect(c.summary).toMatch(/^skipped \(--skip service\): /);
  });

  it("refuses a selector that names no check", async () => {
    const r = await runCli(["--lab", "--skip", "ND999"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--skip: "ND999" names no check/);
  });
});

describe("suppressions", () => {
  const config = file(
    "accepted.yaml",
    ["suppress:", "  - check: ND502", "    reason: traefik stays until Q3", "  - check: service", "    reason: follows from ND502", "  - check: gateway.programmed", "    reason: follows from ND502", "  - check: ND901", "    reason: traefik answers 404 meanwhile", ""].join("\n"),
  );

  it("lists suppressed findings with their reasons and leaves them out of --fail-on", async () => {
    const r = await runCli(["--lab", "--config", config, "--fail-on", "warn"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Result: PASS/m);
    expect(r.stdout).toMatch(/^Suppressed \(\d+\): not counted toward the result or --fail-on$/m);
    expect(r.stdout).toMatch(/^ {2}\[FAIL\] ND502 service\.port-free on http:\/\/api\.openchoreo\.localhost:\d+\/ — traefik stays until Q3$/m);
    const json = JSON.parse((await runCli(["--lab", "--config", config, "--json"])).stdout) as Report;
    expect(json.paths[0]!.checks.find((c) => c.code === "ND502")).toMatchObject({ status: "fail", suppressed: { reason: "traefik stays until Q3" } });
  });

  it("reads the user's config directory when no .netdoctor.yaml is found", async () => {
    const xdg = join(dir, "xdg");
    mkdirSync(join(xdg, "netdoctor"), { recursive: true });
    writeFileSync(join(xdg, "netdoctor", "config.yaml"), "skip: [ND502]\n");
    const r = await runCli(["--lab", "--json"], { XDG_CONFIG_HOME: xdg, HOME: dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.paths[0]!.checks.find((c) => c.code === "ND502")!.status).toBe("skip");
  });

  it("refuses a suppression without a reason, naming the file and field", async () => {
    const bad = file("bad.yaml", "suppress:\n  - check: ND502\n");
    const r = await runCli(["--lab", "--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: suppress\[0\]: must have required property 'reason'/);
  });
});
