/**
 * Collection of a bug-report bundle (DESIGN §9): run the diagnosis as
 * `netdoctor` does, then read — through the same sources — what a
 * maintainer needs to understand and replay it: the Kubernetes objects
 * around the diagnosed paths, pod log tails, the cluster's Docker containers
 * and networks, host listeners, the hosts file, resolver answers and tool
 * versions. Every collector that fails is recorded with its reason; the
 * bundle still completes.
 */
import { setMaxListeners } from "node:events";
import type { RunFlags } from "../commands/run-options.js";
import { UsageError } from "../errors.js";
import { parseDuration } from "../commands/duration.js";
import { parseResolve, parseTarget } from "../engine/target.js";
import type { HostListener, Target } from "../engine/types.js";
import { containerCluster, containerName, containerRole } from "../host/containers.js";
import { SERVERLB_CONFIG_PATH } from "../host/serverlb.js";
import type { RecordedForward } from "../host/recorded-forwards.js";
import { EG_OWNING_NAME_LABEL, EG_OWNING_NAMESPACE_LABEL, GATEWAY_NAME_LABEL, isPodReady, podsSelectedBy, svclbFor } from "../kube/helpers.js";
import { KIND_INFO, type KubeEvent, type KubeKind, type KubeObject, type Pod, type Service } from "../kube/types.js";
import type { Report } from "../report/types.js";
import type { ToolVersion } from "../sources/live/tools.js";
import { isSourceError, type ContainerInspect, type ContainerTop, type HostInterface, type HostsEntry, type NetworkInspect, type ResolveResult, type Sources } from "../sources/types.js";
import { toolVersion } from "../version.js";

/** Options of `netdoctor bundle`, as parsed (the run options, plus the bundle's own). */
export interface BundleFlags extends RunFlags {
  /** `-o FILE`. */
  output?: string;
  /** `--log-lines N` (text, validated here). */
  logLines: string;
  /** false with `--no-redact`. */
  redact: boolean;
  /** `--force`: with `-o`, replace an existing file that is not a netdoctor bundle. */
  force?: boolean;
}

/** What one collector did, as manifest.json records it. */
export interface CollectorResult {
  /** `diagnosis`, `cluster objects`, `events`, `pod logs`, `docker containers`, `docker networks`, `host listeners`, `hosts file`, `resolver`, `tool versions`. */
  name: string;
  /** `ok`: everything read; `partial`: some reads failed; `failed`: nothing could be read. */
  status: "ok" | "partial" | "failed";
  /** One line, e.g. `412 objects in 9 namespaces`. */
  summary: string;
  /** Reads that failed: what, the SourceError code (or `error`) and its one-line message. */
  errors: { subject: string; code: string; message: string }[];
}

/** Everything a bundle holds, before redaction and layout (see write.ts). */
export interface BundleData {
  report: Report;
  /** Objects to write under cluster/ (namespaced and cluster-scoped; not events). */
  objects: KubeObject[];
  events: KubeEvent[];
  logs: { namespace: string; pod: string; container: string; text: string }[];
  containers: ContainerInspect[];
  /** `GET /containers/{id}/top` of the running non-node containers on the paths, by container name (forwarder.container-process-alive reads it). */
  top: Record<string, ContainerTop>;
  /** Files read from containers (a k3d v5 serverlb's /etc/confd/values.yaml: its upstreams), by container name then path. Optional. */
  files?: Record<string, Record<string, string>>;
  networks: NetworkInspect[];
  listeners: HostListener[];
  hosts: { path: string; entries: HostsEntry[] } | null;
  /** This host's interface addresses (to tell whether a node is this host), or null when the host source cannot tell. Optional. */
  interfaces?: HostInterface[] | null;
  /** Port-forwards the working tree records (Makefile, scripts, skaffold.yaml …), or null when the host source does not read them. Optional. */
  recordedForwards?: RecordedForward[] | null;
  resolver: ResolveResult[];
  versions: Record<string, ToolVersion>;
  collectors: CollectorResult[];
  /** Facts about the run for manifest.json. */
  run: {
    createdAt: string;
    context: string | null;
    cluster: string | null;
    apiServer: string | null;
    dockerHost: string | null;
    /** Lab scenario name, when `--lab` or NETDOCTOR_LAB. */
    lab: string | null;
    targets: string[];
    /** Namespaces whose objects were collected, sorted. */
    namespaces: string[];
    logLines: number;
  };
}

