/**
 * What netdoctor knows about each Gateway API implementation, in one table:
 * the GatewayClass `controllerName` it serves, how it names and labels the
 * proxy Service and workload it creates per Gateway, where its proxy pods
 * run, which container port its proxy binds for a listener port, and what it
 * answers when no route matches. Checks and discovery read this table; no
 * check special-cases an implementation by name.
 *
 * An implementation that is not in the table is still diagnosed from the
 * Gateway's status and addresses and the GEP-1762 label
 * `gateway.networking.k8s.io/gateway-name` ("other": generic).
 *
 * Every entry names the source it was read from (repository and path, at the
 * commits recorded in docs/facts/gateway-implementations.md).
 * Pure data and pure functions: no I/O, never throw.
 */
import type { Gateway, GatewayClass, KubeObject, Pod, Service, ServicePort } from "../kube/types.js";

/** Implementations netdoctor recognises; `other` = generic (status and addresses only). */
export type GatewayImplementationId = "kgateway" | "envoy-gateway" | "istio" | "cilium" | "nginx-gateway-fabric" | "contour" | "traefik" | "other";

/**
 * Labels on a proxy Service that name the Gateway it fronts.
 * `name` holds the Gateway name; `namespace`, when given, the Gateway
 * namespace (otherwise the Service's own namespace). `requires`: other labels
 * that must be present (value `null` = any value) for the labels to be
 * attributed to this implementation rather than to another one using the
 * same generic label.
 */
export interface OwnerLabels {
  name: string;
  namespace?: string;
  requires?: Readonly<Record<string, string | null>>;
}

/** Pods that carry the data plane for every Gateway at once (no per-Gateway proxy pods). */
export interface SharedProxyPods {
  /** Label selector (matchLabels) of the pods, in any namespace. */
  labels: Readonly<Record<string, string>>;
  /** The workload, in words, e.g. "DaemonSet kube-system/cilium-envoy". */
  workload: string;
}

/** One Gateway API implementation. */
export interface GatewayImplementation {
  id: Exclude<GatewayImplementationId, "other">;
  /** Display name, e.g. "Envoy Gateway". */
  title: string;
  /** GatewayClass `spec.controllerName` values it serves (defaults of its install). */
  controllerNames: readonly string[];
  /** Labels on its proxy Service naming the Gateway, most specific first. */
  ownerLabels: readonly OwnerLabels[];
  /** Name and namespace of the proxy Service it creates, in words (e.g. `<gateway>-<class>` in the Gateway's namespace). */
  serviceNaming: string;
  /** Its proxy workload, in words (kind, name, namespace). */
  proxyWorkload: string;
  /**
   * When the proxy Service selects no pods because the data plane is shared
   * (Cilium: Envoy in the agent or the cilium-envoy DaemonSet), the pods that
   * carry it, tried in order; absent = the Service's selector finds the pods.
   */
  sharedProxyPods?: readonly SharedProxyPods[];
  /**
   * When the controller's own Service is the proxy of every Gateway of its
   * classes (traefik), labels that identify that Service; absent = one proxy
   * Service per Gateway, found by `ownerLabels`.
   */
  ownServiceLabels?: Readonly<Record<string, string>>;
  /**
   * Container ports the proxy may bind for a listener port (the Service's
   * targetPort must be one of them), or null when the Service's targetPort
   * does not apply (no selector, or a named entryPoint port).
   */
  containerPorts(listenerPort: number): number[] | null;
  /** How listener ports map to proxy container ports, in words. */
  portMapping: string;
  /**
   * Which port a listener's `port` names: the proxy Service port (most
   * implementations create one Service port per listener), or the container
   * port the Service port targets (traefik matches listeners to its
   * entryPoints by their port inside the pod).
   */
  listenerPortIs: "service-port" | "container-port";
  /**
   * Gateway `Programmed` messages by which the implementation says its proxy
   * has no ready endpoints although the reason is AddressNotAssigned (Istio:
   * "no instances found for hostname"); such a status is a proxy failure, not
   * a missing LoadBalancer address.
   */
  proxyNotReadyMessage?: RegExp;
  /** What it answers when no route matches host and path, in words. */
  notFound: string;
  /** The repositories and paths the entry was read from. */
  sources: readonly string[];
}

