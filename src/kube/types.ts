/**
 * Plain-JSON shapes of the Kubernetes objects netdoctor reads, as `kubectl get
 * -o json` writes them (field names and nesting from the Kubernetes and Gateway
 * API v1 OpenAPI schemas). Only the fields checks use are typed; every object
 * keeps any other field it had. Times are RFC 3339 strings, never `Date`.
 */

/** `metadata` of any object. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }[];
  [key: string]: unknown;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A status condition (`metav1.Condition`, also the pod/node condition shape). */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec: {
    type?: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    clusterIPs?: string[];
    externalTrafficPolicy?: string;
    loadBalancerClass?: string;
    externalName?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[] | null;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  args?: string[];
  command?: string[];
  [key: string]: unknown;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  state?: {
    running?: { startedAt?: string };
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string; startedAt?: string; finishedAt?: string };
  };
  lastState?: ContainerStatus["state"];
}

export interface Pod extends KubeObject {
  spec: {
    nodeName?: string;
    /** The pod shares the node's network namespace: its container ports are ports of the node. */
    hostNetwork?: boolean;
    containers: Container[];
    initContainers?: Container[];
    [key: string]: unknown;
  };
  status?: {
    phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    podIP?: string;
    hostIP?: string;
    reason?: string;
    message?: string;
  };
}

/** core/v1 Event (`kubectl get events -o json`). */
export interface KubeEvent extends KubeObject {
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: "Normal" | "Warning";
  count?: number;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

export interface Workload extends KubeObject {
  spec: { replicas?: number; selector: LabelSelector; template: { metadata?: Partial<ObjectMeta>; spec: Pod["spec"] } };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    conditions?: Condition[];
  };
}

export type Deployment = Workload;
export type DaemonSet = Workload;

export interface Node extends KubeObject {
  status?: { addresses?: { type: string; address: string }[]; conditions?: Condition[] };
}

export type Namespace = KubeObject;

/** gateway.networking.k8s.io/v1 GatewayClass. */
export interface GatewayClass extends KubeObject {
  spec: { controllerName: string; parametersRef?: unknown };
  status?: { conditions?: Condition[] };
}

/** A Gateway listener (gateway.networking.k8s.io/v1). */
export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: unknown;
  allowedRoutes?: {
    namespaces?: { from?: "All" | "Same" | "Selector" | "None"; selector?: LabelSelector };
    kinds?: { group?: string; kind: string }[];
  };
}

export interface Gateway extends KubeObject {
  spec: { gatewayClassName: string; listeners: Listener[]; addresses?: unknown[]; infrastructure?: unknown };
  status?: {
    addresses?: { type?: string; value: string }[];
    conditions?: Condition[];
    listeners?: { name: string; attachedRoutes: number; supportedKinds?: unknown[]; conditions?: Condition[] }[];
  };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  port?: number;
  weight?: number;
}

export interface HTTPRouteMatch {
  path?: { type?: "Exact" | "PathPrefix" | "RegularExpression"; value?: string };
  headers?: { type?: "Exact" | "RegularExpression"; name: string; value: string }[];
  queryParams?: { type?: "Exact" | "RegularExpression"; name: string; value: string }[];
  method?: string;
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: { type: string; [key: string]: unknown }[];
  backendRefs?: BackendRef[];
  [key: string]: unknown;
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions?: Condition[];
}

export interface HTTPRoute extends KubeObject {
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
  status?: { parents?: RouteParentStatus[] };
}

