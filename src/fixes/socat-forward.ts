/**
 * socat-forward (DESIGN §5): `kubectl port-forward` attaches to one pod when
 * it starts and never re-attaches, so it dies (or fails every connection with
 * "lost connection to pod") when that pod is replaced. A socat relay to the
 * Service's NodePort on a node — `socat TCP-LISTEN:P,fork,reuseaddr,bind=ADDR
 * TCP:NODE:NODEPORT` — survives pod restarts, because kube-proxy answers a
 * NodePort on every node for whichever pods are Ready. The relay is started
 * detached and recorded (src/fixes/forwards.ts), bound to loopback unless
 * `--address` says otherwise.
 *
 * Under the lab, node addresses are simulated: socat dials the loopback
 * listener the lab serves for NODE:NODEPORT (LabState.probeMap), while the
 * recorded upstream stays NODE:NODEPORT.
 */
import { FIXES } from "./catalog.js";
import { readFile } from "node:fs/promises";
import type { Deployment, Node, Pod, Service, ServicePort } from "../kube/types.js";
import { serviceSelects } from "../kube/helpers.js";
import type { Target } from "../engine/types.js";
import { formatHostPort } from "../host/addresses.js";
import { parseForwarderCommand, upstreamOf } from "../host/forwarders.js";
import { findSocat, socatMissing, startForward } from "./forwards.js";
import { FixError, type Fix, type FixContext, type FixPlan } from "./types.js";

/** A kubectl port-forward upstream `NAMESPACE/TYPE/NAME:PORT` (host/forwarders upstreamOf), parsed. */
export function parseKubectlUpstream(upstream: string): { namespace: string | null; type: string; name: string; port: string } | null {
  const m = /^([^/]+)\/([a-z]+)\/([^:/]+):(.+)$/.exec(upstream);
  if (!m) return null;
  return { namespace: m[1] === "-" ? null : m[1]!, type: m[2]!, name: m[3]!, port: m[4]! };
}

/** The Service and port a kubectl port-forward target reaches. */
function serviceOf(up: NonNullable<ReturnType<typeof parseKubectlUpstream>>, ns: string, services: Service[], pods: Pod[], deployments: Deployment[]): { svc: Service; sp: ServicePort } | string {
  const inNs = services.filter((s) => s.metadata.namespace === ns);
  if (up.type === "svc") {
    const svc = inNs.find((s) => s.metadata.name === up.name);
    if (!svc) return `Service ${ns}/${up.name} the port-forward targets does not exist`;
    const sp = (svc.spec.ports ?? []).find((p) => String(p.port) === up.port || p.name === up.port);
    return sp ? { svc, sp } : `Service ${ns}/${up.name} has no port ${up.port}`;
  }
  // pod/NAME or deploy/NAME: the Service selecting those pods, on the port whose targetPort is the forwarded one.
  const labels = up.type === "pod" ? pods.find((p) => p.metadata.namespace === ns && p.metadata.name === up.name)?.metadata.labels : up.type === "deploy" ? deployments.find((d) => d.metadata.namespace === ns && d.metadata.name === up.name)?.spec?.template?.metadata?.labels : undefined;
  if (!labels) return `the port-forward targets ${up.type}/${up.name} in ${ns}, which netdoctor cannot map to a Service`;
  for (const svc of inNs) {
    if (!svc.spec.selector || !serviceSelects(svc.spec.selector, labels)) continue;
    const sp = (svc.spec.ports ?? []).find((p) => String(p.targetPort ?? p.port) === up.port);
    if (sp) return { svc, sp };
  }
  return `no Service in ${ns} selects ${up.type}/${up.name} on port ${up.port}: create one (type NodePort) to forward to`;
}

/** The InternalIP of a Ready node (kube-proxy answers NodePorts on every node). */
function nodeAddress(nodes: Node[]): { node: string; address: string } | null {
  const ready = (n: Node) => (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  for (const n of [...nodes].sort((a, b) => Number(ready(b)) - Number(ready(a)))) {
    const ip = (n.status?.addresses ?? []).find((a) => a.type === "InternalIP")?.address;
    if (ip) return { node: n.metadata.name, address: ip };
  }
  return null;
}

/** True when `pid` is a process of this machine whose command line is `command` (Linux /proc). */
async function isProcess(pid: number, command: string | undefined): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean).join(" ");
    return command === undefined || argv === command;
  } catch {
    return false;
  }
}

interface State {
  listen: { address: string; port: number };
  upstream: string;
  dial: string;
  target: string;
  stop: { pid: number; command: string } | null;
}

/**
 * The kubectl port-forward this path goes through: the forwarder, or the
 * kubectl hop of a chain; when the forward for the port has exited (nothing
 * listens), the one target every other kubectl port-forward on this host
 * relays to (parallel test processes forwarding the same Service).
 */