/** Gateway API (GEP-1762) label on generated proxy objects naming their Gateway. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
/** Gateway API (GEP-1762) label naming the GatewayClass of generated proxy objects. */
export const GATEWAY_CLASS_NAME_LABEL = "gateway.networking.k8s.io/gateway-class-name";
/** Envoy Gateway labels on the proxy Service and Deployment (internal/gatewayapi/translator.go). */
export const EG_OWNING_NAME_LABEL = "gateway.envoyproxy.io/owning-gateway-name";
export const EG_OWNING_NAMESPACE_LABEL = "gateway.envoyproxy.io/owning-gateway-namespace";
/** Cilium's label on `cilium-gateway-<gw>` (operator/pkg/model/translation/gateway-api/translator.go `owningGatewayLabel`). */
export const CILIUM_OWNING_GATEWAY_LABEL = "io.cilium.gateway/owning-gateway";
/** Contour Gateway Provisioner's label (internal/provisioner/model/model.go `ContourOwningGatewayNameLabel`). */
export const CONTOUR_OWNING_GATEWAY_LABEL = "projectcontour.io/owning-gateway-name";
/** Istio ≤1.23 labelled (and selected) gateway pods with this; 1.24 moved to the GEP-1762 label (pilot deploymentcontroller.go). */
export const ISTIO_LEGACY_GATEWAY_LABEL = "istio.io/gateway-name";

/** Listener ports below 1024 shifted by `shift` inside the pod (unprivileged proxy). */
function shiftedBelow1024(shift: number): (p: number) => number {
  return (p) => (p < 1024 ? p + shift : p);
}

/**
 * The table. Order matters only for `ownerLabels`: implementations with
 * their own label come before those sharing the generic GEP-1762 label.
 */
