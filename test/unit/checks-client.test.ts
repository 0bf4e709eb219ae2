/**
 * Client-side checks (env, dns, host-port, forwarder, container) over
 * recorded data: each case names the situation, the expected status and a
 * fragment of the summary (ESLint RuleTester style).
 */
import { describe, expect, it } from "vitest";
import type { Check, CheckContext, CheckOptions, CheckOutcome, ContainerInspect, HostListener, Node, PathFacts, Pod, Service, Target } from "../../src/index.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import kubeconfigLoaded from "../../checks/env/kubeconfig-loaded.js";
import apiReachable from "../../checks/env/api-reachable.js";
import dockerReachable from "../../checks/env/docker-reachable.js";
import gatewayApiInstalled from "../../checks/env/gateway-api-installed.js";
import permissionsSufficient from "../../checks/env/permissions-sufficient.js";
import clusterFlavorDetected from "../../checks/env/cluster-flavor-detected.js";
import nameResolves from "../../checks/dns/name-resolves.js";
import acceptsConnections from "../../checks/host-port/accepts-connections.js";
import listenerIdentified from "../../checks/host-port/listener-identified.js";
import upstreamReachable from "../../checks/forwarder/upstream-reachable.js";
import publishesPort from "../../checks/container/publishes-port.js";
import containerRunning from "../../checks/container/running.js";

// ------------------------------------------------------------------ fixtures (names, labels and ports from real-world-facts §1, §3, §4, §7)

const k3dLabels = (cluster: string, role: string): Record<string, string> => ({
  app: "k3d",
  "k3d.cluster": cluster,
  "k3d.role": role,
  "k3d.version": "v5.8.3",
  "k3d.cluster.network": `k3d-${cluster}`,
  "k3d.cluster.network.external": "false",
  "k3d.cluster.network.id": "5b3f0c1f7a0e4f9c8a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b",
  "k3d.cluster.network.iprange": "172.19.0.0/16",
  "k3d.cluster.imageVolume": `k3d-${cluster}-images`,
  "k3d.cluster.url": `https://k3d-${cluster}-server-0:6443`,
  "k3d.server.loadbalancer": `k3d-${cluster}-serverlb`,
});

type Ports = Record<string, { HostIp: string; HostPort: string }[] | null>;

function container(opts: {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  bindings: Ports;
  runtime?: Ports;
  network: string;
  ip: string;
  state?: Partial<ContainerInspect["State"]>;
}): ContainerInspect {
  const running = opts.state?.Running ?? true;
  return {
    Id: opts.id,
    Name: `/${opts.name}`,
    Created: "2026-11-20T08:12:44.118Z",
    State: { Status: running ? "running" : "exited", Running: running, Restarting: false, ExitCode: 0, StartedAt: "2026-11-22T09:01:02.345Z", ...opts.state },
    Config: { Image: opts.image, Labels: opts.labels, Hostname: opts.name, ExposedPorts: Object.fromEntries(Object.keys(opts.runtime ?? opts.bindings).map((k) => [k, {}])) },
    HostConfig: { PortBindings: opts.bindings, NetworkMode: opts.network, RestartPolicy: { Name: "unless-stopped" } },
    NetworkSettings: {
      Ports: running ? (opts.runtime ?? opts.bindings) : {},
      Networks: { [opts.network]: { IPAddress: running ? opts.ip : "", Gateway: "172.19.0.1", NetworkID: "5b3f0c1f7a0e", Aliases: [opts.name] } },
    },
  };
}

/** k3d-openchoreo-serverlb as `docker inspect` shows it with the OpenChoreo config (1:1 ports, API on 6550). */
function serverlb(opts: { ports?: number[]; running?: boolean; exitCode?: number } = {}): ContainerInspect {
  const ports = opts.ports ?? [8080, 8443];
  const bindings: Ports = { "6443/tcp": [{ HostIp: "0.0.0.0", HostPort: "6550" }] };
  const runtime: Ports = { "80/tcp": null, "6443/tcp": [{ HostIp: "0.0.0.0", HostPort: "6550" }] };
  for (const p of ports) {
    bindings[`${p}/tcp`] = [{ HostIp: "", HostPort: String(p) }];
    runtime[`${p}/tcp`] = [
      { HostIp: "0.0.0.0", HostPort: String(p) },
      { HostIp: "::", HostPort: String(p) },
    ];
  }
  return container({
    id: "3f1c9a7e2b4d6f8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a",
    name: "k3d-openchoreo-serverlb",
    image: "ghcr.io/k3d-io/k3d-proxy:5.8.3",
    labels: k3dLabels("openchoreo", "loadbalancer"),
    bindings,
    runtime,
    network: "k3d-openchoreo",
    ip: "172.19.0.3",
    state: opts.running === false ? { Running: false, Status: "exited", ExitCode: opts.exitCode ?? 137 } : {},
  });
}

const server0 = container({
  id: "9d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e",
  name: "k3d-openchoreo-server-0",
  image: "rancher/k3s:v1.31.5-k3s1",
  labels: { ...k3dLabels("openchoreo", "server"), "k3d.server.api.host": "0.0.0.0", "k3d.server.api.hostIP": "0.0.0.0", "k3d.server.api.port": "6550" },
  bindings: {},
  network: "k3d-openchoreo",
  ip: "172.19.0.2",
});

const kindControlPlane = (extra: Ports = {}) =>
  container({
    id: "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
    name: "kind-control-plane",
    image: "kindest/node:v1.33.1",
    labels: { "io.x-k8s.kind.cluster": "kind", "io.x-k8s.kind.role": "control-plane" },
    bindings: { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "39217" }], ...extra },
    network: "kind",
    ip: "172.18.0.2",
  });

const k3dInfo = { context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: "https://0.0.0.0:6550", namespace: "default" };
const kindInfo = { context: "kind-kind", cluster: "kind-kind", server: "https://127.0.0.1:39217", namespace: "default" };

const dockerProxy4: HostListener = {
  address: "0.0.0.0",
  port: 8080,
  pid: 2211,
  process: "docker-proxy",
  command: "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080",
};
const dockerProxy6: HostListener = {
  address: "::",
  port: 8080,
  pid: 2218,
  process: "docker-proxy",
  command: "/usr/bin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.19.0.3 -container-port 8080",
};
/** `os.networkInterfaces()` of a laptop on a home LAN. */
const lanInterfaces = [
  { name: "lo", address: "127.0.0.1", family: "IPv4" as const, internal: true },
  { name: "wlp2s0", address: "192.168.1.20", family: "IPv4" as const, internal: false },
];

