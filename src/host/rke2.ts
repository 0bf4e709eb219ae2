/**
 * RKE2 (Rancher's Kubernetes distribution built on k3s): how it is
 * recognised and what it does differently from k3s on the network path.
 * RKE2 stays flavor `generic` (DESIGN §4 lists no `rke2` flavor); these
 * helpers let the messages speak RKE2's language. Pure; no I/O.
 *
 * Sources (docs/facts/rke2.md):
 * - version strings `v1.31.9+rke2r1` (`/version` gitVersion and node
 *   kubeletVersion; rancher/rke2 issues paste `rke2 version v1.28.3+rke2r1`);
 * - node labels `node.kubernetes.io/instance-type=rke2`,
 *   `beta.kubernetes.io/instance-type=rke2` and annotations `rke2.io/node-args`
 *   (the server's arguments, config-file values included, as a JSON array),
 *   `rke2.io/hostname`, `rke2.io/internal-ip` (rancher/rke2#2589, rancher/k3k#347);
 * - ServiceLB is off unless the server runs with `enable-servicelb` (rancher/rke2
 *   pkg/cli/cmds/server.go `ServiceLBFlag`, "Enable rke2 default cloud controller
 *   manager's service controller", default false; docs.rke2.io
 *   networking/networking_services "To enable serviceLB, use the flag
 *   --enable-servicelb"); its svclb objects are labelled
 *   `svccontroller.rke2.cattle.io/*` (k3s servicelb.go
 *   `"svccontroller." + version.Program + ".cattle.io/svcname"`);
 * - the packaged ingress controller binds ports 80 and 443 on every node
 *   ("making these unusable for HostPort or NodePort services"):
 *   DaemonSet `kube-system/rke2-ingress-nginx-controller` (rke2-charts
 *   rke2-ingress-nginx: hostPort 80/443, no controller Service) or, with
 *   `ingress-controller: traefik` (default for new clusters from v1.36),
 *   DaemonSet `kube-system/rke2-traefik` (rke2-charts rke2-traefik: web
 *   :8000 hostPort 80, websecure :8443 hostPort 443). Kept off with
 *   `ingress-controller: none` (RKE2 with the ingress-controller option,
 *   rancher/rke2 76d4fb3b, 2024) or `disable: [rke2-ingress-nginx]` /
 *   `[rke2-traefik]` (packaged AddOns, docs.rke2.io install/packaged_components)
 *   in /etc/rancher/rke2/config.yaml, then a restart of rke2-server.
 */
import type { KubeObject, Node, Pod } from "../kube/types.js";
import { isSourceError, type KubeSource } from "../sources/types.js";
import { workloadOf } from "../kube/helpers.js";
import { nodeArgsAnnotation } from "./k3s.js";

/** RKE2's configuration file (docs.rke2.io install/configuration). */
export const RKE2_CONFIG = "/etc/rancher/rke2/config.yaml";

/** Whether a gitVersion is RKE2's: `v1.31.9+rke2r1`, `v1.28.3-rc2+rke2r1`. */
export function isRke2Version(gitVersion: string | null | undefined): boolean {
  return !!gitVersion && /\+rke2r\d/.test(gitVersion);
}

/**
 * What tells an RKE2 cluster apart, read through the run's memoised source:
 * the API server's `gitVersion` ("" when /version cannot be read) and the
 * nodes ([] when they cannot be listed); `rke2` when either says RKE2
 * (`isRke2Version`, `isRke2Node`). A SourceError is absorbed; anything else
 * (a bug) is thrown.
 */
