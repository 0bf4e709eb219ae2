/**
 * Why k3s' own machinery does not take a port: a svclb (klipper-lb) pod that
 * crash-loops, read from the line its container logged last, and a packaged
 * component (k3s' traefik HelmChart) that was never installed because its
 * helm-install pod does not run. No I/O here except through the `podLogs`
 * function a caller passes.
 *
 * Sources (docs/facts/real-threads-k3s.md):
 * - klipper-lb's entry script runs `iptables -t nat -I PREROUTING … -j DNAT`
 *   (k3s-io/klipper-lb entry); the failures users paste: `can't initialize
 *   iptables table `nat': Table does not exist (do you need to insmod?)`
 *   (k3s-io/klipper-lb#34, k3s-io/k3s#783), `can't create
 *   /proc/sys/net/ipv4/ip_forward: Read-only file system` (rootless k3s,
 *   k3s-io/k3s#2420), `can't initialize iptables table `nat': Permission
 *   denied` (SELinux, k3s-io/k3s#2424).
 * - k3s' packaged components are HelmCharts in kube-system installed by a
 *   helm-controller Job `helm-install-<chart>` whose pod carries the label
 *   `helmcharts.helm.cattle.io/chart: <chart>` (k3s-io/helm-controller
 *   pkg/controllers/chart/chart.go `job`); until it completes the chart's
 *   objects (the traefik Service) do not exist.
 */
import type { HelmChart, KubeEvent, Pod } from "./types.js";
import { describePodState, formatEvent, podEvents, podState, ref } from "./helpers.js";

/** A known way klipper-lb fails at start, matched on the line it logged. */
export interface ServiceLbFailure {
  /** The log line that names the failure, trimmed. */
  line: string;
  /** Why, in words. */
  cause: string;
  /** What to do about it. */
  fix: string;
}

/** Log patterns of klipper-lb failures, most specific first (sources in the module comment). */
const KLIPPER_FAILURES: { pattern: RegExp; cause: string; fix: string }[] = [
  {
    pattern: /can't initialize iptables table `nat': Table does not exist/,
    cause:
      "the node's kernel offers no legacy iptables nat table to klipper-lb's iptables (the iptable_nat module is not loaded and cannot be loaded from inside the node; typical of RHEL/Rocky/CentOS 8+ hosts and of hosts whose iptables runs in nftables mode)",
    fix: "load the module on the host that runs the node (`sudo modprobe iptable_nat`, and list it in /etc/modules-load.d/ to keep it after a reboot), or make the host's iptables mode match (k3s: --prefer-bundled-bin; see the k3s known issues on iptables), then delete the svclb pod so it restarts",
  },
  {
    pattern: /can't initialize iptables table `nat': Permission denied/,
    cause: "SELinux (or another LSM) denies klipper-lb's iptables the nat table",
    fix: "install or update k3s' SELinux policy (the k3s-selinux package) and restart k3s, and look for the denial in the audit log (`ausearch -m avc -c iptables`)",
  },
  {
    pattern: /can't create \/proc\/sys\/net\/ipv4\/ip_forward: Read-only file system/,
    cause: "klipper-lb cannot enable IP forwarding: /proc/sys is read-only in its pod (rootless k3s, or a node that is itself an unprivileged container)",
    fix: "ServiceLB does not work in rootless k3s: use a NodePort or a port-forward, or run k3s rootful (or with --disable=servicelb and another load balancer)",
  },
];

/**
 * The failure a svclb container's log names, or null when it names none of
 * the known ones. `log`: the container's last lines (`kubectl logs POD -c
 * lb-tcp-80`, which for a crash-looping container shows its last run).
 */
export function serviceLbFailureOf(log: string): ServiceLbFailure | null {
  const lines = log.split("\n").map((l) => l.trim());
  for (const f of KLIPPER_FAILURES) {
    const line = lines.find((l) => f.pattern.test(l));
    if (line) return { line, cause: f.cause, fix: f.fix };
  }
  return null;
}

