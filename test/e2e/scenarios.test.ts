import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Report } from "../../src/report/types.js";
import { validateReport } from "../../src/report/schema.js";
import { maskCredentials } from "../../src/report/mask.js";
import { runCli, scenariosDir } from "./cli.js";

/** The `-X`/`-H` a scenario target sends (`targets: [{url, method, headers}]`, `expect.paths[].request`). */
interface RequestExpect {
  method?: string;
  headers?: string[];
}

/**
 * Per-target expectations (`expect.paths[]`): matched on host and path (ports are remapped by the lab), and on
 * the request options (`request`; absent = the plain GET of that URL).
 */
interface PathExpect {
  url: string;
  request?: RequestExpect;
  status?: "pass" | "warn" | "fail";
  hop?: string | null;
  route?: { kind?: string; namespace?: string; name: string; rule?: number } | null;
  backend?: { namespace?: string; name: string; port?: number } | null;
  /** The forwarder owning the port, and the kinds of every hop of its chain, client side first. */
  forwarder?: { kind: string; chain?: string[] } | null;
  /** The end-to-end probe: its signature and the hop that signature points to (`probe.hop`). */
  probe?: { signature?: string; hop?: string | null };
  /** The verdict's check code, its root cause's code, and fragments the verdict or root-cause summary must contain (the cause a real thread arrived at). */
  verdict?: { code?: string; rootCause?: string; mentions?: string[] };
  /** Checks that must warn on this path (a warning path has no verdict): code, and fragments of the warning's summary. */
  warnings?: { code: string; mentions?: string[] }[];
}

interface Expect {
  status: "pass" | "warn" | "fail";
  hop?: string;
  fixes?: string[];
  paths?: PathExpect[];
}

const scenarios = readdirSync(scenariosDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => {
    const meta = parse(readFileSync(join(scenariosDir, d.name, "scenario.yaml"), "utf8")) as { name: string; expect: Expect; targets: (string | ({ url: string } & RequestExpect))[] };
    const targets = meta.targets.map((t) => (typeof t === "string" ? { url: t } : t));
    return { name: d.name, dir: join(scenariosDir, d.name), expect: meta.expect, targets };
  });

/**
 * The report path for a URL (host and path; the lab remaps ports) sent with exactly these request options:
 * the method (absent = none given) and the `-H` values, as the report's `target.method` / `target.headers` record them.
 */
function pathFor(report: Report, url: string, request: RequestExpect) {
  const u = new URL(url);
  // The report prints credentials masked (?access_token=***, Authorization: Bearer ***), as every output does.
  const headers = (request.headers ?? []).map((h) => maskCredentials(h.replace(/\s*:\s*/, ": ")));
  return report.paths.find(
    (p) =>
      p.target.host === u.hostname &&
      p.target.path === maskCredentials(`${u.pathname}${u.search}`) &&
      (p.target.method ?? null) === (request.method?.toUpperCase() ?? null) &&
      JSON.stringify((p.target.headers ?? []).map((h) => `${h.name}: ${h.value}`)) === JSON.stringify(headers),
  );
}

