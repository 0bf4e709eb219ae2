/**
 * `netdoctor watch TARGET [--interval MS] [--concurrency N] [--count N]`
 * (DESIGN §3): repeated end-to-end requests to one target with N concurrent
 * clients — the tool for "it works once but fails under 12 parallel test
 * processes". The target's address is resolved once; every request goes to
 * that address and port only, through the probe source (loopback only under
 * the lab). The run stops by itself after `--count` requests or at the
 * `--timeout` deadline, whichever comes first; a hung target costs at most
 * the per-request timeout per request and never outlives the deadline
 * (DESIGN §10). Output: a live TUI on a TTY, progress lines (at most one a
 * second) and a summary on other outputs, or the JSON summary with --json.
 * Exit code: 0 when every finished request succeeded, 1 otherwise, 2 for
 * usage errors.
 */
import { setMaxListeners } from "node:events";
import type { Command } from "commander";
import { parseResolve, parseTarget } from "../engine/target.js";
import type { Target } from "../engine/types.js";
import { UsageError } from "../errors.js";
import { parseDuration } from "./duration.js";
import type { LabState } from "../lab/contract.js";
import type { WatchTui } from "../ui/run-watch.js";
import type { StoppedBy, WatchSummary } from "../watch/summary.js";
import { collect, colorWanted, withRequestOptions, type OnAction, type RequestFlags } from "./run-options.js";

/** Options of the watch command, as commander parses them (strings until validated here). */
export interface WatchFlags extends RequestFlags {
  interval: string;
  concurrency: string;
  count: string;
  timeout: string;
  probeTimeout: string;
  json?: boolean;
  lab?: string | boolean;
  resolve: string[];
  color: boolean;
}

/** Define `netdoctor watch` on `cmd` (a fresh subcommand). */
export function defineWatch(cmd: Command, onAction: OnAction): Command {
  return withRequestOptions(cmd)
    .description("send repeated requests to one target with N concurrent clients; report success rate, latency percentiles and error signatures")
    .argument("[target]", "URL (http://api.openchoreo.localhost:8080/path) or host:port; with --lab, default: the scenario's first target")
    .option("--interval <duration>", "pause of each client between its requests (200ms, 1s; a plain number is seconds)", "200ms")
    .option("--concurrency <n>", "clients sending in parallel (1-64)", "1")
    .option("--count <n>", "total requests", "100")
    .option("--timeout <duration>", "deadline for the whole run (500ms, 20s, 1m; a plain number is seconds)", "30s")
    .option("--probe-timeout <duration>", "timeout of one request", "3s")
    .option("--resolve <host:port:addr>", "resolve HOST:PORT to ADDR, as curl does (repeatable)", collect, [])
    .option("--json", "print the JSON summary (schemaVersion 1) and nothing else on stdout")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and watch its first target")
    .option("--no-color", "no colours in the TUI (also when NO_COLOR is set)")
    .action((target: string | undefined, flags: WatchFlags) => onAction(watchCommand(target, flags)));
}

/** Most concurrent clients `--concurrency` accepts. */
export const MAX_CONCURRENCY = 64;
/** How often the live output (TUI frame or progress line) is refreshed, ms; progress lines are written at most this often. */
const PROGRESS_EVERY_MS = 1000;
const TUI_REFRESH_MS = 100;

/** Parse an integer flag within [min, max]. @throws UsageError */
function integer(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`${flag} ${JSON.stringify(raw)}: expected ${range}`);
  }
  return n;
}


/**
 * Under the lab, a target the user names on a scenario host port is served
 * on the remapped port (`LabState.portMap`): translate it, as every other
 * object naming that port was.
 */
function labTarget(target: Target, lab: LabState): Target {
  const served = lab.portMap[String(target.port)];
  if (served === undefined) return target;
  return parseTarget(target.url.replace(/^(\w+:\/\/(?:\[[^\]]+\]|[^/:]+)):\d+/, `$1:${served}`));
}


/**
 * Run `netdoctor watch`. Resolves to the exit code.
 * @throws UsageError (exit 2) for bad flags, a missing target, or a name that does not resolve.
 */
