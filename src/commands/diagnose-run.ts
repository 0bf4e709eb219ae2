/**
 * The diagnose command's run (DESIGN §3): build sources (live, or pointed at
 * a lab), pick targets, run the engine, feed its events to one reporter (TUI,
 * text or JSON) and return the exit code. src/commands/diagnose.ts calls it
 * after commander parsed the command line: for the printed formats from the
 * CommonJS diagnosis bundle (src/commands/diagnose-cached.ts), which holds no
 * TUI, so the TUI's part comes in as a {@link TuiBinding}
 * (src/commands/diagnose-tui.ts).
 */
import { writeFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { parseHostAddress, parseResolve, parseTarget } from "../engine/target.js";
import type { Check, PathFacts, Target } from "../engine/types.js";
import type { RecordingInfo, Report, RunEvent, RunListener } from "../report/types.js";
import { toolVersion } from "../version.js";
import type { DiagnoseFlags } from "./diagnose.js";
import { parseDuration } from "./duration.js";
import { chooseMode, exitCodeFor, type Mode } from "./output-mode.js";
import { colorWanted } from "./run-options.js";

/** What the TUI needs to offer fixes: the runner (once the run ended), its progress, and the latest report. */
export interface TuiFixes {
  fixer: Promise<import("../fixes/types.js").FixRunner | null>;
  fixProgress: (listener: (what: "applying" | "re-checking", attempt: number) => void) => () => void;
  onReport: (r: Report) => void;
  latest: () => Report | null;
}

/** The run as the TUI's fixes see it. */
export type SetUpRun = Awaited<ReturnType<typeof import("../run-setup.js").setupRun>>;

/** What the TUI's fixes are built with besides the run. */
export interface TuiFixOptions {
  checks: Awaited<ReturnType<typeof import("../load-checks.js").loadChecks>>;
  resolve: ReturnType<typeof parseResolve>[];
  hostAddress: string;
  namespace: string | null;
  probeTimeoutMs: number;
  timeoutMs: number;
}

/** The TUI's part of a run (src/commands/diagnose-tui.ts): it lives in the ES module part with Ink, never in the CommonJS diagnosis bundle. */
export interface TuiBinding {
  /** Mount the TUI on the run's events; resolves when the user leaves it. */
  start(subscribe: (l: RunListener) => () => void, opts: { color: boolean; fixer?: TuiFixes["fixer"]; fixProgress?: TuiFixes["fixProgress"]; onReport?: TuiFixes["onReport"] }): Promise<void>;
  /** A FixRunner over the run that ends with `done`; re-checks diagnose the same targets with fresh sources. */
  fixes(done: Promise<Report | null>, facts: () => PathFacts[], run: SetUpRun, o: TuiFixOptions): Promise<TuiFixes>;
}

/** The TUI binding, which src/commands/diagnose.ts gives whenever the mode is the TUI. */
function requireTui(tui: TuiBinding | undefined): TuiBinding {
  if (!tui) throw new Error("the TUI is not part of this bundle: src/commands/diagnose.ts runs it from the ES module part");
  return tui;
}

/** An event hub that replays past events to late subscribers (the TUI mounts after the run starts). */
function eventHub() {
  const past: RunEvent[] = [];
  const listeners = new Set<RunListener>();
  return {
    emit(e: RunEvent) {
      past.push(e);
      for (const l of listeners) l(e);
    },
    /** Has anyone subscribed (and not left)? */
    listening(): boolean {
      return listeners.size > 0;
    },
    subscribe(l: RunListener): () => void {
      for (const e of past) l(e);
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/**
 * Diagnose the targets (or the lab's). Resolves to the exit code.
 * @throws UsageError / ScenarioError / PluginError for bad input (exit 2).
 */
export async function runDiagnose(rawTargets: string[], flags: DiagnoseFlags, tui?: TuiBinding): Promise<number> {
  const timeoutMs = parseDuration("--timeout", flags.timeout);
  const probeTimeoutMs = Math.min(parseDuration("--probe-timeout", flags.probeTimeout), timeoutMs);
  const resolve = flags.resolve.map(parseResolve);
  let targets: Target[] = rawTargets.map(parseTarget);
  const { parseRequestOptions } = await import("../engine/request.js");
  parseRequestOptions(flags.header, flags.request); // a bad -H / -X is a usage error before anything runs
  const mode = chooseMode(flags);

  if (flags.from !== undefined && flags.lab !== undefined && flags.lab !== false) throw new UsageError("--from and --lab cannot be combined: pick the bundle or the lab");
  if (flags.from !== undefined) return diagnoseBundle(flags.from, targets, flags, { mode, checks: await import("../load-checks.js").then((m) => m.loadChecks(flags.checksDir)), timeoutMs, probeTimeoutMs, resolve });

  // The set-up sends every read of the run first; the checks, the engine and the reporter are evaluated once those are
  // in flight, while the API server answers (issue 12: module evaluation before the first request was start-up the
  // cluster's answers could not overlap). A bad --checks-dir is still reported before a set-up error.
  // (diagnose-for, not the fix runner: a diagnosis loads no fix plugins.)
  const { setupRun } = await import("../run-setup.js");
  const [setUp] = await Promise.allSettled([setupRun(targets, flags, timeoutMs)]);
  let checks: Check[];
  try {
    const [{ loadChecks }] = await Promise.all([
      import("../load-checks.js"),
      import("../fixes/diagnose-for.js"),
      mode === "json" ? import("../report/json.js") : mode === "text" ? import("../report/text.js") : undefined,
    ]);
    checks = await loadChecks(flags.checksDir);
  } catch (e) {
    // A bad --checks-dir is reported first, as before; a lab the set-up started is stopped.
    if (setUp.status === "fulfilled") await setUp.value.stop();
    throw e;
  }
  if (setUp.status === "rejected") throw setUp.reason;
  const run = setUp.value;
  const { live, hostAddress, discovery } = run;
  targets = run.targets;
  // In the TUI, the failing hops offer their fixes (DESIGN §5): a FixRunner over this run, once it has ended.
  let facts: PathFacts[] = [];
  let ready: (r: Report | null) => void = () => undefined;
  const done = new Promise<Report | null>((r) => (ready = r));
  const tuiFixes = mode === "tui" ? await requireTui(tui).fixes(done, () => facts, run, { checks, resolve, hostAddress, namespace: flags.namespace ?? null, probeTimeoutMs, timeoutMs }) : undefined;
  try {
    return await report(
      mode,
      flags,
      checks,
      async (onEvent) => {
        const { diagnoseFor } = await import("../fixes/diagnose-for.js");
        try {
          const d = await diagnoseFor({
            checks,
            targets,
            sources: live.sources,
            options: { resolve, hostAddress, namespace: flags.namespace ?? null, probeTimeoutMs },
            timeoutMs,
            signal: run.deadline,
            toolVersion: toolVersion(),
            // Discovery rides on the run's own events, so every reporter sees it first (run-start) and in the report (run-end).
            onEvent: (e) => {
              if (discovery && e.type === "run-start") e = { ...e, discovery };
              if (discovery && e.type === "run-end") e.report.discovery = discovery;
              onEvent(e);
            },
          });
          facts = d.facts;
          ready(d.report);
          return d.report;
        } catch (e) {
          ready(null);
          throw e;
        }
      },
      tui,
      tuiFixes,
    );
  } finally {
    await run.stop();
  }
}

/**
 * `--from BUNDLE`: re-run every check on a bundle's recorded data (DESIGN §9)
 * for the recorded targets (or the ones given), with the recorded run's
 * host address, `--resolve` and namespace unless overridden. No network: the
 * recorded sources answer every read, probes with their recorded outcomes.
 * @throws BundleError (exit 2) for a missing or broken bundle.
 */
async function diagnoseBundle(
  from: string,
  given: Target[],
  flags: DiagnoseFlags,
  run: { mode: Mode; checks: Awaited<ReturnType<typeof import("../load-checks.js").loadChecks>>; timeoutMs: number; probeTimeoutMs: number; resolve: ReturnType<typeof parseResolve>[] },
): Promise<number> {
  const { openBundle } = await import("../bundle/read.js");
  const { isPlainRequest, parseRequestOptions, requestFromRecord, withRequest } = await import("../engine/request.js");
  const bundle = await openBundle(from);
  try {
    const { createRecordedSources } = await import("../sources/recorded.js");
    const sources = createRecordedSources(bundle);
    const recorded = bundle.report;
    const recordedFlags = bundle.manifest.flags;
    // The request each path recorded (-H/-X, DESIGN §9) is replayed; -H/-X given now replace the recorded flags.
    const now = parseRequestOptions(flags.header, flags.request);
    const asRecorded = parseRequestOptions(
      Array.isArray(recordedFlags["header"]) ? recordedFlags["header"].filter((h): h is string => typeof h === "string") : [],
      typeof recordedFlags["request"] === "string" ? recordedFlags["request"] : undefined,
    );
    const targets =
      given.length > 0
        ? given.map((t) => withRequest(t, isPlainRequest(now) ? asRecorded : now))
        : recorded.paths.map((p) => withRequest(withRequest(parseTarget(p.target.url), requestFromRecord(p.target)), now));
    if (targets.length === 0) throw new UsageError(`${from}: the bundle's report.json has no paths, and no target was given`);
    const recordedResolve = Array.isArray(recordedFlags["resolve"]) ? recordedFlags["resolve"].filter((r): r is string => typeof r === "string").map(parseResolve) : [];
    const resolve = run.resolve.length > 0 ? run.resolve : recordedResolve;
    const namespace = flags.namespace ?? (typeof recordedFlags["namespace"] === "string" ? recordedFlags["namespace"] : null);
    const hostAddress = (flags.hostAddress !== undefined ? parseHostAddress(flags.hostAddress) : undefined) ?? recorded.environment?.hostAddress ?? "127.0.0.1";
    const discovery = given.length === 0 ? recorded.discovery : undefined;
    const recording: RecordingInfo = { bundle: from, recordedAt: bundle.manifest.createdAt, recordedBy: bundle.manifest.toolVersion };
    return await report(run.mode, flags, run.checks, async (onEvent) => {
      const { runDiagnosis } = await import("../engine/run.js");
      const { describeFixes } = await import("../fixes/catalog.js");
      return runDiagnosis({
        checks: run.checks,
        targets,
        sources,
        options: { resolve, hostAddress, namespace, probeTimeoutMs: run.probeTimeoutMs },
        timeoutMs: run.timeoutMs,
        toolVersion: toolVersion(),
        describeFixes,
        onEvent: (e) => {
          if (e.type === "run-start") e = { ...e, recording, ...(discovery ? { discovery } : {}) };
          if (e.type === "run-end") {
            e.report.recording = recording;
            if (discovery) e.report.discovery = discovery;
          }
          onEvent(e);
        },
      });
    });
  } finally {
    await bundle.cleanup();
  }
}

/** Feed a run's events to the reporter of `mode`, print JSON / write JUnit at the end, and return the exit code. */
async function report(
  mode: Mode,
  flags: DiagnoseFlags,
  checks: readonly Check[],
  execute: (onEvent: (e: RunEvent) => void) => Promise<Report>,
  tuiBinding?: TuiBinding,
  fixes?: TuiFixes,
): Promise<number> {
  const hub = eventHub();
  const { maskCredentialsIn } = await import("../report/mask.js");
  let tui: Promise<void> | null = null;
  if (mode === "tui") {
    tui = requireTui(tuiBinding).start(hub.subscribe, { color: colorWanted(flags.color), ...(fixes ? { fixer: fixes.fixer, fixProgress: fixes.fixProgress, onReport: fixes.onReport } : {}) });
  } else if (process.stderr.isTTY) {
    // Progress goes to stderr, and only on a terminal: stdout carries the report alone.
    const { createProgressReporter } = await import("../report/text.js");
    hub.subscribe(createProgressReporter((s) => process.stderr.write(s)));
  }
  // Filters and suppressions (flags and the configuration file) apply to what every reporter sees.
  const { loadConfig, filterOf } = await import("./config.js");
  const { applyFilter, applyPathFilter, selects } = await import("../report/filter.js");
  const loaded = await loadConfig(flags.config);
  const filter = filterOf(loaded.config, flags);
  // A selector that names no check would filter nothing, silently: refuse it (exit 2).
  const { PROBE_CHECK } = await import("../engine/verdict.js");
  const known = [...checks.map((c) => ({ code: c.code, id: c.id, hop: c.hop as string })), { code: PROBE_CHECK.code, id: PROBE_CHECK.id, hop: "probe" }];
  for (const [where, list] of [["--skip", filter.skip], ["--only", filter.only], [loaded.file ?? "config", filter.suppress.map((s) => s.check)]] as const) {
    for (const sel of list) if (!known.some((c) => selects(sel, c as never))) throw new UsageError(`${where}: ${JSON.stringify(sel)} names no check (expected a check code such as ND502, a check id such as service.port-free, or a hop such as service)`);
  }
  // No reporter prints a credential: a URL's password (a kubeconfig server https://admin:pw@…), -H 'Authorization: …', ?access_token=… (src/report/mask.ts).
  // Events nobody will read (a printed format without progress on stderr) are neither filtered nor masked: the TUI subscribes late, so it gets them all.
  const result = await execute((e) => {
    if (mode !== "tui" && !hub.listening()) return;
    if (e.type === "path-end") e = { ...e, report: applyPathFilter(e.report, filter) };
    if (e.type === "run-end") e = { ...e, report: applyFilter(e.report, filter) };
    hub.emit(maskCredentialsIn(e));
  }).then((r) => maskCredentialsIn(applyFilter(r, filter)));
  if (mode === "text") {
    const { renderText } = await import("../report/text.js");
    process.stdout.write(renderText(result, { verbose: !!flags.verbose }));
  } else if (mode === "short" || mode === "wide") {
    const { renderShort } = await import("../report/text.js");
    process.stdout.write(renderShort(result, { wide: mode === "wide" }));
  } else if (mode === "json") {
    const { renderJson } = await import("../report/json.js");
    process.stdout.write(renderJson(result));
  } else if (mode === "yaml") {
    const { renderYaml } = await import("../report/yaml.js");
    process.stdout.write(renderYaml(result));
  }
  // GitHub Actions: annotations and the job summary (-o github: the annotations alone on stdout).
  if (mode === "github" || (process.env["GITHUB_ACTIONS"] === "true" && mode === "text")) {
    const { writeAnnotations, writeSummary } = await import("../report/github.js");
    await writeAnnotations(result, { failOnWarn: flags.failOn === "warn" });
    await writeSummary(result);
  }
  if (tui) await tui;
  // After fixes applied in the TUI, the last re-check is what the user saw and what the exit code says.
  const final = fixes?.latest() ?? result;
  if (flags.junit) {
    const { renderJunit } = await import("../report/junit.js");
    await writeFile(flags.junit, renderJunit(final, { failOn: flags.failOn }));
  }
  return exitCodeFor(final.status, flags.failOn);
}
