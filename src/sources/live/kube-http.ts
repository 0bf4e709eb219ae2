/**
 * HTTP transport to the Kubernetes API server of one kubeconfig selection,
 * on `node:https`/`node:http` with one keep-alive agent per run, with the
 * authentication kubectl (client-go `rest.Config`) derives from a kubeconfig:
 *
 * - TLS: `certificate-authority[-data]`, `insecure-skip-tls-verify`,
 *   `tls-server-name`; client certificates (`client-certificate[-data]`,
 *   `client-key[-data]`);
 * - `token`, `token-file` (client-go: the file wins over `token`),
 *   `username`/`password` (basic), impersonation (`as`, `as-uid`,
 *   `as-groups`, `as-user-extra`);
 * - exec credential plugins (./exec-credential.ts), re-run once after a 401;
 * - `auth-provider: oidc` (its `id-token`, refreshed with `refresh-token`
 *   at the issuer's token endpoint when expired, as client-go's oidc plugin
 *   does); the removed `gcp`/`azure` providers fail in one line as in kubectl;
 * - `proxy-url` (`http://`, `https://` through CONNECT with hpagent,
 *   `socks5://` with socks-proxy-agent).
 *
 * One HTTP/2 session per run when the server offers h2 (kube-apiserver
 * does; kubectl uses it too), else HTTP/1.1 keep-alive. No generated API
 * client: requests are paths, answers are status + text.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import http2 from "node:http2";
import type { Duplex } from "node:stream";
import { connect as tlsConnect, createSecureContext, type TLSSocket } from "node:tls";
import { delimiter } from "node:path";
import { SourceError } from "../types.js";
import { execCacheKey, execCredential, forgetExecCredential, type ExecClusterInfo, type ExecConfig, type ExecCredential } from "./exec-credential.js";
import type { LoadedKubeconfig } from "./kube.js";

type Raw = Record<string, unknown>;

/** One request: `path` is absolute from the server's base path and may carry a query. */
export interface KubeHttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  path: string;
  body?: string;
  contentType?: string;
  /** `Accept` header, default `application/json`. */
  accept?: string;
}

/** The transport of one kubeconfig selection. */
export interface KubeHttp {
  /** Server URL as in the kubeconfig. */
  server: string;
  /**
   * One exchange. Resolves with any HTTP status and the body as text.
   * @throws SourceError for auth set-up failures (exec plugin, unreadable files); other errors (network, TLS, abort) are thrown as Node raises them, for the caller to classify.
   */
  request(req: KubeHttpRequest, signal: AbortSignal): Promise<{ status: number; text: string }>;
  /** Close idle keep-alive connections. */
  close(): void;
}

/** An idle connection to the API server is closed after this long. */
const IDLE_CLOSE_MS = 30_000;

/** How long a TLS handshake with the API server may take. */
const CONNECT_TIMEOUT_MS = 10_000;

/** An HTTP/2 session and its open streams. */
interface H2Conn {
  session: http2.ClientHttp2Session;
  active: number;
}
type Conn = { agent: http.Agent } | H2Conn;

/** An HTTPS agent whose first connection is a socket already negotiated (ALPN said http/1.1): no second handshake. */
class PrimedAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private primed: TLSSocket | undefined,
  ) {
    super(options);
  }
  override createConnection(options: object, callback?: (err: Error | null, socket: Duplex) => void): Duplex {
    const socket = this.primed;
    this.primed = undefined;
    if (socket && !socket.destroyed) return socket;
    return (https.Agent.prototype as unknown as { createConnection(o: object, cb?: unknown): Duplex }).createConnection.call(this, options, callback);
  }
}

const configError = (message: string, cause?: unknown) => new SourceError("invalid-config", "kube", "kubeconfig", message, cause === undefined ? undefined : { cause });

/** The value of `KEY-data` (base64) or the file named by `KEY`. */
function dataOrFile(entry: Raw, key: string, what: string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === "string" && data) return Buffer.from(data, "base64");
  const file = entry[key];
  if (typeof file === "string" && file) {
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw configError(`cannot read ${what} ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? String(err))}`, err);
    }
  }
  return undefined;
}

