/**
 * Route attachment (A3): which listeners of a Gateway an HTTPRoute attaches
 * to, with the hostnames each serves, or why it does not attach.
 *
 * Source: ../shared/reference/gateway-api-matching.md A2, A3; Gateway API v1
 * `shared_types.go` (ParentReference defaults, SectionName / Port semantics,
 * RouteConditionReason), `gateway_types.go` (AllowedRoutes, FromNamespaces);
 * Envoy Gateway `processAllowedListenersForParentRefs` /
 * `processHTTPRouteParentRefListener`; messages from EG
 * `internal/gatewayapi/status` (real-world-facts.md §5.4).
 * Pure functions: no I/O, never throw.
 */
import type { Gateway, HTTPRoute, LabelSelector, Listener, Namespace, ParentReference } from "../kube/types.js";
import { intersectHostnames } from "./hostname.js";
import { matchesLabelSelector } from "../kube/helpers.js";

/** The Gateway API group; default of `parentRef.group` and of route kinds. */
export const GATEWAY_GROUP = "gateway.networking.k8s.io";

/** Label the API server sets on every Namespace (Kubernetes ≥ 1.21). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Why a route is not attached to a parent (GWAPI shared_types.go RouteConditionReason). */
export type NotAttachedReason = "NoMatchingParent" | "NotAllowedByListeners" | "NoMatchingListenerHostname";

/** One listener a parentRef attached the route to, with the intersected hostnames (A2). */
export interface ListenerAttachment {
  listener: string;
  port: number;
  /** Listener hostname, undefined when it has none (matches every host). */
  listenerHostname: string | undefined;
  /** Intersected hostnames; `*` when neither listener nor route has one. */
  hostnames: string[];
}

/** The result of one parentRef of a route that refers to a given Gateway. */
export interface ParentAttachment {
  /** Index in `spec.parentRefs`. */
  index: number;
  parentRef: ParentReference;
  accepted: boolean;
  /** `Accepted` when attached, otherwise the reason a controller would set. */
  reason: "Accepted" | NotAttachedReason;
  /** The message Envoy Gateway writes for that reason. */
  message: string;
  /** Listeners selected by sectionName / port (before allowedRoutes). */
  selected: string[];
  /** Listeners left after allowedRoutes, with the reason each other selected one refused the route. */
  refusedBy: { listener: string; why: string }[];
  /** Listeners the route attached to (non-empty hostname intersection). */
  listeners: ListenerAttachment[];
}

/** Every parentRef of one route that refers to the Gateway, merged. */
export interface RouteAttachment {
  route: HTTPRoute;
  parents: ParentAttachment[];
  /** True when at least one parentRef attached it (A2: accepted by that parent). */
  accepted: boolean;
  /** Union of attached listeners → hostnames over all parentRefs. */
  listeners: ListenerAttachment[];
}

/**
 * True when `parentRef` of a route in `routeNamespace` refers to `gateway`
 * (A3 step 1): defaults group `gateway.networking.k8s.io`, kind `Gateway`,
 * namespace = the route's namespace.
 */
export function refersToGateway(parentRef: ParentReference, routeNamespace: string, gateway: Gateway): boolean {
  const group = parentRef.group ?? GATEWAY_GROUP;
  const kind = parentRef.kind ?? "Gateway";
  const ns = parentRef.namespace ?? routeNamespace;
  return group === GATEWAY_GROUP && kind === "Gateway" && ns === (gateway.metadata.namespace ?? "default") && parentRef.name === gateway.metadata.name;
}

/**
 * Evaluate a `metav1.LabelSelector` (matchLabels AND matchExpressions In /
 * NotIn / Exists / DoesNotExist) against labels, with the shared Kubernetes
 * rules of src/kube/helpers.ts. Here an absent selector matches everything:
 * allowedRoutes `from: Selector` without one is left to the controller to
 * reject, and netdoctor does not second-guess it.
 */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  return selector === undefined || matchesLabelSelector(labels, selector);
}

/**
 * A label selector as kubectl-style text: `shared-gateway-access=true`,
 * `env in (dev,test)`, `!legacy`; `{}` for the empty selector (matches all).
 */
export function describeLabelSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${vals})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(",") : "{}";
}

/**
 * Labels of a namespace: from its Namespace object when known, otherwise only
 * the `kubernetes.io/metadata.name` label the API server always sets.
 */
export function namespaceLabels(name: string, namespaces: readonly Namespace[] | null | undefined): Record<string, string> {
  const ns = namespaces?.find((n) => n.metadata.name === name);
  return { [NAMESPACE_NAME_LABEL]: name, ...(ns?.metadata.labels ?? {}) };
}

/**
 * Whether `listener` lets an HTTPRoute from `routeNamespace` attach (A3 step 3):
 * `kinds` (empty = by protocol: HTTP/HTTPS allow HTTPRoute) and
 * `namespaces.from` (Same by default, All, Selector over the Namespace labels).
 * Returns null when allowed, otherwise a short explanation.
 */
