/**
 * Helpers for writing checks: `defineCheck` and outcome builders.
 * Source: DESIGN §6 (check contract), STYLE "a check is data plus one function".
 */
import type { Check, CheckOutcome, FixId, PathFacts } from "./types.js";

const ID = /^(env|dns|host-port|forwarder|container|service|gateway|route|backend)\.[a-z0-9]+(-[a-z0-9]+)*$/;
/**
 * Check codes: a prefix of 2 to 6 capital letters and 3 digits. `ND` is
 * netdoctor's own prefix (DESIGN §4: grouped by hop, 0xx env … 9xx probe);
 * a plugin picks a prefix of its own (`ACME101`) and, by convention, keeps
 * the same hop grouping in its digits. The report schema's `code` pattern is
 * this one, so a plugin's results stay valid reports.
 */
export const CHECK_CODE = /^[A-Z]{2,6}\d{3}$/;

/** The code prefix reserved for netdoctor's built-in checks. */
export const BUILTIN_CODE_PREFIX = "ND";

/**
 * Declare a check. Validates the id and code format at load time.
 * @throws Error when the id is not `<hop>.<kebab-name>` with the check's hop,
 *   or the code not 2–6 capital letters + 3 digits (`ND101`, `ACME101`).
 */
export function defineCheck(check: Check): Check {
  if (!ID.test(check.id) || !check.id.startsWith(`${check.hop}.`)) {
    throw new Error(`check id ${JSON.stringify(check.id)} must be "<hop>.<kebab-name>" with hop ${check.hop}`);
  }
  if (!CHECK_CODE.test(check.code)) {
    throw new Error(`check ${check.id}: code ${JSON.stringify(check.code)} must be 2-6 capital letters and 3 digits (ND101 for netdoctor's own, e.g. ACME101 for a plugin)`);
  }
  return check;
}

type Extra = Omit<CheckOutcome, "status" | "summary">;

/** A passing outcome. */
export const pass = (summary: string, extra: Extra = {}): CheckOutcome => ({ status: "pass", summary, ...extra });
/** A warning: works, but something will bite. */
export const warn = (summary: string, extra: Extra = {}): CheckOutcome => ({ status: "warn", summary, ...extra });
/** A failure: the request stops here (or this is a root cause further down). */
export const fail = (summary: string, extra: Extra = {}): CheckOutcome => ({ status: "fail", summary, ...extra });
/** Not applicable / could not be decided; `summary` starts with "not applicable: …" by convention. */
export const skip = (summary: string, extra: Extra = {}): CheckOutcome => ({ status: "skip", summary, ...extra });

/** Publish facts without changing the outcome shape (sugar for `{ facts }`). */
export function withFacts(outcome: CheckOutcome, facts: Partial<PathFacts>): CheckOutcome {
  return { ...outcome, facts: { ...outcome.facts, ...facts } };
}

/** Keep only fix ids the check declared, for outcomes built from dynamic data. */
export function fixesOf(check: Pick<Check, "fixes">, ids: FixId[]): FixId[] {
  return ids.filter((id) => check.fixes?.includes(id));
}
