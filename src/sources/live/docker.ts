/**
 * The live Docker source (DESIGN §7): Engine API reads against the resolved
 * docker host. Unix sockets, named pipes and tcp (with optional TLS) are
 * read with plain `node:http`/`node:https` (a handful of GETs per run need
 * no client library); `ssh://` hosts go through dockerode, whose ssh2
 * support runs `docker system dial-stdio` on the remote side. Every read is
 * memoised for the run; every error is a SourceError with one line for users.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
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
  /** Per-request timeout in ms, default `dockerRequestTimeoutMs(20_000)` (5 000 ms); see `dockerRequestTimeoutMs`. */
  requestTimeoutMs?: number;
}

/** The fixed ceiling of one Docker Engine request, in ms (`dockerRequestTimeoutMs`). */
export const DOCKER_REQUEST_TIMEOUT_CAP_MS = 5_000;
/** The share of the run's `--timeout` one Docker Engine request may take at most (`dockerRequestTimeoutMs`). */
export const DOCKER_REQUEST_TIMEOUT_FRACTION = 1 / 4;

/**
 * The per-request timeout of the Docker Engine API for a run of
 * `runTimeoutMs` (`--timeout`), in ms: a quarter of it or 5 s, whichever is
 * smaller (20 s → 5 s, 8 s → 2 s, 1 s → 250 ms). A local Engine answers
 * `/_ping`, a container list and an inspect in milliseconds; a daemon that
 * accepts the connection and never answers (hung dockerd, a paused Docker
 * Desktop / Colima VM) is then reported as "did not answer within N s" long
 * before the run's deadline, and every check that does not need Docker still
 * has the rest of the run.
 */
export function dockerRequestTimeoutMs(runTimeoutMs: number): number {
  return Math.min(runTimeoutMs * DOCKER_REQUEST_TIMEOUT_FRACTION, DOCKER_REQUEST_TIMEOUT_CAP_MS);
}

/** `2`, `0.25`, `5`: seconds for a message, at most 3 significant digits. */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toPrecision(3)));
}

/**
 * The error of a request the Engine did not answer within its per-request
 * timeout (the run's deadline had not passed): code `timeout`, message
 * `Docker Engine at HOST did not answer within N s`. The memoiser keeps it
 * for the run (asking again would cost another N s), unlike an abort.
 */
export function dockerNoAnswer(host: string, subject: string, path: string, timeoutMs: number, cause?: unknown): SourceError {
  const e = new SourceError("timeout", "docker", subject, `Docker Engine at ${host} did not answer within ${seconds(timeoutMs)} s (GET ${path.split("?")[0]}): it accepts connections but sends nothing`, { cause });
  NO_ANSWER.add(e);
  return e;
}

/** Errors made by `dockerNoAnswer` (kept by the memoiser for the run). */
const NO_ANSWER = new WeakSet<object>();

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

/** Reads of the Engine API the source needs, by path (`/containers/json?all=1`). */
interface Engine {
  get(path: string, signal: AbortSignal): Promise<unknown>;
  /** `GET /containers/{id}/archive?path=…`: the tar stream's bytes (Engine API ContainerArchive). */
  archive(id: string, path: string, signal: AbortSignal): Promise<Buffer>;
}

/**
 * The Engine API over node:http for `unix://`, `npipe://` and `tcp://`
 * hosts (docker-modem's options: `socketPath`, or host/port/protocol with
 * TLS material). A non-2xx answer rejects with dockerode's error shape
 * (`statusCode`, `json.message`), so `dockerError` reads both the same way.
 */
function plainEngine(options: Dockerode.DockerOptions): Engine {
  const tls = options.protocol === "https";
  const agentOptions = { keepAlive: true, ...(tls ? { ca: options.ca, cert: options.cert, key: options.key } : {}) } as https.AgentOptions;
  const agent = tls ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true });
  /** One GET; resolves with the body's bytes on 2xx, rejects with dockerode's error shape otherwise. */
  const request = (path: string, accept: string, signal: AbortSignal): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const req = (tls ? https : http).request(
        {
          ...(options.socketPath ? { socketPath: options.socketPath } : { host: options.host, port: options.port }),
          path,
          method: "GET",
          headers: { accept, host: "docker" },
          agent,
          signal,
          // No TLS, no server name: without this, Node's Agent derives one from the Host header with net.isIP, whose IPv6 pattern is compiled on first use (milliseconds of start-up).
          ...(tls ? {} : { servername: "" }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status <= 299) return resolve(body);
            const text = body.toString("utf8");
            let json: unknown = undefined;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: the message is the first line of the body
            }
            const message = (json as { message?: string } | undefined)?.message ?? text.split("\n")[0] ?? "";
            reject(Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json: json ?? null, reason: message }));
          });
        },
      );
      req.on("error", reject);
      req.end();
    });
  return {
    get: async (path, signal) => {
      const text = (await request(path, "application/json", signal)).toString("utf8");
      try {
        return text ? (JSON.parse(text) as unknown) : text;
      } catch {
        return text; // not JSON: `_ping` answers `OK`; other non-JSON answers are judged by the caller
      }
    },
    archive: (id, path, signal) => request(`/containers/${encodeURIComponent(id)}/archive?path=${encodeURIComponent(path)}`, "application/x-tar", signal),
  };
}

