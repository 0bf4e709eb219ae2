/**
 * Request options beyond the URL (DESIGN §3): curl's `-H/--header 'Name:
 * value'` (repeatable) and `-X/--request METHOD`. The probe sends them, and
 * route matching (HTTPRoute `matches[].headers`/`method`, the Host a listener
 * and a route hostname are matched against) uses them, so a request resolves
 * to the rule the gateway would pick.
 *
 * Semantics, and where they follow or depart from curl (curl(1) `-H`, `-X`):
 * - `Name: value` sends the header; whitespace around the value is trimmed.
 *   curl's `-H @FILE` is not supported (a usage error).
 *   `Name;` sends it with an empty value (curl's form). `Name:` with nothing
 *   after the colon, which curl takes as "remove this internal header", is a
 *   usage error: netdoctor's probe has no header worth removing.
 * - A name is an RFC 9110 §5.6.2 token; a value holds no CR, LF or NUL
 *   (RFC 9110 §5.5). Headers that frame the message or the connection
 *   (`Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`,
 *   `Upgrade`, `Expect`, `TE`) are refused: the probe sends no body and one
 *   request per connection.
 * - `-H 'Host: x'` behaves as in curl: the connection still goes to the URL's
 *   host (resolved by the dns hop, or `--resolve`) and TLS SNI still names it,
 *   but the Host header sent is `x`, and `x` is the host Gateway listeners,
 *   HTTPRoute hostnames and Ingress rules are matched against (Envoy and
 *   nginx route on the Host header, never on the address connected to).
 * - The method is an RFC 9110 §9.1 token, upper-cased: methods are
 *   case-sensitive, and Gateway API `HTTPRouteMatch.method` (an enum of
 *   upper-case names) and every common proxy expect upper case (curl would
 *   send `-X post` as typed). `CONNECT` is refused: it opens a tunnel, not a
 *   request a route answers.
 *
 * Pure functions; errors are `UsageError` (exit 2) with one line naming the
 * value.
 */
import { UsageError } from "../errors.js";
import type { RequestHeader, Target } from "./types.js";

export { describeRequestFlags, describeTarget } from "../report/request-text.js";

/** RFC 9110 §5.6.2 `token`: the shape of a header name and of a method. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Header names the probe refuses (message framing and connection management, RFC 9110 §7.6.1, §6.4, §10.1.1). */
const REFUSED_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "expect", "te", "proxy-connection"]);

/** The request options of a run, parsed: `method` absent = GET (not given); `headers` in the order given. */
export interface RequestOptions {
  method?: string;
  headers: RequestHeader[];
}

/**
 * Parse one `-H` value as curl does (`Name: value`, or `Name;` for an empty value).
 * @throws UsageError for a value without `:` (or a trailing `;`), an invalid name, a CR/LF/NUL in the value, `Name:` without a value, or a refused header.
 */
