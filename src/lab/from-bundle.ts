/**
 * A bug-report bundle as a lab scenario (`netdoctor lab BUNDLE`, `--lab
 * BUNDLE`, DESIGN §9): the bundle's snapshot served as it was recorded.
 */
import { headerFlags } from "../engine/request.js";
import { KIND_INFO } from "../kube/types.js";
import type { PathReport, ProbeReport } from "../report/types.js";
import type { Bundle } from "../bundle/read.js";
import { bodyForSignature, recordingOf } from "../sources/recorded.js";
import type { HttpAnswer, Scenario, TrafficEntry, TrafficMode } from "./scenario.js";

/** Lab traffic mode for a recorded transport outcome (null: nothing to serve). */
function modeFor(p: ProbeReport): TrafficMode | null {
  if (p.signature === "tls") return "tls";
  switch (p.outcome) {
    case "http":
      return "http";
    case "refused":
      return "refuse";
    case "reset":
      return "reset";
    case "timeout":
      return "hang";
    case "empty-reply":
      return "empty-reply";
    default:
      return null; // unreachable, error, not-run: the lab serves nothing there
  }
}

/** The loopback-or-not address a recorded path's probe connected to. */
function probeAddress(p: PathReport): string {
  const a = p.resolution?.address ?? p.target.host;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? a : "127.0.0.1";
}

/**
 * A bundle as a lab scenario (`netdoctor lab BUNDLE`, `--lab BUNDLE`):
 * objects from `cluster/**`, containers and networks from `docker/`,
 * listeners, hosts file and resolver from `host/`, targets from the report's
 * paths, traffic from each path's recorded probe (status and a body that
 * reproduces its signature, or the transport outcome as a mode: refused →
 * refuse, reset → reset, timeout → hang, empty reply → empty-reply; a port
 * where some paths answered and others met a reset, empty reply or hang is
 * served as a `flaky` entry), kinds
 * recorded as 403 in `apiServer.forbid`, and service-proxy answers from the
 * recorded `backend.answers`-style evidence; a proxy answer not recorded is
 * what the lab gives without one (503 from the endpoints). `expect` is the
 * recorded run's status and first verdict hop.
 */
