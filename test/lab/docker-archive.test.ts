/**
 * Files inside containers through the Engine API's archive endpoint
 * (`GET|HEAD /containers/{id}/archive?path=…`): the lab's Docker stand-in
 * serves docker/files.yaml as a daemon does — proven with the real `docker
 * cp CONTAINER:PATH -` (skipped without a docker CLI) — and the live Docker
 * source reads a file through it (tar parsed with the `tar` library).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDockerApi, type DockerApi } from "../../src/lab/docker-api.js";
import { archiveOfFile, fileFromArchive, PATH_STAT_HEADER } from "../../src/sources/archive.js";
import { createDockerSource } from "../../src/sources/live/docker.js";
import type { ContainerInspect } from "../../src/sources/types.js";

/** values.yaml as k3d v5 writes it for `k3d cluster create dev --agents 2 -p "8080:80@agent:0"` (docs/facts/k3d-serverlb.md). */
const VALUES_YAML = "ports:\n  6443.tcp:\n  - k3d-dev-server-0\n  80.tcp:\n  - k3d-dev-agent-0\nsettings:\n  workerConnections: 1024\n";
const SERVERLB_ID = "4f1c2e9a7b3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6";

const serverlb: ContainerInspect = {
  Id: SERVERLB_ID,
  Name: "/k3d-dev-serverlb",
  Created: "2026-03-04T08:20:35.000000000Z",
  State: { Status: "running", Running: true, StartedAt: "2026-03-04T08:20:38.000000000Z" },
  Config: { Image: "ghcr.io/k3d-io/k3d-proxy:5.6.0", Labels: { app: "k3d", "k3d.cluster": "dev", "k3d.role": "loadbalancer" } },
  HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] } },
  NetworkSettings: { Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] } },
};

let dir: string;
let api: DockerApi;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "nd-archive-"));
  api = await startDockerApi({ containers: [serverlb], networks: [], top: {}, files: { "k3d-dev-serverlb": { "/etc/confd/values.yaml": VALUES_YAML } } }, path.join(dir, "docker.sock"));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;