export function parseHeader(raw: string): RequestHeader {
  const shown = JSON.stringify(raw);
  if (raw.startsWith("@")) throw new UsageError(`invalid -H ${shown}: netdoctor does not read headers from a file (curl's -H @FILE); pass each with -H 'Name: value'`);
  const colon = raw.indexOf(":");
  let name: string;
  let value: string;
  if (colon < 0) {
    const semi = /^([^;]*);\s*$/.exec(raw);
    if (!semi) throw new UsageError(`invalid -H ${shown}: expected 'Name: value', e.g. -H 'x-canary: true'`);
    name = semi[1]!.trim();
    value = "";
  } else {
    name = raw.slice(0, colon).trim();
    value = raw.slice(colon + 1).trim();
    if (value === "") throw new UsageError(`invalid -H ${shown}: no value after the colon (curl would remove the header; to send it empty write '${name};')`);
  }
  if (!name) throw new UsageError(`invalid -H ${shown}: the header name is empty`);
  if (!TOKEN.test(name)) throw new UsageError(`invalid -H ${shown}: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
  if (/[\r\n\0]/.test(value)) throw new UsageError(`invalid -H ${shown}: a header value cannot hold CR, LF or NUL`);
  if (REFUSED_HEADERS.has(name.toLowerCase())) {
    throw new UsageError(`invalid -H ${shown}: netdoctor sets ${name} itself (the probe sends no body and one request per connection)`);
  }
  return { name, value };
}

/**
 * Parse `-X METHOD`: an RFC 9110 token, returned upper-case.
 * @throws UsageError for anything else, and for CONNECT.
 */
export function parseMethod(raw: string): string {
  const m = raw.trim();
  if (!TOKEN.test(m)) throw new UsageError(`invalid -X ${JSON.stringify(raw)}: expected an HTTP method such as GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS`);
  const up = m.toUpperCase();
  if (up === "CONNECT") throw new UsageError(`invalid -X ${JSON.stringify(raw)}: CONNECT opens a tunnel; netdoctor diagnoses requests a route answers`);
  return up;
}

/**
 * Parse the `-H` values and the `-X` value of a run.
 * @throws UsageError (see `parseHeader`, `parseMethod`), also for two Host headers.
 */
export function parseRequestOptions(headers: readonly string[] | undefined, method: string | undefined): RequestOptions {
  const parsed = (headers ?? []).map(parseHeader);
  if (parsed.filter((h) => h.name.toLowerCase() === "host").length > 1) throw new UsageError("invalid -H: more than one Host header (a request has one Host)");
  return { ...(method !== undefined ? { method: parseMethod(method) } : {}), headers: parsed };
}

/** True when the options change nothing (no `-X`, no `-H`). */
export function isPlainRequest(o: RequestOptions): boolean {
  return o.method === undefined && o.headers.length === 0;
}

/**
 * The target with request options applied: `extra.method` replaces the
 * target's, `extra.headers` come after the target's (a `Host` in `extra`
 * replaces the target's Host). A plain `extra` returns `target` itself.
 */
export function withRequest(target: Target, extra: RequestOptions): Target {
  if (isPlainRequest(extra)) return target;
  const own = target.headers ?? [];
  const overridesHost = extra.headers.some((h) => h.name.toLowerCase() === "host");
  const headers = [...(overridesHost ? own.filter((h) => h.name.toLowerCase() !== "host") : own), ...extra.headers];
  const method = extra.method ?? target.method;
  return { ...target, ...(method !== undefined ? { method } : {}), ...(headers.length ? { headers } : {}) };
}

/** The method the request is sent with: `-X`, else GET. */
export function methodOf(target: Target): string {
  return target.method ?? "GET";
}

/**
 * The Host header the request carries (RFC 9110 §7.2): the value of a `-H
 * 'Host: …'`, else the URL's host, bracketed when IPv6, with the port
 * unless it is the scheme's default (what curl sends).
 */
export function hostHeaderOf(target: Target): string {
  const given = target.headers?.find((h) => h.name.toLowerCase() === "host");
  if (given) return given.value;
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return (target.scheme === "http" && target.port === 80) || (target.scheme === "https" && target.port === 443) ? host : `${host}:${target.port}`;
}

/**
 * The host name route matching uses: the Host header's name without port,
 * lower-cased, brackets removed (Envoy and nginx ignore the Host port and
 * case, gateway-api-matching.md A6). Equals `target.host` unless `-H 'Host: …'` was given.
 */
export function routingHostOf(target: Target): string {
  const given = target.headers?.find((h) => h.name.toLowerCase() === "host");
  if (!given) return target.host;
  const v = given.value.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  return v.replace(/:\d*$/, "");
}

/** The headers to send besides Host, in order (names as given). */
export function extraHeadersOf(target: Target): RequestHeader[] {
  return (target.headers ?? []).filter((h) => h.name.toLowerCase() !== "host");
}

/**
 * Request headers as route matching sees them: names lower-cased, the first
 * value of each name (Gateway API `HTTPHeaderMatch`: only the first entry
 * of a name counts; A7), the Host excluded (it selects the vhost).
 */
export function matchHeadersOf(target: Target): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of extraHeadersOf(target)) {
    const k = h.name.toLowerCase();
    if (!(k in out)) out[k] = h.value;
  }
  return out;
}

/** The `-H` strings that reproduce `headers` (`Name: value`, or `Name;` when empty), for manifests and scenario targets. */
export function headerFlags(headers: readonly RequestHeader[] | undefined): string[] {
  return (headers ?? []).map((h) => (h.value === "" ? `${h.name};` : `${h.name}: ${h.value}`));
}

/**
 * A path's `target` in the report (DESIGN §4): url, host, port, path, plus
 * `method` and `headers` (`[{name, value}]`, in order) when `-X`/`-H` were
 * given — additive optional fields, absent for a plain GET.
 */
export function reportTarget(target: Target): { url: string; host: string; port: number; path: string; method?: string; headers?: RequestHeader[] } {
  return {
    url: target.url,
    host: target.host,
    port: target.port,
    path: target.path,
    ...(target.method !== undefined ? { method: target.method } : {}),
    ...(target.headers?.length ? { headers: target.headers.map((h) => ({ name: h.name, value: h.value })) } : {}),
  };
}

/**
 * The request options a report target (or a scenario / bundle entry)
 * recorded, read leniently: a non-string method or a malformed header is
 * dropped rather than trusted.
 */
export function requestFromRecord(rec: { method?: unknown; headers?: unknown }): RequestOptions {
  const headers: RequestHeader[] = [];
  if (Array.isArray(rec.headers)) {
    for (const h of rec.headers as unknown[]) {
      if (typeof h === "object" && h !== null && typeof (h as RequestHeader).name === "string" && typeof (h as RequestHeader).value === "string") {
        headers.push({ name: (h as RequestHeader).name, value: (h as RequestHeader).value });
      }
    }
  }
  return { ...(typeof rec.method === "string" ? { method: rec.method } : {}), headers };
}

