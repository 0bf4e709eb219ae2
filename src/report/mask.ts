/**
 * Credentials in URLs are masked wherever netdoctor prints a URL (issue 14
 * §4): a kubeconfig `server: https://admin:s3cret@10.0.0.5:6443`, a
 * `DOCKER_HOST=tcp://u:p@host:2376`, a target typed with userinfo. The
 * password part of RFC 3986 §3.2.1 userinfo (`scheme://user:PASSWORD@host`)
 * becomes `REDACTED`; the user name and the rest of the URL stay, so the
 * output still says which server and which user.
 */

const USERINFO_PASSWORD = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/"'<>]*:)(?!REDACTED@)([^\s@/"'<>]+)(@)/g;

/** `https://admin:s3cret@h:6443/` → `https://admin:REDACTED@h:6443/`, for every URL in `text`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(USERINFO_PASSWORD, "$1REDACTED$3");
}

/** A deep copy of a JSON value (a report, a run event) with every string's URL passwords masked. */
export function maskUrlsIn<T>(value: T): T {
  if (typeof value === "string") return maskUrlCredentials(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskUrlsIn(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskUrlsIn(v)])) as T;
  }
  return value;
}
