/**
 * service-to-nodeport (DESIGN §5): the node container publishes host port H
 * to container port C (kind `extraPortMappings.containerPort`, k3d
 * `--port H:C@loadbalancer`, which forwards C to every node), so a Service is
 * reached there only through `nodePort: C` (kube-proxy answers a NodePort on
 * every node). The fix patches the entry Service to `type: NodePort` with
 * that nodePort — a strategic merge patch, which merges `spec.ports` on their
 * `port` key and keeps targetPort, name and protocol (kubectl's default
 * patch type) — after refusing what the API server would refuse: a nodePort
 * outside `--service-node-port-range` (default 30000-32767) or one another
 * Service already allocated ("provided port is already allocated").
 */
import { FIXES } from "./catalog.js";
import type { Deployment, Pod, Service } from "../kube/types.js";
import { refOf, refText } from "../sources/kube-writer.js";
import { guardedPatch, planned, recheckPlanned, writerOf, type PlannedObject } from "./kube-steps.js";
import { forwardedService } from "./socat-forward.js";
import type { Fix, FixContext, FixPlan } from "./types.js";

/** kube-apiserver's default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 };

/**
 * The cluster's NodePort range: `--service-node-port-range=A-B` of a
 * kube-apiserver static pod in kube-system (kind, kubeadm), else the default
 * (k3s runs the apiserver in-process: its flag is not visible through the API).
 */
export function nodePortRange(pods: Pod[]): { min: number; max: number; from: string } {
  for (const p of pods) {
    if (p.metadata.namespace !== "kube-system" || !p.metadata.name.startsWith("kube-apiserver")) continue;
    for (const c of p.spec.containers ?? []) {
      const args = [...((c as { command?: string[] }).command ?? []), ...((c as { args?: string[] }).args ?? [])];
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const v = a.startsWith("--service-node-port-range=") ? a.slice(a.indexOf("=") + 1) : a === "--service-node-port-range" ? args[i + 1] : undefined;
        const m = v ? /^(\d+)-(\d+)$/.exec(v) : null;
        if (m) return { min: Number(m[1]), max: Number(m[2]), from: `--service-node-port-range of pod kube-system/${p.metadata.name}` };
      }
    }
  }
  return { ...DEFAULT_NODE_PORT_RANGE, from: "kube-apiserver's default" };
}

/** What apply needs. */
interface State {
  object: PlannedObject;
  patch: Record<string, unknown>;
}

/**
 * The plan for a path through a forwarder (kubectl port-forward, a relay to a
 * pod IP): patch the forwarded Service to `type: NodePort` without pinning a
 * nodePort — no node mapping needs a particular one, so the API server
 * allocates a free one from the range — so that `socat-forward` can relay to
 * it. Null when the path has no forwarded Service; a refusal when it already
 * has a NodePort.
 */
async function forwardedNodePortPlan(ctx: FixContext, plan: FixPlan): Promise<FixPlan | null> {
  const [services, pods, deployments] = await Promise.all([
    ctx.sources.kube.list("services", ctx.signal) as Promise<Service[]>,
    ctx.sources.kube.list("pods", ctx.signal).catch(() => []) as Promise<Pod[]>,
    ctx.sources.kube.list("deployments", ctx.signal).catch(() => []) as Promise<Deployment[]>,
  ]);
  const found = await forwardedService(ctx, { services, pods, deployments });
  if (typeof found === "string") return null;
  const { svc, sp } = found;
  const name = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const type = svc.spec.type ?? "ClusterIP";
  if (sp.nodePort) return { ...plan, refusal: `Service ${name} already has nodePort ${sp.nodePort} on port ${sp.port}: nothing to change (socat-forward relays to it)`, automatic: false };
  const patch = { spec: { type: "NodePort" } };
  plan.steps.push({
    action: "patch",
    object: refText(refOf(svc)),
    diff: [`- spec.type: ${type}`, "+ spec.type: NodePort", `+ spec.ports[port=${sp.port}].nodePort: (allocated by the API server)`],
    command: `kubectl -n ${svc.metadata.namespace} patch service ${svc.metadata.name} --type strategic -p '${JSON.stringify(patch)}'`,
    note: `the forwarder on this path relays to Service ${name}; with a NodePort, socat-forward can replace it with a relay that survives pod restarts`,
  });
  plan.state = { object: planned(svc), patch } satisfies State;
  return plan;
}

