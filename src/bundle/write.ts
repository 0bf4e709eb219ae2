/**
 * Layout and writing of a bug-report bundle (DESIGN §9, contract):
 *
 * ```
 * manifest.json  report.json  redactions.json
 * cluster/<namespace>/<kind>/<name>.yaml      (kind = the KubeKind plural: services, httproutes …)
 * cluster/_cluster/<kind>/<name>.yaml
 * cluster/events.yaml                         (a v1 List)
 * logs/<namespace>/<pod>/<container>.log
 * docker/containers.json  docker/networks.json  docker/top.json (when a non-node container is on a path)
 * docker/files.yaml (files read from containers: a k3d v5 serverlb's /etc/confd/values.yaml)
 * host/listeners.yaml  host/hosts  host/resolver.json  host/versions.json
 * host/interfaces.json (when the host source lists interface addresses)
 * host/recorded-forwards.json (when the host source reads the working tree's recorded port-forwards)
 * ```
 *
 * Deterministic: files sorted by path, object keys in a stable order, and
 * tar headers with a fixed mtime, mode 0644, uid/gid 0 and no user names
 * (node-tar `portable`), so two bundles of the same state differ only in the
 * timestamps and durations inside manifest.json and report.json.
 */
import { chmod, mkdir, stat, writeFile } from "node:fs/promises";
import { makeTempDir } from "../lifecycle.js";
import { dirname, join } from "node:path";
import { stringify as stringifyYaml } from "yaml";
import { KIND_INFO, type KubeKind, type KubeObject } from "../kube/types.js";
import { renderJson } from "../report/json.js";
import { toolVersion } from "../version.js";
import type { BundleData } from "./collect.js";
import { redactDocument, redactTextFile, type Redaction } from "./redact.js";

/** Version of the bundle layout, in manifest.json. */
export const BUNDLE_FORMAT_VERSION = 1;

/** The mtime every tar entry gets (fixed, so bundles of the same state compare equal). */
export const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

/** Kind → plural, for the directory name of an object. */
const PLURAL_OF_KIND = new Map<string, KubeKind>(Object.entries(KIND_INFO).map(([plural, i]) => [i.kind, plural as KubeKind]));

/** Top-level keys of Kubernetes objects in the order kubectl prints them; the rest follow sorted. */
const OBJECT_KEY_ORDER = ["apiVersion", "kind", "metadata", "spec", "data", "stringData", "status"];