/** The containers of a svclb pod that forward a port (`lb-tcp-80`, `lb-port-80`, `lb-udp-53`). */
function lbContainers(pod: Pod): string[] {
  return (pod.spec.containers ?? []).map((c) => c.name).filter((n) => /^lb-(tcp|udp|port)-\d+$/.test(n));
}

/**
 * Reads the log of each crash-looping svclb pod's first forwarding container
 * and returns the known failures found, with the pod and container. Logs that
 * cannot be read (no `podLogs`, forbidden, gone) are skipped: this only adds
 * a cause when one is on record.
 */
export async function serviceLbFailures(
  pods: Pod[],
  podLogs: ((namespace: string, pod: string, container: string, tailLines: number, signal: AbortSignal) => Promise<string>) | undefined,
  signal: AbortSignal,
): Promise<(ServiceLbFailure & { pod: string; container: string })[]> {
  if (!podLogs) return [];
  const crashing = pods.filter((p) => {
    const s = podState(p);
    return !s.ready && (s.reason === "CrashLoopBackOff" || s.reason === "Error" || s.restarts > 0);
  });
  const found: (ServiceLbFailure & { pod: string; container: string })[] = [];
  for (const p of crashing) {
    const container = lbContainers(p)[0];
    if (!container) continue;
    const log = await podLogs(p.metadata.namespace ?? "kube-system", p.metadata.name, container, 20, signal).catch(() => "");
    const failure = serviceLbFailureOf(log);
    if (failure) found.push({ ...failure, pod: ref(p), container });
  }
  return found;
}

/** Label helm-controller puts on the pods of a HelmChart's install Job. */
export const HELMCHART_POD_LABEL = "helmcharts.helm.cattle.io/chart";

/** A packaged HelmChart whose install has not completed, with what holds it up. */
export interface StalledInstall {
  chart: string;
  /** The install pod, `namespace/name`, or null when there is none. */
  pod: string | null;
  /** `helm-install-traefik-4nfgv: ContainerCreating`. */
  state: string | null;
  /** The pod's newest Warning event, as `kubectl describe` prints it, or null. */
  event: string | null;
  /** Other kube-system pods that are not Ready with the same Warning reason (the node-wide cause), by name. */
  alsoStuck: string[];
}

/**
 * Whether HelmChart kube-system/`chart` exists but its install pod has not
 * succeeded: the chart's objects are missing because helm-controller's Job
 * could not run (image pulls blocked, node not ready). Null when the chart
 * does not exist or its install pod completed.
 */
export function stalledInstall(chart: string, charts: HelmChart[], pods: Pod[], events: KubeEvent[]): StalledInstall | null {
  const hc = charts.find((c) => c.metadata.name === chart && (c.metadata.namespace ?? "kube-system") === "kube-system");
  if (!hc) return null;
  const installPods = pods.filter((p) => (p.metadata.namespace ?? "") === "kube-system" && p.metadata.labels?.[HELMCHART_POD_LABEL] === chart);
  if (installPods.some((p) => p.status?.phase === "Succeeded")) return null;
  const p = installPods[0];
  if (!p) return { chart: ref(hc), pod: null, state: null, event: null, alsoStuck: [] };
  const warning = podEvents(events, p).find((e) => e.type === "Warning") ?? null;
  const alsoStuck = warning
    ? pods
        .filter((o) => o !== p && (o.metadata.namespace ?? "") === "kube-system" && o.status?.phase !== "Succeeded" && !podState(o).ready)
        .filter((o) => podEvents(events, o).some((e) => e.type === "Warning" && e.reason === warning.reason))
        .map((o) => o.metadata.name)
    : [];
  return { chart: ref(hc), pod: ref(p), state: describePodState(podState(p)), event: warning ? formatEvent(warning) : null, alsoStuck };
}

/** Whether an event message says an image (or the sandbox image) could not be pulled. */
export function isPullFailure(message: string): boolean {
  return /failed to pull|ErrImagePull|ImagePullBackOff|failed to get sandbox image|pull access denied|failed to resolve reference/i.test(message);
}
