/**
 * Which Ingress controller a Service or pod belongs to, and which Ingresses
 * that controller serves. Pure helpers for discovery; no I/O.
 *
 * Sources:
 * - ingress-nginx (kubernetes/ingress-nginx deploy manifests, also kind's
 *   quick start `deploy/static/provider/kind`): controller objects labelled
 *   `app.kubernetes.io/name: ingress-nginx`, `app.kubernetes.io/component:
 *   controller`; IngressClass `nginx` with `spec.controller: k8s.io/ingress-nginx`.
 * - k3s traefik (traefik helm chart): Service `kube-system/traefik` labelled
 *   `app.kubernetes.io/name: traefik`; IngressClass `traefik` with
 *   `spec.controller: traefik.io/ingress-controller`.
 * - networking.k8s.io/v1 Ingress: `spec.ingressClassName`; without it the
 *   IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"`
 *   applies; the deprecated annotation `kubernetes.io/ingress.class` names the class.
 */
import type { Ingress, IngressClass, KubeObject } from "../kube/types.js";

/** An Ingress controller netdoctor recognises. */
export interface IngressController {
  /** Display name: `ingress-nginx`, `traefik`. */
  name: string;
  /** `IngressClass.spec.controller` values it serves. */
  controllers: string[];
}

/** Known controllers, keyed by the `app.kubernetes.io/name` label of their Service / pods. */
const KNOWN: Record<string, IngressController> = {
  "ingress-nginx": { name: "ingress-nginx", controllers: ["k8s.io/ingress-nginx"] },
  traefik: { name: "traefik", controllers: ["traefik.io/ingress-controller"] },
};

/** Annotation marking the default IngressClass (Kubernetes Ingress docs, "Default IngressClass"). */
export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
/** Deprecated class annotation still honoured by ingress-nginx and traefik. */
export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** The Ingress controller a Service or pod belongs to, from its `app.kubernetes.io/name` label, or null. */
export function ingressControllerOf(obj: KubeObject | null): IngressController | null {
  const name = obj?.metadata.labels?.["app.kubernetes.io/name"];
  return name ? (KNOWN[name] ?? null) : null;
}

/**
 * The class name an Ingress uses: `spec.ingressClassName`, else the legacy
 * annotation, else the default IngressClass (null when there is none).
 */
export function ingressClassOf(ing: Ingress, classes: readonly IngressClass[]): string | null {
  if (ing.spec.ingressClassName) return ing.spec.ingressClassName;
  const legacy = ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy) return legacy;
  return classes.find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true")?.metadata.name ?? null;
}

/**
 * The Ingresses `controller` serves: those whose class is an IngressClass
 * with one of its `spec.controller` values, or — when the IngressClass list
 * is empty or unknown — whose class name equals the controller's usual
 * class (`nginx`, `traefik`).
 */
export function ingressesServedBy(controller: IngressController, ingresses: readonly Ingress[], classes: readonly IngressClass[]): Ingress[] {
  const usual = controller.name === "ingress-nginx" ? "nginx" : controller.name;
  return ingresses.filter((ing) => {
    const cls = ingressClassOf(ing, classes);
    if (cls === null) return false;
    const ic = classes.find((c) => c.metadata.name === cls);
    return ic ? controller.controllers.includes(ic.spec.controller ?? "") : cls === usual;
  });
}
