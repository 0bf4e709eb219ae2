/**
 * service.receives-port (ND501): which Service takes the container port on
 * the nodes. Publishes `facts.service`.
 */
import {
  defineCheck,
  fail,
  fixesOf,
  isSourceError,
  pass,
  skip,
  type Check,
  type ContainerFact,
  type FixId,
  type Gateway,
  type Pod,
  type Service,
  type ServiceFact,
  type ServicePort,
} from "../../src/index.js";
import {
  formatServicePorts,
  gatewayOfService,
  hostPortsOf,
  proxyServicesOf,
  ref,
  resolveTargetPort,
  sameProtocol,
  serviceSelects,
  svclbFor,
  svclbServiceOf,
} from "../../src/kube/helpers.js";

/** Default NodePort range of kube-apiserver (`--service-node-port-range`, default 30000-32767). */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
/** How many objects a summary lists before "… and N more". */
const LIST_MAX = 5;

/** One way the node port can be taken. */
interface Candidate {
  svc: Service | null;
  sp: ServicePort | null;
  via: ServiceFact["via"];
  /** The Gateway this Service is the proxy of, when it is one. */
  gateway: string | null;
  /** Whether the port is actually held right now (svclb or hostPort pod Running, or a nodePort). */
  active: boolean;
  /** For `hostport`: the pod holding the port. */
  pod: Pod | null;
}

/** How the container hands port C to the node, in words. */
function describeMapping(c: ContainerFact): string {
  return c.role === "k3d-serverlb"
    ? `${c.name} forwards host ${c.hostPort} → port ${c.containerPort} on the nodes`
    : `${c.name} maps host ${c.hostPort} → node port ${c.containerPort}`;
}

function list(items: string[]): string {
  if (!items.length) return "none";
  return items.length > LIST_MAX ? `${items.slice(0, LIST_MAX).join(", ")} … and ${items.length - LIST_MAX} more` : items.join(", ");
}

function toFact(c: Candidate): ServiceFact | null {
  if (!c.svc || !c.sp) return null;
  return {
    namespace: c.svc.metadata.namespace ?? "default",
    name: c.svc.metadata.name,
    type: c.svc.spec.type ?? "ClusterIP",
    port: c.sp.port,
    nodePort: c.sp.nodePort ?? null,
    targetPort: c.sp.targetPort ?? null,
    via: c.via,
  };
}

/**
 * Why this matters: after the container, the request is on a node at port C.
 * Something in Kubernetes must own that port — a ServiceLB (svclb) pod for a
 * LoadBalancer Service on k3s/k3d, a Service nodePort, or a hostPort pod —
 * or the node refuses the connection and the k3d load balancer / kind node
 * closes it (curl "Empty reply from server"). Which Service takes the port
 * decides every later hop.
 */
