/**
 * Scenario loader (DESIGN §8): reads a scenario directory — `scenario.yaml`,
 * `cluster/*.yaml`, `docker/*.json`, `host/*` — into one plain value the lab
 * serves (a ClusterSnapshot of src/snapshot/model.ts, plus targets, traffic
 * and expectations). Unknown keys are ignored (forward compatibility); a file
 * that does not parse or a field of the wrong type throws a `ScenarioError`
 * whose one-line message names the file and the field.
 */
import { statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Reader, SnapshotError, clusterObjects, containerFiles, containerList, interfaceList, listenerList, networkList, parseJsonFile, parseYamlFile, readText, type Obj } from "../snapshot/files.js";
import type { ClusterSnapshot } from "../snapshot/model.js";
import { parseRequestOptions, type RequestOptions } from "../engine/request.js";
import type { HostListener } from "../engine/types.js";
import type { KubeObject } from "../kube/types.js";
import type { ContainerInspect, ContainerTop, NetworkInspect } from "../sources/types.js";

/** A scenario that cannot be loaded: the message names the file and the field. Code `NETDOCTOR_SCENARIO`. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly code = "NETDOCTOR_SCENARIO";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What a traffic listener does with a connection. */
export type TrafficMode = "http" | "refuse" | "reset" | "hang" | "empty-reply" | "tls" | "flaky";
const TRAFFIC_MODES: readonly TrafficMode[] = ["http", "refuse", "reset", "hang", "empty-reply", "tls", "flaky"];

/** What a `flaky` entry does with every `every`-th request instead of answering it. */
export type FlakyFailure = "reset" | "empty-reply" | "hang";
const FLAKY_FAILURES: readonly FlakyFailure[] = ["reset", "empty-reply", "hang"];

/** One canned HTTP answer. `headers` keys are sent as written; `body` is UTF-8. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HTTP answer for requests whose Host (port ignored, case-insensitive),
 * path prefix, method and request headers match. Absent conditions match anything.
 */
export interface TrafficRule extends HttpAnswer {
  host?: string;
  path?: string;
  /** The request method (case-insensitive), e.g. `POST`. */
  method?: string;
  /** Request headers that must be present with exactly these values (names case-insensitive). `headers` is the answer's. */
  requestHeaders?: Record<string, string>;
}

/** What happens at one host-published port (or at a non-loopback `address:port` the probe source may ask for). */
export interface TrafficEntry {
  port: number;
  /** Address the entry stands for; default `127.0.0.1`. Outside 127.0.0.0/8 it is served on a loopback port and listed in `probeMap`. */
  address: string;
  mode: TrafficMode;
  /** http mode: first match wins. */
  respond: TrafficRule[];
  /** http mode: answer when no rule matches (default `404 page not found`). */
  default: HttpAnswer;
  /**
   * flaky mode: every `every`-th connection that sends a request (an integer
   * ≥ 2; default 2) meets `then` (default `reset`); the others are answered
   * as in http mode from `respond`/`default`. Absent for other modes.
   */
  flaky?: { every: number; then: FlakyFailure };
}

/** The verbs of a change the API stand-in reports (`ApiChange.verb`), which `when.verb` may name. */
export const REACTION_VERBS = ["create", "update", "patch", "delete"] as const;

/** A scalar a `when.fields` condition compares a field of the changed object with. */
export type FieldValue = string | number | boolean | null;

/**
 * A change reaching the API stand-in that makes the lab switch to another
 * scenario's state, as real controllers would after a while (DESIGN §8).
 *
 * `when` lists conditions that must all hold; an absent key matches anything:
 * - `verb`: create | update | patch | delete (a PUT is `update`, every PATCH
 *   content type is `patch`);
 * - `apiVersion`, `kind`, `namespace`, `name`: of the changed object
 *   (`apiVersion` as stored, e.g. `helm.cattle.io/v1`, `v1`);
 * - `fields`: `{ "<dotted.path>": <scalar> }` evaluated on the object after
 *   the change (for a delete: the object as it was). A path is split on `.`;
 *   a numeric segment indexes a list (`spec.ports.0.nodePort`), any other
 *   segment names a mapping key (so keys that contain a dot, such as label
 *   names, cannot be addressed). Values compare as strings (`30080` equals
 *   `"30080"`, `true` equals `"true"`); `null` matches a field that is absent
 *   or null; a field that is absent, or a mapping or a list, matches no other
 *   value. Example: `{ "spec.type": "NodePort", "spec.ports.0.nodePort": 30080 }`.
 *
 * Only the first matching reaction of the current scenario fires.
 */
