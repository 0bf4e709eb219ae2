// Bundles the CLI with esbuild so start-up reads a few files instead of
// hundreds, in two parts:
//
// - dist/bundle/cli.cjs, the command line: src/cli.ts, commander and every
//   command's definition, one CommonJS file. bin/netdoctor.js (CommonJS too)
//   requires dist/bundle/start.cjs, which compiles it through a V8 code
//   cache (src/code-cache.ts, itself dist/bundle/code-cache.cjs), so
//   `--version` and `--help` start without Node's ES module loader, read one
//   file and compile next to nothing (measured on Node 20: the ES module
//   loader and one file per shared chunk were a third of --help's start-up;
//   compiling cli.cjs from source, 30 M of a diagnosis's 890 M instructions).
// - dist/bundle/entries/*.js, ES modules: each module the command line loads
//   with `await import()` (a diagnosis, the lab, Ink/React, the fixes…),
//   code-split so that what several of them share lives in dist/bundle/chunks/
//   once; dist/bundle/index.js is the plugin API the package exports.
//
// - dist/bundle/diagnose.cjs, the diagnosis bundle: everything a printed
//   diagnosis runs (text, JSON, short, wide, YAML, GitHub; src/commands/
//   diagnose-cached.ts), its own dynamic imports inlined, one CommonJS file
//   with no ES module beside it. The command line loads it through a V8 code
//   cache (src/code-cache.ts), keyed by the file's hash written in cli.cjs:
//   Node 20's ES module loader has no compile cache, and compiling the ~50
//   ES modules of a diagnosis was most of its start-up (issue 12). The TUI
//   (Ink, with top-level await) and the other commands stay ES modules.
//
// A module both parts contain exists twice at run time. That is harmless only
// for modules without state (a class matched on its `code`, pure functions),
// so the build fails when the two parts share a module not listed in
// SHARED_STATELESS below: keep module state (lifecycle's cleanups, caches)
// behind `await import()` from src/commands/.
//
// The bundle is the whole program: every library is inside it, minified
// (smaller files parse faster), so the published package has no runtime
// dependencies to download (issue 12: "one lean package"). Source maps only
// with ND_SOURCEMAP=1 (they are not published).
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

/**
 * commander requires node:child_process when it loads, for executable
 * subcommands (`git-style` commands in separate files), which netdoctor does
 * not have; loading it pulls in child_process, dgram and net's socket list
 * on every start (--help included). Commander's require gets a stand-in that
 * loads the module at its first use instead.
 */
function lazyChildProcessForCommander() {
  return {
    name: "lazy-child-process-for-commander",
    setup(b) {
      b.onResolve({ filter: /^node:child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "nd-lazy" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "nd-lazy" }, () => ({
        contents: 'let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require("node:child_process"))[key] });',
        loader: "js",
        resolveDir: ".",
      }));
    },
  };
}

const OUT = process.env.ND_BUNDLE_DIR ?? "dist/bundle";

/**
 * Modules that may exist twice in one process — in the command line
 * (cli.cjs) and the ES module part, or in the diagnosis bundle and an ES
 * module loaded beside it: stateless, so two copies behave as one. Paths
 * relative to the package root.
 */
const SHARED_STATELESS = new Set([
  "src/errors.ts", // error classes matched on `code` (STYLE "Errors"), never instanceof
  "src/version.ts", // reads package.json
  "src/engine/target.ts", // parsing functions
  "src/engine/types.ts",
  "src/commands/duration.ts",
  "src/commands/targets.ts",
  "src/commands/run-options.ts",
  "src/commands/fix.ts", // planLines for the TUI; no module state
  "src/report/request-text.ts",
  "src/commands/output-mode.ts", // OUTPUT_FORMATS, chooseMode, exitCodeFor
  // Also in the ES module chunks loaded beside diagnose.cjs (BESIDE_DIAGNOSIS): no module state
  // (checked: no module-level let/var or mutable collection), errors matched on name/code.
  "src/report/mask.ts", // its one Map is a memo of pure results
  "src/bundle/secret-patterns.ts",
  "src/secret-names.ts",
  "src/sources/types.ts", // SourceError: isSourceError matches name/code
  "src/sources/live/host.ts",
  "src/sources/live/lab-state.ts",
  "src/host/addresses.ts",
  "src/host/resolver.ts",
  "src/host/forwarders.ts",
  "src/host/container-forwarders.ts",
  "src/host/interfaces.ts",
  "src/host/recorded-forwards.ts",
  "src/host/workdir.ts",
  "src/fixes/home.ts",
  "src/fixes/types.ts",
  "src/fixes/which.ts",
  "src/fixes/forwards.ts",
  "src/lab/contract.ts",
  "src/data-yaml.ts", // one pure function over js-yaml (also stateless)
]);

