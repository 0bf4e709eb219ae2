/**
 * The check engine: runs environment checks once and path checks once per
 * target, concurrently under one deadline, with `dependsOn` blocking,
 * `after` ordering, facts passed along the dependency closure, an end-to-end
 * probe per path, and a stream of run events. It never writes to stdout.
 *
 * Source: DESIGN §2 (verdict), §6 (check contract), STYLE principles 1–6.
 */
import { setMaxListeners } from "node:events";
import type { CheckResult, PathReport, ProbeReport, Report, Resolution, RunEvent, RunListener, Environment, FixReport } from "../report/types.js";
import { isSourceError, type Sources } from "../sources/types.js";
import { signatureHop } from "../probe/classify.js";
import { validateRegistry } from "./registry.js";
import { applicationAnswer, applyProbePrecedence, decideVerdict, evidenceBasis, linkCauses, NO_LINKS, summariseHops, toPathStatus, withRootCause, worsePath, type CauseLinks } from "./verdict.js";
import { extraHeadersOf, hostHeaderOf, reportTarget } from "./request.js";
import type { Check, CheckContext, CheckOptions, CheckOutcome, FixId, PathFacts, Target } from "./types.js";

/** Everything a run needs. */
export interface RunInput {
  /** The registry: environment checks (hop `env`) and path checks. */
  checks: readonly Check[];
  /** Paths to diagnose, one per target. */
  targets: readonly Target[];
  sources: Sources;
  options: CheckOptions;
  /** Deadline of the whole run in milliseconds (`--timeout`); checks still running then end as `error` ("deadline: …"). */
  timeoutMs: number;
  /**
   * The command's own deadline or interrupt, when it started counting before
   * the engine (discovery spent part of `--timeout`; Ctrl-C): when it aborts,
   * the run ends as at its deadline. The run ends at whichever comes first.
   */
  signal?: AbortSignal;
  /** Most checks in flight at once (default 16). */
  concurrency?: number;
  toolVersion: string;
  /** Builds the report's fix entries from the fixes the failing checks recommend. */
  describeFixes?: (recommended: Map<FixId, string[]>, paths: PathReport[], facts: PathFacts[], environment?: Environment) => FixReport[];
  onEvent?: RunListener;
  /** Clock, for tests. */
  now?: () => number;
}

interface Instance {
  key: string;
  check: Check;
  path: number | null;
  deps: Instance[]; // dependsOn
  after: Instance[]; // ordering only
  promise?: Promise<InstanceResult>;
}

interface InstanceResult {
  result: CheckResult;
  facts: Partial<PathFacts>;
  /** The outcome's cause links (check ids), resolved after the path's checks and probe finished. */
  links?: CauseLinks;
  /** The outcome's own likely reasons for a contradiction with the probe (CheckOutcome.contradiction). */
  contradiction?: string;
}

/** A counting semaphore: at most `limit` holders at once. */
function semaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<() => void> {
      if (active >= limit) await new Promise<void>((r) => waiting.push(r));
      active++;
      return () => {
        active--;
        waiting.shift()?.();
      };
    },
  };
}

/** The transitive closure of an instance's dependencies (dependsOn + after), in discovery order. */
function closure(inst: Instance): Instance[] {
  const seen = new Set<Instance>();
  const walk = (i: Instance) => {
    for (const d of [...i.deps, ...i.after]) {
      if (seen.has(d)) continue;
      seen.add(d);
      walk(d);
    }
  };
  walk(inst);
  return [...seen];
}

/** Normalise an outcome returned by a check: declared fixes only, one-line summary. */
function normalise(check: Check, o: CheckOutcome): CheckOutcome {
  const fixes = (o.fixes ?? []).filter((f) => check.fixes?.includes(f));
  const summary = String(o.summary ?? "").split("\n")[0] ?? "";
  return { ...o, summary, fixes };
}

/**
 * Run the diagnosis and return the report. Never throws for a check's
 * failure; throws only for a malformed registry (RegistryError).
 */