export async function watchCommand(rawTarget: string | undefined, flags: WatchFlags): Promise<number> {
  const started = performance.now();
  const intervalMs = parseDuration("--interval", flags.interval, { allowZero: true });
  // Before durations had one convention, a plain `--interval 200` meant milliseconds; now it is seconds.
  // A plain number of a minute or more is most likely an old script's milliseconds: say what it means.
  if (/^\s*\d+(\.\d*)?\s*$/.test(flags.interval) && intervalMs >= 60_000) {
    process.stderr.write(`netdoctor: --interval ${flags.interval.trim()} pauses ${flags.interval.trim()} s between requests (a plain number is seconds; write ${flags.interval.trim()}ms for milliseconds)\n`);
  }
  const concurrency = integer("--concurrency", flags.concurrency, 1, MAX_CONCURRENCY);
  const count = integer("--count", flags.count, 1);
  const timeoutMs = parseDuration("--timeout", flags.timeout);
  const probeTimeoutMs = Math.min(parseDuration("--probe-timeout", flags.probeTimeout), timeoutMs);
  const overrides = flags.resolve.map(parseResolve);
  // What a run needs beyond the flags loads here, not with the command definitions (`--help` stays small).
  const [{ describeRequestFlags, extraHeadersOf, hostHeaderOf, parseRequestOptions, withRequest }, { DEFAULT_LAB_SCENARIO, builtinScenariosDir }, { withScenarioRequests }, { formatHostPort }] = await Promise.all([
    import("../engine/request.js"),
    import("../lab/defaults.js"),
    import("../run-setup.js"),
    import("../host/addresses.js"),
  ]);
  const requestOptions = parseRequestOptions(flags.header, flags.request);
  let target = rawTarget === undefined ? undefined : parseTarget(rawTarget);
  const useLab = flags.lab !== undefined && flags.lab !== false;
  if (!target && !useLab) throw new UsageError("watch needs a TARGET, e.g. netdoctor watch http://api.openchoreo.localhost:8080/ (or --lab)");
  const mode = flags.json ? "json" : !process.stdout.isTTY || process.env["CI"] ? "text" : "tui";

  // One deadline for the whole run (lab start, resolution, requests), and Ctrl-C.
  const interrupt = new AbortController();
  const { onInterrupt } = await import("../lifecycle.js");
  const stopListening = onInterrupt(() => interrupt.abort());
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([deadline, interrupt.signal]);
  // Each client listens on the run's signal while a request or a pause is under way.
  setMaxListeners(4 * concurrency + 10, signal, deadline, interrupt.signal);

  let lab: { state: LabState; stop(): Promise<void> } | null = null;
  const timers: NodeJS.Timeout[] = [];
  try {
    if (useLab) {
      const { resolveScenario, startLab } = await import("../lab/index.js");
      const dir = resolveScenario(flags.lab === true ? DEFAULT_LAB_SCENARIO : (flags.lab as string), builtinScenariosDir());
      lab = await startLab(dir);
      if (target) target = labTarget(target, lab.state);
      else {
        const first = lab.state.targets[0];
        if (!first) throw new UsageError(`scenario ${lab.state.scenario} declares no target: pass one`);
        // The scenario's first target, with the request options the scenario gives it.
        target = withScenarioRequests([parseTarget(first)], lab.state.requests ?? [], lab.state.targets)[0]!;
      }
    }
    const t = withRequest(target!, requestOptions);
    const { createHostSource } = await import("../sources/live/host.js");
    const { createProbeSource, readLabState } = await import("../sources/live/probe.js");
    const labState = lab?.state ?? readLabState(process.env);
    const host = createHostSource({ lab: labState });
    const probe = createProbeSource({ lab: labState });
    const { forwarderOwns, resolveWatchAddress } = await import("../watch/target.js");
    const resolved = await resolveWatchAddress(t, overrides, host, signal);
    const hasForwarder = await forwarderOwns(host, resolved.address, t.port, signal);

    const { createWatchStats } = await import("../watch/stats.js");
    const { runWatchLoop } = await import("../watch/loop.js");
    const summaryMod = await import("../watch/summary.js");
    const stats = createWatchStats({ hasForwarder });
    const address = formatHostPort(resolved.address, t.port);
    // Printed as masked (credential headers, token query parameters); the probe sends the real values.
    const { maskCredentials, maskCredentialsIn } = await import("../report/mask.js");
    const shown = maskCredentialsIn({ url: t.url, ...(t.method !== undefined ? { method: t.method } : {}), ...(t.headers?.length ? { headers: t.headers } : {}) });
    const header = { target: maskCredentials(t.url), address, via: resolved.via, count, concurrency };

    // Live output: progress lines (text) or frames (TUI), refreshed only when a request finished since the last one.
    let changed = false;
    let tui: WatchTui | null = null;
    const viewState = (done: WatchSummary | null) => ({ ...header, ...stats.snapshot(), aborted: done?.aborted ?? 0, done: done !== null, durationMs: done?.durationMs ?? null, stoppedBy: done?.stoppedBy ?? null });
    if (mode === "text") {
      const flagsText = describeRequestFlags(shown);
      process.stdout.write(`netdoctor watch ${shown.url}${flagsText ? ` ${flagsText}` : ""} → ${address} (${resolved.via}): ${count} requests, ${concurrency} client${concurrency === 1 ? "" : "s"}, ${intervalMs} ms apart\n`);
      timers.push(
        setInterval(() => {
          if (!changed) return;
          changed = false;
          process.stdout.write(`${summaryMod.progressLine(stats.snapshot(), count)}\n`);
        }, PROGRESS_EVERY_MS),
      );
    } else if (mode === "tui") {
      const { runWatchTui } = await import("../ui/run-watch.js");
      const live = runWatchTui(viewState(null), { color: colorWanted(flags.color) });
      tui = live;
      timers.push(
        setInterval(() => {
          if (!changed) return;
          changed = false;
          live.update(viewState(null));
        }, TUI_REFRESH_MS),
      );
    }

    const outcome = await runWatchLoop({
      probe,
      request: {
        scheme: t.scheme,
        address: resolved.address,
        port: t.port,
        host: hostHeaderOf(t),
        path: t.path,
        ...(t.method !== undefined ? { method: t.method } : {}),
        ...(extraHeadersOf(t).length ? { headers: extraHeadersOf(t) } : {}),
        ...(t.headers?.some((h) => h.name.toLowerCase() === "host") ? { servername: t.host } : {}),
        timeoutMs: probeTimeoutMs,
      },
      count,
      concurrency,
      intervalMs,
      signal,
      onResult: (r) => {
        stats.record({ signature: r.signature, durationMs: r.durationMs, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error ? { error: r.error } : {}) });
        changed = true;
      },
    });
    for (const timer of timers) clearInterval(timer);

    const stoppedBy: StoppedBy = outcome.stoppedBy === "count" ? "count" : interrupt.signal.aborted && !deadline.aborted ? "interrupted" : "deadline";
    const snap = stats.snapshot();
    const summary: WatchSummary = maskCredentialsIn<WatchSummary>({
      schemaVersion: 1,
      target: t.url,
      ...(t.method !== undefined ? { method: t.method } : {}),
      ...(t.headers?.length ? { headers: t.headers } : {}),
      address,
      via: resolved.via,
      concurrency,
      count,
      intervalMs,
      requests: snap.requests,
      ok: snap.ok,
      failed: snap.failed,
      aborted: outcome.aborted,
      successRate: snap.successRate,
      latencyMs: snap.latencyMs,
      signatures: snap.signatures,
      byHop: snap.byHop,
      lastError: snap.lastError,
      durationMs: Math.round(performance.now() - started),
      stoppedBy,
    } satisfies WatchSummary);
    if (mode === "json") process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (mode === "text") process.stdout.write(summaryMod.summaryText(summary));
    else if (tui) {
      tui.update(viewState(summary));
      await tui.finished;
    }
    return summaryMod.watchExitCode(summary);
  } finally {
    for (const timer of timers) clearInterval(timer);
    stopListening();
    await lab?.stop();
  }
}
