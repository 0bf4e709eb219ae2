/**
 * The port forwarders of desktop VM tools — Lima, Colima, Rancher Desktop on
 * macOS and Linux — recognised from the command line of the process that owns
 * a host listener, and what they say about the VM and its Kubernetes node.
 * Pure: no I/O.
 *
 * Sources (details and links in docs/facts/vm-tool-forwarders.md):
 * - Lima's host agent runs as `limactl hostagent [--pidfile DIR/ha.pid]
 *   [--socket DIR/ha.sock] [--guestagent FILE] [--nerdctl-archive FILE]
 *   [--run-gui] [--progress] INSTANCE` (lima-vm/lima cmd/limactl/hostagent.go,
 *   `cobra.ExactArgs(1)`), DIR = `$LIMA_HOME/INSTANCE` (default LIMA_HOME
 *   `~/.lima`). With the GRPC port forwarder (the default since Lima v1.1,
 *   and in v1.0.0) the host agent itself listens on the forwarded ports.
 * - With the SSH port forwarder (the default before v1.0, and v1.0.1;
 *   `LIMA_SSH_PORT_FORWARDER=true`) the listening process is the ssh
 *   ControlMaster, whose title is `ssh: DIR/ssh.sock [mux]` (users' `lsof`/`ps`
 *   output: `ssh: /Users/you/.colima/_lima/colima/ssh.sock [mux]`).
 * - Colima runs Lima with `LIMA_HOME=$COLIMA_HOME/_lima` (default
 *   `~/.colima/_lima`); its instance is `colima` or `colima-<profile>`, and it
 *   sets the VM's hostname (so the k3s node name) to the instance name
 *   (abiosoft/colima environment/vm/lima/yaml.go: `hostnamectl set-hostname
 *   $LIMA_CIDATA_NAME`).
 * - Rancher Desktop runs Lima with LIMA_HOME `~/Library/Application
 *   Support/rancher-desktop/lima` (macOS) or `~/.local/share/rancher-desktop/lima`
 *   (Linux) and instance `0` (rancher-desktop pkg/rancher-desktop/backend/lima.ts
 *   `MACHINE_NAME = '0'`); its k3s node is `lima-rancher-desktop`.
 * - Any other Lima instance's hostname, so its k3s node name, is `lima-` +
 *   the instance name with `.` and `_` turned into `-` (lima
 *   pkg/instance/hostname `FromInstName`; `limactl start template://k3s` →
 *   node `lima-k3s`).
 *
 * A listener's command line is its arguments joined by single spaces (quotes
 * lost), so paths with spaces (`Application Support`) are read around the
 * `ha.sock` / `ha.pid` / `ssh.sock` file names, not by splitting on spaces.
 */
import type { HostListener } from "../engine/types.js";
import type { Node } from "../kube/types.js";

/** The desktop VM tool a forwarder belongs to. */
export type VmTool = "lima" | "colima" | "rancher-desktop";

/** How the forwarder carries connections into the VM. */
export type VmForwardMechanism = "hostagent" | "ssh-mux";

/** A VM tool's port forwarder, read from a listening process's command line. */
export interface VmForwarder {
  tool: VmTool;
  /** Lima instance name (`colima`, `colima-dev`, `0`, `k3s`, `default`), or null when the command line does not show it. */
  instance: string | null;
  /** The instance directory (`/Users/dev/.colima/_lima/colima`), or null. */
  instanceDir: string | null;
  /** `hostagent`: `limactl hostagent` listens itself (GRPC forwarder); `ssh-mux`: the ssh ControlMaster does (SSH forwarder). */
  mechanism: VmForwardMechanism;
  /** The host OS the paths show (`/Users/…`, `Library/Application Support`, `/opt/homebrew` → darwin; `/home/…`, `.local/share` → linux), or null. */
  hostOs: "darwin" | "linux" | null;
}

/** `Colima`, `Lima`, `Rancher Desktop`. */
export function vmToolName(tool: VmTool): string {
  return tool === "colima" ? "Colima" : tool === "rancher-desktop" ? "Rancher Desktop" : "Lima";
}

