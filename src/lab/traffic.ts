/**
 * The traffic a scenario declares at host-published ports, on real loopback
 * listeners (DESIGN §8). Modes reproduce what a client meets in the field:
 * `http` (canned answers chosen by Host and path prefix), `refuse` (nothing
 * listens: ECONNREFUSED), `reset` (accept, then RST: ECONNRESET), `hang`
 * (accept, never answer), `empty-reply` (read the request, close: curl's
 * "(52) Empty reply from server"), `tls` (a TLS alert, or Go's plaintext-to-TLS
 * 400 for an HTTP request), `flaky` (every `every`-th request meets `then` —
 * reset, empty reply or hang — the others are answered as in `http`: a
 * gateway or forwarder that drops part of the load). Never binds beyond 127.0.0.0/8: an entry naming
 * another address is served on a free loopback port and listed in `probeMap`.
 */
import http from "node:http";
import net from "node:net";
import type { FlakyFailure, TrafficEntry, TrafficRule, HttpAnswer } from "./scenario.js";

/** True for an IPv4 address in 127.0.0.0/8. */
export function isLoopbackV4(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** Where an entry's address is bound: itself when in 127.0.0.0/8, else 127.0.0.1. */
export function bindAddressFor(address: string): string {
  return isLoopbackV4(address) ? address : "127.0.0.1";
}

/** A free TCP port on `address` (loopback), found by binding port 0 and closing. */
export async function freePort(address = "127.0.0.1"): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, address, () => resolve());
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** True when nothing listens on `address:port` and it can be bound. */
export async function portIsFree(port: number, address = "127.0.0.1"): Promise<boolean> {
  const s = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    s.once("error", () => resolve(false));
    s.listen(port, address, () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => s.close(() => resolve()));
  return ok;
}

/** Host header without port, lower-case (`[::1]:80` → `[::1]`). */
function hostOnly(h: string | undefined): string {
  if (!h) return "";
  const v = h.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(0, v.indexOf("]") + 1);
  const i = v.lastIndexOf(":");
  return i >= 0 ? v.slice(0, i) : v;
}

function hostMatches(rule: string, host: string): boolean {
  const r = rule.toLowerCase();
  if (r.startsWith("*.")) return host.endsWith(r.slice(1)) && host.length > r.length - 1;
  return r === host;
}

/** The request as a rule sees it: method (default GET) and headers (names lower-case, as node:http gives them). */
export interface RuleRequest {
  method?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** Whether every header a rule names has that exact value (names case-insensitive; the first value of a repeated header). */
function headersMatch(want: Record<string, string> | undefined, got: RuleRequest["headers"]): boolean {
  for (const [name, value] of Object.entries(want ?? {})) {
    const v = got?.[name.toLowerCase()];
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined || first.split(",")[0]!.trim() !== value) return false;
  }
  return true;
}

/**
 * The answer for a request: the first rule whose host (port ignored), path
 * prefix, method and headers match, else the entry's default.
 */
export function pickAnswer(entry: TrafficEntry, host: string | undefined, path: string, req: RuleRequest = {}): HttpAnswer {
  const h = hostOnly(host);
  const method = (req.method ?? "GET").toUpperCase();
  const rule = entry.respond.find(
    (r: TrafficRule) =>
      (r.host === undefined || hostMatches(r.host, h)) &&
      (r.path === undefined || path.startsWith(r.path)) &&
      (r.method === undefined || r.method.toUpperCase() === method) &&
      headersMatch(r.requestHeaders, req.headers),
  );
  return rule ?? entry.default;
}

/** A TLS alert record: fatal handshake_failure (RFC 8446 §6). */
const TLS_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
/** Go crypto/tls' answer to plaintext HTTP on a TLS port. */
const PLAINTEXT_TO_TLS = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/** One served port: the entry it stands for and where it really listens. */
export interface TrafficListener {
  /** `address:port` the entry names (as probes ask for it). */
  key: string;
  entry: TrafficEntry;
  /** Loopback address and port actually bound (or reserved, for `refuse`). */
  bound: { address: string; port: number };
}

