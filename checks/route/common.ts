/**
 * Shared reading for the route-hop checks: list the objects Gateway API
 * matching needs through the run's kube source, and name things the way
 * summaries do. Not a check module (no default export).
 */
import type { CheckContext, Gateway, GatewayFact, HTTPRoute, Namespace, ReferenceGrant, Service } from "../../src/index.js";
import { isSourceError } from "../../src/index.js";
import { compareRouteStatus, type Flavor, type RoutingWorld } from "../../src/gateway/index.js";

/** `namespace/name` of an object. */
export const nn = (o: { metadata: { name: string; namespace?: string } }): string => `${o.metadata.namespace ?? "default"}/${o.metadata.name}`;

/** The matching flavor for a Gateway implementation (GatewayFact.implementation; reference Part C). */
export function flavorOf(fact: GatewayFact): Flavor {
  return fact.implementation === "kgateway" ? "kgateway" : fact.implementation === "envoy-gateway" ? "envoy-gateway" : "spec";
}

/** What the route checks read, plus notes on kinds that could not be listed. */
export interface LoadedWorld {
  gateway: Gateway | null;
  world: RoutingWorld | null;
  routes: HTTPRoute[];
  /** Kinds read as "none/unknown" because listing failed, with the reason (for evidence). */
  unavailable: Record<string, string>;
}

/**
 * List gateways, httproutes, namespaces, referencegrants (and services when
 * asked). SourceErrors of gateways/httproutes/services propagate (the engine
 * reports the check as skipped "unavailable: …"); namespaces and
 * referencegrants degrade: namespaces to "only the name label is known",
 * referencegrants to "none" — each noted in `unavailable`.
 */
export async function loadWorld(ctx: CheckContext, fact: GatewayFact, withServices: boolean): Promise<LoadedWorld> {
  const unavailable: Record<string, string> = {};
  const soft = async <T>(kind: "namespaces" | "referencegrants", p: Promise<T[]>): Promise<T[] | null> => {
    try {
      return await p;
    } catch (e) {
      if (!isSourceError(e)) throw e;
      unavailable[kind] = e.message;
      return null;
    }
  };
  const [gateways, routes, namespaces, grants, services] = await Promise.all([
    ctx.kube.list("gateways", ctx.signal),
    ctx.kube.list("httproutes", ctx.signal),
    soft<Namespace>("namespaces", ctx.kube.list("namespaces", ctx.signal)),
    soft<ReferenceGrant>("referencegrants", ctx.kube.list("referencegrants", ctx.signal)),
    withServices ? ctx.kube.list("services", ctx.signal) : Promise.resolve(null as Service[] | null),
  ]);
  const gateway = gateways.find((g) => g.metadata.name === fact.name && (g.metadata.namespace ?? "default") === fact.namespace) ?? null;
  return {
    gateway,
    routes,
    unavailable,
    world: gateway ? { gateway, routes, namespaces, referenceGrants: grants, services: withServices ? services : null } : null,
  };
}

/** `Service name:port` when in the route's namespace, `Service ns/name:port` otherwise. */
export function serviceLabel(routeNamespace: string, b: { namespace: string; name: string; port: number | null }): string {
  return `Service ${b.namespace === routeNamespace ? b.name : `${b.namespace}/${b.name}`}:${b.port ?? "?"}`;
}

/** A route's `status.parents` for one Gateway, next to the rules' answer, in words (reference A3; real-world-facts.md §5.3). */
export interface StatusNote {
  /** `status Accepted=False NotAllowedByListeners "…" (kgateway.dev/kgateway), as the rules predict` */
  phrase: string;
  /** Status and rules disagree on whether the route is accepted. */
  disagrees: boolean;
  /** A condition was written for an older generation of the route. */
  stale: boolean;
  /** No controller wrote an Accepted condition for this parentRef. */
  missing: boolean;
}

/**
 * Describe a route's status for `gateway` against the computed attachment
 * (`compareRouteStatus`): agreement, disagreement, stale observedGeneration,
 * missing status. Null when the route has no parentRef to the Gateway.
 */
export function statusNote(route: HTTPRoute, gateway: Gateway, namespaces: readonly Namespace[] | null | undefined): StatusNote | null {
  const all = compareRouteStatus(route, gateway, namespaces);
  if (!all.length) return null;
  const c = all.find((x) => x.disagreement !== null) ?? all.find((x) => x.stale) ?? all.find((x) => x.missing) ?? all[0]!;
  const generation = route.metadata.generation;
  const staleText = c.stale
    ? `; stale: written for generation ${Math.min(...(c.status?.conditions ?? []).map((x) => x.observedGeneration ?? Number.POSITIVE_INFINITY))}, the route is at generation ${generation}`
    : "";
  if (c.missing) return { phrase: "no status from any controller for this Gateway (no controller has processed the route)", disagrees: false, stale: c.stale, missing: true };
  const a = c.accepted!;
  const shown = `status Accepted=${a.status}${a.reason ? ` ${a.reason}` : ""}${a.message && a.message !== a.reason ? ` "${a.message}"` : ""}${c.controllerName ? ` (${c.controllerName})` : ""}`;
  const computed = c.computed.accepted ? `Accepted on listener ${c.computed.listeners.map((l) => l.listener).join(", ")}` : c.computed.reason;
  if (c.disagreement) return { phrase: `${shown}, but the rules say ${computed}: the controller disagrees or its status is out of date${staleText}`, disagrees: true, stale: c.stale, missing: false };
  if (c.reasonDiffers) return { phrase: `${shown}; the rules (Envoy Gateway's order) name ${computed}: implementations order these checks differently${staleText}`, disagrees: false, stale: c.stale, missing: false };
  if (c.pending) return { phrase: `${shown}: the controller has not decided yet${staleText}`, disagrees: false, stale: c.stale, missing: false };
  return { phrase: `${shown}, as the rules predict${staleText}`, disagrees: false, stale: c.stale, missing: false };
}
