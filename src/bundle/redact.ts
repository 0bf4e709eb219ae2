/**
 * Redaction of bug-report bundles (DESIGN §9): pure functions over the JSON
 * and text a bundle holds. A redacted value is replaced by `REDACTED`, and
 * each replacement is recorded as `{file, path, rule}` — never the value.
 *
 * Rules (each named; the name is what `redactions.json` records):
 * - `secret-data`: `data` / `stringData` values of a `kind: Secret` object
 *   (keys are kept). netdoctor never lists Secrets; the rule is a backstop.
 * - `kubeconfig-credential`: kubeconfig user credentials, as object keys or
 *   `key: value` lines in text: `token`, `client-key-data`,
 *   `client-certificate-data`, `password`, `id-token`, `refresh-token`,
 *   `access-token`, `client-secret` (kubeconfig `users[].user` fields and
 *   the oidc auth-provider config, client-go clientcmd/api/v1 types.go).
 * - `auth-header`: values of `Authorization`, `Proxy-Authorization`,
 *   `Cookie` and `Set-Cookie` headers (RFC 9110 §11.6.2, RFC 6265), as map
 *   keys, `{name, value}` pairs, or `Name: value` in text.
 * - `bearer-token`: the credential after `Bearer ` (RFC 6750 §2.1) in any text.
 * - `sensitive-name`: the value of an environment variable, CLI flag or map
 *   key whose NAME looks like a credential — see `isSensitiveName`.
 * - `private-key`: PEM private key blocks (`-----BEGIN … PRIVATE KEY-----`,
 *   RFC 7468 §10/§11; also `RSA`/`EC`/`OPENSSH` variants), in any text.
 * - `jwt`: JSON Web Tokens (RFC 7519: base64url header `eyJ…`, payload
 *   `eyJ…`, signature), in any text.
 * - `connection-string-password`: the password of a URL's userinfo
 *   (`scheme://user:PASS@host` → `scheme://user:REDACTED@host`, RFC 3986 §3.2.1).
 * - `query-credential`: the value of a URL query parameter that carries a
 *   credential (`?access_token=`, `&token=`, `?api_key=`, `&password=`,
 *   `&sig=` …, see QUERY_CREDENTIALS), in any text.
 * - `command-credential`: passwords given on a command line by the tools
 *   that take them so: `sshpass -p X`, `mysql -pX`, `curl -u user:X`,
 *   `redis-server --requirepass X` / `--masterauth X`, `redis-cli -a X`.
 * - `gitleaks:<id>`: a well-known token format (GitHub `ghp_…`, AWS `AKIA…`,
 *   Slack `xoxb-…`, Stripe `sk_live_…`, …) from gitleaks' rule set,
 *   vendored in secret-patterns.ts.
 * Deny by default — what netdoctor does not need to diagnose is not kept,
 * whatever its name: when no rule above fired,
 * - `env-value`: every container environment value (pod specs `env[].value`,
 *   docker inspect `Config.Env`) except the names netdoctor reads
 *   (ENV_ALLOW: klipper-lb's DEST_*, the k3d proxy's SERVERS/PORTS);
 * - `configmap-data`: every `data` / `binaryData` value of a ConfigMap;
 * - `annotation-value`: every annotation value except under the prefixes of
 *   Kubernetes and the ingress/gateway projects netdoctor reads
 *   (ANNOTATION_ALLOW); their values still pass the text rules;
 * - `argument-value`: every command-line argument value netdoctor does not
 *   read (src/bundle/arguments.ts: the allow-list of flags and positional
 *   forms its parsers read), wherever a command line sits: pod and workload
 *   containers' `command`/`args` (also probes' and hooks' `exec.command`),
 *   docker inspect `Path`+`Args`, `Config.Entrypoint`+`Config.Cmd` and
 *   `Config.Healthcheck.Test`, `docker top` CMD columns, host listeners'
 *   `command`, devcontainer lifecycle commands (`postStartCommand` …) in
 *   the `devcontainer.metadata` label, and the `text` of a kubectl
 *   port-forward the working tree records (host/recorded-forwards.json). A value denied there is also removed
 *   from the summaries, details and evidence of report.json, where a check
 *   may quote the command line.
 * Header names carrying credentials (`auth-header`) include the API-key
 * headers of common APIs: `X-Auth-Token`, `PRIVATE-TOKEN` (GitLab),
 * `X-Api-Key`, `X-Access-Token`, `X-Vault-Token`, `X-Amz-Security-Token`.
 *
 * Strings that hold a JSON or YAML document (the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, a HelmChart's
 * `valuesContent`, a ConfigMap holding a kubeconfig) are parsed and redacted
 * as objects, then written back in the same syntax.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { redactArgv, redactScript } from "./arguments.js";
import { SECRET_PATTERNS } from "./secret-patterns.js";
import { AUTH_HEADERS, AUTH_HEADER_ALTERNATION, QUERY_CREDENTIALS, isSensitiveName } from "../secret-names.js";

export { isSensitiveName, nameWords } from "../secret-names.js";

/** The replacement text. */
export const REDACTED = "REDACTED";

