/**
 * What every command that diagnoses needs before the engine runs: the lab
 * when `--lab` is given, the live sources (pointed at the lab or at the
 * user's cluster), the check that a kubeconfig the user named loads, the host
 * address, and — without TARGET — the discovered entry points (DESIGN §3).
 * Shared by `netdoctor` and `netdoctor bundle`.
 */
import { UsageError } from "./errors.js";
import { parseRequestOptions, withRequest } from "./engine/request.js";
import { parseHostAddress, parseTarget } from "./engine/target.js";
import type { Target } from "./engine/types.js";
import type { DiscoveryReport } from "./report/types.js";

/** The options that shape the run's environment. */
export interface RunSetupFlags {
  lab?: string | boolean;
  keepPorts?: boolean;
  kubeconfig?: string;
  context?: string;
  dockerHost?: string;
  hostAddress?: string;
  /** `-H` values (validated here, before the lab starts). */
  header?: string[];
  /** `-X` value. */
  request?: string;
  /** `-n/--namespace`: discovery keeps the entry points of this namespace. */
  namespace?: string;
}

/** A run ready for the engine; `stop()` stops the lab (when one was started). */
export interface RunSetup {
  live: Awaited<ReturnType<typeof import("./sources/live/index.js").createLiveSources>>;
  hostAddress: string;
  targets: Target[];
  /** Set when the targets were discovered (no TARGET given). */
  discovery: DiscoveryReport | undefined;
  /**
   * The run's one deadline (`--timeout`), started once the environment is
   * ready (with `--lab`: once the lab serves): discovery (at most half of
   * it) and the engine both spend it, so a run without TARGET ends by
   * `--timeout` too, not after twice as long. Pass it as the engine's `signal`.
   */
  deadline: AbortSignal;
  /** New live sources with the same options (nothing memoised): what a re-check after a fix reads. */
  freshSources(): RunSetup["live"];
  stop(): Promise<void>;
}

/**
 * Prepare a run. On any error the lab it started is stopped before the error propagates.
 * @throws UsageError (exit 2) for a kubeconfig the user named that does not load, or no target and nothing discovered; ScenarioError for a bad `--lab` scenario.
 */
