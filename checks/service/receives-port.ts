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
  type DaemonSet,
  type FixId,
  type Gateway,
  type GatewayClass,
  type Pod,
  type Service,
  type ServiceFact,
  type ServicePort,
  type CheckContext,
  type CheckOutcome,
  type ContainerInspect,
  type NodeFact,
  type PathFacts,
} from "../../src/index.js";
import { containerCluster, containerName, containerRole, portBindings, type PortBinding } from "../../src/host/containers.js";
import { describeReach, k3dUpstreamAdvice, nodeReach, reachEvidence, type NodeReach } from "../../src/host/serverlb.js";
import { entryProxy, offNodeHolders, portTakers } from "../../src/kube/node-port.js";
import { proxyName, proxyOfPod } from "../../src/kube/proxies.js";
import { gatewayImplementation, implementationOf } from "../../src/gateway/implementations.js";
import { formatHostPort } from "../../src/host/addresses.js";
import { kubectlPairFor, parseForwarderCommand } from "../../src/host/forwarders.js";
import { forwardNamespace } from "../forwarder/kube-target.js";
import { attachablePod, resolvePodPort } from "../../src/kube/port-forward-pod.js";
import { enableServiceLbAdvice, readRke2Evidence, RKE2_CONFIG, rke2ServiceLbEnabled } from "../../src/host/rke2.js";
import { isPullFailure, stalledInstall, type StalledInstall } from "../../src/kube/k3s-system.js";
import {
  formatServicePorts,
  gatewayOfService,
  hostPortsOf,
  isPodReady,
  podsSelectedBy,
  proxyServicesOf,
  ref,
  resolveTargetPort,
  sameProtocol,
  workloadOf,
  svclbServiceOf,
  svclbFor,
} from "../../src/kube/helpers.js";

/** Default NodePort range of kube-apiserver (`--service-node-port-range`, default 30000-32767). */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
/** How many objects a summary lists before "… and N more". */
const LIST_MAX = 5;

/**
 * k3s' packaged traefik (HelmChart kube-system/traefik) when its Service does
 * not exist and its helm-install pod has not completed; null otherwise or
 * when HelmCharts or events cannot be read.
 */
async function stalledTraefik(ctx: CheckContext, services: Service[], pods: Pod[]): Promise<StalledInstall | null> {
  if (services.some((s) => s.metadata.name === "traefik" && s.metadata.namespace === "kube-system")) return null;
  try {
    const [charts, events] = await Promise.all([ctx.kube.list("helmcharts", ctx.signal), ctx.kube.list("events", ctx.signal)]);
    return stalledInstall("traefik", charts, pods, events);
  } catch (e) {
    if (isSourceError(e)) return null;
    throw e;
  }
}

/** A stalled traefik install in one clause. */
function describeStalled(s: StalledInstall): string {
  const others = s.alsoStuck.length ? ` (as are ${list(s.alsoStuck)})` : "";
  return s.pod
    ? `k3s' packaged traefik, which would take ports 80 and 443, is not installed: HelmChart ${s.chart}'s install pod ${s.state}${others}${s.event ? `: ${s.event}` : ""}`
    : `k3s' packaged traefik, which would take ports 80 and 443, is not installed: HelmChart ${s.chart} has no install pod`;
}

/** What to do about a stalled traefik install. */
function stalledAdvice(s: StalledInstall): string {
  return s.event && isPullFailure(s.event)
    ? "The nodes cannot pull images (the sandbox image first: every pod stays ContainerCreating), so helm-controller's install Job never runs and traefik and its svclb never exist. Let the nodes reach the registry (proxy settings, firewall), or import the images (k3d: `k3d image import`, or a registry mirror in registries.yaml), then the install completes on its own."
    : "helm-controller's install Job has not completed, so traefik and its svclb do not exist yet: read the install pod's events and log (`kubectl -n kube-system describe pod -l helmcharts.helm.cattle.io/chart=traefik`).";
}

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

/**
 * How the container hands port C to the node, in words; a k3d serverlb whose
 * upstreams are known names them and where they were read
 * (`… to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml)`).
 */
function describeMapping(c: ContainerFact, reach: NodeReach | null): string {
  if (c.role !== "k3d-serverlb") return `${c.name} maps host ${c.hostPort} → node port ${c.containerPort}`;
  const how = reach ? describeReach(reach) : "";
  if (!how || !reach?.nodes) return `${c.name} forwards host ${c.hostPort} → port ${c.containerPort} on the nodes`;
  return `${c.name} forwards host ${c.hostPort} → port ${c.containerPort} to ${reach.nodes.length ? reach.nodes.join(", ") : "no node"}${reach.nodes.length ? " only" : ""} (${how})`;
}


function list(items: string[]): string {
  if (!items.length) return "none";
  return items.length > LIST_MAX ? `${items.slice(0, LIST_MAX).join(", ")} … and ${items.length - LIST_MAX} more` : items.join(", ");
}

function toFact(c: Candidate, proxy: ServiceFact["proxy"] = null): ServiceFact | null {
  if (!c.svc || !c.sp) return null;
  return {
    namespace: c.svc.metadata.namespace ?? "default",
    name: c.svc.metadata.name,
    type: c.svc.spec.type ?? "ClusterIP",
    port: c.sp.port,
    nodePort: c.sp.nodePort ?? null,
    targetPort: c.sp.targetPort ?? null,
    via: c.via,
    ...(proxy ? { proxy } : {}),
  };
}