export async function runDiagnosis(input: RunInput): Promise<Report> {
  const now = input.now ?? (() => performance.now());
  const t0 = now();
  const startedAt = new Date().toISOString();
  const emit = (e: RunEvent) => input.onEvent?.(e);
  const ordered = validateRegistry(input.checks);
  const envChecks = ordered.filter((c) => c.hop === "env");
  const pathChecks = ordered.filter((c) => c.hop !== "env");

  const deadline = new AbortController();
  // Every source call listens on the one run signal: lift Node's default cap of 10 listeners.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(new Error("deadline")), input.timeoutMs);
  const outer = input.signal;
  const onOuterAbort = () => deadline.abort(new Error("deadline"));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener("abort", onOuterAbort, { once: true });
  const deadlineHit = new Promise<"deadline">((resolve) => deadline.signal.addEventListener("abort", () => resolve("deadline"), { once: true }));
  const sem = semaphore(input.concurrency ?? 16);

  // Build instances: env once, path checks per target.
  const envInst = new Map<string, Instance>();
  for (const c of envChecks) envInst.set(c.id, { key: `env:${c.id}`, check: c, path: null, deps: [], after: [] });
  for (const i of envInst.values()) {
    i.deps = (i.check.dependsOn ?? []).map((d) => envInst.get(d)!);
    i.after = (i.check.after ?? []).map((d) => envInst.get(d)!);
  }
  const pathInst: Map<string, Instance>[] = input.targets.map((_, p) => {
    const m = new Map<string, Instance>();
    for (const c of pathChecks) m.set(c.id, { key: `${p}:${c.id}`, check: c, path: p, deps: [], after: [] });
    const resolve = (id: string) => m.get(id) ?? envInst.get(id)!;
    for (const i of m.values()) {
      i.deps = (i.check.dependsOn ?? []).map(resolve);
      i.after = (i.check.after ?? []).map(resolve);
    }
    return m;
  });

  emit({
    type: "run-start",
    startedAt,
    targets: [...input.targets],
    checks: [
      ...envChecks.map((c) => ({ id: c.id, hop: c.hop, title: c.title, path: null })),
      ...input.targets.flatMap((_, p) => pathChecks.map((c) => ({ id: c.id, hop: c.hop, title: c.title, path: p }))),
    ],
  });

  const result = (check: Check, extra: Partial<CheckResult> & Pick<CheckResult, "status" | "summary">): CheckResult => ({
    id: check.id,
    code: check.code,
    hop: check.hop,
    title: check.title,
    fixes: [],
    blockedBy: null,
    durationMs: 0,
    ...extra,
  });

  const execute = (inst: Instance): Promise<InstanceResult> => {
    if (inst.promise) return inst.promise;
    inst.promise = (async () => {
      const depResults = await Promise.all(inst.deps.map(execute));
      await Promise.all(inst.after.map(execute));
      const blocker = depResults.find((d) => d.result.status !== "pass" && d.result.status !== "warn");
      if (blocker) {
        const r = result(inst.check, { status: "skip", summary: `blocked by ${blocker.result.id}`, blockedBy: blocker.result.id });
        emit({ type: "check-end", path: inst.path, result: r });
        return { result: r, facts: {} };
      }
      // Facts of the whole dependency closure, merged in registry order.
      const facts: PathFacts = {};
      const cl = closure(inst);
      for (const c of ordered) {
        const hit = cl.find((i) => i.check === c);
        if (hit) Object.assign(facts, (await hit.promise!).facts);
      }
      const release = await sem.acquire();
      const t = now();
      emit({ type: "check-start", path: inst.path, id: inst.check.id });
      try {
        if (deadline.signal.aborted) throw new DeadlineError();
        const ctx: CheckContext = {
          target: inst.path === null ? null : input.targets[inst.path]!,
          kube: input.sources.kube,
          docker: input.sources.docker,
          host: input.sources.host,
          probe: input.sources.probe,
          facts,
          options: input.options,
          signal: deadline.signal,
        };
        const raced = await Promise.race([inst.check.run(ctx), deadlineHit]);
        if (raced === "deadline") throw new DeadlineError();
        const o = normalise(inst.check, raced);
        const r = result(inst.check, {
          status: o.status,
          summary: o.summary,
          ...(o.details !== undefined ? { details: o.details } : {}),
          ...(o.evidence !== undefined ? { evidence: o.evidence } : {}),
          fixes: o.fixes ?? [],
          durationMs: Math.round(now() - t),
        });
        // A path check's fail is announced once the probe has decided whether it stands (evidence precedence).
        if (inst.path === null || r.status !== "fail") emit({ type: "check-end", path: inst.path, result: r });
        const links: CauseLinks = { causedBy: o.causedBy ?? [], causes: o.causes ?? [] };
        return { result: r, facts: o.facts ?? {}, links, ...(o.contradiction ? { contradiction: o.contradiction } : {}) };
      } catch (e) {
        const r = errorResult(inst.check, e, input.timeoutMs, Math.round(now() - t), result);
        emit({ type: "check-end", path: inst.path, result: r });
        return { result: r, facts: {} };
      } finally {
        release();
      }
    })();
    return inst.promise;
  };

  const envResults = Promise.all([...envInst.values()].map(execute));

  const paths = input.targets.map(async (target, p): Promise<{ report: PathReport; facts: PathFacts }> => {
    const insts = [...pathInst[p]!.values()];
    const probePromise = runProbe(target, insts, input, deadline.signal, deadlineHit, execute, now);
    const results = await Promise.all(insts.map(execute));
    const { probe, body } = await probePromise;
    emit({ type: "probe-end", path: p, probe });
    const facts: PathFacts = {};
    for (const r of results) Object.assign(facts, r.facts);
    // Evidence precedence (DESIGN §2): a probe that got the application's answer overrules a static fail.
    const answer = applicationAnswer(probe, body, results.map((r) => r.result));
    const overruled = applyProbePrecedence(
      results.map((r) => r.result),
      answer,
      new Map([...pathChecks.map((c) => [c.id, c.contradiction] as const), ...results.filter((r) => r.contradiction).map((r) => [r.result.id, r.contradiction] as const)]),
    );
    // Root causes lead (issue 11 §3): link consequences to their causes, then name the root in the verdict.
    const envDoneNow = await envResults;
    const envLinks = new Map(envDoneNow.map((r) => [r.result.id, r.links ?? NO_LINKS]));
    const checks = linkCauses(overruled, new Map(results.map((r) => [r.result.id, r.links ?? NO_LINKS])), envDoneNow.map((r) => r.result), envLinks);
    for (const [i, r] of results.entries()) if (r.result.status === "fail") emit({ type: "check-end", path: p, result: checks[i]! });
    const decided = decideVerdict(checks, probe);
    const status = decided.status;
    const verdict = decided.verdict ? withRootCause(decided.verdict, checks, envDoneNow.map((r) => r.result)) : null;
    const report: PathReport = {
      target: reportTarget(target),
      status,
      verdict,
      basis: evidenceBasis(probe),
      probe,
      resolution: toResolution(facts),
      hops: summariseHops(checks),
      checks,
    };
    emit({ type: "path-end", path: p, report });
    return { report, facts };
  });

  const [envDone, pathDone] = await Promise.all([envResults, Promise.all(paths)]);
  clearTimeout(timer);
  outer?.removeEventListener("abort", onOuterAbort);

  const envChecksOut = envDone.map((r) => r.result);
  let status = envChecksOut.reduce((s, c) => worsePath(s, toPathStatus(c.status)), "pass" as Report["status"]);
  for (const { report } of pathDone) status = worsePath(status, report.status);

  const recommended = new Map<FixId, string[]>();
  for (const c of [...envChecksOut, ...pathDone.flatMap((p) => p.report.checks)]) {
    if (c.status !== "fail" && c.status !== "warn") continue;
    // A consequence's fixes are not recommended: the fix of its root cause is (issue 11 §3).
    if (c.causedBy) continue;
    for (const f of c.fixes) {
      const list = recommended.get(f) ?? [];
      if (!list.includes(c.id)) list.push(c.id);
      recommended.set(f, list);
    }
  }
  const pathReports = pathDone.map((p) => p.report);
  const environment = environmentOf(envChecksOut, input);
  const report: Report = {
    schemaVersion: 1,
    tool: { name: "netdoctor", version: input.toolVersion },
    startedAt,
    durationMs: Math.round(now() - t0),
    status,
    environment,
    checks: envChecksOut,
    paths: pathReports,
    fixes: input.describeFixes ? input.describeFixes(recommended, pathReports, pathDone.map((p) => p.facts), environment) : [],
  };
  emit({ type: "run-end", report });
  return report;
}

