/**
 * Reading bundles (DESIGN §9): openBundle on directories and tarballs, one-line
 * errors naming the file for broken bundles, and the recorded sources serving
 * the recorded data — failures keep their codes, probes their outcomes.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleError, openBundle } from "../../src/bundle/read.js";
import { bundleToScenario } from "../../src/lab/from-bundle.js";
import { loadScenario, type Scenario } from "../../src/lab/scenario.js";
import { createRecordedSources } from "../../src/sources/recorded.js";
import { isSourceError } from "../../src/sources/types.js";
import { makeReport } from "../report/fixture-report.js";
import { packBundle, writeBundleDir } from "./read-fixture.js";

const SCENARIOS = path.join(import.meta.dirname, "..", "..", "fixtures", "scenarios");
const signal = new AbortController().signal;

let tmp: string;
let traefik: Scenario;
let nginx: Scenario;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "netdoctor-read-test-"));
  traefik = await loadScenario(path.join(SCENARIOS, "k3d-openchoreo-traefik-conflict"));
  nginx = await loadScenario(path.join(SCENARIOS, "kind-ingress-nginx-healthy"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A report whose first path recorded a refused host port and a service-proxy answer. */
function recordedReport() {
  const r = makeReport();
  r.paths[0]!.checks.push(
    { id: "host-port.accepts-connections", code: "ND201", hop: "host-port", title: "t", status: "fail", summary: "refused", evidence: { address: "127.0.0.1", port: 8080, outcome: "refused" }, fixes: [], blockedBy: null, durationMs: 0 },
    { id: "backend.answers", code: "ND805", hop: "backend", title: "t", status: "pass", summary: "ok", evidence: { service: "openchoreo-control-plane/openchoreo-api", port: 8080, path: "/", status: 200, body: "ok" }, fixes: [], blockedBy: null, durationMs: 0 },
  );
  return r;
}

