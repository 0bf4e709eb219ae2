/**
 * Recorded sources (DESIGN §7, §9): the four sources over a recorded run (the
 * snapshot model's RecordedRun, as an opened bundle holds it), so
 * `netdoctor --from BUNDLE` re-runs every check on the recorded data. Built on
 * `memorySources`; nothing here opens a socket or asks the system resolver.
 *
 * What is served, and from where:
 * - kube: objects from `cluster/**` grouped by kind; a kind the manifest (or
 *   the recorded report: a check skipped with `unavailable`) says failed throws
 *   that SourceError code — a 403 stays `forbidden`, never an empty list; a
 *   CRD-backed kind with neither its CRD nor any object of its group in the
 *   bundle is `not-found`, as an API server without the CRD answers.
 *   `info()` from the recorded environment; `version()` from the recorded
 *   `gitVersion`.
 * - docker: `docker/*.json`, or the recorded failure (`unreachable` when the
 *   bundle has no `docker/containers.json`).
 * - host: `host/listeners.yaml`, `host/hosts`, `host/resolver.json` plus the
 *   addresses the recorded dns checks saw.
 * - probe and service proxy: the outcomes the recorded run observed. The
 *   report is the recording: `paths[].probe` for the HTTP probe of each
 *   target, and check evidence for TCP connects (`{address, port, outcome}`,
 *   `{upstreamAddress, upstream: {port}, probe: {outcome}}`) and service-proxy
 *   answers (`{service: "ns/name", port, status, body}` or `{…, error}`).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { kindIn, type RecordedRun } from "../snapshot/model.js";
import { parseHostsFile } from "./live/host.js";
import { KIND_INFO, type KindMap, type KubeKind, type KubeObject } from "../kube/types.js";
import type { PathReport, ProbeReport } from "../report/types.js";
import { ENVOY_NO_HEALTHY_UPSTREAM_BODY, ENVOY_UPSTREAM_CONNECT_ERROR_PREFIX, NGINX_404_BODY } from "../probe/classify.js";
import { memorySources, type MemoryData } from "./memory.js";
import {
  SourceError,
  type HttpProbeRequest,
  type KubeSource,
  type ProbeResult,
  type ProbeSignature,
  type ProbeSource,
  type ServiceProxyResult,
  type SourceErrorCode,
  type Sources,
  type TcpResult,
} from "./types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const TCP_OUTCOMES: readonly TcpResult["outcome"][] = ["connected", "refused", "timeout", "unreachable", "error"];
const CODES: readonly SourceErrorCode[] = ["unreachable", "timeout", "unauthorized", "forbidden", "not-found", "unsupported", "invalid-config", "error"];

/** A recorded service-proxy outcome: an answer, or the error the source threw. */
type ProxyRecord = { answer: ServiceProxyResult } | { error: string };

/** What the recorded report says the run observed through the sources. */
export interface Recording {
  /** `address:port` → TCP outcome. */
  tcp: Map<string, TcpResult["outcome"]>;
  /** `namespace/name:port` → service proxy outcome. */
  serviceProxy: Map<string, ProxyRecord>;
  /** Kube kinds (or `version`) whose read failed, with the code. */
  kubeFailures: Map<string, SourceErrorCode>;
  /** Docker failure code, when a docker read failed. */
  dockerFailure: SourceErrorCode | null;
  /** Name → addresses the system resolver returned (`[]`: did not resolve). */
  resolve: Map<string, string[]>;
  gitVersion: string | null;
}

/** Body that reproduces a signature under `classifyHttp` (src/probe/classify.ts), for an answer recorded without its body. */
export function bodyForSignature(signature: ProbeSignature | null, status: number): string {
  switch (signature) {
    case "traefik-404":
      return "404 page not found\n";
    case "envoy-503-no-healthy-upstream":
      return ENVOY_NO_HEALTHY_UPSTREAM_BODY;
    case "envoy-503-upstream-connect-error":
      return `${ENVOY_UPSTREAM_CONNECT_ERROR_PREFIX}. reset reason: connection failure`;
    case "envoy-404":
    case "empty-500":
      return "";
    case "nginx-404":
      return NGINX_404_BODY;
    case "http-other":
      return status === 404 || status === 500 || status === 503 ? `HTTP ${status}\n` : "";
    default:
      return "";
  }
}

