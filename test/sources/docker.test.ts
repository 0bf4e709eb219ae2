import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deriveHostAddress, resolveDockerHost } from "../../src/sources/docker-host.js";
import { createDockerSource } from "../../src/sources/live/docker.js";

const signal = () => new AbortController().signal;

describe("docker host resolution", () => {
  /** A HOME with a docker context `colima` whose endpoint is the Colima socket. */
  function homeWithContext(current: string | undefined): string {
    const home = mkdtempSync(join(tmpdir(), "nd-home-"));
    const docker = join(home, ".docker");
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, "config.json"), JSON.stringify(current ? { auths: {}, currentContext: current } : { auths: {} }));
    const dir = join(docker, "contexts", "meta", createHash("sha256").update("colima").digest("hex"));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ Name: "colima", Metadata: { Description: "colima" }, Endpoints: { docker: { Host: `unix://${home}/.colima/default/docker.sock`, SkipTLSVerify: false } } }));
    return home;
  }
  afterEach(() => vi.unstubAllEnvs());

  it("prefers --docker-host over everything", () => {
    vi.stubEnv("DOCKER_HOST", "tcp://10.0.0.5:2375");
    expect(resolveDockerHost({ flag: "ssh://me@build-box", env: process.env, home: homeWithContext("colima") })).toEqual({ host: "ssh://me@build-box", from: "flag" });
  });

  it("uses DOCKER_HOST before the docker context", () => {
    vi.stubEnv("DOCKER_HOST", "tcp://10.0.0.5:2375");
    expect(resolveDockerHost({ env: process.env, home: homeWithContext("colima") })).toEqual({ host: "tcp://10.0.0.5:2375", from: "env" });
  });

  it("uses the current docker context's endpoint when DOCKER_HOST is unset", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "");
    vi.stubEnv("DOCKER_CONFIG", "");
    const home = homeWithContext("colima");
    expect(resolveDockerHost({ env: process.env, home })).toEqual({ host: `unix://${home}/.colima/default/docker.sock`, from: "context", context: "colima" });
  });

  it("lets DOCKER_CONTEXT choose the context", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "colima");
    vi.stubEnv("DOCKER_CONFIG", "");
    const home = homeWithContext(undefined);
    expect(resolveDockerHost({ env: process.env, home }).from).toBe("context");
  });

  it("falls back to the platform socket for the default context", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "");
    vi.stubEnv("DOCKER_CONFIG", "");
    expect(resolveDockerHost({ env: process.env, home: homeWithContext("default"), platform: "linux" })).toEqual({ host: "unix:///var/run/docker.sock", from: "socket" });
  });

  it("refuses a DOCKER_CONTEXT that does not exist instead of falling back to the default socket", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "colimaa");
    vi.stubEnv("DOCKER_CONFIG", "");
    const home = homeWithContext(undefined);
    expect(() => resolveDockerHost({ env: process.env, home })).toThrow(expect.objectContaining({ code: "NETDOCTOR_USAGE", message: expect.stringMatching(/^docker context "colimaa" \(DOCKER_CONTEXT\) does not exist: no .*meta\.json; see docker context ls, or pass --docker-host$/) }));
  });

  it("refuses a current context whose meta.json is not JSON, and a config.json that is not JSON", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "");
    vi.stubEnv("DOCKER_CONFIG", "");
    const home = homeWithContext("colima");
    writeFileSync(join(home, ".docker", "contexts", "meta", createHash("sha256").update("colima").digest("hex"), "meta.json"), "{");
    expect(() => resolveDockerHost({ env: process.env, home })).toThrow(/meta\.json is not valid JSON/);
    writeFileSync(join(home, ".docker", "config.json"), "not json");
    expect(() => resolveDockerHost({ env: process.env, home })).toThrow(/config\.json is not valid JSON/);
  });

  it("refuses a context without a docker endpoint", () => {
    vi.stubEnv("DOCKER_HOST", "");
    vi.stubEnv("DOCKER_CONTEXT", "");
    vi.stubEnv("DOCKER_CONFIG", "");
    const home = homeWithContext("colima");
    writeFileSync(join(home, ".docker", "contexts", "meta", createHash("sha256").update("colima").digest("hex"), "meta.json"), JSON.stringify({ Name: "colima", Endpoints: {} }));
    expect(() => resolveDockerHost({ env: process.env, home })).toThrow(/has no docker endpoint/);
  });

  it("finds Colima's socket on macOS when it is the one that exists", () => {
    const home = mkdtempSync(join(tmpdir(), "nd-home-"));
    mkdirSync(join(home, ".colima", "default"), { recursive: true });
    writeFileSync(join(home, ".colima", "default", "docker.sock"), "");
    const r = resolveDockerHost({ env: {}, home, platform: "darwin" });
    // /var/run/docker.sock wins when this machine has one.
    expect([`unix://${home}/.colima/default/docker.sock`, "unix:///var/run/docker.sock"]).toContain(r.host);
  });

  it.each([
    ["unix:///var/run/docker.sock", "127.0.0.1"],
    ["npipe:////./pipe/docker_engine", "127.0.0.1"],
    ["tcp://192.168.64.2:2375", "192.168.64.2"],
    ["tcp://[fd00::2]:2376", "fd00::2"],
    ["ssh://dev@lima-box", "lima-box"],
    ["ssh://dev@10.1.2.3:2222", "10.1.2.3"],
  ])("derives the host address of %s as %s", (host, address) => {
    expect(deriveHostAddress(host)).toBe(address);
  });
});

