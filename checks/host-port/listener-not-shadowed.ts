/**
 * Why this matters: on a host that is itself a k3s node, the node's DNAT
 * rules for svclb and hostPort pods catch traffic to every local IPv4
 * address before any socket sees it. A `kubectl port-forward 80:…` or a host
 * nginx on port 80 is alive and listening — `ss` shows it — yet every request
 * gets traefik's `404 page not found`. Nothing in the listener is wrong; the
 * port belongs to the cluster. Naming who listens, who actually answers and
 * why ends hours of debugging the wrong process.
 */
import { defineCheck, fail, fixesOf, pass, skip, type Check, type FixId, type Pod } from "../../src/index.js";
import { formatHostPort, ipFamily, isLoopback } from "../../src/host/addresses.js";
import { describeOwner } from "../../src/host/listeners.js";
import { hostPortsOf, ref, svclbServiceOf } from "../../src/kube/helpers.js";

/** A pod that holds the port on the node through a DNAT rule: a Running svclb pod (k3s ServiceLB) or any other Running pod with that hostPort. */
function holdsPort(p: Pod, port: number, nodeName: string): boolean {
  return p.status?.phase === "Running" && !p.metadata["deletionTimestamp"] && p.spec.nodeName === nodeName && hostPortsOf(p, port).length > 0;
}

const check: Check = defineCheck({
  id: "host-port.listener-not-shadowed",
  code: "ND204",
  hop: "host-port",
  title: "the listener on this k3s host receives its connections",
  after: ["host-port.listener-identified", "host-port.node-identified", "host-port.accepts-connections"],
  fixes: ["remove-traefik"],
  explain: {
    meaning:
      "When this host is a k3s node and a local process listens on the target port (a `kubectl port-forward`, a host nginx), no svclb or hostPort pod on this node holds the same port. If one does, the node's DNAT rule (CNI portmap `CNI-HOSTPORT-DNAT`, matching every local address, loopback included) sends IPv4 connections to that pod before the listening socket sees them.",
    causes:
      "k3s' packaged traefik holds ports 80 and 443 through its svclb pod on every node; a host web server or a `sudo kubectl port-forward … 80:…` on the same port is shadowed: `ss -tlnp` shows the listener, `curl` gets traefik's `404 page not found`. Any other LoadBalancer Service (ServiceLB) or hostPort pod on the port does the same. IPv6 connections (`curl http://[::1]/`) still reach the listener on a single-stack cluster, because the rules are IPv4 only.",
    fix:
      "Free the port on the node: remove k3s' traefik (`netdoctor fix remove-traefik`) and keep it off (`disable: [traefik]` in /etc/rancher/k3s/config.yaml, Rancher Desktop's Traefik setting, Colima's k3sArgs), or give the other Service another port. Or move the listener to a port the node does not take (`kubectl port-forward 8080:…`, nginx `listen 8080`).",
    links: ["https://github.com/k3s-io/k3s/issues/2403", "https://github.com/k3s-io/k3s/issues/383", "https://docs.k3s.io/networking/networking-services#service-load-balancer"],
  },
  async run(ctx) {
    const target = ctx.target;
    const address = ctx.facts.address;
    const listener = ctx.facts.listener;
    const node = ctx.facts.node;
    if (!target || !address) return skip("not applicable: no resolved address");
    if (!listener) return skip("not applicable: no local process listens on the target port");
    if (!node?.local) return skip(`not applicable: this host is not a Kubernetes node, so no node rule can take port ${target.port} before ${describeOwner(listener)}`);
    const where = formatHostPort(address, target.port);
    if (ipFamily(address) === 6) {
      return skip(`not applicable: ${where} is IPv6; the svclb/hostPort DNAT rules of a single-stack k3s node are IPv4 only, so IPv6 connections reach ${describeOwner(listener)}`);
    }
    const pods = await ctx.kube.list("pods", ctx.signal);
    const holders = pods.filter((p) => holdsPort(p, target.port, node.name));
    const owner = describeOwner(listener);
    const listenWhere = formatHostPort(listener.address, listener.port);
    const evidence = {
      address,
      port: target.port,
      listener: { address: listener.address, port: listener.port, process: listener.process ?? null, pid: listener.pid ?? null },
      node: node.name,
      holders: holders.map((p) => ({ pod: ref(p), service: svclbServiceOf(p), node: p.spec.nodeName ?? null })),
    };
    if (holders.length === 0) {
      return pass(`${owner} listens on ${listenWhere}; no svclb or hostPort pod holds port ${target.port} on node ${node.name} (this host), so connections to ${where} reach it`, { evidence });
    }
    const holderText = (p: Pod) => {
      const s = svclbServiceOf(p);
      return s ? `${p.metadata.name} (ServiceLB of Service ${s.namespace}/${s.name})` : `pod ${ref(p)} (hostPort ${target.port})`;
    };
    const traefik = holders.some((p) => {
      const s = svclbServiceOf(p);
      return s?.namespace === "kube-system" && s.name === "traefik";
    });
    const fixes: FixId[] = traefik ? ["remove-traefik"] : [];
    const answers = traefik ? "traefik answers instead (`404 page not found` for every host it has no route for)" : `that pod's Service answers instead`;
    const scope = isLoopback(address) ? "loopback included" : `${address} is an address of this host`;
    return fail(
      `${owner} listens on ${listenWhere}, but connections to ${where} never reach it: ${holders.map(holderText).join(", ")} holds hostPort ${target.port} on node ${node.name} (this host), and the node's DNAT rule sends them there first; ${answers}; expected port ${target.port} free of node rules for ${owner}`,
      {
        evidence,
        fixes: fixesOf(check, fixes),
        details:
          `This host is the k3s node ${node.name}. k3s ServiceLB and hostPort pods take their ports through iptables/nftables DNAT rules (CNI portmap, chain CNI-HOSTPORT-DNAT, matching every local address: ${scope}), which run before the kernel hands a connection to a listening socket; \`ss\` and \`netstat\` show ${owner}, but IPv4 connections to port ${target.port} go to the pod. ` +
          (traefik
            ? `The holder is k3s' packaged traefik: remove it (netdoctor fix remove-traefik) and keep it off with \`disable: [traefik]\` in /etc/rancher/k3s/config.yaml (Rancher Desktop: the Traefik setting; Colima: --k3s-arg=--disable=traefik), or move ${owner} to another port.`
            : `Give that Service or pod another port, or move ${owner} to a port the node does not take.`),
      },
    );
  },
});

export default check;
