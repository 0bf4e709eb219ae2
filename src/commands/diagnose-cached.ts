/**
 * The entry of the CommonJS diagnosis bundle (`dist/bundle/diagnose.cjs`,
 * scripts/bundle.mjs): everything a printed diagnosis (text, JSON, short,
 * wide, YAML, GitHub) runs, in one file that src/code-cache.ts compiles with
 * a V8 code cache. Without the bundle (the plain tsc build, tests) it is the
 * run module itself.
 */
export { runDiagnose } from "./diagnose-run.js";
