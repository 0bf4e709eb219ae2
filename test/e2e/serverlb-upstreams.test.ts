/**
 * Issue 10 §6 end to end: a k3d v5 serverlb mapped with `-p 8080:80@agent:0`
 * forwards port 80 to agent-0 only. The built CLI reads the serverlb's
 * /etc/confd/values.yaml from the lab's Docker stand-in (archive endpoint),
 * names the upstream list in the service hop, and a bundle carries the file
 * so `--from` replays the same finding.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tar from "tar";
import { parse } from "yaml";
import { startLab } from "../../src/lab/index.js";
import type { CheckResult, Report } from "../../src/report/types.js";
import { runCli, scenariosDir } from "./cli.js";

const MISSES = path.join(scenariosDir, "k3d-v5-serverlb-agent-mapping-misses-svclb");
const HEALTHY = path.join(scenariosDir, "k3d-v5-serverlb-agent-mapping-healthy");

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "nd-serverlb-e2e-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const check = (r: Report, id: string): CheckResult => r.paths[0]!.checks.find((c) => c.id === id)!;
/** The summary without the lab's remapped host port. */
const portless = (s: string) => s.replace(/host \d+ →/, "host PORT →");

describe("a k3d v5 serverlb whose port 80 reaches agent-0 only", () => {
  it("fails the service hop naming the svclb pod's node and the serverlb's upstream list read from values.yaml", async () => {
    const r = await runCli(["--lab", MISSES, "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    const rp = check(report, "service.receives-port");
    expect(rp.status).toBe("fail");
    expect(portless(rp.summary)).toBe(
      "k3d-dev-serverlb forwards host PORT → port 80 to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml); nothing takes port 80 there: LoadBalancer Service default/web's svclb pod svclb-web-69cbd91b-x2j8q runs only on k3d-dev-server-0, which the serverlb does not forward to; expected a svclb pod on k3d-dev-agent-0",
    );
    expect(rp.evidence).toMatchObject({ serverlbUpstreams: { upstreamsFrom: "serverlb-config", valuesYaml: { ports: { "80.tcp": ["k3d-dev-agent-0"], "6443.tcp": ["k3d-dev-server-0"] } } } });
    expect(report.paths[0]!.verdict).toMatchObject({ hop: "service", code: "ND501" });
  });

  it("fails the service hop when the NodePort Service is externalTrafficPolicy Local and its only pod runs on agent-1", async () => {
    const report = JSON.parse((await runCli(["--lab", path.join(scenariosDir, "k3d-v5-serverlb-agent-mapping-nodeport-local"), "--json"])).stdout) as Report;
    expect(report.paths[0]!.verdict).toMatchObject({ hop: "service", code: "ND501" });
    expect(portless(check(report, "service.receives-port").summary)).toBe(
      "k3d-dev-serverlb forwards host PORT → port 30080 to k3d-dev-agent-0 only (its upstreams for 30080.tcp in /etc/confd/values.yaml); NodePort Service default/web takes it as nodePort 30080, but its externalTrafficPolicy is Local and its ready pod web-6c8d7f9b5d-t4w9k runs only on k3d-dev-agent-1: kube-proxy on k3d-dev-agent-0 drops the connection; expected a ready pod on k3d-dev-agent-0, or externalTrafficPolicy Cluster",
    );
  });

  it("fails when the only hostPort ingress controller runs on agent-1, at the service and the gateway hop", async () => {
    const report = JSON.parse((await runCli(["--lab", path.join(scenariosDir, "k3d-v5-serverlb-agent-mapping-misses-proxy"), "--json"])).stdout) as Report;
    expect(portless(check(report, "service.receives-port").summary)).toBe(
      "k3d-dev-serverlb forwards host PORT → port 80 to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml); nothing takes port 80 on its upstream node k3d-dev-agent-0: pod ingress-nginx/ingress-nginx-controller-5d9b7f6c4d-x7kqp (Deployment ingress-nginx/ingress-nginx-controller) holds port 80 on node k3d-dev-agent-1, which the serverlb does not forward to; expected it on k3d-dev-agent-0",
    );
    const gw = check(report, "gateway.hostport-proxy-reached");
    expect(gw.status).toBe("fail");
    expect(gw.summary).toMatch(/ runs on k3d-dev-agent-1; k3d-dev-serverlb reaches k3d-dev-agent-0 only \(its upstreams for 80\.tcp in \/etc\/confd\/values\.yaml\); expected a proxy pod on k3d-dev-agent-0$/);
  });

  it("passes when a svclb pod runs on agent-0", async () => {
    const report = JSON.parse((await runCli(["--lab", HEALTHY, "--json"])).stdout) as Report;
    expect(report.status).toBe("pass");
    expect(portless(check(report, "service.receives-port").summary)).toMatch(/^k3d-dev-serverlb forwards host PORT → port 80 to k3d-dev-agent-0 only \(its upstreams for 80\.tcp in \/etc\/confd\/values\.yaml\); /);
  });

  it("is bundled with the serverlb's values.yaml, and --from replays the same finding from it", async () => {
    const lab = await startLab(MISSES);
    const tarball = path.join(tmp, "misses.tar.gz");
    try {
      const w = await runCli(["bundle", "--json", "-o", tarball], lab.env);
      expect(w.code, w.stderr).toBe(0);
    } finally {
      await lab.stop();
    }
    const dir = path.join(tmp, "extracted");
    await mkdir(dir);
    await tar.x({ file: tarball, cwd: dir });
    const files = parse(await readFile(path.join(dir, "docker", "files.yaml"), "utf8")) as Record<string, Record<string, string>>;
    expect(parse(files["k3d-dev-serverlb"]!["/etc/confd/values.yaml"]!)).toEqual({ ports: { "6443.tcp": ["k3d-dev-server-0"], "80.tcp": ["k3d-dev-agent-0"] }, settings: { workerConnections: 1024 } });

    const live = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report;
    const replay = JSON.parse((await runCli(["--from", tarball, "--json"])).stdout) as Report;
    expect(check(replay, "service.receives-port").summary).toBe(check(live, "service.receives-port").summary);
    expect(check(replay, "service.receives-port").evidence).toEqual(check(live, "service.receives-port").evidence);
  });
});
