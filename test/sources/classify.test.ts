import { describe, expect, it } from "vitest";
import { classifyError, classifyHttp, signatureHop } from "../../src/probe/classify.js";
import type { ProbeSignature } from "../../src/sources/types.js";

describe("classifyHttp", () => {
  const cases: { situation: string; status: number; headers?: Record<string, string>; body: string; signature: ProbeSignature }[] = [
    { situation: "a 200", status: 200, body: "ok", signature: "success" },
    { situation: "a 204 without body", status: 204, body: "", signature: "success" },
    { situation: "a 301 redirect", status: 301, headers: { location: "https://x/" }, body: "", signature: "success" },
    { situation: "traefik's 404", status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n", signature: "traefik-404" },
    { situation: "Envoy's NR 404 (content-length 0, no server header)", status: 404, headers: { "content-length": "0" }, body: "", signature: "envoy-404" },
    { situation: "an application's 404 page", status: 404, body: "<html>Not Found</html>", signature: "http-other" },
    { situation: "Istio's NR 404 (server: istio-envoy, empty body)", status: 404, headers: { server: "istio-envoy", "content-length": "0" }, body: "", signature: "envoy-404" },
    { situation: "kgateway / Contour / Cilium NR 404 (server: envoy, empty body)", status: 404, headers: { server: "envoy", "content-length": "0" }, body: "", signature: "envoy-404" },
    {
      situation: "ingress-nginx / NGINX Gateway Fabric default server 404 (server_tokens off)",
      status: 404,
      headers: { server: "nginx", "content-type": "text/html" },
      body: "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
      signature: "nginx-404",
    },
    {
      situation: "an application's own nginx 404 (server_tokens on: version in the page)",
      status: 404,
      headers: { server: "nginx/1.27.3", "content-type": "text/html" },
      body: "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n",
      signature: "http-other",
    },
    { situation: "traefik's 404 as a Gateway API provider", status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n", signature: "traefik-404" },
    { situation: "Envoy's UH 503", status: 503, headers: { "content-type": "text/plain" }, body: "no healthy upstream", signature: "envoy-503-no-healthy-upstream" },
    {
      situation: "Envoy's UF 503 (connection failure, delayed connect error 111)",
      status: 503,
      body: "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111",
      signature: "envoy-503-upstream-connect-error",
    },
    {
      situation: "Envoy's UF 503 with retries",
      status: 503,
      body: "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused",
      signature: "envoy-503-upstream-connect-error",
    },
    { situation: "old Envoy's 57-byte UF 503", status: 503, body: "upstream connect error or disconnect/reset before headers", signature: "envoy-503-upstream-connect-error" },
    { situation: "an application's 503", status: 503, body: "maintenance", signature: "http-other" },
    { situation: "Envoy Gateway's direct 500 for invalid backendRefs", status: 500, body: "", signature: "empty-500" },
    { situation: "an application's 500 with a stack trace", status: 500, body: "Internal Server Error", signature: "http-other" },
    { situation: "a 401", status: 401, body: "", signature: "http-other" },
  ];
  it.each(cases)("classifies $situation as $signature", ({ status, headers, body, signature }) => {
    expect(classifyHttp(status, headers ?? {}, body)).toBe(signature);
  });
});

describe("classifyError", () => {
  const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
  it.each([
    ["connect ECONNREFUSED", err("ECONNREFUSED"), "refused"],
    ["read ECONNRESET", err("ECONNRESET"), "reset"],
    ["undici other side closed", err("UND_ERR_SOCKET"), "empty-reply"],
    ["undici socket error caused by a reset", err("UND_ERR_SOCKET", err("ECONNRESET")), "reset"],
    ["undici headers timeout", err("UND_ERR_HEADERS_TIMEOUT"), "timeout"],
    ["undici connect timeout", err("UND_ERR_CONNECT_TIMEOUT"), "timeout"],
    ["an AbortSignal.timeout reason", new DOMException("timed out", "TimeoutError"), "timeout"],
    ["no route to host", err("EHOSTUNREACH"), "unreachable"],
    ["a TLS record on a plain-HTTP port", err("ERR_SSL_WRONG_VERSION_NUMBER"), "tls"],
    ["an HTTP parser error", err("HPE_INVALID_CONSTANT"), "tls"],
  ] as const)("classifies %s as %s", (_name, e, signature) => {
    expect(classifyError(e)).toBe(signature);
  });
});

describe("signatureHop", () => {
  it.each([
    ["refused", false, "host-port"],
    ["timeout", false, "host-port"],
    ["unreachable", false, "host-port"],
    ["tls", false, "host-port"],
    ["reset", true, "forwarder"],
    ["reset", false, "container"],
    ["empty-reply", true, "forwarder"],
    ["empty-reply", false, "container"],
    ["traefik-404", false, "service"],
    ["envoy-404", false, "route"],
    ["nginx-404", false, "route"],
    ["empty-500", false, "route"],
    ["envoy-503-no-healthy-upstream", false, "backend"],
    ["envoy-503-upstream-connect-error", false, "backend"],
    ["http-other", false, "backend"],
    ["success", false, null],
  ] as const)("points %s (forwarder: %s) at %s", (signature, hasForwarder, hop) => {
    expect(signatureHop(signature, { hasForwarder })).toBe(hop);
  });

  it.each([
    ["the route hop found the rule's backendRefs resolved (Envoy Gateway's answer for zero ready endpoints)", true, "backend"],
    ["the route hop found a problem with the route or its refs", false, "route"],
    ["nothing known about the route", undefined, "route"],
  ] as const)("points an empty 500 when %s at the %s hop", (_name, refsResolved, hop) => {
    expect(signatureHop("empty-500", { hasForwarder: false, ...(refsResolved !== undefined ? { refsResolved } : {}) })).toBe(hop);
  });

  it.each([
    ["traefik as the path's Ingress controller or Gateway API provider", "traefik", "route"],
    ["another proxy on the path (the Gateway's Envoy)", "kgateway", "service"],
    ["no gateway or ingress proxy on the path", null, "service"],
    ["a path proxy that is not known (watch reads no cluster)", undefined, "service"],
  ] as const)("points traefik's 404 with %s at the %s hop", (_name, pathProxy, hop) => {
    expect(signatureHop("traefik-404", { hasForwarder: false, ...(pathProxy !== undefined ? { pathProxy } : {}) })).toBe(hop);
  });

  it.each([
    ["a kind or k3d node (nothing in the node takes the port)", true, "service"],
    ["a container that is not a node (a dev container, the k3d serverlb)", false, "container"],
    ["a publisher that is not known (watch reads no cluster)", undefined, "container"],
  ] as const)("points a reset or empty reply through %s at the %s hop", (_name, entersNode, hop) => {
    for (const signature of ["reset", "empty-reply"] as const) {
      expect(signatureHop(signature, { hasForwarder: false, ...(entersNode !== undefined ? { entersNode } : {}) })).toBe(hop);
    }
  });

  it("points a reset at the forwarder when one owns the port, even when the port enters a node", () => {
    expect(signatureHop("reset", { hasForwarder: true, entersNode: true })).toBe("forwarder");
  });

  it("leaves every other signature where it points whatever the path's proxy is", () => {
    for (const signature of ["envoy-404", "nginx-404", "refused", "http-other"] as const) {
      expect(signatureHop(signature, { hasForwarder: false, pathProxy: "traefik" })).toBe(signatureHop(signature, { hasForwarder: false }));
    }
  });
});
