// Bundles the CLI with esbuild so start-up reads a few files instead of
// hundreds, in two parts:
//
// - dist/bundle/cli.cjs, the command line: src/cli.ts, commander and every
//   command's definition, one CommonJS file. bin/netdoctor.js (CommonJS too)
//   requires it, so `--version` and `--help` start without Node's ES module
//   loader and read one file (measured on Node 20: the ES module loader and
//   one file per shared chunk were a third of --help's start-up).
// - dist/bundle/entries/*.js, ES modules: each module the command line loads
//   with `await import()` (a diagnosis, the lab, Ink/React, the fixes…),
//   code-split so that what several of them share lives in dist/bundle/chunks/
//   once; dist/bundle/index.js is the plugin API the package exports.
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
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
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
 * Modules the command line (cli.cjs) and the ES module part may both contain:
 * stateless, so two copies behave as one. Paths relative to the package root.
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
]);

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
        const name = entryName(r.path);
        if (entries[name] && entries[name] !== r.path) throw new Error(`bundle: two modules would be entries/${name}.js: ${entries[name]} and ${r.path}`);
        entries[name] = r.path;
        return { path: `./entries/${name}.js`, external: true };
      });
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
const shared = [...inputsOf(front)].filter((i) => backInputs.has(i) && !i.includes("node_modules/") && !SHARED_STATELESS.has(i));
if (shared.length > 0) {
  throw new Error(
    `bundle: cli.cjs and the ES module part would each have their own copy of ${shared.join(", ")}: ` +
      "import it with `await import()` from src/commands/, or add it to SHARED_STATELESS in scripts/bundle.mjs if it has no module state",
  );
}
for (const f of front.outputFiles) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.text);
}

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
