/**
 * In-memory sources: serve recorded data (objects, containers, listeners,
 * probe answers) through the source interfaces. Used by unit tests of checks
 * (no sockets) and as the base of the recorded (bundle) source.
 */
import type { HostListener } from "../engine/types.js";
import type { RecordedForward } from "../host/recorded-forwards.js";
import { KIND_INFO, type KindMap, type KubeKind } from "../kube/types.js";
import {
  SourceError,
  type ContainerInspect,
  type ContainerTop,
  type DockerSource,
  type HostInterface,
  type HostSource,
  type HostsEntry,
  type HttpProbeRequest,
  type KubeInfo,
  type KubeSource,
  type NetworkInspect,
  type ProbeResult,
  type ProbeSource,
  type ResolveResult,
  type ResolverConfig,
  type ServiceProxyResult,
  type Sources,
  type TcpResult,
} from "./types.js";

/** Recorded data for `memorySources`. Kinds absent from `kube` are served as empty lists unless listed in `unavailable`. */
export interface MemoryData {
  kubeInfo?: KubeInfo | null;
  kubeVersion?: string;
  kube?: Partial<{ [K in KubeKind]: KindMap[K][] }>;
  /** Kinds whose list fails, with the SourceError code to throw (`forbidden`, `not-found`, `unreachable`). */
  unavailable?: Partial<Record<KubeKind | "version", SourceError["code"]>>;
  /** `namespace/pod/container` → full log text (`podLogs` serves its tail; absent = not-found). */
  logs?: Record<string, string>;
  /** `namespace/name:port` → answer of the service proxy. */
  serviceProxy?: Record<string, ServiceProxyResult>;
  dockerHost?: string;
  /** When set, every docker call throws this SourceError code. */
  dockerUnavailable?: SourceError["code"];
  containers?: ContainerInspect[];
  networks?: NetworkInspect[];
  /** Container name (without slash) → top answer. */
  top?: Record<string, ContainerTop>;
  /** Container name (without slash) → absolute path → file content (`docker.file`; absent = not-found). */
  files?: Record<string, Record<string, string>>;
  platform?: string;
  listeners?: HostListener[] | null;
  hosts?: { path: string; entries: HostsEntry[] };
  /** What `host.interfaces()` answers; absent = the method is not offered. */
  interfaces?: HostInterface[];
  /** What `host.recordedForwards()` answers; absent = the method is not offered. */
  recordedForwards?: RecordedForward[];
  /** What `host.resolverConfig()` answers; absent = the method is not offered. */
  resolverConfig?: ResolverConfig;
  /** name → addresses the system resolver returns (absent = ENOTFOUND). */
  resolve?: Record<string, string[]>;
  /** `address:port` → TCP outcome (absent = refused). */
  tcp?: Record<string, TcpResult["outcome"]>;
  /** Answers HTTP probes; absent = refused. */
  http?: (req: HttpProbeRequest) => ProbeResult;
}

