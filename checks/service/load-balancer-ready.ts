/**
 * service.load-balancer-ready (ND503): the path's LoadBalancer Service has a
 * `status.loadBalancer.ingress` address.
 */
import { defineCheck, fail, pass, skip, warn, isSourceError, type Check, type CheckContext, type ContainerInspect } from "../../src/index.js";
import { containerName, describeState, labelsOf } from "../../src/host/containers.js";
import { isObject, podState, describePodState, ref, svclbFor } from "../../src/kube/helpers.js";
import { ingressImplementationOfService } from "../../src/ingress/index.js";
import { enableServiceLbAdvice, readRke2Evidence, RKE2_CONFIG } from "../../src/host/rke2.js";
import { serviceLbFailures } from "../../src/kube/k3s-system.js";

/** Whether the cluster is RKE2: its version (`+rke2r`) or its nodes' rke2 labels and annotations (src/host/rke2.ts). */
async function isRke2(ctx: CheckContext): Promise<boolean> {
  return (await readRke2Evidence(ctx.kube, ctx.signal)).rke2;
}

/** cloud-provider-kind labels its load-balancer containers (`kindccm-<hash>`) with the cluster and `<cluster>/<ns>/<svc>` (real-world-facts §3.4). */
const CPK_CLUSTER_LABEL = "io.x-k8s.cloud-provider-kind.cluster";
const CPK_LB_LABEL = "io.x-k8s.cloud-provider-kind.loadbalancer.name";

