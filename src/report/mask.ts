/**
 * Credentials are masked wherever netdoctor prints them (issue 14 §4): in
 * --json, text, -o short/wide/yaml, JUnit, GitHub annotations, the TUI,
 * `watch` and error lines. The probe still sends the real values: masking
 * applies to what is printed, never to the request.
 *
 * - URL userinfo: the password of `scheme://user:PASSWORD@host` becomes
 *   `REDACTED` (RFC 3986 §3.2.1); the user name and the rest stay, so the
 *   output still says which server and which user (a kubeconfig `server:
 *   https://admin:s3cret@10.0.0.5:6443`, a `DOCKER_HOST=tcp://u:p@host:2376`).
 * - Request headers (`-H`): the value of a header whose name carries a
 *   credential (`Authorization`, `Proxy-Authorization`, `Cookie`,
 *   `X-Api-Key`, `X-Auth-Token`, `PRIVATE-TOKEN` … — src/secret-names.ts
 *   AUTH_HEADERS — or any name the secret-name rules flag, `X-Session-Token`)
 *   becomes `***`, keeping the authentication scheme (`Authorization: Bearer
 *   ***`, RFC 9110 §11.4: `credentials = auth-scheme [ 1*SP token68 ]`);
 *   the header name always stays. A value of any other header that holds a
 *   well-known token format (gitleaks rules, src/bundle/secret-patterns.ts)
 *   or a JWT is masked too.
 * - URL query parameters that carry a credential (`?access_token=`,
 *   `&token=`, `?api_key=` … — QUERY_CREDENTIALS) keep their name, the value
 *   becomes `***`.
 * - In free text (summaries, details, error lines): `Name: value` of the
 *   credential headers, `Bearer <token>`, the query parameters above, JWTs
 *   and the gitleaks token formats.
 */
import { SECRET_PATTERNS } from "../bundle/secret-patterns.js";
import { AUTH_HEADERS, AUTH_HEADER_ALTERNATION, QUERY_CREDENTIALS, isSensitiveName } from "../secret-names.js";

/** What a masked credential prints as. */
export const MASK = "***";

const USERINFO_PASSWORD = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/"'<>]*:)(?!REDACTED@)([^\s@/"'<>]+)(@)/g;
const HEADER_TEXT = new RegExp(`\\b(${AUTH_HEADER_ALTERNATION})(\\s*:\\s*)([^'"\\n\\r,}]+)`, "gi");
const QUERY_TEXT = new RegExp(`([?&;](?:${QUERY_CREDENTIALS})=)(?!\\*\\*\\*|REDACTED\\b)([^&\\s"'#<>]+)`, "gi");
const BEARER_TEXT = /\b(Bearer)(\s+)(?!\*\*\*|REDACTED\b)([A-Za-z0-9._~+/=-]{4,})/g;
const JWT_TEXT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** `https://admin:s3cret@h:6443/` → `https://admin:REDACTED@h:6443/`, for every URL in `text`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(USERINFO_PASSWORD, "$1REDACTED$3");
}

/** Does a header NAME carry a credential (AUTH_HEADERS, or a name the secret-name rules flag)? */
export function isCredentialHeader(name: string): boolean {
  return AUTH_HEADERS.has(name.toLowerCase()) || isSensitiveName(name);
}

/** A credential value masked, keeping an RFC 9110 auth-scheme when it leads (`Bearer abc` → `Bearer ***`). */
function maskCredential(value: string): string {
  const v = value.trim();
  if (v === "" || v === MASK || v === "REDACTED") return value;
  const scheme = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(v);
  if (scheme && !/[=;]/.test(scheme[1]!)) return `${scheme[1]} ${MASK}`;
  return MASK;
}

/** The value of request header `name` as printed: masked when the name carries a credential or the value holds a known token format. */
export function maskHeaderValue(name: string, value: string): string {
  if (isCredentialHeader(name)) return maskCredential(value);
  return maskCredentials(value);
}

/** Any of the token formats, in one pass: a string none of them can match skips the rules one by one (a superset: case-insensitive). */
const ANY_SECRET_PATTERN = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.re.source})`).join("|"), "i");

/** Texts already masked (a run repeats the same summaries in its events and its report); cleared when it grows past CACHE_LIMIT. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

/** Every credential in a text masked (see the module comment): URL passwords, credential headers, bearer tokens, query credentials, JWTs, known token formats. */
export function maskCredentials(text: string): string {
  if (text.length < 4) return text;
  const known = cache.get(text);
  if (known !== undefined) return known;
  // Each rule runs only when the text holds what every match of it contains (a report holds thousands of names, hosts and reasons that hold none).
  let out = text.includes("://") && text.includes("@") ? maskUrlCredentials(text) : text;
  if (out.includes(":")) out = out.replace(HEADER_TEXT, (_m, name: string, sep: string, value: string) => `${name}${sep}${maskCredential(value)}`);
  if (out.includes("Bearer")) out = out.replace(BEARER_TEXT, `$1$2${MASK}`);
  if (out.includes("=")) out = out.replace(QUERY_TEXT, `$1${MASK}`);
  if (out.includes("eyJ")) out = out.replace(JWT_TEXT, MASK);
  if (ANY_SECRET_PATTERN.test(out)) {
    for (const p of SECRET_PATTERNS) {
      p.re.lastIndex = 0;
      out = out.replace(p.re, MASK);
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, out);
  return out;
}

/** `{name, value}` of a request header (a report target's `headers[]`). */
function isHeaderPair(o: Record<string, unknown>): o is { name: string; value: string } {
  return typeof o["name"] === "string" && typeof o["value"] === "string" && Object.keys(o).length === 2;
}

/**
 * A deep copy of a JSON value (a report, a run event, a watch summary) with
 * every credential masked: strings through `maskCredentials`, `{name,
 * value}` header pairs and `{header: value}` maps keyed by a credential
 * header through `maskHeaderValue`. Class instances are left as they are.
 */
export function maskCredentialsIn<T>(value: T): T {
  if (typeof value === "string") return maskCredentials(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskCredentialsIn(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const o = value as Record<string, unknown>;
    if (isHeaderPair(o)) return { name: o.name, value: maskHeaderValue(o.name, o.value) } as T;
    // A plain loop (a report of a large cluster holds tens of thousands of objects); a `__proto__` key stays an own property, as Object.fromEntries would keep it.
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      const v = o[k];
      const masked = typeof v === "string" ? (isAuthHeaderKey(k) ? maskHeaderValue(k, v) : maskCredentials(v)) : maskCredentialsIn(v);
      if (k === "__proto__") Object.defineProperty(out, k, { value: masked, enumerable: true, writable: true, configurable: true });
      else out[k] = masked;
    }
    return out as T;
  }
  return value;
}

/** Whether a map key names a credential header (AUTH_HEADERS), remembered per key: a report repeats the same few hundred keys. */
const authKeys = new Map<string, boolean>();
function isAuthHeaderKey(k: string): boolean {
  let known = authKeys.get(k);
  if (known === undefined) {
    known = AUTH_HEADERS.has(k.toLowerCase());
    if (authKeys.size < CACHE_LIMIT) authKeys.set(k, known);
  }
  return known;
}

/** The name it had when it masked URL passwords only; it masks every credential now. */
export const maskUrlsIn = maskCredentialsIn;