/**
 * Modules whose state is process-wide (kept on `globalThis` under a
 * Symbol.for key), so any number of copies share it: the diagnosis bundle
 * may hold its own copy beside the ES module part's.
 */
const PROCESS_WIDE_STATE = new Set([
  "src/lifecycle.ts", // cleanups, interrupt handlers, the stdout guard
]);

/**
 * Modules the command line imports with `await import()` that stay inside
 * cli.cjs (evaluated at their first import) instead of becoming ES module
 * entries: src/commands/program.ts loads them for every command (the process
 * guards; masking an error line), and an ES module entry would start Node's
 * ES module loader (measured: about 10 ms) in a diagnosis that has no other
 * use for it.
 */
const IN_COMMAND_LINE = new Set(["src/lifecycle.ts", "src/report/mask.ts"]);

/**
 * The ES module entries the command line loads in the same process as the
 * diagnosis bundle (src/commands/diagnose.ts: the hosts file for bare-word
 * targets). What they load may be in diagnose.cjs too only when stateless.
 */
const BESIDE_DIAGNOSIS = ["src/sources/live/host.ts"];

/** The entry of the diagnosis bundle (src/commands/diagnose.ts imports it for the printed formats). */
const DIAGNOSIS_ENTRY = resolve("src/commands/diagnose-cached.ts");

/** `src/commands/catalog.ts` → `commands-catalog`; `node_modules/@bomb.sh/tab/dist/commander.mjs` → `bomb.sh-tab-dist-commander`. */
function entryName(file) {
  return relative(process.cwd(), file)
    .replace(/^(src|node_modules)\//, "")
    .replace(/\.[cm]?[jt]sx?$/, "")
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^-+/, "");
}

/**
 * In the command line's build, each `await import("…")` of a module (not a
 * Node built-in, and not src/cli.ts's own import of the program) becomes an
 * import of its ES module entry
 * (`./entries/<name>.js`), recorded in `entries` for the second build.
 */
function dynamicImportsAsEntries(entries) {
  return {
    name: "dynamic-imports-as-entries",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.path.startsWith("node:") || args.pluginData?.asEntry) return undefined;
        // src/cli.ts loads the program only past the --version fast path: it stays in cli.cjs, evaluated when imported.
        if (/[\\/]src[\\/]cli\.ts$/.test(args.importer)) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { asEntry: true } });
        if (r.errors.length > 0 || r.external) return r.errors.length > 0 ? { errors: r.errors } : undefined;
        // The diagnosis bundle: loaded through the code cache (below), not as an ES module.
        if (r.path === DIAGNOSIS_ENTRY) return { path: "diagnose.cjs", namespace: "nd-diagnosis" };
        // What every command loads stays in cli.cjs (evaluated when imported): a printed diagnosis then never starts the ES module loader.
        if (IN_COMMAND_LINE.has(relative(process.cwd(), r.path))) return { path: r.path };
        const name = entryName(r.path);
        if (entries[name] && entries[name] !== r.path) throw new Error(`bundle: two modules would be entries/${name}.js: ${entries[name]} and ${r.path}`);
        entries[name] = r.path;
        return { path: `./entries/${name}.js`, external: true };
      });
      // The code cache's loader is a file of its own (dist/bundle/code-cache.cjs), shared with start.cjs, which loads this file through it.
      b.onResolve({ filter: /^\.\/code-cache\.cjs$/ }, () => ({ path: "./code-cache.cjs", external: true }));
      b.onLoad({ filter: /.*/, namespace: "nd-diagnosis" }, () => ({
        contents:
          'const { loadWithCodeCache } = require("./code-cache.cjs");\n' +
          `module.exports = loadWithCodeCache(require("node:path").join(__dirname, "diagnose.cjs"), { key: ${JSON.stringify(diagnosisKey)}, saveAtExit: true }).exports;\n`,
        loader: "js",
        resolveDir: process.cwd(),
      }));
    },
  };
}

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: process.env.ND_SOURCEMAP === "1",
  minify: true,
  // Class and function names survive (error names, stack traces stay readable).
  keepNames: true,
  legalComments: "linked",
  logLevel: "warning",
  // Optional native and dev-only modules stay outside, each required inside a
  // try/catch by its user: ssh2's optional crypto binding and cpu-features
  // (ssh2 falls back to node:crypto), react-devtools-core (Ink, only with DEV=true).
  external: ["*.node", "cpu-features", "react-devtools-core"],
  metafile: true,
  write: false,
};

