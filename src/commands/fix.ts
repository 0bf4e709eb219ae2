/**
 * `netdoctor fix [FIX-ID...] [TARGET...] [--yes] [--dry-run] [--json]`
 * (DESIGN §3, §5): diagnose, plan the fixes the failing checks recommend (or
 * the ones named), ask before changing anything, apply, re-check, report
 * before → after.
 *
 * `--yes` applies the safe fixes it finds, and a disruptive one (remove-traefik,
 * the port mappings) only when it is named.
 *
 * Exit codes: 0 every fix was applied and the checks it was for pass (with
 * --dry-run: every plan can be applied; nothing to fix: the diagnosis
 * passes); 1 a fix was refused, declined, failed, is applied by hand, or its
 * checks still fail; 2 usage error, no consent possible (no --yes and stdin
 * is not a terminal), or netdoctor could not run.
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { parseDuration } from "./duration.js";
import { editDistance } from "./targets.js";
import { parseResolve, parseTarget } from "../engine/target.js";
import type { FixId, Target } from "../engine/types.js";
import type { Diagnosis } from "../fixes/runner.js";
import type { FixOutcome, FixPlan, PlanStep } from "../fixes/types.js";
import type { Sources } from "../sources/types.js";
import { toolVersion } from "../version.js";
import { withClusterOptions, withRequestOptions, type OnAction, type RunFlags } from "./run-options.js";

/** Options of `netdoctor fix`, as parsed. */
export interface FixFlags extends RunFlags {
  yes?: boolean;
  dryRun?: boolean;
  /** `--address ADDR`: where a socat forward listens. */
  address?: string;
  /** `--port P`: where a socat forward listens. */
  port?: string;
  /** `--wait DURATION` (20s, 1m, plain seconds): how long to keep re-checking after a fix while its checks still fail. */
  wait: string;
}

/** Define `netdoctor fix` on `cmd` (a fresh subcommand). */
export function defineFix(cmd: Command, onAction: OnAction): Command {
  return withRequestOptions(withClusterOptions(cmd))
    .description("diagnose, then plan the fixes the failing checks recommend (or the FIX-IDs named), ask, apply, re-check and report before → after")
    .argument("[fix-or-target...]", "fix ids (remove-traefik, service-to-nodeport, socat-forward, kind-port-mapping, k3d-port-mapping, hosts-entry) and/or URLs")
    .option("-y, --yes", "apply without asking (needed when stdin is not a terminal)")
    .option("--dry-run", "print the plans only; change nothing")
    .option("--json", "print one JSON document ({schemaVersion, fixes[]}) and nothing else on stdout")
    .option("--address <addr>", "socat-forward: address the forward listens on", undefined)
    .option("--port <port>", "socat-forward: port the forward listens on (default: the target's)")
    .option("--wait <duration>", "keep re-checking this long after a fix while its checks still fail (controllers act asynchronously)", "30s")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and fix it")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--timeout <duration>", "deadline of each diagnosis (500ms, 20s, 1m; a plain number is seconds)", "20s")
    .option("--probe-timeout <duration>", "timeout of one probe attempt", "3s")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .action((args: string[], flags: FixFlags) => onAction(fixCommand(args, flags)));
}

/** One fix the command works through. */
interface Candidate {
  id: FixId;
  pathIndex: number;
}


const FIX_IDS: FixId[] = ["remove-traefik", "service-to-nodeport", "socat-forward", "kind-port-mapping", "k3d-port-mapping", "hosts-entry"];


/** The fix ids a word most likely meant: within 3 edits, or a part of the id (`traefik` → remove-traefik, `nodeport` → service-to-nodeport). */
export function fixSuggestions(word: string): FixId[] {
  const w = word.toLowerCase();
  const byDistance = (ids: FixId[]) => ids.map((id) => ({ id, d: editDistance(w, id) })).sort((a, b) => a.d - b.d).map((x) => x.id);
  const strong = FIX_IDS.filter((id) => editDistance(w, id) <= 3 || (w.length >= 4 && id.includes(w)));
  if (strong.length > 0) return byDistance(strong);
  return byDistance(FIX_IDS.filter((id) => id.split("-").some((part) => part.length >= 4 && w.includes(part))));
}