describe("every lab scenario through the built CLI", () => {
  it("has at least the eight foundation scenarios", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
  });

  it.each(scenarios)("$name reports its expected diagnosis under --json", async (s) => {
    const r = await runCli(["--lab", s.dir, "--json"]);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report; // nothing but one JSON document on stdout
    const validation = validateReport(report);
    expect(validation.errors).toEqual([]);
    expect(report.status).toBe(s.expect.status);
    expect(r.code).toBe(s.expect.status === "fail" ? 1 : 0);
    // With no target, the lab run diagnoses the scenario's targets and every entry point discovery finds.
    for (const t of s.targets) {
      expect(pathFor(report, t.url, t), `a path for ${t.url} ${JSON.stringify(t)}`).toBeDefined();
    }
    if (s.expect.hop) {
      const hops = report.paths.map((p) => p.verdict?.hop);
      expect(hops).toContain(s.expect.hop);
    }
    if (s.expect.status === "pass") for (const p of report.paths) expect(p.verdict).toBeNull();
    for (const fix of s.expect.fixes ?? []) expect(report.fixes.map((f) => f.id)).toContain(fix);
    for (const want of s.expect.paths ?? []) {
      const path = pathFor(report, want.url, want.request ?? {});
      expect(path, `a path for ${want.url} ${JSON.stringify(want.request ?? {})}`).toBeDefined();
      if (want.status) expect(path!.status, want.url).toBe(want.status);
      if (want.hop !== undefined) expect(path!.verdict?.hop ?? null, want.url).toBe(want.hop);
      if (want.route !== undefined) want.route === null ? expect(path!.resolution.route, want.url).toBeNull() : expect(path!.resolution.route, want.url).toMatchObject(want.route);
      if (want.forwarder !== undefined) {
        if (want.forwarder === null) expect(path!.resolution.forwarder, want.url).toBeNull();
        else {
          expect(path!.resolution.forwarder?.kind, want.url).toBe(want.forwarder.kind);
          if (want.forwarder.chain) expect(path!.resolution.forwarder?.chain?.map((h) => h.kind), want.url).toEqual(want.forwarder.chain);
        }
      }
      if (want.probe?.signature !== undefined) expect(path!.probe.signature, want.url).toBe(want.probe.signature);
      if (want.probe?.hop !== undefined) expect(path!.probe.hop, want.url).toBe(want.probe.hop);
      if (want.verdict?.code !== undefined) expect(path!.verdict?.code, want.url).toBe(want.verdict.code);
      if (want.verdict?.rootCause !== undefined) expect(path!.verdict?.rootCause?.code, want.url).toBe(want.verdict.rootCause);
      for (const m of want.verdict?.mentions ?? []) expect(`${path!.verdict?.summary ?? ""}\n${path!.verdict?.rootCause?.summary ?? ""}`, want.url).toContain(m);
      for (const w of want.warnings ?? []) {
        const c = path!.checks.find((x) => x.code === w.code);
        expect(c?.status, `${want.url} ${w.code}`).toBe("warn");
        for (const m of w.mentions ?? []) expect(c?.summary ?? "", `${want.url} ${w.code}`).toContain(m);
      }
      if (want.backend !== undefined) want.backend === null ? expect(path!.resolution.backend, want.url).toBeNull() : expect(path!.resolution.backend, want.url).toMatchObject(want.backend);
    }
    // The verdict agrees with the probe: a failing path's probe did not succeed.
    for (const p of report.paths) if (p.status === "fail") expect(p.probe.signature).not.toBe("success");
  });
});

