/**
 * env.kubeconfig-matches-cluster (ND007): the kubeconfig's API server address
 * is the port the cluster's containers publish for 6443.
 */
import { defineCheck, fail, isSourceError, pass, skip, warn, type CheckContext, type ContainerInspect, type KubeInfo } from "../../src/index.js";
import { isAnyAddress, isLoopback } from "../../src/host/addresses.js";
import { containerName, K3D_LABELS, KIND_LABELS, labelsOf, portBindings, type PortBinding } from "../../src/host/containers.js";
import { detectFlavor, dockerClusters } from "../../src/host/flavor.js";

/** The API server's port inside the node / load-balancer container (kube-apiserver `--secure-port`, k3s and kind default). */
const API_CONTAINER_PORT = 6443;

/** `https://127.0.0.1:41633` → host and port (443 when the URL names none); null when unparsable. */
export function serverAddress(server: string): { host: string; port: number } | null {
  try {
    const u = new URL(server);
    const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return { host, port: u.port ? Number(u.port) : u.protocol === "http:" ? 80 : 443 };
  } catch {
    return null;
  }
}

/** True for loopback / any-address hosts (kind writes 127.0.0.1, k3d 0.0.0.0): the kubeconfig reaches a port published on this machine. */
export function isLocalHost(host: string): boolean {
  return isLoopback(host) || isAnyAddress(host);
}

/** The host of a `tcp://HOST:PORT` / `ssh://user@HOST` Docker host, or null for local sockets. */
function dockerHostName(dockerHost: string): string | null {
  const m = /^(?:tcp|ssh|https?):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(dockerHost);
  return m ? m[1]!.replace(/^\[|\]$/g, "").toLowerCase() : null;
}

/**
 * The container that publishes the API of a cluster and its binding for 6443:
 * kind — the control-plane node, or the external load balancer of a
 * multi-control-plane cluster (label `io.x-k8s.kind.role`); k3d — the serverlb
 * (`k3d.role=loadbalancer`), or the server node when created with `--no-lb`.
 */
export function apiPublisher(containers: readonly ContainerInspect[]): { container: ContainerInspect; binding: PortBinding } | null {
  const rank = (c: ContainerInspect): number => {
    const l = labelsOf(c);
    const role = l[KIND_LABELS.role] ?? l[K3D_LABELS.role];
    return role === "external-load-balancer" || role === "loadbalancer" ? 0 : role === "control-plane" || role === "server" ? 1 : 2;
  };
  for (const c of [...containers].sort((a, b) => rank(a) - rank(b))) {
    const bindings = portBindings(c).filter((b) => b.containerPort === API_CONTAINER_PORT && b.protocol === "tcp");
    // IPv4 first: kind and k3d publish the API on 127.0.0.1 / 0.0.0.0.
    const b = bindings.find((x) => !x.hostIp.includes(":")) ?? bindings[0];
    if (b) return { container: c, binding: b };
  }
  return null;
}

/** The command that rewrites the kubeconfig entry of a cluster. */
export function refreshCommand(flavor: "k3d" | "kind", cluster: string): string {
  return flavor === "kind" ? `kind export kubeconfig --name ${cluster}` : `k3d kubeconfig merge ${cluster} --kubeconfig-switch-context`;
}

