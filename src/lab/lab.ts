/**
 * `netdoctor lab`: serves a scenario on loopback (DESIGN §8) — the Kubernetes
 * API stand-in, the Docker Engine API stand-in, the declared traffic — and
 * writes the kubeconfig, host listeners, hosts file and the LabState file the
 * live sources read. Host-published ports are remapped to free ports,
 * consistently in every object that names them, unless `keepPorts` is asked
 * and the ports are free.
 */
import { existsSync } from "node:fs";
import { rm, writeFile, mkdir } from "node:fs/promises";
import { makeTempDir, onExitCleanup } from "../lifecycle.js";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { stringify } from "yaml";
import type { HostListener } from "../engine/types.js";
import type { ContainerInspect } from "../sources/types.js";
import { LAB_ENV, type LabState } from "./contract.js";
import { loadScenario, fieldsMatch, type Scenario, type TrafficEntry, type Reaction } from "./scenario.js";
import { startApiServer, type ApiChange, type ApiServer, type ApiStats } from "./api-server.js";
import { startDockerApi, type DockerApi } from "./docker-api.js";
import { startTraffic, freePort, portIsFree, isLoopbackV4, type Traffic } from "./traffic.js";

/** Options of startLab. */
export interface LabOptions {
  /** Keep the scenario's host ports when they are free on 127.0.0.1 (default: remap every one). */
  keepPorts?: boolean;
  /** Directory for kubeconfig, state, socket (default: a new temp dir, removed by stop()). */
  stateDir?: string;
}

/** A running lab. */
export interface RunningLab {
  state: LabState;
  /** Path of the LabState JSON (`NETDOCTOR_LAB`). */
  stateFile: string;
  env: { KUBECONFIG: string; DOCKER_HOST: string; NETDOCTOR_LAB: string };
  /** The scenario as served (ports remapped); changes when a reaction fires. */
  scenario(): Scenario;
  /** Requests the API stand-in answered, total and per path. */
  apiStats(): ApiStats;
  resetApiStats(): void;
  /** The API stand-in (e.g. to read objects after a fix). */
  api: ApiServer;
  /** Closes every listener and socket, and removes a temp state dir. Idempotent. */
  stop(): Promise<void>;
}

/** True for an address literal the lab treats as "this host" (loopback, any-address, localhost). */
function isHostAddress(a: string): boolean {
  return isLoopbackV4(a) || a === "0.0.0.0" || a === "localhost" || a === "::" || a === "::1" || a === "";
}

/**
 * "This host" for a scenario: loopback and any-address, plus every specific
 * address a host listener binds (a process can only bind an address of its
 * own host, e.g. a libvirt bridge address such as 192.168.122.1). Ports on
 * those addresses are host ports: remapped, and served on loopback through
 * `probeMap`.
 */
function hostAddressTest(s: Scenario): (a: string) => boolean {
  const own = new Set((s.listeners ?? []).map((l) => l.address).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)));
  return (a: string) => isHostAddress(a) || own.has(a);
}

