/**
 * The stand-ins are faithful enough for the real CLIs: kubectl v1.32 against
 * the API stand-in, docker 28 against the Docker stand-in (DESIGN §8).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { DEMO, run } from "./helpers.js";

let lab: RunningLab;
let home: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  lab = await startLab(DEMO);
  home = await mkdtemp(path.join(os.tmpdir(), "nd-cli-home-"));
  env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: lab.env.KUBECONFIG, DOCKER_HOST: lab.env.DOCKER_HOST, DOCKER_CONFIG: path.join(home, ".docker") };
});
afterAll(async () => {
  await lab.stop();
  await rm(home, { recursive: true, force: true });
});

const kubectl = (...args: string[]) => run("kubectl", ["--cache-dir", path.join(home, "cache"), ...args], env);
const docker = (...args: string[]) => run("docker", args, env);
const rows = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));

describe("real kubectl", () => {
  it("kubectl get svc -A prints the services table", async () => {
    const r = await kubectl("get", "svc", "-A");
    expect(r.stderr).toBe("");
    const t = rows(r.stdout);
    expect(t[0]).toEqual(["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    expect(t.slice(1).map((x) => x.slice(0, 6))).toEqual([
      ["default", "kubernetes", "ClusterIP", "10.43.0.1", "<none>", "443/TCP"],
      ["demo", "gateway-default", "LoadBalancer", "10.43.112.40", "172.19.0.2", "8080:30080/TCP"],
      ["demo", "openchoreo-api", "ClusterIP", "10.43.57.201", "<none>", "8080/TCP"],
    ]);
  });

  it("kubectl get httproutes -A and get gtw use the CRD printer columns", async () => {
    const r = await kubectl("get", "httproutes", "-A");
    expect(rows(r.stdout)[0]).toEqual(["NAMESPACE", "NAME", "HOSTNAMES", "AGE"]);
    expect(rows(r.stdout)[1]!.slice(0, 3)).toEqual(["demo", "openchoreo-api", '["api.demo.localhost"]']);
    const g = await kubectl("get", "gtw", "-n", "demo");
    expect(rows(g.stdout)[0]).toEqual(["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]);
    expect(rows(g.stdout)[1]!.slice(0, 4)).toEqual(["gateway-default", "kgateway", "172.19.0.2", "True"]);
  });

  it("kubectl get svc NAME -n NS -o yaml prints the object", async () => {
    const r = await kubectl("get", "svc", "gateway-default", "-n", "demo", "-o", "yaml");
    expect(r.stdout).toMatch(/^apiVersion: v1\nkind: Service\n/);
    expect(r.stdout).toContain("  type: LoadBalancer\n");
    expect(r.stdout).toContain("    - ip: 172.19.0.2\n");
  });

  it("kubectl get pods -n NS shows readiness, status and restarts", async () => {
    const t = rows((await kubectl("get", "pods", "-n", "demo")).stdout);
    expect(t[0]).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(t[1]!.slice(0, 3)).toEqual(["gateway-default-5b8c9d7f6-qm2lp", "0/1", "CrashLoopBackOff"]);
    expect(t[1]![3]).toMatch(/^4 \(\S+ ago\)$/);
    expect(t[2]!.slice(0, 4)).toEqual(["openchoreo-api-7d9f8b6c5d-x2x9k", "1/1", "Running", "0"]);
  });

  it("kubectl reports NotFound and Forbidden as a real server makes it", async () => {
    expect((await kubectl("get", "svc", "nope", "-n", "demo")).stderr.trim()).toBe('Error from server (NotFound): services "nope" not found');
    expect((await kubectl("get", "secrets", "-A")).stderr.trim()).toBe(
      'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:netdoctor" cannot list resource "secrets" in API group "" at the cluster scope',
    );
  });

  it("kubectl logs, get --raw on the service proxy, and patch work", async () => {
    expect((await kubectl("logs", "-n", "demo", "openchoreo-api-7d9f8b6c5d-x2x9k", "--tail=1")).stdout).toBe("2025-03-01T10:12:42Z INFO ready\n");
    expect((await kubectl("get", "--raw", "/api/v1/namespaces/demo/services/openchoreo-api:8080/proxy/")).stdout).toBe('{"status":"healthy"}');
    const p = await kubectl("patch", "svc", "openchoreo-api", "-n", "demo", "-p", '{"spec":{"type":"NodePort"}}');
    expect(p.stdout.trim()).toBe("service/openchoreo-api patched");
    expect((await kubectl("get", "svc", "openchoreo-api", "-n", "demo", "-o", "jsonpath={.spec.type}")).stdout).toBe("NodePort");
  });
});

describe("real docker CLI", () => {
  it("docker ps lists running containers with remapped published ports", async () => {
    const r = await docker("ps");
    expect(r.stderr).toBe("");
    const t = rows(r.stdout);
    expect(t[0]).toEqual(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]);
    const lb = lab.state.portMap["8080"];
    const api = lab.state.portMap["6550"];
    const serverlb = t.find((x) => x.at(-1) === "k3d-demo-serverlb")!;
    expect(serverlb.slice(0, 3)).toEqual(["5e7c1a0b9d3f", "ghcr.io/k3d-io/k3d-proxy:5.8.3", '"/bin/sh -c nginx-pr…"']);
    expect(serverlb[4]).toMatch(/^Up /);
    expect(serverlb[5]).toBe(`80/tcp, 0.0.0.0:${api}->6443/tcp, 0.0.0.0:${lb}->8080/tcp, [::]:${lb}->8080/tcp`);
    expect(t.map((x) => x.at(-1))).not.toContain("k3d-demo-tools");
    expect((await docker("ps", "-a")).stdout).toMatch(/Exited \(0\) .* ago\s+k3d-demo-tools/);
    expect(rows((await docker("ps", "--filter", "label=k3d.role=server", "--format", "{{.Names}}")).stdout)).toEqual([["k3d-demo-server-0"]]);
  });

  it("docker inspect prints the inspect object, and names a missing one", async () => {
    const r = await docker("inspect", "k3d-demo-serverlb");
    const [obj] = JSON.parse(r.stdout);
    expect(obj.Name).toBe("/k3d-demo-serverlb");
    expect(obj.HostConfig.PortBindings["8080/tcp"]).toEqual([{ HostIp: "", HostPort: String(lab.state.portMap["8080"]) }]);
    expect((await docker("inspect", "nope")).stderr.trim()).toBe("Error: No such object: nope");
  });

  it("docker port prints the bindings", async () => {
    const r = await docker("port", "k3d-demo-serverlb");
    expect(r.stdout.trim().split("\n")).toEqual([
      `6443/tcp -> 0.0.0.0:${lab.state.portMap["6550"]}`,
      `8080/tcp -> 0.0.0.0:${lab.state.portMap["8080"]}`,
      `8080/tcp -> [::]:${lab.state.portMap["8080"]}`,
    ]);
  });

  it("docker top and docker network ls work", async () => {
    expect((await docker("top", "k3d-demo-serverlb")).stdout).toContain("nginx: master process nginx -g daemon off;");
    expect(rows((await docker("network", "ls")).stdout)[1]).toEqual(["b1c2d3e4f5a6", "k3d-demo", "bridge", "local"]);
  });
});