/** gateway.networking.k8s.io/v1beta1 ReferenceGrant. */
export interface ReferenceGrant extends KubeObject {
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

/** helm.cattle.io/v1 HelmChart (k3s helm-controller). */
export interface HelmChart extends KubeObject {
  spec: { chart?: string; version?: string; targetNamespace?: string; valuesContent?: string; [key: string]: unknown };
}

/** networking.k8s.io/v1 Ingress. */
export interface Ingress extends KubeObject {
  spec: {
    ingressClassName?: string;
    defaultBackend?: { service?: { name: string; port: { number?: number; name?: string } } };
    rules?: {
      host?: string;
      http?: {
        paths: {
          path?: string;
          pathType: "Prefix" | "Exact" | "ImplementationSpecific";
          backend: { service?: { name: string; port: { number?: number; name?: string } } };
        }[];
      };
    }[];
    tls?: unknown[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/**
 * networking.k8s.io/v1 NetworkPolicy (the fields that decide which traffic
 * reaches the selected pods; https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
export interface NetworkPolicy extends KubeObject {
  spec: {
    /** Pods of the policy's namespace it selects; `{}` = every pod. */
    podSelector?: LabelSelector;
    /** Absent: `Ingress`, plus `Egress` when `egress` is set. */
    policyTypes?: ("Ingress" | "Egress")[];
    /** Ingress rules; an empty or absent list admits nothing (for an Ingress-type policy). */
    ingress?: NetworkPolicyIngressRule[];
    egress?: unknown[];
  };
}

/** One ingress rule: traffic from any of `from` (absent/empty = every source) to any of `ports` (absent/empty = every port). */
export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
}

/** A NetworkPolicy peer: pods (podSelector, in namespaces of namespaceSelector or the policy's own), or an IP block. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface IngressClass extends KubeObject {
  spec: { controller?: string };
}

export interface CustomResourceDefinition extends KubeObject {
  spec: { group: string; names: { plural: string; kind: string }; versions: { name: string; served: boolean }[] };
}

/**
 * The resource kinds netdoctor lists, by plural, with their object shape.
 * Each is fetched at most once per run, across all namespaces.
 */
export interface KindMap {
  namespaces: Namespace;
  nodes: Node;
  services: Service;
  endpointslices: EndpointSlice;
  pods: Pod;
  events: KubeEvent;
  deployments: Deployment;
  daemonsets: DaemonSet;
  gatewayclasses: GatewayClass;
  gateways: Gateway;
  httproutes: HTTPRoute;
  referencegrants: ReferenceGrant;
  helmcharts: HelmChart;
  ingresses: Ingress;
  ingressclasses: IngressClass;
  networkpolicies: NetworkPolicy;
  customresourcedefinitions: CustomResourceDefinition;
}

/** A resource kind netdoctor lists, by its plural. */
export type KubeKind = keyof KindMap;

/** Where each kind lives in the API: group (`""` = core), version, namespaced or not. */
export const KIND_INFO: Record<KubeKind, { group: string; version: string; kind: string; namespaced: boolean }> = {
  namespaces: { group: "", version: "v1", kind: "Namespace", namespaced: false },
  nodes: { group: "", version: "v1", kind: "Node", namespaced: false },
  services: { group: "", version: "v1", kind: "Service", namespaced: true },
  endpointslices: { group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice", namespaced: true },
  pods: { group: "", version: "v1", kind: "Pod", namespaced: true },
  events: { group: "", version: "v1", kind: "Event", namespaced: true },
  deployments: { group: "apps", version: "v1", kind: "Deployment", namespaced: true },
  daemonsets: { group: "apps", version: "v1", kind: "DaemonSet", namespaced: true },
  gatewayclasses: { group: "gateway.networking.k8s.io", version: "v1", kind: "GatewayClass", namespaced: false },
  gateways: { group: "gateway.networking.k8s.io", version: "v1", kind: "Gateway", namespaced: true },
  httproutes: { group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute", namespaced: true },
  referencegrants: { group: "gateway.networking.k8s.io", version: "v1beta1", kind: "ReferenceGrant", namespaced: true },
  helmcharts: { group: "helm.cattle.io", version: "v1", kind: "HelmChart", namespaced: true },
  ingresses: { group: "networking.k8s.io", version: "v1", kind: "Ingress", namespaced: true },
  ingressclasses: { group: "networking.k8s.io", version: "v1", kind: "IngressClass", namespaced: false },
  networkpolicies: { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", namespaced: true },
  customresourcedefinitions: { group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", namespaced: false },
};
