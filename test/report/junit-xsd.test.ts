/**
 * JUnit output against the JUnit schema CI servers validate with (Jenkins
 * xunit-plugin's junit-10.xsd, test/fixtures/junit-10.xsd), by libxml2's
 * validator (xmllint-wasm): every document valid; the test class is the
 * path's URL and the hop, so two URLs never merge; warnings visible (and
 * failures under --fail-on warn); not-applicable checks left out.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { renderJunit } from "../../src/report/junit.js";
import { root, runCli, scenariosDir } from "../e2e/cli.js";
import { makeReport } from "./fixture-report.js";

const xsd = readFileSync(join(root, "test", "fixtures", "junit-10.xsd"), "utf8");

/** Validate with libxml2 against junit-10.xsd; the errors, or [] when valid. */
async function xsdErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: "report.xml", contents: xml }], schema: [{ fileName: "junit-10.xsd", contents: xsd }] });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}

type Node = Record<string, unknown>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
function cases(xml: string): Node[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml) as Node;
  return list((doc["testsuites"] as Node)["testsuite"] as Node | Node[]).flatMap((s) => list(s["testcase"] as Node | Node[]));
}

describe("JUnit against the common JUnit XSD", () => {
  it("validates, with fail, warn, error, blocked, suppressed and not-applicable results", async () => {
    const r = makeReport();
    const p = r.paths[1]!;
    p.checks[0]!.status = "warn";
    p.checks[1]!.status = "error";
    p.checks[2]!.status = "skip";
    p.checks[2]!.blockedBy = p.checks[1]!.id;
    p.checks[3]!.status = "fail";
    p.checks[3]!.suppressed = { reason: "accepted <for now> & tracked" };
    for (const failOn of ["fail", "warn"] as const) expect(await xsdErrors(renderJunit(r, { failOn }))).toEqual([]);
  });

  it("catches what the old output got wrong: skipped on <testsuites> fails the schema", async () => {
    const xml = renderJunit(makeReport()).replace('<testsuites name="netdoctor"', '<testsuites name="netdoctor" skipped="1"');
    expect((await xsdErrors(xml)).join("\n")).toMatch(/skipped.*not allowed/);
  });

  it("names the test class by the path's URL and hop, so the same check on two URLs stays two tests", () => {
    const all = cases(renderJunit(makeReport()));
    const port = all.filter((c) => c["@name"] === "ND502 service.port-free").map((c) => c["@classname"]);
    expect(port).toEqual(["http://api.openchoreo.localhost:8080/ service", "http://openchoreoapis.localhost:19080/ service"]);
    expect(all.find((c) => c["@name"] === "ND001 env.kubeconfig-loaded")?.["@classname"]).toBe("environment");
    expect(all.filter((c) => c["@name"] === "ND901 probe.end-to-end").map((c) => c["@classname"])).toEqual(["http://api.openchoreo.localhost:8080/ probe", "http://openchoreoapis.localhost:19080/ probe"]);
  });

  it("shows a warning as skipped with type warning, and as a failure under --fail-on warn", () => {
    const r = makeReport();
    r.paths[1]!.checks[0]!.status = "warn";
    const find = (xml: string) => cases(xml).find((c) => c["@classname"] === "http://openchoreoapis.localhost:19080/ dns")!;
    expect(find(renderJunit(r))["skipped"]).toMatchObject({ "@type": "warning" });
    expect(find(renderJunit(r, { failOn: "warn" }))["failure"]).toMatchObject({ "@type": "warning" });
  });

  it("leaves out checks that do not apply, and keeps a blocked one as skipped", () => {
    const r = makeReport();
    const names = cases(renderJunit(r)).map((c) => `${c["@classname"]}|${c["@name"]}`);
    expect(names).not.toContain("http://api.openchoreo.localhost:8080/ forwarder|ND301 forwarder.upstream-reachable");
    r.paths[0]!.checks[2]!.blockedBy = "host-port.port-open";
    expect(cases(renderJunit(r)).find((c) => c["@name"] === "ND301 forwarder.upstream-reachable")?.["skipped"]).toBeDefined();
  });

  it("writes a valid file through the CLI for the default lab", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "netdoctor-junit-xsd-")), "report.xml");
    const r = await runCli(["--lab", join(scenariosDir, "k3d-openchoreo-traefik-conflict"), "--json", "--junit", file]);
    expect(r.code).toBe(1);
    expect(await xsdErrors(readFileSync(file, "utf8"))).toEqual([]);
  });
});
