/**
 * Parsing of TARGET arguments and `--resolve` values (DESIGN §3).
 * A target is a URL (`http://api.openchoreo.localhost:8080/path`) or
 * `host:port` (taken as http). `--resolve HOST:PORT:ADDR` follows curl.
 */
import { UsageError } from "../errors.js";
import type { ResolveOverride, Target } from "./types.js";

/**
 * Parse one target.
 * @throws UsageError for anything that is not an http(s) URL or `host:port`.
 */
export function parseTarget(raw: string): Target {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`invalid target ${JSON.stringify(raw)}: expected a URL such as http://api.openchoreo.localhost:8080/ or host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`invalid target ${JSON.stringify(raw)}: only http:// and https:// are diagnosed`);
  }
  if (!url.hostname) throw new UsageError(`invalid target ${JSON.stringify(raw)}: no host`);
  const scheme = url.protocol === "https:" ? "https" : "http";
  const port = url.port ? Number(url.port) : scheme === "https" ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const path = `${url.pathname || "/"}${url.search}`;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  return { url: `${scheme}://${hostForUrl}:${port}${path}`, scheme, host, port, path };
}

/**
 * Parse `--resolve HOST:PORT:ADDR` (ADDR may be a bracketed IPv6 address).
 * @throws UsageError when the value has not that shape.
 */
export function parseResolve(raw: string): ResolveOverride {
  const m = /^([^:]+):(\d{1,5}):(\[[0-9a-fA-F:.]+\]|[^:]+)$/.exec(raw.trim());
  if (!m) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: expected HOST:PORT:ADDR, e.g. api.openchoreo.localhost:8080:127.0.0.1`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: port out of range`);
  return { host: m[1]!.toLowerCase(), port, address: m[3]!.replace(/^\[|\]$/g, "") };
}
