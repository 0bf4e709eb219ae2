/**
 * Command-line arguments in a bundle, denied by default (issue 14 §4): every
 * argument VALUE is redacted unless netdoctor reads it to diagnose. What
 * stays:
 *
 * - the program (argv[0]) and every flag NAME (`--my-flag`, `-p`): names are
 *   not secrets, and they show a maintainer how the process was started;
 * - the values of the flags netdoctor's parsers read (ALLOWED_FLAGS, below,
 *   with the module that reads each), and of the short flags of the
 *   programs whose grammar it knows (PROGRAMS: kubectl `-n`, ssh `-L`/`-p`,
 *   nc `-p`/`-c`/`-e`);
 * - positional arguments of the forms netdoctor parses (POSITIONAL_FORMS):
 *   subcommand words (`port-forward`, `server`, `serve`), kubectl resource
 *   references (`svc/x`, and the bare pod name right after `port-forward`),
 *   port specs (`8080:80`, `:80`, `8080`), socat TCP address specs without
 *   credentials (`TCP-LISTEN:8080,fork,reuseaddr,bind=127.0.0.1`,
 *   `TCP:10.0.0.1:80`), IP addresses, absolute paths, shell redirections
 *   (`2>&1`), ssh's destination (`user@host`) and nc's upstream host;
 * - shell scripts (`sh -c SCRIPT`, nc `-c`/`-e`, devcontainer
 *   `postStartCommand`) are split into simple commands (POSIX list operators
 *   `;` `&&` `||` `|` `&` and newlines) and each command is redacted by these
 *   rules; environment assignments before a command keep their name only.
 *
 * Everything else — the value of a flag netdoctor has never heard of
 * (`--my-flag=S`, `--my-flag S`, `-p S` of an unknown program, a java
 * `-Dkey=S`; an absolute path or an IP address stays) and a positional that is none of the forms above (also one that
 * follows an unknown flag) — becomes `REDACTED`. Kept values still go through
 * the free-text rules (src/bundle/redact.ts) afterwards.
 *
 * Pure functions. A command line given as one string is redacted in place
 * (quoting, spacing and operators kept; only the denied tokens replaced), so
 * the host source's parser (src/host/forwarders.ts splitCommandLine) reads
 * the same tokens back.
 */
import { isAnyAddress } from "../host/addresses.js";
import { programName } from "../host/forwarders.js";
import { isSensitiveName } from "../secret-names.js";

/** The replacement of a denied argument. */
export const DENIED = "REDACTED";

/**
 * Flags (without dashes, compared case-insensitively) whose values netdoctor
 * reads, with who reads them. Values of these flags are kept in every
 * program; single-dash forms (Go's `-host-port 8080`) count too.
 */
export const ALLOWED_FLAGS: ReadonlyMap<string, string> = new Map([
  // k3s server (src/host/k3s.ts, src/discovery/discover.ts, src/host/flavor.ts)
  ["disable", "k3s server --disable (src/host/k3s.ts)"],
  ["no-deploy", "k3s server --no-deploy (src/host/k3s.ts)"],
  ["https-listen-port", "k3s server --https-listen-port (src/host/flavor.ts)"],
  // kube-apiserver (src/fixes/service-to-nodeport.ts nodePortRange)
  ["service-node-port-range", "kube-apiserver --service-node-port-range (src/fixes/service-to-nodeport.ts)"],
  // ingress controllers (src/ingress/classes.ts)
  ["ingress-class", "ingress-nginx --ingress-class (src/ingress/classes.ts)"],
  ["controller-class", "ingress-nginx --controller-class (src/ingress/classes.ts)"],
  ["watch-ingress-without-class", "ingress-nginx --watch-ingress-without-class (src/ingress/classes.ts)"],
  ["ingress-class-name", "contour serve --ingress-class-name (src/ingress/classes.ts)"],
  ["providers.kubernetesingress.ingressclass", "traefik --providers.kubernetesingress.ingressclass (src/ingress/classes.ts)"],
  // kubectl port-forward (src/host/forwarders.ts parseKubectl)
  ["namespace", "kubectl --namespace (src/host/forwarders.ts)"],
  ["address", "kubectl port-forward --address (src/host/forwarders.ts)"],
  ["context", "kubectl --context (src/host/forwarders.ts)"],
  ["pod-running-timeout", "kubectl port-forward --pod-running-timeout (src/host/forwarders.ts; forwarder.attached-pod-exists)"],
  // docker-proxy (src/host/forwarders.ts parseDockerProxy)
  ["proto", "docker-proxy -proto (src/host/forwarders.ts)"],
  ["host-ip", "docker-proxy -host-ip (src/host/forwarders.ts)"],
  ["host-port", "docker-proxy -host-port (src/host/forwarders.ts)"],
  ["container-ip", "docker-proxy -container-ip (src/host/forwarders.ts)"],
  ["container-port", "docker-proxy -container-port (src/host/forwarders.ts)"],
]);

