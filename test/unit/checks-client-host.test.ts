/**
 * Host-side checks over recorded data (dns resolver sources, forwarder
 * chains, the forwarder inside a dev container, parallel port-forwards):
 * each case names the situation, the expected status and a fragment of the
 * summary (ESLint RuleTester style). No sockets: memory sources only.
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOptions, CheckOutcome, ContainerInspect, HostListener, PathFacts, Pod, Service, Target } from "../../src/index.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import nameResolves from "../../checks/dns/name-resolves.js";
import upstreamReachable from "../../checks/forwarder/upstream-reachable.js";
import chainComplete from "../../checks/forwarder/chain-complete.js";
import containerProcessAlive from "../../checks/forwarder/container-process-alive.js";
import portForwardsDurable from "../../checks/forwarder/port-forwards-durable.js";
import { checks } from "../../checks/index.js";

// ------------------------------------------------------------------ fixtures (real-world-facts §3, §7, §8)

const ubuntuResolver = { hostsPath: "/etc/hosts", nsswitchHosts: ["files", "mdns4_minimal", "[NOTFOUND=return]", "dns"], nameservers: ["127.0.0.53"], searchDomains: [] };
const debianResolver = { hostsPath: "/etc/hosts", nsswitchHosts: ["files", "dns"], nameservers: ["192.168.178.1"], searchDomains: ["fritz.box"] };

const pod = (ns: string, name: string, labels: Record<string, string>, ready: boolean, podIP: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: "main" }] },
  status: {
    phase: "Running",
    podIP,
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [{ name: "main", ready, restartCount: ready ? 0 : 7, state: ready ? { running: {} } : { waiting: { reason: "CrashLoopBackOff" } } }],
  },
});
const ironicLabels = { "app.kubernetes.io/name": "ironic" };
const ironicSvc: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "metal3-metal3-ironic", namespace: "metal3-system" },
  spec: { type: "ClusterIP", clusterIP: "10.96.88.141", selector: ironicLabels, ports: [{ name: "api", port: 6185, targetPort: 6385, protocol: "TCP" }] },
};
const ironicPod = (ready: boolean) => pod("metal3-system", "metal3-metal3-ironic-6b9f7c8d5-q7wzl", ironicLabels, ready, "10.244.0.21");

const pfIronic = "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6185";
const kubectl4: HostListener = { address: "127.0.0.1", port: 6385, pid: 4321, process: "kubectl", command: pfIronic };
const kubectl6: HostListener = { address: "::1", port: 6385, pid: 4321, process: "kubectl", command: pfIronic };
const socatBridge: HostListener = { address: "192.168.122.1", port: 6385, pid: 5120, process: "socat", command: "socat TCP-LISTEN:6385,bind=192.168.122.1,reuseaddr,fork TCP:localhost:6385" };
const socatAny: HostListener = { address: "0.0.0.0", port: 6385, pid: 5120, process: "socat", command: "socat TCP-LISTEN:6385,fork,reuseaddr TCP:localhost:6385" };

const consoleSvc = (nodePort?: number): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "console", namespace: "default" },
  spec: { type: nodePort ? "NodePort" : "ClusterIP", selector: { app: "console" }, ports: [{ name: "http", port: 3000, targetPort: "http", protocol: "TCP", ...(nodePort ? { nodePort } : {}) }] },
});

type Ports = Record<string, { HostIp: string; HostPort: string }[] | null>;
const ctr = (o: { id: string; name: string; labels: Record<string, string>; ports: Ports; network: string; ip: string; cmd?: string[] }): ContainerInspect => ({
  Id: o.id,
  Name: `/${o.name}`,
  Path: "/bin/sh",
  Args: o.cmd ?? [],
  State: { Status: "running", Running: true, Restarting: false, ExitCode: 0, StartedAt: "2026-03-03T15:20:11Z" },
  Config: { Labels: o.labels, Cmd: o.cmd ?? null },
  HostConfig: { PortBindings: o.ports, NetworkMode: o.network },
  NetworkSettings: { Ports: o.ports, Networks: { [o.network]: { IPAddress: o.ip } } },
});
const kindNode = (ports: Ports = {}) =>
  ctr({ id: "c0ffee00", name: "kind-control-plane", labels: { "io.x-k8s.kind.cluster": "kind", "io.x-k8s.kind.role": "control-plane" }, ports: { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "41633" }], ...ports }, network: "kind", ip: "172.18.0.2" });
const postStart = (cmd: string) => JSON.stringify([{ id: "ghcr.io/devcontainers/features/kubectl-helm-minikube:1" }, { forwardPorts: [3000], postStartCommand: cmd }]);
const devContainer = (labels: Record<string, string>, network = "bridge") =>
  ctr({ id: "9c2e71b4a0d8", name: "vsc-platform-console-6f2b9c1d", labels: { "devcontainer.local_folder": "/home/dev/src/platform-console", ...labels }, ports: { "3000/tcp": [{ HostIp: "0.0.0.0", HostPort: "3000" }] }, network, ip: network === "kind" ? "172.18.0.5" : "172.17.0.2" });
const devFact = { id: "9c2e71b4a0d8", name: "vsc-platform-console-6f2b9c1d", role: "other" as const, containerPort: 3000, hostPort: 3000 };
const psTitles = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];
const devTop = (extra: string[][] = []) => ({
  "vsc-platform-console-6f2b9c1d": {
    Titles: psTitles,
    Processes: [["root", "48211", "48190", "0", "15:20", "?", "00:00:00", "/bin/sh -c echo Container started"], ["root", "61904", "48211", "0", "16:42", "?", "00:00:00", "sleep 1"], ...extra],
  },
});
const kindInfo = { context: "kind-kind", cluster: "kind-kind", server: "https://127.0.0.1:41633", namespace: "default" };

const envoySvc: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "envoy-default-eg-e41e7b31", namespace: "envoy-gateway-system" },
  spec: { type: "NodePort", selector: { "gateway.envoyproxy.io/owning-gateway-name": "eg" }, ports: [{ name: "http-80", port: 80, targetPort: 10080, nodePort: 30080, protocol: "TCP" }] },
};
const pfEnvoy = (port: number, pid: number): HostListener[] =>
  ["127.0.0.1", "::1"].map((address) => ({ address, port, pid, process: "kubectl", command: `kubectl port-forward -n envoy-gateway-system svc/envoy-default-eg-e41e7b31 ${port}:80` }));

// ------------------------------------------------------------------ harness

const defaults: CheckOptions = { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 };
type LooseFacts = { [K in keyof PathFacts]?: Partial<NonNullable<PathFacts[K]>> | null };
interface Case {
  name: string;
  data: MemoryData;
  target: string;
  facts?: LooseFacts;
  status: CheckOutcome["status"];
  summary: string | RegExp;
  details?: RegExp;
  fixes?: string[];
  expectFacts?: LooseFacts;
}

function toTarget(url: string): Target {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : "http";
  return { url, scheme, host: u.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: u.port ? Number(u.port) : scheme === "https" ? 443 : 80, path: u.pathname + u.search };
}

function table(check: Check, cases: Case[]) {
  describe(`${check.id} (${check.code})`, () => {
    it.each(cases)("$name → $status", async (c) => {
      const ctx: CheckContext = { ...memorySources(c.data), target: toTarget(c.target), facts: (c.facts ?? {}) as PathFacts, options: defaults, signal: new AbortController().signal };
      const out = await check.run(ctx);
      expect(out.status).toBe(c.status);
      if (typeof c.summary === "string") expect(out.summary).toContain(c.summary);
      else expect(out.summary).toMatch(c.summary);
      if (c.details) expect(out.details ?? "").toMatch(c.details);
      expect(out.fixes ?? []).toEqual(c.fixes ?? []);
      for (const id of out.fixes ?? []) expect(check.fixes).toContain(id);
      if (c.expectFacts) expect(out.facts).toMatchObject(c.expectFacts);
      else if (out.facts && "forwarder" in out.facts) expect(out.facts.forwarder).not.toBeNull();
    });
  });
}

// ------------------------------------------------------------------ dns: resolver sources

table(nameResolves, [
  {
    name: "a .local name written to the agent's own hosts file on Ubuntu with nss-mdns",
    data: { resolverConfig: ubuntuResolver },
    target: "http://name-staging.local:8085/",
    status: "fail",
    summary: "name-staging.local does not resolve (ENOTFOUND); expected the line `127.0.0.1 name-staging.local` in /etc/hosts or a DNS record",
    details: /consults: \/etc\/hosts, then mdns4_minimal \[NOTFOUND=return\], then DNS 127\.0\.0\.53 \(systemd-resolved stub\)\. An entry written to any other file is never read\. name-staging\.local is under \.local, the mDNS domain \(RFC 6762\)/,
    fixes: ["hosts-entry"],
  },
  {
    name: "a guide's .test name without the hosts entry on Debian",
    data: { resolverConfig: debianResolver },
    target: "http://console.platform.test:9080/",
    status: "fail",
    summary: "expected the line `127.0.0.1 console.platform.test` in /etc/hosts",
    details: /consults: \/etc\/hosts, then DNS 192\.168\.178\.1\. An entry written to any other file is never read\.$/,
    fixes: ["hosts-entry"],
  },
  {
    name: "a source without resolver configuration still names the hosts file",
    data: {},
    target: "http://console.platform.test:9080/",
    status: "fail",
    summary: "in /etc/hosts or a DNS record",
    details: /^Add `127\.0\.0\.1 console\.platform\.test` to \/etc\/hosts.*kubectl-based tools ask the system resolver instead\)\.$/,
    fixes: ["hosts-entry"],
  },
  {
    name: "*.localhost that the system resolver does not know",
    data: { resolverConfig: debianResolver },
    target: "http://openchoreo.localhost:9080/",
    status: "pass",
    summary: "the system resolver does not resolve it (ENOTFOUND): curl ≥7.85 and browsers do, Go/Python/kubectl tools may not",
  },
]);

// ------------------------------------------------------------------ forwarder.upstream-reachable additions

table(upstreamReachable, [
  {
    name: "socat tunnel to a pod IP that no pod has any more",
    data: { tcp: { "10.42.0.17:8080": "unreachable" }, kube: { nodes: [{ apiVersion: "v1", kind: "Node", metadata: { name: "k3d-openchoreo-server-0" }, spec: { podCIDR: "10.42.0.0/24" } } as never] } },
    target: "http://127.0.0.1:8085/",
    facts: { listener: { address: "0.0.0.0", port: 8085, pid: 70433, process: "socat", command: "socat -d -d TCP4-LISTEN:8085,fork,reuseaddr TCP4:10.42.0.17:8080,connect-timeout=5" } },
    status: "fail",
    summary: "relays 0.0.0.0:8085 to 10.42.0.17:8080, a pod IP (pod CIDR 10.42.0.0/24; no current pod has it): unreachable; expected an upstream this host can route to",
    fixes: ["socat-forward"],
    expectFacts: { forwarder: { kind: "socat", upstream: "10.42.0.17:8080" } },
  },
  {
    name: "socat tunnel to a running pod's IP",
    data: { tcp: { "10.244.0.21:6385": "timeout" }, kube: { pods: [ironicPod(true)] } },
    target: "http://127.0.0.1:8081/",
    facts: { listener: { address: "0.0.0.0", port: 8081, pid: 70412, process: "socat", command: "socat TCP-LISTEN:8081,fork,reuseaddr TCP:10.244.0.21:6385" } },
    status: "fail",
    summary: "the pod IP of pod metal3-system/metal3-metal3-ironic-6b9f7c8d5-q7wzl: no answer within 2000 ms (timeout)",
    fixes: ["socat-forward"],
  },
  {
    name: "socat to a ClusterIP",
    data: { tcp: { "10.96.88.141:6185": "timeout" }, kube: { services: [ironicSvc] } },
    target: "http://127.0.0.1:8082/",
    facts: { listener: { address: "0.0.0.0", port: 8082, pid: 70419, process: "socat", command: "socat TCP-LISTEN:8082,fork TCP:10.96.88.141:6185" } },
    status: "fail",
    summary: "relays 0.0.0.0:8082 to 10.96.88.141:6185, the ClusterIP of Service metal3-system/metal3-metal3-ironic: no answer within 2000 ms (timeout)",
    fixes: ["socat-forward"],
  },
  {
    name: "an unreachable address outside the cluster stays a plain routing failure",
    data: { tcp: { "192.168.5.1:8080": "unreachable" } },
    target: "http://127.0.0.1:8083/",
    facts: { listener: { address: "0.0.0.0", port: 8083, pid: 70425, process: "socat", command: "socat TCP-LISTEN:8083,fork TCP:192.168.5.1:8080" } },
    status: "fail",
    summary: "relays 0.0.0.0:8083 to 192.168.5.1:8080: unreachable; expected a route to the upstream",
  },
  {
    name: "macOS: socat on 0.0.0.0:P beside kubectl on 127.0.0.1:P is not a loop while kubectl lives",
    data: { listeners: [socatAny, kubectl4], tcp: { "127.0.0.1:6385": "connected" } },
    target: "http://192.168.106.2:6385/",
    facts: { address: "192.168.106.2", listener: socatAny },
    status: "pass",
    summary: "relays 0.0.0.0:6385 to localhost:6385 (127.0.0.1) (kubectl (pid 4321)), which accepts connections",
    expectFacts: { forwarder: { kind: "socat" } },
  },
  {
    name: "the same socat once kubectl is gone relays to itself",
    data: { listeners: [socatAny] },
    target: "http://192.168.106.2:6385/",
    facts: { address: "192.168.106.2", listener: socatAny },
    status: "fail",
    summary: "relays 0.0.0.0:6385 to localhost:6385 (127.0.0.1): itself (a forwarding loop)",
    expectFacts: { forwarder: { kind: "socat" } },
  },
]);

// ------------------------------------------------------------------ forwarder.chain-complete

table(chainComplete, [
  {
    name: "bridge socat → loopback port-forward whose pod crash-loops",
    data: { listeners: [socatBridge, kubectl4, kubectl6], kube: { services: [ironicSvc], pods: [ironicPod(false)] } },
    target: "http://192.168.122.1:6385/v1/",
    facts: { address: "192.168.122.1", listener: socatBridge },
    status: "fail",
    summary:
      "the forwarder chain socat (pid 5120) on 192.168.122.1:6385 → kubectl port-forward (pid 4321) on 127.0.0.1:6385 → metal3-system/svc/metal3-metal3-ironic:6185 stops at hop 2, kubectl port-forward (pid 4321) on 127.0.0.1:6385: the only pod of Service metal3-system/metal3-metal3-ironic is not ready (metal3-metal3-ironic-6b9f7c8d5-q7wzl: CrashLoopBackOff, 7 restarts) (bind scope: kubectl port-forward (pid 4321) listens on 127.0.0.1:6385 only, while the path's address 192.168.122.1 is not loopback)",
    fixes: ["socat-forward"],
  },
  {
    name: "the same chain with a ready pod",
    data: { listeners: [socatBridge, kubectl4, kubectl6], kube: { services: [ironicSvc], pods: [ironicPod(true)] } },
    target: "http://192.168.122.1:6385/v1/",
    facts: { address: "192.168.122.1", listener: socatBridge },
    status: "pass",
    summary: "reaches its end (2 hops)",
  },
  {
    name: "ssh tunnel → socat → a port nobody listens on",
    data: {
      listeners: [
        { address: "127.0.0.1", port: 9443, pid: 811, process: "ssh", command: "ssh -N -L 9443:127.0.0.1:8443 dev@buildbox" },
        { address: "127.0.0.1", port: 7443, pid: 812, process: "socat", command: "socat TCP-LISTEN:7443,bind=127.0.0.1,fork TCP:127.0.0.1:6443" },
        { address: "0.0.0.0", port: 8081, pid: 813, process: "socat", command: "socat TCP-LISTEN:8081,fork TCP:localhost:7443" },
      ],
    },
    target: "http://127.0.0.1:8081/",
    facts: { address: "127.0.0.1", listener: { address: "0.0.0.0", port: 8081, pid: 813, process: "socat", command: "socat TCP-LISTEN:8081,fork TCP:localhost:7443" } },
    status: "fail",
    summary: "stops at hop 2, socat (pid 812) on 127.0.0.1:7443: nothing listens on 127.0.0.1:6443 (refused)",
    fixes: ["socat-forward"],
  },
  {
    name: "two socats relaying into each other",
    data: {
      listeners: [
        { address: "0.0.0.0", port: 8080, pid: 1001, process: "socat", command: "socat TCP-LISTEN:8080,fork TCP:127.0.0.1:9090" },
        { address: "127.0.0.1", port: 9090, pid: 1002, process: "socat", command: "socat TCP-LISTEN:9090,bind=127.0.0.1,fork TCP:localhost:8080" },
      ],
    },
    target: "http://127.0.0.1:8080/",
    facts: { address: "127.0.0.1", listener: { address: "0.0.0.0", port: 8080, pid: 1001, process: "socat", command: "socat TCP-LISTEN:8080,fork TCP:127.0.0.1:9090" } },
    status: "fail",
    summary: "stops at hop 2, socat (pid 1002) on 127.0.0.1:9090: it relays to localhost:8080, back into socat (pid 1001) on 0.0.0.0:8080 (a forwarding loop)",
    fixes: ["socat-forward"],
  },
  {
    name: "a single forwarder is left to forwarder.upstream-reachable",
    data: { listeners: [kubectl4] },
    target: "http://127.0.0.1:6385/",
    facts: { address: "127.0.0.1", listener: kubectl4 },
    status: "skip",
    summary: "not applicable: kubectl port-forward (pid 4321) on 127.0.0.1:6385 is not followed by another forwarder",
  },
  {
    name: "no listener",
    data: {},
    target: "http://127.0.0.1:6385/",
    facts: { listener: null },
    status: "skip",
    summary: "not applicable: no listener identified",
  },
]);

// ------------------------------------------------------------------ forwarder.container-process-alive

table(containerProcessAlive, [
  {
    name: "dev container whose postStartCommand port-forward died (ClusterIP Service, bridge network, loopback kubeconfig)",
    data: {
      kubeInfo: kindInfo,
      containers: [kindNode(), devContainer({ "devcontainer.metadata": postStart("nohup kubectl port-forward --address=0.0.0.0 svc/console 3000:3000 > /tmp/pf.log 2>&1 &") })],
      top: devTop(),
      kube: { services: [consoleSvc()] },
    },
    target: "http://localhost:3000/",
    facts: { container: devFact },
    status: "fail",
    summary: "no forwarder runs in container vsc-platform-console-6f2b9c1d for port 3000: it was started with kubectl port-forward to svc/console:3000 in default, but its processes are sh, sleep; expected the forwarder to be running",
    details: /Service default\/console is ClusterIP without a NodePort.*not on the cluster's network kind.*`docker network connect kind vsc-platform-console-6f2b9c1d`.*A kubeconfig pointing at https:\/\/127\.0\.0\.1:41633 does not work from inside/,
    fixes: ["socat-forward", "service-to-nodeport"],
    expectFacts: { forwarder: { kind: "kubectl-port-forward", pid: null, upstream: "default/svc/console:3000" } },
  },
  {
    name: "the same with a NodePort Service, a container already on the kind network and a localhost-only --address",
    data: {
      kubeInfo: kindInfo,
      containers: [kindNode(), devContainer({ "devcontainer.metadata": postStart("kubectl port-forward svc/console 3000:3000 &") }, "kind")],
      top: devTop(),
      kube: { services: [consoleSvc(30300)] },
    },
    target: "http://localhost:3000/",
    facts: { container: devFact },
    status: "fail",
    summary: "it was started with kubectl port-forward to svc/console:3000 in default",
    details: /--address localhost binds the container's loopback only.*Service default\/console has NodePort 30300(?!.*docker network connect)/,
    fixes: ["socat-forward"],
  },
  {
    name: "the forwarder runs",
    data: {
      containers: [kindNode(), devContainer({ "devcontainer.metadata": postStart("kubectl port-forward --address=0.0.0.0 svc/console 3000:3000 &") })],
      top: devTop([["1000", "48690", "48211", "0", "15:21", "?", "00:00:02", "kubectl port-forward --address=0.0.0.0 svc/console 3000:3000"]]),
    },
    target: "http://localhost:3000/",
    facts: { container: devFact },
    status: "pass",
    summary: "kubectl port-forward (pid 48690 in vsc-platform-console-6f2b9c1d) serves container port 3000 → -/svc/console:3000",
    expectFacts: { forwarder: { kind: "kubectl-port-forward", pid: 48690 } },
  },
  {
    name: "a socat started from the container's command runs",
    data: {
      containers: [ctr({ id: "5ca7", name: "dev-proxy", labels: {}, ports: { "3000/tcp": [{ HostIp: "0.0.0.0", HostPort: "3000" }] }, network: "kind", ip: "172.18.0.6", cmd: ["-c", "socat TCP-LISTEN:3000,fork,reuseaddr TCP:172.18.0.2:30300"] })],
      top: { "dev-proxy": { Titles: psTitles, Processes: [["root", "9001", "1", "0", "09:00", "?", "00:00:00", "socat TCP-LISTEN:3000,fork,reuseaddr TCP:172.18.0.2:30300"]] } },
    },
    target: "http://localhost:3000/",
    facts: { container: { ...devFact, id: "5ca7", name: "dev-proxy" } },
    status: "pass",
    summary: "socat (pid 9001 in dev-proxy) serves container port 3000 → 172.18.0.2:30300",
  },
  {
    name: "an app container that is not configured as a forwarder",
    data: { containers: [devContainer({})], top: devTop([["1000", "50001", "48211", "1", "15:22", "?", "00:00:09", "node server.js"]]) },
    target: "http://localhost:3000/",
    facts: { container: devFact },
    status: "skip",
    summary: "not applicable: vsc-platform-console-6f2b9c1d runs 3 processes and is not configured with a forwarder for port 3000",
  },
  {
    name: "a kind node publishes the port",
    data: { containers: [kindNode({ "30080/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] })] },
    target: "http://localhost:8080/",
    facts: { container: { id: "c0ffee00", name: "kind-control-plane", role: "kind-node", containerPort: 30080 } },
    status: "skip",
    summary: "not applicable: kind-control-plane is a cluster container (kind-node)",
  },
]);

// ------------------------------------------------------------------ forwarder.port-forwards-durable

const envoyNode = kindNode({ "30080/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] });
table(portForwardsDurable, [
  {
    name: "the forward for the target port died while its siblings run, and kind publishes the NodePort",
    data: { listeners: [...pfEnvoy(8888, 52011), ...pfEnvoy(8889, 52034), ...pfEnvoy(8890, 52057)], kube: { services: [envoySvc] }, containers: [envoyNode] },
    target: "http://www.example.com:8891/",
    status: "warn",
    summary:
      "nothing listens on port 8891 any more, while 3 kubectl port-forward processes on this host (pid 52011 127.0.0.1:8888 → envoy-gateway-system/svc/envoy-default-eg-e41e7b31:80; pid 52034 127.0.0.1:8889 → envoy-gateway-system/svc/envoy-default-eg-e41e7b31:80; pid 52057 127.0.0.1:8890 → envoy-gateway-system/svc/envoy-default-eg-e41e7b31:80) run; a forward for this port has probably exited; use the NodePort path instead: Service envoy-gateway-system/envoy-default-eg-e41e7b31 NodePort 30080 is already published on host port 8080 by kind-control-plane (http://localhost:8080/)",
    // Every sibling forwards one Service with a NodePort: a socat relay to it replaces the dead forward.
    fixes: ["socat-forward"],
  },
  {
    name: "the forward for the target port died, and the Service its siblings forward has no NodePort",
    data: { listeners: [...pfEnvoy(8888, 52011), ...pfEnvoy(8889, 52034)], kube: { services: [{ ...envoySvc, spec: { ...envoySvc.spec, type: "ClusterIP", ports: envoySvc.spec.ports!.map(({ nodePort: _n, ...p }) => p) } }] }, containers: [envoyNode] },
    target: "http://www.example.com:8891/",
    status: "warn",
    summary: /^nothing listens on port 8891 any more, while 2 kubectl port-forward processes .* a forward for this port has probably exited$/,
  },
  {
    name: "the target is served by a svc/ forward and no NodePort is published",
    data: { listeners: [...pfEnvoy(8888, 52011)], kube: { services: [envoySvc] }, containers: [kindNode()] },
    target: "http://www.example.com:8888/",
    status: "warn",
    summary: /^the forward serving port 8888 \(pid 52011\) is pinned to one pod of envoy-gateway-system\/svc\/envoy-default-eg-e41e7b31; 1 of 1 kubectl port-forward process on this host .* die with the one pod each picked$/,
    fixes: ["socat-forward"],
  },
  {
    name: "pod forwards only",
    data: { listeners: [{ address: "127.0.0.1", port: 5432, pid: 777, process: "kubectl", command: "kubectl port-forward -n db pod/postgres-0 5432" }] },
    target: "http://127.0.0.1:5432/",
    status: "pass",
    summary: "1 kubectl port-forward process on this host (pid 777 127.0.0.1:5432 → db/pod/postgres-0:5432); each names its pod explicitly",
  },
  {
    name: "a path published by docker-proxy is not about the port-forwards",
    data: { listeners: [...pfEnvoy(8888, 52011), { address: "0.0.0.0", port: 8080, pid: 31838, process: "docker-proxy", command: "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.18.0.2 -container-port 30080" }] },
    target: "http://www.example.com:8080/",
    status: "skip",
    summary: "not applicable: port 8080 is not served by a kubectl port-forward (1 other run on this host)",
  },
  { name: "no port-forward at all", data: { listeners: [] }, target: "http://localhost:8080/", status: "skip", summary: "not applicable: no kubectl port-forward runs on this host" },
  { name: "listeners not available on this platform", data: { listeners: null }, target: "http://localhost:8080/", status: "skip", summary: "not applicable: listening sockets: not available on this platform" },
]);

describe("host-side check declarations", () => {
  const mine = [chainComplete, containerProcessAlive, portForwardsDurable];
  it("registers ND302–ND304 in the built-in registry with full explanations", () => {
    for (const c of mine) {
      expect(checks).toContain(c);
      expect(c.explain?.meaning, c.id).toBeTruthy();
      expect(c.explain?.causes, c.id).toBeTruthy();
      expect(c.explain?.fix, c.id).toBeTruthy();
    }
    expect(mine.map((c) => c.code)).toEqual(["ND302", "ND303", "ND304"]);
  });
});