const check: Check = defineCheck({
  id: "service.receives-port",
  code: "ND501",
  hop: "service",
  title: "a Service takes the container port on the nodes",
  after: ["container.publishes-port"],
  fixes: ["service-to-nodeport", "kind-port-mapping", "k3d-port-mapping"],
  explain: {
    meaning:
      "The container that publishes the host port hands the connection to a node on port C (k3d's serverlb forwards container port C to the same port on every server node; a kind node receives it as is). On the node, C must be taken by a k3s ServiceLB pod (a LoadBalancer Service whose port is C), by a Service nodePort C, or by a pod with hostPort C.",
    causes:
      "k3d: the port mapping names a container port no LoadBalancer Service uses (e.g. `8080:80` while the gateway Service listens on 8080), or the Gateway's proxy Service was never created. kind: extraPortMappings.containerPort differs from the Service's nodePort, or the Service is ClusterIP / has a random nodePort.",
    fix: "Make the two sides agree: pin the Service's nodePort to the mapped container port (kind), change the k3d port mapping to the Service port (`k3d cluster edit --port-add`), or add the missing kind extraPortMappings entry (recreate the cluster).",
    links: [
      "https://kind.sigs.k8s.io/docs/user/configuration/#extra-port-mappings",
      "https://k3d.io/stable/usage/exposing_services/",
      "https://docs.k3s.io/networking/networking-services#service-load-balancer",
    ],
  },
  async run(ctx) {
    const container = ctx.facts.container;
    if (!container) return skip("not applicable: no container publishes the port", { facts: { service: null } });
    if (container.role === "other") {
      return skip(`not applicable: container ${container.name} is not a k3d or kind node`, { facts: { service: null } });
    }
    const k3s = container.role === "k3d-serverlb" || container.role === "k3d-node";
    const port = container.containerPort;
    const protocol = container.protocol;
    const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
    // svclb DaemonSets are optional evidence; the pods carry the same labels.
    const daemonSets = k3s ? await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e))) : [];

    // A pod runs on this node: kind / k3d node containers are named after the node (hostname = container name).
    const onNode = (p: Pod) => container.role === "k3d-serverlb" || !p.spec.nodeName || p.spec.nodeName === container.name;
    const running = (p: Pod) => p.status?.phase === "Running" && !p.metadata["deletionTimestamp"];
    const gatewayRef = (s: Service) => {
      const g = gatewayOfService(s);
      return g ? `${g.namespace}/${g.name}` : null;
    };

    const candidates: Candidate[] = [];
    for (const svc of services) {
      const type = svc.spec.type ?? "ClusterIP";
      for (const sp of svc.spec.ports ?? []) {
        if (!sameProtocol(sp.protocol, protocol)) continue;
        // (a) k3s ServiceLB: the svclb pod claims hostPort = Service port on every node.
        if (k3s && type === "LoadBalancer" && sp.port === port) {
          const lb = svclbFor({ namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name }, daemonSets, pods);
          const active = lb.pods.some((p) => running(p) && onNode(p) && hostPortsOf(p, port, protocol).length > 0);
          candidates.push({ svc, sp, via: "svclb", gateway: gatewayRef(svc), active, pod: null });
        }
        // (b) nodePort C (NodePort and LoadBalancer Services), on every node (kube-proxy).
        if ((type === "NodePort" || type === "LoadBalancer") && sp.nodePort === port) {
          candidates.push({ svc, sp, via: "nodeport", gateway: gatewayRef(svc), active: true, pod: null });
        }
      }
    }
    // (c) a pod (not a svclb pod) with hostPort C on this node; name the Service selecting it, if any.
    for (const pod of pods) {
      if (svclbServiceOf(pod) || !running(pod) || !onNode(pod)) continue;
      const hp = hostPortsOf(pod, port, protocol);
      if (!hp.length) continue;
      const ns = pod.metadata.namespace ?? "default";
      let found = false;
      for (const svc of services) {
        if ((svc.metadata.namespace ?? "default") !== ns || !serviceSelects(svc.spec.selector, pod.metadata.labels)) continue;
        const sp = (svc.spec.ports ?? []).find((p) => hp.some((h) => h.containerPort === resolveTargetPort(p, pod)));
        if (!sp) continue;
        candidates.push({ svc, sp, via: "hostport", gateway: gatewayRef(svc), active: true, pod });
        found = true;
      }
      if (!found) candidates.push({ svc: null, sp: null, via: "hostport", gateway: null, active: true, pod });
    }

    const mapping = describeMapping(container);
    const evidence: Record<string, unknown> = {
      node: container.name,
      role: container.role,
      port,
      candidates: candidates.map((c) => ({
        service: c.svc ? ref(c.svc) : null,
        type: c.svc?.spec.type ?? null,
        port: c.sp?.port ?? null,
        nodePort: c.sp?.nodePort ?? null,
        via: c.via,
        gateway: c.gateway,
        active: c.active,
        pod: c.pod ? ref(c.pod) : null,
      })),
    };

    if (candidates.length) {
      // The path needs the Gateway proxy when one wants the port (traefik + gateway both want 80);
      // otherwise the one actually holding it.
      const score = (c: Candidate) => (c.gateway ? 4 : 0) + (c.active ? 2 : 0) + (c.svc ? 1 : 0);
      const best = [...candidates].sort((a, b) => score(b) - score(a))[0]!;
      const others = candidates.filter((c) => c !== best && c.svc !== best.svc);
      const fact = toFact(best);
      const what =
        best.via === "svclb"
          ? `LoadBalancer Service ${ref(best.svc!)} takes it through k3s ServiceLB (svclb, port ${port})`
          : best.via === "nodeport"
            ? `${best.svc!.spec.type} Service ${ref(best.svc!)} takes it as nodePort ${port} (port ${best.sp!.port})`
            : best.svc
              ? `pod ${ref(best.pod!)} takes it as hostPort ${port} (Service ${ref(best.svc)} port ${best.sp!.port})`
              : `pod ${ref(best.pod!)} takes it as hostPort ${port} (no Service selects it)`;
      const details = others.length
        ? `Other objects also want port ${port}: ${list(others.map((c) => (c.svc ? `Service ${ref(c.svc)} (${c.via})` : `pod ${ref(c.pod!)} (hostPort)`)))}. ` +
          `The path needs ${best.svc ? `Service ${ref(best.svc)}` : `pod ${ref(best.pod!)}`}${best.gateway ? ` (proxy of Gateway ${best.gateway})` : ""}; service.port-free reports whether another LoadBalancer holds the port.`
        : undefined;
      return pass(`${mapping}; ${what}`, { details, evidence, facts: { service: fact } });
    }

    // Nothing takes C: name both sides.
    const fixes: FixId[] = [];
    if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) fixes.push("service-to-nodeport");
    if (!k3s) {
      const withNodePorts = services.filter((s) => s.spec.type === "NodePort" || s.spec.type === "LoadBalancer");
      fixes.push("kind-port-mapping");
      return fail(
        `${mapping}; no Service has nodePort ${port}; NodePort Services: ${list(withNodePorts.map((s) => `${ref(s)} ${formatServicePorts(s)}`))}`,
        {
          details:
            `kind hands the connection to node port ${port} unchanged; kube-proxy only answers there for a Service whose nodePort is ${port} ` +
            `("the kind node containerPort and the service nodePort needs to be equal", kind docs). No pod claims hostPort ${port} on ${container.name} either. ` +
            `Pin the Service's nodePort to ${port}, or map the host port to the nodePort the Service has (kind cannot add mappings to a running node: recreate the cluster).`,
          evidence: { ...evidence, nodePortServices: withNodePorts.map((s) => ({ service: ref(s), ports: formatServicePorts(s) })) },
          fixes: fixesOf(check, fixes),
          facts: { service: null },
        },
      );
    }

    const lbServices = services.filter((s) => s.spec.type === "LoadBalancer");
    if (lbServices.some((s) => (s.spec.ports ?? []).some((p) => p.port !== port))) fixes.push("k3d-port-mapping");
    // A Gateway with a listener on C but no proxy Service is the usual root cause (no controller).
    let orphanGateways: Gateway[] = [];
    try {
      const gateways = await ctx.kube.list("gateways", ctx.signal);
      orphanGateways = gateways.filter(
        (g) => g.spec.listeners?.some((l) => l.port === port) && proxyServicesOf({ namespace: g.metadata.namespace ?? "default", name: g.metadata.name }, services).length === 0,
      );
    } catch (e) {
      if (!isSourceError(e)) throw e; // Gateway API not served: nothing to add.
    }
    const orphan = orphanGateways.length
      ? `; Gateway ${list(orphanGateways.map(ref))} has a listener on port ${port} but no proxy Service (root cause on the gateway hop)`
      : "";
    return fail(
      `${mapping}; no Service takes port ${port} (no LoadBalancer Service with port ${port}, no nodePort ${port}, no hostPort pod)${orphan}; LoadBalancer Services: ${list(lbServices.map((s) => `${ref(s)} ${formatServicePorts(s)}`))}`,
      {
        details:
          `On k3s, ServiceLB (klipper-lb) runs a svclb pod per LoadBalancer Service that claims hostPort = Service port on every node; ` +
          `the k3d load balancer forwards container port ${port} to port ${port} on the nodes, so a LoadBalancer Service must use port ${port}. ` +
          (orphan
            ? `A Gateway listens on ${port}, but its controller has not created the proxy Service: see gateway.found / gateway.programmed.`
            : `Either change the k3d port mapping to the port the Service uses, or give the Service port ${port}.`),
        evidence: {
          ...evidence,
          loadBalancerServices: lbServices.map((s) => ({ service: ref(s), ports: formatServicePorts(s) })),
          gatewaysWithoutProxy: orphanGateways.map(ref),
        },
        fixes: fixesOf(check, orphan ? fixes.filter((f) => f !== "k3d-port-mapping") : fixes),
        facts: { service: null },
      },
    );
  },
});

export default check;
