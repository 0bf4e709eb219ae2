/**
 * Builders for Gateway API objects in matching tests: compact, but shaped as
 * `kubectl get -o json` writes them.
 */
import type { BackendRef, Gateway, HTTPRoute, HTTPRouteRule, Listener, Namespace, ParentReference, ReferenceGrant, Service } from "../../src/kube/types.js";

export const INFRA = "gateway-conformance-infra";

/** A Gateway with the given listeners (protocol HTTP unless set). */
export function gateway(name: string, listeners: (Partial<Listener> & { name: string; port: number })[], namespace = INFRA): Gateway {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name, namespace, generation: 1 },
    spec: { gatewayClassName: "kgateway", listeners: listeners.map((l) => ({ protocol: "HTTP", ...l })) },
  };
}

let clock = 0;
/** An HTTPRoute; creationTimestamps increase in creation order unless given. */
export function route(
  name: string,
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] },
  meta: { namespace?: string; created?: string; generation?: number } = {},
): HTTPRoute {
  clock += 1;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name,
      namespace: meta.namespace ?? INFRA,
      generation: meta.generation ?? 1,
      creationTimestamp: meta.created ?? new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
    },
    spec,
  };
}

/** A backendRef to infra-backend-vN:8080 (or any name/port). */
export const to = (name: string, port = 8080, extra: Partial<BackendRef> = {}): BackendRef[] => [{ name, port, ...extra }];
export const v = (n: 1 | 2 | 3 | 4) => to(`infra-backend-v${n}`);

/** A ClusterIP Service with the given ports. */
export function service(name: string, namespace = INFRA, ports: number[] = [8080]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { type: "ClusterIP", ports: ports.map((port) => ({ port, protocol: "TCP" })) } };
}

/** The conformance backends: infra-backend-v1..v4 in gateway-conformance-infra, port 8080. */
export const infraServices = (): Service[] => [1, 2, 3, 4].map((n) => service(`infra-backend-v${n}`));

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } } };
}

/** A ReferenceGrant in `namespace` allowing HTTPRoutes from `fromNamespace` to Services (all, or `name`). */
export function grant(namespace: string, fromNamespace: string, name?: string): ReferenceGrant {
  return {
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kind: "ReferenceGrant",
    metadata: { name: `allow-${fromNamespace}`, namespace },
    spec: {
      from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: fromNamespace }],
      to: [{ group: "", kind: "Service", ...(name ? { name } : {}) }],
    },
  };
}
