// Bundles the CLI with esbuild so start-up reads a few files instead of
// hundreds. Code splitting keeps lazily imported parts (Ink/React, the lab,
// sources, fixes) in chunks loaded only when used. Output: dist/bundle/cli.js,
// dist/bundle/index.js (the plugin API the package exports) and shared chunks.
//
// The bundle is the whole program: every library is inside it, minified
// (smaller files parse faster), so the published package has no runtime
// dependencies to download (issue 12: "one lean package"). Source maps only
// with ND_SOURCEMAP=1 (they are not published).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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

// Chunk names carry content hashes: start empty so no stale chunk is shipped.
rmSync("dist/bundle", { recursive: true, force: true });

const result = await build({
  // cli: the command; index: the public check API (`import { defineCheck } from "netdoctor"`).
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: process.env.ND_SOURCEMAP === "1",
  minify: true,
  // Class and function names survive (error names, stack traces stay readable).
  keepNames: true,
  legalComments: "linked",
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
  // Optional native and dev-only modules stay outside, each required inside a
  // try/catch by its user: ssh2's optional crypto binding and cpu-features
  // (ssh2 falls back to node:crypto), react-devtools-core (Ink, only with DEV=true).
  external: ["*.node", "cpu-features", "react-devtools-core"],
  plugins: [lazyChildProcessForCommander()],
  write: false,
});

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