/** What netdoctor knows of one program's grammar (src/host/forwarders.ts). */
interface Grammar {
  /** Short flags (one letter) whose values netdoctor reads. */
  shortAllowed: ReadonlySet<string>;
  /** Short flags that take a value (getopt: `-pVALUE`, `-p VALUE`, last of a cluster `-fNL spec`). */
  shortValued: ReadonlySet<string>;
  /** Long flags whose value is a shell command netdoctor reads (redacted as a script). */
  scriptFlags: ReadonlySet<string>;
  /** Short flags whose value is a shell command (nc `-c`, sh `-c`). */
  shortScript: ReadonlySet<string>;
  /** A positional form only this program has. */
  positional?: (token: string, state: { positionals: string[]; afterPath: boolean }) => boolean;
}

const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DNS_NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;
const none: ReadonlySet<string> = new Set();

/** The programs whose short flags and positionals netdoctor parses (src/host/forwarders.ts), by lower-cased program name. */
function grammarOf(program: string): Grammar | null {
  const p = program.toLowerCase();
  if (/^(kubectl|oc)(-[\w.]+)?$/.test(p)) {
    return {
      shortAllowed: new Set(["n"]),
      shortValued: new Set(["n", "s"]),
      scriptFlags: none,
      shortScript: none,
      // `kubectl port-forward NAME` (a bare pod name) right after the subcommand.
      positional: (t, s) => s.positionals.at(-1) === "port-forward" && DNS_NAME.test(t),
    };
  }
  if (p === "ssh" || p === "autossh") {
    return {
      shortAllowed: new Set(["L", "p"]),
      shortValued: new Set("BbcDEeFIiJLlmOoPpQRSWwM".split("")),
      scriptFlags: none,
      shortScript: none,
      // The destination, `[user@]host`.
      positional: (t, s) => s.positionals.length === 0 && /^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.:[\]-]+$/.test(t),
    };
  }
  if (/^(nc|ncat|netcat)(\.[\w-]+)?$/.test(p)) {
    return {
      shortAllowed: new Set(["p"]),
      shortValued: new Set("pseciwqIOTVXxgGMm".split("")),
      scriptFlags: new Set(["sh-exec", "exec"]),
      shortScript: new Set(["c", "e"]),
      // The upstream host of `nc HOST PORT`.
      positional: (t) => HOSTNAME.test(t),
    };
  }
  if (/^(sh|bash|dash|ash|zsh|ksh|busybox)$/.test(p)) {
    return { shortAllowed: none, shortValued: new Set(["c", "o", "O"]), scriptFlags: none, shortScript: new Set(["c"]) };
  }
  return null;
}

/**
 * Subcommand words netdoctor reads or names: kubectl `port-forward`/`proxy`, k3s `server`/`agent`, contour
 * `serve`/`envoy`, `limactl hostagent`, and the `[mux]` of Lima's ssh ControlMaster title (src/host/vm-forwarders.ts).
 */