const kubectlPf: HostListener = {
  address: "127.0.0.1",
  port: 6385,
  pid: 4321,
  process: "kubectl",
  command: "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6185",
};
const socatRelay: HostListener = { address: "0.0.0.0", port: 6385, pid: 42490, process: "socat", command: "socat TCP-LISTEN:6385,reuseaddr,fork TCP:localhost:6185" };

/** A Node as the API shows it: k3s / kind name nodes after their containers, InternalIP = the container's cluster-network address. */
const node = (name: string, ip: string, providerID: string): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  spec: { providerID },
  status: { addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }] },
});
const k3dServerNode = node("k3d-openchoreo-server-0", "172.19.0.2", "k3s://k3d-openchoreo-server-0");
const kindNode = node("kind-control-plane", "172.18.0.2", "kind://docker/kind/kind-control-plane");
/** kind extraPortMappings 8080 → 30080 on the control-plane node (real-world-facts §3.2). */
const kindDockerProxy: HostListener = {
  address: "0.0.0.0",
  port: 8080,
  pid: 3130,
  process: "docker-proxy",
  command: "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.18.0.2 -container-port 30080 -use-listen-fd",
};

const ironicService: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "metal3-metal3-ironic", namespace: "metal3-system", labels: { "app.kubernetes.io/name": "ironic" } },
  spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": "ironic" }, ports: [{ name: "api", port: 6185, targetPort: 6385, protocol: "TCP" }] },
};

function ironicPod(ready: boolean, waiting?: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "metal3-metal3-ironic-6b9f7c8d5-q7wzl", namespace: "metal3-system", labels: { "app.kubernetes.io/name": "ironic", "pod-template-hash": "6b9f7c8d5" } },
    spec: { containers: [{ name: "ironic", ports: [{ containerPort: 6385, name: "api" }] }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [{ name: "ironic", ready, restartCount: ready ? 0 : 7, state: ready ? { running: {} } : { waiting: { reason: waiting ?? "CrashLoopBackOff" } } }],
    },
  };
}

// ------------------------------------------------------------------ harness

const defaults: CheckOptions = { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 };

function toTarget(url: string): Target {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : "http";
  return { url, scheme, host: u.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port: u.port ? Number(u.port) : scheme === "https" ? 443 : 80, path: u.pathname + u.search };
}

/** Facts as a test gives them: only the fields the check under test reads. */
type LooseFacts = { [K in keyof PathFacts]?: Partial<NonNullable<PathFacts[K]>> | null };

interface Case {
  name: string;
  data: MemoryData;
  target?: string;
  facts?: LooseFacts;
  options?: Partial<CheckOptions>;
  status: CheckOutcome["status"];
  summary: string | RegExp;
  details?: RegExp;
  fixes?: string[];
  expectFacts?: LooseFacts;
  evidence?: Record<string, unknown>;
}

async function runCase(check: Check, c: Case): Promise<CheckOutcome> {
  const sources = memorySources(c.data);
  const ctx: CheckContext = {
    ...sources,
    target: c.target ? toTarget(c.target) : null,
    facts: (c.facts ?? {}) as PathFacts,
    options: { ...defaults, ...c.options },
    signal: new AbortController().signal,
  };
  return check.run(ctx);
}

function table(check: Check, cases: Case[]) {
  describe(`${check.id} (${check.code})`, () => {
    it.each(cases)("$name → $status", async (c) => {
      const out = await runCase(check, c);
      expect(out.status).toBe(c.status);
      if (typeof c.summary === "string") expect(out.summary).toContain(c.summary);
      else expect(out.summary).toMatch(c.summary);
      if (c.details) expect(out.details ?? "").toMatch(c.details);
      expect(out.fixes ?? []).toEqual(c.fixes ?? []);
      for (const id of out.fixes ?? []) expect(check.fixes).toContain(id);
      if (c.expectFacts) expect(out.facts).toMatchObject(c.expectFacts);
      if (c.evidence) expect(out.evidence).toMatchObject(c.evidence);
    });
  });
}

// ------------------------------------------------------------------ env

table(kubeconfigLoaded, [
  { name: "k3d context loaded", data: { kubeInfo: k3dInfo }, status: "pass", summary: "context k3d-openchoreo (cluster k3d-openchoreo, server https://0.0.0.0:6550" },
  { name: "no kubeconfig at all", data: { kubeInfo: null }, status: "fail", summary: "no kubeconfig: set KUBECONFIG or pass --kubeconfig" },
]);

table(apiReachable, [
  { name: "k3s answers", data: { kubeInfo: k3dInfo, kubeVersion: "v1.31.5+k3s1" }, status: "pass", summary: "API server https://0.0.0.0:6550 answers: v1.31.5+k3s1" },
  {
    name: "k3d cluster stopped: server and serverlb exited",
    data: { kubeInfo: k3dInfo, unavailable: { version: "unreachable" }, containers: [serverlb({ running: false, exitCode: 0 }), { ...server0, State: { Status: "exited", Running: false, ExitCode: 0 } }] },
    status: "fail",
    summary: /does not answer \(GET \/version: unreachable\); k3d-openchoreo-serverlb is exited \(exit code 0\).*`k3d cluster start openchoreo`/,
  },
  {
    name: "kind API times out",
    data: { kubeInfo: kindInfo, unavailable: { version: "timeout" }, containers: [kindControlPlane()] },
    status: "fail",
    summary: "kind: the node container may be stopped: `docker start kind-control-plane`",
  },
  {
    name: "credentials rejected",
    data: { kubeInfo: k3dInfo, unavailable: { version: "unauthorized" } },
    status: "fail",
    summary: "credentials were rejected",
  },
]);

