/**
 * Which Ingresses an ingress controller serves, and how an ingress controller
 * is recognised from its Service, pods and arguments. Pure functions over the
 * plain-JSON objects a check already listed.
 *
 * Sources:
 * - Kubernetes Ingress concepts, "Ingress class" and "Default IngressClass"
 *   (kubernetes.io/docs/concepts/services-networking/ingress/): an Ingress
 *   names its class with `spec.ingressClassName`; the deprecated annotation
 *   `kubernetes.io/ingress.class` still works with the controllers below; an
 *   IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"`
 *   is the class of Ingresses that name none.
 * - ingress-nginx command-line flags (docs/user-guide/cli-arguments.md):
 *   `--controller-class` (default `k8s.io/ingress-nginx`), `--ingress-class`
 *   (default `nginx`, also the annotation value it answers), and
 *   `--watch-ingress-without-class` (default false; the kind provider manifest
 *   deploy/static/provider/kind/deploy.yaml sets it to true).
 * - traefik Kubernetes Ingress provider (doc.traefik.io/traefik/providers/kubernetes-ingress/):
 *   controller value `traefik.io/ingress-controller`; with no
 *   `--providers.kubernetesingress.ingressclass` it also serves Ingresses
 *   without a class; k3s deploys it as Service kube-system/traefik labelled
 *   `app.kubernetes.io/name=traefik` (../shared/reference/real-world-facts.md §2.1).
 *   k3s up to v1.20 packaged traefik 1.7 from the stable/traefik chart
 *   (`traefik-1.81.0.tgz`; k3s pkg/server isHelmChartTraefikV1), labelled
 *   `app=traefik`, `release=traefik`, `chart=traefik-1.81.0`; traefik 1.7
 *   has no IngressClass support and serves Ingresses without the
 *   `kubernetes.io/ingress.class` annotation or with `traefik`
 *   (docs.traefik.io/v1.7/configuration/backends/kubernetes).
 * - Contour (projectcontour/contour @31c4bb38, docs/facts/gateway-implementations.md):
 *   selects Ingresses by class NAME, never by IngressClass `spec.controller`
 *   (internal/ingressclass/ingressclass.go `MatchesIngress`): the annotation
 *   `projectcontour.io/ingress.class`, else `kubernetes.io/ingress.class`, else
 *   `spec.ingressClassName` must be one of `contour serve --ingress-class-name`
 *   (comma-separated, cmd/contour/servecontext.go); with none configured, an
 *   Ingress with no class or class `contour` (`DefaultClassName`). The static
 *   install (examples/render/contour.yaml) runs Envoy as DaemonSet
 *   projectcontour/envoy (hostPort 80/443, label `app: envoy`, a
 *   ghcr.io/projectcontour/contour shutdown-manager beside envoyproxy/envoy)
 *   behind Service projectcontour/envoy, and `contour serve` as Deployment
 *   projectcontour/contour (label `app: contour`).
 */
import { imageRepository, proxyOfPod } from "../kube/proxies.js";
import { podsSelectedBy } from "../kube/helpers.js";
import type { Ingress, IngressClass, KubeObject, Pod, Service } from "../kube/types.js";

/** The annotation that makes an IngressClass the cluster default (Kubernetes Ingress docs). */
export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
/** The deprecated per-Ingress class annotation, still honoured by ingress-nginx and traefik. */
export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
/** IngressClass `spec.controller` of ingress-nginx (its `--controller-class` default). */
export const INGRESS_NGINX_CONTROLLER = "k8s.io/ingress-nginx";
/** IngressClass `spec.controller` of traefik's Kubernetes Ingress provider. */
export const TRAEFIK_CONTROLLER = "traefik.io/ingress-controller";

/** Contour's annotation, read before `kubernetes.io/ingress.class` (internal/annotation `IngressClass`). */
export const CONTOUR_CLASS_ANNOTATION = "projectcontour.io/ingress.class";
/** The class name Contour serves when `--ingress-class-name` is not set (internal/ingressclass `DefaultClassName`). */
export const CONTOUR_DEFAULT_CLASS = "contour";

/** The ingress controller implementations netdoctor recognises. */
export type IngressImplementation = "ingress-nginx" | "traefik" | "contour";

/**
 * How an ingress controller decides which Ingresses it serves, from its
 * arguments (defaults of each implementation when a flag is absent).
 */
export interface IngressControllerConfig {
  implementation: IngressImplementation;
  /** IngressClass `spec.controller` value it claims, e.g. `k8s.io/ingress-nginx`; `""` for Contour, which matches class names only. */
  controller: string;
  /** `kubernetes.io/ingress.class` annotation values it answers (ingress-nginx `--ingress-class`, traefik `ingressclass`); for Contour the class names it serves, annotation or `ingressClassName`. */
  annotationClasses: string[];
  /** Whether it serves Ingresses that name no class at all (ingress-nginx `--watch-ingress-without-class`; traefik without `ingressclass`). */
  watchWithoutClass: boolean;
}

