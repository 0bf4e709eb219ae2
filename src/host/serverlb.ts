/**
 * Which nodes a published port reaches: the node container itself (kind, a
 * k3d node mapped directly), or the upstreams of a k3d serverlb for that
 * port — read from its container, as k3d itself reads them.
 *
 * Sources (k3d-io/k3d, docs/facts/k3d-serverlb.md):
 * - k3d v5 keeps the serverlb's upstreams in `/etc/confd/values.yaml` inside
 *   the serverlb container (pkg/types/loadbalancer.go
 *   `DefaultLoadbalancerConfigPath`, `LoadbalancerConfig`): `ports:` maps
 *   `<containerPort>.<tcp|udp>` to node container names, `settings:` holds
 *   `workerConnections` (and `defaultProxyTimeout`). confd renders it to an
 *   nginx `stream` config (proxy/templates/nginx.tmpl): one `upstream
 *   <port>_<proto>` per key with `server <node>:<port> max_fails=1
 *   fail_timeout=10s`, and `listen <port>` — a port without a key is not
 *   listened on at all. k3d reads it back through the Docker archive
 *   endpoint (pkg/client/loadbalancer.go `GetLoadbalancerConfig`,
 *   pkg/runtimes/docker/util.go `ReadFromNode` → `CopyFromContainer`).
 * - What writes the lists (pkg/client/ports.go `TransformPorts`,
 *   pkg/client/loadbalancer.go `loadbalancerAddPortConfigs`): `-p
 *   8080:80@agent:0` (suffix `proxy`, the default) → `80.tcp:
 *   [k3d-<c>-agent-0]`; `@loadbalancer` → `servers:*:proxy, agents:*:proxy`,
 *   every server and agent; 6443 → the servers.
 * - k3d v3/v4 serverlbs say it in their environment instead (`SERVERS`,
 *   `PORTS`: src/host/containers.ts `serverlbUpstreams`).
 */
import { parseDataYaml } from "../data-yaml.js";
import type { ContainerFact } from "../engine/types.js";
import { isSourceError, type ContainerInspect, type DockerSource } from "../sources/types.js";
import { containerName, serverlbUpstreams } from "./containers.js";

/** Where a k3d v5 serverlb keeps its upstreams (k3d pkg/types/loadbalancer.go `DefaultLoadbalancerConfigPath`). */
export const SERVERLB_CONFIG_PATH = "/etc/confd/values.yaml";

/** A k3d v5 serverlb's `/etc/confd/values.yaml` (k3d `LoadbalancerConfig`). */
export interface ServerlbConfig {
  /** `<containerPort>.<tcp|udp>` → node container names, e.g. `{"80.tcp": ["k3d-dev-agent-0"], "6443.tcp": ["k3d-dev-server-0"]}`. */
  ports: Record<string, string[]>;
  /** `settings:` as written (`workerConnections`, `defaultProxyTimeout`). */
  settings: Record<string, unknown>;
}

/**
 * Parse a serverlb's values.yaml. Throws an Error with a one-line message
 * when the text is not YAML or not the shape k3d writes (a `ports` mapping
 * of lists of names).
 */
export function parseServerlbConfig(text: string): ServerlbConfig {
  let doc: unknown;
  try {
    doc = parseDataYaml(text);
  } catch (e) {
    throw new Error(`not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("not a mapping with `ports:`");
  const o = doc as Record<string, unknown>;
  const raw = o["ports"] ?? {};
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("`ports:` is not a mapping");
  const ports: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    if (list === null) {
      ports[key] = [];
      continue;
    }
    if (!Array.isArray(list) || list.some((n) => typeof n !== "string")) throw new Error(`\`ports.${key}\` is not a list of node names`);
    ports[key] = list as string[];
  }
  const settings = o["settings"] && typeof o["settings"] === "object" && !Array.isArray(o["settings"]) ? (o["settings"] as Record<string, unknown>) : {};
  return { ports, settings };
}

/** The values.yaml key of a container port: `80.tcp` (k3d: `fmt.Sprintf("%s.%s", port, proto)`). */
export function serverlbPortKey(port: number, protocol = "tcp"): string {
  return `${port}.${protocol.toLowerCase()}`;
}

/** Which nodes a connection to a published port reaches, and how netdoctor knows. */
export interface NodeReach {
  /** Node names (= node container names in k3d and kind) the connection can reach; null = every node. */
  nodes: string[] | null;
  /**
   * How it is known: `node-container` (the container is the node), `serverlb-config` (values.yaml read
   * from the k3d v5 serverlb), `serverlb-env` (a k3d v3/v4 serverlb's SERVERS/PORTS), `assumed` (every
   * node: not a k3d/kind container, or the serverlb's upstreams could not be read — `note` says why).
   */
  from: "node-container" | "serverlb-config" | "serverlb-env" | "assumed";
  /** For `serverlb-config`: the key read (`80.tcp`) and every port's upstreams, as values.yaml has them. */
  config?: { file: string; key: string; ports: Record<string, string[]> };
  /** For `assumed` on a k3d serverlb: why the upstreams are unknown, one line. */
  note?: string;
}

/**
 * The nodes a connection to the container's published port reaches: the
 * node container itself (kind node, k3d node mapped directly); a k3d v3/v4
 * serverlb's servers (its environment); a k3d v5 serverlb's upstreams for
 * the port, read from `/etc/confd/values.yaml` in the container through
 * `docker.file` (memoised by the source; bounded by its per-request
 * timeout). When the file cannot be read (not a k3d v5 serverlb, no file,
 * Docker unreachable, unparsable) every node is assumed — the `@loadbalancer`
 * default — and `note` says so. Never throws a SourceError.
 */
