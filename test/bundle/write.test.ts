import { describe, expect, it } from "vitest";
import { collectFrom, type BundleData } from "../../src/bundle/collect.js";
import { bundleFileName, bundleFiles, objectPath } from "../../src/bundle/write.js";
import { memorySources } from "../../src/sources/memory.js";
import { makeReport } from "../report/fixture-report.js";

const pod = (ns: string, name: string, labels: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels, managedFields: [{ manager: "k3s" }] },
  spec: { containers: [{ name: "app", env: [{ name: "API_TOKEN", value: "tok-1" }] }] },
});

async function collect(unavailable: Parameters<typeof memorySources>[0]["unavailable"] = {}) {
  const report = makeReport();
  const backend = report.paths[0]!.resolution.backend!;
  const sources = memorySources({
    unavailable,
    kube: {
      namespaces: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: backend.namespace } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "elsewhere" } }],
      services: [{ apiVersion: "v1", kind: "Service", metadata: { name: backend.name, namespace: backend.namespace }, spec: { selector: { app: "b" } } }],
      pods: [pod(backend.namespace, "b-1", { app: "b" }), pod("elsewhere", "x-1", { app: "b" })] as never,
    },
    logs: { [`${backend.namespace}/b-1/app`]: "one\ntwo\nAuthorization: Bearer abcdefgh12345678\n" },
  });
  const lines: string[] = [];
  const data = await collectFrom(sources, report, { signal: AbortSignal.timeout(5000), logLines: 2, progress: (l) => lines.push(l) });
  const full: BundleData = { ...data, run: { createdAt: "2026-01-01T00:00:00.000Z", context: "k3d-x", cluster: "x", apiServer: null, dockerHost: null, lab: null, targets: [], namespaces: data.namespaces, logLines: 2 } };
  return { data: full, lines, backend };
}

describe("collecting through the sources", () => {
  it("keeps the namespaces of the paths, drops managedFields and tails the backend pods' logs", async () => {
    const { data, backend } = await collect();
    expect(data.objects.map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toContain(`${backend.namespace}/b-1`);
    expect(data.objects.some((o) => o.metadata.name === "x-1")).toBe(false);
    expect(data.objects.every((o) => !("managedFields" in o.metadata))).toBe(true);
    expect(data.logs).toEqual([{ namespace: backend.namespace, pod: "b-1", container: "app", text: "two\nAuthorization: Bearer abcdefgh12345678\n" }]);
  });

  it("records a forbidden kind and a missing log in the manifest and goes on", async () => {
    const { data, lines } = await collect({ events: "forbidden" });
    const events = data.collectors.find((c) => c.name === "events")!;
    expect(events.status).toBe("failed");
    expect(events.errors[0]!.code).toBe("forbidden");
    expect(lines).toContainEqual(expect.stringMatching(/^could not collect events: /));
    const files = bundleFiles(data, { redact: true, flags: {} });
    const manifest = JSON.parse(files.get("manifest.json")!) as { collected: { name: string; status: string }[] };
    expect(manifest.collected.find((c) => c.name === "events")!.status).toBe("failed");
    expect(files.get("cluster/events.yaml")).toContain("items: []");
  });
});

describe("the bundle layout", () => {
  it("is the same for the same data, with sorted paths and redactions listed", async () => {
    const { data, backend } = await collect();
    const a = bundleFiles(data, { redact: true, flags: {} });
    const b = bundleFiles(data, { redact: true, flags: {} });
    expect([...a.entries()]).toEqual([...b.entries()]);
    expect([...a.keys()]).toEqual([...a.keys()].sort());
    expect(a.get(`cluster/${backend.namespace}/pods/b-1.yaml`)).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:/);
    expect(a.get(`logs/${backend.namespace}/b-1/app.log`)).toBe("two\nAuthorization: REDACTED\n");
    const r = JSON.parse(a.get("redactions.json")!) as { redactions: { file: string; path: string; rule: string }[] };
    expect(r.redactions).toContainEqual({ file: `cluster/${backend.namespace}/pods/b-1.yaml`, path: "/spec/containers/0/env/0/value", rule: "sensitive-name" });
    expect([...a.values()].some((t) => t.includes("tok-1"))).toBe(false);
    expect([...bundleFiles(data, { redact: false, flags: {} }).values()].some((t) => t.includes("tok-1"))).toBe(true);
  });

  it.each([
    [{ kind: "Service", metadata: { name: "s", namespace: "n" } }, "cluster/n/services/s.yaml"],
    [{ kind: "HTTPRoute", metadata: { name: "r", namespace: "n" } }, "cluster/n/httproutes/r.yaml"],
    [{ kind: "Node", metadata: { name: "k3d-x-server-0" } }, "cluster/_cluster/nodes/k3d-x-server-0.yaml"],
  ])("writes %j at %s", (o, path) => {
    expect(objectPath(o)).toBe(path);
  });

  it("names the file after the context and the UTC time, UNREDACTED when not redacted", () => {
    const at = new Date("2026-03-02T09:05:07.123Z");
    expect(bundleFileName("k3d-openchoreo", at, true)).toBe("netdoctor-bundle-k3d-openchoreo-20260302T090507Z.tar.gz");
    expect(bundleFileName(null, at, false)).toBe("netdoctor-bundle-none-20260302T090507Z-UNREDACTED.tar.gz");
  });
});