async function kubectlUpstream(ctx: FixContext): Promise<{ upstream: string; note: string | null } | null> {
  const f = ctx.facts.forwarder;
  if (f?.kind === "kubectl-port-forward" && f.upstream) return { upstream: f.upstream, note: null };
  const hop = (ctx.facts.forwarderChain ?? []).find((h) => h.kind === "kubectl-port-forward" && h.upstream);
  if (hop?.upstream) return { upstream: hop.upstream, note: null };
  const listeners = await ctx.sources.host.listeners(ctx.signal);
  if (listeners.some((l) => l.port === ctx.path.target.port)) return null;
  const siblings = new Set<string>();
  for (const l of listeners) {
    const cmd = parseForwarderCommand(l.command, l.process);
    if (cmd.kind !== "kubectl-port-forward") continue;
    const up = upstreamOf(cmd, l.port);
    if (up) siblings.add(up);
  }
  if (siblings.size !== 1) return null;
  const [upstream] = [...siblings];
  return { upstream: upstream!, note: `nothing listens on port ${ctx.path.target.port} any more (its kubectl port-forward exited); every other kubectl port-forward on this host relays to ${upstream}` };
}

/** The lists a plan reads to find the forwarded Service. */
interface ClusterLists {
  services: Service[];
  pods: Pod[];
  deployments: Deployment[];
}

/** `10.42.0.14:8080` → address and port; null for `ns/svc/x:80` and names. */
function ipPort(upstream: string): { ip: string; port: number } | null {
  const m = /^\[?([0-9a-fA-F.:]+?)\]?:(\d+)$/.exec(upstream);
  return m && (m[1]!.includes(".") || m[1]!.includes(":")) ? { ip: m[1]!, port: Number(m[2]) } : null;
}

/**
 * The Service (and port) the path's forwarder relays to, or a refusal line:
 * a kubectl port-forward's target (kubectlUpstream), or a socat/nc/ssh relay
 * to an in-cluster address — a ClusterIP (that Service) or a pod IP (the
 * Service selecting that pod on that targetPort), which the host cannot route
 * to and which changes when the pod is replaced.
 */
export async function forwardedService(ctx: FixContext, lists: ClusterLists): Promise<{ svc: Service; sp: ServicePort; note: string | null } | string> {
  const kubectl = await kubectlUpstream(ctx);
  const up = kubectl ? parseKubectlUpstream(kubectl.upstream) : null;
  if (up) {
    const found = serviceOf(up, up.namespace ?? ctx.sources.kube.info().namespace, lists.services, lists.pods, lists.deployments);
    return typeof found === "string" ? found : { ...found, note: kubectl!.note };
  }
  const relay = [ctx.facts.forwarder, ...(ctx.facts.forwarderChain ?? [])].map((f) => f?.upstream ?? null).map((u) => (u ? ipPort(u) : null)).find((x) => x !== null);
  if (!relay) return "no kubectl port-forward, and no relay to a cluster address, was found on this path: nothing to replace";
  const bySvc = lists.services.find((s) => s.spec.clusterIP === relay.ip || (s.spec.clusterIPs ?? []).includes(relay.ip));
  if (bySvc) {
    const sp = (bySvc.spec.ports ?? []).find((p) => p.port === relay.port);
    if (sp) return { svc: bySvc, sp, note: `the relay dials ClusterIP ${relay.ip}:${relay.port} of Service ${bySvc.metadata.namespace}/${bySvc.metadata.name}, which only exists inside the cluster` };
  }
  const pod = lists.pods.find((p) => p.status?.podIP === relay.ip);
  if (pod) {
    for (const svc of lists.services) {
      if (svc.metadata.namespace !== pod.metadata.namespace || !svc.spec.selector || !serviceSelects(svc.spec.selector, pod.metadata.labels)) continue;
      const sp = (svc.spec.ports ?? []).find((p) => String(p.targetPort ?? p.port) === String(relay.port));
      if (sp) return { svc, sp, note: `the relay dials pod IP ${relay.ip}:${relay.port} (${pod.metadata.namespace}/${pod.metadata.name}), which changes whenever the pod is replaced` };
    }
    return `the relay dials pod ${pod.metadata.namespace}/${pod.metadata.name} (${relay.ip}:${relay.port}), but no Service selects it on that port: create one (type NodePort) to forward to`;
  }
  return `the relay dials ${relay.ip}:${relay.port}, which is neither a ClusterIP nor a pod IP of this cluster: nothing netdoctor can replace it with`;
}

