/**
 * Why this matters: on Colima (without `--network-address`), Rancher Desktop
 * or a Lima k3s instance, nothing but the VM tool's port forwarder makes a
 * port of the VM answer on `localhost`. The Service can be perfect — svclb
 * Running, traefik Ready — and `curl localhost` still gets "connection
 * refused", because the forwarder never opened that port: a port below 1024
 * on a Linux host (a non-root host agent cannot bind it), a hostPort pod
 * without a Service (Lima 2 no longer reads DNAT rules), Colima's ignore rule
 * for 80/443. Saying which VM should have forwarded the port, what takes it
 * inside, and why it is not forwarded replaces a dead end with a fix.
 */
import { defineCheck, fail, isSourceError, skip, type DaemonSet, type HostListener, type Node, type Pod, type Service } from "../../src/index.js";
import { formatHostPort, isLoopback, normalizeAddress } from "../../src/host/addresses.js";
import { nodeK3sArgs } from "../../src/host/k3s.js";
import { coveringListeners, describeOwner } from "../../src/host/listeners.js";
import { clusterVm, describeVmForwarder, hostAgentLog, parseVmForwarder, vmToolName, type VmForwarder } from "../../src/host/vm-forwarders.js";
import { hostPortsOf, ref } from "../../src/kube/helpers.js";
import { portTakers, type PortTaker } from "../../src/kube/node-port.js";
import { describeTaker } from "../forwarder/vm-forward-reaches-node.js";

/** Lima never forwards the guest's sshd port (22) nor its own ssh local port (lima pkg/hostagent/port.go `portForwardRules`). */
const SSH_PORT = 22;

/** Why `vm` does not forward `port`, with the fix; the first cause that the evidence supports. */
function whyNotForwarded(vm: VmForwarder, hostOs: string, port: number, takers: readonly PortTaker[], node: Node | undefined, host: string): { cause: string; fix: string; kind: string } {
  if (port === SSH_PORT) {
    return { kind: "ssh-port", cause: "Lima never forwards port 22: it is the VM's own sshd", fix: "Use another port for the Service (e.g. a NodePort or a LoadBalancer port above 1023)." };
  }
  if (port < 1024 && hostOs === "linux") {
    return {
      kind: "privileged-port",
      cause: `port ${port} is privileged: on Linux a process without root cannot bind ports below net.ipv4.ip_unprivileged_port_start (default 1024), so the host agent's listen on ${formatHostPort("127.0.0.1", port)} fails ("bind: permission denied" in its log)`,
      fix: `Let unprivileged processes bind port ${port}: \`sudo sysctl -w net.ipv4.ip_unprivileged_port_start=${port}\` (keep it with a file in /etc/sysctl.d/), then restart ${vmToolName(vm.tool)} so the port is forwarded again; or use a port above 1023 (a NodePort).`,
    };
  }
  const args = node ? nodeK3sArgs(node) : [];
  if (vm.tool === "colima" && (port === 80 || port === 443) && args.includes("--advertise-address")) {
    return {
      kind: "colima-ingress-ports",
      cause: `Colima started with --network-address does not forward ports 80 and 443 (its ignore rules keep traefik off the Mac's localhost); the VM's address answers instead`,
      fix: (() => {
        const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "<VM address>";
        const url = `${port === 443 ? "https" : "http"}://${ip}/`;
        return `Use the VM's address (\`colima status\` shows it; node ${node?.metadata.name ?? "colima"}'s InternalIP ${ip}) instead of localhost: \`curl -H 'Host: ${host}' ${url}\`, or an Ingress host that resolves to it (e.g. a name under ${ip}.sslip.io). Or start Colima without --network-address to have 80 and 443 forwarded to localhost again.`;
      })(),
    };
  }
  if (takers.length && takers.every((t) => t.via === "hostport")) {
    return {
      kind: "hostport-only",
      cause: `only a hostPort pod takes port ${port}: hostPorts are DNAT rules, not sockets, and Lima 2 reports only listening sockets and the ports of LoadBalancer and NodePort Services (Lima 0.7–1.x read the CNI portmap DNAT rules; that watcher was removed in Lima 2.0)`,
      fix: `Put a LoadBalancer Service on port ${port} (k3s ServiceLB) or a NodePort Service in front of the pod — Lima forwards those — or forward it yourself: \`kubectl port-forward -n ${takers[0]!.pod!.metadata.namespace ?? "default"} pod/${takers[0]!.pod!.metadata.name} ${port}:${hostPortsOf(takers[0]!.pod!, port)[0]?.containerPort ?? port}\`.`,
    };
  }
  const best = takers[0]!;
  if (best.via === "svclb" && !best.active) {
    return {
      kind: "svclb-not-running",
      cause: `no svclb pod of Service ${ref(best.service!)} runs on node ${node?.metadata.name ?? "the VM"}, so nothing holds port ${port} in the VM (Lima before 0.15 forwards a LoadBalancer port only while its svclb DNAT rule exists and answers; later Lima forwards it anyway and connections get an empty reply)`,
      fix: `Get the svclb pod running: service.port-free and service.load-balancer-ready say what holds port ${port} or why ServiceLB does not run.`,
    };
  }
  if (best.via === "nodeport" && takers.every((t) => t.via === "nodeport")) {
    return {
      kind: "nodeport-old-lima",
      cause: `only nodePort ${port} of Service ${ref(best.service!)} takes the port: Lima before 0.15 does not forward NodePorts (its iptables watcher read only CNI hostPort rules, and kube-proxy's KUBE-NODEPORTS rules open no socket), Lima 0.15 and later do`,
      fix: `Update ${vmToolName(vm.tool)} (Lima ≥ 0.15 forwards the nodePorts of NodePort Services), or forward the Service yourself: \`kubectl port-forward -n ${best.service!.metadata.namespace ?? "default"} svc/${best.service!.metadata.name} ${port}:${best.servicePort!.port}\`. The host agent's log ${hostAgentLog(vm)} shows what it forwards.`,
    };
  }
  return {
    kind: "not-forwarded",
    cause: `the forwarder has not opened port ${port} (a guest listener bound to an address other than 127.0.0.1 or 0.0.0.0 is "Not forwarding TCP", a portForwards rule may ignore it, or the guest agent has not seen the Service yet)`,
    fix: `Look for port ${port} in the host agent's log ${hostAgentLog(vm)} ("Forwarding TCP from …", "Not forwarding TCP …", "failed to listen"); restarting ${vmToolName(vm.tool)} re-reads the VM's ports.`,
  };
}

