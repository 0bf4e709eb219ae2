/**
 * Why this matters: "connection refused" is the most common symptom and the
 * least informative. Connecting to the resolved address and port is the first
 * hard fact: either something accepts there (and the problem is further in) or
 * the request stops at the host's port.
 */
import { defineCheck, fail, pass, skip } from "../../src/index.js";
import { formatHostPort } from "../../src/host/addresses.js";

export default defineCheck({
  id: "host-port.accepts-connections",
  code: "ND201",
  hop: "host-port",
  title: "something accepts connections at the address and port",
  dependsOn: ["dns.name-resolves"],
  explain: {
    meaning: "A TCP connection to the resolved address and the target port was accepted.",
    causes: "Refused: nothing listens there — the k3d serverlb / kind node does not publish the port, its container is stopped, or the kubectl port-forward that owned it has exited. Timeout: a firewall drops the packets, or the address is a VM/bridge address not routable from here (macOS cannot reach container IPs). Unreachable: no route to the address.",
    fix: "See the container and forwarder hops for the cause: add the port mapping (k3d cluster edit --port-add / kind extraPortMappings), start the container, or restart the forwarder.",
    links: ["https://kind.sigs.k8s.io/docs/user/known-issues/#docker-desktop-for-macos-and-windows"],
  },
  async run(ctx) {
    const target = ctx.target;
    const address = ctx.facts.address;
    if (!target || !address) return skip("not applicable: no resolved address");
    const where = formatHostPort(address, target.port);
    const timeoutMs = ctx.options.probeTimeoutMs;
    const r = await ctx.probe.tcp(address, target.port, timeoutMs, ctx.signal);
    const evidence = { address, port: target.port, outcome: r.outcome, durationMs: r.durationMs, error: r.error ?? null };
    const facts = { connect: r.outcome };
    switch (r.outcome) {
      case "connected":
        return pass(`${where} accepts connections`, { evidence, facts });
      case "refused":
        return fail(`nothing listens on ${where} (connection refused); expected a published container port or a forwarder`, { evidence, facts });
      case "timeout":
        return fail(`${where} does not answer within ${timeoutMs} ms (timeout); expected a listener to accept the connection`, {
          evidence,
          facts,
          details: "A timeout (rather than a refusal) usually means the packets are dropped: a firewall, or an address that is not routable from this machine (container, bridge or LoadBalancer IPs behind a Docker VM on macOS).",
        });
      case "unreachable":
        return fail(`${where} is unreachable${r.error ? ` (${r.error})` : ""}; expected a route to the address`, { evidence, facts });
      case "error":
        return fail(`connecting to ${where} failed${r.error ? `: ${r.error}` : ""}; expected the connection to be accepted`, { evidence, facts });
    }
  },
});
