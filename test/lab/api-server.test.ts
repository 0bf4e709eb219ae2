import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario, type Scenario } from "../../src/lab/scenario.js";
import { criticalPathLength, startApiServer, type ApiServer } from "../../src/lab/api-server.js";
import { DEMO, kube } from "./helpers.js";

let scenario: Scenario;
let api: ApiServer;
const config = (s: Scenario) => ({ objects: s.objects, latencyMs: 0, forbid: s.apiServer.forbid, serviceProxy: s.serviceProxy, logsRoot: s.dir });

beforeAll(async () => {
  scenario = await loadScenario(DEMO);
  api = await startApiServer(config(scenario));
});
afterAll(async () => {
  await api.close();
});

describe("discovery", () => {
  it("serves /version, /api, /apis and APIResourceLists with short names", async () => {
    expect((await kube(api, "GET", "/version")).json).toMatchObject({ major: "1", minor: "31", gitVersion: "v1.31.5+k3s1" });
    expect((await kube(api, "GET", "/api")).json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await kube(api, "GET", "/apis")).json;
    const gw = groups.groups.find((g: { name: string }) => g.name === "gateway.networking.k8s.io");
    expect(gw.preferredVersion).toEqual({ groupVersion: "gateway.networking.k8s.io/v1", version: "v1" });
    const core = (await kube(api, "GET", "/api/v1")).json;
    expect(core.resources.find((r: { name: string }) => r.name === "services")).toMatchObject({ singularName: "service", namespaced: true, kind: "Service", shortNames: ["svc"] });
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(["pods/log", "services/proxy", "namespaces", "nodes"]));
    const gwv1 = (await kube(api, "GET", "/apis/gateway.networking.k8s.io/v1")).json;
    expect(gwv1.resources.find((r: { name: string }) => r.name === "gateways")).toMatchObject({ kind: "Gateway", shortNames: ["gtw"], namespaced: true });
    const apps = (await kube(api, "GET", "/apis/apps/v1")).json;
    expect(apps.resources.find((r: { name: string }) => r.name === "daemonsets").shortNames).toEqual(["ds"]);
  });

  it("answers 404 for a CRD group the scenario does not install", async () => {
    const bare = await startApiServer({ ...config(scenario), objects: scenario.objects.filter((o) => !o.apiVersion!.startsWith("gateway.networking.k8s.io") && o.kind !== "CustomResourceDefinition") });
    try {
      const groups = (await kube(bare, "GET", "/apis")).json.groups.map((g: { name: string }) => g.name);
      expect(groups).not.toContain("gateway.networking.k8s.io");
      const r = await kube(bare, "GET", "/apis/gateway.networking.k8s.io/v1/httproutes");
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ kind: "Status", reason: "NotFound", message: "the server could not find the requested resource", code: 404 });
    } finally {
      await bare.close();
    }
  });
});