/**
 * Whether `word` names a target explicitly: a URL with a scheme, `host:port`,
 * a dotted host name (`api.openchoreo.localhost`), an IP address, or
 * `localhost`. A bare single word (`traefik`, `my-app`) is not: in `fix` it
 * is far likelier a mistyped or half-remembered fix id than a host, and a fix
 * must not act on a guess (a hosts entry for `traefik`).
 */
function explicitTarget(word: string): boolean {
  const w = word.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w)) return true;
  if (/^\[[0-9a-f:.]+\](:\d+)?$/i.test(w)) return true;
  if (/:\d+(\/.*)?$/.test(w)) return true;
  const host = w.split("/")[0]!;
  return host.includes(".") || host.toLowerCase() === "localhost";
}

/**
 * `[FIX-ID...] [TARGET...]`: words naming a fix are fix ids; explicit
 * targets (URL, `host:port`, dotted host name) are targets. Anything else is a
 * usage error with a did-you-mean: `fix traefik` is refused, not taken as the
 * host `traefik`.
 * @throws UsageError for a word that is neither a fix id nor an explicit target
 */
export function splitFixArgs(args: string[], known: (id: string) => id is FixId): { ids: FixId[]; targets: Target[] } {
  const ids: FixId[] = [];
  const targets: Target[] = [];
  const fixes = `fixes: ${FIX_IDS.join(", ")}`;
  for (const a of args) {
    if (known(a)) {
      if (!ids.includes(a)) ids.push(a);
      continue;
    }
    const suggestions = fixSuggestions(a);
    const meant = suggestions.length > 0 ? `: did you mean ${suggestions.join(" or ")}?` : "";
    if (/^[a-z0-9]+(-[a-z0-9]+)+$/.test(a) && FIX_IDS.some((id) => editDistance(a, id) <= 3)) {
      throw new UsageError(`unknown fix ${JSON.stringify(a)}${meant} (${fixes})`);
    }
    if (!explicitTarget(a)) {
      throw new UsageError(
        `${JSON.stringify(a)} is neither a fix id nor a target${meant} (${fixes}; a target is a URL or host:port, e.g. http://${a.toLowerCase()}:80/)`,
      );
    }
    targets.push(parseTarget(a));
  }
  return { ids, targets };
}

/** A plan as text lines (also used by the TUI's plain fallback). */
export function planLines(plan: FixPlan): string[] {
  const out: string[] = [];
  plan.steps.forEach((s: PlanStep, i) => {
    const what = s.object ?? s.file ?? "";
    out.push(`  ${i + 1}. ${s.action}${what ? ` ${what}` : ""}${s.line ? `: ${s.line}` : ""}`);
    for (const d of s.diff ?? []) out.push(`       ${d}`);
    if (s.command) out.push(`       $ ${s.command}`);
    if (s.note) out.push(`       ${s.note}`);
  });
  for (const n of plan.notes) out.push(`  note: ${n}`);
  if (plan.refusal) out.push(`  cannot apply: ${plan.refusal}`);
  else if (!plan.automatic) out.push("  netdoctor does not apply this one: do the steps above by hand");
  return out;
}

