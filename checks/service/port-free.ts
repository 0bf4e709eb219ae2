/**
 * service.port-free (ND502): no other pod holds the node port the path's
 * Service needs — a svclb pod of another LoadBalancer, or any pod with that
 * hostPort or with `hostNetwork: true` on it — and the Service's own
 * svclb / hostPort pods are not Pending for want of it on a node the path
 * reaches.
 */
import { nodeReach, reachEvidence } from "../../src/host/serverlb.js";
import { keepRke2IngressOff, RKE2_CONFIG, rke2IngressOf } from "../../src/host/rke2.js";
import { defineCheck, fail, fixesOf, isSourceError, pass, skip, type Check, type FixId, type KubeEvent, type Pod, type Service } from "../../src/index.js";
import {
  formatEvent,
  getCondition,
  hostPortsOf,
  isObject,
  podEvents,
  podNode,
  podsSelectedBy,
  ref,
  svclbDestination,
  svclbFor,
  svclbServiceOf,
  workloadOf,
} from "../../src/kube/helpers.js";

/** Scheduler message of the NodePorts filter (k8s `ErrReasonNodePorts`, "node(s) didn't have free ports for the requested pod ports"). */
const NO_FREE_PORTS = /didn't have free ports/i;

/** A pod that holds the port, in words: who it is, what owns it, how it takes the port, on which node. */
export function describeHolder(p: Pod, port: number): string {
  const node = podNode(p);
  const on = node ? ` on node ${node}` : "";
  const s = svclbServiceOf(p);
  if (s) return `${p.metadata.name} (Service ${s.namespace}/${s.name})${on}`;
  const w = workloadOf(p);
  // A hostNetwork pod listens on the node's own port; the hostPort the API server defaulted from its containerPort says nothing more.
  const how = p.spec.hostNetwork === true ? `hostNetwork, port ${port}` : `hostPort ${port}`;
  return `pod ${ref(p)} (${w ? `${w.kind} ${w.namespace}/${w.name}, ` : ""}${how})${on}`;
}

/** The holder as evidence: pod, owner, node, how it takes the port, and for svclb the Service and where it forwards. */
function holderEvidence(p: Pod, port: number): Record<string, unknown> {
  const dest = svclbDestination(p);
  return {
    pod: ref(p),
    owner: workloadOf(p),
    node: podNode(p),
    hostNetwork: p.spec.hostNetwork === true,
    containers: hostPortsOf(p, port).map((h) => h.container),
    service: svclbServiceOf(p),
    ...(dest ? { forwardsTo: { [dest.variable]: dest.ips.join(" "), DEST_PORT: dest.port } } : {}),
  };
}

/**
 * Why this matters: only one pod per node can hold a port. k3s ServiceLB
 * gives each LoadBalancer Service a svclb pod that claims hostPort = Service
 * port on every node; when k3s' bundled traefik, another LoadBalancer, or any
 * pod with that hostPort (Contour's Envoy DaemonSet, ingress-nginx's kind
 * manifest, a user's DaemonSet) or with `hostNetwork: true` on it already
 * holds the port on a node, the new pod stays Pending there and connections
 * to that node's port reach the holder instead (traefik answers `404 page
 * not found`). The user has to know who the holder is to remove it.
 */