const SUBCOMMANDS = new Set(["port-forward", "proxy", "server", "agent", "serve", "envoy", "shutdown-manager", "bootstrap", "certgen", "controller", "hostagent", "[mux]", "--"]);
/** The rest of a path a listener's command line split at a space (`/Users/dev/Library/Application` `Support/rancher-desktop/lima/0/ha.sock`): kept right after a kept path. */
const PATH_REST = /^[A-Za-z0-9._@-]+(?:\/[A-Za-z0-9._@-]*)+$/;
/** Lima's instance name, the one positional of `limactl hostagent … INSTANCE` (src/host/vm-forwarders.ts). */
const INSTANCE = /^[A-Za-z0-9._-]+$/;

/** kubectl resource types port-forward takes (src/host/forwarders.ts KUBECTL_TYPES). */
const KUBECTL_REF = /^(?:pods?|po|svc|services?|deploy|deployments?|rs|replicasets?|sts|statefulsets?)(?:\.[a-z0-9.-]+)?\/[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/i;
/** socat TCP address specs (socat(1) ADDRESS TYPES: `TCP-LISTEN:8080,fork,bind=127.0.0.1`, `TCP4:10.0.0.1:80,connect-timeout=5`); options with plain values. */
const SOCAT_TCP = /^tcp[46]?(?:-listen|-l|-connect)?:[A-Za-z0-9.:[\]_-]+((?:,[a-z][a-z0-9-]*(?:=[A-Za-z0-9.:[\]/_-]*)?)*)$/i;

/** A socat TCP address spec none of whose options is named like a credential. */
function socatSpec(t: string): boolean {
  const m = SOCAT_TCP.exec(t);
  return !!m && !(m[1] ?? "").split(",").some((o) => o !== "" && isSensitiveName(o.split("=")[0]!));
}
const PORT_SPEC = /^(?:\d{1,5}|\d{0,5}:(?:\d{1,5}|[a-z][a-z0-9-]{0,14}))$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$/;
const IPV6 = /^\[?[0-9a-f:]*:[0-9a-f:.]*\]?(?::\d{1,5})?$/i;
const ABS_PATH = /^~?\/[A-Za-z0-9._/+@-]*$/;
const REDIRECT = /^\d*(?:[<>]{1,2}|>&|<&)&?\d*-?$/;

/** A positional argument netdoctor may keep (see the module comment); `state.afterPath`: the token before was a kept path. */
function positionalKept(t: string, g: Grammar | null, state: { positionals: string[]; afterPath: boolean }): boolean {
  if (t === DENIED || t === "") return true;
  if (SUBCOMMANDS.has(t)) return true;
  if (state.afterPath && PATH_REST.test(t)) return true;
  if (state.positionals.includes("hostagent") && INSTANCE.test(t)) return true;
  if (KUBECTL_REF.test(t) || PORT_SPEC.test(t) || socatSpec(t) || IPV4.test(t) || IPV6.test(t) || ABS_PATH.test(t) || REDIRECT.test(t)) return true;
  if (t === "localhost" || isAnyAddress(t)) return true;
  return g?.positional?.(t, state) ?? false;
}

/** An attached flag value that holds no secret whatever the flag: an absolute path (`--config=/etc/app.yaml`) or an IP address. */
function harmlessValue(v: string): boolean {
  return ABS_PATH.test(v) || IPV4.test(v) || IPV6.test(v) || isAnyAddress(v);
}

/** One token of a command line: its text without quotes, and where it sits in the original string. */
interface Token {
  value: string;
  start: number;
  end: number;
  /** The quote that wraps the whole token (`"x y"`), or null. */
  quote: '"' | "'" | null;
  /** A shell list operator (`;`, `&&`, `||`, `|`, `&`, newline), when the command line is a script. */
  operator: boolean;
}

/**
 * Split a command line (or, with `script`, a shell snippet) into tokens with
 * their positions, as src/host/forwarders.ts splitCommandLine does
 * (whitespace separates, quotes group, backslash escapes); with `script`,
 * list operators are tokens of their own.
 */
function tokenize(text: string, script: boolean): Token[] {
  const out: Token[] = [];
  let cur = "";
  let start = -1;
  let quote: '"' | "'" | null = null;
  let wrapped: '"' | "'" | null = null;
  let quotedWhole = true;
  const push = (end: number) => {
    if (start >= 0) out.push({ value: cur, start, end, quote: quotedWhole ? wrapped : null, operator: false });
    cur = "";
    start = -1;
    wrapped = null;
    quotedWhole = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) {
        quote = null;
        if (i + 1 < text.length && !/[\s;&|]/.test(text[i + 1]!)) quotedWhole = false;
      } else if (ch === "\\" && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (start < 0) {
        start = i;
        wrapped = ch;
      } else quotedWhole = false;
      quote = ch;
      continue;
    }
    if (script && (ch === ";" || ch === "&" || ch === "|" || ch === "\n")) {
      // `2>&1` is a redirection, not a list operator.
      if (ch === "&" && (text[i - 1] === ">" || text[i - 1] === "<")) {
        if (start < 0) start = i;
        cur += ch;
        continue;
      }
      push(i);
      const two = (ch === "&" || ch === "|") && text[i + 1] === ch;
      out.push({ value: two ? ch + ch : ch, start: i, end: i + (two ? 2 : 1), quote: null, operator: true });
      if (two) i++;
      continue;
    }
    if (/\s/.test(ch)) {
      push(i);
      continue;
    }
    if (start < 0) start = i;
    else if (wrapped) quotedWhole = false;
    if (ch === "\\" && i + 1 < text.length) cur += text[++i];
    else cur += ch;
  }
  push(text.length);
  return out;
}