export async function bundleToScenario(b: Bundle): Promise<Scenario> {
  const rec = recordingOf(b);
  const env = b.manifest.environment;
  const context = typeof env.context === "string" && env.context ? env.context : "netdoctor-bundle";

  const traffic: TrafficEntry[] = [];
  const entryAt = (address: string, port: number): TrafficEntry | undefined => traffic.find((t) => t.address === address && t.port === port);
  // Longer paths first, so that a prefix rule for `/` does not shadow `/api`; on the same path, a request sent with -X / -H
  // first, so that the plain GET's rule (which names no method or header) does not answer it too.
  const conditions = (p: PathReport) => (p.target.method !== undefined ? 1 : 0) + (p.target.headers?.length ?? 0);
  const paths = [...b.report.paths].sort((x, y) => y.target.path.length - x.target.path.length || conditions(y) - conditions(x));
  for (const p of paths) {
    const mode = modeFor(p.probe);
    if (mode === null) continue;
    const address = probeAddress(p);
    let e = entryAt(address, p.target.port);
    if (!e) {
      e = { port: p.target.port, address, mode, respond: [], default: { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n" } };
      traffic.push(e);
    }
    if (mode !== "http" || p.probe.status === undefined) continue;
    const body = bodyForSignature(p.probe.signature, p.probe.status);
    // A path recorded with -X / -H answers only that request (another method or header set gets the port's default).
    const sent = (p.target.headers ?? []).filter((h) => h.name.toLowerCase() !== "host");
    const hostSent = p.target.headers?.find((h) => h.name.toLowerCase() === "host")?.value.replace(/:\d+$/, "");
    e.respond.push({
      host: hostSent ?? p.target.host,
      path: p.target.path.split("?")[0] || "/",
      ...(p.target.method ? { method: p.target.method } : {}),
      ...(sent.length ? { requestHeaders: Object.fromEntries(sent.map((h) => [h.name, h.value])) } : {}),
      status: p.probe.status,
      headers: body ? { "content-type": "text/plain" } : {},
      body,
    });
  }
  // One port, some paths answered and some met a reset / empty reply / hang (a flaky port: the failure does not depend on the
  // Host header, which is sent after the connection). Served as a flaky entry failing about as often as recorded; a path whose
  // answer was not recorded gets the port's first recorded answer when the failure misses it.
  for (const e of traffic) {
    const at = b.report.paths.filter((p) => probeAddress(p) === e.address && p.target.port === e.port && modeFor(p.probe) !== null);
    const failing = at.filter((p) => ["reset", "empty-reply", "hang"].includes(modeFor(p.probe)!));
    const answered = at.filter((p) => modeFor(p.probe) === "http" && p.probe.status !== undefined);
    if (failing.length === 0 || answered.length === 0) continue;
    const then = modeFor(failing[0]!.probe) as "reset" | "empty-reply" | "hang";
    const first = e.respond.find((r) => r.host?.toLowerCase() === answered[0]!.target.host.toLowerCase());
    e.mode = "flaky";
    e.flaky = { every: Math.max(2, Math.round(at.length / failing.length)), then };
    e.respond = e.respond.filter((r) => answered.some((p) => p.target.host.toLowerCase() === r.host?.toLowerCase()));
    if (first) e.default = { status: first.status, headers: first.headers, body: first.body };
  }
  // Sockets the recorded run connected to that no path probe stands for (a forwarder's upstream, a node port): something accepts there.
  for (const [key, outcome] of rec.tcp) {
    const i = key.lastIndexOf(":");
    const address = key.slice(0, i);
    const port = Number(key.slice(i + 1));
    if (outcome !== "connected" || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address) || entryAt(address, port)) continue;
    traffic.push({ port, address, mode: "http", respond: [], default: { status: 404, headers: { "content-type": "text/plain; charset=utf-8" }, body: "404 page not found\n" } });
  }

  const serviceProxy: Record<string, HttpAnswer> = {};
  for (const [key, r] of rec.serviceProxy) if ("answer" in r) serviceProxy[key] = { status: r.answer.status, headers: {}, body: r.answer.body };

  const forbid = new Set<string>();
  for (const [k, code] of rec.kubeFailures) if (code === "forbidden" && k in KIND_INFO) forbid.add(k);
  for (const f of b.manifest.failures) if (f.source === "kube" && f.code === "forbidden" && f.subject in KIND_INFO) forbid.add(f.subject);

  const resolver: Record<string, string[]> = { ...b.resolver };
  for (const [name, addrs] of rec.resolve) if (!(name in resolver) && addrs.length > 0) resolver[name] = addrs;

  // Paths recorded with -X / -H are served as scenario targets with those request options.
  const requests = b.report.paths
    .filter((p) => p.target.method !== undefined || p.target.headers?.length)
    .map((p) => ({ url: p.target.url, ...(p.target.method ? { method: p.target.method } : {}), ...(p.target.headers?.length ? { headers: headerFlags(p.target.headers) } : {}) }));
  const verdictHop = b.report.paths.map((p) => p.verdict?.hop).find((h): h is NonNullable<typeof h> => !!h);
  return {
    dir: b.dir,
    name: `bundle-${context}`,
    description:
      `Served from the netdoctor bundle ${b.source}${b.manifest.createdAt ? ` written ${b.manifest.createdAt}` : ""}: the recorded Kubernetes objects, Docker containers and host listeners, ` +
      `and at each target the answer its recorded probe got (status and a body with the same signature, or the same refusal, reset, hang or empty reply). ` +
      `Service-proxy answers come from the recorded backend checks; one not recorded is answered as the API server does when nothing listens (503).`,
    context,
    targets: b.report.paths.map((p) => p.target.url),
    ...(requests.length ? { requests } : {}),
    apiServer: { latencyMs: 0, forbid: [...forbid].sort() },
    traffic,
    serviceProxy,
    expect: { status: b.report.status, ...(verdictHop ? { hop: verdictHop } : {}) },
    objects: b.objects,
    containers: b.containers ?? [],
    networks: b.networks,
    top: b.top,
    ...(b.files ? { files: b.files } : {}),
    listeners: b.listeners,
    hosts: b.hosts,
    resolver,
    ...(b.interfaces ? { interfaces: b.interfaces } : {}),
    // Docker was not there when the bundle was written (k3s on the host): serve no Docker API either.
    ...(b.manifest.failures.some((f) => f.source === "docker" && f.subject === "containers" && f.code === "unreachable") ? { docker: false } : {}),
    // A node reached directly (k3s on this host): the target port is the node's port too, so it must keep its number.
    ...(b.report.paths.some((p) => p.resolution?.node) ? { remapHostPorts: false } : {}),
  };
}
