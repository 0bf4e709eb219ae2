import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKubeSource, listHeadMetadata, loadKubeconfig } from "../../src/sources/live/kube.js";

const signal = () => new AbortController().signal;
const TOKEN = "lab-token-123";

function kubeconfig(dir: string, server: string, opts: { name?: string; context?: string; current?: string; file?: string } = {}): string {
  const name = opts.name ?? "k3d-openchoreo";
  const file = join(dir, opts.file ?? "kubeconfig");
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${name}`,
      "  cluster:",
      `    server: ${server}`,
      "users:",
      `- name: admin@${name}`,
      "  user:",
      `    token: ${TOKEN}`,
      "contexts:",
      `- name: ${opts.context ?? name}`,
      "  context:",
      `    cluster: ${name}`,
      `    user: admin@${name}`,
      opts.current === "" ? "" : `current-context: ${opts.current ?? opts.context ?? name}`,
      "",
    ].join("\n"),
  );
  return file;
}

const svc = (ns: string, name: string) => ({
  metadata: { name, namespace: ns, uid: `uid-${name}`, resourceVersion: "101", creationTimestamp: "2024-05-01T10:00:00Z", labels: { app: name } },
  spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }], futureField: { kept: true } },
  status: { loadBalancer: { ingress: [{ ip: "172.19.0.3", ipMode: "VIP" }] } },
});

describe("live kube source", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  /** A tiny API server: answers by path, records every request. */
  async function apiServer(handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void) {
    const requests: { path: string; query: Record<string, string>; auth?: string }[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization });
      handler(req, res, url);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const dir = mkdtempSync(join(tmpdir(), "nd-kube-"));
    const server_ = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return { requests, server: server_, file: kubeconfig(dir, server_), dir };
  }
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const status = (code: number, reason: string, message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });

  it("lists a kind across pages, as plain JSON with apiVersion, kind and string timestamps", async () => {
    const api = await apiServer((_req, res, url) => {
      if (url.pathname !== "/api/v1/services") return json(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
      if (!url.searchParams.get("continue")) return json(res, 200, { kind: "ServiceList", apiVersion: "v1", metadata: { resourceVersion: "200", continue: "page2" }, items: [svc("a", "one")] });
      json(res, 200, { kind: "ServiceList", apiVersion: "v1", metadata: { resourceVersion: "200" }, items: [svc("b", "two")] });
    });
    const kube = createKubeSource({ kubeconfig: api.file, pageSize: 1 });
    const services = await kube.list("services", signal());
    expect(services).toEqual([
      { apiVersion: "v1", kind: "Service", ...svc("a", "one") },
      { apiVersion: "v1", kind: "Service", ...svc("b", "two") },
    ]);
    expect(services[0]!.metadata.creationTimestamp).toBe("2024-05-01T10:00:00Z");
    expect(Object.getPrototypeOf(services[0])).toBe(Object.prototype);
    expect(api.requests.map((r) => [r.query.limit, r.query.continue])).toEqual([
      ["1", undefined],
      ["1", "page2"],
    ]);
    expect(api.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(kube.stats()).toEqual({ requests: 2, byKind: { services: 2 } });
  });

  it("pages through a list whose answers put the items before the metadata", async () => {
    // Not kube-apiserver's layout (metadata first), but valid JSON: the continue token is then taken from the decoded answer.
    const page = (items: unknown[], meta: Record<string, string>) => `{"kind":"ServiceList","apiVersion":"v1","items":${JSON.stringify(items)},"metadata":${JSON.stringify(meta)}}`;
    const api = await apiServer((_req, res, url) => {
      res.writeHead(200, { "content-type": "application/json" });
      const cont = url.searchParams.get("continue");
      if (!cont) return res.end(page([svc("a", "one")], { resourceVersion: "200", continue: "page2" }));
      if (cont === "page2") return res.end(page([svc("b", "two")], { resourceVersion: "200", continue: "page3" }));
      res.end(page([svc("c", "three")], { resourceVersion: "200" }));
    });
    const kube = createKubeSource({ kubeconfig: api.file, pageSize: 1 });
    const services = await kube.list("services", signal());
    expect(services.map((s) => s.metadata.name)).toEqual(["one", "two", "three"]);
    expect(api.requests.map((r) => r.query.continue)).toEqual([undefined, "page2", "page3"]);
  });

  it("reads a list answer's continue token from its head, and nothing from a head that is not one", () => {
    expect(listHeadMetadata('{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"abc"},"items":[{"metadata":{"name":"p"}}]}')).toEqual({ continue: "abc" });
    expect(listHeadMetadata('{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]}')).toEqual({});
    expect(listHeadMetadata('{"kind":"PodList","apiVersion":"v1","items":[],"metadata":{"continue":"abc"}}')).toBeUndefined();
    expect(listHeadMetadata('{"items":[{"spec":{"x":1,"items":[]}}],"metadata":{}}')).toBeUndefined();
    expect(listHeadMetadata("not json")).toBeUndefined();
  });

  it("fails a list whose page is not JSON with one line, while the next page is already asked for", async () => {
    const api = await apiServer((_req, res, url) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (!url.searchParams.get("continue")) return res.end('{"kind":"ServiceList","apiVersion":"v1","metadata":{"continue":"page2"},"items":[{"metadata":{"name":"x"}} oops');
      res.end('{"kind":"ServiceList","apiVersion":"v1","metadata":{},"items":[]}');
    });
    const kube = createKubeSource({ kubeconfig: api.file, pageSize: 1 });
    await expect(kube.list("services", signal())).rejects.toMatchObject({ name: "SourceError", message: "list services/v1: the API server answered something that is not JSON" });
  });

  it("fetches a kind once: concurrent and later callers share one request", async () => {
    const api = await apiServer((_req, res) => json(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: [] }));
    const kube = createKubeSource({ kubeconfig: api.file });
    const [a, b] = await Promise.all([kube.list("pods", signal()), kube.list("pods", signal())]);
    await kube.list("pods", signal());
    expect(a).toBe(b);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.path).toBe("/api/v1/pods");
  });

  it.each([
    ["endpointslices", "/apis/discovery.k8s.io/v1/endpointslices", "EndpointSlice", "discovery.k8s.io/v1"],
    ["deployments", "/apis/apps/v1/deployments", "Deployment", "apps/v1"],
    ["ingressclasses", "/apis/networking.k8s.io/v1/ingressclasses", "IngressClass", "networking.k8s.io/v1"],
    ["networkpolicies", "/apis/networking.k8s.io/v1/networkpolicies", "NetworkPolicy", "networking.k8s.io/v1"],
    ["customresourcedefinitions", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "CustomResourceDefinition", "apiextensions.k8s.io/v1"],
    ["httproutes", "/apis/gateway.networking.k8s.io/v1/httproutes", "HTTPRoute", "gateway.networking.k8s.io/v1"],
    ["referencegrants", "/apis/gateway.networking.k8s.io/v1beta1/referencegrants", "ReferenceGrant", "gateway.networking.k8s.io/v1beta1"],
    ["helmcharts", "/apis/helm.cattle.io/v1/helmcharts", "HelmChart", "helm.cattle.io/v1"],
    ["nodes", "/api/v1/nodes", "Node", "v1"],
  ] as const)("lists %s at %s", async (kind, path, kindName, apiVersion) => {
    const api = await apiServer((_req, res, url) =>
      url.pathname === path ? json(res, 200, { metadata: {}, items: [{ metadata: { name: "x", creationTimestamp: "2025-01-02T03:04:05Z" } }] }) : json(res, 404, status(404, "NotFound", "not found")),
    );
    const [item] = await createKubeSource({ kubeconfig: api.file }).list(kind, signal());
    expect(item).toMatchObject({ apiVersion, kind: kindName, metadata: { name: "x", creationTimestamp: "2025-01-02T03:04:05Z" } });
  });

  it("reports 403 as forbidden with the API server's reason", async () => {
    const api = await apiServer((_req, res) =>
      json(res, 403, status(403, "Forbidden", 'services is forbidden: User "dev" cannot list resource "services" in API group "" at the cluster scope')),
    );
    await expect(createKubeSource({ kubeconfig: api.file }).list("services", signal())).rejects.toMatchObject({
      name: "SourceError",
      code: "forbidden",
      message: 'services is forbidden (403): User "dev" cannot list resource "services" in API group "" at the cluster scope',
    });
  });

  it("reports a kind the API server does not serve (CRD absent) as not-found", async () => {
    const api = await apiServer((_req, res) => json(res, 404, status(404, "NotFound", "the server could not find the requested resource")));
    await expect(createKubeSource({ kubeconfig: api.file }).list("gateways", signal())).rejects.toMatchObject({
      code: "not-found",
      message: "gateways.gateway.networking.k8s.io/v1 is not served by the API server (404)",
    });
  });

  it("reports 401 as unauthorized", async () => {
    const api = await apiServer((_req, res) => json(res, 401, status(401, "Unauthorized", "Unauthorized")));
    await expect(createKubeSource({ kubeconfig: api.file }).version(signal())).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("reads and memoises the version", async () => {
    const api = await apiServer((_req, res) => json(res, 200, { major: "1", minor: "31", gitVersion: "v1.31.5+k3s1", platform: "linux/amd64" }));
    const kube = createKubeSource({ kubeconfig: api.file });
    expect((await kube.version(signal())).gitVersion).toBe("v1.31.5+k3s1");
    await kube.version(signal());
    expect(api.requests.map((r) => r.path)).toEqual(["/version"]);
    expect(kube.info()).toEqual({ context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: api.server, namespace: "default" });
  });

  it("GETs through the service proxy and returns a non-2xx answer as an answer", async () => {
    const api = await apiServer((req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end(`no healthy upstream from ${req.url}`);
    });
    const r = await createKubeSource({ kubeconfig: api.file }).serviceProxy("openchoreo-control-plane", "openchoreo-api", 8080, "/healthz/ready?verbose=1", signal());
    expect(r).toEqual({ status: 503, body: "no healthy upstream from /api/v1/namespaces/openchoreo-control-plane/services/openchoreo-api:8080/proxy/healthz/ready?verbose=1" });
  });

  it("reports the API server refusing the service proxy (RBAC) as forbidden", async () => {
    const api = await apiServer((_req, res) => json(res, 403, status(403, "Forbidden", 'services "x" is forbidden: User "dev" cannot get resource "services/proxy"')));
    await expect(createKubeSource({ kubeconfig: api.file }).serviceProxy("ns", "x", 80, "/", signal())).rejects.toMatchObject({ code: "forbidden" });
  });

  it("reports a closed API port as unreachable in one line", async () => {
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const file = kubeconfig(mkdtempSync(join(tmpdir(), "nd-kube-")), `http://127.0.0.1:${port}`);
    await expect(createKubeSource({ kubeconfig: file }).list("services", signal())).rejects.toMatchObject({
      code: "unreachable",
      message: `cannot reach the API server at http://127.0.0.1:${port}: connection refused`,
    });
  });

  it("reports an API server that never answers as a timeout", async () => {
    const api = await apiServer(() => undefined);
    await expect(createKubeSource({ kubeconfig: api.file, requestTimeoutMs: 200 }).list("services", signal())).rejects.toMatchObject({ code: "timeout" });
  });

  it("honours the run's abort signal", async () => {
    const api = await apiServer(() => undefined);
    const ac = new AbortController();
    const pending = createKubeSource({ kubeconfig: api.file }).list("services", ac.signal);
    setImmediate(() => ac.abort());
    await expect(pending).rejects.toMatchObject({ code: "timeout" });
  });
});

