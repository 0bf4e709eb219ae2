/**
 * Why this matters: `make port-forward`, `npm run pf`, a VS Code task,
 * skaffold dev or tilt up started a `kubectl port-forward` on this port some
 * time ago. kubectl port-forward exits when its pod is replaced (and the
 * tools' forwards end with the tool), leaving nothing behind: the port is
 * simply refused. The working tree still records what ran there, so the
 * refusal can be named — and replaced with a forward that survives pod
 * restarts (a socat forward to a node's NodePort).
 */
import { defineCheck, fail, isSourceError, pass, skip, warn, type CheckContext, type Deployment, type FixId, type ForwarderFact, type Pod, type Service } from "../../src/index.js";
import { isAnyAddress, isLoopback } from "../../src/host/addresses.js";
import { parseForwarderCommand, type KubectlPortForwardCommand, type KubectlTarget } from "../../src/host/forwarders.js";
import type { RecordedForward } from "../../src/host/recorded-forwards.js";
import { matchesLabelSelector, ref, serviceSelects } from "../../src/kube/helpers.js";
import { attachablePod, portMismatch, resolvePodPort, type PortMismatch } from "../../src/kube/port-forward-pod.js";
import { nodePortOf } from "./kube-target.js";

/** Whether a forward bound to `addresses` receives connections to `address` (kubectl's `localhost` binds 127.0.0.1 and ::1). */
function covers(addresses: readonly string[], address: string): boolean {
  return addresses.some((a) => isAnyAddress(a) || (a === "localhost" ? isLoopback(address) : a === address || (isLoopback(a) && isLoopback(address) && a === "127.0.0.1" && address === "localhost")));
}

/** The namespace a forward goes into: its own (`-n`, `namespace:`), else the kubeconfig context's. */
function namespaceOf(ctx: CheckContext, namespace: string | null): string {
  if (namespace) return namespace;
  try {
    return ctx.kube.info().namespace;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return "default";
  }
}

/**
 * The Service behind a record: the named Service, or — for a workload (a
 * Tilt resource, `deploy/x`) — a Service of its namespace selecting the
 * workload's pods on the remote port. Null when none exists.
 */
function serviceOf(r: RecordedForward, ns: string, services: Service[], deployments: Deployment[]): { svc: Service; port: number | string } | null {
  if (r.target.type === "service") {
    const svc = services.find((s) => s.metadata.namespace === ns && s.metadata.name === r.target.name);
    return svc ? { svc, port: r.remote } : null;
  }
  if (r.target.type !== "deployment") return null;
  const d = deployments.find((x) => x.metadata.namespace === ns && x.metadata.name === r.target.name);
  const labels = d?.spec.template.metadata?.labels ?? {};
  for (const s of services) {
    if (s.metadata.namespace !== ns || !s.spec.selector || !serviceSelects(s.spec.selector, labels)) continue;
    if (d && !matchesLabelSelector(labels, d.spec.selector)) continue;
    const sp = (s.spec.ports ?? []).find((p) => String(p.targetPort ?? p.port) === String(r.remote) || p.port === r.remote);
    if (sp) return { svc: s, port: sp.port };
  }
  return null;
}

/** Objects a forward's target is resolved against. */
interface Objects {
  services: Service[];
  deployments: Deployment[];
  pods: Pod[];
}

/**
 * The pods a forward to `target` in `ns` can reach: the pod itself, or the
 * pods a Service's selector or a Deployment's selector picks (kubectl
 * port-forward picks one of them). Null when that cannot be told (the object
 * is gone, or its kind is not read).
 */