/** Walks every check result of the report (env and per path) with its path. */
function* checkResults(b: RecordedRun): Generator<{ path: PathReport | null; hop: string; evidence: Obj }> {
  for (const c of b.report.checks ?? []) if (isObj(c.evidence)) yield { path: null, hop: c.hop, evidence: c.evidence };
  for (const p of b.report.paths) for (const c of p.checks ?? []) if (isObj(c.evidence)) yield { path: p, hop: c.hop, evidence: c.evidence };
}

/** Harvest the probe, proxy, resolver and failure outcomes the report recorded (see the module comment for the shapes). */
export function recordingOf(b: RecordedRun): Recording {
  const rec: Recording = { tcp: new Map(), serviceProxy: new Map(), kubeFailures: new Map(), dockerFailure: null, resolve: new Map(), gitVersion: null };
  const visit = (o: Obj, depth: number): void => {
    if (typeof o["address"] === "string" && typeof o["port"] === "number" && TCP_OUTCOMES.includes(o["outcome"] as TcpResult["outcome"])) {
      rec.tcp.set(`${o["address"]}:${o["port"]}`, o["outcome"] as TcpResult["outcome"]);
    }
    const probe = o["probe"];
    const up = o["upstream"];
    if (typeof o["upstreamAddress"] === "string" && isObj(up) && typeof up["port"] === "number" && isObj(probe) && TCP_OUTCOMES.includes(probe["outcome"] as TcpResult["outcome"])) {
      rec.tcp.set(`${o["upstreamAddress"]}:${up["port"]}`, probe["outcome"] as TcpResult["outcome"]);
    }
    if (typeof o["service"] === "string" && o["service"].includes("/") && (typeof o["port"] === "number" || typeof o["port"] === "string")) {
      const key = `${o["service"]}:${o["port"]}`;
      if (typeof o["status"] === "number") rec.serviceProxy.set(key, { answer: { status: o["status"], body: typeof o["body"] === "string" ? o["body"] : "" } });
      else if (typeof o["error"] === "string") rec.serviceProxy.set(key, { error: o["error"] });
    }
    if (typeof o["gitVersion"] === "string" && !rec.gitVersion) rec.gitVersion = o["gitVersion"];
    // The engine's record of a SourceError: `{source, subject, code}`.
    if (typeof o["source"] === "string" && typeof o["subject"] === "string" && CODES.includes(o["code"] as SourceErrorCode)) {
      const code = o["code"] as SourceErrorCode;
      if (o["source"] === "kube") rec.kubeFailures.set(o["subject"] === "version" ? "version" : (kindIn(o["subject"]) ?? o["subject"]), code);
      if (o["source"] === "docker") rec.dockerFailure = code;
    }
    if (depth < 2) for (const v of Object.values(o)) if (isObj(v)) visit(v, depth + 1);
  };
  for (const { path, hop, evidence } of checkResults(b)) {
    visit(evidence, 0);
    if (path && hop === "dns") {
      const sys = Array.isArray(evidence["addresses"]) ? evidence["addresses"] : Array.isArray(evidence["system"]) ? evidence["system"] : null;
      if (sys) rec.resolve.set(path.target.host.toLowerCase(), sys.filter((a): a is string => typeof a === "string"));
      else if (typeof evidence["error"] === "string" && typeof evidence["host"] === "string") rec.resolve.set(path.target.host.toLowerCase(), []);
    }
  }
  return rec;
}

/** API group of an object's apiVersion (`""` for core). */
function groupOf(o: KubeObject): string {
  const av = o.apiVersion ?? "";
  return av.includes("/") ? av.split("/")[0]! : "";
}

/** The KubeKind of an object (by group and kind), or null for kinds the sources do not list. */
function kindOf(o: KubeObject): KubeKind | null {
  const group = groupOf(o);
  for (const [k, info] of Object.entries(KIND_INFO) as [KubeKind, (typeof KIND_INFO)[KubeKind]][]) if (info.kind === o.kind && info.group === group) return k;
  return null;
}

/** API groups every API server serves; any other group of KIND_INFO (gateway.networking.k8s.io, helm.cattle.io) exists only through its CRD. */
const BUILTIN_GROUPS = new Set(["", "apps", "discovery.k8s.io", "networking.k8s.io", "apiextensions.k8s.io"]);

