/**
 * The resource model of the API stand-in: which group/version/plural serves
 * which kind, with the discovery fields (`APIResource`) a real API server
 * reports. Built-in entries follow `kubectl api-resources` of Kubernetes 1.31;
 * CRD-backed groups are served only when the scenario installs them (a
 * CustomResourceDefinition, or objects of that apiVersion), like a real server.
 */
import type { KubeObject } from "../kube/types.js";

/** One served resource (Kubernetes `metav1.APIResource` plus where it lives). */
export interface ResourceInfo {
  group: string;
  /** Versions served, preferred first. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** True when served through a CRD (or objects standing in for one). */
  custom: boolean;
  /** additionalPrinterColumns of the CRD's version, when custom. */
  printerColumns?: PrinterColumn[];
}

/** apiextensions.k8s.io/v1 CustomResourceColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function b(group: string, version: string, plural: string, kind: string, namespaced: boolean, shortNames: string[] = [], categories: string[] = []): ResourceInfo {
  return { group, versions: [version], plural, singular: kind.toLowerCase(), kind, namespaced, shortNames, categories, verbs: RW, custom: false };
}

/** Built-in kinds, always served (`kubectl api-resources`, Kubernetes 1.31). */
export const BUILTIN: ResourceInfo[] = [
  b("", "v1", "configmaps", "ConfigMap", true, ["cm"]),
  b("", "v1", "endpoints", "Endpoints", true, ["ep"]),
  b("", "v1", "events", "Event", true, ["ev"]),
  b("", "v1", "namespaces", "Namespace", false, ["ns"]),
  b("", "v1", "nodes", "Node", false, ["no"]),
  b("", "v1", "pods", "Pod", true, ["po"], ["all"]),
  b("", "v1", "secrets", "Secret", true),
  b("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"]),
  b("", "v1", "services", "Service", true, ["svc"], ["all"]),
  b("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"], ["all"]),
  b("apps", "v1", "deployments", "Deployment", true, ["deploy"], ["all"]),
  b("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], ["all"]),
  b("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"], ["all"]),
  b("batch", "v1", "jobs", "Job", true, [], ["all"]),
  b("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  b("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
  b("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"]),
  b("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, ["netpol"]),
  b("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"], ["api-extensions"]),
];
for (const r of BUILTIN) {
  if (r.plural === "endpoints") r.singular = "endpoints";
  if (r.kind === "Event" || r.kind === "Node" || r.kind === "Namespace") r.verbs = RW;
}

