/**
 * Why this matters: Docker keeps a stopped container's port bindings, so a
 * mapping can look right while nothing forwards it. A k3d serverlb that exited
 * after a reboot, or a kind node that was stopped, refuses every connection
 * until it is started again.
 */
import { defineCheck, fail, pass, skip } from "../../src/index.js";
import { containerCluster, containerName, describeState } from "../../src/host/containers.js";

export default defineCheck({
  id: "container.running",
  code: "ND402",
  hop: "container",
  title: "the publishing container is running",
  dependsOn: ["container.publishes-port"],
  explain: {
    meaning: "The container that publishes the port is in state running (not exited, restarting, paused or created).",
    causes: "The host rebooted and the k3d/kind containers did not come back (k3d uses restart policy unless-stopped, kind on-failure:1); `k3d cluster stop`; the serverlb crashed because a node name did not resolve; the container was stopped by hand.",
    fix: "k3d: `k3d cluster start CLUSTER` (starts the nodes and the serverlb in order). kind: `docker start CLUSTER-control-plane` (and the workers). Other containers: `docker start NAME`, then read `docker logs NAME` if it exits again.",
    links: ["https://k3d.io/stable/usage/commands/k3d_cluster_start/"],
  },
  async run(ctx) {
    const f = ctx.facts.container;
    if (!f) return skip("not applicable: no container publishes the port");
    // An inferred fact (Docker could not be asked) carries no inspected state: do not claim it runs.
    if (f.inferred) {
      return skip(`not applicable: Docker unreachable, state inferred (${f.name} was named from the docker-proxy command line, not inspected)`, {
        evidence: { name: f.name, inferred: true },
      });
    }
    const containers = await ctx.docker.containers(ctx.signal);
    const c = containers.find((x) => x.Id === f.id) ?? containers.find((x) => containerName(x) === f.name);
    if (!c) return fail(`container ${f.name} is no longer listed by Docker; expected it to exist and run`, { evidence: { id: f.id } });
    const state = describeState(c);
    const evidence = { name: f.name, status: c.State.Status, running: c.State.Running, restarting: c.State.Restarting ?? false, exitCode: c.State.ExitCode ?? null, startedAt: c.State.StartedAt ?? null };
    if (c.State.Running && !c.State.Restarting && c.State.Status !== "paused") {
      return pass(`${f.name} is running${c.State.StartedAt ? ` (started ${c.State.StartedAt})` : ""}`, { evidence });
    }
    const cluster = containerCluster(c);
    const restarting = c.State.Restarting || c.State.Status === "restarting";
    if (restarting) {
      return fail(`${f.name} is ${state}; expected running (it keeps exiting: see \`docker logs ${f.name}\`)`, {
        evidence,
        details: "Docker restarts the container by its restart policy, and it exits again each time; while it restarts nothing forwards the published port. Its log tells why it exits.",
      });
    }
    const hint =
      cluster?.flavor === "k3d"
        ? `k3d cluster start ${cluster.cluster}`
        : c.State.Status === "paused"
          ? `docker unpause ${f.name}`
          : `docker start ${f.name}`;
    return fail(`${f.name} is ${state}; expected running (\`${hint}\`)`, {
      evidence,
      details: `Docker keeps the port bindings of a stopped container, so the mapping looks right while nothing forwards the port. Start it with \`${hint}\`; if it exits again, \`docker logs ${f.name}\` tells why.`,
    });
  },
});
