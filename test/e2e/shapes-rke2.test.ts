/**
 * RKE2 on a host (issue 10): the rke2-host-* scenarios through the built CLI,
 * asserting what a user must be told — the packaged rke2-ingress-nginx as the
 * entry of an Ingress path, ServiceLB off unless `enable-servicelb: true`, and
 * rke2-ingress-nginx named as the holder of port 80 with its keep-off setting.
 * Facts: docs/facts/rke2.md.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli, scenariosDir } from "./cli.js";

async function diagnose(scenario: string): Promise<Report> {
  const r = await runCli(["--lab", join(scenariosDir, scenario), "--json"]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Report;
}

const check = (report: Report, id: string) => report.paths[0]!.checks.find((c) => c.id === id)!;

describe("RKE2 on this host", () => {
  it("is flavor generic and named RKE2 from its version", async () => {
    const report = await diagnose("rke2-host-ingress-healthy");
    expect(report.environment.flavor).toBe("generic");
    const flavor = report.checks.find((c) => c.id === "env.cluster-flavor-detected")!;
    expect(flavor.summary).toContain("RKE2 version v1.31.9+rke2r1");
    expect(report.checks.find((c) => c.id === "env.docker-reachable")!.status).toBe("skip");
  });

  it("follows the request through rke2-ingress-nginx's hostPort to the Ingress and its backend", async () => {
    const report = await diagnose("rke2-host-ingress-healthy");
    expect(report.status).toBe("pass");
    const ready = check(report, "gateway.ingress-controller-ready");
    expect(ready.status).toBe("pass");
    expect(ready.summary).toContain("ingress-nginx controller kube-system/");
    expect(ready.evidence).toMatchObject({ entry: expect.stringContaining("pod kube-system/rke2-ingress-nginx-controller-2k6l4 (hostPort 80 on labhost)") });
    expect(report.paths[0]!.resolution.route).toMatchObject({ kind: "Ingress", namespace: "default", name: "whoami" });
    expect(report.paths[0]!.resolution.backend).toMatchObject({ namespace: "default", name: "whoami", port: 80 });
  });

  it("says a LoadBalancer Service stays pending because RKE2 runs no ServiceLB unless enable-servicelb: true", async () => {
    const report = await diagnose("rke2-host-loadbalancer-pending");
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "host-port", code: "ND201" });
    expect(p.verdict!.rootCause).toMatchObject({ hop: "service", code: "ND501" });
    const rp = check(report, "service.receives-port");
    expect(rp.summary).toContain("LoadBalancer Service test-loadbalancer/nginx-loadbalancer-svc asks for port 8080");
    expect(rp.summary).toContain("RKE2 runs no ServiceLB unless `enable-servicelb: true` is in /etc/rancher/rke2/config.yaml");
    expect(rp.details).toContain("sudo systemctl restart rke2-server");
    // Through the nodePort the request works; the missing address is a warning naming the same setting.
    const viaNodePort = report.paths.find((x) => x.target.port === 30855)!;
    expect(viaNodePort.status).toBe("warn");
    const lb = viaNodePort.checks.find((c) => c.id === "service.load-balancer-ready")!;
    expect(lb.status).toBe("warn");
    expect(lb.summary).toContain("RKE2 runs no ServiceLB unless `enable-servicelb: true`");
  });

  it("names rke2-ingress-nginx as the holder of port 80 and how to keep it off", async () => {
    const report = await diagnose("rke2-host-ingress-nginx-holds-80");
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", code: "ND502" });
    expect(p.probe).toMatchObject({ status: 404, signature: "nginx-404" });
    const free = check(report, "service.port-free");
    expect(free.summary).toContain("port 80 is held by pod kube-system/rke2-ingress-nginx-controller-2k6l4 (DaemonSet kube-system/rke2-ingress-nginx-controller, hostPort 80)");
    expect(free.summary).toContain("`ingress-controller: none` or `disable: [rke2-ingress-nginx]` in /etc/rancher/rke2/config.yaml");
    expect(free.evidence).toMatchObject({ rke2PackagedIngress: "rke2-ingress-nginx" });
    // ServiceLB is on (enable-servicelb in rke2.io/node-args): the svclb pod is the Gateway proxy's, labelled for RKE2.
    expect(p.resolution.service).toMatchObject({ namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", type: "LoadBalancer" });
    expect(report.fixes.map((f) => f.id)).not.toContain("remove-traefik");
  });

  it("follows RKE2 v1.36's default traefik (DaemonSet rke2-traefik, hostPort 80 → web :8000) to the Ingress", async () => {
    const report = await diagnose("rke2-host-traefik-healthy");
    expect(report.status).toBe("pass");
    expect(check(report, "service.receives-port").summary).toContain("pod kube-system/rke2-traefik-4xq8d takes it as hostPort 80 (Service kube-system/rke2-traefik port 80)");
    expect(check(report, "gateway.ingress-controller-ready").summary).toContain("traefik controller kube-system/rke2-traefik");
    expect(report.paths[0]!.resolution.route).toMatchObject({ kind: "Ingress", name: "whoami" });
  });
});
