/**
 * A Docker Engine API stand-in on a unix socket (DESIGN §8): `/_ping`,
 * `/version`, `/info`, `/containers/json`, `/containers/{id}/json`,
 * `/containers/{id}/top`, `/containers/{id}/archive` (GET and HEAD, the
 * files of the scenario's docker/files.yaml; what `docker cp` reads),
 * `/networks`, `/networks/{id}`, with or without a
 * `/v1.xx` prefix. Shapes follow the Engine API v1.47 reference
 * (ContainerSummary, ContainerInspectResponse, Network) and error bodies the
 * daemon's wording (`{"message":"No such container: x"}`), so the real
 * `docker` CLI and dockerode work against it.
 */
import http from "node:http";
import { rm } from "node:fs/promises";
import path from "node:path";
import { archiveOfFile, PATH_STAT_HEADER, pathStatHeader } from "../sources/archive.js";
import type { ContainerInspect, ContainerTop, NetworkInspect } from "../sources/types.js";

/** Engine API version the stand-in speaks (Docker 27.x). */
export const DOCKER_API_VERSION = "1.47";
const ENGINE_VERSION = "27.3.1";

/** What the Docker stand-in serves; replaceable while running. */
export interface DockerApiConfig {
  containers: ContainerInspect[];
  networks: NetworkInspect[];
  /** top answers by container name (no leading slash). */
  top: Record<string, ContainerTop>;
  /** Files inside containers: container name (no leading slash) → absolute path → content (`GET|HEAD /containers/{id}/archive`). */
  files?: Record<string, Record<string, string>>;
}

/** A running Docker stand-in. */
export interface DockerApi {
  /** Absolute socket path. */
  socketPath: string;
  /** `unix:///…/docker.sock`. */
  host: string;
  requests(): number;
  reconfigure(config: DockerApiConfig): void;
  close(): Promise<void>;
}

/** go-units `HumanDuration`, as `docker ps` STATUS uses it ("Up 3 hours", "About a minute"). */
export function dockerHumanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

type State = ContainerInspect["State"] & { FinishedAt?: string; Paused?: boolean; Health?: { Status?: string } };

/** The daemon's `Status` string of a container summary (daemon/list.go + container/state.go `String()`). */
export function containerStatus(state: State, now = Date.now()): string {
  const since = (t: string | undefined): number => (t && !t.startsWith("0001") ? now - Date.parse(t) : 0);
  if (state.Running) {
    if (state.Paused) return `Up ${dockerHumanDuration(since(state.StartedAt))} (Paused)`;
    if (state.Restarting) return `Restarting (${state.ExitCode ?? 0}) ${dockerHumanDuration(since(state.FinishedAt))} ago`;
    const health = state.Health?.Status && state.Health.Status !== "none" ? ` (${state.Health.Status === "starting" ? "health: starting" : state.Health.Status})` : "";
    return `Up ${dockerHumanDuration(since(state.StartedAt))}${health}`;
  }
  switch (state.Status) {
    case "created":
      return "Created";
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
    case "restarting":
      return `Restarting (${state.ExitCode ?? 0}) ${dockerHumanDuration(since(state.FinishedAt))} ago`;
    default:
      if (!state.FinishedAt || state.FinishedAt.startsWith("0001")) return "Created";
      return `Exited (${state.ExitCode ?? 0}) ${dockerHumanDuration(since(state.FinishedAt))} ago`;
  }
}