/** Rule names, as recorded in redactions.json. */
export type RedactionRule =
  | "secret-data"
  | "kubeconfig-credential"
  | "auth-header"
  | "bearer-token"
  | "sensitive-name"
  | "private-key"
  | "jwt"
  | "connection-string-password"
  | "query-credential"
  | "command-credential"
  | "env-value"
  | "configmap-data"
  | "annotation-value"
  | "argument-value"
  | `gitleaks:${string}`;

/** One redaction: which file, where in it (JSON pointer, or `/line/N` in text files, 1-based), which rule. */
export interface Redaction {
  file: string;
  path: string;
  rule: RedactionRule;
}

/** Kubeconfig credential keys (client-go clientcmd/api/v1 AuthInfo and the oidc auth-provider). */
const KUBECONFIG_KEYS = new Set(["token", "client-key-data", "client-certificate-data", "password", "id-token", "refresh-token", "access-token", "client-secret"]);

/** Environment variables netdoctor reads to diagnose (src/kube/helpers.ts svclbDestination, src/host/containers.ts k3d proxy): kept. */
const ENV_ALLOW = new Set(["DEST_IPS", "DEST_IP", "DEST_PORT", "DEST_PROTO", "SRC_PORT", "SRC_RANGES", "SERVERS", "PORTS", "UDP_PORTS"]);

/** Annotation key prefixes whose values netdoctor may read (Kubernetes and the ingress/gateway projects it diagnoses); other annotation values are dropped. */
const ANNOTATION_ALLOW = /^(?:[a-z0-9.-]*\.)?(?:kubernetes\.io|k8s\.io|k3s\.io|k3d\.io|cattle\.io|helm\.sh|istio\.io|konghq\.com|projectcontour\.io|haproxy\.org|cilium\.io|envoyproxy\.io|solo\.io|kgateway\.dev|traefik\.io|containo\.us|nginx\.org|cert-manager\.io|linkerd\.io|openshift\.io)\//;

/** The rule that applies to a string value stored under NAME, or null. */
export function ruleForName(name: string): RedactionRule | null {
  const lower = name.toLowerCase();
  if (KUBECONFIG_KEYS.has(lower)) return "kubeconfig-credential";
  if (AUTH_HEADERS.has(lower)) return "auth-header";
  if (isSensitiveName(name)) return "sensitive-name";
  return null;
}

interface TextRule {
  rule: RedactionRule;
  re: RegExp;
  replace: (m: RegExpExecArray) => string | null;
}

const PEM_PRIVATE = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----|[\s\S]*$)/g;

/**
 * Text rules, applied in order to every string (and every log line). Each
 * returns the replacement for a match, or null to leave the match alone.
 */
