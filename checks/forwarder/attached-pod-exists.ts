/**
 * forwarder.attached-pod-exists (ND308): the pod a running `kubectl
 * port-forward` attached to when it started is still there.
 *
 * Why this matters: kubectl resolves `svc/NAME`, `deploy/NAME`, `sts/NAME`
 * (or takes `pod/NAME`) to ONE pod when it starts and opens the forward to
 * that pod; it never attaches to another. After a rollout, a restart, an
 * eviction — or a StatefulSet pod recreated under the same name — the
 * listener may stay while every connection fails (`error creating error
 * stream for port 8080 -> 80: Timeout occurred`, `failed to find sandbox …
 * in store: not found`, then `lost connection to pod`, kubernetes/kubectl#686;
 * since kubectl v1.23 it then exits, kubernetes/kubernetes#103526). The
 * target looks healthy now — its current pods are ready — so only the
 * forward's start time, set against the pods' creation times, shows that the
 * pod it reaches is gone.
 */
import { defineCheck, fail, isSourceError, pass, skip, type CheckContext, type Deployment, type Pod, type Service } from "../../src/index.js";
import { formatHostPort } from "../../src/host/addresses.js";
import { formatKubectlTarget, kubectlPairFor, parseForwarderCommand } from "../../src/host/forwarders.js";
import { describePodState, isPodReady, podState, ref } from "../../src/kube/helpers.js";
import { attachOrder, forwardCandidates } from "../../src/kube/port-forward-pod.js";
import { forwardNamespace, nodePortOf } from "./kube-target.js";

/**
 * Clock skew tolerated between this host (the process's start time) and the
 * API server (pods' creationTimestamp): seconds, as NTP-synced machines and
 * a local cluster's node containers (one kernel clock) keep them.
 */
const SKEW_MS = 10_000;

/** `2026-03-03T14:31:40Z` → `14:31:40 UTC` (or the date too when `other` is another day). */
function clock(iso: string, other?: string): string {
  const d = new Date(iso).toISOString();
  const sameDay = other !== undefined && new Date(other).toISOString().slice(0, 10) === d.slice(0, 10);
  return `${sameDay ? "" : `${d.slice(0, 10)} `}${d.slice(11, 19)} UTC`;
}

const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? "") || 0;

/**
 * `restarted at 14:40:02 UTC` when a container of `pod` last terminated
 * after `since` (its `lastState.terminated.finishedAt`), with the restart
 * count; null otherwise. The pod's sandbox (and network namespace) outlives
 * a container restart, so a forward can survive one.
 */
function restartedSince(pod: Pod, since: number): string | null {
  const hits = (pod.status?.containerStatuses ?? []).filter((c) => {
    const t = Date.parse(c.lastState?.terminated?.finishedAt ?? "");
    return Number.isFinite(t) && t > since;
  });
  if (!hits.length) return null;
  const last = hits.map((c) => c.lastState!.terminated!.finishedAt!).sort().at(-1)!;
  const count = Math.max(...hits.map((c) => c.restartCount ?? 0));
  return `restarted at ${clock(last, new Date(since).toISOString())} (${count} restart${count === 1 ? "" : "s"} in all)`;
}

