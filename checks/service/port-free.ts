/**
 * service.port-free (ND502): no other LoadBalancer (svclb pod) holds the port
 * the path's Service needs on the nodes.
 */
import { defineCheck, fail, fixesOf, isSourceError, pass, skip, type Check, type FixId, type KubeEvent, type Pod } from "../../src/index.js";
import { formatEvent, getCondition, hostPortsOf, podEvents, ref, svclbFor, svclbServiceOf } from "../../src/kube/helpers.js";

/** Scheduler message of the NodePorts filter (k8s `ErrReasonNodePorts`, "node(s) didn't have free ports for the requested pod ports"). */
const NO_FREE_PORTS = /didn't have free ports/i;

/**
 * Why this matters: k3s ServiceLB gives each LoadBalancer Service a svclb pod
 * that claims hostPort = Service port on every node. Only one pod per node can
 * hold a port: when k3s' bundled traefik (or any other LoadBalancer Service)
 * already holds it, the new svclb pod stays Pending and the traffic on that
 * port keeps going to the old holder (Traefik answers `404 page not found`).
 */
const check: Check = defineCheck({
  id: "service.port-free",
  code: "ND502",
  hop: "service",
  title: "no other LoadBalancer holds the port",
  dependsOn: ["service.receives-port"],
  fixes: ["remove-traefik"],
  explain: {
    meaning:
      "The Service that takes the node port through k3s ServiceLB must own that hostPort on the nodes: its svclb pods must be scheduled, and no other Service's svclb pod (or other hostPort pod) may hold the same port.",
    causes:
      "k3s deploys traefik as a LoadBalancer Service on ports 80 and 443 unless started with --disable=traefik; a second LoadBalancer Service on the same port gets a svclb pod that stays Pending with FailedScheduling \"didn't have free ports for the requested pod ports\".",
    fix: "Remove the other holder: for traefik, delete the HelmCharts kube-system/traefik and traefik-crd and add --disable=traefik to the k3s/k3d server args so it does not come back; or move one of the Services to another port.",
    links: ["https://docs.k3s.io/networking/networking-services#service-load-balancer", "https://docs.k3s.io/installation/packaged-components", "https://github.com/k3d-io/k3d/issues/104"],
  },
  async run(ctx) {
    const svc = ctx.facts.service;
    if (!svc) return skip("not applicable: no Service on the path");
    if (svc.via !== "svclb") return skip(`not applicable: Service ${svc.namespace}/${svc.name} is reached through ${svc.via === "nodeport" ? `nodePort ${svc.nodePort}` : svc.via}, not k3s ServiceLB`);
    const port = svc.port;
    const [pods, events] = await Promise.all([ctx.kube.list("pods", ctx.signal), ctx.kube.list("events", ctx.signal)]);
    const daemonSets = await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
    const mine = svclbFor(svc, daemonSets, pods);
    const mineSet = new Set(mine.pods);

    // Other pods holding hostPort `port` while running (svclb pods of other Services, or any hostPort pod).
    const holders = pods.filter((p) => !mineSet.has(p) && p.status?.phase === "Running" && hostPortsOf(p, port).length > 0);
    const holderText = (p: Pod) => {
      const s = svclbServiceOf(p);
      return s ? `${p.metadata.name} (Service ${s.namespace}/${s.name})` : `${ref(p)} (hostPort ${port})`;
    };

    // Own svclb pods Pending because the port is taken: event first, PodScheduled condition as fallback.
    const blocked: { pod: Pod; message: string; event: KubeEvent | null }[] = [];
    for (const p of mine.pods) {
      if (p.status?.phase !== "Pending") continue;
      const ev = podEvents(events, p).find((e) => e.reason === "FailedScheduling" && NO_FREE_PORTS.test(e.message ?? "")) ?? null;
      const cond = getCondition(p.status?.conditions, "PodScheduled");
      const msg = ev?.message ?? (cond?.status === "False" && NO_FREE_PORTS.test(cond.message ?? "") ? cond.message! : null);
      if (msg) blocked.push({ pod: p, message: msg, event: ev });
    }

    const evidence = {
      service: `${svc.namespace}/${svc.name}`,
      port,
      svclbDaemonSets: mine.daemonSets.map(ref),
      svclbPods: mine.pods.map((p) => ({ pod: ref(p), phase: p.status?.phase ?? "Unknown", node: p.spec.nodeName ?? null })),
      holders: holders.map((p) => ({ pod: ref(p), service: svclbServiceOf(p), node: p.spec.nodeName ?? null })),
      events: blocked.map((b) => (b.event ? formatEvent(b.event) : `PodScheduled=False: ${b.message}`)),
    };

    if (!holders.length && !blocked.length) {
      return pass(
        mine.pods.length
          ? `no other pod holds hostPort ${port}; svclb pods of Service ${svc.namespace}/${svc.name}: ${mine.pods.map((p) => `${p.metadata.name} ${p.status?.phase ?? "Unknown"}`).join(", ")}`
          : `no other pod holds hostPort ${port} (Service ${svc.namespace}/${svc.name} has no svclb pods yet; see service.load-balancer-ready)`,
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

    const heldBy = holders.length ? `port ${port} is held by ${holders.map(holderText).join(", ")}` : `port ${port} is held by another pod`;
    const first = blocked[0];
    const summary = first
      ? `svclb pod ${ref(first.pod)} is Pending: ${heldBy}; expected hostPort ${port} free for Service ${svc.namespace}/${svc.name}`
      : `${heldBy} while Service ${svc.namespace}/${svc.name} needs it; expected only ${svc.namespace}/${svc.name}'s svclb pods on hostPort ${port}`;
    const details =
      (first ? `The scheduler reports: "${first.message.trim()}". ` : "") +
      `Only one pod per node can hold hostPort ${port}; connections to port ${port} on the nodes reach the current holder, not Service ${svc.namespace}/${svc.name}. ` +
      (traefikHolds
        ? `The holder is k3s' bundled traefik${traefikChart ? " (HelmChart kube-system/traefik exists)" : ""}: remove it and start k3s with --disable=traefik.`
        : "Move one of the Services to another port, or delete the one the path does not need.");
    return fail(summary, { details, evidence: { ...evidence, traefikHelmChart: traefikChart }, fixes: fixesOf(check, fixes) });
  },
});

export default check;
