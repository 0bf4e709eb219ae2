/**
 * Lab reactions (DESIGN §8): a change reaching the API stand-in switches the
 * lab to another scenario's state, optionally only when fields of the changed
 * object hold given values. The integration cases drive the real kubectl
 * against the lab, as a user or `netdoctor fix`/`undo` would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { fieldAt, fieldsMatch, loadScenario, type Reaction } from "../../src/lab/scenario.js";
import { reactionMatches, startLab, type RunningLab } from "../../src/lab/lab.js";
import type { ApiChange } from "../../src/lab/api-server.js";
import type { KubeObject } from "../../src/kube/types.js";
import { tcp } from "../lab/helpers.js";

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "scenarios");

const service: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", labels: { "app.kubernetes.io/name": "web" } },
  spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }], allocateLoadBalancerNodePorts: false, externalName: null },
} as unknown as KubeObject;

describe("reaction field conditions", () => {
  it.each([
    ["a top-level mapping path", "spec.type", "NodePort"],
    ["a numeric segment as a list index", "spec.ports.0.nodePort", 30080],
    ["an index past the end of a list", "spec.ports.1.port", undefined],
    ["a non-numeric segment on a list", "spec.ports.first", undefined],
    ["a path through a scalar", "spec.type.name", undefined],
    ["a missing key", "spec.clusterIP", undefined],
    ["a mapping", "spec.ports.0", { port: 80, nodePort: 30080, protocol: "TCP" }],
  ])("fieldAt reads %s", (_what, p, want) => {
    expect(fieldAt(service, p)).toEqual(want);
  });

  it.each([
    [true, "every field equal", { "spec.type": "NodePort", "spec.ports.0.nodePort": 30080 }],
    [true, "a number given as a string", { "spec.ports.0.nodePort": "30080" }],
    [true, "a boolean compared as a string", { "spec.allocateLoadBalancerNodePorts": "false" }],
    [true, "null for an absent field", { "spec.clusterIP": null }],
    [true, "null for a null field", { "spec.externalName": null }],
    [true, "no conditions", {}],
    [false, "one field different", { "spec.type": "NodePort", "spec.ports.0.nodePort": 30081 }],
    [false, "an absent field", { "spec.clusterIP": "10.96.0.1" }],
    [false, "null for a present field", { "spec.type": null }],
    [false, "a mapping compared with a scalar", { "spec.ports.0": "[object Object]" }],
    [false, "a case difference", { "spec.type": "nodeport" }],
  ])("fieldsMatch is %s for %s", (want, _what, fields) => {
    expect(fieldsMatch(fields, service)).toBe(want);
  });

  const change = (over: Partial<ApiChange> = {}): ApiChange => ({ verb: "patch", apiVersion: "v1", kind: "Service", namespace: "default", name: "web", object: service, ...over });
  const reaction = (when: Reaction["when"]): Reaction => ({ when, become: "../x" });

  it.each([
    ["identity and fields all match", reaction({ verb: "patch", kind: "Service", name: "web", fields: { "spec.type": "NodePort" } }), change(), true],
    ["no condition at all", reaction({}), change(), true],
    ["the verb differs", reaction({ verb: "update", fields: { "spec.type": "NodePort" } }), change(), false],
    ["the namespace differs", reaction({ namespace: "kube-system" }), change(), false],
    ["a field differs", reaction({ verb: "patch", name: "web", fields: { "spec.type": "ClusterIP" } }), change(), false],
    ["a delete, on the object as it was", reaction({ verb: "delete", fields: { "spec.ports.0.nodePort": 30080 } }), change({ verb: "delete" }), true],
  ])("reactionMatches when %s", (_what, r, c, want) => {
    expect(reactionMatches(r, c)).toBe(want);
  });
});

describe("scenario reactions parsing", () => {
  async function withScenario(yaml: string, fn: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "nd-reactions-"));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "scenario.yaml"), yaml);
      await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("reads fields with their scalar types", async () => {
    await withScenario(
      'name: x\nreactions:\n- when: {verb: patch, kind: Service, fields: {"spec.type": NodePort, "spec.ports.0.nodePort": 30080, "spec.x": true, "spec.y": null}}\n  become: ../y\n',
      async (dir) => {
        const s = await loadScenario(dir);
        expect(s.reactions).toEqual([{ when: { verb: "patch", kind: "Service", fields: { "spec.type": "NodePort", "spec.ports.0.nodePort": 30080, "spec.x": true, "spec.y": null } }, become: "../y" }]);
      },
    );
  });

  it.each([
    ["fields that are a list", "fields: [spec.type]", /scenario\.yaml: reactions\[0\]\.when\.fields: expected a mapping, got a list$/],
    ["a field value that is a mapping", 'fields: {"spec.selector": {app: web}}', /scenario\.yaml: reactions\[0\]\.when\.fields\["spec\.selector"\]: expected a scalar \(string, number, boolean or null\), got a mapping$/],
    ["a field value that is a list", 'fields: {"spec.ports": [80]}', /reactions\[0\]\.when\.fields\["spec\.ports"\]: expected a scalar \(string, number, boolean or null\), got a list$/],
    ["a path with an empty segment", 'fields: {"spec..type": NodePort}', /reactions\[0\]\.when\.fields: expected dotted field paths such as spec\.ports\.0\.nodePort, got "spec\.\.type"$/],
    ["an unknown verb", "verb: remove", /reactions\[0\]\.when\.verb: expected one of create, update, patch, delete, got "remove"$/],
  ])("names the field for %s", async (_what, when, message) => {
    await withScenario(`name: x\nreactions:\n- when: {${when}}\n  become: ../y\n`, async (dir) => {
      const err = await loadScenario(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "ScenarioError", code: "NETDOCTOR_SCENARIO" });
      expect((err as Error).message).toMatch(message);
    });
  });
});

/** A lab on a project scenario, with a kubectl that talks to it through the lab's kubeconfig. */
function labWithKubectl(scenario: string): { lab: () => RunningLab; kubectl: (...args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }> } {
  let lab: RunningLab;
  let home: string;
  beforeAll(async () => {
    lab = await startLab(path.join(SCENARIOS, scenario));
    home = await mkdtemp(path.join(os.tmpdir(), "nd-reactions-home-"));
  });
  afterAll(async () => {
    await lab.stop();
    await rm(home, { recursive: true, force: true });
  });
  const kubectl = async (...args: string[]) => {
    const r = await execa("kubectl", ["--cache-dir", path.join(home, "cache"), ...args], {
      env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: lab.env.KUBECONFIG },
      extendEnv: false,
      reject: false,
      timeout: 30_000,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  return { lab: () => lab, kubectl };
}

/** The status line of `GET /` with the given Host on the lab's host port for `port`, or "(no answer)" when the connection ends without one. */
async function statusLine(lab: RunningLab, port: number, host: string): Promise<string> {
  const r = await tcp(lab.state.portMap[String(port)]!, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  return r.data ? r.data.split("\r\n")[0]! : "(no answer)";
}

function webService(lab: RunningLab): { type?: string; ports?: { name?: string; port: number; nodePort?: number; targetPort?: unknown }[] } {
  const o = lab.api.objects().find((x) => x.kind === "Service" && x.metadata.namespace === "default" && x.metadata.name === "web");
  return (o as unknown as { spec: ReturnType<typeof webService> }).spec;
}

describe("service-to-nodeport on kind-service-clusterip, through the real kubectl", () => {
  const { lab, kubectl } = labWithKubectl("kind-service-clusterip");

  it("switches to the fixed state only when the patched Service has type NodePort and nodePort 30080, and back on undo", async () => {
    expect(lab().scenario().name).toBe("kind-service-clusterip");
    expect(await statusLine(lab(), 8080, "localhost")).toBe("(no answer)");
    const saved = JSON.parse((await kubectl("-n", "default", "get", "service", "web", "-o", "json")).stdout) as { spec: { type: string; ports: unknown[] } };

    // A NodePort on another port does not satisfy the reaction: the lab stays broken.
    const other = await kubectl("-n", "default", "patch", "service", "web", "--type", "strategic", "-p", '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30090}]}}');
    expect(other.exitCode, other.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-service-clusterip");
    expect(webService(lab())).toMatchObject({ type: "NodePort", ports: [{ port: 80, nodePort: 30090 }] });

    const rv = (await kubectl("-n", "default", "get", "service", "web", "-o", "jsonpath={.metadata.resourceVersion}")).stdout;
    const fix = await kubectl("-n", "default", "patch", "service", "web", "--type", "strategic", "-p", JSON.stringify({ spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }, metadata: { resourceVersion: rv } }));
    expect(fix.exitCode, fix.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-service-clusterip-fixed");
    expect(lab().state.scenario).toBe("kind-service-clusterip-fixed");
    expect(await statusLine(lab(), 8080, "localhost")).toBe("HTTP/1.1 200 OK");
    expect(webService(lab())).toMatchObject({ type: "NodePort", ports: [{ port: 80, nodePort: 30080, targetPort: "http" }] });

    // netdoctor undo: a JSON merge patch of the saved spec's type and ports.
    const undo = await kubectl("-n", "default", "patch", "service", "web", "--type", "merge", "-p", JSON.stringify({ spec: { type: saved.spec.type, ports: saved.spec.ports } }));
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-service-clusterip");
    expect(webService(lab())).toMatchObject({ type: "ClusterIP" });
    expect(await statusLine(lab(), 8080, "localhost")).toBe("(no answer)");
  });
});

describe("service-to-nodeport on kind-nodeport-mismatch, through the real kubectl", () => {
  const { lab, kubectl } = labWithKubectl("kind-nodeport-mismatch");

  it("merges the nodePort into the named port, switches to the fixed state, and back when nodePort 30081 is restored", async () => {
    const fix = await kubectl("-n", "default", "patch", "service", "web", "--type", "strategic", "-p", '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}}');
    expect(fix.exitCode, fix.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-nodeport-mismatch-fixed");
    expect(webService(lab()).ports).toEqual([expect.objectContaining({ name: "http", port: 80, nodePort: 30080 })]);
    expect(await statusLine(lab(), 8080, "localhost")).toBe("HTTP/1.1 200 OK");

    // A patch that keeps nodePort 30080 (here: a label) is not the undo: no switch.
    const label = await kubectl("-n", "default", "label", "service", "web", "tier=frontend");
    expect(label.exitCode, label.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-nodeport-mismatch-fixed");

    const undo = await kubectl("-n", "default", "patch", "service", "web", "--type", "merge", "-p", '{"spec":{"type":"NodePort","ports":[{"name":"http","nodePort":30081,"port":80,"protocol":"TCP","targetPort":"http"}]}}');
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(lab().scenario().name).toBe("kind-nodeport-mismatch");
    expect(await statusLine(lab(), 8080, "localhost")).toBe("(no answer)");
  });
});

describe("remove-traefik on k3d-openchoreo-traefik-conflict, through the real kubectl", () => {
  const { lab, kubectl } = labWithKubectl("k3d-openchoreo-traefik-conflict");
  const helmCharts = (l: RunningLab) => l.api.objects().filter((o) => o.kind === "HelmChart").map((o) => o.metadata.name);

  it("switches to traefik-removed after both HelmCharts are deleted, and back when traefik is created again", async () => {
    expect(await statusLine(lab(), 8080, "api.openchoreo.localhost")).toBe("HTTP/1.1 404 Not Found");
    const saved = JSON.parse((await kubectl("-n", "kube-system", "get", "helmchart", "traefik-crd", "traefik", "-o", "json")).stdout) as { items: KubeObject[] };
    expect(saved.items.map((o) => o.metadata.name)).toEqual(["traefik-crd", "traefik"]);

    const first = await kubectl("-n", "kube-system", "delete", "helmchart", "traefik");
    expect(first.exitCode, first.stderr).toBe(0);
    expect(lab().scenario().name).toBe("k3d-openchoreo-traefik-conflict");
    const second = await kubectl("-n", "kube-system", "delete", "helmchart", "traefik-crd");
    expect(second.exitCode, second.stderr).toBe(0);
    expect(lab().scenario().name).toBe("k3d-openchoreo-traefik-removed");
    expect(helmCharts(lab())).toEqual([]);
    expect(await statusLine(lab(), 8080, "api.openchoreo.localhost")).toBe("HTTP/1.1 200 OK");
    expect(await statusLine(lab(), 8080, "unknown.openchoreo.localhost")).toBe("HTTP/1.1 404 Not Found");

    // netdoctor undo: recreate the saved objects, traefik-crd first.
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: saved.items.map((o) => {
        const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...meta } = o.metadata as Record<string, unknown>;
        return { ...o, metadata: meta, status: undefined };
      }),
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), "nd-reactions-undo-"));
    try {
      await writeFile(path.join(dir, "helmcharts.json"), JSON.stringify(list));
      // --validate=false: the API stand-in serves no /openapi documents for kubectl's client-side validation.
      const create = await kubectl("create", "--validate=false", "-f", path.join(dir, "helmcharts.json"));
      expect(create.exitCode, create.stderr).toBe(0);
      expect(create.stdout).toContain("helmchart.helm.cattle.io/traefik created");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(lab().scenario().name).toBe("k3d-openchoreo-traefik-conflict");
    expect(helmCharts(lab()).sort()).toEqual(["traefik", "traefik-crd"]);
    expect(await statusLine(lab(), 8080, "api.openchoreo.localhost")).toBe("HTTP/1.1 404 Not Found");
  });
});