/** What a redaction pass reports: the new argv / text, and how many values it denied. */
export interface ArgumentRedaction<T> {
  value: T;
  /** Indexes (argv) or token numbers (text) of the denied arguments, in order. */
  denied: number[];
  /** The denied values themselves (for scrubbing them from the rest of the bundle; never written). */
  deniedValues: string[];
}

/** What the token after a flag is: an allowed value, a script, a value netdoctor does not read, or unknown (the flag may take none). */
type Pending = "allowed" | "script" | "value" | "unknown";

/** A token's verdict: keep it, deny it, or replace it (a flag with its `=value` denied, a script redacted). */
type Verdict = { keep: true } | { keep: false; replacement: string };

/**
 * Decide every token of one simple command (argv, program first unless
 * `program` is given separately). Returns a verdict per token.
 */
function judge(argv: readonly string[], program: string | null, nested: (script: string) => { text: string; denied: string[] }): { verdicts: Verdict[]; deniedValues: string[] } {
  const verdicts: Verdict[] = [];
  const deniedValues: string[] = [];
  let i = 0;
  // Environment assignments before the command (`FOO=bar cmd`): the name stays.
  while (program === null && i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!)) {
    const [name] = argv[i]!.split("=", 1);
    const value = argv[i]!.slice(name!.length + 1);
    if (value === "" || value === DENIED) verdicts.push({ keep: true });
    else {
      verdicts.push({ keep: false, replacement: `${name}=${DENIED}` });
      deniedValues.push(value);
    }
    i++;
  }
  let prog = program;
  if (prog === null && i < argv.length) {
    // Wrappers that run the command after them.
    while (i < argv.length && /^(nohup|exec|setsid|env|sudo|command|time)$/.test(programName(argv[i]!))) {
      verdicts.push({ keep: true });
      i++;
    }
    // An argv that starts with a flag has no program in it (a container's args after the image's entrypoint).
    if (i < argv.length && !argv[i]!.startsWith("-")) {
      prog = programName(argv[i]!);
      verdicts.push({ keep: true });
      i++;
    }
  }
  const g = grammarOf(prog ?? "");
  const state = { positionals: [] as string[], afterPath: i > 0 && ABS_PATH.test(argv[i - 1]!) };
  const deny = (value: string, replacement: string): Verdict => {
    deniedValues.push(value);
    return { keep: false, replacement };
  };
  const script = (value: string): Verdict => {
    const r = nested(value);
    deniedValues.push(...r.denied);
    return r.text === value ? { keep: true } : { keep: false, replacement: r.text };
  };
  /**
   * The token after a flag: kept when the flag is allowed, a script when it takes one, denied when it is a
   * value netdoctor does not read (`value`); after a flag of unknown arity, denied unless it is a positional form.
   */
  const valueAfter = (kind: Pending, value: string): Verdict => {
    if (kind === "allowed" || value === DENIED || value === "") return { keep: true };
    if (kind === "script") return script(value);
    if (kind === "value") return deny(value, DENIED);
    if (positionalKept(value, g, state)) {
      state.positionals.push(value);
      return { keep: true };
    }
    return deny(value, DENIED);
  };
  let pending: Pending | null = null;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (i > 0 && verdicts.length === i) {
      const prev = argv[i - 1]!;
      state.afterPath = (verdicts[i - 1]?.keep ?? false) && (ABS_PATH.test(prev) || (state.afterPath && PATH_REST.test(prev)));
    }
    const isFlag = a.startsWith("-") && a.length > 1 && a !== "--" && !/^-\d/.test(a) && !REDIRECT.test(a);
    if (pending !== null && !isFlag) {
      verdicts.push(valueAfter(pending, a));
      pending = null;
      continue;
    }
    pending = null;
    if (!isFlag) {
      if (positionalKept(a, g, state)) {
        state.positionals.push(a);
        verdicts.push({ keep: true });
      } else verdicts.push(deny(a, DENIED));
      continue;
    }
    const long = a.startsWith("--");
    const body = a.slice(long ? 2 : 1);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const attached = eq >= 0 ? body.slice(eq + 1) : null;
    const lower = name.toLowerCase();
    const shortForm = !long && !ALLOWED_FLAGS.has(lower) && !(g?.scriptFlags.has(lower) ?? false);
    if (!shortForm) {
      const kind: Pending = ALLOWED_FLAGS.has(lower) ? "allowed" : g?.scriptFlags.has(lower) ? "script" : "unknown";
      if (attached === null) {
        verdicts.push({ keep: true });
        pending = kind;
      } else if (kind === "allowed" || attached === "" || attached === DENIED) verdicts.push({ keep: true });
      else if (kind === "script") {
        const r = script(attached);
        verdicts.push(r.keep ? r : { keep: false, replacement: `${a.slice(0, a.length - attached.length)}${r.replacement}` });
      } else if (harmlessValue(attached)) verdicts.push({ keep: true });
      else verdicts.push(deny(attached, `${a.slice(0, a.length - attached.length)}${DENIED}`));
      continue;
    }
    // Short flags: `-p`, `-pVALUE`, `-fNL`, `-p=VALUE`; Go/java single-dash names with `=` (`-Dkey=value`, `-v=2`).
    if (attached !== null) {
      if (g?.shortAllowed.has(name) || attached === "" || attached === DENIED) verdicts.push({ keep: true });
      else verdicts.push(deny(attached, `${a.slice(0, a.length - attached.length)}${DENIED}`));
      continue;
    }
    if (g) {
      // getopt: the first letter that takes a value takes the rest of the token, or the next token.
      let done = false;
      for (let j = 0; j < name.length; j++) {
        const f = name[j]!;
        if (!g.shortValued.has(f)) continue;
        const rest = name.slice(j + 1);
        const kind: Pending = g.shortAllowed.has(f) ? "allowed" : g.shortScript.has(f) ? "script" : "value";
        if (rest === "") {
          verdicts.push({ keep: true });
          pending = kind;
        } else if (kind === "allowed") verdicts.push({ keep: true });
        else if (kind === "script") {
          const r = script(rest);
          verdicts.push(r.keep ? r : { keep: false, replacement: `-${name.slice(0, j + 1)}${r.replacement}` });
        } else verdicts.push(deny(rest, `-${name.slice(0, j + 1)}${DENIED}`));
        done = true;
        break;
      }
      if (!done) verdicts.push({ keep: true });
      continue;
    }
    // An unknown program: a short letter cluster (`-it`, `-fNL`) and a Go-style long name of lower-case words (`-use-listen-fd`)
    // are names only; anything else may carry a value (`-pS3cret-1`, `-Xmx512m`).
    if (/^[A-Za-z]{1,3}$/.test(name) || /^[a-z]+(?:[-.][a-z]+)+$/.test(name)) {
      verdicts.push({ keep: true });
      pending = "unknown";
    } else verdicts.push(deny(name.slice(1), `-${name[0]}${DENIED}`));
  }
  return { verdicts, deniedValues };
}

