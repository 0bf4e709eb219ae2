/**
 * The live host source (DESIGN §7): this machine's listening TCP sockets with
 * their owning processes, the hosts file and the system resolver. Under the
 * lab (DESIGN §8) it serves the scenario's listeners and hosts file and a
 * resolver that never asks the real one.
 */
import { lookup } from "node:dns/promises";
import { readFile, readdir, readlink } from "node:fs/promises";
import { endianness, networkInterfaces } from "node:os";
import { join } from "node:path";
import { parseDataYaml } from "../../data-yaml.js";
import type { HostListener } from "../../engine/types.js";
import type { LabState } from "../../lab/contract.js";
import { parseNsswitchHosts, parseResolvConf } from "../../host/resolver.js";
import { listForwards, socatCommand } from "../../fixes/forwards.js";
import { isLoopback } from "./lab-state.js";
import { LOOPBACK_INTERFACES, parseInterfaces } from "../../host/interfaces.js";
import { recordedForwards, type RecordedForward } from "../../host/recorded-forwards.js";
import { readWorkdir } from "../../host/workdir.js";
import { SourceError, type HostInterface, type HostSource, type HostsEntry, type ResolveResult, type ResolverConfig } from "../types.js";

/** One LISTEN socket from `/proc/net/tcp{,6}`. */
export interface ProcNetListener {
  address: string;
  port: number;
  /** Socket inode, the key to `/proc/PID/fd/* -> socket:[inode]`. */
  inode: string;
}

/** TCP state `0A` in `/proc/net/tcp` is `TCP_LISTEN` (linux include/net/tcp_states.h). */
const TCP_LISTEN = "0A";

/** Reverse the bytes of an 8-hex-digit word when the host is little-endian (the kernel prints `__be32` words in host order). */
function hostOrderWord(hex: string, little: boolean): string {
  if (!little) return hex;
  return hex.slice(6, 8) + hex.slice(4, 6) + hex.slice(2, 4) + hex.slice(0, 2);
}

/**
 * Decode an address column of `/proc/net/tcp` (8 hex digits) or
 * `/proc/net/tcp6` (32 hex digits: four 32-bit words, each in host byte
 * order). IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are returned as the
 * IPv4 address they stand for; other IPv6 addresses in canonical form.
 */
export function decodeProcAddress(hex: string, little = endianness() === "LE"): string {
  if (hex.length === 8) {
    const w = hostOrderWord(hex, little);
    return [0, 2, 4, 6].map((i) => parseInt(w.slice(i, i + 2), 16)).join(".");
  }
  const words = [0, 8, 16, 24].map((i) => hostOrderWord(hex.slice(i, i + 8), little)).join("");
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(words.slice(i, i + 4));
  const canonical = new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}

/**
 * Parse `/proc/net/tcp` or `/proc/net/tcp6` text into its LISTEN sockets
 * (format: linux net/ipv4/tcp_ipv4.c `get_tcp4_sock`, net/ipv6/tcp_ipv6.c
 * `get_tcp6_sock`: `sl local_address rem_address st … uid timeout inode`;
 * the port is 4 hex digits in network order).
 */
export function parseProcNetTcp(text: string, little = endianness() === "LE"): ProcNetListener[] {
  const out: ProcNetListener[] = [];
  for (const line of text.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const [addr, port] = cols[1]!.split(":");
    if (!addr || !port) continue;
    out.push({ address: decodeProcAddress(addr, little), port: parseInt(port, 16), inode: cols[9]! });
  }
  return out;
}

/** Map socket inodes to the first pid holding them, reading `/proc/PID/fd`. Unreadable processes are skipped. */
async function socketOwners(procRoot: string, inodes: Set<string>): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  if (inodes.size === 0) return owners;
  const pids = (await readdir(procRoot)).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
  await Promise.all(
    pids.map(async (pid) => {
      let fds: string[];
      try {
        fds = await readdir(join(procRoot, String(pid), "fd"));
      } catch {
        return; // another user's process (EACCES) or gone (ENOENT)
      }
      for (const fd of fds) {
        let target: string;
        try {
          target = await readlink(join(procRoot, String(pid), "fd", fd));
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) {
          const prev = owners.get(m[1]!);
          if (prev === undefined || pid < prev) owners.set(m[1]!, pid);
        }
      }
    }),
  );
  return owners;
}

