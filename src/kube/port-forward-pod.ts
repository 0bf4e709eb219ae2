/**
 * Which pod a `kubectl port-forward TYPE/NAME` reaches, and which port inside
 * it, computed the way kubectl computes them; and where the pod says its
 * application listens. Pure functions over listed objects; no I/O.
 *
 * Source: kubernetes/kubectl
 * - pkg/cmd/portforward/portforward.go `Complete`: a pod target is used as
 *   given; any other object goes through
 *   `polymorphichelpers.AttachablePodForObjectFn`; for a Service the remote
 *   port is translated to the pod's target port
 *   (`translateServicePortToTargetPort`), otherwise a named remote port is
 *   looked up among the pod's container ports (`convertPodNamedPortToNumber`
 *   → pkg/util/pod_port.go `LookupContainerPortNumberByName`: containers,
 *   then init containers; "Pod '%s' does not have a named port '%s'").
 *   `RunPortForward` refuses a pod whose phase is not Running ("unable to
 *   forward port because pod is not running. Current status=…").
 * - pkg/polymorphichelpers/attachablepodforobject.go: the selector of the
 *   object (`SelectorsForObject`: Deployment, ReplicaSet, StatefulSet,
 *   DaemonSet, Job, ReplicationController, Service), then `GetFirstPod` with
 *   `sort.Reverse(podutils.ActivePods(pods))`: the FIRST pod after sorting is
 *   the one forwarded to, once, when kubectl starts.
 * - pkg/util/podutils/podutils.go `ActivePods.Less` (reversed here): assigned
 *   before unassigned; Running before Unknown before Pending; ready before
 *   not ready; not deleting before deleting; ready for longer before ready
 *   for less time; fewer container restarts before more; older before newer.
 */
import type { Container, Deployment, Pod, Service } from "./types.js";
import { getCondition, isPodReady, matchesLabelSelector, podPorts, sameProtocol, type PodPort } from "./helpers.js";
import type { KubectlTarget } from "../host/forwarders.js";

