/**
 * Why this matters: deleting k3s' traefik HelmCharts (fix remove-traefik)
 * frees ports 80/443 only until the next k3s server start: k3s rewrites its
 * packaged manifests at every start and re-deploys traefik unless the server
 * runs with `--disable=traefik` (reference/real-world-facts.md §2.1). The day
 * after the fix, the laptop reboots, traefik's svclb takes port 80 again and
 * the gateway's svclb pod is Pending once more. Reading the k3d server
 * containers' arguments tells a durable fix from a temporary one.
 */
import { defineCheck, isSourceError, pass, skip, warn, type ContainerInspect, type HelmChart } from "../../src/index.js";
import { containerCluster, containerName } from "../../src/host/containers.js";
import { disablesTraefik, k3dMajorVersion, k3dServers, k3sServerArgs, keepTraefikOffK3d } from "../../src/host/k3s.js";

export default defineCheck({
  id: "env.traefik-stays-disabled",
  code: "ND008",
  hop: "env",
  title: "k3s' packaged traefik stays off across server restarts",
  after: ["env.cluster-flavor-detected"],
  explain: {
    meaning: "On a k3d cluster without k3s' packaged traefik (no HelmChart kube-system/traefik), the k3s server containers run with `--disable=traefik`, so traefik does not come back at the next server start.",
    causes: "traefik was removed by deleting its HelmCharts (netdoctor fix remove-traefik, or by hand) on a cluster created without `--disable=traefik`: k3s rewrites /var/lib/rancher/k3s/server/manifests/traefik.yaml at every start and the helm-controller installs it again, with its svclb pods on ports 80 and 443.",
    fix: "Recreate the cluster with the flag, in the syntax of its k3d version: k3d v5 `options.k3s.extraArgs: [{arg: --disable=traefik, nodeFilters: [server:*]}]` in the k3d config, or `k3d cluster create NAME --k3s-arg \"--disable=traefik@server:*\"`; k3d v4 `options.k3s.extraServerArgs: [--disable=traefik]` or `--k3s-server-arg --disable=traefik`; k3d v3 `k3d cluster create NAME --k3s-server-arg --disable=traefik`; k3d v1 `k3d create --server-arg --no-deploy --server-arg traefik`. (A `disable: [traefik]` in a k3s config file mounted into the server is not visible to netdoctor: then this warning is wrong.)",
    links: ["https://docs.k3s.io/networking/networking-services#traefik-ingress-controller", "https://k3d.io/stable/usage/k3s/"],
  },
  async run(ctx) {
    let containers: ContainerInspect[];
    try {
      containers = await ctx.docker.containers(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`not applicable: the k3s server arguments are not readable (${e.message})`);
    }
    const servers = k3dServers(containers);
    if (servers.length === 0) return skip("not applicable: no k3d server container (the k3s server arguments are only readable for k3d)");
    const charts = (await ctx.kube.list("helmcharts", ctx.signal).catch((e: unknown) => {
      if (isSourceError(e) && e.code === "not-found") return [] as HelmChart[];
      throw e;
    })) as HelmChart[];
    if (charts.some((c) => c.metadata.namespace === "kube-system" && c.metadata.name === "traefik")) {
      return skip("not applicable: k3s' packaged traefik is installed (HelmChart kube-system/traefik)");
    }
    const args = k3sServerArgs;
    const without = servers.filter((c) => !disablesTraefik(args(c)));
    const evidence = { servers: servers.map((c) => ({ container: containerName(c), disablesTraefik: disablesTraefik(args(c)) })) };
    // k3s before --disable existed (and k3d v1/v3 docs, k3d-io/k3d#104) spelled it --no-deploy traefik.
    const flag = servers.every((c) => args(c).some((a) => a.startsWith("--no-deploy"))) ? "--no-deploy traefik" : "--disable=traefik";
    if (without.length === 0) return pass(`${servers.map(containerName).join(", ")} run${servers.length === 1 ? "s" : ""} k3s with ${flag}`, { evidence });
    const cluster = containerCluster(without[0]!)?.cluster ?? null;
    const k3d = k3dMajorVersion(containers, cluster);
    return warn(`traefik is not installed, but ${without.map(containerName).join(", ")} run${without.length === 1 ? "s" : ""} k3s without --disable=traefik: k3s re-deploys traefik at the next server start and its svclb takes ports 80 and 443 again; expected --disable=traefik in the server arguments`, {
      evidence: { ...evidence, k3dVersion: k3d ? { major: k3d.major, basis: k3d.basis } : null },
      details: `Deleting the HelmCharts removed traefik for now. Make it last — ${k3d ? `k3d v${k3d.major} (${k3d.basis})` : "the k3d version is not told (no k3d.version label, no serverlb image tag)"}: ${keepTraefikOffK3d(k3d?.major ?? null, cluster).replace(/^keep traefik from coming back at the next server start: /, "")}.`,
    });
  },
});
