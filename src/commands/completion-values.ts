/**
 * What shell completion offers as values, loaded only by the hidden
 * `netdoctor complete` command: check codes and ids (the registry the
 * engine runs, plus the probe's ND901), fix ids, hops, kubeconfig contexts,
 * built-in lab scenarios and undo record ids. Each list is `[value,
 * description]` pairs; anything unreadable yields an empty list, because a
 * completion must never print an error into the user's command line.
 */
import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { checks } from "../../checks/index.js";
import { HOPS } from "../engine/types.js";
import { PROBE_CHECK } from "../engine/verdict.js";
import { FIXES } from "../fixes/catalog.js";
import { netdoctorHome } from "../fixes/home.js";
import { builtinScenariosDir } from "../lab/defaults.js";

/** A completion candidate: the value and a one-line description. */
export type Candidate = readonly [value: string, description: string];

/** The value sources completion draws on. */
export interface CompletionValues {
  codes: Candidate[];
  checkIds: Candidate[];
  fixIds: Candidate[];
  hops: Candidate[];
  contexts: () => Candidate[];
  scenarios: () => Candidate[];
  undoIds: () => Candidate[];
}

/**
 * Context names of the kubeconfig kubectl would read: the files of
 * `KUBECONFIG` (split on the platform's path delimiter), else
 * `~/.kube/config`, read as YAML without loading the Kubernetes client.
 * Unreadable or malformed files contribute nothing.
 */
export function kubeconfigContexts(env: NodeJS.ProcessEnv = process.env): string[] {
  const files = env["KUBECONFIG"] ? env["KUBECONFIG"].split(delimiter).filter(Boolean) : [join(env["HOME"] ?? homedir(), ".kube", "config")];
  const names = new Set<string>();
  for (const f of files) {
    try {
      const doc = parseYaml(readFileSync(f, "utf8")) as { contexts?: { name?: unknown }[] } | null;
      for (const c of doc?.contexts ?? []) if (typeof c?.name === "string") names.add(c.name);
    } catch {
      // unreadable or not YAML: nothing to offer from this file
    }
  }
  return [...names];
}

/** Sub-directory names of `dir`, sorted; none when it cannot be read. */
function dirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Load every value source (the registry and the fix catalogue at once; files when asked). */
export async function loadCompletionValues(): Promise<CompletionValues> {
  return {
    codes: [...checks, PROBE_CHECK].map((c) => [c.code, `${c.id}: ${c.title}`]),
    checkIds: checks.map((c) => [c.id, `${c.code}: ${c.title}`]),
    fixIds: Object.entries(FIXES).map(([id, f]) => [id, f.title]),
    hops: ["env", ...HOPS].map((h) => [h, "every check of this hop"]),
    contexts: () => kubeconfigContexts().map((c) => [c, "kubeconfig context"]),
    scenarios: () => dirs(builtinScenariosDir()).map((s) => [s, "lab scenario"]),
    undoIds: () => dirs(join(netdoctorHome(), "undo")).reverse().map((id) => [id, "undo record"]),
  };
}
