/**
 * forwarder.pod-serves-port (ND306): the pod a `kubectl port-forward` to a
 * pod or workload reaches, and whether the port it forwards to is one the
 * application in that pod listens on.
 *
 * Why this matters: kubectl port-forward connects to localhost:PORT inside
 * the pod's network namespace for every connection it accepts. When nothing
 * listens there (the app serves 8080, the forward says 80), kubectl logs
 * `an error occurred forwarding 5010 -> 80: … failed to connect to
 * localhost:80 inside namespace …: connection refused` and closes the
 * client's connection (curl: Empty reply from server); since kubectl v1.23
 * it then stops listening and exits ("lost connection to pod",
 * kubernetes/kubernetes#103526), so the next request is refused. The
 * listener looks healthy until the first request: only the pod's spec says
 * which port the application really serves.
 */
import { defineCheck, fail, isSourceError, pass, skip, type CheckContext, type Deployment, type Service } from "../../src/index.js";
import { formatHostPort } from "../../src/host/addresses.js";
import { formatKubectlTarget, kubectlPairFor, parseForwarderCommand } from "../../src/host/forwarders.js";
import { ref } from "../../src/kube/helpers.js";
import { attachablePod, describeHints, listenHints, portMismatch, resolvePodPort } from "../../src/kube/port-forward-pod.js";
import { forwardNamespace } from "./kube-target.js";

/** The kubectl command that forwards the same local port to `port` instead. */
function fixedCommand(cmdNamespace: string | null, namespace: string, target: string, local: number | null, port: number): string {
  return `kubectl port-forward${cmdNamespace ? ` -n ${namespace}` : ""} ${target} ${local ?? ""}:${port}`;
}

