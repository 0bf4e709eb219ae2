/**
 * A hostNetwork holder of the node port (issue 10 §4): ingress-nginx installed
 * with `controller.hostNetwork=true` on a k3s host is the path's ingress proxy
 * when it serves the request, and the named holder of port 80 when a
 * LoadBalancer Service's svclb pod is Pending for it. Scenarios written by
 * scripts/gen-hostnetwork-scenarios.mjs.
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

describe("a hostNetwork pod on the node port", () => {
  it("is the path's ingress proxy, not its backend, when it serves the request", async () => {
    const report = await diagnose("k3s-host-hostnetwork-ingress-healthy");
    expect(report.status).toBe("pass");
    const rp = check(report, "service.receives-port");
    expect(rp.summary).toContain("pod ingress-nginx/ingress-nginx-controller-xk4rp takes it with hostNetwork (it listens on the node's own port 80) (Service ingress-nginx/ingress-nginx-controller port 80)");
    expect(rp.summary).toContain("its pods run ingress-nginx: the path's ingress proxy, not its backend");
    expect(check(report, "gateway.ingress-controller-ready").status).toBe("pass");
    const p = report.paths[0]!;
    expect(p.resolution.service).toMatchObject({ namespace: "ingress-nginx", name: "ingress-nginx-controller" });
    expect(p.resolution.route).toMatchObject({ kind: "Ingress", namespace: "default", name: "whoami" });
    expect(p.resolution.backend).toMatchObject({ namespace: "default", name: "whoami", port: 80 });
  });

  it("is named as the holder when a LoadBalancer's svclb pod is Pending for port 80", async () => {
    const report = await diagnose("k3s-host-hostnetwork-holds-80");
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", code: "ND502" });
    expect(p.probe).toMatchObject({ status: 404, signature: "nginx-404" });
    const free = check(report, "service.port-free");
    expect(free.summary).toContain("svclb pod kube-system/svclb-envoy-default-eg-e41e7b31-9c2e7b41-4mklw is Pending for node devbox");
    expect(free.summary).toContain("port 80 is held by pod ingress-nginx/ingress-nginx-controller-xk4rp (DaemonSet ingress-nginx/ingress-nginx-controller, hostNetwork, port 80) on node devbox");
    expect(free.details).toContain("didn't have free ports for the requested pod ports");
    expect(free.evidence).toMatchObject({ holders: [expect.objectContaining({ pod: "ingress-nginx/ingress-nginx-controller-xk4rp", hostNetwork: true, owner: { kind: "DaemonSet", namespace: "ingress-nginx", name: "ingress-nginx-controller" } })] });
    // Not traefik: remove-traefik is not offered.
    expect(free.fixes).toEqual([]);
  });
});
