/**
 * Pure helpers over `docker inspect` objects: port bindings, roles of k3d and
 * kind containers, networks. No I/O.
 *
 * Sources:
 * - Docker Engine API ContainerInspect: `NetworkSettings.Ports` is the runtime
 *   view (`{"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", …}]}`,
 *   null for exposed-but-unpublished ports), empty once the container stops;
 *   `HostConfig.PortBindings` is the configured view and survives a stop
 *   (HostIp `""` = Docker's default: every address, `0.0.0.0` and `::`).
 * - k3d labels (k3d pkg/types/types.go, pkg/client/cluster.go): `app=k3d`,
 *   `k3d.cluster=<name>`, `k3d.role=server|agent|loadbalancer|registry|noRole`;
 *   names `k3d-<cluster>-serverlb`, `k3d-<cluster>-server-<n>`.
 * - k3d v1.x (k3d-io/k3d v1.7.0 cli/container.go createServer/createWorker):
 *   labels `app=k3d`, `component=server|worker`, `cluster=<name>`; names
 *   `k3d-<cluster>-server`, `k3d-<cluster>-worker-<n>` (cli/cluster.go
 *   GetContainerName); no load balancer: `--publish` binds ports on the
 *   server container itself (default node specifier `server`, cli/types.go).
 * - k3d v3.x serverlb (v3.4.0 pkg/cluster/cluster.go): created with only the
 *   default labels `app=k3d` plus `k3d.role=loadbalancer`, so its cluster is
 *   read from the name `k3d-<cluster>-serverlb` when `k3d.cluster` is absent.
 * - kind labels (kind pkg/cluster/internal/providers/docker/constants.go):
 *   `io.x-k8s.kind.cluster=<name>`, `io.x-k8s.kind.role=control-plane|worker|external-load-balancer`.
 */
import type { ContainerFact } from "../engine/types.js";
import type { ContainerInspect } from "../sources/types.js";
import { formatHostPort, isAnyAddress, normalizeAddress } from "./addresses.js";

/** k3d label keys. */
export const K3D_LABELS = { app: "app", cluster: "k3d.cluster", role: "k3d.role" } as const;
/** k3d v1.x label keys (cli/container.go): `component` is `server` or `worker`. */
export const K3D_V1_LABELS = { component: "component", cluster: "cluster" } as const;
/** kind label keys. */
export const KIND_LABELS = { cluster: "io.x-k8s.kind.cluster", role: "io.x-k8s.kind.role" } as const;

/** One published port: host `hostIp:hostPort` → container `containerPort/protocol`. */
export interface PortBinding {
  containerPort: number;
  protocol: "tcp" | "udp" | "sctp";
  /** As Docker reports it; `""` means every address. */
  hostIp: string;
  hostPort: number;
}

/** Container name without Docker's leading slash. */
export function containerName(c: Pick<ContainerInspect, "Name">): string {
  return c.Name.replace(/^\//, "");
}

/** The container's labels (never null). */
export function labelsOf(c: ContainerInspect): Record<string, string> {
  return c.Config?.Labels ?? {};
}

/**
 * Published ports of a container: the runtime view (`NetworkSettings.Ports`)
 * while it runs, the configured view (`HostConfig.PortBindings`) when it does
 * not (or when the runtime view is empty). Bindings without a numeric host
 * port (a random port not yet assigned) are left out.
 */
export function portBindings(c: ContainerInspect): PortBinding[] {
  const runtime = c.NetworkSettings?.Ports ?? null;
  const hasRuntime = runtime !== null && Object.values(runtime).some((v) => v && v.length > 0);
  const map = c.State?.Running && hasRuntime ? runtime : (c.HostConfig?.PortBindings ?? (hasRuntime ? runtime : null));
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(map ?? {})) {
    const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!m || !list) continue;
    for (const b of list) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort < 1) continue;
      out.push({ containerPort: Number(m[1]), protocol: (m[2] ?? "tcp") as PortBinding["protocol"], hostIp: b.HostIp ?? "", hostPort });
    }
  }
  return out;
}

/**
 * Does a binding on `hostIp` receive connections to any of `addresses`?
 * `""`, `0.0.0.0` and `::` receive everything; otherwise the address must be
 * one of them (normalised).
 */
export function hostIpCovers(hostIp: string, addresses: readonly string[]): boolean {
  if (isAnyAddress(hostIp)) return true;
  const h = normalizeAddress(hostIp);
  return addresses.some((a) => normalizeAddress(a) === h);
}

/** `0.0.0.0:8080 → 8080/tcp` (`""` shown as `0.0.0.0`, IPv6 bracketed). */
export function formatBinding(b: PortBinding): string {
  return `${formatHostPort(b.hostIp || "0.0.0.0", b.hostPort)} → ${b.containerPort}/${b.protocol}`;
}

/** Short form for lists: `8443/tcp` when host and container ports agree, else `6550→6443/tcp` (host→container, as `docker ps`). */
export function formatPublished(b: PortBinding): string {
  return b.hostPort === b.containerPort ? `${b.hostPort}/${b.protocol}` : `${b.hostPort}→${b.containerPort}/${b.protocol}`;
}

/** Unique short forms of a container's bindings, IPv4/IPv6 duplicates folded, in host-port order. */
export function publishedList(c: ContainerInspect): string[] {
  const seen = new Set<string>();
  for (const b of [...portBindings(c)].sort((x, y) => x.hostPort - y.hostPort)) seen.add(formatPublished(b));
  return [...seen];
}

