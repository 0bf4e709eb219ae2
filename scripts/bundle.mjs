// Bundles the CLI with esbuild so start-up reads a few files instead of
// hundreds. Code splitting keeps lazily imported parts (Ink/React, the lab,
// sources, fixes) in chunks loaded only when used. Output: dist/bundle/cli.js,
// dist/bundle/index.js (the plugin API the package exports) and shared chunks.
//
// The bundle is the whole program: every library is inside it, minified
// (smaller files parse faster), so the published package has no runtime
// dependencies to download (issue 12: "one lean package"). Source maps only
// with ND_SOURCEMAP=1 (they are not published).
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: start empty so no stale chunk is shipped.
rmSync("dist/bundle", { recursive: true, force: true });

await build({
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
  banner: {
    js: [
      'import { createRequire as __ndCreateRequire } from "node:module";',
      'import { fileURLToPath as __ndFileURLToPath } from "node:url";',
      'import { dirname as __ndDirname } from "node:path";',
      "const require = __ndCreateRequire(import.meta.url);",
      "const __filename = __ndFileURLToPath(import.meta.url);",
      "const __dirname = __ndDirname(__filename);",
    ].join("\n"),
  },
});
