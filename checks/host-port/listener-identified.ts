/**
 * Why this matters: knowing *who* holds the port turns guesswork into a
 * chain: docker-proxy means a published container port, kubectl or socat
 * means a userspace forwarder with an upstream of its own, anything else means
 * a port conflict. A listener bound to 127.0.0.1 also explains why the port
 * works locally but not from a VM, a container or another machine.
 */
import { defineCheck, isSourceError, pass, skip, warn, type HostListener } from "../../src/index.js";
import { formatHostPort, isLoopback } from "../../src/host/addresses.js";
import { coveringListeners, describeOwner } from "../../src/host/listeners.js";

export default defineCheck({
  id: "host-port.listener-identified",
  code: "ND202",
  hop: "host-port",
  title: "the listening process is identified",
  after: ["host-port.accepts-connections", "dns.name-resolves", "host-port.node-identified"],
  explain: {
    meaning: "The host socket listening on the target port, and covering the resolved address, was found, with its owning process and bind address.",
    causes: "A warning means the only listener is bound to loopback (127.0.0.1 / ::1) while the request goes to another address: `kubectl port-forward` binds localhost unless given --address, socat binds where `bind=` says, Docker binds where the port mapping's host IP says.",
    fix: "Bind the listener to the address the client uses (kubectl port-forward --address 0.0.0.0, socat …,bind=0.0.0.0, a port mapping without a host IP), or make the client use loopback.",
    links: ["https://kubernetes.io/docs/reference/kubectl/generated/kubectl_port-forward/"],
  },
  async run(ctx) {
    const target = ctx.target;
    if (!target) return skip("not applicable: no target (environment run)");
    const address = ctx.facts.address ?? ctx.options.hostAddress;
    let listeners: HostListener[];
    try {
      listeners = await ctx.host.listeners(ctx.signal);
    } catch (e) {
      if (isSourceError(e) && e.code === "unsupported") {
        return skip(`not applicable: ${e.message}`, { facts: { listener: null }, evidence: { code: e.code } });
      }
      throw e;
    }
    const onPort = listeners.filter((l) => l.port === target.port);
    const covering = coveringListeners(onPort, address, target.port);
    const evidence = { address, port: target.port, listeners: onPort };
    const chosen = covering[0];
    if (chosen) {
      const where = formatHostPort(chosen.address, chosen.port);
      if (chosen.process === undefined && chosen.pid === undefined) {
        return skip(`not applicable: the owner of ${where} is not visible to this user (a socket of another user, e.g. root's docker-proxy)`, {
          facts: { listener: chosen },
          evidence,
        });
      }
      return pass(`${describeOwner(chosen)} listens on ${where}`, { facts: { listener: chosen }, evidence });
    }
    if (onPort.length === 0) {
      const node = ctx.facts.node;
      if (node?.local) {
        // k3s on this host: svclb / hostPort pods take ports through the node's DNAT rules, which no socket table shows.
        return skip(`not applicable: no socket listens on port ${target.port}; this host is node ${node.name}, where k3s ServiceLB and hostPort pods take ports through iptables/nftables DNAT rules that ss and netstat do not show (see the service hop)`, {
          facts: { listener: null },
          evidence: { ...evidence, node: node.name },
        });
      }
      return skip(`not applicable: nothing listens on port ${target.port}`, { facts: { listener: null }, evidence });
    }
    const other = onPort[0]!;
    const otherWhere = formatHostPort(other.address, other.port);
    const targetWhere = formatHostPort(address, target.port);
    if (isLoopback(other.address) && !isLoopback(address)) {
      return warn(`${describeOwner(other)} listens on ${otherWhere} only; ${targetWhere} is not covered (bind scope: loopback); expected a bind on ${address} or 0.0.0.0`, {
        facts: { listener: null },
        evidence,
      });
    }
    return warn(`${describeOwner(other)} listens on ${otherWhere}, which does not cover ${targetWhere}; expected a bind on ${address} or 0.0.0.0`, {
      facts: { listener: null },
      evidence,
    });
  },
});
