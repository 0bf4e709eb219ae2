/**
 * Which scenario `--lab` / `netdoctor lab` serve when none is named, and
 * where the built-in scenarios live. Kept apart from the lab's servers so
 * commands can name the default without loading them.
 */
import { join } from "node:path";
import { packageRoot } from "../version.js";

/** The scenario `--lab` runs with no name: k3s traefik holding port 80 (issue "netdoctor end to end"). */
export const DEFAULT_LAB_SCENARIO = "k3d-openchoreo-traefik-conflict";

/** Directory of the built-in scenarios (fixtures/scenarios of the package). */
export function builtinScenariosDir(): string {
  return join(packageRoot(), "fixtures", "scenarios");
}
