/**
 * Discovery: the entry points of the current cluster, for `netdoctor` run
 * without a TARGET (DESIGN §3: "Without a target netdoctor discovers the entry
 * points of the current cluster … and diagnoses each"). Reads only through
 * the sources (kube lists, docker containers), like a check.
 *
 * The walk a platform engineer does by hand:
 * 1. flavor and cluster (src/host/flavor.ts detectFlavor);
 * 2. the ports the cluster's containers publish — the k3d serverlb
 *    (`k3d.role=loadbalancer`) and node containers, kind nodes
 *    (`io.x-k8s.kind.*`) — except the API server (container port 6443);
 * 3. for each host port P → container port C, what takes C on the nodes
 *    (src/kube/node-port.ts: svclb LoadBalancer Service, nodePort, hostPort pod);
 * 4. when that Service is a Gateway proxy, the hostnames of the HTTPRoutes
 *    attached to the Gateway's listeners on that port (src/gateway attach
 *    rules) → `http(s)://<hostname>:P/`; for an Ingress controller, the
 *    Ingress rule hosts; otherwise `http://<host address>:P/`.
 * Wildcard hostnames cannot be requested as such: they are named in the
 * summary, not diagnosed. Published ports nothing takes are named in the
 * summary; they become paths only when nothing else was found, so the user
 * sees why.
 */
import { parseTarget } from "../engine/target.js";
import { attachRoute } from "../gateway/attach.js";
import { isWildcard } from "../gateway/hostname.js";
import { isLoopback } from "../host/addresses.js";
import { containerName, containerRole, portBindings } from "../host/containers.js";
import { disablesTraefik, k3dServers, k3sServerArgs } from "../host/k3s.js";
import { detectFlavor, dockerClusters, type Flavor } from "../host/flavor.js";
import { gatewayOfService, implementationOfController, podsSelectedBy, ref } from "../kube/helpers.js";
import type { ContainerFact } from "../engine/types.js";
import type { Gateway, GatewayClass, HTTPRoute, Ingress, IngressClass, KindMap, KubeKind, Namespace, Service } from "../kube/types.js";
import { isSourceError, type ContainerInspect, type Sources } from "../sources/types.js";
import { contourServeArgs, controllerConfig, ingressImplementationOf, ingressImplementationOfService, podArgs, servesIngress } from "../ingress/index.js";
import { portTakers, type PortTaker } from "../kube/node-port.js";

/** Most entry points a run without TARGET diagnoses; the rest are counted in the summary. */
export const MAX_ENTRY_POINTS = 20;

/** API server port inside k3s / kind nodes and the k3d serverlb (k3d pkg/client/loadbalancer.go, kind provider constants). */
export const API_SERVER_CONTAINER_PORT = 6443;

/** One URL to diagnose and why discovery chose it. */
export interface EntryPoint {
  /** Normalised as `parseTarget` writes it: `http://api.openchoreo.localhost:8080/`. */
  url: string;
  /** One line: the chain of objects that leads to it. */
  why: string;
}

/** What discovery found. */
export interface DiscoveryResult {
  flavor: Flavor;
  /** Cluster name, null when none was found. */
  cluster: string | null;
  /** One line, printed first: `k3d cluster openchoreo, traefik disabled, kgateway: 1 Gateway, 3 HTTPRoutes; entry points: 3`. */
  summary: string;
  /** Sorted by host port, then URL; deduplicated by URL. */
  entryPoints: EntryPoint[];
}

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** Where host-published ports are reached (`--host-address`, or derived from the docker host). */
  hostAddress: string;
  /** Aborts every source read. */
  signal: AbortSignal;
  /** Targets the lab scenario names (LabState.targets), included beside what was discovered. */
  scenarioTargets?: readonly string[];
  /**
   * `-n/--namespace`: only entry points whose HTTPRoute or Ingress lives in
   * this namespace (and, under the lab, the scenario targets discovered
   * there); the summary names it.
   */
  namespace?: string | null;
}

/** One published host port of the cluster. */
interface Published {
  hostPort: number;
  containerPort: number;
  protocol: string;
  container: ContainerInspect;
  role: ContainerFact["role"];
}