/** Build the four sources over recorded data. */
export function memorySources(data: MemoryData): Sources & { kube: KubeSource } {
  const stats = { requests: 0, byKind: {} as Record<string, number> };
  const count = (k: string) => {
    stats.requests++;
    stats.byKind[k] = (stats.byKind[k] ?? 0) + 1;
  };
  const kube: KubeSource = {
    info() {
      if (data.kubeInfo === null) throw new SourceError("invalid-config", "kube", "kubeconfig", "no kubeconfig: set KUBECONFIG or pass --kubeconfig");
      return data.kubeInfo ?? { context: "test", cluster: "test", server: "https://127.0.0.1:6443", namespace: "default" };
    },
    async version() {
      count("version");
      const code = data.unavailable?.version;
      if (code) throw new SourceError(code, "kube", "version", `GET /version: ${code}`);
      return { gitVersion: data.kubeVersion ?? "v1.31.5+k3s1" };
    },
    async list<K extends KubeKind>(kind: K): Promise<KindMap[K][]> {
      count(kind);
      const code = data.unavailable?.[kind] ?? data.unavailable?.version;
      if (code) {
        const info = KIND_INFO[kind];
        throw new SourceError(code, "kube", kind, `${kind}.${info.group || "core"} ${code === "forbidden" ? "forbidden (403)" : code}`);
      }
      return (data.kube?.[kind] ?? []) as KindMap[K][];
    },
    async serviceProxy(namespace, name, port, path) {
      count("proxy");
      const answer = data.serviceProxy?.[`${namespace}/${name}:${port}`];
      if (!answer) return { status: 503, body: `error trying to reach service: dial tcp: connect: connection refused` };
      void path;
      return answer;
    },
    async podLogs(namespace, pod, container, tailLines) {
      count("logs");
      const text = data.logs?.[`${namespace}/${pod}/${container}`];
      if (text === undefined) throw new SourceError("not-found", "kube", `${namespace}/${pod}`, `log of ${namespace}/${pod} container ${container}: not found (404)`);
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      return lines.slice(Math.max(0, lines.length - tailLines)).map((l) => `${l}\n`).join("");
    },
    stats: () => ({ requests: stats.requests, byKind: { ...stats.byKind } }),
  };
  const dockerFail = () => {
    if (data.dockerUnavailable) throw new SourceError(data.dockerUnavailable, "docker", "daemon", `docker: ${data.dockerUnavailable}`);
  };
  const docker: DockerSource = {
    host: () => data.dockerHost ?? "unix:///var/run/docker.sock",
    async version() {
      dockerFail();
      return { Version: "28.2.2", ApiVersion: "1.50" };
    },
    async containers() {
      dockerFail();
      return data.containers ?? [];
    },
    async top(id) {
      dockerFail();
      const c = (data.containers ?? []).find((x) => x.Id === id || x.Name.replace(/^\//, "") === id);
      const t = c && data.top?.[c.Name.replace(/^\//, "")];
      if (!t) throw new SourceError("not-found", "docker", id, `container ${id}: no top answer recorded`);
      return t;
    },
    async networks() {
      dockerFail();
      return data.networks ?? [];
    },
    async file(id, path) {
      dockerFail();
      const c = (data.containers ?? []).find((x) => x.Id === id || x.Name.replace(/^\//, "") === id);
      if (!c) throw new SourceError("not-found", "docker", `file ${id}:${path}`, `No such container: ${id}`);
      const name = c.Name.replace(/^\//, "");
      const text = data.files?.[name]?.[path];
      if (text === undefined) throw new SourceError("not-found", "docker", `file ${name}:${path}`, `Could not find the file ${path} in container ${name}`);
      return text;
    },
  };
  const host: HostSource = {
    platform: () => data.platform ?? "linux",
    async listeners() {
      if (data.listeners === null) throw new SourceError("unsupported", "host", "listeners", "listening sockets: not available on this platform");
      return data.listeners ?? [];
    },
    async hostsFile() {
      return data.hosts ?? { path: "/etc/hosts", entries: [{ address: "127.0.0.1", names: ["localhost"] }] };
    },
    ...(data.resolverConfig ? { resolverConfig: async () => data.resolverConfig! } : {}),
    ...(data.interfaces ? { interfaces: async () => data.interfaces! } : {}),
    ...(data.recordedForwards ? { recordedForwards: async () => data.recordedForwards! } : {}),
    async resolve(name): Promise<ResolveResult> {
      const fromHosts = (data.hosts?.entries ?? []).filter((e) => e.names.includes(name)).map((e) => e.address);
      const addrs = fromHosts.length ? fromHosts : (data.resolve?.[name] ?? (name === "localhost" ? ["127.0.0.1"] : []));
      return addrs.length ? { name, addresses: addrs } : { name, addresses: [], error: "ENOTFOUND" };
    },
  };
  const probe: ProbeSource = {
    async tcp(address, port) {
      const outcome = data.tcp?.[`${address}:${port}`] ?? "refused";
      return { outcome, durationMs: 1 };
    },
    async http(req) {
      if (data.http) return data.http(req);
      return { outcome: "refused", signature: "refused", durationMs: 1, error: `connect ECONNREFUSED ${req.address}:${req.port}` };
    },
  };
  return { kube, docker, host, probe };
}