export function listenerRefusal(listener: Listener, gatewayNamespace: string, routeNamespace: string, namespaces: readonly Namespace[] | null | undefined): string | null {
  const kinds = listener.allowedRoutes?.kinds ?? [];
  if (kinds.length > 0) {
    if (!kinds.some((k) => k.kind === "HTTPRoute" && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP)) {
      return `listener ${listener.name} allows only ${kinds.map((k) => k.kind).join(", ")}`;
    }
  } else if (!["HTTP", "HTTPS"].includes(listener.protocol)) {
    return `listener ${listener.name} has protocol ${listener.protocol}, which does not take HTTPRoutes`;
  }
  const from = listener.allowedRoutes?.namespaces?.from ?? "Same";
  switch (from) {
    case "All":
      return null;
    case "Same":
      return routeNamespace === gatewayNamespace ? null : `listener ${listener.name} allows routes from namespace ${gatewayNamespace} only (from: Same)`;
    case "Selector": {
      const sel = listener.allowedRoutes?.namespaces?.selector;
      const labels = namespaceLabels(routeNamespace, namespaces);
      if (labelSelectorMatches(sel, labels)) return null;
      const shown = Object.entries(labels)
        .filter(([k]) => k !== NAMESPACE_NAME_LABEL)
        .map(([k, v]) => `${k}=${v}`);
      return `namespace ${routeNamespace} (labels: ${shown.length ? shown.join(", ") : "none besides its name"}) does not match the namespace selector ${describeLabelSelector(sel)} of listener ${listener.name}`;
    }
    case "None":
      return `listener ${listener.name} allows no routes (from: None)`;
    default:
      return `listener ${listener.name} has unknown namespaces.from ${String(from)}`;
  }
}

/** EG status messages per reason (internal/gatewayapi/status; real-world-facts.md §5.4). */
export const ATTACH_MESSAGES: Record<ParentAttachment["reason"], string> = {
  Accepted: "Route is accepted",
  NoMatchingParent: "No listeners match this parent ref",
  NotAllowedByListeners: "No listeners included by this parent ref allowed this attachment.",
  NoMatchingListenerHostname: "There were no hostname intersections between the HTTPRoute and this parent ref's Listener(s).",
};

/**
 * Attach one parentRef (already known to refer to `gateway`) — A3 / A10
 * `attach`: select listeners by sectionName and port (none → NoMatchingParent),
 * filter by allowedRoutes (none → NotAllowedByListeners), intersect hostnames
 * (all empty → NoMatchingListenerHostname), else Accepted on every listener
 * with a non-empty intersection. Follows Envoy Gateway's order; kgateway may
 * report a different reason when several failures combine (A3 note).
 */
export function attachParentRef(route: HTTPRoute, index: number, gateway: Gateway, namespaces: readonly Namespace[] | null | undefined): ParentAttachment {
  const parentRef = route.spec.parentRefs![index]!;
  const routeNs = route.metadata.namespace ?? "default";
  const gwNs = gateway.metadata.namespace ?? "default";
  const selected = (gateway.spec.listeners ?? []).filter(
    (l) => (parentRef.sectionName === undefined || l.name === parentRef.sectionName) && (parentRef.port === undefined || l.port === parentRef.port),
  );
  const base = { index, parentRef, selected: selected.map((l) => l.name), refusedBy: [] as ParentAttachment["refusedBy"], listeners: [] as ListenerAttachment[] };
  if (selected.length === 0) return { ...base, accepted: false, reason: "NoMatchingParent", message: ATTACH_MESSAGES.NoMatchingParent };
  const allowed: Listener[] = [];
  for (const l of selected) {
    const why = listenerRefusal(l, gwNs, routeNs, namespaces);
    if (why) base.refusedBy.push({ listener: l.name, why });
    else allowed.push(l);
  }
  if (allowed.length === 0) return { ...base, accepted: false, reason: "NotAllowedByListeners", message: ATTACH_MESSAGES.NotAllowedByListeners };
  for (const l of allowed) {
    const hostnames = intersectHostnames(l.hostname, route.spec.hostnames);
    if (hostnames.length) base.listeners.push({ listener: l.name, port: l.port, listenerHostname: l.hostname || undefined, hostnames });
  }
  if (base.listeners.length === 0) return { ...base, accepted: false, reason: "NoMatchingListenerHostname", message: ATTACH_MESSAGES.NoMatchingListenerHostname };
  return { ...base, accepted: true, reason: "Accepted", message: ATTACH_MESSAGES.Accepted };
}

/**
 * Attachment of `route` to `gateway` over all its parentRefs that refer to the
 * Gateway, or null when none does (the route belongs to other parents).
 */
export function attachRoute(route: HTTPRoute, gateway: Gateway, namespaces: readonly Namespace[] | null | undefined): RouteAttachment | null {
  const routeNs = route.metadata.namespace ?? "default";
  const parents: ParentAttachment[] = [];
  (route.spec.parentRefs ?? []).forEach((p, i) => {
    if (refersToGateway(p, routeNs, gateway)) parents.push(attachParentRef(route, i, gateway, namespaces));
  });
  if (parents.length === 0) return null;
  const listeners: ListenerAttachment[] = [];
  for (const p of parents) {
    for (const la of p.listeners) {
      const have = listeners.find((x) => x.listener === la.listener);
      if (!have) listeners.push({ ...la, hostnames: [...la.hostnames] });
      else for (const h of la.hostnames) if (!have.hostnames.includes(h)) have.hostnames.push(h);
    }
  }
  return { route, parents, accepted: parents.some((p) => p.accepted), listeners };
}
