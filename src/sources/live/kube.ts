/**
 * The live Kubernetes source (DESIGN §7): kubeconfig loading as kubectl does
 * it, lists of every KubeKind (`GET /api/v1/pods?limit=500`, `GET
 * /apis/GROUP/VERSION/PLURAL`, paginated with `continue`), memoised per
 * kind, as plain JSON — exactly what `kubectl get -o json` prints, plus
 * `apiVersion`/`kind` on every item (kubectl adds them to list items too).
 *
 * Requests go through ./kube-http.ts (node:https, one keep-alive agent,
 * every kubeconfig auth form); no generated API client is loaded, so a run
 * starts in a fraction of the time @kubernetes/client-node's models take to
 * load (issue 12).
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parseDataYaml } from "../../data-yaml.js";
import { KIND_INFO, type KindMap, type KubeKind } from "../../kube/types.js";
import { memoiser, raceSignal } from "./memo.js";
import { createKubeHttp, type KubeHttp, type KubeHttpRequest } from "./kube-http.js";
import { SourceError, type KubeInfo, type KubeSource, type KubeStats, type ServiceProxyResult } from "../types.js";
import { refText, type KubeWriter, type ObjectRef, type PatchType } from "../kube-writer.js";
import type { KubeObject } from "../../kube/types.js";

/** Options of `createKubeSource` (DESIGN §3 `--kubeconfig`, `--context`, `KUBECONFIG`). */
export interface KubeSourceOptions {
  /** `--kubeconfig FILE`: only this file is read (it must exist). */
  kubeconfig?: string;
  /** `--context NAME`: instead of the kubeconfig's `current-context`. */
  context?: string;
  /** Environment for `KUBECONFIG` and `HOME` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Timeout of each HTTP request to the API server, default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Page size of list requests (`limit`), default 500. */
  pageSize?: number;
}

type Raw = Record<string, unknown>;
interface Named {
  name: string;
  [key: string]: unknown;
}

/** The kubeconfig selection a run uses (raw kubeconfig entries, file paths made absolute). */
export interface LoadedKubeconfig {
  /** Files read, in precedence order. */
  files: string[];
  contextName: string;
  clusterName: string;
  userName: string;
  /** `namespace` of the context, `default` when unset. */
  namespace: string;
  /** The raw `cluster` map (`server`, `certificate-authority[-data]`, …). */
  cluster: Raw & { server: string };
  /** The raw `user` map (token, client certificate, exec, …); `{}` when the context names no user. */
  user: Raw;
}

const configError = (message: string, cause?: unknown) => new SourceError("invalid-config", "kube", "kubeconfig", message, cause === undefined ? undefined : { cause });

/** Keys holding file paths, resolved relative to the kubeconfig that names them (client-go `ResolvePaths`). */
const CLUSTER_PATH_KEYS = ["certificate-authority"];
const USER_PATH_KEYS = ["client-certificate", "client-key", "token-file"];

function absolutise(entry: unknown, keys: string[], dir: string): Raw {
  const out: Raw = { ...((entry ?? {}) as Raw) };
  for (const k of keys) {
    const v = out[k];
    if (typeof v === "string" && v && !isAbsolute(v)) out[k] = resolve(dir, v);
  }
  return out;
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return code ?? String(err);
}

