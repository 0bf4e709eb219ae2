/**
 * What a docker-proxy command line tells about the container behind a host
 * port when the Docker Engine itself cannot be asked (socket missing,
 * permission denied, wrong context). Pure functions; no I/O.
 *
 * Sources:
 * - moby `cmd/docker-proxy`: Docker starts one userland proxy per published
 *   port and address family while the container's endpoint is up, with
 *   `-proto tcp -host-ip IP -host-port P -container-ip IP -container-port P`;
 *   it is stopped with the container. Real line:
 *   `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080`
 *   (parsed by `parseForwarderCommand` in ./forwarders.ts).
 * - k3d (pkg/client/loadbalancer.go `LoadbalancerPrepare`): the load balancer
 *   of cluster C is the container `k3d-C-serverlb`; host ports mapped
 *   `@loadbalancer` (the default) are published on it (real-world-facts §1.1, §1.7).
 * - kubeconfig context names: `k3d-<cluster>` (k3d pkg/client/kubeconfig.go),
 *   `kind-<cluster>` (kind `KINDClusterKey`) (real-world-facts §1.5, §3.3).
 * - k3d and kind node containers are named after the Kubernetes Node
 *   (hostname = container name), and a Node's `status.addresses` InternalIP
 *   is the container's address on the cluster network (k3s `--node-ip`
 *   default, kind node IP from `docker inspect`) (real-world-facts §1.1, §3.1).
 */
import type { ContainerFact, HostListener } from "../engine/types.js";
import type { Node } from "../kube/types.js";
import { normalizeAddress } from "./addresses.js";
import { parseForwarderCommand } from "./forwarders.js";

/** A docker-proxy relaying a host port to a container address, read from its command line. */
export interface DockerProxyRelay {
  /** Process id of the docker-proxy, or null when the listener does not say. */
  pid: number | null;
  /** Host bind address (`-host-ip`, else the listener's bind address), no brackets. */
  hostIp: string;
  hostPort: number;
  /** `-container-ip`, no brackets. */
  containerIp: string;
  containerPort: number;
  /** Full command line as the listener reported it. */
  command: string;
}

/**
 * The docker-proxy relay of `listener` when it is a TCP docker-proxy whose
 * `-host-port` is `port` and whose command line names the container side
 * (`-container-ip` and `-container-port`); null otherwise (another program,
 * another port, udp/sctp, or a command line that is not visible).
 */
export function dockerProxyRelay(listener: HostListener | null | undefined, port: number): DockerProxyRelay | null {
  if (!listener?.command) return null;
  const cmd = parseForwarderCommand(listener.command, listener.process);
  if (cmd.kind !== "docker-proxy") return null;
  if (cmd.proto.toLowerCase() !== "tcp" || cmd.hostPort !== port || listener.port !== port) return null;
  if (!cmd.containerIp || !cmd.containerPort) return null;
  return {
    pid: listener.pid ?? null,
    hostIp: cmd.hostIp ?? normalizeAddress(listener.address),
    hostPort: cmd.hostPort,
    containerIp: cmd.containerIp,
    containerPort: cmd.containerPort,
    command: listener.command,
  };
}

/** The cluster tool and cluster name a kubeconfig context names (`k3d-openchoreo` → k3d/openchoreo), or null. */
export function contextFlavor(context: string | null): { flavor: "k3d" | "kind"; cluster: string } | null {
  const m = context ? /^(k3d|kind)-(.+)$/.exec(context) : null;
  return m ? { flavor: m[1] as "k3d" | "kind", cluster: m[2]! } : null;
}

/** How the container behind a docker-proxy was identified. */
export type InferenceBasis =
  /** The container IP is a Node's InternalIP: the node container itself. */
  | "node-internal-ip"
  /** No Node has the IP and the context is `k3d-<cluster>`: the cluster's serverlb, by k3d's naming. */
  | "k3d-serverlb-naming"
  /** Nothing identifies it. */
  | "unidentified";

/** The container side of a docker-proxy relay, as far as the evidence goes. */
export interface InferredContainer {
  /** Container fact with `id: ""`, `running: true` (docker-proxy lives only while the container's endpoint is up) and `inferred: true`. */
  fact: ContainerFact;
  basis: InferenceBasis;
  /** `k3d-openchoreo-serverlb (k3d load balancer of cluster openchoreo)`, for summaries. */
  description: string;
}

/** Address of type InternalIP of a Node, normalised; [] when it has none. */
function internalIps(n: Node): string[] {
  return (n.status?.addresses ?? []).filter((a) => a.type === "InternalIP").map((a) => normalizeAddress(a.address));
}

/**
 * Identify the container a docker-proxy relays to, from evidence only:
 * 1. the container IP equals a Node's InternalIP → that node (role
 *    `kind-node` / `k3d-node` by the context's tool, `other` when the context
 *    names neither; name = the Node name);
 * 2. else, on a `k3d-<cluster>` context → `k3d-<cluster>-serverlb`;
 * 3. else → role `other`, named by its address.
 * `context` is the kubeconfig context (null when unknown); `nodes` the
 * cluster's Nodes, or null when they could not be read (then only the
 * context decides).
 */
export function inferContainer(relay: DockerProxyRelay, context: string | null, nodes: readonly Node[] | null): InferredContainer {
  const flavor = contextFlavor(context);
  const ip = normalizeAddress(relay.containerIp);
  const base = {
    id: "",
    hostIp: relay.hostIp,
    hostPort: relay.hostPort,
    containerPort: relay.containerPort,
    protocol: "tcp" as const,
    running: true,
    networks: { unknown: ip },
    inferred: true,
  };
  const node = nodes?.find((n) => internalIps(n).includes(ip));
  if (node) {
    const name = node.metadata.name;
    if (flavor) {
      return {
        fact: { ...base, name, role: flavor.flavor === "kind" ? "kind-node" : "k3d-node", cluster: flavor.cluster },
        basis: "node-internal-ip",
        description: `${name} (${flavor.flavor} node of cluster ${flavor.cluster}: Node InternalIP ${ip})`,
      };
    }
    return {
      fact: { ...base, name, role: "other", cluster: null },
      basis: "node-internal-ip",
      description: `${name} (Node InternalIP ${ip}; context ${context ?? "unknown"} names no k3d or kind cluster)`,
    };
  }
  if (flavor?.flavor === "k3d") {
    const name = `k3d-${flavor.cluster}-serverlb`;
    return {
      fact: { ...base, name, role: "k3d-serverlb", cluster: flavor.cluster },
      basis: "k3d-serverlb-naming",
      description: `${name} (k3d load balancer of cluster ${flavor.cluster})`,
    };
  }
  const why =
    context === null
      ? "no kube context to name the cluster"
      : !flavor
        ? `context ${context} names no k3d or kind cluster`
        : nodes === null
          ? `the Nodes of context ${context} could not be read`
          : `no Node of context ${context} has InternalIP ${ip}`;
  return {
    fact: { ...base, name: ip, role: "other", cluster: null },
    basis: "unidentified",
    description: `an unidentified container at ${ip} (${why})`,
  };
}
