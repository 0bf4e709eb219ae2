/**
 * This host's interface addresses: parsing the recorded shape (the lab's
 * `host/interfaces.yaml`, a bundle's `host/interfaces.json`) and the
 * loopback default. Pure; the live source reads `os.networkInterfaces()`.
 */
import type { HostInterface } from "../sources/types.js";

/** The loopback interface every host has (`lo`: 127.0.0.1 and ::1): what the lab serves when a scenario declares no interfaces. */
export const LOOPBACK_INTERFACES: readonly HostInterface[] = [
  { name: "lo", address: "127.0.0.1", family: "IPv4", internal: true },
  { name: "lo", address: "::1", family: "IPv6", internal: true },
];

/**
 * Parse a list of interface addresses (the lab's `host/interfaces.yaml`
 * shape: `[{ name, address, family?, internal? }]`; `family` defaults from
 * the address, `internal` to false, and a `/prefix` after the address is
 * dropped). Entries without a name or address are skipped; never throws.
 */
export function parseInterfaces(list: unknown): HostInterface[] {
  if (!Array.isArray(list)) return [];
  const out: HostInterface[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    if (typeof o["name"] !== "string" || typeof o["address"] !== "string") continue;
    const address = o["address"].replace(/\/\d+$/, "");
    const family = o["family"] === "IPv6" || o["family"] === "IPv4" ? o["family"] : address.includes(":") ? "IPv6" : "IPv4";
    out.push({ name: o["name"], address, family, internal: o["internal"] === true });
  }
  return out;
}

