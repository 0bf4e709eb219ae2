/**
 * The configuration file's JSON Schema check (ajv, draft 2020-12), in a
 * module of its own: src/commands/config.ts imports it only when there is a
 * file to check, so a run without a configuration file never loads ajv
 * (about 140 KB of the bundle).
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

/** A validator for `schema` that stops at the first error (ajv `allErrors: false`). */
export function compileSchema(schema: object): ValidateFunction {
  return new Ajv2020({ allErrors: false }).compile(schema);
}
