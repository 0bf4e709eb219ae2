/**
 * Why this matters: a dev container that publishes a port and runs
 * `kubectl port-forward --address=0.0.0.0 …` inside looks healthy from the
 * host — docker-proxy accepts every connection — long after the port-forward
 * died with its pod: the container then resets each connection. Only the
 * container's process list tells the two apart, and only its networks and
 * kubeconfig tell why the usual replacements do not work from inside it.
 */
import { defineCheck, fail, isSourceError, pass, skip, type CheckContext, type ContainerInspect, type ContainerTop, type FixId, type ForwarderFact, type Service } from "../../src/index.js";
import { formatHostPort, isAnyAddress, isLoopback, parseHostPort } from "../../src/host/addresses.js";
import { containerName, containerNetworks, containerRole, labelsOf } from "../../src/host/containers.js";
import { dockerClusters } from "../../src/host/flavor.js";
import { formatKubectlTarget, kubectlPairFor, parseForwarderCommand, programName, upstreamOf, type ForwarderCommand, type KubectlPortForwardCommand } from "../../src/host/forwarders.js";
import { scriptCommands, topCommands } from "../../src/host/container-forwarders.js";
import { forwardNamespace, nodePortOf } from "./kube-target.js";

/** A forwarder command that serves `port` inside the container, with the port pair / upstream it names. */
function servesPort(cmd: ForwarderCommand, port: number): boolean {
  switch (cmd.kind) {
    case "kubectl-port-forward":
      return cmd.ports.some((p) => p.local === port);
    case "socat":
      return cmd.listen?.port === port;
    case "nc":
      return cmd.port === port;
    case "ssh":
      return cmd.forwards.some((f) => f.port === port);
    default:
      return false;
  }
}

/** Every command line the container was configured with: entrypoint + args, Cmd, and strings inside its labels (devcontainer.metadata JSON: postStartCommand …). */
function configuredScripts(c: ContainerInspect): string[] {
  const out: string[] = [];
  const argv = [c.Path, ...(c.Args ?? [])].filter((x): x is string => !!x);
  if (argv.length) out.push(argv.join(" "), ...argv);
  if (c.Config.Cmd?.length) out.push(c.Config.Cmd.join(" "), ...c.Config.Cmd);
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const value of Object.values(labelsOf(c))) {
    const t = value.trim();
    if (t.startsWith("[") || t.startsWith("{")) {
      try {
        walk(JSON.parse(t));
        continue;
      } catch {
        /* not JSON: take it as text */
      }
    }
    out.push(value);
  }
  return out;
}

/**
 * Labels the devcontainers CLI (VS Code Dev Containers) puts on the container
 * it creates: the host folder, the devcontainer.json path, and the merged
 * metadata (features, forwardPorts, postStartCommand …).
 * Source: devcontainers/cli src/spec-node/singleContainer.ts and imageMetadata.ts.
 */
const DEVCONTAINER_LABELS = ["devcontainer.local_folder", "devcontainer.config_file", "devcontainer.metadata"] as const;

/** Where the container gets a kubeconfig: a bind mount of a `.kube` directory or file, or `KUBECONFIG` in its environment; null when neither. */
function kubeconfigOf(c: ContainerInspect): string | null {
  const mounts = Array.isArray(c["Mounts"]) ? (c["Mounts"] as { Source?: string; Destination?: string }[]) : [];
  const m = mounts.find((x) => /(^|\/)\.kube(\/config)?$/.test(x.Destination ?? ""));
  if (m) return `${m.Source ?? "?"} mounted at ${m.Destination}`;
  const env = (c.Config.Env ?? []).find((e) => e.startsWith("KUBECONFIG="));
  return env ? env : null;
}

