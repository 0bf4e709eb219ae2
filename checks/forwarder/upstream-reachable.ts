/**
 * Why this matters: a userspace forwarder (socat, `kubectl port-forward`,
 * `ssh -L`, `nc`) accepts connections even when the thing it relays to is
 * gone, so the client sees an accepted connection followed by a reset or an
 * empty reply. Following the forwarder to its upstream — a TCP port for socat
 * and nc, a pod or Service for kubectl port-forward — finds where the chain
 * really breaks, including a forwarder that relays to itself.
 */
import {
  defineCheck,
  fail,
  isSourceError,
  pass,
  skip,
  type CheckContext,
  type CheckOutcome,
  type ForwarderFact,
  type HostListener,
  type LabelSelector,
  type Pod,
} from "../../src/index.js";
import { bindCovers, formatHostPort, ipFamily, isAnyAddress, isIpLiteral, isLoopback, normalizeAddress, preferIpv4 } from "../../src/host/addresses.js";
import {
  FORWARDER_LABEL,
  formatKubectlTarget,
  kubectlPairFor,
  parseForwarderCommand,
  sshForwardFor,
  upstreamOf,
  type Endpoint,
  type ForwarderCommand,
  type KubectlPortForwardCommand,
} from "../../src/host/forwarders.js";
import { coveringListeners, describeOwner, sameSocket } from "../../src/host/listeners.js";
import { describeVmForwarder, parseVmForwarder } from "../../src/host/vm-forwarders.js";
import { OWNER_KIND } from "../../src/kube/port-forward-pod.js";

/** Longest forwarder chain followed when looking for a loop. */
const MAX_CHAIN = 5;

/** Resolve an upstream host the way the forwarder would (getaddrinfo through the system resolver), restricted to a family when the address type fixes one. */
async function resolveUpstream(ctx: CheckContext, host: string, family: 4 | 6 | null): Promise<{ addresses: string[]; error: string | null }> {
  if (isIpLiteral(host)) return { addresses: [normalizeAddress(host)], error: null };
  const r = await ctx.host.resolve(host, ctx.signal);
  const all = preferIpv4(r.addresses.map(normalizeAddress));
  const addresses = family ? all.filter((a) => ipFamily(a) === family) : all;
  return { addresses, error: addresses.length ? null : (r.error ?? `no IPv${family ?? ""} address`) };
}

/** `127.0.0.1:6185`, or `localhost:6185 (127.0.0.1)` when the command names a host. */
function showUpstream(up: Endpoint, address: string | null): string {
  const written = formatHostPort(up.host, up.port);
  return address && normalizeAddress(address) !== normalizeAddress(up.host) ? `${written} (${address})` : written;
}

/** The TCP upstream of a parsed socat/nc command, with the family its address type fixes. */
function tcpUpstream(cmd: ForwarderCommand): (Endpoint & { family: 4 | 6 | null }) | null {
  if (cmd.kind === "socat") return cmd.upstream;
  if (cmd.kind === "nc") return cmd.upstream ? { ...cmd.upstream, family: null } : null;
  return null;
}

/**
 * Follow local forwarders from `start` (an upstream address:port) through the
 * host's listeners; returns the chain of listeners visited when it comes back
 * to `origin` (a loop), else null. Only loopback/wildcard hops are followed:
 * those are certainly this host.
 */
async function findLoop(ctx: CheckContext, origin: HostListener, start: { address: string; port: number }, listeners: HostListener[]): Promise<HostListener[] | null> {
  const chain: HostListener[] = [];
  let at = start;
  for (let i = 0; i < MAX_CHAIN; i++) {
    if (!isLoopback(at.address) && !isAnyAddress(at.address) && !bindCovers(origin.address, at.address)) return null;
    const next = coveringListeners(listeners, at.address, at.port)[0];
    if (!next) return null;
    if (sameSocket(next, origin) || (next.pid !== undefined && next.pid === origin.pid && next.port === origin.port)) return chain;
    chain.push(next);
    const up = tcpUpstream(parseForwarderCommand(next.command, next.process));
    if (!up) return null;
    const r = await resolveUpstream(ctx, up.host, up.family);
    if (!r.addresses[0]) return null;
    at = { address: r.addresses[0], port: up.port };
  }
  return null;
}

