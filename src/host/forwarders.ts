/**
 * Recognisers for the command lines of userspace forwarders that own a host
 * port: `kubectl port-forward`, `socat`, `ssh -L`, `nc -l` (and `ncat`), and
 * `docker-proxy`. Pure functions over the command line a host listener
 * reports (`HostListener.command`, arguments joined by single spaces); no I/O.
 *
 * A command line that is none of these is returned as `unknown` with the
 * program named, never guessed at.
 *
 * Sources (argument grammars):
 * - kubectl: `kubectl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT [...]`,
 *   `--address` (string slice, default `localhost`), `-n/--namespace`;
 *   a bare NAME is a pod (kubectl `port-forward --help`; pflag syntax
 *   `--flag=v`, `--flag v`, `-n v`, `-nv`).
 * - socat: `socat [options] ADDRESS1 ADDRESS2`, address keywords are
 *   case-insensitive, `TCP-LISTEN`/`TCP-L` (+ `TCP4`/`TCP6` variants) take
 *   `PORT[,opts]` with options such as `fork`, `reuseaddr`, `bind=ADDR`,
 *   `pf=ip4|ip6`; `TCP`/`TCP-CONNECT` (+4/6) take `HOST:PORT[,opts]`
 *   (socat(1) "ADDRESS TYPES").
 * - ssh: `-L [bind_address:]port:host:hostport` (getopt: `-Lspec` or
 *   `-L spec`, flags combine as `-fNL spec`); `host:hostport` is resolved
 *   and connected to by the ssh *server* (ssh(1)).
 * - nc/ncat: `nc -l [-p] PORT`, OpenBSD `nc -l [ADDR] PORT`; relaying forms
 *   `-c CMD`, `-e PROG`, ncat `--sh-exec CMD` / `--exec PROG` (nc(1), ncat(1)).
 * - docker-proxy (moby `cmd/docker-proxy`): `-proto tcp -host-ip IP
 *   -host-port P -container-ip IP -container-port P` (Go `flag`: `-f v`,
 *   `-f=v`, `--f v`). Real line:
 *   `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080`.
 */
import { formatHostPort, isAnyAddress, normalizeAddress, parseHostPort } from "./addresses.js";

/** A TCP endpoint named on a command line: `host` is a name or an address (no brackets), `port` 1..65535. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `socat TCP-LISTEN:… TCP:…`. */
export interface SocatCommand {
  kind: "socat";
  /** The listening address, or null when neither address is a TCP listener. */
  listen: {
    port: number;
    /** `bind=` option (no brackets), or null: all addresses. */
    bind: string | null;
    /** 4 for `TCP4-LISTEN` / `pf=ip4`, 6 for `TCP6-LISTEN` / `pf=ip6`, null for `TCP-LISTEN`. */
    family: 4 | 6 | null;
    /** Address options as written, e.g. `["reuseaddr", "fork", "bind=127.0.0.1"]`. */
    options: string[];
  } | null;
  /** The TCP upstream, or null when the other address is not TCP (e.g. `UNIX-CONNECT:`, `EXEC:`). */
  upstream: (Endpoint & { family: 4 | 6 | null }) | null;
  /** The other address exactly as written (for messages). */
  upstreamSpec: string | null;
}

/** A kubectl resource reference: `pod/x`, `svc/x`, `deploy/x`, `rs/x`, `sts/x`, `ds/x` (bare name = pod; kubectl's SelectorsForObject also takes Jobs and ReplicationControllers, not recognised here). */
export interface KubectlTarget {
  type: "pod" | "service" | "deployment" | "replicaset" | "statefulset" | "daemonset";
  name: string;
}

/** One `[LOCAL:]REMOTE` pair: `local` null means kubectl picks a random local port (`:R` or `0:R`). */
export interface PortPair {
  local: number | null;
  /** Remote port number, or a named container/Service port (`http`). */
  remote: number | string;
}