/** `Colima's port forwarder (Lima's ssh ControlMaster, instance colima, pid 3117)` — names the tool, the process kind, the instance and the pid. */
export function describeVmForwarder(vm: VmForwarder, pid?: number | null): string {
  const proc = vm.mechanism === "hostagent" ? "limactl hostagent" : "Lima's ssh ControlMaster";
  const inst = vm.instance ? `, instance ${vm.instance}` : "";
  const p = pid !== undefined && pid !== null ? `, pid ${pid}` : "";
  return `${vm.tool === "lima" ? "Lima's" : `${vmToolName(vm.tool)}'s`} port forwarder (${proc}${inst}${p})`;
}

/** Guess the host OS from paths on a command line. */
function hostOsOf(text: string): VmForwarder["hostOs"] {
  if (/(^|\s|\/)Users\/|Library\/Application Support|\/opt\/homebrew\/|\.app\/Contents\//.test(text)) return "darwin";
  if (/(^|\s)\/home\/|\/\.local\/share\/|\/opt\/rancher-desktop\/|\/home\/linuxbrew\//.test(text)) return "linux";
  return null;
}

/** Which tool an instance directory (and the limactl binary path) belongs to. */
function toolOf(instanceDir: string | null, instance: string | null, binary: string): VmTool {
  const where = `${instanceDir ?? ""} ${binary}`;
  if (/rancher-desktop\/lima\//i.test(where) || /Rancher Desktop\.app|\/rancher-desktop\/resources\//i.test(binary)) return "rancher-desktop";
  if (/\/_lima\//.test(instanceDir ?? "") || /\.colima\//.test(where)) return "colima";
  if (!instanceDir && instance && /^colima(-|$)/.test(instance)) return "colima";
  return "lima";
}

/**
 * The instance directory in front of `/<file>` on a command line, read back
 * to the flag that names it (`--socket DIR/ha.sock`, `--pidfile=DIR/ha.pid`,
 * `-p DIR/ha.pid`): the directory may contain spaces. Null when absent.
 */
function dirBefore(command: string, file: string, flags: readonly string[]): string | null {
  const at = command.indexOf(`/${file}`);
  if (at < 0) return null;
  const head = command.slice(0, at);
  let from = -1;
  for (const f of flags) {
    for (const sep of [" ", "="]) {
      const i = head.lastIndexOf(` ${f}${sep}`);
      if (i >= 0 && i + f.length + 2 > from) from = i + f.length + 2;
    }
  }
  const dir = (from >= 0 ? head.slice(from) : head.slice(head.lastIndexOf(" ") + 1)).trim();
  return dir.startsWith("/") || dir.startsWith("~") || /^[A-Za-z]:\\/.test(dir) ? dir : null;
}

/** The last path segment of a directory. */
function baseName(dir: string): string {
  return dir.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? dir;
}

/**
 * Recognise a VM tool's port forwarder from a listener's command line (and
 * its process name when the command line is missing). Returns null for any
 * other process. Never throws.
 */
export function parseVmForwarder(command: string | null | undefined, processName?: string | null): VmForwarder | null {
  const cmd = (command ?? "").trim();
  // ssh ControlMaster of Lima's SSH forwarder: `ssh: /Users/dev/.lima/default/ssh.sock [mux]`.
  const mux = /^ssh:\s+(.+?)\/ssh\.sock\s+\[mux\]\s*$/.exec(cmd);
  if (mux) {
    const instanceDir = mux[1]!;
    // Only Lima's own layout: $LIMA_HOME/<instance>/ssh.sock (Colima's _lima, Rancher Desktop's lima, ~/.lima).
    if (!/(^|\/)(\.lima|_lima|lima)\/[^/]+$/.test(instanceDir)) return null;
    const instance = baseName(instanceDir);
    return { tool: toolOf(instanceDir, instance, ""), instance, instanceDir, mechanism: "ssh-mux", hostOs: hostOsOf(instanceDir) };
  }
  const hostagent = /(^|[\\/])limactl(\.[\w]+)?(\.exe)?\s+(.*\s)?hostagent(\s|$)/.exec(cmd);
  if (!hostagent) {
    // No command line: the process name alone says little (`limactl`), but is still the host agent.
    if (!cmd && processName && /^limactl/.test(processName)) return { tool: "lima", instance: null, instanceDir: null, mechanism: "hostagent", hostOs: null };
    return null;
  }
  const binary = cmd.slice(0, cmd.search(/\s+(.*\s)?hostagent(\s|$)/)).trim();
  const instanceDir = dirBefore(cmd, "ha.sock", ["--socket"]) ?? dirBefore(cmd, "ha.pid", ["--pidfile", "-p"]);
  // The instance is the one positional argument; it ends the line in every real invocation.
  const last = cmd.split(/\s+/).pop() ?? "";
  const instance = last && !last.startsWith("-") && last !== "hostagent" && !last.includes("/") ? last : instanceDir ? baseName(instanceDir) : null;
  return { tool: toolOf(instanceDir, instance, binary), instance, instanceDir, mechanism: "hostagent", hostOs: hostOsOf(cmd) };
}

/**
 * The k3s node names the VM of `vm` is expected to have, best first (rules in
 * the module comment): Colima → the instance name; Rancher Desktop →
 * `lima-rancher-desktop`; Lima → `lima-<instance>`.
 */
export function expectedNodeNames(vm: VmForwarder): string[] {
  const inst = vm.instance;
  switch (vm.tool) {
    case "colima":
      return inst ? [inst, `lima-${inst}`] : ["colima"];
    case "rancher-desktop":
      return ["lima-rancher-desktop", ...(inst ? [`lima-${inst}`] : [])];
    case "lima":
      return inst ? [`lima-${inst.replace(/[._]/g, "-")}`, inst] : [];
  }
}

/** Where the host agent logs what it forwards (`Forwarding TCP from …`, `Not forwarding TCP …`, `failed to listen …`). */
export function hostAgentLog(vm: VmForwarder): string {
  if (vm.tool === "rancher-desktop") {
    return vm.hostOs === "linux" ? "~/.local/share/rancher-desktop/logs/lima.ha.stderr.log" : "~/Library/Logs/rancher-desktop/lima.ha.stderr.log";
  }
  if (vm.instanceDir) return `${vm.instanceDir}/ha.stderr.log`;
  return vm.tool === "colima" ? "~/.colima/_lima/colima/ha.stderr.log" : `~/.lima/${vm.instance ?? "<instance>"}/ha.stderr.log`;
}

/** A host listener owned by a VM tool's forwarder, with what its command line says. */
export interface VmForwarderListener {
  listener: HostListener;
  vm: VmForwarder;
}

/** Every listener a VM tool's forwarder owns, in the order given. */
export function vmForwarderListeners(listeners: readonly HostListener[]): VmForwarderListener[] {
  const out: VmForwarderListener[] = [];
  for (const l of listeners) {
    const vm = parseVmForwarder(l.command, l.process);
    if (vm) out.push({ listener: l, vm });
  }
  return out;
}

/** The node a VM is, and how it was matched. */
export interface VmNodeMatch {
  node: Node;
  /** `name`: the node has the name the tool gives the VM; `only-node`: the cluster has one node and the names do not say. */
  by: "name" | "only-node";
}

/**
 * The cluster node that is the VM behind `vm`: the node with one of
 * `expectedNodeNames(vm)`, else the only node of a one-node cluster; null
 * when neither (the forwarder belongs to another VM, e.g. Colima's Docker VM
 * beside a Lima k3s instance).
 */
export function vmNodeOf(vm: VmForwarder, nodes: readonly Node[]): VmNodeMatch | null {
  for (const name of expectedNodeNames(vm)) {
    const n = nodes.find((x) => x.metadata.name === name);
    if (n) return { node: n, by: "name" };
  }
  return nodes.length === 1 ? { node: nodes[0]!, by: "only-node" } : null;
}

/** The node address a VM's forwarder delivers to: its InternalIP (Lima user-mode network: 192.168.5.15), else the first address. */
export function vmNodeAddress(n: Node): { address: string; type: string } {
  const addrs = n.status?.addresses ?? [];
  const a = addrs.find((x) => x.type === "InternalIP") ?? addrs.find((x) => x.type === "ExternalIP") ?? addrs[0];
  return a ? { address: a.address, type: a.type } : { address: n.metadata.name, type: "Hostname" };
}

/**
 * The VM forwarder whose VM is a node of this cluster, among the host's
 * listeners: the first one matched by name, else (one-node cluster) the first
 * one at all. Null when no listener is a VM tool's forwarder.
 */
export function clusterVm(listeners: readonly HostListener[], nodes: readonly Node[]): (VmForwarderListener & { match: VmNodeMatch }) | null {
  const all = vmForwarderListeners(listeners);
  for (const f of all) {
    const match = vmNodeOf(f.vm, nodes);
    if (match?.by === "name") return { ...f, match };
  }
  for (const f of all) {
    const match = vmNodeOf(f.vm, nodes);
    if (match) return { ...f, match };
  }
  return null;
}