/** socat / nc: resolve, detect loops, probe the upstream. */
async function checkTcpUpstream(ctx: CheckContext, listener: HostListener, cmd: ForwarderCommand, fact: ForwarderFact, up: Endpoint & { family: 4 | 6 | null }): Promise<CheckOutcome> {
  const who = `${FORWARDER_LABEL[cmd.kind]}${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
  const listen = formatHostPort(listener.address, listener.port);
  const facts = { forwarder: fact };
  const resolved = await resolveUpstream(ctx, up.host, up.family);
  const address = resolved.addresses[0] ?? null;
  const shown = showUpstream(up, address);
  if (!address) {
    return fail(`${who} relays ${listen} to ${shown}, which does not resolve (${resolved.error}); expected an upstream address`, { facts, evidence: { listener, upstream: up } });
  }
  const evidence: Record<string, unknown> = { listener, upstream: up, upstreamAddress: address };
  let listeners: HostListener[] = [];
  try {
    listeners = await ctx.host.listeners(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  // Self-loop: the upstream is this very socket (same port, an address the listener receives) and no more specific
  // listener takes it first (macOS lets 0.0.0.0:P and 127.0.0.1:P coexist; the specific one receives 127.0.0.1).
  const shadowed = coveringListeners(listeners, address, up.port).some((l) => !sameSocket(l, listener) && !isAnyAddress(l.address));
  if (!shadowed && up.port === listener.port && (isLoopback(address) || isAnyAddress(address) || normalizeAddress(address) === normalizeAddress(listener.address)) && bindCovers(listener.address, address)) {
    return fail(`${who} relays ${listen} to ${shown}: itself (a forwarding loop); expected an upstream on another port or host`, {
      facts,
      evidence: { ...evidence, loop: [listen] },
      details: "Every connection is relayed back into the forwarder, which relays it again until file descriptors run out; clients see resets or hangs. Point the forwarder at the real upstream (a NodePort on the node's address, or the port the cluster publishes).",
    });
  }
  const loop = await findLoop(ctx, listener, { address, port: up.port }, listeners);
  if (loop) {
    const path = [listen, ...loop.map((l) => `${describeOwner(l)} on ${formatHostPort(l.address, l.port)}`), listen].join(" → ");
    return fail(`${who} relays ${listen} to ${shown}, which leads back to it (a forwarding loop: ${path}); expected the chain to end at the cluster`, {
      facts,
      evidence: { ...evidence, loop: loop.map((l) => formatHostPort(l.address, l.port)) },
    });
  }
  const next = isLoopback(address) || isAnyAddress(address) ? coveringListeners(listeners, address, up.port)[0] : undefined;
  const nextNote = next ? ` (${describeOwner(next)})` : "";
  const timeoutMs = ctx.options.probeTimeoutMs;
  const r = await ctx.probe.tcp(address, up.port, timeoutMs, ctx.signal);
  evidence["probe"] = { outcome: r.outcome, durationMs: r.durationMs, error: r.error ?? null };
  if (next) evidence["upstreamListener"] = next;
  switch (r.outcome) {
    case "connected":
      return pass(`${who} relays ${listen} to ${shown}${nextNote}, which accepts connections`, { facts, evidence });
    case "refused":
      return fail(`${who} relays ${listen} to ${shown}: connection refused; expected the upstream to accept connections`, {
        facts,
        evidence,
        details: `The forwarder accepts the client's connection, then fails to connect upstream and closes it: clients see an empty reply or a reset. Start what should listen on ${formatHostPort(address, up.port)}, or point the forwarder at the right port.`,
      });
    case "timeout":
    case "unreachable": {
      const what = r.outcome === "timeout" ? `no answer within ${timeoutMs} ms (timeout)` : `unreachable${r.error ? ` (${r.error})` : ""}`;
      const inCluster = await clusterAddressOf(ctx, address);
      if (inCluster) {
        evidence["clusterAddress"] = inCluster;
        return fail(`${who} relays ${listen} to ${shown}, ${inCluster.description}: ${what}; expected an upstream this host can route to (a node address and NodePort, or a published port)`, {
          facts,
          evidence,
          fixes: ["socat-forward"],
          details: `${inCluster.kind === "pod" ? "Pod IPs" : "ClusterIPs"} live inside the cluster's network: the host has no route to them (on macOS and with Docker Desktop/Colima not even to the node containers), and a pod IP changes whenever the pod is replaced. Relay to the node's address and the Service's NodePort instead (\`netdoctor fix socat-forward\`), or use kubectl port-forward for a one-off session.`,
        });
      }
      return fail(`${who} relays ${listen} to ${shown}: ${what}; expected ${r.outcome === "timeout" ? "the upstream to accept connections" : "a route to the upstream"}`, { facts, evidence });
    }
    case "error":
      return fail(`${who} relays ${listen} to ${shown}: ${r.error ?? "connect failed"}; expected the upstream to accept connections`, { facts, evidence });
  }
}