describe("kubeconfig loading", () => {
  const dir = () => mkdtempSync(join(tmpdir(), "nd-kcfg-"));

  it("merges KUBECONFIG files as kubectl does: missing files skipped, first current-context and first name win", () => {
    const d = dir();
    const a = kubeconfig(d, "http://127.0.0.1:1", { name: "kind-dev", file: "a" });
    const b = kubeconfig(d, "http://127.0.0.1:2", { name: "k3d-openchoreo", file: "b" });
    const c = kubeconfig(d, "http://127.0.0.1:3", { name: "kind-dev", file: "c" });
    const env = { KUBECONFIG: [join(d, "missing"), a, b, c].join(":"), HOME: d };
    expect(loadKubeconfig({ env })).toMatchObject({ contextName: "kind-dev", cluster: { server: "http://127.0.0.1:1" }, files: [a, b, c] });
    expect(loadKubeconfig({ env, context: "k3d-openchoreo" })).toMatchObject({ cluster: { server: "http://127.0.0.1:2" } });
  });

  it("reads ~/.kube/config when neither --kubeconfig nor KUBECONFIG is set", () => {
    const d = dir();
    mkdirSync(join(d, ".kube"));
    kubeconfig(join(d, ".kube"), "https://0.0.0.0:6550", { file: "config" });
    expect(createKubeSource({ env: { HOME: d } }).info()).toEqual({ context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: "https://0.0.0.0:6550", namespace: "default" });
  });

  it("resolves certificate paths relative to the kubeconfig that names them", () => {
    const d = dir();
    const file = join(d, "kc");
    writeFileSync(
      file,
      "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', certificate-authority: ca.crt}}]\nusers: [{name: u, user: {client-certificate: certs/u.crt, client-key: /abs/u.key}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: dev}}]\ncurrent-context: x\n",
    );
    const loaded = loadKubeconfig({ kubeconfig: file });
    expect(loaded.cluster["certificate-authority"]).toBe(join(d, "ca.crt"));
    expect(loaded.user).toEqual({ "client-certificate": join(d, "certs/u.crt"), "client-key": "/abs/u.key" });
    expect(loaded.namespace).toBe("dev");
  });

  const cases: { name: string; setup: (d: string) => { kubeconfig?: string; context?: string; env?: NodeJS.ProcessEnv }; message: (d: string) => string }[] = [
    {
      name: "an unknown context",
      setup: (d) => ({ kubeconfig: kubeconfig(d, "http://127.0.0.1:1"), context: "foo" }),
      message: (d) => `context "foo" not found in kubeconfig ${join(d, "kubeconfig")} (contexts: k3d-openchoreo)`,
    },
    {
      name: "a malformed file",
      setup: (d) => {
        writeFileSync(join(d, "bad"), "clusters: [\n  - name: x\n  oops: {\n");
        return { kubeconfig: join(d, "bad") };
      },
      message: (d) => `kubeconfig ${join(d, "bad")} is not valid YAML: `,
    },
    {
      name: "a missing --kubeconfig file",
      setup: (d) => ({ kubeconfig: join(d, "nope") }),
      message: (d) => `cannot read kubeconfig ${join(d, "nope")}: no such file`,
    },
    {
      name: "no current context",
      setup: (d) => ({ kubeconfig: kubeconfig(d, "http://127.0.0.1:1", { current: "" }) }),
      message: (d) => `no current context in kubeconfig ${join(d, "kubeconfig")} (contexts: k3d-openchoreo): pass --context`,
    },
    {
      name: "no kubeconfig at all",
      setup: (d) => ({ env: { HOME: d } }),
      message: (d) => `no kubeconfig: ${join(d, ".kube", "config")} does not exist; set KUBECONFIG or pass --kubeconfig`,
    },
  ];
  it.each(cases)("reports $name as invalid-config in one line", async ({ setup, message }) => {
    const d = dir();
    const kube = createKubeSource(setup(d));
    let err: { code?: string; message?: string } | undefined;
    try {
      kube.info();
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).toBe("invalid-config");
    expect(err?.message).toContain(message(d));
    expect(err?.message).not.toContain("\n");
    await expect(kube.list("services", signal())).rejects.toMatchObject({ code: "invalid-config" });
  });
});