/** Which implementation a Service or pod belongs to, from its `app.kubernetes.io/*` labels; null when none. */
export function ingressImplementationOf(obj: KubeObject): IngressImplementation | null {
  const l = obj.metadata.labels ?? {};
  const name = l["app.kubernetes.io/name"];
  // ingress-nginx chart and static manifests: name=ingress-nginx, component=controller (the admission
  // Jobs carry component=admission-webhook and are not the data plane).
  // RKE2's packaged charts carry the release name (rke2-charts: rke2-ingress-nginx, rke2-traefik).
  if ((name === "ingress-nginx" || name === "rke2-ingress-nginx") && (l["app.kubernetes.io/component"] ?? "controller") === "controller") return "ingress-nginx";
  if (name === "traefik" || name === "rke2-traefik") return "traefik";
  // traefik 1.x from the stable/traefik chart k3s packaged until v1.20 (HelmChart spec.chart
  // traefik-1.81.0.tgz, image rancher/library-traefik:1.7.x): labels app=traefik,
  // chart=traefik-1.81.0, release=traefik, heritage=Helm — no app.kubernetes.io/* labels.
  if (l["app"] === "traefik" && (l["release"] !== undefined || l["chart"]?.startsWith("traefik-"))) return "traefik";
  // Contour's Envoy pod, recognised by its images (static install: label app=envoy only). A Gateway
  // Provisioner Envoy (owner labels, docs/facts) is a Gateway proxy, not the Ingress path.
  if (l["gateway.networking.k8s.io/gateway-name"] !== undefined || l["projectcontour.io/owning-gateway-name"] !== undefined) return null;
  if (Array.isArray((obj as { spec?: { containers?: unknown } }).spec?.containers) && proxyOfPod(obj as Pod)?.implementation === "contour") return "contour";
  return null;
}

/**
 * The implementation of a Service: from its own labels, else from the pods
 * its selector picks (Contour's static `envoy` Service carries no labels).
 */
export function ingressImplementationOfService(svc: Service, pods: readonly Pod[]): IngressImplementation | null {
  const own = ingressImplementationOf(svc);
  if (own) return own;
  if (svc.metadata.labels?.["gateway.networking.k8s.io/gateway-name"] !== undefined) return null;
  for (const p of podsSelectedBy([...pods], svc.metadata.namespace ?? "default", svc.spec.selector)) {
    const impl = ingressImplementationOf(p);
    if (impl) return impl;
  }
  return null;
}

/**
 * The arguments of `contour serve` in `namespace` (the Deployment whose pods
 * run the ghcr.io/projectcontour/contour image with `serve`), where its
 * `--ingress-class-name` lives; [] when no such pod is listed.
 */
export function contourServeArgs(pods: readonly Pod[], namespace: string): string[] {
  for (const p of pods) {
    if ((p.metadata.namespace ?? "default") !== namespace) continue;
    for (const c of p.spec.containers ?? []) {
      const args = [...(c.command ?? []), ...(c.args ?? [])];
      if (/^projectcontour\/contour$/.test(imageRepository(c.image ?? "")) && args.includes("serve")) return args;
    }
  }
  return [];
}