/** The Kubernetes part of the recorded data: lists by kind and which kinds fail with which code. */
function kubeData(b: RecordedRun, rec: Recording): Pick<MemoryData, "kube" | "unavailable"> {
  const kube: Partial<Record<KubeKind, KubeObject[]>> = {};
  const groupsPresent = new Set<string>();
  const crdGroups = new Set<string>();
  for (const o of b.objects) {
    groupsPresent.add(groupOf(o));
    if (o.kind === "CustomResourceDefinition") {
      const g = (o as { spec?: { group?: unknown } }).spec?.group;
      if (typeof g === "string") crdGroups.add(g);
    }
    const k = kindOf(o);
    if (k) (kube[k] ??= []).push(o);
  }
  const unavailable: NonNullable<MemoryData["unavailable"]> = {};
  for (const k of Object.keys(KIND_INFO) as KubeKind[]) {
    const g = KIND_INFO[k].group;
    const collected = b.manifest.collectedText.includes(`"${k}"`) || b.manifest.collectedText.includes(`/${k}`);
    if (!BUILTIN_GROUPS.has(g) && !groupsPresent.has(g) && !crdGroups.has(g) && !collected) unavailable[k] = "not-found";
  }
  for (const [k, code] of rec.kubeFailures) if (k === "version" || k in KIND_INFO) unavailable[k as KubeKind | "version"] = code;
  for (const f of b.manifest.failures) {
    if (f.source !== "kube") continue;
    if (f.subject === "version" || f.subject in KIND_INFO) unavailable[f.subject as KubeKind | "version"] = f.code;
  }
  return { kube: kube as MemoryData["kube"], unavailable };
}

/** The method and headers of a request, as one comparable key (a plain GET is `GET`). */
function requestKey(method: string | undefined, headers: readonly { name: string; value: string }[] | undefined): string {
  return JSON.stringify([method ?? "GET", (headers ?? []).filter((h) => h.name.toLowerCase() !== "host").map((h) => [h.name.toLowerCase(), h.value])]);
}

/**
 * Matches an HTTP probe request to the recorded path it stands for: host
 * (port ignored), port, path, method and headers; then host, port and path;
 * then host and port; then port.
 */
function recordedPath(b: RecordedRun, req: HttpProbeRequest): PathReport | null {
  const host = req.host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  const paths = b.report.paths;
  const samePort = paths.filter((p) => p.target.port === req.port);
  const hostOf = (p: PathReport) => (p.target.headers?.find((h) => h.name.toLowerCase() === "host")?.value ?? p.target.host).replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  const key = requestKey(req.method, req.headers);
  return (
    samePort.find((p) => hostOf(p) === host && p.target.path === req.path && requestKey(p.target.method, p.target.headers) === key) ??
    samePort.find((p) => p.target.host.toLowerCase() === host && p.target.path === req.path) ??
    samePort.find((p) => p.target.host.toLowerCase() === host) ??
    samePort.find((p) => p.resolution?.address === req.address) ??
    null
  );
}

/** The recorded probe as a ProbeResult (a `not-run` probe stands for an unreachable one). */
export function probeResultOf(p: ProbeReport): ProbeResult {
  if (p.outcome === "not-run") return { outcome: "unreachable", signature: "unreachable", durationMs: 0, error: p.error ?? "not run in the recorded run", notSent: true };
  const status = p.status;
  const signature = p.signature ?? (p.outcome === "http" ? "http-other" : (p.outcome as ProbeSignature));
  return {
    outcome: p.outcome,
    ...(status !== undefined ? { status, body: bodyForSignature(signature, status) } : {}),
    signature,
    durationMs: p.durationMs,
    ...(p.error ? { error: p.error } : {}),
  };
}

/** A path segment as the bundle writer names it (src/bundle/write.ts `segment`). */
const logSegment = (s: string): string => {
  const t = s.replace(/[^A-Za-z0-9._-]/g, "_");
  return t === "" || t === "." || t === ".." ? "_" : t;
};

/** The last `tailLines` lines of a recorded container log. Throws SourceError `not-found` when the bundle holds none. */
async function recordedLog(dir: string, namespace: string, pod: string, container: string, tailLines: number): Promise<string> {
  const file = join(dir, "logs", logSegment(namespace), logSegment(pod), `${logSegment(container)}.log`);
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) throw new SourceError("not-found", "kube", `${namespace}/${pod}/${container}`, `pod log ${namespace}/${pod}/${container}: not recorded in the bundle`);
  const lines = text.split("\n");
  const trailing = lines.at(-1) === "" ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - trailing - tailLines)).join("\n");
}