describe("live docker source", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  const container = (id: string, name: string) => ({
    Id: id,
    Name: `/${name}`,
    State: { Status: "running", Running: true },
    Config: { Image: "ghcr.io/k3d-io/k3d-proxy:5.8.3", Labels: { app: "k3d" } },
    HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] } },
    NetworkSettings: { Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] }, Networks: { "k3d-openchoreo": { IPAddress: "172.19.0.3" } } },
  });

  /** A Docker Engine API stand-in on a unix socket; counts requests by path. */
  async function engine(handler?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ host: string; hits: Record<string, number> }> {
    const dir = mkdtempSync(join(tmpdir(), "nd-docker-"));
    const sock = join(dir, "docker.sock");
    const hits: Record<string, number> = {};
    const send = (res: ServerResponse, status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const server = createServer((req, res) => {
      const path = new URL(req.url!, "http://x").pathname.replace(/^\/v[\d.]+/, "");
      hits[path] = (hits[path] ?? 0) + 1;
      if (handler?.(req, res)) return;
      if (path === "/_ping") return res.end("OK");
      if (path === "/version") return send(res, 200, { Version: "27.3.1", ApiVersion: "1.47", Os: "linux" });
      if (path === "/containers/json") return send(res, 200, [{ Id: "aaa111" }, { Id: "bbb222" }, { Id: "gone333" }]);
      if (path === "/containers/aaa111/json") return send(res, 200, container("aaa111", "k3d-openchoreo-serverlb"));
      if (path === "/containers/bbb222/json") return send(res, 200, container("bbb222", "k3d-openchoreo-server-0"));
      if (path === "/containers/aaa111/top") return send(res, 200, { Titles: ["PID", "CMD"], Processes: [["1", "nginx"]] });
      if (path === "/networks") return send(res, 200, [{ Id: "net1", Name: "k3d-openchoreo" }]);
      if (path === "/networks/net1") return send(res, 200, { Id: "net1", Name: "k3d-openchoreo", IPAM: { Config: [{ Subnet: "172.19.0.0/16" }] } });
      send(res, 404, { message: `No such object: ${path}` });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(sock, r));
    return { host: `unix://${sock}`, hits };
  }

  it("lists every container, inspected, skipping one removed in between, and memoises", async () => {
    const { host, hits } = await engine();
    const docker = createDockerSource({ host });
    const [a, b] = await Promise.all([docker.containers(signal()), docker.containers(signal())]);
    expect(a).toBe(b);
    expect(a.map((c) => c.Name)).toEqual(["/k3d-openchoreo-serverlb", "/k3d-openchoreo-server-0"]);
    expect(a[0]!.NetworkSettings.Ports?.["80/tcp"]?.[0]?.HostPort).toBe("8080");
    await docker.containers(signal());
    expect(hits["/containers/json"]).toBe(1);
  });

  it("reads the version after a ping, top of a container and inspected networks", async () => {
    const { host, hits } = await engine();
    const docker = createDockerSource({ host });
    expect(docker.host()).toBe(host);
    expect((await docker.version(signal())).Version).toBe("27.3.1");
    expect(hits["/_ping"]).toBe(1);
    expect(await docker.top("aaa111", signal())).toEqual({ Titles: ["PID", "CMD"], Processes: [["1", "nginx"]] });
    expect((await docker.networks(signal()))[0]?.IPAM?.Config?.[0]?.Subnet).toBe("172.19.0.0/16");
  });

  it("reports a 404 as not-found", async () => {
    const { host } = await engine();
    await expect(createDockerSource({ host }).top("nope", signal())).rejects.toMatchObject({ name: "SourceError", code: "not-found" });
  });

  it("reports a missing socket as unreachable in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nd-docker-"));
    const host = `unix://${dir}/docker.sock`;
    await expect(createDockerSource({ host }).version(signal())).rejects.toMatchObject({
      code: "unreachable",
      message: `cannot reach the Docker daemon at ${host}: no such socket`,
    });
  });

  it.skipIf(process.getuid?.() === 0)("reports a socket it may not open as forbidden with the docker-group hint", async () => {
    const { host } = await engine();
    chmodSync(host.slice("unix://".length), 0o000);
    await expect(createDockerSource({ host }).version(signal())).rejects.toMatchObject({ code: "forbidden", message: expect.stringContaining("docker group") });
  });

  it("reports a daemon that never answers as a timeout", async () => {
    const { host } = await engine((req) => req.url!.includes("_ping"));
    await expect(createDockerSource({ host, requestTimeoutMs: 200 }).version(signal())).rejects.toMatchObject({ code: "timeout" });
  });

  it("reaches an ssh:// host through dockerode without Node's DEP0170 warning about docker-modem's URL", async () => {
    // A loopback port nobody listens on: the ssh connection is refused at once.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      await expect(createDockerSource({ host: `ssh://dev@127.0.0.1:${port}`, requestTimeoutMs: 5000 }).version(signal())).rejects.toMatchObject({ name: "SourceError" });
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).not.toContain("DEP0170");
    expect(process.noDeprecation).toBeFalsy();
  });
});