const check: Check = defineCheck({
  id: "service.port-free",
  code: "ND502",
  hop: "service",
  title: "no other pod holds the node port",
  dependsOn: ["service.receives-port"],
  fixes: ["remove-traefik"],
  contradiction:
    "the port is held on some nodes only and the load balancer spreads connections over the nodes (k3d's serverlb round-robins its upstreams): this request reached a node where the Service's own pod holds the port, the next may reach the holder",
  explain: {
    meaning:
      "The Service that takes the node port must own that port on the nodes the path reaches: its svclb pods (k3s ServiceLB) or its hostPort pods must be scheduled there, and no other pod may hold the same port — not another Service's svclb pod, not a pod with that hostPort, not a hostNetwork pod listening on it. The summary names the holder: pod, owning DaemonSet or Deployment, and node.",
    causes:
      "k3s deploys traefik as a LoadBalancer Service on ports 80 and 443 unless started with --disable=traefik (older k3s/k3d: --no-deploy traefik); a second LoadBalancer Service on the same port gets a svclb pod that stays Pending with FailedScheduling \"didn't have free ports for the requested pod ports\". Any hostPort or hostNetwork pod on 80/443 does the same: Contour's Envoy DaemonSet, ingress-nginx's kind manifest, a user's own DaemonSet. On several nodes the conflict may exist on some nodes only (the holder's DaemonSet has a nodeSelector), so the pods are Pending there and Running elsewhere.",
    fix: "Remove the holder or move one of them to another port: for traefik, delete the HelmCharts kube-system/traefik and traefik-crd and add --disable=traefik to the k3s/k3d server args so it does not come back; for RKE2's packaged ingress controller (DaemonSet kube-system/rke2-ingress-nginx-controller or rke2-traefik), set `ingress-controller: none` or `disable: [rke2-ingress-nginx]` in /etc/rancher/rke2/config.yaml and restart rke2-server; for another workload, delete it, change its hostPort, or give the Service another port.",
    links: [
      "https://docs.k3s.io/networking/networking-services#service-load-balancer",
      "https://docs.k3s.io/installation/packaged-components",
      "https://github.com/k3d-io/k3d/issues/104",
      "https://kubernetes.io/docs/concepts/configuration/overview/#services",
    ],
  },
  async run(ctx) {
    const svc = ctx.facts.service;
    if (!svc) return skip("not applicable: no Service on the path");
    if (svc.via !== "svclb" && svc.via !== "hostport") {
      return skip(`not applicable: Service ${svc.namespace}/${svc.name} is reached through ${svc.via === "nodeport" ? `nodePort ${svc.nodePort}` : svc.via === "port-forward" ? "kubectl port-forward" : svc.via}, not a svclb or hostPort pod`);
    }
    // svclb claims hostPort = Service port; a hostPort pod claims the node port the container hands over.
    const port = svc.via === "svclb" ? svc.port : (ctx.facts.container?.containerPort ?? svc.port);
    const [pods, events] = await Promise.all([ctx.kube.list("pods", ctx.signal), ctx.kube.list("events", ctx.signal)]);
    const daemonSets = await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
    let service: Service | undefined;
    if (svc.via === "hostport") service = (await ctx.kube.list("services", ctx.signal)).find((s) => isObject(s, svc.namespace, svc.name));
    const mine =
      svc.via === "svclb"
        ? svclbFor(svc, daemonSets, pods)
        : { daemonSets: [], pods: podsSelectedBy(pods, svc.namespace, service?.spec.selector).filter((p) => hostPortsOf(p, port).length > 0) };
    const mineSet = new Set(mine.pods);
    // On several nodes only the nodes the connection reaches matter (a kind node container, a k3d serverlb's upstreams).
    const reach = ctx.facts.container ? await nodeReach(ctx.docker, ctx.facts.container, ctx.signal) : null;
    const reached = reach ? reach.nodes : null;
    const isReached = (node: string | null) => !reached || node === null || reached.includes(node);
    const what = svc.via === "svclb" ? "svclb pod" : "pod";

    // Other pods holding the port while running: svclb pods of other Services, hostPort pods, hostNetwork pods.
    const holders = pods.filter((p) => !mineSet.has(p) && p.status?.phase === "Running" && !p.metadata["deletionTimestamp"] && hostPortsOf(p, port).length > 0 && isReached(podNode(p)));

    // Own pods Pending because the port is taken: event first, PodScheduled condition as fallback.
    const blocked: { pod: Pod; node: string | null; message: string; event: KubeEvent | null }[] = [];
    const unreachedBlocked: { pod: Pod; node: string | null }[] = [];
    for (const p of mine.pods) {
      if (p.status?.phase !== "Pending") continue;
      const ev = podEvents(events, p).find((e) => e.reason === "FailedScheduling" && NO_FREE_PORTS.test(e.message ?? "")) ?? null;
      const cond = getCondition(p.status?.conditions, "PodScheduled");
      const msg = ev?.message ?? (cond?.status === "False" && NO_FREE_PORTS.test(cond.message ?? "") ? cond.message! : null);
      if (msg && !isReached(podNode(p))) unreachedBlocked.push({ pod: p, node: podNode(p) });
      else if (msg) blocked.push({ pod: p, node: podNode(p), message: msg, event: ev });
    }

    const evidence = {
      service: `${svc.namespace}/${svc.name}`,
      port,
      via: svc.via,
      svclbDaemonSets: mine.daemonSets.map(ref),
      pods: mine.pods.map((p) => ({ pod: ref(p), phase: p.status?.phase ?? "Unknown", node: podNode(p) })),
      holders: holders.map((p) => holderEvidence(p, port)),
      events: blocked.map((b) => (b.event ? formatEvent(b.event) : `PodScheduled=False: ${b.message}`)),
      nodesReached: reached,
      ...(reach && ctx.facts.container?.role === "k3d-serverlb" ? { serverlbUpstreams: reachEvidence(reach) } : {}),
      pendingOnUnreachedNodes: unreachedBlocked.map((b) => ({ pod: ref(b.pod), node: b.node })),
    };

    if (!holders.length && !blocked.length) {
      const elsewhere = unreachedBlocked.length
        ? `; Pending for ${unreachedBlocked.map((b) => `node ${b.node}`).join(", ")}, which the path does not reach (${reached!.join(", ")})`
        : "";
      return pass(
        (mine.pods.length
          ? `no other pod holds port ${port}${reached ? ` on ${reached.join(", ")}` : ""}; ${what}s of Service ${svc.namespace}/${svc.name}: ${mine.pods.map((p) => `${p.metadata.name} ${p.status?.phase ?? "Unknown"}${podNode(p) ? ` ${p.spec.nodeName ? "on" : "for node"} ${podNode(p)}` : ""}`).join(", ")}`
          : `no other pod holds port ${port} (Service ${svc.namespace}/${svc.name} has no ${what}s yet; see service.load-balancer-ready)`) + elsewhere,
        { evidence },
      );
    }

    // Is the holder k3s' bundled traefik?
    const traefikHolds = holders.some((p) => {
      const s = svclbServiceOf(p);
      return s?.namespace === "kube-system" && s.name === "traefik";
    });
    let traefikChart = false;
    try {
      traefikChart = (await ctx.kube.list("helmcharts", ctx.signal)).some((h) => h.metadata.namespace === "kube-system" && h.metadata.name === "traefik");
    } catch (e) {
      if (!isSourceError(e)) throw e; // HelmChart CRD absent: not k3s' helm-controller.
    }
    const fixes: FixId[] = traefikHolds ? ["remove-traefik"] : [];

    const first = blocked[0];
    // The holders that matter for the first blocked pod: those on its node, when both nodes are known.
    const relevant = first?.node ? holders.filter((h) => !podNode(h) || podNode(h) === first.node) : holders;
    const shown = relevant.length ? relevant : holders;
    const heldBy = shown.length ? `port ${port} is held by ${shown.map((h) => describeHolder(h, port)).join(", ")}` : `port ${port} is held by another pod`;
    const pendingOn = blocked.length > 1 ? ` (Pending on ${blocked.length} nodes: ${blocked.map((b) => b.node ?? "?").join(", ")})` : "";
    const summary = first
      ? `${what} ${ref(first.pod)} is Pending${first.node ? ` for node ${first.node}` : ""}: ${heldBy}${pendingOn}; expected port ${port} free for Service ${svc.namespace}/${svc.name}`
      : `${heldBy} while Service ${svc.namespace}/${svc.name} needs it; expected only ${svc.namespace}/${svc.name}'s ${what}s on port ${port}`;
    const traefikV1 = traefikHolds && holders.some((h) => svclbDestination(h)?.variable === "DEST_IP");
    // RKE2's packaged ingress controller (rke2-ingress-nginx or rke2-traefik DaemonSet) binds 80/443 on every node.
    const rke2Ingress = shown.map(rke2IngressOf).find((x) => x !== null) ?? null;
    const details =
      (first ? `The scheduler reports: "${first.message.trim()}". ` : "") +
      `Only one pod per node can hold port ${port}; connections to port ${port} on ${first?.node ? `node ${first.node}` : "the nodes"} reach the current holder, not Service ${svc.namespace}/${svc.name}. ` +
      (traefikHolds
        ? `The holder is k3s' bundled traefik${traefikChart ? " (HelmChart kube-system/traefik exists)" : ""}: remove it and start k3s with --disable=traefik${traefikV1 ? " (older k3s: --no-deploy traefik, as k3d-io/k3d#104 shows)" : ""}.`
        : rke2Ingress
          ? `The holder is RKE2's packaged ingress controller ${rke2Ingress}. ${keepRke2IngressOff(rke2Ingress)}.`
          : "Remove the holder (or change its hostPort), or give the Service another port.");
    return fail(summary + (rke2Ingress ? `; RKE2's packaged ${rke2Ingress} holds it on every node (keep it off: \`ingress-controller: none\` or \`disable: [${rke2Ingress}]\` in ${RKE2_CONFIG})` : ""), {
      details,
      evidence: { ...evidence, traefikHelmChart: traefikChart, ...(rke2Ingress ? { rke2PackagedIngress: rke2Ingress } : {}) },
      fixes: fixesOf(check, fixes),
    });
  },
});

export default check;
