/**
 * env.traefik-stays-disabled (ND008) over memory sources: k3d server
 * containers as `docker inspect` shows them, HelmCharts as k3s creates them.
 */
import { describe, expect, it } from "vitest";
import check from "../../checks/env/traefik-stays-disabled.js";
import { disablesTraefik, k3dMajorVersion } from "../../src/host/k3s.js";
import type { CheckContext } from "../../src/engine/types.js";
import type { HelmChart } from "../../src/kube/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import type { ContainerInspect } from "../../src/sources/types.js";

const K3S_ARGS = ["server", "--tls-san=host.k3d.internal", "--tls-san", "0.0.0.0", "--tls-san", "k3d-openchoreo-serverlb"];

function server(name: string, args: string[], role = "server"): ContainerInspect {
  return {
    Id: `${name}-id`,
    Name: `/${name}`,
    Args: args,
    State: { Status: "running", Running: true },
    Config: { Image: "rancher/k3s:v1.31.5-k3s1", Labels: { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": role }, Cmd: args },
    HostConfig: {},
    NetworkSettings: { Networks: {} },
  } as unknown as ContainerInspect;
}

const chart = (name: string): HelmChart => ({ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name, namespace: "kube-system" }, spec: {} }) as HelmChart;

function ctx(data: MemoryData): CheckContext {
  const s = memorySources(data);
  return { target: null, ...s, facts: {}, options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 3000 }, signal: AbortSignal.timeout(10_000) };
}

describe("disablesTraefik", () => {
  it.each([
    { args: ["server", "--disable=traefik"], want: true },
    { args: ["server", "--disable", "traefik"], want: true },
    { args: ["server", "--disable=servicelb,traefik"], want: true },
    { args: ["server", "--no-deploy", "traefik"], want: true },
    { args: ["server", "--disable=servicelb"], want: false },
    { args: ["server", "--disable-helm-controller"], want: false },
    { args: ["server", "--tls-san", "traefik"], want: false },
    { args: [], want: false },
  ])("$args → $want", ({ args, want }) => {
    expect(disablesTraefik(args)).toBe(want);
  });
});

