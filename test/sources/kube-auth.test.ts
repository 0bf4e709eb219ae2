/**
 * Every kubeconfig auth form kubectl supports, against the lab's API
 * stand-in: bearer token and token-file, client certificates, exec
 * credential plugins (run once, cached until expirationTimestamp, re-run
 * after a 401, killed on abort, stderr quoted on failure), oidc id-tokens,
 * proxy-url through a loopback CONNECT proxy, and a selection merged from
 * several KUBECONFIG files.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startApiServer, type ApiServer } from "../../src/lab/api-server.js";
import { clientCert, selfSignedCert, type ServingCert } from "../../src/lab/tls.js";
import type { KubeObject } from "../../src/kube/types.js";
import { createKubeSource } from "../../src/sources/live/kube.js";

const objects: KubeObject[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", uid: "ns-1", resourceVersion: "1" } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", uid: "svc-1", resourceVersion: "2" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } } as KubeObject,
];
const config = { objects, latencyMs: 0, forbid: [], serviceProxy: {}, logsRoot: null };

let tls: ServingCert;
let clientCa: ServingCert;
let api: ApiServer;
let dir: string;
const signal = () => new AbortController().signal;

beforeAll(async () => {
  tls = selfSignedCert();
  clientCa = selfSignedCert("netdoctor-lab-client-ca", "clientAuth");
  api = await startApiServer(config, { tls, clientCa: clientCa.cert });
  dir = mkdtempSync(join(tmpdir(), "nd-kube-auth-"));
});
afterAll(async () => {
  await api.close();
});

let n = 0;
/** Write a kubeconfig with one cluster (the lab), one user and one context; returns its path. */
function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const file = join(dir, `kubeconfig-${++n}`);
  writeFileSync(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "lab", cluster: { server: api.url, "certificate-authority-data": Buffer.from(api.ca).toString("base64"), ...cluster } }],
      users: [{ name: "u", user }],
      contexts: [{ name: "lab", context: { cluster: "lab", user: "u" } }],
      "current-context": "lab",
    }),
  );
  return file;
}

/** A Node script as an exec credential plugin; `body` runs with `count` (runs so far, this one included) and `counter` (its file). */
function plugin(body: string): { exec: Record<string, unknown>; runs: () => number } {
  const counter = join(dir, `runs-${++n}`);
  writeFileSync(counter, "");
  const script = join(dir, `plugin-${n}.mjs`);
  writeFileSync(
    script,
    [
      'import { appendFileSync, readFileSync } from "node:fs";',
      `const counter = ${JSON.stringify(counter)};`,
      'appendFileSync(counter, "x");',
      "const count = readFileSync(counter, 'utf8').length;",
      `const token = ${JSON.stringify(api.token)};`,
      "const credential = (status) => process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));",
      body,
    ].join("\n"),
  );
  return {
    exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [script], interactiveMode: "Never" },
    runs: () => readFileSync(counter, "utf8").length,
  };
}

