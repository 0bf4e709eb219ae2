/**
 * Classification of end-to-end probe answers into signatures, and of each
 * signature into the hop it points to (DESIGN §2). Pure functions: no I/O.
 *
 * Every response string below is copied from
 * ../shared/reference/real-world-facts.md §6 (Envoy / Envoy Gateway /
 * kgateway) and §7 (curl, socat, kubectl port-forward).
 */
import type { Hop } from "../engine/types.js";
import type { ProbeSignature } from "../sources/types.js";

/** Body of traefik's (and Go net/http's) default 404: `http.NotFound` writes `404 page not found\n`. */
export const TRAEFIK_404_BODY = "404 page not found";
/** Envoy's local reply for UH (no healthy upstream), 19 bytes, `content-type: text/plain`. */
export const ENVOY_NO_HEALTHY_UPSTREAM_BODY = "no healthy upstream";
/**
 * Prefix of Envoy's local reply for UF (upstream connection failure). Old
 * Envoy sends exactly this (57 bytes); newer versions append
 * `. reset reason: connection failure, transport failure reason: …` or
 * `. retried and the latest reset reason: …`.
 */
export const ENVOY_UPSTREAM_CONNECT_ERROR_PREFIX = "upstream connect error or disconnect/reset before headers";

/**
 * The line nginx's built-in error pages end with when `server_tokens off`
 * (`<hr><center>nginx</center>`): ingress-nginx (ShowServerTokens false,
 * rootfs/etc/nginx/template/nginx.tmpl) and NGINX Gateway Fabric
 * (buildServerTokens defaults to off) both set it. An application's own
 * nginx with the default `server_tokens on` shows `nginx/1.x.y` instead.
 */
export const NGINX_ERROR_PAGE_SIGNATURE = "<center>nginx</center>";
/** nginx's built-in 404 page as ingress-nginx and NGINX Gateway Fabric send it (CRLF line ends). */
export const NGINX_404_BODY = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** Header map as undici / node:http deliver it (lower-case names). */
export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * Classify an HTTP answer.
 *
 * - 2xx and 3xx → `success` (curl without -L treats a redirect as an answer).
 * - 404 with body `404 page not found` (trailing newline ignored) → `traefik-404`
 *   (traefik answers unmatched routers with Go's `http.NotFound`).
 * - 404 with an empty body → `envoy-404` (Envoy NR `route_not_found`:
 *   `content-length: 0`; Envoy Gateway sends no `server` header, so the body,
 *   not the header, is the signal; kgateway, Contour and Cilium send
 *   `server: envoy`, Istio `server: istio-envoy`).
 * - 404 whose body is nginx's error page without version
 *   (`<center>nginx</center>`) → `nginx-404`: ingress-nginx or NGINX Gateway
 *   Fabric has no server block for the host (NGF's default server
 *   `return 404`, servers_template.go) or no location for the path.
 * - 503 with body `no healthy upstream` → `envoy-503-no-healthy-upstream` (UH).
 * - 503 whose body starts `upstream connect error or disconnect/reset before
 *   headers` → `envoy-503-upstream-connect-error` (UF).
 * - 500 with an empty body → `empty-500` (Envoy Gateway direct response when
 *   every backendRef is invalid, envoyproxy/gateway#6068; kgateway
 *   blackhole-cluster).
 * - anything else → `http-other`.
 *
 * `headers` is accepted for callers that have it; no rule needs it today
 * because Envoy Gateway hides `server: envoy`. `body` is the first bytes of
 * the body as text (the probe reads at most 4 KiB).
 */
export function classifyHttp(status: number, headers: HeaderMap, body: string): ProbeSignature {
  void headers;
  if (status >= 200 && status < 400) return "success";
  const trimmed = body.trim();
  switch (status) {
    case 404:
      if (trimmed === TRAEFIK_404_BODY) return "traefik-404";
      if (body.length === 0) return "envoy-404";
      if (body.includes(NGINX_ERROR_PAGE_SIGNATURE)) return "nginx-404";
      return "http-other";
    case 503:
      if (trimmed === ENVOY_NO_HEALTHY_UPSTREAM_BODY) return "envoy-503-no-healthy-upstream";
      if (body.startsWith(ENVOY_UPSTREAM_CONNECT_ERROR_PREFIX)) return "envoy-503-upstream-connect-error";
      return "http-other";
    case 500:
      return body.length === 0 ? "empty-500" : "http-other";
    default:
      return "http-other";
  }
}

/** The `code` of an error or of any error in its `cause` chain, outermost first. */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const o = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof o.code === "string") codes.push(o.code);
    if (o.name === "AbortError" || o.name === "TimeoutError") codes.push(o.name);
    e = o.cause;
  }
  return codes;
}

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "AbortError",
  "TimeoutError",
  "ABORT_ERR",
  "UND_ERR_ABORTED",
]);
const UNREACHABLE_CODES = new Set(["EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EADDRNOTAVAIL", "EHOSTDOWN", "ENETDOWN"]);

