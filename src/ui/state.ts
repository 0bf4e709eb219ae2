/**
 * The TUI's state, reduced from run events and key presses by a pure reducer
 * (testable without Ink). The view holds no diagnosis logic: statuses,
 * summaries and the verdict come from the events; this module only tracks
 * which checks are pending, running or done, where the cursor is, and the
 * fix panel (reduced by ./fix-panel.ts). A fix's re-check replaces the whole
 * report (`report-replaced`).
 */
import type { CheckStatus, ReportHop } from "../engine/types.js";
import { hopIndex, worstStatus } from "../report/format.js";
import type { CheckResult, DiscoveryReport, Environment, RecordingInfo, FixReport, PathReport, ProbeReport, Report, RunEvent } from "../report/types.js";
import { closedPanel, reduceFixPanel, type FixAction, type FixPanel } from "./fix-panel.js";

/** One check as the view knows it: declared at run-start, then started, then finished with a result. */
export interface UiCheck {
  id: string;
  hop: ReportHop;
  title: string;
  state: "pending" | "running" | "done";
  /** Set when `state` is `done`. */
  result: CheckResult | null;
}

/** One diagnosed path: its target, its checks in declaration order, and its end results once known. */
export interface UiPath {
  target: { url: string; host: string; port: number; path: string; method?: string; headers?: { name: string; value: string }[] };
  checks: UiCheck[];
  probe: ProbeReport | null;
  /** The path's report, from `path-end` (or `run-end`); null while the path runs. */
  report: PathReport | null;
}

/** The whole view state. Immutable: {@link reduce} returns a new object when anything changes. */
export interface UiState {
  phase: "waiting" | "running" | "done";
  environment: Partial<Environment>;
  /** What discovery found when no target was given (from run-start, then the report); null otherwise. */
  discovery: DiscoveryReport | null;
  /** For `--from BUNDLE`: the recording this is an offline analysis of (from run-start, then the report); null otherwise. */
  recording: RecordingInfo | null;
  version: string | null;
  /** Environment checks (hop `env`). */
  env: UiCheck[];
  paths: UiPath[];
  fixes: FixReport[];
  report: Report | null;
  /** Index into {@link rows}. */
  cursor: number;
  /** Keys of expanded rows (see {@link Row.key}). */
  expanded: string[];
  /** The fix panel (interactive mode with a fix runner only; closed otherwise). */
  fix: FixPanel;
}

/**
 * Key presses the view turns into actions, and `report-replaced`: a fix was
 * applied and the re-check's report takes the place of the run's (every path
 * and check is rebuilt from it; cursor, expanded rows and the panel stay).
 */
export type UiAction =
  | { type: "ui-move"; delta: number }
  /** Put the cursor on row `row` of {@link rows} (clamped): Home, End, PgUp, PgDn. */
  | { type: "ui-goto"; row: number }
  | { type: "ui-toggle" }
  | { type: "report-replaced"; report: Report };

/** Everything {@link reduce} accepts. */
export type Action = RunEvent | UiAction | FixAction;

/** The state before any event. */
export const initialState: UiState = {
  phase: "waiting",
  environment: {},
  discovery: null,
  recording: null,
  version: null,
  env: [],
  paths: [],
  fixes: [],
  report: null,
  cursor: 0,
  expanded: [],
  fix: closedPanel,
};

/** A selectable row: the environment block, or one hop of one path. `key` is `env` or `<path>:<hop>`. */
export interface Row {
  key: string;
  path: number | null;
  hop: ReportHop;
}

/** The display status of a row: a check status once its checks are done, or pending/running. */
export type RowStatus = CheckStatus | "pending" | "running";

/** What a hop row shows. */
export interface HopView {
  hop: ReportHop;
  status: RowStatus;
  /** One line: the engine's hop summary, or the worst finished check's summary; "" while nothing finished. */
  summary: string;
  checks: UiCheck[];
  /** The worst failing/warning check, whose summary and evidence show under the row. */
  problem: CheckResult | null;
}

