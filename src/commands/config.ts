/**
 * The configuration file (issue 13 §4): `.netdoctor.yaml` (or `.yml`) in the
 * working directory or the nearest parent up to the home directory, else
 * `netdoctor/config.yaml` in the user's config directory
 * (`$XDG_CONFIG_HOME`, default `~/.config`); `--config FILE` names one
 * explicitly. Found and loaded with lilconfig, parsed with `yaml`, checked
 * against a JSON Schema with ajv.
 *
 * ```yaml
 * skip: [ND008]                  # as --skip: codes, check ids or hops
 * only: []                       # as --only
 * suppress:
 *   - check: ND502               # a code, check id or hop
 *     reason: traefik stays for the legacy apps until Q3   # required
 *     path: http://api.openchoreo.localhost:8080/          # optional: only on paths whose URL starts so
 * ```
 */
import { homedir } from "node:os";
import { lilconfig } from "lilconfig";
import { parse } from "yaml";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../errors.js";
import { importModule } from "../import-module.js";
import type { ReportFilter, Suppression } from "../report/filter.js";

/** The configuration file's content, as validated. */
export interface NetdoctorConfig {
  skip?: string[];
  only?: string[];
  suppress?: Suppression[];
}

/** A loaded configuration and where it came from (null: none found). */
export interface LoadedConfig {
  file: string | null;
  config: NetdoctorConfig;
}

/** JSON Schema of the configuration file. */
export const CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    skip: { type: "array", items: { type: "string", minLength: 1 } },
    only: { type: "array", items: { type: "string", minLength: 1 } },
    suppress: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["check", "reason"],
        properties: {
          check: { type: "string", minLength: 1, description: "a check code (ND502), check id (service.port-free) or hop (service)" },
          reason: { type: "string", minLength: 1, description: "why the finding is accepted: printed beside it" },
          path: { type: "string", minLength: 1, description: "only on paths whose URL starts with this" },
        },
      },
    },
  },
} as const;

/** The user's config directory for netdoctor (`$XDG_CONFIG_HOME/netdoctor`, default `~/.config/netdoctor`). */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env["XDG_CONFIG_HOME"] || join(env["HOME"] || homedir(), ".config"), "netdoctor");
}

/**
 * Find and load the configuration.
 * @param explicit `--config FILE`: that file, which must exist.
 * @param cwd where the search starts (the working directory).
 * @throws UsageError (exit 2) naming the file for a file that does not parse
 *   or does not match the schema (`.netdoctor.yaml: suppress[0]: must have required property 'reason'`).
 */
export async function loadConfig(explicit: string | undefined, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const yamlLoader = (file: string, content: string): unknown => {
    try {
      return parse(content) ?? {};
    } catch (e) {
      throw new UsageError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
  };
  // A --config file in JavaScript: its default export, as lilconfig's own loader reads it, through import-module.ts (see why there).
  const jsLoader = async (file: string): Promise<unknown> => (await importModule(pathToFileURL(file).href))["default"];
  const explorer = lilconfig("netdoctor", {
    searchPlaces: [".netdoctor.yaml", ".netdoctor.yml"],
    loaders: { ".yaml": yamlLoader, ".yml": yamlLoader, ".js": jsLoader, ".mjs": jsLoader, ".cjs": jsLoader },
    stopDir: env["HOME"] || homedir(),
  });
  let found: { filepath: string; config: unknown } | null = null;
  try {
    if (explicit) found = await explorer.load(explicit);
    else {
      found = await explorer.search(cwd);
      if (!found) {
        const userFile = join(userConfigDir(env), "config.yaml");
        found = await explorer.load(userFile).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? null : Promise.reject(e)));
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code === "NETDOCTOR_USAGE") throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${explicit ?? "config"}: ${code === "ENOENT" ? "no such file" : (e as Error).message.split("\n")[0]}`);
  }
  if (!found) return { file: null, config: {} };
  // ajv is loaded only when there is a file to check: most runs have none.
  const { compileSchema } = await import("./config-validate.js");
  const valid = compileSchema(CONFIG_SCHEMA);
  if (!valid(found.config)) {
    const err = valid.errors![0]!;
    const where = err.instancePath.replace(/^\//, "").replace(/\/(\d+)/g, "[$1]").replace(/\//g, ".");
    const extra = err.keyword === "additionalProperties" ? ` '${(err.params as { additionalProperty: string }).additionalProperty}'` : "";
    throw new UsageError(`${found.filepath}: ${where ? `${where}: ` : ""}${err.message}${extra}`);
  }
  return { file: found.filepath, config: found.config as NetdoctorConfig };
}

/** The filter of a run: `--skip` / `--only` values (comma-separated or repeated) added to the configuration's. */
export function filterOf(config: NetdoctorConfig, flags: { skip?: string[]; only?: string[] }): ReportFilter {
  const split = (l: readonly string[] | undefined) => (l ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
  return { skip: [...split(config.skip), ...split(flags.skip)], only: [...split(config.only), ...split(flags.only)], suppress: config.suppress ?? [] };
}