/** Deep copy with object keys sorted (arrays keep their order); top-level keys of objects in `first` order. */
export function stableKeys(v: unknown, first: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => stableKeys(x));
  if (v && typeof v === "object") {
    const keys = Object.keys(v).sort((a, b) => {
      const ia = first.indexOf(a);
      const ib = first.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
      return a < b ? -1 : a > b ? 1 : 0;
    });
    return Object.fromEntries(keys.map((k) => [k, stableKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** A path segment safe on every file system (names of Kubernetes objects already are; this guards odd input). */
function segment(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]/g, "_");
  return t === "" || t === "." || t === ".." ? "_" : t;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const json = (v: unknown) => `${JSON.stringify(stableKeys(v), null, 2)}\n`;
const yaml = (v: unknown) => stringifyYaml(v, { lineWidth: 0, aliasDuplicateObjects: false });

/** The bundle path of one object: `cluster/<ns>/<plural>/<name>.yaml` or `cluster/_cluster/<plural>/<name>.yaml`. */
export function objectPath(o: KubeObject): string {
  const kind = PLURAL_OF_KIND.get(o.kind ?? "") ?? (o.kind ?? "unknown").toLowerCase();
  const ns = o.metadata.namespace ? segment(o.metadata.namespace) : "_cluster";
  return `cluster/${ns}/${kind}/${segment(o.metadata.name)}.yaml`;
}

/** The hosts file as text, one `address names…` line per entry (the format the lab reads back). */
function hostsText(hosts: NonNullable<BundleData["hosts"]>): string {
  return `# ${hosts.path}, as netdoctor parsed it\n${hosts.entries.map((e) => `${e.address}\t${e.names.join(" ")}`).join("\n")}\n`;
}

/**
 * Lay the bundle out as files (path → content), redacting every file unless
 * `redact` is false. Pure. `flags` is the sanitized command line recorded in
 * manifest.json.
 */
export function bundleFiles(data: BundleData, opts: { redact: boolean; flags: Record<string, unknown> }): Map<string, string> {
  const files = new Map<string, string>();
  const redactions: Redaction[] = [];
  // Argument values denied anywhere (arguments.ts) are also taken out of report.json's summaries, which may quote a command line.
  const denied = new Set<string>();
  const putJson = (path: string, doc: unknown, keyOrder: readonly string[] = []) => {
    const value = opts.redact ? collectRedactions(redactDocument(doc, path, { denied })) : doc;
    files.set(path, keyOrder.length ? `${JSON.stringify(stableKeys(value, keyOrder), null, 2)}\n` : json(value));
  };
  const putYaml = (path: string, doc: unknown, keyOrder: readonly string[] = OBJECT_KEY_ORDER) => {
    const value = opts.redact ? collectRedactions(redactDocument(doc, path, { denied })) : doc;
    files.set(path, yaml(stableKeys(value, keyOrder)));
  };
  const putText = (path: string, text: string) => {
    if (!opts.redact) return void files.set(path, text);
    const r = redactTextFile(text, path);
    redactions.push(...r.redactions);
    files.set(path, r.text);
  };
  function collectRedactions<T>(r: { value: T; redactions: Redaction[] }): T {
    redactions.push(...r.redactions);
    return r.value;
  }

  for (const o of [...data.objects].sort((a, b) => cmp(objectPath(a), objectPath(b)))) putYaml(objectPath(o), o);
  const events = [...data.events].sort((a, b) =>
    cmp(
      `${a.metadata.namespace ?? ""}/${a.involvedObject?.kind ?? ""}/${a.involvedObject?.name ?? ""}/${a.firstTimestamp ?? ""}/${a.metadata.name}`,
      `${b.metadata.namespace ?? ""}/${b.involvedObject?.kind ?? ""}/${b.involvedObject?.name ?? ""}/${b.firstTimestamp ?? ""}/${b.metadata.name}`,
    ),
  );
  putYaml("cluster/events.yaml", { apiVersion: "v1", kind: "List", items: events.map((e) => stableKeys(e, OBJECT_KEY_ORDER)) }, ["apiVersion", "kind", "items"]);

  for (const l of data.logs) putText(`logs/${segment(l.namespace)}/${segment(l.pod)}/${segment(l.container)}.log`, l.text);

  putJson("docker/containers.json", [...data.containers].sort((a, b) => cmp(a.Name, b.Name)));
  putJson("docker/networks.json", [...data.networks].sort((a, b) => cmp(a.Name, b.Name)));
  // The scenario format's docker/top.json ({containerName: top answer}): command lines are redacted like everything else.
  if (Object.keys(data.top).length) putJson("docker/top.json", Object.fromEntries(Object.entries(data.top).sort(([a], [b]) => cmp(a, b))));
  // The scenario format's docker/files.yaml ({containerName: {path: content}}): a k3d v5 serverlb's upstreams.
  if (data.files && Object.keys(data.files).length) putYaml("docker/files.yaml", Object.fromEntries(Object.entries(data.files).sort(([a], [b]) => cmp(a, b))), []);
  putYaml(
    "host/listeners.yaml",
    [...data.listeners].sort((a, b) => a.port - b.port || cmp(a.address, b.address) || (a.pid ?? 0) - (b.pid ?? 0)),
    ["address", "port", "pid", "process", "command"],
  );
  if (data.hosts) putText("host/hosts", hostsText(data.hosts));
  if (data.interfaces) putJson("host/interfaces.json", [...data.interfaces].sort((a, b) => cmp(a.name, b.name) || cmp(a.address, b.address)));
  if (data.recordedForwards) putJson("host/recorded-forwards.json", [...data.recordedForwards].sort((a, b) => cmp(a.where, b.where) || a.local - b.local));
  putJson("host/resolver.json", [...data.resolver].sort((a, b) => cmp(a.name, b.name)));
  putJson("host/versions.json", { node: process.version, netdoctor: toolVersion(), tools: data.versions });

  // report.json: as `netdoctor --json` prints it (its own key order), redacted like everything else, after the
  // files whose command lines it may quote.
  // A denied value that the redacted files still hold elsewhere (a node name also given as --hostname-override) is no secret: only the others are scrubbed.
  const corpus = opts.redact ? [...files.values()].join("\n") : "";
  const scrub = new Set([...denied].filter((v) => !corpus.includes(v)));
  const report = opts.redact ? collectRedactions(redactDocument(data.report, "report.json", { scrub })) : data.report;
  files.set("report.json", renderJson(report));

  // Collectors whose file is missing are named in the manifest; the file list is the bundle's own.
  const listed = [...files.keys(), "manifest.json", "redactions.json"].sort(cmp);
  putJson(
    "manifest.json",
    {
      format: BUNDLE_FORMAT_VERSION,
      tool: { name: "netdoctor", version: toolVersion() },
      createdAt: data.run.createdAt,
      redacted: opts.redact,
      command: { targets: data.run.targets, flags: opts.flags },
      environment: {
        context: data.run.context,
        cluster: data.run.cluster,
        apiServer: data.run.apiServer,
        dockerHost: data.run.dockerHost,
        lab: data.run.lab,
        platform: process.platform,
        node: process.version,
      },
      scope: {
        namespaces: data.run.namespaces,
        logLines: data.run.logLines,
        notes: [
          "Secrets are never collected (netdoctor lists no Secrets).",
          "metadata.managedFields is left out; CustomResourceDefinitions are limited to the API groups netdoctor reads, without their OpenAPI schemas.",
          "Services, EndpointSlices, Pods, Deployments, DaemonSets and Events are collected in scope.namespaces; LoadBalancer and NodePort Services, Gateways, HTTPRoutes, ReferenceGrants, Ingresses and HelmCharts in every namespace.",
        ],
      },
      collected: data.collectors,
      files: listed,
    },
    ["format", "tool", "createdAt", "redacted", "command", "environment", "scope", "collected", "files"],
  );
  files.set(
    "redactions.json",
    json({
      redacted: opts.redact,
      count: redactions.length,
      redactions: [...redactions].sort((a, b) => cmp(a.file, b.file)),
    }),
  );
  return new Map([...files.entries()].sort(([a], [b]) => cmp(a, b)));
}

/** `netdoctor-bundle-<context>-<YYYYMMDDTHHMMSSZ>[-UNREDACTED].tar.gz` (DESIGN §9). */
export function bundleFileName(context: string | null, at: Date, redacted: boolean): string {
  const t = at.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const ctx = (context ?? "none").replace(/[^A-Za-z0-9._-]/g, "_") || "none";
  return `netdoctor-bundle-${ctx}-${t}${redacted ? "" : "-UNREDACTED"}.tar.gz`;
}

/**
 * Write `files` as a gzipped tar at `out` with node-tar: entries in the
 * map's (sorted) order, no directory entries, fixed mtime, mode 0644,
 * portable headers (no uid/gid/uname/gname). Returns the size in bytes.
 */
export async function writeTarGz(files: Map<string, string>, out: string, o: { private?: boolean } = {}): Promise<number> {
  const tar = await import("tar");
  const dir = await makeTempDir("netdoctor-bundle-", "the bundle's staging dir");
  const staging = dir.path;
  try {
    for (const [path, content] of files) {
      const full = join(staging, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
      await chmod(full, 0o644);
    }
    await mkdir(dirname(out), { recursive: true });
    // An unredacted bundle is its owner's alone from its first byte (mode 0600).
    if (o.private) {
      await writeFile(out, "", { mode: 0o600 });
      await chmod(out, 0o600);
    }
    await tar.create({ gzip: { level: 9 }, file: out, cwd: staging, portable: true, mtime: FIXED_MTIME, noDirRecurse: true }, [...files.keys()]);
    return (await stat(out)).size;
  } finally {
    await dir.remove();
  }
}