/** Services a forward of container port `port` most likely reached: a Service port or targetPort equal to it (or named it), ranked by how well the Service name matches the dev container's folder. */
function servicesForPort(services: Service[], port: number, folder: string | null): { svc: Service; port: number }[] {
  const base = (folder ?? "").split("/").pop()?.toLowerCase() ?? "";
  const hits: { svc: Service; port: number; score: number }[] = [];
  for (const s of services) {
    const ns = s.metadata.namespace ?? "default";
    if (ns === "kube-system" || (ns === "default" && s.metadata.name === "kubernetes")) continue;
    const sp = (s.spec.ports ?? []).find((p) => p.port === port || p.targetPort === port || p.name === String(port));
    if (!sp) continue;
    const named = base !== "" && base.includes(s.metadata.name.toLowerCase());
    hits.push({ svc: s, port: sp.port, score: (named ? 2 : 0) + (sp.port === port ? 1 : 0) });
  }
  return hits.sort((a, b) => b.score - a.score).map(({ svc, port: p }) => ({ svc, port: p }));
}

/**
 * What a socat forward needs from the forwarded Service: its NodePort (`np`,
 * null when it has none). Records the Service in `evidence`, and either
 * recommends service-to-nodeport first or says the NodePort survives pod restarts.
 */
function nodePortAdvice(svc: Service, ns: string, np: number | null, evidence: Record<string, unknown>, fixes: FixId[], notes: string[]): void {
  evidence["service"] = { namespace: ns, name: svc.metadata.name, type: svc.spec.type ?? "ClusterIP", nodePort: np };
  if (np === null) {
    fixes.push("service-to-nodeport");
    notes.push(`Service ${ns}/${svc.metadata.name} is ${svc.spec.type ?? "ClusterIP"} without a NodePort: give it one first (\`netdoctor fix service-to-nodeport\`)`);
  } else notes.push(`Service ${ns}/${svc.metadata.name} has NodePort ${np}: a socat forward to a node's address on ${np} survives pod restarts`);
}

/**
 * Why the usual replacements do not work from inside the container: it is not
 * on the cluster's Docker network (a NodePort is only reachable there), and a
 * kubeconfig server on loopback is the container's own loopback. Adds
 * `networks` and `clusterNetworks` to `evidence`.
 */