/** The pod a port-forward reaches and how it was chosen. */
export interface ForwardedPod {
  pod: Pod;
  /** `pod`, or the object whose selector chose it: `Deployment dev/web`. */
  via: string;
  /** How many pods the object's selector matched (1 for a pod target). */
  candidates: number;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Epoch milliseconds of an RFC 3339 time; 0 when absent (kubectl's "empty time"). */
function ms(t: string | undefined | null): number {
  const n = t ? Date.parse(t) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** Highest restartCount over the pod's containers (podutils `maxContainerRestarts`, regular containers). */
function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/**
 * kubectl's `ActivePods.Less(a, b)`: true when `a` is "less active" than `b`
 * (the ordering kubectl reverses to pick the pod to attach to).
 */
export function lessActive(a: Pod, b: Pod): boolean {
  const na = a.spec.nodeName ?? "";
  const nb = b.spec.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return na === "";
  const pa = PHASE_RANK[a.status?.phase ?? ""] ?? 0;
  const pb = PHASE_RANK[b.status?.phase ?? ""] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const da = a.metadata["deletionTimestamp"] as string | undefined;
  const db = b.metadata["deletionTimestamp"] as string | undefined;
  if (!!da !== !!db) return !!da;
  if (da && db && ms(da) !== ms(db)) return ms(da) < ms(db);
  if (ra && rb) {
    const ta = ms(getCondition(a.status?.conditions, "Ready")?.lastTransitionTime);
    const tb = ms(getCondition(b.status?.conditions, "Ready")?.lastTransitionTime);
    // afterOrZero: an empty time, or the later one, is "less".
    if (ta !== tb) return ta === 0 || (tb !== 0 && ta > tb);
  }
  const xa = maxRestarts(a);
  const xb = maxRestarts(b);
  if (xa !== xb) return xa > xb;
  const ca = ms(a.metadata.creationTimestamp);
  const cb = ms(b.metadata.creationTimestamp);
  if (ca !== cb) return ca === 0 || (cb !== 0 && ca > cb);
  return false;
}

/** The pods in kubectl's attach order (most active first): `sort.Reverse(ActivePods)`. */
export function attachOrder(pods: readonly Pod[]): Pod[] {
  return [...pods].sort((a, b) => (lessActive(b, a) ? -1 : lessActive(a, b) ? 1 : 0));
}

/**
 * The owner kind of the pods of a ReplicaSet, StatefulSet or DaemonSet
 * target, matched by their ownerReferences: netdoctor does not list
 * ReplicaSets or StatefulSets, and each of the three controllers owns its pods
 * directly, so its pods are the ones its selector selects unless a stray pod
 * carries the same labels.
 */
export const OWNER_KIND = { replicaset: "ReplicaSet", statefulset: "StatefulSet", daemonset: "DaemonSet" } as const;

/** Objects a target may name, as listed (already narrowed to nothing; this function filters by namespace). */
export interface ForwardObjects {
  pods: readonly Pod[];
  services?: readonly Service[];
  deployments?: readonly Deployment[];
}

/** The pods a target's selector selects now, or why there are none (`problem`). */
export interface ForwardCandidates {
  pods: Pod[];
  /** `pod`, or the object whose selector chose them: `Deployment dev/web`. */
  via: string;
}

/**
 * The pods `kubectl port-forward TARGET` in `namespace` chooses from: the
 * named pod, or every pod the object's selector selects now, or why there is
 * none (`problem`: the object does not exist, has no selector, selects no
 * pod). ReplicaSet, StatefulSet and DaemonSet targets are matched by their
 * pods' owner references ({@link OWNER_KIND}).
 */
export function forwardCandidates(target: KubectlTarget, namespace: string, objects: ForwardObjects): ForwardCandidates | { problem: string } {
  const pods = objects.pods.filter((p) => (p.metadata.namespace ?? "default") === namespace);
  let selected: Pod[];
  let via: string;
  switch (target.type) {
    case "pod": {
      const pod = pods.find((p) => p.metadata.name === target.name);
      return pod ? { pods: [pod], via: "pod" } : { problem: `pod ${namespace}/${target.name} does not exist` };
    }
    case "service": {
      via = `Service ${namespace}/${target.name}`;
      const svc = (objects.services ?? []).find((s) => (s.metadata.namespace ?? "default") === namespace && s.metadata.name === target.name);
      if (!svc) return { problem: `${via} does not exist` };
      const sel = svc.spec.selector;
      if (!sel || !Object.keys(sel).length) return { problem: `${via} has no selector` };
      selected = pods.filter((p) => matchesLabelSelector(p.metadata.labels, { matchLabels: sel }));
      break;
    }
    case "deployment": {
      via = `Deployment ${namespace}/${target.name}`;
      const d = (objects.deployments ?? []).find((x) => (x.metadata.namespace ?? "default") === namespace && x.metadata.name === target.name);
      if (!d) return { problem: `${via} does not exist` };
      selected = pods.filter((p) => matchesLabelSelector(p.metadata.labels, d.spec.selector));
      break;
    }
    case "replicaset":
    case "statefulset":
    case "daemonset": {
      const kind = OWNER_KIND[target.type];
      via = `${kind} ${namespace}/${target.name}`;
      selected = pods.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.name === target.name));
      break;
    }
  }
  if (!selected.length) return { problem: `${via} selects no pod` };
  return { pods: selected, via };
}

/**
 * The pod `kubectl port-forward TARGET` attaches to in `namespace` when it
 * starts now (the first candidate in kubectl's order), or why there is none.
 */
export function attachablePod(target: KubectlTarget, namespace: string, objects: ForwardObjects): ForwardedPod | { problem: string } {
  const c = forwardCandidates(target, namespace, objects);
  if ("problem" in c) return c;
  return { pod: attachOrder(c.pods)[0]!, via: c.via, candidates: c.pods.length };
}

/** The container port a remote port reaches inside a pod. */
export interface ResolvedPort {
  /** The port number kubectl connects to inside the pod's network namespace (on localhost). */
  port: number;
  /** The named port it came from, when the command gave a name. */
  name: string | null;
  /** The declared container port with that number (TCP), with its container, or null when none declares it. */
  declared: PodPort | null;
}

/**
 * The port kubectl forwards to inside `pod` for a non-Service target:
 * a number as is, a name looked up among containers then init containers
 * (pkg/util/pod_port.go). `{ error }` with kubectl's own message when the
 * name is not declared.
 */
export function resolvePodPort(pod: Pod, remote: number | string): ResolvedPort | { error: string } {
  let port: number;
  let name: string | null = null;
  if (typeof remote === "number") port = remote;
  else {
    name = remote;
    const all = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].flatMap((c) => (c.ports ?? []).map((p) => p));
    const hit = all.find((p) => p.name === remote);
    if (!hit) return { error: `Pod '${pod.metadata.name}' does not have a named port '${remote}'` };
    port = hit.containerPort;
  }
  const declared = podPorts(pod).find((p) => p.containerPort === port && sameProtocol(p.protocol, "TCP")) ?? null;
  return { port, name, declared };
}

/** Where a pod says its application listens, besides what the forward targets. */
export interface ListenHint {
  /** A TCP port number. */
  port: number;
  container: string;
  /** `containerPort http`, `readinessProbe httpGet`, `Service dev/web targetPort`. */
  source: string;
  /** For a Service's hint: the Service port that sends to `port`, and the Service (`dev/web`). */
  service?: { name: string; port: number };
}

type ProbeSpec = { httpGet?: { port?: number | string }; tcpSocket?: { port?: number | string }; grpc?: { port?: number } };

/** A probe's port, resolved against the container's named ports; null when it has none or the name is unknown. */
function probePort(c: Container, probe: ProbeSpec | undefined): { port: number; how: string } | null {
  if (!probe) return null;
  const [how, raw] = probe.httpGet ? ["httpGet", probe.httpGet.port] : probe.tcpSocket ? ["tcpSocket", probe.tcpSocket.port] : probe.grpc ? ["grpc", probe.grpc.port] : [null, undefined];
  if (!how || raw === undefined) return null;
  if (typeof raw === "number") return { port: raw, how };
  if (/^\d+$/.test(raw)) return { port: Number(raw), how };
  const named = (c.ports ?? []).find((p) => p.name === raw);
  return named ? { port: named.containerPort, how } : null;
}

