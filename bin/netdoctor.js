#!/usr/bin/env node
// Thin launcher. `npm run build` writes the bundled CLI (dist/bundle/cli.js,
// fast start-up) and the plain tsc output (dist/src/cli.js); the bundle is
// preferred when present.
import { existsSync } from "node:fs";

// A reader that goes away (`netdoctor | head`) is not an error of netdoctor: the rest of the output
// is dropped and the run still ends normally (a lab it started is stopped, its files removed).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") return;
    throw e;
  });
}

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