/** `kubectl port-forward …`. */
export interface KubectlPortForwardCommand {
  kind: "kubectl-port-forward";
  /** `-n/--namespace`, or null: the context's default namespace. */
  namespace: string | null;
  /** `--context`, or null. */
  context: string | null;
  target: KubectlTarget;
  ports: PortPair[];
  /** `--address` values, split on commas; `["localhost"]` when absent (kubectl default). */
  addresses: string[];
  /**
   * `--pod-running-timeout` in milliseconds: how long kubectl waits for the
   * first pod of a workload or Service to appear (GetFirstPod's watch);
   * 60000 when absent (kubectl's default `1m0s`), null when the value does
   * not parse as a Go duration.
   */
  podRunningTimeoutMs?: number | null;
}

/** One `-L` forward of ssh. `bind` null = ssh's default (loopback unless `GatewayPorts`); `*`/empty = all. */
export interface SshForward {
  bind: string | null;
  port: number;
  /** Host as seen from the ssh server. */
  host: string;
  hostPort: number;
}

/** `ssh … -L …` (also autossh). */
export interface SshCommand {
  kind: "ssh";
  forwards: SshForward[];
  /** The destination (`user@host`), or null. */
  destination: string | null;
  /** `-p` port of the ssh server, or null. */
  sshPort: number | null;
}

/** `nc -l …` / `ncat -l …`. */
export interface NcCommand {
  kind: "nc";
  /** Listening port, or null when it cannot be told. */
  port: number | null;
  /** Listening address, or null: all. */
  bind: string | null;
  /** Upstream of a relaying form (`-c 'nc host port'`, `--sh-exec "ncat host port"`), or null. */
  upstream: Endpoint | null;
}

/** `docker-proxy -proto tcp -host-ip … -host-port … -container-ip … -container-port …`. */
export interface DockerProxyCommand {
  kind: "docker-proxy";
  proto: string;
  hostIp: string | null;
  hostPort: number | null;
  containerIp: string | null;
  containerPort: number | null;
}

/**
 * Rancher Desktop's own Port Forwarding (Preferences → Port Forwarding, or
 * `rdctl api -X POST /v1/port_forwarding`): the app's main (Electron)
 * process listens on the host port itself and relays each connection through
 * the Kubernetes API server's port-forward to a ready pod behind the chosen
 * Service (rancher-sandbox/rancher-desktop pkg/rancher-desktop/backend/kube/
 * client.ts `createForwardingServer`: `net.createServer`, the pod looked up
 * from the Service's endpoints on every connection, `server.listen({ port:
 * hostPort, host: '127.0.0.1' })` since v1.15, `host: 'localhost'` before,
 * rancher-desktop#7248). Its command line names no Service.
 */
export interface RancherDesktopCommand {
  kind: "rancher-desktop-port-forward";
  /** The host OS the executable's path shows, or null. */
  hostOs: "darwin" | "linux" | "win32" | null;
}

/** Any other process: named by its program (basename of argv[0], or the process name). */
export interface UnknownCommand {
  kind: "unknown";
  program: string;
}

/** What a listening process's command line says about it. */
export type ForwarderCommand = SocatCommand | KubectlPortForwardCommand | SshCommand | NcCommand | DockerProxyCommand | RancherDesktopCommand | UnknownCommand;

/** How each kind is named in messages. */
export const FORWARDER_LABEL: Record<ForwarderCommand["kind"], string> = {
  socat: "socat",
  "kubectl-port-forward": "kubectl port-forward",
  ssh: "ssh",
  nc: "nc",
  "docker-proxy": "docker-proxy",
  "rancher-desktop-port-forward": "Rancher Desktop's Port Forwarding",
  unknown: "process",
};

/**
 * Rancher Desktop's main process, from its executable as packaged
 * (rancher-sandbox/rancher-desktop packaging/electron-builder.yml: productName
 * `Rancher Desktop`, Linux `executableName: rancher-desktop`, installed in
 * /opt/rancher-desktop by packaging/linux/rancher-desktop.spec): macOS
 * `…/Rancher Desktop.app/Contents/MacOS/Rancher Desktop`, Linux
 * `…/rancher-desktop`, Windows `…\\Rancher Desktop.exe`. Electron's helper
 * processes (`Rancher Desktop Helper`, `--type=renderer|gpu-process|utility`)
 * never listen for Port Forwarding, nor does the `rancher-desktop-guestagent`
 * inside the VM. Null for any other command line.
 */