export const GATEWAY_IMPLEMENTATIONS: readonly GatewayImplementation[] = [
  {
    id: "envoy-gateway",
    title: "Envoy Gateway",
    controllerNames: ["gateway.envoyproxy.io/gatewayclass-controller"],
    ownerLabels: [{ name: EG_OWNING_NAME_LABEL, namespace: EG_OWNING_NAMESPACE_LABEL }],
    serviceNaming: "envoy-<gateway namespace>-<gateway>-<hash> in the controller namespace (envoy-gateway-system)",
    proxyWorkload: "Deployment envoy-<namespace>-<gateway>-<hash> in envoy-gateway-system (labels app.kubernetes.io/name=envoy, app.kubernetes.io/component=proxy)",
    containerPorts: (p) => [shiftedBelow1024(10000)(p)],
    portMapping: "listener port below 1024 → container port +10000 (80 → 10080, wellKnownPortShift); other ports unchanged",
    listenerPortIs: "service-port",
    notFound: "404 with an empty body and no server header (route_not_found, NR)",
    sources: ["envoyproxy/gateway internal/gatewayapi/translator.go", "envoyproxy/gateway internal/gatewayapi/listener.go", "envoyproxy/gateway internal/infrastructure/kubernetes/proxy/resource.go"],
  },
  {
    id: "cilium",
    title: "Cilium",
    controllerNames: ["io.cilium/gateway-controller"],
    ownerLabels: [{ name: CILIUM_OWNING_GATEWAY_LABEL }],
    serviceNaming: "cilium-gateway-<gateway> in the Gateway's namespace, without a selector (a placeholder endpoint 192.192.192.192:9999)",
    proxyWorkload: "no per-Gateway pods: Envoy runs in the DaemonSet cilium-envoy (or inside the cilium agent) on every node",
    sharedProxyPods: [
      { labels: { "k8s-app": "cilium-envoy" }, workload: "DaemonSet cilium-envoy" },
      { labels: { "k8s-app": "cilium" }, workload: "DaemonSet cilium (agent with embedded Envoy)" },
    ],
    containerPorts: () => null,
    portMapping: "the Service has no selector: eBPF hands listener port connections to the node's Envoy, no container port is involved",
    listenerPortIs: "service-port",
    notFound: "404 with an empty body, server: envoy",
    sources: ["cilium/cilium operator/pkg/model/translation/gateway-api/translator.go", "cilium/cilium operator/pkg/gateway-api/gateway_reconcile.go"],
  },
  {
    id: "contour",
    title: "Contour",
    controllerNames: ["projectcontour.io/gateway-controller"],
    ownerLabels: [{ name: CONTOUR_OWNING_GATEWAY_LABEL }],
    serviceNaming: "envoy-<gateway> in the Gateway's namespace (Gateway Provisioner)",
    proxyWorkload: "DaemonSet (default) or Deployment envoy-<gateway> in the Gateway's namespace; contour-<gateway> Deployment is the control plane",
    containerPorts: (p) => {
      // toContainerPort: +8000, wrapping past 65535 and skipping 1-1023.
      let c = p + 8000;
      if (c > 65535) c -= 65535;
      if (c <= 1023) c += 1023;
      return [c];
    },
    portMapping: "listener port → container port +8000 (80 → 8080, 443 → 8443; toContainerPort)",
    listenerPortIs: "service-port",
    notFound: "404 with an empty body, server: envoy",
    sources: ["projectcontour/contour internal/provisioner/model/names.go", "projectcontour/contour internal/provisioner/model/model.go", "projectcontour/contour internal/gatewayapi/listeners.go"],
  },
  {
    id: "kgateway",
    title: "kgateway",
    controllerNames: ["kgateway.dev/kgateway"],
    ownerLabels: [
      { name: GATEWAY_NAME_LABEL, requires: { kgateway: null } },
      { name: GATEWAY_NAME_LABEL, requires: { "app.kubernetes.io/managed-by": "kgateway" } },
      { name: GATEWAY_NAME_LABEL, requires: { gloo: "kube-gateway" } },
    ],
    serviceNaming: "<gateway> in the Gateway's namespace",
    proxyWorkload: "Deployment <gateway> in the Gateway's namespace (labels kgateway=kube-gateway, gateway.networking.k8s.io/gateway-name)",
    // Port mapping may be disabled (ports.Init(disablePortMapping)): then the listener port itself.
    containerPorts: (p) => [...new Set([shiftedBelow1024(8000)(p), p])],
    portMapping: "listener port below 1024 → container port +8000 (80 → 8080) unless port mapping is disabled; other ports unchanged",
    listenerPortIs: "service-port",
    notFound: "404 with an empty body, server: envoy",
    sources: ["kgateway-dev/kgateway internal/kgateway/ports/ports.go", "kgateway-dev/kgateway internal/kgateway/deployer/values_helpers.go", "kgateway-dev/kgateway internal/kgateway/helm/kgateway/templates/gateway/proxy-deployment.yaml"],
  },
  {
    id: "istio",
    title: "Istio",
    controllerNames: ["istio.io/gateway-controller"],
    ownerLabels: [
      { name: GATEWAY_NAME_LABEL, requires: { "gateway.istio.io/managed": null } },
      { name: ISTIO_LEGACY_GATEWAY_LABEL },
    ],
    serviceNaming: "<gateway>-<class> (e.g. <gateway>-istio) in the Gateway's namespace (GetDefaultName)",
    proxyWorkload: "Deployment <gateway>-<class> in the Gateway's namespace, container istio-proxy (labels gateway.networking.k8s.io/gateway-name, gateway.istio.io/managed=istio.io-gateway-controller)",
    containerPorts: (p) => [p],
    portMapping: "listener port = container port (the pod sets net.ipv4.ip_unprivileged_port_start=0); the Service has no targetPort",
    // pilot/pkg/config/kube/gatewaycommon/context.go: `no instances found for hostname %q` → Programmed=False AddressNotAssigned.
    proxyNotReadyMessage: /no instances found for hostname/,
    listenerPortIs: "service-port",
    notFound: "404 with an empty body, server: istio-envoy",
    sources: [
      "istio/istio manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml",
      "istio/istio pilot/pkg/config/kube/gatewaycommon/gateway_utils.go",
      "istio/istio pilot/pkg/config/kube/gatewaycommon/conversion.go",
      "istio/istio pilot/pkg/networking/util/proxy_headers.go",
    ],
  },
  {
    id: "nginx-gateway-fabric",
    title: "NGINX Gateway Fabric",
    controllerNames: ["gateway.nginx.org/nginx-gateway-controller"],
    ownerLabels: [],
    serviceNaming: "<gateway>-<class> (e.g. <gateway>-nginx) in the Gateway's namespace (CreateNginxResourceName)",
    proxyWorkload: "Deployment <gateway>-<class> (nginx + agent) in the Gateway's namespace (labels app.kubernetes.io/name=<gateway>-<class>, gateway.networking.k8s.io/gateway-name)",
    containerPorts: (p) => [p],
    portMapping: "listener port = container port (Service targetPort = listener port)",
    listenerPortIs: "service-port",
    notFound: "404 text/html: nginx's own \"404 Not Found\" page with <center>nginx</center>, server: nginx",
    sources: [
      "nginx/nginx-gateway-fabric internal/controller/provisioner/objects.go",
      "nginx/nginx-gateway-fabric internal/framework/controller/resource.go",
      "nginx/nginx-gateway-fabric internal/controller/nginx/config/servers_template.go",
      "nginx/nginx-gateway-fabric internal/controller/state/conditions/conditions.go",
    ],
  },
  {
    id: "traefik",
    title: "Traefik (Gateway API provider)",
    controllerNames: ["traefik.io/gateway-controller"],
    ownerLabels: [],
    serviceNaming: "no per-Gateway Service: traefik's own Service (k3s: kube-system/traefik) is the proxy of every traefik Gateway",
    proxyWorkload: "traefik's own Deployment (k3s: kube-system/traefik)",
    ownServiceLabels: { "app.kubernetes.io/name": "traefik" },
    containerPorts: () => null,
    portMapping: "a listener binds to the traefik entryPoint whose port equals the listener port (web :8000, websecure :8443 inside the pod); the Service maps 80 → web, 443 → websecure",
    listenerPortIs: "container-port",
    notFound: "404 text/plain \"404 page not found\"",
    sources: ["traefik/traefik pkg/provider/kubernetes/gateway/kubernetes.go"],
  },
];