export default defineCheck({
  id: "forwarder.pod-serves-port",
  code: "ND306",
  hop: "forwarder",
  title: "the pod kubectl port-forward reaches serves the forwarded port",
  after: ["host-port.listener-identified"],
  contradiction:
    "the application listens on the forwarded port although the pod's spec names other ports (containerPorts are informational, and kubectl forwards to any port), so the request gets through",
  explain: {
    meaning:
      "For a `kubectl port-forward` to a pod, a Deployment, ReplicaSet, StatefulSet or DaemonSet (or a bare pod name), netdoctor finds the pod kubectl attaches to — the pod named, or the first pod of the workload's selector in kubectl's own order (ready, longest ready, fewest restarts, oldest first) — and the port kubectl connects to inside it (a named port is looked up among its containerPorts), and compares that port with where the pod says its application listens: its declared containerPorts, the ports of its readiness, liveness and startup probes, and the target ports of the Services that select it.",
    causes:
      "The port on the command line is the Service port, the image's documented port or a guess, while the application listens on another (a Service's 80 → targetPort 8080, a dev server on 3000 forwarded as 80); the application was reconfigured to another port; an app whose port is set by an environment variable.",
    fix: "Forward to the port the application listens on (`kubectl port-forward pod/NAME LOCAL:CONTAINERPORT`), or forward to the Service (`svc/NAME LOCAL:SERVICEPORT`), which kubectl translates to the pod's targetPort. `kubectl get pod NAME -o jsonpath='{.spec.containers[*].ports}'` lists the declared ports.",
    links: [
      "https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/",
      "https://github.com/kubernetes/kubernetes/pull/103526",
      "https://github.com/kubernetes-sigs/kind/issues/869",
    ],
  },
  async run(ctx: CheckContext) {
    const listener = ctx.facts.listener;
    if (!ctx.target || !listener) return skip("not applicable: no listener identified on the target port");
    const cmd = parseForwarderCommand(listener.command, listener.process);
    if (cmd.kind !== "kubectl-port-forward") return skip("not applicable: no kubectl port-forward owns the port");
    if (cmd.target.type === "service") {
      return skip(`not applicable: kubectl port-forward to ${formatKubectlTarget(cmd.target)} forwards to its Service port's targetPort (see the service and backend hops)`);
    }
    const pair = kubectlPairFor(cmd, listener.port);
    if (!pair) return skip(`not applicable: kubectl port-forward ${formatKubectlTarget(cmd.target)} names no port pair for local port ${listener.port}`);
    const namespace = forwardNamespace(ctx, cmd);
    let pods;
    let services: Service[] = [];
    let deployments: Deployment[] = [];
    try {
      pods = await ctx.kube.list("pods", ctx.signal);
      if (cmd.target.type === "deployment") deployments = await ctx.kube.list("deployments", ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`unavailable: ${e.message}`);
    }
    try {
      services = await ctx.kube.list("services", ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      // Services only add hints; the pod's own spec still decides.
    }
    const picked = attachablePod(cmd.target, namespace, { pods, deployments });
    if ("problem" in picked) return skip(`not applicable: ${picked.problem} (see forwarder.upstream-reachable)`);
    const pod = picked.pod;
    const who = `kubectl port-forward${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""}`;
    const listen = formatHostPort(listener.address, listener.port);
    const chosen =
      picked.via === "pod"
        ? `pod ${ref(pod)}`
        : `pod ${ref(pod)} (${picked.candidates === 1 ? `the only pod of ${picked.via}` : `the first of the ${picked.candidates} pods of ${picked.via} in kubectl's order`})`;
    const evidence: Record<string, unknown> = {
      listener,
      target: formatKubectlTarget(cmd.target),
      namespace,
      pod: ref(pod),
      via: picked.via,
      candidates: picked.candidates,
      remote: pair.remote,
      hostNetwork: pod.spec.hostNetwork === true,
    };
    const resolved = resolvePodPort(pod, pair.remote);
    if ("error" in resolved) {
      const ports = describeHints(listenHints(pod));
      return fail(`${who} forwards ${listen} to port ${pair.remote} of ${chosen}, which has no port named ${pair.remote} (kubectl: "${resolved.error}"); expected a named containerPort${ports ? ` (it declares ${ports})` : ""}`, {
        evidence,
        details: `kubectl looks a named remote port up among the pod's containerPorts when it starts and refuses to forward when none has that name; a running forward resolved it against the pod it attached to, which is not the pod the workload has now. Forward to a declared port by number or name.`,
      });
    }
    evidence["port"] = resolved.port;
    const portText = resolved.name ? `port ${resolved.port} (${resolved.name})` : `port ${resolved.port}`;
    const head = `${who} forwards ${listen} to ${portText} of ${chosen}`;
    if (resolved.declared) {
      return pass(`${head}; container ${resolved.declared.container} declares it`, { evidence: { ...evidence, container: resolved.declared.container } });
    }
    const hints = listenHints(pod, services);
    evidence["listenHints"] = hints;
    const elsewhere = hints.filter((h) => h.port !== resolved.port);
    if (!hints.length) {
      return pass(`${head}; the pod declares no ports or probes, so its spec does not say where the application listens (the end-to-end request tells)`, { evidence });
    }
    if (elsewhere.length < hints.length) {
      // A probe or a Service's targetPort names the forwarded port: something listens there.
      return pass(`${head}; ${describeHints(hints.filter((h) => h.port === resolved.port))} name it`, { evidence });
    }
    const mismatch = portMismatch(pod, resolved.port, services)!;
    const likely = mismatch.likely;
    const best = likely.port;
    const ns = pod.metadata.namespace ?? namespace;
    const target = picked.via === "pod" ? `pod/${pod.metadata.name}` : formatKubectlTarget(cmd.target);
    const servicePort = likely.viaService
      ? `; ${resolved.port} is the port of Service ${likely.viaService.name}, which sends it to container port ${best}`
      : "";
    evidence["likelyPort"] = best;
    const said = mismatch.said;
    const ports = [...new Set(elsewhere.map((h) => h.port))];
    return fail(`${head}, but the pod says its application listens on ${said}${servicePort}; expected the forwarded port to be one the application listens on`, {
      evidence,
      details:
        (ports.length > 2 ? `Where the pod says it listens: ${describeHints(elsewhere)}. ` : "") +
        `kubectl port-forward connects to localhost:${resolved.port} inside ${pod.spec.hostNetwork ? "the node's network namespace (the pod uses hostNetwork)" : "the pod's network namespace"} for every connection it accepts. ` +
        `With nothing listening there, kubectl logs \`an error occurred forwarding ${listener.port} -> ${resolved.port}: … failed to connect to localhost:${resolved.port} inside namespace …: connect: connection refused\` and closes the connection (curl: "Empty reply from server"); ` +
        `since kubectl v1.23 the forward then stops listening and exits with "lost connection to pod" (kubernetes/kubernetes#103526), so the next request is refused. ` +
        (likely.viaService
          ? `kubectl translates a Service port to the container port only for \`svc/NAME\` targets: forward the Service (\`${fixedCommand(cmd.namespace, ns, `svc/${likely.viaService.name.split("/")[1]}`, pair.local, resolved.port)}\`) or the container port (\`${fixedCommand(cmd.namespace, ns, target, pair.local, best)}\`).`
          : `Forward to the port the application listens on: \`${fixedCommand(cmd.namespace, ns, target, pair.local, best)}\`.`),
    });
  },
});