/** Whether a docker CLI is on PATH (the CLI cases are skipped without one). */
function hasDockerCli(): boolean {
  try {
    execFileSync("docker", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs the docker CLI against the stand-in; stdout as bytes (`docker cp … -` writes a tar archive). */
function docker(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const home = path.join(dir, "home");
    const child = spawn("docker", args, { env: { PATH: process.env.PATH, HOME: home, DOCKER_CONFIG: path.join(home, ".docker"), DOCKER_HOST: api.host }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
  });
}

describe.skipIf(!hasDockerCli())("the real docker CLI against the Docker stand-in's archive endpoint", () => {
  it("docker cp CONTAINER:/etc/confd/values.yaml - writes a tar archive holding the file", async () => {
    const r = await docker(["cp", "k3d-dev-serverlb:/etc/confd/values.yaml", "-"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const f = await fileFromArchive(r.stdout);
    expect(f).toMatchObject({ kind: "file", name: "values.yaml" });
    expect(f.kind === "file" && f.content.toString("utf8")).toBe(VALUES_YAML);
  });

  it("docker cp by container id prefix reads the same file", async () => {
    const r = await docker(["cp", `${SERVERLB_ID.slice(0, 12)}:/etc/confd/values.yaml`, "-"]);
    expect(r.code).toBe(0);
    const f = await fileFromArchive(r.stdout);
    expect(f.kind === "file" && f.content.toString("utf8")).toBe(VALUES_YAML);
  });

  it("docker cp of a file the container does not have fails with the daemon's message", async () => {
    const r = await docker(["cp", "k3d-dev-serverlb:/etc/nginx/nginx.conf", "-"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Could not find the file /etc/nginx/nginx.conf in container k3d-dev-serverlb");
  });

  it("docker cp from a container that does not exist names it", async () => {
    const r = await docker(["cp", "k3d-nope-serverlb:/etc/confd/values.yaml", "-"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("No such container: k3d-nope-serverlb");
  });
});

describe("the live Docker source reads a file inside a container", () => {
  it("returns the content of /etc/confd/values.yaml through the archive endpoint", async () => {
    const docker = createDockerSource({ host: api.host });
    await expect(docker.file!(SERVERLB_ID, "/etc/confd/values.yaml", signal())).resolves.toBe(VALUES_YAML);
  });

  it("asks the daemon once per container and path in a run", async () => {
    const docker = createDockerSource({ host: api.host });
    const before = api.requests();
    const [a, b] = await Promise.all([docker.file!(SERVERLB_ID, "/etc/confd/values.yaml", signal()), docker.file!(SERVERLB_ID, "/etc/confd/values.yaml", signal())]);
    expect(a).toBe(b);
    await docker.file!(SERVERLB_ID, "/etc/confd/values.yaml", signal());
    expect(api.requests() - before).toBe(1);
  });

  it("reports a missing file and a missing container as not-found", async () => {
    const docker = createDockerSource({ host: api.host });
    await expect(docker.file!(SERVERLB_ID, "/etc/nginx/nginx.conf", signal())).rejects.toMatchObject({ name: "SourceError", code: "not-found", message: expect.stringContaining("Could not find the file /etc/nginx/nginx.conf") });
    await expect(docker.file!("k3d-nope-serverlb", "/etc/confd/values.yaml", signal())).rejects.toMatchObject({ code: "not-found", message: expect.stringContaining("No such container") });
  });

  describe("against an engine that answers otherwise", () => {
    let server: Server;
    let sock: string;
    let answer: (res: import("node:http").ServerResponse) => void = () => undefined;
    beforeAll(async () => {
      sock = path.join(dir, "odd.sock");
      server = createServer((req, res) => answer(res));
      await new Promise<void>((resolve) => server.listen(sock, resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("reports a path that is a directory as unsupported", async () => {
      answer = (res) => {
        const dirBlock = Buffer.alloc(512);
        // A directory entry first, as the daemon answers for `path=/etc/confd`.
        new Header({ path: "confd/", mode: 0o755, size: 0, mtime: new Date(0), type: "Directory" }).encode(dirBlock, 0);
        res.writeHead(200, { "Content-Type": "application/x-tar", [PATH_STAT_HEADER]: "e30=" });
        res.end(Buffer.concat([dirBlock, Buffer.alloc(1024)]));
      };
      await expect(createDockerSource({ host: `unix://${sock}` }).file!("x", "/etc/confd", signal())).rejects.toMatchObject({ code: "unsupported", message: expect.stringContaining("not a regular file (Directory)") });
    });

    it("reports an answer that is no tar archive as an error naming the endpoint", async () => {
      answer = (res) => {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html>not docker</html>".padEnd(1024, " "));
      };
      await expect(createDockerSource({ host: `unix://${sock}` }).file!("x", "/etc/confd/values.yaml", signal())).rejects.toMatchObject({ code: "error", message: expect.stringContaining("GET /containers/x/archive gave no tar archive") });
    });

    it("reports a daemon that never answers as a timeout of the per-request limit, not a hang", async () => {
      answer = () => undefined; // accepts, sends nothing
      await expect(createDockerSource({ host: `unix://${sock}`, requestTimeoutMs: 50 }).file!("x", "/etc/confd/values.yaml", signal())).rejects.toMatchObject({ code: "timeout", message: expect.stringContaining("did not answer within") });
    });
  });

  it("round-trips a file through the archive writer and reader", async () => {
    const body = Buffer.from(VALUES_YAML.repeat(20));
    await expect(fileFromArchive(archiveOfFile("values.yaml", body, 0o744, new Date(0)))).resolves.toEqual({ kind: "file", name: "values.yaml", content: body });
  });
});

