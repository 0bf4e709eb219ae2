/**
 * The live Docker source (DESIGN §7): dockerode against the resolved docker
 * host (unix socket, tcp with optional TLS, ssh). Every read is memoised for
 * the run; every error is a SourceError with one line for users.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { memoiser } from "./memo.js";
import { SourceError, type ContainerInspect, type ContainerTop, type DockerSource, type NetworkInspect } from "../types.js";

/** Options of `createDockerSource`. */
export interface DockerSourceOptions {
  /** Docker host URL: `unix:///path`, `tcp://h:p`, `ssh://user@h[:p]`, `npipe:////./pipe/name`. */
  host: string;
  /** Environment for `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH` (tcp hosts), default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout, default 10 000 ms. */
  requestTimeoutMs?: number;
}

/**
 * dockerode constructor options for a docker host URL (docker-modem
 * semantics: `socketPath` for unix sockets and named pipes; `host`/`port`/
 * `protocol` for tcp, https when `DOCKER_TLS_VERIFY` or `DOCKER_CERT_PATH`
 * is set, with `ca.pem`/`cert.pem`/`key.pem` from `DOCKER_CERT_PATH`; ssh
 * through docker-modem's ssh2 support, which runs `docker system
 * dial-stdio` on the remote side). Throws SourceError `invalid-config` for
 * an unknown scheme.
 */