/**
 * Is `address` a pod IP or a ClusterIP of the cluster (read from Pod
 * `status.podIPs` and Service `spec.clusterIPs`)? Neither is routable from the
 * host (kind/k3d: Docker bridge networks; Kubernetes networking model).
 * Returns null when it is neither or the cluster cannot be read.
 */
async function clusterAddressOf(ctx: CheckContext, address: string): Promise<{ kind: "pod" | "service"; name: string; description: string } | null> {
  const a = normalizeAddress(address);
  try {
    const pods = await ctx.kube.list("pods", ctx.signal);
    const pod = pods.find((p) => p.status?.podIP === a);
    if (pod) return { kind: "pod", name: `${pod.metadata.namespace}/${pod.metadata.name}`, description: `the pod IP of pod ${pod.metadata.namespace}/${pod.metadata.name}` };
    const svcs = await ctx.kube.list("services", ctx.signal);
    const svc = svcs.find((x) => x.spec.clusterIP === a || (x.spec.clusterIPs ?? []).includes(a));
    if (svc) return { kind: "service", name: `${svc.metadata.namespace}/${svc.metadata.name}`, description: `the ClusterIP of Service ${svc.metadata.namespace}/${svc.metadata.name}` };
    const nodes = await ctx.kube.list("nodes", ctx.signal);
    // Node.spec.podCIDR(s) is not in the plain-JSON Node shape: read it loosely.
    const cidrsOf = (n: unknown): string[] => {
      const spec = (n as { spec?: { podCIDR?: unknown; podCIDRs?: unknown } }).spec;
      return [spec?.podCIDR, ...(Array.isArray(spec?.podCIDRs) ? spec.podCIDRs : [])].filter((c): c is string => typeof c === "string");
    };
    const cidr = nodes.flatMap(cidrsOf).find((c) => inCidr(a, c));
    if (cidr) return { kind: "pod", name: cidr, description: `a pod IP (pod CIDR ${cidr}; no current pod has it)` };
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  return null;
}

/** IPv4 `address` inside `cidr` (`10.42.0.0/24`); false for IPv6 or malformed input. */
function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const toInt = (x: string) => x.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  if (!base || !bitsText || ipFamily(base) !== 4 || ipFamily(address) !== 4) return false;
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(toInt(address) / size) === Math.floor(toInt(base) / size);
}