export interface Reaction {
  when: { verb?: string; apiVersion?: string; kind?: string; namespace?: string; name?: string; fields?: Record<string, FieldValue> };
  /** Scenario directory (relative to this scenario's directory) whose objects and traffic the lab switches to. */
  become: string;
}

/**
 * The value at a dotted path in an object (see `Reaction`): numeric segments
 * index lists, others name mapping keys. Returns `undefined` when any segment
 * is missing or a scalar is met before the end of the path.
 */
export function fieldAt(obj: unknown, dotted: string): unknown {
  let v: unknown = obj;
  for (const seg of dotted.split(".")) {
    if (Array.isArray(v)) {
      if (!/^\d+$/.test(seg)) return undefined;
      v = v[Number(seg)];
    } else if (typeof v === "object" && v !== null) {
      if (!Object.hasOwn(v, seg)) return undefined;
      v = (v as Record<string, unknown>)[seg];
    } else return undefined;
  }
  return v;
}

/**
 * True when every `fields` condition holds on `obj` (see `Reaction`): scalars
 * compare as strings, `null` matches an absent or null field, a mapping or
 * list matches nothing. An empty or absent `fields` matches any object.
 */
export function fieldsMatch(fields: Record<string, FieldValue> | undefined, obj: unknown): boolean {
  for (const [p, want] of Object.entries(fields ?? {})) {
    const got = fieldAt(obj, p);
    if (want === null) {
      if (got !== undefined && got !== null) return false;
      continue;
    }
    if (got === null || got === undefined || typeof got === "object") return false;
    if (String(got) !== String(want)) return false;
  }
  return true;
}

/** A scenario target with request options (DESIGN §3 `-H`/`-X`), as `targets: [{url, method, headers}]` writes it. */
export interface ScenarioRequest {
  url: string;
  /** `-X`, upper-case; absent = GET. */
  method?: string;
  /** `-H` values (`Name: value`), in order. */
  headers?: string[];
}

/**
 * One `targets` entry: a URL string, or a mapping `{url, method?, headers?}`
 * where `headers` is a list of `Name: value` strings or a mapping of names to
 * values. Validated as `-H`/`-X` are. @throws ScenarioError naming the field.
 */
function targetEntry(r: Reader, v: unknown, field: string): { url: string; request?: ScenarioRequest } {
  if (typeof v === "string") return { url: v };
  const o = r.obj(v, field);
  const url = r.str(o.url, `${field}.url`);
  let headers: string[] = [];
  if (o.headers !== undefined && o.headers !== null) {
    headers = Array.isArray(o.headers) ? r.strs(o.headers, `${field}.headers`) : Object.entries(r.strMap(o.headers, `${field}.headers`)).map(([k, val]) => (val === "" ? `${k};` : `${k}: ${val}`));
  }
  const method = o.method === undefined || o.method === null ? undefined : r.str(o.method, `${field}.method`);
  let parsed: RequestOptions;
  try {
    parsed = parseRequestOptions(headers, method);
  } catch (e) {
    throw new ScenarioError(`${r.file}: ${field}: ${(e as Error).message}`);
  }
  return { url, request: { url, ...(parsed.method ? { method: parsed.method } : {}), ...(headers.length ? { headers } : {}) } };
}

