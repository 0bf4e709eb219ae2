/**
 * networking.k8s.io/v1 Ingress: which Ingresses a controller serves
 * (./classes.ts) and which rule serves a host and path (./match.ts).
 * Pure functions for the gateway and route checks; no I/O.
 */
export * from "./classes.js";
export * from "./match.js";
