import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import diagnostics from "node:diagnostics_channel";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LabState } from "../../src/lab/contract.js";
import { createProbeSource, LAB_GUARD_MESSAGE, readLabState } from "../../src/sources/live/probe.js";
import type { HttpProbeRequest } from "../../src/sources/types.js";

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  return listen(createHttpServer(handler) as unknown as Server);
}

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const req = (port: number, extra: Partial<HttpProbeRequest> = {}): HttpProbeRequest => ({
  scheme: "http",
  address: "127.0.0.1",
  port,
  host: "api.openchoreo.localhost:8080",
  path: "/",
  timeoutMs: 2000,
  ...extra,
});
const signal = () => new AbortController().signal;

describe("live probe source: HTTP", () => {
  const answers: { name: string; status: number; headers?: Record<string, string>; body: string; signature: string }[] = [
    { name: "a 200", status: 200, body: "ok", signature: "success" },
    { name: "a 302 redirect", status: 302, headers: { location: "/login" }, body: "", signature: "success" },
    { name: "traefik's 404", status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n", signature: "traefik-404" },
    { name: "Envoy's 404 with an empty body", status: 404, body: "", signature: "envoy-404" },
    { name: "Envoy's 503 no healthy upstream", status: 503, headers: { "content-type": "text/plain" }, body: "no healthy upstream", signature: "envoy-503-no-healthy-upstream" },
    {
      name: "Envoy's 503 upstream connect error",
      status: 503,
      body: "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111",
      signature: "envoy-503-upstream-connect-error",
    },
    { name: "Envoy Gateway's empty 500", status: 500, body: "", signature: "empty-500" },
    { name: "a 502 with a body", status: 502, body: "bad gateway", signature: "http-other" },
  ];
  it.each(answers)("classifies $name as $signature", async ({ status, headers, body, signature }) => {
    const port = await httpServer((_req, res) => {
      res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    });
    const result = await createProbeSource({ lab: null }).http(req(port), signal());
    expect(result).toMatchObject({ outcome: "http", status, signature, body });
  });

  it("sends the Host header as given and no proxy from the environment", async () => {
    vi.stubEnv("HTTP_PROXY", "http://127.0.0.1:1");
    vi.stubEnv("http_proxy", "http://127.0.0.1:1");
    let seenHost: string | undefined;
    const port = await httpServer((r, res) => {
      seenHost = r.headers.host;
      res.end("ok");
    });
    const result = await createProbeSource({ lab: null }).http(req(port, { path: "/healthz" }), signal());
    expect(result.signature).toBe("success");
    expect(seenHost).toBe("api.openchoreo.localhost:8080");
    vi.unstubAllEnvs();
  });

  it("sends the method and the -H headers in order, repeated names included, replacing its own user-agent", async () => {
    let seen: { method?: string; raw: string[] } = { raw: [] };
    const port = await httpServer((r, res) => {
      seen = { method: r.method, raw: r.rawHeaders };
      res.end("ok");
    });
    const headers = [
      { name: "Version", value: "two" },
      { name: "x-canary", value: "true" },
      { name: "x-canary", value: "again" },
      { name: "User-Agent", value: "curl/8.5.0" },
    ];
    const result = await createProbeSource({ lab: null }).http(req(port, { method: "POST", headers }), signal());
    expect(result.signature).toBe("success");
    expect(seen.method).toBe("POST");
    const pairs: string[] = [];
    for (let i = 0; i < seen.raw.length; i += 2) pairs.push(`${seen.raw[i]!.toLowerCase()}: ${seen.raw[i + 1]}`);
    expect(pairs.filter((p) => !p.startsWith("connection"))).toEqual([
      "host: api.openchoreo.localhost:8080",
      "accept: */*",
      "version: two",
      "x-canary: true",
      "x-canary: again",
      "user-agent: curl/8.5.0",
      "content-length: 0",
    ]);
  });

  it("reads at most 4 KiB of a large body", async () => {
    const port = await httpServer((_r, res) => {
      res.writeHead(200);
      res.end("x".repeat(100_000));
    });
    const result = await createProbeSource({ lab: null }).http(req(port), signal());
    expect(result.body).toHaveLength(4096);
  });

  it("counts a peer that accepts and resets at once as connected, and says it reset", async () => {
    const port = await listen(createNetServer((s) => s.resetAndDestroy()));
    const result = await createProbeSource({ lab: null }).tcp("127.0.0.1", port, 2000, signal());
    // Either the connect completed before the RST arrived, or the RST surfaced as a connect error: both mean something accepted.
    expect(result.outcome).toBe("connected");
  });

  it("reports a closed port as refused", async () => {
    const result = await createProbeSource({ lab: null }).http(req(await closedPort()), signal());
    expect(result).toMatchObject({ outcome: "refused", signature: "refused" });
  });

  it("reports a TCP reset after the request as reset", async () => {
    const port = await listen(createNetServer((s) => s.once("data", () => s.resetAndDestroy())));
    const result = await createProbeSource({ lab: null }).http(req(port), signal());
    expect(result).toMatchObject({ outcome: "reset", signature: "reset" });
  });

  it("reports a clean close without a byte as an empty reply", async () => {
    const port = await listen(createNetServer((s) => s.once("data", () => s.end())));
    const result = await createProbeSource({ lab: null }).http(req(port), signal());
    expect(result).toMatchObject({ outcome: "empty-reply", signature: "empty-reply" });
  });

  it("reports a server that accepts and never answers as a timeout", async () => {
    const port = await listen(createNetServer(() => undefined));
    const result = await createProbeSource({ lab: null }).http(req(port, { timeoutMs: 200 }), signal());
    expect(result).toMatchObject({ outcome: "timeout", signature: "timeout" });
  });

  it("reports the run's abort as a timeout", async () => {
    const port = await listen(createNetServer(() => undefined));
    const ac = new AbortController();
    const pending = createProbeSource({ lab: null }).http(req(port, { timeoutMs: 30_000 }), ac.signal);
    setImmediate(() => ac.abort());
    expect(await pending).toMatchObject({ outcome: "timeout", signature: "timeout" });
  });
});

describe("live probe source: TCP", () => {
  it("connects to a listener", async () => {
    const port = await listen(createNetServer(() => undefined));
    expect((await createProbeSource({ lab: null }).tcp("127.0.0.1", port, 2000, signal())).outcome).toBe("connected");
  });

  it("reports a closed port as refused", async () => {
    expect((await createProbeSource({ lab: null }).tcp("127.0.0.1", await closedPort(), 2000, signal())).outcome).toBe("refused");
  });
});

describe("live probe source under the lab", () => {
  const lab = (probeMap: Record<string, string>): LabState => ({
    scenario: "t",
    dir: "/tmp",
    targets: [],
    kubeconfig: "/tmp/kubeconfig",
    context: "k3d-t",
    dockerHost: "unix:///tmp/docker.sock",
    listenersFile: "/tmp/listeners.yaml",
    hostsFile: "/tmp/hosts",
    resolver: {},
    probeMap,
    loopbackOnly: true,
    portMap: {},
  });

  it("answers a node IP outside loopback as unreachable without connecting", async () => {
    const opened: unknown[] = [];
    const onSocket = (socket: unknown) => opened.push(socket);
    diagnostics.subscribe("net.client.socket", onSocket);
    const probe = createProbeSource({ lab: lab({}) });
    const http = await probe.http(req(30080, { address: "172.19.0.2" }), signal());
    const tcp = await probe.tcp("172.19.0.2", 30080, 2000, signal());
    expect(http).toMatchObject({ outcome: "unreachable", signature: "unreachable", error: LAB_GUARD_MESSAGE });
    expect(tcp).toMatchObject({ outcome: "unreachable", error: LAB_GUARD_MESSAGE });
    diagnostics.unsubscribe("net.client.socket", onSocket);
    expect(opened).toEqual([]);
  });

  it("sees client sockets through the channel the guard test watches", async () => {
    const opened: unknown[] = [];
    const onSocket = (socket: unknown) => opened.push(socket);
    diagnostics.subscribe("net.client.socket", onSocket);
    await createProbeSource({ lab: lab({}) }).tcp("127.0.0.1", await closedPort(), 2000, signal());
    diagnostics.unsubscribe("net.client.socket", onSocket);
    expect(opened).toHaveLength(1);
  });

  it("sends a mapped address to the loopback port the lab serves it on", async () => {
    const port = await httpServer((_r, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("no healthy upstream");
    });
    const probe = createProbeSource({ lab: lab({ "172.19.0.2:30080": `127.0.0.1:${port}` }) });
    expect((await probe.http(req(30080, { address: "172.19.0.2" }), signal())).signature).toBe("envoy-503-no-healthy-upstream");
    expect((await probe.tcp("172.19.0.2", 30080, 2000, signal())).outcome).toBe("connected");
  });

  it("reads the lab state from NETDOCTOR_LAB", () => {
    const dir = mkdtempSync(join(tmpdir(), "nd-lab-"));
    const file = join(dir, "lab.json");
    writeFileSync(file, JSON.stringify(lab({ "10.0.0.1:80": "127.0.0.1:1" })));
    expect(readLabState({ NETDOCTOR_LAB: file })?.probeMap).toEqual({ "10.0.0.1:80": "127.0.0.1:1" });
    expect(readLabState({})).toBeNull();
    expect(() => readLabState({ NETDOCTOR_LAB: join(dir, "missing.json") })).toThrow(/^cannot read the lab state NETDOCTOR_LAB=.*missing\.json: ENOENT$/);
  });
});