/** What LoadBalancer implementation a kind cluster has, in words, with the evidence. */
async function kindLoadBalancers(
  ctx: CheckContext,
  cluster: string | null,
  svc: { namespace: string; name: string },
): Promise<{ observed: string; advice: string; kindccm: { name: string; state: string; forThisService: boolean }[]; metallb: string[] }> {
  let containers: ContainerInspect[] = [];
  try {
    containers = await ctx.docker.containers(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  const kindccm = containers
    .filter((c) => {
      const l = labelsOf(c);
      return (l[CPK_CLUSTER_LABEL] !== undefined && (cluster === null || l[CPK_CLUSTER_LABEL] === cluster)) || (containerName(c).startsWith("kindccm-") && l[CPK_CLUSTER_LABEL] === undefined);
    })
    .map((c) => ({ name: containerName(c), state: describeState(c), forThisService: labelsOf(c)[CPK_LB_LABEL] === `${cluster}/${svc.namespace}/${svc.name}` }));
  const pods = await ctx.kube.list("pods", ctx.signal);
  const metallb = pods
    .filter((p) => p.metadata.namespace === "metallb-system" || p.metadata.labels?.["app"] === "metallb" || p.metadata.labels?.["app.kubernetes.io/name"] === "metallb")
    .map((p) => `${ref(p)} ${p.status?.phase ?? "Unknown"}`);
  const mine = kindccm.find((k) => k.forThisService);
  if (mine) {
    return {
      observed: `cloud-provider-kind started ${mine.name} (${mine.state}) for it but has not written the address`,
      advice: `cloud-provider-kind runs a load-balancer container per Service and writes its IP on the kind network into status.loadBalancer.ingress; ${mine.name} exists but the Service has no address yet — check that the cloud-provider-kind process on the host is still running and look at its output.`,
      kindccm,
      metallb,
    };
  }
  if (kindccm.length) {
    return {
      observed: `cloud-provider-kind containers ${kindccm.map((k) => k.name).join(", ")} exist, none for this Service`,
      advice: "cloud-provider-kind has served this cluster (its kindccm-* containers exist) but started no load balancer for this Service: the cloud-provider-kind process on the host is probably not running any more; start it again (`cloud-provider-kind`, add --enable-lb-port-mapping on macOS).",
      kindccm,
      metallb,
    };
  }
  if (metallb.length) {
    return {
      observed: `MetalLB pods: ${metallb.slice(0, 3).join(", ")}`,
      advice: "MetalLB is installed but assigned no address: it needs an IPAddressPool (and an L2Advertisement) with a range inside the kind Docker network (`docker network inspect kind`), and a running controller.",
      kindccm,
      metallb,
    };
  }
  return {
    observed: "no cloud-provider-kind (kindccm-*) container and no MetalLB",
    advice:
      "kind ships no LoadBalancer controller: LoadBalancer Services stay <pending> until one is added. Options: cloud-provider-kind (`go install sigs.k8s.io/cloud-provider-kind@latest`, run it on the host; it starts a kindccm-* load-balancer container per Service), or MetalLB with an IPAddressPool in the kind network.",
    kindccm,
    metallb,
  };
}

/**
 * Why this matters: a LoadBalancer Service without an ingress address has no
 * load balancer behind it. On k3s/k3d the address comes from ServiceLB once a
 * svclb pod is Ready — no address means no svclb pod serves the port. kind
 * has no LoadBalancer implementation at all unless cloud-provider-kind or
 * MetalLB is installed, and Gateway controllers report `Programmed=False
 * AddressNotAssigned` while the address is missing.
 */
const check: Check = defineCheck({
  id: "service.load-balancer-ready",
  code: "ND503",
  hop: "service",
  title: "the LoadBalancer has an ingress address",
  dependsOn: ["service.receives-port"],
  contradiction:
    "the traffic reaches the proxy another way than the LoadBalancer address (a NodePort through the node mapping, a hostPort, a port-forward), so the missing address does not matter for this request; it matters for anything that uses the LoadBalancer address",
  explain: {
    meaning: "A Service of type LoadBalancer gets `status.loadBalancer.ingress` from its load-balancer implementation (k3s ServiceLB, cloud-provider-kind, MetalLB). Without it, `kubectl get svc` shows EXTERNAL-IP <pending>.",
    causes:
      "k3s/k3d: the svclb pods are Pending (port held by another LoadBalancer such as traefik) or not Ready — a svclb pod that crash-loops names its failure in its log (klipper-lb cannot install its iptables DNAT rule: the nat table is missing from the node's kernel, SELinux denies it, or /proc/sys is read-only under rootless k3s) — or ServiceLB is disabled (--disable=servicelb). RKE2: ServiceLB is off unless the server runs with `enable-servicelb: true` in /etc/rancher/rke2/config.yaml. kind: no LoadBalancer implementation is installed (kind has none built in); cloud-provider-kind was run once but its host process has stopped (its kindccm-* containers remain); MetalLB is installed without an IPAddressPool in the kind network.",
    fix: "k3s: free the port (see service.port-free) or re-enable ServiceLB. RKE2: add `enable-servicelb: true` to /etc/rancher/rke2/config.yaml and restart rke2-server, or install MetalLB. kind: run cloud-provider-kind (`go install sigs.k8s.io/cloud-provider-kind@latest`) or install MetalLB — or reach the Service through a NodePort mapped by extraPortMappings.",
    links: ["https://kind.sigs.k8s.io/docs/user/loadbalancer/", "https://docs.k3s.io/networking/networking-services#service-load-balancer"],
  },
  async run(ctx) {
    const fact = ctx.facts.service;
    if (!fact) return skip("not applicable: no Service on the path");
    const services = await ctx.kube.list("services", ctx.signal);
    const svc = services.find((s) => isObject(s, fact.namespace, fact.name));
    const name = `${fact.namespace}/${fact.name}`;
    if (!svc) return skip(`not applicable: Service ${name} is gone`);
    const type = svc.spec.type ?? "ClusterIP";
    if (type !== "LoadBalancer") return skip(`not applicable: Service ${name} is type ${type}`);

    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    const addresses = ingress.map((i) => i.ip ?? i.hostname).filter((a): a is string => !!a);
    if (addresses.length) return pass(`Service ${name} has LoadBalancer ingress ${addresses.join(", ")}`, { evidence: { service: name, ingress } });

    if (fact.via === "port-forward") {
      // kubectl port-forward reaches a pod of the Service through the API server: no address is needed on this path.
      return pass(`Service ${name} has no LoadBalancer ingress (EXTERNAL-IP <pending>), which this path does not use: kubectl port-forward reaches its pods through the API server`, {
        details: "Nothing assigns the Service an address (no cloud-provider-kind, MetalLB or ServiceLB for it), so its EXTERNAL-IP stays <pending> and a Gateway behind it may report Programmed=False (AddressNotAssigned); the port-forward does not need it.",
        evidence: { service: name, ingress: [], via: fact.via },
      });
    }
    const kind = ctx.facts.container?.role === "kind-node";
    // The path does not use the LoadBalancer address when it reaches the Service through a nodePort or a hostPort pod.
    const bypassed = fact.via === "nodeport" || fact.via === "hostport";
    if (kind && fact.via === "hostport") {
      // An ingress controller's hostPort pods (Contour's quickstart Envoy DaemonSet, hostPort 80/443) serve the
      // path without the address; only the Ingress ADDRESS column stays empty. No Gateway waits for it.
      const impl = ingressImplementationOfService(svc, await ctx.kube.list("pods", ctx.signal));
      if (impl) {
        return pass(`Service ${name} has no LoadBalancer ingress (EXTERNAL-IP <pending>), which this path does not use: it reaches the ${impl} controller's hostPort pod directly`, {
          details: "kind has no LoadBalancer implementation of its own; the ingress controller still serves through its hostPort, and Ingresses it serves show no ADDRESS until cloud-provider-kind or MetalLB gives the Service one.",
          evidence: { service: name, ingress: [], via: fact.via, ingressController: impl },
        });
      }
    }
    if (kind) {
      const impl = await kindLoadBalancers(ctx, ctx.facts.container?.cluster ?? null, fact);
      const summary = `Service ${name} has no LoadBalancer ingress (EXTERNAL-IP <pending>; ${impl.observed}); expected an address from cloud-provider-kind or MetalLB (kind has no LoadBalancer implementation of its own)`;
      const details =
        `${impl.advice} ` +
        (bypassed
          ? `This path reaches the Service through ${fact.via === "nodeport" ? `nodePort ${fact.nodePort}, which a kind extraPortMappings entry publishes` : "a hostPort pod"}; that works without an address, so this is a warning. Gateway controllers may still report Programmed=False (AddressNotAssigned).`
          : "Nothing on this path reaches the Service without the address.");
      const evidence = { service: name, ingress: [], via: fact.via, cloudProviderKind: impl.kindccm, metallb: impl.metallb };
      return bypassed ? warn(summary, { details, evidence }) : fail(summary, { details, evidence });
    }

    // k3s / k3d: ServiceLB sets the address from the nodes running Ready svclb pods.
    const [pods, daemonSets] = await Promise.all([
      ctx.kube.list("pods", ctx.signal),
      ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e))),
    ]);
    const lb = svclbFor(fact, daemonSets, pods);
    // RKE2 runs no ServiceLB unless started with enable-servicelb: no svclb DaemonSet is the expected state there.
    if (!lb.daemonSets.length && !lb.pods.length && !ctx.facts.container && (await isRke2(ctx))) {
      const summary = `Service ${name} has no LoadBalancer ingress (EXTERNAL-IP <pending>): RKE2 runs no ServiceLB unless \`enable-servicelb: true\` is in ${RKE2_CONFIG}; expected an address from a load balancer`;
      const details = `${enableServiceLbAdvice()}.${bypassed ? ` This path reaches the Service through ${fact.via === "nodeport" ? `nodePort ${fact.nodePort}` : "a hostPort pod"}, which works without the address.` : ""}`;
      const evidence = { service: name, ingress: [], via: fact.via, distribution: "rke2", svclbDaemonSets: [] };
      return bypassed ? warn(summary, { details, evidence }) : fail(summary, { details, evidence });
    }
    const states = lb.pods.map(podState);
    const notReady = states.filter((s) => !s.ready);
    const svclbText = states.length
      ? notReady.length
        ? `svclb pods not Ready: ${notReady.map(describePodState).join("; ")}`
        : `svclb pods ${states.map((s) => s.name).join(", ")} are Ready but ServiceLB has not written the address yet`
      : svc.spec.loadBalancerClass
        ? `it has spec.loadBalancerClass ${svc.spec.loadBalancerClass}, which ServiceLB does not serve`
        : lb.daemonSets.length
          ? `svclb DaemonSet ${lb.daemonSets.map((d) => d.metadata.name).join(", ")} has no pods`
          : "no svclb DaemonSet exists for it (ServiceLB disabled with --disable=servicelb?)";
    // RKE2 with enable-servicelb runs the same ServiceLB (k3s' servicelb controller, version.Program "rke2").
    const program = (await isRke2(ctx)) ? "RKE2" : "k3s";
    const disabledHint = program === "RKE2" ? "ServiceLB not enabled with enable-servicelb?" : "ServiceLB disabled with --disable=servicelb?";
    // A crash-looping svclb pod says why in its log (klipper-lb's iptables DNAT rule failed): name it.
    const failures = await serviceLbFailures(lb.pods, ctx.kube.podLogs?.bind(ctx.kube), ctx.signal);
    const failureText = failures.length ? `; ${failures[0]!.pod} ${failures[0]!.container} logged "${failures[0]!.line}": ${failures[0]!.cause}` : "";
    const summary = `Service ${name} has no LoadBalancer ingress (${svclbText.replace("ServiceLB disabled with --disable=servicelb?", disabledHint)})${failureText}; expected an address from ${program} ServiceLB`;
    const evidence = { service: name, ingress: [], via: fact.via, svclbDaemonSets: lb.daemonSets.map((d) => d.metadata.name), svclbPods: states, svclbFailures: failures };
    // svclb pods that are not Ready are most often Pending because another LoadBalancer holds the port (service.port-free);
    // one that crash-loops with a known failure in its log is its own cause.
    const causedBy = notReady.length && !failures.length ? ["service.port-free"] : [];
    const fixText = failures.length ? ` To fix: ${failures[0]!.fix}.` : "";
    if (bypassed) return warn(summary, { details: `This path reaches the Service through ${fact.via === "nodeport" ? `nodePort ${fact.nodePort}` : "a hostPort pod"}, which works without the address.${fixText}`, evidence, causedBy });
    // On a node reached directly (k3s on this host or a VM) the svclb pod's DNAT rule is what accepts the connection:
    // without a Ready svclb pod the refusal at the host-port hop is this.
    const direct = !ctx.facts.container && ctx.facts.node && notReady.length ? { causes: ["host-port.accepts-connections"] } : {};
    return fail(summary, {
      details:
        "k3s ServiceLB (klipper-lb) publishes the IPs of the nodes whose svclb pods are Ready as the Service's LoadBalancer ingress; until one is Ready, nothing forwards the Service port on the nodes." + fixText,
      evidence,
      causedBy,
      ...direct,
    });
  },
});

export default check;
