/**
 * k3s server arguments as k3d passes them to its server containers (`docker
 * inspect` Args / Config.Cmd): what tells whether k3s' packaged components
 * are disabled for good.
 */
import type { ContainerInspect } from "../sources/types.js";
import { k3dIdentity } from "./containers.js";

/**
 * True when k3s server arguments disable the packaged traefik:
 * `--disable=traefik`, `--disable traefik`, a comma list (`--disable=traefik,servicelb`),
 * or the pre-1.20 `--no-deploy traefik` (k3s server --help: "--disable value (components)
 * Do not deploy packaged components and delete any deployed components").
 */
export function disablesTraefik(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(disable|no-deploy)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const value = m[2] ?? args[i + 1] ?? "";
    if (value.split(",").map((v) => v.trim()).includes("traefik")) return true;
  }
  return false;
}


/** The k3s arguments of a k3d server container (`Args`, else `Config.Cmd`). */
export function k3sServerArgs(c: ContainerInspect): string[] {
  return [...(c.Args ?? c.Config.Cmd ?? [])];
}

/** The k3d server containers (label `k3d.role=server`, or k3d v1's `component=server`) among `containers`. */
export function k3dServers(containers: readonly ContainerInspect[]): ContainerInspect[] {
  return containers.filter((c) => k3dIdentity(c)?.role === "server");
}

/**
 * True when k3s server arguments disable the packaged `component`
 * (`traefik`, `servicelb`, `metrics-server` …), in any of the spellings
 * `disablesTraefik` accepts.
 */
export function disablesComponent(args: readonly string[], component: string): boolean {
  for (let i = 0; i < args.length; i++) {
    const m = /^--(disable|no-deploy)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[2] ?? args[i + 1] ?? "";
    if (value.split(",").map((v) => v.trim()).includes(component)) return true;
  }
  return false;
}

/**
 * The k3s arguments a node was started with, from its `k3s.io/node-args`
 * annotation (a JSON array k3s writes on every node, e.g.
 * `["server","--disable=traefik","--flannel-iface","eth0"]`; k3s
 * pkg/nodeconfig). Empty when absent or not JSON.
 */
export function nodeK3sArgs(node: { metadata: { annotations?: Record<string, string> } }): string[] {
  return nodeArgsAnnotation(node, "k3s.io/node-args");
}

/**
 * A JSON array of strings held in a node annotation: the arguments k3s
 * (`k3s.io/node-args`) or RKE2 (`rke2.io/node-args`) started the node with.
 * Empty when absent, not JSON or not an array; non-strings are left out.
 */