/**
 * A `kubectl port-forward svc/NAME LOCAL:REMOTE` owns the target port: the
 * request reaches a pod of Service NAME through the API server (kubectl
 * resolves REMOTE, a Service port number or name, to the pod's targetPort),
 * with no node port on the way. Publishes that Service (`via: "port-forward"`)
 * so the gateway, route and backend hops follow the path behind the forward —
 * a Gateway's proxy Service is what Envoy Gateway's quickstart and Istio's
 * kind instructions port-forward to. For a pod or workload target
 * (`pod/NAME`, a bare name, `deploy/NAME`, …) the pod kubectl attaches to
 * (src/kube/port-forward-pod.ts) and the container port it connects to are
 * followed to the Service that selects that pod and routes a port to that
 * container port (skaffold forwards `pod/<the Service's newest pod>` with the
 * container port), and that Service port is published the same way. Null
 * (the caller skips) for a Service, pod or port that does not exist, or a
 * pod no Service routes that port to: the forwarder hop reports those.
 */
async function portForwardedService(ctx: CheckContext): Promise<CheckOutcome | null> {
  const fw = ctx.facts.forwarder!;
  const cmd = parseForwarderCommand(fw.command);
  if (cmd.kind !== "kubectl-port-forward" || !ctx.target) return null;
  const namespace = forwardNamespace(ctx, cmd);
  const pair = kubectlPairFor(cmd, ctx.target.port) ?? cmd.ports[0] ?? null;
  const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
  const pid = fw.pid !== null ? ` (pid ${fw.pid})` : "";
  if (cmd.target.type !== "service") {
    if (!pair) return null;
    const deployments = cmd.target.type === "deployment" ? await ctx.kube.list("deployments", ctx.signal) : [];
    const picked = attachablePod(cmd.target, namespace, { pods, deployments });
    if ("problem" in picked) return null;
    const resolved = resolvePodPort(picked.pod, pair.remote);
    if ("error" in resolved) return null;
    const pod = picked.pod;
    const routes = services
      .filter((s) => (s.metadata.namespace ?? "default") === namespace && s.spec.type !== "ExternalName" && podsSelectedBy([pod], namespace, s.spec.selector).length > 0)
      .flatMap((s) => (s.spec.ports ?? []).filter((p) => sameProtocol(p.protocol, "TCP") && resolveTargetPort(p, pod) === resolved.port).map((p) => ({ svc: s, sp: p })));
    const hit = routes[0];
    if (!hit) return null;
    const fact = toFact({ svc: hit.svc, sp: hit.sp, via: "port-forward", gateway: null, active: true, pod }, entryProxy([pod]));
    const which = picked.via === "pod" ? `pod ${ref(pod)}` : `pod ${ref(pod)} (the pod of ${picked.via} kubectl attaches to)`;
    const tp = hit.sp.targetPort ?? hit.sp.port;
    return pass(
      `kubectl port-forward${pid} carries port ${ctx.target.port} to container port ${resolved.port} of ${which} through the API server, the pod and port ${hit.svc.spec.type ?? "ClusterIP"} Service ${ref(hit.svc)} port ${hit.sp.port} routes to (targetPort ${tp}); no node port and no Service address is on the way`,
      {
        facts: { service: fact },
        evidence: { forwarder: fw.upstream, pod: ref(pod), containerPort: resolved.port, service: ref(hit.svc), port: hit.sp.port, targetPort: hit.sp.targetPort ?? null, type: hit.svc.spec.type ?? "ClusterIP", otherRoutes: routes.slice(1).map((r) => `${ref(r.svc)}:${r.sp.port}`) },
      },
    );
  }
  const svc = services.find((s) => (s.metadata.namespace ?? "default") === namespace && s.metadata.name === cmd.target.name);
  const sp = svc && pair ? (svc.spec.ports ?? []).find((p) => p.port === pair.remote || p.name === pair.remote) : undefined;
  if (!svc || !sp) return null;
  const proxy = entryProxy(podsSelectedBy(pods, namespace, svc.spec.selector));
  const fact = toFact({ svc, sp, via: "port-forward", gateway: null, active: true, pod: null }, proxy);
  return pass(`kubectl port-forward${pid} carries port ${ctx.target.port} to ${svc.spec.type ?? "ClusterIP"} Service ${ref(svc)} port ${sp.port} through the API server; no node port is on the way`, {
    facts: { service: fact },
    evidence: { forwarder: fw.upstream, service: ref(svc), port: sp.port, targetPort: sp.targetPort ?? null, type: svc.spec.type ?? "ClusterIP" },
  });
}

/**
 * Nothing takes port C on the nodes the connection reaches, but a pod holds
 * it as hostPort (or hostNetwork) on another node: the usual multi-node
 * mistake — kind maps the port on one node container, the ingress proxy was
 * scheduled on another (kubernetes-sigs/kind#758, kubernetes/ingress-nginx#8874);
 * a k3d v3/v4 serverlb forwards to server nodes only while the proxy runs on
 * an agent. Names the pod, its owner and both nodes; publishes the Service
 * that selects the pod (via hostport), so the later hops still resolve.
 */
