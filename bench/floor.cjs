// The bench's floor (bench/bench.ts, issue 12): the least any Node.js program
// can take for what a diagnosis asks of the API server. It makes the same
// requests netdoctor's live source makes at set-up (`/version` and one list
// per kind, ND_FLOOR_PATHS), all at once on one HTTP/2 session over TLS
// verified against the server's CA, parses every answer as JSON and writes
// them out, as `kubectl get … -o json` writes its list, and exits: no
// kubeconfig parsing, no checks, no probe, no report. Node's own start-up
// and its TLS and HTTP/2 built-ins are in it; nothing of netdoctor is.
//
// Input (environment): ND_FLOOR_SERVER (https://127.0.0.1:PORT),
// ND_FLOOR_TOKEN (bearer token), ND_FLOOR_CA (PEM), ND_FLOOR_PATHS (JSON
// array of request paths). CommonJS, one file, as Node starts it fastest.
"use strict";
const http2 = require("node:http2");

const paths = JSON.parse(process.env.ND_FLOOR_PATHS);
const session = http2.connect(process.env.ND_FLOOR_SERVER, { ca: process.env.ND_FLOOR_CA });
session.on("error", (e) => {
  process.stderr.write(`floor: ${e.message}\n`);
  process.exitCode = 2;
});

function get(path) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path, authorization: `Bearer ${process.env.ND_FLOOR_TOKEN}`, accept: "application/json" });
    const chunks = [];
    let status = 0;
    stream.on("response", (h) => (status = h[":status"]));
    stream.on("data", (d) => chunks.push(d));
    stream.on("end", () => (status === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))) : reject(new Error(`${path}: HTTP ${status}`))));
    stream.on("error", reject);
    stream.end();
  });
}

Promise.all(paths.map(get)).then(
  (answers) => {
    process.stdout.write(`${JSON.stringify(answers)}\n`);
    session.close();
  },
  (e) => {
    process.stderr.write(`floor: ${e.message}\n`);
    process.exitCode = 2;
    session.close();
  },
);
