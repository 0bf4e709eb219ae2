/**
 * The live probe source (DESIGN §7): TCP connects with `node:net` and HTTP(S)
 * requests with `node:http`/`node:https` (no pool: one probe, one
 * connection; loads in no time, unlike a client with its own parser), each attempt on its own connection with an explicit
 * Host header and one per-attempt timeout, never through a proxy from the
 * environment. Under the lab (DESIGN §8) it opens connections only to
 * 127.0.0.0/8 and ::1.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { ipVersion } from "../../host/addresses.js";
import type { LabState } from "../../lab/contract.js";
import { classifyError, classifyHttp, errorCodes } from "../../probe/classify.js";
import type { HttpProbeRequest, ProbeResult, ProbeSignature, ProbeSource, TcpResult } from "../types.js";
import { isLoopback, readLabState, splitHostPort } from "./lab-state.js";

export { readLabState } from "./lab-state.js";

/** Most body bytes a probe reads; the rest of the body is discarded unread. */
export const PROBE_BODY_LIMIT_BYTES = 4096;

/** Error text of a probe the lab's loopback guard refused. */
export const LAB_GUARD_MESSAGE = "not reachable from the lab: only 127.0.0.0/8 is probed";

/** Options of `createProbeSource`. */
export interface ProbeSourceOptions {
  /** The running lab, when diagnosing one; `undefined` reads `NETDOCTOR_LAB` from `env`, `null` means no lab. */
  lab?: LabState | null;
  /** Environment to read `NETDOCTOR_LAB` from when `lab` is undefined (default `process.env`). Proxy variables in it are ignored. */
  env?: NodeJS.ProcessEnv;
}

type Route = { address: string; port: number } | { blocked: true };

/**
 * Where a probe of `address:port` goes: unchanged without a lab; under a lab
 * first through `probeMap`, then refused unless the address is loopback.
 */
function route(lab: LabState | null, address: string, port: number): Route {
  if (!lab) return { address, port };
  const bare = address.replace(/^\[|\]$/g, "");
  const mapped = lab.probeMap[`${bare}:${port}`] ?? lab.probeMap[`[${bare}]:${port}`];
  const target = mapped ? splitHostPort(mapped) : { address: bare, port };
  if (!target || !isLoopback(target.address)) return { blocked: true };
  return target;
}

/** One line for an error: its code and message, without stack. */
function oneLine(err: unknown): string {
  const codes = errorCodes(err);
  const message = err instanceof Error ? err.message : String(err);
  const code = codes.find((c) => !message.includes(c));
  return (code ? `${code}: ${message}` : message).split("\n")[0]!;
}

/** Time since `start`, rounded to ms. */
function since(start: number): number {
  return Math.round(performance.now() - start);
}

/** Map a transport-error signature to the ProbeResult outcome. */
function outcomeOf(signature: ProbeSignature): ProbeResult["outcome"] {
  switch (signature) {
    case "refused":
    case "reset":
    case "timeout":
    case "empty-reply":
    case "unreachable":
      return signature;
    default:
      return "error";
  }
}

/** Flatten node:http's header map (arrays joined with `, `, as HTTP allows). */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Methods node:http sends without a body framing header; any other method would go out chunked. */
const NO_BODY_FRAMING = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * The header list a probe sends, flat (`[name, value, …]`, node:http's
 * `rawHeaders` form, so repeated names and their order survive): Host
 * first, then `user-agent: netdoctor` and `accept: *\/*` unless the request
 * names them, then the request's headers as given, then `content-length: 0`
 * for a method such as POST (the probe sends no body; without it node:http
 * would frame the empty body as chunked).
 */
export function requestHeaders(req: HttpProbeRequest): string[] {
  const extra = req.headers ?? [];
  const has = (n: string) => extra.some((h) => h.name.toLowerCase() === n);
  const out = ["host", req.host];
  if (!has("user-agent")) out.push("user-agent", "netdoctor");
  if (!has("accept")) out.push("accept", "*/*");
  for (const h of extra) out.push(h.name, h.value);
  if (!NO_BODY_FRAMING.has((req.method ?? "GET").toUpperCase())) out.push("content-length", "0");
  return out;
}

/** The SNI server name for a Host header value: the name without port; none for IP literals. */
function serverName(host: string): string | undefined {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  return name && ipVersion(name) === 0 ? name : undefined;
}

/**
 * One TCP connect attempt. Outcomes: `connected` (also when the peer
 * accepted and reset at once: `error` then says so); `refused` (ECONNREFUSED);
 * `timeout` (no SYN-ACK within `timeoutMs`, or the run's signal aborted);
 * `unreachable` (host/network unreachable, or beyond loopback under the lab);
 * `error` otherwise. Never throws.
 */