/** The table entry for `id`, or undefined for `other`. */
export function gatewayImplementation(id: GatewayImplementationId): GatewayImplementation | undefined {
  return GATEWAY_IMPLEMENTATIONS.find((i) => i.id === id);
}

/** Display name of an implementation id ("generic Gateway API implementation" for `other`). */
export function implementationTitle(id: GatewayImplementationId): string {
  return gatewayImplementation(id)?.title ?? "generic Gateway API implementation";
}

/**
 * Implementation from a GatewayClass `spec.controllerName`: the table's
 * exact names, then its domain (`kgateway.dev/…`); `other` for any other
 * non-empty name; null when there is none.
 */
export function implementationOfControllerName(controllerName: string | undefined | null): GatewayImplementationId | null {
  if (!controllerName) return null;
  const exact = GATEWAY_IMPLEMENTATIONS.find((i) => i.controllerNames.includes(controllerName));
  if (exact) return exact.id;
  const domain = controllerName.split("/")[0];
  const byDomain = GATEWAY_IMPLEMENTATIONS.find((i) => i.controllerNames.some((c) => c.split("/")[0] === domain));
  return byDomain?.id ?? "other";
}

/** Which Gateway a proxy Service fronts, and by whose labels. */
export interface ProxyOwner {
  namespace: string;
  name: string;
  implementation: GatewayImplementationId;
}

function labelsMatch(labels: Record<string, string>, requires: Readonly<Record<string, string | null>> | undefined): boolean {
  return Object.entries(requires ?? {}).every(([k, v]) => labels[k] !== undefined && (v === null || labels[k] === v));
}

/**
 * The Gateway a Service (or pod, Deployment) is the proxy of, from its
 * labels, or null. Tries each implementation's `ownerLabels` in table order,
 * then the generic GEP-1762 label (`implementation: "other"`, to be refined
 * from the GatewayClass by the caller).
 */
export function proxyOwnerOf(obj: KubeObject): ProxyOwner | null {
  const l = obj.metadata.labels ?? {};
  const ns = obj.metadata.namespace ?? "default";
  for (const impl of GATEWAY_IMPLEMENTATIONS) {
    for (const o of impl.ownerLabels) {
      if (!l[o.name] || !labelsMatch(l, o.requires)) continue;
      return { name: l[o.name]!, namespace: (o.namespace && l[o.namespace]) || ns, implementation: impl.id };
    }
  }
  if (l[GATEWAY_NAME_LABEL]) return { name: l[GATEWAY_NAME_LABEL]!, namespace: ns, implementation: "other" };
  return null;
}

/**
 * The implementation of a Gateway: its GatewayClass's controllerName when
 * the class is known, else what the proxy labels say, else `other`.
 */
