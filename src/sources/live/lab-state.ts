/**
 * Reading the lab's state file (DESIGN §8): when `NETDOCTOR_LAB` names a JSON
 * file of shape LabState, the live host and probe sources serve the lab's
 * scenario instead of this machine and never probe beyond loopback.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { LAB_ENV, type LabState } from "../../lab/contract.js";
import { SourceError } from "../types.js";

/**
 * Load the LabState named by `env.NETDOCTOR_LAB`; null when the variable is
 * unset or empty. Throws SourceError `invalid-config` (one line naming the
 * file) when the file cannot be read or is not a LabState JSON object.
 */
export function readLabState(env: NodeJS.ProcessEnv): LabState | null {
  const file = env[LAB_ENV];
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SourceError("invalid-config", "host", LAB_ENV, `cannot read the lab state ${LAB_ENV}=${file}: ${code}`, { cause: err });
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw new SourceError("invalid-config", "host", LAB_ENV, `lab state ${LAB_ENV}=${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new SourceError("invalid-config", "host", LAB_ENV, `lab state ${LAB_ENV}=${file} is not a JSON object`);
  }
  const s = state as Partial<LabState>;
  return {
    ...(s as LabState),
    resolver: s.resolver ?? {},
    probeMap: s.probeMap ?? {},
    portMap: s.portMap ?? {},
    loopbackOnly: true,
  };
}

/**
 * True for addresses on the loopback interface: 127.0.0.0/8, `::1`, their
 * IPv4-mapped form `::ffff:127.x.y.z`, and the name `localhost` (RFC 6761
 * §6.3: `localhost` is always loopback).
 */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (a === "localhost") return true;
  const family = isIP(a);
  if (family === 4) return a.startsWith("127.");
  if (family === 6) {
    const canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
    if (canonical === "::1") return true;
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    return mapped !== null && parseInt(mapped[1]!, 16) >> 8 === 127;
  }
  return false;
}

/** Split `address:port` (IPv6 in brackets or bare, last colon wins). */
export function splitHostPort(value: string): { address: string; port: number } | null {
  const i = value.lastIndexOf(":");
  if (i <= 0) return null;
  const port = Number(value.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return { address: value.slice(0, i).replace(/^\[|\]$/g, ""), port };
}
