/**
 * Answer first (issue 13 §1), on the lab through the built CLI: the text
 * report opens with the outcome and fits its budgets (default scenario ≤ 40
 * lines, a healthy one-path cluster ≤ 8), nothing but the report is on
 * stdout and no progress is written when stderr is not a terminal; `-o`
 * picks short, wide, json (= --json) or yaml.
 */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { validateReport } from "../../src/report/schema.js";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

describe("the text report, answer first", () => {
  it("fits the default lab scenario in 40 lines, the cause before any detail", async () => {
    const r = await runCli(["--lab"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(40);
    const result = lines.findIndex((l) => l.startsWith("Result: FAIL  3 paths"));
    const cause = lines.findIndex((l) => l.startsWith("[FAIL] service hop: ND502 service.port-free — 3 paths"));
    expect(result).toBeGreaterThan(0);
    expect(result).toBeLessThan(6);
    expect(cause).toBeGreaterThan(result);
    expect(lines[cause + 1]).toMatch(/^ {7}why: svclb pod kube-system\/svclb-gateway-default-\S+ is Pending\b.*: port 80 is held by svclb-traefik/);
    expect(lines[cause + 2]).toMatch(/^ {7}paths: http:\/\/api\.openchoreo\.localhost:\d+\/, http:\/\/openchoreo\.localhost:\d+\/, http:\/\/thunder\.openchoreo\.localhost:\d+\/$/);
    expect(lines.slice(cause).find((l) => l.includes("fix: "))).toContain("netdoctor fix remove-traefik");
    // One cause, one detail block for the three identical paths: ND502 is described once there.
    expect(lines.filter((l) => /^\[(FAIL|warn)\] /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^ {2}\[FAIL\] service +ND502/.test(l))).toHaveLength(1);
    // No check-by-check log on stdout, and no progress on a stderr that is not a terminal.
    expect(r.stdout).not.toMatch(/^\[ok\] {3}\S+:\d+ {2}ND/m);
    expect(r.stderr).toBe("");
  });

  it("fits a healthy one-path cluster in 8 lines", async () => {
    const r = await runCli(["--lab", "kind-nodeport-healthy"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(8);
    expect(lines).toContainEqual(expect.stringMatching(/^Result: PASS {2}1 path \(0 fail, 0 warn, 1 pass\)/));
    expect(lines.at(-1)).toMatch(/^\[ok\] {3}http:\/\/localhost:\d+\/ — the request passes every hop; probe HTTP 200/);
  });

  it("lists every check with --verbose", async () => {
    const r = await runCli(["--lab", "kind-nodeport-healthy", "--verbose"]);
    expect(r.code).toBe(0);
    for (const id of ["ND001 env.kubeconfig-loaded", "ND101 dns.name-resolves", "ND801 backend.service-exists"]) expect(r.stdout).toContain(id);
  });
});

describe("-o", () => {
  it("short prints a header and one line per path", async () => {
    const r = await runCli(["--lab", "-o", "short"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^STATUS +URL +HOP +CHECK +WHY$/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^FAIL +http:\/\/\S+ +service +ND502 +svclb pod/);
  });

  it("wide adds the probe and the objects the request traverses", async () => {
    const r = await runCli(["--lab", "kind-nodeport-healthy", "-o", "wide"]);
    expect(r.code).toBe(0);
    const [head, row] = r.stdout.trimEnd().split("\n");
    expect(head).toMatch(/^STATUS +URL +HOP +CHECK +PROBE +THROUGH +WHY$/);
    expect(row).toMatch(/^PASS +http:\/\/localhost:\d+\/ .*HTTP 200 .*-> .*the request passes every hop$/);
  });

  it("json is the same document as --json, valid against the schema", async () => {
    const [o, flag] = await Promise.all([runCli(["--lab", "kind-nodeport-healthy", "-o", "json"]), runCli(["--lab", "kind-nodeport-healthy", "--json"])]);
    const a = JSON.parse(o.stdout) as Report;
    const b = JSON.parse(flag.stdout) as Report;
    expect(validateReport(a)).toEqual({ valid: true, errors: [] });
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a.paths.map((p) => p.status)).toEqual(b.paths.map((p) => p.status));
  });

  it("yaml is the JSON report as YAML, valid against the schema", async () => {
    const r = await runCli(["--lab", "-o", "yaml"]);
    expect(r.code).toBe(1);
    const doc = parseYaml(r.stdout) as Report;
    expect(validateReport(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.paths.map((p) => p.verdict?.code)).toEqual(["ND502", "ND502", "ND502"]);
  });

  it("refuses an unknown format and --json with another format", async () => {
    const bad = await runCli(["--lab", "-o", "xml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'xml' is invalid/);
    const both = await runCli(["--lab", "--json", "-o", "yaml"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--json and -o yaml cannot be combined/);
  });
});
