/**
 * Why this matters: with Colima (without `--network-address`), Rancher
 * Desktop or a Lima k3s instance, `localhost:PORT` on the Mac is answered by
 * the VM tool's own port forwarder, not by the node: the VM's address is not
 * reachable, and `lsof` names `limactl` or `ssh: …/ssh.sock [mux]` as the
 * owner. That forwarder accepts every connection and only then dials into the
 * VM; Lima forwards the ports of every LoadBalancer and NodePort Service it
 * sees, whether or not anything in the VM holds them. When nothing does, the
 * client gets an accepted connection and an empty reply — the forwarder looks
 * guilty while the VM side is what is missing. Naming the tool, the instance
 * and the node, and what takes the port on that node, tells which it is.
 */
import { defineCheck, fail, isSourceError, pass, skip, type DaemonSet, type Node, type Pod, type Service } from "../../src/index.js";
import { formatHostPort } from "../../src/host/addresses.js";
import { disablesComponent, nodeK3sArgs } from "../../src/host/k3s.js";
import { vmToolName, type VmForwarder } from "../../src/host/vm-forwarders.js";
import { ref } from "../../src/kube/helpers.js";
import { portTakers, type PortTaker } from "../../src/kube/node-port.js";

/** `LoadBalancer Service default/hello (ServiceLB, port 8080)` and the like. */
export function describeTaker(t: PortTaker, port: number): string {
  if (t.via === "svclb") return `LoadBalancer Service ${ref(t.service!)} (k3s ServiceLB, port ${port})`;
  if (t.via === "nodeport") return `${t.service!.spec.type} Service ${ref(t.service!)} (nodePort ${port})`;
  return `pod ${ref(t.pod!)} (hostPort ${port})`;
}

/** How to keep ServiceLB on, per tool (the k3s flag is `--disable=servicelb`). */
function enableServiceLb(tool: VmForwarder["tool"]): string {
  switch (tool) {
    case "colima":
      return "remove `--disable=servicelb` from kubernetes.k3sArgs (`colima start --edit`) and restart Colima";
    case "rancher-desktop":
      return "Rancher Desktop runs k3s with ServiceLB; reset Kubernetes (Troubleshooting → Reset Kubernetes) if its k3s arguments were changed";
    case "lima":
      return "remove `--disable=servicelb` from the k3s server arguments in the instance's provisioning script (`limactl edit`) and restart the instance";
  }
}

