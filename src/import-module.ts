/**
 * `import(url)` for what netdoctor loads at run time from outside its own
 * code: `--checks-dir` plugins, a `--config` file written in JavaScript.
 *
 * The diagnosis bundle (dist/bundle/diagnose.cjs) is compiled through a V8
 * code cache with `vm.Script` (src/code-cache.ts), and on Node 20 code
 * compiled that way cannot `import()`: without `importModuleDynamically`
 * it throws, the built-in default loader for it is experimental (a warning
 * on stderr) and loses its callback when the code comes from the cache.
 * So this module stays a file of its own in the bundle
 * (dist/bundle/import-module.cjs, scripts/bundle.mjs), compiled by Node's
 * own CommonJS loader, whose `import()` is Node's ES module loader.
 *
 * @param url an absolute `file:` URL (or a `node:` specifier).
 * @returns the module's namespace object. Rejects as `import()` does.
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(url) as Promise<Record<string, unknown>>;
}
