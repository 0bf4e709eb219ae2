#!/usr/bin/env node
// Thin launcher, CommonJS (bin/package.json): a CommonJS entry starts without
// Node's ES module loader, which --version and --help would otherwise pay for.
// `npm run build` writes the bundled CLI: dist/bundle/start.cjs loads
// dist/bundle/cli.cjs (the command line) through a V8 code cache, which loads
// a printed diagnosis from dist/bundle/diagnose.cjs the same way and the rest
// of netdoctor as ES modules when a command runs; without a bundle, the plain
// tsc output (dist/src/cli.js) runs.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

// A reader that goes away (`netdoctor | head`) is not an error of netdoctor: the rest of the output
// is dropped and the run still ends normally (a lab it started is stopped, its files removed).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") return;
    throw e;
  });
}

const bundle = join(__dirname, "..", "dist", "bundle", "start.cjs");
const cli = existsSync(bundle) ? Promise.resolve().then(() => require(bundle)) : import(pathToFileURL(join(__dirname, "..", "dist", "src", "cli.js")).href);
cli
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    process.stderr.write(`netdoctor: ${e && e.message ? e.message.split("\n")[0] : String(e)}\n`);
    process.exitCode = 2;
  });
