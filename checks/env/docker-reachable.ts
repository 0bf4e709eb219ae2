/**
 * Why this matters: the container hop (which container publishes the port,
 * is it running) reads the Docker Engine API. When netdoctor talks to the
 * wrong Docker (a stopped Colima VM, the system socket while the cluster runs
 * in Docker Desktop) it must say which one it asked, and that only the
 * container checks are affected.
 */
import { defineCheck, fail, isSourceError, pass } from "../../src/index.js";
import { describeDockerHost } from "../../src/host/docker-host.js";

export default defineCheck({
  id: "env.docker-reachable",
  code: "ND003",
  hop: "env",
  title: "the Docker Engine API answers",
  explain: {
    meaning: "GET /_ping and /version on the resolved Docker host answered. netdoctor picks the host from --docker-host, then DOCKER_HOST, then the current docker context (~/.docker/config.json), then the platform socket.",
    causes: "The Docker daemon or its VM (Colima, Docker Desktop, Lima) is stopped; DOCKER_HOST or the docker context points at another engine than the one running the cluster; the user may not read the socket (not in the docker group).",
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
      return fail(`Docker Engine at ${host} (${origin}) does not answer (${e.message.includes(e.code) ? e.message : `${e.code}: ${e.message}`}); the container hop falls back to what the docker-proxy listener shows`, {
        details:
          "netdoctor chooses the Docker host from --docker-host, then DOCKER_HOST, then the current docker context, then the platform socket. If the cluster runs in another engine (Colima, Docker Desktop, a remote host), point netdoctor at it. The other hops (dns, host-port, forwarder, and the cluster hops through the API server) do not need Docker.",
        evidence: { host, origin, code: e.code, message: e.message },
      });
    }
  },
});
