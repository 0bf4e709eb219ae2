/**
 * Every fix plugin, by id (DESIGN §5; the ids are a contract).
 */
import type { FixId } from "../engine/types.js";
import { hostsEntry } from "./hosts-entry.js";
import { k3dPortMapping, kindPortMapping } from "./manual.js";
import { removeTraefik } from "./remove-traefik.js";
import { serviceToNodePort } from "./service-to-nodeport.js";
import { socatForward } from "./socat-forward.js";
import type { Fix } from "./types.js";

/** The fix plugins, keyed by id. */
export const FIX_PLUGINS: Record<FixId, Fix> = {
  "remove-traefik": removeTraefik,
  "service-to-nodeport": serviceToNodePort,
  "socat-forward": socatForward,
  "kind-port-mapping": kindPortMapping,
  "k3d-port-mapping": k3dPortMapping,
  "hosts-entry": hostsEntry,
};

/** True when `id` names a fix. */
export function isFixId(id: string): id is FixId {
  return Object.hasOwn(FIX_PLUGINS, id);
}