/**
 * Run `f`, a synchronous call into dockerode, without Node's DEP0170 warning:
 * for an ssh:// host docker-modem's `dial` resolves a URL it builds as
 * `ssh:HOST:PORTHOST` with `url.resolve`, which Node 20 calls invalid on
 * stderr ("The URL ssh:127.0.0.1:22127.0.0.1 is invalid. Future versions of
 * Node.js will throw an error"), a line about dockerode's internals in the
 * middle of netdoctor's output. Node drops a DeprecationWarning while
 * `process.noDeprecation` is set (lib/internal/process/warning.js), and the
 * warning is emitted within the call, so nothing else is silenced.
 */
function withoutUrlDeprecation<T>(f: () => T): T {
  const before = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return f();
  } finally {
    process.noDeprecation = before;
  }
}

/** The Engine API through dockerode (ssh:// hosts). */
function dockerodeEngine(options: Dockerode.DockerOptions, timeoutMs: number): Engine {
  let client: Promise<Dockerode> | undefined;
  const docker = () => (client ??= import("dockerode").then(({ default: Docker }) => new Docker({ ...options, timeout: timeoutMs })));
  return {
    async get(path, signal) {
      const d = await docker();
      const modem = (d as unknown as { modem: { dial(o: object, cb: (err: unknown, data: unknown) => void): void } }).modem;
      const [p, q] = path.split("?");
      return new Promise((resolve, reject) =>
        withoutUrlDeprecation(() =>
          modem.dial({ path: p, method: "GET", options: Object.fromEntries(new URLSearchParams(q ?? "")), statusCodes: { 200: true, 400: "bad parameter", 404: "not found", 500: "server error" }, abortSignal: signal }, (err, data) =>
            err ? reject(err) : resolve(data),
          ),
        ),
      );
    },
    async archive(id, path, signal) {
      const d = await docker();
      // dockerode's Container#getArchive: GET /containers/{id}/archive?path=…, the tar stream unbuffered.
      const stream = (await withoutUrlDeprecation(() => d.getContainer(id).getArchive({ path, abortSignal: signal } as { path: string }))) as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      return Buffer.concat(chunks);
    },
  };
}

/** Throw unless `value` is what the Engine API answers at `path` (an array for lists, an object otherwise). */
function engineShape<T>(value: unknown, array: boolean, host: string, subject: string): T {
  const ok = array ? Array.isArray(value) : value !== null && typeof value === "object" && !Array.isArray(value);
  if (!ok) throw new SourceError("error", "docker", subject, `${subject}: ${host} does not answer like a Docker Engine (GET ${subject} gave ${array ? "no list" : "no object"})`);
  return value as T;
}

/**
 * Build the live Docker source. Reads are memoised: `version`,
 * `containers` and `networks` once per run, `top` once per container;
 * concurrent callers share one request. A failed read is not cached when it
 * was an abort.
 */