/** `1500` → `"1.5"`, `20000` → `"20"`: seconds as the user typed them. */
function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** Thrown inside the engine when the run's deadline passes. */
class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

function errorResult(
  check: Check,
  e: unknown,
  timeoutMs: number,
  durationMs: number,
  result: (check: Check, extra: Partial<CheckResult> & Pick<CheckResult, "status" | "summary">) => CheckResult,
): CheckResult {
  if (e instanceof DeadlineError) {
    return result(check, { status: "error", summary: `deadline: did not finish before the run's deadline (--timeout ${formatSeconds(timeoutMs)} s)`, durationMs });
  }
  if (isSourceError(e)) {
    // A kind or a source that cannot be read degrades the checks that need it (DESIGN §7).
    return result(check, {
      status: "skip",
      summary: `unavailable: ${e.message}`,
      evidence: { source: e.source, subject: e.subject, code: e.code },
      durationMs,
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return result(check, { status: "error", summary: `check crashed: ${message.split("\n")[0]} (please report this as a netdoctor bug)`, durationMs });
}

/**
 * The end-to-end probe of a path: a real HTTP request to the address the dns
 * hop resolved (or `--resolve`), with the target's Host header. It waits only
 * for the check that publishes `address`. Returns the reported probe and the
 * first bytes of the answer's body (compared with the backend's own answer by
 * `applicationAnswer`); a probe the source did not send is reported `not-run`.
 */
async function runProbe(
  target: Target,
  insts: Instance[],
  input: RunInput,
  signal: AbortSignal,
  deadlineHit: Promise<"deadline">,
  execute: (i: Instance) => Promise<InstanceResult>,
  now: () => number,
): Promise<{ probe: ProbeReport; body?: string }> {
  const notRun = (error: string) => ({ probe: { outcome: "not-run" as const, signature: null, durationMs: 0, hop: null, error } });
  const override = input.options.resolve.find((r) => r.host === target.host && r.port === target.port);
  let address = override?.address ?? (isIpLiteral(target.host) ? target.host : undefined);
  if (!address) {
    const dns = insts.filter((i) => i.check.hop === "dns");
    const done = await Promise.race([Promise.all(dns.map(execute)), deadlineHit]);
    if (done === "deadline") return notRun("deadline reached before the name resolved");
    address = done.map((d) => d.facts.address).find((a): a is string => typeof a === "string");
  }
  if (!address) return notRun(`${target.host} did not resolve`);
  const t = now();
  const res = await Promise.race([
    input.sources.probe.http(
      {
        scheme: target.scheme,
        address,
        port: target.port,
        host: hostHeaderOf(target),
        path: target.path,
        ...(target.method !== undefined ? { method: target.method } : {}),
        ...(extraHeadersOf(target).length ? { headers: extraHeadersOf(target) } : {}),
        ...(target.headers?.some((h) => h.name.toLowerCase() === "host") ? { servername: target.host } : {}),
        timeoutMs: input.options.probeTimeoutMs,
      },
      signal,
    ),
    deadlineHit,
  ]);
  if (res === "deadline") return { probe: { outcome: "timeout", signature: "timeout", durationMs: Math.round(now() - t), hop: "host-port", error: "the run's deadline passed during the probe" } };
  if (res.notSent) return notRun(`${address}:${target.port} ${res.error ?? "cannot be reached from here"}`);
  // A forwarder owns the port when the forwarder hop published one.
  const fw = await hopFacts(["forwarder"], insts, execute, deadlineHit);
  const forwarderOwns = fw !== "deadline" && fw.some((f) => f.forwarder != null);
  // Whose 404 a traefik-404 is depends on whether traefik is the path's own proxy (the gateway hop's
  // gateway or ingressController implementation; null = none): wait for the gateway hop only then.
  let pathProxy: string | null | undefined;
  if (res.signature === "traefik-404") {
    const gw = await hopFacts(["gateway"], insts, execute, deadlineHit);
    const f: PathFacts = gw === "deadline" ? {} : Object.assign({}, ...gw);
    pathProxy = gw === "deadline" ? undefined : (f.gateway?.implementation ?? f.ingressController?.implementation ?? null);
  }
  // Whose reset a reset is depends on whether the port enters a node — a kind or k3d node container (not
  // the k3d serverlb, a proxy of its own) or a node whose address this is (k3s on this host or a VM):
  // wait for the host-port and container hops only then.
  // A desktop VM tool's own forwarder (Lima's host agent, Colima's and Rancher Desktop's ssh) accepts on
  // this host and dials into the VM: a reset or empty reply is its answer when nothing in the VM takes the
  // port, so it points at the forwarder hop (where ND305 says why), not at the node behind it.
  let entersNode: boolean | undefined;
  let vmForwarder = false;
  if (!forwarderOwns && (res.signature === "reset" || res.signature === "empty-reply")) {
    const done = await hopFacts(["host-port", "container"], insts, execute, deadlineHit);
    const f: PathFacts = done === "deadline" ? {} : Object.assign({}, ...done);
    vmForwarder = !f.container && f.node?.forwardedBy != null;
    entersNode = f.container ? f.container.role === "kind-node" || f.container.role === "k3d-node" : f.node ? true : undefined;
  }
  // Whose fault an empty 500 is depends on whether the route's backendRefs resolved (invalid refs:
  // route) or they did and Envoy Gateway answers for a backend without ready endpoints (backend):
  // wait for the route hop only then.
  let refsResolved: boolean | undefined;
  if (res.signature === "empty-500") {
    const done = await Promise.race([Promise.all(insts.filter((i) => i.check.hop === "route").map(execute)), deadlineHit]);
    if (done !== "deadline") refsResolved = done.some((d) => d.facts.route) && done.every((d) => d.result.status !== "fail" && d.result.status !== "error");
  }
  return {
    probe: {
      outcome: res.outcome,
      ...(res.status !== undefined ? { status: res.status } : {}),
      signature: res.signature,
      durationMs: Math.round(res.durationMs),
      hop: signatureHop(res.signature, { hasForwarder: forwarderOwns || vmForwarder, ...(pathProxy !== undefined ? { pathProxy } : {}), ...(entersNode !== undefined ? { entersNode } : {}), ...(refsResolved !== undefined ? { refsResolved } : {}) }),
      ...(res.error ? { error: res.error } : {}),
    },
    ...(res.body !== undefined ? { body: res.body } : {}),
  };
}

/**
 * The facts each check of `hops` published, in check order, once they have
 * run; "deadline" when the run's deadline came first.
 */
async function hopFacts(hops: readonly Check["hop"][], insts: Instance[], execute: (i: Instance) => Promise<InstanceResult>, deadlineHit: Promise<"deadline">): Promise<PathFacts[] | "deadline"> {
  const done = await Promise.race([Promise.all(insts.filter((i) => hops.includes(i.check.hop)).map(execute)), deadlineHit]);
  return done === "deadline" ? done : done.map((d) => d.facts);
}

/** True for IPv4 and IPv6 literals. */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/** The report's `resolution` from the path's merged facts. */
export function toResolution(f: PathFacts): Resolution {
  return {
    address: f.address ?? null,
    listener: f.listener ? { address: f.listener.address, port: f.listener.port, process: f.listener.process ?? null, pid: f.listener.pid ?? null } : null,
    forwarder: f.forwarder
      ? { kind: f.forwarder.kind, pid: f.forwarder.pid, upstream: f.forwarder.upstream, ...(f.forwarderChain?.length ? { chain: f.forwarderChain } : {}) }
      : null,
    container: f.container ? { name: f.container.name, hostPort: f.container.hostPort, containerPort: f.container.containerPort } : null,
    node: f.node
      ? {
          name: f.node.name,
          address: f.node.address,
          local: f.node.local,
          ...(f.node.forwardedBy ? { forwardedBy: { tool: f.node.forwardedBy.tool, instance: f.node.forwardedBy.instance, listen: f.node.forwardedBy.listen } } : {}),
        }
      : null,
    service: f.service ? { namespace: f.service.namespace, name: f.service.name, type: f.service.type, port: f.service.port } : null,
    gateway: f.gateway ? { namespace: f.gateway.namespace, name: f.gateway.name, listener: f.gateway.listener } : null,
    route: f.route ? { kind: f.route.kind, namespace: f.route.namespace, name: f.route.name, rule: f.route.rule } : null,
    backend: f.backend ? { namespace: f.backend.namespace, name: f.backend.name, port: f.backend.port } : null,
  };
}

/** The report's `environment`: flavor and cluster from the flavor check's evidence, context and server from the kube source. */
function environmentOf(envChecks: CheckResult[], input: RunInput): Environment {
  const flavorCheck = envChecks.find((c) => c.evidence && typeof c.evidence["flavor"] === "string");
  const ev = flavorCheck?.evidence ?? {};
  let context: string | null = null;
  let apiServer: string | null = null;
  try {
    const info = input.sources.kube.info();
    context = info.context;
    apiServer = info.server;
  } catch {
    // No kubeconfig: reported by env.kubeconfig-loaded.
  }
  const flavors = ["k3d", "kind", "k3s", "generic", "none"] as const;
  const flavor = flavors.find((f) => f === ev["flavor"]) ?? (context ? "generic" : "none");
  let dockerHost: string | null = null;
  try {
    dockerHost = input.sources.docker.host();
  } catch {
    dockerHost = null;
  }
  return {
    flavor,
    cluster: typeof ev["cluster"] === "string" ? (ev["cluster"] as string) : null,
    context,
    apiServer,
    dockerHost,
    hostAddress: input.options.hostAddress,
  };
}
