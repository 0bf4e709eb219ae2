/**
 * Registry validation: the check graph must be well-formed before a run.
 * Source: STYLE "an explicit sorted registry, validated at test time (no
 * duplicate ids, no unknown dependsOn, no cycles)".
 */
import type { Check } from "./types.js";

/** A malformed check graph (a bug in a check module or a `--checks-dir` plugin). */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code = "NETDOCTOR_REGISTRY";
}

/**
 * Validate a set of checks: unique ids and codes, every `dependsOn`/`after`
 * id known, env checks depend only on env checks, and no cycles.
 * @returns the checks in a stable topological order (registry order kept where possible).
 * @throws RegistryError naming the first problem found.
 */
export function validateRegistry(checks: readonly Check[]): Check[] {
  const byId = new Map<string, Check>();
  const codes = new Map<string, string>();
  for (const c of checks) {
    if (byId.has(c.id)) throw new RegistryError(`duplicate check id ${c.id}`);
    const other = codes.get(c.code);
    if (other) throw new RegistryError(`checks ${other} and ${c.id} share code ${c.code}`);
    byId.set(c.id, c);
    codes.set(c.code, c.id);
  }
  for (const c of checks) {
    for (const dep of [...(c.dependsOn ?? []), ...(c.after ?? [])]) {
      const d = byId.get(dep);
      if (!d) throw new RegistryError(`check ${c.id} depends on unknown check ${dep}`);
      if (c.hop === "env" && d.hop !== "env") throw new RegistryError(`environment check ${c.id} cannot depend on path check ${dep}`);
    }
  }
  // Depth-first topological sort, reporting the first cycle with its members.
  const order: Check[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (c: Check, trail: string[]) => {
    const s = state.get(c.id);
    if (s === "done") return;
    if (s === "visiting") throw new RegistryError(`dependency cycle: ${[...trail, c.id].join(" → ")}`);
    state.set(c.id, "visiting");
    for (const dep of [...(c.dependsOn ?? []), ...(c.after ?? [])]) visit(byId.get(dep)!, [...trail, c.id]);
    state.set(c.id, "done");
    order.push(c);
  };
  for (const c of checks) visit(c, []);
  return order;
}