export function createDockerSource(opts: DockerSourceOptions): DockerSource {
  const host = opts.host;
  const timeoutMs = opts.requestTimeoutMs ?? dockerRequestTimeoutMs(20_000);
  let engine: Engine | undefined;
  const getEngine = (): Engine => {
    if (!engine) {
      const options = dockerodeOptions(host, opts.env);
      engine = options.protocol === "ssh" ? dockerodeEngine(options, timeoutMs) : plainEngine(options);
    }
    return engine;
  };

  /** One GET with the run's signal plus the per-request timeout, normalising errors. */
  async function get<T>(subject: string, path: string, signal: AbortSignal, array: boolean): Promise<T> {
    if (signal.aborted) throw dockerError(undefined, host, subject, true);
    const value = await request(subject, path, signal);
    return engineShape<T>(value, array, host, subject);
  }

  /**
   * One GET under the run's signal and the per-request timer (a timer of our
   * own: an AbortSignal.timeout() held only by AbortSignal.any() may be
   * collected before it fires). The timer firing first is `dockerNoAnswer`.
   */
  async function request(subject: string, path: string, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) throw dockerError(undefined, host, subject, true);
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(), timeoutMs);
    const abortSignal = AbortSignal.any([signal, timer.signal]);
    try {
      return await getEngine().get(path, abortSignal);
    } catch (err) {
      if ((err as { name?: string }).name === "SourceError") throw err;
      if (timer.signal.aborted && !signal.aborted) throw dockerNoAnswer(host, subject, path, timeoutMs, err);
      throw dockerError(err, host, subject, abortSignal.aborted);
    } finally {
      clearTimeout(t);
    }
  }

  const memoise = memoiser((key) => dockerError(undefined, host, key, true), { keep: (err) => NO_ANSWER.has(err as object) });

  const id = (x: string) => encodeURIComponent(x);
  return {
    host: () => host,
    version: (signal) =>
      memoise("version", signal, async () => {
        await request("ping", "/_ping", signal);
        const v = await get<{ Version: string; ApiVersion: string; Os?: string }>("version", "/version", signal, false);
        if (typeof v.Version !== "string" || typeof v.ApiVersion !== "string") throw new SourceError("error", "docker", "version", `version: ${host} does not answer like a Docker Engine (no Version/ApiVersion in GET /version)`);
        return v;
      }),
    containers: (signal) =>
      memoise("containers", signal, async () => {
        const list = await get<{ Id: string }[]>("containers", "/containers/json?all=1", signal, true);
        const inspected = await Promise.all(
          list.map((c) =>
            get<ContainerInspect>(`container ${String(c.Id).slice(0, 12)}`, `/containers/${id(c.Id)}/json`, signal, false).catch((err: SourceError) => {
              if (err.code === "not-found") return null; // removed between list and inspect
              throw err;
            }),
          ),
        );
        return inspected.filter((c): c is ContainerInspect => c !== null);
      }),
    top: (cid, signal) => memoise(`top ${cid}`, signal, () => get<ContainerTop>(`top ${cid}`, `/containers/${id(cid)}/top`, signal, false)),
    file: (cid, path, signal) =>
      memoise(`file ${cid}:${path}`, signal, async () => {
        const subject = `file ${cid.slice(0, 12)}:${path}`;
        if (signal.aborted) throw dockerError(undefined, host, subject, true);
        const timer = new AbortController();
        const t = setTimeout(() => timer.abort(), timeoutMs);
        const abortSignal = AbortSignal.any([signal, timer.signal]);
        const route = `/containers/${id(cid)}/archive`;
        let archive: Buffer;
        try {
          archive = await getEngine().archive(cid, path, abortSignal);
        } catch (err) {
          if (timer.signal.aborted && !signal.aborted) throw dockerNoAnswer(host, subject, route, timeoutMs, err);
          throw dockerError(err, host, subject, abortSignal.aborted);
        } finally {
          clearTimeout(t);
        }
        // Loaded only when a file is read: most runs never read one.
        const { fileFromArchive, ARCHIVE_FILE_MAX_BYTES } = await import("../archive.js");
        let f: Awaited<ReturnType<typeof fileFromArchive>>;
        try {
          f = await fileFromArchive(archive);
        } catch (err) {
          throw new SourceError("error", "docker", subject, `${subject}: ${host} does not answer like a Docker Engine (GET ${route} gave no tar archive: ${(err as Error).message})`, { cause: err });
        }
        if (f.kind === "empty") throw new SourceError("not-found", "docker", subject, `${subject}: the archive of ${path} holds no entry`);
        if (f.kind === "other") {
          throw new SourceError("unsupported", "docker", subject, f.type === "too-large" ? `${subject}: larger than ${ARCHIVE_FILE_MAX_BYTES} bytes` : `${subject}: not a regular file (${f.type})`);
        }
        return f.content.toString("utf8");
      }),
    networks: (signal) =>
      memoise("networks", signal, async () => {
        const list = await get<{ Id: string }[]>("networks", "/networks", signal, true);
        const inspected = await Promise.all(
          list.map((n) =>
            get<NetworkInspect>(`network ${String(n.Id).slice(0, 12)}`, `/networks/${id(n.Id)}`, signal, false).catch((err: SourceError) => {
              if (err.code === "not-found") return null;
              throw err;
            }),
          ),
        );
        return inspected.filter((n): n is NetworkInspect => n !== null);
      }),
  };
}