function podsOf(target: KubectlTarget, ns: string, o: Objects): Set<string> | null {
  const inNs = o.pods.filter((p) => p.metadata.namespace === ns);
  const names = (pods: Pod[]) => new Set(pods.map((p) => p.metadata.name));
  switch (target.type) {
    case "pod":
      return inNs.some((p) => p.metadata.name === target.name) ? new Set([target.name]) : null;
    case "service": {
      const svc = o.services.find((s) => s.metadata.namespace === ns && s.metadata.name === target.name);
      return svc?.spec.selector ? names(inNs.filter((p) => serviceSelects(svc.spec.selector, p.metadata.labels))) : null;
    }
    case "deployment": {
      const d = o.deployments.find((x) => x.metadata.namespace === ns && x.metadata.name === target.name);
      return d ? names(inNs.filter((p) => matchesLabelSelector(p.metadata.labels, d.spec.selector))) : null;
    }
    default:
      return null;
  }
}

/**
 * Why the running kubectl port-forward on the recorded local port reaches
 * something else than the record names, or null when it reaches the same (or
 * it cannot be told: then nothing is claimed). The same means: the same
 * namespace, and the same object with the same remote port, or pods in common
 * (skaffold forwards a Service as `pod/<its newest pod> LOCAL:<targetPort>`,
 * GoogleContainerTools/skaffold pkg/skaffold/kubernetes/portforward).
 */
function otherTarget(rec: RecordedForward, recNs: string, run: KubectlPortForwardCommand, runNs: string, o: Objects | null): string | null {
  const runPair = run.ports.find((p) => p.local === rec.local);
  const runText = `${run.target.type}/${run.target.name}${runPair ? `:${runPair.remote}` : ""} in ${runNs}`;
  if (recNs !== runNs) return `it forwards to ${runText}, another namespace`;
  if (run.target.type === rec.target.type && run.target.name === rec.target.name) {
    if (runPair && typeof runPair.remote === "number" && typeof rec.remote === "number" && runPair.remote !== rec.remote) return `it forwards to ${runText}, another port of the same ${rec.target.type}`;
    return null;
  }
  if (!o) return null;
  const recPods = podsOf(rec.target, recNs, o);
  const runPods = podsOf(run.target, runNs, o);
  if (!recPods || !runPods || (recPods.size === 0 && runPods.size === 0)) return null;
  for (const p of runPods) if (recPods.has(p)) return null;
  return `it forwards to ${runText}, which reaches none of the pods ${rec.target.type}/${rec.target.name} selects`;
}