describe("kubeconfig auth against the lab's API server", () => {
  it("sends the kubeconfig's bearer token, and a wrong one is unauthorized", async () => {
    expect(await createKubeSource({ kubeconfig: kubeconfig({ token: api.token }) }).list("services", signal())).toHaveLength(1);
    await expect(createKubeSource({ kubeconfig: kubeconfig({ token: "wrong" }) }).list("services", signal())).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("reads token-file, which wins over token as in client-go", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${api.token}\n`);
    expect(await createKubeSource({ kubeconfig: kubeconfig({ token: "stale", "token-file": file }) }).list("services", signal())).toHaveLength(1);
  });

  it("presents a client certificate signed by the cluster CA, from data or from files", async () => {
    const admin = clientCert(clientCa, "admin", "system:masters", "netdoctor-lab-client-ca");
    const data = { "client-certificate-data": Buffer.from(admin.cert).toString("base64"), "client-key-data": Buffer.from(admin.key).toString("base64") };
    expect(await createKubeSource({ kubeconfig: kubeconfig(data) }).list("services", signal())).toHaveLength(1);
    writeFileSync(join(dir, "admin.crt"), admin.cert);
    writeFileSync(join(dir, "admin.key"), admin.key);
    expect(await createKubeSource({ kubeconfig: kubeconfig({ "client-certificate": join(dir, "admin.crt"), "client-key": join(dir, "admin.key") }) }).list("services", signal())).toHaveLength(1);
    await expect(createKubeSource({ kubeconfig: kubeconfig({}) }).list("services", signal())).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("runs an exec plugin once for a whole run of concurrent and later reads", async () => {
    const p = plugin("credential({ token, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() });");
    const kube = createKubeSource({ kubeconfig: kubeconfig({ exec: p.exec }) });
    await Promise.all([kube.version(signal()), kube.list("services", signal()), kube.list("namespaces", signal()), kube.list("pods", signal())]);
    await kube.list("endpointslices", signal());
    expect(p.runs()).toBe(1);
  });

  it("runs the exec plugin again once its credential has expired", async () => {
    const p = plugin("credential({ token, expirationTimestamp: '2020-01-01T00:00:00Z' });");
    const kube = createKubeSource({ kubeconfig: kubeconfig({ exec: p.exec }) });
    await kube.list("services", signal());
    await kube.list("namespaces", signal());
    expect(p.runs()).toBe(2);
  });

  it("runs the exec plugin again when the API server refuses its credential (401), as client-go does", async () => {
    const p = plugin("credential({ token: count === 1 ? 'revoked' : token });");
    expect(await createKubeSource({ kubeconfig: kubeconfig({ exec: p.exec }) }).list("services", signal())).toHaveLength(1);
    expect(p.runs()).toBe(2);
  });

  it("quotes the plugin's stderr when it fails", async () => {
    const p = plugin("process.stderr.write('error: the SSO session has expired; run aws sso login\\n'); process.exit(1);");
    await expect(createKubeSource({ kubeconfig: kubeconfig({ exec: p.exec }) }).list("services", signal())).rejects.toMatchObject({
      code: "unauthorized",
      message: expect.stringMatching(/exec credential plugin .* failed \(exit 1\): error: the SSO session has expired; run aws sso login/),
    });
  });

  it("names the install hint of a plugin that is not installed", async () => {
    const exec = { apiVersion: "client.authentication.k8s.io/v1beta1", command: "netdoctor-no-such-plugin", installHint: "install it with: brew install no-such-plugin" };
    await expect(createKubeSource({ kubeconfig: kubeconfig({ exec }) }).list("services", signal())).rejects.toMatchObject({
      message: "exec credential plugin netdoctor-no-such-plugin: executable not found: install it with: brew install no-such-plugin",
    });
  });

  it("kills a hung plugin when the run aborts", async () => {
    // The plugin connects back to the test and then hangs; its socket closes when its process dies.
    const server: NetServer = createNetServer();
    const connected = new Promise<Socket>((resolve) => server.once("connection", resolve));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const p = plugin(`const { connect } = await import("node:net"); connect(${(server.address() as { port: number }).port}, "127.0.0.1"); setInterval(() => undefined, 1000);`);
    const ac = new AbortController();
    const pending = createKubeSource({ kubeconfig: kubeconfig({ exec: p.exec }) }).list("services", ac.signal);
    const socket = await connected;
    server.close();
    const closed = new Promise<void>((resolve) => {
      socket.on("close", () => resolve());
      socket.on("error", () => undefined);
      socket.resume();
    });
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: "timeout" });
    await closed;
  });

  it("sends an oidc auth-provider's id-token", async () => {
    const jwt = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.`;
    const oidcApi = await startApiServer(config, { tls, token: jwt });
    try {
      const file = join(dir, "oidc");
      writeFileSync(
        file,
        stringify({
          clusters: [{ name: "lab", cluster: { server: oidcApi.url, "certificate-authority-data": Buffer.from(oidcApi.ca).toString("base64") } }],
          users: [{ name: "u", user: { "auth-provider": { name: "oidc", config: { "id-token": jwt, "client-id": "kubernetes", "idp-issuer-url": "https://127.0.0.1:1" } } } }],
          contexts: [{ name: "lab", context: { cluster: "lab", user: "u" } }],
          "current-context": "lab",
        }),
      );
      expect(await createKubeSource({ kubeconfig: file }).list("services", signal())).toHaveLength(1);
    } finally {
      await oidcApi.close();
    }
  });

  it("refuses the gcp auth-provider in one line, as kubectl since 1.26 does", async () => {
    await expect(createKubeSource({ kubeconfig: kubeconfig({ "auth-provider": { name: "gcp", config: {} } }) }).list("services", signal())).rejects.toMatchObject({
      code: "invalid-config",
      message: expect.stringContaining("gke-gcloud-auth-plugin"),
    });
  });

  it("goes through the cluster's proxy-url (an HTTP CONNECT proxy)", async () => {
    const tunnels: string[] = [];
    const proxy: HttpServer = createHttpServer();
    const sockets = new Set<Socket>();
    proxy.on("connection", (s: Socket) => sockets.add(s));
    proxy.on("connect", (req, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        sockets.add(upstream);
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      const kube = createKubeSource({ kubeconfig: kubeconfig({ token: api.token }, { "proxy-url": proxyUrl }) });
      expect(await kube.list("services", signal())).toHaveLength(1);
      expect(tunnels).toEqual([`127.0.0.1:${api.port}`]);
    } finally {
      // Tunnelled sockets leave the server's books: close them by hand, or close() waits for the client's keep-alive.
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it("merges a selection from several KUBECONFIG files: cluster, user and context each from another file", async () => {
    const ca = Buffer.from(api.ca).toString("base64");
    const a = join(dir, "clusters.yaml");
    const b = join(dir, "users.yaml");
    const c = join(dir, "contexts.yaml");
    writeFileSync(a, stringify({ clusters: [{ name: "lab", cluster: { server: api.url, "certificate-authority-data": ca } }] }));
    writeFileSync(b, stringify({ users: [{ name: "u", user: { token: api.token } }, { name: "other", user: { token: "x" } }] }));
    writeFileSync(c, stringify({ contexts: [{ name: "lab", context: { cluster: "lab", user: "u" } }], "current-context": "lab" }));
    const env = { ...process.env, KUBECONFIG: [join(dir, "missing.yaml"), c, b, a].join(delimiter) };
    const kube = createKubeSource({ env });
    expect(kube.info()).toMatchObject({ context: "lab", cluster: "lab", server: api.url });
    expect(await kube.list("services", signal())).toHaveLength(1);
  });
});

describe("the connection to the API server", () => {
  it("carries every request of a run on one HTTP/2 session when the server offers h2, as kubectl's does", async () => {
    const { createSecureServer } = await import("node:http2");
    const cert = selfSignedCert();
    let sessions = 0;
    const streams: string[] = [];
    const server = createSecureServer({ key: cert.key, cert: cert.cert, allowHTTP1: true }, (req, res) => {
      streams.push(`${req.httpVersion} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url === "/version" ? JSON.stringify({ gitVersion: "v1.31.5+k3s1" }) : JSON.stringify({ metadata: {}, items: [] }));
    });
    const open = new Set<import("node:http2").ServerHttp2Session>();
    server.on("session", (s) => {
      sessions++;
      open.add(s);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const file = join(dir, "h2");
      const server_ = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
      writeFileSync(
        file,
        stringify({
          clusters: [{ name: "h2", cluster: { server: server_, "certificate-authority-data": Buffer.from(cert.cert).toString("base64") } }],
          users: [{ name: "u", user: { token: "t" } }],
          contexts: [{ name: "h2", context: { cluster: "h2", user: "u" } }],
          "current-context": "h2",
        }),
      );
      const kube = createKubeSource({ kubeconfig: file });
      await Promise.all([kube.version(signal()), kube.list("services", signal()), kube.list("pods", signal()), kube.list("gateways", signal())]);
      await kube.list("httproutes", signal());
      expect(sessions).toBe(1);
      expect(streams).toHaveLength(5);
      expect(streams.every((s) => s.startsWith("2.0 "))).toBe(true);
    } finally {
      const closed = new Promise((r) => server.close(r));
      for (const s of open) s.destroy();
      await closed;
    }
  });
});
