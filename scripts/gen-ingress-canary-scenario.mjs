#!/usr/bin/env node
/**
 * Writes kind-ingress-nginx-canary: the kind-ingress-nginx-healthy cluster
 * (kind ingress guide, ingress-nginx v1.12.1) plus a canary release of the
 * web app as ingress-nginx's canary docs describe it: Deployment and Service
 * web-canary (hashicorp/http-echo, as the kind ingress guide's example apps)
 * and Ingress web-canary for the same host and path, annotated
 * `nginx.ingress.kubernetes.io/canary: "true"`,
 * `nginx.ingress.kubernetes.io/canary-by-header: X-Canary` and
 * `nginx.ingress.kubernetes.io/canary-weight: "0"`. Sources:
 * ingress-nginx docs/user-guide/nginx-configuration/annotations.md "Canary"
 * (precedence canary-by-header -> canary-by-cookie -> canary-weight; header
 * value "always"/"never"), docs/examples/canary; kind docs "Ingress" (http-echo).
 *
 * Usage: node scripts/gen-ingress-canary-scenario.mjs
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
import { readDocs, SCENARIOS } from "./lib/scenario-gen.mjs";

const BASE = join(SCENARIOS, "kind-ingress-nginx-healthy");
const DIR = join(SCENARIOS, "kind-ingress-nginx-canary");
rmSync(DIR, { recursive: true, force: true });
cpSync(BASE, DIR, { recursive: true });

const docs = readDocs(join(BASE, "cluster/apps.yaml"));
const web = (kind) => docs.filter((o) => o.kind === kind && o.metadata.name.startsWith("web"));
// The canary copy: renamed objects, http-echo instead of nginx, one replica, its own pod IP.
const canary = [...web("Deployment"), ...web("ReplicaSet"), web("Pod")[0], ...web("Service"), ...web("EndpointSlice")].map((o) => {
  let s = JSON.stringify(o).replaceAll("web-6c9b8d7f54", "web-canary-7d5f9c8b6").replaceAll('"web"', '"web-canary"').replaceAll("web-d7qsx", "web-canary-m2k8p");
  s = s.replaceAll("nginx:1.27.5", "hashicorp/http-echo:1.0.0").replace(/"uid":"([0-9a-f]{8})/g, (_m, h) => `"uid":"${[...h].reverse().join("")}`);
  const c = JSON.parse(s);
  if (c.kind === "Pod" || c.kind === "Deployment" || c.kind === "ReplicaSet") {
    const spec = c.kind === "Pod" ? c.spec : c.spec.template.spec;
    spec.containers = spec.containers.map((k) => ({ ...k, args: ["-listen=:80", "-text=canary"] }));
    if (c.kind !== "Pod") c.spec.replicas = 1;
  }
  return c;
});
const pod = canary.find((o) => o.kind === "Pod");
const podIP = "10.244.0.17";
pod.status.podIP = podIP;
pod.status.podIPs = [{ ip: podIP }];
const eps = canary.find((o) => o.kind === "EndpointSlice");
eps.endpoints = [{ ...eps.endpoints[0], addresses: [podIP], targetRef: { ...eps.endpoints[0].targetRef, name: pod.metadata.name, uid: pod.metadata.uid } }];
const svc = canary.find((o) => o.kind === "Service");
svc.spec.clusterIP = "10.96.41.7";
svc.spec.clusterIPs = ["10.96.41.7"];
const mainIng = docs.find((o) => o.kind === "Ingress" && o.metadata.name === "web");
const canaryIng = JSON.parse(JSON.stringify(mainIng).replaceAll('"name":"web"', '"name":"web-canary"'));
canaryIng.metadata.annotations = { "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary", "nginx.ingress.kubernetes.io/canary-weight": "0" };
canaryIng.metadata.creationTimestamp = "2026-03-03T15:20:11Z";
canaryIng.metadata.uid = "c4a1e9d2-7b3f-4e8a-9c61-2f5d8b0a7e13";
canaryIng.metadata.resourceVersion = "2411";
writeFileSync(join(DIR, "cluster/canary.yaml"), [...canary, canaryIng].map((d) => stringify(d, { lineWidth: 0 })).join("---\n"));

const sc = parseDocument(readFileSync(join(BASE, "scenario.yaml"), "utf8"));
const s = sc.toJS();
s.name = "kind-ingress-nginx-canary";
s.description =
  "The kind-ingress-nginx-healthy cluster (kind ingress guide, ingress-nginx v1.12.1 with hostPort 80 on the ingress-ready node) with a canary release of the web app, set up as ingress-nginx's canary docs describe: Deployment and Service default/web-canary (hashicorp/http-echo answering \"canary\", as the kind ingress guide's example apps) and Ingress default/web-canary for the same host web.localhost and path /, annotated nginx.ingress.kubernetes.io/canary: \"true\", canary-by-header: X-Canary and canary-weight: \"0\". `curl http://web.localhost/` still reaches the main Ingress default/web and nginx's welcome page; `curl -H 'X-Canary: always' http://web.localhost/` reaches web-canary; `-H 'X-Canary: never'` pins the main backend. Each request must resolve to the backend ingress-nginx picks. Sources: ingress-nginx docs/user-guide/nginx-configuration/annotations.md \"Canary\" (header value always/never, precedence canary-by-header -> canary-by-cookie -> canary-weight, one canary per Ingress rule) and docs/examples/canary; kind docs \"Ingress\" (http-echo apps). Facts: docs/facts/request-matching.md §6.";
s.targets = ["http://web.localhost/", { url: "http://web.localhost/", headers: ["X-Canary: always"] }, { url: "http://web.localhost/", headers: ["X-Canary: never"] }];
const echo = { host: "web.localhost", requestHeaders: { "x-canary": "always" }, status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-app-name": "http-echo", "x-app-version": "1.0.0" }, body: "canary\n" };
for (const t of s.traffic) if (t.port === 80) t.respond = [echo, ...t.respond];
s.serviceProxy["default/web-canary:80"] = { status: 200, body: "canary\n" };
const route = (name) => ({ kind: "Ingress", namespace: "default", name, rule: 0 });
const backend = (name) => ({ namespace: "default", name, port: 80 });
s.expect = {
  status: "pass",
  paths: [
    { url: "http://web.localhost/", status: "pass", route: route("web"), backend: backend("web") },
    { url: "http://web.localhost/", request: { headers: ["X-Canary: always"] }, status: "pass", route: route("web-canary"), backend: backend("web-canary") },
    { url: "http://web.localhost/", request: { headers: ["X-Canary: never"] }, status: "pass", route: route("web"), backend: backend("web") },
  ],
};
writeFileSync(join(DIR, "scenario.yaml"), stringify(s, { lineWidth: 100, aliasDuplicateObjects: false }));
