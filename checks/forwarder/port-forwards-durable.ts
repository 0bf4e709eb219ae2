/**
 * Why this matters: test suites and dev loops that start several
 * `kubectl port-forward` processes in parallel fail intermittently: each
 * forward is pinned to one pod and dies (or fails every connection) when that
 * pod goes, and a dead one simply leaves its port closed. Listing them all,
 * and pointing at the NodePort the cluster already publishes, turns "flaky
 * under load" into a concrete alternative.
 */
import { defineCheck, isSourceError, pass, skip, warn, type CheckContext, type ContainerInspect, type HostListener, type Service } from "../../src/index.js";
import { formatHostPort, isLoopback } from "../../src/host/addresses.js";
import { containerName, containerRole, portBindings } from "../../src/host/containers.js";
import { formatKubectlTarget, parseForwarderCommand, type KubectlPortForwardCommand } from "../../src/host/forwarders.js";
import { forwardNamespace, nodePortOf } from "./kube-target.js";

/** One `kubectl port-forward` process on the host. */
export interface PortForwardProcess {
  pid: number | null;
  /** Local ports it listens on, sorted. */
  ports: number[];
  /** Bind addresses it listens on. */
  addresses: string[];
  namespace: string;
  /** `svc/console`. */
  target: string;
  cmd: KubectlPortForwardCommand;
}

/** Group the host's listeners owned by kubectl port-forward processes by pid (one process may listen on IPv4 and IPv6, and several ports). */
export function portForwardProcesses(ctx: CheckContext, listeners: readonly HostListener[]): PortForwardProcess[] {
  const byKey = new Map<string, PortForwardProcess>();
  for (const l of listeners) {
    const cmd = parseForwarderCommand(l.command, l.process);
    if (cmd.kind !== "kubectl-port-forward") continue;
    const key = l.pid !== undefined ? String(l.pid) : (l.command ?? "");
    let p = byKey.get(key);
    if (!p) {
      p = { pid: l.pid ?? null, ports: [], addresses: [], namespace: forwardNamespace(ctx, cmd), target: formatKubectlTarget(cmd.target), cmd };
      byKey.set(key, p);
    }
    if (!p.ports.includes(l.port)) p.ports.push(l.port);
    if (!p.addresses.includes(l.address)) p.addresses.push(l.address);
  }
  for (const p of byKey.values()) p.ports.sort((a, b) => a - b);
  return [...byKey.values()].sort((a, b) => (a.ports[0] ?? 0) - (b.ports[0] ?? 0));
}

/** `pid 5301 127.0.0.1:8888 → envoy-gateway-system/svc/envoy-…:80`. */
function describe(p: PortForwardProcess): string {
  const local = p.ports.map((port) => formatHostPort(p.addresses.find((a) => !a.includes(":")) ?? p.addresses[0] ?? "127.0.0.1", port)).join(", ");
  const remote = p.cmd.ports.map((x) => x.remote).join(",");
  return `pid ${p.pid ?? "?"} ${local} → ${p.namespace}/${p.target}${remote ? `:${remote}` : ""}`;
}

/** Host ports where a kind/k3d node container publishes `nodePort` (kind extraPortMappings containerPort = NodePort). */
function publishedNodePort(containers: readonly ContainerInspect[], nodePort: number): { container: string; hostIp: string; hostPort: number }[] {
  const out: { container: string; hostIp: string; hostPort: number }[] = [];
  for (const c of containers) {
    if (containerRole(c) === "other" || !c.State.Running) continue;
    for (const b of portBindings(c)) if (b.containerPort === nodePort && b.protocol === "tcp") out.push({ container: containerName(c), hostIp: b.hostIp || "0.0.0.0", hostPort: b.hostPort });
  }
  return out;
}