/**
 * Classify a transport error of a TCP connect or HTTP request (Node and
 * undici error codes, looked up through the `cause` chain):
 *
 * - `ECONNREFUSED` → `refused` (curl 7 "Couldn't connect to server").
 * - `ECONNRESET` / `EPIPE` → `reset` (a TCP RST: "connection reset by peer").
 * - `UND_ERR_SOCKET` without a reset (undici "other side closed": the server
 *   closed cleanly before sending a byte) → `empty-reply` (curl 52 "Empty
 *   reply from server").
 * - connect/headers/body timeouts and aborts → `timeout` (curl 28).
 * - `EHOSTUNREACH`, `ENETUNREACH`, `ENOTFOUND`, `EAI_AGAIN`, … → `unreachable`.
 * - TLS failures (`ERR_SSL_*`, `ERR_TLS_*`, `EPROTO`, certificate codes) and
 *   HTTP parser errors (`HPE_*`: the port answered something that is not
 *   HTTP, typically a TLS record on a plain-HTTP port) → `tls`.
 * - anything else → `unreachable` (the request did not get an answer).
 */
export function classifyError(err: unknown): ProbeSignature {
  const codes = errorCodes(err);
  if (codes.includes("ECONNREFUSED")) return "refused";
  if (codes.includes("ECONNRESET") || codes.includes("EPIPE")) return "reset";
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return "timeout";
  if (codes.includes("UND_ERR_SOCKET")) return "empty-reply";
  if (codes.some((c) => UNREACHABLE_CODES.has(c))) return "unreachable";
  if (codes.some((c) => c.startsWith("ERR_SSL_") || c.startsWith("ERR_TLS_") || c === "EPROTO" || c.startsWith("HPE_") || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(c))) {
    return "tls";
  }
  return "unreachable";
}

/** What `signatureHop` needs to know about the path besides the signature. */
export interface SignatureHopContext {
  /** True when a userspace forwarder (socat, kubectl port-forward, ssh -L …) owns the target port. */
  hasForwarder: boolean;
  /**
   * Implementation of the path's own gateway or ingress proxy, as the checks
   * resolved it: `GatewayFact.implementation` (e.g. `traefik` as Gateway API
   * provider, `envoy-gateway`) or `IngressControllerFact.implementation`
   * (`traefik`, `ingress-nginx`, `contour`). `null` = the path has none;
   * absent = not known (`netdoctor watch` reads no cluster).
   */
  pathProxy?: string | null;
  /**
   * True when the published port leads straight into a cluster node: the
   * container that publishes it is a kind or k3d node (`ContainerFact.role`;
   * its container port is the node's port), or the address is a node's own
   * (k3s on this host or a VM: `NodeFact`). False for any other container —
   * the k3d serverlb too, a proxy of its own that may be what resets — and
   * absent when not known (`netdoctor watch`).
   */
  entersNode?: boolean;
  /**
   * True when the route hop resolved the request's route and none of its
   * checks failed: the selected rule's backendRefs are valid. An empty 500
   * then is not an invalid backendRef but Envoy Gateway's direct response for
   * a backend with zero ready endpoints (envoyproxy/gateway#8288; the
   * maintainers in #6068: "the 500 response code for this case is part of
   * the Gateway API spec and the response is missing a body"). Absent or
   * false = not known, or the route hop found a problem.
   */
  refsResolved?: boolean;
}

