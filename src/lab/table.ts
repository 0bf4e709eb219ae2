/**
 * Server-side printing (`meta.k8s.io/v1` Table), as `kubectl get` asks for it
 * with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Column names and
 * cell rules follow Kubernetes `pkg/printers/internalversion/printers.go`
 * (services, pods, namespaces, nodes, deployments, daemonsets,
 * endpointslices) and the apiextensions CRD table convertor
 * (additionalPrinterColumns, first JSONPath result, dates as ages).
 */
import type { KubeObject } from "../kube/types.js";
import type { PrinterColumn, ResourceInfo } from "./resources.js";

/** metav1.TableColumnDefinition. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** metav1.Table. */
export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: { cells: unknown[]; object: unknown }[];
}

/** Kubernetes `duration.HumanDuration` (apimachinery/pkg/util/duration): `2m5s`, `3h`, `5d6h`, `2y`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** `translateTimestampSince`: age of an RFC 3339 time, `<unknown>` when absent. */
export function age(ts: unknown, now = Date.now()): string {
  if (typeof ts !== "string" || Number.isNaN(Date.parse(ts))) return "<unknown>";
  return humanDuration(now - Date.parse(ts));
}

/**
 * Evaluates the simple JSONPath forms CRDs use in additionalPrinterColumns:
 * `.a.b`, `.a[*].b`, `.a[0]`, `.a[?(@.type=="X")].b`. Returns every match.
 */
export function jsonPath(obj: unknown, expr: string): unknown[] {
  const tokens = expr.replace(/^\{|\}$/g, "").match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (t.startsWith(".")) {
        if (v && typeof v === "object" && !Array.isArray(v) && t.slice(1) in v) next.push((v as Record<string, unknown>)[t.slice(1)]);
        continue;
      }
      if (!Array.isArray(v)) continue;
      const inner = t.slice(1, -1);
      if (inner === "*") next.push(...v);
      else if (/^-?\d+$/.test(inner)) {
        const i = Number(inner);
        const x = v[i < 0 ? v.length + i : i];
        if (x !== undefined) next.push(x);
      } else {
        const m = /^\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)$/.exec(inner);
        if (m) next.push(...v.filter((x) => String(jsonPath(x, `.${m[1]}`)[0]) === m[2]));
      }
    }
    cur = next;
  }
  return cur;
}

const NAME_COL: ColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};
const AGE_COL: ColumnDefinition = {
  name: "Age",
  type: "string",
  format: "",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  priority: 0,
};