/** Running traffic: listeners, the probe map, live reconfiguration, close. */
export interface Traffic {
  listeners(): TrafficListener[];
  /** `address:port` as named by the scenario → loopback `address:port` served. */
  probeMap(): Record<string, string>;
  /** Switches to another set of entries (same keys keep their bound ports). */
  update(entries: TrafficEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** Read the request head, then close without a byte: curl's "(52) Empty reply from server". */
function emptyReply(socket: net.Socket): void {
  let seen = "";
  socket.on("data", (d: Buffer) => {
    seen += d.toString("latin1");
    if (seen.includes("\r\n\r\n") || seen.length > 64 * 1024) socket.end();
  });
}

/**
 * Keep `address:port` refused without leaving it free for others: a TCP
 * socket bound to the port and connected to itself (TCP simultaneous open,
 * RFC 9293 §3.5; Linux and BSD stacks complete it). It does not listen, so the
 * kernel answers anyone else's SYN with RST — curl's "(7) Connection refused",
 * ECONNREFUSED, exactly as for an unbound port — while no `listen(0)` on the
 * machine (another lab's free-port search) is given the port meanwhile, which
 * a port merely left unbound allows. Returns the release function. Rejects
 * with EADDRINUSE when the port is taken.
 */
async function holdRefusedPort(address: string, port: number): Promise<() => Promise<void>> {
  const self = await new Promise<net.Socket>((resolve, reject) => {
    const c = net.connect({ host: address, port, localAddress: address, localPort: port });
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  });
  self.on("error", () => undefined);
  return async () => {
    // RST, not FIN: no TIME_WAIT is left on the port, so it is free again at once for listen(0) too.
    const closed = new Promise<void>((resolve) => self.once("close", () => resolve()));
    self.resetAndDestroy();
    await closed;
  };
}

class Slot {
  server: net.Server | null = null;
  /** `refuse` mode: releases the socket that keeps the port bound and refused. */
  private hold: (() => Promise<void>) | null = null;
  /** flaky mode: connections that have sent their first bytes (a request), counted from 1. */
  private spoken = 0;
  readonly sockets = new Set<net.Socket>();
  readonly http: http.Server;
  constructor(
    public entry: TrafficEntry,
    readonly bound: { address: string; port: number },
  ) {
    this.http = http.createServer((req, res) => {
      const a = pickAnswer(this.entry, req.headers.host, req.url ?? "/", { method: req.method, headers: req.headers });
      req.resume();
      const headers: Record<string, string | number> = { ...a.headers };
      if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-length")) headers["Content-Length"] = Buffer.byteLength(a.body);
      res.writeHead(a.status, headers);
      res.end(req.method === "HEAD" ? undefined : a.body);
    });
    this.http.keepAliveTimeout = 5_000;
  }

  onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    switch (this.entry.mode) {
      case "http":
        this.http.emit("connection", socket);
        return;
      case "reset": {
        // RST once the client has spoken (as a proxy whose upstream resets does), or soon if it does not.
        const t = setTimeout(() => socket.resetAndDestroy(), 100);
        socket.once("data", () => {
          clearTimeout(t);
          socket.resetAndDestroy();
        });
        socket.once("close", () => clearTimeout(t));
        return;
      }
      case "hang":
        socket.resume();
        return;
      case "empty-reply":
        emptyReply(socket);
        return;
      case "flaky": {
        // Counted on the first bytes, so bare TCP connects (port checks) do not shift which request fails.
        const { every, then } = this.entry.flaky ?? { every: 2, then: "reset" as FlakyFailure };
        socket.once("data", (d: Buffer) => {
          this.spoken += 1;
          socket.pause();
          socket.unshift(d);
          if (this.spoken % every === 0) {
            if (then === "reset") return socket.resetAndDestroy();
            if (then === "empty-reply") emptyReply(socket);
            socket.resume(); // hang: read and never answer
            return;
          }
          this.http.emit("connection", socket);
          socket.resume();
        });
        return;
      }
      case "tls":
        socket.once("data", (d: Buffer) => {
          socket.end(d[0] === 0x16 ? TLS_ALERT : PLAINTEXT_TO_TLS);
        });
        return;
      case "refuse":
        socket.destroy();
        return;
    }
  }

  async start(): Promise<void> {
    if (this.entry.mode === "refuse") {
      this.hold ??= await holdRefusedPort(this.bound.address, this.bound.port);
      return;
    }
    if (this.server) return;
    await this.releaseHold();
    const s = net.createServer((sock) => this.onConnection(sock));
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(this.bound.port, this.bound.address, () => resolve());
    });
    this.server = s;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.http.closeAllConnections();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    await this.releaseHold();
  }

  private async releaseHold(): Promise<void> {
    const h = this.hold;
    this.hold = null;
    if (h) await h();
  }
}