/** Parse one kubeconfig file into named clusters/users/contexts with absolute paths. */
function parseFile(file: string, text: string) {
  let doc: unknown;
  try {
    doc = parseDataYaml(text);
  } catch (err) {
    throw configError(`kubeconfig ${file} is not valid YAML: ${String((err as Error).message).split("\n")[0]}`, err);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw configError(`kubeconfig ${file} is not a kubeconfig: expected a mapping with clusters, users and contexts`);
  const d = doc as Raw;
  const dir = dirname(file);
  const list = (key: string, inner: string, pathKeys: string[]): Named[] => {
    const v = d[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw configError(`kubeconfig ${file}: ${key} must be a list`);
    return v.map((e, i) => {
      if (typeof e !== "object" || e === null || typeof (e as Raw).name !== "string") throw configError(`kubeconfig ${file}: ${key}[${i}] has no name`);
      return { name: (e as Raw).name as string, [inner]: absolutise((e as Raw)[inner], pathKeys, dir) };
    });
  };
  const current = d["current-context"];
  return {
    clusters: list("clusters", "cluster", CLUSTER_PATH_KEYS),
    users: list("users", "user", USER_PATH_KEYS),
    contexts: list("contexts", "context", []),
    currentContext: typeof current === "string" ? current : "",
  };
}

/**
 * Load and merge kubeconfig files as kubectl does (client-go
 * `ClientConfigLoadingRules`): `--kubeconfig` alone when given (must exist);
 * else every file of `KUBECONFIG` (separated by `:`, `;` on Windows),
 * skipping files that do not exist, where the first file to define a
 * cluster/user/context name or `current-context` wins; else
 * `~/.kube/config`. Then selects `--context` or `current-context`.
 *
 * Throws SourceError `invalid-config` with one line: missing or unreadable
 * file, malformed YAML, no current context, unknown context (`context "foo"
 * not found in kubeconfig /path (contexts: a, b)`), or a context whose
 * cluster is missing or has no server.
 */
export function loadKubeconfig(opts: { kubeconfig?: string; context?: string; env?: NodeJS.ProcessEnv }): LoadedKubeconfig {
  const env = opts.env ?? process.env;
  let candidates: string[];
  let explicit = false;
  let origin: string;
  if (opts.kubeconfig) {
    candidates = [resolve(opts.kubeconfig)];
    explicit = true;
    origin = "--kubeconfig";
  } else if (env.KUBECONFIG) {
    candidates = env.KUBECONFIG.split(delimiter).filter(Boolean).map((f) => resolve(f));
    origin = `KUBECONFIG=${env.KUBECONFIG}`;
  } else {
    candidates = [join(env.HOME || env.USERPROFILE || homedir(), ".kube", "config")];
    origin = "default";
  }
  const files: string[] = [];
  const merged = { clusters: new Map<string, Raw>(), users: new Map<string, Raw>(), contexts: new Map<string, Raw>(), currentContext: "" };
  for (const file of candidates) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if (!explicit && (err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw configError(`cannot read kubeconfig ${file}: ${errnoText(err)}`, err);
    }
    files.push(file);
    const parsed = parseFile(file, text);
    for (const c of parsed.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c.cluster as Raw);
    for (const u of parsed.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u.user as Raw);
    for (const c of parsed.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c.context as Raw);
    if (!merged.currentContext && parsed.currentContext) merged.currentContext = parsed.currentContext;
  }
  if (files.length === 0) {
    throw configError(
      origin === "default"
        ? `no kubeconfig: ${candidates[0]} does not exist; set KUBECONFIG or pass --kubeconfig`
        : `no kubeconfig: none of the files in ${origin} exists`,
    );
  }
  const where = `kubeconfig ${files.join(delimiter)}`;
  const contexts = [...merged.contexts.keys()];
  const contextList = `(contexts: ${contexts.length ? contexts.join(", ") : "none"})`;
  const contextName = opts.context || merged.currentContext;
  if (!contextName) throw configError(`no current context in ${where} ${contextList}: pass --context`);
  const context = merged.contexts.get(contextName);
  if (!context) throw configError(`context "${contextName}" not found in ${where} ${contextList}`);
  const clusterName = typeof context.cluster === "string" ? context.cluster : "";
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) throw configError(`context "${contextName}" names cluster "${clusterName}", which is not in ${where}`);
  if (typeof cluster.server !== "string" || !cluster.server) throw configError(`cluster "${clusterName}" has no server in ${where}`);
  const userName = typeof context.user === "string" ? context.user : "";
  const namespace = typeof context.namespace === "string" && context.namespace ? context.namespace : "default";
  return { files, contextName, clusterName, userName, namespace, cluster: cluster as Raw & { server: string }, user: merged.users.get(userName) ?? {} };
}

/** The collection path of a kind across all namespaces: `/api/v1/pods`, `/apis/gateway.networking.k8s.io/v1/httproutes`. */
function listPath(kind: KubeKind): string {
  const info = KIND_INFO[kind];
  return info.group ? `/apis/${info.group}/${info.version}/${kind}` : `/api/${info.version}/${kind}`;
}

/** `plural.group/version` (core: `plural/v1`), as users see a resource. */
function resourceName(kind: KubeKind): string {
  const info = KIND_INFO[kind];
  return info.group ? `${kind}.${info.group}/${info.version}` : `${kind}/${info.version}`;
}

/**
 * The `metadata` of a list answer, read from its head without decoding the
 * items: kube-apiserver writes `{"kind":…,"apiVersion":…,"metadata":{…},"items":[…]}`
 * (Go's encoding of metav1.List types, fields in declaration order).
 * Undefined when the answer is not laid out so (then the caller decodes the
 * whole answer first and takes the metadata from there).
 */
export function listHeadMetadata(text: string): { continue?: string } | undefined {
  const at = text.indexOf(',"items":');
  if (at < 0 || at > 65_536) return undefined;
  try {
    const head = JSON.parse(`${text.slice(0, at)}}`) as { metadata?: unknown };
    const meta = head.metadata;
    if (!meta || typeof meta !== "object" || Array.isArray(meta)) return undefined;
    const cont = (meta as { continue?: unknown }).continue;
    return typeof cont === "string" ? { continue: cont } : {};
  } catch {
    return undefined;
  }
}

/** The `message` of a Kubernetes `Status` body, if it is one. */
function statusMessage(text: string | undefined): string {
  if (!text) return "";
  try {
    const s = JSON.parse(text) as { kind?: string; message?: string };
    if (s && typeof s.message === "string") return s.message.split("\n")[0]!;
  } catch {
    // not JSON
  }
  return text.split("\n")[0]!.slice(0, 200);
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name does not resolve (temporary failure)",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ECONNABORTED: "connection aborted",
};

/**
 * Build the live Kubernetes source. The kubeconfig is read when the source
 * is created (so `info()` can answer synchronously); certificate and token
 * files on the first request. Every method throws only SourceError.
 */
export function createKubeSource(opts: KubeSourceOptions = {}): KubeSource {
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const pageSize = opts.pageSize ?? 500;
  let loaded: LoadedKubeconfig | undefined;
  let loadError: SourceError | undefined;
  try {
    loaded = loadKubeconfig(opts);
  } catch (err) {
    loadError = err as SourceError;
  }
  const config = (): LoadedKubeconfig => {
    if (loadError) throw loadError;
    return loaded!;
  };

  const stats: KubeStats = { requests: 0, byKind: {} };
  const count = (key: string) => {
    stats.requests++;
    stats.byKind[key] = (stats.byKind[key] ?? 0) + 1;
  };

  let transport: KubeHttp | undefined;
  const http = (): KubeHttp => (transport ??= createKubeHttp(config(), opts.env ?? process.env));

  /**
   * One HTTP exchange with the API server. Returns the status and raw body
   * text; throws SourceError for transport failures, auth set-up failures
   * and aborts.
   */
  async function exchange(what: string, countKey: string, signal: AbortSignal, req: KubeHttpRequest): Promise<{ status: number; text: string }> {
    const t = http();
    const server = t.server;
    if (signal.aborted) throw new SourceError("timeout", "kube", countKey, `${what}: aborted: the run's deadline passed`);
    const deadline = AbortSignal.timeout(timeoutMs);
    const attempt = AbortSignal.any([signal, deadline]);
    count(countKey);
    try {
      return await t.request(req, attempt);
    } catch (err) {
      if (err instanceof SourceError && err.code !== "timeout") throw err;
      if (attempt.aborted) {
        const msg = deadline.aborted ? `no answer from the API server at ${server} within ${timeoutMs} ms` : "aborted: the run's deadline passed";
        throw new SourceError("timeout", "kube", countKey, `${what}: ${msg}`, { cause: err });
      }
      throw transportError(err, server, countKey, what);
    }
  }

  /** A non-2xx answer of the API server as a SourceError. */
  function httpError(status: number, text: string, subject: string, what: string, kind?: KubeKind): SourceError {
    const msg = statusMessage(text);
    if (status === 401) return new SourceError("unauthorized", "kube", subject, `${what}: unauthorized (401)${msg ? `: ${msg}` : ""}`);
    if (status === 403) {
      const detail = msg.replace(/^.*? is forbidden: /, "");
      return new SourceError("forbidden", "kube", subject, `${kind ?? what} is forbidden (403)${detail ? `: ${detail}` : ""}`);
    }
    if (status === 404 && kind) {
      return new SourceError("not-found", "kube", subject, `${resourceName(kind)} is not served by the API server (404)`);
    }
    if (status === 404) return new SourceError("not-found", "kube", subject, `${what}: not found (404)${msg ? `: ${msg}` : ""}`);
    return new SourceError("error", "kube", subject, `${what}: the API server answered ${status}${msg ? `: ${msg}` : ""}`);
  }

  function parseJson(text: string, subject: string, what: string): Raw {
    try {
      return JSON.parse(text) as Raw;
    } catch (err) {
      throw new SourceError("error", "kube", subject, `${what}: the API server answered something that is not JSON`, { cause: err });
    }
  }

  /**
   * Every page of a list. The request for the next page goes out before this
   * one is decoded — its `continue` token read from the list's `metadata`,
   * which the API server writes before the `items` — so the decoding of a
   * large list (20,000 pods: 40 pages) overlaps the server's work on the next
   * page instead of adding to it.
   */
  async function fetchAll<K extends KubeKind>(kind: K, signal: AbortSignal): Promise<KindMap[K][]> {
    const info = KIND_INFO[kind];
    const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
    const what = `list ${resourceName(kind)}`;
    const items: KindMap[K][] = [];
    const request = (cont: string | undefined) => {
      const query = `?limit=${pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
      const answer = exchange(what, kind, signal, { method: "GET", path: listPath(kind) + query });
      // Awaited below unless decoding this page fails first: never an unhandled rejection.
      answer.catch(() => undefined);
      return answer;
    };
    let next: Promise<{ status: number; text: string }> | undefined = request(undefined);
    while (next) {
      const { status, text } = await next;
      next = undefined;
      if (status < 200 || status > 299) throw httpError(status, text, kind, what, kind);
      const head = listHeadMetadata(text);
      if (head?.continue) next = request(head.continue);
      const list = parseJson(text, kind, what) as { items?: Raw[] | null; metadata?: { continue?: string } };
      for (const item of list.items ?? []) items.push({ apiVersion, kind: info.kind, ...item } as unknown as KindMap[K]);
      const cont = list.metadata?.continue || undefined;
      if (!head && cont) next = request(cont);
    }
    return items;
  }

  const memoise = memoiser(aborted);

  /** `/api/v1/namespaces/NS/services/NAME` or `/apis/GROUP/VERSION/…` of an object (plural from KIND_INFO). @throws SourceError for a kind netdoctor does not know */
  function objectPath(ref: ObjectRef, withName: boolean): string {
    const slash = ref.apiVersion.indexOf("/");
    const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
    const version = slash < 0 ? ref.apiVersion : ref.apiVersion.slice(slash + 1);
    const plural = (Object.keys(KIND_INFO) as KubeKind[]).find((k) => KIND_INFO[k].kind === ref.kind && KIND_INFO[k].group === group);
    if (!plural) throw new SourceError("error", "kube", ref.kind, `netdoctor does not know the resource of ${ref.apiVersion} ${ref.kind}`);
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = KIND_INFO[plural].namespaced ? `/namespaces/${encodeURIComponent(ref.namespace)}` : "";
    return `${base}${ns}/${plural}${withName ? `/${encodeURIComponent(ref.name)}` : ""}`;
  }

  /** One write (or GET) of one object at its own path (the collection for create). */
  async function objectCall(
    verb: "get" | "delete" | "patch" | "create",
    ref: ObjectRef,
    signal: AbortSignal,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; text: string; what: string }> {
    const what = `${verb} ${refText(ref)}`;
    const path = objectPath(ref, verb !== "create");
    const method = ({ get: "GET", delete: "DELETE", patch: "PATCH", create: "POST" } as const)[verb];
    const { status, text } = await exchange(what, "write", signal, { method, path, ...(body !== undefined ? { body: JSON.stringify(body), contentType: contentType ?? "application/json" } : {}) });
    return { status, text, what };
  }

  /** A failed write as SourceError: 409 → `conflict` with the API server's message. */
  function writeError(status: number, text: string, ref: ObjectRef, what: string): SourceError {
    if (status === 409) return new SourceError("conflict", "kube", refText(ref), `${what}: ${statusMessage(text) || "conflict (409)"}`);
    return httpError(status, text, refText(ref), what);
  }

  const PATCH_TYPES: Record<PatchType, string> = { strategic: "application/strategic-merge-patch+json", merge: "application/merge-patch+json" };

  const writer: KubeWriter = {
    async get(ref, signal) {
      const { status, text, what } = await objectCall("get", ref, signal);
      if (status === 404) return null;
      if (status < 200 || status > 299) throw writeError(status, text, ref, what);
      return { apiVersion: ref.apiVersion, kind: ref.kind, ...parseJson(text, refText(ref), what) } as KubeObject;
    },
    async delete(ref, pre, signal) {
      const body = { apiVersion: "v1", kind: "DeleteOptions", preconditions: pre };
      const { status, text, what } = await objectCall("delete", ref, signal, body);
      if (status < 200 || status > 299) throw writeError(status, text, ref, what);
    },
    async patch(ref, patch, type, signal) {
      const { status, text, what } = await objectCall("patch", ref, signal, patch, PATCH_TYPES[type]);
      if (status < 200 || status > 299) throw writeError(status, text, ref, what);
      return { apiVersion: ref.apiVersion, kind: ref.kind, ...parseJson(text, refText(ref), what) } as KubeObject;
    },
    async create(object, signal) {
      const ref: ObjectRef = { apiVersion: object.apiVersion ?? "", kind: object.kind ?? "", namespace: object.metadata.namespace ?? "", name: object.metadata.name };
      const { status, text, what } = await objectCall("create", ref, signal, object, "application/json");
      if (status < 200 || status > 299) throw writeError(status, text, ref, what);
      return { apiVersion: ref.apiVersion, kind: ref.kind, ...parseJson(text, refText(ref), what) } as KubeObject;
    },
  };

  return {
    info(): KubeInfo {
      const c = config();
      return { context: c.contextName, cluster: c.clusterName, server: c.cluster.server, namespace: c.namespace };
    },
    version(signal) {
      return memoise("version", signal, async () => {
        const what = "GET /version";
        const { status, text } = await exchange(what, "version", signal, { method: "GET", path: "/version" });
        if (status < 200 || status > 299) throw httpError(status, text, "version", what);
        return parseJson(text, "version", what) as { gitVersion: string };
      });
    },
    list(kind, signal) {
      if (!(kind in KIND_INFO)) return Promise.reject(new SourceError("error", "kube", String(kind), `unknown resource kind ${String(kind)}`));
      return memoise(kind, signal, () => fetchAll(kind, signal));
    },
    async serviceProxy(namespace, name, port, path, signal): Promise<ServiceProxyResult> {
      const what = `GET service proxy ${namespace}/${name}:${port}${path.startsWith("/") ? path : `/${path}`}`;
      const rel = path.replace(/^\/+/, "");
      const suffix = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}:${encodeURIComponent(String(port))}/proxy/${encodePath(rel)}`;
      const { status, text } = await raceSignal(
        exchange(what, "proxy", signal, { method: "GET", path: suffix, accept: "*/*" }),
        signal,
        () => aborted("proxy"),
      );
      // The API server's own refusal (RBAC on services/proxy, bad token) is a read failure, not the backend's answer.
      if ((status === 401 || status === 403) && isStatusObject(text)) throw httpError(status, text, "proxy", what);
      return { status, body: Buffer.from(text, "utf8").subarray(0, 4096).toString("utf8") };
    },
    async podLogs(namespace, pod, container, tailLines, signal): Promise<string> {
      const what = `GET log of pod ${namespace}/${pod} container ${container}`;
      const { status, text } = await raceSignal(
        exchange(what, "logs", signal, {
          method: "GET",
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?container=${encodeURIComponent(container)}&tailLines=${tailLines}`,
          accept: "*/*",
        }),
        signal,
        () => aborted("logs"),
      );
      if (status < 200 || status > 299) throw httpError(status, text, `${namespace}/${pod}`, what);
      return text;
    },
    stats: () => ({ requests: stats.requests, byKind: { ...stats.byKind } }),
    writer: () => writer,
  };
}

/** Percent-encode each segment of a path, keeping `/` and a query string as they are. */
function encodePath(path: string): string {
  const q = path.indexOf("?");
  const p = q >= 0 ? path.slice(0, q) : path;
  return p.split("/").map((s) => encodeURIComponent(decodeURIComponentSafe(s))).join("/") + (q >= 0 ? path.slice(q) : "");
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isStatusObject(text: string): boolean {
  try {
    return (JSON.parse(text) as { kind?: string }).kind === "Status";
  } catch {
    return false;
  }
}

/** A failure before any HTTP answer: network errors by code, TLS failures, anything else. */
function transportError(err: unknown, server: string, subject: string, what: string): SourceError {
  if ((err as { name?: string }).name === "SourceError") return err as SourceError;
  let code: string | undefined;
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === "object"; i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === "string") {
      code = c;
      break;
    }
    e = (e as { cause?: unknown }).cause;
  }
  if (code && NETWORK_REASONS[code]) {
    return new SourceError(code === "ETIMEDOUT" ? "timeout" : "unreachable", "kube", subject, `cannot reach the API server at ${server}: ${NETWORK_REASONS[code]}`, { cause: err });
  }
  const message = String((err as Error)?.message ?? err).split("\n")[0];
  if (code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
    return new SourceError("error", "kube", subject, `TLS with the API server at ${server} failed: ${code}`, { cause: err });
  }
  return new SourceError("error", "kube", subject, `${what}: ${message}`, { cause: err });
}

/** Reject with SourceError `timeout` as soon as `signal` aborts, without cancelling a request other callers share. */
/** The error an aborted read gets: the run's deadline passed. */
function aborted(subject: string): SourceError {
  return new SourceError("timeout", "kube", subject, `${subject}: aborted: the run's deadline passed`);
}
