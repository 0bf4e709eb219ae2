/**
 * The three PATCH flavours of the Kubernetes API: JSON merge patch (RFC 7386,
 * `application/merge-patch+json`), strategic merge patch
 * (`application/strategic-merge-patch+json`, lists merged by their
 * `patchMergeKey` from the Kubernetes API types) and JSON patch (RFC 6902,
 * `application/json-patch+json`).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObj = { [k: string]: Json };

/** A patch that cannot be applied: the API server answers 422/400 with this message. */
export class PatchError extends Error {
  override readonly name = "PatchError";
}

function isObj(v: unknown): v is JsonObj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: JsonObj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

/**
 * patchMergeKey of list fields by field name, from the Kubernetes core/apps
 * types (`+patchMergeKey`): Service `spec.ports` merge on `port`, container
 * `ports` on `containerPort`, containers/env/volumes on `name`, conditions on `type`.
 */
const MERGE_KEYS: Record<string, string[]> = {
  ports: ["port", "containerPort"],
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  conditions: ["type"],
  imagePullSecrets: ["name"],
  hostAliases: ["ip"],
  ownerReferences: ["uid"],
  topologySpreadConstraints: ["topologyKey"],
};

/** Strategic merge patch for the fields fixes touch; lists without a merge key are replaced (as in the Kubernetes types). Supports `$patch: delete|replace`. */
export function strategicMergePatch(target: unknown, patch: unknown, field = ""): unknown {
  if (Array.isArray(patch)) {
    const keys = MERGE_KEYS[field];
    if (!keys || !Array.isArray(target)) return clone(patch).filter((x) => !(isObj(x) && x.$patch === "delete"));
    if (patch.some((x) => isObj(x) && x.$patch === "replace")) return clone(patch).filter((x) => !(isObj(x) && "$patch" in x));
    const key = keys.find((k) => patch.some((x) => isObj(x) && k in x)) ?? keys[0]!;
    const out = clone(target) as Json[];
    for (const item of patch) {
      if (!isObj(item) || !(key in item)) {
        out.push(clone(item));
        continue;
      }
      const i = out.findIndex((x) => isObj(x) && x[key] === item[key]);
      if (item.$patch === "delete") {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = strategicMergePatch(out[i], item) as Json;
      else out.push(strategicMergePatch({}, item) as Json);
    }
    return out;
  }
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _drop, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === "delete") return undefined;
  const out: JsonObj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else {
      const r = strategicMergePatch(out[k], v, k);
      if (r === undefined) delete out[k];
      else out[k] = r as Json;
    }
  }
  return out;
}

function unescape(tok: string): string {
  return tok.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parent(doc: Json, pointer: string): { container: Json; key: string } {
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  const toks = pointer.slice(1).split("/").map(unescape);
  let cur: Json = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)] as Json;
    else if (isObj(cur)) cur = cur[t] as Json;
    else cur = undefined as unknown as Json;
    if (cur === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return { container: cur, key: toks[toks.length - 1]! };
}

function getAt(doc: Json, pointer: string): Json {
  if (pointer === "") return doc;
  const { container, key } = parent(doc, pointer);
  const v = Array.isArray(container) ? container[Number(key)] : isObj(container) ? container[key] : undefined;
  if (v === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  return v;
}

function removeAt(doc: Json, pointer: string): Json {
  const { container, key } = parent(doc, pointer);
  if (Array.isArray(container)) {
    const i = Number(key);
    if (!(i >= 0 && i < container.length)) throw new PatchError(`unable to remove nonexistent key: ${key}: missing value`);
    return container.splice(i, 1)[0]!;
  }
  if (!isObj(container) || !(key in container)) throw new PatchError(`unable to remove nonexistent key: ${key}: missing value`);
  const v = container[key]!;
  delete container[key];
  return v;
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean): void {
  const { container, key } = parent(doc, pointer);
  if (Array.isArray(container)) {
    const i = key === "-" ? container.length : Number(key);
    if (!(i >= 0 && i <= container.length)) throw new PatchError(`add operation does not apply: doc is missing path: "${pointer}": missing value`);
    if (replace) container[i] = value;
    else container.splice(i, 0, value);
  } else if (isObj(container)) {
    if (replace && !(key in container)) throw new PatchError(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    container[key] = value;
  } else throw new PatchError(`doc is missing path: "${pointer}": missing value`);
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). Throws PatchError. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError("json patch must be a list of operations");
  const doc = clone(target) as Json;
  for (const op of ops) {
    if (!isObj(op) || typeof op.op !== "string" || typeof op.path !== "string") throw new PatchError("invalid JSON patch operation");
    switch (op.op) {
      case "add":
        addAt(doc, op.path, clone(op.value as Json), false);
        break;
      case "replace":
        addAt(doc, op.path, clone(op.value as Json), true);
        break;
      case "remove":
        removeAt(doc, op.path);
        break;
      case "move":
        addAt(doc, op.path, removeAt(doc, String(op.from)), false);
        break;
      case "copy":
        addAt(doc, op.path, clone(getAt(doc, String(op.from))), false);
        break;
      case "test":
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