const TARGET_RE = /^([a-z][a-z0-9+.-]*:\/\/)(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i;
const DEFAULT_PORT: Record<string, number> = { "http://": 80, "https://": 443 };

function targetPort(t: string): { host: string; port: number } | null {
  const m = TARGET_RE.exec(t);
  if (!m) return null;
  const port = m[3] ? Number(m[3]) : DEFAULT_PORT[m[1]!.toLowerCase()];
  return port === undefined ? null : { host: m[2]!, port };
}

function isIpLiteral(h: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(h) || h.startsWith("[");
}

function bindingsOf(c: ContainerInspect): { where: "HostConfig" | "NetworkSettings"; key: string; b: { HostIp: string; HostPort: string } }[] {
  const out: { where: "HostConfig" | "NetworkSettings"; key: string; b: { HostIp: string; HostPort: string } }[] = [];
  for (const [key, binds] of Object.entries(c.HostConfig.PortBindings ?? {})) for (const b of binds ?? []) out.push({ where: "HostConfig", key, b });
  for (const [key, binds] of Object.entries(c.NetworkSettings.Ports ?? {})) for (const b of binds ?? []) out.push({ where: "NetworkSettings", key, b });
  return out;
}

/** Every host-published port a scenario names: docker bindings, host listeners, targets on this host, loopback traffic. */
export function hostPorts(s: Scenario): number[] {
  const ports = new Set<number>();
  const isHost = hostAddressTest(s);
  for (const c of s.containers) for (const { b } of bindingsOf(c)) if (Number(b.HostPort) > 0) ports.add(Number(b.HostPort));
  for (const l of s.listeners ?? []) ports.add(l.port);
  for (const t of s.targets) {
    const tp = targetPort(t);
    if (tp && (!isIpLiteral(tp.host) || isHost(tp.host) || tp.host === "[::1]")) ports.add(tp.port);
  }
  for (const e of s.traffic) if (isHost(e.address)) ports.add(e.port);
  return [...ports].sort((a, b) => a - b);
}

/** How many times the lab chooses its remapped ports when one was taken before the traffic bound it. */
const PORT_ATTEMPTS = 5;

/** Extends `portMap` with a port for every host port of `s` it lacks. */
async function extendPortMap(s: Scenario, portMap: Map<number, number>, keepPorts: boolean): Promise<void> {
  const used = new Set(portMap.values());
  for (const p of hostPorts(s)) {
    if (portMap.has(p)) continue;
    let chosen: number | null = null;
    if (keepPorts && !used.has(p) && (await portIsFree(p))) chosen = p;
    for (let i = 0; chosen === null && i < 50; i++) {
      const f = await freePort();
      if (!used.has(f)) chosen = f;
    }
    if (chosen === null) throw new Error("netdoctor lab: could not find a free loopback port");
    portMap.set(p, chosen);
    used.add(chosen);
  }
}

/** One target URL with its port replaced through `map` when it names this host (a name, loopback, or an address of the host's own listeners). */
function remapTargetWith(t: string, isHost: (a: string) => boolean, map: (p: number) => number): string {
  const tp = targetPort(t);
  if (!tp || (isIpLiteral(tp.host) && !isHost(tp.host) && tp.host !== "[::1]")) return t;
  return t.replace(TARGET_RE, (_m, scheme: string, host: string) => `${scheme}${host}:${map(tp.port)}`);
}

/**
 * A URL the user typed (`netdoctor --lab DIR http://api.x.localhost:8080/`),
 * with its port mapped through the lab's host-port remapping exactly as the
 * scenario's own `targets` are (DESIGN §8): a port the scenario publishes
 * becomes the port the lab serves it on; any other port, and an address that
 * is not this host (a node IP), is left as typed.
 */
export function remapTargetUrl(lab: Pick<RunningLab, "state" | "scenario">, url: string): string {
  const portMap = lab.state.portMap;
  return remapTargetWith(url, hostAddressTest(lab.scenario()), (p) => portMap[String(p)] ?? p);
}

/** The scenario with every host port replaced through `portMap` (a copy). */
export function remapScenario(s: Scenario, portMap: Map<number, number>): Scenario {
  const map = (p: number): number => portMap.get(p) ?? p;
  const out: Scenario = structuredClone(s);
  const isHost = hostAddressTest(s);
  for (const c of out.containers) for (const { b } of bindingsOf(c)) if (Number(b.HostPort) > 0) b.HostPort = String(map(Number(b.HostPort)));
  if (out.listeners) out.listeners = out.listeners.map((l) => ({ ...l, port: map(l.port), ...(l.command ? { command: remapCommand(l.command, portMap) } : {}) }));
  out.targets = out.targets.map((t) => remapTargetWith(t, isHost, map));
  if (out.requests) out.requests = out.requests.map((r) => ({ ...r, url: remapTargetWith(r.url, isHost, map) }));
  out.traffic = out.traffic.map((e) => (isHost(e.address) ? { ...e, port: map(e.port) } : e));
  return out;
}

/** Rewrites the host-port arguments of forwarder command lines (`-host-port P`, `kubectl port-forward … P:Q`, `TCP-LISTEN:P`). */
function remapCommand(cmd: string, portMap: Map<number, number>): string {
  const m = (p: string): string => String(portMap.get(Number(p)) ?? p);
  return cmd
    .replace(/(-host-port\s+)(\d+)/g, (_x, a: string, p: string) => a + m(p))
    .replace(/(TCP4?6?-LISTEN:)(\d+)/gi, (_x, a: string, p: string) => a + m(p))
    // socat's connecting address to this host (`TCP:localhost:P`, `TCP4:127.0.0.1:P`) names a host port too.
    .replace(/(\bTCP[46]?(?:-CONNECT)?:(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0):)(\d+)/gi, (_x, a: string, p: string) => a + m(p))
    .replace(/(port-forward\b.*?\s)(\d+)(:\d+)/g, (_x, a: string, p: string, b: string) => a + m(p) + b);
}

/** docker-proxy listeners of a scenario without host/listeners.yaml: one per published binding of a running container (Docker's userland proxy). */
export function synthesizeListeners(containers: ContainerInspect[]): HostListener[] {
  const out: HostListener[] = [];
  let pid = 2211;
  for (const c of containers) {
    if (!c.State.Running) continue;
    const ip = Object.values(c.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress ?? "172.17.0.2";
    const ports = c.NetworkSettings.Ports ?? c.HostConfig.PortBindings ?? {};
    for (const [key, binds] of Object.entries(ports)) {
      const [cport, proto = "tcp"] = key.split("/");
      if (proto !== "tcp") continue;
      for (const b of binds ?? []) {
        if (!(Number(b.HostPort) > 0)) continue;
        const address = b.HostIp || "0.0.0.0";
        if (out.some((l) => l.address === address && l.port === Number(b.HostPort))) continue;
        out.push({
          address,
          port: Number(b.HostPort),
          pid: pid,
          process: "docker-proxy",
          command: `/usr/bin/docker-proxy -proto tcp -host-ip ${address} -host-port ${b.HostPort} -container-ip ${ip} -container-port ${cport}`,
        });
        pid += 13;
      }
    }
  }
  return out;
}

const DEFAULT_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

function kubeconfig(context: string, server: string, token: string, ca: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { "certificate-authority-data": Buffer.from(ca).toString("base64"), server } }],
    contexts: [{ name: context, context: { cluster: context, user: `netdoctor-lab@${context}` } }],
    "current-context": context,
    preferences: {},
    users: [{ name: `netdoctor-lab@${context}`, user: { token } }],
  });
}