// Chunk names carry content hashes: start empty so no stale chunk is shipped.
rmSync(OUT, { recursive: true, force: true });

/**
 * src/import-module.ts stays outside diagnose.cjs, as dist/bundle/import-module.cjs:
 * code compiled through the code cache (vm.Script) cannot import() on Node 20, a file Node's own loader compiled can.
 */
const IMPORT_MODULE = resolve("src/import-module.ts");
function importModuleOutside() {
  return {
    name: "import-module-outside",
    setup(b) {
      b.onResolve({ filter: /import-module(\.js)?$/ }, async (args) => {
        if (args.pluginData?.inner) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
        return r.path === IMPORT_MODULE ? { path: "./import-module.cjs", external: true } : undefined;
      });
    },
  };
}

/**
 * Libraries a printed diagnosis loads only on paths most runs never take
 * (an ssh:// Docker host, -o github, a configuration file, a child process,
 * a bundle's tar, a proxy): each is a CommonJS file of its own,
 * dist/bundle/vendor/<name>.cjs, required when first used, instead of a
 * part of diagnose.cjs. Without a code cache (the first run after an
 * install) V8 parses all of diagnose.cjs: these were 1.2 MB of its 2.5.
 */
const VENDOR = /^(dockerode|@actions\/core|ajv|execa|tar|socks-proxy-agent|hpagent)(\/.*)?$/;
function vendorOutside(vendors) {
  return {
    name: "vendor-outside",
    setup(b) {
      b.onResolve({ filter: VENDOR }, async (args) => {
        if (args.pluginData?.inner || /[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
        if (r.errors.length > 0) return { errors: r.errors };
        const name = args.path.replace(/^@/, "").replace(/\.[cm]?js$/, "").replace(/[^A-Za-z0-9_.-]+/g, "-");
        vendors[`vendor/${name}`] = r.path;
        return { path: `./vendor/${name}.cjs`, external: true };
      });
    },
  };
}

const vendors = {};
// 0. The diagnosis bundle, one CommonJS file (its hash keys the code cache). Its dynamic imports become require
//    (esbuild: "dynamic-import" unsupported), those of its own modules still evaluated at their first import;
//    src/import-module.ts is a file of its own, whose import() stays.
const diagnosis = await build({
  ...common,
  entryPoints: { diagnose: DIAGNOSIS_ENTRY },
  outdir: OUT,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  supported: { "dynamic-import": false },
  define: { "import.meta.url": "__ndImportMetaUrl" },
  banner: { js: 'const __ndImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [lazyChildProcessForCommander(), importModuleOutside(), vendorOutside(vendors)],
});
const importModule = await build({
  ...common,
  entryPoints: { "import-module": IMPORT_MODULE, "code-cache": resolve("src/code-cache.ts"), ...vendors },
  outdir: OUT,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
});
const diagnosisFile = diagnosis.outputFiles.find((f) => f.path.endsWith("diagnose.cjs"));
const diagnosisKey = createHash("sha256").update(diagnosisFile.text).digest("hex").slice(0, 16);

// 1. The command line, one CommonJS file.
const entries = {};
const front = await build({
  ...common,
  entryPoints: { cli: "src/cli.ts" },
  outdir: OUT,
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  // version.ts finds the package from its own location.
  define: { "import.meta.url": "__ndImportMetaUrl" },
  banner: { js: 'const __ndImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [lazyChildProcessForCommander(), dynamicImportsAsEntries(entries)],
});

// 2. What it loads when a command runs, and the plugin API: ES modules, code-split.
const result = await build({
  ...common,
  entryPoints: { index: "src/index.ts", ...Object.fromEntries(Object.entries(entries).map(([name, file]) => [`entries/${name}`, file])) },
  outdir: OUT,
  splitting: true,
  format: "esm",
  chunkNames: "chunks/[name]-[hash]",
  plugins: [lazyChildProcessForCommander()],
});

// The two parts share only stateless modules (see SHARED_STATELESS).
const inputsOf = (r) => new Set(Object.values(r.metafile.outputs).flatMap((o) => Object.keys(o.inputs)));
const backInputs = inputsOf(result);
const shared = [...inputsOf(front)].filter((i) => backInputs.has(i) && !i.includes("node_modules/") && !SHARED_STATELESS.has(i) && !PROCESS_WIDE_STATE.has(i));
if (shared.length > 0) {
  throw new Error(
    `bundle: cli.cjs and the ES module part would each have their own copy of ${shared.join(", ")}: ` +
      "import it with `await import()` from src/commands/, or add it to SHARED_STATELESS in scripts/bundle.mjs if it has no module state",
  );
}
// The diagnosis bundle runs beside the command line and the ES module entries in BESIDE_DIAGNOSIS: it shares only stateless modules with them (or ones whose state is process-wide).
const outputOf = (r, entry) => Object.entries(r.metafile.outputs).find(([, o]) => o.entryPoint === entry)?.[0];
/** The inputs of an ES module output and of every chunk it imports statically. */
function closureInputs(r, out, seen = new Set()) {
  if (!out || seen.has(out)) return seen;
  seen.add(out);
  for (const i of r.metafile.outputs[out].imports) if (i.kind === "import-statement" && r.metafile.outputs[i.path]) closureInputs(r, i.path, seen);
  return seen;
}
const besideOutputs = new Set(BESIDE_DIAGNOSIS.flatMap((e) => [...closureInputs(result, outputOf(result, e))]));
const besideInputs = new Set([...besideOutputs].flatMap((o) => Object.keys(result.metafile.outputs[o].inputs)));
for (const e of BESIDE_DIAGNOSIS) if (!outputOf(result, e)) throw new Error(`bundle: ${e} (BESIDE_DIAGNOSIS) is no ES module entry: update the list`);
const frontInputs = inputsOf(front);
const twice = [...inputsOf(diagnosis)].filter((i) => (frontInputs.has(i) || besideInputs.has(i)) && !i.includes("node_modules/") && !SHARED_STATELESS.has(i) && !PROCESS_WIDE_STATE.has(i));
if (twice.length > 0) {
  throw new Error(
    `bundle: diagnose.cjs and the modules loaded beside it would each have their own copy of ${twice.join(", ")}: ` +
      "keep its state process-wide (PROCESS_WIDE_STATE), or add it to SHARED_STATELESS if it has none",
  );
}
/**
 * cli.cjs runs through the code cache too (start.cjs, below), compiled by
 * vm.Script, whose code cannot import() on Node 20 (see src/import-module.ts):
 * each of its dynamic imports — an ES module entry or a Node built-in — goes
 * through import-module.cjs, which sits beside it, so a relative specifier
 * resolves as before. `__ndim(` has the length of `import(`, so a source
 * map's lines and columns still hold.
 */
const DYNAMIC_IMPORT = /\bimport\((?="(?:\.\/entries\/|node:))/g;
function cliThroughImportModule(text) {
  const routed = text.replace(DYNAMIC_IMPORT, "__ndim(");
  const left = /\bimport\(/.exec(routed);
  if (left) throw new Error(`bundle: cli.cjs has an import() the build cannot route through import-module.cjs: …${routed.slice(left.index - 40, left.index + 60)}…`);
  // A function declaration at the end: hoisted, it is defined before any code runs, and nothing before it moves.
  return `${routed}\nfunction __ndim(specifier) { return require("./import-module.cjs").importModule(specifier); }\n`;
}
const outputs = [...front.outputFiles, ...diagnosis.outputFiles, ...importModule.outputFiles].map((f) => ({ path: f.path, text: f.text }));
const cliOut = outputs.find((f) => f.path.endsWith("cli.cjs"));
cliOut.text = cliThroughImportModule(cliOut.text);
const cliKey = createHash("sha256").update(cliOut.text).digest("hex").slice(0, 16);
for (const f of outputs) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.text);
}
/**
 * dist/bundle/start.cjs, what bin/netdoctor.js requires: cli.cjs through the
 * code cache (src/code-cache.ts), keyed by its hash. The cache holds the
 * functions the run that wrote it compiled, and a command line that asks only
 * for help or the version runs a few of cli.cjs's functions, each command
 * others: each kind keeps a cache of its own — help and version, the first
 * bare word (a command's name: `checks`, `fix`), or else a diagnosis — so
 * that the run first after an install does not leave every later one a
 * cache of its own functions only.
 */
writeFileSync(
  join(OUT, "start.cjs"),
  `"use strict";
// Generated by scripts/bundle.mjs: loads cli.cjs through the V8 code cache (src/code-cache.ts).
const { loadWithCodeCache } = require("./code-cache.cjs");
const argv = process.argv.slice(2);
const brief = argv.some((a) => a === "--help" || a === "-h" || a === "help") || (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version"));
const word = argv.find((a) => !a.startsWith("-"));
const kind = brief ? "brief" : word !== undefined && /^[a-z][a-z-]{0,19}$/.test(word) ? \`word-\${word}\` : "run";
module.exports = loadWithCodeCache(require("node:path").join(__dirname, "cli.cjs"), { key: \`${cliKey}-\${kind}\`, saveAtExit: true }).exports;
`,
);

// CommonJS globals, in the chunks that use them. Bundled CommonJS packages
// reach Node's built-ins through esbuild's require shim (in its runtime chunk)
// and a few libraries read __dirname/__filename; an ESM chunk has none of
// them. A banner in every chunk would run createRequire() and fileURLToPath()
// once per file loaded (measured: about 0.2 ms a file, 40 to 60 files a
// diagnosis), so each chunk gets only the lines whose name its code contains
// (a name inside a string costs one line, never a missing global).
const GLOBALS = [
  ["require", 'import { createRequire as __ndCreateRequire } from "node:module"; const require = __ndCreateRequire(import.meta.url);'],
  ["__filename", 'import { fileURLToPath as __ndFileURLToPath } from "node:url"; const __filename = __ndFileURLToPath(import.meta.url);'],
  ["__dirname", 'import { dirname as __ndDirname } from "node:path"; const __dirname = __ndDirname(__ndFileURLToPath(import.meta.url));'],
];
// __dirname's line uses the fileURLToPath that __filename's line imports.
const NEEDS = { __dirname: ["__filename"] };
/** The banner lines a chunk's code needs. */
function bannerOf(code) {
  const used = new Set(GLOBALS.filter(([name]) => new RegExp(`\\b${name}\\b`).test(code)).map(([name]) => name));
  for (const n of [...used]) for (const m of NEEDS[n] ?? []) used.add(m);
  return GLOBALS.filter(([name]) => used.has(name)).map(([, line]) => line);
}
const texts = new Map(result.outputFiles.map((f) => [f.path, f.text]));
for (const f of result.outputFiles) {
  let text = f.text;
  if (f.path.endsWith(".js")) {
    const lines = bannerOf(text);
    if (lines.length) text = `${lines.join(" ")}\n${text}`;
  } else if (f.path.endsWith(".js.map") && bannerOf(texts.get(f.path.slice(0, -".map".length)) ?? "").length) {
    // One banner line more in the chunk: its mappings start one line later.
    const map = JSON.parse(text);
    map.mappings = `;${map.mappings}`;
    text = JSON.stringify(map);
  }
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, text);
}