/**
 * Redact an argv (a pod container's `command` + `args`, docker inspect's
 * `Path` + `Args`, `Config.Entrypoint` + `Config.Cmd`). `program`, when
 * given, is the program the argv's first element is an argument of (Path
 * for Args); otherwise argv[0] is the program. Elements that are shell
 * scripts (`sh -c SCRIPT`) are redacted as scripts.
 */
export function redactArgv(argv: readonly string[], program: string | null = null): ArgumentRedaction<string[]> {
  const { verdicts, deniedValues } = judge(argv, program === null ? null : programName(program), (s) => {
    const r = redactScript(s);
    return { text: r.value, denied: r.deniedValues };
  });
  const out = argv.map((a, i) => {
    const v = verdicts[i];
    return !v || v.keep ? a : v.replacement;
  });
  const denied = out.flatMap((a, i) => (a !== argv[i] ? [i] : []));
  return { value: out, denied, deniedValues };
}

/**
 * Redact a command line or shell snippet given as one string (a host
 * listener's `command`, a `docker top` CMD, `postStartCommand`), in place:
 * each simple command (split at `;` `&&` `||` `|` `&` newlines) is judged as
 * an argv, and only denied tokens are replaced, keeping quotes around a
 * replaced quoted token.
 */
export function redactScript(text: string): ArgumentRedaction<string> {
  const tokens = tokenize(text, true);
  const deniedValues: string[] = [];
  const denied: number[] = [];
  const replacements = new Map<number, string>();
  let cmd: number[] = [];
  const flush = () => {
    if (!cmd.length) return;
    const { verdicts, deniedValues: d } = judge(
      cmd.map((k) => tokens[k]!.value),
      null,
      (s) => {
        const r = redactScript(s);
        return { text: r.value, denied: r.deniedValues };
      },
    );
    deniedValues.push(...d);
    cmd.forEach((k, j) => {
      const v = verdicts[j];
      if (v && !v.keep) {
        replacements.set(k, v.replacement);
        denied.push(k);
      }
    });
    cmd = [];
  };
  tokens.forEach((t, k) => {
    if (t.operator) flush();
    else cmd.push(k);
  });
  flush();
  if (!replacements.size) return { value: text, denied: [], deniedValues: [] };
  let out = "";
  let last = 0;
  tokens.forEach((t, k) => {
    const r = replacements.get(k);
    if (r === undefined) return;
    out += text.slice(last, t.start);
    // A quoted token stays quoted; a replacement that is not plain text is quoted so the line still splits the same way.
    const q = t.quote ?? (/^[^\s'"\\;&|]+$/.test(r) ? "" : "'");
    out += q === "'" ? `'${r.replace(/'/g, "'\\''")}'` : q === '"' ? `"${r.replace(/(["\\$`])/g, "\\$1")}"` : r;
    last = t.end;
  });
  out += text.slice(last);
  return { value: out, denied, deniedValues };
}
