/**
 * The data of guided fixes that reporters and the TUI read (DESIGN §5): plans,
 * outcomes, and the FixRunner the TUI and `netdoctor fix` drive. Kept apart
 * from src/fixes/types.ts (the plugin contract, which names sources and
 * writers) so the view imports data shapes only.
 */
import type { FixId, Target } from "../engine/types.js";
import type { PathReport, Report } from "./types.js";

/** What one step of a plan does. */
export type PlanAction =
  | "delete" // delete a Kubernetes object
  | "patch" // patch a Kubernetes object
  | "create" // create a Kubernetes object
  | "start-forward" // start a detached socat forward
  | "stop-process" // stop a local process (the port-forward a socat forward replaces)
  | "append-file" // append lines to a file (hosts file)
  | "run" // run a command (k3d cluster edit)
  | "manual"; // something the user does (edit a config, recreate a cluster)

/** One step of a plan, as shown before anything changes and in `fix --json` `plan[]`. */
export interface PlanStep {
  action: PlanAction;
  /** The Kubernetes object, `apiVersion Kind namespace/name` (e.g. `helm.cattle.io/v1 HelmChart kube-system/traefik`). */
  object?: string;
  /** For `patch`: the change, one `- field: old` / `+ field: new` line each. */
  diff?: string[];
  /** The equivalent command line a user could run. */
  command?: string;
  /** For `append-file`: the file and the line(s) added. */
  file?: string;
  line?: string;
  /** One line of explanation. */
  note?: string;
}

/** The result of planning a fix for one path. Nothing has changed yet. */
export interface FixPlan {
  fixId: FixId;
  /** The steps, in the order they are applied. */
  steps: PlanStep[];
  /** Set when the fix cannot (or must not) be applied here: one line naming why. Then `steps` may still say what a user could do. */
  refusal: string | null;
  /** False when netdoctor only prints the steps (kind recreate, k3d without the k3d CLI): the user applies them. */
  automatic: boolean;
  /** Lines shown after the plan (e.g. "add --disable=traefik …"). */
  notes: string[];
  /** The target the re-check diagnoses after applying (default: the path's target). */
  verifyTarget?: Target;
  /** Fix-private data `apply` needs (objects with the resourceVersion they were planned at, ports, …). */
  state: unknown;
}

/** Status and verdict of the path a fix was for, before or after it (DESIGN §5 `fix --json`). */
export interface PathState {
  status: PathReport["status"];
  verdict: { hop: string; checkId: string; code: string; summary: string } | null;
}

/** The outcome of one fix (one entry of `fix --json` `fixes[]`, DESIGN §5). */
export interface FixOutcome {
  id: FixId;
  title: string;
  risk: "safe" | "disruptive";
  /** True only when the changes were made. */
  applied: boolean;
  plan: PlanStep[];
  notes: string[];
  /** The path it was planned for: its URL. */
  target: string;
  before: PathState;
  /** The re-check; null when not applied. */
  after: PathState | null;
  /** Each check the fix was for: status before → after (after null when not applied). */
  checks: { id: string; code: string; before: string; after: string | null }[];
  /** The undo record (`netdoctor undo ID`); null when nothing was changed. */
  undoId: string | null;
  /** One line when refused, declined or failed; null otherwise. */
  error: string | null;
}

/**
 * Plans and applies fixes on a finished diagnosis: what the TUI and
 * `netdoctor fix` drive. `apply` re-runs the diagnosis afterwards and
 * resolves to the outcome plus the new report.
 */
export interface FixRunner {
  /** The fix ids the diagnosis recommends for path `pathIndex`, failing checks first. */
  offered(pathIndex: number): FixId[];
  /** Plan a fix for a path. Never changes anything. */
  plan(fixId: FixId, pathIndex: number): Promise<FixPlan>;
  /** Apply a plan (consent already given), re-check, and report. Never throws: failures are in `outcome.error`. */
  apply(plan: FixPlan, pathIndex: number): Promise<{ outcome: FixOutcome; report: Report }>;
}