export const serviceToNodePort: Fix = {
  ...FIXES["service-to-nodeport"],
  answers: ["service.receives-port", "forwarder.container-process-alive", "forwarder.recorded-forward-running"],
  async plan(ctx) {
    const plan: FixPlan = { fixId: "service-to-nodeport", steps: [], refusal: null, automatic: true, notes: [], state: null };
    const refuse = (why: string) => ({ ...plan, refusal: why, automatic: false });
    const s = ctx.facts.service;
    const c = ctx.facts.container;
    if (!s || !c) {
      // A path through a forwarder: give the forwarded Service a NodePort (allocated by the API server), so a socat forward can reach it.
      const forwarded = await forwardedNodePortPlan(ctx, plan);
      if (forwarded) return forwarded;
    }
    if (!s) return refuse("no entry Service was resolved for this path: nothing to patch");
    if (!c) return refuse("no container publishes this port, so there is no node port to pin: add a port mapping first (kind-port-mapping, k3d-port-mapping)");
    const nodePort = c.containerPort;
    const [services, pods] = await Promise.all([ctx.sources.kube.list("services", ctx.signal) as Promise<Service[]>, ctx.sources.kube.list("pods", ctx.signal).catch(() => [] as Pod[]) as Promise<Pod[]>]);
    const svc = services.find((x) => x.metadata.namespace === s.namespace && x.metadata.name === s.name);
    if (!svc) return refuse(`Service ${s.namespace}/${s.name} no longer exists`);
    const sp = (svc.spec.ports ?? []).find((p) => p.port === s.port);
    if (!sp) return refuse(`Service ${s.namespace}/${s.name} has no port ${s.port}`);
    const range = nodePortRange(pods);
    if (nodePort < range.min || nodePort > range.max) {
      return refuse(`${c.name} hands the connection to port ${nodePort}, outside the cluster's NodePort range ${range.min}-${range.max} (${range.from}): map the host port to a port in that range instead (kind-port-mapping, k3d-port-mapping)`);
    }
    const taker = services.find((x) => x !== svc && (x.spec.ports ?? []).some((p) => p.nodePort === nodePort));
    if (taker) {
      const p = (taker.spec.ports ?? []).find((q) => q.nodePort === nodePort)!;
      return refuse(`nodePort ${nodePort} is already allocated to Service ${taker.metadata.namespace}/${taker.metadata.name} (port ${p.port}): free it there first, or map the host port to another node port`);
    }
    const type = svc.spec.type ?? "ClusterIP";
    if (type === "NodePort" && sp.nodePort === nodePort) return refuse(`Service ${s.namespace}/${s.name} already is type NodePort with nodePort ${nodePort}: nothing to change`);
    const patch = { spec: { type: "NodePort", ports: [{ port: sp.port, nodePort }] } };
    const ref = refOf(svc);
    const diff: string[] = [];
    if (type !== "NodePort") diff.push(`- spec.type: ${type}`, "+ spec.type: NodePort");
    diff.push(`- spec.ports[port=${sp.port}].nodePort: ${sp.nodePort ?? "(none)"}`, `+ spec.ports[port=${sp.port}].nodePort: ${nodePort}`);
    plan.steps.push({
      action: "patch",
      object: refText(ref),
      diff,
      command: `kubectl -n ${s.namespace} patch service ${s.name} --type strategic -p '${JSON.stringify(patch)}'`,
      note: `${c.name} hands host port ${c.hostPort} to node port ${nodePort}; kube-proxy answers a NodePort on every node`,
    });
    if (type === "LoadBalancer") plan.notes.push(`the Service stops being type LoadBalancer: whatever used its external address (${(svc.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0]?.ip ?? "pending"}) must use the node port`);
    plan.state = { object: planned(svc), patch } satisfies State;
    return plan;
  },
  async apply(ctx, plan, journal) {
    const kube = writerOf(ctx.kube);
    const st = plan.state as State;
    const [current] = await recheckPlanned(kube, [st.object], ctx.signal);
    await guardedPatch(kube, journal, current!, st.patch, "strategic", ctx.signal);
  },
};
