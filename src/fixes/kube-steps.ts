/**
 * Shared mechanics of fixes that change Kubernetes objects: re-read the
 * objects a plan was made from and refuse when one changed (optimistic
 * concurrency, DESIGN §5), then make each change after journalling the object
 * as it was.
 */
import type { KubeObject } from "../kube/types.js";
import { refOf, refText, type KubeWriter, type ObjectRef, type PatchType } from "../sources/kube-writer.js";
import { isSourceError } from "../sources/types.js";
import { FixError, type UndoJournal } from "./types.js";

/** An object as the plan saw it. */
export interface PlannedObject {
  ref: ObjectRef;
  resourceVersion: string;
  uid: string | null;
}

/** The plan's view of an object. */
export function planned(o: KubeObject): PlannedObject {
  return { ref: refOf(o), resourceVersion: o.metadata.resourceVersion ?? "", uid: (o.metadata.uid as string | undefined) ?? null };
}

/**
 * Read every planned object again. Resolves to the current objects; throws
 * FixError when one is gone or has another resourceVersion than at planning,
 * before anything changed.
 */
export async function recheckPlanned(kube: KubeWriter, objects: PlannedObject[], signal: AbortSignal): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const p of objects) {
    const now = await kube.get(p.ref, signal);
    if (!now) throw new FixError(`${refText(p.ref)} was deleted after the plan was made: nothing was changed; run the fix again to re-plan`);
    const rv = now.metadata.resourceVersion ?? "";
    if (rv !== p.resourceVersion) {
      throw new FixError(`${refText(p.ref)} changed after the plan was made (resourceVersion ${p.resourceVersion} → ${rv}): nothing was changed, so that change is not overwritten; run the fix again to re-plan`);
    }
    out.push(now);
  }
  return out;
}

/**
 * Like {@link recheckPlanned} for objects the fix deletes: one that is gone
 * already resolves to null (deleting it is done — `kubectl delete
 * --ignore-not-found`), so a controller or a colleague racing the fix does not
 * turn it into a failure. One with another resourceVersion still refuses.
 */
export async function recheckForDelete(kube: KubeWriter, objects: PlannedObject[], signal: AbortSignal): Promise<(KubeObject | null)[]> {
  const out: (KubeObject | null)[] = [];
  for (const p of objects) {
    const now = await kube.get(p.ref, signal);
    if (!now) {
      out.push(null);
      continue;
    }
    const rv = now.metadata.resourceVersion ?? "";
    if (rv !== p.resourceVersion) {
      throw new FixError(`${refText(p.ref)} changed after the plan was made (resourceVersion ${p.resourceVersion} → ${rv}): nothing was changed, so that change is not overwritten; run the fix again to re-plan`);
    }
    out.push(now);
  }
  return out;
}

/** What a plan step says of an object that was gone when the fix reached it. */
export const ALREADY_ABSENT = "already absent (deleted by someone else): nothing to do";

/** A 409 from a guarded write, as the one line users read. */
function conflictLine(e: unknown, ref: ObjectRef, verb: string): never {
  if (isSourceError(e) && e.code === "conflict") {
    throw new FixError(`${refText(ref)} changed while the fix ran, so the ${verb} was refused by the API server (${e.message.replace(/^.*?: /, "")})`);
  }
  throw e;
}

/**
 * Journal `current` as deleted, then delete it with its resourceVersion and
 * uid as preconditions. Resolves to `deleted`, or `already-absent` when the
 * API server answers 404 (someone deleted it first: the goal is reached, and
 * the journal keeps no entry for an object this fix did not delete).
 */
export async function guardedDelete(kube: KubeWriter, journal: UndoJournal, current: KubeObject, signal: AbortSignal): Promise<"deleted" | "already-absent"> {
  const ref = refOf(current);
  await journal.record({ type: "deleted", ref, object: current });
  try {
    const uid = current.metadata.uid as string | undefined;
    await kube.delete(ref, { resourceVersion: current.metadata.resourceVersion ?? "", ...(uid ? { uid } : {}) }, signal);
    return "deleted";
  } catch (e) {
    await journal.discardLast();
    if (isSourceError(e) && e.code === "not-found") return "already-absent";
    conflictLine(e, ref, "delete");
  }
}

/**
 * Journal `current` as patched, then patch it with `metadata.resourceVersion`
 * set (the API server refuses with 409 when the object moved on). Resolves to
 * the patched object.
 */
export async function guardedPatch(kube: KubeWriter, journal: UndoJournal, current: KubeObject, patch: Record<string, unknown>, type: PatchType, signal: AbortSignal): Promise<KubeObject> {
  const ref = refOf(current);
  await journal.record({ type: "patched", ref, object: current, resourceVersionAfter: null });
  const meta = { ...((patch["metadata"] as Record<string, unknown> | undefined) ?? {}), resourceVersion: current.metadata.resourceVersion };
  let after: KubeObject;
  try {
    after = await kube.patch(ref, { ...patch, metadata: meta }, type, signal);
  } catch (e) {
    await journal.discardLast();
    conflictLine(e, ref, "patch");
  }
  await journal.update({ type: "patched", ref, object: current, resourceVersionAfter: after.metadata.resourceVersion ?? null, specAfter: after["spec"] ?? null });
  return after;
}

/** The writer of a run, or a FixError saying this source cannot change the cluster (e.g. a bundle). */
export function writerOf(kube: KubeWriter | null): KubeWriter {
  if (!kube) throw new FixError("this run cannot change the cluster (a bundle is read-only)");
  return kube;
}
