/**
 * Names that hold credentials, shared by bundle redaction
 * (src/bundle/redact.ts) and output masking (src/report/mask.ts): which
 * environment variable, flag or map key NAME looks like a credential, which
 * HTTP headers carry one, which URL query parameters do. A leaf module (no
 * imports), so the CLI's error path can mask without loading the bundle code.
 */

/** Words that make a name sensitive (matched as whole words of the name, see `nameWords`). */
const SENSITIVE_WORDS = new Set([
  "PASSWORD", "PASSWORDS", "PASSWD", "PWD", "PASS", "PASSPHRASE",
  "TOKEN", "TOKENS",
  "SECRET", "SECRETS",
  "KEY", "KEYS", "APIKEY", "PRIVATEKEY",
  "CREDENTIAL", "CREDENTIALS", "CREDS",
]);

/** Words that make a following KEY a credential in non-environment-style names (`apiKey`, `privateKey`, `client-key-data`). */
const KEY_QUALIFIERS = new Set(["API", "PRIVATE", "SECRET", "ACCESS", "SIGNING", "ENCRYPTION", "CLIENT", "MASTER", "AUTH", "SSH", "TLS", "SSL", "LICENSE", "SESSION", "HMAC", "AES", "RSA", "ECDSA", "ED25519", "GPG", "PGP", "SHARED", "ACCOUNT", "ADMIN", "DEPLOY", "WEBHOOK", "JWT", "CRYPTO", "DECRYPTION", "VAULT"]);

/** Substrings that make a name sensitive even without word boundaries (`DBPASSWORD`, `GITHUBTOKEN`). KEY is not one: `MONKEY`, `KEYBOARD`. */
const SENSITIVE_SUBSTRINGS = ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "CREDENTIAL"];

/**
 * Last words that make a name a reference to a credential rather than the
 * credential: `secretKeyRef`, `secretName`, `tokenFile`, `PASSWORD_FILE`,
 * `keyPath`, `tokenSecretRef`, `privateKeySecretRef`, `KEY_ID`.
 */
const REFERENCE_WORDS = new Set(["REF", "REFS", "NAME", "NAMES", "FILE", "FILES", "PATH", "PATHS", "DIR", "SELECTOR", "TYPE", "ID", "IDS", "LENGTH", "SIZE", "MODE", "ENABLED", "TTL", "EXPIRY", "EXPIRATION", "ALGORITHM", "FORMAT", "HASH", "FIELD", "NAMESPACE"]);

/**
 * Split a name into upper-case words at `_`, `-`, `.`, `/`, spaces and
 * camelCase humps: `DB_PASSWORD` → DB PASSWORD, `secretKeyRef` → SECRET KEY REF,
 * `client-key-data` → CLIENT KEY DATA.
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

/**
 * Does a NAME (env var, flag without dashes, map key) look like it holds a
 * credential (DESIGN §9: `*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*KEY*`,
 * `*CREDENTIAL*`)? True when one of its words is in SENSITIVE_WORDS, or it
 * contains PASSWORD/PASSWD/TOKEN/SECRET/CREDENTIAL — unless:
 * - a word is PUBLIC (`publicKey`, `PUBLIC_KEY`: public by definition);
 * - its last word names a reference, not a value (REFERENCE_WORDS: `secretKeyRef`,
 *   `secretName`, `tokenFile`, `KEY_ID`);
 * - it is exactly `key` (`secretKeyRef.key`, `matchExpressions[].key`,
 *   `tolerations[].key` name a key, they are not one);
 * - KEY (`KEY`, `KEYS`) counts on its own only in UPPER_SNAKE names — the
 *   environment-variable convention (`API_KEY`, `STRIPE_KEY`, `ENCRYPTION_KEY`).
 *   In other names (camelCase fields, dashed flags) it counts only right after a
 *   credential qualifier (KEY_QUALIFIERS: `apiKey`, `privateKey`, `--access-key`,
 *   `client-key-data`), because there `xxxKey` is mostly a lookup key: Docker's
 *   `SandboxKey` (a netns path), `hostKey`, `cacheKey`, `sortKey`;
 * - it is a Kubernetes field that holds a boolean or object even when named so
 *   (`automountServiceAccountToken`, `serviceAccountToken`): not needed here
 *   because only string values are ever redacted.
 * `KEY` is matched as a word only, so `MONKEY`, `KEYBOARD`, `hotkeys` stay.
 */
export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  if (words.includes("PUBLIC")) return false;
  if (REFERENCE_WORDS.has(words[words.length - 1]!)) return false;
  if (words.length === 1 && words[0] === "KEY") return false;
  const envStyle = /^[A-Z0-9_]+$/.test(name) && /[A-Z]/.test(name);
  const credentialWord = (w: string, i: number) => {
    if (!SENSITIVE_WORDS.has(w)) return false;
    if (w !== "KEY" && w !== "KEYS") return true;
    return envStyle || (i > 0 && KEY_QUALIFIERS.has(words[i - 1]!));
  };
  if (words.some(credentialWord)) return true;
  const joined = words.join("");
  return SENSITIVE_SUBSTRINGS.some((s) => joined.includes(s));
}

/** Header names whose values are credentials (RFC 9110 §11.6.2, RFC 6265, and the API-key headers of common APIs: OpenStack, GitLab, AWS, Vault). */
export const AUTH_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-auth-token", "private-token", "x-api-key", "api-key", "x-access-token", "x-vault-token", "x-amz-security-token", "x-csrf-token"]);
/** AUTH_HEADERS as a regex alternation, longest first where one name contains another (`proxy-authorization` before `authorization`). */
export const AUTH_HEADER_ALTERNATION = "proxy-authorization|authorization|set-cookie|cookie|x-auth-token|private-token|x-api-key|x-access-token|x-vault-token|x-amz-security-token|x-csrf-token";

/** URL query parameters whose values are credentials (OAuth 2.0 RFC 6750 §2.3 `access_token`, common API conventions). */
export const QUERY_CREDENTIALS = "access_token|id_token|refresh_token|token|auth_token|api_key|apikey|api-key|key|password|passwd|pwd|secret|client_secret|private_token|session|sessionid|sig|signature|x-amz-signature|x-amz-security-token|code";

