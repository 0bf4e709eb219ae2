/**
 * Errors that end a run before it starts (exit code 2). Matched on `code`,
 * never on `instanceof` (STYLE "Errors").
 */

/** Bad command-line input or an unusable environment (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "NETDOCTOR_USAGE";
}

/** True for errors that should be printed as one line and exit 2. */
export function isUserFacingError(e: unknown): e is Error & { code: string } {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" && ["NETDOCTOR_USAGE", "NETDOCTOR_SCENARIO", "NETDOCTOR_REGISTRY", "NETDOCTOR_PLUGIN"].includes(code);
}