/** Whether the API at the kubeconfig answers, and with which Node names (null when the nodes could not be read). */
async function apiIdentity(ctx: CheckContext): Promise<{ answers: boolean; error: string | null; nodes: string[] | null }> {
  try {
    await ctx.kube.version(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    // 401/403 still prove a server answered there.
    if (e.code !== "unauthorized" && e.code !== "forbidden") return { answers: false, error: e.message, nodes: null };
  }
  try {
    const nodes = await ctx.kube.list("nodes", ctx.signal);
    return { answers: true, error: null, nodes: nodes.map((n) => n.metadata.name) };
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return { answers: true, error: null, nodes: null };
  }
}

/**
 * Why this matters: kind and k3d pick a random host port for the API server
 * when a cluster is created, and write it into the kubeconfig. After a
 * re-create (or a second cluster with the same name on another Docker
 * engine) the kubeconfig may keep the old port: every kubectl call then fails
 * with "connection refused" while the cluster itself is fine. Naming both
 * ports and the one command that refreshes the entry ends the confusion.
 */
const check = defineCheck({
  id: "env.kubeconfig-matches-cluster",
  code: "ND007",
  hop: "env",
  title: "the kubeconfig points at the cluster's published API port",
  dependsOn: ["env.kubeconfig-loaded", "env.docker-reachable"],
  after: ["env.api-reachable"],
  explain: {
    meaning:
      "kind publishes the API server (container port 6443) on 127.0.0.1:<random> of the control-plane node (or of the external load balancer with several control planes); k3d publishes it on the serverlb (0.0.0.0:<random>, or the port given with --api-port). The kubeconfig's server URL must name that published port. When it names another port, netdoctor asks the API there: if it answers as this cluster (its Nodes are the cluster's node containers), something forwards the port (an SSH tunnel, a proxy) and that is fine.",
    causes:
      "The cluster was deleted and re-created (new random API port) while the kubeconfig kept the old entry, e.g. KUBECONFIG points at a copy; the kubeconfig was exported from another machine or Docker engine; kind's --internal kubeconfig (https://<cluster>-control-plane:6443) is used from the host, where that name does not resolve.",
    fix: "Rewrite the kubeconfig entry from the running cluster: kind — `kind export kubeconfig --name <cluster>`; k3d — `k3d kubeconfig merge <cluster> --kubeconfig-switch-context`.",
    links: ["https://kind.sigs.k8s.io/docs/user/kind-example-config/", "https://k3d.io/stable/usage/kubeconfig/", "https://github.com/kubernetes-sigs/kind/issues/2325"],
  },
  async run(ctx) {
    let info: KubeInfo;
    try {
      info = ctx.kube.info();
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`not applicable: no kubeconfig context (${e.message})`);
    }
    const containers = await ctx.docker.containers(ctx.signal);
    const r = detectFlavor({ context: info.context, kubeCluster: info.cluster, server: info.server, gitVersion: null, containers });
    if ((r.flavor !== "kind" && r.flavor !== "k3d") || !r.cluster) {
      return skip(`not applicable: context ${info.context} is not a kind or k3d cluster (flavor ${r.flavor})`);
    }
    const flavor = r.flavor;
    const cluster = r.cluster;
    const mine = dockerClusters(containers).find((d) => d.flavor === flavor && d.cluster === cluster);
    if (!mine) return skip(`not applicable: no container of ${flavor} cluster ${cluster} on this Docker host (see env.cluster-flavor-detected)`);
    const publisher = apiPublisher(mine.containers);
    const refresh = refreshCommand(flavor, cluster);
    const srv = serverAddress(info.server);
    if (!srv) return skip(`not applicable: kubeconfig server ${JSON.stringify(info.server)} is not a URL`);
    const evidence: Record<string, unknown> = {
      context: info.context,
      server: info.server,
      flavor,
      cluster,
      publisher: publisher ? containerName(publisher.container) : null,
      published: publisher ? `${publisher.binding.hostIp || "0.0.0.0"}:${publisher.binding.hostPort}` : null,
    };
    if (!publisher) {
      return skip(`not applicable: no container of ${flavor} cluster ${cluster} publishes port ${API_CONTAINER_PORT} with a fixed host port`, { evidence });
    }
    const pub = publisher.binding;
    const pubName = containerName(publisher.container);
    const publishedText = `${pubName} publishes ${API_CONTAINER_PORT} on ${pub.hostIp || "0.0.0.0"}:${pub.hostPort}`;

    // kind's --internal kubeconfig: https://<cluster>-control-plane:6443, only resolvable on the kind network.
    const internal = mine.containers.some((c) => containerName(c).toLowerCase() === srv.host) && srv.port === API_CONTAINER_PORT;
    const docker = dockerHostName(ctx.docker.host());
    const local = isLocalHost(srv.host) || (docker !== null && srv.host === docker);
    if (!local && !internal) {
      return skip(`not applicable: kubeconfig server ${info.server} is not an address of this machine or the Docker host, so it is not compared with ${publishedText}`, { evidence });
    }
    if (local && srv.port === pub.hostPort) {
      return pass(`kubeconfig server ${info.server} is the API port ${publishedText}`, { evidence });
    }

    // The kubeconfig names another port (or the internal name). Ask the API there before judging.
    const api = await apiIdentity(ctx);
    const nodeNames = new Set(mine.containers.map((c) => containerName(c)));
    evidence["apiAnswers"] = api.answers;
    evidence["apiError"] = api.error;
    evidence["apiNodes"] = api.nodes;
    if (api.answers && api.nodes && api.nodes.some((n) => nodeNames.has(n))) {
      const same = api.nodes.filter((n) => nodeNames.has(n));
      return pass(
        `kubeconfig server ${info.server} is not the published API port (${publishedText}), but it answers as ${flavor} cluster ${cluster} (Node ${same.join(", ")}): something forwards that port to the API`,
        { evidence },
      );
    }
    const observed = internal
      ? `kubeconfig server ${info.server} is kind's --internal address, which resolves only on the docker network ${flavor === "kind" ? "kind" : `k3d-${cluster}`}`
      : `kubeconfig server ${info.server} is port ${srv.port}, but ${publishedText}`;
    const details =
      `${flavor} picks a random host port for the API server when the cluster is created and writes it into the kubeconfig; a re-created cluster gets a new port, and a kubeconfig copied before that keeps the old one. ` +
      `Run \`${refresh}\` to rewrite the entry of context ${info.context} from the running cluster.`;
    if (!api.answers) {
      return fail(`${observed}; the API does not answer there (${api.error}); expected the kubeconfig to name port ${pub.hostPort} — run \`${refresh}\``, { details, evidence });
    }
    if (api.nodes) {
      return fail(
        `${observed}; the API there answers as another cluster (Nodes ${api.nodes.slice(0, 5).join(", ") || "none"}); expected ${flavor} cluster ${cluster} at port ${pub.hostPort} — run \`${refresh}\``,
        { details, evidence },
      );
    }
    return warn(`${observed}; the API there answers, but its Nodes cannot be read to tell whether it is ${flavor} cluster ${cluster}; expected port ${pub.hostPort} — \`${refresh}\` rewrites the entry`, {
      details,
      evidence,
    });
  },
});

export default check;