table(dockerReachable, [
  { name: "system socket answers", data: {}, status: "pass", summary: "Docker Engine 28.2.2 (API 1.50) answers at unix:///var/run/docker.sock (the system Docker socket)" },
  {
    name: "Colima stopped",
    // A k3d cluster in the stopped Colima VM: its nodes are Docker containers, so Docker not answering is a failure.
    data: { dockerHost: "unix:///Users/dev/.colima/default/docker.sock", dockerUnavailable: "unreachable", kubeInfo: { context: "k3d-openchoreo", cluster: "k3d-openchoreo", server: "https://0.0.0.0:6550", namespace: "default" } },
    status: "fail",
    summary: /unix:\/\/\/Users\/dev\/\.colima\/default\/docker\.sock \(a Colima VM socket\) does not answer.*the container hop falls back to what the docker-proxy listener shows/,
  },
]);

table(gatewayApiInstalled, [
  {
    name: "OpenChoreo gateways served",
    data: {
      kube: {
        gateways: [
          { metadata: { name: "gateway-default", namespace: "openchoreo-control-plane" }, spec: { gatewayClassName: "kgateway", listeners: [{ name: "http", port: 8080, protocol: "HTTP" }] } },
          { metadata: { name: "gateway-default", namespace: "openchoreo-data-plane" }, spec: { gatewayClassName: "kgateway", listeners: [{ name: "http", port: 19080, protocol: "HTTP" }] } },
        ],
      },
    },
    status: "pass",
    summary: "gateways.gateway.networking.k8s.io is served: 2 Gateways in 2 namespaces",
  },
  {
    name: "Ingress-only cluster",
    data: { unavailable: { gateways: "not-found" } },
    status: "skip",
    summary: "not applicable: Gateway API CRDs are not installed (gateways.gateway.networking.k8s.io not served); Ingress-only clusters are normal",
  },
]);

describe("env.gateway-api-installed on a 403", () => {
  it("leaves a forbidden list to the engine (reported as unavailable)", async () => {
    await expect(runCase(gatewayApiInstalled, { name: "", data: { unavailable: { gateways: "forbidden" } }, status: "skip", summary: "" })).rejects.toMatchObject({ name: "SourceError", code: "forbidden" });
  });
});

table(permissionsSufficient, [
  { name: "cluster-admin on a cluster without HelmChart CRD", data: { unavailable: { helmcharts: "not-found" } }, status: "pass", summary: "all 14 served kinds are readable across namespaces (helmcharts not served" },
  {
    name: "namespaced CI service account",
    data: { unavailable: { events: "forbidden", nodes: "forbidden", helmcharts: "not-found" } },
    status: "warn",
    summary: "list events, nodes is forbidden (403); the checks that need them are skipped",
    evidence: { forbidden: ["events", "nodes"], notServed: ["helmcharts"] },
  },
]);

table(clusterFlavorDetected, [
  {
    name: "k3d cluster with its containers",
    data: { kubeInfo: k3dInfo, kubeVersion: "v1.31.5+k3s1", containers: [serverlb(), server0] },
    status: "pass",
    summary: "k3d cluster openchoreo (from context k3d-openchoreo, containers labelled k3d.cluster=openchoreo",
    evidence: { flavor: "k3d", cluster: "openchoreo", containers: ["k3d-openchoreo-serverlb", "k3d-openchoreo-server-0"] },
  },
  {
    name: "kind cluster",
    data: { kubeInfo: kindInfo, kubeVersion: "v1.33.1", containers: [kindControlPlane()] },
    status: "pass",
    summary: "kind cluster kind",
    evidence: { flavor: "kind", cluster: "kind" },
  },
  {
    name: "renamed context matched by the API port the serverlb publishes",
    data: { kubeInfo: { ...k3dInfo, context: "dev" }, kubeVersion: "v1.31.5+k3s1", containers: [serverlb(), server0] },
    status: "pass",
    summary: "API port 6550 published by k3d-openchoreo-serverlb",
    evidence: { flavor: "k3d", cluster: "openchoreo" },
  },
  {
    name: "plain k3s on a VM",
    data: { kubeInfo: { context: "default", cluster: "default", server: "https://192.168.64.5:6443", namespace: "default" }, kubeVersion: "v1.32.3+k3s1", containers: [] },
    status: "pass",
    summary: "k3s cluster default",
    evidence: { flavor: "k3s", cluster: "default" },
  },
  {
    name: "generic cluster",
    data: { kubeInfo: { context: "gke_proj_europe-west1_dev", cluster: "gke_proj_europe-west1_dev", server: "https://34.77.1.2", namespace: "default" }, kubeVersion: "v1.31.6-gke.1020000", dockerUnavailable: "unreachable" },
    status: "pass",
    summary: /generic cluster gke_proj_europe-west1_dev .*not read: Docker: unreachable/,
    evidence: { flavor: "generic" },
  },
  {
    name: "stale context of a deleted k3d cluster",
    data: { kubeInfo: k3dInfo, unavailable: { version: "unreachable" }, containers: [kindControlPlane()] },
    status: "warn",
    summary: "but no container labelled k3d.cluster=openchoreo on this Docker host (clusters seen: kind kind)",
    evidence: { flavor: "k3d", cluster: "openchoreo" },
  },
  {
    name: "no kubeconfig",
    data: { kubeInfo: null, containers: [serverlb(), server0] },
    status: "skip",
    summary: "not applicable: no kubeconfig context is loaded; clusters on the Docker host: k3d openchoreo",
    evidence: { flavor: "none", cluster: null },
  },
]);

// ------------------------------------------------------------------ dns

const api = "http://api.openchoreo.localhost:8080/";

