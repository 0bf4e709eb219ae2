/**
 * The public API for checks (built-in and `--checks-dir` plugins): types,
 * `defineCheck`, outcome helpers and the Kubernetes object shapes. Checks
 * import only from here.
 */
export * from "./engine/types.js";
export * from "./engine/define.js";
export * from "./kube/types.js";
export type * from "./sources/types.js";
export { SourceError, isSourceError } from "./sources/types.js";
export { describeRequestFlags, hostHeaderOf, matchHeadersOf, methodOf, routingHostOf } from "./engine/request.js";
