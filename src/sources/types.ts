/**
 * Source interfaces: how checks read the world (DESIGN §7). Three families
 * implement them: live (client libraries), recorded (bundle) and — through the
 * live ones pointed at it — the lab. Checks cannot tell which one they got.
 *
 * Every method takes the run's AbortSignal and throws only `SourceError`.
 */
import type { HostListener } from "../engine/types.js";
import type { KindMap, KubeKind } from "../kube/types.js";

/** Why a source read failed, normalised from each library's own codes. */
export type SourceErrorCode =
  | "unreachable" // connection refused / reset / DNS failure / socket missing
  | "timeout" // no answer before the per-request timeout or the run's deadline
  | "unauthorized" // 401
  | "forbidden" // 403
  | "not-found" // 404 (for a list: the resource kind is not served, e.g. CRD not installed)
  | "unsupported" // the platform cannot provide this (e.g. host listeners on Windows)
  | "invalid-config" // malformed kubeconfig, unknown context, bad docker host
  | "conflict" // 409: the object changed since it was read (optimistic concurrency), or already exists
  | "error"; // anything else (5xx, unexpected answer)

/**
 * A failed read. `source` names the source, `subject` what was read (a kind
 * plural, a container id, a path); `message` is one line for users; the
 * library's own error is kept as `cause`.
 */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly code: SourceErrorCode,
    readonly source: "kube" | "docker" | "host" | "probe",
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `e` is a SourceError (matched on `name`/`code`, not `instanceof`, so copies across module graphs work). */
export function isSourceError(e: unknown): e is SourceError {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "SourceError" && typeof (e as { code?: unknown }).code === "string";
}

/** Identity of the cluster the kube source talks to. */
export interface KubeInfo {
  /** kubeconfig context name, e.g. `k3d-openchoreo`. */
  context: string;
  /** kubeconfig cluster name. */
  cluster: string;
  /** API server URL from the kubeconfig, e.g. `https://0.0.0.0:6550`. */
  server: string;
  /** Default namespace of the context (`default` when unset). */
  namespace: string;
}

/** Counters of API requests made, for benchmarks and the performance budget. */
export interface KubeStats {
  /** Total HTTP requests sent to the API server. */
  requests: number;
  /** Requests per kind plural (list pages count one each), plus `version`, `proxy`, `discovery`. */
  byKind: Record<string, number>;
}

/** Answer of the API server's service proxy (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH`). */
export interface ServiceProxyResult {
  status: number;
  /** First 4 KiB of the body, as text. */
  body: string;
}

/** The Kubernetes source. */
export interface KubeSource {
  /** The context in use; throws SourceError `invalid-config` when no kubeconfig could be loaded. */
  info(): KubeInfo;
  /** `GET /version`: `gitVersion` etc. Memoised. */
  version(signal: AbortSignal): Promise<{ gitVersion: string; [key: string]: unknown }>;
  /**
   * Every object of a kind across all namespaces (paginated with
   * `limit`/`continue`), as plain JSON. Fetched at most once per run
   * (memoised, concurrent callers share the request). Throws SourceError:
   * `forbidden` (403), `not-found` (kind not served: CRD absent),
   * `unreachable`, `timeout`, `unauthorized`.
   */
  list<K extends KubeKind>(kind: K, signal: AbortSignal): Promise<KindMap[K][]>;
  /** A GET through the API server's service proxy. Not memoised. */
  serviceProxy(namespace: string, name: string, port: number | string, path: string, signal: AbortSignal): Promise<ServiceProxyResult>;
  /**
   * The last `tailLines` lines of a container's log
   * (`GET /api/v1/namespaces/NS/pods/NAME/log?container=C&tailLines=N`), as
   * text. Not memoised. Optional: bundles collect logs through it, and
   * service.load-balancer-ready (ND503) reads a crash-looping svclb pod's log
   * (src/kube/k3s-system.ts); a recorded bundle serves the logs it holds.
   * Throws SourceError: `not-found` (no such pod or container),
   * `forbidden`, `unreachable`, `timeout`.
   */
  podLogs?(namespace: string, pod: string, container: string, tailLines: number, signal: AbortSignal): Promise<string>;
  stats(): KubeStats;
  /** Writes for fixes and undo (DESIGN §5). Absent on sources that cannot write (recorded bundles). */
  writer?(): import("./kube-writer.js").KubeWriter;
}

