/**
 * Cluster flavor detection: which kind of local cluster the kubeconfig
 * context points at (k3d, kind, plain k3s, anything else). Pure: takes what
 * the sources returned, does no I/O.
 *
 * Sources:
 * - k3d names contexts `k3d-<cluster>` (pkg/client/kubeconfig.go) and labels
 *   every node container `app=k3d`, `k3d.cluster=<cluster>`; the serverlb
 *   publishes the API port `6443/tcp` (pkg/client/loadbalancer.go).
 * - kind names contexts `kind-<cluster>` (`KINDClusterKey`) and labels nodes
 *   `io.x-k8s.kind.cluster=<cluster>`; the control plane (or the external
 *   load balancer) publishes `6443/tcp` on `127.0.0.1:<random>`.
 * - k3s reports `gitVersion` with a `+k3s<N>` suffix (e.g. `v1.31.5+k3s1`,
 *   since v1.17), and before that with `-k3s.<N>` (`v1.14.6-k3s.1`, the
 *   `rancher/k3s` image tags of k3s 0.x / v1.14–v1.16).
 * - RKE2 reports `+rke2r<N>` (`v1.31.9+rke2r1`): flavor generic, named RKE2
 *   in the basis (src/host/rke2.ts).
 * - k3d v1.x wrote the kubeconfig from k3s' own, replacing every `default`
 *   with the cluster name (k3d v1.7.0 cli/cluster.go createKubeConfigFile):
 *   the context is `<cluster>` (e.g. `k3s-default`), not `k3d-<cluster>`;
 *   `--api-port P` makes k3s listen on P (`--https-listen-port P`) and
 *   publishes `P:P` on the server container (cli/commands.go, container.go).
 */
import type { ContainerInspect } from "../sources/types.js";
import { containerCluster, containerName, portBindings, type PortBinding } from "./containers.js";
import { argValue } from "../ingress/classes.js";
import { isRke2Version } from "./rke2.js";

/** Environment flavor as the report's `environment.flavor` writes it (DESIGN §4). */
export type Flavor = "k3d" | "kind" | "k3s" | "generic" | "none";

/** A k3d or kind cluster seen on the Docker host. */
export interface DockerCluster {
  flavor: "k3d" | "kind";
  cluster: string;
  /** Its containers, in the order Docker listed them. */
  containers: ContainerInspect[];
}

