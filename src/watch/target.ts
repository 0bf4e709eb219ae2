/**
 * Where `netdoctor watch` sends its requests: the target's address, resolved
 * once before the first request (DESIGN §3), and whether a userspace
 * forwarder owns that port (which decides where a reset points, see
 * signatureHop).
 */
import type { ResolveOverride, Target } from "../engine/types.js";
import { UsageError } from "../errors.js";
import { bindCovers, isIpLiteral, isLocalhostName, normalizeAddress, preferIpv4 } from "../host/addresses.js";
import { parseForwarderCommand } from "../host/forwarders.js";
import type { HostSource } from "../sources/types.js";
import { isSourceError } from "../sources/types.js";

/** The address a watch run targets and how it was found. */
export interface WatchAddress {
  address: string;
  via: "literal" | "--resolve" | "rfc6761" | "resolver";
}

/**
 * Resolve the target's host once, in the order curl uses: an IP literal is
 * itself; a `--resolve HOST:PORT:ADDR` for this host and port (or `*`) wins;
 * `localhost` and `*.localhost` are 127.0.0.1 (RFC 6761 §6.3, as curl ≥ 7.85
 * and browsers resolve them); otherwise the system resolver through the host
 * source (the lab's resolver under the lab), IPv4 first.
 * @throws UsageError when the name does not resolve (watch cannot run; the
 *   diagnosis, `netdoctor TARGET`, explains the dns hop).
 */
export async function resolveWatchAddress(target: Target, overrides: readonly ResolveOverride[], host: HostSource, signal: AbortSignal): Promise<WatchAddress> {
  const name = target.host.toLowerCase();
  if (isIpLiteral(name)) return { address: normalizeAddress(name), via: "literal" };
  const override = overrides.find((r) => (r.host.toLowerCase() === name || r.host === "*") && r.port === target.port);
  if (override) return { address: normalizeAddress(override.address), via: "--resolve" };
  if (isLocalhostName(name)) return { address: "127.0.0.1", via: "rfc6761" };
  let answer;
  try {
    answer = await host.resolve(name, signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    throw new UsageError(`cannot resolve ${target.host}: ${e.message}`);
  }
  const first = preferIpv4(answer.addresses.map(normalizeAddress))[0];
  if (!first) {
    throw new UsageError(`${target.host} does not resolve (${answer.error ?? "no address"}); run \`netdoctor ${target.url}\` to diagnose the dns hop, or pass --resolve ${target.host}:${target.port}:ADDR`);
  }
  return { address: first, via: "resolver" };
}

/**
 * True when a userspace forwarder (socat, kubectl port-forward, ssh -L, nc)
 * listens on `port` at an address covering `address` — the same rule the
 * forwarder hop applies; docker-proxy and unrecognised processes are not
 * forwarders. False when the listeners cannot be read.
 */
export async function forwarderOwns(host: HostSource, address: string, port: number, signal: AbortSignal): Promise<boolean> {
  let listeners;
  try {
    listeners = await host.listeners(signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return false;
  }
  return listeners
    .filter((l) => l.port === port && bindCovers(l.address, address))
    .some((l) => {
      const kind = parseForwarderCommand(l.command, l.process).kind;
      return kind !== "docker-proxy" && kind !== "unknown";
    });
}