/**
 * A k3d container's cluster and role, in today's terms, from the labels of
 * any k3d era (module comment): v3+ `k3d.cluster`/`k3d.role` (cluster from the
 * `k3d-<cluster>-serverlb` name when a v3 serverlb lacks `k3d.cluster`), v1
 * `app=k3d` + `component=server|worker` + `cluster`. Null when not k3d's.
 */
export function k3dIdentity(c: ContainerInspect): { cluster: string; role: string; era: "v1" | "v3+" } | null {
  const l = labelsOf(c);
  const role = l[K3D_LABELS.role];
  if (role !== undefined && (l[K3D_LABELS.cluster] !== undefined || l[K3D_LABELS.app] === "k3d")) {
    const fromName = /^k3d-(.+)-(?:serverlb|server-\d+|agent-\d+|tools)$/.exec(containerName(c))?.[1];
    const cluster = l[K3D_LABELS.cluster] ?? fromName;
    return cluster ? { cluster, role, era: "v3+" } : null;
  }
  const component = l[K3D_V1_LABELS.component];
  const v1Cluster = l[K3D_V1_LABELS.cluster];
  if (l[K3D_LABELS.app] === "k3d" && component !== undefined && v1Cluster) {
    return { cluster: v1Cluster, role: component === "worker" ? "agent" : component, era: "v1" };
  }
  return null;
}

/** Role of a container in a local cluster, from its k3d (any era) / kind labels. */
export function containerRole(c: ContainerInspect): ContainerFact["role"] {
  const k3d = k3dIdentity(c);
  if (k3d) {
    if (k3d.role === "loadbalancer") return "k3d-serverlb";
    if (k3d.role === "server" || k3d.role === "agent") return "k3d-node";
    return "other";
  }
  const l = labelsOf(c);
  const kindRole = l[KIND_LABELS.role];
  if (l[KIND_LABELS.cluster] !== undefined && (kindRole === "control-plane" || kindRole === "worker")) return "kind-node";
  return "other";
}

/** Which local cluster a container belongs to, from its labels; null when none. */
export function containerCluster(c: ContainerInspect): { flavor: "k3d" | "kind"; cluster: string } | null {
  const k3d = k3dIdentity(c);
  if (k3d) return { flavor: "k3d", cluster: k3d.cluster };
  const l = labelsOf(c);
  if (l[KIND_LABELS.cluster]) return { flavor: "kind", cluster: l[KIND_LABELS.cluster]! };
  return null;
}

/** Container addresses by network name (`{"k3d-openchoreo": "172.19.0.3"}`); networks without an IPv4 address are left out. */
export function containerNetworks(c: ContainerInspect): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, n] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
    if (n?.IPAddress) out[name] = n.IPAddress;
  }
  return out;
}

/** Human state of a container: `running`, `exited (exit code 137)`, `restarting (exit code 1)`, `created`, `paused`. */
export function describeState(c: ContainerInspect): string {
  const s = c.State;
  const status = s.Status || (s.Running ? "running" : "not running");
  if (status === "running" && !s.Restarting) return "running";
  const code = s.ExitCode !== undefined && (status === "exited" || status === "restarting" || s.Restarting || status === "dead") ? ` (exit code ${s.ExitCode})` : "";
  const err = s.Error ? `: ${s.Error}` : "";
  return `${s.Restarting && status !== "restarting" ? "restarting" : status}${code}${err}`;
}

/** `NAME=value` of a container's environment, or undefined. */
function envOf(c: ContainerInspect, name: string): string | undefined {
  const hit = (c.Config?.Env ?? []).find((e) => e.startsWith(`${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 1);
}

/**
 * The nodes a k3d serverlb forwards container port `port` to, when its
 * container says so. k3d v3/v4 pass them in the environment — `SERVERS=<server
 * names, comma-separated>`, `PORTS=6443,<ports>` (`UDP_PORTS` for UDP) — and
 * proxy/templates/nginx.tmpl renders one `upstream server_nodes_<port>` with
 * every **server** (agents are not upstreams; k3d-io/k3d v3.0.0
 * pkg/cluster/cluster.go, v4.4.8 pkg/client/cluster.go). A port not in
 * `PORTS` has no upstream at all: `[]`. Null when the container does not say:
 * k3d v5 keeps the upstreams in /etc/confd/values.yaml, and `@loadbalancer`
 * defaults to every server and agent (real-world-facts §1.6, §1.7).
 */
export function serverlbUpstreams(c: ContainerInspect, port: number, protocol = "tcp"): string[] | null {
  const servers = envOf(c, "SERVERS");
  if (servers === undefined) return null;
  const ports = envOf(c, protocol.toLowerCase() === "udp" ? "UDP_PORTS" : "PORTS");
  if (ports !== undefined && !ports.split(",").map((p) => p.trim()).includes(String(port))) return [];
  return servers.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * The nodes a connection to the container's published port can reach: the
 * node container itself (kind node, k3d node mapped directly), the serverlb's
 * upstream nodes when its container names them (`serverlbUpstreams`), else
 * null — every node (k3d v5 serverlb). Node names are the container names
 * (kind and k3d set the hostname to the container name).
 */
export function nodesReached(fact: ContainerFact, containers: readonly ContainerInspect[] | null): string[] | null {
  if (fact.role === "kind-node" || fact.role === "k3d-node") return [fact.name];
  if (fact.role !== "k3d-serverlb" || !containers) return null;
  const c = containers.find((x) => (fact.id && x.Id === fact.id) || containerName(x) === fact.name);
  return c ? serverlbUpstreams(c, fact.containerPort, fact.protocol) : null;
}