/** Read a /proc text file, or undefined when it cannot be read. */
async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Linux listeners: LISTEN sockets of `/proc/net/tcp` and `/proc/net/tcp6`,
 * each with the pid holding its inode (`/proc/PID/fd/N -> socket:[inode]`),
 * the process name (`/proc/PID/comm`) and command line (`/proc/PID/cmdline`,
 * NUL-separated, joined with spaces). Sockets whose process cannot be read
 * (another user's, without privileges) are listed without pid. Sorted by
 * port, then address.
 */
export async function linuxListeners(procRoot = "/proc"): Promise<HostListener[]> {
  const tables = await Promise.all(["tcp", "tcp6"].map((f) => readOptional(join(procRoot, "net", f))));
  if (tables.every((t) => t === undefined)) {
    throw new SourceError("unsupported", "host", "listeners", `listening sockets: cannot read ${procRoot}/net/tcp`);
  }
  const sockets = tables.flatMap((t) => (t ? parseProcNetTcp(t) : []));
  const owners = await socketOwners(procRoot, new Set(sockets.map((s) => s.inode)));
  const bootTime = owners.size ? parseBootTime(await readOptional(join(procRoot, "stat"))) : null;
  const procInfo = new Map<number, Promise<{ process?: string; command?: string; startedAt?: string }>>();
  const info = (pid: number) => {
    let p = procInfo.get(pid);
    if (!p) {
      p = (async () => {
        const comm = await readOptional(join(procRoot, String(pid), "comm"));
        const cmdline = await readOptional(join(procRoot, String(pid), "cmdline"));
        const stat = bootTime === null ? undefined : await readOptional(join(procRoot, String(pid), "stat"));
        const command = cmdline?.replace(/\0+$/, "").split("\0").join(" ");
        const startedAt = stat === undefined || bootTime === null ? null : processStartedAt(stat, bootTime);
        return { process: comm?.trim() || undefined, command: command || undefined, ...(startedAt ? { startedAt } : {}) };
      })();
      procInfo.set(pid, p);
    }
    return p;
  };
  const listeners = await Promise.all(
    sockets.map(async (s): Promise<HostListener> => {
      const pid = owners.get(s.inode);
      if (pid === undefined) return { address: s.address, port: s.port };
      const { process, command, startedAt } = await info(pid);
      return { address: s.address, port: s.port, pid, ...(process ? { process } : {}), ...(command ? { command } : {}), ...(startedAt ? { startedAt } : {}) };
    }),
  );
  return dedupe(listeners);
}

/**
 * Clock ticks per second of `/proc/PID/stat` times: USER_HZ, which the kernel
 * reports to user space as 100 on every architecture Linux builds it for
 * (include/asm-generic/param.h `USER_HZ 100`; `getconf CLK_TCK`).
 */
const USER_HZ = 100;

/** `btime` of `/proc/stat` (boot time, seconds since the epoch), or null when absent (proc(5)). */
export function parseBootTime(text: string | undefined): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(text ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * When a process started, from its `/proc/PID/stat` line and the boot time:
 * field 22 `starttime` is in clock ticks after boot (proc(5)). The fields are
 * counted after the last `)`, since the comm field (2) may hold spaces and
 * parentheses. RFC 3339 in UTC, or null when the line cannot be read.
 */
export function processStartedAt(stat: string, bootTime: number): string | null {
  const rest = stat.slice(stat.lastIndexOf(")") + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const ticks = Number(rest[19]);
  if (!Number.isFinite(ticks) || rest.length < 20) return null;
  return new Date((bootTime + ticks / USER_HZ) * 1000).toISOString().replace(".000Z", "Z");
}

/** Drop exact duplicates (the same address:port:pid seen twice, e.g. SO_REUSEPORT) and sort. */
function dedupe(listeners: HostListener[]): HostListener[] {
  const seen = new Set<string>();
  return listeners
    .filter((l) => {
      const key = `${l.address}|${l.port}|${l.pid ?? ""}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.port - b.port || a.address.localeCompare(b.address));
}

/**
 * Parse `lsof -nP -iTCP -sTCP:LISTEN -F pcnt` output (lsof(8) "OUTPUT FOR
 * OTHER PROGRAMS": one field per line, first character the field id: `p`
 * pid, `c` command, `f` fd, `t` type `IPv4`/`IPv6`, `n` name
 * `addr:port`, with `*` for the wildcard address and IPv6 in brackets).
 */
export function parseLsof(text: string): HostListener[] {
  const out: HostListener[] = [];
  let pid: number | undefined;
  let proc: string | undefined;
  let type: string | undefined;
  for (const line of text.split("\n")) {
    const field = line[0];
    const value = line.slice(1);
    if (field === "p") {
      pid = Number(value);
      proc = undefined;
      type = undefined;
    } else if (field === "c") proc = value;
    else if (field === "f") type = undefined;
    else if (field === "t") type = value;
    else if (field === "n") {
      const name = value.split("->")[0]!;
      const i = name.lastIndexOf(":");
      if (i < 0) continue;
      const port = Number(name.slice(i + 1));
      if (!Number.isInteger(port)) continue;
      let address = name.slice(0, i).replace(/^\[|\]$/g, "");
      if (address === "*") address = type === "IPv6" ? "::" : "0.0.0.0";
      out.push({ address, port, ...(pid !== undefined ? { pid } : {}), ...(proc ? { process: proc } : {}) });
    }
  }
  return out;
}

/**
 * One line of `ps -o pid=,lstart=,command=` (BSD ps(1): `lstart` is the
 * start time as ctime(3) writes it, `Mon Dec  1 10:02:33 2026`, in local
 * time): pid, command line and start time (RFC 3339, UTC; null when the
 * time does not parse). Null for a line that is no row.
 */
export function parsePsLstartLine(line: string): { pid: number; command: string; startedAt: string | null } | null {
  const m = /^\s*(\d+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s+(.*)$/.exec(line);
  if (!m) return null;
  const t = new Date(m[2]!.replace(/\s+/g, " "));
  return { pid: Number(m[1]), command: m[3]!.trim(), startedAt: Number.isNaN(t.getTime()) ? null : t.toISOString().replace(".000Z", "Z") };
}

/** macOS listeners through `lsof`, command lines and start times through one `ps -o pid=,lstart=,command= -p …`. */
async function darwinListeners(signal: AbortSignal): Promise<HostListener[]> {
  const { execa } = await import("execa");
  const lsof = await execa("lsof", ["-nP", "-iTCP", "-sTCP:LISTEN", "-F", "pcnt"], { reject: false, cancelSignal: signal, timeout: 10_000 });
  if (lsof.failed && lsof.exitCode !== 1) {
    throw new SourceError("error", "host", "listeners", `lsof failed: ${String(lsof.stderr || lsof.shortMessage).split("\n")[0]}`, { cause: lsof });
  }
  const listeners = parseLsof(String(lsof.stdout));
  const pids = [...new Set(listeners.flatMap((l) => (l.pid ? [l.pid] : [])))];
  if (pids.length > 0) {
    // LC_ALL=C: lstart follows LC_TIME, and the row is read in ctime(3)'s English form.
    const ps = await execa("ps", ["-o", "pid=,lstart=,command=", "-p", pids.join(",")], { reject: false, cancelSignal: signal, timeout: 10_000, env: { LC_ALL: "C" } });
    const rows = new Map<number, { command: string; startedAt: string | null }>();
    for (const line of String(ps.stdout).split("\n")) {
      const row = parsePsLstartLine(line);
      if (row) rows.set(row.pid, row);
    }
    for (const l of listeners) {
      const row = l.pid ? rows.get(l.pid) : undefined;
      if (row?.command) l.command = row.command;
      if (row?.startedAt) l.startedAt = row.startedAt;
    }
  }
  return dedupe(listeners);
}

/**
 * Parse hosts-file text (hosts(5): `address name [aliases…]`, `#` starts a
 * comment, blank lines ignored; IPv6 addresses allowed). Lines without a
 * name are dropped.
 */
export function parseHostsFile(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const [address, ...names] = line.split(/\s+/);
    if (address && names.length > 0) entries.push({ address, names });
  }
  return entries;
}

/** The hosts file the system resolver reads on `platform`. */
export function hostsFilePath(platform: string, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === "win32") return join(env.SystemRoot ?? "C:\\Windows", "System32", "drivers", "etc", "hosts");
  return "/etc/hosts";
}

/** Options of `createHostSource`. */
export interface HostSourceOptions {
  /** The running lab: listeners, hosts file and resolver come from it. */
  lab?: LabState | null;
  /** `process.platform` override (tests). */
  platform?: string;
  /** Root of procfs (tests), default `/proc`. */
  procRoot?: string;
  env?: NodeJS.ProcessEnv;
  /** The working tree whose recorded port-forwards are read (default: the current directory; the lab's `workdir` under the lab). */
  workdir?: string;
}

/** Reject with SourceError `timeout` when `signal` aborts first; a late answer of `p` is dropped (observed), never thrown unobserved. */
function withSignal<T>(p: Promise<T>, signal: AbortSignal, subject: string): Promise<T> {
  p.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new SourceError("timeout", "host", subject, `${subject}: aborted: the run's deadline passed`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SourceError("timeout", "host", subject, `${subject}: aborted: the run's deadline passed`));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Memoise a zero-argument async function; a failed attempt is not cached. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn().catch((err: unknown) => {
      p = undefined;
      throw err;
    });
    return p;
  };
}

/**
 * Under the lab: add the live socat forwards netdoctor started on loopback
 * (`forwards.json`, see src/fixes/forwards.ts) to the scenario's listeners,
 * replacing a scenario listener on the same address and port in place (the
 * others are appended) — otherwise the re-check after a `socat-forward` fix
 * could not see the forward, since the lab's listeners come from a file, not
 * from /proc. The command names
 * the recorded `upstream` (the node address the checks reason about), not
 * the loopback address the lab makes socat dial. Never throws: an
 * unreadable or corrupt `forwards.json` leaves the list as it is.
 */
async function withForwards(listeners: HostListener[], env: NodeJS.ProcessEnv): Promise<HostListener[]> {
  let forwards: Awaited<ReturnType<typeof listForwards>>;
  try {
    forwards = (await listForwards(env)).filter((f) => f.alive && isLoopback(f.listen.address));
  } catch {
    return listeners;
  }
  if (forwards.length === 0) return listeners;
  const key = (address: string, port: number) => `${address}|${port}`;
  const own = new Map(
    forwards.map((f): [string, HostListener] => [
      key(f.listen.address, f.listen.port),
      { address: f.listen.address, port: f.listen.port, pid: f.pid, process: "socat", command: socatCommand(f.listen, f.upstream) },
    ]),
  );
  const merged = listeners.map((l) => own.get(key(l.address, l.port)) ?? l);
  return [...merged, ...[...own.values()].filter((f) => !merged.includes(f))];
}

/** This machine's interface addresses from `os.networkInterfaces()` (Node.js os module). */
export function systemInterfaces(): HostInterface[] {
  const out: HostInterface[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) {
      out.push({ name, address: a.address.replace(/%.*$/, ""), family: a.family === "IPv6" ? "IPv6" : "IPv4", internal: a.internal });
    }
  }
  return out;
}

/** Answer a lookup from hosts entries, in file order, like glibc `files` does. */
function fromHosts(entries: HostsEntry[], name: string): string[] {
  const lower = name.toLowerCase();
  return [...new Set(entries.filter((e) => e.names.some((n) => n.toLowerCase() === lower)).map((e) => e.address))];
}

/**
 * Build the live host source. Without a lab: Linux reads /proc, macOS runs
 * lsof and ps, other platforms throw SourceError `unsupported` for
 * listeners; the hosts file is read from its platform path (missing file =
 * no entries); `resolve` uses `dns.lookup` with `all: true` (the system
 * resolver, as curl and browsers use it).
 *
 * With a lab: listeners from `lab.listenersFile` (YAML list of
 * HostListener), hosts file from `lab.hostsFile`, and `resolve` answers from
 * that hosts file, then `lab.resolver`, then `localhost` → 127.0.0.1 and ::1,
 * else ENOTFOUND — never the real resolver.
 */
export function createHostSource(opts: HostSourceOptions = {}): HostSource {
  const lab = opts.lab ?? null;
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;

  const listeners = once(async (): Promise<HostListener[]> => {
    if (lab) {
      let text: string;
      try {
        text = await readFile(lab.listenersFile, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw new SourceError("error", "host", "listeners", `cannot read the lab's listeners ${lab.listenersFile}: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
      }
      const list: unknown = parseDataYaml(text) ?? [];
      if (!Array.isArray(list)) throw new SourceError("error", "host", "listeners", `${lab.listenersFile}: expected a YAML list of listeners`);
      return withForwards(list as HostListener[], env);
    }
    if (platform === "linux") return linuxListeners(opts.procRoot);
    if (platform === "darwin") return darwinListeners(new AbortController().signal);
    throw new SourceError("unsupported", "host", "listeners", `listening sockets: not available on ${platform} yet`);
  });

  const hostsFile = once(async () => {
    const path = lab ? lab.hostsFile : hostsFilePath(platform, env);
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new SourceError("error", "host", "hosts", `cannot read ${path}: ${code ?? String(err)}`, { cause: err });
    }
    return { path, entries: parseHostsFile(text) };
  });

  // The resolver's sources: nsswitch `hosts:` order and resolv.conf servers (the lab serves the scenario's copies, when it has them).
  const resolverConfig = once(async (): Promise<ResolverConfig> => {
    const hostsPath = lab ? lab.hostsFile : hostsFilePath(platform, env);
    if (!lab && platform === "win32") return { hostsPath, nsswitchHosts: [], nameservers: [], searchDomains: [] };
    const nsswitch = lab ? (lab.nsswitchFile ? await readOptional(lab.nsswitchFile) : undefined) : await readOptional("/etc/nsswitch.conf");
    const resolv = lab ? (lab.resolvConfFile ? await readOptional(lab.resolvConfFile) : undefined) : await readOptional("/etc/resolv.conf");
    const { nameservers, searchDomains } = parseResolvConf(resolv ?? "");
    return { hostsPath, nsswitchHosts: parseNsswitchHosts(nsswitch ?? ""), nameservers, searchDomains };
  });

  // This host's interface addresses: the scenario's (loopback only when it declares none), never the real machine's under the lab.
  const interfaces = once(async (): Promise<HostInterface[]> => {
    if (!lab) return systemInterfaces();
    if (!lab.interfacesFile) return [...LOOPBACK_INTERFACES];
    const text = await readOptional(lab.interfacesFile);
    if (text === undefined) return [...LOOPBACK_INTERFACES];
    try {
      return parseInterfaces(parseDataYaml(text));
    } catch {
      return [...LOOPBACK_INTERFACES];
    }
  });

  async function labResolve(name: string): Promise<ResolveResult> {
    const hosts = await hostsFile();
    const fromFile = fromHosts(hosts.entries, name);
    if (fromFile.length > 0) return { name, addresses: fromFile };
    const key = Object.keys(lab!.resolver).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key) return { name, addresses: lab!.resolver[key]! };
    if (name.toLowerCase() === "localhost") return { name, addresses: ["127.0.0.1", "::1"] };
    return { name, addresses: [], error: "ENOTFOUND" };
  }

  async function systemResolve(name: string): Promise<ResolveResult> {
    try {
      const all = await lookup(name, { all: true });
      return { name, addresses: [...new Set(all.map((a) => a.address))] };
    } catch (err) {
      return { name, addresses: [], error: (err as NodeJS.ErrnoException).code ?? String(err) };
    }
  }

  // Port-forwards the working tree records; under the lab, from the scenario's workdir/ with host ports remapped.
  const recorded = once(async (): Promise<RecordedForward[]> => {
    const dir = opts.workdir ?? (lab ? lab.workdir : process.cwd());
    if (!dir) return [];
    const found = recordedForwards(await readWorkdir(dir));
    if (!lab) return found;
    return found.map((f) => ({ ...f, local: lab.portMap[String(f.local)] ?? f.local }));
  });

  return {
    platform: () => platform,
    listeners: (signal) => withSignal(listeners(), signal, "listeners"),
    hostsFile: (signal) => withSignal(hostsFile(), signal, "hosts"),
    resolve: (name, signal) => withSignal(lab ? labResolve(name) : systemResolve(name), signal, `resolve ${name}`),
    resolverConfig: (signal) => withSignal(resolverConfig(), signal, "resolver"),
    interfaces: (signal) => withSignal(interfaces(), signal, "interfaces"),
    recordedForwards: (signal) => withSignal(recorded(), signal, "recorded port-forwards"),
  };
}