export async function nodeReach(docker: DockerSource, fact: ContainerFact, signal: AbortSignal): Promise<NodeReach> {
  if (fact.role === "kind-node" || fact.role === "k3d-node") return { nodes: [fact.name], from: "node-container" };
  if (fact.role !== "k3d-serverlb") return { nodes: null, from: "assumed" };
  let containers: ContainerInspect[] | null = null;
  try {
    containers = await docker.containers(signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return { nodes: null, from: "assumed", note: `${fact.name}'s upstreams are unknown (${e.message}): assuming every node` };
  }
  const c = containers.find((x) => (fact.id && x.Id === fact.id) || containerName(x) === fact.name);
  if (!c) return { nodes: null, from: "assumed", note: `${fact.name} is not among Docker's containers: assuming every node` };
  const env = serverlbUpstreams(c, fact.containerPort, fact.protocol);
  if (env) return { nodes: env, from: "serverlb-env" };
  const assumed = (why: string): NodeReach => ({ nodes: null, from: "assumed", note: `${why}: assuming every node (k3d's @loadbalancer default)` });
  if (!docker.file) return assumed(`this Docker source cannot read ${SERVERLB_CONFIG_PATH} from ${fact.name}`);
  let text: string;
  try {
    text = await docker.file(c.Id, SERVERLB_CONFIG_PATH, signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return assumed(`could not read ${SERVERLB_CONFIG_PATH} from ${fact.name} (${e.code === "not-found" ? "no such file: not a k3d v5 serverlb" : e.message})`);
  }
  let config: ServerlbConfig;
  try {
    config = parseServerlbConfig(text);
  } catch (e) {
    return assumed(`${SERVERLB_CONFIG_PATH} of ${fact.name} is not k3d's format (${(e as Error).message})`);
  }
  const key = serverlbPortKey(fact.containerPort, fact.protocol);
  return { nodes: config.ports[key] ?? [], from: "serverlb-config", config: { file: SERVERLB_CONFIG_PATH, key, ports: config.ports } };
}

/**
 * Where the reach was read, for a summary: `its upstreams for 80.tcp in
 * /etc/confd/values.yaml`, `its SERVERS environment`; empty for a node
 * container or when every node is assumed.
 */
export function describeReach(reach: NodeReach): string {
  if (reach.from === "serverlb-config") return `its upstreams for ${reach.config!.key} in ${reach.config!.file}`;
  if (reach.from === "serverlb-env") return "its SERVERS environment";
  return "";
}

/**
 * The reach as evidence: `{ nodes, upstreamsFrom, valuesYaml? , note? }`
 * (`upstreamsFrom`: the `from` of NodeReach; `valuesYaml`: the key read and
 * every port's upstreams).
 */
export function reachEvidence(reach: NodeReach): Record<string, unknown> {
  return {
    nodes: reach.nodes,
    upstreamsFrom: reach.from,
    ...(reach.config ? { valuesYaml: { file: reach.config.file, key: reach.config.key, ports: reach.config.ports } } : {}),
    ...(reach.note ? { note: reach.note } : {}),
  };
}

/**
 * The k3d fix for a serverlb whose upstreams for port C miss the node where
 * the port is taken: make C reach every node (k3d v5 `cluster edit
 * --port-delete` then `--port-add …@loadbalancer`, pkg/client/ports.go:
 * `@loadbalancer` = servers:*:proxy, agents:*:proxy; the two cannot be
 * combined in one call, cmd/cluster/clusterEdit.go), or recreate the
 * cluster with a node filter that names that node. The original filter is
 * derived from the upstream names (`k3d-dev-agent-0` → `agent:0`).
 */
export function k3dUpstreamAdvice(c: ContainerFact, reach: NodeReach, want: readonly string[]): string {
  const cluster = c.cluster ?? "<cluster>";
  const spec = `${c.hostPort}:${c.containerPort}${c.protocol !== "tcp" ? `/${c.protocol}` : ""}`;
  const filters = (reach.nodes ?? []).map((n) => /-(server|agent)-(\d+)$/.exec(n)).map((m) => (m ? `${m[1]}:${m[2]}` : null));
  const oldFilter = filters.length === 1 && filters[0] ? filters[0] : null;
  const wantFilter = want.map((n) => /-(server|agent)-(\d+)$/.exec(n)).map((m) => (m ? `${m[1]}:${m[2]}` : null)).find((f) => f !== null) ?? null;
  const edit = oldFilter
    ? `\`k3d cluster edit ${cluster} --port-delete ${spec}@${oldFilter}\` then \`k3d cluster edit ${cluster} --port-add ${spec}@loadbalancer\` (k3d v5, experimental: recreates the serverlb; @loadbalancer forwards to every server and agent)`
    : `\`k3d cluster edit ${cluster} --port-add HOSTPORT:${c.containerPort}@loadbalancer\` with a free host port (k3d v5, experimental: recreates the serverlb and adds every server and agent to port ${c.containerPort}'s upstreams)`;
  return `Make the serverlb forward port ${c.containerPort} to ${want.join(", ")}: ${edit}; or recreate the cluster with \`-p "${spec}@loadbalancer"\`${wantFilter ? ` or \`-p "${spec}@${wantFilter}"\`` : ""}; or run what takes the port on ${(reach.nodes ?? []).join(", ") || "an upstream node"}`;
}
