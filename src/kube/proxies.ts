/**
 * Which gateway / ingress data-plane proxy a pod runs, from its container
 * images. A hostPort or hostNetwork proxy (Contour's Envoy DaemonSet,
 * ingress-nginx's kind manifest, traefik) that takes the node port is the
 * gateway/ingress proxy of the path, never its backend, even when no Gateway
 * or IngressClass netdoctor reads is behind it. Pure; no I/O.
 *
 * Sources (image repositories as the projects publish them):
 * - Contour: Envoy DaemonSet `projectcontour/envoy` runs `envoyproxy/envoy`
 *   beside a `ghcr.io/projectcontour/contour` shutdown-manager
 *   (projectcontour/contour examples/contour/03-envoy.yaml);
 * - Envoy: `envoyproxy/envoy`, `envoyproxy/envoy-distroless` (Docker Hub);
 * - ingress-nginx: `registry.k8s.io/ingress-nginx/controller` (deploy/static/provider/kind);
 *   RKE2's packaged build `rancher/nginx-ingress-controller` (rke2-charts
 *   rke2-ingress-nginx values.yaml.patch) and traefik `rancher/hardened-traefik`
 *   (rke2-charts rke2-traefik values.yaml.patch);
 * - NGINX Inc.: `nginx/nginx-ingress`; traefik: `traefik`,
 *   `rancher/library-traefik` and `rancher/mirrored-library-traefik` (k3s
 *   manifests/traefik.yaml); HAProxy: `haproxytech/kubernetes-ingress`;
 *   Kong: `kong`, `kong/kong-gateway`; Istio: `istio/proxyv2`.
 */
import type { Pod } from "./types.js";

/** Image repository (without registry host, tag or digest) → implementation. First match wins. */
const PROXY_IMAGES: readonly [RegExp, string][] = [
  [/^projectcontour\/contour$/, "contour"],
  [/^envoyproxy\/envoy(-distroless|-alpine|-dev)?$/, "envoy"],
  [/^ingress-nginx\/controller(-chroot)?$|^rancher\/nginx-ingress-controller$/, "ingress-nginx"],
  [/^nginx\/nginx-ingress$/, "nginx-ingress"],
  [/^(library\/)?traefik$|^rancher\/(mirrored-)?library-traefik$|^rancher\/hardened-traefik$/, "traefik"],
  [/^haproxytech\/kubernetes-ingress$/, "haproxy-ingress"],
  [/^(library\/)?kong$|^kong\/kong-gateway$/, "kong"],
  [/^istio\/proxyv2$/, "istio"],
];

/** `registry.k8s.io/ingress-nginx/controller:v1.5.1@sha256:…` → `ingress-nginx/controller`. */
export function imageRepository(image: string): string {
  let s = image.split("@")[0]!;
  const slash = s.lastIndexOf("/");
  const colon = s.lastIndexOf(":");
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split("/");
  // A first segment with a dot or colon, or `localhost`, is a registry host (Docker reference grammar).
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === "localhost")) parts.shift();
  return parts.join("/");
}

/** The proxy a pod runs, with the image it was recognised by; null when none of its containers is a known proxy. */
export function proxyOfPod(pod: Pod): { implementation: string; image: string } | null {
  const images = (pod.spec.containers ?? []).map((c) => c.image ?? "").filter(Boolean);
  for (const [re, implementation] of PROXY_IMAGES) {
    const image = images.find((i) => re.test(imageRepository(i)));
    if (image) {
      // Contour's pod is recognised by its shutdown-manager; name the Envoy image it serves with.
      const envoy = implementation === "contour" ? images.find((i) => /^envoyproxy\/envoy/.test(imageRepository(i))) : undefined;
      return { implementation, image: envoy ?? image };
    }
  }
  return null;
}

/** An implementation as the summaries name it: `contour` → `Contour's Envoy`. */
export function proxyName(implementation: string): string {
  return implementation === "contour" ? "Contour's Envoy" : implementation === "envoy" ? "Envoy" : implementation;
}
