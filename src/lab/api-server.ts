/**
 * A Kubernetes API server stand-in over HTTPS on 127.0.0.1 (DESIGN §8). It
 * serves a scenario's objects at the real API paths — legacy discovery, list
 * and get (with label/field selectors and limit/continue pagination),
 * server-side printing (meta.k8s.io/v1 Table), POST/PUT/PATCH/DELETE with
 * resourceVersion optimistic concurrency, the service proxy and pod log
 * subresources — with bearer-token auth, injected latency and per-resource
 * 403s. Error bodies are `Status` objects worded as kube-apiserver words them
 * (apimachinery `pkg/api/errors`). Good enough for the real `kubectl` and
 * `@kubernetes/client-node`.
 */
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { KubeObject } from "../kube/types.js";
import type { HttpAnswer } from "./scenario.js";
import { BUILTIN, SUBRESOURCES, resourcesFor, splitApiVersion, type ResourceInfo } from "./resources.js";
import { SelectorError, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { PatchError, jsonPatch, mergePatch, strategicMergePatch } from "./patch.js";
import { toTable } from "./table.js";
import { defaultService, ServiceInvalid } from "./service-defaults.js";
import { selfSignedCert, type ServingCert } from "./tls.js";

/** The user the lab's token authenticates as; named in 403 messages. */
export const LAB_USER = "system:serviceaccount:default:netdoctor";

/** What the API stand-in serves; replaceable while running (reactions). */
export interface ApiServerConfig {
  objects: KubeObject[];
  /** Injected delay before every answer, in ms. */
  latencyMs: number;
  /** Resource plurals (or `plural.group`) answered 403 Forbidden. */
  forbid: string[];
  /** Service proxy answers by `namespace/name:port`. */
  serviceProxy: Record<string, HttpAnswer>;
  /** Directory holding `logs/<ns>/<pod>/<container>.log` (the scenario directory), or null. */
  logsRoot: string | null;
}

/** A successful change, as reactions match it. `verb`: create | update | patch | delete. */
export interface ApiChange {
  verb: "create" | "update" | "patch" | "delete";
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** A copy of the stored object after the change (create, update, patch), or of the object as it was before a delete. */
  object: KubeObject;
}

/** Request counters: total, and per URL path (query excluded), and how the requests overlapped in time. */
export interface ApiStats {
  requests: number;
  byPath: Record<string, number>;
  /**
   * Round trips on the critical path: the longest chain of requests where
   * each arrived after the answer to the one before was sent — the number
   * of sequential waits a client spent on the API server (what injected
   * latency multiplies). Requests still unanswered are left out.
   */
  roundTrips: number;
  /** Most requests the server held at once (arrived, not yet answered). */
  maxInFlight: number;
}

/** The longest chain of non-overlapping intervals (greedy by end time: the classic interval-scheduling optimum). */
export function criticalPathLength(intervals: { start: number; end: number }[]): number {
  let n = 0;
  let lastEnd = -Infinity;
  for (const i of [...intervals].sort((a, b) => a.end - b.end)) {
    if (i.start >= lastEnd) {
      n++;
      lastEnd = i.end;
    }
  }
  return n;
}

/** A running API stand-in. */
export interface ApiServer {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  port: number;
  token: string;
  /** PEM certificate of the server, which is also its CA (kubeconfig `certificate-authority-data`). */
  ca: string;
  stats(): ApiStats;
  resetStats(): void;
  /** Every stored object (copies), e.g. to assert what a fix changed. */
  objects(): KubeObject[];
  /** Replaces what is served (objects, proxy answers, latency, forbid). */
  reconfigure(config: ApiServerConfig): void;
  close(): Promise<void>;
}

/** Options of startApiServer. `onChange` runs after each successful write, before the answer is sent. */
export interface ApiServerOptions {
  token?: string;
  /** Port to listen on (default 0: any free port). Always 127.0.0.1. */
  port?: number;
  /** Serving certificate (default: a fresh self-signed one; kubectl sends tokens only over TLS). */
  tls?: ServingCert;
  /**
   * PEM of a client CA: also authenticate TLS client certificates it signed
   * (see `clientCert` in ./tls.ts), as kube-apiserver does with
   * `--client-ca-file` (k3s: `client-ca.crt`): the certificate's CN is the user.
   */
  clientCa?: string;
  onChange?: (change: ApiChange) => void | Promise<void>;
}

interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code: number;
}