/**
 * True when a change satisfies every condition of a reaction's `when`
 * (absent keys match anything; `fields` is evaluated on `c.object`, the
 * object after the change or, for a delete, as it was — see `Reaction`).
 */
export function reactionMatches(r: Reaction, c: ApiChange): boolean {
  const w = r.when;
  return (
    (w.verb === undefined || w.verb === c.verb) &&
    (w.apiVersion === undefined || w.apiVersion === c.apiVersion) &&
    (w.kind === undefined || w.kind === c.kind) &&
    (w.namespace === undefined || w.namespace === c.namespace) &&
    (w.name === undefined || w.name === c.name) &&
    fieldsMatch(w.fields, c.object)
  );
}

/**
 * Starts a lab for a scenario (loaded, or a directory to load). Throws
 * ScenarioError for a bad scenario, and a plain Error when a listener cannot
 * be bound. Everything binds 127.0.0.0/8 or a unix socket in the state dir.
 */
export async function startLab(scenarioOrDir: Scenario | string, options: LabOptions = {}): Promise<RunningLab> {
  const original = typeof scenarioOrDir === "string" ? await loadScenario(scenarioOrDir) : scenarioOrDir;
  // Ctrl-C, SIGHUP, a crash — even while mkdtemp is completing: the lab's own dir goes with the process.
  const own = options.stateDir === undefined ? await makeTempDir("netdoctor-lab-", "the lab's files") : null;
  const stateDir = own?.path ?? options.stateDir!;
  let api: ApiServer | null = null;
  let docker: DockerApi | null = null;
  let traffic: Traffic | null = null;
  // One stop, however many callers (the command's finally, an interrupt's cleanup): each waits until the files are gone.
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The files (kubeconfig and token) go first, not after the servers closed: a connection still
      // handshaking can hold a close back, and an interrupted process does not wait for it forever.
      await Promise.all([own?.remove(), api?.close(), docker?.close(), traffic?.close()]);
      forget();
    })());
  // Ctrl-C, SIGHUP, a crash — even while the lab is starting: its servers stop with the process.
  const forget = onExitCleanup(`the lab's files in ${stateDir}`, stop);
  if (!own) await mkdir(stateDir, { recursive: true });
  const portMap = new Map<number, number>();
  // `remapHostPorts: false`: host ports keep their numbers; loopback traffic is served on free ports through probeMap.
  const remap = original.remapHostPorts !== false;
  if (remap) await extendPortMap(original, portMap, options.keepPorts ?? false);
  let current = remapScenario(original, portMap);

  const files = {
    kubeconfig: path.join(stateDir, "kubeconfig"),
    state: path.join(stateDir, "lab.json"),
    listeners: path.join(stateDir, "listeners.yaml"),
    hosts: path.join(stateDir, "hosts"),
    nsswitch: path.join(stateDir, "nsswitch.conf"),
    resolvConf: path.join(stateDir, "resolv.conf"),
    socket: path.join(stateDir, "docker.sock"),
    interfaces: path.join(stateDir, "interfaces.yaml"),
  };
  // `docker: false`: no Docker Engine on this host; DOCKER_HOST names a socket nothing listens on (never the real one).
  const noDockerHost = `unix://${path.join(stateDir, "no-docker.sock")}`;

  const apiConfig = (s: Scenario) => ({ objects: s.objects, latencyMs: s.apiServer.latencyMs, forbid: s.apiServer.forbid, serviceProxy: s.serviceProxy, logsRoot: s.dir });
  const dockerConfig = (s: Scenario) => ({ containers: s.containers, networks: s.networks, top: s.top, files: s.files ?? {} });

  let state: LabState;
  const writeState = async (s: Scenario): Promise<void> => {
    state = {
      scenario: s.name,
      dir: s.dir,
      targets: s.targets,
      ...(s.requests ? { requests: s.requests } : {}),
      kubeconfig: files.kubeconfig,
      context: s.context,
      dockerHost: docker ? docker.host : noDockerHost,
      listenersFile: files.listeners,
      hostsFile: files.hosts,
      nsswitchFile: files.nsswitch,
      resolvConfFile: files.resolvConf,
      resolver: s.resolver,
      interfacesFile: files.interfaces,
      ...(existsSync(path.join(s.dir, "workdir")) ? { workdir: path.join(s.dir, "workdir") } : {}),
      probeMap: traffic!.probeMap(),
      loopbackOnly: true,
      portMap: Object.fromEntries([...portMap.entries()].map(([k, v]) => [String(k), v])),
    };
    await writeFile(files.listeners, stringify(s.listeners ?? synthesizeListeners(s.containers)));
    await writeFile(files.hosts, s.hosts ?? DEFAULT_HOSTS);
    await rm(files.nsswitch, { force: true });
    await rm(files.interfaces, { force: true });
    if (s.interfaces) await writeFile(files.interfaces, stringify(s.interfaces));
    await rm(files.resolvConf, { force: true });
    if (s.nsswitch) await writeFile(files.nsswitch, s.nsswitch);
    if (s.resolvConf) await writeFile(files.resolvConf, s.resolvConf);
    await writeFile(files.state, `${JSON.stringify(state, null, 2)}\n`);
  };

  // Reactions: a matching change switches objects, containers and traffic to another scenario, as controllers would.
  let reacting = Promise.resolve();
  const onChange = async (c: ApiChange): Promise<void> => {
    const r = current.reactions?.find((x) => reactionMatches(x, c));
    if (!r) return;
    reacting = reacting.then(async () => {
      const next = await loadScenario(path.resolve(current.dir, r.become));
      if (remap) await extendPortMap(next, portMap, false);
      const mapped = remapScenario(next, portMap);
      mapped.context = current.context;
      current = mapped;
      api!.reconfigure(apiConfig(mapped));
      docker?.reconfigure(dockerConfig(mapped));
      await traffic!.update(mapped.traffic);
      await writeState(mapped);
    });
    await reacting;
  };

  try {
    // A free port is found by binding port 0 and closing; another process (a concurrent lab) may bind it
    // before the traffic does. Then choose the remapped ports again, a few times, before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        traffic = await startTraffic(current.traffic as TrafficEntry[], { freeLoopbackPorts: !remap });
        break;
      } catch (e) {
        const retry = remap && !options.keepPorts && attempt < PORT_ATTEMPTS && (e as NodeJS.ErrnoException).code === "EADDRINUSE";
        if (!retry) throw e;
        portMap.clear();
        await extendPortMap(original, portMap, false);
        current = remapScenario(original, portMap);
      }
    }
    api = await startApiServer(apiConfig(current), { token: randomBytes(24).toString("hex"), onChange });
    if (current.docker !== false) docker = await startDockerApi(dockerConfig(current), files.socket);
    await writeFile(files.kubeconfig, kubeconfig(current.context, api.url, api.token, api.ca), { mode: 0o600 });
    await writeState(current);
  } catch (e) {
    await stop();
    throw e;
  }
  const a = api;
  return {
    get state() {
      return state;
    },
    stateFile: files.state,
    env: { KUBECONFIG: files.kubeconfig, DOCKER_HOST: docker ? docker.host : noDockerHost, [LAB_ENV]: files.state } as RunningLab["env"],
    scenario: () => current,
    apiStats: () => a.stats(),
    resetApiStats: () => a.resetStats(),
    api: a,
    stop,
  };
}

function shellQuote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The `export K=V` lines `netdoctor lab --print-env` prints (POSIX shell quoting). */
export function formatEnv(lab: Pick<RunningLab, "env">): string {
  return Object.entries(lab.env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");
}
