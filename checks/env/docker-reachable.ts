/**
 * Why this matters: the container hop (which container publishes the port,
 * is it running) reads the Docker Engine API. When netdoctor talks to the
 * wrong Docker (a stopped Colima VM, the system socket while the cluster runs
 * in Docker Desktop) it must say which one it asked, and that only the
 * container checks are affected.
 */
import { defineCheck, fail, isSourceError, pass, skip, type CheckContext } from "../../src/index.js";
import { describeDockerHost } from "../../src/host/docker-host.js";
import { detectFlavor } from "../../src/host/flavor.js";

/**
 * The cluster as far as it can be told without Docker (context name and
 * `/version`): k3s (or RKE2) installed on this host or in a VM runs its
 * containers in containerd, and nothing on its path needs Docker. Null when
 * the kubeconfig or the API server cannot be read.
 */
async function dockerFreeCluster(ctx: CheckContext): Promise<{ flavor: string; gitVersion: string; context: string } | null> {
  try {
    const info = ctx.kube.info();
    const { gitVersion } = await ctx.kube.version(ctx.signal);
    const r = detectFlavor({ context: info.context, kubeCluster: info.cluster, server: info.server, gitVersion, containers: null });
    if (r.flavor === "k3s" || /\+rke2/.test(gitVersion)) return { flavor: /\+rke2/.test(gitVersion) ? "RKE2" : "k3s", gitVersion, context: info.context };
    return null;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return null;
  }
}

export default defineCheck({
  id: "env.docker-reachable",
  code: "ND003",
  hop: "env",
  title: "the Docker Engine API answers",
  explain: {
    meaning: "GET /_ping and /version on the resolved Docker host answered. netdoctor picks the host from --docker-host, then DOCKER_HOST, then the current docker context (~/.docker/config.json), then the platform socket.",
    causes: "Skipped (not applicable) when Docker does not answer and the cluster is k3s or RKE2 installed on a host or in a VM (a `+k3s`/`+rke2` version, no k3d/kind context): such clusters need no Docker. Otherwise: the Docker daemon or its VM (Colima, Docker Desktop, Lima) is stopped; DOCKER_HOST or the docker context points at another engine than the one running the cluster; the user may not read the socket (not in the docker group); a daemon that accepts connections and never answers (hung dockerd, a paused VM) is reported as \"did not answer within N s\" after the Docker request timeout (a quarter of --timeout or 5 s, whichever is smaller).",
    fix: "Start the engine (`colima start`, Docker Desktop, `sudo systemctl start docker`), or point netdoctor at the right one: `--docker-host unix:///…/docker.sock`, or `docker context use <name>`.",
    links: ["https://docs.docker.com/engine/manage-resources/contexts/"],
  },
  async run(ctx) {
    const host = ctx.docker.host();
    const origin = describeDockerHost(host);
    try {
      const v = await ctx.docker.version(ctx.signal);
      return pass(`Docker Engine ${v.Version} (API ${v.ApiVersion}) answers at ${host} (${origin})`, {
        evidence: { host, origin, version: v.Version, apiVersion: v.ApiVersion, os: v.Os ?? null },
      });
    } catch (e) {
      if (!isSourceError(e)) throw e;
      const k3s = await dockerFreeCluster(ctx);
      if (k3s) {
        return skip(
          `not applicable: no Docker Engine at ${host} (${e.code}), which is normal here: the cluster of context ${k3s.context} is ${k3s.flavor} ${k3s.gitVersion} on a host or VM, running its pods in containerd; no hop of its paths goes through Docker`,
          {
            details:
              "k3s and RKE2 installed on a machine or in a VM (Rancher Desktop with containerd, Colima's k3s runtime, Lima, multipass, a Raspberry Pi) need no Docker. The container hop does not apply to their nodes; netdoctor reads the path from the node's address on. Docker matters only for k3d and kind clusters, whose nodes are Docker containers.",
            evidence: { host, origin, code: e.code, message: e.message, flavor: k3s.flavor, gitVersion: k3s.gitVersion, context: k3s.context },
          },
        );
      }
      // A daemon that accepts and never answers: the per-request timeout of the Docker source (src/sources/live/docker.ts dockerNoAnswer) ran out.
      const within = /did not answer within ([\d.]+) s/.exec(e.message);
      if (e.code === "timeout" && within) {
        return fail(`Docker Engine at ${host} (${origin}) did not answer within ${within[1]} s; the container hop falls back to what the docker-proxy listener shows`, {
          details:
            "The socket accepts connections but the Engine API sends no answer: dockerd is hung (restart it: `sudo systemctl restart docker`), or the VM that runs it is paused or still starting (Docker Desktop, Colima, Lima: restart it). netdoctor gives each Docker request a quarter of --timeout or 5 s, whichever is smaller, and carries on without Docker: the other hops (dns, host-port, forwarder, and the cluster hops through the API server) do not need it.",
          evidence: { host, origin, code: e.code, message: e.message, timeoutSeconds: Number(within[1]) },
        });
      }
      return fail(`Docker Engine at ${host} (${origin}) does not answer (${e.message.includes(e.code) ? e.message : `${e.code}: ${e.message}`}); the container hop falls back to what the docker-proxy listener shows`, {
        details:
          "netdoctor chooses the Docker host from --docker-host, then DOCKER_HOST, then the current docker context, then the platform socket. If the cluster runs in another engine (Colima, Docker Desktop, a remote host), point netdoctor at it. The other hops (dns, host-port, forwarder, and the cluster hops through the API server) do not need Docker.",
        evidence: { host, origin, code: e.code, message: e.message },
      });
    }
  },
});
