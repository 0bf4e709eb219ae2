/**
 * Loading the check registry: the built-in checks (checks/index.ts) plus any
 * `--checks-dir` plugins (DESIGN §6: every `*.js`/`*.mjs` module there that
 * exports checks).
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BUILTIN_CODE_PREFIX, defineCheck } from "./engine/define.js";
import { HOPS, type Check } from "./engine/types.js";
import { validateRegistry } from "./engine/registry.js";
import { FIXES } from "./fixes/catalog.js";
import { importModule } from "./import-module.js";

/** A plugin module that could not be loaded or exports something that is not a check. */
export class PluginError extends Error {
  override readonly name = "PluginError";
  readonly code = "NETDOCTOR_PLUGIN";
}

function looksLikeCheck(x: unknown): x is Check {
  const c = x as Partial<Check> | null;
  return !!c && typeof c === "object" && typeof c.id === "string" && typeof c.code === "string" && typeof c.hop === "string" && typeof c.run === "function";
}

/**
 * Load checks exported by every `*.js`/`*.mjs` module in `dir` (default
 * export, named exports, or arrays of checks).
 * @throws PluginError when the directory cannot be read, a module fails to import, or exports no check.
 */
export async function loadPluginChecks(dir: string): Promise<Check[]> {
  const abs = resolve(dir);
  let files: string[];
  try {
    files = readdirSync(abs).filter((f) => f.endsWith(".js") || f.endsWith(".mjs")).sort();
  } catch (e) {
    throw new PluginError(`--checks-dir ${dir}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (e as Error).message}`);
  }
  const out: Check[] = [];
  for (const f of files) {
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(pathToFileURL(join(abs, f)).href);
    } catch (e) {
      throw new PluginError(`--checks-dir ${join(dir, f)}: ${(e as Error).message.split("\n")[0]}`);
    }
    const found = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(looksLikeCheck);
    if (found.length === 0) throw new PluginError(`--checks-dir ${join(dir, f)}: exports no check (expected objects with id, code, hop, run)`);
    for (const c of found) out.push(validatePluginCheck(c, join(dir, f)));
  }
  return out;
}

/**
 * Hold a plugin's check to the same contract as the built-in ones, so that a
 * plugin can never make a report invalid against `schema/report.schema.json`:
 * a known hop, an id `<hop>.<kebab-name>`, a code of its own prefix (`ND` is
 * netdoctor's), a title, and only known fix ids.
 * @throws PluginError naming the module and what is wrong.
 */
export function validatePluginCheck(c: Check, where: string): Check {
  const hops: readonly string[] = ["env", ...HOPS];
  if (!hops.includes(c.hop)) throw new PluginError(`--checks-dir ${where}: check ${c.id} has hop ${JSON.stringify(c.hop)}; expected one of ${hops.join(", ")}`);
  try {
    defineCheck(c);
  } catch (e) {
    throw new PluginError(`--checks-dir ${where}: ${(e as Error).message}`);
  }
  if (c.code.startsWith(BUILTIN_CODE_PREFIX)) {
    throw new PluginError(`--checks-dir ${where}: check ${c.id} uses code ${c.code}, but the ${BUILTIN_CODE_PREFIX} prefix is netdoctor's own; give the plugin a prefix of its own (e.g. ACME${c.code.slice(-3)})`);
  }
  if (typeof c.title !== "string" || c.title.trim() === "") throw new PluginError(`--checks-dir ${where}: check ${c.id} has no title`);
  const unknown = (c.fixes ?? []).filter((f) => !Object.hasOwn(FIXES, f));
  if (unknown.length > 0) throw new PluginError(`--checks-dir ${where}: check ${c.id} names unknown fixes ${unknown.join(", ")} (known: ${Object.keys(FIXES).join(", ")})`);
  return c;
}

/** The built-in checks plus plugins, validated (RegistryError when malformed). */
export async function loadChecks(checksDir?: string): Promise<Check[]> {
  const { checks } = await import("../checks/index.js");
  const all = [...checks, ...(checksDir ? await loadPluginChecks(checksDir) : [])];
  validateRegistry(all);
  return all;
}
