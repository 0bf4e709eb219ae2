/**
 * Why this matters: on k3d and kind a host port reaches the cluster only
 * through a Docker port binding — on the k3d serverlb, or on a kind node via
 * extraPortMappings. A port missing from that list is the single most common
 * reason a freshly documented URL answers "connection refused", and the fix
 * depends on which tool made the container.
 */
import { defineCheck, fail, isSourceError, pass, skip, warn, type CheckContext, type CheckOutcome, type ContainerFact, type ContainerInspect, type Node, type SourceError } from "../../src/index.js";
import { isIpLiteral, normalizeAddress, parseHostPort, preferIpv4 } from "../../src/host/addresses.js";
import {
  containerCluster,
  containerName,
  containerNetworks,
  containerRole,
  formatBinding,
  hostIpCovers,
  labelsOf,
  KIND_LABELS,
  portBindings,
  publishedList,
  type PortBinding,
} from "../../src/host/containers.js";
import { dockerClusters, type DockerCluster } from "../../src/host/flavor.js";
import { dockerProxyRelay, inferContainer } from "../../src/host/docker-proxy.js";
import { formatHostPort } from "../../src/host/addresses.js";
import { describeReach, nodeReach, reachEvidence } from "../../src/host/serverlb.js";

/** Where the container hop must receive the request: the target port, or the upstream of a socat/nc/ssh forwarder in front of it. */
async function wanted(ctx: CheckContext, port: number): Promise<{ port: number; addresses: string[]; via: string | null }> {
  const base = [ctx.facts.address, ctx.options.hostAddress].filter((a): a is string => !!a);
  const fw = ctx.facts.forwarder;
  if (fw && fw.upstream && (fw.kind === "socat" || fw.kind === "nc" || fw.kind === "ssh")) {
    const hp = parseHostPort(fw.upstream);
    if (hp) {
      let addresses = [hp.host];
      if (!isIpLiteral(hp.host)) {
        const r = await ctx.host.resolve(hp.host, ctx.signal);
        addresses = preferIpv4(r.addresses.map(normalizeAddress));
      }
      // ssh resolves its upstream on the ssh server (often the Docker VM): the host address applies there too.
      if (fw.kind === "ssh") addresses.push(...base);
      return { port: hp.port, addresses, via: `${fw.kind}${fw.pid !== null ? ` (pid ${fw.pid})` : ""} upstream ${fw.upstream}` };
    }
  }
  return { port, addresses: base, via: null };
}

/** `(k3d load balancer of cluster openchoreo)` etc. */
function roleNote(c: ContainerInspect): string {
  const id = containerCluster(c);
  switch (containerRole(c)) {
    case "k3d-serverlb":
      return ` (k3d load balancer of cluster ${id?.cluster})`;
    case "k3d-node":
      return ` (k3d node of cluster ${id?.cluster})`;
    case "kind-node":
      return ` (kind node of cluster ${id?.cluster})`;
    case "other":
      return "";
  }
}

function fact(c: ContainerInspect, b: PortBinding): ContainerFact {
  return {
    id: c.Id,
    name: containerName(c),
    role: containerRole(c),
    cluster: containerCluster(c)?.cluster ?? null,
    hostIp: b.hostIp || "0.0.0.0",
    hostPort: b.hostPort,
    containerPort: b.containerPort,
    protocol: b.protocol,
    running: c.State.Running,
    networks: containerNetworks(c),
  };
}

/** The cluster the kube context names (`k3d-<c>` / `kind-<c>`), when it is on this Docker host. */
function contextCluster(ctx: CheckContext, clusters: DockerCluster[]): DockerCluster | null {
  let context: string | null = null;
  try {
    context = ctx.kube.info().context;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return null;
  }
  const m = /^(k3d|kind)-(.+)$/.exec(context);
  return (m && clusters.find((d) => d.flavor === m[1] && d.cluster === m[2])) || null;
}

