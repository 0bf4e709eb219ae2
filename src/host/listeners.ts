/**
 * Pure helpers over host listening sockets (`HostListener`): which socket
 * receives a connection to `address:port`, and how to name its owner.
 *
 * Source: socket API semantics — a socket bound to `0.0.0.0`/`::` receives
 * connections to every local address; when a specific bind and a wildcard
 * bind coexist on a port (allowed on macOS and with SO_REUSEPORT), the kernel
 * delivers to the most specific one.
 */
import type { HostListener } from "../engine/types.js";
import { bindCovers, ipFamily, normalizeAddress } from "./addresses.js";

/** `docker-proxy (pid 2211)`; `pid 2211` or `an unidentified process` when less is known. */
export function describeOwner(l: HostListener): string {
  if (l.process && l.pid !== undefined) return `${l.process} (pid ${l.pid})`;
  if (l.process) return l.process;
  if (l.pid !== undefined) return `pid ${l.pid}`;
  return "an unidentified process";
}

/**
 * Listeners on `port` whose bind address covers `address`, best first: the
 * exact address, then wildcard binds of the same family, then the rest.
 */
export function coveringListeners(listeners: readonly HostListener[], address: string, port: number): HostListener[] {
  const rank = (l: HostListener) => (normalizeAddress(l.address) === normalizeAddress(address) ? 0 : ipFamily(l.address) === ipFamily(address) ? 1 : 2);
  return listeners.filter((l) => l.port === port && bindCovers(l.address, address)).sort((a, b) => rank(a) - rank(b));
}

/** Same socket: same bind address (normalised) and port. */
export function sameSocket(a: HostListener, b: HostListener): boolean {
  return a.port === b.port && normalizeAddress(a.address) === normalizeAddress(b.address);
}