describe("the default lab scenario", () => {
  it("is the traefik conflict, and the resolution names every object the request traverses", async () => {
    const r = await runCli(["--lab", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(r.code).toBe(1);
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", checkId: "service.port-free", code: "ND502" });
    expect(p.probe).toMatchObject({ outcome: "http", status: 404, signature: "traefik-404" });
    expect(p.resolution.container).toMatchObject({ name: "k3d-openchoreo-serverlb", containerPort: 80 });
    expect(p.resolution.service).toMatchObject({ namespace: "openchoreo-control-plane", name: "gateway-default", type: "LoadBalancer", port: 80 });
    expect(p.resolution.gateway).toMatchObject({ namespace: "openchoreo-control-plane", name: "gateway-default" });
    expect(p.resolution.route).toMatchObject({ kind: "HTTPRoute", name: "openchoreo-api", rule: 0 });
    expect(p.resolution.backend).toMatchObject({ name: "openchoreo-api", port: 8080 });
    const fix = report.fixes.find((f) => f.id === "remove-traefik")!;
    expect(fix.steps[0]).toBe("kubectl -n kube-system delete helmchart traefik traefik-crd");
    expect(fix.forChecks).toContain("service.port-free");
  });

  it("prints plain text without escape codes and the same verdict when stdout is a pipe", async () => {
    const r = await runCli(["--lab"]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(r.stdout).toMatch(/^\[FAIL\] service hop: ND502/m);
    expect(r.stdout).toContain("ND502");
    expect(r.stdout).toContain("remove-traefik");
  });

  it("prints plain text under CI=true as well", async () => {
    const r = await runCli(["--lab"], { CI: "true" });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b/);
    expect(r.stdout).toContain("ND502");
  });

  it("moves the exit code with --fail-on", async () => {
    expect((await runCli(["--lab", "--json", "--fail-on", "never"])).code).toBe(0);
    expect((await runCli(["--lab", "k3d-openchoreo-healthy", "--json", "--fail-on", "warn"])).code).toBe(0);
  });
});

describe("older k3d and k3s, whoever holds the node port, several nodes (issue 10 §3, §4, §6)", () => {
  const run = async (name: string) => {
    const r = await runCli(["--lab", join(scenariosDir, name), "--json"]);
    return JSON.parse(r.stdout) as Report;
  };
  const check = (report: Report, id: string) => report.paths[0]!.checks.find((c) => c.id === id)!;

  it("names traefik 1.x's svclb pod and its node as the holder of port 80 on k3d v3 with k3s v1.18", async () => {
    const report = await run("k3d-v3-svclb-traefik1-conflict");
    expect(report.environment).toMatchObject({ flavor: "k3d", cluster: "demo" });
    const free = check(report, "service.port-free");
    expect(free.status).toBe("fail");
    expect(free.summary).toBe(
      "svclb pod default/svclb-backend-service-zjnx4 is Pending for node k3d-demo-server-0: port 80 is held by svclb-traefik-7k2nq (Service kube-system/traefik) on node k3d-demo-server-0; expected port 80 free for Service default/backend-service",
    );
    expect(JSON.stringify(free.evidence)).toContain('"DEST_IP":"10.43.76.12"');
    expect(report.paths[0]!.resolution.service).toMatchObject({ namespace: "default", name: "backend-service", port: 80 });
    expect(report.paths[0]!.probe.signature).toBe("traefik-404");
  });

  it("says the healthy k3d v3 cluster keeps traefik off with --no-deploy traefik", async () => {
    const report = await run("k3d-v3-svclb-no-traefik-healthy");
    const stays = report.checks.find((c) => c.id === "env.traefik-stays-disabled")!;
    expect(stays.status).toBe("pass");
    expect(stays.summary).toBe("k3d-demo-server-0 runs k3s with --no-deploy traefik");
  });

  it("detects a k3d v1 cluster from its context, labels and -k3s.N version, and the NodePort on another node", async () => {
    const report = await run("k3d-v1-nodeport-workers-healthy");
    expect(report.environment).toMatchObject({ flavor: "k3d", cluster: "k3s-default", context: "k3s-default" });
    const flavor = report.checks.find((c) => c.id === "env.cluster-flavor-detected")!;
    expect(flavor.summary).toContain("version v1.14.6-k3s.1");
    expect(report.paths[0]!.resolution.container).toMatchObject({ name: "k3d-k3s-default-worker-0", containerPort: 30080 });
    expect(report.paths[0]!.resolution.service).toMatchObject({ namespace: "default", name: "nginx", type: "NodePort" });
  });

  it("names the node a kind ingress controller was scheduled on when the port mapping reaches another one", async () => {
    const report = await run("kind-multinode-ingress-on-worker");
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", checkId: "service.receives-port" });
    expect(p.verdict!.summary).toMatch(
      /^kind-control-plane maps host \d+ → node port 80; nothing takes port 80 on node kind-control-plane: pod ingress-nginx\/ingress-nginx-controller-5d9b7f6c4d-x7kqp \(Deployment ingress-nginx\/ingress-nginx-controller\) holds port 80 on node kind-worker2, which the port mapping does not reach; expected it on kind-control-plane$/,
    );
    expect(check(report, "gateway.hostport-proxy-reached")).toMatchObject({ status: "fail" });
    expect(check(report, "gateway.hostport-proxy-reached").summary).toContain("runs on kind-worker2; kind-control-plane reaches kind-control-plane only");
    expect(p.probe.signature).toBe("empty-reply");
  });

  it("recognises the hostPort ingress controller on the mapped node as the path's proxy, and the app behind the Ingress as the backend", async () => {
    const report = await run("kind-multinode-ingress-healthy");
    const p = report.paths[0]!;
    expect(check(report, "gateway.hostport-proxy-reached")).toMatchObject({ status: "pass" });
    expect(check(report, "gateway.hostport-proxy-reached").summary).toContain("is the ingress proxy of this path, on node kind-control-plane");
    expect(p.resolution.service).toMatchObject({ namespace: "ingress-nginx", name: "ingress-nginx-controller" });
    expect(p.resolution.backend).toMatchObject({ namespace: "default", name: "web", port: 80 });
  });

  it("names Contour's Envoy on the one k3d agent where the svclb pod is Pending, as a warning while the probe got the app", async () => {
    const report = await run("k3d-multinode-svclb-held-on-one-node");
    const free = check(report, "service.port-free");
    expect(free.status).toBe("warn");
    expect(free.summary).toMatch(
      /^svclb pod kube-system\/svclb-web-\w{8}-p9d3h is Pending for node k3d-dev-agent-1: port 80 is held by pod projectcontour\/envoy-6qzrv \(DaemonSet projectcontour\/envoy, hostPort 80\) on node k3d-dev-agent-1; expected port 80 free for Service default\/web/,
    );
    expect(JSON.stringify(free.evidence)).toContain("didn't match Pod's node affinity/selector");
    expect(report.paths[0]!.resolution.backend).toMatchObject({ namespace: "default", name: "web", port: 80 });
  });
});