export default defineCheck({
  id: "forwarder.port-forwards-durable",
  code: "ND304",
  hop: "forwarder",
  title: "no kubectl port-forward on this host is pinned to a single pod",
  after: ["host-port.listener-identified"],
  fixes: ["socat-forward"],
  explain: {
    meaning: "Lists every `kubectl port-forward` process listening on this host (pid, local address and port, namespace and target). Forwards to a Service or workload (`svc/…`, `deploy/…`) are pinned to the one pod kubectl picked at start and die with it; the check warns about them and, when the Service has a NodePort the cluster already publishes on a host port (kind extraPortMappings, a k3d port mapping), names that host port as the durable path.",
    causes: "Test suites start one port-forward per test process (4–12 in parallel) against the same Service: a rollout, an eviction or a crash of the chosen pod kills the forward, and under load kubectl's streams time out (`error creating error stream for port … Timeout occurred`, `error: lost connection to pod`). A dead forward leaves its local port closed: the next test gets `connection refused`.",
    fix: "Use the NodePort path the cluster already publishes (kind: the extraPortMappings hostPort), or one socat forward to a node's NodePort shared by all test processes (`netdoctor fix socat-forward`); keep port-forward for one-off sessions.",
    links: ["https://github.com/kubernetes/kubectl/issues/1416", "https://kind.sigs.k8s.io/docs/user/configuration/#extra-port-mappings"],
  },
  async run(ctx) {
    const target = ctx.target;
    if (!target) return skip("not applicable: no target (environment run)");
    let listeners: HostListener[];
    try {
      listeners = await ctx.host.listeners(ctx.signal);
    } catch (e) {
      if (isSourceError(e) && e.code === "unsupported") return skip(`not applicable: ${e.message}`);
      throw e;
    }
    const pfs = portForwardProcesses(ctx, listeners);
    if (!pfs.length) return skip("not applicable: no kubectl port-forward runs on this host");
    const pinned = pfs.filter((p) => p.cmd.target.type !== "pod");
    const owner = pfs.find((p) => p.ports.includes(target.port)) ?? null;
    const nothingListens = !listeners.some((l) => l.port === target.port);
    if (!nothingListens && !owner) return skip(`not applicable: port ${target.port} is not served by a kubectl port-forward (${pfs.length} other${pfs.length === 1 ? "" : "s"} run on this host)`, { evidence: { portForwards: pfs.map((p) => ({ pid: p.pid, ports: p.ports, target: `${p.namespace}/${p.target}` })) } });
    // The durable path: NodePorts of the forwarded Services that a node container already publishes on a host port.
    let services: Service[] = [];
    let containers: ContainerInspect[] = [];
    try {
      services = await ctx.kube.list("services", ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
    }
    try {
      containers = await ctx.docker.containers(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
    }
    const paths: string[] = [];
    const durable: Record<string, unknown>[] = [];
    /** Forwards whose Service has a NodePort a socat relay can reach instead. */
    const withNodePort = new Set<PortForwardProcess>();
    for (const p of pinned) {
      if (p.cmd.target.type !== "service") continue;
      const svc = services.find((s) => s.metadata.namespace === p.namespace && s.metadata.name === p.cmd.target.name);
      if (!svc) continue;
      const np = nodePortOf(svc, p.cmd.ports[0]?.remote ?? null);
      if (np === null) continue;
      withNodePort.add(p);
      for (const pub of publishedNodePort(containers, np)) {
        const host = isLoopback(pub.hostIp) || pub.hostIp === "0.0.0.0" || pub.hostIp === "::" ? "localhost" : pub.hostIp;
        const text = `Service ${p.namespace}/${svc.metadata.name} NodePort ${np} is already published on host port ${pub.hostPort} by ${pub.container} (http://${host}:${pub.hostPort}/)`;
        if (!paths.includes(text)) {
          paths.push(text);
          durable.push({ service: `${p.namespace}/${svc.metadata.name}`, nodePort: np, ...pub });
        }
      }
    }
    const list = pfs.map(describe);
    const evidence = { portForwards: pfs.map((p) => ({ pid: p.pid, ports: p.ports, addresses: p.addresses, namespace: p.namespace, target: p.target, remote: p.cmd.ports.map((x) => x.remote) })), durable };
    const count = `${pfs.length} kubectl port-forward process${pfs.length === 1 ? "" : "es"} on this host (${list.join("; ")})`;
    const pathNote = paths.length ? `; use the NodePort path instead: ${paths.join("; ")}` : "";
    const details = "kubectl port-forward resolves a Service or workload to ONE pod when it starts, and stays attached to it: when that pod is deleted (rollout, eviction, crash) the forward dies or fails every connection with `error: lost connection to pod`, and several forwards started in parallel each carry all their traffic through the API server's streams, which time out under load. A NodePort published on a host port (kind extraPortMappings) or one shared socat forward to a node's NodePort does not depend on any single pod.";
    // socat-forward applies when the forward for this port (or, when it has exited, every sibling: one Service) targets a Service with a NodePort.
    const targets = new Set(pfs.map((p) => `${p.namespace}/${p.target}:${p.cmd.ports.map((x) => x.remote).join(",")}`));
    const replaceable = owner ? withNodePort.has(owner) : nothingListens && targets.size === 1 && pfs.every((p) => withNodePort.has(p));
    const fixes = replaceable ? (["socat-forward"] as const) : [];
    const socatNote = replaceable ? " A socat relay to the Service's NodePort on a node replaces the forward and survives pod restarts (`netdoctor fix socat-forward`)." : "";
    if (nothingListens && target.port !== undefined) {
      return warn(`nothing listens on port ${target.port} any more, while ${count} run; a forward for this port has probably exited${pathNote}`, { evidence, details: details + socatNote, fixes: [...fixes] });
    }
    if (pinned.length) {
      const mine = owner && owner.cmd.target.type !== "pod" ? `the forward serving port ${target.port} (pid ${owner.pid ?? "?"}) is pinned to one pod of ${owner.namespace}/${owner.target}; ` : "";
      return warn(`${mine}${pinned.length} of ${count} forward to a Service or workload and die with the one pod each picked${pathNote}`, { evidence, details: details + socatNote, fixes: [...fixes] });
    }
    return pass(`${count}; each names its pod explicitly`, { evidence });
  },
});