/** Group containers by the k3d / kind cluster their labels name. */
export function dockerClusters(containers: readonly ContainerInspect[]): DockerCluster[] {
  const byKey = new Map<string, DockerCluster>();
  for (const c of containers) {
    const id = containerCluster(c);
    if (!id) continue;
    const key = `${id.flavor}/${id.cluster}`;
    const entry = byKey.get(key) ?? { ...id, containers: [] };
    entry.containers.push(c);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** What detection reads. Null fields were unavailable (source failed). */
export interface FlavorInput {
  /** kubeconfig context name; null when no kubeconfig was loaded. */
  context: string | null;
  /** kubeconfig cluster name. */
  kubeCluster: string | null;
  /** API server URL from the kubeconfig. */
  server: string | null;
  /** `/version` gitVersion. */
  gitVersion: string | null;
  /** Every container; null when Docker was not readable. */
  containers: readonly ContainerInspect[] | null;
}

/** Detection result. `basis` lists the observations it rests on, for the summary. */
export interface FlavorResult {
  flavor: Flavor;
  cluster: string | null;
  basis: string[];
  /** Names of the cluster's containers (empty when none were seen). */
  containers: string[];
  /** Something that does not add up (context names a cluster whose containers are missing), or null. */
  warning: string | null;
  /** Every k3d/kind cluster seen on the Docker host. */
  seen: { flavor: "k3d" | "kind"; cluster: string }[];
}

function apiPort(server: string | null): number | null {
  if (!server) return null;
  try {
    const u = new URL(server);
    return u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  } catch {
    return null;
  }
}

/**
 * Whether a `/version` gitVersion is k3s', of any era: `v1.33.4+k3s1`,
 * `v1.18.3+k3s1`, `v1.14.6-k3s.1` (module comment). Case-sensitive, as k3s
 * writes it.
 */
export function isK3sVersion(gitVersion: string | null | undefined): boolean {
  return !!gitVersion && /[+-]k3s\.?\d/.test(gitVersion);
}

/**
 * Whether a binding publishes a cluster's API server: container port 6443,
 * or the port a k3d v1 server was told to listen on (`--https-listen-port`).
 */
function publishesApi(c: ContainerInspect, b: PortBinding): boolean {
  if (b.containerPort === 6443) return true;
  const listen = argValue([...(c.Args ?? c.Config.Cmd ?? [])], "--https-listen-port");
  return listen !== undefined && Number(listen) === b.containerPort;
}

/** Detect the flavor (rules in the module comment). Context naming wins over the API-port match; k3s over generic. */
export function detectFlavor(input: FlavorInput): FlavorResult {
  const clusters = input.containers ? dockerClusters(input.containers) : [];
  const seen = clusters.map(({ flavor, cluster }) => ({ flavor, cluster }));
  const names = (d: DockerCluster) => d.containers.map(containerName);
  const isK3s = isK3sVersion(input.gitVersion);
  // RKE2 stays flavor generic (no node container, no flavor of its own in the report), but is named as such.
  const versionNote = input.gitVersion ? [isRke2Version(input.gitVersion) ? `RKE2 version ${input.gitVersion}` : `version ${input.gitVersion}`] : [];
  if (input.context === null) {
    return { flavor: "none", cluster: null, basis: ["no kubeconfig context"], containers: [], warning: null, seen };
  }
  const m = /^(k3d|kind)-(.+)$/.exec(input.context);
  const fromContext = m ? { flavor: m[1] as "k3d" | "kind", cluster: m[2]! } : null;
  if (fromContext) {
    const d = clusters.find((c) => c.flavor === fromContext.flavor && c.cluster === fromContext.cluster);
    if (d) {
      const label = d.flavor === "k3d" ? `k3d.cluster=${d.cluster}` : `io.x-k8s.kind.cluster=${d.cluster}`;
      return {
        ...fromContext,
        basis: [`context ${input.context}`, `containers labelled ${label}`, ...versionNote],
        containers: names(d),
        warning: null,
        seen,
      };
    }
  }
  // k3d v1: the context is the cluster's name itself.
  const v1 = clusters.find((d) => d.flavor === "k3d" && d.cluster === input.context);
  if (v1) {
    return {
      flavor: "k3d",
      cluster: v1.cluster,
      basis: [`context ${input.context} names k3d cluster ${v1.cluster} (k3d v1 kubeconfig)`, ...versionNote],
      containers: names(v1),
      warning: null,
      seen,
    };
  }
  const port = apiPort(input.server);
  if (port !== null) {
    for (const d of clusters) {
      const publisher = d.containers.find((c) => portBindings(c).some((b) => publishesApi(c, b) && b.hostPort === port));
      if (publisher) {
        return {
          flavor: d.flavor,
          cluster: d.cluster,
          basis: [`API port ${port} published by ${containerName(publisher)}`, ...versionNote],
          containers: names(d),
          warning: null,
          seen,
        };
      }
    }
  }
  if (fromContext) {
    const label = fromContext.flavor === "k3d" ? `k3d.cluster=${fromContext.cluster}` : `io.x-k8s.kind.cluster=${fromContext.cluster}`;
    const warning = input.containers
      ? `no container labelled ${label} on this Docker host${seen.length ? ` (clusters seen: ${seen.map((s) => `${s.flavor} ${s.cluster}`).join(", ")})` : ""}`
      : null;
    return { ...fromContext, basis: [`context ${input.context}`, ...versionNote], containers: [], warning, seen };
  }
  if (isK3s) {
    return { flavor: "k3s", cluster: input.kubeCluster, basis: [`version ${input.gitVersion}`, input.containers ? "no k3d container publishes the API port" : "Docker not readable"], containers: [], warning: null, seen };
  }
  return { flavor: "generic", cluster: input.kubeCluster, basis: [`context ${input.context}`, ...versionNote], containers: [], warning: null, seen };
}
