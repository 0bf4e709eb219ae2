/**
 * Why this matters: knowing *who* holds the port turns guesswork into a
 * chain: docker-proxy means a published container port, kubectl or socat
 * means a userspace forwarder with an upstream of its own, anything else means
 * a port conflict. A listener bound to 127.0.0.1 also explains why the port
 * works locally but not from a VM, a container or another machine.
 */
import { defineCheck, isSourceError, pass, skip, warn, type HostListener } from "../../src/index.js";
import { formatHostPort, isIpLiteral, isLoopback } from "../../src/host/addresses.js";
import { coveringListeners, describeOwner } from "../../src/host/listeners.js";
import { parseRancherDesktopApp } from "../../src/host/forwarders.js";

/**
 * What to do when `owner` is bound to an address that misses `address`: the
 * flag of the tool that opened the socket which binds it wider, or sending
 * the request to the bound address. Sources: kubectl port-forward
 * `--address` (default localhost), socat `TCP-LISTEN:…,bind=ADDR`, OpenSSH
 * `-L [bind_address:]port:host:hostport` (default localhost unless
 * GatewayPorts), Docker `-p [HOST_IP:]HOST_PORT:CONTAINER_PORT`.
 */
export function rebindAdvice(owner: HostListener, address: string, host: string): string {
  const bound = owner.address;
  const client = `or send the request to ${bound}${isIpLiteral(host) ? "" : ` (point ${host} at it)`}`;
  const wide = isIpLiteral(address) && address.includes(":") ? "::" : "0.0.0.0";
  // Rancher Desktop's Port Forwarding binds one loopback address and has no option to bind wider (src/host/forwarders.ts).
  if (parseRancherDesktopApp(owner.command, owner.process)) {
    return `Rancher Desktop's Port Forwarding listens on ${bound} only and cannot bind wider (v1.15 and later listen on 127.0.0.1; before, on whichever family \`localhost\` resolved to, rancher-desktop#7248): send the request to ${bound}${isIpLiteral(host) ? "" : ` (point ${host} at it)`}, or use \`kubectl port-forward --address ${wide}\` for other addresses`;
  }
  switch (owner.process) {
    case "kubectl":
      return `restart it with \`kubectl port-forward --address ${wide} …\` (or --address ${address}), ${client}`;
    case "socat":
      return `restart it with \`TCP-LISTEN:${owner.port},fork,reuseaddr,bind=${wide}\` (or drop bind=), ${client}`;
    case "ssh":
      return `restart the tunnel as \`ssh -L ${wide}:${owner.port}:…\` (GatewayPorts), ${client}`;
    case "docker-proxy":
      return `publish the port without a host IP (\`-p ${owner.port}:…\`, k3d \`--port ${owner.port}:…@loadbalancer\`, kind \`listenAddress: ${wide}\`), ${client}`;
    default:
      return `bind it to ${wide} (or ${address}), ${client}`;
  }
}

export default defineCheck({
  id: "host-port.listener-identified",
  code: "ND202",
  hop: "host-port",
  title: "the listening process is identified",
  after: ["host-port.accepts-connections", "dns.name-resolves", "host-port.node-identified"],
  explain: {
    meaning: "The host socket listening on the target port, and covering the resolved address, was found, with its owning process and bind address.",
    causes: "A warning means the only listener on the port is bound to another address than the one the request goes to (typically loopback, 127.0.0.1 / ::1, while the name resolves to a LAN address) and the connection is not accepted there: `kubectl port-forward` binds localhost unless given --address, socat binds where `bind=` says, ssh -L binds localhost, Docker binds where the port mapping's host IP says. When the connection is accepted anyway (a DNAT rule of k3s ServiceLB, hostPort or Docker takes it before any socket), the other socket is not on the path and the check passes.",
    fix: "Bind the listener to the address the client uses (kubectl port-forward --address 0.0.0.0, socat …,bind=0.0.0.0, ssh -L 0.0.0.0:…, a port mapping without a host IP), or make the client use the bound address.",
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
      const rd = parseRancherDesktopApp(chosen.command, chosen.process) ? " (Rancher Desktop's Port Forwarding: the app relays to a Service through the API server's port-forward)" : "";
      return pass(`${describeOwner(chosen)} listens on ${where}${rd}`, { facts: { listener: chosen }, evidence });
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
    const scope = isLoopback(other.address) && !isLoopback(address) ? " only (bind scope: loopback)" : "";
    if (ctx.facts.connect === "connected") {
      // Something takes the connection before any socket (DNAT): the other socket is not on this path, and nothing will go wrong because of it.
      return pass(`${targetWhere} accepts connections without a socket bound to it: a DNAT rule takes them first (k3s ServiceLB or hostPort, Docker with userland-proxy off) or a socket this host's table does not show; ${describeOwner(other)} on ${otherWhere}${scope} is another socket, not on this path`, {
        facts: { listener: null },
        evidence: { ...evidence, connect: ctx.facts.connect, otherSocket: other },
      });
    }
    const outcome = ctx.facts.connect === undefined ? "reach no listener" : ctx.facts.connect === "refused" ? "are refused" : `fail (${ctx.facts.connect})`;
    return warn(`${describeOwner(other)} listens on ${otherWhere}${scope}, which does not cover ${targetWhere}: connections to ${targetWhere} ${outcome}; ${rebindAdvice(other, address, target.host)}`, {
      details: `A socket receives connections to its bind address only (0.0.0.0 / :: receive every address of this host). ${describeOwner(other)} is bound to ${other.address}, the request goes to ${address}.`,
      facts: { listener: null },
      evidence: { ...evidence, connect: ctx.facts.connect ?? null },
      // The socket bound elsewhere is why the connection was refused here.
      ...(ctx.facts.connect === "refused" ? { causes: ["host-port.accepts-connections"] } : {}),
    });
  },
});