class HttpStatus extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: Record<string, unknown>): HttpStatus {
  const s: StatusBody = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details) s.details = details;
  return new HttpStatus(s);
}

/** `services` or `httproutes.gateway.networking.k8s.io`: how the API server names a resource in messages. */
function qualified(res: ResourceInfo): string {
  return res.group ? `${res.plural}.${res.group}` : res.plural;
}

function details(res: ResourceInfo, name?: string): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (name !== undefined) d.name = name;
  if (res.group) d.group = res.group;
  d.kind = res.plural;
  return d;
}

const notFound = (res: ResourceInfo, name: string): HttpStatus => failure(404, "NotFound", `${qualified(res)} "${name}" not found`, details(res, name));
const pathNotFound = (): HttpStatus => failure(404, "NotFound", "the server could not find the requested resource", {});
const conflict = (res: ResourceInfo, name: string, why = "the object has been modified; please apply your changes to the latest version and try again"): HttpStatus =>
  failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(res)} "${name}": ${why}`, details(res, name));

function forbidden(res: ResourceInfo, verb: string, ns: string | undefined, name: string | undefined, sub?: string): HttpStatus {
  const what = name === undefined ? qualified(res) : `${qualified(res)} "${name}"`;
  const resource = sub ? `${res.plural}/${sub}` : res.plural;
  const scope = ns === undefined ? "at the cluster scope" : `in the namespace "${ns}"`;
  return failure(403, "Forbidden", `${what} is forbidden: User "${LAB_USER}" cannot ${verb} resource "${resource}" in API group "${res.group}" ${scope}`, details(res, name));
}

function gvOf(res: ResourceInfo, version: string): string {
  return res.group ? `${res.group}/${version}` : version;
}

function objKey(ns: string | undefined, name: string): string {
  return `${ns ?? ""}/${name}`;
}

function uidFor(o: KubeObject): string {
  const h = createHash("sha256").update(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The kube-apiserver version the stand-in reports: the first node's kubelet version, else a k3s 1.31 build. */
function versionInfo(objects: KubeObject[]): Record<string, string> {
  const node = objects.find((o) => o.kind === "Node") as { status?: { nodeInfo?: { kubeletVersion?: string } } } | undefined;
  const git = node?.status?.nodeInfo?.kubeletVersion ?? "v1.31.5+k3s1";
  const m = /^v(\d+)\.(\d+)/.exec(git);
  return {
    major: m?.[1] ?? "1",
    minor: m?.[2] ?? "31",
    gitVersion: git,
    gitCommit: "56ec5dd4d99e2c5e4fa7a2bc7b2e1c4e9d3fc9de",
    gitTreeState: "clean",
    buildDate: "2025-01-24T01:48:27Z",
    goVersion: "go1.22.10",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** Objects in list order with their `namespace/name` keys, index for index. */
interface Keyed {
  items: KubeObject[];
  keys: string[];
}

/** The store: objects by resource (group/kind), then `ns/name`. */
class Store {
  resources: ResourceInfo[] = [];
  private byGVR = new Map<string, ResourceInfo>();
  private data = new Map<string, Map<string, KubeObject>>();
  rv = 1000;
  /** Bumped by every load, so cached list orders of a previous load are never reused. */
  generation = 0;

  load(objects: KubeObject[]): void {
    this.generation++;
    this.data.clear();
    this.rebuild(objects);
    for (const o of objects) {
      const res = this.resourceOf(o);
      if (!res) continue;
      const c = structuredClone(o);
      if (res.namespaced && !c.metadata.namespace) c.metadata.namespace = "default";
      if (!res.namespaced) delete c.metadata.namespace;
      c.metadata.uid ??= uidFor(c);
      if (c.metadata.resourceVersion === undefined) c.metadata.resourceVersion = String(++this.rv);
      else this.rv = Math.max(this.rv, Number(c.metadata.resourceVersion) || 0);
      c.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
      this.bucket(res).set(objKey(c.metadata.namespace, c.metadata.name), c);
    }
  }

  rebuild(objects: KubeObject[]): void {
    this.resources = resourcesFor(objects);
    this.byGVR.clear();
    for (const r of this.resources) for (const v of r.versions) this.byGVR.set(`${r.group}/${v}/${r.plural}`, r);
  }

  /** The Node objects (what `/version` reads), without flattening every bucket. */
  nodes(): KubeObject[] {
    const res = this.resources.find((r) => !r.group && r.kind === "Node");
    const bucket = res ? this.data.get(`${res.group}/${res.kind}`) : undefined;
    return bucket ? [...bucket.values()] : [];
  }

  all(): KubeObject[] {
    return [...this.data.values()].flatMap((m) => [...m.values()]);
  }

  resourceOf(o: KubeObject): ResourceInfo | undefined {
    if (!o.apiVersion || !o.kind) return undefined;
    const { group } = splitApiVersion(o.apiVersion);
    return this.resources.find((r) => r.group === group && r.kind === o.kind);
  }

  lookup(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.byGVR.get(`${group}/${version}/${plural}`);
  }

  bucket(res: ResourceInfo): Map<string, KubeObject> {
    const k = `${res.group}/${res.kind}`;
    let m = this.data.get(k);
    if (!m) this.data.set(k, (m = new Map()));
    return m;
  }

  groups(): { name: string; versions: string[] }[] {
    const order = ["apps", "batch", "networking.k8s.io", "apiextensions.k8s.io", "discovery.k8s.io"];
    const gs = new Map<string, string[]>();
    for (const r of this.resources) {
      if (!r.group) continue;
      const have = gs.get(r.group) ?? [];
      for (const v of r.versions) if (!have.includes(v)) have.push(v);
      gs.set(r.group, have);
    }
    return [...gs.entries()]
      .map(([name, versions]) => ({ name, versions }))
      .sort((a, b) => {
        const ia = order.indexOf(a.name);
        const ib = order.indexOf(b.name);
        if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
        return a.name.localeCompare(b.name);
      });
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJsonBody(text: string): unknown {
  try {
    return text.trim() === "" ? {} : JSON.parse(text);
  } catch (e) {
    throw failure(400, "BadRequest", `the body of the request was in an unknown format: ${(e as Error).message}`);
  }
}

interface Parsed {
  res: ResourceInfo;
  version: string;
  ns?: string;
  name?: string;
  sub?: string;
  subPath?: string;
}

/**
 * Starts the API stand-in on 127.0.0.1. Resolves once listening.
 * `config` may be replaced later with `reconfigure`.
 */
export async function startApiServer(config: ApiServerConfig, options: ApiServerOptions = {}): Promise<ApiServer> {
  const token = options.token ?? randomBytes(24).toString("hex");
  let cfg = config;
  const store = new Store();
  store.load(cfg.objects);
  let stats = { requests: 0, byPath: {} as Record<string, number>, intervals: [] as { start: number; end: number }[], inFlight: 0, maxInFlight: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: http.ServerResponse, code: number, body: unknown, contentType = "application/json"): void => {
    if (res.headersSent || res.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(code, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(text),
      "Cache-Control": "no-cache, private",
      "Audit-Id": randomBytes(16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"),
    });
    res.end(text);
  };

  /** `forbid` entries: `RESOURCE` forbids every verb on it, `VERB RESOURCE` (e.g. `delete helmcharts`) only that verb (RBAC without that verb). */
  const isForbidden = (r: ResourceInfo, verb: string): boolean => [r.plural, qualified(r)].some((name) => cfg.forbid.includes(name) || cfg.forbid.includes(`${verb} ${name}`));

  function parseResourcePath(group: string, version: string, rest: string[]): Parsed {
    let ns: string | undefined;
    let parts = rest;
    if (parts[0] === "namespaces" && parts.length >= 3) {
      ns = parts[1];
      parts = parts.slice(2);
    }
    const [plural, name, sub, ...subRest] = parts;
    const res = store.lookup(group, version, plural!);
    if (!res) throw pathNotFound();
    if (ns !== undefined && !res.namespaced) throw pathNotFound();
    const p: Parsed = { res, version };
    if (ns !== undefined) p.ns = ns;
    if (name !== undefined) p.name = name;
    if (sub !== undefined) {
      p.sub = sub;
      p.subPath = subRest.join("/");
    }
    if (res.namespaced && ns === undefined && name !== undefined) throw pathNotFound();
    return p;
  }

  /** The object as served at `version`: apiVersion set, kind set. */
  const served = (o: KubeObject, p: Parsed): KubeObject => ({ ...o, apiVersion: gvOf(p.res, p.version), kind: p.res.kind });

  function listObjects(p: Parsed, url: URL): { items: KubeObject[]; meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } } {
    const bucket = store.bucket(p.res);
    const ls = url.searchParams.get("labelSelector");
    const fs = url.searchParams.get("fieldSelector");
    // A list across all namespaces without selectors, page after page: sort the bucket once per store revision, not once per page.
    if (p.ns === undefined && !ls && !fs) return page(sortedBucket(bucket), url);
    let items = [...bucket.values()];
    if (p.ns !== undefined) items = items.filter((o) => o.metadata.namespace === p.ns);
    try {
      if (ls) {
        const reqs = parseLabelSelector(ls);
        items = items.filter((o) => matchesLabels(reqs, o.metadata.labels));
      }
      if (fs) {
        const reqs = parseFieldSelector(fs, p.res.kind);
        items = items.filter((o) => matchesFields(reqs, o as unknown as Record<string, unknown>));
      }
    } catch (e) {
      if (e instanceof SelectorError) throw failure(400, "BadRequest", e.message);
      throw e;
    }
    return page(sortKeyed(items), url);
  }

  /** Objects in the API server's order: by `namespace/name` byte for byte, the order of their etcd keys (`/registry/pods/NS/NAME`), with those keys beside them. */
  function sortKeyed(objects: Iterable<KubeObject>): Keyed {
    const keyed = [...objects].map((o) => ({ o, k: objKey(o.metadata.namespace, o.metadata.name) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    return { items: keyed.map((x) => x.o), keys: keyed.map((x) => x.k) };
  }

  const sortedCache = new WeakMap<Map<string, KubeObject>, { version: string; sorted: Keyed }>();
  function sortedBucket(bucket: Map<string, KubeObject>): Keyed {
    const version = `${store.generation}:${store.rv}:${bucket.size}`;
    const hit = sortedCache.get(bucket);
    if (hit && hit.version === version) return hit.sorted;
    const sorted = sortKeyed(bucket.values());
    sortedCache.set(bucket, { version, sorted });
    return sorted;
  }

  /** One page of sorted `items` after `continue` (found by binary search among the keys), at most `limit` long. */
  function page(sorted: Keyed, url: URL): { items: KubeObject[]; meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } } {
    const { items: all, keys } = sorted;
    let from = 0;
    const cont = url.searchParams.get("continue");
    if (cont) {
      let after: string;
      try {
        const t = JSON.parse(Buffer.from(cont, "base64url").toString("utf8")) as { start?: unknown };
        if (typeof t.start !== "string") throw new Error("no start");
        after = t.start;
      } catch {
        throw failure(400, "BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
      }
      // The first key greater than `after`.
      let hi = keys.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if (keys[mid]! > after) hi = mid;
        else from = mid + 1;
      }
    }
    const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(store.rv) };
    const limit = Number(url.searchParams.get("limit") ?? "0");
    const left = all.length - from;
    if (limit > 0 && left > limit) {
      meta.continue = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: store.rv, start: keys[from + limit - 1]! })).toString("base64url");
      meta.remainingItemCount = left - limit;
      return { items: all.slice(from, from + limit), meta };
    }
    return { items: from ? all.slice(from) : all, meta };
  }

  /** Item texts by served group/version ("" for built-in kinds), for the store revision `itemTextsAt`. */
  const itemTexts = new Map<string, WeakMap<KubeObject, string>>();
  let itemTextsAt = "";
  /**
   * An object's JSON as a list item — a built-in kind without apiVersion/kind
   * (typed lists carry none per item), a custom resource (unstructured) as
   * served at the version asked — kept until the store changes: the pages of
   * a large list are joins of texts, not a serialization per request.
   */
  function itemText(o: KubeObject, p: Parsed): string {
    const at = `${store.generation}:${store.rv}`;
    if (at !== itemTextsAt) {
      itemTexts.clear();
      itemTextsAt = at;
    }
    const gv = p.res.custom ? gvOf(p.res, p.version) : "";
    let texts = itemTexts.get(gv);
    if (!texts) itemTexts.set(gv, (texts = new WeakMap()));
    let text = texts.get(o);
    if (text === undefined) {
      if (p.res.custom) text = JSON.stringify(served(o, p));
      else {
        const { apiVersion: _a, kind: _k, ...rest } = o;
        text = JSON.stringify(rest);
      }
      texts.set(o, text);
    }
    return text;
  }

  const wantsTable = (req: http.IncomingMessage): boolean => /as=Table/.test(req.headers.accept ?? "");

  async function notify(change: ApiChange): Promise<void> {
    if (options.onChange) await options.onChange(change);
  }

  function bump(o: KubeObject): void {
    o.metadata.resourceVersion = String(++store.rv);
  }

  function afterCrdChange(): void {
    store.rebuild(store.all());
  }

  async function handleServiceProxy(p: Parsed, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = p.name!;
    const parts = raw.split(":");
    const name = parts.length === 3 ? parts[1]! : parts[0]!;
    let port = parts.length === 3 ? parts[2]! : parts[1] ?? "";
    const svc = store.bucket(p.res).get(objKey(p.ns, name));
    if (!svc) throw notFound(p.res, name);
    const ports = ((svc as { spec?: { ports?: { port: number; name?: string; targetPort?: number | string }[] } }).spec?.ports ?? []);
    const sp = port === "" ? ports[0] : ports.find((x) => String(x.port) === port || x.name === port);
    if (port === "" && sp) port = String(sp.port);
    const keys = [`${p.ns}/${name}:${port}`, ...(sp ? [`${p.ns}/${name}:${sp.port}`, ...(sp.name ? [`${p.ns}/${name}:${sp.name}`] : [])] : []), `${p.ns}/${name}`];
    const key = keys.find((k) => k in cfg.serviceProxy);
    if (key === undefined) {
      // No answer declared: as kube-apiserver does when nothing listens at the endpoint it picked.
      const slices = [...store.all()].filter((o) => o.kind === "EndpointSlice" && o.metadata.namespace === p.ns && o.metadata.labels?.["kubernetes.io/service-name"] === name) as unknown as {
        endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
        ports?: { name?: string; port?: number }[] | null;
      }[];
      const slice = slices.find((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready !== false && e.addresses.length > 0));
      if (!slice) throw failure(503, "ServiceUnavailable", `no endpoints available for service "${name}"`);
      const ep = slice.endpoints!.find((e) => e.conditions?.ready !== false)!;
      const epPort = (slice.ports ?? []).find((x) => x.name === (sp?.name ?? "")) ?? (slice.ports ?? [])[0];
      const target = `${ep.addresses[0]}:${epPort?.port ?? sp?.targetPort ?? port}`;
      throw failure(503, "ServiceUnavailable", `error trying to reach service: dial tcp ${target}: connect: connection refused`);
    }
    const a = cfg.serviceProxy[key]!;
    await readBody(req);
    const headers: Record<string, string | number> = { "Content-Length": Buffer.byteLength(a.body), ...a.headers };
    if (!Object.keys(a.headers).some((h) => h.toLowerCase() === "content-type")) headers["Content-Type"] = "text/plain; charset=utf-8";
    res.writeHead(a.status, headers);
    res.end(a.body);
  }

  async function handlePodLog(p: Parsed, url: URL, res: http.ServerResponse): Promise<void> {
    const pod = store.bucket(p.res).get(objKey(p.ns, p.name!)) as { spec?: { containers?: { name: string }[] } } | undefined;
    if (!pod) throw notFound(p.res, p.name!);
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    let container = url.searchParams.get("container") ?? "";
    if (!container) {
      if (names.length !== 1) throw failure(400, "BadRequest", `a container name must be specified for pod ${p.name}, choose one of: [${names.join(" ")}]`);
      container = names[0]!;
    } else if (!names.includes(container)) throw failure(400, "BadRequest", `container ${container} is not valid for pod ${p.name}`);
    let text = "";
    if (cfg.logsRoot) text = await readFile(path.join(cfg.logsRoot, "logs", p.ns!, p.name!, `${container}.log`), "utf8").catch(() => "");
    const tail = url.searchParams.get("tailLines");
    if (tail !== null) {
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      const n = Math.max(0, Number(tail));
      text = lines.slice(Math.max(0, lines.length - n)).map((l) => `${l}\n`).join("");
    }
    send(res, 200, text, "text/plain");
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const counted = stats;
    counted.requests++;
    counted.byPath[url.pathname] = (counted.byPath[url.pathname] ?? 0) + 1;
    const start = performance.now();
    counted.inFlight++;
    counted.maxInFlight = Math.max(counted.maxInFlight, counted.inFlight);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      counted.inFlight--;
      counted.intervals.push({ start, end: performance.now() });
    };
    // The answer counts as sent when the handler ends it (a client may read it and ask again before "finish" fires).
    const endResponse = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
    res.end = ((...a: unknown[]) => {
      end();
      return endResponse(...a);
    }) as typeof res.end;
    res.once("close", end);
    if (cfg.latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, cfg.latencyMs);
        timers.add(t);
      });
    }
    const certUser = options.clientCa && (req.socket as TLSSocket).authorized ? (req.socket as TLSSocket).getPeerCertificate().subject?.CN : undefined;
    if (req.headers.authorization !== `Bearer ${token}` && !certUser) throw failure(401, "Unauthorized", "Unauthorized");

    const segs = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? "GET";
    if (segs.length === 1 && segs[0] === "version") return send(res, 200, versionInfo(store.nodes()));
    if (segs.length === 1 && ["healthz", "livez", "readyz"].includes(segs[0]!)) return send(res, 200, "ok", "text/plain; charset=utf-8");
    if (segs[0] === "api" && segs.length === 1) {
      return send(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "172.18.0.2:6443" }] });
    }
    if (segs[0] === "apis" && segs.length === 1) {
      return send(res, 200, {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: store.groups().map((g) => ({
          name: g.name,
          versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
        })),
      });
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === "api" && segs[1] === "v1") [group, version, rest] = ["", "v1", segs.slice(2)];
    else if (segs[0] === "apis" && segs.length >= 2) {
      const g = store.groups().find((x) => x.name === segs[1]);
      if (!g) throw pathNotFound();
      if (segs.length === 2) {
        return send(res, 200, {
          kind: "APIGroup",
          apiVersion: "v1",
          name: g.name,
          versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
        });
      }
      if (!g.versions.includes(segs[2]!)) throw pathNotFound();
      [group, version, rest] = [segs[1]!, segs[2]!, segs.slice(3)];
    } else throw pathNotFound();

    if (rest.length === 0) {
      const list = store.resources.filter((r) => r.group === group && r.versions.includes(version));
      const resources: Record<string, unknown>[] = [];
      for (const r of list.sort((a, b) => a.plural.localeCompare(b.plural))) {
        const e: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
        if (r.shortNames.length) e.shortNames = r.shortNames;
        if (r.categories.length) e.categories = r.categories;
        e.storageVersionHash = createHash("sha256").update(`${r.group}/${r.kind}`).digest("base64").slice(0, 11) + "=";
        resources.push(e);
        for (const s of SUBRESOURCES.filter((x) => x.group === group && x.name.startsWith(`${r.plural}/`))) {
          resources.push({ name: s.name, singularName: "", namespaced: r.namespaced, kind: s.kind, verbs: s.verbs });
        }
      }
      const body: Record<string, unknown> = { kind: "APIResourceList", groupVersion: group ? `${group}/${version}` : version, resources };
      if (group) body.apiVersion = "v1";
      return send(res, 200, body);
    }

    const p = parseResourcePath(group, version, rest);
    const verb =
      method === "GET" ? (p.name === undefined ? (url.searchParams.get("watch") === "true" ? "watch" : "list") : "get")
      : method === "POST" ? "create"
      : method === "PUT" ? "update"
      : method === "PATCH" ? "patch"
      : method === "DELETE" ? (p.name === undefined ? "deletecollection" : "delete")
      : "";
    if (!verb) throw failure(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`);
    if (isForbidden(p.res, verb)) throw forbidden(p.res, p.sub === "proxy" && verb === "get" ? "get" : verb, p.ns, p.name, p.sub);

    if (p.sub !== undefined) {
      if (p.res.kind === "Service" && !p.res.group && p.sub === "proxy") return handleServiceProxy(p, req, res);
      if (p.res.kind === "Pod" && !p.res.group && p.sub === "log" && method === "GET") return handlePodLog(p, url, res);
      if (p.sub === "status" && method === "GET") {
        const o = store.bucket(p.res).get(objKey(p.ns, p.name!));
        if (!o) throw notFound(p.res, p.name!);
        return send(res, 200, served(o, p));
      }
      throw pathNotFound();
    }
    if (verb === "watch") throw failure(405, "MethodNotAllowed", "watch is not supported by the netdoctor lab API stand-in");
    if (verb === "deletecollection") throw failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    const bucket = store.bucket(p.res);
    const include = url.searchParams.get("includeObject") ?? "Metadata";
    if (verb === "list") {
      const { items, meta } = listObjects(p, url);
      if (wantsTable(req)) return send(res, 200, toTable(p.res, items.map((o) => served(o, p)), include, meta));
      // JSON.stringify of {kind, apiVersion, metadata, items}, with each item's text from the cache.
      const head = JSON.stringify({ kind: `${p.res.kind}List`, apiVersion: gvOf(p.res, p.version), metadata: meta });
      return send(res, 200, `${head.slice(0, -1)},"items":[${items.map((o) => itemText(o, p)).join(",")}]}`);
    }
    if (verb === "get") {
      const o = bucket.get(objKey(p.ns, p.name!));
      if (!o) throw notFound(p.res, p.name!);
      if (wantsTable(req)) return send(res, 200, toTable(p.res, [served(o, p)], include, { resourceVersion: o.metadata.resourceVersion ?? String(store.rv) }));
      return send(res, 200, served(o, p));
    }

    const dryRun = url.searchParams.getAll("dryRun").includes("All");
    const bodyText = await readBody(req);
    if (verb === "create") {
      const o = parseJsonBody(bodyText) as KubeObject;
      if (typeof o !== "object" || o === null || typeof o.metadata !== "object" || o.metadata === null) throw failure(400, "BadRequest", "the body of the request must be an object with metadata");
      if (o.kind && o.kind !== p.res.kind) throw failure(400, "BadRequest", `the API version in the data (${o.apiVersion}) does not match the expected API version (${gvOf(p.res, p.version)})`);
      if (!o.metadata.name && typeof o.metadata.generateName === "string") o.metadata.name = `${o.metadata.generateName}${randomBytes(3).toString("hex").slice(0, 5)}`;
      if (!o.metadata.name) throw failure(422, "Invalid", `${p.res.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, details(p.res, ""));
      if (p.res.namespaced) {
        if (o.metadata.namespace && o.metadata.namespace !== p.ns) throw failure(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        o.metadata.namespace = p.ns;
        const nsBucket = store.bucket(BUILTIN.find((r) => r.kind === "Namespace")!);
        if (nsBucket.size > 0 && !nsBucket.has(objKey(undefined, p.ns!))) throw failure(404, "NotFound", `namespaces "${p.ns}" not found`, { name: p.ns, kind: "namespaces" });
      }
      const key = objKey(p.ns, o.metadata.name);
      if (bucket.has(key)) throw failure(409, "AlreadyExists", `${qualified(p.res)} "${o.metadata.name}" already exists`, details(p.res, o.metadata.name));
      const stored: KubeObject = { ...o, apiVersion: gvOf(p.res, p.version), kind: p.res.kind };
      if (p.res.kind === "Service" && !p.res.group) serviceDefaults(stored, null, bucket.values(), o.metadata.name);
      stored.metadata.uid = randomBytes(16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
      stored.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      if (stored.spec !== undefined) stored.metadata.generation = 1;
      delete stored.metadata.resourceVersion;
      if (!dryRun) {
        bump(stored);
        bucket.set(key, stored);
        if (p.res.kind === "CustomResourceDefinition") afterCrdChange();
        await notify({ verb: "create", apiVersion: stored.apiVersion!, kind: stored.kind!, ...(p.ns ? { namespace: p.ns } : {}), name: stored.metadata.name, object: structuredClone(stored) });
      }
      return send(res, 201, served(stored, p));
    }

    const key = objKey(p.ns, p.name!);
    const current = bucket.get(key);
    if (!current) throw notFound(p.res, p.name!);
    if (verb === "delete") {
      const opts = parseJsonBody(bodyText) as { preconditions?: { resourceVersion?: string; uid?: string } };
      const pre = opts?.preconditions;
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(p.res, p.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
      }
      if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(p.res, p.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      if (!dryRun) {
        bucket.delete(key);
        store.rv++;
        if (p.res.kind === "CustomResourceDefinition") {
          const spec = (current as { spec?: { group?: string; names?: { kind?: string } } }).spec;
          const gone = store.resources.find((r) => r.group === spec?.group && r.kind === spec?.names?.kind);
          if (gone) store.bucket(gone).clear();
          afterCrdChange();
        }
        await notify({ verb: "delete", apiVersion: current.apiVersion ?? gvOf(p.res, p.version), kind: p.res.kind, ...(p.ns ? { namespace: p.ns } : {}), name: p.name!, object: structuredClone(current) });
      }
      if (p.res.custom) {
        return send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { ...details(p.res, p.name), uid: current.metadata.uid } });
      }
      return send(res, 200, served(current, p));
    }

    let next: KubeObject;
    if (verb === "update") {
      next = parseJsonBody(bodyText) as KubeObject;
      if (typeof next !== "object" || next === null || typeof next.metadata !== "object" || next.metadata === null) throw failure(400, "BadRequest", "the body of the request must be an object with metadata");
      if (next.metadata.name !== p.name) throw failure(400, "BadRequest", `the name of the object (${next.metadata.name}) does not match the name on the URL (${p.name})`);
    } else {
      const ct = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      const known = ["application/merge-patch+json", "application/json-patch+json", ...(p.res.custom ? [] : ["application/strategic-merge-patch+json"])];
      if (!known.includes(ct)) {
        throw failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${p.res.custom ? "" : ", application/strategic-merge-patch+json"}`);
      }
      const patch = parseJsonBody(bodyText);
      try {
        if (ct === "application/merge-patch+json") next = mergePatch(current, patch) as KubeObject;
        else if (ct === "application/strategic-merge-patch+json") {
          if (p.res.custom) throw failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
          next = strategicMergePatch(current, patch) as KubeObject;
        } else if (ct === "application/json-patch+json") next = jsonPatch(current, patch) as KubeObject;
        else {
          throw failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${p.res.custom ? "" : ", application/strategic-merge-patch+json"}`);
        }
      } catch (e) {
        if (e instanceof PatchError) throw failure(422, "Invalid", e.message);
        throw e;
      }
    }
    const wantRv = next.metadata?.resourceVersion;
    if (wantRv !== undefined && wantRv !== "" && wantRv !== current.metadata.resourceVersion) throw conflict(p.res, p.name!);
    if (p.res.kind === "Service" && !p.res.group) serviceDefaults(next, current, bucket.values(), p.name!);
    next.apiVersion = current.apiVersion ?? gvOf(p.res, p.version);
    next.kind = p.res.kind;
    next.metadata = { ...next.metadata, name: current.metadata.name, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion };
    if (p.res.namespaced) next.metadata.namespace = current.metadata.namespace;
    const changed = JSON.stringify(next) !== JSON.stringify(current);
    if (changed && !dryRun) {
      if (JSON.stringify(next.spec) !== JSON.stringify(current.spec) && typeof current.metadata.generation === "number") next.metadata.generation = current.metadata.generation + 1;
      bump(next);
      bucket.set(key, next);
      if (p.res.kind === "CustomResourceDefinition") afterCrdChange();
      await notify({ verb, apiVersion: next.apiVersion, kind: next.kind, ...(p.ns ? { namespace: p.ns } : {}), name: p.name!, object: structuredClone(next) });
    }
    return send(res, 200, served(changed && !dryRun ? next : current, p));
  }

  /** The API server's Service defaulting and nodePort allocation (./service-defaults.ts), as a 422 Status. */
  function serviceDefaults(next: KubeObject, current: KubeObject | null, others: Iterable<KubeObject>, name: string): void {
    try {
      defaultService(next, current, others);
    } catch (e) {
      if (e instanceof ServiceInvalid) throw failure(422, "Invalid", e.message, { name, kind: "Service" });
      throw e;
    }
  }

  const tls = options.tls ?? selfSignedCert();
  const clientAuth = options.clientCa ? { requestCert: true, rejectUnauthorized: false, ca: [options.clientCa] } : {};
  // HTTP/2 and HTTP/1.1 on one port, as kube-apiserver serves them (ALPN picks; kubectl speaks h2, most libraries 1.1).
  const server = http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true, ...clientAuth }, (rq, rs) => {
    const req = rq as unknown as http.IncomingMessage;
    const res = rs as unknown as http.ServerResponse;
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpStatus) send(res, e.status.code, e.status);
      else send(res, 500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Internal error occurred: ${(e as Error).message}`, reason: "InternalError", code: 500 });
    });
  });
  const connections = new Set<TLSSocket>();
  server.on("secureConnection", (socket: TLSSocket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    token,
    ca: tls.cert,
    stats: () => ({ requests: stats.requests, byPath: { ...stats.byPath }, roundTrips: criticalPathLength(stats.intervals), maxInFlight: stats.maxInFlight }),
    resetStats: () => {
      stats = { requests: 0, byPath: {}, intervals: [], inFlight: 0, maxInFlight: 0 };
    },
    objects: () => structuredClone(store.all()),
    reconfigure: (c) => {
      cfg = c;
      store.load(c.objects);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of connections) socket.destroy();
      await closed;
    },
  };
}
