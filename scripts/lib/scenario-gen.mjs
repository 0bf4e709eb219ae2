/**
 * Helpers the scenario generator scripts (scripts/gen-*-scenarios.mjs)
 * share: where scenarios live, YAML in and out as `kubectl get -o yaml`
 * writes it, stable fake uids and resourceVersions, and the ingress-nginx
 * controller container as its chart renders it. Deterministic: the same
 * script writes the same bytes every time.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where the lab scenarios live. */
export const SCENARIOS = join(ROOT, "fixtures/scenarios");

/** Objects as multi-document YAML, no line folding. */
export const dump = (docs) => docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");

/** The objects of a YAML file, Lists flattened into their items. */
export const readDocs = (file) =>
  parseAllDocuments(readFileSync(file, "utf8")).flatMap((d) => {
    const o = d.toJS();
    return o ? (o.items ?? [o]) : [];
  });

/** A stable, UUID-shaped uid from a seed (FNV-1a; not random, so regenerating writes the same bytes). */
export const uid = (seed) => {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = (h.toString(16).padStart(8, "0") + (h * 31 + seed.length).toString(16)).padEnd(32, "0").slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** A resourceVersion counter: each call returns the next of `start + k * step`, as a string. */
export const resourceVersions = (start, step) => {
  let n = 0;
  return () => String(start + ++n * step);
};

/**
 * The ingress-nginx controller container as the API returns it (chart
 * kubernetes/ingress-nginx charts/ingress-nginx templates/_helpers.tpl,
 * controller-daemonset.yaml): `args` after `/nginx-ingress-controller`,
 * the downward-API env, `ports`, the /healthz readiness probe on 10254.
 */
export const ingressNginxContainer = ({ name, image, args, ports }) => ({
  args: ["/nginx-ingress-controller", ...args],
  env: [
    { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } },
    { name: "LD_PRELOAD", value: "/usr/local/lib/libmimalloc.so" },
  ],
  image,
  imagePullPolicy: "IfNotPresent",
  name,
  ports,
  readinessProbe: { failureThreshold: 3, httpGet: { path: "/healthz", port: 10254, scheme: "HTTP" }, initialDelaySeconds: 10, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
});