export const socatForward: Fix = {
  ...FIXES["socat-forward"],
  answers: ["forwarder.upstream-reachable", "forwarder.chain-complete", "forwarder.container-process-alive", "forwarder.port-forwards-durable", "forwarder.recorded-forward-running", "forwarder.attached-pod-exists"],
  async plan(ctx) {
    const plan: FixPlan = { fixId: "socat-forward", steps: [], refusal: null, automatic: true, notes: [], state: null };
    const refuse = (why: string) => ({ ...plan, refusal: why, automatic: false });
    const kube = ctx.sources.kube;
    const [services, pods, deployments, nodes] = await Promise.all([
      kube.list("services", ctx.signal) as Promise<Service[]>,
      kube.list("pods", ctx.signal).catch(() => []) as Promise<Pod[]>,
      kube.list("deployments", ctx.signal).catch(() => []) as Promise<Deployment[]>,
      kube.list("nodes", ctx.signal) as Promise<Node[]>,
    ]);
    const found = await forwardedService(ctx, { services, pods, deployments });
    if (typeof found === "string") return refuse(found);
    const { svc, sp } = found;
    if (found.note) plan.notes.push(found.note);
    const svcName = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (!sp.nodePort) {
      return refuse(`Service ${svcName} has no NodePort to forward to: give it one first (kubectl -n ${svc.metadata.namespace} patch service ${svc.metadata.name} -p '{"spec":{"type":"NodePort"}}')`);
    }
    const node = nodeAddress(nodes);
    if (!node) return refuse("no Node has an InternalIP to forward to");
    const upstream = formatHostPort(node.address, sp.nodePort);
    let dial = upstream;
    if (ctx.lab) {
      const mapped = ctx.lab.probeMap[upstream];
      if (!mapped) return refuse(`the lab serves nothing on ${upstream}`);
      dial = mapped;
    }
    const listen = { address: ctx.options.address ?? "127.0.0.1", port: ctx.options.port ?? ctx.path.target.port };
    let stop: State["stop"] = null;
    const holder = (await ctx.sources.host.listeners(ctx.signal)).find((l) => l.port === listen.port);
    if (holder) {
      const who = `${holder.process ?? "a process"}${holder.pid ? ` (pid ${holder.pid})` : ""}`;
      // Only the forwarder being replaced is stopped: a kubectl port-forward, or the path's own relay, verified by its command line.
      const kind = parseForwarderCommand(holder.command, holder.process).kind;
      const replaced = kind === "kubectl-port-forward" || (holder.pid !== undefined && holder.pid === ctx.facts.forwarder?.pid && ["socat", "nc", "ssh"].includes(kind));
      if (!replaced || !holder.pid || ctx.lab || !(await isProcess(holder.pid, holder.command))) {
        return refuse(`port ${listen.port} is held by ${who}${ctx.lab ? " in the lab" : ""}: let socat listen elsewhere with --port`);
      }
      stop = { pid: holder.pid, command: holder.command ?? "" };
      plan.steps.push({ action: "stop-process", command: `kill ${holder.pid}`, note: `stop the ${kind === "kubectl-port-forward" ? "kubectl port-forward" : kind} holding port ${listen.port}: ${holder.command}` });
    }
    const command = `socat TCP-LISTEN:${listen.port},fork,reuseaddr,bind=${listen.address} TCP:${upstream}`;
    // Missing socat is known before consent: the plan says how to install it.
    if (!(await findSocat(ctx.env))) return { ...refuse(await socatMissing()), steps: [{ action: "start-forward", command }] };
    plan.steps.push({
      action: "start-forward",
      command,
      note: `relays ${formatHostPort(listen.address, listen.port)} to NodePort ${sp.nodePort} of Service ${svcName} on node ${node.node}${dial !== upstream ? ` (lab: dials ${dial})` : ""}; survives pod restarts`,
    });
    plan.notes.push("list it with netdoctor forwards; stop it with netdoctor forwards stop ID (or netdoctor undo)");
    if (ctx.platform === "darwin") plan.notes.push("on macOS (Docker Desktop, Colima) node addresses are not reachable from the host: publish the NodePort instead (kind-port-mapping, k3d-port-mapping)");
    if (listen.port !== ctx.path.target.port) {
      const t = ctx.path.target;
      const verify: Target = { url: `${t.url.split("://")[0]}://${t.host.includes(":") ? `[${t.host}]` : t.host}:${listen.port}${t.path}`, scheme: t.url.startsWith("https") ? "https" : "http", host: t.host, port: listen.port, path: t.path };
      plan.verifyTarget = verify;
    }
    plan.state = { listen, upstream, dial, target: `${svcName}:${sp.port} (NodePort ${sp.nodePort})`, stop } satisfies State;
    return plan;
  },
  async apply(ctx, plan, journal) {
    const st = plan.state as State;
    if (st.stop) {
      if (!(await isProcess(st.stop.pid, st.stop.command))) throw new FixError(`pid ${st.stop.pid} is no longer the kubectl port-forward the plan saw: nothing was changed; run the fix again to re-plan`);
      await journal.record({ type: "process-stopped", pid: st.stop.pid, command: st.stop.command });
      process.kill(st.stop.pid, "SIGTERM");
      const deadline = Date.now() + 5000;
      while ((await isProcess(st.stop.pid, undefined)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    }
    const rec = await startForward({ listen: st.listen, upstream: st.upstream, dial: st.dial, target: st.target, undoId: journal.id, env: ctx.env });
    await journal.record({ type: "forward-started", forwardId: rec.id });
  },
};
