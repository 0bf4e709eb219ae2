/**
 * A realistic report for reporter tests: a k3d cluster `openchoreo` created
 * from an old config (`8080:80` on the load balancer) with k3s' bundled
 * traefik still enabled. Two paths:
 * - the control-plane API on :8080 stops at the service hop: traefik's svclb
 *   holds hostPort 80, the gateway's svclb pod is Pending, and the probe gets
 *   traefik's `404 page not found`;
 * - the data-plane gateway on :19080 passes every hop.
 * Names, labels and messages follow ../shared/reference/real-world-facts.md.
 * `makeReport()` returns a fresh copy, so tests may mutate it.
 */
import type { CheckResult, PathReport, Report, RunEvent } from "../../src/report/types.js";
import type { Target } from "../../src/engine/types.js";

const env: CheckResult[] = [
  { id: "env.kubeconfig-loaded", code: "ND001", hop: "env", title: "a kubeconfig context is selected", status: "pass", summary: "context k3d-openchoreo from /home/dev/.kube/config", fixes: [], blockedBy: null, durationMs: 2 },
  { id: "env.api-server-reachable", code: "ND002", hop: "env", title: "the API server answers", status: "pass", summary: "https://0.0.0.0:6550 answers: Kubernetes v1.36.1+k3s1", fixes: [], blockedBy: null, durationMs: 14 },
  { id: "env.docker-reachable", code: "ND003", hop: "env", title: "the Docker Engine answers", status: "pass", summary: "unix:///var/run/docker.sock answers: Docker Engine 28.5.1, API 1.51", fixes: [], blockedBy: null, durationMs: 5 },
  { id: "env.gateway-api-installed", code: "ND004", hop: "env", title: "the Gateway API CRDs are installed", status: "pass", summary: "gateway.networking.k8s.io/v1 serves gateways, httproutes, gatewayclasses (bundle v1.5.1)", fixes: [], blockedBy: null, durationMs: 3 },
  { id: "env.flavor-detected", code: "ND005", hop: "env", title: "the cluster flavor is known", status: "pass", summary: "k3d cluster openchoreo: load balancer k3d-openchoreo-serverlb, server k3d-openchoreo-server-0", fixes: [], blockedBy: null, durationMs: 1 },
];

const apiTarget: Target = { url: "http://api.openchoreo.localhost:8080/", scheme: "http", host: "api.openchoreo.localhost", port: 8080, path: "/" };
const dpTarget: Target = { url: "http://openchoreoapis.localhost:19080/", scheme: "http", host: "openchoreoapis.localhost", port: 19080, path: "/" };

const TRAEFIK_SUMMARY =
  "svclb pod kube-system/svclb-gateway-default-6d1c3f7a-x2x9q is Pending: hostPort 80 is held by kube-system/svclb-traefik-5c2a9b1e-7hkq4 of Service kube-system/traefik; expected Service openchoreo-control-plane/gateway-default to receive port 80 from k3s servicelb";