/**
 * The hop a probe signature points to, used for the verdict when static
 * checks find nothing (DESIGN §2). Mapping and its source:
 *
 * - `refused`, `timeout`, `unreachable`, `tls` → `host-port`: nothing (or the
 *   wrong protocol) answers at address:port (curl 7 / 28).
 * - `reset`, `empty-reply` → `forwarder` when a forwarder owns the port (a
 *   socat / kubectl port-forward whose upstream is gone accepts, then resets
 *   or closes: real-world-facts §7 "error: lost connection to pod", socat
 *   "Connection refused" upstream); else `service` when the port enters a
 *   cluster node (`ctx.entersNode`): docker-proxy accepted and handed the
 *   connection to the node container's port, where nothing took it — no
 *   NodePort, svclb or hostPort rule for it (kube-proxy installs rules only
 *   for ports a Service has), so the node's kernel resets; else `container`
 *   (a published port whose container side — a dev container, the k3d
 *   serverlb's nginx — has no listener or closes: docker-proxy accepts,
 *   then closes).
 * - `traefik-404` → `route` when traefik is the path's own proxy
 *   (`ctx.pathProxy === "traefik"`: traefik's Ingress provider or its
 *   Gateway API provider serves this path): traefik answers `404 page not
 *   found` when no router matches the request (Go's `http.NotFound`, traefik
 *   pkg/server/router), so no Ingress rule / HTTPRoute matched. Otherwise
 *   (another proxy, none, or not known) → `service`: traefik, not the
 *   path's gateway, holds the port (k3s bundled traefik's svclb wins the
 *   LoadBalancer port, real-world-facts §2).
 * - `envoy-404`, `nginx-404`, `empty-500` → `route`: the gateway (or ingress
 *   controller) answered but no HTTPRoute / Ingress rule matched (Envoy NR,
 *   nginx's default server) or the matched rule's backendRefs are invalid
 *   (Envoy Gateway direct 500, §6). An `empty-500` on a route whose refs
 *   resolved (`ctx.refsResolved`) → `backend`: Envoy Gateway answers a rule
 *   whose Services have zero ready endpoints with the same direct 500
 *   (envoyproxy/gateway#8288).
 * - `envoy-503-no-healthy-upstream`, `envoy-503-upstream-connect-error`,
 *   `http-other` → `backend`: the route matched; the backend has no ready
 *   endpoints (UH), refuses (UF) or answered itself.
 * - `success` → null: nothing to point at.
 */
export function signatureHop(signature: ProbeSignature, ctx: SignatureHopContext): Hop | null {
  switch (signature) {
    case "refused":
    case "timeout":
    case "unreachable":
    case "tls":
      return "host-port";
    case "reset":
    case "empty-reply":
      return ctx.hasForwarder ? "forwarder" : ctx.entersNode ? "service" : "container";
    case "traefik-404":
      return ctx.pathProxy === "traefik" ? "route" : "service";
    case "envoy-404":
    case "nginx-404":
      return "route";
    case "empty-500":
      return ctx.refsResolved ? "backend" : "route";
    case "envoy-503-no-healthy-upstream":
    case "envoy-503-upstream-connect-error":
    case "http-other":
      return "backend";
    case "success":
      return null;
    default: {
      const never: never = signature;
      throw new Error(`unknown probe signature ${String(never)}`);
    }
  }
}