/** A kube list, or null when it could not be read (kind not served, forbidden, unreachable). */
async function tryList<K extends KubeKind>(sources: Sources, kind: K, signal: AbortSignal): Promise<{ items: KindMap[K][] | null; error: string | null }> {
  try {
    return { items: await sources.kube.list(kind, signal), error: null };
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return { items: null, error: e.code === "not-found" ? "not-found" : e.message };
  }
}

/** URL host for a host address: loopback is written `localhost`, IPv6 bracketed. */
export function urlHost(hostAddress: string): string {
  if (isLoopback(hostAddress)) return "localhost";
  return hostAddress.includes(":") ? `[${hostAddress}]` : hostAddress;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * The path to request for a route: `/` when a rule matches it (a rule without
 * matches, or a match whose path is absent or PathPrefix `/` — Gateway API
 * default match is PathPrefix `/`), otherwise the first literal path
 * (PathPrefix or Exact) of its rules, `/` when there is none.
 */
function routePath(route: HTTPRoute): string {
  const matches = (route.spec.rules ?? []).flatMap((r) => (r.matches?.length ? r.matches : [{}]));
  const literal: string[] = [];
  for (const m of matches) {
    const type = m.path?.type ?? "PathPrefix";
    const value = m.path?.value ?? "/";
    if (type === "PathPrefix" && value === "/") return "/";
    if ((type === "PathPrefix" || type === "Exact") && value.startsWith("/")) literal.push(value);
  }
  return literal[0] ?? "/";
}

/** The first literal path of an Ingress rule (Prefix or Exact), `/` otherwise. */
function ingressPath(rule: NonNullable<Ingress["spec"]["rules"]>[number]): string {
  const p = rule.http?.paths?.[0];
  return p && (p.pathType === "Prefix" || p.pathType === "Exact") && p.path?.startsWith("/") ? p.path : "/";
}

/** The published ports of the cluster's k3d serverlb / node and kind node containers, one per host port, API port left out. */
function publishedPorts(containers: readonly ContainerInspect[]): Published[] {
  const byPort = new Map<number, Published>();
  const order = (c: ContainerInspect) => (containerRole(c) === "k3d-serverlb" ? 0 : 1); // the serverlb is the usual entry
  for (const c of [...containers].sort((a, b) => order(a) - order(b))) {
    const role = containerRole(c);
    if (role === "other") continue;
    for (const b of portBindings(c)) {
      if (b.protocol !== "tcp" || b.containerPort === API_SERVER_CONTAINER_PORT || byPort.has(b.hostPort)) continue;
      byPort.set(b.hostPort, { hostPort: b.hostPort, containerPort: b.containerPort, protocol: b.protocol, container: c, role });
    }
  }
  return [...byPort.values()].sort((a, b) => a.hostPort - b.hostPort);
}

function describeTaker(t: PortTaker, port: number): string {
  if (t.via === "svclb") return `LoadBalancer Service ${ref(t.service!)} (svclb, port ${port})`;
  if (t.via === "nodeport") return `${t.service!.spec.type} Service ${ref(t.service!)} (nodePort ${port})`;
  return t.service ? `pod ${ref(t.pod!)} (hostPort ${port}, Service ${ref(t.service)})` : `pod ${ref(t.pod!)} (hostPort ${port})`;
}

/**
 * Discover the entry points of the cluster the sources show. Never throws
 * for an unreadable source (what could not be read is left out and named in
 * the summary); rethrows anything that is not a SourceError.
 */
export async function discover(sources: Sources, opts: DiscoverOptions): Promise<DiscoveryResult> {
  const { signal } = opts;
  let info: { context: string; cluster: string; server: string } | null = null;
  try {
    info = sources.kube.info();
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  const [gitVersion, containers] = await Promise.all([
    info
      ? sources.kube.version(signal).then(
          (v) => v.gitVersion,
          (e: unknown) => (isSourceError(e) ? null : Promise.reject(e)),
        )
      : Promise.resolve(null),
    sources.docker.containers(signal).catch((e: unknown) => (isSourceError(e) ? null : Promise.reject(e))),
  ]);
  const fl = detectFlavor({ context: info?.context ?? null, kubeCluster: info?.cluster ?? null, server: info?.server ?? null, gitVersion, containers });
  const entries = new Map<string, { url: string; why: string; port: number }>();
  const add = (raw: string, why: string) => {
    const t = parseTarget(raw);
    if (!entries.has(t.url)) entries.set(t.url, { url: t.url, why, port: t.port });
  };
  const notes: string[] = [];
  const head: string[] = [];
  const host = urlHost(opts.hostAddress);

  if (fl.flavor === "none") head.push("no cluster (no kubeconfig context)");
  else if (fl.flavor === "generic") head.push(`cluster ${fl.cluster ?? info?.cluster ?? "?"} (context ${info?.context ?? "?"})`);
  else head.push(`${fl.flavor} cluster ${fl.cluster ?? "?"}`);

  const k3s = fl.flavor === "k3d" || fl.flavor === "k3s";
  const cluster = fl.flavor === "k3d" || fl.flavor === "kind" ? dockerClusters(containers ?? []).find((d) => d.flavor === fl.flavor && d.cluster === fl.cluster) : undefined;
  const published = cluster ? publishedPorts(cluster.containers) : [];

  if (fl.flavor !== "none") {
    const [services, pods, daemonSets, gateways, routes, classes, namespaces, ingresses, ingressClasses, helmCharts] = await Promise.all([
      tryList(sources, "services", signal),
      tryList(sources, "pods", signal),
      k3s ? tryList(sources, "daemonsets", signal) : Promise.resolve({ items: [], error: null }),
      tryList(sources, "gateways", signal),
      tryList(sources, "httproutes", signal),
      tryList(sources, "gatewayclasses", signal),
      tryList(sources, "namespaces", signal),
      tryList(sources, "ingresses", signal),
      tryList(sources, "ingressclasses", signal),
      k3s ? tryList(sources, "helmcharts", signal) : Promise.resolve({ items: [], error: null }),
    ]);
    const svcs: Service[] = services.items ?? [];
    const gws: Gateway[] = gateways.items ?? [];
    // -n limits what is requested by name to the routes and Ingresses of that namespace (the counts in the summary stay cluster-wide).
    const inNamespace = (o: { metadata: { namespace?: string } }) => !opts.namespace || (o.metadata.namespace ?? "default") === opts.namespace;
    const rts: HTTPRoute[] = routes.items ?? [];
    const gwClasses: GatewayClass[] = classes.items ?? [];
    const nss: Namespace[] | null = namespaces.items;
    const ings: Ingress[] = ingresses.items ?? [];
    const ingClasses: IngressClass[] = ingressClasses.items ?? [];

    if (services.error) notes.push(`Services not readable (${services.error})`);
    if (k3s && services.items) {
      const chart = (helmCharts.items ?? []).some((h) => h.metadata.namespace === "kube-system" && h.metadata.name === "traefik");
      const service = svcs.some((s) => s.metadata.namespace === "kube-system" && s.metadata.name === "traefik");
      const traefik = chart || service;
      // Absent is "disabled" only when the k3s servers run with --disable=traefik; else it returns at their next start.
      const servers = k3dServers(containers ?? []);
      const disabled = servers.length === 0 || servers.every((c) => disablesTraefik(k3sServerArgs(c)));
      // A HelmChart without its Service: helm-controller has not installed the chart (yet).
      head.push(traefik ? (service ? "traefik installed" : "traefik not installed yet (HelmChart without Service)") : disabled ? "traefik disabled" : "traefik removed (back at the next k3s start)");
    }
    // Gateways per implementation (GatewayClass controllerName, else the proxy Service labels).
    if (gateways.error === "not-found") head.push("no Gateway API");
    else if (gws.length) {
      const implOf = (g: Gateway): string => {
        const cls = gwClasses.find((c) => c.metadata.name === g.spec.gatewayClassName);
        const fromClass = implementationOfController(cls?.spec.controllerName);
        if (fromClass && fromClass !== "other") return fromClass;
        const proxy = svcs.map(gatewayOfService).find((p) => p && p.name === g.metadata.name && p.namespace === (g.metadata.namespace ?? "default"));
        return proxy && proxy.implementation !== "other" ? proxy.implementation : (cls?.spec.controllerName ?? "Gateway API");
      };
      const groups = new Map<string, Gateway[]>();
      for (const g of gws) groups.set(implOf(g), [...(groups.get(implOf(g)) ?? []), g]);
      for (const [impl, list] of groups) {
        const n = rts.filter((r) => list.some((g) => attachRoute(r, g, nss) !== null)).length;
        head.push(`${impl}: ${plural(list.length, "Gateway")}, ${plural(n, "HTTPRoute")}`);
      }
    }
    if (ings.length) head.push(plural(ings.length, "Ingress", "Ingresses"));

    const unused: string[] = [];
    /** Ports that reach a Gateway / Ingress controller with no host to request there. */
    const idle: { p: Published; why: string; note: string }[] = [];
    for (const p of published) {
      const from = `${containerName(p.container)} publishes ${p.hostPort}→${p.containerPort}`;
      const takers = services.items && pods.items ? portTakers({ port: p.containerPort, protocol: p.protocol, role: p.role, container: containerName(p.container) }, svcs, pods.items, daemonSets.items ?? []) : [];
      const best = takers[0];
      if (!best) {
        unused.push(`${p.hostPort}`);
        continue;
      }
      const taker = `${from}; ${describeTaker(best, p.containerPort)}`;
      const https = best.servicePort?.port === 443 || best.servicePort?.name === "https" || p.containerPort === 443;
      let found = 0;
      if (best.gateway) {
        const gw = gws.find((g) => g.metadata.name === best.gateway!.name && (g.metadata.namespace ?? "default") === best.gateway!.namespace);
        const listenerPort = best.servicePort!.port;
        for (const r of gw ? rts.filter(inNamespace) : []) {
          const a = attachRoute(r, gw!, nss);
          if (!a?.accepted) continue;
          for (const la of a.listeners) {
            if (la.port !== listenerPort) continue;
            const listener = gw!.spec.listeners.find((l) => l.name === la.listener);
            const scheme = listener?.protocol === "HTTPS" ? "https" : "http";
            for (const h of la.hostnames) {
              if (isWildcard(h)) {
                notes.push(`${h} on ${p.hostPort} not diagnosed (wildcard hostname of HTTPRoute ${ref(r)})`);
                continue;
              }
              const name = h === "*" ? host : h;
              add(`${scheme}://${name}:${p.hostPort}${routePath(r)}`, `${taker}, proxy of Gateway ${ref(gw!)}; HTTPRoute ${ref(r)} on listener ${la.listener}`);
              found++;
            }
          }
        }
        if (!found) idle.push({ p, why: `${taker}, proxy of Gateway ${best.gateway.namespace}/${best.gateway.name}`, note: `host port ${p.hostPort} reaches Gateway ${best.gateway.namespace}/${best.gateway.name} but no HTTPRoute hostname is attached on port ${listenerPort}` });
        continue;
      }
      const impl = (best.service && ingressImplementationOfService(best.service, [...(pods.items ?? [])])) || (best.pod && ingressImplementationOf(best.pod)) || null;
      if (impl) {
        // Which Ingresses it serves follows from its flags (src/ingress: the same rules route.ingress-rule-matches uses).
        const ctrlPod = best.pod ?? (best.service ? podsSelectedBy([...(pods.items ?? [])], best.service.metadata.namespace ?? "default", best.service.spec.selector)[0] : undefined);
        const cfg = controllerConfig(impl, impl === "contour" ? contourServeArgs([...(pods.items ?? [])], ctrlPod?.metadata.namespace ?? "default") : ctrlPod ? podArgs(ctrlPod) : []);
        const controller = { name: impl };
        for (const ing of ings.filter((i) => inNamespace(i) && servesIngress(cfg, i, ingClasses).served)) {
          const tlsHosts = new Set(((ing.spec.tls ?? []) as { hosts?: string[] }[]).flatMap((t) => t.hosts ?? []));
          for (const rule of ing.spec.rules ?? []) {
            if (rule.host && isWildcard(rule.host)) {
              notes.push(`${rule.host} on ${p.hostPort} not diagnosed (wildcard host of Ingress ${ref(ing)})`);
              continue;
            }
            if (https && !(rule.host && tlsHosts.has(rule.host))) continue;
            add(`${https ? "https" : "http"}://${rule.host ?? host}:${p.hostPort}${ingressPath(rule)}`, `${taker}, ${controller.name} controller; Ingress ${ref(ing)}`);
            found++;
          }
        }
        if (!found) idle.push({ p, why: `${taker}, ${controller.name} controller`, note: `host port ${p.hostPort} reaches ${controller.name} but no Ingress${https ? " with a TLS host" : ""} is served there` });
        continue;
      }
      if (!best.service || inNamespace(best.service)) add(`${https ? "https" : "http"}://${host}:${p.hostPort}/`, taker);
    }
    for (const [what, l] of [["Gateways", gateways], ["HTTPRoutes", routes], ["Ingresses", ingresses]] as const) {
      if (l.error && l.error !== "not-found") notes.push(`${what} not readable (${l.error}): their hostnames are unknown`);
    }
    if (entries.size === 0 && !opts.scenarioTargets?.length && !opts.namespace) {
      // Nothing to request by name (and no lab scenario targets): diagnose the published ports so the user sees why.
      for (const { p, why } of idle) add(`http://${host}:${p.hostPort}/`, `${why}; no host is routed on this port`);
      for (const p of published) add(`http://${host}:${p.hostPort}/`, `${containerName(p.container)} publishes ${p.hostPort}→${p.containerPort}; no Service takes container port ${p.containerPort}`);
    } else {
      notes.push(...idle.map((i) => i.note));
      if (unused.length) notes.push(`${unused.join(", ")} published but no Service takes ${unused.length === 1 ? "it" : "them"}`);
    }
  }
  if (cluster && published.length === 0) notes.push(`no port published by ${cluster.flavor === "k3d" ? "the k3d load balancer or nodes" : "the kind nodes"} besides the API server`);

  // Order: grouped by host port; the lab scenario's targets lead (the lab remaps host ports at random,
  // so only they give a stable first path), then every other port ascending; URLs sorted within a port.
  const discoveredList = [...entries.values()].sort((a, b) => a.port - b.port || a.url.localeCompare(b.url));
  const scenario: typeof discoveredList = [];
  for (const raw of opts.scenarioTargets ?? []) {
    const t = parseTarget(raw);
    if (opts.namespace && !entries.has(t.url)) continue; // not discovered in that namespace
    if (!scenario.some((e) => e.url === t.url)) scenario.push(entries.get(t.url) ?? { url: t.url, why: "target of the lab scenario", port: t.port });
  }
  const fromScenario = scenario.filter((e) => !entries.has(e.url)).length;
  const ordered = [...scenario, ...discoveredList.filter((e) => !scenario.some((x) => x.url === e.url))];
  const ports = [...new Set(ordered.map((e) => e.port))];
  const all = ports.flatMap((port) => ordered.filter((e) => e.port === port)).map(({ url, why }) => ({ url, why }));
  // A platform with thousands of routes is diagnosed one target at a time: cap what a bare run diagnoses.
  const entryPoints = all.slice(0, MAX_ENTRY_POINTS);
  let count = `entry points: ${all.length}`;
  if (fromScenario) count += ` (${fromScenario} only from the lab scenario's targets)`;
  if (all.length > entryPoints.length) count += `, the first ${entryPoints.length} diagnosed (pass a TARGET for any other)`;
  if (opts.namespace) count = `namespace ${opts.namespace}: ${count}`;
  const summary = [head.join(", "), count, ...notes].join("; ");
  return { flavor: fl.flavor, cluster: fl.cluster, summary, entryPoints };
}
