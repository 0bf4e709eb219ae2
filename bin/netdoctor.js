#!/usr/bin/env node
// Thin launcher. `npm run build` writes the bundled CLI (dist/bundle/cli.js,
// fast start-up) and the plain tsc output (dist/src/cli.js); the bundle is
// preferred when present.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/bundle/cli.js", import.meta.url);
const entry = existsSync(bundle) ? bundle.href : new URL("../dist/src/cli.js", import.meta.url).href;
import(entry)
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    process.stderr.write(`netdoctor: ${e && e.message ? e.message.split("\n")[0] : String(e)}\n`);
    process.exitCode = 2;
  });