describe("env.traefik-stays-disabled (ND008)", () => {
  it("warns when traefik is gone but the k3s server would deploy it again at its next start", async () => {
    const out = await check.run(ctx({ containers: [server("k3d-openchoreo-server-0", K3S_ARGS), server("k3d-openchoreo-agent-0", ["agent"], "agent")], kube: { helmcharts: [] } }));
    expect(out.status).toBe("warn");
    expect(out.summary).toBe("traefik is not installed, but k3d-openchoreo-server-0 runs k3s without --disable=traefik: k3s re-deploys traefik at the next server start and its svclb takes ports 80 and 443 again; expected --disable=traefik in the server arguments");
    expect(out.details).toContain('k3d cluster create openchoreo --k3s-arg "--disable=traefik@server:*"');
  });

  it("passes when every server runs with --disable=traefik", async () => {
    const out = await check.run(ctx({ containers: [server("k3d-openchoreo-server-0", [...K3S_ARGS, "--disable=traefik"]), server("k3d-openchoreo-server-1", [...K3S_ARGS, "--disable", "traefik"])], kube: { helmcharts: [] } }));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe("k3d-openchoreo-server-0, k3d-openchoreo-server-1 run k3s with --disable=traefik");
  });

  it("names only the servers without the flag", async () => {
    const out = await check.run(ctx({ containers: [server("k3d-openchoreo-server-0", [...K3S_ARGS, "--disable=traefik"]), server("k3d-openchoreo-server-1", K3S_ARGS)], kube: {} }));
    expect(out.status).toBe("warn");
    expect(out.summary).toMatch(/^traefik is not installed, but k3d-openchoreo-server-1 runs k3s without --disable=traefik/);
  });

  it.each([
    { case: "traefik is installed", data: { containers: [server("k3d-openchoreo-server-0", K3S_ARGS)], kube: { helmcharts: [chart("traefik-crd"), chart("traefik")] } }, summary: "not applicable: k3s' packaged traefik is installed (HelmChart kube-system/traefik)" },
    { case: "there is no k3d server (kind)", data: { containers: [], kube: { helmcharts: [] } }, summary: "not applicable: no k3d server container (the k3s server arguments are only readable for k3d)" },
    { case: "Docker cannot be asked", data: { dockerUnavailable: "unreachable" as const, kube: { helmcharts: [] } }, summary: /^not applicable: the k3s server arguments are not readable \(/ },
  ])("skips when $case", async ({ data, summary }) => {
    const out = await check.run(ctx(data as MemoryData));
    expect(out.status).toBe("skip");
    if (typeof summary === "string") expect(out.summary).toBe(summary);
    else expect(out.summary).toMatch(summary);
  });

  const withLabels = (c: ContainerInspect, labels: Record<string, string>, image?: string): ContainerInspect => ({ ...c, Config: { ...c.Config, Labels: labels, ...(image ? { Image: image } : {}) } }) as ContainerInspect;
  it.each([
    {
      era: "k3d v1 (labels component=server, cluster=openchoreo)",
      containers: [withLabels(server("k3d-openchoreo-server", ["server", "--https-listen-port", "6443"]), { app: "k3d", component: "server", cluster: "openchoreo" })],
      details: "k3d v1 (container k3d-openchoreo-server has k3d v1's labels (component=server)): k3d v1 passes k3s flags with --server-arg; recreate the cluster with `k3d create --name openchoreo --server-arg --no-deploy --server-arg traefik`.",
    },
    {
      era: "k3d v3 (serverlb docker.io/rancher/k3d-proxy:v3.4.0)",
      containers: [server("k3d-openchoreo-server-0", K3S_ARGS), withLabels(server("k3d-openchoreo-serverlb", [], "loadbalancer"), { app: "k3d", "k3d.role": "loadbalancer" }, "docker.io/rancher/k3d-proxy:v3.4.0")],
      details: "k3d v3 (serverlb image docker.io/rancher/k3d-proxy:v3.4.0): k3d v3 passes k3s flags with --k3s-server-arg; recreate the cluster with `k3d cluster create openchoreo --k3s-server-arg --disable=traefik`.",
    },
    {
      era: "k3d v4 (label k3d.version=v4.4.8)",
      containers: [withLabels(server("k3d-openchoreo-server-0", K3S_ARGS), { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "server", "k3d.version": "v4.4.8" })],
      details: "k3d v4 (label k3d.version=v4.4.8): add to the k3d config (k3d.io/v1alpha2) options.k3s.extraServerArgs: [--disable=traefik] (or create the cluster with k3d cluster create openchoreo --k3s-server-arg --disable=traefik).",
    },
    {
      era: "k3d v5 (serverlb ghcr.io/k3d-io/k3d-proxy:5.6.0)",
      containers: [server("k3d-openchoreo-server-0", K3S_ARGS), withLabels(server("k3d-openchoreo-serverlb", [], "loadbalancer"), { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "loadbalancer" }, "ghcr.io/k3d-io/k3d-proxy:5.6.0")],
      details: 'k3d v5 (serverlb image ghcr.io/k3d-io/k3d-proxy:5.6.0): add to the k3d config options.k3s.extraArgs: [{arg: "--disable=traefik", nodeFilters: ["server:*"]}] (or create the cluster with k3d cluster create openchoreo --k3s-arg "--disable=traefik@server:*").',
    },
  ])("gives the keep-off syntax of $era", async ({ containers, details }) => {
    const out = await check.run(ctx({ containers, kube: { helmcharts: [] } }));
    expect(out.status).toBe("warn");
    expect(out.details).toBe(`Deleting the HelmCharts removed traefik for now. Make it last — ${details}`);
  });
});

describe("k3dMajorVersion", () => {
  it("is null when no container of the cluster tells (no k3d.version label, no serverlb)", () => {
    expect(k3dMajorVersion([])).toBeNull();
    expect(k3dMajorVersion([server("k3d-openchoreo-server-0", K3S_ARGS)])).toBeNull();
  });

  it("reads only the named cluster's containers", () => {
    const other = { ...server("k3d-old-server-0", K3S_ARGS), Config: { Labels: { app: "k3d", "k3d.cluster": "old", "k3d.role": "server", "k3d.version": "v4.4.8" } } } as unknown as ContainerInspect;
    const mine = { ...server("k3d-openchoreo-server-0", K3S_ARGS), Config: { Labels: { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "server", "k3d.version": "v5.8.3" } } } as unknown as ContainerInspect;
    expect(k3dMajorVersion([other, mine], "openchoreo")).toEqual({ major: 5, basis: "label k3d.version=v5.8.3" });
    expect(k3dMajorVersion([other, mine], "old")?.major).toBe(4);
  });

  it("ignores a serverlb image tag that is no version (latest)", () => {
    const lb = { ...server("k3d-openchoreo-serverlb", []), Config: { Image: "ghcr.io/k3d-io/k3d-proxy:latest", Labels: { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "loadbalancer" } } } as unknown as ContainerInspect;
    expect(k3dMajorVersion([lb])).toBeNull();
  });
});