/**
 * The four sources over an opened bundle. Reads nothing but the bundle: no
 * network, no resolver, no docker socket. Errors are SourceErrors with the
 * recorded codes.
 */
export function createRecordedSources(b: RecordedRun): Sources {
  const rec = recordingOf(b);
  const env = b.manifest.environment;
  const kinds = kubeData(b, rec);
  const dockerFailure =
    b.manifest.failures.find((f) => f.source === "docker" && f.subject === "containers")?.code ?? rec.dockerFailure ?? (b.containers === null ? "unreachable" : undefined);
  const listenersFailed = b.manifest.failures.some((f) => f.source === "host" && f.subject === "listeners");
  const hostsPath = env.platform === "win32" ? "C:\\Windows\\System32\\drivers\\etc\\hosts" : "/etc/hosts";
  const resolve: Record<string, string[]> = { ...b.resolver };
  for (const [name, addrs] of rec.resolve) if (!(name in resolve)) resolve[name] = addrs;

  const data: MemoryData = {
    kubeInfo:
      typeof env.context === "string" && env.context
        ? { context: env.context, cluster: env.cluster ?? env.context, server: env.apiServer ?? "", namespace: typeof b.manifest.flags["namespace"] === "string" ? b.manifest.flags["namespace"] : "default" }
        : null,
    ...(rec.gitVersion ? { kubeVersion: rec.gitVersion } : {}),
    ...kinds,
    ...(env.dockerHost ? { dockerHost: env.dockerHost } : {}),
    ...(dockerFailure ? { dockerUnavailable: dockerFailure } : {}),
    containers: b.containers ?? [],
    networks: b.networks,
    top: b.top,
    ...(b.files ? { files: b.files } : {}),
    platform: typeof env.platform === "string" ? env.platform : "linux",
    listeners: listenersFailed || b.listeners === null ? null : b.listeners,
    ...(b.interfaces ? { interfaces: b.interfaces } : {}),
    ...(b.recordedForwards ? { recordedForwards: b.recordedForwards } : {}),
    hosts: { path: hostsPath, entries: b.hosts === null ? [{ address: "127.0.0.1", names: ["localhost"] }] : parseHostsFile(b.hosts) },
    resolve,
  };
  const base = memorySources(data);

  const kube: KubeSource = {
    info: () => base.kube.info(),
    version: (signal) => base.kube.version(signal),
    list: <K extends KubeKind>(kind: K, signal: AbortSignal): Promise<KindMap[K][]> => base.kube.list(kind, signal),
    async serviceProxy(namespace, name, port, path, signal) {
      const r = rec.serviceProxy.get(`${namespace}/${name}:${port}`);
      if (!r) {
        await base.kube.serviceProxy(namespace, name, port, path, signal); // counts the request
        throw new SourceError("unsupported", "kube", `${namespace}/${name}:${port}`, `service proxy ${namespace}/${name}:${port}: not recorded in the bundle`);
      }
      if ("error" in r) throw new SourceError("error", "kube", `${namespace}/${name}:${port}`, r.error);
      return r.answer;
    },
    // The pod logs the bundle recorded (logs/<ns>/<pod>/<container>.log, names written as src/bundle/write.ts `segment` does).
    ...(b.dir ? { podLogs: (namespace: string, pod: string, container: string, tailLines: number) => recordedLog(b.dir!, namespace, pod, container, tailLines) } : {}),
    stats: () => base.kube.stats(),
  };

  const probe: ProbeSource = {
    async tcp(address, port) {
      const recorded = rec.tcp.get(`${address}:${port}`);
      if (recorded) return { outcome: recorded, durationMs: 0 };
      // Not probed in the recorded run: what the path's probe says about that socket, else connected (DESIGN §9: probes report their recorded outcome).
      const p = b.report.paths.find((x) => x.target.port === port && x.resolution?.address === address);
      if (p && (p.probe.outcome === "refused" || p.probe.outcome === "unreachable")) return { outcome: p.probe.outcome, durationMs: 0 };
      return { outcome: "connected", durationMs: 0 };
    },
    async http(req) {
      const p = recordedPath(b, req);
      if (!p) return { outcome: "unreachable", signature: "unreachable", durationMs: 0, error: `${req.address}:${req.port}: no probe of this target is recorded in the bundle` };
      return probeResultOf(p.probe);
    },
  };
  return { kube, docker: base.docker, host: base.host, probe };
}