table(nameResolves, [
  { name: "IP literal", data: {}, target: "http://127.0.0.1:8080/", status: "pass", summary: "127.0.0.1 is an IP literal", expectFacts: { address: "127.0.0.1" } },
  {
    name: "--resolve override",
    data: {},
    target: "http://api.example.test:8080/",
    options: { resolve: [{ host: "api.example.test", port: 8080, address: "127.0.0.1" }] },
    status: "pass",
    summary: "resolved by --resolve to 127.0.0.1",
    expectFacts: { address: "127.0.0.1" },
  },
  {
    name: "*.localhost the system resolver does not know",
    data: {},
    target: api,
    status: "pass",
    summary: "loopback name by RFC 6761: 127.0.0.1; the system resolver does not resolve it (ENOTFOUND): curl ≥7.85 and browsers do, Go/Python/kubectl tools may not",
    expectFacts: { address: "127.0.0.1" },
  },
  {
    name: "*.localhost with a hosts entry",
    data: { hosts: { path: "/etc/hosts", entries: [{ address: "127.0.0.1", names: ["localhost"] }, { address: "127.0.0.1", names: ["api.openchoreo.localhost"] }] } },
    target: api,
    status: "pass",
    summary: "(system resolver agrees: 127.0.0.1)",
  },
  {
    name: "*.localhost pointed elsewhere in the hosts file",
    data: { hosts: { path: "/etc/hosts", entries: [{ address: "192.168.5.15", names: ["api.openchoreo.localhost"] }] } },
    target: api,
    status: "pass",
    summary: "the system resolver disagrees (192.168.5.15)",
    expectFacts: { address: "127.0.0.1" },
  },
  {
    name: "*.localhost while ports are published on a Colima VM address",
    data: {},
    target: api,
    options: { hostAddress: "192.168.106.2" },
    status: "warn",
    summary: "api.openchoreo.localhost resolves to 127.0.0.1, but the cluster's ports are published on 192.168.106.2",
  },
  {
    name: "made-up name without a hosts entry",
    data: {},
    target: "http://api.platform.test:8080/",
    status: "fail",
    summary: "api.platform.test does not resolve (ENOTFOUND); expected the line `127.0.0.1 api.platform.test` in /etc/hosts or a DNS record",
    fixes: ["hosts-entry"],
  },
  {
    name: "name in the hosts file",
    data: { hosts: { path: "/etc/hosts", entries: [{ address: "127.0.0.1", names: ["api.platform.test"] }] } },
    target: "http://api.platform.test:8080/",
    status: "pass",
    summary: "api.platform.test resolves to 127.0.0.1 (via /etc/hosts)",
    expectFacts: { address: "127.0.0.1" },
  },
  {
    name: "name resolving to a LAN address while ports are on loopback",
    data: { resolve: { "dev.example.com": ["10.20.0.7"] } },
    target: "http://dev.example.com:8080/",
    status: "warn",
    summary: "dev.example.com resolves to 10.20.0.7, but the cluster's ports are published on 127.0.0.1; whether 10.20.0.7:8080 reaches them cannot be told",
    details: /point dev\.example\.com at 127\.0\.0\.1 \(`127\.0\.0\.1 dev\.example\.com` in \/etc\/hosts\), or bind the listener to 0\.0\.0\.0/,
    expectFacts: { address: "10.20.0.7" },
  },
  // Issue 11 §2: a different address is only worth a warning when it misses the listener the path needs.
  {
    name: "name resolving to this host's LAN address while docker-proxy binds 0.0.0.0 passes",
    data: { resolve: { "dev.example.com": ["192.168.1.20"] }, listeners: [dockerProxy6, dockerProxy4], interfaces: lanInterfaces },
    target: "http://dev.example.com:8080/",
    status: "pass",
    summary: "dev.example.com resolves to 192.168.1.20 (via the system resolver); the cluster's ports are published on 127.0.0.1, and docker-proxy (pid 2211) on 0.0.0.0:8080 also receives connections to 192.168.1.20:8080",
    expectFacts: { address: "192.168.1.20" },
  },
  {
    name: "the Debian hostname line 127.0.1.1 while docker-proxy binds 0.0.0.0 passes",
    data: { hosts: { path: "/etc/hosts", entries: [{ address: "127.0.1.1", names: ["devbox"] }] }, listeners: [dockerProxy4] },
    target: "http://devbox:8080/",
    status: "pass",
    summary: "devbox resolves to 127.0.1.1 (via /etc/hosts)",
  },
  {
    name: "the Debian hostname line 127.0.1.1 while kubectl port-forward binds 127.0.0.1 only warns",
    data: { hosts: { path: "/etc/hosts", entries: [{ address: "127.0.1.1", names: ["devbox"] }] }, listeners: [{ ...kubectlPf, port: 8080 }] },
    target: "http://devbox:8080/",
    status: "warn",
    summary: "devbox resolves to 127.0.1.1, but the cluster's ports are published on 127.0.0.1: nothing listens on 127.0.1.1:8080 (nor on 0.0.0.0), so the connection will be refused",
    details: /`127\.0\.0\.1 devbox` in \/etc\/hosts/,
  },
  {
    name: "name resolving to this host's LAN address while the port is bound to loopback only warns",
    data: { resolve: { "dev.example.com": ["192.168.1.20"] }, listeners: [{ ...dockerProxy4, address: "127.0.0.1" }], interfaces: lanInterfaces },
    target: "http://dev.example.com:8080/",
    status: "warn",
    summary: "nothing listens on 192.168.1.20:8080 (nor on 0.0.0.0), so the connection will be refused",
  },
  {
    name: "name resolving to another machine warns that requests leave this host",
    data: { resolve: { "dev.example.com": ["10.20.0.7"] }, listeners: [dockerProxy4], interfaces: lanInterfaces },
    target: "http://dev.example.com:8080/",
    status: "warn",
    summary: "dev.example.com resolves to 10.20.0.7, which is not an address of this host, but the cluster's ports are published on 127.0.0.1: requests go to another machine, not to this cluster",
  },
]);

// ------------------------------------------------------------------ host-port

table(acceptsConnections, [
  { name: "serverlb port open", data: { tcp: { "127.0.0.1:8080": "connected" } }, target: api, facts: { address: "127.0.0.1" }, status: "pass", summary: "127.0.0.1:8080 accepts connections", expectFacts: { connect: "connected" } },
  { name: "nothing published", data: {}, target: api, facts: { address: "127.0.0.1" }, status: "fail", summary: "nothing listens on 127.0.0.1:8080 (connection refused)", expectFacts: { connect: "refused" } },
  { name: "VM address dropped", data: { tcp: { "192.168.106.2:8080": "timeout" } }, target: "http://192.168.106.2:8080/", facts: { address: "192.168.106.2" }, status: "fail", summary: "192.168.106.2:8080 does not answer within 2000 ms (timeout)" },
  { name: "IPv6 loopback refused", data: {}, target: "http://[::1]:8080/", facts: { address: "::1" }, status: "fail", summary: "nothing listens on [::1]:8080" },
]);

