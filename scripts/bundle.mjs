// Bundles the CLI with esbuild so start-up reads a few files instead of
// hundreds. Code
// splitting keeps lazily imported parts (Ink/React, the lab, sources) in
// chunks loaded only when used. Output: dist/bundle/cli.js, dist/bundle/index.js
// (the plugin API the package exports) and shared chunks.
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
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
  // Optional native / dev-only modules stay outside: loaded from node_modules if
  // ever needed.
  external: ["ssh2", "cpu-features", "react-devtools-core"],
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
