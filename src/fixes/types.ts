/**
 * The fix plugin contract (DESIGN §5): a fix plans the exact changes without
 * changing anything, and applies them only after consent, journalling what it
 * replaced so `netdoctor undo` can put it back.
 */
import type { FixId, PathFacts, Target } from "../engine/types.js";
import type { LabState } from "../lab/contract.js";
import type { PathReport, Report } from "../report/types.js";
import type { KubeWriter, ObjectRef } from "../sources/kube-writer.js";
import type { KubeObject } from "../kube/types.js";
import type { Sources } from "../sources/types.js";

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

/** What apply records so undo can restore it (journal entries, in application order). */
export type UndoEntry =
  | { type: "deleted"; ref: ObjectRef; object: KubeObject }
  | {
      type: "patched";
      ref: ObjectRef;
      /** The object before the patch. */
      object: KubeObject;
      resourceVersionAfter: string | null;
      /** `spec` right after the patch: undo restores only while the spec is still that (controllers may update status). */
      specAfter?: unknown;
    }
  | { type: "created"; ref: ObjectRef; uid: string | null }
  | { type: "forward-started"; forwardId: string }
  | { type: "process-stopped"; pid: number; command: string }
  | { type: "file-appended"; file: string; backup: string; line: string };

/**
 * Records each change a fix makes, before it is made, under
 * `~/.netdoctor/undo/<id>/` (DESIGN §5). Writes are synchronous-to-disk
 * before the change: a crash after the change still leaves the record.
 */
export interface UndoJournal {
  /** `20261122T101500Z-remove-traefik`. */
  readonly id: string;
  /** Directory of this record. */
  readonly dir: string;
  /** Save an entry (for `deleted`/`patched`: the object as it was). */
  record(entry: UndoEntry): Promise<void>;
  /** Replace the last entry of `type` for `ref` (e.g. to add `resourceVersionAfter` once the patch answered). */
  update(entry: UndoEntry): Promise<void>;
  /** Drop the last entry: the change it announced was not made (refused, failed). */
  discardLast(): Promise<void>;
}

/** Options the user gave `netdoctor fix` that individual fixes read. */
export interface FixOptions {
  /** `--address ADDR`: where a socat forward listens (default 127.0.0.1). */
  address?: string;
  /** `--port P`: where a socat forward listens (default the target's port). */
  port?: number;
}

/** What a fix sees while planning and applying. */
export interface FixContext {
  /** Read sources of the diagnosis the plan is based on. */
  sources: Sources;
  /** Writes to the cluster (optimistic concurrency); null when the run cannot write (a bundle). */
  kube: KubeWriter | null;
  /** The diagnosis, and the path (with its facts) the fix was recommended for. */
  report: Report;
  path: PathReport;
  facts: PathFacts;
  /** The lab this run talks to, or null (then everything is this machine and the user's cluster). */
  lab: LabState | null;
  /** `process.platform` of this machine. */
  platform: string;
  /** Environment (`PATH`, `HOME`, `NETDOCTOR_HOME`). */
  env: NodeJS.ProcessEnv;
  options: FixOptions;
  signal: AbortSignal;
}

/** A fix plugin (DESIGN §5; ids are a contract). */
export interface Fix {
  id: FixId;
  /** Imperative title. */
  title: string;
  risk: "safe" | "disruptive";
  /** Plan the changes for `ctx.path`. Never changes anything. Never throws for an expected situation: returns a refusal. */
  plan(ctx: FixContext): Promise<FixPlan>;
  /**
   * Apply `plan`. Records every change in `journal` before making it. Throws
   * FixError (one line) when a change is refused (conflict) or fails; the
   * framework then rolls back what the journal holds.
   */
  apply(ctx: FixContext, plan: FixPlan, journal: UndoJournal): Promise<void>;
}

/** A refused or failed change: one line for the user. */
export class FixError extends Error {
  override readonly name = "FixError";
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
  risk: Fix["risk"];
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
