/**
 * `netdoctor checks [--json]` and `netdoctor explain CODE|CHECK-ID`: the
 * check catalogue, from the same registry the engine runs. Their arguments
 * and flags are defined in src/commands/program.ts, which loads this module
 * when one of them runs.
 */
import { UsageError } from "../errors.js";
import { PROBE_CHECK } from "../engine/verdict.js";
import type { Check, FixId } from "../engine/types.js";
import { FIXES } from "../fixes/catalog.js";
import { loadChecks } from "../load-checks.js";

/** One catalogue row, as `checks --json` prints it. */
export interface CatalogEntry {
  id: string;
  code: string;
  hop: string;
  title: string;
  dependsOn: string[];
  fixes: string[];
}

/**
 * Catalogue rows sorted by code: every check, plus the end-to-end probe's
 * pseudo-check ND901 (hop `probe`), which carries a verdict when no check
 * explains a failed probe and so appears in reports like any code.
 */
export function catalog(checks: readonly Check[]): CatalogEntry[] {
  return [...checks, PROBE_EXPLAIN]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((c) => ({ id: c.id, code: c.code, hop: c.hop, title: c.title, dependsOn: c.dependsOn ?? [], fixes: c.fixes ?? [] }));
}

/** `netdoctor checks`. */
export async function checksCommand(flags: { json?: boolean; checksDir?: string }): Promise<number> {
  const rows = catalog(await loadChecks(flags.checksDir));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ schemaVersion: 1, checks: rows }, null, 2)}\n`);
    return 0;
  }
  const w = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) process.stdout.write(`${r.code}  ${r.hop.padEnd(9)}  ${r.id.padEnd(w)}  ${r.title}\n`);
  return 0;
}

/** The explanation text of one check (also used to generate docs). */
export function explainText(c: Pick<Check, "id" | "code" | "title" | "dependsOn" | "fixes" | "explain"> & { hop: string }): string {
  const lines = [`${c.code} ${c.id} (hop ${c.hop})`, `healthy when: ${c.title}`, ""];
  if (c.explain) {
    lines.push(`What it means: ${c.explain.meaning}`, "", `Why it happens: ${c.explain.causes}`, "", `How to fix it: ${c.explain.fix}`);
    if (c.explain.links?.length) lines.push("", "Read more:", ...c.explain.links.map((l) => `  ${l}`));
  }
  if (c.fixes?.length) lines.push("", `Fixes offered: ${c.fixes.map((f) => `${f} (${FIXES[f].title})`).join(", ")}`);
  if (c.dependsOn?.length) lines.push(`Depends on: ${c.dependsOn.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** The end-to-end probe's pseudo-check, for `explain ND901` and docs/checks.md. */
export const PROBE_EXPLAIN: Pick<Check, "id" | "code" | "title" | "explain" | "dependsOn" | "fixes"> & { hop: string } = {
  ...PROBE_CHECK,
  hop: "probe",
  explain: {
    meaning:
      "The real HTTP request through the whole path failed although no static check found a cause. The verdict names the hop the answer's signature points to (connection refused: host-port; empty reply/reset: container or forwarder; traefik 404: service when traefik holds a port the path's own gateway should, route when traefik is the path's own Ingress controller or Gateway API provider (no router matched); Envoy 404 or empty 500: route; Envoy 503: backend).",
    causes: "Something netdoctor does not model yet, state that changed between the checks and the probe, or a check that could not read what it needed (see skipped checks).",
    fix: "Look at the hop the verdict names with --verbose; rerun; if it persists, report it with the `--json` output attached.",
  },
};

/** `netdoctor explain CODE|CHECK-ID`. */
export async function explainCommand(what: string, flags: { checksDir?: string }): Promise<number> {
  const checks = await loadChecks(flags.checksDir);
  const key = what.trim();
  const hit = [...checks, PROBE_EXPLAIN].find((c) => c.code.toUpperCase() === key.toUpperCase() || c.id === key);
  if (hit) {
    process.stdout.write(explainText(hit));
    return 0;
  }
  if (Object.hasOwn(FIXES, key)) {
    process.stdout.write(explainFix(key as FixId, checks));
    return 0;
  }
  throw new UsageError(`unknown check or fix ${JSON.stringify(what)}: run \`netdoctor checks\` for the checks (fixes: ${Object.keys(FIXES).join(", ")})`);
}

/** `netdoctor explain FIX-ID`: what the fix does, when it applies, its risk, and the checks that recommend it. */
export function explainFix(id: FixId, checks: readonly Pick<Check, "id" | "code" | "fixes">[]): string {
  const f = FIXES[id];
  const by = checks.filter((c) => c.fixes?.includes(id)).map((c) => `${c.code} ${c.id}`);
  return `${[
    `fix ${id} (${f.risk})`,
    `${f.title}`,
    "",
    `Applies when: ${f.appliesWhen}`,
    `Recommended by: ${by.length ? by.join(", ") : "no check"}`,
    "",
    `Plan it: netdoctor fix ${id} --dry-run`,
    `Apply it: netdoctor fix ${id} (asks first; --yes in scripts); undo: netdoctor undo`,
  ].join("\n")}\n`;
}
