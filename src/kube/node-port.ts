/**
 * What takes a port on the nodes of a local cluster: the same three ways
 * service.receives-port (ND501) looks for, as a pure function over recorded
 * lists, shared by service.receives-port and discovery. No I/O.
 *
 * Sources (as in checks/service/receives-port.ts):
 * - k3s ServiceLB (klipper-lb): a LoadBalancer Service whose `port` is C gets a
 *   svclb pod claiming hostPort C on every node (k3s pkg/cloudprovider/servicelb.go);
 * - kube-proxy: a NodePort / LoadBalancer Service answers on its `nodePort` on every node;
 * - a pod with `hostPort` C on the node (kind's ingress-nginx quick start).
 */
import type { ContainerFact } from "../engine/types.js";
import type { DaemonSet, Pod, Service, ServicePort } from "./types.js";
import { proxyOfPod } from "./proxies.js";
import { gatewayOfService, hostPortsOf, resolveTargetPort, sameProtocol, serviceSelects, svclbFor, svclbServiceOf, type GatewayOfService } from "./helpers.js";

/** One object that takes container port C on the nodes. */
export interface PortTaker {
  /** The Service, or null for a hostPort pod no Service selects. */
  service: Service | null;
  /** The Service port entry that receives the traffic, or null with `service`. */
  servicePort: ServicePort | null;
  via: "svclb" | "nodeport" | "hostport";
  /** The Gateway this Service is the proxy of, from its labels (kube/helpers gatewayOfService). */
  gateway: GatewayOfService | null;
  /** Whether the port is held right now (svclb or hostPort pod Running; a nodePort always is). */
  active: boolean;
  /** For `hostport`: the pod holding the port. */
  pod: Pod | null;
}

/** The node side of a published port. */
export interface NodePortQuery {
  /** Container port C the container hands the connection to. */
  port: number;
  protocol: string;
  /**
   * Role of the publishing container (k3d serverlb forwards to every node; a
   * kind node is one node), or `node` for a node reached directly without a
   * container (k3s on this host or in a VM; one node, named by `container`).
   */
  role: ContainerFact["role"] | "node";
  /** Container name: the node name for k3d / kind node containers (hostname = container name), or the node's name for role `node`. */
  container: string;
  /**
   * The nodes the connection can reach (src/host/containers.ts `nodesReached`);
   * null or absent: a k3d serverlb reaches every node, a node container itself only.
   */
  nodes?: readonly string[] | null;
  /** Whether k3s ServiceLB runs on the nodes (svclb pods take LoadBalancer ports). Default: true for k3d roles, false otherwise. */
  serviceLb?: boolean;
}

/** Whether a Service is k3s' packaged traefik (`kube-system/traefik`, k3s manifests/traefik.yaml). */
export function isBundledTraefik(svc: Service | null): boolean {
  return !!svc && svc.metadata.namespace === "kube-system" && svc.metadata.name === "traefik";
}

/**
 * Every object that takes `q.port` on the nodes, best first: the proxy of a
 * Gateway before anything else (it is what a request to that port is meant
 * for when traefik also wants it), then a LoadBalancer Service that asks
 * ServiceLB for a port k3s' packaged traefik holds (someone created it for
 * that port; traefik is there by default — k3d-io/k3d#104), then objects
 * actually holding the port, then Services before bare pods — the order
 * service.receives-port picks by.
 */