/**
 * Every port the pod's own spec and the Services that select it say its
 * application listens on: declared TCP containerPorts, the ports of
 * readiness, liveness and startup probes (httpGet, tcpSocket, grpc; kubelet
 * connects to the pod IP on them, so a passing probe proves a listener), and
 * the target ports Services route to it. In spec order, duplicates kept
 * (each names its source).
 */
export function listenHints(pod: Pod, services: readonly Service[] = []): ListenHint[] {
  const out: ListenHint[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (sameProtocol(p.protocol, "TCP")) out.push({ port: p.containerPort, container: c.name, source: `containerPort${p.name ? ` ${p.name}` : ""}` });
    for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"] as const) {
      const pp = probePort(c, c[kind] as ProbeSpec | undefined);
      if (pp) out.push({ port: pp.port, container: c.name, source: `${kind} ${pp.how}` });
    }
  }
  const ns = pod.metadata.namespace ?? "default";
  for (const s of services) {
    if ((s.metadata.namespace ?? "default") !== ns || !s.spec.selector || !Object.keys(s.spec.selector).length) continue;
    if (!matchesLabelSelector(pod.metadata.labels, { matchLabels: s.spec.selector })) continue;
    for (const sp of s.spec.ports ?? []) {
      if (!sameProtocol(sp.protocol, "TCP")) continue;
      const tp = sp.targetPort ?? sp.port;
      const port = typeof tp === "number" ? tp : /^\d+$/.test(tp) ? Number(tp) : podPorts(pod).find((p) => p.name === tp)?.containerPort;
      if (port !== undefined) out.push({ port, container: "", source: `Service ${ns}/${s.metadata.name} targetPort`, service: { name: `${ns}/${s.metadata.name}`, port: sp.port } });
    }
  }
  return out;
}

/** Hints grouped by port, in first-seen order: `8080 (containerPort http, readinessProbe httpGet)`. */
export function describeHints(hints: readonly ListenHint[]): string {
  const by = new Map<number, string[]>();
  for (const h of hints) {
    const list = by.get(h.port) ?? [];
    const what = h.container ? `${h.source} of ${h.container}` : h.source;
    if (!list.includes(what)) list.push(what);
    by.set(h.port, list);
  }
  return [...by].map(([port, srcs]) => `${port} (${srcs.join(", ")})`).join("; ");
}

/**
 * The port a forward most likely meant, among `hints` (none of which is the
 * forwarded `port`): the targetPort of a Service port equal to `port` — the
 * Service's port was used on the pod, which kubectl translates only for
 * `svc/NAME` (kserve/kserve#966: `8080:80` to the istio-ingressgateway pod,
 * Service port 80 → targetPort 8080) — else the first declared containerPort
 * that no probe names (probes usually check a status port: Istio's 15021),
 * else the first hint. Null without hints.
 */
export function likelyPort(hints: readonly ListenHint[], port: number): { port: number; viaService: { name: string; port: number } | null } | null {
  const svc = hints.find((h) => h.service?.port === port);
  if (svc) return { port: svc.port, viaService: svc.service! };
  const probed = new Set(hints.filter((h) => /Probe /.test(h.source)).map((h) => h.port));
  const declared = hints.find((h) => h.source.startsWith("containerPort") && !probed.has(h.port));
  const any = declared ?? hints[0];
  return any ? { port: any.port, viaService: null } : null;
}

/** A forwarded container port the pod does not serve, as its spec tells. */
export interface PortMismatch {
  /** Where the pod says it listens (none of them the forwarded port). */
  elsewhere: ListenHint[];
  /** The port the forward most likely meant ({@link likelyPort}). */
  likely: { port: number; viaService: { name: string; port: number } | null };
  /** The ports for a one-line summary: each with its sources when there are at most two, else the numbers. */
  said: string;
}

/**
 * Whether container port `port` of `pod` is one the pod says nothing listens
 * on: null when a container declares it, a probe or a Service's targetPort
 * names it, or the pod names no port at all (its spec cannot tell); else
 * where it says it listens instead and the likely intended port.
 */
export function portMismatch(pod: Pod, port: number, services: readonly Service[] = []): PortMismatch | null {
  if (podPorts(pod).some((p) => p.containerPort === port && sameProtocol(p.protocol, "TCP"))) return null;
  const hints = listenHints(pod, services);
  const elsewhere = hints.filter((h) => h.port !== port);
  if (!hints.length || elsewhere.length < hints.length) return null;
  const ports = [...new Set(elsewhere.map((h) => h.port))];
  return { elsewhere, likely: likelyPort(elsewhere, port)!, said: ports.length <= 2 ? describeHints(elsewhere) : ports.join(", ") };
}