/** How a Docker read failed, for the start of a summary. */
function dockerProblem(e: SourceError): string {
  switch (e.code) {
    case "unreachable":
      return "Docker is unreachable";
    case "forbidden":
    case "unauthorized":
      return "Docker refuses access";
    case "timeout":
      return "Docker does not answer in time";
    case "invalid-config":
      return "the Docker host setting is invalid";
    default:
      return "Docker cannot be read";
  }
}

/**
 * Docker cannot be asked: name the container side from the docker-proxy that
 * owns the port (its command line gives the container IP and port), the
 * cluster's Nodes (a node IP means the node itself) and the kube context
 * (`k3d-<c>` → k3d's serverlb naming). Without a docker-proxy there is
 * nothing to go on: skip, and leave `facts.container` unresolved (undefined,
 * not null — null would claim that no container publishes the port).
 */
async function withoutDocker(ctx: CheckContext, e: SourceError, want: { port: number; addresses: string[]; via: string | null }): Promise<CheckOutcome> {
  const docker = { code: e.code, message: e.message };
  const relay = want.via ? null : dockerProxyRelay(ctx.facts.listener, want.port);
  if (!relay) {
    return skip(`unavailable: ${e.message}; no docker-proxy listener names the container side`, {
      facts: { container: undefined },
      evidence: { port: want.port, docker, listener: ctx.facts.listener ?? null },
    });
  }
  let context: string | null = null;
  let kubeError: string | null = null;
  try {
    context = ctx.kube.info().context;
  } catch (ke) {
    if (!isSourceError(ke)) throw ke;
    kubeError = ke.message;
  }
  let nodes: Node[] | null = null;
  if (context !== null) {
    try {
      nodes = await ctx.kube.list("nodes", ctx.signal);
    } catch (ke) {
      if (!isSourceError(ke)) throw ke;
      kubeError = ke.message;
    }
  }
  const inferred = inferContainer(relay, context, nodes);
  const pid = relay.pid !== null ? ` (pid ${relay.pid})` : "";
  return warn(
    `${dockerProblem(e)}; docker-proxy${pid} relays ${formatHostPort(relay.hostIp, relay.hostPort)} to ${formatHostPort(relay.containerIp, relay.containerPort)} — inferred: ${inferred.description}`,
    {
      facts: { container: inferred.fact },
      evidence: {
        port: want.port,
        docker,
        inferred: true,
        basis: inferred.basis,
        dockerProxy: { pid: relay.pid, command: relay.command, containerIp: relay.containerIp, containerPort: relay.containerPort },
        context,
        nodes: nodes?.map((n) => n.metadata.name) ?? null,
        kubeError,
      },
      details:
        "Docker could not be asked which container publishes the port, so the container side was read from the docker-proxy command line that owns the host port; the container's name comes from the Node whose InternalIP matches, or from k3d's serverlb naming on a k3d context. Its state was not inspected. Fix the Docker connection (DOCKER_HOST, docker context, socket permissions) for a checked answer.",
    },
  );
}

/**
 * The Service (and its port) whose `spec.ports[].nodePort` is `port`, or
 * null (none, or Services cannot be read). Users of minikube and Docker
 * Desktop reach NodePorts on localhost; on kind the same URL is refused
 * unless the node publishes that port (istio/istio#40324).
 */
async function nodePortService(ctx: CheckContext, port: number): Promise<{ namespace: string; name: string; port: number; type: string } | null> {
  let services;
  try {
    services = await ctx.kube.list("services", ctx.signal);
  } catch (e) {
    if (isSourceError(e)) return null;
    throw e;
  }
  for (const svc of services) {
    const p = (svc.spec?.ports ?? []).find((x) => x.nodePort === port);
    if (p) return { namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name, port: p.port, type: svc.spec?.type ?? "ClusterIP" };
  }
  return null;
}

