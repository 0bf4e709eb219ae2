/**
 * Why this matters: the right fix depends on what runs the cluster: a k3d
 * port mapping is added with `k3d cluster edit`, a kind one needs a re-create,
 * k3s' traefik comes back unless disabled. Detecting the flavor (and the
 * cluster's name) once lets every message and fix speak the right tool's
 * language; the report's `environment` section is filled from this check's
 * evidence (`flavor`, `cluster`).
 */
import { defineCheck, isSourceError, pass, skip, warn, type ContainerInspect, type KubeInfo } from "../../src/index.js";
import { detectFlavor } from "../../src/host/flavor.js";

export default defineCheck({
  id: "env.cluster-flavor-detected",
  code: "ND006",
  hop: "env",
  title: "the cluster flavor is detected",
  after: ["env.api-reachable", "env.docker-reachable"],
  explain: {
    meaning: "netdoctor told which kind of local cluster the context points at: k3d (containers labelled app=k3d, k3d.cluster=<name>; context k3d-<name>; k3d v1: labels component=server|worker, cluster=<name> and context <name>), kind (io.x-k8s.kind.cluster=<name>; context kind-<name>), plain k3s (version +k3sN or, before v1.17, -k3s.N, without k3d containers), or generic.",
    causes: "A warning means the context names a k3d/kind cluster whose containers are not on the Docker host netdoctor reads: the cluster was deleted and the kubeconfig kept its context, or the cluster runs in another Docker engine (Colima vs Docker Desktop).",
    fix: "Switch to the context of a running cluster (`kubectl config use-context`), or point netdoctor at the Docker engine that runs it (--docker-host).",
    links: ["https://k3d.io/stable/design/defaults/", "https://kind.sigs.k8s.io/docs/user/quick-start/"],
  },
  async run(ctx) {
    let info: KubeInfo | null = null;
    let gitVersion: string | null = null;
    let containers: ContainerInspect[] | null = null;
    const unread: string[] = [];
    try {
      info = ctx.kube.info();
    } catch (e) {
      if (!isSourceError(e)) throw e;
      unread.push(`kubeconfig: ${e.message}`);
    }
    if (info) {
      try {
        gitVersion = (await ctx.kube.version(ctx.signal)).gitVersion;
      } catch (e) {
        if (!isSourceError(e)) throw e;
        unread.push(`API server: ${e.code}`);
      }
    }
    try {
      containers = await ctx.docker.containers(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      unread.push(`Docker: ${e.code}`);
    }
    const r = detectFlavor({ context: info?.context ?? null, kubeCluster: info?.cluster ?? null, server: info?.server ?? null, gitVersion, containers });
    const evidence = {
      flavor: r.flavor,
      cluster: r.cluster,
      context: info?.context ?? null,
      apiServer: info?.server ?? null,
      gitVersion,
      basis: r.basis,
      containers: r.containers,
      clustersSeen: r.seen,
      unread,
    };
    if (r.flavor === "none") {
      const seen = r.seen.length ? `; clusters on the Docker host: ${r.seen.map((s) => `${s.flavor} ${s.cluster}`).join(", ")}` : "";
      return skip(`not applicable: no kubeconfig context is loaded${seen}`, { evidence });
    }
    const name = r.cluster ? `${r.flavor} cluster ${r.cluster}` : `${r.flavor} cluster`;
    const from = `${r.basis.join(", ")}${unread.length ? `; not read: ${unread.join(", ")}` : ""}`;
    if (r.warning) {
      return warn(`${name} (from ${from}), but ${r.warning}`, { evidence });
    }
    return pass(`${name} (from ${from})`, { evidence });
  },
});