function offNode(container: ContainerFact, reached: readonly string[], reach: NodeReach | null, off: Pod[], services: Service[], evidence: Record<string, unknown>, mapping: string): CheckOutcome {
  const port = container.containerPort;
  const pod = off[0]!;
  const w = workloadOf(pod);
  const owner = w ? ` (${w.kind} ${w.namespace}/${w.name})` : "";
  const ns = pod.metadata.namespace ?? "default";
  // The Service that selects the pod AND has a port for the held one: several may select it (ingress-nginx's
  // -admission Service selects the controller too, for its webhook port), in whatever order they were listed.
  const held = (s: Service) => (s.spec.ports ?? []).find((p) => hostPortsOf(pod, port, container.protocol).some((h) => h.containerPort === resolveTargetPort(p, pod))) ?? null;
  const selecting = services.filter((s) => (s.metadata.namespace ?? "default") === ns && podsSelectedBy([pod], ns, s.spec.selector).length > 0);
  const svc = selecting.find((s) => held(s) !== null) ?? selecting[0] ?? null;
  const sp = svc ? held(svc) : null;
  const proxy = entryProxy([pod]);
  const where = reached.length ? reached.join(", ") : "no node";
  const k3dServersOnly = container.role === "k3d-serverlb";
  const summary =
    `${mapping}; nothing takes port ${port} on ${k3dServersOnly ? `its upstream node${reached.length === 1 ? "" : "s"} ${where}` : `node ${where}`}: ` +
    `pod ${ref(pod)}${owner} holds port ${port} on node ${pod.spec.nodeName}${off.length > 1 ? ` (and ${off.length - 1} more on other nodes)` : ""}, which the ${k3dServersOnly ? "serverlb does not forward to" : "port mapping does not reach"}; expected it on ${where}`;
  const details = k3dServersOnly
    ? reach?.from === "serverlb-config"
      ? `k3d's serverlb (nginx, stream module) forwards container port ${port} only to the nodes listed for ${reach.config!.key} in ${reach.config!.file} (${where}), which the port mapping's node filter wrote (\`-p …@agent:0\` lists agent-0 alone; k3d pkg/client/ports.go). A hostPort or hostNetwork pod answers only on its own node. ${k3dUpstreamAdvice(container, reach, off.map((p) => p.spec.nodeName!).filter(Boolean))}.`
      : `k3d v3/v4's serverlb forwards each port to the server nodes named in its SERVERS environment (${where}), not to agents (k3d proxy/templates/nginx.tmpl). Run the pod on a server node (a nodeSelector on node-role.kubernetes.io/master), or recreate the cluster with a k3d whose @loadbalancer forwards to agents too (v5).`
    : `A hostPort or hostNetwork pod answers only on the node it runs on, and ${container.name} is the only node the host port reaches ("it works only if the pod has been deployed onto the node where I configured the extraPortMappings", kubernetes-sigs/kind#758). ` +
      `Pin the pod to ${container.name} — kind's ingress guide labels that node ingress-ready=true (kubeadmConfigPatches: InitConfiguration on the control-plane, JoinConfiguration on a worker) and the controller selects it with nodeSelector ingress-ready: "true" — or map the port on ${pod.spec.nodeName} (kind cannot add mappings to a running node: recreate the cluster).`;
  const fact: ServiceFact | null =
    svc && sp
      ? { namespace: ns, name: svc.metadata.name, type: svc.spec.type ?? "ClusterIP", port: sp.port, nodePort: sp.nodePort ?? null, targetPort: sp.targetPort ?? null, via: "hostport", ...(proxy ? { proxy } : {}) }
      : null;
  return fail(summary, {
    details,
    evidence: { ...evidence, offNode: off.map((p) => ({ pod: ref(p), owner: workloadOf(p), node: p.spec.nodeName ?? null, proxy: proxyOfPod(p) })) },
    facts: { service: fact },
  });
}

/**
 * The svclb pods of a Service that run only on nodes the connection does
 * not reach: null when one is scheduled (Running or Pending) on a reached
 * node — a Pending one there is service.port-free's finding — or when none
 * runs anywhere (service.load-balancer-ready's).
 */
function svclbOffUpstream(lb: { daemonSets: DaemonSet[]; pods: Pod[] }, reached: readonly string[]): Pod[] | null {
  const live = lb.pods.filter((p) => !p.metadata["deletionTimestamp"]);
  if (live.some((p) => p.spec.nodeName && reached.includes(p.spec.nodeName))) return null;
  const running = live.filter((p) => p.status?.phase === "Running" && !!p.spec.nodeName);
  return running.length ? running : null;
}

/** ServiceLB's node selection label (k3s pkg/cloudprovider/servicelb.go `daemonsetNodeLabel`, docs "Controlling ServiceLB Node Selection"). */
const SERVICELB_ENABLE_LABEL = "svccontroller.k3s.cattle.io/enablelb";

/**
 * A k3d serverlb forwards port C only to some nodes (its upstreams) and the
 * Service's svclb pods run only on others: every connection reaches a node
 * where nothing takes C (curl "Empty reply from server"). Names the pods,
 * their nodes, the upstream list, why svclb skips the upstream nodes (the
 * DaemonSet's nodeSelector, e.g. ServiceLB node pools) and the k3d fix.
 */