table(listenerIdentified, [
  {
    name: "docker-proxy on 0.0.0.0 and ::",
    data: { listeners: [dockerProxy6, dockerProxy4] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "pass",
    summary: "docker-proxy (pid 2211) listens on 0.0.0.0:8080",
    expectFacts: { listener: dockerProxy4 },
  },
  {
    name: "kubectl port-forward on loopback",
    data: { listeners: [kubectlPf, { ...kubectlPf, address: "::1" }] },
    target: "http://127.0.0.1:6385/",
    facts: { address: "127.0.0.1" },
    status: "pass",
    summary: "kubectl (pid 4321) listens on 127.0.0.1:6385",
    expectFacts: { listener: kubectlPf },
  },
  {
    name: "port-forward bound to loopback, client uses the LAN address and is refused",
    data: { listeners: [kubectlPf] },
    target: "http://192.168.1.20:6385/",
    facts: { address: "192.168.1.20", connect: "refused" },
    status: "warn",
    summary: "kubectl (pid 4321) listens on 127.0.0.1:6385 only (bind scope: loopback), which does not cover 192.168.1.20:6385: connections to 192.168.1.20:6385 are refused; restart it with `kubectl port-forward --address 0.0.0.0 …` (or --address 192.168.1.20), or send the request to 127.0.0.1",
    expectFacts: { listener: null },
  },
  {
    name: "socat bound to another loopback address than the name's, connection refused",
    data: { listeners: [{ ...socatRelay, address: "127.0.0.2" }] },
    target: "http://ironic.local:6385/",
    facts: { address: "127.0.0.1", connect: "refused" },
    status: "warn",
    summary: "socat (pid 42490) listens on 127.0.0.2:6385, which does not cover 127.0.0.1:6385: connections to 127.0.0.1:6385 are refused; restart it with `TCP-LISTEN:6385,fork,reuseaddr,bind=0.0.0.0` (or drop bind=), or send the request to 127.0.0.2 (point ironic.local at it)",
  },
  {
    name: "a loopback-only socket beside a LAN address a DNAT rule serves (k3s ServiceLB on this host) is harmless",
    data: { listeners: [{ address: "127.0.0.1", port: 80, pid: 3170, process: "nginx", command: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;" }] },
    target: "http://192.168.1.42/",
    facts: { address: "192.168.1.42", connect: "connected" },
    status: "pass",
    summary: "192.168.1.42:80 accepts connections without a socket bound to it: a DNAT rule takes them first (k3s ServiceLB or hostPort, Docker with userland-proxy off) or a socket this host's table does not show; nginx (pid 3170) on 127.0.0.1:80 only (bind scope: loopback) is another socket, not on this path",
    expectFacts: { listener: null },
    evidence: { connect: "connected", otherSocket: { address: "127.0.0.1", process: "nginx" } },
  },
  {
    name: "a port mapping on another host IP, connection not tried",
    data: { listeners: [{ ...dockerProxy4, address: "127.0.0.1" }] },
    target: "http://10.0.0.5:8080/",
    facts: { address: "10.0.0.5" },
    status: "warn",
    summary: /connections to 10\.0\.0\.5:8080 reach no listener; publish the port without a host IP \(`-p 8080:…`/,
  },
  { name: "nothing listens", data: { listeners: [dockerProxy4] }, target: "http://127.0.0.1:9999/", facts: { address: "127.0.0.1" }, status: "skip", summary: "not applicable: nothing listens on port 9999" },
  { name: "platform without listener support", data: { listeners: null, platform: "win32" }, target: api, facts: { address: "127.0.0.1" }, status: "skip", summary: "not applicable: listening sockets: not available on this platform" },
  {
    name: "root-owned socket invisible to the user",
    data: { listeners: [{ address: "0.0.0.0", port: 8080 }] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "skip",
    summary: "not applicable: the owner of 0.0.0.0:8080 is not visible to this user",
  },
]);

// ------------------------------------------------------------------ forwarder

const ironicTarget = "http://127.0.0.1:6385/v1";

table(upstreamReachable, [
  {
    name: "docker-proxy owns the port",
    data: {},
    target: api,
    facts: { listener: dockerProxy4 },
    status: "skip",
    summary: "not applicable: docker-proxy publishes a container port; see the container hop",
    expectFacts: { forwarder: null },
  },
  {
    name: "an unrelated process owns the port",
    data: {},
    target: api,
    facts: { listener: { address: "127.0.0.1", port: 8080, pid: 777, process: "python3", command: "python3 -m http.server 8080" } },
    status: "skip",
    summary: "not applicable: no userspace forwarder owns the port (python3 (pid 777) on 127.0.0.1:8080",
    expectFacts: { forwarder: null },
  },
  {
    name: "socat relay whose upstream refuses",
    data: { listeners: [socatRelay] },
    target: "http://127.0.0.1:6385/v1",
    facts: { listener: socatRelay },
    status: "fail",
    summary: "socat (pid 42490) relays 0.0.0.0:6385 to localhost:6185 (127.0.0.1): connection refused",
    expectFacts: { forwarder: { kind: "socat", pid: 42490, upstream: "localhost:6185", command: socatRelay.command } },
  },
  {
    name: "socat relay to a kubectl port-forward that answers",
    data: { listeners: [socatRelay, { ...kubectlPf, port: 6185, command: "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6185:6185" }], tcp: { "127.0.0.1:6185": "connected" } },
    target: "http://127.0.0.1:6385/v1",
    facts: { listener: socatRelay },
    status: "pass",
    summary: "socat (pid 42490) relays 0.0.0.0:6385 to localhost:6185 (127.0.0.1) (kubectl (pid 4321)), which accepts connections",
  },
  {
    name: "socat relaying to its own port",
    data: {},
    target: "http://127.0.0.1:8080/",
    facts: { listener: { address: "0.0.0.0", port: 8080, pid: 5150, process: "socat", command: "socat TCP4-LISTEN:8080,fork,reuseaddr TCP4:127.0.0.1:8080" } },
    status: "fail",
    summary: "socat (pid 5150) relays 0.0.0.0:8080 to 127.0.0.1:8080: itself (a forwarding loop)",
  },
  {
    name: "two socats relaying to each other",
    data: {
      listeners: [
        { address: "127.0.0.1", port: 8080, pid: 1001, process: "socat", command: "socat TCP-LISTEN:8080,bind=127.0.0.1,fork TCP:127.0.0.1:9090" },
        { address: "127.0.0.1", port: 9090, pid: 1002, process: "socat", command: "socat TCP-LISTEN:9090,bind=127.0.0.1,fork TCP:127.0.0.1:8080" },
      ],
    },
    target: "http://127.0.0.1:8080/",
    facts: { listener: { address: "127.0.0.1", port: 8080, pid: 1001, process: "socat", command: "socat TCP-LISTEN:8080,bind=127.0.0.1,fork TCP:127.0.0.1:9090" } },
    status: "fail",
    summary: "which leads back to it (a forwarding loop: 127.0.0.1:8080 → socat (pid 1002) on 127.0.0.1:9090 → 127.0.0.1:8080)",
  },
  {
    name: "socat bound to loopback relaying the same port to a node IP (not a loop)",
    data: { tcp: { "172.19.0.2:8080": "connected" } },
    target: "http://127.0.0.1:8080/",
    facts: { listener: { address: "127.0.0.1", port: 8080, pid: 5151, process: "socat", command: "socat TCP-LISTEN:8080,fork,reuseaddr,bind=127.0.0.1 TCP:172.19.0.2:8080" } },
    status: "pass",
    summary: "relays 127.0.0.1:8080 to 172.19.0.2:8080, which accepts connections",
  },
  {
    name: "kubectl port-forward to a Service with a ready pod",
    data: { kube: { services: [ironicService], pods: [ironicPod(true)] } },
    target: ironicTarget,
    facts: { listener: kubectlPf },
    status: "pass",
    summary: "kubectl port-forward (pid 4321) forwards 127.0.0.1:6385 to svc/metal3-metal3-ironic:6185 in metal3-system; 1 ready pod (metal3-metal3-ironic-6b9f7c8d5-q7wzl)",
    expectFacts: { forwarder: { kind: "kubectl-port-forward", pid: 4321, upstream: "metal3-system/svc/metal3-metal3-ironic:6185" } },
  },
  {
    name: "kubectl port-forward whose Service is gone",
    data: { kube: { services: [], pods: [] } },
    target: ironicTarget,
    facts: { listener: kubectlPf },
    status: "fail",
    summary: "but Service metal3-system/metal3-metal3-ironic does not exist",
    fixes: ["socat-forward"],
  },
  {
    name: "kubectl port-forward whose pods crash-loop",
    data: { kube: { services: [ironicService], pods: [ironicPod(false)] } },
    target: ironicTarget,
    facts: { listener: kubectlPf },
    status: "fail",
    summary: "the only pod of Service metal3-system/metal3-metal3-ironic is not ready (metal3-metal3-ironic-6b9f7c8d5-q7wzl: Running, not ready (CrashLoopBackOff))",
    fixes: ["socat-forward"],
  },
  {
    name: "kubectl port-forward to a pod that was replaced by a rollout",
    data: { kube: { pods: [ironicPod(true)] } },
    target: ironicTarget,
    facts: { listener: { ...kubectlPf, command: "kubectl port-forward -n metal3-system metal3-metal3-ironic-6b9f7c8d5-abcde 6385" } },
    status: "fail",
    summary: "but pod metal3-system/metal3-metal3-ironic-6b9f7c8d5-abcde does not exist",
    fixes: ["socat-forward"],
  },
  {
    name: "kubectl port-forward to a Service port that does not exist",
    data: { kube: { services: [ironicService], pods: [ironicPod(true)] } },
    target: ironicTarget,
    facts: { listener: { ...kubectlPf, command: "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6385" } },
    status: "fail",
    summary: "has no port 6385 (ports: 6185 (api))",
  },
  {
    name: "kubectl port-forward when pods cannot be listed",
    data: { unavailable: { pods: "forbidden" } },
    target: ironicTarget,
    facts: { listener: kubectlPf },
    status: "skip",
    summary: /^unavailable: pods.core forbidden \(403\)/,
    expectFacts: { forwarder: { kind: "kubectl-port-forward" } },
  },
  {
    name: "Lima-style ssh forward into the VM",
    data: {},
    target: api,
    facts: { listener: { address: "127.0.0.1", port: 8080, pid: 9001, process: "ssh", command: "ssh -F /dev/null -o ControlMaster=auto -N -L 127.0.0.1:8080:127.0.0.1:8080 -p 60022 lima@127.0.0.1" } },
    status: "skip",
    summary: "not applicable: ssh (pid 9001) relays 127.0.0.1:8080 to 127.0.0.1:8080 as seen from the ssh server lima@127.0.0.1 -p 60022",
    expectFacts: { forwarder: { kind: "ssh", upstream: "127.0.0.1:8080" } },
  },
  {
    name: "nc answering by itself",
    data: {},
    target: api,
    facts: { listener: { address: "0.0.0.0", port: 8080, pid: 31337, process: "nc", command: "nc -lk 8080" } },
    status: "fail",
    summary: "nc (pid 31337) on 0.0.0.0:8080 is `nc -l` without a relay (no -c/-e/--sh-exec): it accepts the connection and forwards nothing",
  },
  {
    name: "ncat relay to a NodePort that answers",
    data: { tcp: { "172.19.0.2:30080": "connected" } },
    target: api,
    facts: { listener: { address: "0.0.0.0", port: 8080, pid: 2424, process: "ncat", command: `ncat -l 8080 --keep-open --sh-exec "ncat 172.19.0.2 30080"` } },
    status: "pass",
    summary: "nc (pid 2424) relays 0.0.0.0:8080 to 172.19.0.2:30080, which accepts connections",
    expectFacts: { forwarder: { kind: "nc", pid: 2424, upstream: "172.19.0.2:30080" } },
  },
  { name: "no listener identified", data: {}, target: api, facts: { listener: null }, status: "skip", summary: "not applicable: no userspace forwarder owns the port", expectFacts: { forwarder: null } },
]);

// ------------------------------------------------------------------ container

table(publishesPort, [
  {
    name: "k3d serverlb publishes the port",
    data: { containers: [server0, serverlb()] },
    target: api,
    facts: { address: "127.0.0.1", forwarder: null },
    status: "pass",
    summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:8080 → 8080/tcp (k3d load balancer of cluster openchoreo)",
    expectFacts: {
      container: { name: "k3d-openchoreo-serverlb", role: "k3d-serverlb", cluster: "openchoreo", hostPort: 8080, containerPort: 8080, running: true, networks: { "k3d-openchoreo": "172.19.0.3" } },
    },
  },
  {
    name: "k3d serverlb without the port",
    data: { kubeInfo: k3dInfo, containers: [server0, serverlb({ ports: [8443] })] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "fail",
    summary: "no container publishes port 8080: k3d-openchoreo-serverlb publishes 6550→6443/tcp, 8443/tcp; not 8080",
    fixes: ["k3d-port-mapping"],
    expectFacts: { container: null },
  },
  {
    name: "stopped serverlb still claims the port",
    data: { containers: [server0, serverlb({ running: false })] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "pass",
    summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:8080 → 8080/tcp",
    expectFacts: { container: { running: false } },
  },
  {
    name: "kind node with an extraPortMapping",
    data: { containers: [kindControlPlane({ "30080/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] })] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "pass",
    summary: "kind-control-plane publishes 0.0.0.0:8080 → 30080/tcp (kind node of cluster kind)",
    expectFacts: { container: { role: "kind-node", containerPort: 30080 } },
  },
  {
    name: "kind node without the mapping",
    data: { kubeInfo: kindInfo, containers: [kindControlPlane()] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "fail",
    summary: "no container publishes port 8080: kind-control-plane publishes 39217→6443/tcp; not 8080",
    fixes: ["kind-port-mapping"],
  },
  {
    name: "kind mapping bound to loopback, client on the VM address",
    data: { containers: [kindControlPlane({ "30080/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }] })] },
    target: "http://192.168.106.2:8080/",
    facts: { address: "192.168.106.2" },
    options: { hostAddress: "192.168.106.2" },
    status: "fail",
    summary: "kind-control-plane publishes 127.0.0.1:8080 → 30080/tcp only, which does not receive connections to 192.168.106.2",
    fixes: ["kind-port-mapping"],
  },
  {
    name: "socat in front relays to a port the serverlb publishes",
    data: { containers: [server0, serverlb({ ports: [8080, 6185] })] },
    target: "http://127.0.0.1:6385/",
    facts: { address: "127.0.0.1", forwarder: { kind: "socat", pid: 42490, upstream: "localhost:6185", command: socatRelay.command! } },
    status: "pass",
    summary: "k3d-openchoreo-serverlb publishes 0.0.0.0:6185 → 6185/tcp (k3d load balancer of cluster openchoreo) for socat (pid 42490) upstream localhost:6185",
  },
  {
    name: "socat relays straight to the node IP and NodePort",
    data: { containers: [server0, serverlb()] },
    target: "http://127.0.0.1:8080/",
    facts: { address: "127.0.0.1", forwarder: { kind: "socat", pid: 5151, upstream: "172.19.0.2:30080", command: "socat TCP-LISTEN:8080,fork TCP:172.19.0.2:30080" } },
    status: "pass",
    summary: "reaches container k3d-openchoreo-server-0 directly at 172.19.0.2:30080 on network k3d-openchoreo (k3d node of cluster openchoreo)",
  },
  {
    name: "kubectl port-forward carries the traffic",
    data: { containers: [serverlb()] },
    target: ironicTarget,
    facts: { address: "127.0.0.1", forwarder: { kind: "kubectl-port-forward", pid: 4321, upstream: "metal3-system/svc/metal3-metal3-ironic:6185", command: kubectlPf.command! } },
    status: "skip",
    summary: "not applicable: kubectl port-forward (pid 4321) carries the traffic through the API server",
    expectFacts: { container: null },
  },
  {
    name: "no cluster containers at all",
    data: { containers: [] },
    target: api,
    facts: { address: "127.0.0.1" },
    status: "fail",
    summary: "no container publishes port 8080 (0 containers inspected, no k3d or kind cluster among them)",
  },
  {
    name: "Docker unreachable, docker-proxy relays to a k3d address that is no Node",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable", kube: { nodes: [k3dServerNode] } },
    target: api,
    facts: { address: "127.0.0.1", listener: dockerProxy4 },
    status: "warn",
    summary: "Docker is unreachable; docker-proxy (pid 2211) relays 0.0.0.0:8080 to 172.19.0.3:8080 — inferred: k3d-openchoreo-serverlb (k3d load balancer of cluster openchoreo)",
    expectFacts: {
      container: { id: "", name: "k3d-openchoreo-serverlb", role: "k3d-serverlb", cluster: "openchoreo", hostIp: "0.0.0.0", hostPort: 8080, containerPort: 8080, protocol: "tcp", running: true, inferred: true, networks: { unknown: "172.19.0.3" } },
    },
    evidence: { inferred: true, basis: "k3d-serverlb-naming", nodes: ["k3d-openchoreo-server-0"], docker: { code: "unreachable" } },
  },
  {
    name: "Docker unreachable, docker-proxy relays to the IPv6 side of the same k3d port",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable", kube: { nodes: [k3dServerNode] } },
    target: "http://[::1]:8080/",
    facts: { address: "::1", listener: dockerProxy6 },
    status: "warn",
    summary: "docker-proxy (pid 2218) relays [::]:8080 to 172.19.0.3:8080 — inferred: k3d-openchoreo-serverlb",
  },
  {
    name: "Docker refuses access, docker-proxy relays to a k3d server node directly",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "forbidden", kube: { nodes: [k3dServerNode] } },
    target: api,
    facts: { address: "127.0.0.1", listener: { ...dockerProxy4, command: dockerProxy4.command!.replace("172.19.0.3", "172.19.0.2") } },
    status: "warn",
    summary: "Docker refuses access; docker-proxy (pid 2211) relays 0.0.0.0:8080 to 172.19.0.2:8080 — inferred: k3d-openchoreo-server-0 (k3d node of cluster openchoreo: Node InternalIP 172.19.0.2)",
    expectFacts: { container: { name: "k3d-openchoreo-server-0", role: "k3d-node", cluster: "openchoreo", inferred: true } },
    evidence: { basis: "node-internal-ip" },
  },
  {
    name: "Docker unreachable on a kind context, docker-proxy relays to the node IP",
    data: { kubeInfo: kindInfo, dockerUnavailable: "unreachable", kube: { nodes: [kindNode] } },
    target: api,
    facts: { address: "127.0.0.1", listener: kindDockerProxy },
    status: "warn",
    summary: "Docker is unreachable; docker-proxy (pid 3130) relays 0.0.0.0:8080 to 172.18.0.2:30080 — inferred: kind-control-plane (kind node of cluster kind: Node InternalIP 172.18.0.2)",
    expectFacts: { container: { id: "", name: "kind-control-plane", role: "kind-node", cluster: "kind", containerPort: 30080, inferred: true } },
  },
  {
    name: "Docker unreachable on a kind context, docker-proxy relays to an address that is no Node",
    data: { kubeInfo: kindInfo, dockerUnavailable: "unreachable", kube: { nodes: [kindNode] } },
    target: api,
    facts: { address: "127.0.0.1", listener: { ...kindDockerProxy, command: kindDockerProxy.command!.replace("172.18.0.2", "172.18.0.9") } },
    status: "warn",
    summary: "inferred: an unidentified container at 172.18.0.9 (no Node of context kind-kind has InternalIP 172.18.0.9)",
    expectFacts: { container: { name: "172.18.0.9", role: "other", cluster: null, inferred: true } },
  },
  {
    name: "Docker and the Nodes both unreadable on a k3d context: the context alone names the serverlb",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "timeout", unavailable: { nodes: "forbidden" } },
    target: api,
    facts: { address: "127.0.0.1", listener: dockerProxy4 },
    status: "warn",
    summary: "Docker does not answer in time; docker-proxy (pid 2211) relays 0.0.0.0:8080 to 172.19.0.3:8080 — inferred: k3d-openchoreo-serverlb",
    evidence: { nodes: null, kubeError: "nodes.core forbidden (403)" },
  },
  {
    name: "Docker unreachable and no listener identified",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable" },
    target: api,
    facts: { address: "127.0.0.1", listener: null },
    status: "skip",
    summary: "unavailable: docker: unreachable; no docker-proxy listener names the container side",
    expectFacts: { container: undefined },
  },
  {
    name: "Docker unreachable and the port is held by something other than docker-proxy",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable" },
    target: api,
    facts: { address: "127.0.0.1", listener: { address: "127.0.0.1", port: 8080, pid: 777, process: "python3", command: "python3 -m http.server 8080" } },
    status: "skip",
    summary: "unavailable: docker: unreachable; no docker-proxy listener names the container side",
    expectFacts: { container: undefined },
  },
  {
    name: "Docker unreachable and the docker-proxy publishes another host port",
    data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable" },
    target: "http://127.0.0.1:8443/",
    facts: { address: "127.0.0.1", listener: { ...dockerProxy4, port: 8443 } },
    status: "skip",
    summary: "no docker-proxy listener names the container side",
  },
]);

describe("container.publishes-port without Docker", () => {
  it("leaves the container unresolved rather than claiming no container publishes the port", async () => {
    const out = await runCase(publishesPort, {
      name: "no listener",
      data: { kubeInfo: k3dInfo, dockerUnavailable: "unreachable" },
      target: api,
      facts: { address: "127.0.0.1", listener: null },
      status: "skip",
      summary: "",
    });
    expect(out.facts).toHaveProperty("container");
    expect(out.facts?.container).toBeUndefined();
  });

  it("is not blocked by env.docker-reachable and reads the listener's facts", () => {
    expect(publishesPort.dependsOn ?? []).not.toContain("env.docker-reachable");
    expect(publishesPort.after).toEqual(expect.arrayContaining(["env.docker-reachable", "host-port.listener-identified"]));
  });
});

const lbFact = {
  id: serverlb().Id,
  name: "k3d-openchoreo-serverlb",
  role: "k3d-serverlb" as const,
  cluster: "openchoreo",
  hostIp: "0.0.0.0",
  hostPort: 8080,
  containerPort: 8080,
  protocol: "tcp" as const,
  running: true,
  networks: { "k3d-openchoreo": "172.19.0.3" },
};

table(containerRunning, [
  { name: "serverlb running", data: { containers: [serverlb()] }, target: api, facts: { container: lbFact }, status: "pass", summary: "k3d-openchoreo-serverlb is running (started 2026-11-22T09:01:02.345Z)" },
  {
    name: "serverlb exited after a reboot",
    data: { containers: [serverlb({ running: false, exitCode: 137 })] },
    target: api,
    facts: { container: { ...lbFact, running: false } },
    status: "fail",
    summary: "k3d-openchoreo-serverlb is exited (exit code 137); expected running (`k3d cluster start openchoreo`)",
  },
  {
    name: "kind node stopped",
    data: { containers: [{ ...kindControlPlane(), State: { Status: "exited", Running: false, ExitCode: 130 } }] },
    target: api,
    facts: { container: { ...lbFact, id: kindControlPlane().Id, name: "kind-control-plane", role: "kind-node", cluster: "kind" } },
    status: "fail",
    summary: "kind-control-plane is exited (exit code 130); expected running (`docker start kind-control-plane`)",
  },
  {
    name: "restarting dev container",
    data: { containers: [{ ...serverlb(), Name: "/dev-proxy", Config: { Labels: {} }, State: { Status: "restarting", Running: true, Restarting: true, ExitCode: 1 } }] },
    target: api,
    facts: { container: { ...lbFact, name: "dev-proxy", role: "other", cluster: null } },
    status: "fail",
    summary: "dev-proxy is restarting (exit code 1); expected running (it keeps exiting: see `docker logs dev-proxy`)",
  },
  { name: "no container fact", data: {}, target: api, facts: { container: null }, status: "skip", summary: "not applicable: no container publishes the port" },
  {
    name: "container inferred from docker-proxy while Docker is unreachable",
    data: { dockerUnavailable: "unreachable" },
    target: api,
    facts: { container: { ...lbFact, id: "", networks: { unknown: "172.19.0.3" }, inferred: true } },
    status: "skip",
    summary: "not applicable: Docker unreachable, state inferred (k3d-openchoreo-serverlb was named from the docker-proxy command line, not inspected)",
  },
]);

describe("check declarations", () => {
  const all = [kubeconfigLoaded, apiReachable, dockerReachable, gatewayApiInstalled, permissionsSufficient, clusterFlavorDetected, nameResolves, acceptsConnections, listenerIdentified, upstreamReachable, publishesPort, containerRunning];
  it("gives every client-side check a unique id and code and a full explanation", () => {
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
    for (const c of all) {
      expect(c.explain?.meaning, c.id).toBeTruthy();
      expect(c.explain?.causes, c.id).toBeTruthy();
      expect(c.explain?.fix, c.id).toBeTruthy();
    }
  });
});
