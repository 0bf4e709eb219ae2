/**
 * Pure helpers for IP addresses, bind scopes and `host:port` strings, shared by
 * the client-side checks (dns, host-port, forwarder, container).
 *
 * Sources: RFC 1122 §3.2.1.3 (127.0.0.0/8 is loopback), RFC 4291 §2.5.3 (`::1`),
 * RFC 4291 §2.5.5.2 (IPv4-mapped `::ffff:a.b.c.d`), RFC 6761 §6.3 (`localhost`
 * and `*.localhost` are loopback names), and the socket API: a socket bound to
 * the unspecified address (`0.0.0.0`, `::`) accepts connections to every local
 * address (on Linux `::` also accepts IPv4 unless `IPV6_V6ONLY`).
 */
import { isIPv4, isIPv6 } from "node:net";

/**
 * `net.isIP(s)` (4, 6 or 0), without running the IPv6 pattern on a string
 * with no colon (no IPv6 literal lacks one): Node compiles that pattern on
 * its first use, which costs several milliseconds of a run's start-up, and
 * most strings asked about are host names or IPv4 addresses.
 */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (s === "::" || s === "::1") return 6; // the two a host's listeners show most, without the pattern
  if (s.includes(":")) return isIPv6(s) ? 6 : 0;
  return isIPv4(s) ? 4 : 0;
}

/**
 * Strip IPv6 brackets and zone ids and unwrap IPv4-mapped IPv6 addresses:
 * `[::1]` → `::1`, `::ffff:127.0.0.1` → `127.0.0.1`, `fe80::1%eth0` → `fe80::1`.
 * Anything that is not an address (a host name, `*`) is returned lower-cased
 * without brackets.
 */
export function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  if (zone > 0 && a.includes(":")) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  return a;
}

/** 4 or 6 when `address` (brackets allowed) is an IP literal, else 0. */
export function ipFamily(address: string): 0 | 4 | 6 {
  return ipVersion(normalizeAddress(address));
}

/** True when `address` is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(address: string): boolean {
  return ipFamily(address) !== 0;
}

/** True for the unspecified ("any") bind addresses: `0.0.0.0`, `::`, `*` and `""` (Docker's HostIp default). */
export function isAnyAddress(address: string): boolean {
  const a = normalizeAddress(address);
  return a === "" || a === "0.0.0.0" || a === "::" || a === "*" || a === "0:0:0:0:0:0:0:0";
}

/** True for loopback addresses (127.0.0.0/8, `::1`) and the loopback names `localhost` / `*.localhost` (RFC 6761). */
export function isLoopback(address: string): boolean {
  const a = normalizeAddress(address);
  if (isLocalhostName(a)) return true;
  // An IPv6 loopback is one of two spellings: no IPv6 pattern needed to tell (see ipVersion).
  if (a.includes(":")) return a === "::1" || a === "0:0:0:0:0:0:0:1";
  return ipVersion(a) === 4 && a.startsWith("127.");
}

/** True for `localhost` and names under `.localhost` (RFC 6761 §6.3: always loopback). A trailing dot is allowed. */
export function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  return n === "localhost" || n.endsWith(".localhost");
}

/**
 * Does a socket bound to `bind` accept a connection addressed to `target`?
 * The unspecified addresses cover everything (`::` is dual-stack, as on Linux
 * and macOS by default); otherwise only the same address does. Both are
 * normalised first (brackets, IPv4-mapped).
 */
export function bindCovers(bind: string, target: string): boolean {
  if (isAnyAddress(bind)) return true;
  return normalizeAddress(bind) === normalizeAddress(target);
}

/**
 * Format an address and port as a client would write it: `127.0.0.1:8080`,
 * `[::1]:8080`, `host:8080`.
 */
export function formatHostPort(address: string, port: number | string): string {
  const a = normalizeAddress(address) || "0.0.0.0";
  return a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}

/**
 * Split `host:port`, `[v6]:port` or `v6:port` (last colon) into its parts.
 * Returns null when there is no numeric port in 1..65535.
 */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(t);
  const m = bracket ?? /^(.*):(\d+)$/.exec(t);
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: normalizeAddress(m[1]!), port };
}

/**
 * Order addresses the way netdoctor probes them: IPv4 first (Docker publishes
 * `0.0.0.0` and `::` side by side, and the IPv4 socket is the one tools reach
 * first through `localhost` on most systems), then the rest in resolver order.
 */
export function preferIpv4(addresses: readonly string[]): string[] {
  return [...addresses.filter((a) => ipFamily(a) === 4), ...addresses.filter((a) => ipFamily(a) !== 4)];
}