function svclbNotOnUpstreams(container: ContainerFact, reach: NodeReach, best: Candidate, lb: { daemonSets: DaemonSet[]; pods: Pod[] }, elsewhere: Pod[], evidence: Record<string, unknown>, mapping: string): CheckOutcome {
  const svc = best.svc!;
  const port = container.containerPort;
  const reached = reach.nodes ?? [];
  const nodes = [...new Set(elsewhere.map((p) => p.spec.nodeName!))];
  const selector: Record<string, string> | null =
    (lb.daemonSets[0]?.spec as { template?: { spec?: { nodeSelector?: Record<string, string> } } } | undefined)?.template?.spec?.nodeSelector ??
    (elsewhere[0]?.spec.nodeSelector as Record<string, string> | undefined) ??
    null;
  const selectorText = selector && Object.keys(selector).length ? Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(", ") : null;
  const why = selectorText
    ? `The svclb DaemonSet${lb.daemonSets[0] ? ` ${ref(lb.daemonSets[0])}` : ""} selects nodes with ${selectorText}${selector?.[SERVICELB_ENABLE_LABEL] !== undefined ? ` (k3s ServiceLB runs svclb pods only on nodes labelled ${SERVICELB_ENABLE_LABEL}=true once any node has that label: "Controlling ServiceLB Node Selection", k3s docs)` : ""}, and ${reached.join(", ") || "no upstream node"} ${reached.length === 1 ? "does" : "do"} not match. `
    : "";
  const summary =
    `${mapping}; nothing takes port ${port} there: LoadBalancer Service ${ref(svc)}'s svclb pod${elsewhere.length === 1 ? "" : "s"} ${elsewhere.map((p) => p.metadata.name).join(", ")} run${elsewhere.length === 1 ? "s" : ""} only on ${nodes.join(", ")}, which the serverlb does not forward to; expected a svclb pod on ${reached.join(", ") || "an upstream node"}`;
  const details =
    `k3d's serverlb (nginx, stream module) forwards container port ${port} only to ${reach.config ? `the nodes listed for ${reach.config.key} in ${reach.config.file}` : "its upstream nodes"} (${reached.join(", ") || "none"}), which the port mapping's node filter wrote (k3d pkg/client/ports.go: \`-p …@agent:0\` lists agent-0 alone; \`@loadbalancer\` lists every server and agent). ` +
    `A svclb pod takes port ${port} only on its own node, so each connection reaches a node where nothing listens and the serverlb closes it (curl: "Empty reply from server"). ` +
    why +
    `${k3dUpstreamAdvice(container, reach, nodes)}${selector?.[SERVICELB_ENABLE_LABEL] !== undefined ? `, or label ${reached[0] ?? "the upstream node"} ${SERVICELB_ENABLE_LABEL}=true (\`kubectl label node ${reached[0] ?? "<node>"} ${SERVICELB_ENABLE_LABEL}=true\`) so ServiceLB runs a svclb pod there` : ""}.`;
  return fail(summary, {
    details,
    evidence: {
      ...evidence,
      svclbPods: lb.pods.map((p) => ({ pod: ref(p), phase: p.status?.phase ?? "Unknown", node: p.spec.nodeName ?? null })),
      svclbNodeSelector: selector,
    },
    facts: { service: toFact(best) },
  });
}

/**
 * A nodePort with `externalTrafficPolicy: Local` and no ready pod on the
 * nodes the connection reaches: kube-proxy there drops it ("If there are no
 * local endpoints, packets sent to the node are dropped", Kubernetes docs
 * "Using Source IP", Type=NodePort; k3s-io/k3s#3245 "Can only access
 * NodePort through the node the app is running on"). The k3d serverlb's
 * connect then times out (proxy_connect_timeout 2s) and it closes the client
 * connection; a kind node's mapping waits until the client gives up.
 */
function nodePortLocalMissesNodes(container: ContainerFact, reach: NodeReach | null, best: Candidate, ready: Pod[], reached: readonly string[], evidence: Record<string, unknown>, mapping: string): CheckOutcome {
  const svc = best.svc!;
  const nodes = [...new Set(ready.map((p) => p.spec.nodeName!))];
  const serverlb = container.role === "k3d-serverlb";
  const summary =
    `${mapping}; ${svc.spec.type} Service ${ref(svc)} takes it as nodePort ${container.containerPort}, but its externalTrafficPolicy is Local and its ready pod${ready.length === 1 ? "" : "s"} ${ready.map((p) => p.metadata.name).join(", ")} run${ready.length === 1 ? "s" : ""} only on ${nodes.join(", ")}: ` +
    `kube-proxy on ${reached.join(", ") || "the reached node"} drops the connection; expected a ready pod on ${reached.join(", ") || "a reached node"}, or externalTrafficPolicy Cluster`;
  const details =
    `With externalTrafficPolicy: Local, kube-proxy sends nodePort traffic only to endpoints on the same node and drops it on a node without one ("If there are no local endpoints, packets sent to the node are dropped", Kubernetes docs "Using Source IP"). ` +
    `${serverlb ? `The serverlb forwards container port ${container.containerPort} only to ${reach?.config ? `the nodes listed for ${reach.config.key} in ${reach.config.file}` : "its upstream nodes"} (${reached.join(", ") || "none"}); its connect times out after 2 s (proxy_connect_timeout) and it closes the client connection (curl: "Empty reply from server").` : `${container.name} is the only node the host port reaches.`} ` +
    `Set externalTrafficPolicy: Cluster (\`kubectl -n ${svc.metadata.namespace ?? "default"} patch service ${svc.metadata.name} -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'\`; the client address is then not kept), or ` +
    (serverlb && reach ? `${k3dUpstreamAdvice(container, reach, nodes).replace(/^Make/, "make")} (a pod there).` : `run a pod on ${reached.join(", ") || "a reached node"}.`);
  return fail(summary, {
    details,
    evidence: { ...evidence, externalTrafficPolicy: "Local", readyPods: ready.map((p) => ({ pod: ref(p), node: p.spec.nodeName })) },
    facts: { service: toFact(best, entryProxy(ready)) },
  });
}

/** How a pod takes a node port: `as hostPort 80`, or `with hostNetwork (it listens on the node's own port 80)`. */
function takesAs(pod: Pod, port: number): string {
  return pod.spec.hostNetwork === true ? `with hostNetwork (it listens on the node's own port ${port})` : `as hostPort ${port}`;
}

/** The node a request reaches directly, in words: `192.168.1.50 is node devbox (this host): port 80 arrives on the node itself`. */
function describeNode(n: NodeFact, port: number): string {
  return `node ${n.name}${n.local ? " (this host)" : ` (${n.addressType} ${n.address})`} receives port ${port} itself, without a node container`;
}

/**
 * Whether ServiceLB runs, and whether the cluster is RKE2: a k3s version
 * (`+k3s` in gitVersion, k3s pkg/version), svclb pods (label
 * `svccontroller.{k3s,rke2}.cattle.io/svcname`, k3s
 * pkg/cloudprovider/servicelb.go), or an RKE2 server started with
 * `enable-servicelb` (node annotation `rke2.io/node-args`, src/host/rke2.ts).
 * RKE2 runs none by default; other distributions do not run it unless these
 * say so.
 */
async function serviceLbRuns(ctx: CheckContext, pods: Pod[]): Promise<{ runs: boolean; rke2: boolean }> {
  const { gitVersion, nodes, rke2 } = await readRke2Evidence(ctx.kube, ctx.signal);
  if (pods.some((p) => svclbServiceOf(p))) return { runs: true, rke2 };
  if (rke2) return { runs: rke2ServiceLbEnabled(nodes) === true, rke2 };
  return { runs: gitVersion.includes("+k3s"), rke2 };
}

/** Namespaces of cluster add-ons, not of the application (kind, k3s, kubeadm defaults). */
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage", "metallb-system"]);

/** An application Service: not the API server's `default/kubernetes`, not in an add-on namespace, with a selector. */
function isAppService(s: Service): boolean {
  const ns = s.metadata.namespace ?? "default";
  if (ns === "default" && s.metadata.name === "kubernetes") return false;
  return !SYSTEM_NAMESPACES.has(ns) && !!s.spec.selector && Object.keys(s.spec.selector).length > 0;
}

/** Why a Service is a candidate for the Service the kind mapping should reach; empty when there is no evidence. */
export function kindCandidateEvidence(s: Service, port: number, appCount: number): string[] {
  const why: string[] = [];
  const g = gatewayOfService(s);
  if (g) why.push(`proxy of Gateway ${g.namespace}/${g.name}`);
  if ((s.spec.ports ?? []).some((p) => p.port === port || p.targetPort === port)) why.push(`a port or targetPort is ${port}`);
  if (appCount === 1 && isAppService(s)) why.push("the only application Service");
  return why;
}

/**
 * Container ports the node containers of the path's cluster publish (kind
 * extraPortMappings and the API; a k3d node mapped directly — k3d v1
 * `--publish`, or `@server:0:direct`), with the host side.
 */
async function nodeMappings(ctx: CheckContext, container: ContainerFact): Promise<{ node: string; binding: PortBinding }[]> {
  let containers: ContainerInspect[] = [];
  try {
    containers = await ctx.docker.containers(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return [];
  }
  const flavor = container.role === "kind-node" ? "kind" : "k3d";
  const out: { node: string; binding: PortBinding }[] = [];
  for (const c of containers) {
    const id = containerCluster(c);
    if (containerRole(c) !== container.role || id?.flavor !== flavor || (container.cluster !== null && id.cluster !== container.cluster)) continue;
    for (const b of portBindings(c)) if (!b.hostIp.includes(":")) out.push({ node: containerName(c), binding: b });
  }
  return out;
}

/**
 * Gateways whose proxy Service does not exist (by the implementations' owner
 * labels), leaving out implementations that serve every Gateway through their
 * own Service (traefik); [] when Gateways cannot be read.
 */
async function gatewaysWithoutProxy(ctx: CheckContext, services: Service[]): Promise<Gateway[]> {
  let gateways: Gateway[] = [];
  let classes: GatewayClass[] = [];
  try {
    gateways = await ctx.kube.list("gateways", ctx.signal);
    classes = await ctx.kube.list("gatewayclasses", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return [];
  }
  return gateways.filter((g) => {
    const impl = gatewayImplementation(implementationOf(g.spec.gatewayClassName, classes));
    return !impl?.ownServiceLabels && proxyServicesOf({ namespace: g.metadata.namespace ?? "default", name: g.metadata.name }, services).length === 0;
  });
}

/**
 * kind: nothing takes node port C. Names both sides — which Services have
 * which nodePorts (and whether any kind node maps them), which port the node
 * maps — and the Service the path most likely needs, with the evidence for it
 * (a Gateway proxy, a port equal to C, the only application Service). A
 * ClusterIP Service has no nodePort at all: the fix is service-to-nodeport.
 * When exactly one Service is the likely one, it is published with
 * `via: "cluster-ip"` (the node does not reach it) so later hops and the fix
 * steps can name it; otherwise `service: null` and the candidates are listed.
 */
async function kindNothingTakes(
  ctx: CheckContext,
  container: ContainerFact,
  services: Service[],
  evidence: Record<string, unknown>,
  mapping: string,
  fixes: FixId[],
): Promise<CheckOutcome> {
  const port = container.containerPort;
  const mappings = await nodeMappings(ctx, container);
  const tool = container.role === "kind-node" ? "kind" : "k3d";
  // Unknown (Docker unreadable, node containers not seen): say nothing about which nodePorts are mapped.
  const mapped = mappings.length ? new Set(mappings.map((m) => m.binding.containerPort)) : null;
  const withNodePorts = services.filter((s) => (s.spec.type === "NodePort" || s.spec.type === "LoadBalancer") && (isAppService(s) || gatewayOfService(s) !== null));
  // A Gateway proxy Service is a candidate even without a selector (Cilium's cilium-gateway-<gw> has none).
  const apps = services.filter((s) => isAppService(s) || gatewayOfService(s) !== null);
  // A Gateway whose controller never created its proxy Service is what the mapping is meant for: do not
  // guess an application Service then, the root cause is on the gateway hop.
  const orphans = await gatewaysWithoutProxy(ctx, services);
  const scored = apps.map((s) => ({ s, why: kindCandidateEvidence(s, port, apps.length) })).filter((c) => c.why.length > 0);
  // Strong evidence (a Gateway proxy, the port itself) beats "the only application Service".
  const strong = scored.filter((c) => c.why.some((w) => !w.startsWith("the only")));
  const likely = strong.length ? strong : orphans.length ? [] : scored;
  const needed = likely.length === 1 ? likely[0]! : null;
  const nodePortText = (s: Service) =>
    (s.spec.ports ?? [])
      .filter((p) => p.nodePort)
      .map((p) => `nodePort ${p.nodePort}${!mapped || mapped.has(p.nodePort!) ? "" : ` (no ${tool} node maps it)`}`)
      .join(", ");
  const nodeMaps = mappings.length
    ? `${tool} nodes map ${[...new Set(mappings.map((m) => `${m.binding.hostIp || "0.0.0.0"}:${m.binding.hostPort} → ${m.binding.containerPort}`))].join(", ")}`
    : null;
  const fullEvidence = {
    ...evidence,
    nodeMappings: mappings.map((m) => ({ node: m.node, host: `${m.binding.hostIp || "0.0.0.0"}:${m.binding.hostPort}`, containerPort: m.binding.containerPort })),
    nodePortServices: withNodePorts.map((s) => ({ service: ref(s), type: s.spec.type, ports: formatServicePorts(s) })),
    candidates: likely.map((c) => ({ service: ref(c.s), type: c.s.spec.type ?? "ClusterIP", evidence: c.why })),
  };
  const publishNeeded = (s: Service): Partial<PathFacts> => {
    const sp = (s.spec.ports ?? [])[0];
    return sp ? { service: toFact({ svc: s, sp, via: "cluster-ip", gateway: null, active: false, pod: null }) } : { service: null };
  };
  const docsQuote =
    tool === "kind" ? `"the kind node containerPort and the service nodePort needs to be equal" (kind docs)` : "a NodePort answers on every node, on exactly that port (Kubernetes Service docs)";

  if (needed && (needed.s.spec.type ?? "ClusterIP") === "ClusterIP") {
    const name = ref(needed.s);
    return fail(`${mapping}; Service ${name} is type ClusterIP (${needed.why.join(", ")}), so no node port reaches it; expected type NodePort with nodePort ${port}`, {
      details:
        `${tool === "kind" ? "kind" : container.name} hands the connection to node port ${port} unchanged, and kube-proxy answers on a node port only for a NodePort or LoadBalancer Service whose nodePort is ${port} (${docsQuote}). ` +
        `A ClusterIP Service is reachable only inside the cluster. Change Service ${name} to type NodePort and pin nodePort ${port} (ports ${formatServicePorts(needed.s)}).` +
        (apps.length > 1 ? ` Other application Services: ${list(apps.filter((a) => a !== needed.s).map(ref))}.` : ""),
      evidence: fullEvidence,
      fixes: fixesOf(check, fixes.filter((f) => f === "service-to-nodeport")),
      facts: publishNeeded(needed.s),
    });
  }

  if (orphans.length && !needed) {
    const names = list(orphans.map(ref));
    return fail(`${mapping}; no Service has nodePort ${port}; Gateway ${names} has no proxy Service (root cause on the gateway hop)`, {
      details:
        `${tool === "kind" ? "kind" : container.name} hands the connection to node port ${port} unchanged, and nothing takes it: the Gateway the mapping is for has no proxy Service, because its controller has not created one. ` +
        "gateway.found, gateway.class-accepted and gateway.programmed say why (controller not installed, GatewayClass not accepted, Gateway not programmed). Once the proxy Service exists, pin its nodePort to " +
        `${port}.`,
      evidence: { ...fullEvidence, gatewaysWithoutProxy: orphans.map(ref) },
      facts: { service: null },
    });
  }
  // k3d cannot add a mapping to a node container (k3d v1 has no `cluster edit`; today's edits the serverlb).
  if (tool === "kind") fixes.push("kind-port-mapping");
  const nodePortList = withNodePorts.length ? withNodePorts.map((s) => `${ref(s)} ${nodePortText(s)}`) : [];
  const summary =
    `${mapping}; no Service has nodePort ${port}; ` +
    (nodePortList.length ? `NodePort Services: ${list(nodePortList)}` : `no application Service is NodePort or LoadBalancer`) +
    (!needed && likely.length > 1 ? `; candidates: ${list(likely.map((c) => `${ref(c.s)} ${c.s.spec.type ?? "ClusterIP"} (${c.why.join(", ")})`))}` : "");
  // Without evidence for one Service, every ClusterIP application Service is a candidate: name them, pick none.
  const clusterIpCandidates = (likely.length ? likely.map((c) => c.s) : apps).filter((a) => (a.spec.type ?? "ClusterIP") === "ClusterIP");
  return fail(summary, {
    details:
      `${tool === "kind" ? "kind" : container.name} hands the connection to node port ${port} unchanged; kube-proxy only answers there for a Service whose nodePort is ${port} (${docsQuote}). No pod claims hostPort ${port} on ${container.name} either. ` +
      (nodeMaps ? `${nodeMaps}. ` : "") +
      `Pin the Service's nodePort to ${port}, or map the host port to the nodePort the Service has (${tool === "kind" ? "kind cannot add mappings to a running node: recreate the cluster" : "a k3d node container's port mappings are fixed when it is created"}).` +
      (clusterIpCandidates.length ? ` ClusterIP Services have no nodePort at all: ${list(clusterIpCandidates.map(ref))}; if the mapping is meant for one of them, make it NodePort with nodePort ${port}.` : ""),
    evidence: fullEvidence,
    fixes: fixesOf(check, fixes),
    facts: needed ? publishNeeded(needed.s) : { service: null },
  });
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
  after: ["container.publishes-port", "host-port.node-identified", "host-port.listener-identified"],
  fixes: ["service-to-nodeport", "kind-port-mapping", "k3d-port-mapping"],
  explain: {
    meaning:
      "The container that publishes the host port hands the connection to a node on port C (k3d's serverlb forwards container port C to the same port on its upstream nodes for C — k3d v5 lists them in /etc/confd/values.yaml inside the serverlb, which netdoctor reads through the Docker archive endpoint: `@loadbalancer` lists every server and agent, `@agent:0` agent-0 alone; k3d v3/v4 forward to the servers; a kind node receives it as is). On the node, C must be taken by a k3s ServiceLB pod (a LoadBalancer Service whose port is C), by a Service nodePort C, or by a pod with hostPort C.",
    causes:
      "k3d: the port mapping names a container port no LoadBalancer Service uses (e.g. `8080:80` while the gateway Service listens on 8080), or the Gateway's proxy Service was never created, or the mapping's node filter (`-p 8080:80@agent:0`) leaves out the only nodes where a svclb pod or hostPort proxy takes the port (ServiceLB node selection with svccontroller.k3s.cattle.io/enablelb, a proxy scheduled elsewhere), or the only nodes that run a ready pod of a nodePort with externalTrafficPolicy Local (kube-proxy drops nodePort traffic on a node without a local endpoint). kind: extraPortMappings.containerPort differs from the Service's nodePort, or the Service is ClusterIP / has a random nodePort. To say which Service the mapping is meant for, netdoctor uses evidence only: a Gateway proxy Service (owning-gateway labels), a Service whose port or targetPort equals the mapped port, or the only application Service; with several and no evidence it names them all.",
    fix: "Make the two sides agree: pin the Service's nodePort to the mapped container port (kind), change the k3d port mapping to the Service port (`k3d cluster edit --port-add`) or to nodes that take the port (`--port-delete …@agent:0`, then `--port-add …@loadbalancer`), or add the missing kind extraPortMappings entry (recreate the cluster).",
    links: [
      "https://kind.sigs.k8s.io/docs/user/configuration/#extra-port-mappings",
      "https://k3d.io/stable/usage/exposing_services/",
      "https://docs.k3s.io/networking/networking-services#service-load-balancer",
    ],
  },
  async run(ctx) {
    const container = ctx.facts.container;
    // k3s on this host or in a VM reached by its address: no container, the node itself receives the target port.
    // A forwarder on the port (kubectl port-forward through the API server, socat to elsewhere) carries the request away from the node's port.
    const node = !container && ctx.target && !ctx.facts.forwarder ? (ctx.facts.node ?? null) : null;
    if (!container && ctx.facts.forwarder?.kind === "kubectl-port-forward") {
      const forwarded = await portForwardedService(ctx);
      if (forwarded) return forwarded;
      // The forward goes through the API server to a pod, not to a node port, and no Service was found to follow (the forwarder hop says why).
      return skip("not applicable: a kubectl port-forward takes the port and carries it through the API server, not to a node port, and no Service was found behind it (the forwarder hop says why)", { facts: { service: null } });
    }
    if (!container && !node) return skip("not applicable: no container publishes the port", { facts: { service: null } });
    if (container?.role === "other") {
      return skip(`not applicable: container ${container.name} is not a k3d or kind node`, { facts: { service: null } });
    }
    const port = container ? container.containerPort : ctx.target!.port;
    const protocol = container ? container.protocol : "tcp";
    const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
    const lb = container ? { runs: container.role === "k3d-serverlb" || container.role === "k3d-node", rke2: false } : await serviceLbRuns(ctx, pods);
    const k3s = lb.runs;
    // svclb DaemonSets are optional evidence; the pods carry the same labels.
    const daemonSets = k3s ? await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e))) : [];

    // Which nodes the connection reaches: the node container itself, or the serverlb's upstreams for the port
    // (k3d v5: /etc/confd/values.yaml in the serverlb; v3/v4: its SERVERS environment); null = every node.
    const reach = container ? await nodeReach(ctx.docker, container, ctx.signal) : null;
    const reached = reach ? reach.nodes : [node!.name];

    // What takes C on the nodes: svclb (k3s ServiceLB), a nodePort, or a hostPort pod — best first.
    const query = container
      ? { port, protocol, role: container.role, container: container.name, nodes: reached }
      : { port, protocol, role: "node" as const, container: node!.name, serviceLb: k3s, nodes: [node!.name] };
    const candidates: Candidate[] = portTakers(query, services, pods, daemonSets).map((t) => ({
      svc: t.service,
      sp: t.servicePort,
      via: t.via,
      gateway: t.gateway ? `${t.gateway.namespace}/${t.gateway.name}` : null,
      active: t.active,
      pod: t.pod,
    }));

    const mapping = container ? describeMapping(container, reach) : describeNode(node!, port);
    const evidence: Record<string, unknown> = {
      node: container ? container.name : node!.name,
      role: container ? container.role : "node",
      port,
      nodesReached: reached,
      ...(reach && container?.role === "k3d-serverlb" ? { serverlbUpstreams: reachEvidence(reach) } : {}),
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
      // portTakers orders them: a Gateway proxy, a Service claiming traefik's port, then the active holder.
      const best = candidates[0]!;
      // The serverlb forwards only to some nodes, and the Service's svclb pods run only on others.
      if (container?.role === "k3d-serverlb" && reach && reached && best.via === "svclb" && !best.active) {
        const lb = svclbFor({ namespace: best.svc!.metadata.namespace ?? "default", name: best.svc!.metadata.name }, daemonSets, pods);
        const elsewhere = svclbOffUpstream(lb, reached);
        if (elsewhere) return svclbNotOnUpstreams(container, reach, best, lb, elsewhere, evidence, describeMapping(container, reach));
      }
      // A nodePort with externalTrafficPolicy Local answers only on nodes that run one of its ready pods.
      if (container && reached && best.via === "nodeport" && best.svc?.spec.externalTrafficPolicy === "Local") {
        const ready = podsSelectedBy(pods, best.svc.metadata.namespace ?? "default", best.svc.spec.selector).filter((p) => isPodReady(p) && !!p.spec.nodeName);
        if (ready.length && !ready.some((p) => reached.includes(p.spec.nodeName!))) {
          return nodePortLocalMissesNodes(container, reach, best, ready, reached, evidence, describeMapping(container, reach));
        }
      }
      const others = candidates.filter((c) => c !== best && c.svc !== best.svc);
      const proxy = entryProxy(best.pod ? [best.pod] : podsSelectedBy(pods, best.svc!.metadata.namespace ?? "default", best.svc!.spec.selector));
      const fact = toFact(best, proxy);
      const on = best.pod?.spec.nodeName ? ` on node ${best.pod.spec.nodeName}` : "";
      const proxyNote = proxy && !best.gateway ? `; its pods run ${proxyName(proxy.implementation)}: the path's ingress proxy, not its backend` : "";
      const what =
        best.via === "svclb"
          ? `LoadBalancer Service ${ref(best.svc!)} takes it through k3s ServiceLB (svclb, port ${port})`
          : best.via === "nodeport"
            ? `${best.svc!.spec.type} Service ${ref(best.svc!)} takes it as nodePort ${port} (port ${best.sp!.port})`
            : best.svc
              ? `pod ${ref(best.pod!)} takes it ${takesAs(best.pod!, port)} (Service ${ref(best.svc)} port ${best.sp!.port})${on}`
              : `pod ${ref(best.pod!)} takes it ${takesAs(best.pod!, port)} (no Service selects it)${on}`;
      const details = others.length
        ? `Other objects also want port ${port}: ${list(others.map((c) => (c.svc ? `Service ${ref(c.svc)} (${c.via})` : `pod ${ref(c.pod!)} (hostPort)`)))}. ` +
          `The path needs ${best.svc ? `Service ${ref(best.svc)}` : `pod ${ref(best.pod!)}`}${best.gateway ? ` (proxy of Gateway ${best.gateway})` : ""}; service.port-free reports whether another LoadBalancer holds the port.`
        : undefined;
      return pass(`${mapping}; ${what}${proxyNote}`, { details, evidence: { ...evidence, proxy }, facts: { service: fact } });
    }

    // A local process listens on the node's port and nothing in the cluster takes it: the path ends at that process.
    const listener = ctx.facts.listener;
    if (!container && listener) {
      return skip(`not applicable: ${listener.process ?? "a process"}${listener.pid !== undefined ? ` (pid ${listener.pid})` : ""} listens on ${formatHostPort(listener.address, listener.port)} of node ${node!.name} itself and no Service takes port ${port} there: the request ends at that process, not in the cluster`, {
        evidence,
        facts: { service: null },
      });
    }

    // Nothing takes C on the nodes the connection reaches, but a pod holds it on another node.
    const off = offNodeHolders(port, protocol, reached, pods);
    if (off.length && container) return offNode(container, reached!, reach, off, services, evidence, mapping);

    // Nothing takes C: name both sides.
    const fixes: FixId[] = [];
    if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) fixes.push("service-to-nodeport");
    // A node container that publishes the port itself (kind, or k3d v1 / `@server:0:direct`): the nodePort side decides.
    if (container && (!k3s || container.role === "k3d-node")) return kindNothingTakes(ctx, container, services, evidence, mapping, fixes);

    const lbServices = services.filter((s) => s.spec.type === "LoadBalancer");
    if (container && lbServices.some((s) => (s.spec.ports ?? []).some((p) => p.port !== port))) fixes.push("k3d-port-mapping");
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
    // A LoadBalancer Service asks for exactly this port, but no ServiceLB runs to take it (RKE2's default).
    const askers = !k3s ? lbServices.filter((s) => (s.spec.ports ?? []).some((p) => p.port === port && sameProtocol(p.protocol, protocol))) : [];
    // k3s' packaged traefik takes 80/443 once helm-controller has installed it; a HelmChart whose install pod never ran explains why nothing does.
    const stalled = k3s && (port === 80 || port === 443) ? await stalledTraefik(ctx, services, pods) : null;
    const noLb = askers.length
      ? `; LoadBalancer Service ${list(askers.map(ref))} asks for port ${port}, but ${lb.rke2 ? "RKE2 runs no ServiceLB unless `enable-servicelb: true` is in " + RKE2_CONFIG : "no ServiceLB runs on this cluster"} (EXTERNAL-IP <pending>)`
      : "";
    return fail(
      `${mapping}; no Service takes port ${port} (no LoadBalancer Service with port ${port}${askers.length ? " that a load balancer serves" : ""}, no nodePort ${port}, no hostPort pod)${orphan}${noLb || `; LoadBalancer Services: ${list(lbServices.map((s) => `${ref(s)} ${formatServicePorts(s)}`))}`}${stalled ? `; ${describeStalled(stalled)}` : ""}`,
      {
        details:
          (stalled ? `${stalledAdvice(stalled)} ` : "") +
          (askers.length && lb.rke2 ? `${enableServiceLbAdvice()}. ` : "") +
          (k3s ? `On k3s, ServiceLB (klipper-lb) runs a svclb pod per LoadBalancer Service that claims hostPort = Service port on every node; ` : `${lb.rke2 ? "RKE2's" : "k3s"} ServiceLB does not run on this cluster, so only a nodePort or a hostPort pod can take port ${port}; `) +
          (container
            ? `the k3d load balancer forwards container port ${port} to port ${port} on the nodes, so a LoadBalancer Service must use port ${port}. `
            : `the request arrives on node ${node!.name} at port ${port} itself, so a LoadBalancer Service must use port ${port} (or a NodePort Service nodePort ${port}). `) +
          (orphan
            ? `A Gateway listens on ${port}, but its controller has not created the proxy Service: see gateway.found / gateway.programmed.`
            : container
              ? `Either change the k3d port mapping to the port the Service uses, or give the Service port ${port}.`
              : `Give the Service port ${port}, or use the port the Service has in the URL.`),
        evidence: {
          ...evidence,
          loadBalancerServices: lbServices.map((s) => ({ service: ref(s), ports: formatServicePorts(s) })),
          gatewaysWithoutProxy: orphanGateways.map(ref),
          ...(stalled ? { stalledInstall: stalled } : {}),
        },
        fixes: fixesOf(check, orphan ? fixes.filter((f) => f !== "k3d-port-mapping") : fixes),
        facts: { service: null },
        // The Gateway without a proxy Service is the cause, when gateway.found reports it.
        ...(orphan ? { causedBy: ["gateway.found", "gateway.proxy-ready"] } : {}),
        // On a node reached directly, nothing in the cluster taking the port is why the connection is refused.
        ...(!container ? { causes: ["host-port.accepts-connections"] } : {}),
      },
    );
  },
});

export default check;
