/**
 * Parsing of TARGET arguments and `--resolve` values (DESIGN §3).
 * A target is a URL (`http://api.openchoreo.localhost:8080/path`) or
 * `host:port` (taken as http). `--resolve HOST:PORT:ADDR` follows curl.
 */
import { ipVersion } from "../host/addresses.js";
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
    // The WHATWG URL parser rejects ports above 65535 without saying so: name it.
    const port = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)(?:[/?#]|$)/i.exec(withScheme)?.[1];
    if (port !== undefined && Number(port) > 65535) throw new UsageError(`invalid target ${JSON.stringify(raw)}: port ${port} is out of range (1-65535)`);
    throw new UsageError(`invalid target ${JSON.stringify(raw)}: expected a URL such as http://api.openchoreo.localhost:8080/ or host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`invalid target ${JSON.stringify(raw)}: only http:// and https:// are diagnosed`);
  }
  if (!url.hostname) throw new UsageError(`invalid target ${JSON.stringify(raw)}: no host`);
  const scheme = url.protocol === "https:" ? "https" : "http";
  const port = url.port ? Number(url.port) : scheme === "https" ? 443 : 80;
  if (port < 1 || port > 65535) throw new UsageError(`invalid target ${JSON.stringify(raw)}: port ${port} is out of range (1-65535)`);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const bad = hostNameProblem(host);
  if (bad) throw new UsageError(`invalid target ${JSON.stringify(raw)}: ${bad}`);
  const path = `${url.pathname || "/"}${url.search}`;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  return { url: `${scheme}://${hostForUrl}:${port}${path}`, scheme, host, port, path };
}

/**
 * What is wrong with a host name, or null: RFC 1035 §2.3.4 limits a name to
 * 253 characters and each label to 63 (IP literals are not checked here).
 */
export function hostNameProblem(host: string): string | null {
  if (ipVersion(host)) return null;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length > 253) return `host name is ${name.length} characters long (at most 253)`;
  const long = name.split(".").find((l) => l.length > 63);
  if (long) return `host name label "${long.slice(0, 20)}…" is ${long.length} characters long (at most 63)`;
  if (name.split(".").some((l) => l.length === 0)) return `host name "${host}" has an empty label`;
  return null;
}

/**
 * Parse `--resolve HOST:PORT:ADDR` (ADDR may be a bracketed IPv6 address).
 * ADDR must be an IP address, as curl requires (`--resolve` never looks a
 * name up).
 * @throws UsageError when the value has not that shape.
 */
export function parseResolve(raw: string): ResolveOverride {
  const m = /^([^:]+):(\d{1,5}):(\[[0-9a-fA-F:.]+\]|[^:]+)$/.exec(raw.trim());
  if (!m) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: expected HOST:PORT:ADDR, e.g. api.openchoreo.localhost:8080:127.0.0.1`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: port ${port} is out of range (1-65535)`);
  const address = m[3]!.replace(/^\[|\]$/g, "");
  if (!ipVersion(address)) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: ${JSON.stringify(address)} is not an IP address (--resolve takes one, as curl does)`);
  const host = m[1]!.toLowerCase();
  const bad = hostNameProblem(host);
  if (bad) throw new UsageError(`invalid --resolve ${JSON.stringify(raw)}: ${bad}`);
  return { host, port, address };
}

/**
 * Parse `--host-address ADDR`: an IP address (it is compared with resolved
 * addresses and written into hosts entries, so a name will not do).
 * @throws UsageError for anything else.
 */
export function parseHostAddress(raw: string): string {
  const address = raw.trim().replace(/^\[|\]$/g, "");
  if (!ipVersion(address)) throw new UsageError(`invalid --host-address ${JSON.stringify(raw)}: expected an IP address such as 127.0.0.1 or 192.168.64.2`);
  return address;
}