export async function setupRun(given: Target[], flags: RunSetupFlags, timeoutMs: number): Promise<RunSetup> {
  // -H / -X apply to every target, given or discovered, as curl applies them to every URL.
  const request = parseRequestOptions(flags.header, flags.request);
  // Input first, before a lab starts or the cluster is read.
  const hostAddressFlag = flags.hostAddress === undefined ? undefined : parseHostAddress(flags.hostAddress);
  let lab: import("./lab/index.js").RunningLab | null = null;
  let env: NodeJS.ProcessEnv = process.env;
  let { kubeconfig, context, dockerHost } = flags;
  let requested = given;
  if (flags.lab !== undefined && flags.lab !== false) {
    const { resolveScenario, startLab, remapTargetUrl } = await import("./lab/index.js");
    const { DEFAULT_LAB_SCENARIO, builtinScenariosDir } = await import("./lab/defaults.js");
    const dir = resolveScenario(flags.lab === true ? DEFAULT_LAB_SCENARIO : flags.lab, builtinScenariosDir());
    lab = await startLab(dir, { keepPorts: !!flags.keepPorts });
    // The URL the user typed names the scenario's ports: map it as the scenario's own targets are (issue 11 §6).
    const running = lab;
    requested = given.map((t) => parseTarget(remapTargetUrl(running, t.url)));
    env = { ...process.env, KUBECONFIG: lab.state.kubeconfig, DOCKER_HOST: lab.state.dockerHost, NETDOCTOR_LAB: lab.stateFile };
    kubeconfig = flags.kubeconfig ?? lab.state.kubeconfig;
    context = flags.context ?? lab.state.context;
    dockerHost = flags.dockerHost ?? lab.state.dockerHost;
  }
  try {
    // The sources first, and their reads sent, before the rest of the run's code is loaded: the API server and
    // the Docker daemon answer while the engine, the checks and discovery are evaluated (issue 12: at 100 ms of
    // API latency, 15–25 ms of module evaluation came off the wait).
    const [{ createLiveSources, startReads }, { deriveHostAddress }, { dockerRequestTimeoutMs }] = await Promise.all([
      import("./sources/live/index.js"),
      import("./sources/docker-host.js"),
      import("./sources/live/docker.js"),
    ]);
    const deadline = AbortSignal.timeout(timeoutMs);
    const deadlineAt = performance.now() + timeoutMs;
    // A hung Docker daemon costs one Docker request timeout (a quarter of --timeout, at most 5 s), not the run.
    const liveOptions = { kubeconfig, context, dockerHost, env, dockerRequestTimeoutMs: dockerRequestTimeoutMs(timeoutMs) };
    const live = await createLiveSources(liveOptions);
    // A kubeconfig the user named explicitly must load: a typo is a usage error, not a finding.
    if (flags.kubeconfig || flags.context || env["KUBECONFIG"]) {
      try {
        live.sources.kube.info();
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    // Every read the run will make starts now, in parallel, on the run's one deadline: discovery and checks join them (one round trip, not one per check).
    startReads(live.sources, deadline);
    // (The fix runner, execa and the prompts are not among these: `fix` and the TUI load those themselves.)
    const [{ discover }] = await Promise.all([import("./discovery/discover.js"), import("./engine/run.js"), import("./fixes/catalog.js")]);
    const hostAddress = hostAddressFlag ?? deriveHostAddress(live.dockerHost);
    let targets = requested;
    let discovery: DiscoveryReport | undefined;
    if (targets.length === 0) {
      // No TARGET: discover the cluster's entry points (DESIGN §3), plus the lab scenario's targets.
      // Discovery may spend at most half the time left, so the checks always have time to say what is wrong (a hung API server).
      // (A timer of our own: an AbortSignal.timeout() held only by AbortSignal.any() may be collected before it fires.)
      const discoveryEnd = new AbortController();
      const endDiscovery = () => discoveryEnd.abort(deadline.reason);
      const halfTimer = setTimeout(endDiscovery, Math.max(0, Math.ceil((deadlineAt - performance.now()) / 2)));
      deadline.addEventListener("abort", endDiscovery, { once: true });
      const discoverySignal = discoveryEnd.signal;
      const found = await discover(live.sources, { hostAddress, signal: discoverySignal, scenarioTargets: live.lab?.targets ?? [], namespace: flags.namespace ?? null }).finally(() => {
        clearTimeout(halfTimer);
        deadline.removeEventListener("abort", endDiscovery);
      });
      if (discoverySignal.aborted && found.entryPoints.length === 0) {
        // Out of time before anything was found: the report says so (the checks say why), not a usage error.
        discovery = { summary: `discovery did not finish in its half of the time left (--timeout ${timeoutMs / 1000} s): ${found.summary}`, entryPoints: [] };
      } else if (found.flavor === "none" && !live.lab) {
        throw new UsageError("no target: pass a URL such as http://api.openchoreo.localhost:8080/ (or --lab to try the built-in lab)");
      } else if (found.entryPoints.length === 0) {
        throw new UsageError(`no target, and no entry point found (${found.summary}): pass a URL such as http://api.openchoreo.localhost:8080/`);
      } else {
        discovery = { summary: found.summary, entryPoints: found.entryPoints };
      }
      targets = withScenarioRequests(
        found.entryPoints.map((e) => parseTarget(e.url)),
        live.lab?.requests ?? [],
        live.lab?.targets ?? [],
      );
    }
    targets = targets.map((t) => withRequest(t, request));
    const started = lab;
    return {
      live,
      hostAddress,
      targets,
      discovery,
      deadline,
      freshSources: () => {
        const fresh = createLiveSources(liveOptions);
        startReads(fresh.sources, AbortSignal.timeout(timeoutMs));
        return fresh;
      },
      stop: async () => void (await started?.stop()),
    };
  } catch (e) {
    await lab?.stop();
    throw e;
  }
}

/**
 * Discovered targets with the request options the lab scenario gives its
 * targets (`targets: [{url, method, headers}]`): a target whose URL a
 * scenario request names becomes one target per such request, in the
 * scenario's order — preceded by the plain request when the scenario also
 * lists that URL as a plain string (`scenarioTargets` holds every entry's
 * URL); the others stay as they are.
 */
export function withScenarioRequests(
  targets: Target[],
  requests: readonly { url: string; method?: string; headers?: string[] }[],
  scenarioTargets: readonly string[] = [],
): Target[] {
  if (!requests.length) return targets;
  const parsed = requests.map((r) => ({ url: parseTarget(r.url).url, options: parseRequestOptions(r.headers ?? [], r.method) }));
  const listed = scenarioTargets.map((u) => parseTarget(u).url);
  return targets.flatMap((t) => {
    const mine = parsed.filter((r) => r.url === t.url);
    if (!mine.length) return [t];
    const plain = listed.filter((u) => u === t.url).length > mine.length;
    return [...(plain ? [t] : []), ...mine.map((r) => withRequest(t, r.options))];
  });
}