/** Kinds collected only in the namespaces the diagnosis touched. */
export const NAMESPACE_SCOPED_KINDS: readonly KubeKind[] = ["services", "endpointslices", "pods", "deployments", "daemonsets", "networkpolicies"];
/**
 * Kinds collected in every namespace: the diagnosis matches routes, Gateways
 * and Ingresses cluster-wide (a competing route may sit in any namespace),
 * and they are few.
 */
export const CLUSTER_WIDE_KINDS: readonly KubeKind[] = ["gateways", "httproutes", "referencegrants", "ingresses", "helmcharts"];
/** Cluster-scoped kinds, written under cluster/_cluster/. */
export const CLUSTER_SCOPED_KINDS: readonly KubeKind[] = ["nodes", "namespaces", "gatewayclasses", "ingressclasses", "customresourcedefinitions"];

/** Namespaces always collected when they exist: k3s servicelb/traefik, Envoy Gateway's proxies. */
export const SYSTEM_NAMESPACES = ["kube-system", "envoy-gateway-system"];

/** Most pods whose logs are collected (gateway and backend pods of every path together). */
export const MAX_LOG_PODS = 20;


/** Parse `--log-lines`. @throws UsageError */
export function parseLogLines(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--log-lines ${JSON.stringify(raw)}: expected a whole number of lines (0 or more)`);
  return n;
}

/** One line for a failed read. */
function failure(subject: string, e: unknown): { subject: string; code: string; message: string } {
  if (isSourceError(e)) return { subject, code: e.code, message: e.message.split("\n")[0]! };
  return { subject, code: "error", message: String((e as Error)?.message ?? e).split("\n")[0]! };
}

/** The status of a collector from its successes and failures. */
function statusOf(ok: number, failed: number): CollectorResult["status"] {
  if (failed === 0) return "ok";
  return ok > 0 ? "partial" : "failed";
}

/**
 * Run the diagnosis exactly as `netdoctor [TARGET...]` does (same checks,
 * lab, sources, discovery, engine) and collect the bundle through the same
 * sources. `progress` receives one plain line per collector.
 * @throws UsageError / ScenarioError / PluginError for bad input (exit 2).
 */
export async function collectBundle(rawTargets: string[], flags: BundleFlags, progress: (line: string) => void): Promise<BundleData> {
  const timeoutMs = parseDuration("--timeout", flags.timeout);
  const probeTimeoutMs = Math.min(parseDuration("--probe-timeout", flags.probeTimeout), timeoutMs);
  const logLines = parseLogLines(flags.logLines);
  const resolve = flags.resolve.map(parseResolve);
  let targets: Target[] = rawTargets.map(parseTarget);

  const { loadChecks } = await import("../load-checks.js");
  const checks = await loadChecks(flags.checksDir);

  const { setupRun } = await import("../run-setup.js");
  const run = await setupRun(targets, flags, timeoutMs);
  const { live, hostAddress, discovery } = run;
  targets = run.targets;
  try {
    const { diagnoseFor } = await import("../fixes/diagnose-for.js");
    const createdAt = new Date().toISOString();
    const { report } = await diagnoseFor({
      checks,
      targets,
      sources: live.sources,
      options: { resolve, hostAddress, namespace: flags.namespace ?? null, probeTimeoutMs },
      timeoutMs,
      signal: run.deadline,
      toolVersion: toolVersion(),
      onEvent: (e) => {
        if (discovery && e.type === "run-end") e.report.discovery = discovery;
      },
    });
    if (discovery) report.discovery = discovery;
    progress(`diagnosed ${report.paths.length} path${report.paths.length === 1 ? "" : "s"}: ${report.status}`);

    const signal = AbortSignal.timeout(timeoutMs);
    // Every concurrent read listens on the collection's one deadline.
    setMaxListeners(0, signal);
    const { toolVersions } = await import("../sources/live/tools.js");
    const data = await collectFrom(live.sources, report, { signal, logLines, progress, tools: () => toolVersions(signal) });
    let kubeInfo: { context: string; cluster: string; server: string } | null = null;
    try {
      kubeInfo = live.sources.kube.info();
    } catch {
      kubeInfo = null;
    }
    return {
      ...data,
      run: {
        createdAt,
        context: kubeInfo?.context ?? report.environment.context,
        cluster: report.environment.cluster,
        apiServer: kubeInfo?.server ?? report.environment.apiServer,
        dockerHost: live.dockerHost,
        lab: live.lab?.scenario ?? null,
        targets: targets.map((t) => t.url),
        namespaces: data.namespaces,
        logLines,
      },
    };
  } finally {
    await run.stop();
  }
}

/** Options of `collectFrom`. */
export interface CollectOptions {
  signal: AbortSignal;
  /** `--log-lines`: lines of each container log tail; 0 = no logs. */
  logLines: number;
  progress: (line: string) => void;
  /** Tool versions (a live tools source); absent in tests = not collected. */
  tools?: () => Promise<Record<string, ToolVersion>>;
}

/** The namespaces a report's paths touch: every namespaced object on every path's resolution. */
export function reportNamespaces(report: Report): string[] {
  const out = new Set<string>();
  for (const p of report.paths) {
    const r = p.resolution;
    for (const ns of [r.service?.namespace, r.gateway?.namespace, r.route?.namespace, r.backend?.namespace]) if (ns) out.add(ns);
    // A kubectl port-forward's upstream is a cluster object (`ns/svc/name:port`): forwarder.upstream-reachable reads that namespace too.
    const fw = r.forwarder;
    if (fw?.kind === "kubectl-port-forward" && fw.upstream) {
      const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/[^/]+\/[^/]+$/.exec(fw.upstream);
      if (m) out.add(m[1]!);
    }
  }
  return [...out].sort();
}

/** Strip what is noise in a bug report: `metadata.managedFields` (kubectl hides it too). */
function trimObject<T extends KubeObject>(o: T): T {
  if (!o.metadata?.managedFields) return o;
  const { managedFields: _m, ...metadata } = o.metadata as KubeObject["metadata"] & { managedFields?: unknown };
  void _m;
  return { ...o, metadata } as T;
}

/** A CRD without its OpenAPI schemas (large, and never read by a check), only for the API groups netdoctor lists. */
function trimCrd(o: KubeObject): KubeObject | null {
  const groups = new Set(Object.values(KIND_INFO).map((i) => i.group));
  const spec = (o as { spec?: { group?: string; versions?: Record<string, unknown>[] } }).spec;
  if (!spec?.group || !groups.has(spec.group)) return null;
  const versions = (spec.versions ?? []).map((v) => {
    const { schema: _s, ...rest } = v;
    void _s;
    return rest;
  });
  return trimObject({ ...o, spec: { ...spec, versions } });
}

/**
 * Collect everything but the diagnosis, through `sources`, around `report`'s
 * paths. Never throws for a failed read: each collector records its errors.
 */
export async function collectFrom(
  sources: Sources,
  report: Report,
  opts: CollectOptions,
): Promise<Omit<BundleData, "run" | "report"> & { report: Report; namespaces: string[] }> {
  const { signal, progress } = opts;
  const collectors: CollectorResult[] = [];
  const listed = new Map<KubeKind, KubeObject[]>();
  const listErrors = new Map<KubeKind, { subject: string; code: string; message: string }>();
  const kinds: KubeKind[] = [...NAMESPACE_SCOPED_KINDS, ...CLUSTER_WIDE_KINDS, ...CLUSTER_SCOPED_KINDS, "events"];
  await Promise.all(
    kinds.map(async (kind) => {
      try {
        listed.set(kind, (await sources.kube.list(kind, signal)) as KubeObject[]);
      } catch (e) {
        listErrors.set(kind, failure(kind, e));
      }
    }),
  );

  // Namespaces: those on the paths, plus the system ones that exist (or all named when the namespace list failed).
  const existing = listed.get("namespaces")?.map((n) => n.metadata.name);
  const namespaces = new Set(reportNamespaces(report));
  for (const ns of SYSTEM_NAMESPACES) if (!existing || existing.includes(ns)) namespaces.add(ns);
  const inScope = (o: KubeObject) => namespaces.has(o.metadata.namespace ?? "");
  // Services that claim host ports (LoadBalancer, NodePort) are read cluster-wide by the port checks.
  const claimsPorts = (o: KubeObject) => {
    const t = (o as Service).spec?.type;
    return t === "LoadBalancer" || t === "NodePort";
  };

  // Pods that take a node port themselves (hostPort, hostNetwork) are read cluster-wide too: they compete
  // with svclb for the port (service.port-free) or are the path's ingress proxy although no Service resolved
  // (gateway.ingress-controller-ready); their owners come along so the holder can be named.
  const holdsNodePorts = (o: KubeObject) => {
    const spec = (o as Pod).spec;
    return !!spec && (spec.hostNetwork === true || (spec.containers ?? []).some((c) => (c.ports ?? []).some((p) => p.hostPort !== undefined)));
  };
  for (const p of listed.get("pods") ?? []) if (holdsNodePorts(p) && p.metadata.namespace) namespaces.add(p.metadata.namespace);

  const objects: KubeObject[] = [];
  for (const kind of NAMESPACE_SCOPED_KINDS) {
    for (const o of listed.get(kind) ?? []) if (inScope(o) || (kind === "services" && claimsPorts(o))) objects.push(trimObject(o));
  }
  for (const kind of CLUSTER_WIDE_KINDS) for (const o of listed.get(kind) ?? []) objects.push(trimObject(o));
  for (const kind of CLUSTER_SCOPED_KINDS) {
    for (const o of listed.get(kind) ?? []) {
      const t = kind === "customresourcedefinitions" ? trimCrd(o) : trimObject(o);
      if (t) objects.push(t);
    }
  }
  const objectKinds = [...NAMESPACE_SCOPED_KINDS, ...CLUSTER_WIDE_KINDS, ...CLUSTER_SCOPED_KINDS];
  const objectErrors = objectKinds.filter((k) => listErrors.has(k)).map((k) => listErrors.get(k)!);
  // A kind the API server does not serve (its CRD is not installed: an Ingress-only cluster) is a fact about
  // the cluster, not a gap in the bundle; it stays in `errors` so a replay answers "not found" as the server did.
  const failedKinds = objectErrors.filter((e) => e.code !== "not-found").length;
  const objectNamespaces = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n));
  collectors.push({
    name: "cluster objects",
    status: statusOf(objectKinds.length - failedKinds, failedKinds),
    summary: `${objects.length} objects in ${objectNamespaces.size} namespaces`,
    errors: objectErrors,
  });
  progress(`collected cluster objects: ${objects.length} in ${objectNamespaces.size} namespaces${objectErrors.length ? ` (${objectErrors.length} kinds unavailable: ${objectErrors.map((e) => `${e.subject} ${e.code}`).join(", ")})` : ""}`);

  const events = ((listed.get("events") ?? []) as KubeEvent[]).filter(inScope).map(trimObject);
  const eventsError = listErrors.get("events");
  collectors.push({
    name: "events",
    status: eventsError ? "failed" : "ok",
    summary: eventsError ? `not collected: ${eventsError.message}` : `${events.length} events in ${namespaces.size} namespaces`,
    errors: eventsError ? [eventsError] : [],
  });
  progress(eventsError ? `could not collect events: ${eventsError.message}` : `collected events: ${events.length}`);

  // Pod logs: the pods behind each path's entry Service (the gateway or ingress proxy) and backend Service, plus Gateway proxy pods by label.
  const logs: BundleData["logs"] = [];
  const logErrors: CollectorResult["errors"] = [];
  const pods = (listed.get("pods") ?? []) as Pod[];
  const services = (listed.get("services") ?? []) as Service[];
  const logPods = new Map<string, Pod>();
  const addPods = (list: Pod[]) => {
    for (const p of list) logPods.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
  };
  for (const path of report.paths) {
    const r = path.resolution;
    for (const ref of [r.service, r.backend]) {
      if (!ref) continue;
      const svc = services.find((s) => s.metadata.namespace === ref.namespace && s.metadata.name === ref.name);
      if (svc?.spec?.selector && Object.keys(svc.spec.selector).length) addPods(podsSelectedBy(pods, ref.namespace, svc.spec.selector));
    }
    // A svclb pod of the entry Service that is not Ready logs why (ND503 quotes it): keep its log for the replay.
    if (r.service) addPods(svclbFor(r.service, [], pods).pods.filter((p) => !isPodReady(p)));
    if (r.gateway) {
      const gw = r.gateway;
      addPods(
        pods.filter((p) => {
          const l = p.metadata.labels ?? {};
          return (p.metadata.namespace === gw.namespace && l[GATEWAY_NAME_LABEL] === gw.name) || (l[EG_OWNING_NAME_LABEL] === gw.name && l[EG_OWNING_NAMESPACE_LABEL] === gw.namespace);
        }),
      );
    }
  }
  const logTargets = [...logPods.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_LOG_PODS);
  if (opts.logLines > 0 && logTargets.length > 0) {
    const podLogs = sources.kube.podLogs?.bind(sources.kube);
    if (!podLogs) {
      logErrors.push({ subject: "pods/log", code: "unsupported", message: "this Kubernetes source cannot read pod logs" });
    } else {
      const jobs = logTargets.flatMap(([, p]) => (p.spec?.containers ?? []).map((c) => ({ namespace: p.metadata.namespace ?? "", pod: p.metadata.name, container: c.name })));
      const answers = await Promise.all(
        jobs.map(async (j) => {
          try {
            return { ...j, text: await podLogs(j.namespace, j.pod, j.container, opts.logLines, signal) };
          } catch (e) {
            logErrors.push(failure(`${j.namespace}/${j.pod}/${j.container}`, e));
            return null;
          }
        }),
      );
      for (const a of answers) if (a) logs.push(a);
    }
  }
  logErrors.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  collectors.push({
    name: "pod logs",
    status: statusOf(logs.length, logErrors.length),
    summary: opts.logLines === 0 ? "not collected: --log-lines 0" : `${logs.length} containers of ${logTargets.length} pods, last ${opts.logLines} lines`,
    errors: logErrors,
  });
  progress(`collected pod logs: ${logs.length} containers of ${logTargets.length} pods${logErrors.length ? ` (${logErrors.length} failed)` : ""}`);

  // Docker: the k3d/kind cluster containers (any cluster: flavor detection compares them) and the container on each path.
  let containers: ContainerInspect[] = [];
  let networks: NetworkInspect[] = [];
  const pathContainers = new Set(report.paths.map((p) => p.resolution.container?.name).filter((n): n is string => !!n));
  try {
    containers = (await sources.docker.containers(signal)).filter((c) => containerCluster(c) !== null || pathContainers.has(containerName(c)));
    collectors.push({ name: "docker containers", status: "ok", summary: `${containers.length} containers`, errors: [] });
    progress(`collected docker containers: ${containers.length}`);
  } catch (e) {
    const f = failure("containers", e);
    collectors.push({ name: "docker containers", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    progress(`could not collect docker containers: ${f.message}`);
  }
  // Processes of the running non-node containers on the paths: a forwarder inside a dev container is judged from them.
  const top: Record<string, ContainerTop> = {};
  for (const c of containers) {
    if (containerCluster(c) !== null || !c.State.Running) continue;
    try {
      top[containerName(c)] = await sources.docker.top(c.Id, signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      collectors.push({ name: `docker top ${containerName(c)}`, status: "failed", summary: `not collected: ${e.message}`, errors: [failure(`top ${containerName(c)}`, e)] });
    }
  }
  // A k3d v5 serverlb's upstreams live in a file inside it (src/host/serverlb.ts): the replay must see the same list.
  const files: Record<string, Record<string, string>> = {};
  for (const c of containers) {
    if (containerRole(c) !== "k3d-serverlb" || (c.Config?.Env ?? []).some((e) => e.startsWith("SERVERS=")) || !sources.docker.file) continue;
    try {
      files[containerName(c)] = { [SERVERLB_CONFIG_PATH]: await sources.docker.file(c.Id, SERVERLB_CONFIG_PATH, signal) };
    } catch (e) {
      if (!isSourceError(e)) throw e;
      // Absent from the bundle, the replay reads "no such file" and assumes every node, as the live run did.
      collectors.push({ name: `docker file ${containerName(c)}:${SERVERLB_CONFIG_PATH}`, status: "failed", summary: `not collected: ${e.message}`, errors: [failure(`file ${containerName(c)}:${SERVERLB_CONFIG_PATH}`, e)] });
    }
  }
  try {
    const attached = new Set(containers.flatMap((c) => Object.keys(c.NetworkSettings?.Networks ?? {})));
    networks = (await sources.docker.networks(signal)).filter((n) => attached.has(n.Name));
    collectors.push({ name: "docker networks", status: "ok", summary: `${networks.length} networks`, errors: [] });
    progress(`collected docker networks: ${networks.length}`);
  } catch (e) {
    const f = failure("networks", e);
    collectors.push({ name: "docker networks", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    progress(`could not collect docker networks: ${f.message}`);
  }

  // Host.
  let listeners: HostListener[] = [];
  try {
    listeners = await sources.host.listeners(signal);
    collectors.push({ name: "host listeners", status: "ok", summary: `${listeners.length} listening sockets`, errors: [] });
    progress(`collected host listeners: ${listeners.length}`);
  } catch (e) {
    const f = failure("listeners", e);
    collectors.push({ name: "host listeners", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    progress(`could not collect host listeners: ${f.message}`);
  }
  let hosts: BundleData["hosts"] = null;
  try {
    hosts = await sources.host.hostsFile(signal);
    collectors.push({ name: "hosts file", status: "ok", summary: `${hosts.entries.length} entries from ${hosts.path}`, errors: [] });
    progress(`collected hosts file: ${hosts.entries.length} entries`);
  } catch (e) {
    const f = failure("hosts", e);
    collectors.push({ name: "hosts file", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    progress(`could not collect the hosts file: ${f.message}`);
  }
  let interfaces: HostInterface[] | null = null;
  if (sources.host.interfaces) {
    try {
      interfaces = await sources.host.interfaces(signal);
      collectors.push({ name: "host interfaces", status: "ok", summary: `${interfaces.length} interface addresses`, errors: [] });
    } catch (e) {
      const f = failure("interfaces", e);
      collectors.push({ name: "host interfaces", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    }
  }
  let recordedForwards: RecordedForward[] | null = null;
  if (sources.host.recordedForwards) {
    try {
      recordedForwards = await sources.host.recordedForwards(signal);
      collectors.push({ name: "recorded port-forwards", status: "ok", summary: `${recordedForwards.length} port-forwards recorded in the working tree`, errors: [] });
    } catch (e) {
      const f = failure("recorded-forwards", e);
      collectors.push({ name: "recorded port-forwards", status: "failed", summary: `not collected: ${f.message}`, errors: [f] });
    }
  }
  const names = [...new Set(["localhost", ...report.paths.map((p) => p.target.host)])].sort();
  const resolver: ResolveResult[] = [];
  const resolverErrors: CollectorResult["errors"] = [];
  for (const name of names) {
    try {
      resolver.push(await sources.host.resolve(name, signal));
    } catch (e) {
      resolverErrors.push(failure(name, e));
    }
  }
  collectors.push({ name: "resolver", status: statusOf(resolver.length, resolverErrors.length), summary: `${resolver.length} names resolved`, errors: resolverErrors });
  progress(`collected resolver answers: ${resolver.length} names`);

  let versions: Record<string, ToolVersion> = {};
  if (opts.tools) {
    versions = await opts.tools();
    const present = Object.values(versions).filter((v) => v.status === "present").length;
    const missing = Object.entries(versions).filter(([, v]) => v.status === "missing").map(([n]) => n);
    collectors.push({ name: "tool versions", status: "ok", summary: `${present} of ${Object.keys(versions).length} tools present${missing.length ? `; missing: ${missing.join(", ")}` : ""}`, errors: [] });
    progress(`collected tool versions: ${present} present${missing.length ? `, missing: ${missing.join(", ")}` : ""}`);
  }

  return { report, objects, events, logs, containers, top, files, networks, listeners, hosts, interfaces, recordedForwards, resolver, versions, collectors, namespaces: [...namespaces].sort() };
}
