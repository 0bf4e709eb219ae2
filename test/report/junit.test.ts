/**
 * The JUnit XML reporter, read back with a real XML parser (fast-xml-parser):
 * well-formed whatever the report contains, and its counts agree with the
 * report's checks. Also through the built CLI with `--junit FILE`.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { escapeXml, renderJunit } from "../../src/report/junit.js";
import type { CheckResult, Report } from "../../src/report/types.js";
import { runCli, scenariosDir } from "../e2e/cli.js";
import { makeReport } from "./fixture-report.js";

type Node = Record<string, unknown>;
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parse and validate a JUnit document; returns the `<testsuites>` element. */
function parse(xml: string): Node {
  const valid = XMLValidator.validate(xml);
  expect(valid, JSON.stringify(valid)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseAttributeValue: false, trimValues: false }).parse(xml) as Node;
  return doc["testsuites"] as Node;
}

/**
 * The counts a report implies: every env and path check that applies (a skip
 * not blocked by another check is left out), plus one probe testcase per path
 * whose probe ran; warnings are skipped with type warning.
 */
function expected(report: Report) {
  const checks: CheckResult[] = [...report.checks, ...report.paths.flatMap((p) => p.checks)].filter((c) => c.status !== "skip" || c.blockedBy);
  const n = (s: CheckResult["status"]) => checks.filter((c) => c.status === s).length;
  const probeFails = report.paths.filter((p) => p.verdict?.checkId === "probe.end-to-end").length;
  const probes = report.paths.filter((p) => p.probe.outcome !== "not-run" || p.verdict?.checkId === "probe.end-to-end").length;
  return { tests: checks.length + probes, failures: n("fail") + probeFails, errors: n("error"), skipped: n("skip") + n("warn") };
}

/** Counts read back from the parsed document: attributes of `<testsuites>` and the testcase elements themselves. */
function counted(root: Node) {
  const suites = asList(root["testsuite"] as Node | Node[]);
  const cases = suites.flatMap((s) => asList(s["testcase"] as Node | Node[]));
  return {
    // <testsuites> has no skipped attribute in the common schema: the suites carry it.
    attributes: { tests: Number(root["@tests"]), failures: Number(root["@failures"]), errors: Number(root["@errors"]), skipped: asList(root["testsuite"] as Node | Node[]).reduce((n, s) => n + Number(s["@skipped"]), 0) },
    elements: {
      tests: cases.length,
      failures: cases.filter((c) => c["failure"] !== undefined).length,
      errors: cases.filter((c) => c["error"] !== undefined).length,
      skipped: cases.filter((c) => c["skipped"] !== undefined).length,
    },
    suites,
    cases,
  };
}

describe("renderJunit", () => {
  it("writes one suite for env checks and one per path, with counts matching the report", () => {
    const report = makeReport();
    const root = parse(renderJunit(report));
    const c = counted(root);
    expect(c.attributes).toEqual(expected(report));
    expect(c.elements).toEqual(expected(report));
    expect(c.suites.map((s) => s["@name"])).toEqual(["environment", ...report.paths.map((p) => p.target.url)]);
  });

  it("names each testcase by hop, code and id, and puts the summary and evidence in the failure", () => {
    const report = makeReport();
    const failing = report.paths.flatMap((p) => p.checks).find((c) => c.status === "fail")!;
    const c = counted(parse(renderJunit(report)));
    const tc = c.cases.find((x) => x["@name"] === `${failing.code} ${failing.id}`)!;
    expect(tc["@classname"]).toBe(`${report.paths.find((p) => p.checks.includes(failing))!.target.url} ${failing.hop}`);
    const f = tc["failure"] as Node;
    expect(f["@message"]).toBe(failing.summary);
    expect(String(f["#text"])).toContain(failing.summary);
    if (failing.evidence) expect(String(f["#text"])).toContain("evidence:");
  });

  it.each([
    ["fail", "failure"],
    ["error", "error"],
    ["skip", "skipped"],
    ["warn", "skipped"],
  ] as const)("maps status %s to <%s>", (status, element) => {
    const report = makeReport();
    const check = { ...report.checks[0]!, status, summary: `a ${status} summary`, blockedBy: status === "skip" ? "env.api-server-reachable" : null };
    report.checks = [check];
    const c = counted(parse(renderJunit(report)));
    const tc = c.cases.find((x) => x["@name"] === `${check.code} ${check.id}`)!;
    expect(tc[element]).toBeDefined();
    for (const other of ["failure", "error", "skipped", "system-out"].filter((e) => e !== element)) expect(tc[other]).toBeUndefined();
  });

  it("stays well-formed with markup, quotes and control characters in report data", () => {
    const report = makeReport();
    const nasty = `<b>"x" & 'y'</b> \x1b[31mred\x1b[0m \x00 ]]> \ud800 end`;
    report.checks = [{ ...report.checks[0]!, status: "fail", summary: nasty, details: nasty, evidence: { body: nasty } }];
    report.paths[0]!.target = { ...report.paths[0]!.target, url: `http://a.localhost:8080/?q=<"&'>` };
    const root = parse(renderJunit(report));
    const tc = counted(root).cases.find((x) => (x["failure"] as Node | undefined)?.["@message"] !== undefined)!;
    expect((tc["failure"] as Node)["@message"]).toContain(`<b>"x" & 'y'</b>`);
    expect((tc["failure"] as Node)["@message"]).toContain("\\x1b[31mred");
  });

  it("escapes the five XML specials and forbidden characters", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(escapeXml("a\x00b\x1bc\td\ne")).toBe("a\\x00b\\x1bc\td\ne");
    expect(escapeXml("😀")).toBe("😀");
  });
});

describe("--junit FILE through the built CLI", () => {
  it.each(["k3d-openchoreo-traefik-conflict", "k3d-openchoreo-healthy"])("writes valid JUnit whose counts match the JSON report (%s)", async (scenario) => {
    const file = join(mkdtempSync(join(tmpdir(), "netdoctor-junit-")), "report.xml");
    const r = await runCli(["--lab", join(scenariosDir, scenario), "--json", "--junit", file]);
    const report = JSON.parse(r.stdout) as Report;
    const c = counted(parse(readFileSync(file, "utf8")));
    expect(c.attributes).toEqual(expected(report));
    expect(c.elements).toEqual(expected(report));
    expect(c.elements.failures > 0).toBe(report.status === "fail");
  });
});