function copyTarget(t: UiPath["target"]): UiPath["target"] {
  return { url: t.url, host: t.host, port: t.port, path: t.path, ...(t.method !== undefined ? { method: t.method } : {}), ...(t.headers?.length ? { headers: t.headers.map((h) => ({ ...h })) } : {}) };
}

function setCheck(list: UiCheck[], id: string, hop: ReportHop | undefined, update: (c: UiCheck) => UiCheck): UiCheck[] {
  const i = list.findIndex((c) => c.id === id);
  if (i === -1) {
    // A check the run-start did not announce (e.g. added by a plugin at run time): show it anyway.
    const fresh: UiCheck = { id, hop: hop ?? (id.split(".")[0] as ReportHop), title: id, state: "pending", result: null };
    return [...list, update(fresh)];
  }
  const next = list.slice();
  next[i] = update(list[i]!);
  return next;
}

function withResults(list: UiCheck[], results: readonly CheckResult[]): UiCheck[] {
  let next = list;
  for (const r of results) next = setCheck(next, r.id, r.hop, (c) => ({ ...c, hop: r.hop, title: r.title, state: "done", result: r }));
  return next;
}

function updateChecks(state: UiState, path: number | null, f: (list: UiCheck[]) => UiCheck[]): UiState {
  if (path === null) return { ...state, env: f(state.env) };
  const paths = state.paths.slice();
  const p = paths[path];
  if (!p) return state; // an index the run-start did not announce: nothing to attach it to
  paths[path] = { ...p, checks: f(p.checks) };
  return { ...state, paths };
}

function updatePath(state: UiState, path: number, f: (p: UiPath) => UiPath): UiState {
  const p = state.paths[path];
  if (!p) return state;
  const paths = state.paths.slice();
  paths[path] = f(p);
  return { ...state, paths };
}

function clampCursor(state: UiState): UiState {
  const n = rows(state).length;
  const cursor = n === 0 ? 0 : Math.min(Math.max(state.cursor, 0), n - 1);
  return cursor === state.cursor ? state : { ...state, cursor };
}

/**
 * The next state after an event or a key action. Pure: never mutates `state`.
 * `run-end` (and `path-end`) are authoritative: their results replace what
 * `check-end` events said, so a view fed only the last event is complete.
 */
export function reduce(state: UiState, action: Action): UiState {
  switch (action.type) {
    case "run-start": {
      const decl = (path: number | null): UiCheck[] =>
        action.checks.filter((c) => c.path === path).map((c) => ({ id: c.id, hop: c.hop, title: c.title, state: "pending", result: null }));
      return {
        ...initialState,
        phase: "running",
        environment: { ...action.environment },
        discovery: action.discovery ?? null,
        recording: action.recording ?? null,
        env: decl(null),
        paths: action.targets.map((t, i) => ({ target: copyTarget(t), checks: decl(i), probe: null, report: null })),
      };
    }
    case "check-start":
      return updateChecks(state, action.path, (list) =>
        setCheck(list, action.id, undefined, (c) => (c.state === "done" ? c : { ...c, state: "running" })),
      );
    case "check-end":
      return updateChecks(state, action.path, (list) => withResults(list, [action.result]));
    case "probe-end":
      return updatePath(state, action.path, (p) => ({ ...p, probe: action.probe }));
    case "path-end":
      return updatePath(state, action.path, (p) => ({
        ...p,
        target: action.report.target,
        checks: withResults(p.checks, action.report.checks),
        probe: action.report.probe,
        report: action.report,
      }));
    case "run-end": {
      const r = action.report;
      const paths: UiPath[] = r.paths.map((pr, i) => {
        const before = state.paths[i];
        return {
          target: pr.target,
          checks: withResults(before?.checks ?? [], pr.checks),
          probe: pr.probe,
          report: pr,
        };
      });
      return clampCursor({
        ...state,
        phase: "done",
        environment: r.environment,
        discovery: r.discovery ?? state.discovery,
        recording: r.recording ?? state.recording,
        version: r.tool.version,
        env: withResults(state.env, r.checks),
        paths,
        fixes: r.fixes,
        report: r,
      });
    }
    case "report-replaced":
      // The same as a run-end over empty lists: nothing of the old run survives.
      return reduce({ ...state, env: [], paths: [] }, { type: "run-end", report: action.report });
    case "fix-choose":
    case "fix-move":
    case "fix-plan":
    case "fix-planned":
    case "fix-apply":
    case "fix-applied":
    case "fix-failed":
    case "fix-progress":
    case "fix-quit-blocked":
    case "fix-close": {
      const fix = reduceFixPanel(state.fix, action);
      return fix === state.fix ? state : { ...state, fix };
    }
    case "ui-move":
      return clampCursor({ ...state, cursor: state.cursor + action.delta });
    case "ui-goto":
      return clampCursor({ ...state, cursor: action.row });
    case "ui-toggle": {
      const row = rows(state)[state.cursor];
      if (!row) return state;
      const open = state.expanded.includes(row.key);
      return { ...state, expanded: open ? state.expanded.filter((k) => k !== row.key) : [...state.expanded, row.key] };
    }
  }
}

