/**
 * Shared by the forwarder checks: what a `kubectl port-forward` command's
 * target is in the cluster (pods behind a pod / Service / workload reference)
 * and whether it can carry traffic.
 *
 * Source: kubectl port-forward resolves TYPE/NAME to ONE pod when it starts
 * (a Service or workload: the first pod its selector returns, even a
 * non-ready one; kubernetes/kubectl#1416) and never re-attaches.
 */
import { isSourceError, type CheckContext, type Pod, type Service } from "../../src/index.js";
import { describePodState, isPodReady, matchesLabelSelector, podState, podsSelectedBy } from "../../src/kube/helpers.js";
import { formatKubectlTarget, kubectlPairFor, type KubectlPortForwardCommand } from "../../src/host/forwarders.js";
import { OWNER_KIND } from "../../src/kube/port-forward-pod.js";

/** What the cluster says about a port-forward's target. */
export interface KubectlTargetState {
  namespace: string;
  /** `svc/console:3000`. */
  ref: string;
  /** `Service dev/console`, `pod dev/x`, … or the reference when it does not exist. */
  what: string;
  /** The Service, when the target is one and exists. */
  service: Service | null;
  pods: Pod[];
  ready: Pod[];
  /** Why it cannot carry traffic ("Service dev/console does not exist"), or null when a ready pod backs it. */
  problem: string | null;
}

/** The namespace a port-forward uses: `-n`, else the context's default namespace. */
export function forwardNamespace(ctx: CheckContext, cmd: KubectlPortForwardCommand): string {
  if (cmd.namespace) return cmd.namespace;
  try {
    return ctx.kube.info().namespace;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return "default";
  }
}

/**
 * Read the pods behind a port-forward target. Throws SourceError when pods,
 * Services or Deployments cannot be listed.
 */
export async function kubectlTargetState(ctx: CheckContext, cmd: KubectlPortForwardCommand, localPort: number | null): Promise<KubectlTargetState> {
  const namespace = forwardNamespace(ctx, cmd);
  const pair = localPort === null ? (cmd.ports[0] ?? null) : kubectlPairFor(cmd, localPort);
  const ref = `${formatKubectlTarget(cmd.target)}${pair ? `:${pair.remote}` : ""}`;
  const pods = (await ctx.kube.list("pods", ctx.signal)).filter((p) => p.metadata.namespace === namespace);
  const base = { namespace, ref, service: null as Service | null, pods: [] as Pod[], ready: [] as Pod[] };
  let selected: Pod[];
  let what: string;
  switch (cmd.target.type) {
    case "pod": {
      what = `pod ${namespace}/${cmd.target.name}`;
      selected = pods.filter((p) => p.metadata.name === cmd.target.name);
      if (!selected.length) return { ...base, what, problem: `${what} does not exist` };
      break;
    }
    case "service": {
      what = `Service ${namespace}/${cmd.target.name}`;
      const svc = (await ctx.kube.list("services", ctx.signal)).find((s) => s.metadata.namespace === namespace && s.metadata.name === cmd.target.name) ?? null;
      if (!svc) return { ...base, what, problem: `${what} does not exist` };
      if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return { ...base, what, service: svc, problem: `${what} has no selector (kubectl: "Service is defined without a selector")` };
      selected = podsSelectedBy(pods, namespace, svc.spec.selector);
      base.service = svc;
      break;
    }
    case "deployment": {
      what = `Deployment ${namespace}/${cmd.target.name}`;
      const d = (await ctx.kube.list("deployments", ctx.signal)).find((x) => x.metadata.namespace === namespace && x.metadata.name === cmd.target.name);
      if (!d) return { ...base, what, problem: `${what} does not exist` };
      selected = pods.filter((p) => matchesLabelSelector(p.metadata.labels, d.spec.selector));
      break;
    }
    case "replicaset":
    case "statefulset":
    case "daemonset": {
      const kind = OWNER_KIND[cmd.target.type];
      what = `${kind} ${namespace}/${cmd.target.name}`;
      selected = pods.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.name === cmd.target.name));
      break;
    }
  }
  const ready = selected.filter(isPodReady);
  let problem: string | null = null;
  if (!selected.length) problem = `${what} selects no pod`;
  else if (!ready.length) {
    const states = selected.slice(0, 3).map((p) => describePodState(podState(p))).join(", ");
    problem = selected.length === 1 ? `the only pod of ${what} is not ready (${states})` : `none of the ${selected.length} pods of ${what} is ready (${states})`;
  }
  return { ...base, what, pods: selected, ready, problem };
}

/** The NodePort of a Service port (by number or name), or null. */
export function nodePortOf(svc: Service, port: number | string | null): number | null {
  const sp = (svc.spec.ports ?? []).find((p) => port === null || p.port === port || p.name === port) ?? null;
  return sp?.nodePort ?? null;
}
