/**
 * The files of a cluster snapshot, as a lab scenario and a bug-report bundle
 * both hold them (DESIGN §8, §9): `cluster/*.yaml` Kubernetes objects,
 * `docker/containers.json` / `networks.json` (`docker inspect` shapes),
 * `host/listeners.yaml`. One set of parsers for both: a file that does not
 * parse or a field of the wrong type throws a `SnapshotError` whose one-line
 * message names the file and the field; the scenario loader turns it into a
 * ScenarioError, the bundle reader into a BundleError.
 */
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import type { HostListener } from "../engine/types.js";
import type { KubeObject } from "../kube/types.js";
import type { ContainerInspect, HostInterface, NetworkInspect } from "../sources/types.js";

/** A snapshot file that cannot be read: the message names the file and the field. */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A parsed mapping. */
export type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

/** Typed field readers that throw `file: field: expected …, got …`. */
export class Reader {
  constructor(readonly file: string) {}
  fail(field: string, expected: string, got: unknown): never {
    throw new SnapshotError(`${this.file}: ${field}: expected ${expected}, got ${describe(got)}`);
  }
  obj(v: unknown, field: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(field, "a mapping", v);
    return v as Obj;
  }
  str(v: unknown, field: string): string {
    if (typeof v !== "string") this.fail(field, "a string", v);
    return v;
  }
  optStr(v: unknown, field: string, dflt: string): string {
    return v === undefined || v === null ? dflt : this.str(v, field);
  }
  num(v: unknown, field: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(field, "a number", v);
    return v;
  }
  port(v: unknown, field: string): number {
    const n = this.num(v, field);
    if (!Number.isInteger(n) || n < 1 || n > 65535) this.fail(field, "a port number 1-65535", v);
    return n;
  }
  arr(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, "a list", v);
    return v;
  }
  strs(v: unknown, field: string): string[] {
    return this.arr(v, field).map((s, i) => this.str(s, `${field}[${i}]`));
  }
  strMap(v: unknown, field: string): Record<string, string> {
    const o = this.obj(v, field);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      // YAML readers write numbers for header values such as content-length: accept scalars.
      if (typeof val === "number" || typeof val === "boolean") out[k] = String(val);
      else out[k] = this.str(val, `${field}.${k}`);
    }
    return out;
  }
}

/** A file's text, or null when it does not exist. @throws SnapshotError when it exists but cannot be read. */
export async function readText(file: string, rel: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new SnapshotError(`${rel}: cannot read: ${(e as Error).message}`, { cause: e });
  }
}

/** @throws SnapshotError naming `rel` */
export function parseYamlFile(text: string, rel: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new SnapshotError(`${rel}: not valid YAML: ${firstLine((e as Error).message)}`, { cause: e });
  }
}

/** @throws SnapshotError naming `rel` */
export function parseJsonFile(text: string, rel: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`${rel}: not valid JSON: ${firstLine((e as Error).message)}`, { cause: e });
  }
}

/** The first line of a message, trimmed. */
export function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}

/**
 * Reads one `cluster/*.yaml` (or a bundle's `cluster/**.yaml`): multi-document,
 * each document an object or a `…List` with `items`. `rel` names the file in
 * errors. @throws SnapshotError naming the file and field.
 */
export function clusterObjects(text: string, rel: string): KubeObject[] {
  const r = new Reader(rel);
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, d) => {
    if (doc.errors.length > 0) throw new SnapshotError(`${rel}: not valid YAML: ${firstLine(doc.errors[0]!.message)}`);
    const v = doc.toJS() as unknown;
    if (v === null || v === undefined) return;
    const where = list.length > 1 ? `document ${d + 1}` : "";
    const o = r.obj(v, where || "(document)");
    const kind = typeof o.kind === "string" ? o.kind : "";
    if (kind.endsWith("List") && "items" in o) {
      const items = o.items === null ? [] : r.arr(o.items, prefix(where, "items"));
      items.forEach((item, i) => out.push(kubeObject(r, item, prefix(where, `items[${i}]`))));
    } else {
      out.push(kubeObject(r, o, where || "(document)"));
    }
  });
  return out;
}

function prefix(where: string, field: string): string {
  return where ? `${where}.${field}` : field;
}

function kubeObject(r: Reader, v: unknown, field: string): KubeObject {
  const o = r.obj(v, field);
  const f = field === "(document)" ? "" : `${field}.`;
  r.str(o.apiVersion, `${f}apiVersion`);
  r.str(o.kind, `${f}kind`);
  const meta = r.obj(o.metadata, `${f}metadata`);
  r.str(meta.name, `${f}metadata.name`);
  if (meta.namespace !== undefined) r.str(meta.namespace, `${f}metadata.namespace`);
  if (meta.labels !== undefined && meta.labels !== null) r.strMap(meta.labels, `${f}metadata.labels`);
  return o as KubeObject;
}

/** A deterministic 64-hex container id from its name, for inspect objects that lack `Id`. */
function fakeId(name: string): string {
  return createHash("sha256").update(`netdoctor-lab:${name}`).digest("hex");
}