async function tcpAttempt(lab: LabState | null, address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<TcpResult> {
  const start = performance.now();
  const r = route(lab, address, port);
  if ("blocked" in r) return { outcome: "unreachable", durationMs: 0, error: LAB_GUARD_MESSAGE };
  if (signal.aborted) return { outcome: "timeout", durationMs: 0, error: "aborted before connecting" };
  return new Promise<TcpResult>((resolve) => {
    const socket = connect({ host: r.address, port: r.port });
    let done = false;
    const finish = (result: TcpResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ outcome: "timeout", durationMs: since(start), error: "aborted: the run's deadline passed" });
    const timer = setTimeout(() => finish({ outcome: "timeout", durationMs: since(start), error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => finish({ outcome: "connected", durationMs: since(start) }));
    socket.once("error", (err) => {
      const sig = classifyError(err);
      // A reset while connecting means the handshake completed and the peer
      // then reset (a refused SYN is ECONNREFUSED): something accepted.
      if (sig === "reset") return finish({ outcome: "connected", durationMs: since(start), error: "accepted, then reset by the peer" });
      const outcome: TcpResult["outcome"] = sig === "refused" || sig === "timeout" || sig === "unreachable" ? sig : "error";
      finish({ outcome, durationMs: since(start), error: oneLine(err) });
    });
  });
}

/**
 * node:http's error for a connection the server closed (FIN) before a byte
 * of answer: `ECONNRESET` "socket hang up", without the `syscall` a real
 * TCP reset (`read ECONNRESET`) carries. curl 52 "Empty reply from server".
 */
function isEmptyReply(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return e?.code === "ECONNRESET" && e.message === "socket hang up" && e.syscall === undefined;
}

/**
 * One HTTP(S) request on its own connection (node:http/https, no agent, no
 * pool): explicit Host header, one deadline of `timeoutMs` for connect,
 * headers and body, at most 4 KiB of body read, TLS certificates not
 * verified (a probe asks "does it answer", not "is it trusted"), SNI from the
 * Host header (none for IP literals). Never throws: transport failures
 * become outcomes through `classifyError`.
 */
async function httpAttempt(lab: LabState | null, req: HttpProbeRequest, signal: AbortSignal): Promise<ProbeResult> {
  const start = performance.now();
  const r = route(lab, req.address, req.port);
  if ("blocked" in r) return { outcome: "unreachable", signature: "unreachable", durationMs: 0, error: LAB_GUARD_MESSAGE, notSent: true };
  if (signal.aborted) return { outcome: "timeout", signature: "timeout", durationMs: 0, error: "aborted before connecting" };
  const t = req.timeoutMs;
  const deadline = AbortSignal.timeout(t);
  const attempt = AbortSignal.any([signal, deadline]);
  const request = req.scheme === "https" ? httpsRequest : httpRequest;
  try {
    const { status, headers, body } = await new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve, reject) => {
      const cr = request(
        {
          hostname: r.address.replace(/^\[|\]$/g, ""),
          port: r.port,
          path: req.path || "/",
          method: req.method ?? "GET",
          headers: requestHeaders(req),
          agent: false,
          signal: attempt,
          ...(req.scheme === "https" ? { rejectUnauthorized: false, servername: serverName(req.servername ?? req.host) ?? "" } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let finished = false;
          // The body broke off after the status line, or we stopped reading: the answer so far stands.
          const finish = () => {
            if (finished) return;
            finished = true;
            resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).subarray(0, PROBE_BODY_LIMIT_BYTES).toString("utf8") });
            res.destroy();
          };
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= PROBE_BODY_LIMIT_BYTES) finish();
          });
          res.on("end", finish);
          res.on("error", finish);
          res.on("close", finish);
        },
      );
      cr.on("error", reject);
      cr.end();
    });
    return { outcome: "http", status, signature: classifyHttp(status, headers, body), durationMs: since(start), headers, body };
  } catch (err) {
    let signature = isEmptyReply(err) ? "empty-reply" : classifyError(err);
    let error = isEmptyReply(err) ? "the server closed the connection without answering" : oneLine(err);
    if (attempt.aborted) {
      signature = "timeout";
      error = deadline.aborted ? `no answer within ${t} ms` : "aborted: the run's deadline passed";
    }
    return { outcome: outcomeOf(signature), signature, durationMs: since(start), error };
  }
}

/**
 * Build the live probe source. Under a lab (given, or read from
 * `NETDOCTOR_LAB`), `address:port` is first mapped through `probeMap`; an
 * address outside 127.0.0.0/8 and ::1 is then answered `unreachable` with
 * the error `not reachable from the lab: only 127.0.0.0/8 is probed`,
 * without opening a socket (DESIGN §8). Throws SourceError `invalid-config`
 * only when `NETDOCTOR_LAB` names an unreadable file.
 */
export function createProbeSource(opts: ProbeSourceOptions = {}): ProbeSource {
  const lab = opts.lab === undefined ? readLabState(opts.env ?? process.env) : opts.lab;
  return {
    tcp: (address, port, timeoutMs, signal) => tcpAttempt(lab, address, port, timeoutMs, signal),
    http: (request, signal) => httpAttempt(lab, request, signal),
  };
}
