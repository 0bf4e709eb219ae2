/**
 * Pure helpers over the plain-JSON Kubernetes objects of ./types.ts: label
 * selectors, conditions, events, pod readiness, owners, Service ports, k3s
 * ServiceLB (svclb) objects and Gateway proxy Services. No I/O: every
 * function takes the lists a check already fetched through `ctx.kube`.
 *
 * Sources of the rules are named on each function (Kubernetes API reference,
 * k3s pkg/cloudprovider/servicelb.go, kgateway and Envoy Gateway deployers as
 * recorded in ../shared/reference/real-world-facts.md §2, §4.2, §6).
 */
import type { BackendFact, PathFacts } from "../engine/types.js";
import type {
  Condition,
  ContainerPort,
  DaemonSet,
  KubeEvent,
  KubeObject,
  LabelSelector,
  Pod,
  Service,
  ServicePort,
} from "./types.js";
import {
  implementationOfControllerName,
  isProxyServiceOf,
  proxyContainerPorts,
  proxyOwnerOf,
  type GatewayImplementationId,
  type ProxyOwner,
} from "../gateway/implementations.js";

/** `namespace/name` of a namespaced object, `name` of a cluster-scoped one. */
export function ref(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** True when `obj` is `namespace/name`. */
export function isObject(obj: KubeObject, namespace: string, name: string): boolean {
  return obj.metadata.name === name && (obj.metadata.namespace ?? "") === namespace;
}

/**
 * Whether `labels` satisfy a `metav1.LabelSelector` (matchLabels AND every
 * matchExpressions requirement). An empty selector (`{}`) matches everything;
 * `undefined`/`null` matches nothing — both as the Kubernetes API defines them
 * ("A null label selector matches no objects. An empty label selector matches
 * all objects", apimachinery pkg/apis/meta/v1 LabelSelector doc).
 * Unknown operators match nothing.
 */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: LabelSelector | null | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(l[req.key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[req.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Whether a Service `spec.selector` (a plain map) selects `labels`. A Service
 * with no selector or an empty one selects no pods: its endpoints are managed
 * by hand (Kubernetes Service docs, "Services without selectors").
 */
export function serviceSelects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/** A selector map as `kubectl` prints it: `app=web,tier=api` (`<none>` when empty). */
export function formatSelector(selector: Record<string, string> | undefined): string {
  const entries = Object.entries(selector ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(",") : "<none>";
}

/** The condition of `type` in a conditions list, or undefined. */
export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/** A condition as one phrase: `Programmed=False (AddressNotAssigned: No addresses have been assigned to the Gateway)`. */
export function formatCondition(c: Condition): string {
  const why = [c.reason, c.message].filter(Boolean).join(": ");
  return `${c.type}=${c.status}${why ? ` (${why})` : ""}`;
}

/** Time of an event for ordering: lastTimestamp, then eventTime, firstTimestamp, creationTimestamp (ms since epoch, 0 when none). */
export function eventTime(e: KubeEvent): number {
  const t = e.lastTimestamp ?? (e["eventTime"] as string | undefined) ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Events whose `involvedObject` is `obj` (matched on kind, namespace and name,
 * and on uid when both sides have one), newest first.
 */
export function eventsFor(events: KubeEvent[], obj: { kind: string; namespace?: string; name: string; uid?: string }): KubeEvent[] {
  return events
    .filter((e) => {
      const io = e.involvedObject ?? {};
      if (io.name !== obj.name || (io.kind ?? "") !== obj.kind) return false;
      if ((io.namespace ?? "") !== (obj.namespace ?? "")) return false;
      if (io.uid && obj.uid && io.uid !== obj.uid) return false;
      return true;
    })
    .sort((a, b) => eventTime(b) - eventTime(a));
}

/** Events of a pod (kind `Pod`), newest first. */
export function podEvents(events: KubeEvent[], pod: Pod): KubeEvent[] {
  return eventsFor(events, { kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });
}

/** An event as `kubectl describe` prints it: `Warning FailedScheduling: 0/1 nodes are available: …`. */
export function formatEvent(e: KubeEvent): string {
  return `${e.type ?? "Normal"} ${e.reason ?? ""}: ${(e.message ?? "").trim()}`;
}

/** Whether a pod is Ready: condition `Ready=True` (kubelet), and not being deleted. */
export function isPodReady(pod: Pod): boolean {
  if (pod.metadata["deletionTimestamp"]) return false;
  return getCondition(pod.status?.conditions, "Ready")?.status === "True";
}

/** Why a pod is (not) ready, as `kubectl get pods` and `describe` show it. */
export interface PodState {
  namespace: string;
  name: string;
  ready: boolean;
  /** `status.phase`, `Unknown` when absent. */
  phase: string;
  /**
   * The most telling reason: a container's waiting reason (`CrashLoopBackOff`,
   * `ImagePullBackOff`, `ErrImagePull`, `CreateContainerConfigError`, …), a
   * terminated reason (`Error`, `OOMKilled`), `Unschedulable` from
   * `PodScheduled`, `Terminating`, or the phase.
   */
  reason: string;
  /** Message that goes with `reason` (waiting message, scheduler message), or null. */
  message: string | null;
  /** Sum of `restartCount` over containers. */
  restarts: number;
  /** Exit code of the last termination of any container (`lastState.terminated.exitCode`), or null. */
  lastExitCode: number | null;
  /** Names of containers that are not ready. */
  notReadyContainers: string[];
}

/**
 * Derive a pod's readiness and the reason it is not ready, the way
 * `kubectl get pods` computes the STATUS column (pkg/printers printPod:
 * waiting/terminated container reasons override the phase).
 */
export function podState(pod: Pod): PodState {
  const st = pod.status ?? {};
  const statuses = st.containerStatuses ?? [];
  let reason = st.reason ?? st.phase ?? "Unknown";
  let message: string | null = st.message ?? null;
  let lastExitCode: number | null = null;
  for (const cs of statuses) {
    const w = cs.state?.waiting;
    const t = cs.state?.terminated;
    if (w?.reason) {
      reason = w.reason;
      message = w.message ?? message;
    } else if (t?.reason && !cs.ready) {
      reason = t.reason;
      message = t.message ?? message;
    }
    const last = cs.lastState?.terminated ?? cs.state?.terminated;
    if (last && typeof last.exitCode === "number") lastExitCode = last.exitCode;
  }
  const scheduled = getCondition(st.conditions, "PodScheduled");
  if (scheduled?.status === "False") {
    reason = scheduled.reason ?? "Unschedulable";
    message = scheduled.message ?? message;
  }
  if (pod.metadata["deletionTimestamp"]) reason = "Terminating";
  return {
    namespace: pod.metadata.namespace ?? "",
    name: pod.metadata.name,
    ready: isPodReady(pod),
    phase: st.phase ?? "Unknown",
    reason,
    message,
    restarts: statuses.reduce((n, cs) => n + (cs.restartCount ?? 0), 0),
    lastExitCode,
    notReadyContainers: statuses.filter((cs) => !cs.ready).map((cs) => cs.name),
  };
}

/** A not-ready pod in one phrase: `web-7d9f-abc: CrashLoopBackOff, 12 restarts, last exit code 1`. */
export function describePodState(s: PodState): string {
  const parts = [s.reason];
  if (s.restarts) parts.push(`${s.restarts} restart${s.restarts === 1 ? "" : "s"}`);
  if (s.lastExitCode !== null) parts.push(`last exit code ${s.lastExitCode}`);
  return `${s.name}: ${parts.join(", ")}`;
}

/** The controller owner reference of `obj` (`controller: true`), or the first owner of `kind` when given. */
export function ownerOf(obj: KubeObject, kind?: string): { kind: string; name: string; uid?: string } | undefined {
  const owners = obj.metadata.ownerReferences ?? [];
  return kind ? owners.find((o) => o.kind === kind) : (owners.find((o) => o.controller) ?? owners[0]);
}

/** Whether `obj` is owned by `owner` (by uid when both have one, else by kind and name). */
export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((o) =>
    o.uid && owner.metadata.uid ? o.uid === owner.metadata.uid : o.kind === owner.kind && o.name === owner.metadata.name,
  );
}

/** Pods in `namespace` selected by a Service selector map (none when the selector is empty). */
export function podsSelectedBy(pods: Pod[], namespace: string, selector: Record<string, string> | undefined): Pod[] {
  return pods.filter((p) => (p.metadata.namespace ?? "") === namespace && serviceSelects(selector, p.metadata.labels));
}

/**
 * The Service port entry for a port given by number (`spec.ports[].port`) or
 * by name (`spec.ports[].name`), as a Gateway API backendRef or the service
 * proxy (`svc:port`) resolves it. Undefined when absent.
 */
export function findServicePort(svc: Service, port: number | string): ServicePort | undefined {
  const ports = svc.spec.ports ?? [];
  return typeof port === "number" ? ports.find((p) => p.port === port) : ports.find((p) => p.name === port || String(p.port) === port);
}

/** Service ports as `kubectl get svc` prints them: `80:30080/TCP,443/TCP` (without protocol when `protocols` is false). */
export function formatServicePorts(svc: Service, protocols = false): string {
  const ports = svc.spec.ports ?? [];
  if (!ports.length) return "<none>";
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}${protocols ? `/${p.protocol ?? "TCP"}` : ""}`).join(",");
}

/** Whether a Service/container port protocol (default TCP, case-insensitive) equals `protocol`. */
export function sameProtocol(portProtocol: string | undefined, protocol: string): boolean {
  return (portProtocol ?? "TCP").toUpperCase() === protocol.toUpperCase();
}

/** One container port of a pod, with its container name. */
export interface PodPort extends ContainerPort {
  container: string;
}

/** Every declared container port of a pod (app containers only; init containers do not serve). */
export function podPorts(pod: Pod): PodPort[] {
  return (pod.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ ...p, container: c.name })));
}

/**
 * Container ports of a pod that claim `port` on its node: `hostPort` equal to
 * `port`, or — for a `hostNetwork: true` pod — a declared `containerPort`
 * equal to `port` (the pod listens in the node's own network namespace; the
 * API server defaults `hostPort` to `containerPort` for such pods, core/v1
 * SetDefaults_Pod, and the scheduler's NodePorts filter counts them).
 */
export function hostPortsOf(pod: Pod, port: number, protocol = "TCP"): PodPort[] {
  const hostNetwork = pod.spec.hostNetwork === true;
  // Called for every pod of the cluster by the port checks: copy only the ports that match (podPorts would copy them all).
  const out: PodPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if ((p.hostPort === port || (hostNetwork && !p.hostPort && p.containerPort === port)) && sameProtocol(p.protocol, protocol)) out.push({ ...p, container: c.name });
    }
  }
  return out;
}

/**
 * The workload that owns a pod, as `kubectl describe` names it ("Controlled
 * By"), with a ReplicaSet followed up to its Deployment: a ReplicaSet named
 * `<deployment>-<pod-template-hash>` (the Deployment controller's naming,
 * apps/v1) is reported as that Deployment. Null for a bare pod.
 */
export function workloadOf(pod: Pod): { kind: string; namespace: string; name: string } | null {
  const owner = ownerOf(pod);
  if (!owner) return null;
  const namespace = pod.metadata.namespace ?? "default";
  const hash = pod.metadata.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: "Deployment", namespace, name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, namespace, name: owner.name };
}

/**
 * The node a pod runs on, or — for a DaemonSet pod not yet scheduled — the
 * node its DaemonSet made it for: the DaemonSet controller pins each pod with
 * a required node affinity `matchFields: metadata.name In [<node>]` (k8s
 * pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity; seen in
 * `kubectl get pod svclb-… -o yaml`). Null when neither is set.
 */
export function podNode(pod: Pod): string | null {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const affinity = pod.spec["affinity"] as
    | { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } }
    | undefined;
  for (const term of affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (term.matchFields ?? []).find((m) => m.key === "metadata.name" && m.operator === "In" && m.values?.length === 1);
    if (f) return f.values![0]!;
  }
  return null;
}

/**
 * Resolve a Service targetPort against a pod, as kube-proxy / the endpoints
 * controller do: a number is used as is; a name is looked up among the pod's
 * named container ports (undefined when no container declares it). An absent
 * targetPort defaults to the Service port (Service API: "defaults to the value
 * of the 'port' field").
 */
export function resolveTargetPort(sp: ServicePort, pod: Pod): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === "number") return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  return podPorts(pod).find((p) => p.name === tp && sameProtocol(p.protocol, sp.protocol ?? "TCP"))?.containerPort;
}

// ---------------------------------------------------------------- k3s ServiceLB

/** Label on svclb DaemonSets and pods naming the Service (k3s servicelb.go `svcNameLabel`). */
export const SVCLB_NAME_LABEL = "svccontroller.k3s.cattle.io/svcname";
/** Label on svclb DaemonSets and pods naming the Service namespace (k3s servicelb.go `svcNamespaceLabel`). */
export const SVCLB_NAMESPACE_LABEL = "svccontroller.k3s.cattle.io/svcnamespace";
/**
 * svclb name/namespace label pairs of every distribution running ServiceLB:
 * k3s' servicelb.go builds them from `version.Program`
 * (`"svccontroller." + version.Program + ".cattle.io/svcname"`), so RKE2 with
 * `enable-servicelb` labels its svclb objects `svccontroller.rke2.cattle.io/*`
 * (docs.rke2.io networking_services: "use the label svccontroller.rke2.cattle.io").
 */
export const SVCLB_LABELS: readonly (readonly [string, string])[] = [
  [SVCLB_NAME_LABEL, SVCLB_NAMESPACE_LABEL],
  ["svccontroller.rke2.cattle.io/svcname", "svccontroller.rke2.cattle.io/svcnamespace"],
];

/**
 * The Service a svclb pod or DaemonSet serves, from its labels, or null when
 * it is not a svclb object. Without `…/svcnamespace` (k3s before ServiceLB
 * moved to kube-system: DaemonSet `svclb-<svc>` created in the Service's own
 * namespace, labelled only `svccontroller.k3s.cattle.io/svcname`; k3s
 * pkg/servicelb/controller.go `newDaemonSet`), the Service is in the
 * object's own namespace.
 */
export function svclbServiceOf(obj: KubeObject): { namespace: string; name: string } | null {
  const l = obj.metadata.labels ?? {};
  for (const [nameLabel, nsLabel] of SVCLB_LABELS) {
    const name = l[nameLabel];
    if (name) return { namespace: l[nsLabel] ?? obj.metadata.namespace ?? "default", name };
  }
  return null;
}

/**
 * Where a svclb pod forwards: the Service's ClusterIPs and port from its
 * klipper-lb environment — `DEST_IPS` (space-separated, k3s ≥ v1.21) or the
 * older single `DEST_IP` (k3s pkg/servicelb/controller.go), and `DEST_PORT`.
 * Null when the pod has neither.
 */
export function svclbDestination(pod: Pod): { ips: string[]; port: number | null; variable: "DEST_IPS" | "DEST_IP" } | null {
  for (const c of pod.spec.containers ?? []) {
    const env = new Map((c.env ?? []).map((e) => [e.name, e.value ?? ""]));
    const variable = env.has("DEST_IPS") ? "DEST_IPS" : env.has("DEST_IP") ? "DEST_IP" : null;
    if (!variable) continue;
    const port = Number(env.get("DEST_PORT"));
    return { ips: env.get(variable)!.split(/\s+/).filter(Boolean), port: Number.isInteger(port) && port > 0 ? port : null, variable };
  }
  return null;
}

/**
 * The k3s ServiceLB (klipper-lb) DaemonSets and pods of a Service: objects
 * labelled `svccontroller.k3s.cattle.io/svcname=<svc>` and
 * `…/svcnamespace=<ns>`, in any namespace (the svclb namespace defaults to
 * kube-system but is configurable). DaemonSet name `svclb-<svc[:48]>-<uid[:8]>`
 * (k3s pkg/cloudprovider/servicelb.go `generateName`); before that,
 * `svclb-<svc>` in the Service's namespace with the labels on the pod
 * template only (k3s pkg/servicelb/controller.go `newDaemonSet`).
 */
export function svclbFor(svc: { namespace: string; name: string }, daemonSets: readonly DaemonSet[], pods: readonly Pod[]): { daemonSets: DaemonSet[]; pods: Pod[] } {
  const mine = (o: KubeObject) => {
    const s = svclbServiceOf(o);
    return s !== null && s.name === svc.name && s.namespace === svc.namespace;
  };
  // Older k3s labels only the pod template, not the DaemonSet itself: read the template's labels in the DaemonSet's namespace.
  const template = (d: DaemonSet): KubeObject => {
    const labels = (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels;
    return { ...d, metadata: { ...d.metadata, labels: { ...labels, ...d.metadata.labels } } };
  };
  return { daemonSets: daemonSets.filter((d) => mine(d) || mine(template(d))), pods: pods.filter(mine) };
}

// ---------------------------------------------------------------- Gateway proxy Services

/** Label constants of the implementations table (src/gateway/implementations.ts), re-exported for existing callers. */
export { GATEWAY_NAME_LABEL, EG_OWNING_NAME_LABEL, EG_OWNING_NAMESPACE_LABEL } from "../gateway/implementations.js";

/** Which Gateway a proxy Service fronts, and by whose labels (src/gateway/implementations.ts `ProxyOwner`). */
export type GatewayOfService = ProxyOwner;

/**
 * The Gateway a Service is the proxy of, from its labels, or null: the
 * implementations table's owner labels (Envoy Gateway
 * `gateway.envoyproxy.io/owning-gateway-name`, Cilium
 * `io.cilium.gateway/owning-gateway`, Contour
 * `projectcontour.io/owning-gateway-name`, kgateway and Istio
 * `gateway.networking.k8s.io/gateway-name` with their markers), else the
 * generic GEP-1762 label (`other`).
 */
export function gatewayOfService(svc: Service): GatewayOfService | null {
  return proxyOwnerOf(svc);
}

/** Proxy Services of a Gateway (every Service whose labels name it, see `gatewayOfService`). */
export function proxyServicesOf(gw: { namespace: string; name: string }, services: Service[]): Service[] {
  return services.filter((s) => isProxyServiceOf(s, gw));
}

/** Implementation from a GatewayClass `spec.controllerName` (implementations table), null without one. */
export function implementationOfController(controllerName: string | undefined): GatewayImplementationId | null {
  return implementationOfControllerName(controllerName);
}

/**
 * The container port the proxy binds for a listener port, as the
 * implementations table says (Envoy Gateway 80 → 10080, kgateway and Contour
 * 80 → 8080); the listener port itself when the table has no mapping.
 */
export function proxyContainerPort(listenerPort: number, implementation: GatewayImplementationId): number {
  return proxyContainerPorts(listenerPort, implementation)?.[0] ?? listenerPort;
}

// ---------------------------------------------------------------- hostnames

/**
 * How well a listener hostname matches a request host (Gateway API listener
 * ordering, gateway_types.go: exact > wildcard with more labels > none):
 * -1 no match; 0 no hostname; 1+n wildcard with n suffix labels; 1000 exact.
 * Wildcards match one or more labels (`*.example.com` matches
 * `a.b.example.com`, not `example.com`).
 */
export function listenerHostnameScore(listenerHostname: string | undefined, host: string): number {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (!listenerHostname) return 0;
  const l = listenerHostname.toLowerCase();
  if (l.startsWith("*.")) {
    const suffix = l.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length ? 1 + suffix.split(".").length - 1 : -1;
  }
  return l === h ? 1000 : -1;
}

// ---------------------------------------------------------------- path facts

/**
 * The backend Service a path ends at: the route hop's `facts.backend` (the
 * backendRef of the selected HTTPRoute rule, or the Service of the selected
 * Ingress path / defaultBackend); when there is no Gateway, no ingress
 * controller and no route on the path (`facts.gateway`,
 * `facts.ingressController` and `facts.route` null or unresolved), the entry
 * Service itself is the application (e.g. a kind NodePort app). Null when
 * neither is known — also when a route was found but selected no backend, and
 * when the entry Service is an ingress controller (ingress-nginx, traefik)
 * whose Ingress rule was not resolved: the controller is not the application
 * (the route hop reports why no rule serves the request), and when the entry
 * is a data-plane proxy of another implementation (`facts.service.proxy`).
 */
export function backendOfPath(facts: PathFacts): (BackendFact & { from: "route" | "entry-service" }) | null {
  if (facts.backend) return { ...facts.backend, from: "route" };
  // A proxy at the entry (Contour's Envoy on hostPort 80, …) is the gateway of the path, never its backend.
  if (!facts.gateway && !facts.ingressController && !facts.route && facts.service && !facts.service.proxy) {
    return { namespace: facts.service.namespace, name: facts.service.name, port: facts.service.port, from: "entry-service" };
  }
  return null;
}