/** A loaded scenario: the cluster snapshot the lab serves, plus what the lab does around it. */
export interface Scenario extends ClusterSnapshot {
  /** Absolute scenario directory. */
  dir: string;
  name: string;
  description: string;
  /** kubeconfig context name the lab generates. */
  context: string;
  /** Target URLs (each `targets` entry's URL, in order). */
  targets: string[];
  /**
   * The `targets` entries written as mappings (`{url, method, headers}`):
   * the request options to send to that URL (`headers` as `-H` values).
   * Absent when every entry is a plain URL.
   */
  requests?: ScenarioRequest[];
  apiServer: { latencyMs: number; forbid: string[] };
  traffic: TrafficEntry[];
  /** Answers of the API server's service proxy, by `namespace/name:port`. */
  serviceProxy: Record<string, HttpAnswer>;
  expect: { status: string; hop?: string; fixes?: string[] };
  reactions?: Reaction[];
  /** Kubernetes objects from `cluster/*.yaml`, Lists flattened, in file order. */
  objects: KubeObject[];
  /** `docker inspect` objects (`docker/containers.json`). */
  containers: ContainerInspect[];
  /** `docker network inspect` objects (`docker/networks.json`, else []). */
  networks: NetworkInspect[];
  /** `GET /containers/{id}/top` answers by container name (`docker/top.json`, else {}). */
  top: Record<string, ContainerTop>;
  /**
   * Files inside containers by container name, then absolute path
   * (`docker/files.yaml`, e.g. a k3d v5 serverlb's /etc/confd/values.yaml),
   * served at `GET /containers/{id}/archive?path=…`. Optional; absent = none.
   */
  files?: Record<string, Record<string, string>>;
  /** `host/listeners.yaml`, or null when the scenario has none (the lab then synthesizes docker-proxy listeners). */
  listeners: HostListener[] | null;
  /** `host/hosts` content, or null. */
  hosts: string | null;
  /** `host/nsswitch.conf` content, or null (optional; absent = the lab serves none). */
  nsswitch?: string | null;
  /** `host/resolv.conf` content, or null (optional; absent = the lab serves none). */
  resolvConf?: string | null;
  /** Names the lab's resolver answers, beyond the hosts file. */
  resolver: Record<string, string[]>;
  /**
   * `docker: false` in scenario.yaml: this host has no Docker Engine (k3s on
   * the host or in a VM with containerd). The lab then starts no Docker API
   * stand-in and points DOCKER_HOST at a socket nothing listens on. Optional;
   * absent = true.
   */
  docker?: boolean;
  /**
   * `remapHostPorts: false` in scenario.yaml: host ports keep their numbers
   * in every object (targets, listeners, traffic), because the same number
   * means something on a node that is this host (k3s ServiceLB holds port 80
   * of this host); the lab serves loopback traffic on free loopback ports
   * reached through `probeMap`. Optional; absent = true (remap).
   */
  remapHostPorts?: boolean;
}

function answer(r: Reader, v: unknown, field: string, dflt?: HttpAnswer): HttpAnswer {
  if (v === undefined && dflt) return dflt;
  const o = r.obj(v, field);
  return {
    status: o.status === undefined ? 200 : r.num(o.status, `${field}.status`),
    headers: o.headers === undefined || o.headers === null ? {} : r.strMap(o.headers, `${field}.headers`),
    body: r.optStr(o.body, `${field}.body`, ""),
  };
}

