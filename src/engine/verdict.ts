/**
 * Per-path aggregation: hop summaries, path status and the verdict.
 * Source: DESIGN §2 — "the verdict of a path is the failing check on the hop
 * closest to the client"; "the verdict must agree with the probe; when static
 * checks find nothing but the probe fails, the verdict is the hop the
 * signature points to, with status fail and a clear 'no static cause found'
 * summary".
 */
import type { CheckResult, HopSummary, ProbeReport, Verdict } from "../report/types.js";
import { HOPS, type CheckStatus, type Hop, type PathStatus } from "./types.js";

/** The pseudo-check that carries a verdict derived from the end-to-end probe alone. */
export const PROBE_CHECK = { id: "probe.end-to-end", code: "ND901", title: "the end-to-end request succeeds" } as const;

const RANK: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** The worse of two check statuses (fail > error > warn > pass > skip). */
export function worse(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Map a check status to a path/run status: error counts as fail, skip as pass. */
export function toPathStatus(s: CheckStatus): PathStatus {
  switch (s) {
    case "fail":
    case "error":
      return "fail";
    case "warn":
      return "warn";
    case "pass":
    case "skip":
      return "pass";
  }
}

/** The worse of two path statuses. */
export function worsePath(a: PathStatus, b: PathStatus): PathStatus {
  const r = { pass: 0, warn: 1, fail: 2 } as const;
  return r[a] >= r[b] ? a : b;
}

/** One summary per hop, in path order: the worst check's status and its summary. */
export function summariseHops(checks: readonly CheckResult[]): HopSummary[] {
  return HOPS.map((hop) => {
    const own = checks.filter((c) => c.hop === hop);
    if (own.length === 0) return { hop, status: "skip" as const, summary: "no checks" };
    let worst = own[0]!;
    for (const c of own) if (RANK[c.status] > RANK[worst.status]) worst = c;
    // For a passing hop, the first passing check names the hop's identity.
    const shown = worst.status === "pass" ? own.find((c) => c.status === "pass")! : worst;
    return { hop, status: worst.status, summary: shown.summary };
  });
}

/** The first non-blank line of a body, trimmed: how two answers are compared. */
function firstLine(body: string): string {
  return (body.split("\n").find((l) => l.trim()) ?? "").trim();
}

/**
 * Whether the end-to-end probe got the application's answer, and how to say
 * so ("HTTP 200"); null when it did not (DESIGN §2 evidence precedence).
 *
 * The application answered when the probe got 2xx/3xx (`success`), or an
 * `http-other` answer (not a traefik or Envoy error signature) with the same
 * status and first body line as the backend gives through the API server's
 * service proxy (`backend.answers` evidence: `{ status, body }`, body cut to
 * its first line). A 404 or 401 from the application itself is its answer.
 *
 * @param body the probe's body (first bytes), when the probe source gave one.
 */
export function applicationAnswer(probe: ProbeReport, body: string | undefined, checks: readonly CheckResult[]): string | null {
  if (probe.outcome !== "http") return null;
  if (probe.signature === "success") return `HTTP ${probe.status}`;
  if (probe.signature !== "http-other" || body === undefined) return null;
  const viaProxy = checks.find((c) => c.id === "backend.answers" && c.evidence && typeof c.evidence["status"] === "number");
  if (!viaProxy) return null;
  const ev = viaProxy.evidence!;
  const same = ev["status"] === probe.status && firstLine(String(ev["body"] ?? "")) === firstLine(body).slice(0, 160).trim();
  return same ? `HTTP ${probe.status}, the answer the backend gives through the API server's service proxy` : null;
}

/** Said of a contradicted check whose module gives no likely reasons of its own. */
const GENERIC_CONTRADICTION =
  "the finding describes state a controller is about to reconcile, or a path the request does not take (check the resolution line); it will bite when that state is reconciled or the traffic takes that path";

/**
 * Evidence precedence (DESIGN §2): when the probe got the application's answer
 * (`answer`, from {@link applicationAnswer}), a path check that found a
 * failure does not describe where this request stops. It becomes `warn`, its
 * summary names the contradiction, and `overruled` records the original
 * status, what the probe got and the likely reasons (`contradictions`: check
 * id → the check's own sentence). Environment checks and errors are left as
 * they are. Returns new results; the input is not changed.
 */
export function applyProbePrecedence(checks: readonly CheckResult[], answer: string | null, contradictions: ReadonlyMap<string, string | undefined>): CheckResult[] {
  if (!answer) return [...checks];
  return checks.map((c) => {
    if (c.status !== "fail" || c.hop === "env") return c;
    const likely = contradictions.get(c.id) ?? GENERIC_CONTRADICTION;
    return {
      ...c,
      status: "warn",
      summary: `${c.summary} — yet the end-to-end request got ${answer.split(",")[0]} from the application, so this does not stop traffic now`,
      overruled: { was: "fail", probe: answer, likely },
    };
  });
}

/**
 * What a path's status rests on: `static` when the probe was not run (the
 * name did not resolve, the lab does not reach the address), else `probe`.
 */
export function evidenceBasis(probe: ProbeReport): "probe" | "static" {
  return probe.outcome === "not-run" ? "static" : "probe";
}

/** True when the probe reached the application (2xx/3xx) or was not run. */
function probeOk(probe: ProbeReport): boolean {
  return probe.outcome === "not-run" || probe.signature === "success";
}

/**
 * Path status and verdict from its checks and its probe.
 * Order of preference: the first `fail` in hop order (registry order within a
 * hop); else, when the probe failed, a verdict on the hop its signature points
 * to ("no static cause found"); else the first `error` (could not decide).
 */
export function decideVerdict(checks: readonly CheckResult[], probe: ProbeReport): { status: PathStatus; verdict: Verdict | null } {
  let status: PathStatus = "pass";
  for (const c of checks) status = worsePath(status, toPathStatus(c.status));
  const byHop = (want: CheckStatus) => {
    for (const hop of HOPS) {
      const hit = checks.find((c) => c.hop === hop && c.status === want);
      if (hit) return hit;
    }
    return undefined;
  };
  const failed = byHop("fail");
  if (failed) return { status: "fail", verdict: { hop: failed.hop as Hop, checkId: failed.id, code: failed.code, summary: failed.summary } };
  if (!probeOk(probe) && probe.hop) {
    const what = probe.outcome === "http" ? `HTTP ${probe.status} (${probe.signature})` : `${probe.signature}${probe.error ? `: ${probe.error}` : ""}`;
    return {
      status: "fail",
      verdict: {
        hop: probe.hop,
        checkId: PROBE_CHECK.id,
        code: PROBE_CHECK.code,
        summary: `no static cause found: the end-to-end request got ${what}, which points at the ${probe.hop} hop`,
      },
    };
  }
  const errored = byHop("error");
  if (errored) return { status: "fail", verdict: { hop: errored.hop as Hop, checkId: errored.id, code: errored.code, summary: errored.summary } };
  return { status, verdict: null };
}

/** The cause links a check's outcome declared (check ids), as the engine keeps them until the path is done. */
export interface CauseLinks {
  causedBy: readonly string[];
  causes: readonly string[];
}

/** No links. */
export const NO_LINKS: CauseLinks = { causedBy: [], causes: [] };

/** A finding a reader must look at: the only statuses that can cause or be caused. */
function isFinding(s: CheckStatus): boolean {
  return s === "fail" || s === "warn" || s === "error";
}

/**
 * Root causes lead (issue 11 §3): set `causedBy` (the cause's code) on each
 * path check that is a consequence of another finding. A check's own
 * `causedBy` candidates (check ids, in order of preference) are tried first:
 * the first one that found a problem on this path, or in the environment,
 * is its cause. Then each finding's `causes` links the named checks that
 * found a problem and have no cause yet. A check never causes itself.
 * Returns new results; the input is not changed.
 */
export function linkCauses(
  checks: readonly CheckResult[],
  links: ReadonlyMap<string, CauseLinks>,
  envChecks: readonly CheckResult[] = [],
  envLinks: ReadonlyMap<string, CauseLinks> = new Map(),
): CheckResult[] {
  const all = new Map<string, CheckResult>();
  for (const c of envChecks) all.set(c.id, c);
  for (const c of checks) all.set(c.id, c);
  const cause = new Map<string, string>(); // consequence id → cause id
  for (const c of checks) {
    if (!isFinding(c.status)) continue;
    const hit = (links.get(c.id)?.causedBy ?? []).find((id) => id !== c.id && all.has(id) && isFinding(all.get(id)!.status));
    if (hit) cause.set(c.id, hit);
  }
  const causers = [...checks, ...envChecks];
  for (const r of causers) {
    if (!isFinding(r.status)) continue;
    for (const id of (links.get(r.id) ?? envLinks.get(r.id))?.causes ?? []) {
      const c = checks.find((x) => x.id === id);
      if (c && c.id !== r.id && isFinding(c.status) && !cause.has(c.id)) cause.set(c.id, r.id);
    }
  }
  // Break cycles: a link whose cause leads back to the consequence is dropped.
  for (const id of [...cause.keys()]) {
    const seen = new Set([id]);
    let at = cause.get(id);
    while (at && !seen.has(at)) {
      seen.add(at);
      at = cause.get(at);
    }
    if (at === id) cause.delete(id);
  }
  return checks.map((c) => {
    const by = cause.get(c.id);
    return by ? { ...c, causedBy: all.get(by)!.code } : c;
  });
}

/**
 * The verdict with `rootCause` when its check is a consequence: the end of
 * the `causedBy` chain through the path's and the environment's checks.
 */
export function withRootCause(verdict: Verdict, checks: readonly CheckResult[], envChecks: readonly CheckResult[] = []): Verdict {
  const byCode = new Map<string, CheckResult>();
  for (const c of [...envChecks, ...checks]) byCode.set(c.code, c);
  let at = checks.find((c) => c.id === verdict.checkId);
  const seen = new Set<string>();
  while (at?.causedBy && !seen.has(at.code)) {
    seen.add(at.code);
    const next = byCode.get(at.causedBy);
    if (!next) break;
    at = next;
  }
  if (!at || at.id === verdict.checkId) return verdict;
  return { ...verdict, rootCause: { hop: at.hop, checkId: at.id, code: at.code, summary: at.summary } };
}