/** Does `selector` (matchLabels + matchExpressions) select `labels`? (Kubernetes label selector semantics.) */
function selects(selector: LabelSelector | Record<string, string>, labels: Record<string, string>): boolean {
  const isLs = "matchLabels" in selector || "matchExpressions" in selector;
  const matchLabels = isLs ? ((selector as LabelSelector).matchLabels ?? {}) : (selector as Record<string, string>);
  const exprs = isLs ? ((selector as LabelSelector).matchExpressions ?? []) : [];
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return exprs.every((x) => {
    const has = Object.prototype.hasOwnProperty.call(labels, x.key);
    switch (x.operator) {
      case "In":
        return has && (x.values ?? []).includes(labels[x.key]!);
      case "NotIn":
        return !has || !(x.values ?? []).includes(labels[x.key]!);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
  });
}

/** Pod phase Running and condition Ready=True. */
function podReady(p: Pod): boolean {
  return p.status?.phase === "Running" && (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** `Running, not ready (CrashLoopBackOff)` etc. */
function podState(p: Pod): string {
  const phase = p.status?.phase ?? "Unknown";
  const waiting = (p.status?.containerStatuses ?? []).map((s) => s.state?.waiting?.reason ?? s.state?.terminated?.reason).find(Boolean);
  if (podReady(p)) return "Ready";
  return `${phase}${phase === "Running" ? ", not ready" : ""}${waiting ? ` (${waiting})` : ""}`;
}

/** kubectl port-forward: the pod / Service / workload must exist and have a ready pod. */
async function checkKubectl(ctx: CheckContext, listener: HostListener, cmd: KubectlPortForwardCommand, fact: ForwarderFact): Promise<CheckOutcome> {
  const who = `kubectl port-forward${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
  const listen = formatHostPort(listener.address, listener.port);
  const pair = kubectlPairFor(cmd, listener.port);
  let namespace = cmd.namespace;
  if (!namespace) {
    try {
      namespace = ctx.kube.info().namespace;
    } catch (e) {
      if (!isSourceError(e)) throw e;
      namespace = "default";
    }
  }
  const ref = `${formatKubectlTarget(cmd.target)}${pair ? `:${pair.remote}` : ""}`;
  const head = `${who} forwards ${listen} to ${ref} in ${namespace}`;
  const facts = { forwarder: { ...fact, upstream: `${namespace}/${ref}` } };
  const evidence: Record<string, unknown> = { listener, namespace, target: cmd.target, ports: cmd.ports, addresses: cmd.addresses };
  const fixes = ["socat-forward" as const];
  const gone = (what: string) =>
    fail(`${head}, but ${what}; expected a running, ready pod behind it`, {
      facts,
      evidence,
      fixes,
      details: "kubectl port-forward attaches to one pod when it starts and never re-attaches: when that pod is deleted (a rollout, a restart) the listener may stay while every connection fails with `error: lost connection to pod`. A socat forward to the Service's NodePort survives pod restarts (`netdoctor fix socat-forward`).",
    });
  let pods: Pod[];
  try {
    pods = (await ctx.kube.list("pods", ctx.signal)).filter((p) => p.metadata.namespace === namespace);
    let selected: Pod[];
    let what: string;
    switch (cmd.target.type) {
      case "pod": {
        const pod = pods.find((p) => p.metadata.name === cmd.target.name);
        if (!pod) return gone(`pod ${namespace}/${cmd.target.name} does not exist`);
        selected = [pod];
        what = `pod ${pod.metadata.name}`;
        break;
      }
      case "service": {
        const svc = (await ctx.kube.list("services", ctx.signal)).find((s) => s.metadata.namespace === namespace && s.metadata.name === cmd.target.name);
        if (!svc) return gone(`Service ${namespace}/${cmd.target.name} does not exist`);
        if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) {
          return fail(`${head}, but Service ${namespace}/${svc.metadata.name} has no selector (kubectl: "Service is defined without a selector"); expected a Service that selects pods`, { facts, evidence });
        }
        if (pair && !(svc.spec.ports ?? []).some((p) => p.port === pair.remote || p.name === pair.remote)) {
          const ports = (svc.spec.ports ?? []).map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`)).join(", ") || "none";
          return fail(`${head}, but Service ${namespace}/${svc.metadata.name} has no port ${pair.remote} (ports: ${ports}); expected the forwarded port on the Service`, { facts, evidence });
        }
        const sel = svc.spec.selector;
        selected = pods.filter((p) => selects(sel, p.metadata.labels ?? {}));
        what = `Service ${namespace}/${svc.metadata.name}`;
        break;
      }
      case "deployment": {
        const d = (await ctx.kube.list("deployments", ctx.signal)).find((x) => x.metadata.namespace === namespace && x.metadata.name === cmd.target.name);
        if (!d) return gone(`Deployment ${namespace}/${cmd.target.name} does not exist`);
        selected = pods.filter((p) => selects(d.spec.selector, p.metadata.labels ?? {}));
        what = `Deployment ${namespace}/${d.metadata.name}`;
        break;
      }
      case "replicaset":
      case "statefulset":
      case "daemonset": {
        const kind = OWNER_KIND[cmd.target.type];
        selected = pods.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.name === cmd.target.name));
        if (selected.length === 0) return gone(`no pod is owned by ${kind} ${namespace}/${cmd.target.name}`);
        what = `${kind} ${namespace}/${cmd.target.name}`;
        break;
      }
    }
    const ready = selected.filter(podReady);
    evidence["pods"] = selected.map((p) => ({ name: p.metadata.name, state: podState(p) }));
    if (selected.length === 0) return gone(`${what} selects no pod`);
    if (ready.length === 0) {
      const states = selected.slice(0, 3).map((p) => `${p.metadata.name}: ${podState(p)}`).join(", ");
      if (cmd.target.type === "pod") return gone(`pod ${namespace}/${cmd.target.name} is ${podState(selected[0]!)}`);
      return gone(selected.length === 1 ? `the only pod of ${what} is not ready (${states})` : `none of the ${selected.length} pods of ${what} is ready (${states})`);
    }
    const names = ready.slice(0, 3).map((p) => p.metadata.name).join(", ");
    return pass(`${head}; ${ready.length} ready pod${ready.length === 1 ? "" : "s"} (${names}${ready.length > 3 ? ", …" : ""})`, {
      facts,
      evidence,
      details: "kubectl port-forward works, but is fragile: it stays attached to one pod and dies (or fails every connection) when that pod is replaced. For a lasting forward use a socat forward to a NodePort (`netdoctor fix socat-forward`).",
    });
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return skip(`unavailable: ${e.message} (${head}: its target could not be read)`, { facts, evidence: { ...evidence, code: e.code } });
  }
}