/** Traefik's and Go net/http's answer for an unmatched request (real-world-facts §2.1). */
const NOT_FOUND: HttpAnswer = { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n" };

function trafficEntry(r: Reader, v: unknown, field: string): TrafficEntry {
  const o = r.obj(v, field);
  const mode = r.optStr(o.mode, `${field}.mode`, "http");
  if (!TRAFFIC_MODES.includes(mode as TrafficMode)) r.fail(`${field}.mode`, `one of ${TRAFFIC_MODES.join(", ")}`, mode);
  const respond = o.respond === undefined || o.respond === null ? [] : r.arr(o.respond, `${field}.respond`);
  return {
    port: r.port(o.port, `${field}.port`),
    address: r.optStr(o.address, `${field}.address`, "127.0.0.1"),
    mode: mode as TrafficMode,
    respond: respond.map((x, i) => {
      const f = `${field}.respond[${i}]`;
      const ro = r.obj(x, f);
      const rule: TrafficRule = answer(r, ro, f);
      if (ro.host !== undefined && ro.host !== null) rule.host = r.str(ro.host, `${f}.host`);
      if (ro.path !== undefined && ro.path !== null) rule.path = r.str(ro.path, `${f}.path`);
      if (ro.method !== undefined && ro.method !== null) rule.method = r.str(ro.method, `${f}.method`);
      if (ro.requestHeaders !== undefined && ro.requestHeaders !== null) rule.requestHeaders = r.strMap(ro.requestHeaders, `${f}.requestHeaders`);
      return rule;
    }),
    default: answer(r, o.default, `${field}.default`, NOT_FOUND),
    ...(mode === "flaky" ? { flaky: flakyOf(r, o, field) } : {}),
  };
}

/** The `every` / `then` fields of a flaky entry (`every` an integer ≥ 2, default 2; `then` default `reset`). */
function flakyOf(r: Reader, o: Obj, field: string): { every: number; then: FlakyFailure } {
  const every = o.every === undefined || o.every === null ? 2 : r.num(o.every, `${field}.every`);
  if (!Number.isInteger(every) || every < 2) r.fail(`${field}.every`, "an integer ≥ 2", o.every);
  const then = r.optStr(o.then, `${field}.then`, "reset");
  if (!FLAKY_FAILURES.includes(then as FlakyFailure)) r.fail(`${field}.then`, `one of ${FLAKY_FAILURES.join(", ")}`, then);
  return { every, then: then as FlakyFailure };
}

/** `when.fields` of a reaction: a mapping of dotted paths (non-empty segments) to scalars. @throws ScenarioError */
function reactionFields(r: Reader, v: unknown, field: string): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, val] of Object.entries(r.obj(v, field))) {
    if (k.split(".").some((seg) => seg === "")) r.fail(field, "dotted field paths such as spec.ports.0.nodePort", k);
    if (val !== null && typeof val !== "string" && typeof val !== "boolean" && !(typeof val === "number" && Number.isFinite(val))) {
      r.fail(`${field}["${k}"]`, "a scalar (string, number, boolean or null)", val);
    }
    out[k] = val as FieldValue;
  }
  return out;
}

/**
 * Loads the scenario in `dir` (relative paths resolve against the working
 * directory), or a bundle (`.tar.gz` file or extracted directory with
 * `manifest.json`) converted by `bundleToScenario` (src/lab/from-bundle.ts).
 * Throws `ScenarioError` (one line, naming the file and field) when the
 * directory or `scenario.yaml` is missing, a file does not parse, or a field
 * has the wrong type. Paths in messages are relative to the working directory.
 */
export async function loadScenario(dir: string): Promise<Scenario> {
  try {
    return await loadScenarioFiles(dir);
  } catch (e) {
    // The snapshot files' parsers (shared with bundles) name the file and field; for a scenario that is a ScenarioError.
    if (e instanceof SnapshotError) throw new ScenarioError(e.message, { cause: e });
    throw e;
  }
}