function col(name: string, description: string, priority = 0, type = "string"): ColumnDefinition {
  return { name, type, format: "", description, priority };
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function formatLabels(l: unknown): string {
  const e = Object.entries((l ?? {}) as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
  return e.length === 0 ? "<none>" : e.map(([k, v]) => `${k}=${v}`).join(",");
}

function serviceRow(o: Any): unknown[] {
  const spec: Any = o.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  const clusterIP = spec.clusterIP || "<none>";
  const ext: string[] = spec.externalIPs ?? [];
  let external: string;
  switch (type) {
    case "LoadBalancer": {
      const ing: Any[] = o.status?.loadBalancer?.ingress ?? [];
      const ips = [...ing.map((i) => i.ip || i.hostname).filter(Boolean), ...ext];
      external = ips.length > 0 ? ips.join(",") : "<pending>";
      break;
    }
    case "ExternalName":
      external = spec.externalName ?? "<none>";
      break;
    default:
      external = ext.length > 0 ? ext.join(",") : "<none>";
  }
  const ports: Any[] = spec.ports ?? [];
  const portStr = ports.length === 0 ? "<none>" : ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`)).join(",");
  return [o.metadata.name, type, clusterIP, external, portStr, age(o.metadata.creationTimestamp), formatLabels(spec.selector)];
}

function podRow(o: Any): unknown[] {
  const st: Any = o.status ?? {};
  const spec: Any = o.spec ?? {};
  let restarts = 0;
  let lastRestart = 0;
  const total = (spec.containers ?? []).length;
  let ready = 0;
  let reason: string = st.reason || st.phase || "Unknown";
  let initializing = false;
  const inits: Any[] = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs: Any[] = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished && Date.parse(finished) > lastRestart) lastRestart = Date.parse(finished);
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated) {
        const t = c.state.terminated;
        reason = t.reason ? t.reason : t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const podReady = (st.conditions ?? []).some((c: Any) => c.type === "Ready" && c.status === "True");
      reason = podReady ? "Running" : "NotReady";
    }
  }
  if (o.metadata.deletionTimestamp) reason = st.reason === "NodeLost" ? "Unknown" : "Terminating";
  const restartStr = lastRestart > 0 ? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)` : String(restarts);
  const gates = (spec.readinessGates ?? []).length;
  return [o.metadata.name, `${ready}/${total}`, reason, restartStr, age(o.metadata.creationTimestamp), st.podIP || "<none>", spec.nodeName || "<none>", st.nominatedNodeName || "<none>", gates === 0 ? "<none>" : `${gates}`];
}

function workloadReady(o: Any, kind: string): unknown[] {
  const st: Any = o.status ?? {};
  if (kind === "Deployment") {
    return [o.metadata.name, `${st.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, age(o.metadata.creationTimestamp)];
  }
  const sel = o.spec?.template?.spec?.nodeSelector;
  return [o.metadata.name, st.desiredNumberScheduled ?? 0, st.currentNumberScheduled ?? 0, st.numberReady ?? 0, st.updatedNumberScheduled ?? 0, st.numberAvailable ?? 0, formatLabels(sel), age(o.metadata.creationTimestamp)];
}

function nodeRow(o: Any): unknown[] {
  const conds: Any[] = o.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === "Ready");
  const status = [ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown"];
  if (o.spec?.unschedulable) status.push("SchedulingDisabled");
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .sort();
  return [o.metadata.name, status.join(","), roles.length ? roles.join(",") : "<none>", age(o.metadata.creationTimestamp), o.status?.nodeInfo?.kubeletVersion ?? ""];
}

function sliceRow(o: Any): unknown[] {
  const ports: Any[] = o.ports ?? [];
  const portStr = ports.length === 0 ? "<unset>" : ports.map((p) => (p.port === undefined ? "<unset>" : String(p.port))).join(",");
  const addrs: string[] = (o.endpoints ?? []).flatMap((e: Any) => e.addresses ?? []);
  const ep = addrs.length === 0 ? "<none>" : addrs.length > 3 ? `${addrs.slice(0, 3).join(",")} + ${addrs.length - 3} more...` : addrs.join(",");
  return [o.metadata.name, o.addressType ?? "", portStr, ep, age(o.metadata.creationTimestamp)];
}

/** Columns and a row function for a built-in kind with a dedicated printer; undefined → Name, Age. */
function builtinPrinter(kind: string): { cols: ColumnDefinition[]; row: (o: Any) => unknown[] } | undefined {
  switch (kind) {
    case "Service":
      return {
        cols: [NAME_COL, col("Type", "type determines how the Service is exposed."), col("Cluster-IP", "clusterIP is the IP address of the service."), col("External-IP", "List of IP addresses for which nodes in the cluster will also accept traffic for this service."), col("Port(s)", "The list of ports that are exposed by this service."), AGE_COL, col("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1)],
        row: serviceRow,
      };
    case "Pod":
      return {
        cols: [NAME_COL, col("Ready", "The aggregate readiness state of this pod for accepting traffic."), col("Status", "The aggregate status of the containers in this pod."), col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), AGE_COL, col("IP", "IP address allocated to the pod. Routable at least within the cluster.", 1), col("Node", "NodeName is a request to schedule this pod onto a specific node.", 1), col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1), col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1)],
        row: podRow,
      };
    case "Namespace":
      return { cols: [NAME_COL, col("Status", "The status of the namespace"), AGE_COL], row: (o) => [o.metadata.name, o.status?.phase ?? "Active", age(o.metadata.creationTimestamp)] };
    case "Node":
      return { cols: [NAME_COL, col("Status", "The status of the node"), col("Roles", "The roles of the node"), AGE_COL, col("Version", "Kubelet Version reported by the node.")], row: nodeRow };
    case "Deployment":
      return { cols: [NAME_COL, col("Ready", "Number of the pod with ready state"), col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", 0, "integer"), col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", 0, "integer"), AGE_COL], row: (o) => workloadReady(o, "Deployment") };
    case "DaemonSet":
      return { cols: [NAME_COL, col("Desired", "The total number of nodes that should be running the daemon pod.", 0, "integer"), col("Current", "The number of nodes that are running at least 1 daemon pod.", 0, "integer"), col("Ready", "numberReady", 0, "integer"), col("Up-to-date", "updatedNumberScheduled", 0, "integer"), col("Available", "numberAvailable", 0, "integer"), col("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."), AGE_COL], row: (o) => workloadReady(o, "DaemonSet") };
    case "EndpointSlice":
      return { cols: [NAME_COL, col("AddressType", "addressType specifies the type of address carried by this EndpointSlice."), col("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."), col("Endpoints", "endpoints is a list of unique endpoints in this slice."), AGE_COL], row: sliceRow };
    default:
      return undefined;
  }
}

/** First JSONPath result printed as the CRD convertor does: strings raw, other values as JSON; dates as ages. */
function customCell(o: KubeObject, c: PrinterColumn): unknown {
  const r = jsonPath(o, c.jsonPath);
  if (r.length === 0 || r[0] === undefined || r[0] === null) return null;
  const v = r[0];
  switch (c.type) {
    case "date":
      return age(v);
    case "integer":
    case "number":
    case "boolean":
      return v;
    default:
      return typeof v === "string" ? v : JSON.stringify(v);
  }
}

/** Row `object` as asked by `includeObject` (`Metadata` by default: PartialObjectMetadata; `Object`: the object; `None`). */
function rowObject(o: KubeObject, include: string): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return o;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
}

/** Converts objects of one resource to a Table. */
export function toTable(res: ResourceInfo, objects: KubeObject[], include: string, listMeta: Table["metadata"]): Table {
  let cols: ColumnDefinition[];
  let row: (o: KubeObject) => unknown[];
  const printer = res.custom ? undefined : builtinPrinter(res.kind);
  if (printer) {
    cols = printer.cols;
    row = printer.row as (o: KubeObject) => unknown[];
  } else if (res.custom && res.printerColumns) {
    const pcs = res.printerColumns;
    cols = [NAME_COL, ...pcs.map((c) => ({ name: c.name, type: c.type === "date" ? "date" : c.type, format: c.format ?? "", description: c.description ?? (c.type === "date" ? AGE_COL.description : ""), priority: c.priority ?? 0 }))];
    row = (o) => [o.metadata.name, ...pcs.map((c) => customCell(o, c))];
  } else {
    cols = [NAME_COL, AGE_COL];
    row = (o) => [o.metadata.name, age(o.metadata.creationTimestamp)];
  }
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: cols,
    rows: objects.map((o) => {
      const r: { cells: unknown[]; object: unknown } = { cells: row(o), object: rowObject(o, include) };
      if (r.object === undefined) delete (r as { object?: unknown }).object;
      return r;
    }),
  };
}