const TEXT_RULES: TextRule[] = [
  { rule: "private-key", re: PEM_PRIVATE, replace: () => REDACTED },
  // `Authorization: Basic abc`, `"cookie":"a=b"`, `set-cookie=…` up to the end of the value.
  {
    rule: "auth-header",
    re: new RegExp(`\\b(${AUTH_HEADER_ALTERNATION})(["']?\\s*[:=]\\s*["']?)(?!REDACTED)([^\\s"',}][^"'\\n\\r,}]*)`, "gi"),
    replace: (m) => `${m[1]}${m[2]}${REDACTED}`,
  },
  { rule: "bearer-token", re: /\b(Bearer)(\s+)(?!REDACTED)([A-Za-z0-9._~+/=-]{8,})/g, replace: (m) => `${m[1]}${m[2]}${REDACTED}` },
  { rule: "jwt", re: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, replace: () => REDACTED },
  {
    rule: "connection-string-password",
    re: /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/"']*:)(?!REDACTED@)([^\s@/"']+)(@)/g,
    replace: (m) => `${m[1]}${REDACTED}${m[3]}`,
  },
  // `?access_token=abc`, `&token=abc` in URLs anywhere (logs, probe bodies, target URLs, events).
  {
    rule: "query-credential",
    re: new RegExp(`([?&;](?:${QUERY_CREDENTIALS})=)(?!REDACTED\\b)([^&\\s"'#<>]+)`, "gi"),
    replace: (m) => `${m[1]}${REDACTED}`,
  },
  // Passwords the tools themselves take on the command line.
  { rule: "command-credential", re: /(\bsshpass\s+-p\s*)(?!REDACTED\b)(\S+)/g, replace: (m) => `${m[1]}${REDACTED}` },
  { rule: "command-credential", re: /(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p)(?!REDACTED\b)([^\s-]\S*)/g, replace: (m) => `${m[1]}${REDACTED}` },
  { rule: "command-credential", re: /(\bcurl\b[^\n]*?\s(?:-u|--user)[\s=]*[^\s:]*:)(?!REDACTED\b)(\S+)/g, replace: (m) => `${m[1]}${REDACTED}` },
  { rule: "command-credential", re: /(--(?:requirepass|masterauth)[\s=]+)(?!REDACTED\b)(\S+)/g, replace: (m) => `${m[1]}${REDACTED}` },
  { rule: "command-credential", re: /(\bredis-cli\b[^\n]*?\s-a\s+)(?!REDACTED\b)(\S+)/g, replace: (m) => `${m[1]}${REDACTED}` },
  // `"password":"abc"` in JSON log lines (and any JSON text): the key decides.
  {
    rule: "sensitive-name",
    re: /("([A-Za-z0-9_.-]+)"\s*:\s*")(?!REDACTED")((?:[^"\\]|\\.)+)(")/g,
    replace: (m) => (isSensitiveName(m[2]!) && !/^(true|false)$/i.test(m[3]!) ? `${m[1]}${REDACTED}${m[4]}` : null),
  },
  // Well-known token formats (gitleaks rules).
  ...SECRET_PATTERNS.map((p): TextRule => ({ rule: `gitleaks:${p.id}`, re: p.re, replace: () => REDACTED })),
  // kubeconfig keys as YAML lines: `    token: abc`, `- client-key-data: LS0t…`.
  {
    rule: "kubeconfig-credential",
    re: /^(\s*(?:-\s+)?["']?(?:token|client-key-data|client-certificate-data|password|id-token|refresh-token|access-token|client-secret)["']?\s*:\s*)(?!REDACTED\s*$)(["']?)(\S[^\n\r]*)$/gim,
    replace: (m) => (m[3]!.trim() === "" || /^[|>]/.test(m[3]!) ? null : `${m[1]}${m[2]}${REDACTED}${m[2] ? m[2] : ""}`),
  },
  // `aws_secret_access_key = abc` (INI files, .env files, config dumps): the key decides.
  {
    rule: "sensitive-name",
    re: /((?:^|[\s{,;(])([A-Za-z0-9_.-]*(?:pass|pwd|token|secret|key|credential|creds)[A-Za-z0-9_.-]*)\s*[=:]\s*)(?!REDACTED\b)(["']?)([^\s"',;)}]+)/gim,
    replace: (m) => (isSensitiveName(m[2]!) && !/^(true|false|null|\*+)$/i.test(m[4]!) ? `${m[1]}${m[3]}${REDACTED}` : null),
  },
  // CLI flags: `--token=abc`, `--db-password abc` (space form only when the next word is not another flag).
  {
    rule: "sensitive-name",
    re: /(^|[\s"'])(--?)([A-Za-z][A-Za-z0-9_.-]*)(=|[ \t]+)(?!REDACTED\b)(?!-)([^\s"']+)/g,
    replace: (m) => (isSensitiveName(m[3]!) ? `${m[1]}${m[2]}${m[3]}${m[4]}${REDACTED}` : null),
  },
  // Environment assignments: `DB_PASSWORD=abc`, `export API_TOKEN=abc`.
  {
    rule: "sensitive-name",
    re: /(^|[\s"'])([A-Za-z_][A-Za-z0-9_]*)=(?!REDACTED\b)([^\s"']+)/g,
    replace: (m) => (isSensitiveName(m[2]!) ? `${m[1]}${m[2]}=${REDACTED}` : null),
  },
];

/** Apply the text rules to one string. Returns the new text and the rules that fired (once per replacement). */
export function redactText(text: string): { text: string; rules: RedactionRule[] } {
  const rules: RedactionRule[] = [];
  let out = text;
  for (const r of TEXT_RULES) {
    r.re.lastIndex = 0;
    out = out.replace(r.re, (...args: unknown[]) => {
      // (match, ...groups, offset, input): no named groups in these patterns.
      const match = args.slice(0, -2) as unknown as RegExpExecArray;
      const replacement = r.replace(match);
      if (replacement === null) return match[0]!;
      rules.push(r.rule);
      return replacement;
    });
  }
  return { text: out, rules };
}

/** JSON-pointer escaping of one token (RFC 6901). */
function token(key: string | number): string {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A string holding a JSON or YAML mapping/sequence, parsed; null otherwise. */
function embeddedDocument(s: string): { doc: unknown; syntax: "json" | "yaml" } | null {
  const t = s.trim();
  if (t.length < 2) return null;
  if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
    try {
      const doc = JSON.parse(t) as unknown;
      if (doc && typeof doc === "object") return { doc, syntax: "json" };
    } catch {
      // not JSON; may still be YAML flow style, handled below
    }
  }
  if (!t.includes("\n") || !/^\s*(?:-\s|[A-Za-z0-9_"'.-]+\s*:)/m.test(t)) return null;
  try {
    const doc = parseYaml(t) as unknown;
    if (doc && typeof doc === "object") return { doc, syntax: "yaml" };
  } catch {
    // not YAML
  }
  return null;
}

/** devcontainer.json lifecycle scripts (containers.dev json_reference: string, array or object of named commands). */
const LIFECYCLE_COMMANDS = new Set(["initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand", "postAttachCommand"]);

/** Where in report.json a check may quote a command line (never targets, resolution or environment, which a replay reads). */
const QUOTING_PLACES = /^\/(?:paths\/\d+\/)?(?:checks\/\d+\/(?:summary|details|evidence)|verdict\/summary|hops\/\d+\/summary)(?:\/|$)/;

/** Options of a redaction pass. */
export interface RedactOptions {
  /** Argument values denied in other files: removed from report.json's summaries, details and evidence (at least 8 characters). */
  scrub?: ReadonlySet<string>;
  /** Receives every argument value this pass denied (for `scrub` of a later pass). */
  denied?: Set<string>;
}

/** Redaction state of one file. */
class Redactor {
  readonly found: Redaction[] = [];
  private readonly scrub: RegExp | null;
  constructor(
    readonly file: string,
    private readonly opts: RedactOptions = {},
  ) {
    const values = [...(opts.scrub ?? [])].filter((v) => v.length >= 8 && v !== REDACTED).sort((a, b) => b.length - a.length);
    this.scrub = values.length ? new RegExp(`(?<![A-Za-z0-9_.-])(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![A-Za-z0-9_-])`, "g") : null;
  }

  /** Record denied argument values for later passes. */
  private deny(values: readonly string[]): void {
    for (const v of values) this.opts.denied?.add(v);
  }

  /** Redact an argv (see arguments.ts); `paths[i]` is where element i sits. Kept elements go through the text rules. */
  private commandArgv(items: string[], paths: string[], program: string | null): string[] {
    // The named rules first (a credential flag, a token format), so redactions.json says why; then deny by default.
    const r = redactArgv(this.argvRules(items, paths), program);
    this.deny(r.deniedValues);
    for (const i of r.denied) this.note(paths[i]!, "argument-value");
    return r.value;
  }

  /** Redact a command line or shell snippet held in one string: the text rules, then arguments.ts redactScript. */
  private commandText(text: string, path: string): string {
    const t = redactText(text);
    for (const rule of t.rules) this.note(path, rule);
    const r = redactScript(t.text);
    this.deny(r.deniedValues);
    if (r.denied.length) this.note(path, "argument-value");
    return r.value;
  }

  /** A devcontainer lifecycle command: a string (a shell script), an array (an argv) or an object of named commands. */
  private lifecycleCommand(v: unknown, path: string): unknown {
    if (typeof v === "string") return this.commandText(v, path);
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return this.commandArgv(v as string[], v.map((_, i) => `${path}/${i}`), null);
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, this.lifecycleCommand(x, `${path}/${token(k)}`)]));
    return this.value(v, path, null);
  }

  private note(path: string, rule: RedactionRule): void {
    this.found.push({ file: this.file, path, rule });
  }

  /** Redact a string found at `path`, stored under `name` (a map key or env var name) when known. */
  string(s: string, path: string, name: string | null): string {
    if (this.scrub && QUOTING_PLACES.test(path)) {
      this.scrub.lastIndex = 0;
      if (this.scrub.test(s)) {
        this.note(path, "argument-value");
        this.scrub.lastIndex = 0;
        s = s.replace(this.scrub, REDACTED);
      }
    }
    // A boolean switch named like a credential (`AUTH_PASS_CREDENTIALS: "false"` in k3s helm-install pods) holds none.
    if (name !== null && s !== "" && s !== REDACTED && !/^(true|false)$/i.test(s)) {
      const rule = ruleForName(name);
      if (rule) {
        this.note(path, rule);
        return REDACTED;
      }
    }
    const embedded = embeddedDocument(s);
    if (embedded) {
      const before = this.found.length;
      const doc = this.value(embedded.doc, path, null);
      if (this.found.length === before) return s;
      return embedded.syntax === "json" ? JSON.stringify(doc) : stringifyYaml(doc, { lineWidth: 0 });
    }
    const { text, rules } = redactText(s);
    for (const r of rules) this.note(path, r);
    return text;
  }

  /** Redact an argv-like array: `["--token", "abc"]` → the element after a sensitive flag. */
  private argv(items: string[], path: string): string[] {
    return this.argvRules(items, items.map((_, i) => `${path}/${i}`));
  }

  /** The named rules over an argv: the element after a sensitive flag, then the text rules on each element (`paths[i]`: where element i sits). */
  private argvRules(items: string[], paths: string[]): string[] {
    const out = [...items];
    for (let i = 0; i < out.length - 1; i++) {
      const m = /^--?([A-Za-z][A-Za-z0-9_.-]*)$/.exec(out[i]!);
      const next = out[i + 1]!;
      if (m && isSensitiveName(m[1]!) && !next.startsWith("-") && next !== REDACTED && next !== "") {
        out[i + 1] = REDACTED;
        this.note(paths[i + 1]!, "sensitive-name");
        i++;
      }
    }
    return out.map((s, i) => (s === REDACTED ? s : this.string(s, paths[i]!, null)));
  }

  /** Redact any JSON value at `path`; `name` is the key it is stored under. */
  value(v: unknown, path: string, name: string | null): unknown {
    if (typeof v === "string") return this.string(v, path, name);
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every((x) => typeof x === "string")) return this.argv(v as string[], path);
      return v.map((x, i) => this.value(x, `${path}/${i}`, null));
    }
    if (v && typeof v === "object") return this.object(v as Record<string, unknown>, path);
    return v;
  }

  /** Deny by default: `s` (already through the rules) is dropped unless a rule changed it or `keep` says netdoctor needs it. */
  private denied(original: string, processed: string, path: string, rule: RedactionRule, keep: boolean): string {
    if (keep || processed !== original || original === "" || original === REDACTED) return processed;
    this.note(path, rule);
    return REDACTED;
  }

  /** Docker's `Config.Env`: `NAME=value` strings, deny by default. */
  private dockerEnv(items: string[], path: string): string[] {
    return items.map((item, i) => {
      const p = `${path}/${i}`;
      const eq = item.indexOf("=");
      if (eq <= 0) return this.string(item, p, null);
      const name = item.slice(0, eq);
      const value = item.slice(eq + 1);
      const processed = this.string(value, p, name);
      return `${name}=${this.denied(value, processed, p, "env-value", ENV_ALLOW.has(name))}`;
    });
  }

  private object(o: Record<string, unknown>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
    const done = new Set<string>();
    // A container (pod spec, workload template): `command` + `args` are one argv.
    if ((strings(o["command"]) || strings(o["args"])) && typeof o["name"] === "string" && !("value" in o)) {
      const command = strings(o["command"]) ? o["command"] : [];
      const args = strings(o["args"]) ? o["args"] : [];
      const argv = this.commandArgv([...command, ...args], [...command.map((_, i) => `${path}/command/${i}`), ...args.map((_, i) => `${path}/args/${i}`)], null);
      if (strings(o["command"])) out["command"] = argv.slice(0, command.length);
      if (strings(o["args"])) out["args"] = argv.slice(command.length);
      done.add("command").add("args");
    } else if (strings(o["command"])) {
      // `exec.command` of probes and lifecycle hooks.
      out["command"] = this.commandArgv(o["command"], o["command"].map((_, i) => `${path}/command/${i}`), null);
      done.add("command");
    }
    // docker inspect: the process is `Path` with `Args`.
    if (typeof o["Path"] === "string" && strings(o["Args"])) {
      out["Args"] = this.commandArgv(o["Args"], o["Args"].map((_, i) => `${path}/Args/${i}`), o["Path"]);
      done.add("Args");
    }
    // docker inspect `Config`: `Entrypoint` + `Cmd` are one argv.
    if (/\/Config$/.test(path) && (strings(o["Cmd"]) || strings(o["Entrypoint"]))) {
      const ep = strings(o["Entrypoint"]) ? o["Entrypoint"] : [];
      const cmd = strings(o["Cmd"]) ? o["Cmd"] : [];
      const argv = this.commandArgv([...ep, ...cmd], [...ep.map((_, i) => `${path}/Entrypoint/${i}`), ...cmd.map((_, i) => `${path}/Cmd/${i}`)], null);
      if (strings(o["Entrypoint"])) out["Entrypoint"] = argv.slice(0, ep.length);
      if (strings(o["Cmd"])) out["Cmd"] = argv.slice(ep.length);
      done.add("Cmd").add("Entrypoint");
    }
    // docker `Healthcheck.Test`: ["CMD", argv…] or ["CMD-SHELL", script].
    if (/\/Healthcheck$/.test(path) && strings(o["Test"]) && o["Test"].length > 1) {
      const [kind, ...rest] = o["Test"];
      out["Test"] = kind === "CMD-SHELL" ? [kind, ...rest.map((x, i) => this.commandText(x, `${path}/Test/${i + 1}`))] : [kind!, ...this.commandArgv(rest, rest.map((_, i) => `${path}/Test/${i + 1}`), null)];
      done.add("Test");
    }
    // docker top: the CMD / COMMAND column of each process.
    if (strings(o["Titles"]) && Array.isArray(o["Processes"])) {
      const at = o["Titles"].findIndex((t) => t.toUpperCase() === "CMD" || t.toUpperCase() === "COMMAND");
      out["Processes"] = (o["Processes"] as unknown[]).map((row, r) =>
        strings(row) ? row.map((cell, c) => (c === (at >= 0 ? at : row.length - 1) ? this.commandText(cell, `${path}/Processes/${r}/${c}`) : this.string(cell, `${path}/Processes/${r}/${c}`, null))) : this.value(row, `${path}/Processes/${r}`, null),
      );
      done.add("Processes");
    }
    // A command line in one string: a host listener's, a report's evidence (not a fix plan's step, netdoctor's own command).
    if (typeof o["command"] === "string" && !done.has("command") && !("action" in o)) {
      out["command"] = this.commandText(o["command"], `${path}/command`);
      done.add("command");
    }
    // A port-forward the working tree records (host/recorded-forwards.json): a kubectl record's text is a command line.
    if (o["tool"] === "kubectl" && typeof o["text"] === "string" && typeof o["where"] === "string") {
      out["text"] = this.commandText(o["text"], `${path}/text`);
      done.add("text");
    }
    for (const k of Object.keys(o)) if (LIFECYCLE_COMMANDS.has(k) && !done.has(k)) {
      out[k] = this.lifecycleCommand(o[k], `${path}/${token(k)}`);
      done.add(k);
    }
    const isSecret = o["kind"] === "Secret" && typeof o["apiVersion"] === "string";
    const isConfigMap = o["kind"] === "ConfigMap" && typeof o["apiVersion"] === "string";
    // A container env entry (`…/env/N`): deny by default.
    const isEnvEntry = /\/env\/\d+$/.test(path);
    // `{name: DB_PASSWORD, value: …}` (env vars, HTTP header lists): the name decides for the value.
    const pairName = typeof o["name"] === "string" && "value" in o ? (o["name"] as string) : null;
    for (const [k, val] of Object.entries(o)) {
      const p = `${path}/${token(k)}`;
      if (done.has(k)) continue;
      if (isSecret && (k === "data" || k === "stringData") && val && typeof val === "object") {
        out[k] = Object.fromEntries(
          Object.keys(val as object).map((key) => {
            this.note(`${p}/${token(key)}`, "secret-data");
            return [key, REDACTED];
          }),
        );
        continue;
      }
      if (pairName !== null && k === "value" && typeof val === "string") {
        const processed = this.string(val, p, pairName);
        out[k] = isEnvEntry ? this.denied(val, processed, p, "env-value", ENV_ALLOW.has(pairName)) : processed;
        continue;
      }
      if (isConfigMap && (k === "data" || k === "binaryData") && val && typeof val === "object") {
        out[k] = Object.fromEntries(
          Object.entries(val as Record<string, unknown>).map(([key, v]) => {
            const kp = `${p}/${token(key)}`;
            if (typeof v !== "string") return [key, this.value(v, kp, key)];
            return [key, this.denied(v, this.string(v, kp, key), kp, "configmap-data", false)];
          }),
        );
        continue;
      }
      if (k === "annotations" && /\/metadata$/.test(path) && val && typeof val === "object" && !Array.isArray(val)) {
        out[k] = Object.fromEntries(
          Object.entries(val as Record<string, unknown>).map(([key, v]) => {
            const kp = `${p}/${token(key)}`;
            if (typeof v !== "string") return [key, this.value(v, kp, key)];
            return [key, this.denied(v, this.string(v, kp, key), kp, "annotation-value", ANNOTATION_ALLOW.test(key))];
          }),
        );
        continue;
      }
      if (k === "Env" && /\/Config$/.test(path) && Array.isArray(val) && val.every((x) => typeof x === "string")) {
        out[k] = this.dockerEnv(val as string[], p);
        continue;
      }
      out[k] = this.value(val, p, k);
    }
    // Keys in the input's order (the command-line keys were redacted first).
    return done.size ? Object.fromEntries(Object.keys(o).map((k) => [k, out[k]])) : out;
  }
}

/**
 * Redact a JSON document that will be written as `file`. Returns the redacted
 * copy (the input is not changed) and the redactions, in document order.
 * `opts.denied` collects the argument values denied; `opts.scrub` removes
 * such values from report.json's summaries, details and evidence.
 */
export function redactDocument<T>(doc: T, file: string, opts: RedactOptions = {}): { value: T; redactions: Redaction[] } {
  const r = new Redactor(file, opts);
  const value = r.value(doc, "", null) as T;
  return { value, redactions: r.found };
}

/**
 * Redact a text file (a log, the hosts file) line by line; a PEM block
 * spanning lines is redacted as a whole and recorded at its first line.
 * Paths are `/line/N`, 1-based.
 */
export function redactTextFile(text: string, file: string): { text: string; redactions: Redaction[] } {
  const redactions: Redaction[] = [];
  // Multi-line private keys first, so the line rules never see their middle; recorded at their line in the output.
  let out = "";
  let last = 0;
  PEM_PRIVATE.lastIndex = 0;
  for (let m = PEM_PRIVATE.exec(text); m; m = PEM_PRIVATE.exec(text)) {
    out += text.slice(last, m.index);
    redactions.push({ file, path: `/line/${out.split("\n").length}`, rule: "private-key" });
    out += REDACTED;
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  const lines = out.split("\n").map((l, i) => {
    const { text: t, rules } = redactText(l);
    for (const rule of rules) redactions.push({ file, path: `/line/${i + 1}`, rule });
    return t;
  });
  redactions.sort((a, b) => Number(a.path.slice(6)) - Number(b.path.slice(6)));
  return { text: lines.join("\n"), redactions };
}