export function portTakers(q: NodePortQuery, services: readonly Service[], pods: readonly Pod[], daemonSets: readonly DaemonSet[]): PortTaker[] {
  const k3s = q.serviceLb ?? (q.role === "k3d-serverlb" || q.role === "k3d-node");
  const reached = q.nodes ?? (q.role === "k3d-serverlb" ? null : [q.container]);
  const onNode = (p: Pod) => !reached || !p.spec.nodeName || reached.includes(p.spec.nodeName);
  const running = (p: Pod) => p.status?.phase === "Running" && !p.metadata["deletionTimestamp"];
  const out: PortTaker[] = [];
  for (const svc of services) {
    const type = svc.spec.type ?? "ClusterIP";
    // Only a LoadBalancer (svclb, nodePort) or NodePort Service takes a port on the nodes: skip the ClusterIP majority at once.
    if (type !== "LoadBalancer" && type !== "NodePort") continue;
    for (const sp of svc.spec.ports ?? []) {
      if (!sameProtocol(sp.protocol, q.protocol)) continue;
      if (k3s && type === "LoadBalancer" && sp.port === q.port) {
        const lb = svclbFor({ namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name }, daemonSets, pods);
        const active = lb.pods.some((p) => running(p) && onNode(p) && hostPortsOf(p, q.port, q.protocol).length > 0);
        out.push({ service: svc, servicePort: sp, via: "svclb", gateway: gatewayOfService(svc), active, pod: null });
      }
      if ((type === "NodePort" || type === "LoadBalancer") && sp.nodePort === q.port) {
        out.push({ service: svc, servicePort: sp, via: "nodeport", gateway: gatewayOfService(svc), active: true, pod: null });
      }
    }
  }
  for (const pod of pods) {
    // hostPortsOf first: the one test almost every pod fails.
    const hp = hostPortsOf(pod, q.port, q.protocol);
    if (!hp.length || svclbServiceOf(pod) || !running(pod) || !onNode(pod)) continue;
    const ns = pod.metadata.namespace ?? "default";
    let found = false;
    for (const svc of services) {
      if ((svc.metadata.namespace ?? "default") !== ns || !serviceSelects(svc.spec.selector, pod.metadata.labels)) continue;
      const sp = (svc.spec.ports ?? []).find((p) => hp.some((h) => h.containerPort === resolveTargetPort(p, pod)));
      if (!sp) continue;
      out.push({ service: svc, servicePort: sp, via: "hostport", gateway: gatewayOfService(svc), active: true, pod });
      found = true;
    }
    if (!found) out.push({ service: null, servicePort: null, via: "hostport", gateway: null, active: true, pod });
  }
  const traefikCompetes = out.some((t) => t.via === "svclb" && isBundledTraefik(t.service));
  const claimsFromTraefik = (t: PortTaker) => traefikCompetes && t.via === "svclb" && !isBundledTraefik(t.service);
  const score = (t: PortTaker) => (t.gateway ? 8 : 0) + (claimsFromTraefik(t) ? 4 : 0) + (t.active ? 2 : 0) + (t.service ? 1 : 0);
  return out.map((t, i) => ({ t, i })).sort((a, b) => score(b.t) - score(a.t) || a.i - b.i).map((x) => x.t);
}

/**
 * Running pods that take `port` on a node the connection does not reach
 * (hostPort or hostNetwork, svclb pods included): the proxy a user expects on
 * the path when it runs on another node than the kind node with the mapping
 * (kubernetes-sigs/kind#758), or on a k3d agent the v3/v4 serverlb does not
 * forward to. Empty when every node is reached.
 */
export function offNodeHolders(port: number, protocol: string, reached: readonly string[] | null, pods: readonly Pod[]): Pod[] {
  if (!reached) return [];
  return pods.filter(
    (p) => p.status?.phase === "Running" && !p.metadata["deletionTimestamp"] && !!p.spec.nodeName && !reached.includes(p.spec.nodeName) && hostPortsOf(p, port, protocol).length > 0,
  );
}

/** The proxy behind an entry (its Service's pods, or the hostPort pod), as `ServiceFact.proxy`; null when they are not a known proxy. */
export function entryProxy(pods: readonly Pod[]): { implementation: string; image: string; pods: string[]; nodes: string[] } | null {
  const hits = pods.map((p) => ({ p, proxy: proxyOfPod(p) })).filter((x) => x.proxy);
  if (!hits.length) return null;
  return {
    implementation: hits[0]!.proxy!.implementation,
    image: hits[0]!.proxy!.image,
    pods: hits.map((x) => `${x.p.metadata.namespace ?? "default"}/${x.p.metadata.name}`),
    nodes: [...new Set(hits.map((x) => x.p.spec.nodeName).filter((n): n is string => !!n))],
  };
}