/** Parses `docker/containers.json` (array of `docker inspect` objects), filling `Id` and the leading `/` of `Name`. @throws SnapshotError */
export function containerList(text: string, rel: string): ContainerInspect[] {
  const r = new Reader(rel);
  const arr = r.arr(parseJsonFile(text, rel), "(top level)");
  return arr.map((v, i) => {
    const o = r.obj(v, `[${i}]`);
    const name = r.str(o.Name, `[${i}].Name`);
    if (o.Id === undefined) o.Id = fakeId(name);
    else r.str(o.Id, `[${i}].Id`);
    if (!name.startsWith("/")) o.Name = `/${name}`;
    const state = r.obj(o.State ?? { Status: "running", Running: true }, `[${i}].State`);
    if (state.Status !== undefined) r.str(state.Status, `[${i}].State.Status`);
    o.State = state;
    o.Config = r.obj(o.Config ?? {}, `[${i}].Config`);
    o.HostConfig = r.obj(o.HostConfig ?? {}, `[${i}].HostConfig`);
    o.NetworkSettings = r.obj(o.NetworkSettings ?? {}, `[${i}].NetworkSettings`);
    for (const where of ["HostConfig.PortBindings", "NetworkSettings.Ports"] as const) {
      const [a, b] = where.split(".") as [string, string];
      const ports = (o[a] as Obj)[b];
      if (ports === undefined || ports === null) continue;
      for (const [key, binds] of Object.entries(r.obj(ports, `[${i}].${where}`))) {
        if (binds === null) continue;
        r.arr(binds, `[${i}].${where}["${key}"]`).forEach((bv, j) => {
          const bo = r.obj(bv, `[${i}].${where}["${key}"][${j}]`);
          r.str(bo.HostPort, `[${i}].${where}["${key}"][${j}].HostPort`);
        });
      }
    }
    return o as unknown as ContainerInspect;
  });
}

/** Parses `docker/networks.json` (array of `docker network inspect` objects). @throws SnapshotError */
export function networkList(text: string, rel: string): NetworkInspect[] {
  const r = new Reader(rel);
  return r.arr(parseJsonFile(text, rel), "(top level)").map((v, i) => {
    const o = r.obj(v, `[${i}]`);
    const name = r.str(o.Name, `[${i}].Name`);
    if (o.Id === undefined) o.Id = fakeId(`network:${name}`);
    else r.str(o.Id, `[${i}].Id`);
    return o as unknown as NetworkInspect;
  });
}

/**
 * Parses `docker/files.yaml`: files inside containers, as `docker cp
 * CONTAINER:PATH -` reads them — container name (leading slash optional) →
 * absolute path → content, e.g. `{"k3d-dev-serverlb": {"/etc/confd/values.yaml": "ports:\n…"}}`.
 * @throws SnapshotError when a path is not absolute or a content not a string.
 */
export function containerFiles(text: string, rel: string): Record<string, Record<string, string>> {
  const r = new Reader(rel);
  const v = parseYamlFile(text, rel);
  if (v === null || v === undefined) return {};
  const out: Record<string, Record<string, string>> = {};
  for (const [container, files] of Object.entries(r.obj(v, "(top level)"))) {
    const name = container.replace(/^\//, "");
    out[name] = {};
    for (const [file, content] of Object.entries(r.obj(files, container))) {
      if (!file.startsWith("/")) r.fail(`${container}["${file}"]`, "an absolute path as the key", file);
      out[name][file] = r.str(content, `${container}["${file}"]`);
    }
  }
  return out;
}

/** Parses `host/listeners.yaml` (YAML list of HostListener). @throws SnapshotError */
export function listenerList(text: string, rel: string): HostListener[] {
  const r = new Reader(rel);
  const v = parseYamlFile(text, rel);
  if (v === null || v === undefined) return [];
  return r.arr(v, "(top level)").map((x, i) => {
    const o = r.obj(x, `[${i}]`);
    const l: HostListener = { address: r.str(o.address, `[${i}].address`), port: r.port(o.port, `[${i}].port`) };
    if (o.pid !== undefined && o.pid !== null) l.pid = r.num(o.pid, `[${i}].pid`);
    if (o.process !== undefined && o.process !== null) l.process = r.str(o.process, `[${i}].process`);
    if (o.command !== undefined && o.command !== null) l.command = r.str(o.command, `[${i}].command`);
    if (o.startedAt !== undefined && o.startedAt !== null) {
      // YAML reads an unquoted timestamp as a string (yaml 2, core schema); a Date would come from another schema.
      const at = o.startedAt instanceof Date ? o.startedAt.toISOString() : r.str(o.startedAt, `[${i}].startedAt`);
      if (!Number.isFinite(Date.parse(at))) r.fail(`[${i}].startedAt`, "an RFC 3339 time", at);
      l.startedAt = at;
    }
    return l;
  });
}

/** Parses `host/interfaces.yaml` (YAML list of `{ name, address, family?, internal? }`; a `/prefix` after the address is dropped). @throws SnapshotError */
export function interfaceList(text: string, rel: string): HostInterface[] {
  const r = new Reader(rel);
  const v = parseYamlFile(text, rel);
  if (v === null || v === undefined) return [];
  return r.arr(v, "(top level)").map((x, i) => {
    const o = r.obj(x, `[${i}]`);
    const address = r.str(o.address, `[${i}].address`).replace(/\/\d+$/, "");
    const family = o.family === undefined || o.family === null ? (address.includes(":") ? "IPv6" : "IPv4") : r.str(o.family, `[${i}].family`);
    if (family !== "IPv4" && family !== "IPv6") r.fail(`[${i}].family`, "IPv4 or IPv6", family);
    if (o.internal !== undefined && o.internal !== null && typeof o.internal !== "boolean") r.fail(`[${i}].internal`, "a boolean", o.internal);
    return { name: r.str(o.name, `[${i}].name`), address, family: family as HostInterface["family"], internal: o.internal === true };
  });
}