/** Shape of `docker inspect` for the fields netdoctor uses (Docker Engine API ContainerInspect). */
export interface ContainerInspect {
  Id: string;
  /** With leading slash, as the Engine API returns it: `/k3d-openchoreo-serverlb`. */
  Name: string;
  Created?: string;
  Path?: string;
  Args?: string[];
  State: { Status: string; Running: boolean; Restarting?: boolean; ExitCode?: number; StartedAt?: string; Error?: string };
  Config: { Image?: string; Labels?: Record<string, string> | null; Env?: string[] | null; Cmd?: string[] | null; ExposedPorts?: Record<string, unknown> | null; Hostname?: string };
  HostConfig: { PortBindings?: Record<string, { HostIp: string; HostPort: string }[] | null> | null; NetworkMode?: string; [key: string]: unknown };
  NetworkSettings: {
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; Gateway?: string; NetworkID?: string; Aliases?: string[] | null; [key: string]: unknown }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `GET /containers/{id}/top` answer. */
export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}

/** Shape of `docker network inspect` for the fields used. */
export interface NetworkInspect {
  Name: string;
  Id: string;
  Driver?: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null };
  Containers?: Record<string, { Name: string; IPv4Address?: string }> | null;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  [key: string]: unknown;
}

/** The Docker source. */
export interface DockerSource {
  /** The resolved docker host, e.g. `unix:///var/run/docker.sock`, `tcp://h:2376`. */
  host(): string;
  /** `GET /_ping` then `GET /version`. Memoised. */
  version(signal: AbortSignal): Promise<{ Version: string; ApiVersion: string; Os?: string; [key: string]: unknown }>;
  /** Every container (`all=true`), each inspected. Memoised. */
  containers(signal: AbortSignal): Promise<ContainerInspect[]>;
  /** Processes of a running container. Memoised per id. */
  top(id: string, signal: AbortSignal): Promise<ContainerTop>;
  /** Every network, inspected. Memoised. */
  networks(signal: AbortSignal): Promise<NetworkInspect[]>;
  /**
   * The content (UTF-8) of one regular file inside a container, e.g. a k3d
   * v5 serverlb's `/etc/confd/values.yaml`: what `docker cp CONTAINER:PATH -`
   * reads, through `GET /containers/{id}/archive?path=PATH` (Engine API
   * ContainerArchive: a tar archive holding the file). Works on stopped
   * containers too. Memoised per container and path; bounded by the
   * per-request Docker timeout. Throws SourceError `not-found` (no such
   * container, or no such file: the daemon answers 404 for both),
   * `unsupported` (the path is not a regular file, or larger than 1 MiB),
   * or the errors of every Docker read. Optional: absent = not offered (the
   * caller treats the file as unknown).
   */
  file?(id: string, path: string, signal: AbortSignal): Promise<string>;
}

/** One hosts-file entry. */
export interface HostsEntry {
  address: string;
  names: string[];
}

/** Outcome of a system-resolver lookup (`dns.lookup` with `all: true`). */
export interface ResolveResult {
  name: string;
  /** Addresses in resolver order; empty when the name does not resolve. */
  addresses: string[];
  /** Resolver error code when it does not resolve (`ENOTFOUND`, `EAI_AGAIN`, …). */
  error?: string;
}

/**
 * Where the system resolver looks a name up: the hosts file, the `hosts:`
 * line of `/etc/nsswitch.conf` (glibc NSS; absent on macOS, where the
 * resolver reads /etc/hosts, then mDNS for `.local`, then DNS) and the
 * `nameserver` / `search` lines of `/etc/resolv.conf` (resolv.conf(5)).
 */
export interface ResolverConfig {
  /** The hosts file the system resolver reads, e.g. `/etc/hosts`. */
  hostsPath: string;
  /** Sources of the nsswitch `hosts:` line in order, with `[…]` actions kept as their own items, e.g. `["files", "mdns4_minimal", "[NOTFOUND=return]", "dns"]`; empty when there is no nsswitch.conf. */
  nsswitchHosts: string[];
  /** `nameserver` addresses of resolv.conf, in order; empty when none or unreadable. */
  nameservers: string[];
  /** `search` domains of resolv.conf. */
  searchDomains: string[];
}

/**
 * One address of a network interface of this host, as `os.networkInterfaces()`
 * reports it (Node.js os module; `ip -o addr` on Linux, `ifconfig` on macOS).
 */
export interface HostInterface {
  /** Interface name: `lo`, `eth0`, `en0`, `cni0`, `flannel.1`, … */
  name: string;
  /** The address, without prefix length or zone: `192.168.1.50`, `fe80::1`. */
  address: string;
  family: "IPv4" | "IPv6";
  /** True for loopback interfaces (`lo`, `lo0`). */
  internal: boolean;
}