/** The outcome as text lines. */
function outcomeLines(o: FixOutcome): string[] {
  const v = (s: FixOutcome["before"]) => `${s.status.toUpperCase()}${s.verdict ? ` at ${s.verdict.hop} (${s.verdict.code})` : ""}`;
  const out: string[] = [];
  if (o.applied) {
    out.push(`  applied. ${o.target}: ${v(o.before)} → ${o.after ? v(o.after) : "not re-checked"}`);
    // An object someone else deleted first counts as done (issue 11 §5): say so rather than hide it.
    for (const st of o.plan) if (st.object && st.note?.startsWith("already absent")) out.push(`    ${st.object}: ${st.note}`);
    for (const c of o.checks) out.push(`    ${c.id} (${c.code}): ${c.before} → ${c.after ?? "?"}`);
    if (o.undoId) out.push(`  undo: netdoctor undo ${o.undoId}`);
  }
  if (o.error) out.push(`  ${o.applied ? "" : "not applied: "}${o.error}`);
  return out;
}

/** Ask y/N on the terminal (stderr, so stdout stays the report). */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * Run `netdoctor fix`. Resolves to the exit code.
 * @throws UsageError / ScenarioError for bad input (exit 2).
 */
export async function fixCommand(args: string[], flags: FixFlags): Promise<number> {
  const { FIX_PLUGINS, isFixId } = await import("../fixes/index.js");
  const { ids, targets: given } = splitFixArgs(args, isFixId);
  const timeoutMs = parseDuration("--timeout", flags.timeout);
  const probeTimeoutMs = Math.min(parseDuration("--probe-timeout", flags.probeTimeout), timeoutMs);
  const settleMs = parseDuration("--wait", flags.wait, { allowZero: true });
  const resolve = flags.resolve.map(parseResolve);
  let port: number | undefined;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port ${JSON.stringify(flags.port)}: expected a TCP port (1-65535)`);
  }
  const json = !!flags.json;
  // Printed text and the fix document mask credentials (-H 'Authorization: …', ?access_token=…); the fixes use the real values.
  const { maskCredentials, maskCredentialsIn } = await import("../report/mask.js");
  const say = (s: string) => (json ? process.stderr : process.stdout).write(`${maskCredentials(s)}\n`);
  const interactive = Boolean(process.stdin.isTTY);

  const { loadChecks } = await import("../load-checks.js");
  const checks = await loadChecks(flags.checksDir);
  const { setupRun } = await import("../run-setup.js");
  const run = await setupRun(given, flags, timeoutMs);
  try {
    const { createRunFixRunner, diagnoseFor, offeredFixes } = await import("../fixes/runner.js");
    // The first diagnosis shares the run's deadline with discovery; each re-check after a fix has a deadline of its own.
    const diagnoseWith = (sources: Sources, targets: Target[], signal?: AbortSignal): Promise<Diagnosis> =>
      diagnoseFor({
        checks,
        targets,
        sources,
        options: { resolve, hostAddress: run.hostAddress, namespace: flags.namespace ?? null, probeTimeoutMs },
        timeoutMs,
        ...(signal ? { signal } : {}),
        toolVersion: toolVersion(),
      });
    const initial = await diagnoseWith(run.live.sources, run.targets, run.deadline);
    const runner = createRunFixRunner(run, initial, diagnoseWith, {
      options: { ...(flags.address ? { address: flags.address } : {}), ...(port ? { port } : {}) },
      settleMs,
      onProgress: (what, attempt) => {
        if (!json && what === "re-checking") say(attempt === 1 ? "  re-checking…" : `  re-checking (attempt ${attempt})…`);
      },
    });

    for (const p of initial.report.paths) say(`${p.target.url}  ${p.status.toUpperCase()}${p.verdict ? `  ${p.verdict.hop} (${p.verdict.code}): ${p.verdict.summary}` : ""}`);

    // Which fixes, for which path: the named ones where a failing check recommends them, else every recommended one.
    const candidates: Candidate[] = [];
    const unrecommended: FixId[] = [];
    const wanted = ids.length > 0 ? ids : null;
    initial.report.paths.forEach((p, i) => {
      for (const id of offeredFixes(p)) if ((!wanted || wanted.includes(id)) && !candidates.some((c) => c.id === id)) candidates.push({ id, pathIndex: i });
    });
    for (const id of wanted ?? []) if (!candidates.some((c) => c.id === id)) unrecommended.push(id);
    // Prerequisites first: a Service needs its NodePort before socat-forward can relay to it.
    candidates.sort((a, b) => FIX_IDS.indexOf(a.id) - FIX_IDS.indexOf(b.id));

    const outcomes: FixOutcome[] = [];
    for (const id of unrecommended) {
      const f = FIX_PLUGINS[id];
      const p = initial.report.paths[0];
      outcomes.push({
        id, title: f.title, risk: f.risk, applied: false, plan: [], notes: [], target: p?.target.url ?? "",
        before: { status: p?.status ?? "pass", verdict: null }, after: null, checks: [], undoId: null,
        error: `not recommended: no failing check on ${initial.report.paths.map((x) => x.target.url).join(", ")} asks for ${id}`,
      });
      say(`${id}: not recommended by any failing check: nothing done`);
    }
    if (candidates.length === 0 && unrecommended.length === 0) {
      say(initial.report.status === "pass" ? "nothing to fix: every check passes" : "no fix is recommended for what fails: see netdoctor explain CODE");
    }

    let noConsent = false;
    let done = 0;
    for (const c of candidates) {
      const fix = FIX_PLUGINS[c.id];
      // An earlier fix may have made this one unnecessary: re-offer on the latest diagnosis.
      if (done > 0 && !runner.offered(c.pathIndex).includes(c.id)) {
        say(`\n${c.id}: no longer recommended after the fixes above: skipped`);
        continue;
      }
      const plan = await runner.plan(c.id, c.pathIndex);
      const path = runner.current().report.paths[c.pathIndex]!;
      say(`\nFix ${fix.id} (${fix.risk}) for ${path.target.url}: ${fix.title}`);
      for (const l of planLines(plan)) say(l);
      let consent = !!flags.yes;
      let declined: string | null = null;
      if (flags.dryRun) declined = "--dry-run: nothing was changed";
      else if (plan.refusal || !plan.automatic) declined = null; // the runner reports why
      else if (consent && fix.risk === "disruptive" && !ids.includes(fix.id)) {
        // --yes is consent to what was asked for: a disruptive fix must be named (or confirmed at the terminal).
        declined = `not applied: ${fix.id} is disruptive, and --yes applies a disruptive fix only when it is named: netdoctor fix ${fix.id} --yes`;
      } else if (!consent && !interactive) {
        declined = "not applied: netdoctor asks before changing anything and stdin is not a terminal; rerun with --yes to apply (or --dry-run to see the plan only)";
        noConsent = true;
      } else if (!consent) {
        consent = await confirm(`Apply ${fix.id}${fix.risk === "disruptive" ? " (disruptive)" : ""}? [y/N] `);
        if (!consent) declined = "declined: nothing was changed";
      }
      if (declined) {
        const { pathState } = await import("../fixes/runner.js");
        outcomes.push({
          id: fix.id, title: fix.title, risk: fix.risk, applied: false, plan: plan.steps, notes: plan.notes, target: (plan.verifyTarget ?? path.target).url,
          before: pathState(path), after: null, checks: [], undoId: null, error: flags.dryRun ? (plan.refusal ?? null) : declined,
        });
        say(`  ${declined}`);
        continue;
      }
      const { outcome } = await runner.apply(plan, c.pathIndex);
      if (outcome.applied) done++;
      outcomes.push(outcome);
      for (const l of outcomeLines(outcome)) say(l);
    }

    if (json) process.stdout.write(`${JSON.stringify(maskCredentialsIn({ schemaVersion: 1, fixes: outcomes }), null, 2)}\n`);
    if (noConsent) return 2;
    if (flags.dryRun) return outcomes.some((o) => o.error) ? 1 : 0;
    if (outcomes.length === 0) return initial.report.status === "fail" ? 1 : 0;
    return outcomes.every((o) => o.applied && !o.error) ? 0 : 1;
  } finally {
    await run.stop();
  }
}
