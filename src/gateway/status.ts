/**
 * Compare a route's `status.parents` with the computed attachment: is the
 * status there at all (a controller owns the Gateway), current
 * (observedGeneration), and does it agree with what the rules predict?
 *
 * Source: Gateway API v1 `httproute_types.go` / `shared_types.go`
 * (RouteParentStatus: parentRef, controllerName, conditions Accepted and
 * ResolvedRefs with their reasons; `observedGeneration`), real-world-facts.md
 * §5.3; ../shared/reference/gateway-api-matching.md A3 (EG and kgateway may
 * report different reasons when several failures combine).
 * Pure functions: no I/O, never throw.
 */
import type { Condition, Gateway, HTTPRoute, Namespace, ParentReference, RouteParentStatus } from "../kube/types.js";
import { GATEWAY_GROUP, attachRoute, type ParentAttachment } from "./attach.js";

/** Status of one parentRef that refers to the Gateway, next to the computation. */
export interface ParentStatusComparison {
  parentRef: ParentReference;
  /** What the rules predict for this parentRef (A3). */
  computed: ParentAttachment;
  /** The `status.parents[]` entry for this parentRef, or null. */
  status: RouteParentStatus | null;
  controllerName: string | null;
  accepted: Condition | null;
  resolvedRefs: Condition | null;
  /** No status entry (or no Accepted condition): no controller has processed the route for this parent. */
  missing: boolean;
  /** Accepted is `Unknown` (e.g. reason Pending): a controller has not decided yet. */
  pending: boolean;
  /** A condition's observedGeneration is older than `metadata.generation`: the controller has not seen the latest spec. */
  stale: boolean;
  /** status and computation disagree on whether the route is accepted; a phrase naming both, else null. */
  disagreement: string | null;
  /** Both say "not accepted" but name different reasons (implementations order the checks differently, A3). */
  reasonDiffers: boolean;
}

function sameParent(a: ParentReference, b: ParentReference, routeNs: string): boolean {
  return (
    (a.group ?? GATEWAY_GROUP) === (b.group ?? GATEWAY_GROUP) &&
    (a.kind ?? "Gateway") === (b.kind ?? "Gateway") &&
    (a.namespace ?? routeNs) === (b.namespace ?? routeNs) &&
    a.name === b.name &&
    (a.sectionName ?? null) === (b.sectionName ?? null) &&
    (a.port ?? null) === (b.port ?? null)
  );
}

/** The `status.parents` entry for `parentRef` (matched by group/kind/namespace/name/sectionName/port), or null. */
export function findParentStatus(route: HTTPRoute, parentRef: ParentReference): RouteParentStatus | null {
  const ns = route.metadata.namespace ?? "default";
  return (route.status?.parents ?? []).find((p) => sameParent(p.parentRef, parentRef, ns)) ?? null;
}

/**
 * Compare every parentRef of `route` that refers to `gateway` with its status
 * entry. Returns an empty list when the route does not refer to the Gateway.
 */
export function compareRouteStatus(route: HTTPRoute, gateway: Gateway, namespaces: readonly Namespace[] | null | undefined): ParentStatusComparison[] {
  const att = attachRoute(route, gateway, namespaces);
  if (!att) return [];
  const generation = route.metadata.generation;
  return att.parents.map((computed) => {
    const status = findParentStatus(route, computed.parentRef);
    const conds = status?.conditions ?? [];
    const accepted = conds.find((c) => c.type === "Accepted") ?? null;
    const resolvedRefs = conds.find((c) => c.type === "ResolvedRefs") ?? null;
    const stale = generation !== undefined && conds.some((c) => c.observedGeneration !== undefined && c.observedGeneration < generation);
    const missing = accepted === null;
    const pending = accepted?.status === "Unknown";
    let disagreement: string | null = null;
    let reasonDiffers = false;
    if (accepted?.status === "True" && !computed.accepted) {
      disagreement = `status says Accepted=True, but the rules say ${computed.reason} (${computed.message})`;
    } else if (accepted?.status === "False" && computed.accepted) {
      disagreement = `status says Accepted=False ${accepted.reason ?? ""}, but the rules say it attaches to listener ${computed.listeners.map((l) => l.listener).join(", ")}`.replace("  ", " ");
    } else if (accepted?.status === "False" && !computed.accepted && accepted.reason !== computed.reason) {
      reasonDiffers = true;
    }
    return { parentRef: computed.parentRef, computed, status, controllerName: status?.controllerName ?? null, accepted, resolvedRefs, missing, pending, stale, disagreement, reasonDiffers };
  });
}
