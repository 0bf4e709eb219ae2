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

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The endpoint of the current docker context, as the docker CLI finds it:
 * context name from `DOCKER_CONTEXT`, else `currentContext` in
 * `<config>/config.json`; `default` (or none) means "no context endpoint";
 * the endpoint is `Endpoints.docker.Host` in
 * `<config>/contexts/meta/<sha256 hex of the name>/meta.json`
 * (docker/cli cli/context/store/metadatastore.go).
 */
export function currentContextEndpoint(env: NodeJS.ProcessEnv, home: string): { context: string; host: string } | null {
  const dir = dockerConfigDir(env, home);
  const config = readJson(join(dir, "config.json")) as { currentContext?: unknown } | undefined;
  const name = env.DOCKER_CONTEXT || (typeof config?.currentContext === "string" ? config.currentContext : "");
  if (!name || name === "default") return null;
  const digest = createHash("sha256").update(name).digest("hex");
  const meta = readJson(join(dir, "contexts", "meta", digest, "meta.json")) as { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === "string" && host ? { context: name, host } : null;
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
 * platform socket. Never throws; a bad value surfaces when the Docker
 * source first connects.
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