const failing: PathReport = {
  target: { url: apiTarget.url, host: apiTarget.host, port: apiTarget.port, path: apiTarget.path },
  status: "fail",
  verdict: { hop: "service", checkId: "service.port-free", code: "ND502", summary: TRAEFIK_SUMMARY },
  probe: { outcome: "http", status: 404, signature: "traefik-404", durationMs: 3, hop: "service" },
  resolution: {
    address: "127.0.0.1",
    listener: { address: "0.0.0.0", port: 8080, process: "docker-proxy", pid: 2211 },
    forwarder: null,
    container: { name: "k3d-openchoreo-serverlb", hostPort: 8080, containerPort: 80 },
    service: { namespace: "openchoreo-control-plane", name: "gateway-default", type: "LoadBalancer", port: 80 },
    gateway: { namespace: "openchoreo-control-plane", name: "gateway-default", listener: "http" },
    route: { kind: "HTTPRoute", namespace: "openchoreo-control-plane", name: "openchoreo-api", rule: 0 },
    backend: { namespace: "openchoreo-control-plane", name: "openchoreo-api", port: 8080 },
  },
  hops: [
    { hop: "dns", status: "pass", summary: "api.openchoreo.localhost resolves to 127.0.0.1 (RFC 6761 *.localhost)" },
    { hop: "host-port", status: "pass", summary: "0.0.0.0:8080 is open, held by docker-proxy (pid 2211)" },
    { hop: "forwarder", status: "skip", summary: "not applicable: docker-proxy publishes the port, no userspace forwarder" },
    { hop: "container", status: "pass", summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:8080 -> 80/tcp" },
    { hop: "service", status: "fail", summary: TRAEFIK_SUMMARY },
    { hop: "gateway", status: "pass", summary: "Gateway openchoreo-control-plane/gateway-default is Accepted and Programmed; listener http on port 80" },
    { hop: "route", status: "pass", summary: "HTTPRoute openchoreo-control-plane/openchoreo-api rule 0 serves api.openchoreo.localhost /" },
    { hop: "backend", status: "pass", summary: "Service openchoreo-control-plane/openchoreo-api:8080 has 1 ready endpoint" },
  ],
  checks: [
    { id: "dns.name-resolves", code: "ND101", hop: "dns", title: "the target name resolves", status: "pass", summary: "api.openchoreo.localhost resolves to 127.0.0.1 (RFC 6761 *.localhost)", evidence: { addresses: ["127.0.0.1", "::1"], source: "rfc6761" }, fixes: [], blockedBy: null, durationMs: 1 },
    { id: "host-port.port-open", code: "ND201", hop: "host-port", title: "something listens on the target port", status: "pass", summary: "0.0.0.0:8080 is open, held by docker-proxy (pid 2211)", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "forwarder.upstream-reachable", code: "ND301", hop: "forwarder", title: "the forwarder's upstream answers", status: "skip", summary: "not applicable: docker-proxy publishes the port, no userspace forwarder", fixes: [], blockedBy: null, durationMs: 0 },
    { id: "container.publishes-port", code: "ND401", hop: "container", title: "a running container publishes the port", status: "pass", summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:8080 -> 80/tcp", fixes: [], blockedBy: null, durationMs: 4 },
    { id: "service.entry-found", code: "ND501", hop: "service", title: "a Service takes the node port", status: "pass", summary: "Service openchoreo-control-plane/gateway-default (LoadBalancer) exposes port 80 via k3s servicelb", fixes: [], blockedBy: null, durationMs: 3 },
    {
      id: "service.port-free",
      code: "ND502",
      hop: "service",
      title: "no other LoadBalancer holds the port",
      status: "fail",
      summary: TRAEFIK_SUMMARY,
      details: "k3s servicelb runs one svclb pod per LoadBalancer Service with hostPort set to the Service port; two Services on port 80 cannot both schedule.",
      evidence: {
        pod: "kube-system/svclb-gateway-default-6d1c3f7a-x2x9q",
        phase: "Pending",
        event: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. no new claims to deallocate, preemption: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
        holder: { service: "kube-system/traefik", pod: "kube-system/svclb-traefik-5c2a9b1e-7hkq4", hostPort: 80 },
        helmChart: "kube-system/traefik",
        probeBody: "404 page not found\n",
      },
      fixes: ["remove-traefik"],
      blockedBy: null,
      durationMs: 4,
    },
    { id: "gateway.programmed", code: "ND601", hop: "gateway", title: "the Gateway is accepted and programmed", status: "pass", summary: "Gateway openchoreo-control-plane/gateway-default is Accepted and Programmed; listener http on port 80", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "route.host-matches", code: "ND701", hop: "route", title: "an HTTPRoute serves this host and path", status: "pass", summary: "HTTPRoute openchoreo-control-plane/openchoreo-api rule 0 serves api.openchoreo.localhost /", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "backend.endpoints-ready", code: "ND801", hop: "backend", title: "the backend Service has ready endpoints", status: "pass", summary: "Service openchoreo-control-plane/openchoreo-api:8080 has 1 ready endpoint", fixes: [], blockedBy: null, durationMs: 3 },
  ],
};

const passing: PathReport = {
  target: { url: dpTarget.url, host: dpTarget.host, port: dpTarget.port, path: dpTarget.path },
  status: "pass",
  verdict: null,
  probe: { outcome: "http", status: 200, signature: "success", durationMs: 12, hop: null },
  resolution: {
    address: "127.0.0.1",
    listener: { address: "0.0.0.0", port: 19080, process: "docker-proxy", pid: 2230 },
    forwarder: null,
    container: { name: "k3d-openchoreo-serverlb", hostPort: 19080, containerPort: 19080 },
    service: { namespace: "openchoreo-data-plane", name: "gateway-default", type: "LoadBalancer", port: 19080 },
    gateway: { namespace: "openchoreo-data-plane", name: "gateway-default", listener: "http" },
    route: { kind: "HTTPRoute", namespace: "default", name: "greeter", rule: 0 },
    backend: { namespace: "default", name: "greeter", port: 9090 },
  },
  hops: [
    { hop: "dns", status: "pass", summary: "openchoreoapis.localhost resolves to 127.0.0.1 (RFC 6761 *.localhost)" },
    { hop: "host-port", status: "pass", summary: "0.0.0.0:19080 is open, held by docker-proxy (pid 2230)" },
    { hop: "container", status: "pass", summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:19080 -> 19080/tcp" },
    { hop: "service", status: "pass", summary: "Service openchoreo-data-plane/gateway-default (LoadBalancer) exposes port 19080 via k3s servicelb" },
    { hop: "gateway", status: "pass", summary: "Gateway openchoreo-data-plane/gateway-default is Accepted and Programmed; listener http on port 19080" },
    { hop: "route", status: "pass", summary: "HTTPRoute default/greeter rule 0 serves openchoreoapis.localhost /" },
    { hop: "backend", status: "pass", summary: "Service default/greeter:9090 has 2 ready endpoints" },
  ],
  checks: [
    { id: "dns.name-resolves", code: "ND101", hop: "dns", title: "the target name resolves", status: "pass", summary: "openchoreoapis.localhost resolves to 127.0.0.1 (RFC 6761 *.localhost)", fixes: [], blockedBy: null, durationMs: 1 },
    { id: "host-port.port-open", code: "ND201", hop: "host-port", title: "something listens on the target port", status: "pass", summary: "0.0.0.0:19080 is open, held by docker-proxy (pid 2230)", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "container.publishes-port", code: "ND401", hop: "container", title: "a running container publishes the port", status: "pass", summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:19080 -> 19080/tcp", fixes: [], blockedBy: null, durationMs: 3 },
    { id: "service.entry-found", code: "ND501", hop: "service", title: "a Service takes the node port", status: "pass", summary: "Service openchoreo-data-plane/gateway-default (LoadBalancer) exposes port 19080 via k3s servicelb", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "service.port-free", code: "ND502", hop: "service", title: "no other LoadBalancer holds the port", status: "pass", summary: "svclb pod kube-system/svclb-gateway-default-0b7e4d21-k8w2p is Running with hostPort 19080", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "gateway.programmed", code: "ND601", hop: "gateway", title: "the Gateway is accepted and programmed", status: "pass", summary: "Gateway openchoreo-data-plane/gateway-default is Accepted and Programmed; listener http on port 19080", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "route.host-matches", code: "ND701", hop: "route", title: "an HTTPRoute serves this host and path", status: "pass", summary: "HTTPRoute default/greeter rule 0 serves openchoreoapis.localhost /", fixes: [], blockedBy: null, durationMs: 2 },
    { id: "backend.endpoints-ready", code: "ND801", hop: "backend", title: "the backend Service has ready endpoints", status: "pass", summary: "Service default/greeter:9090 has 2 ready endpoints", fixes: [], blockedBy: null, durationMs: 2 },
  ],
};

const report: Report = {
  schemaVersion: 1,
  tool: { name: "netdoctor", version: "0.1.0" },
  startedAt: "2026-11-22T10:00:00.000Z",
  durationMs: 812,
  status: "fail",
  environment: {
    flavor: "k3d",
    cluster: "openchoreo",
    context: "k3d-openchoreo",
    apiServer: "https://0.0.0.0:6550",
    dockerHost: "unix:///var/run/docker.sock",
    hostAddress: "127.0.0.1",
  },
  checks: env,
  paths: [failing, passing],
  fixes: [
    {
      id: "remove-traefik",
      title: "Remove k3s' bundled traefik",
      risk: "disruptive",
      forChecks: ["service.port-free"],
      steps: ["kubectl -n kube-system delete helmchart traefik traefik-crd", "add --disable=traefik to the k3s server args in the k3d config"],
      applied: false,
    },
  ],
};

/** A fresh copy of the two-path report (failing at service with traefik evidence, passing). */
export function makeReport(): Report {
  return structuredClone(report);
}

/** The targets of {@link makeReport}'s paths, in order. */
export const TARGETS: Target[] = [apiTarget, dpTarget];

/**
 * The run events an engine would emit for `r`: run-start, the env checks,
 * then each path's checks, probe-end and path-end, and run-end. Every check
 * starts just before it ends (enough for reporters; the real engine interleaves).
 */
export function eventsFor(r: Report, targets: Target[] = TARGETS): RunEvent[] {
  const events: RunEvent[] = [
    {
      type: "run-start",
      startedAt: r.startedAt,
      targets,
      checks: [
        ...r.checks.map((c) => ({ id: c.id, hop: c.hop, title: c.title, path: null })),
        ...r.paths.flatMap((p, i) => p.checks.map((c) => ({ id: c.id, hop: c.hop, title: c.title, path: i }))),
      ],
    },
  ];
  for (const c of r.checks) events.push({ type: "check-start", path: null, id: c.id }, { type: "check-end", path: null, result: c });
  r.paths.forEach((p, i) => {
    for (const c of p.checks) events.push({ type: "check-start", path: i, id: c.id }, { type: "check-end", path: i, result: c });
    events.push({ type: "probe-end", path: i, probe: p.probe }, { type: "path-end", path: i, report: p });
  });
  events.push({ type: "run-end", report: r });
  return events;
}