async function loadScenarioFiles(dir: string): Promise<Scenario> {
  const abs = path.resolve(dir);
  // A bug-report bundle (DESIGN §9) is also a scenario: a .tar.gz, or a directory with manifest.json and no scenario.yaml.
  const { looksLikeBundle, openBundleForProcess } = await import("../bundle/read.js");
  if (looksLikeBundle(abs)) {
    const { bundleToScenario } = await import("./from-bundle.js");
    try {
      return await bundleToScenario(await openBundleForProcess(abs));
    } catch (e) {
      if ((e as { name?: unknown }).name === "BundleError") throw new ScenarioError((e as Error).message, { cause: e });
      throw e;
    }
  }
  const show = (p: string): string => {
    const rel = path.relative(process.cwd(), p);
    return rel && !rel.startsWith("..") ? rel : p;
  };
  const st = await stat(abs).catch(() => null);
  if (!st?.isDirectory()) throw new ScenarioError(`${show(abs)}: no such scenario directory`);

  const scenarioFile = path.join(abs, "scenario.yaml");
  const rel = show(scenarioFile);
  const text = await readText(scenarioFile, rel);
  if (text === null) throw new ScenarioError(`${rel}: missing (a scenario directory needs scenario.yaml)`);
  const r = new Reader(rel);
  const top = r.obj(parseYamlFile(text, rel), "(top level)");

  const name = r.optStr(top.name, "name", path.basename(abs));
  const apiServerRaw = top.apiServer === undefined || top.apiServer === null ? {} : r.obj(top.apiServer, "apiServer");
  const expectRaw = top.expect === undefined || top.expect === null ? {} : r.obj(top.expect, "expect");
  const expect: Scenario["expect"] = { status: r.optStr(expectRaw.status, "expect.status", "pass") };
  if (expectRaw.hop !== undefined && expectRaw.hop !== null) expect.hop = r.str(expectRaw.hop, "expect.hop");
  if (expectRaw.fixes !== undefined && expectRaw.fixes !== null) expect.fixes = r.strs(expectRaw.fixes, "expect.fixes");

  const serviceProxy: Record<string, HttpAnswer> = {};
  if (top.serviceProxy !== undefined && top.serviceProxy !== null) {
    for (const [k, v] of Object.entries(r.obj(top.serviceProxy, "serviceProxy"))) serviceProxy[k] = answer(r, v, `serviceProxy["${k}"]`);
  }
  const resolver: Record<string, string[]> = {};
  if (top.resolver !== undefined && top.resolver !== null) {
    for (const [k, v] of Object.entries(r.obj(top.resolver, "resolver"))) resolver[k] = r.strs(v, `resolver["${k}"]`);
  }

  const scenario: Scenario = {
    dir: abs,
    name,
    description: r.optStr(top.description, "description", ""),
    context: r.optStr(top.context, "context", name),
    targets: [],
    apiServer: {
      latencyMs: apiServerRaw.latencyMs === undefined ? 0 : r.num(apiServerRaw.latencyMs, "apiServer.latencyMs"),
      forbid: apiServerRaw.forbid === undefined || apiServerRaw.forbid === null ? [] : r.strs(apiServerRaw.forbid, "apiServer.forbid"),
    },
    traffic: top.traffic === undefined || top.traffic === null ? [] : r.arr(top.traffic, "traffic").map((t, i) => trafficEntry(r, t, `traffic[${i}]`)),
    serviceProxy,
    expect,
    objects: [],
    containers: [],
    networks: [],
    top: {},
    listeners: null,
    hosts: null,
    resolver,
  };
  if (top.targets !== undefined && top.targets !== null) {
    const entries = r.arr(top.targets, "targets").map((t, i) => targetEntry(r, t, `targets[${i}]`));
    scenario.targets = entries.map((e) => e.url);
    const requests = entries.flatMap((e) => (e.request ? [e.request] : []));
    if (requests.length) scenario.requests = requests;
  }
  if (top.docker !== undefined && top.docker !== null) {
    if (typeof top.docker !== "boolean") r.fail("docker", "a boolean", top.docker);
    scenario.docker = top.docker as boolean;
  }
  if (top.remapHostPorts !== undefined && top.remapHostPorts !== null) {
    if (typeof top.remapHostPorts !== "boolean") r.fail("remapHostPorts", "a boolean", top.remapHostPorts);
    scenario.remapHostPorts = top.remapHostPorts as boolean;
  }
  if (top.reactions !== undefined && top.reactions !== null) {
    scenario.reactions = r.arr(top.reactions, "reactions").map((x, i) => {
      const o = r.obj(x, `reactions[${i}]`);
      const when = r.obj(o.when, `reactions[${i}].when`);
      const w: Reaction["when"] = {};
      for (const k of ["verb", "apiVersion", "kind", "namespace", "name"] as const) {
        if (when[k] !== undefined && when[k] !== null) w[k] = r.str(when[k], `reactions[${i}].when.${k}`);
      }
      if (w.verb !== undefined && !(REACTION_VERBS as readonly string[]).includes(w.verb)) r.fail(`reactions[${i}].when.verb`, `one of ${REACTION_VERBS.join(", ")}`, w.verb);
      if (when.fields !== undefined && when.fields !== null) w.fields = reactionFields(r, when.fields, `reactions[${i}].when.fields`);
      return { when: w, become: r.str(o.become, `reactions[${i}].become`) };
    });
  }

  const clusterDir = path.join(abs, "cluster");
  const files = (await readdir(clusterDir).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const f of files) {
    const p = path.join(clusterDir, f);
    const t = await readText(p, show(p));
    if (t !== null) scenario.objects.push(...clusterObjects(t, show(p)));
  }

  const dockerFile = (f: string): string => path.join(abs, "docker", f);
  const containers = await readText(dockerFile("containers.json"), show(dockerFile("containers.json")));
  if (containers !== null) scenario.containers = containerList(containers, show(dockerFile("containers.json")));
  const networks = await readText(dockerFile("networks.json"), show(dockerFile("networks.json")));
  if (networks !== null) scenario.networks = networkList(networks, show(dockerFile("networks.json")));
  const topText = await readText(dockerFile("top.json"), show(dockerFile("top.json")));
  if (topText !== null) {
    const tr = new Reader(show(dockerFile("top.json")));
    for (const [k, v] of Object.entries(tr.obj(parseJsonFile(topText, tr.file), "(top level)"))) {
      const o = tr.obj(v, k);
      scenario.top[k.replace(/^\//, "")] = {
        Titles: tr.strs(o.Titles, `${k}.Titles`),
        Processes: tr.arr(o.Processes, `${k}.Processes`).map((p, i) => tr.strs(p, `${k}.Processes[${i}]`)),
      };
    }
  }

  const filesText = await readText(dockerFile("files.yaml"), show(dockerFile("files.yaml")));
  if (filesText !== null) scenario.files = containerFiles(filesText, show(dockerFile("files.yaml")));

  const listenersFile = path.join(abs, "host", "listeners.yaml");
  const lt = await readText(listenersFile, show(listenersFile));
  if (lt !== null) scenario.listeners = listenerList(lt, show(listenersFile));
  scenario.hosts = await readText(path.join(abs, "host", "hosts"), show(path.join(abs, "host", "hosts")));
  const interfacesFile = path.join(abs, "host", "interfaces.yaml");
  const it = await readText(interfacesFile, show(interfacesFile));
  if (it !== null) scenario.interfaces = interfaceList(it, show(interfacesFile));
  scenario.nsswitch = await readText(path.join(abs, "host", "nsswitch.conf"), show(path.join(abs, "host", "nsswitch.conf")));
  scenario.resolvConf = await readText(path.join(abs, "host", "resolv.conf"), show(path.join(abs, "host", "resolv.conf")));
  return scenario;
}

/** Root of the installed package (…/netdoctor), from this module's location in src/lab or dist/src/lab. */
export function packageRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (path.basename(d) === "src") return path.basename(path.dirname(d)) === "dist" ? path.dirname(path.dirname(d)) : path.dirname(d);
    d = path.dirname(d);
  }
  return process.cwd();
}

/**
 * Resolves a scenario argument: a bare name (no path separator, not an
 * existing directory here) is a directory under `builtinRoot` (default: the
 * package's `fixtures/scenarios`); anything else is a path. Returns an
 * absolute directory; does not check that it exists (loadScenario does).
 */
export function resolveScenario(nameOrDir: string, builtinRoot = path.join(packageRoot(), "fixtures", "scenarios")): string {
  const isBare = !nameOrDir.includes("/") && !nameOrDir.includes(path.sep) && nameOrDir !== "." && nameOrDir !== "..";
  if (isBare) {
    let local = false;
    try {
      const st = statSync(nameOrDir);
      // A local directory, or a bundle file (`netdoctor lab bundle.tar.gz`).
      local = st.isDirectory() || (st.isFile() && /\.(tar\.gz|tgz)$/i.test(nameOrDir));
    } catch {
      local = false;
    }
    if (!local) return path.join(builtinRoot, nameOrDir);
  }
  return path.resolve(nameOrDir);
}