export default defineCheck({
  id: "container.publishes-port",
  code: "ND401",
  hop: "container",
  title: "a container publishes the host port",
  // Docker being unreachable does not block: the docker-proxy command line (host-port.listener-identified) can still name the container side.
  after: ["env.docker-reachable", "dns.name-resolves", "host-port.listener-identified", "host-port.node-identified", "forwarder.upstream-reachable"],
  fixes: ["k3d-port-mapping", "kind-port-mapping"],
  explain: {
    meaning: "A container has a Docker port binding for the target port (or the upstream port of a forwarder in front of it) on a host address that covers the one the client uses (HostIp empty, 0.0.0.0 or :: cover every address). On k3d that is normally the serverlb (label k3d.role=loadbalancer), and the summary names the nodes it forwards the port to (k3d v5: its upstreams for the port in /etc/confd/values.yaml, read through the Docker archive endpoint; v3/v4: its SERVERS environment); a k3d v5 serverlb that publishes a port its values.yaml has no upstream for does not listen on it (fail). On kind the container is a node (extraPortMappings). When Docker cannot be asked, a warning names the container side from the docker-proxy command line that owns the port (container IP and port), matched against the Nodes' InternalIPs and k3d's serverlb naming: inferred, not inspected.",
    causes: "k3d: the cluster was created without `--port HOST:CONTAINER@loadbalancer` for this port, or from an older config that mapped another port (OpenChoreo changed 8080:80 to 8080:8080). kind: the port is not in the node's extraPortMappings (they cannot be added to a running cluster). The binding is on 127.0.0.1 while the client uses another address. Another process held the port when the container started (`Bind for 0.0.0.0:8080 failed: port is already allocated`).",
    fix: "k3d: `k3d cluster edit CLUSTER --port-add HOST:CONTAINER@loadbalancer` (fix `k3d-port-mapping`). kind: add the extraPortMappings entry to the cluster config and re-create the cluster (fix `kind-port-mapping` lists it in the report).",
    links: ["https://k3d.io/stable/usage/exposing_services/", "https://kind.sigs.k8s.io/docs/user/configuration/#extra-port-mappings"],
  },
  async run(ctx) {
    const target = ctx.target;
    if (!target) return skip("not applicable: no target (environment run)");
    const fw = ctx.facts.forwarder;
    if (fw && fw.kind === "kubectl-port-forward") {
      return skip(`not applicable: kubectl port-forward${fw.pid !== null ? ` (pid ${fw.pid})` : ""} carries the traffic through the API server, not through a published container port`, {
        facts: { container: null },
      });
    }
    const node = ctx.facts.node;
    if (node && !(fw && fw.upstream && (fw.kind === "socat" || fw.kind === "nc" || fw.kind === "ssh"))) {
      return skip(
        node.local
          ? `not applicable: ${ctx.facts.address ?? target.host} is this host, which is node ${node.name} itself (k3s on this host): there is no node container; the node takes port ${target.port}`
          : node.via === "vm-forwarder"
            ? `not applicable: a desktop VM tool's port forwarder carries port ${target.port} into its VM, node ${node.name}: there is no node container; the node takes port ${target.port}`
            : `not applicable: ${ctx.facts.address ?? target.host} is the ${node.addressType} of node ${node.name}: the request reaches the node directly, not through a published container port`,
        { facts: { container: null }, evidence: { node } },
      );
    }
    const want = await wanted(ctx, target.port);
    let containers: ContainerInspect[];
    try {
      containers = await ctx.docker.containers(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return withoutDocker(ctx, e, want);
    }
    const evidence: Record<string, unknown> = { port: want.port, addresses: want.addresses, via: want.via, inspected: containers.length };

    // A forwarder may relay straight to a container address (socat to a node IP and NodePort).
    for (const c of containers) {
      const nets = containerNetworks(c);
      const hit = Object.entries(nets).find(([, ip]) => want.addresses.some((a) => normalizeAddress(a) === ip));
      if (hit) {
        const [network, ip] = hit;
        const f: ContainerFact = { ...fact(c, { containerPort: want.port, protocol: "tcp", hostIp: ip, hostPort: want.port }) };
        return pass(`${want.via ?? target.host} reaches container ${containerName(c)} directly at ${ip}:${want.port} on network ${network}${roleNote(c)}`, {
          facts: { container: f },
          evidence: { ...evidence, network },
        });
      }
    }

    const matches: { c: ContainerInspect; b: PortBinding }[] = [];
    const otherScope: { c: ContainerInspect; b: PortBinding }[] = [];
    for (const c of containers) {
      for (const b of portBindings(c)) {
        if (b.hostPort !== want.port || b.protocol !== "tcp") continue;
        (hostIpCovers(b.hostIp, want.addresses) ? matches : otherScope).push({ c, b });
      }
    }
    const score = (m: { c: ContainerInspect; b: PortBinding }) =>
      (m.c.State.Running ? 0 : 4) + (want.addresses.some((a) => normalizeAddress(a) === normalizeAddress(m.b.hostIp)) ? 0 : 1) + (m.b.hostIp.includes(":") ? 2 : 0);
    const best = matches.sort((x, y) => score(x) - score(y))[0];
    if (best) {
      const also = [...new Set(matches.filter((m) => m.c !== best.c).map((m) => containerName(m.c)))];
      const f = fact(best.c, best.b);
      const published = `${containerName(best.c)} publishes ${formatBinding(best.b)}${roleNote(best.c)}${want.via ? ` for ${want.via}` : ""}`;
      if (f.role !== "k3d-serverlb") return pass(published, { facts: { container: f }, evidence: { ...evidence, alsoClaimedBy: also } });
      // Where the serverlb sends the port: its upstream nodes for it (k3d v5 values.yaml, v3/v4 SERVERS).
      const reach = await nodeReach(ctx.docker, f, ctx.signal);
      const upstreamEvidence = { ...evidence, alsoClaimedBy: also, serverlbUpstreams: reachEvidence(reach) };
      if (reach.from === "serverlb-config" && reach.nodes!.length === 0) {
        return fail(
          `${published}, but its ${reach.config!.file} has no upstream for ${reach.config!.key}: the serverlb's nginx does not listen on port ${f.containerPort}; expected ${reach.config!.key} with the nodes that take port ${f.containerPort}`,
          {
            details: `k3d's serverlb renders ${reach.config!.file} into an nginx stream config with one \`listen\` per key (k3d proxy/templates/nginx.tmpl), so a published port without a key reaches nothing: Docker accepts the connection and it is closed at once. Keys there: ${Object.keys(reach.config!.ports).join(", ") || "none"}. k3d writes the key with the port mapping (\`k3d cluster edit ${f.cluster ?? "CLUSTER"} --port-add ${f.hostPort}:${f.containerPort}@loadbalancer\` recreates the serverlb with it; delete the stale mapping first with --port-delete if Docker refuses the duplicate binding).`,
            facts: { container: f },
            evidence: upstreamEvidence,
          },
        );
      }
      const how = describeReach(reach);
      return pass(`${published}${how && reach.nodes ? `, forwarding port ${f.containerPort} to ${reach.nodes.join(", ")} (${how})` : ""}`, { facts: { container: f }, evidence: upstreamEvidence });
    }

    const portText = want.via ? `port ${want.port} (${want.via})` : `port ${want.port}`;
    const addr = want.addresses[0] ?? ctx.options.hostAddress;
    if (otherScope.length) {
      const o = otherScope[0]!;
      return fail(`${containerName(o.c)} publishes ${formatBinding(o.b)} only, which does not receive connections to ${addr}; expected a binding on ${addr} or 0.0.0.0`, {
        facts: { container: null },
        evidence,
        fixes: containerRole(o.c) === "kind-node" ? ["kind-port-mapping"] : containerRole(o.c).startsWith("k3d") ? ["k3d-port-mapping"] : [],
      });
    }

    const clusters = dockerClusters(containers);
    const preferred = contextCluster(ctx, clusters);
    const ordered = preferred ? [preferred, ...clusters.filter((d) => d !== preferred)] : clusters;
    const k3d = ordered.filter((d) => d.flavor === "k3d").map((d) => d.containers.find((c) => containerRole(c) === "k3d-serverlb")).filter((c): c is ContainerInspect => !!c);
    const kindNodes = ordered.filter((d) => d.flavor === "kind").flatMap((d) => d.containers.filter((c) => containerRole(c) === "kind-node"));
    const first = ordered[0];
    const describe = (c: ContainerInspect) => {
      const list = publishedList(c);
      return `${containerName(c)} publishes ${list.length ? list.join(", ") : "nothing"}`;
    };
    if (first?.flavor === "k3d" && k3d.length) {
      const lbs = k3d.slice(0, 3);
      const cluster = containerCluster(lbs[0]!)!.cluster;
      return fail(`no container publishes ${portText}: ${lbs.map(describe).join("; ")}; not ${want.port}`, {
        facts: { container: null },
        evidence: { ...evidence, serverlb: lbs.map((c) => ({ name: containerName(c), published: publishedList(c) })) },
        fixes: ["k3d-port-mapping"],
        details: `Add the port to the k3d load balancer: \`k3d cluster edit ${cluster} --port-add ${want.port}:${want.port}@loadbalancer\` (the container port is the one the cluster serves on the nodes — the LoadBalancer Service port; the serverlb forwards it to the same port on every server). The cluster config's \`ports:\` list should get the same entry so a re-create keeps it.`,
      });
    }
    if (first?.flavor === "kind" && kindNodes.length) {
      const nodes = kindNodes.filter((c) => labelsOf(c)[KIND_LABELS.cluster] === first.cluster).slice(0, 3);
      const np = want.via ? null : await nodePortService(ctx, want.port);
      const nodeIps = nodes.flatMap((c) => Object.values(containerNetworks(c))).filter((ip) => !!ip);
      return fail(
        `no container publishes ${portText}: ${nodes.map(describe).join("; ")}; not ${want.port}${np ? ` — ${want.port} is the nodePort of Service ${np.namespace}/${np.name} (port ${np.port}), which answers on the node's address, not on this host` : ""}`,
        {
          facts: { container: null },
          evidence: { ...evidence, nodes: nodes.map((c) => ({ name: containerName(c), published: publishedList(c) })), ...(np ? { nodePortService: np } : {}) },
          fixes: ["kind-port-mapping"],
          details: np
            ? `A NodePort is opened by kube-proxy inside each node, and a kind node is a container: ${want.port} answers at ${nodeIps.length ? nodeIps.map((ip) => `${ip}:${want.port}`).join(", ") : `the node's address, port ${want.port}`} (reachable from a Linux host, not through Docker Desktop's VM), and on this host only if the node publishes it. kind publishes host ports only through the node's extraPortMappings, fixed at creation: add \`- containerPort: ${want.port}\\n  hostPort: ${want.port}\` under the control-plane node in the kind config and re-create the cluster (\`netdoctor fix kind-port-mapping\` prints the entry), or reach Service ${np.namespace}/${np.name} with \`kubectl -n ${np.namespace} port-forward svc/${np.name} ${want.port}:${np.port}\`. A nodePort assigned at random changes when the Service is re-created: pin it (spec.ports[].nodePort) before mapping it.`
            : `kind publishes host ports only through the node's extraPortMappings, fixed at creation: add \`- containerPort: <NodePort>\\n  hostPort: ${want.port}\` under the control-plane node in the kind config and re-create the cluster (\`netdoctor fix kind-port-mapping\` prints the entry). The Service's nodePort must equal containerPort.`,
        },
      );
    }
    return fail(`no container publishes ${portText} (${containers.length} container${containers.length === 1 ? "" : "s"} inspected, no k3d or kind cluster among them); expected a published port`, {
      facts: { container: null },
      evidence,
    });
  },
});