export function nodeArgsAnnotation(node: { metadata: { annotations?: Record<string, string> } }, annotation: string): string[] {
  const raw = node.metadata.annotations?.[annotation];
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** k3d's major version, as far as it changes how k3s arguments are passed. */
export type K3dMajor = 1 | 3 | 4 | 5;

/**
 * The major k3d version that created a cluster's containers, and what told
 * it. Read, first hit wins:
 * - k3d v1.x labels (`component=server|worker`, k3d v1.7.0 cli/container.go) → 1;
 * - the `k3d.version` label (`DefaultObjectLabelsVar`, set since k3d v4.2.0,
 *   pkg/types/types.go) → its major;
 * - the serverlb image tag (`rancher/k3d-proxy:<k3d version>` v3/v4,
 *   `ghcr.io/k3d-io/k3d-proxy:<version>` v5; pkg/types DefaultLBImageRepo) → its major;
 * - a serverlb without the `k3d.cluster` label (v3.0–v3.4 created it with the
 *   default labels only, pkg/cluster/cluster.go) → 3.
 * Null when none says (e.g. k3d v4.0/v4.1 with `--no-lb`). `cluster` limits
 * the containers read to that k3d cluster.
 */
export function k3dMajorVersion(containers: readonly ContainerInspect[], cluster?: string | null): { major: K3dMajor; basis: string } | null {
  const mine = containers.filter((c) => {
    const id = k3dIdentity(c);
    return id !== null && (!cluster || id.cluster === cluster);
  });
  const asMajor = (n: number): K3dMajor | null => (n === 1 || n === 3 || n === 4 || n === 5 ? n : null);
  const v1 = mine.find((c) => k3dIdentity(c)?.era === "v1");
  if (v1) return { major: 1, basis: `container ${v1.Name.replace(/^\//, "")} has k3d v1's labels (component=${v1.Config?.Labels?.["component"]})` };
  for (const c of mine) {
    const v = c.Config?.Labels?.["k3d.version"];
    const m = v ? /^v?(\d+)\./.exec(v) : null;
    const major = m ? asMajor(Number(m[1])) : null;
    if (major) return { major, basis: `label k3d.version=${v}` };
  }
  const lb = mine.find((c) => k3dIdentity(c)?.role === "loadbalancer");
  if (lb) {
    const image = lb.Config?.Image ?? "";
    const m = /k3d-proxy:v?(\d+)\.\d+/.exec(image);
    const major = m ? asMajor(Number(m[1])) : null;
    if (major) return { major, basis: `serverlb image ${image}` };
    if (lb.Config?.Labels?.["k3d.cluster"] === undefined) return { major: 3, basis: `serverlb ${lb.Name.replace(/^\//, "")} without a k3d.cluster label (k3d v3)` };
  }
  return null;
}

/**
 * How to create a k3d cluster whose k3s servers do not deploy traefik, in the
 * syntax of that k3d version (k3d cannot change k3s arguments of an existing
 * cluster: it is recreated). Sources, per era:
 * - v1.x: `k3d create --server-arg --no-deploy --server-arg traefik`
 *   (cli/commands.go `server-arg`; k3d-io/k3d#104, 2019);
 * - v3.x: `k3d cluster create NAME --k3s-server-arg --disable=traefik`
 *   (cmd/cluster/clusterCreate.go `k3s-server-arg`; docs/faq/faq.md v3.4.0;
 *   docs/faq/v1vsv3-comparison.md "--server-arg -> --k3s-server-arg");
 * - v4.x: the same flag, or the config file (apiVersion k3d.io/v1alpha2)
 *   `options.k3s.extraServerArgs: [--disable=traefik]` (docs/usage/configfile.md v4.4.8);
 * - v5.x: `--k3s-arg "--disable=traefik@server:*"` (node filters, cmd/cluster/clusterCreate.go
 *   v5.0.0 example `--k3s-arg "--disable=traefik@server:0"`), or
 *   `options.k3s.extraArgs: [{arg: --disable=traefik, nodeFilters: [server:*]}]`.
 * An unknown version gets v5's syntax (today's k3d) and says so.
 */
export function keepTraefikOffK3d(major: K3dMajor | null, cluster: string | null): string {
  const name = cluster ?? "NAME";
  switch (major) {
    case 1:
      return `keep traefik from coming back at the next server start: k3d v1 passes k3s flags with --server-arg; recreate the cluster with \`k3d create --name ${name} --server-arg --no-deploy --server-arg traefik\``;
    case 3:
      return `keep traefik from coming back at the next server start: k3d v3 passes k3s flags with --k3s-server-arg; recreate the cluster with \`k3d cluster create ${name} --k3s-server-arg --disable=traefik\``;
    case 4:
      return `keep traefik from coming back at the next server start: add to the k3d config (k3d.io/v1alpha2) options.k3s.extraServerArgs: [--disable=traefik] (or create the cluster with k3d cluster create ${name} --k3s-server-arg --disable=traefik)`;
    case 5:
    case null:
      return `keep traefik from coming back at the next server start: add to the k3d config options.k3s.extraArgs: [{arg: "--disable=traefik", nodeFilters: ["server:*"]}] (or create the cluster with k3d cluster create ${name} --k3s-arg "--disable=traefik@server:*")${major === null ? " — the syntax of k3d v5; k3d v4 and older use --k3s-server-arg --disable=traefik" : ""}`;
  }
}