export default defineCheck({
  id: "forwarder.attached-pod-exists",
  code: "ND308",
  hop: "forwarder",
  title: "the pod a running kubectl port-forward attached to still exists",
  after: ["host-port.listener-identified"],
  fixes: ["socat-forward"],
  explain: {
    meaning:
      "A running `kubectl port-forward` is set against the pods its target selects now: kubectl attached to one pod when it started (the named pod, or the first pod of the Service's or workload's selector, waiting up to --pod-running-timeout for one to appear) and never re-attaches. When every pod the target selects now was created after the forward started, the pod it attached to has been deleted; when the named pod was created after it, it is a new pod under the same name; when only one of the target's pods existed then and it is not ready now while newer ones are, the forward reaches the broken one. Needs the forward's start time (Linux /proc, macOS ps).",
    causes:
      "A rollout (`kubectl rollout restart`, a new image, `skaffold dev` / Tilt redeploying), a crashed pod replaced by its ReplicaSet, an eviction or a node drain, a StatefulSet pod deleted and recreated under the same name, while the forward kept running.",
    fix: "Restart the port-forward (the same command) after every rollout, or use a path that does not depend on one pod: a NodePort published on a host port, or a socat forward to a node's NodePort (`netdoctor fix socat-forward`), which survive pod restarts.",
    links: ["https://github.com/kubernetes/kubectl/issues/686", "https://github.com/kubernetes/kubernetes/issues/67059", "https://github.com/kubernetes/kubernetes/pull/103526"],
  },
  async run(ctx: CheckContext) {
    const listener = ctx.facts.listener;
    if (!ctx.target || !listener) return skip("not applicable: no listener identified on the target port");
    const cmd = parseForwarderCommand(listener.command, listener.process);
    if (cmd.kind !== "kubectl-port-forward") return skip("not applicable: no kubectl port-forward owns the port");
    const who = `kubectl port-forward${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
    const startedAt = listener.startedAt ? Date.parse(listener.startedAt) : NaN;
    if (!Number.isFinite(startedAt)) return skip(`not applicable: when ${who} started is not known (the host collector reports no start time)`);
    const namespace = forwardNamespace(ctx, cmd);
    let pods: Pod[];
    let services: Service[] = [];
    let deployments: Deployment[] = [];
    try {
      pods = await ctx.kube.list("pods", ctx.signal);
      if (cmd.target.type === "service") services = await ctx.kube.list("services", ctx.signal);
      if (cmd.target.type === "deployment") deployments = await ctx.kube.list("deployments", ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`unavailable: ${e.message}`);
    }
    const found = forwardCandidates(cmd.target, namespace, { pods, services, deployments });
    if ("problem" in found) return skip(`not applicable: ${found.problem} (see forwarder.upstream-reachable)`);
    const target = formatKubectlTarget(cmd.target);
    const started = listener.startedAt!;
    const head = `${who} on ${formatHostPort(listener.address, listener.port)} started at ${clock(started)} and forwards to ${target} in ${namespace}`;
    // kubectl waits up to --pod-running-timeout for a workload's first pod (GetFirstPod's watch); a pod target must exist at start.
    const wait = cmd.target.type === "pod" ? 0 : (cmd.podRunningTimeoutMs ?? 60_000);
    const cutoff = startedAt + wait + SKEW_MS;
    const live = found.pods.filter((p) => !p.metadata["deletionTimestamp"]);
    const before = live.filter((p) => created(p) <= cutoff);
    const evidence: Record<string, unknown> = {
      listener,
      startedAt: started,
      target,
      namespace,
      via: found.via,
      pods: found.pods.map((p) => ({ pod: ref(p), createdAt: p.metadata.creationTimestamp ?? null, deleting: !!p.metadata["deletionTimestamp"] })),
    };
    if (before.length) {
      const first = attachOrder(before)[0]!;
      const which = cmd.target.type === "pod" ? `pod ${ref(first)}` : before.length === 1 ? `pod ${ref(first)}, the only pod of ${found.via} that existed then` : `one of the ${before.length} pods of ${found.via} that existed then (${attachOrder(before).slice(0, 3).map((p) => p.metadata.name).join(", ")}${before.length > 3 ? ", …" : ""})`;
      // With one candidate that old, the attached pod is known: when it is not ready now (crash-looping, failing its
      // probe) while the target's other, newer pods are, the forward reaches the broken one (forwarder.upstream-reachable
      // counts the target's ready pods; kubectl checks only the phase, never readiness: kubernetes/kubectl#1416, and
      // kubernetes/kubernetes#117697, which would have, was closed). A pod target: ND301 judges it.
      if (before.length === 1 && cmd.target.type !== "pod" && !isPodReady(first)) {
        const others = live.filter((p) => p !== first && isPodReady(p));
        if (others.length) {
          const state = describePodState(podState(first));
          return fail(`${head}; it is attached to ${which}, which is not ready (${state}), while the target's newer pod${others.length === 1 ? "" : "s"} ${others.slice(0, 3).map((p) => p.metadata.name).join(", ")} ${others.length === 1 ? "is" : "are"}; expected the forward to reach a ready pod`, {
            evidence: { ...evidence, attached: ref(first), attachedState: state },
            details:
              "kubectl port-forward stays on the pod it picked when it started; it never moves to a ready pod of the same Service or workload. " +
              "While its pod is not ready (its container crash-looping or restarting, its application not answering its probe), connections through the forward fail or hang, and since kubectl v1.23 the first failure makes it exit (kubernetes/kubernetes#103526). " +
              `Restart the forward (\`${listener.command ?? `kubectl port-forward ${target}`}\`): it then picks a ready pod first (kubectl's ActivePods order).`,
          });
        }
      }
      const restarts = cmd.target.type === "pod" || before.length === 1 ? restartedSince(first, startedAt) : null;
      return pass(`${head}; it is attached to ${which}${restarts ? `; its container ${restarts} since, and the forward survived` : ""}`, { evidence });
    }
    const newest = [...found.pods].sort((a, b) => created(a) - created(b));
    const shown = newest.slice(0, 3).map((p) => `${p.metadata.name} at ${clock(p.metadata.creationTimestamp ?? started, started)}${p.metadata["deletionTimestamp"] ? " (terminating)" : ""}`).join(", ");
    const what =
      cmd.target.type === "pod"
        ? `pod ${namespace}/${cmd.target.name} was created at ${clock(found.pods[0]!.metadata.creationTimestamp ?? started, started)}, after it started: it is a new pod under the same name, and the forward stays attached to the deleted one`
        : live.length
          ? `every pod ${found.via} selects now was created after it started (${shown}${found.pods.length > 3 ? ", …" : ""}): the pod it attached to has been deleted`
          : `the only pods ${found.via} selects are terminating (${shown}): the pod it attached to is going away`;
    // socat-forward replaces a forward to a Service that has a NodePort (src/fixes/socat-forward.ts refuses the rest).
    const svc = cmd.target.type === "service" ? services.find((x) => (x.metadata.namespace ?? "default") === namespace && x.metadata.name === cmd.target.name) : undefined;
    const pair = kubectlPairFor(cmd, listener.port);
    const replaceable = !!svc && nodePortOf(svc, pair?.remote ?? null) !== null;
    return fail(`${head}, but ${what}; expected the forward to reach a pod that exists`, {
      evidence,
      fixes: replaceable ? ["socat-forward"] : [],
      details:
        "kubectl port-forward opens its forward to one pod when it starts and never attaches to another (kubernetes/kubernetes#67059: it keeps the deleted pod, \"the port-forward fails as it looks up by UID\"). " +
        "Each connection then fails inside kubectl (`error creating error stream for port … Timeout occurred`, `failed to find sandbox \"…\" in store: not found`, `lost connection to pod`, kubernetes/kubectl#686) and the client gets a reset or an empty reply; since v1.23 kubectl exits at the first such failure (kubernetes/kubernetes#103526) and the port is refused from then on. " +
        `Restart it (\`${listener.command ?? `kubectl port-forward ${target}`}\`) after each rollout, or replace it with a path that survives pod restarts: a NodePort published on a host port, or ${replaceable ? "`netdoctor fix socat-forward` (its Service has a NodePort)" : "a socat forward to a NodePort of a Service that selects these pods (`netdoctor fix socat-forward` once it has one)"}.`,
    });
  },
});
