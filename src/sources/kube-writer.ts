/**
 * Writes to the Kubernetes API for fixes and undo (DESIGN §5). Every change
 * is guarded by optimistic concurrency: a delete carries
 * `preconditions.resourceVersion`, a patch carries `metadata.resourceVersion`,
 * so the API server answers 409 Conflict instead of overwriting a change
 * netdoctor did not see (Kubernetes API conventions, "Concurrency Control and
 * Consistency").
 */
import type { KubeObject } from "../kube/types.js";

/** Names one object: `apiVersion` as in the object (`v1`, `helm.cattle.io/v1`). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Empty string for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** `helm.cattle.io/v1 HelmChart kube-system/traefik`. */
export function refText(ref: ObjectRef): string {
  return `${ref.apiVersion} ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** The ref of an object. */
export function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion ?? "", kind: o.kind ?? "", namespace: o.metadata.namespace ?? "", name: o.metadata.name };
}

/** Patch formats (`Content-Type` of the PATCH request). */
export type PatchType = "strategic" | "merge";

/**
 * Writes through the API server. Every method throws SourceError; a 409 is
 * code `conflict` with the API server's message, a 404 `not-found`.
 */
export interface KubeWriter {
  /** GET one object; null when it does not exist (404). */
  get(ref: ObjectRef, signal: AbortSignal): Promise<KubeObject | null>;
  /** DELETE with `preconditions` (`resourceVersion` and/or `uid`: the delete is refused when the object no longer has them). */
  delete(ref: ObjectRef, pre: { resourceVersion?: string; uid?: string }, signal: AbortSignal): Promise<void>;
  /** PATCH; put `metadata.resourceVersion` in `patch` to make it conditional. Resolves to the object after the patch. */
  patch(ref: ObjectRef, patch: Record<string, unknown>, type: PatchType, signal: AbortSignal): Promise<KubeObject>;
  /** POST a new object (without `resourceVersion`/`uid`). Resolves to the created object. */
  create(object: KubeObject, signal: AbortSignal): Promise<KubeObject>;
}