export default defineCheck({
  id: "forwarder.vm-forward-reaches-node",
  code: "ND305",
  hop: "forwarder",
  title: "the VM tool's port forwarder leads to a port the node takes",
  after: ["host-port.node-identified", "host-port.listener-identified"],
  explain: {
    meaning:
      "The target port on this host is owned by a desktop VM tool's port forwarder — Lima's `limactl hostagent` (GRPC forwarder, Lima ≥ 1.1) or Lima's ssh ControlMaster `ssh: …/ssh.sock [mux]` (SSH forwarder, older Lima); Colima and Rancher Desktop run Lima — and the VM behind it is a node of this cluster (node colima, lima-rancher-desktop, lima-<instance>), where something takes the same port: a running svclb pod of a LoadBalancer Service (k3s ServiceLB), a NodePort, or a running hostPort pod. The path then continues at the node as for k3s on a host.",
    causes:
      "Lima's guest agent reports the VM's listening sockets and, since Lima 0.15, the port of every LoadBalancer Service and the nodePort of every NodePort Service it reads from the API (Lima 0.7–1.x also scanned the CNI portmap DNAT rules); the host agent forwards them to 127.0.0.1 (Colima and Rancher Desktop on macOS: 0.0.0.0). A LoadBalancer Service is forwarded even when nothing in the VM holds its port: ServiceLB disabled (`--disable=servicelb`), its svclb pod Pending. The forwarder then accepts the connection, fails to dial into the VM and closes it: `curl: (52) Empty reply from server` or a reset.",
    fix:
      "Make the VM side take the port: keep ServiceLB enabled (Colima: no `--disable=servicelb` in kubernetes.k3sArgs), or make the Service a NodePort and use localhost:<nodePort> (Lima forwards nodePorts of NodePort Services). The host agent's log (`ha.stderr.log` in the instance directory; Rancher Desktop: lima.ha.stderr.log) lists each `Forwarding TCP from …` it set up.",
    links: [
      "https://lima-vm.io/docs/config/port/",
      "https://github.com/lima-vm/lima/blob/master/pkg/guestagent/kubernetesservice/kubernetesservice.go",
      "https://docs.k3s.io/networking/networking-services#service-load-balancer",
    ],
  },
  async run(ctx) {
    const target = ctx.target;
    const node = ctx.facts.node;
    if (!target) return skip("not applicable: no target (environment run)");
    const fw = node?.via === "vm-forwarder" ? node.forwardedBy : undefined;
    if (!node || !fw) return skip("not applicable: no desktop VM tool's port forwarder owns the target port (see host-port.node-identified)");
    const port = target.port;
    const who = `${vmToolName(fw.tool)}'s port forwarder (${fw.mechanism === "hostagent" ? "limactl hostagent" : "Lima's ssh ControlMaster"}${fw.instance ? `, instance ${fw.instance}` : ""}${fw.pid !== null ? `, pid ${fw.pid}` : ""})`;
    let services: Service[];
    let pods: Pod[];
    let nodes: Node[];
    let daemonSets: DaemonSet[];
    try {
      [services, pods, nodes] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal), ctx.kube.list("nodes", ctx.signal)]);
      daemonSets = await ctx.kube.list("daemonsets", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return skip(`unavailable: ${e.message}; what takes port ${port} on node ${node.name} cannot be told`);
    }
    const takers = portTakers({ port, protocol: "tcp", role: "node", container: node.name, serviceLb: true, nodes: [node.name] }, services, pods, daemonSets);
    const active = takers.filter((t) => t.active);
    const evidence = {
      forwarder: fw,
      node: node.name,
      port,
      takers: takers.map((t) => ({ via: t.via, service: t.service ? ref(t.service) : null, pod: t.pod ? ref(t.pod) : null, active: t.active })),
    };
    const into = `${who} accepts ${fw.listen} and carries it into its VM, node ${node.name}`;
    if (active.length) {
      return pass(`${into}, where ${describeTaker(active[0]!, port)} takes port ${port}`, { evidence });
    }
    if (takers.length === 0) {
      return skip(`not applicable: ${into}, where no Kubernetes object takes port ${port} (no LoadBalancer Service with port ${port}, no nodePort ${port}, no hostPort pod): the forwarded port is a process's in the VM, not the cluster's`, { evidence });
    }
    // The port is forwarded, but nothing holds it in the VM: a LoadBalancer Service without a running svclb pod on the node.
    const svc = takers.find((t) => t.via === "svclb")!.service!;
    const vmNode = nodes.find((n) => n.metadata.name === node.name);
    const serviceLbOff = vmNode ? disablesComponent(nodeK3sArgs(vmNode), "servicelb") : false;
    const nodePort = (svc.spec.ports ?? []).find((p) => p.port === port)?.nodePort;
    const why = serviceLbOff
      ? `k3s runs with --disable=servicelb (node ${node.name}'s k3s.io/node-args), so no svclb pod takes port ${port} and Service ${ref(svc)} stays without a LoadBalancer address`
      : `no svclb pod of Service ${ref(svc)} is Running on node ${node.name}`;
    return fail(`${into}, but nothing there takes port ${port}: ${why}; connections are accepted on ${formatHostPort("localhost", port)} and then closed (empty reply); expected a running svclb pod, a nodePort or a hostPort pod on port ${port}`, {
      evidence: { ...evidence, serviceLbDisabled: serviceLbOff, nodePort: nodePort ?? null },
      details:
        `Lima's guest agent forwards the port of every LoadBalancer Service it reads from the API, whether or not anything in the VM holds that port; the forwarder accepts the client's connection, fails to connect inside the VM and closes it (curl: (52) Empty reply from server). ` +
        (serviceLbOff
          ? `Turn ServiceLB back on: ${enableServiceLb(fw.tool)}. Or make Service ${ref(svc)} a NodePort and use localhost:<nodePort>: Lima forwards the nodePort of NodePort Services (not of LoadBalancer ones).`
          : `See service.port-free and service.load-balancer-ready for why the svclb pod does not run.`) +
        ` The host agent's log ${fw.log} lists each forward it set up.`,
    });
  },
});