export function parseRancherDesktopApp(command: string | null | undefined, processName?: string | null): RancherDesktopCommand | null {
  const cmd = (command ?? "").trim();
  if (/(^|\s)--type=/.test(cmd)) return null;
  if (/(^|\/)Rancher Desktop\.app\/Contents\/MacOS\/Rancher Desktop(\s|$)/.test(cmd)) return { kind: "rancher-desktop-port-forward", hostOs: "darwin" };
  if (/(^|\\)Rancher Desktop\.exe"?(\s|$)/i.test(cmd)) return { kind: "rancher-desktop-port-forward", hostOs: "win32" };
  if (/^\S*\/rancher-desktop(\s|$)/.test(cmd)) return { kind: "rancher-desktop-port-forward", hostOs: "linux" };
  if (!cmd && processName && /^(Rancher Desktop|rancher-desktop)$/.test(processName.trim())) return { kind: "rancher-desktop-port-forward", hostOs: null };
  return null;
}

/**
 * Split a command line into arguments: whitespace separates (any amount),
 * single and double quotes group, a backslash escapes the next character
 * outside single quotes. Listeners usually report arguments joined by single
 * spaces (quotes lost); quoting is honoured when present.
 */
export function splitCommandLine(command: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (ch === "\\" && i + 1 < command.length) {
      cur += command[++i];
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

/** Basename of argv[0] without a `.exe` suffix: `/usr/local/bin/kubectl` → `kubectl`. */
export function programName(argv0: string): string {
  return (argv0.split(/[\\/]/).pop() ?? argv0).replace(/\.exe$/i, "");
}

const toPort = (s: string | undefined): number | null => {
  if (s === undefined || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
};

/**
 * Recognise a listening process's command line. `processName` (the process's
 * comm) is used when the command line is missing or empty.
 */
export function parseForwarderCommand(command: string | null | undefined, processName?: string | null): ForwarderCommand {
  // Before splitting: the app's path has spaces (`Rancher Desktop.app`), and a listener's command line lost its quotes.
  const rd = parseRancherDesktopApp(command, processName);
  if (rd) return rd;
  const argv = splitCommandLine(command ?? "");
  const program = argv.length ? programName(argv[0]!) : (processName ?? "").trim();
  const args = argv.slice(1);
  const p = program.toLowerCase();
  if (/^(kubectl|oc)(-[\w.]+)?$/.test(p)) return parseKubectl(args) ?? { kind: "unknown", program: describeProgram(program, args) };
  if (p === "socat") return parseSocat(args);
  if (p === "ssh" || p === "autossh") return parseSsh(args);
  if (/^(nc|ncat|netcat)(\.[\w-]+)?$/.test(p)) return parseNc(args) ?? { kind: "unknown", program };
  if (p === "docker-proxy") return parseDockerProxy(args);
  return { kind: "unknown", program: program || "unknown process" };
}

/** `kubectl proxy` → `kubectl proxy`: names the subcommand of a kubectl that is not port-forward. */
function describeProgram(program: string, args: string[]): string {
  const sub = args.find((a) => !a.startsWith("-"));
  return sub ? `${program} ${sub}` : program;
}

// ---------------------------------------------------------------- kubectl

/** kubectl flags (global and port-forward's) that take a value. */
const KUBECTL_VALUE_FLAGS = new Set([
  "namespace", "address", "pod-running-timeout", "context", "kubeconfig", "cluster", "user", "server", "token",
  "as", "as-group", "as-uid", "request-timeout", "certificate-authority", "client-certificate", "client-key",
  "tls-server-name", "cache-dir", "profile", "profile-output", "log-dir", "log-file", "log-file-max-size",
  "log-backtrace-at", "vmodule", "v", "password", "username", "log-flush-frequency", "stderrthreshold", "kuberc",
  "n", "s",
]);

const KUBECTL_TYPES: Record<string, KubectlTarget["type"]> = {
  pod: "pod", pods: "pod", po: "pod",
  svc: "service", service: "service", services: "service",
  deploy: "deployment", deployment: "deployment", deployments: "deployment",
  rs: "replicaset", replicaset: "replicaset", replicasets: "replicaset",
  sts: "statefulset", statefulset: "statefulset", statefulsets: "statefulset",
  ds: "daemonset", daemonset: "daemonset", daemonsets: "daemonset",
};

function parseKubectl(args: string[]): KubectlPortForwardCommand | null {
  const flags: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--") || (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a))) {
      const long = a.startsWith("--");
      let name: string;
      let value: string | undefined;
      if (long) {
        const eq = a.indexOf("=");
        name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        value = eq >= 0 ? a.slice(eq + 1) : undefined;
      } else {
        name = a[1]!;
        const rest = a.slice(2);
        value = rest ? rest.replace(/^=/, "") : undefined;
      }
      if (KUBECTL_VALUE_FLAGS.has(name) && value === undefined) value = args[++i];
      (flags[name] ??= []).push(value ?? "true");
      continue;
    }
    positional.push(a);
  }
  if (positional[0] !== "port-forward") return null;
  const [ref, ...portSpecs] = positional.slice(1);
  if (!ref) return null;
  let target: KubectlTarget;
  const slash = ref.indexOf("/");
  if (slash >= 0) {
    const type = KUBECTL_TYPES[ref.slice(0, slash).toLowerCase().split(".")[0]!];
    if (!type) return null;
    target = { type, name: ref.slice(slash + 1) };
  } else {
    target = { type: "pod", name: ref };
  }
  const ports: PortPair[] = [];
  for (const spec of portSpecs) {
    const pair = parsePortPair(spec);
    if (pair) ports.push(pair);
  }
  const namespace = [...(flags["namespace"] ?? []), ...(flags["n"] ?? [])].pop() ?? null;
  const addresses = (flags["address"] ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  const timeout = flags["pod-running-timeout"]?.at(-1);
  return {
    kind: "kubectl-port-forward",
    namespace,
    context: flags["context"]?.at(-1) ?? null,
    target,
    ports,
    addresses: addresses.length ? addresses : ["localhost"],
    podRunningTimeoutMs: timeout === undefined ? 60_000 : goDurationMs(timeout),
  };
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go `time.ParseDuration` string (`1m0s`, `90s`, `1.5s`, `500ms`) in milliseconds, or null when it does not parse. */
export function goDurationMs(text: string): number | null {
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? total : null;
}

/** `8080:80` / `:80` / `0:80` / `8080` / `8080:http` → a port pair; null when malformed. */
export function parsePortPair(spec: string): PortPair | null {
  const parts = spec.split(":");
  if (parts.length === 1) {
    const p = toPort(parts[0]);
    return p ? { local: p, remote: p } : null;
  }
  if (parts.length !== 2) return null;
  const [l, r] = parts as [string, string];
  const local = l === "" || l === "0" ? null : toPort(l);
  if (local === null && !(l === "" || l === "0")) return null;
  const remote: number | string | null = /^\d+$/.test(r) ? toPort(r) : /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(r) ? r : null;
  return remote === null ? null : { local, remote };
}

// ---------------------------------------------------------------- socat

/** socat options that take a separate value when none is attached. */
const SOCAT_VALUE_OPTIONS = new Set(["-lf", "-lp", "-b", "-t", "-T", "-L", "-W"]);

const SOCAT_LISTEN = /^tcp([46])?-(listen|l)$/;
const SOCAT_CONNECT = /^tcp([46])?(-connect)?$/;

function parseSocat(args: string[]): SocatCommand {
  const addresses: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("-") && a.length > 1 && !a.includes(":")) {
      if (SOCAT_VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    addresses.push(a);
  }
  let listen: SocatCommand["listen"] = null;
  let upstreamSpec: string | null = null;
  let upstream: SocatCommand["upstream"] = null;
  for (const spec of addresses) {
    const colon = spec.indexOf(":");
    const keyword = (colon >= 0 ? spec.slice(0, colon) : spec.split(",")[0]!).toLowerCase();
    const params = colon >= 0 ? spec.slice(colon + 1) : "";
    const lm = SOCAT_LISTEN.exec(keyword);
    if (lm && !listen) {
      const [portText, ...options] = params.split(",");
      const port = toPort(portText);
      if (port === null) continue;
      const bindOpt = options.find((o) => /^bind=/i.test(o));
      const pf = options.find((o) => /^pf=/i.test(o));
      const family = lm[1] ? (Number(lm[1]) as 4 | 6) : pf ? (/ip6|inet6/i.test(pf) ? 6 : 4) : null;
      const bindValue = bindOpt ? bindOpt.slice(5) : null;
      // bind= may carry a port (`bind=127.0.0.1:0`) for connecting addresses; for a listener it is the address.
      const bind = bindValue === null ? null : (parseHostPort(bindValue)?.host ?? normalizeAddress(bindValue));
      listen = { port, bind, family, options };
      continue;
    }
    if (upstreamSpec === null) {
      upstreamSpec = spec;
      const cm = SOCAT_CONNECT.exec(keyword);
      if (cm) {
        const hostPort = params.split(",")[0]!;
        const hp = parseHostPort(hostPort);
        if (hp) upstream = { host: hp.host, port: hp.port, family: cm[1] ? (Number(cm[1]) as 4 | 6) : null };
      }
    }
  }
  return { kind: "socat", listen, upstream, upstreamSpec };
}

// ---------------------------------------------------------------- ssh

/** ssh (and autossh `-M`) options that take a value (ssh(1) SYNOPSIS). */
const SSH_VALUE_FLAGS = new Set("BbcDEeFIiJLlmOoPpQRSWwM".split(""));

/** Split `a:b:[::1]:d` on colons outside brackets. */
function splitColons(spec: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let depth = 0;
  for (const ch of spec) {
    if (ch === "[") depth++;
    if (ch === "]") depth = Math.max(0, depth - 1);
    if (ch === ":" && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** `[bind:]port:host:hostport` → a forward; null for unix-socket forms or malformed specs. */
export function parseSshForward(spec: string): SshForward | null {
  const parts = splitColons(spec.trim());
  let bind: string | null = null;
  if (parts.length === 4) bind = parts.shift()!;
  if (parts.length !== 3) return null;
  const port = toPort(parts[0]);
  const hostPort = toPort(parts[2]);
  if (!port || !hostPort || !parts[1]) return null;
  return {
    bind: bind === null ? null : bind === "" || bind === "*" ? "0.0.0.0" : normalizeAddress(bind),
    port,
    host: normalizeAddress(parts[1]),
    hostPort,
  };
}

function parseSsh(args: string[]): SshCommand {
  const forwards: SshForward[] = [];
  let destination: string | null = null;
  let sshPort: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (destination === null && a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (!SSH_VALUE_FLAGS.has(f)) continue;
        const value = a.slice(j + 1) || args[++i] || "";
        if (f === "L") {
          const fw = parseSshForward(value);
          if (fw) forwards.push(fw);
        } else if (f === "p") sshPort = toPort(value);
        break;
      }
      continue;
    }
    if (destination === null) destination = a;
  }
  return { kind: "ssh", forwards, destination, sshPort };
}

// ---------------------------------------------------------------- nc / ncat

/** nc/ncat short options that take a value (union of OpenBSD, traditional and ncat). */
const NC_VALUE_FLAGS = new Set("pseciwqIOTVXxgGMm".split(""));
const NC_LONG_VALUE = new Set(["sh-exec", "exec", "lua-exec", "source-port", "source", "wait", "idle-timeout", "proxy", "proxy-type", "max-conns", "allow", "deny", "output", "hex-dump"]);

interface NcParsed {
  listen: boolean;
  port: number | null;
  positional: string[];
  exec: string | null;
}

function scanNc(args: string[]): NcParsed {
  let listen = false;
  let port: number | null = null;
  let exec: string | null = null;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let value = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (NC_LONG_VALUE.has(name) && value === undefined) value = args[++i];
      if (name === "listen") listen = true;
      if (name === "sh-exec" || name === "exec") exec = value ?? null;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (f === "l") listen = true;
        if (!NC_VALUE_FLAGS.has(f)) continue;
        const value = a.slice(j + 1) || args[++i] || "";
        if (f === "p") port = toPort(value);
        if (f === "c" || f === "e") exec = value;
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { listen, port, positional, exec };
}

function parseNc(args: string[]): NcCommand | null {
  const s = scanNc(args);
  if (!s.listen) return null;
  let port = s.port;
  let bind: string | null = null;
  if (port === null) {
    // OpenBSD: nc -l [addr] port
    port = toPort(s.positional.at(-1));
    if (s.positional.length >= 2) bind = normalizeAddress(s.positional[0]!);
  } else if (s.positional.length >= 1) {
    bind = normalizeAddress(s.positional[0]!);
  }
  let upstream: Endpoint | null = null;
  if (s.exec) {
    const inner = splitCommandLine(s.exec);
    const prog = inner.length ? programName(inner[0]!).toLowerCase() : "";
    if (/^(nc|ncat|netcat)(\.[\w-]+)?$/.test(prog)) {
      const t = scanNc(inner.slice(1));
      const host = t.positional[0];
      const p = toPort(t.positional[1]);
      if (!t.listen && host && p) upstream = { host: normalizeAddress(host), port: p };
    }
  }
  return { kind: "nc", port, bind: bind && isAnyAddress(bind) ? null : bind, upstream };
}

// ---------------------------------------------------------------- docker-proxy

function parseDockerProxy(args: string[]): DockerProxyCommand {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) continue;
    const body = a.replace(/^--?/, "");
    const eq = body.indexOf("=");
    if (eq >= 0) flags[body.slice(0, eq)] = body.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith("-")) flags[body] = args[++i]!;
    else flags[body] = "true";
  }
  return {
    kind: "docker-proxy",
    proto: flags["proto"] ?? "tcp",
    hostIp: flags["host-ip"] !== undefined ? normalizeAddress(flags["host-ip"]) : null,
    hostPort: toPort(flags["host-port"]),
    containerIp: flags["container-ip"] !== undefined ? normalizeAddress(flags["container-ip"]) : null,
    containerPort: toPort(flags["container-port"]),
  };
}

// ---------------------------------------------------------------- helpers over parsed commands

/**
 * The kubectl port pair serving `localPort`: the pair whose local port equals
 * it, else the only random-local pair (`:R`), else null.
 */
export function kubectlPairFor(cmd: KubectlPortForwardCommand, localPort: number): PortPair | null {
  const exact = cmd.ports.find((p) => p.local === localPort);
  if (exact) return exact;
  const random = cmd.ports.filter((p) => p.local === null);
  return random.length === 1 ? random[0]! : null;
}

/** The ssh `-L` forward listening on `localPort`, or null. */
export function sshForwardFor(cmd: SshCommand, localPort: number): SshForward | null {
  return cmd.forwards.find((f) => f.port === localPort) ?? null;
}

/** kubectl's short resource names, for messages (`svc/x`, `deploy/x`). */
const KUBECTL_SHORT: Record<KubectlTarget["type"], string> = {
  pod: "pod",
  service: "svc",
  deployment: "deploy",
  replicaset: "rs",
  statefulset: "sts",
  daemonset: "ds",
};

/** `svc/metal3-metal3-ironic` etc. */
export function formatKubectlTarget(t: KubectlTarget): string {
  return `${KUBECTL_SHORT[t.type]}/${t.name}`;
}

/**
 * The upstream of a forwarder serving `localPort`, as `ForwarderFact.upstream`
 * writes it: `host:port` for socat/nc/ssh (ssh: as the ssh server sees it),
 * `NAMESPACE/TYPE/NAME:PORT` for kubectl port-forward (`NAMESPACE` is `-`
 * when the command names none), `containerIp:containerPort` for docker-proxy;
 * null when the command does not say.
 */
export function upstreamOf(cmd: ForwarderCommand, localPort: number): string | null {
  switch (cmd.kind) {
    case "socat":
      return cmd.upstream ? formatHostPort(cmd.upstream.host, cmd.upstream.port) : null;
    case "nc":
      return cmd.upstream ? formatHostPort(cmd.upstream.host, cmd.upstream.port) : null;
    case "ssh": {
      const f = sshForwardFor(cmd, localPort);
      return f ? formatHostPort(f.host, f.hostPort) : null;
    }
    case "kubectl-port-forward": {
      const pair = kubectlPairFor(cmd, localPort);
      return pair ? `${cmd.namespace ?? "-"}/${formatKubectlTarget(cmd.target)}:${pair.remote}` : null;
    }
    case "docker-proxy":
      return cmd.containerIp && cmd.containerPort ? formatHostPort(cmd.containerIp, cmd.containerPort) : null;
    case "rancher-desktop-port-forward":
    case "unknown":
      return null;
  }
}
