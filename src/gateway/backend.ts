/**
 * backendRef resolution (A9): which refs of a rule are valid, and why the
 * others are not (the `ResolvedRefs=False` reasons).
 *
 * Source: ../shared/reference/gateway-api-matching.md A9; Gateway API v1
 * `httproute_types.go` (BackendRefs: invalid refs get 500), `shared_types.go`
 * (RouteReasonBackendNotFound / RefNotPermitted / InvalidKind),
 * `referencegrant_types.go` (grant lives in the target namespace, `from`
 * names group/kind/namespace, `to` group/kind/optional name); messages from
 * EG (`service %s/%s not found`) and kgateway (`Service default/foo found,
 * but port 9090 not defined`), real-world-facts.md §5.4.
 * Pure functions: no I/O, never throw.
 */
import type { BackendRef, HTTPRoute, HTTPRouteRule, ReferenceGrant, Service } from "../kube/types.js";
import { GATEWAY_GROUP } from "./attach.js";

/** Why a backendRef does not resolve (GWAPI RouteConditionReason for ResolvedRefs). */
export type BackendRefReason = "BackendNotFound" | "RefNotPermitted" | "InvalidKind";

/** A backendRef with its resolution. */
export interface BackendRefCheck {
  /** Index in the rule's `backendRefs`. */
  index: number;
  ref: BackendRef;
  /** Defaulted: group `""` (core), kind `Service`, namespace = route's. */
  group: string;
  kind: string;
  namespace: string;
  name: string;
  port: number | null;
  /** `weight`, default 1 (GWAPI BackendRef.Weight). */
  weight: number;
  /** true = resolves; false = invalid; null = unknown (Services could not be listed). */
  valid: boolean | null;
  reason: BackendRefReason | null;
  message: string | null;
  /**
   * The ports the Service has, when it exists but lacks the referenced one
   * (BackendNotFound for a port: the Service is there, only the port is
   * wrong — a controller may still say "not found", kgateway-dev/kgateway#11998).
   */
  servicePorts?: number[];
}

/**
 * True when a ReferenceGrant in `toNamespace` allows HTTPRoutes from
 * `fromNamespace` to refer to Service `name` (grant `to.name` absent = any).
 */
export function referenceGrantAllows(grants: readonly ReferenceGrant[], fromNamespace: string, toNamespace: string, name: string): boolean {
  return grants.some(
    (g) =>
      (g.metadata.namespace ?? "default") === toNamespace &&
      (g.spec.from ?? []).some((f) => f.group === GATEWAY_GROUP && f.kind === "HTTPRoute" && f.namespace === fromNamespace) &&
      (g.spec.to ?? []).some((t) => (t.group ?? "") === "" && t.kind === "Service" && (t.name === undefined || t.name === "" || t.name === name)),
  );
}

/**
 * Resolve each backendRef of `rule` (of `route`) against Services and
 * ReferenceGrants. `services: null` = unknown (validity null for Service refs
 * that are otherwise permitted); `grants: null` = none known.
 * Order of checks: kind (InvalidKind), cross-namespace permission
 * (RefNotPermitted), then existence of the Service and its port (BackendNotFound).
 */
export function checkBackendRefs(route: HTTPRoute, rule: HTTPRouteRule, services: readonly Service[] | null, grants: readonly ReferenceGrant[] | null): BackendRefCheck[] {
  const routeNs = route.metadata.namespace ?? "default";
  return (rule.backendRefs ?? []).map((ref, index) => {
    const group = ref.group ?? "";
    const kind = ref.kind ?? "Service";
    const namespace = ref.namespace ?? routeNs;
    const base = { index, ref, group, kind, namespace, name: ref.name, port: ref.port ?? null, weight: ref.weight ?? 1 };
    if (group !== "" || kind !== "Service") {
      return { ...base, valid: false, reason: "InvalidKind" as const, message: `backendRef kind ${group ? `${group}/` : ""}${kind} is not supported (only core Service)` };
    }
    if (namespace !== routeNs && !referenceGrantAllows(grants ?? [], routeNs, namespace, ref.name)) {
      return {
        ...base,
        valid: false,
        reason: "RefNotPermitted" as const,
        message: `no ReferenceGrant in ${namespace} allows HTTPRoutes from ${routeNs} to refer to Service ${ref.name}`,
      };
    }
    if (services === null) return { ...base, valid: null, reason: null, message: "Services could not be listed" };
    const svc = services.find((s) => s.metadata.name === ref.name && (s.metadata.namespace ?? "default") === namespace);
    if (!svc) return { ...base, valid: false, reason: "BackendNotFound" as const, message: `service ${namespace}/${ref.name} not found` };
    if (ref.port === undefined) return { ...base, valid: false, reason: "BackendNotFound" as const, message: `backendRef to Service ${namespace}/${ref.name} has no port` };
    if (!(svc.spec.ports ?? []).some((p) => p.port === ref.port)) {
      return { ...base, valid: false, reason: "BackendNotFound" as const, message: `Service ${namespace}/${ref.name} found, but port ${ref.port} not defined`, servicePorts: (svc.spec.ports ?? []).map((p) => p.port) };
    }
    return { ...base, valid: true, reason: null, message: null };
  });
}

/**
 * The backendRef a diagnosis follows: the valid (or unknown) ref with the
 * highest weight, first on ties; else, when none resolves, the first ref that
 * names a Service (even a missing one) so later checks can name it; else null.
 */
export function primaryBackend(checks: readonly BackendRefCheck[]): BackendRefCheck | null {
  const usable = checks.filter((c) => c.valid !== false && c.weight > 0);
  if (usable.length) return usable.reduce((best, c) => (c.weight > best.weight ? c : best));
  return checks.find((c) => c.kind === "Service" && c.group === "") ?? null;
}