describe("openBundle", () => {
  it("reads an extracted directory: objects from cluster/**, docker, host files and the report", async () => {
    const dir = await writeBundleDir(path.join(tmp, "dir"), traefik, makeReport());
    const b = await openBundle(dir);
    expect(b.objects.length).toBe(traefik.objects.length);
    expect(b.objects.filter((o) => o.kind === "Event").length).toBe(traefik.objects.filter((o) => o.kind === "Event").length);
    expect(b.containers?.map((c) => c.Name)).toEqual(traefik.containers.map((c) => c.Name));
    expect(b.listeners?.length).toBeGreaterThan(0);
    expect(b.report.paths.map((p) => p.target.url)).toEqual(makeReport().paths.map((p) => p.target.url));
    expect(b.tempDir).toBeNull();
  });

  it.each([
    ["wrapped in one top-level directory", true],
    ["with entries at the top", false],
  ])("reads a .tar.gz %s, and cleanup removes the extraction", async (_label, wrap) => {
    const dir = await writeBundleDir(path.join(tmp, `tar-${wrap}`, "netdoctor-bundle-x"), traefik, makeReport());
    const file = await packBundle(dir, path.join(tmp, `b-${wrap}.tar.gz`), wrap);
    const b = await openBundle(file);
    expect(b.objects.length).toBe(traefik.objects.length);
    expect(b.tempDir).not.toBeNull();
    await b.cleanup();
    await expect(openBundle(b.tempDir!)).rejects.toThrow(/no such bundle/);
  });

  const broken: [string, (dir: string) => Promise<void>, RegExp][] = [
    ["no manifest.json", async (d) => rm(path.join(d, "manifest.json")), /manifest\.json: missing \(not a netdoctor bundle\)/],
    ["a manifest.json that is not JSON", async (d) => writeFile(path.join(d, "manifest.json"), "{ nope"), /manifest\.json: not valid JSON/],
    ["a manifest.json that is a list", async (d) => writeFile(path.join(d, "manifest.json"), "[]"), /manifest\.json: expected a JSON object/],
    ["no report.json", async (d) => rm(path.join(d, "report.json")), /report\.json: missing/],
    ["a report.json of another schema version", async (d) => writeFile(path.join(d, "report.json"), JSON.stringify({ ...makeReport(), schemaVersion: 2 })), /report\.json: schemaVersion: expected 1, got 2/],
    ["a containers.json that is not JSON", async (d) => writeFile(path.join(d, "docker", "containers.json"), "nope"), /docker\/containers\.json: not valid JSON/],
    ["a cluster file of the wrong shape", async (d) => writeFile(path.join(d, "cluster", "x.yaml"), "kind: Service\nmetadata: {}\n"), /cluster\/x\.yaml: apiVersion: expected a string/],
  ];
  it.each(broken)("rejects a bundle with %s in one line naming the file (exit-2 usage error)", async (label, breakIt, message) => {
    const dir = await writeBundleDir(path.join(tmp, "broken", label.replace(/\W+/g, "-")), traefik, makeReport());
    await breakIt(dir);
    const err = await openBundle(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe("NETDOCTOR_USAGE");
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
    expect((err as Error).message).toContain(dir);
  });

  it("rejects a missing path and a file that is not a tarball", async () => {
    await expect(openBundle(path.join(tmp, "nope.tar.gz"))).rejects.toThrow(/nope\.tar\.gz: no such bundle file or directory/);
    const junk = path.join(tmp, "junk.tar.gz");
    await writeFile(junk, "not gzip at all");
    await expect(openBundle(junk)).rejects.toThrow(/junk\.tar\.gz: not a readable \.tar\.gz bundle/);
  });
});

describe("createRecordedSources", () => {
  it("serves recorded kinds, keeps a recorded 403 as forbidden, and answers an uninstalled CRD kind with not-found", async () => {
    const dir = await writeBundleDir(path.join(tmp, "nginx"), nginx, makeReport(), { failed: [{ collector: "kube/events", error: 'events is forbidden: User "dev" cannot list resource "events" (403)' }] });
    const s = createRecordedSources(await openBundle(dir));
    expect((await s.kube.list("services", signal)).length).toBe(nginx.objects.filter((o) => o.kind === "Service").length);
    const events = await s.kube.list("events", signal).catch((e: unknown) => e);
    expect(isSourceError(events) && events.code).toBe("forbidden");
    const gateways = await s.kube.list("gateways", signal).catch((e: unknown) => e);
    expect(isSourceError(gateways) && gateways.code).toBe("not-found");
    expect((await s.kube.list("ingresses", signal)).length).toBeGreaterThan(0);
  });

  it("reports docker unreachable when the bundle has no docker/ files", async () => {
    const dir = await writeBundleDir(path.join(tmp, "nodocker"), traefik, makeReport(), { noDocker: true });
    const s = createRecordedSources(await openBundle(dir));
    const e = await s.docker.containers(signal).catch((x: unknown) => x);
    expect(isSourceError(e) && e.code).toBe("unreachable");
  });

  it("answers probes and the service proxy with the recorded outcomes, never the network", async () => {
    const dir = await writeBundleDir(path.join(tmp, "probes"), traefik, recordedReport());
    const s = createRecordedSources(await openBundle(dir));
    const http = await s.probe.http({ scheme: "http", address: "127.0.0.1", port: 8080, host: "api.openchoreo.localhost:8080", path: "/", timeoutMs: 1000 }, signal);
    expect(http).toMatchObject({ outcome: "http", status: 404, signature: "traefik-404", body: "404 page not found\n" });
    const ok = await s.probe.http({ scheme: "http", address: "127.0.0.1", port: 19080, host: "openchoreoapis.localhost:19080", path: "/", timeoutMs: 1000 }, signal);
    expect(ok).toMatchObject({ outcome: "http", status: 200, signature: "success" });
    expect((await s.probe.tcp("127.0.0.1", 8080, 1000, signal)).outcome).toBe("refused");
    expect((await s.probe.tcp("127.0.0.1", 19080, 1000, signal)).outcome).toBe("connected");
    expect(await s.kube.serviceProxy("openchoreo-control-plane", "openchoreo-api", 8080, "/", signal)).toEqual({ status: 200, body: "ok" });
    const other = await s.kube.serviceProxy("default", "nothing", 80, "/", signal).catch((e: unknown) => e);
    expect(isSourceError(other) && other.code).toBe("unsupported");
    expect(s.kube.info().context).toBe(makeReport().environment.context);
  });
});

describe("bundleToScenario", () => {
  it("turns recorded probes into traffic that reproduces their signatures, and 403 kinds into forbid", async () => {
    const report = makeReport();
    report.paths[1]!.probe = { outcome: "reset", signature: "reset", durationMs: 1, hop: "container" };
    const dir = await writeBundleDir(path.join(tmp, "scenario"), traefik, report, { failed: [{ collector: "kube/events", code: "forbidden", error: "forbidden" }] });
    const s = await bundleToScenario(await openBundle(dir));
    expect(s.targets).toEqual(report.paths.map((p) => p.target.url));
    expect(s.apiServer.forbid).toEqual(["events"]);
    expect(s.traffic.find((t) => t.port === 8080)).toMatchObject({ mode: "http", respond: [{ host: "api.openchoreo.localhost", status: 404, body: "404 page not found\n" }] });
    expect(s.traffic.find((t) => t.port === 19080)).toMatchObject({ mode: "reset" });
    expect(s.description).toMatch(/503/);
  });

  it("is what loadScenario returns for a bundle directory", async () => {
    const dir = await writeBundleDir(path.join(tmp, "load"), traefik, makeReport());
    await mkdir(path.join(dir, "logs"), { recursive: true });
    const s = await loadScenario(dir);
    expect(s.name).toBe(`bundle-${makeReport().environment.context}`);
    expect(s.objects.length).toBe(traefik.objects.length);
  });
});