export function implementationOf(className: string | null | undefined, classes: readonly GatewayClass[], owner?: ProxyOwner | null): GatewayImplementationId {
  const cls = className ? classes.find((c) => c.metadata.name === className) : undefined;
  return implementationOfControllerName(cls?.spec.controllerName) ?? owner?.implementation ?? "other";
}

/**
 * Container ports the proxy of `implementation` may bind for `listenerPort`;
 * null when the check does not apply (generic implementation, Service
 * without selector, named entryPoint ports).
 */
export function proxyContainerPorts(listenerPort: number, implementation: GatewayImplementationId): number[] | null {
  const impl = gatewayImplementation(implementation);
  return impl ? impl.containerPorts(listenerPort) : null;
}

/**
 * The port a Gateway listener must use to receive what arrives on Service
 * port `sp`: the Service port itself, or — for implementations whose
 * listeners name the port inside the pod (traefik entryPoints) — the
 * container port `sp.targetPort` resolves to on `pods` (a named targetPort is
 * looked up in the pods' container ports). Falls back to the Service port
 * when the container port cannot be resolved.
 */
export function listenerPortFor(implementation: GatewayImplementationId, sp: ServicePort, pods: readonly Pod[]): number {
  if (gatewayImplementation(implementation)?.listenerPortIs !== "container-port") return sp.port;
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === "number") return tp;
  for (const p of pods) {
    for (const c of p.spec.containers ?? []) {
      const hit = (c.ports ?? []).find((cp) => cp.name === tp);
      if (hit) return hit.containerPort;
    }
  }
  return sp.port;
}

/** Whether `svc` is (by its labels) the proxy Service of Gateway `gw`. */
export function isProxyServiceOf(svc: Service, gw: { namespace: string; name: string }): boolean {
  const o = proxyOwnerOf(svc);
  return o !== null && o.name === gw.name && o.namespace === gw.namespace;
}

/**
 * Pods that carry a shared data plane for `implementation` (Cilium's
 * cilium-envoy / agent DaemonSet pods), from the first `sharedProxyPods`
 * entry that selects any, with the entry; null when the implementation has
 * per-Gateway proxy pods or none are found.
 */
export function sharedProxyPodsOf(implementation: GatewayImplementationId, pods: readonly Pod[]): { pods: Pod[]; workload: string } | null {
  for (const s of gatewayImplementation(implementation)?.sharedProxyPods ?? []) {
    const found = pods.filter((p) => Object.entries(s.labels).every(([k, v]) => p.metadata.labels?.[k] === v));
    if (found.length) return { pods: found, workload: s.workload };
  }
  return null;
}

/**
 * Implementations whose own Service `svc` is (by its labels) the shared
 * proxy of all their Gateways (traefik), or an empty list.
 */
export function ownServiceImplementations(svc: KubeObject): GatewayImplementation[] {
  const l = svc.metadata.labels ?? {};
  return GATEWAY_IMPLEMENTATIONS.filter((i) => i.ownServiceLabels && Object.entries(i.ownServiceLabels).every(([k, v]) => l[k] === v));
}

/** Gateways a shared own-Service proxy (traefik) serves, and which of them listen on the port the request reaches. */
export interface OwnServiceGateways {
  implementation: GatewayImplementation;
  /** Every Gateway whose GatewayClass names a controller of the implementation. */
  gateways: Gateway[];
  /** Those with a listener on `listenerPort`. */
  onPort: Gateway[];
}

/**
 * The Gateways that `svc` — the controller's own Service of an
 * implementation with `ownServiceLabels` (traefik) — is the proxy of: every
 * Gateway whose class's controllerName belongs to that implementation. Null
 * when `svc` is not such a Service or no such Gateway exists.
 */
export function ownServiceGateways(svc: KubeObject, listenerPort: number, gateways: readonly Gateway[], classes: readonly GatewayClass[]): OwnServiceGateways | null {
  for (const impl of ownServiceImplementations(svc)) {
    const mine = gateways.filter((g) => {
      const cls = classes.find((c) => c.metadata.name === g.spec.gatewayClassName);
      return cls !== undefined && impl.controllerNames.includes(cls.spec.controllerName);
    });
    if (mine.length) return { implementation: impl, gateways: mine, onPort: mine.filter((g) => (g.spec.listeners ?? []).some((l) => l.port === listenerPort)) };
  }
  return null;
}
