/**
 * Which Docker daemon to talk to, and where its published ports are reached
 * (DESIGN §3 `--docker-host`, `--host-address`). No client library: cheap to
 * import from the CLI.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the docker host came from, for the environment report. */
export type DockerHostOrigin = "flag" | "env" | "context" | "socket";

/** The resolved docker host. */
export interface ResolvedDockerHost {
  /** `unix:///var/run/docker.sock`, `tcp://h:2376`, `ssh://u@h`, `npipe:////./pipe/docker_engine`. */
  host: string;
  from: DockerHostOrigin;
  /** Docker context name when `from` is `context`. */
  context?: string;
}

/** Inputs of `resolveDockerHost`. */
export interface ResolveDockerHostOptions {
  /** `--docker-host`. */
  flag?: string;
  env: NodeJS.ProcessEnv;
  /** Home directory (`~`). */
  home: string;
  /** `process.platform` (default: the running one). */
  platform?: string;
}

/** The docker CLI config directory: `DOCKER_CONFIG`, else `~/.docker` (docker/cli cli/config `Dir()`). */
function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG || join(home, ".docker");
}

/** A docker CLI configuration that names a context netdoctor cannot use: a usage error (exit 2), never a silent fallback to another daemon. */
export class DockerContextError extends Error {
  override readonly name = "DockerContextError";
  readonly code = "NETDOCTOR_USAGE";
}

/** Read a JSON file: `undefined` when it does not exist; DockerContextError when it cannot be read or parsed. */
function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DockerContextError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DockerContextError(`${file} is not valid JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/**
 * The endpoint of the current docker context, as the docker CLI finds it:
 * context name from `DOCKER_CONTEXT`, else `currentContext` in
 * `<config>/config.json`; `default` (or none) means "no context endpoint";
 * the endpoint is `Endpoints.docker.Host` in
 * `<config>/contexts/meta/<sha256 hex of the name>/meta.json`
 * (docker/cli cli/context/store/metadatastore.go).
 * @throws DockerContextError (exit 2) when the named context does not exist,
 * its meta.json or config.json is unreadable or not JSON, or it has no
 * docker endpoint — the docker CLI refuses these too
 * (`context "x": context not found`) instead of using another daemon.
 */
export function currentContextEndpoint(env: NodeJS.ProcessEnv, home: string): { context: string; host: string } | null {
  const dir = dockerConfigDir(env, home);
  const configFile = join(dir, "config.json");
  const config = env.DOCKER_CONTEXT ? undefined : (readJson(configFile) as { currentContext?: unknown } | undefined);
  if (config !== undefined && (typeof config !== "object" || config === null)) throw new DockerContextError(`${configFile}: expected a JSON object`);
  const name = env.DOCKER_CONTEXT || (typeof config?.currentContext === "string" ? config.currentContext : "");
  if (!name || name === "default") return null;
  const from = env.DOCKER_CONTEXT ? "DOCKER_CONTEXT" : `currentContext in ${configFile}`;
  const digest = createHash("sha256").update(name).digest("hex");
  const metaFile = join(dir, "contexts", "meta", digest, "meta.json");
  const meta = readJson(metaFile) as { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  if (meta === undefined) throw new DockerContextError(`docker context "${name}" (${from}) does not exist: no ${metaFile}; see docker context ls, or pass --docker-host`);
  const host = typeof meta === "object" && meta !== null ? meta.Endpoints?.docker?.Host : undefined;
  if (typeof host !== "string" || !host) throw new DockerContextError(`docker context "${name}" (${from}) has no docker endpoint (Endpoints.docker.Host in ${metaFile}); pass --docker-host`);
  return { context: name, host };
}

/**
 * The platform's default docker socket. Linux: `/var/run/docker.sock`.
 * macOS: the first that exists of `/var/run/docker.sock`,
 * `~/.docker/run/docker.sock` (Docker Desktop ≥ 4.13),
 * `~/.colima/default/docker.sock` (Colima), else `/var/run/docker.sock`.
 * Windows: the `docker_engine` named pipe.
 */
export function platformSocket(platform: string, home: string): string {
  if (platform === "win32") return "npipe:////./pipe/docker_engine";
  if (platform === "darwin") {
    for (const p of ["/var/run/docker.sock", join(home, ".docker", "run", "docker.sock"), join(home, ".colima", "default", "docker.sock")]) {
      if (existsSync(p)) return `unix://${p}`;
    }
  }
  return "unix:///var/run/docker.sock";
}

/**
 * Resolve the docker host as the docker CLI does: `--docker-host`, then
 * `DOCKER_HOST`, then the current docker context's endpoint, then the
 * platform socket. A bad host value surfaces when the Docker source first
 * connects.
 * @throws DockerContextError for a docker context that is named but broken (no silent fallback).
 */
export function resolveDockerHost(opts: ResolveDockerHostOptions): ResolvedDockerHost {
  if (opts.flag) return { host: opts.flag, from: "flag" };
  if (opts.env.DOCKER_HOST) return { host: opts.env.DOCKER_HOST, from: "env" };
  const ctx = currentContextEndpoint(opts.env, opts.home);
  if (ctx) return { host: ctx.host, from: "context", context: ctx.context };
  return { host: platformSocket(opts.platform ?? process.platform, opts.home), from: "socket" };
}

/**
 * Where host-published ports of this docker host are reached (the
 * `--host-address` default, DESIGN §3): a unix socket or named pipe means the
 * daemon runs here (or forwards ports here, as Docker Desktop, Colima and
 * Lima do) → `127.0.0.1`; `tcp://h:p`, `ssh://u@h:p`, `http(s)://h:p` → `h`
 * (brackets of an IPv6 literal removed).
 */
export function deriveHostAddress(dockerHost: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(dockerHost.trim());
  if (!m) return "127.0.0.1";
  const scheme = m[1]!.toLowerCase();
  if (scheme === "unix" || scheme === "npipe") return "127.0.0.1";
  try {
    const url = new URL(`${scheme === "tcp" ? "http" : scheme}://${m[2]}`);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return host || "127.0.0.1";
  } catch {
    return "127.0.0.1";
  }
}
