import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadScenario, resolveScenario } from "../../src/lab/scenario.js";
import { DEMO } from "./helpers.js";

async function scenarioDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "nd-scenario-"));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

describe("loadScenario", () => {
  it("reads the fixture: Lists flattened, multi-document files, docker and host files, unknown keys ignored", async () => {
    const s = await loadScenario(DEMO);
    expect(s.name).toBe("k3d-demo");
    expect(s.context).toBe("k3d-demo");
    expect(s.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining(["Namespace/demo", "Node/k3d-demo-server-0", "Service/gateway-default", "HTTPRoute/openchoreo-api", "HelmChart/traefik"]),
    );
    expect(s.containers.map((c) => c.Name)).toEqual(["/k3d-demo-serverlb", "/k3d-demo-server-0", "/k3d-demo-tools"]);
    expect(s.networks[0]!.Name).toBe("k3d-demo");
    expect(s.top["k3d-demo-serverlb"]!.Processes).toHaveLength(1);
    expect(s.listeners).toBeNull();
    expect(s.hosts).toContain("api.demo.localhost");
    expect(s.resolver).toEqual({ "api.demo.localhost": ["127.0.0.1"] });
    expect(s.traffic.find((t) => t.port === 30080)).toMatchObject({ address: "172.19.0.2", mode: "http" });
    expect(s.traffic.find((t) => t.port === 8443)!.default.body).toBe("404 page not found\n");
    expect(s.serviceProxy["demo/openchoreo-api:8080"]!.status).toBe(200);
    expect(s.reactions![0]!.when.kind).toBe("HelmChart");
    expect("futureKey" in s).toBe(false);
  });

  it.each([
    ["a field of the wrong type", { "scenario.yaml": "name: x\ntraffic:\n  - port: abc\n" }, /scenario\.yaml: traffic\[0\]\.port: expected a number, got "abc"$/],
    ["an unknown traffic mode", { "scenario.yaml": "traffic: [{port: 80, mode: teleport}]\n" }, /scenario\.yaml: traffic\[0\]\.mode: expected one of http, refuse, reset, hang, empty-reply, tls, flaky, got "teleport"/],
    ["a scenario.yaml that does not parse", { "scenario.yaml": "name: [unclosed\n" }, /scenario\.yaml: not valid YAML: /],
    ["a cluster object without a name", { "scenario.yaml": "name: x\n", "cluster/a.yaml": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {namespace: x}\n" }, /cluster\/a\.yaml: items\[0\]\.metadata\.name: expected a string, got undefined/],
    ["a bad document among several", { "scenario.yaml": "name: x\n", "cluster/b.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: 7}\n" }, /cluster\/b\.yaml: document 2\.metadata\.name: expected a string, got 7/],
    ["containers.json that is not JSON", { "scenario.yaml": "name: x\n", "docker/containers.json": "[{" }, /docker\/containers\.json: not valid JSON: /],
    ["a port binding whose HostPort is a number", { "scenario.yaml": "name: x\n", "docker/containers.json": '[{"Name":"/a","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":8080}]}}}]' }, /docker\/containers\.json: \[0\]\.HostConfig\.PortBindings\["80\/tcp"\]\[0\]\.HostPort: expected a string, got 8080/],
    ["a listener without a port", { "scenario.yaml": "name: x\n", "host/listeners.yaml": "- {address: 0.0.0.0}\n" }, /host\/listeners\.yaml: \[0\]\.port: expected a number, got undefined/],
    ["a listener start time that is no time", { "scenario.yaml": "name: x\n", "host/listeners.yaml": "- {address: 127.0.0.1, port: 8080, startedAt: yesterday}\n" }, /host\/listeners\.yaml: \[0\]\.startedAt: expected an RFC 3339 time, got "yesterday"/],
  ])("names the file and the field for %s", async (_what, files, message) => {
    const dir = await scenarioDir(files);
    try {
      const err = await loadScenario(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "ScenarioError", code: "NETDOCTOR_SCENARIO" });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain("\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing directory in one line", async () => {
    const err = await loadScenario("/nonexistent/netdoctor-scenario").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NETDOCTOR_SCENARIO", message: "/nonexistent/netdoctor-scenario: no such scenario directory" });
  });
});

describe("resolveScenario", () => {
  it("takes a bare name as a built-in scenario and anything with a slash as a path", () => {
    expect(resolveScenario("k3d-openchoreo-healthy", "/pkg/fixtures/scenarios")).toBe("/pkg/fixtures/scenarios/k3d-openchoreo-healthy");
    expect(resolveScenario("./my-scenario", "/pkg/fixtures/scenarios")).toBe(path.resolve("my-scenario"));
    expect(resolveScenario(DEMO, "/pkg")).toBe(DEMO);
  });
});