async function reachNotes(ctx: CheckContext, c: ContainerInspect, containers: ContainerInspect[], evidence: Record<string, unknown>): Promise<string[]> {
  const notes: string[] = [];
  const name = containerName(c);
  const nets = containerNetworks(c);
  const clusters = dockerClusters(containers);
  const clusterNets = clusters.flatMap((d) => d.containers.flatMap((x) => Object.keys(containerNetworks(x)))).filter((n, i, a) => a.indexOf(n) === i);
  const shared = Object.keys(nets).filter((n) => clusterNets.includes(n));
  evidence["networks"] = nets;
  evidence["clusterNetworks"] = clusterNets;
  if (clusterNets.length && !shared.length) {
    notes.push(`The container ${name} is on ${Object.keys(nets).join(", ") || "no network"}, not on the cluster's network ${clusterNets.join(", ")}, so it cannot reach a node's NodePort: \`docker network connect ${clusterNets[0]} ${name}\``);
  }
  try {
    const server = ctx.kube.info().server;
    const hp = parseHostPort(server.replace(/^https?:\/\//, "").replace(/\/.*$/, ""));
    if (hp && (isLoopback(hp.host) || isAnyAddress(hp.host))) {
      notes.push(`A kubeconfig pointing at ${server} does not work from inside ${name}: ${formatHostPort(hp.host, hp.port)} is the container's own loopback there (kind: \`kind get kubeconfig --internal\` after connecting the network; k3d: https://host.docker.internal:${hp.port} with a matching --tls-san)`);
    }
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  return notes;
}

async function topOf(ctx: CheckContext, c: ContainerInspect): Promise<ContainerTop | null> {
  try {
    return await ctx.docker.top(c.Id, ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return null;
  }
}

export default defineCheck({
  id: "forwarder.container-process-alive",
  code: "ND303",
  hop: "forwarder",
  title: "the forwarder inside the publishing container is running",
  after: ["host-port.listener-identified", "container.publishes-port"],
  fixes: ["socat-forward", "service-to-nodeport"],
  explain: {
    meaning: "When the target port is published by a container that is not a cluster node (a dev container, a tool container) and that container is configured to run a forwarder for the port (`kubectl port-forward`, socat, nc, ssh -L in its command, entrypoint or labels such as devcontainer.metadata's postStartCommand), the forwarder process is present in the container's process list (Docker `GET /containers/{id}/top`).",
    causes: "`kubectl port-forward` inside the container exited when its pod restarted (it never re-attaches), or was started from a shell that closed; docker-proxy keeps accepting on the host and the container resets every connection. Restarting it from inside the container is harder than it looks: a kubeconfig pointing at 127.0.0.1:<port> reaches the container's own loopback, and the container is not on the cluster's Docker network, so it cannot reach a node's NodePort either.",
    fix: "Connect the container to the cluster's network (`docker network connect kind <container>`; kind: `kind get kubeconfig --internal` gives an API address that works there) and replace the port-forward with a socat forward to a node's NodePort (`netdoctor fix socat-forward`; `netdoctor fix service-to-nodeport` first when the Service has no NodePort).",
    links: ["https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/ContainerTop", "https://kind.sigs.k8s.io/docs/user/known-issues/", "https://github.com/kubernetes/kubectl/issues/1416"],
  },
  async run(ctx) {
    const target = ctx.target;
    const fact = ctx.facts.container;
    if (!target) return skip("not applicable: no target (environment run)");
    if (!fact || fact.inferred || !fact.id) return skip("not applicable: no inspected container publishes the port");
    const containers = await ctx.docker.containers(ctx.signal);
    const c = containers.find((x) => x.Id === fact.id);
    if (!c || containerRole(c) !== "other") return skip(`not applicable: ${fact.name} is a cluster container (${fact.role}), not a container running its own forwarder`);
    const name = containerName(c);
    const port = fact.containerPort;
    const expected = scriptCommands(configuredScripts(c)).map((line) => ({ line, cmd: parseForwarderCommand(line) })).filter((x) => servesPort(x.cmd, port));
    if (!c.State.Running) return skip(`not applicable: ${name} is not running (see container.running)`);
    const top = await topOf(ctx, c);
    if (!top) return skip(`unavailable: the process list of ${name} could not be read (docker top)`);
    const processes = topCommands(top);
    const running = processes.map((p) => ({ ...p, cmd: parseForwarderCommand(p.command) })).find((p) => servesPort(p.cmd, port));
    const evidence: Record<string, unknown> = { container: name, containerPort: port, configured: expected.map((x) => x.line), processes: processes.map((p) => `${p.pid ?? "?"} ${p.command}`) };
    if (running) {
      const f: ForwarderFact = { kind: running.cmd.kind, pid: running.pid, upstream: upstreamOf(running.cmd, port), command: running.command };
      return pass(`${running.cmd.kind === "kubectl-port-forward" ? "kubectl port-forward" : running.cmd.kind} (pid ${running.pid ?? "?"} in ${name}) serves container port ${port}${f.upstream ? ` → ${f.upstream}` : ""}`, { facts: { forwarder: f }, evidence });
    }
    const shown = [...new Set(processes.map((p) => programName(p.command.split(" ")[0] ?? "")))].slice(0, 5).join(", ");
    const notes: string[] = [];
    const fixes: ("socat-forward" | "service-to-nodeport")[] = ["socat-forward"];
    if (!expected.length) {
      // Nothing configured, nothing running: a forward typed in a terminal leaves no trace but what it was for (issue 11 §4).
      const labels = labelsOf(c);
      const devcontainer = DEVCONTAINER_LABELS.some((l) => labels[l] !== undefined);
      const kubeconfig = kubeconfigOf(c);
      let services: Service[] = [];
      try {
        services = await ctx.kube.list("services", ctx.signal);
      } catch (e) {
        if (!isSourceError(e)) throw e;
      }
      const candidates = devcontainer || kubeconfig ? servicesForPort(services, port, labels["devcontainer.local_folder"] ?? null) : [];
      if (!candidates.length) {
        return skip(`not applicable: ${name} runs ${processes.length} process${processes.length === 1 ? "" : "es"} and is not configured with a forwarder for port ${port}`, { evidence });
      }
      const { svc, port: svcPort } = candidates[0]!;
      const ns = svc.metadata.namespace ?? "default";
      const guess = `kubectl port-forward${ns === "default" ? "" : ` -n ${ns}`} --address=0.0.0.0 svc/${svc.metadata.name} ${port}:${svcPort}`;
      evidence["devcontainer"] = devcontainer ? Object.fromEntries(DEVCONTAINER_LABELS.filter((l) => labels[l] !== undefined && l !== "devcontainer.metadata").map((l) => [l, labels[l]])) : null;
      evidence["kubeconfig"] = kubeconfig;
      evidence["candidates"] = candidates.slice(0, 5).map((x) => `${x.svc.metadata.namespace ?? "default"}/${x.svc.metadata.name}:${x.port}`);
      nodePortAdvice(svc, ns, nodePortOf(svc, svcPort), evidence, fixes, notes);
      notes.push(...(await reachNotes(ctx, c, containers, evidence)));
      const why = [devcontainer ? "a dev container" : null, kubeconfig ? `with a kubeconfig (${kubeconfig})` : null].filter(Boolean).join(" ");
      return fail(
        `nothing in container ${name} serves its published port ${port} (processes: ${shown || "none"}), and nothing in its configuration starts a forwarder: most likely a \`${guess}\` typed in a terminal died with its pod; expected a running forwarder`,
        {
          facts: { forwarder: { kind: "kubectl-port-forward", pid: null, upstream: `${ns}/svc/${svc.metadata.name}:${svcPort}`, command: null } },
          evidence,
          fixes,
          details:
            `${name} is ${why}; Service ${ns}/${svc.metadata.name} has port ${svcPort}${candidates.length > 1 ? ` (other candidates: ${candidates.slice(1, 4).map((x) => `${x.svc.metadata.namespace ?? "default"}/${x.svc.metadata.name}:${x.port}`).join(", ")})` : ""}. ` +
            `docker-proxy accepts connections on the host and hands them to ${name}:${port}, where nothing listens, so every connection is reset. kubectl port-forward attaches to one pod and exits with "lost connection to pod" when that pod is replaced, leaving no process behind. ${notes.map((n) => `${n}.`).join(" ")}`,
        },
      );
    }
    const want = expected[0]!;
    let what = `\`${want.line.trim()}\``;
    let facts: { forwarder: ForwarderFact } | undefined;
    if (want.cmd.kind === "kubectl-port-forward") {
      const cmd: KubectlPortForwardCommand = want.cmd;
      const ns = forwardNamespace(ctx, cmd);
      const pair = kubectlPairFor(cmd, port);
      what = `kubectl port-forward to ${formatKubectlTarget(cmd.target)}${pair ? `:${pair.remote}` : ""} in ${ns}`;
      facts = { forwarder: { kind: "kubectl-port-forward", pid: null, upstream: upstreamOf({ ...cmd, namespace: ns }, port), command: want.line.trim() } };
      if (!cmd.addresses.some((a) => isAnyAddress(a))) notes.push(`The forward's --address ${cmd.addresses.join(",")} binds the container's loopback only, which docker-proxy (connecting to the container's own IP) never reaches: it needs --address=0.0.0.0`);
      if (cmd.target.type === "service") {
        let svc: Service | undefined;
        try {
          svc = (await ctx.kube.list("services", ctx.signal)).find((s) => s.metadata.namespace === ns && s.metadata.name === cmd.target.name);
        } catch (e) {
          if (!isSourceError(e)) throw e;
        }
        if (svc) {
          nodePortAdvice(svc, ns, nodePortOf(svc, pair?.remote ?? null), evidence, fixes, notes);
        }
      }
    }
    notes.push(...(await reachNotes(ctx, c, containers, evidence)));
    return fail(`no forwarder runs in container ${name} for port ${port}: it was started with ${what}, but its processes are ${shown || "none"}; expected the forwarder to be running`, {
      ...(facts ? { facts } : {}),
      evidence,
      fixes,
      details: `docker-proxy accepts connections on the host and hands them to ${name}:${port}, where nothing listens any more, so every connection is reset. kubectl port-forward attaches to one pod and exits (or fails every connection) when that pod is replaced. ${notes.map((n) => `${n}.`).join(" ")}`,
    });
  },
});