describe("list and get", () => {
  it("lists cluster-wide and per namespace as <Kind>List without per-item kind", async () => {
    const all = (await kube(api, "GET", "/api/v1/services")).json;
    expect(all.kind).toBe("ServiceList");
    expect(all.apiVersion).toBe("v1");
    expect(all.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(all.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["kubernetes", "gateway-default", "openchoreo-api"]);
    expect(all.items[0].kind).toBeUndefined();
    const demo = (await kube(api, "GET", "/api/v1/namespaces/demo/services")).json;
    expect(demo.items).toHaveLength(2);
    const routes = (await kube(api, "GET", "/apis/gateway.networking.k8s.io/v1beta1/httproutes")).json;
    expect(routes.kind).toBe("HTTPRouteList");
    expect(routes.items[0]).toMatchObject({ apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "HTTPRoute" });
  });

  it("gets namespaced and cluster-scoped objects, and words 404s as the API server does", async () => {
    expect((await kube(api, "GET", "/api/v1/namespaces/demo/services/openchoreo-api")).json).toMatchObject({ apiVersion: "v1", kind: "Service", spec: { clusterIP: "10.43.57.201" } });
    expect((await kube(api, "GET", "/api/v1/nodes/k3d-demo-server-0")).json.kind).toBe("Node");
    const miss = await kube(api, "GET", "/api/v1/namespaces/demo/services/nope");
    expect(miss.status).toBe(404);
    expect(miss.json).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'services "nope" not found', reason: "NotFound", details: { name: "nope", kind: "services" }, code: 404 });
    const hr = await kube(api, "GET", "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/nope");
    expect(hr.json.message).toBe('httproutes.gateway.networking.k8s.io "nope" not found');
  });

  it.each([
    ["app.kubernetes.io/component=api-server", ["openchoreo-api"]],
    ["app.kubernetes.io/component==api-server", ["openchoreo-api"]],
    ["app.kubernetes.io/component!=api-server", ["kubernetes", "gateway-default"]],
    ["kgateway in (kube-gateway,other)", ["gateway-default"]],
    ["kgateway notin (kube-gateway)", ["kubernetes", "openchoreo-api"]],
    ["provider", ["kubernetes"]],
    ["!provider,!kgateway", ["openchoreo-api"]],
  ])("filters by labelSelector %s", async (sel, names) => {
    const r = (await kube(api, "GET", `/api/v1/services?labelSelector=${encodeURIComponent(sel)}`)).json;
    expect(r.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(names);
  });

  it("filters by fieldSelector and rejects unsupported field labels", async () => {
    const r = (await kube(api, "GET", `/api/v1/services?fieldSelector=${encodeURIComponent("metadata.name=openchoreo-api")}`)).json;
    expect(r.items.map((s: { metadata: { namespace: string } }) => s.metadata.namespace)).toEqual(["demo"]);
    const ns = (await kube(api, "GET", `/api/v1/services?fieldSelector=${encodeURIComponent("metadata.namespace!=demo")}`)).json;
    expect(ns.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["kubernetes"]);
    const bad = await kube(api, "GET", `/api/v1/services?fieldSelector=spec.type%3DLoadBalancer`);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe("field label not supported: spec.type");
  });

  it("pages with limit and an opaque continue token", async () => {
    const names: string[] = [];
    let cont = "";
    let pages = 0;
    do {
      const r = (await kube(api, "GET", `/api/v1/services?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`)).json;
      names.push(...r.items.map((s: { metadata: { name: string } }) => s.metadata.name));
      cont = r.metadata.continue ?? "";
      if (pages === 0) expect(r.metadata.remainingItemCount).toBe(1);
      pages++;
    } while (cont);
    expect(pages).toBe(2);
    expect(names).toEqual(["kubernetes", "gateway-default", "openchoreo-api"]);
    expect((await kube(api, "GET", "/api/v1/services?limit=2&continue=garbage")).status).toBe(400);
  });

  it("pages a list into exactly the items of the whole list, in the byte order of namespace/name", async () => {
    const names = ["a", "a-b", "a.b", "a0", "ab", "b"];
    const pods = names.flatMap((ns) => names.map((name) => ({ apiVersion: "v1", kind: "Pod", metadata: { namespace: ns, name }, spec: { containers: [] } })));
    const paging = await startApiServer({ ...config(scenario), objects: [...scenario.objects.filter((o) => o.kind !== "Pod"), ...pods] });
    try {
      const whole = (await kube(paging, "GET", "/api/v1/pods")).json.items;
      const keys = whole.map((o: { metadata: { namespace: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`);
      expect(keys).toHaveLength(names.length ** 2);
      expect(keys).toEqual(pods.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      for (const limit of [1, 5, whole.length - 1, whole.length]) {
        const paged: unknown[] = [];
        let cont = "";
        do {
          const r = (await kube(paging, "GET", `/api/v1/pods?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`)).json;
          paged.push(...r.items);
          if (r.metadata.continue) expect(r.metadata.remainingItemCount).toBe(whole.length - paged.length);
          cont = r.metadata.continue ?? "";
        } while (cont);
        expect(paged).toEqual(whole);
      }
    } finally {
      await paging.close();
    }
  });

  it("lists an object as it is after a write, not as an earlier list served it", async () => {
    const p = "/api/v1/namespaces/demo/services/openchoreo-api";
    const labelsOf = async () => (await kube(api, "GET", "/api/v1/services")).json.items.find((s: { metadata: { name: string } }) => s.metadata.name === "openchoreo-api").metadata.labels ?? {};
    expect((await labelsOf())["listed"]).toBeUndefined();
    expect((await kube(api, "PATCH", p, { contentType: "application/merge-patch+json", body: { metadata: { labels: { listed: "after-patch" } } } })).status).toBe(200);
    expect((await labelsOf())["listed"]).toBe("after-patch");
    expect((await kube(api, "PATCH", p, { contentType: "application/merge-patch+json", body: { metadata: { labels: { listed: null } } } })).status).toBe(200);
    expect((await labelsOf())["listed"]).toBeUndefined();
  });

  it("prints Tables for services, pods and CRD kinds", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    const svc = (await kube(api, "GET", "/api/v1/namespaces/demo/services", { accept })).json;
    expect(svc.kind).toBe("Table");
    expect(svc.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
    expect(svc.rows[0].cells.slice(0, 5)).toEqual(["gateway-default", "LoadBalancer", "10.43.112.40", "172.19.0.2", "8080:30080/TCP"]);
    expect(svc.rows[0].object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { namespace: "demo" } });
    const gw = (await kube(api, "GET", "/apis/gateway.networking.k8s.io/v1/gateways", { accept })).json;
    expect(gw.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Class", "Address", "Programmed", "Age"]);
    expect(gw.rows[0].cells.slice(0, 4)).toEqual(["gateway-default", "kgateway", "172.19.0.2", "True"]);
  });
});

describe("auth, RBAC and latency", () => {
  it("answers 401 without the bearer token", async () => {
    for (const token of [null, "wrong"]) {
      const r = await kube(api, "GET", "/api/v1/services", { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ kind: "Status", reason: "Unauthorized", message: "Unauthorized", code: 401 });
    }
  });

  it("answers 403 for forbidden plurals, worded per scope", async () => {
    const all = await kube(api, "GET", "/api/v1/secrets");
    expect(all.status).toBe(403);
    expect(all.json.message).toBe('secrets is forbidden: User "system:serviceaccount:default:netdoctor" cannot list resource "secrets" in API group "" at the cluster scope');
    const one = await kube(api, "GET", "/api/v1/namespaces/demo/secrets/demo-token");
    expect(one.json.message).toBe('secrets "demo-token" is forbidden: User "system:serviceaccount:default:netdoctor" cannot get resource "secrets" in API group "" in the namespace "demo"');
    expect(one.json.reason).toBe("Forbidden");
  });

  it("counts requests per path, also under injected latency", async () => {
    const slow = await startApiServer({ ...config(scenario), latencyMs: 20 });
    try {
      await kube(slow, "GET", "/api/v1/services");
      await kube(slow, "GET", "/api/v1/services");
      await kube(slow, "GET", "/apis");
      expect(slow.stats()).toEqual({ requests: 3, byPath: { "/api/v1/services": 2, "/apis": 1 }, roundTrips: 3, maxInFlight: 1 });
    } finally {
      await slow.close();
    }
  });

  it("counts round trips as the longest chain of requests each sent after the answer before it", () => {
    // Three at once, then one after them: 2. Overlapping chains do not add up.
    expect(criticalPathLength([{ start: 0, end: 10 }, { start: 1, end: 12 }, { start: 2, end: 11 }, { start: 13, end: 20 }])).toBe(2);
    expect(criticalPathLength([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 11, end: 20 }, { start: 16, end: 30 }])).toBe(2);
    expect(criticalPathLength([{ start: 0, end: 1 }, { start: 2, end: 3 }, { start: 4, end: 5 }])).toBe(3);
    expect(criticalPathLength([])).toBe(0);
  });

  it("forgets counts and round trips on reset", async () => {
    const api2 = await startApiServer(config(scenario));
    try {
      await kube(api2, "GET", "/version");
      api2.resetStats();
      expect(api2.stats()).toEqual({ requests: 0, byPath: {}, roundTrips: 0, maxInFlight: 0 });
    } finally {
      await api2.close();
    }
  });
});

describe("writes", () => {
  it("applies merge, strategic-merge and JSON patches and bumps resourceVersion", async () => {
    const p = "/api/v1/namespaces/demo/services/gateway-default";
    const before = (await kube(api, "GET", p)).json;
    const merged = (await kube(api, "PATCH", p, { contentType: "application/merge-patch+json", body: { spec: { type: "NodePort" } } })).json;
    expect(merged.spec.type).toBe("NodePort");
    expect(Number(merged.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    const smp = (await kube(api, "PATCH", p, { contentType: "application/strategic-merge-patch+json", body: { spec: { ports: [{ port: 8080, targetPort: 8081 }, { name: "https", port: 8443 }] } } })).json;
    expect(smp.spec.ports).toEqual([
      { name: "http", port: 8080, protocol: "TCP", targetPort: 8081, nodePort: 30080 },
      // The API server defaults protocol and targetPort and allocates a nodePort for a NodePort Service's new port.
      { name: "https", port: 8443, protocol: "TCP", targetPort: 8443, nodePort: expect.any(Number) },
    ]);
    const jp = (await kube(api, "PATCH", p, { contentType: "application/json-patch+json", body: [{ op: "replace", path: "/spec/type", value: "LoadBalancer" }, { op: "remove", path: "/spec/ports/1" }] })).json;
    expect(jp.spec.type).toBe("LoadBalancer");
    expect(jp.spec.ports).toHaveLength(1);
    expect((await kube(api, "PATCH", p, { contentType: "text/plain", body: "x" })).status).toBe(415);
  });

  it("rejects a PATCH carrying a stale resourceVersion with 409 Conflict", async () => {
    const p = "/api/v1/namespaces/demo/services/openchoreo-api";
    const cur = (await kube(api, "GET", p)).json;
    const ok = await kube(api, "PATCH", p, { contentType: "application/merge-patch+json", body: { metadata: { resourceVersion: cur.metadata.resourceVersion, labels: { touched: "yes" } } } });
    expect(ok.status).toBe(200);
    const stale = await kube(api, "PATCH", p, { contentType: "application/merge-patch+json", body: { metadata: { resourceVersion: cur.metadata.resourceVersion, labels: { touched: "again" } } } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ reason: "Conflict", message: 'Operation cannot be fulfilled on services "openchoreo-api": the object has been modified; please apply your changes to the latest version and try again' });
  });

  it("creates with POST (409 AlreadyExists on repeat) and deletes with DELETE", async () => {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "probe" }, data: { a: "1" } };
    const created = await kube(api, "POST", "/api/v1/namespaces/demo/configmaps", { body });
    expect(created.status).toBe(201);
    expect(created.json.metadata).toMatchObject({ name: "probe", namespace: "demo" });
    const again = await kube(api, "POST", "/api/v1/namespaces/demo/configmaps", { body });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ reason: "AlreadyExists", message: 'configmaps "probe" already exists' });
    expect((await kube(api, "DELETE", "/api/v1/namespaces/demo/configmaps/probe")).status).toBe(200);
    expect((await kube(api, "GET", "/api/v1/namespaces/demo/configmaps/probe")).status).toBe(404);
    expect((await kube(api, "DELETE", "/api/v1/namespaces/demo/configmaps/probe")).status).toBe(404);
  });
});

describe("subresources", () => {
  it("answers the service proxy from serviceProxy, and 503 like kube-apiserver otherwise", async () => {
    const ok = await kube(api, "GET", "/api/v1/namespaces/demo/services/openchoreo-api:8080/proxy/healthz");
    expect(ok).toMatchObject({ status: 200, text: '{"status":"healthy"}' });
    expect((await kube(api, "GET", "/api/v1/namespaces/demo/services/openchoreo-api/proxy/")).status).toBe(200);
    const kubernetes = await kube(api, "GET", "/api/v1/namespaces/default/services/kubernetes:443/proxy/");
    expect(kubernetes.status).toBe(503);
    expect(kubernetes.json.message).toBe('no endpoints available for service "kubernetes"');
    const missing = await kube(api, "GET", "/api/v1/namespaces/demo/services/nope:80/proxy/");
    expect(missing.status).toBe(404);
  });

  it("serves pod logs from logs/<ns>/<pod>/<container>.log with tailLines", async () => {
    const r = await kube(api, "GET", "/api/v1/namespaces/demo/pods/openchoreo-api-7d9f8b6c5d-x2x9k/log?tailLines=1");
    expect(r.text).toBe("2025-03-01T10:12:42Z INFO ready\n");
    expect((await kube(api, "GET", "/api/v1/namespaces/demo/pods/gateway-default-5b8c9d7f6-qm2lp/log")).text).toBe("");
  });
});