const keyOf = (e: TrafficEntry): string => `${e.address}:${e.port}`;

/**
 * Starts listeners for `entries`. Loopback entries bind their own
 * `address:port` (the lab has already remapped the port) unless
 * `freeLoopbackPorts` is set (a scenario with `remapHostPorts: false`): then
 * they too get a free port and are reached through `probeMap` under the
 * port they stand for; other addresses get a free port on 127.0.0.1. Rejects when a port cannot be bound (e.g. in use).
 */
export async function startTraffic(entries: TrafficEntry[], options: { freeLoopbackPorts?: boolean } = {}): Promise<Traffic> {
  const slots = new Map<string, Slot>();
  /** Extra probeMap keys (`127.0.0.1:PORT` for an entry on 0.0.0.0 or localhost served on a free port) → slot key. */
  const aliases = new Map<string, string>();
  async function add(e: TrafficEntry): Promise<void> {
    const addr = bindAddressFor(e.address === "0.0.0.0" || e.address === "localhost" ? "127.0.0.1" : e.address);
    const onHost = isLoopbackV4(e.address) || e.address === "0.0.0.0" || e.address === "localhost";
    const fixed = onHost && !options.freeLoopbackPorts;
    // Served on another port than it stands for: a probe of 127.0.0.1:PORT finds it through probeMap, whatever address the entry names.
    if (onHost && options.freeLoopbackPorts && e.address !== "127.0.0.1") aliases.set(`127.0.0.1:${e.port}`, keyOf(e));
    for (let attempt = 1; ; attempt++) {
      const slot = new Slot(e, { address: addr, port: fixed ? e.port : await freePort(addr) });
      slots.set(keyOf(e), slot);
      try {
        await slot.start();
        return;
      } catch (err) {
        // A free port another process bound between freePort and this listen: take another one.
        if (fixed || attempt >= 5 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      }
    }
  }
  const all = async (): Promise<void> => {
    await Promise.all([...slots.values()].map((s) => s.stop()));
  };
  try {
    for (const e of entries) await add(e);
  } catch (err) {
    await all();
    throw err;
  }
  return {
    listeners: () => [...slots.entries()].map(([key, s]) => ({ key, entry: s.entry, bound: s.bound })),
    probeMap: () => {
      const map: Record<string, string> = {};
      for (const [alias, key] of aliases) {
        const s = slots.get(key);
        if (s) map[alias] = `${s.bound.address}:${s.bound.port}`;
      }
      for (const [key, s] of slots) map[key] = `${s.bound.address}:${s.bound.port}`;
      return map;
    },
    update: async (next) => {
      const keys = new Set(next.map(keyOf));
      for (const [key, s] of slots) {
        if (!keys.has(key)) {
          await s.stop();
          s.entry = { ...s.entry, mode: "refuse" };
          await s.start();
        }
      }
      for (const e of next) {
        const s = slots.get(keyOf(e));
        if (!s) {
          await add(e);
          continue;
        }
        const wasRefuse = s.entry.mode === "refuse";
        s.entry = e;
        if (e.mode === "refuse") {
          if (!wasRefuse) await s.stop();
          await s.start();
        } else if (wasRefuse) await s.start();
        else for (const sock of s.sockets) sock.destroy(); // new behaviour from the next connection on
      }
    },
    close: all,
  };
}
