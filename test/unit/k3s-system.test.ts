/**
 * Why k3s' own machinery does not take a port (src/kube/k3s-system.ts): the
 * klipper-lb failures users paste from `kubectl logs svclb-…` and the
 * packaged traefik whose helm-install pod never ran. Log lines and event
 * messages as the threads in docs/facts/real-threads-k3s.md show them.
 */
import { describe, expect, it } from "vitest";
import type { HelmChart, KubeEvent, Pod } from "../../src/index.js";
import { serviceLbFailureOf, serviceLbFailures, stalledInstall, isPullFailure } from "../../src/kube/k3s-system.js";

const NAT_MISSING = `+ iptables -t nat -I PREROUTING '!' -s 10.43.70.41/32 -p TCP --dport 80 -j DNAT --to 10.43.70.41:80
modprobe: can't change directory to '/lib/modules': No such file or directory
iptables v1.8.4 (legacy): can't initialize iptables table \`nat': Table does not exist (do you need to insmod?)
Perhaps iptables or your kernel needs to be upgraded.
`;

describe("serviceLbFailureOf", () => {
  it.each([
    ["a missing legacy nat table (klipper-lb#34)", NAT_MISSING, "Table does not exist", "modprobe iptable_nat"],
    ["SELinux denying the nat table (k3s#2424)", "iptables v1.6.2: can't initialize iptables table `nat': Permission denied\n", "Permission denied", "k3s-selinux"],
    ["a read-only /proc/sys under rootless k3s (k3s#2420)", "/usr/bin/entry: line 6: can't create /proc/sys/net/ipv4/ip_forward: Read-only file system\n", "Read-only file system", "rootless"],
  ])("names %s from the log line", (_name, log, line, fix) => {
    const f = serviceLbFailureOf(log);
    expect(f?.line).toContain(line);
    expect(f?.fix).toContain(fix);
  });

  it("names nothing for a log without a known failure", () => {
    expect(serviceLbFailureOf("+ trap exit TERM INT\n+ echo 10.43.70.41\n")).toBeNull();
  });
});

const svclbPod = (name: string, reason: string, restarts: number): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "kube-system", labels: { "svccontroller.k3s.cattle.io/svcname": "traefik" } },
  spec: { containers: [{ name: "lb-port-80", image: "rancher/klipper-lb:v0.3.4" }, { name: "lb-port-443", image: "rancher/klipper-lb:v0.3.4" }] },
  status: { phase: "Running", containerStatuses: [{ name: "lb-port-80", ready: false, restartCount: restarts, state: { waiting: { reason } } }] },
});

describe("serviceLbFailures", () => {
  it("reads the first forwarding container's log of a crash-looping svclb pod", async () => {
    const asked: string[] = [];
    const found = await serviceLbFailures(
      [svclbPod("svclb-traefik-dkgkq", "CrashLoopBackOff", 11)],
      async (ns, pod, container) => {
        asked.push(`${ns}/${pod}/${container}`);
        return NAT_MISSING;
      },
      new AbortController().signal,
    );
    expect(asked).toEqual(["kube-system/svclb-traefik-dkgkq/lb-port-80"]);
    expect(found).toMatchObject([{ pod: "kube-system/svclb-traefik-dkgkq", container: "lb-port-80" }]);
  });

  it("adds nothing when logs cannot be read", async () => {
    const signal = new AbortController().signal;
    expect(await serviceLbFailures([svclbPod("svclb-traefik-dkgkq", "CrashLoopBackOff", 3)], undefined, signal)).toEqual([]);
    expect(await serviceLbFailures([svclbPod("svclb-traefik-dkgkq", "CrashLoopBackOff", 3)], () => Promise.reject(new Error("forbidden")), signal)).toEqual([]);
  });

  it("does not read the logs of a Pending svclb pod", async () => {
    const pending: Pod = { ...svclbPod("svclb-web-x", "", 0), status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }] } };
    let read = false;
    await serviceLbFailures([pending], async () => ((read = true), NAT_MISSING), new AbortController().signal);
    expect(read).toBe(false);
  });
});

const chart = (name: string): HelmChart => ({ apiVersion: "helm.cattle.io/v1", kind: "HelmChart", metadata: { name, namespace: "kube-system" }, spec: {} }) as HelmChart;
const PULL = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "docker.io/rancher/pause:3.1": failed to pull image "docker.io/rancher/pause:3.1": dial tcp 34.205.13.154:443: i/o timeout';
const stuck = (name: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "kube-system", uid: `uid-${name}`, labels },
  spec: { containers: [{ name: "helm", image: "rancher/klipper-helm:v0.6.6-build20211022" }] },
  status: { phase: "Pending", containerStatuses: [{ name: "helm", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } }] },
});
const sandboxEvent = (pod: string): KubeEvent =>
  ({ apiVersion: "v1", kind: "Event", metadata: { name: `${pod}.1`, namespace: "kube-system" }, involvedObject: { kind: "Pod", name: pod, namespace: "kube-system", uid: `uid-${pod}` }, type: "Warning", reason: "FailedCreatePodSandBox", message: PULL }) as KubeEvent;

describe("stalledInstall", () => {
  const install = stuck("helm-install-traefik-4nfgv", { "helmcharts.helm.cattle.io/chart": "traefik", "job-name": "helm-install-traefik" });
  const coredns = stuck("coredns-96cc4f57d-x2xqd");

  it("names the install pod, its warning and the other kube-system pods stuck the same way", () => {
    const s = stalledInstall("traefik", [chart("traefik")], [install, coredns], [sandboxEvent(install.metadata.name), sandboxEvent(coredns.metadata.name)]);
    expect(s).toMatchObject({ chart: "kube-system/traefik", pod: "kube-system/helm-install-traefik-4nfgv", alsoStuck: ["coredns-96cc4f57d-x2xqd"] });
    expect(s?.event).toContain("FailedCreatePodSandBox");
    expect(isPullFailure(s!.event!)).toBe(true);
  });

  it("is null once the install pod has succeeded", () => {
    const done: Pod = { ...install, status: { phase: "Succeeded" } };
    expect(stalledInstall("traefik", [chart("traefik")], [done], [])).toBeNull();
  });

  it("is null when the chart does not exist (traefik disabled)", () => {
    expect(stalledInstall("traefik", [], [install], [])).toBeNull();
  });
});