export default defineCheck({
  id: "forwarder.upstream-reachable",
  code: "ND301",
  hop: "forwarder",
  title: "the forwarder's upstream accepts connections",
  after: ["host-port.listener-identified"],
  fixes: ["socat-forward"],
  explain: {
    meaning: "When a userspace forwarder owns the target port — socat, kubectl port-forward, ssh -L, nc — the thing it relays to exists and accepts connections: socat/nc's TCP upstream answers, kubectl port-forward's pod (or a ready pod behind its Service/Deployment) exists; and the forwarder does not relay to itself.",
    causes: "kubectl port-forward outlived its pod (a rollout or restart replaced it); the upstream service of a socat/nc forward is down or moved to another port (e.g. a NodePort changed after a Service re-create); a forward was started twice, one pointing at the other's port (a loop).",
    fix: "Restart the forwarder against a live upstream. For kubectl port-forward to a Service with a NodePort, replace it with a socat forward to the node (`netdoctor fix socat-forward`), which survives pod restarts.",
    links: ["https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/", "http://www.dest-unreach.org/socat/doc/socat.html"],
  },
  async run(ctx) {
    const target = ctx.target;
    const listener = ctx.facts.listener;
    if (!target || !listener) {
      return skip(`not applicable: no userspace forwarder owns the port (no listener identified${target ? ` on port ${target.port}` : ""})`, { facts: { forwarder: null } });
    }
    const cmd = parseForwarderCommand(listener.command, listener.process);
    const fact: ForwarderFact = {
      kind: cmd.kind,
      pid: listener.pid ?? null,
      upstream: upstreamOf(cmd, listener.port),
      command: listener.command ?? null,
    };
    const listen = formatHostPort(listener.address, listener.port);
    const evidence = { listener, parsed: cmd };
    switch (cmd.kind) {
      case "docker-proxy":
        return skip("not applicable: docker-proxy publishes a container port; see the container hop", { facts: { forwarder: null }, evidence });
      case "unknown": {
        const vm = parseVmForwarder(listener.command, listener.process);
        if (vm) {
          // Lima's host agent / ssh ControlMaster: its upstream is a port inside the VM, followed by forwarder.vm-forward-reaches-node.
          return skip(`not applicable: ${describeOwner(listener)} on ${listen} is ${describeVmForwarder(vm)}, whose upstream is inside its VM (see forwarder.vm-forward-reaches-node)`, {
            facts: { forwarder: null },
            evidence: { ...evidence, vm },
          });
        }
        return skip(`not applicable: no userspace forwarder owns the port (${describeOwner(listener)} on ${listen} is not socat, kubectl port-forward, ssh -L or nc)`, {
          facts: { forwarder: null },
          evidence,
        });
      }
      case "ssh": {
        const fw = sshForwardFor(cmd, listener.port);
        const who = `ssh${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
        if (!fw) return skip(`not applicable: ${who} owns ${listen} but has no -L forward for port ${listener.port}`, { facts: { forwarder: fact }, evidence });
        // ssh -L connects to host:hostport from the ssh server, not from here: a local probe would test the wrong machine
        // (Lima/Colima forward `127.0.0.1:P:127.0.0.1:P` into the VM, which a local probe would mistake for a loop).
        return skip(
          `not applicable: ${who} relays ${listen} to ${formatHostPort(fw.host, fw.hostPort)} as seen from the ssh server ${cmd.destination ?? "(unknown)"}${cmd.sshPort ? ` -p ${cmd.sshPort}` : ""}; that leg cannot be probed from here (the end-to-end probe covers it)`,
          { facts: { forwarder: fact }, evidence },
        );
      }
      case "socat":
      case "nc": {
        const up = tcpUpstream(cmd);
        if (!up && cmd.kind === "nc") {
          // nc -l without -c/-e/--sh-exec prints what it receives and sends what it reads from its stdin: it relays nothing.
          return fail(`${describeOwner(listener)} on ${listen} is \`nc -l\` without a relay (no -c/-e/--sh-exec): it accepts the connection and forwards nothing; expected a forwarder with an upstream`, {
            facts: { forwarder: fact },
            evidence,
            details: "A bare `nc -l PORT` is a listener, not a tunnel: it accepts one client (or each, with -k), writes what it receives to its stdout and never answers an HTTP request — clients hang until they time out. Relay it (`ncat -l PORT --keep-open --sh-exec \"ncat HOST PORT\"`, or `socat TCP-LISTEN:PORT,fork TCP:HOST:PORT`) or stop it and free the port.",
          });
        }
        if (!up) {
          const what = cmd.kind === "socat" ? `relays to ${cmd.upstreamSpec ?? "no second address"} (not a TCP upstream)` : "names no upstream (no -c/-e/--sh-exec relay): it answers the connections itself";
          return skip(`not applicable: ${describeOwner(listener)} on ${listen} ${what}`, { facts: { forwarder: fact }, evidence });
        }
        return checkTcpUpstream(ctx, listener, cmd, fact, up);
      }
      case "kubectl-port-forward":
        return checkKubectl(ctx, listener, cmd, fact);
      case "rancher-desktop-port-forward":
        // The app relays through the API server's port-forward to a pod of the Service picked on its Port Forwarding
        // page; neither its command line nor its API (rdctl has no GET /v1/port_forwarding) says which Service.
        return skip(
          `not applicable: ${describeOwner(listener)} on ${listen} is Rancher Desktop's Port Forwarding, which relays each connection through the Kubernetes API server's port-forward to a ready pod of the Service chosen on its Port Forwarding page; which Service is not on its command line`,
          {
            facts: { forwarder: fact },
            evidence,
            details:
              "Rancher Desktop looks the pod up from the Service's endpoints on every connection, so unlike kubectl port-forward it survives pod restarts; a Service without a ready pod leaves each connection open with no answer (the app logs \"No active pod found\" in k8s.log), a pod that does not listen on the port gets the connection closed. It listens on 127.0.0.1 only (before v1.15 on whichever family `localhost` resolved to, rancher-desktop#7248). See the forward and its Service in Preferences → Port Forwarding.",
          },
        );
    }
  },
});