const bare = (c: ContainerInspect): string => c.Name.replace(/^\//, "");

/** ContainerSummary (`GET /containers/json`) of an inspect object. */
export function containerSummary(c: ContainerInspect): Record<string, unknown> {
  const ports: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const [key, binds] of Object.entries(c.NetworkSettings.Ports ?? c.HostConfig.PortBindings ?? {})) {
    const [p, type = "tcp"] = key.split("/");
    const priv = Number(p);
    if (!binds || binds.length === 0) {
      ports.push({ PrivatePort: priv, Type: type });
      continue;
    }
    for (const b of binds) {
      const ip = b.HostIp || "0.0.0.0";
      const id = `${ip}|${b.HostPort}|${key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      ports.push({ IP: ip, PrivatePort: priv, PublicPort: Number(b.HostPort), Type: type });
    }
  }
  // Exposed but unpublished ports (e.g. nginx's 80/tcp on k3d's serverlb) appear without PublicPort.
  for (const key of Object.keys(c.Config.ExposedPorts ?? {})) {
    if (c.NetworkSettings.Ports && key in c.NetworkSettings.Ports) continue;
    const [p, type = "tcp"] = key.split("/");
    if (!ports.some((x) => x.PrivatePort === Number(p) && x.Type === type)) ports.push({ PrivatePort: Number(p), Type: type });
  }
  const cmd = [c.Path, ...(c.Args ?? [])].filter((x) => x !== undefined && x !== "").join(" ");
  return {
    Id: c.Id,
    Names: [c.Name.startsWith("/") ? c.Name : `/${c.Name}`],
    Image: c.Config.Image ?? "",
    ImageID: (c as { Image?: string }).Image ?? "",
    Command: cmd,
    Created: c.Created ? Math.floor(Date.parse(c.Created) / 1000) : 0,
    Ports: ports,
    Labels: c.Config.Labels ?? {},
    State: c.State.Status,
    Status: containerStatus(c.State as State),
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode ?? "default" },
    NetworkSettings: { Networks: c.NetworkSettings.Networks ?? {} },
    Mounts: (c as { Mounts?: unknown[] }).Mounts ?? [],
  };
}

/** Parses `filters` (`{"label":{"a=b":true}}` or the legacy `{"label":["a=b"]}`). */
function parseFilters(raw: string | null): Record<string, string[]> {
  if (!raw) return {};
  const v = JSON.parse(raw) as Record<string, Record<string, boolean> | string[]>;
  const out: Record<string, string[]> = {};
  for (const [k, vals] of Object.entries(v)) out[k] = Array.isArray(vals) ? vals : Object.keys(vals).filter((x) => (vals as Record<string, boolean>)[x]);
  return out;
}

function labelMatch(labels: Record<string, string> | null | undefined, f: string): boolean {
  const i = f.indexOf("=");
  const l = labels ?? {};
  if (i < 0) return f in l;
  return l[f.slice(0, i)] === f.slice(i + 1);
}

function nameMatch(name: string, pattern: string): boolean {
  try {
    const re = new RegExp(pattern);
    return re.test(name) || re.test(`/${name}`);
  } catch {
    return name.includes(pattern);
  }
}

class NotFound extends Error {}

/**
 * Starts the stand-in on `socketPath` (removed first if it exists, removed on close).
 */
export async function startDockerApi(config: DockerApiConfig, socketPath: string): Promise<DockerApi> {
  let cfg = config;
  let requests = 0;
  const find = (ref: string): ContainerInspect | undefined =>
    cfg.containers.find((c) => c.Id === ref || bare(c) === ref.replace(/^\//, "")) ?? (ref.length >= 3 ? cfg.containers.filter((c) => c.Id.startsWith(ref)).at(0) : undefined);
  const findNet = (ref: string): NetworkInspect | undefined => cfg.networks.find((n) => n.Id === ref || n.Name === ref) ?? (ref.length >= 3 ? cfg.networks.find((n) => n.Id.startsWith(ref)) : undefined);

  const headers = {
    "Api-Version": DOCKER_API_VERSION,
    "Docker-Experimental": "false",
    Ostype: "linux",
    Server: `Docker/${ENGINE_VERSION} (linux)`,
  };
  const send = (res: http.ServerResponse, code: number, body: unknown, ct = "application/json"): void => {
    const text = typeof body === "string" ? body : `${JSON.stringify(body)}\n`;
    res.writeHead(code, { ...headers, "Content-Type": ct, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    requests++;
    const url = new URL(req.url ?? "/", "http://docker");
    const p = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, "");
    const method = req.method ?? "GET";
    let m: RegExpExecArray | null;
    if (p === "/_ping") {
      res.writeHead(200, { ...headers, "Content-Type": "text/plain; charset=utf-8", "Content-Length": 2, "Builder-Version": "2", Swarm: "inactive", "Cache-Control": "no-cache, no-store, must-revalidate", Pragma: "no-cache" });
      res.end(method === "HEAD" ? undefined : "OK");
      return;
    }
    if (method !== "GET" && method !== "HEAD") return send(res, 405, { message: `the netdoctor lab Docker stand-in is read-only: ${method} ${p}` });
    if (p === "/version") {
      return send(res, 200, {
        Platform: { Name: "Docker Engine - Community" },
        Components: [{ Name: "Engine", Version: ENGINE_VERSION, Details: { ApiVersion: DOCKER_API_VERSION, Arch: "amd64", BuildTime: "2024-09-20T11:41:11.000000000+00:00", Experimental: "false", GitCommit: "41ca978", GoVersion: "go1.22.7", KernelVersion: "6.8.0-netdoctor-lab", MinAPIVersion: "1.24", Os: "linux" } }],
        Version: ENGINE_VERSION,
        ApiVersion: DOCKER_API_VERSION,
        MinAPIVersion: "1.24",
        GitCommit: "41ca978",
        GoVersion: "go1.22.7",
        Os: "linux",
        Arch: "amd64",
        KernelVersion: "6.8.0-netdoctor-lab",
        BuildTime: "2024-09-20T11:41:11.000000000+00:00",
      });
    }
    if (p === "/info") {
      const running = cfg.containers.filter((c) => c.State.Running).length;
      const paused = cfg.containers.filter((c) => (c.State as State).Paused).length;
      return send(res, 200, {
        ID: "NDLB:LAB0:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000",
        Containers: cfg.containers.length,
        ContainersRunning: running,
        ContainersPaused: paused,
        ContainersStopped: cfg.containers.length - running,
        Images: new Set(cfg.containers.map((c) => c.Config.Image)).size,
        Driver: "overlay2",
        ServerVersion: ENGINE_VERSION,
        OperatingSystem: "netdoctor lab",
        OSType: "linux",
        Architecture: "x86_64",
        NCPU: 2,
        MemTotal: 8_000_000_000,
        Name: "netdoctor-lab",
        DockerRootDir: "/var/lib/docker",
        Swarm: { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "", RemoteManagers: null },
        Warnings: null,
      });
    }
    if (p === "/containers/json") {
      const all = ["1", "true", "True"].includes(url.searchParams.get("all") ?? "");
      let filters: Record<string, string[]>;
      try {
        filters = parseFilters(url.searchParams.get("filters"));
      } catch {
        return send(res, 400, { message: "invalid filter" });
      }
      let list = cfg.containers.filter((c) => all || c.State.Running || (filters.status?.length ?? 0) > 0);
      for (const [k, vals] of Object.entries(filters)) {
        if (vals.length === 0) continue;
        switch (k) {
          case "label":
            list = list.filter((c) => vals.every((f) => labelMatch(c.Config.Labels, f)));
            break;
          case "name":
            list = list.filter((c) => vals.some((f) => nameMatch(bare(c), f)));
            break;
          case "id":
            list = list.filter((c) => vals.some((f) => c.Id.startsWith(f)));
            break;
          case "status":
            list = list.filter((c) => vals.includes(c.State.Status));
            break;
          case "network":
            list = list.filter((c) => Object.entries(c.NetworkSettings.Networks ?? {}).some(([n, v]) => vals.includes(n) || vals.includes(String(v.NetworkID ?? ""))));
            break;
          default:
            return send(res, 400, { message: `invalid filter '${k}'` });
        }
      }
      // Newest first, as the daemon lists.
      list = [...list].sort((a, b) => Date.parse(b.Created ?? "0") - Date.parse(a.Created ?? "0"));
      return send(res, 200, list.map(containerSummary));
    }
    if ((m = /^\/containers\/([^/]+)\/json$/.exec(p))) {
      const c = find(decodeURIComponent(m[1]!));
      if (!c) return send(res, 404, { message: `No such container: ${decodeURIComponent(m[1]!)}` });
      return send(res, 200, c);
    }
    if ((m = /^\/containers\/([^/]+)\/top$/.exec(p))) {
      const c = find(decodeURIComponent(m[1]!));
      if (!c) return send(res, 404, { message: `No such container: ${decodeURIComponent(m[1]!)}` });
      if (!c.State.Running) return send(res, 409, { message: `Container ${c.Id} is not running` });
      return send(res, 200, cfg.top[bare(c)] ?? cfg.top[c.Id] ?? { Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], Processes: [] });
    }
    if ((m = /^\/containers\/([^/]+)\/archive$/.exec(p))) return archive(res, decodeURIComponent(m[1]!), url.searchParams.get("path"), method === "HEAD");
    if (p === "/networks") {
      let filters: Record<string, string[]>;
      try {
        filters = parseFilters(url.searchParams.get("filters"));
      } catch {
        return send(res, 400, { message: "invalid filter" });
      }
      let list = cfg.networks;
      if (filters.name?.length) list = list.filter((n) => filters.name!.some((f) => n.Name.includes(f)));
      if (filters.id?.length) list = list.filter((n) => filters.id!.some((f) => n.Id.startsWith(f)));
      if (filters.label?.length) list = list.filter((n) => filters.label!.every((f) => labelMatch(n.Labels, f)));
      if (filters.driver?.length) list = list.filter((n) => filters.driver!.includes(String(n.Driver)));
      return send(res, 200, list);
    }
    if ((m = /^\/networks\/([^/]+)$/.exec(p))) {
      const n = findNet(decodeURIComponent(m[1]!));
      if (!n) return send(res, 404, { message: `network ${decodeURIComponent(m[1]!)} not found` });
      return send(res, 200, n);
    }
    if ((m = /^\/images\/(.+)\/json$/.exec(p))) return send(res, 404, { message: `No such image: ${decodeURIComponent(m[1]!)}` });
    if ((m = /^\/volumes\/([^/]+)$/.exec(p))) return send(res, 404, { message: `get ${decodeURIComponent(m[1]!)}: no such volume` });
    if (p === "/images/json" || p === "/volumes") return send(res, 200, p === "/volumes" ? { Volumes: [], Warnings: null } : []);
    throw new NotFound(p);
  }

  /**
   * `GET|HEAD /containers/{id}/archive?path=P` as the daemon answers it
   * (daemon/archive.go, api/server/router/container/copy.go): 400 without
   * `path`; 404 `No such container: ID` or `Could not find the file P in
   * container ID`; else 200 with `X-Docker-Container-Path-Stat` (base64 JSON
   * stat) and, for GET, a tar archive holding the file under its base name
   * (`application/x-tar`). Files are served with mode 0744 (k3d writes its
   * serverlb config so: pkg/client/cluster.go `WriteFileAction` Mode 0744)
   * and the container's start time as mtime.
   */
  function archive(res: http.ServerResponse, ref: string, filePath: string | null, head: boolean): void {
    if (!filePath) return send(res, 400, { message: "bad parameter: path cannot be empty" });
    const c = find(ref);
    if (!c) return send(res, 404, { message: `No such container: ${ref}` });
    const wanted = path.posix.normalize(filePath.startsWith("/") ? filePath : `/${filePath}`);
    const content = cfg.files?.[bare(c)]?.[wanted];
    if (content === undefined) return send(res, 404, { message: `Could not find the file ${filePath} in container ${ref}` });
    const body = Buffer.from(content, "utf8");
    const name = path.posix.basename(wanted);
    const mode = 0o744;
    const started = Date.parse(c.State.StartedAt ?? "");
    const mtime = new Date(Number.isFinite(started) ? started : 0);
    const stat = pathStatHeader(name, body.length, mode, mtime);
    if (head) {
      res.writeHead(200, { ...headers, "Content-Type": "application/x-tar", [PATH_STAT_HEADER]: stat });
      return void res.end();
    }
    const tar = archiveOfFile(name, body, mode, mtime);
    res.writeHead(200, { ...headers, "Content-Type": "application/x-tar", [PATH_STAT_HEADER]: stat, "Content-Length": tar.length });
    res.end(tar);
  }

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (e instanceof NotFound) send(res, 404, { message: "page not found" });
      else send(res, 500, { message: (e as Error).message });
    }
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    host: `unix://${socketPath}`,
    requests: () => requests,
    reconfigure: (c) => {
      cfg = c;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