/** Seconds-since-epoch `exp` of a JWT, or undefined. */
function jwtExpiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

/** GET/POST to an OIDC issuer, JSON back. */
function oidcFetch(url: string, ca: Buffer | undefined, signal: AbortSignal, form?: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const mod = u.protocol === "http:" ? http : https;
    const req = mod.request(
      u,
      {
        method: form ? "POST" : "GET",
        signal,
        ...(ca ? { ca } : {}),
        headers: { accept: "application/json", ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${u.origin}${u.pathname} answered ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text) as Raw);
          } catch {
            reject(new Error(`${u.origin}${u.pathname} answered something that is not JSON`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The bearer token of `auth-provider: oidc` (client-go plugin/pkg/client/auth/oidc):
 * `id-token` while its `exp` has not passed, else a refresh with
 * `refresh-token` at the token endpoint from `idp-issuer-url`'s discovery
 * document. The refreshed token is kept in memory only.
 */
async function oidcToken(cfg: Raw, signal: AbortSignal): Promise<string> {
  const idToken = typeof cfg["id-token"] === "string" ? cfg["id-token"] : "";
  const exp = idToken ? jwtExpiry(idToken) : undefined;
  if (idToken && (exp === undefined || exp * 1000 > Date.now() + 10_000)) return idToken;
  const refresh = typeof cfg["refresh-token"] === "string" ? cfg["refresh-token"] : "";
  const issuer = typeof cfg["idp-issuer-url"] === "string" ? cfg["idp-issuer-url"] : "";
  if (!refresh || !issuer) throw new SourceError("unauthorized", "kube", "auth-provider", `auth-provider oidc: ${idToken ? "the id-token has expired" : "no id-token"} and there is no refresh-token/idp-issuer-url to renew it: log in again`);
  const ca = dataOrFile(cfg, "idp-certificate-authority", "idp-certificate-authority");
  try {
    const discovery = await oidcFetch(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, ca, signal);
    const endpoint = discovery["token_endpoint"];
    if (typeof endpoint !== "string") throw new Error("the issuer's discovery document has no token_endpoint");
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: refresh };
    if (typeof cfg["client-id"] === "string") form["client_id"] = cfg["client-id"];
    if (typeof cfg["client-secret"] === "string") form["client_secret"] = cfg["client-secret"];
    const answer = await oidcFetch(endpoint, ca, signal, form);
    const token = answer["id_token"];
    if (typeof token !== "string" || !token) throw new Error("the token endpoint gave no id_token");
    cfg["id-token"] = token;
    if (typeof answer["refresh_token"] === "string") cfg["refresh-token"] = answer["refresh_token"];
    return token;
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError("unauthorized", "kube", "auth-provider", `auth-provider oidc: refreshing the id-token failed: ${String((err as Error).message).split("\n")[0]}`, { cause: err });
  }
}

/** client-go's messages for the auth providers kubectl no longer ships (Kubernetes 1.26). */
const REMOVED_PROVIDERS: Record<string, string> = {
  gcp: "the gcp auth plugin has been removed from kubectl (Kubernetes 1.26): use the gke-gcloud-auth-plugin exec plugin (https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl)",
  azure: "the azure auth plugin has been removed from kubectl (Kubernetes 1.26): use the kubelogin exec plugin (https://azure.github.io/kubelogin)",
};

/**
 * Build the transport. Reads certificate and token files now (a missing one
 * is SourceError `invalid-config`); runs exec plugins on the first request.
 */
export function createKubeHttp(cfg: LoadedKubeconfig, env: NodeJS.ProcessEnv = process.env): KubeHttp {
  const where = `kubeconfig ${cfg.files.join(delimiter)}`;
  const server = cfg.cluster.server;
  let url: URL;
  try {
    url = new URL(server);
  } catch (err) {
    throw configError(`cluster "${cfg.clusterName}" has a server that is not a URL (${server}) in ${where}`, err);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw configError(`cluster "${cfg.clusterName}" has a server that is not http(s):// (${server}) in ${where}`);
  const secure = url.protocol === "https:";
  const base = url.pathname.replace(/\/+$/, "");
  const cluster = cfg.cluster;
  const user = cfg.user;

  const tlsBase: https.AgentOptions = {};
  if (secure) {
    const ca = dataOrFile(cluster, "certificate-authority", "certificate-authority");
    if (ca) tlsBase.ca = ca;
    if (cluster["insecure-skip-tls-verify"] === true) tlsBase.rejectUnauthorized = false;
    const sni = cluster["tls-server-name"];
    if (typeof sni === "string" && sni) tlsBase.servername = sni;
    const cert = dataOrFile(user, "client-certificate", "client-certificate");
    const key = dataOrFile(user, "client-key", "client-key");
    if (cert && key) Object.assign(tlsBase, { cert, key });
  }

  // Static headers: token-file over token (client-go), basic auth, impersonation.
  const headers: Record<string, string | string[]> = {};
  let token = typeof user.token === "string" && user.token ? user.token : undefined;
  if (typeof user["token-file"] === "string" && user["token-file"]) {
    const file = user["token-file"];
    try {
      token = readFileSync(file, "utf8").trim();
    } catch (err) {
      throw configError(`cannot read token-file ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((err as Error).message)}`, err);
    }
  }
  if (typeof user.username === "string" && user.username && !token) {
    headers["authorization"] = `Basic ${Buffer.from(`${user.username}:${typeof user.password === "string" ? user.password : ""}`).toString("base64")}`;
  }
  if (typeof user.as === "string" && user.as) headers["impersonate-user"] = user.as;
  if (typeof user["as-uid"] === "string" && user["as-uid"]) headers["impersonate-uid"] = user["as-uid"];
  if (Array.isArray(user["as-groups"])) headers["impersonate-group"] = (user["as-groups"] as unknown[]).map(String);
  const extra = user["as-user-extra"];
  if (extra && typeof extra === "object") {
    for (const [k, v] of Object.entries(extra as Raw)) headers[`impersonate-extra-${encodeURIComponent(k)}`] = (Array.isArray(v) ? v : [v]).map(String);
  }

  const exec = user.exec && typeof user.exec === "object" ? (user.exec as ExecConfig) : undefined;
  const provider = user["auth-provider"] && typeof user["auth-provider"] === "object" ? (user["auth-provider"] as { name?: string; config?: Raw }) : undefined;
  if (provider?.name && REMOVED_PROVIDERS[provider.name]) throw configError(`user "${cfg.userName}" in ${where}: ${REMOVED_PROVIDERS[provider.name]}`);
  if (provider && provider.name !== "oidc") throw configError(`user "${cfg.userName}" in ${where}: unknown auth-provider "${String(provider.name)}"`);
  const execCluster: ExecClusterInfo = { server };
  if (exec?.provideClusterInfo) {
    const ca = dataOrFile(cluster, "certificate-authority", "certificate-authority");
    if (ca) execCluster["certificate-authority-data"] = ca.toString("base64");
    for (const k of ["tls-server-name", "proxy-url"] as const) if (typeof cluster[k] === "string") execCluster[k] = cluster[k];
    if (cluster["insecure-skip-tls-verify"] === true) execCluster["insecure-skip-tls-verify"] = true;
    const ext = (cluster.extensions as { name?: string; extension?: unknown }[] | undefined)?.find?.((e) => e?.name === "client.authentication.k8s.io/exec");
    if (ext) execCluster.config = ext.extension;
  }

  const proxy = typeof cluster["proxy-url"] === "string" && cluster["proxy-url"] ? cluster["proxy-url"] : undefined;
  let proxyUrl: URL | undefined;
  if (proxy) {
    try {
      proxyUrl = new URL(proxy);
    } catch (err) {
      throw configError(`cluster "${cfg.clusterName}" has a proxy-url that is not a URL (${proxy}) in ${where}`, err);
    }
    if (!["http:", "https:", "socks5:", "socks5h:"].includes(proxyUrl.protocol)) {
      throw configError(`cluster "${cfg.clusterName}": proxy-url scheme ${proxyUrl.protocol} is not supported (http, https, socks5) in ${where}`);
    }
  }

  /**
   * Connections by client identity (an exec plugin may hand out a
   * certificate). Over TLS without a proxy, one HTTP/2 session carries every
   * request of the run, as kubectl's does (ALPN `h2`; one handshake, all
   * lists multiplexed); a server that only speaks HTTP/1.1 gets a keep-alive
   * agent that starts with the socket already negotiated. Proxies and
   * http:// servers use HTTP/1.1.
   */
  const conns = new Map<string, Promise<Conn>>();
  function connFor(cert?: string, key?: string): Promise<Conn> {
    const id = cert ? `${cert}\0${key}` : "";
    let c = conns.get(id);
    if (!c) {
      // One secure context for every connection: building it parses the CA and key (tls.connect would do that per socket).
      const { ca, cert: baseCert, key: baseKey, ...rest } = tlsBase;
      const material = { ca, cert: cert ?? baseCert, key: key ?? baseKey };
      const opts: https.AgentOptions = { ...rest, keepAlive: true, timeout: IDLE_CLOSE_MS, ...(secure ? { secureContext: createSecureContext(material) } : {}) };
      c = (async (): Promise<Conn> => {
        if (proxyUrl && proxyUrl.protocol.startsWith("socks")) {
          const { SocksProxyAgent } = await import("socks-proxy-agent");
          return { agent: new SocksProxyAgent(proxyUrl, opts) as unknown as http.Agent };
        }
        if (proxyUrl) {
          const hp = await import("hpagent");
          return { agent: secure ? new hp.HttpsProxyAgent({ ...opts, proxy: proxyUrl }) : new hp.HttpProxyAgent({ keepAlive: true, proxy: proxyUrl }) };
        }
        if (!secure) return { agent: new http.Agent({ keepAlive: true }) };
        return negotiate(opts, () => conns.delete(id));
      })();
      c.catch(() => conns.delete(id));
      conns.set(id, c);
    }
    return c;
  }

  /** TLS with ALPN h2/http1.1: an HTTP/2 session, or an HTTPS agent primed with the negotiated socket. */
  function negotiate(opts: https.AgentOptions, forget: () => void): Promise<Conn> {
    return new Promise<Conn>((resolve, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const socket = tlsConnect({
        host,
        port: Number(url.port || 443),
        ...(opts.servername ? { servername: opts.servername } : {}),
        secureContext: opts.secureContext,
        rejectUnauthorized: opts.rejectUnauthorized !== false,
        ALPNProtocols: ["h2", "http/1.1"],
      });
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(Object.assign(new Error(`TLS handshake not done within ${CONNECT_TIMEOUT_MS} ms`), { code: "ETIMEDOUT" })));
      socket.once("error", (err) => {
        forget();
        reject(err);
      });
      socket.once("secureConnect", () => {
        socket.setTimeout(0);
        if (socket.alpnProtocol !== "h2") {
          resolve({ agent: new PrimedAgent(opts, socket) });
          return;
        }
        const session = http2.connect(url.origin, { createConnection: () => socket });
        session.on("error", forget);
        session.on("close", forget);
        session.on("goaway", forget);
        session.unref();
        // An idle session is closed (a long-lived process makes new sources for re-checks: no connection piles up).
        session.setTimeout(IDLE_CLOSE_MS, () => session.close());
        resolve({ session, active: 0 });
      });
    });
  }

  /** Per-request credentials: static token, exec plugin or oidc. */
  async function credentials(signal: AbortSignal): Promise<{ token?: string; exec?: ExecCredential }> {
    if (exec) {
      const c = await execCredential(exec, execCluster, signal, env);
      // A token from the kubeconfig wins over the plugin's (client-go uses the plugin only to fill what is missing).
      return { token: token ?? c.token, exec: c };
    }
    if (provider) return { token: await oidcToken(provider.config ?? {}, signal) };
    return { token };
  }

  function requestHeaders(req: KubeHttpRequest, token: string | undefined): Record<string, string | string[] | number> {
    const h: Record<string, string | string[] | number> = { ...headers, accept: req.accept ?? "application/json", "user-agent": "netdoctor" };
    if (token) h["authorization"] = `Bearer ${token}`;
    if (req.body !== undefined) {
      h["content-type"] = req.contentType ?? "application/json";
      h["content-length"] = Buffer.byteLength(req.body);
    }
    return h;
  }

  function once(req: KubeHttpRequest, signal: AbortSignal, token: string | undefined, conn: Conn): Promise<{ status: number; text: string }> {
    if ("session" in conn) return onceH2(req, signal, token, conn);
    return new Promise((resolve, reject) => {
      const r = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port || (secure ? 443 : 80),
          path: base + req.path,
          method: req.method,
          headers: requestHeaders(req, token),
          agent: conn.agent,
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
          res.on("aborted", () => reject(Object.assign(new Error("connection reset"), { code: "ECONNRESET" })));
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
  }

  /** One stream on the run's HTTP/2 session; the session holds the event loop only while a stream is open. */
  function onceH2(req: KubeHttpRequest, signal: AbortSignal, token: string | undefined, conn: H2Conn): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const { session } = conn;
      let open = true;
      const done = () => {
        if (!open) return;
        open = false;
        if (--conn.active === 0 && !session.destroyed) session.unref();
      };
      if (conn.active++ === 0) session.ref();
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ":method": req.method, ":path": base + req.path, ...requestHeaders(req, token) }, { signal, endStream: req.body === undefined });
      } catch (err) {
        done();
        reject(err);
        return;
      }
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on("response", (h) => (status = Number(h[":status"] ?? 0)));
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("end", () => {
        done();
        resolve({ status, text: Buffer.concat(chunks).toString("utf8") });
      });
      stream.on("error", (err) => {
        done();
        reject(err);
      });
      stream.on("close", () => {
        if (open) {
          done();
          reject(Object.assign(new Error("the API server closed the stream"), { code: "ECONNRESET" }));
        }
      });
      if (req.body !== undefined) stream.end(req.body);
    });
  }

  /** Wait for a connection, but no longer than `signal` allows. */
  function connected(p: Promise<Conn>, signal: AbortSignal): Promise<Conn> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** One exchange; a request caught on a session that went away (GOAWAY, reset) is sent once more on a new one. */
  async function exchange(req: KubeHttpRequest, signal: AbortSignal, token: string | undefined, cert?: string, key?: string): Promise<{ status: number; text: string }> {
    const conn = await connected(connFor(cert, key), signal);
    try {
      return await once(req, signal, token, conn);
    } catch (err) {
      if (!("session" in conn) || signal.aborted || !(conn.session.closed || conn.session.destroyed)) throw err;
      return once(req, signal, token, await connected(connFor(cert, key), signal));
    }
  }

  return {
    server,
    async request(req, signal) {
      const cred = await credentials(signal);
      const answer = await exchange(req, signal, cred.token, cred.exec?.clientCertificateData, cred.exec?.clientKeyData);
      // client-go re-runs the plugin once when the API server refuses its credential.
      if (answer.status === 401 && cred.exec) {
        forgetExecCredential(execCacheKey(exec!, execCluster));
        const again = await credentials(signal);
        return exchange(req, signal, again.token, again.exec?.clientCertificateData, again.exec?.clientKeyData);
      }
      return answer;
    },
    close() {
      for (const c of conns.values()) void c.then((conn) => ("session" in conn ? conn.session.close() : conn.agent.destroy()), () => undefined);
      conns.clear();
    },
  };
}
