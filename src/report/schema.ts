/**
 * Validation of a report against `schema/report.schema.json` (JSON Schema
 * draft 2020-12, DESIGN §4): the file ships with the package, and tests
 * validate real reports against it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

/** The outcome of {@link validateReport}: `errors` are one readable line each ("/paths/0/status: must be one of pass, warn, fail"). */
export interface ReportValidation {
  valid: boolean;
  errors: string[];
}

/**
 * The package root: the nearest directory at or above this module that holds
 * a `package.json`. Works from `src/report` (tsx, vitest) and from
 * `dist/src/report` (after tsc), since `dist/` has no `package.json`.
 *
 * @throws Error when no `package.json` is found up to the file-system root.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`netdoctor: no package.json above ${from}`);
    dir = up;
  }
}

/** Absolute path of the report schema file shipped with the package. */
export function reportSchemaPath(): string {
  return join(packageRoot(), "schema", "report.schema.json");
}

/** Absolute path of the schema of `netdoctor fix --json` (DESIGN §5), shipped with the package. */
export function fixSchemaPath(): string {
  return join(packageRoot(), "schema", "fix.schema.json");
}

/** Absolute path of `schema/error.schema.json` (the `--json` error document, src/lifecycle.ts). */
export function errorSchemaPath(): string {
  return join(packageRoot(), "schema", "error.schema.json");
}

/** Absolute path of `schema/undo-record.schema.json` (an undo record's record.json). */
export function undoRecordSchemaPath(): string {
  return join(packageRoot(), "schema", "undo-record.schema.json");
}

const compiled = new Map<string, ValidateFunction>();

function validator(file = reportSchemaPath()): ValidateFunction {
  let v = compiled.get(file);
  if (!v) {
    const schema = JSON.parse(readFileSync(file, "utf8")) as object;
    // strict: a mistake in the schema itself is an error, not a silent no-op; strictRequired
    // is off because if/then clauses name properties defined by their parent schema.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    v = ajv.compile(schema);
    compiled.set(file, v);
  }
  return v;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || "/";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum":
      return `${where}: must be one of ${(p.allowedValues as unknown[]).map(String).join(", ")} (got ${JSON.stringify(undefinedToNull(e.data))})`;
    case "const":
      return `${where}: must be ${JSON.stringify(p.allowedValue)} (got ${JSON.stringify(undefinedToNull(e.data))})`;
    case "pattern":
      return `${where}: ${JSON.stringify(e.data)} does not match ${String(p.pattern)}`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

function undefinedToNull(v: unknown): unknown {
  return v === undefined ? null : v;
}

/**
 * Validate a report (any value) against the report schema.
 *
 * Errors of `anyOf` branches that only say "must be null" are dropped when
 * another error explains the same place, so that a wrong field in a nullable
 * object reads as that field's error.
 *
 * @throws Error when the schema file cannot be found or read (a packaging bug).
 */
export function validateReport(report: unknown, schemaFile?: string): ReportValidation {
  const validate = validator(schemaFile);
  const valid = validate(report) as boolean;
  if (valid) return { valid, errors: [] };
  const raw = validate.errors ?? [];
  const specific = raw.filter((e) => e.keyword !== "anyOf" && e.keyword !== "if");
  const errors: string[] = [];
  for (const e of specific) {
    // "must be null" from the null branch of a nullable object is noise when the object branch explains more.
    const isNullBranch = e.keyword === "type" && (e.params as { type?: unknown }).type === "null";
    if (isNullBranch && specific.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))) continue;
    const line = describe(e);
    if (!errors.includes(line)) errors.push(line);
  }
  if (errors.length === 0) for (const e of raw) errors.push(describe(e));
  return { valid, errors };
}

/**
 * Validate a `netdoctor fix --json` document against `schema/fix.schema.json`.
 * @throws Error when the schema file cannot be found or read (a packaging bug).
 */
export function validateFixDocument(doc: unknown): ReportValidation {
  return validateReport(doc, fixSchemaPath());
}

/**
 * Validate a `--json` error document (`{schemaVersion: 1, error: {code, message, exitCode}}`) against `schema/error.schema.json`.
 * @throws Error when the schema file cannot be found or read (a packaging bug).
 */
export function validateErrorDocument(doc: unknown): ReportValidation {
  return validateReport(doc, errorSchemaPath());
}

/**
 * Validate an undo record (`record.json`) against `schema/undo-record.schema.json`.
 * @throws Error when the schema file cannot be found or read (a packaging bug).
 */
export function validateUndoRecord(doc: unknown): ReportValidation {
  return validateReport(doc, undoRecordSchemaPath());
}
