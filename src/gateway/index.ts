/**
 * Gateway API matching as Envoy-based gateways apply it: hostnames, route
 * attachment, request routing, closest routes, status comparison. Pure
 * functions over plain Kubernetes JSON; rules and sources in
 * ../shared/reference/gateway-api-matching.md (cited per function as A1–A10, C1–C7).
 */
export * from "./hostname.js";
export * from "./attach.js";
export * from "./match.js";
export * from "./backend.js";
export * from "./predict.js";
export * from "./status.js";
export * from "./implementations.js";
