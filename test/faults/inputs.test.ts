/**
 * Fault corpus, issue 14 §6 "every input validated where it enters": one
 * clear line on stderr, exit 2, and under --json one JSON error document —
 * before a lab starts or the cluster is read. Also the bad inputs that
 * already behaved (kubeconfigs, scenarios, flags), so they keep behaving.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateErrorDocument } from "../../src/report/schema.js";
import { expectNoCrash, oneJsonDocument, runFault, scratch } from "./harness.js";

const LONG_LABEL = "a".repeat(64);
const LONG_NAME = Array.from({ length: 5 }, () => "b".repeat(60)).join(".");

/** [what, args, the one line on stderr (after "netdoctor: ")] */
const CASES: [string, string[], RegExp][] = [
  ["port 0 in a target", ["http://app.localhost:0/"], /^invalid target "http:\/\/app\.localhost:0\/": port 0 is out of range \(1-65535\)$/],
  ["a port above 65535", ["app.localhost:70000"], /^invalid target "app\.localhost:70000": port 70000 is out of range \(1-65535\)$/],
  ["a host name label over 63 characters", [`http://${LONG_LABEL}.localhost/`], /^invalid target ".*": host name label "a{20}…" is 64 characters long \(at most 63\)$/],
  ["a host name over 253 characters", [`http://${LONG_NAME}/`], /^invalid target ".*": host name is 304 characters long \(at most 253\)$/],
  ["a non-http scheme", ["ftp://app.localhost/"], /^invalid target "ftp:\/\/app\.localhost\/": only http:\/\/ and https:\/\/ are diagnosed$/],
  ["--resolve to something that is not an IP", ["app.localhost:8080", "--resolve", "app.localhost:8080:notanip"], /^invalid --resolve "app\.localhost:8080:notanip": "notanip" is not an IP address \(--resolve takes one, as curl does\)$/],
  ["--resolve without a port", ["app.localhost:8080", "--resolve", "app.localhost:127.0.0.1"], /^invalid --resolve "app\.localhost:127\.0\.0\.1": expected HOST:PORT:ADDR/],
  ["--resolve with port 0", ["app.localhost:8080", "--resolve", "app.localhost:0:127.0.0.1"], /^invalid --resolve "app\.localhost:0:127\.0\.0\.1": port 0 is out of range \(1-65535\)$/],
  ["--host-address that is not an address", ["app.localhost:8080", "--host-address", "notanaddress"], /^invalid --host-address "notanaddress": expected an IP address such as 127\.0\.0\.1 or 192\.168\.64\.2$/],
  ["--timeout that is not a duration", ["app.localhost:8080", "--timeout", "soon"], /^--timeout "soon": expected a duration such as 500ms, 20s, 1m or a number of seconds$/],
  ["--timeout 0", ["app.localhost:8080", "--timeout", "0"], /^--timeout "0": expected a duration above zero$/],
  ["an unknown option", ["--frobnicate"], /^error: unknown option '--frobnicate'/],
  ["a scenario that does not exist", ["--lab", "no-such-scenario"], /no-such-scenario/],
  ["a kubeconfig that does not exist", ["app.localhost:8080", "--kubeconfig", "/nonexistent/kubeconfig"], /^cannot read kubeconfig \/nonexistent\/kubeconfig: no such file$/],
  ["--from a bundle that does not exist", ["--from", "/nonexistent/bundle.tar.gz"], /^\/nonexistent\/bundle\.tar\.gz: no such bundle file or directory$/],
];

describe("bad input on the command line", () => {
  it.each(CASES)("refuses %s with one line and exit 2", async (_what, args, line) => {
    const r = await runFault(args);
    expectNoCrash(r);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("(run netdoctor --help"));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.replace(/^netdoctor: /, "")).toMatch(line);
    expect(r.stdout).toBe("");
    expect(r.leftBehind).toEqual([]);
  });

  it.each(CASES)("prints the JSON error document for %s under --json", async (_what, args) => {
    const r = await runFault([...args, "--json"]);
    expect(r.code).toBe(2);
    const doc = oneJsonDocument(r.stdout);
    expect(validateErrorDocument(doc).errors).toEqual([]);
    expect(doc["error"]).toMatchObject({ exitCode: 2 });
    expect(r.leftBehind).toEqual([]);
  });
});

describe("a broken docker context", () => {
  /** A HOME whose docker config names `context` as current; `meta` is its meta.json text (undefined: none). */
  function home(context: string, meta: string | undefined): string {
    const h = scratch();
    mkdirSync(join(h, ".docker"), { recursive: true });
    writeFileSync(join(h, ".docker", "config.json"), JSON.stringify({ currentContext: context }));
    if (meta !== undefined) {
      const dir = join(h, ".docker", "contexts", "meta", createHash("sha256").update(context).digest("hex"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "meta.json"), meta);
    }
    return h;
  }

  it.each([
    ["a current context that does not exist", home("colima", undefined), /^netdoctor: docker context "colima" \(currentContext in .*config\.json\) does not exist: no .*meta\.json; see docker context ls, or pass --docker-host$/],
    ["a context whose meta.json is not JSON", home("colima", "{"), /^netdoctor: .*meta\.json is not valid JSON/],
    ["a context without a docker endpoint", home("colima", JSON.stringify({ Name: "colima", Endpoints: {} })), /^netdoctor: docker context "colima" .* has no docker endpoint/],
  ])("is a usage error, not a silent fallback to the default socket: %s", async (_what, h, line) => {
    const kubeconfig = join(scratch(), "none");
    writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n");
    const r = await runFault(["http://app.localhost:8080/", "--kubeconfig", kubeconfig], { HOME: h, DOCKER_CONFIG: undefined, DOCKER_CONTEXT: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(line);
  });

  it("refuses a DOCKER_CONTEXT that does not exist", async () => {
    const r = await runFault(["http://app.localhost:8080/"], { HOME: home("default", undefined), DOCKER_CONTEXT: "nope" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: docker context "nope" \(DOCKER_CONTEXT\) does not exist/);
  });
});
