/**
 * backend.pods-ready (ND803): the pods the backend Service selects are Ready.
 */
import { defineCheck, fail, pass, skip, warn, type Check } from "../../src/index.js";
import { backendOfPath, describePodState, formatEvent, formatSelector, isObject, podEvents, podState, podsSelectedBy } from "../../src/kube/helpers.js";

/** How many Warning events per pod the details quote. */
const EVENTS_PER_POD = 2;

/** Plain explanations of container waiting reasons (kubelet). */
const REASONS: Record<string, string> = {
  CrashLoopBackOff: "the container keeps exiting and kubelet waits longer before each restart: read its logs (`kubectl logs --previous`)",
  ImagePullBackOff: "the image cannot be pulled (wrong name or tag, private registry without imagePullSecrets, or a registry the node cannot reach)",
  ErrImagePull: "the image cannot be pulled (wrong name or tag, private registry without imagePullSecrets, or a registry the node cannot reach)",
  CreateContainerConfigError: "a referenced ConfigMap or Secret (or key) is missing",
  Unschedulable: "no node can run the pod (resources, taints, node selectors, hostPorts)",
  OOMKilled: "the container exceeded its memory limit",
  ContainerCreating: "the container is still being created (image pull, volume mounts)",
};

/**
 * Why this matters: the backend pods are where the request ends. Not-ready
 * pods are removed from the endpoints, so the gateway answers 503; the
 * kubelet's reason (CrashLoopBackOff, ImagePullBackOff, Pending) is usually
 * the whole diagnosis.
 */
const check: Check = defineCheck({
  id: "backend.pods-ready",
  code: "ND803",
  hop: "backend",
  title: "the backend pods are ready",
  dependsOn: ["backend.service-exists"],
  contradiction:
    "some pods behind the Service are not Ready but another one answered (a rollout, a crash loop in one replica): the next request may land on the broken one once it becomes Ready, or capacity is lower than you think; look at the pods named above",
  explain: {
    meaning: "Every pod the backend Service selects should be Running and Ready; at least one must be for traffic to flow.",
    causes: "The application crashes at start (CrashLoopBackOff, exit code in lastState), the image cannot be pulled (ImagePullBackOff), a ConfigMap/Secret is missing (CreateContainerConfigError), the readiness probe fails, or the pod cannot be scheduled (Pending).",
    fix: "Read the pod's events and previous logs (`kubectl -n NS describe pod P`, `kubectl -n NS logs P --previous`) and fix what they name.",
    links: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/", "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-states"],
  },
  async run(ctx) {
    const backend = backendOfPath(ctx.facts);
    if (!backend) return skip("not applicable: no backend Service on the path");
    const name = `${backend.namespace}/${backend.name}`;
    const [services, pods, events] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal), ctx.kube.list("events", ctx.signal)]);
    const svc = services.find((s) => isObject(s, backend.namespace, backend.name));
    if (!svc) return skip(`not applicable: Service ${name} does not exist`);
    if (!Object.keys(svc.spec.selector ?? {}).length) return skip(`not applicable: Service ${name} has no selector (its endpoints are managed by hand)`);
    const selected = podsSelectedBy(pods, backend.namespace, svc.spec.selector).filter((p) => p.status?.phase !== "Succeeded");
    const selector = formatSelector(svc.spec.selector);
    if (!selected.length) {
      return fail(`Service ${name} selector ${selector} matches no pods in namespace ${backend.namespace}; expected Ready pods`, {
        details: "The Deployment may be scaled to 0, not created yet, or its pod labels differ from the Service selector.",
        evidence: { service: name, selector },
      });
    }
    const states = selected.map(podState);
    const notReady = selected.filter((p) => !podState(p).ready);
    const warnings = notReady.flatMap((p) =>
      podEvents(events, p)
        .filter((e) => e.type === "Warning")
        .slice(0, EVENTS_PER_POD)
        .map((e) => `${p.metadata.name}: ${formatEvent(e)}`),
    );
    const evidence = { service: name, selector, pods: states, events: warnings };
    if (!notReady.length) return pass(`${states.length}/${states.length} pods of Service ${name} are Ready (${states.map((s) => s.name).join(", ")})`, { evidence });
    const bad = states.filter((s) => !s.ready);
    const reasons = [...new Set(bad.map((s) => s.reason))].filter((r) => REASONS[r]).map((r) => `${r}: ${REASONS[r]}.`);
    const messages = bad.filter((s) => s.message).map((s) => `${s.name}: ${s.message}`);
    const details = [...reasons, ...messages, ...(warnings.length ? [`Newest warning events: ${warnings.join(" | ")}`] : [])].join(" ") || undefined;
    const summary = `${bad.length}/${states.length} pods of Service ${name} are not Ready: ${bad.map(describePodState).join("; ")}`;
    if (bad.length < states.length) return warn(summary, { details, evidence });
    return fail(`${summary}; expected Ready pods`, { details, evidence });
  },
});

export default check;