/** The hops a path shows, in path order: every hop that has a declared or finished check, plus the engine's hop summaries. */
export function pathHopIds(p: UiPath): ReportHop[] {
  const hops = new Set<ReportHop>(p.checks.map((c) => c.hop));
  for (const h of p.report?.hops ?? []) hops.add(h.hop);
  return [...hops].sort((a, b) => hopIndex(a) - hopIndex(b));
}

/** The selectable rows, top to bottom: the environment block (when it has checks), then each path's hops. */
export function rows(state: UiState): Row[] {
  const out: Row[] = [];
  if (state.env.length > 0) out.push({ key: "env", path: null, hop: "env" });
  state.paths.forEach((p, i) => {
    for (const hop of pathHopIds(p)) out.push({ key: `${i}:${hop}`, path: i, hop });
  });
  return out;
}

/** The path under the cursor (the first one while the cursor is on the environment block or nothing is shown). */
export function focusedPath(state: UiState): number {
  return rows(state)[state.cursor]?.path ?? 0;
}

/** "5 checks: 4 pass, 1 skip" */
function countLine(statuses: CheckStatus[]): string {
  const n = new Map<CheckStatus, number>();
  for (const st of statuses) n.set(st, (n.get(st) ?? 0) + 1);
  const parts = (["pass", "warn", "fail", "error", "skip"] as const).filter((st) => n.has(st)).map((st) => `${n.get(st)} ${st}`);
  return `${statuses.length} check${statuses.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/** Worst first, fail before error before warn; ties keep declaration order. */
function worstProblem(checks: UiCheck[]): CheckResult | null {
  let best: CheckResult | null = null;
  const rank = { fail: 3, error: 2, warn: 1 } as Record<string, number | undefined>;
  for (const c of checks) {
    const r = c.result;
    if (!r) continue;
    const k = rank[r.status];
    if (k !== undefined && (best === null || k > rank[best.status]!)) best = r;
  }
  return best;
}

/**
 * What the row of `hop` on `path` (null: the environment block) shows. A hop
 * is running while any of its checks has started and not all have finished,
 * pending while none has started.
 */
export function hopView(state: UiState, path: number | null, hop: ReportHop): HopView {
  const p = path === null ? null : state.paths[path];
  const checks = path === null ? state.env : (p?.checks ?? []).filter((c) => c.hop === hop);
  const problem = worstProblem(checks);
  const summaryFromReport = p?.report?.hops.find((h) => h.hop === hop);
  if (summaryFromReport) return { hop, status: summaryFromReport.status, summary: summaryFromReport.summary, checks, problem };
  const done = checks.filter((c) => c.state === "done" && c.result);
  if (checks.length > 0 && done.length === checks.length) {
    const status = worstStatus(done.map((c) => c.result!.status));
    const summary =
      path === null
        ? (problem?.summary ?? countLine(done.map((c) => c.result!.status)))
        : (done.find((c) => c.result!.status === status)?.result?.summary ?? "");
    return { hop, status, summary, checks, problem };
  }
  const status: RowStatus = checks.some((c) => c.state !== "pending") ? "running" : "pending";
  const summary = problem?.summary ?? "";
  return { hop, status, summary, checks, problem };
}