export default defineCheck({
  id: "forwarder.recorded-forward-running",
  code: "ND307",
  hop: "forwarder",
  title: "the port-forward the working tree records for this port is running",
  after: ["host-port.accepts-connections", "host-port.listener-identified", "container.publishes-port"],
  fixes: ["socat-forward", "service-to-nodeport"],
  explain: {
    meaning:
      "netdoctor reads the working tree it runs in (Makefile, *.sh at the top and in scripts/, package.json scripts, .vscode/tasks.json, devcontainer.json post*Command, skaffold.yaml portForward, Tiltfile port_forwards; each file at most 256 KiB, no symlink out of the tree) for port-forwards, and relates one whose local port is the target port to what listens there: nothing (the forward died), or a kubectl port-forward to another target (another namespace, another port of the same object, or an object sharing no pod with the recorded one), which keeps the recorded forward from starting.",
    causes:
      "`kubectl port-forward` exits when the pod it picked is replaced (a rollout, a crash, a node restart) and never re-attaches; one started with `&` in a Makefile or script also dies with its terminal; skaffold's and Tilt's forwards end when `skaffold dev` / `tilt up` ends. Nothing is left listening, so the port is refused. Or an older forward to something else (a debugging session in another terminal) still holds the port: the recorded one then fails with \"unable to listen on any of the requested ports\" and requests reach the other target.",
    fix:
      "A forward to another target: stop it (its pid is in the evidence) and run the recorded command, or give one of them another local port. A dead forward: re-run the recorded command for now; for a forward that survives pod restarts, give the Service a NodePort (`netdoctor fix service-to-nodeport`) and forward to a node (`netdoctor fix socat-forward`), or publish the NodePort through the cluster's port mappings.",
    links: ["https://kubernetes.io/docs/reference/kubectl/generated/kubectl_port-forward/", "https://skaffold.dev/docs/port-forwarding/", "https://docs.tilt.dev/api.html#api.k8s_resource", "https://github.com/kubernetes/kubectl/issues/1416"],
  },
  async run(ctx) {
    const target = ctx.target;
    if (!target) return skip("not applicable: no target (environment run)");
    if (!ctx.host.recordedForwards) return skip("not applicable: this source cannot read a working tree (a bundle)");
    const address = ctx.facts.address ?? ctx.options.hostAddress;
    const records = (await ctx.host.recordedForwards(ctx.signal)).filter((r) => r.local === target.port && covers(r.addresses, address));
    if (!records.length) return skip(`not applicable: the working tree records no port-forward for port ${target.port}`);
    const rec = records[0]!;
    const evidence: Record<string, unknown> = { recorded: records.map((r) => ({ where: r.where, tool: r.tool, text: r.text })) };
    const listener = ctx.facts.listener;
    if (listener) {
      const cmd = parseForwarderCommand(listener.command, listener.process);
      const owner = `${listener.process ?? "pid"}${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
      if (cmd.kind === "kubectl-port-forward") {
        const recNs = namespaceOf(ctx, rec.namespace);
        const runNs = namespaceOf(ctx, cmd.namespace);
        let objects: Objects | null = null;
        try {
          const [services, deployments, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("deployments", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
          objects = { services, deployments, pods };
        } catch (e) {
          if (!isSourceError(e)) throw e;
        }
        const other = otherTarget(rec, recNs, cmd, runNs, objects);
        if (other) {
          evidence["running"] = { pid: listener.pid ?? null, command: listener.command ?? null, namespace: runNs, target: `${cmd.target.type}/${cmd.target.name}` };
          return warn(`${owner} holds port ${target.port}, but not the forward ${rec.where} records (\`${rec.text}\`): ${other}; expected the recorded target`, {
            evidence,
            details: `Requests to port ${target.port} reach what that older or other forward names, not ${rec.target.type}/${rec.target.name} in ${recNs}, and the recorded command cannot start while the port is taken (kubectl: "Unable to listen on port ${target.port}: … bind: address already in use", "error: unable to listen on any of the requested ports"). Stop pid ${listener.pid ?? "(see ss -ltnp)"} and run the recorded command, or give one of the two forwards another local port.`,
          });
        }
      }
      if (cmd.kind === "kubectl-port-forward" || /^(kubectl|skaffold|tilt)$/.test(listener.process ?? "")) {
        return pass(`${owner} serves port ${target.port}, the forward ${rec.where} records (${rec.text})`, { evidence });
      }
      return skip(`not applicable: ${owner} holds port ${target.port}, not the forward ${rec.where} records`, { evidence });
    }
    if (ctx.facts.connect === "connected" || ctx.facts.container) return skip(`not applicable: port ${target.port} is served without a listening process on this host`, { evidence });
    const ns = namespaceOf(ctx, rec.namespace);
    let services: Service[] = [];
    let deployments: Deployment[] = [];
    let pods: Pod[] = [];
    try {
      [services, deployments] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("deployments", ctx.signal)]);
      if (rec.target.type !== "service") pods = await ctx.kube.list("pods", ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
    }
    // A forward to a pod or workload whose port the pod does not serve dies at its first connection (kubectl v1.23+):
    // re-running it fails the same way (forwarder.pod-serves-port judges a running one).
    let wrongPort: { pod: Pod; port: number; mismatch: PortMismatch } | null = null;
    if (rec.target.type !== "service") {
      const picked = attachablePod(rec.target, ns, { pods, deployments });
      if (!("problem" in picked)) {
        const resolved = resolvePodPort(picked.pod, rec.remote);
        const mismatch = "error" in resolved ? null : portMismatch(picked.pod, resolved.port, services);
        if (mismatch && !("error" in resolved)) wrongPort = { pod: picked.pod, port: resolved.port, mismatch };
      }
    }
    const found = serviceOf(rec, ns, services, deployments);
    const fixes: FixId[] = [];
    const notes: string[] = [];
    let facts: { forwarder: ForwarderFact } | undefined;
    if (found) {
      const { svc, port } = found;
      const np = nodePortOf(svc, port);
      const sp = (svc.spec.ports ?? []).find((p) => p.port === port || p.name === port);
      evidence["service"] = { namespace: ns, name: svc.metadata.name, type: svc.spec.type ?? "ClusterIP", port: sp?.port ?? port, nodePort: np };
      facts = { forwarder: { kind: "kubectl-port-forward", pid: null, upstream: `${ns}/svc/${svc.metadata.name}:${sp?.port ?? port}`, command: rec.text } };
      if (np === null) {
        fixes.push("service-to-nodeport", "socat-forward");
        notes.push(`Service ${ns}/${svc.metadata.name} is ${svc.spec.type ?? "ClusterIP"} without a NodePort: give it one (\`netdoctor fix service-to-nodeport\`), then \`netdoctor fix socat-forward\` forwards port ${target.port} to a node, which survives pod restarts`);
      } else {
        fixes.push("socat-forward");
        notes.push(`Service ${ns}/${svc.metadata.name} has NodePort ${np}: \`netdoctor fix socat-forward\` forwards port ${target.port} to a node's ${np}, which survives pod restarts`);
      }
    } else {
      notes.push(`${rec.target.type === "service" ? "Service" : rec.target.type} ${ns}/${rec.target.name} does not exist (any more), so re-running the recorded command fails too: check the name and namespace in ${rec.where}`);
    }
    const tool = rec.tool === "kubectl" ? "kubectl port-forward" : rec.tool === "skaffold" ? "skaffold's port-forward" : "Tilt's port-forward";
    if (wrongPort) {
      const { pod, port, mismatch } = wrongPort;
      const via = mismatch.likely.viaService;
      evidence["pod"] = ref(pod);
      evidence["likelyPort"] = mismatch.likely.port;
      notes.unshift(
        `Port ${port} is not where pod ${ref(pod)} (the pod it attaches to) says its application listens (${mismatch.said})${via ? `; ${port} is the port of Service ${via.name}, which sends it to container port ${mismatch.likely.port}` : ""}: kubectl's connect inside the pod is refused at the first request, it closes that connection (curl: "Empty reply from server") and, since v1.23, exits ("lost connection to pod", kubernetes/kubernetes#103526) — re-running the recorded command fails the same way. Forward to ${via ? `the Service (svc/${via.name.split("/")[1]} ${rec.local}:${port}) or ` : ""}container port ${mismatch.likely.port} (${rec.target.type === "pod" ? `pod/${pod.metadata.name}` : `${rec.target.type}/${rec.target.name}`} ${rec.local}:${mismatch.likely.port}) in ${rec.where}`,
      );
    }
    const likely = wrongPort
      ? `that ${tool} exited at its first connection: port ${wrongPort.port} of pod ${ref(wrongPort.pod)} is not where the pod says its application listens (${wrongPort.mismatch.said}); expected a forward to a port the pod serves`
      : `most likely that ${tool} is no longer running (it exits when its pod is replaced); expected it running, or a forward that survives pod restarts`;
    return fail(`nothing listens on port ${target.port}, where ${rec.where} records \`${rec.text}\`: ${likely}`, {
      ...(facts ? { facts } : {}),
      evidence,
      fixes,
      causes: ["host-port.accepts-connections", "container.publishes-port"],
      details: `No process listens on port ${target.port} and no container publishes it, so every connection is refused. ${rec.where} starts ${tool} to ${rec.target.type}/${rec.target.name}${rec.namespace ? ` in ${rec.namespace}` : ""} on that port${records.length > 1 ? ` (also recorded in ${records.slice(1).map((r) => r.where).join(", ")})` : ""}. ${notes.map((n) => `${n}.`).join(" ")}`,
    });
  },
});
