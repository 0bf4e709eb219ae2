/**
 * The fix plugin contract (DESIGN §5): a fix plans the exact changes without
 * changing anything, and applies them only after consent, journalling what it
 * replaced so `netdoctor undo` can put it back.
 */
import type { FixId, PathFacts } from "../engine/types.js";
import type { LabState } from "../lab/contract.js";
import type { PathReport, Report } from "../report/types.js";
import type { KubeWriter, ObjectRef } from "../sources/kube-writer.js";
import type { KubeObject } from "../kube/types.js";
import type { Sources } from "../sources/types.js";
import type { FixPlan } from "../report/fix-types.js";

export type { FixOutcome, FixPlan, FixRunner, PathState, PlanAction, PlanStep } from "../report/fix-types.js";

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
  | {
      type: "file-appended";
      file: string;
      backup: string;
      line: string;
      /** True when the file did not end with a newline and one was added before the line. */
      newlineAdded?: boolean;
    };

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
  /** Ids of the checks it answers: the checks that recommend it, re-run after it is applied (their `fixes` name this fix). */
  answers: string[];
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