/** Value of `--flag=value` or `--flag value` in an argument list; `true` for a bare `--flag`; undefined when absent. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) {
      const next = args[i + 1];
      return next !== undefined && !next.startsWith("-") ? next : "true";
    }
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

/** All `command` + `args` of a pod's containers, flattened (flags are read from any container). */
export function podArgs(pod: Pod): string[] {
  return (pod.spec.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}

/**
 * An ingress controller's class configuration from its arguments. `args`
 * empty = every default of the implementation. traefik accepts both
 * `--providers.kubernetesingress.ingressclass` and the CamelCase spelling.
 */
export function controllerConfig(implementation: IngressImplementation, args: readonly string[]): IngressControllerConfig {
  if (implementation === "ingress-nginx") {
    const cls = argValue(args, "--ingress-class") ?? "nginx";
    return {
      implementation,
      controller: argValue(args, "--controller-class") ?? INGRESS_NGINX_CONTROLLER,
      annotationClasses: [cls],
      watchWithoutClass: (argValue(args, "--watch-ingress-without-class") ?? "false") === "true",
    };
  }
  if (implementation === "contour") {
    const names = (argValue(args, "--ingress-class-name") ?? "").split(",").filter((n) => n && n !== "true");
    return { implementation, controller: "", annotationClasses: names.length ? names : [CONTOUR_DEFAULT_CLASS], watchWithoutClass: names.length === 0 };
  }
  const cls = argValue(args, "--providers.kubernetesingress.ingressclass") ?? argValue(args, "--providers.kubernetesIngress.ingressClass");
  return { implementation, controller: TRAEFIK_CONTROLLER, annotationClasses: cls ? [cls] : ["traefik"], watchWithoutClass: cls === undefined };
}

/** Whether an IngressClass is annotated as the cluster default. */
export function isDefaultClass(c: IngressClass): boolean {
  return c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true";
}

/** Names of the IngressClasses whose `spec.controller` is `controller`, sorted. */
export function classesOfController(controller: string, classes: readonly IngressClass[]): string[] {
  return classes.filter((c) => c.spec?.controller === controller).map((c) => c.metadata.name).sort();
}

/** Whether a controller serves an Ingress, and why (or why not), in one phrase. */
export interface ServedDecision {
  served: boolean;
  /** `ingressClassName`, `annotation`, `default-class`, `without-class`, or `none` when not served. */
  by: "ingressClassName" | "annotation" | "default-class" | "without-class" | "none";
  /** The class the Ingress names (spec or annotation), or null. */
  className: string | null;
  reason: string;
}

/**
 * Whether the controller `cfg` serves `ing`, given the cluster's
 * IngressClasses (Kubernetes Ingress docs "Ingress class"; ingress-nginx
 * store `IsValid`; traefik provider `shouldProcessIngress`):
 * 1. `spec.ingressClassName` set: served when that IngressClass exists and
 *    its `spec.controller` is the controller's (a missing IngressClass is
 *    served by nobody);
 * 2. else the annotation `kubernetes.io/ingress.class`: served when its value
 *    is one of the controller's annotation classes or names an IngressClass
 *    of this controller;
 * 3. else (no class at all): served when the controller watches Ingresses
 *    without class, or one of its IngressClasses is the cluster default.
 */
export function servesIngress(cfg: IngressControllerConfig, ing: Ingress, classes: readonly IngressClass[]): ServedDecision {
  if (cfg.implementation === "contour") return contourServes(cfg, ing);
  const mine = classesOfController(cfg.controller, classes);
  const byName = ing.spec?.ingressClassName;
  if (byName) {
    const cls = classes.find((c) => c.metadata.name === byName);
    if (!cls) return { served: false, by: "none", className: byName, reason: `ingressClassName ${byName} names no IngressClass` };
    if (cls.spec?.controller !== cfg.controller) {
      return { served: false, by: "none", className: byName, reason: `IngressClass ${byName} belongs to controller ${cls.spec?.controller ?? "<none>"}, not ${cfg.controller}` };
    }
    return { served: true, by: "ingressClassName", className: byName, reason: `ingressClassName ${byName} (controller ${cfg.controller})` };
  }
  const ann = ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (ann !== undefined) {
    if (cfg.annotationClasses.includes(ann) || mine.includes(ann)) return { served: true, by: "annotation", className: ann, reason: `annotation ${LEGACY_CLASS_ANNOTATION}: ${ann}` };
    return { served: false, by: "none", className: ann, reason: `annotation ${LEGACY_CLASS_ANNOTATION}: ${ann} is not a class of ${cfg.implementation} (${[...new Set([...cfg.annotationClasses, ...mine])].join(", ")})` };
  }
  const def = classes.find((c) => isDefaultClass(c) && c.spec?.controller === cfg.controller);
  if (def) return { served: true, by: "default-class", className: def.metadata.name, reason: `no class; IngressClass ${def.metadata.name} is the default class` };
  if (cfg.watchWithoutClass) return { served: true, by: "without-class", className: null, reason: `no class; ${cfg.implementation} watches Ingresses without class` };
  const otherDefault = classes.find(isDefaultClass);
  return {
    served: false,
    by: "none",
    className: null,
    reason: otherDefault
      ? `no class; the default IngressClass ${otherDefault.metadata.name} belongs to ${otherDefault.spec?.controller ?? "<none>"}`
      : `no class, no default IngressClass, and ${cfg.implementation} does not watch Ingresses without class`,
  };
}

/**
 * Contour's rule (internal/ingressclass `MatchesIngress`): the annotation
 * `projectcontour.io/ingress.class`, else `kubernetes.io/ingress.class`, else
 * `spec.ingressClassName` — annotations win — must be one of its class names;
 * with no `--ingress-class-name`, an Ingress with no class or class `contour`.
 * IngressClass objects and their `spec.controller` play no part.
 */
function contourServes(cfg: IngressControllerConfig, ing: Ingress): ServedDecision {
  const ann = ing.metadata.annotations ?? {};
  const annKey = ann[CONTOUR_CLASS_ANNOTATION] !== undefined ? CONTOUR_CLASS_ANNOTATION : ann[LEGACY_CLASS_ANNOTATION] !== undefined ? LEGACY_CLASS_ANNOTATION : null;
  const cls = annKey ? ann[annKey]! : (ing.spec?.ingressClassName ?? "");
  const by: ServedDecision["by"] = annKey ? "annotation" : cls ? "ingressClassName" : "without-class";
  const where = annKey ? `annotation ${annKey}: ${cls}` : cls ? `ingressClassName ${cls}` : "no class";
  const names = cfg.annotationClasses.join(", ");
  if (!cls) {
    return cfg.watchWithoutClass
      ? { served: true, by, className: null, reason: `no class; Contour without --ingress-class-name serves Ingresses without class` }
      : { served: false, by: "none", className: null, reason: `no class; Contour serves only class ${names} (--ingress-class-name)` };
  }
  if (cfg.annotationClasses.includes(cls)) return { served: true, by, className: cls, reason: `${where} (Contour matches class names)` };
  return { served: false, by: "none", className: cls, reason: `${where} is not a class Contour serves (${names}); Contour matches the class name, not an IngressClass controller` };
}