export async function readRke2Evidence(kube: Pick<KubeSource, "version" | "list">, signal: AbortSignal): Promise<{ gitVersion: string; nodes: Node[]; rke2: boolean }> {
  let gitVersion = "";
  try {
    gitVersion = (await kube.version(signal)).gitVersion;
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  const nodes = await kube.list("nodes", signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
  return { gitVersion, nodes, rke2: isRke2Version(gitVersion) || nodes.some(isRke2Node) };
}

/** Whether a node was registered by RKE2 (its instance-type label or rke2.io annotations). */
export function isRke2Node(n: KubeObject): boolean {
  const l = n.metadata.labels ?? {};
  const a = n.metadata.annotations ?? {};
  return l["node.kubernetes.io/instance-type"] === "rke2" || l["beta.kubernetes.io/instance-type"] === "rke2" || a["rke2.io/node-args"] !== undefined;
}

/** A node's RKE2 server/agent arguments (annotation `rke2.io/node-args`, a JSON array); [] when absent or unreadable. */
export function rke2NodeArgs(n: KubeObject): string[] {
  return nodeArgsAnnotation(n, "rke2.io/node-args");
}

/**
 * Whether RKE2 runs ServiceLB, from the server nodes' `rke2.io/node-args`:
 * `--enable-servicelb` (bare, `true`, or `=true`) on any node. Null when no
 * node carries RKE2 arguments (then it cannot be told from the nodes).
 */
export function rke2ServiceLbEnabled(nodes: readonly Node[]): boolean | null {
  const withArgs = nodes.filter((n) => rke2NodeArgs(n).length > 0);
  if (!withArgs.length) return null;
  return withArgs.some((n) => {
    const args = rke2NodeArgs(n);
    return args.some((a, i) => {
      if (a === "--enable-servicelb") return args[i + 1] === undefined || args[i + 1]!.startsWith("-") || args[i + 1] === "true";
      return a === "--enable-servicelb=true";
    });
  });
}

/** What to do so RKE2 gives LoadBalancer Services an address, in one sentence. */
export function enableServiceLbAdvice(): string {
  return `RKE2 runs no ServiceLB (klipper-lb) unless the server is started with it: add \`enable-servicelb: true\` to ${RKE2_CONFIG} on every server node and \`sudo systemctl restart rke2-server\` (or install another load balancer such as MetalLB, or reach the Service through its nodePort)`;
}

/** RKE2's packaged ingress controllers (HelmChart / AddOn names). */
export type Rke2Ingress = "rke2-ingress-nginx" | "rke2-traefik";

/**
 * Which RKE2-packaged ingress controller a pod belongs to: the Helm release
 * label `app.kubernetes.io/instance` (rke2-ingress-nginx, rke2-traefik), or its
 * DaemonSet `kube-system/rke2-ingress-nginx-controller` / `kube-system/rke2-traefik`.
 * Null for anything else.
 */
export function rke2IngressOf(pod: Pod): Rke2Ingress | null {
  if ((pod.metadata.namespace ?? "default") !== "kube-system") return null;
  const inst = pod.metadata.labels?.["app.kubernetes.io/instance"];
  // The traefik chart's instance label is `<release>-<namespace>` (rke2-traefik-kube-system).
  if (inst === "rke2-ingress-nginx") return inst;
  if (inst === "rke2-traefik" || inst === "rke2-traefik-kube-system") return "rke2-traefik";
  const w = workloadOf(pod);
  if (w?.kind === "DaemonSet" && w.name === "rke2-ingress-nginx-controller") return "rke2-ingress-nginx";
  if (w?.kind === "DaemonSet" && w.name === "rke2-traefik") return "rke2-traefik";
  return null;
}

/** How to keep an RKE2-packaged ingress controller off the node ports for good, in one sentence. */
export function keepRke2IngressOff(chart: Rke2Ingress): string {
  return `RKE2 deploys ${chart} on every server start and it binds ports 80 and 443 on every node: to keep it off, set \`ingress-controller: none\` (RKE2 releases with the ingress-controller option) or \`disable: [${chart}]\` in ${RKE2_CONFIG} on every server node, then \`sudo systemctl restart rke2-server\`; or move your own proxy to other ports`;
}