/** Subresources listed in discovery (`pods/log`, `services/proxy`), as a real server lists them. */
export const SUBRESOURCES: { group: string; name: string; kind: string; verbs: string[] }[] = [
  { group: "", name: "pods/log", kind: "Pod", verbs: ["get"] },
  { group: "", name: "pods/status", kind: "Pod", verbs: ["get", "patch", "update"] },
  { group: "", name: "services/proxy", kind: "ServiceProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] },
  { group: "", name: "services/status", kind: "Service", verbs: ["get", "patch", "update"] },
];

/**
 * Well-known CRD kinds, used when a scenario has objects of a CRD group but
 * not the CRD itself (names and printer columns from the Gateway API v1.2
 * and k3s helm-controller CRDs).
 */
const age: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const KNOWN_CUSTOM: Record<string, Omit<ResourceInfo, "versions" | "group" | "custom" | "verbs" | "categories"> & { group: string; categories?: string[] }> = {
  "gateway.networking.k8s.io/GatewayClass": {
    group: "gateway.networking.k8s.io", plural: "gatewayclasses", singular: "gatewayclass", kind: "GatewayClass", namespaced: false, shortNames: ["gc"],
    printerColumns: [
      { name: "Controller", type: "string", jsonPath: ".spec.controllerName" },
      { name: "Accepted", type: "string", jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
      age,
      { name: "Description", type: "string", jsonPath: ".spec.description", priority: 1 },
    ],
  },
  "gateway.networking.k8s.io/Gateway": {
    group: "gateway.networking.k8s.io", plural: "gateways", singular: "gateway", kind: "Gateway", namespaced: true, shortNames: ["gtw"],
    printerColumns: [
      { name: "Class", type: "string", jsonPath: ".spec.gatewayClassName" },
      { name: "Address", type: "string", jsonPath: ".status.addresses[*].value" },
      { name: "Programmed", type: "string", jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
      age,
    ],
  },
  "gateway.networking.k8s.io/HTTPRoute": {
    group: "gateway.networking.k8s.io", plural: "httproutes", singular: "httproute", kind: "HTTPRoute", namespaced: true, shortNames: [],
    printerColumns: [{ name: "Hostnames", type: "string", jsonPath: ".spec.hostnames" }, age],
  },
  "gateway.networking.k8s.io/GRPCRoute": {
    group: "gateway.networking.k8s.io", plural: "grpcroutes", singular: "grpcroute", kind: "GRPCRoute", namespaced: true, shortNames: [],
    printerColumns: [{ name: "Hostnames", type: "string", jsonPath: ".spec.hostnames" }, age],
  },
  "gateway.networking.k8s.io/ReferenceGrant": {
    group: "gateway.networking.k8s.io", plural: "referencegrants", singular: "referencegrant", kind: "ReferenceGrant", namespaced: true, shortNames: ["refgrant"],
    printerColumns: [age],
  },
  "helm.cattle.io/HelmChart": {
    group: "helm.cattle.io", plural: "helmcharts", singular: "helmchart", kind: "HelmChart", namespaced: true, shortNames: [],
    printerColumns: [
      { name: "Job", type: "string", jsonPath: ".status.jobName" },
      { name: "Chart", type: "string", jsonPath: ".spec.chart" },
      { name: "TargetNamespace", type: "string", jsonPath: ".spec.targetNamespace" },
      { name: "Version", type: "string", jsonPath: ".spec.version" },
      { name: "Repo", type: "string", jsonPath: ".spec.repo" },
      { name: "HelmVersion", type: "string", jsonPath: ".spec.helmVersion" },
      { name: "Bootstrap", type: "string", jsonPath: ".spec.bootstrap" },
    ],
  },
  "helm.cattle.io/HelmChartConfig": {
    group: "helm.cattle.io", plural: "helmchartconfigs", singular: "helmchartconfig", kind: "HelmChartConfig", namespaced: true, shortNames: [],
  },
};

/** Versions a CRD-less group is served at when only its objects are present. Gateway API serves v1 and v1beta1 (standard channel). */
const GROUP_VERSIONS: Record<string, string[]> = { "gateway.networking.k8s.io": ["v1", "v1beta1"] };

/** Splits `apps/v1` into group and version (`v1` → core). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** English plural of a kind as Kubernetes' default RESTMapper guesses it (`UnsafeGuessKindToResource`). */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith("s")) return `${k}es`;
  if (k.endsWith("y")) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function versionRank(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1e9;
  const major = Number(m[1]);
  const stage = m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0;
  return major * 100 + stage * 10 + Number(m[3] ?? 0) / 100;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(vs: string[]): string[] {
  return [...new Set(vs)].sort((a, b) => versionRank(b) - versionRank(a));
}

/**
 * The resources served for a set of objects: the built-ins, every CRD's
 * kind, and a resource for any other apiVersion/kind found among the objects
 * (served as if its CRD were installed; a scenario without the CRD and
 * without objects leaves the group unserved).
 */
export function resourcesFor(objects: KubeObject[]): ResourceInfo[] {
  const out = BUILTIN.map((r) => ({ ...r }));
  const byKey = new Map<string, ResourceInfo>(out.map((r) => [`${r.group}/${r.kind}`, r]));
  const crdGroups = new Set<string>();
  for (const o of objects) {
    if (o.kind !== "CustomResourceDefinition") continue;
    const spec = (o as { spec?: Record<string, unknown> }).spec ?? {};
    const names = (spec.names ?? {}) as Record<string, unknown>;
    const group = String(spec.group ?? "");
    const kind = String(names.kind ?? "");
    if (!group || !kind) continue;
    crdGroups.add(group);
    const versions = ((spec.versions ?? []) as Record<string, unknown>[]).filter((v) => v.served !== false);
    const storage = versions.find((v) => v.storage === true) ?? versions[0];
    const cols = storage?.additionalPrinterColumns as PrinterColumn[] | undefined;
    byKey.set(`${group}/${kind}`, {
      group,
      versions: sortVersions(versions.map((v) => String(v.name))),
      plural: String(names.plural ?? guessPlural(kind)),
      singular: String(names.singular ?? kind.toLowerCase()),
      kind,
      namespaced: spec.scope !== "Cluster",
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      verbs: RW,
      custom: true,
      printerColumns: cols && cols.length > 0 ? cols : [age],
    });
  }
  for (const o of objects) {
    if (!o.apiVersion || !o.kind) continue;
    const { group, version } = splitApiVersion(o.apiVersion);
    const key = `${group}/${o.kind}`;
    const have = byKey.get(key);
    if (have) {
      if (!have.versions.includes(version) && have.custom) have.versions = sortVersions([...have.versions, version]);
      continue;
    }
    const known = KNOWN_CUSTOM[key];
    byKey.set(key, {
      group,
      versions: sortVersions([version, ...(GROUP_VERSIONS[group] ?? [])]),
      plural: known?.plural ?? guessPlural(o.kind),
      singular: known?.singular ?? o.kind.toLowerCase(),
      kind: o.kind,
      namespaced: known?.namespaced ?? o.metadata.namespace !== undefined,
      shortNames: known?.shortNames ?? [],
      categories: [],
      verbs: RW,
      custom: true,
      printerColumns: known?.printerColumns ?? [age],
    });
  }
  // A group served only because of its objects (no CRD in the scenario) serves its
  // well-known siblings too: a CRD bundle installs them together.
  for (const [key, known] of Object.entries(KNOWN_CUSTOM)) {
    if (byKey.has(key) || crdGroups.has(known.group)) continue;
    const sibling = [...byKey.values()].find((r) => r.group === known.group && r.custom);
    if (!sibling) continue;
    byKey.set(key, { ...known, versions: sibling.versions, custom: true, verbs: RW, categories: [], printerColumns: known.printerColumns ?? [age] });
  }
  return [...byKey.values()];
}