/** The host source: this machine's listeners, hosts file and resolver. */
export interface HostSource {
  /** `process.platform` of the host being diagnosed. */
  platform(): string;
  /** Listening TCP sockets with owning process. Memoised. Throws SourceError `unsupported` off Linux/macOS. */
  listeners(signal: AbortSignal): Promise<HostListener[]>;
  /** The hosts file the system resolver reads, parsed. Memoised. */
  hostsFile(signal: AbortSignal): Promise<{ path: string; entries: HostsEntry[] }>;
  /** Resolve a name through the system resolver. Never throws for NXDOMAIN: returns empty `addresses` with `error`. */
  resolve(name: string, signal: AbortSignal): Promise<ResolveResult>;
  /**
   * The resolver's sources (hosts file, nsswitch order, DNS servers).
   * Optional: sources that cannot tell leave it out. Memoised; never throws
   * for a missing file (empty lists instead).
   */
  resolverConfig?(signal: AbortSignal): Promise<ResolverConfig>;
  /**
   * This host's interface addresses (loopback included), to tell whether a
   * Kubernetes node is this machine (k3s installed on the host: a node's
   * InternalIP is one of them). Optional: sources that cannot tell leave it
   * out, and checks then only recognise a node by the target address.
   * Memoised; never throws.
   */
  interfaces?(signal: AbortSignal): Promise<HostInterface[]>;
  /**
   * Port-forwards recorded in the working tree netdoctor runs in (the current
   * directory; under the lab, the scenario's `workdir/`): Makefile, shell
   * scripts, package.json, .vscode/tasks.json, devcontainer.json,
   * skaffold.yaml, Tiltfile (src/host/recorded-forwards.ts). Local ports are
   * host ports (remapped under the lab as every host port is). Optional:
   * sources that cannot read a working tree (bundles) leave it out. Memoised;
   * never throws.
   */
  recordedForwards?(signal: AbortSignal): Promise<RecordedForward[]>;
}

import type { RecordedForward } from "../host/recorded-forwards.js";

/**
 * Classification of an end-to-end answer (DESIGN §2). Exact strings from
 * ../shared/reference/real-world-facts.md §6–7.
 */
export type ProbeSignature =
  | "success" // 2xx / 3xx
  | "refused" // ECONNREFUSED: nothing listens
  | "reset" // ECONNRESET after connect
  | "timeout" // connected (or not) but no answer before the per-probe timeout
  | "empty-reply" // connection closed without a byte (curl 52)
  | "unreachable" // address not reachable (or not allowed: beyond loopback under the lab)
  | "traefik-404" // 404, body `404 page not found`
  | "envoy-404" // 404, empty body (Envoy NR route_not_found)
  | "nginx-404" // 404, nginx's own error page without version (`<center>nginx</center>`): ingress-nginx / NGINX Gateway Fabric found no server or location
  | "envoy-503-no-healthy-upstream" // 503, body `no healthy upstream` (UH)
  | "envoy-503-upstream-connect-error" // 503, body starts `upstream connect error or disconnect/reset before headers` (UF)
  | "empty-500" // 500, empty body (invalid backendRef / no backendRefs)
  | "tls" // a TLS handshake answered on a plain HTTP port, or TLS failure
  | "http-other"; // any other HTTP status

/** Outcome of one TCP connect attempt. */
export interface TcpResult {
  outcome: "connected" | "refused" | "timeout" | "unreachable" | "error";
  durationMs: number;
  error?: string;
}

/** An HTTP request to send. `address`/`port` is where to connect; `host` the Host header. */
export interface HttpProbeRequest {
  scheme: "http" | "https";
  address: string;
  port: number;
  /** Host header value, sent as given (may include a port). */
  host: string;
  path: string;
  /** Default GET. */
  method?: string;
  /**
   * Headers besides Host, in order, names as given (`-H`); a `user-agent`
   * or `accept` here replaces the probe's own, as in curl. Default none.
   */
  headers?: { name: string; value: string }[];
  /** TLS server name (SNI); default: the name in `host`. curl names the URL's host even when `-H 'Host: …'` differs. */
  servername?: string;
  timeoutMs: number;
}

/** Outcome of one HTTP request (report shape `paths[].probe`, plus details). */
export interface ProbeResult {
  outcome: "http" | "refused" | "reset" | "timeout" | "empty-reply" | "unreachable" | "error";
  status?: number;
  signature: ProbeSignature;
  durationMs: number;
  headers?: Record<string, string>;
  /** First 4 KiB of the body. */
  body?: string;
  /** One line describing the transport error, when there was one. */
  error?: string;
  /**
   * True when no packet was sent: the address is one this source may not
   * reach (the lab probes 127.0.0.0/8 only). The engine reports such a probe
   * as not run, and the path's status as resting on static evidence only.
   */
  notSent?: boolean;
}

/** The probe source: TCP connects and HTTP requests. */
export interface ProbeSource {
  tcp(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<TcpResult>;
  http(request: HttpProbeRequest, signal: AbortSignal): Promise<ProbeResult>;
}

/** The four sources a run reads through. */
export interface Sources {
  kube: KubeSource;
  docker: DockerSource;
  host: HostSource;
  probe: ProbeSource;
}