export default defineCheck({
  id: "host-port.vm-port-forwarded",
  code: "ND207",
  hop: "host-port",
  title: "the VM tool forwards the target port to this host",
  after: ["host-port.node-identified", "host-port.accepts-connections"],
  explain: {
    meaning:
      "When the cluster runs in a VM of a desktop VM tool — Lima, Colima without --network-address, Rancher Desktop — whose port forwarder (`limactl hostagent`, or the ssh ControlMaster `ssh: …/ssh.sock [mux]`) is seen on this host and whose VM is a node of the cluster, a port the node takes (LoadBalancer Service via ServiceLB, NodePort, hostPort pod) is also forwarded to this host's loopback. Reported only when nothing listens on the target port here.",
    causes:
      "Ports below 1024 on a Linux host: the host agent runs as the user and cannot bind them (Rancher Desktop on Linux: traefik does not answer on localhost:80/443 until `net.ipv4.ip_unprivileged_port_start` is lowered; macOS lets a user bind 0.0.0.0:80, and Lima uses that). A hostPort pod without a Service on Lima 2 (DNAT rules are no longer scanned). Colima with --network-address ignores 80/443. A NodePort on Lima before 0.15 (its iptables watcher saw only CNI hostPort rules). A LoadBalancer Service whose svclb pod does not run (older Lima forwards only a DNAT rule that answers). Port 22 is never forwarded. A guest listener bound to an address other than 127.0.0.1/0.0.0.0 (`Not forwarding TCP 127.0.0.11:15432`). Nothing in the VM takes the port at all.",
    fix:
      "Linux host, port < 1024: `sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80` (persist in /etc/sysctl.d/) and restart the VM tool, or use a port above 1023. hostPort pod: put a LoadBalancer or NodePort Service in front. Colima with --network-address: use the VM's address. Otherwise read the host agent's log (`ha.stderr.log`; Rancher Desktop: `lima.ha.stderr.log`) for the port.",
    links: [
      "https://lima-vm.io/docs/config/port/",
      "https://github.com/rancher-sandbox/rancher-desktop/issues/3916",
      "https://github.com/lima-vm/lima/issues/45",
      "https://github.com/rancher-sandbox/rancher-desktop/issues/6760",
    ],
  },
  async run(ctx) {
    const target = ctx.target;
    const address = ctx.facts.address;
    if (!target || !address) return skip("not applicable: no resolved address");
    if (ctx.facts.node) return skip(`not applicable: ${address} reaches node ${ctx.facts.node.name} (see host-port.node-identified)`);
    let listeners: HostListener[];
    let interfaces: { address: string }[] = [];
    try {
      listeners = await ctx.host.listeners(ctx.signal);
      if (ctx.host.interfaces) interfaces = await ctx.host.interfaces(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`not applicable: this host's listeners cannot be read (${e.message}), so no VM tool's port forwarder can be seen`);
    }
    const thisHost = isLoopback(address) || interfaces.some((i) => normalizeAddress(i.address) === normalizeAddress(address));
    if (!thisHost) return skip(`not applicable: ${address} is not an address of this host`);
    const port = target.port;
    const covering = coveringListeners(listeners, address, port)[0];
    if (covering) return skip(`not applicable: a process listens on ${formatHostPort(covering.address, covering.port)} (see host-port.listener-identified)`);
    // A socket on the target port bound to another address (127.0.0.1 vs ::1, loopback vs a LAN address) is what the
    // request was meant for: its bind scope is the cause (host-port.listener-identified), not a forward the VM never made.
    const elsewhere = listeners.find((l) => l.port === port && !parseVmForwarder(l.command, l.process));
    if (elsewhere) {
      return skip(`not applicable: ${describeOwner(elsewhere)} listens on port ${port} at ${formatHostPort(elsewhere.address, elsewhere.port)}, not at ${formatHostPort(address, port)} (see host-port.listener-identified)`);
    }
    let nodes: Node[];
    let services: Service[];
    let pods: Pod[];
    let daemonSets: DaemonSet[];
    try {
      [nodes, services, pods] = await Promise.all([ctx.kube.list("nodes", ctx.signal), ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
      daemonSets = await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`unavailable: ${e.message}; whether a VM of this cluster should forward port ${port} cannot be told`);
    }
    const vm = clusterVm(listeners, nodes);
    if (!vm) return skip("not applicable: no desktop VM tool's port forwarder (Lima, Colima, Rancher Desktop) on this host leads to a node of this cluster");
    const node = vm.match.node;
    const nodeName = node.metadata.name;
    const takers = portTakers({ port, protocol: "tcp", role: "node", container: nodeName, serviceLb: true, nodes: [nodeName] }, services, pods, daemonSets);
    const fwd = describeVmForwarder(vm.vm, vm.listener.pid);
    const seen = `${fwd} runs here (it listens on ${formatHostPort(vm.listener.address, vm.listener.port)}) and its VM is node ${nodeName}`;
    const hostOs = vm.vm.hostOs ?? ctx.host.platform();
    const evidence = {
      address,
      port,
      forwarder: { listen: formatHostPort(vm.listener.address, vm.listener.port), pid: vm.listener.pid ?? null, command: vm.listener.command ?? null, vm: vm.vm },
      node: nodeName,
      matchedBy: vm.match.by,
      hostOs,
      takers: takers.map((t) => ({ via: t.via, service: t.service ? ref(t.service) : null, pod: t.pod ? ref(t.pod) : null, active: t.active })),
    };
    if (takers.length === 0) {
      return fail(
        `nothing listens on ${formatHostPort(address, port)}: ${seen}, but nothing in the VM takes port ${port} either (no LoadBalancer Service with port ${port}, no nodePort ${port}, no hostPort pod), so there is nothing to forward; expected a Service that takes port ${port} on node ${nodeName}`,
        {
          evidence,
          causes: ["host-port.accepts-connections"],
          details: `${vmToolName(vm.vm.tool)} forwards to this host the ports the VM listens on and the ports of its LoadBalancer Services (k3s ServiceLB) and NodePorts. Expose the app on port ${port}: \`kubectl expose deployment <app> --type=LoadBalancer --port=${port} --target-port=<container port>\`, or use the nodePort of an existing NodePort Service on localhost.`,
        },
      );
    }
    const why = whyNotForwarded(vm.vm, hostOs, port, takers, node, target.host);
    const what = describeTaker(takers[0]!, port);
    return fail(`nothing listens on ${formatHostPort(address, port)}: ${seen}, where ${what} takes port ${port}, but the forwarder does not forward it: ${why.cause}; expected ${vmToolName(vm.vm.tool)} to forward port ${port} to this host`, {
      evidence: { ...evidence, cause: why.kind },
      causes: ["host-port.accepts-connections"],
      details: why.fix,
    });
  },
});