export function dockerodeOptions(host: string, env: NodeJS.ProcessEnv = process.env): Dockerode.DockerOptions {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(host);
  const scheme = m?.[1]?.toLowerCase();
  const rest = m?.[2] ?? "";
  if (scheme === "unix") return { socketPath: rest };
  if (scheme === "npipe") return { socketPath: rest.replace(/\//g, "\\") };
  if (scheme === "tcp" || scheme === "http" || scheme === "https") {
    const url = new URL(`http://${rest}`);
    const tls = scheme === "https" || Boolean(env.DOCKER_TLS_VERIFY) || Boolean(env.DOCKER_CERT_PATH);
    const opts: Dockerode.DockerOptions = { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || (tls ? 2376 : 2375)), protocol: tls ? "https" : "http" };
    if (tls && env.DOCKER_CERT_PATH) {
      const read = (f: string) => {
        try {
          return readFileSync(join(env.DOCKER_CERT_PATH!, f));
        } catch {
          return undefined;
        }
      };
      Object.assign(opts, { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") });
    }
    return opts;
  }
  if (scheme === "ssh") {
    const url = new URL(`ssh://${rest}`);
    return {
      protocol: "ssh",
      host: url.hostname,
      port: Number(url.port || 22),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      sshOptions: { agent: env.SSH_AUTH_SOCK },
    } as Dockerode.DockerOptions;
  }
  throw new SourceError("invalid-config", "docker", "host", `unsupported docker host ${host}: expected unix://, tcp://, ssh:// or npipe://`);
}

/** What dockerode / docker-modem errors carry. */
interface DockerodeError {
  code?: string;
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
  name?: string;
}

/**
 * Normalise a dockerode error: socket missing (ENOENT) or refused →
 * `unreachable`; EACCES → `forbidden` with the docker-group hint; HTTP 404 →
 * `not-found`; 401 → `unauthorized`; 403 → `forbidden`; aborts and
 * timeouts → `timeout`; other HTTP statuses → `error` with the daemon's
 * message.
 */
export function dockerError(err: unknown, host: string, subject: string, aborted: boolean): SourceError {
  const e = (err ?? {}) as DockerodeError;
  const where = `the Docker daemon at ${host}`;
  const socket = host.replace(/^unix:\/\//, "");
  if (aborted || e.name === "AbortError" || e.code === "ABORT_ERR" || e.code === "ETIMEDOUT" || e.message === "timeout") {
    return new SourceError("timeout", "docker", subject, `${subject}: no answer from ${where} in time`, { cause: err });
  }
  switch (e.code) {
    case "ENOENT":
      return new SourceError("unreachable", "docker", subject, `cannot reach ${where}: no such socket`, { cause: err });
    case "ECONNREFUSED":
      return new SourceError("unreachable", "docker", subject, `cannot reach ${where}: connection refused`, { cause: err });
    case "ECONNRESET":
      return new SourceError("unreachable", "docker", subject, `cannot reach ${where}: connection reset`, { cause: err });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new SourceError("unreachable", "docker", subject, `cannot reach ${where}: the name does not resolve`, { cause: err });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new SourceError("unreachable", "docker", subject, `cannot reach ${where}: no route to host`, { cause: err });
    case "EACCES":
    case "EPERM":
      return new SourceError(
        "forbidden",
        "docker",
        subject,
        `permission denied on ${socket}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or use a socket you can open`,
        { cause: err },
      );
  }
  const status = e.statusCode;
  const detail = (e.json?.message ?? e.reason ?? e.message ?? String(err)).split("\n")[0];
  if (status === 404) return new SourceError("not-found", "docker", subject, `${subject}: not found (404): ${detail}`, { cause: err });
  if (status === 401) return new SourceError("unauthorized", "docker", subject, `${subject}: unauthorized (401): ${detail}`, { cause: err });
  if (status === 403) return new SourceError("forbidden", "docker", subject, `${subject}: forbidden (403): ${detail}`, { cause: err });
  if (status) return new SourceError("error", "docker", subject, `${subject}: ${where} answered ${status}: ${detail}`, { cause: err });
  return new SourceError("error", "docker", subject, `${subject}: ${detail}`, { cause: err });
}

/**
 * Build the live Docker source. dockerode is imported on first use. Reads
 * are memoised: `version`, `containers` and `networks` once per run, `top`
 * once per container; concurrent callers share one request. A failed read
 * is not cached when it was an abort.
 */
export function createDockerSource(opts: DockerSourceOptions): DockerSource {
  const host = opts.host;
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  let client: Promise<Dockerode> | undefined;
  const docker = () =>
    (client ??= (async () => {
      const options = dockerodeOptions(host, opts.env);
      const { default: Docker } = await import("dockerode");
      return new Docker({ ...options, timeout: timeoutMs });
    })());

  /** Run one request with the run's signal plus the per-request timeout, normalising errors. */
  async function call<T>(subject: string, signal: AbortSignal, fn: (d: Dockerode, abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const abortSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    if (signal.aborted) throw dockerError(undefined, host, subject, true);
    try {
      return await fn(await docker(), abortSignal);
    } catch (err) {
      if ((err as { name?: string }).name === "SourceError") throw err;
      throw dockerError(err, host, subject, abortSignal.aborted);
    }
  }

  const memoise = memoiser((key) => dockerError(undefined, host, key, true));

  return {
    host: () => host,
    version: (signal) =>
      memoise("version", signal, async () => {
        // dockerode accepts `{ abortSignal }` on ping and version (lib/docker.js) though its types omit it.
        await call("ping", signal, (d, abortSignal) => (d.ping as (o: object) => Promise<unknown>)({ abortSignal }));
        return call("version", signal, (d, abortSignal) => (d.version as (o: object) => Promise<{ Version: string; ApiVersion: string; Os?: string }>)({ abortSignal }));
      }),
    containers: (signal) =>
      memoise("containers", signal, async () => {
        const list = await call("containers", signal, (d, abortSignal) => d.listContainers({ all: true, abortSignal }));
        const inspected = await Promise.all(
          list.map((c) =>
            call(`container ${c.Id.slice(0, 12)}`, signal, (d, abortSignal) => d.getContainer(c.Id).inspect({ abortSignal }) as unknown as Promise<ContainerInspect>).catch(
              (err: SourceError) => {
                if (err.code === "not-found") return null; // removed between list and inspect
                throw err;
              },
            ),
          ),
        );
        return inspected.filter((c): c is ContainerInspect => c !== null);
      }),
    top: (id, signal) => memoise(`top ${id}`, signal, () => call(`top ${id}`, signal, (d, abortSignal) => d.getContainer(id).top({ abortSignal }) as Promise<ContainerTop>)),
    networks: (signal) =>
      memoise("networks", signal, async () => {
        const list = (await call("networks", signal, (d, abortSignal) => d.listNetworks({ abortSignal }))) as { Id: string }[];
        const inspected = await Promise.all(
          list.map((n) =>
            call(`network ${n.Id.slice(0, 12)}`, signal, (d) => d.getNetwork(n.Id).inspect() as unknown as Promise<NetworkInspect>).catch((err: SourceError) => {
              if (err.code === "not-found") return null;
              throw err;
            }),
          ),
        );
        return inspected.filter((n): n is NetworkInspect => n !== null);
      }),
  };
}

/** Reject with SourceError `timeout` as soon as `signal` aborts, without cancelling the shared request. */
