/**
 * Older k3d and k3s, and whoever holds a node port (issue 10 §3, §4): k3d v1
 * and v3 container labels, k3s version strings of every era, svclb objects in
 * the Service's own namespace with DEST_IP, traefik 1.x, and hostPort /
 * hostNetwork holders named by service.port-free. Objects are shaped as the
 * sources recorded in docs/facts/k3d-k3s-legacy-hostport-multinode.md show them.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, PathFacts } from "../../src/engine/types.js";
import type { HelmChart, KubeEvent, Pod, Service } from "../../src/kube/types.js";
import type { ContainerInspect } from "../../src/sources/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import { containerCluster, containerRole, k3dIdentity, nodesReached, serverlbUpstreams } from "../../src/host/containers.js";
import { detectFlavor, isK3sVersion } from "../../src/host/flavor.js";
import { k3dServers } from "../../src/host/k3s.js";
import { backendOfPath, hostPortsOf, podNode, svclbDestination, svclbFor, svclbServiceOf, workloadOf } from "../../src/kube/helpers.js";
import { entryProxy, offNodeHolders, portTakers } from "../../src/kube/node-port.js";
import { imageRepository, proxyOfPod } from "../../src/kube/proxies.js";
import { ingressImplementationOf } from "../../src/ingress/classes.js";
import portFree from "../../checks/service/port-free.js";
import receivesPort from "../../checks/service/receives-port.js";
import hostportProxyReached from "../../checks/gateway/hostport-proxy-reached.js";

const T0 = "2021-01-12T09:14:03Z";

function inspect(name: string, labels: Record<string, string>, ports: Record<string, { HostIp: string; HostPort: string }[]>, extra: Partial<ContainerInspect> = {}): ContainerInspect {
  return {
    Id: `${name.replace(/[^a-z0-9]/g, "")}0a4f2c9e7b1d`.padEnd(64, "0").slice(0, 64),
    Name: `/${name}`,
    State: { Status: "running", Running: true },
    Config: { Image: "docker.io/rancher/k3s:v1.14.6-k3s.1", Labels: labels, Hostname: name },
    HostConfig: { PortBindings: ports },
    NetworkSettings: { Ports: ports, Networks: {} },
    ...extra,
  };
}

// k3d v1.7.0 cli/container.go createServer / createWorker.
const v1Server = inspect(
  "k3d-k3s-default-server",
  { app: "k3d", component: "server", created: "2020-02-21 10:12:33", cluster: "k3s-default", apihost: "localhost" },
  { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8081" }], "6550/tcp": [{ HostIp: "0.0.0.0", HostPort: "6550" }] },
  { Args: ["server", "--https-listen-port", "6550"] },
);
const v1Worker = inspect("k3d-k3s-default-worker-0", { app: "k3d", component: "worker", created: "2020-02-21 10:12:35", cluster: "k3s-default" }, {});
// k3d v3.x serverlb: default labels plus the role (pkg/cluster/cluster.go, node.go).
const v3Serverlb = inspect("k3d-demo-serverlb", { app: "k3d", "k3d.role": "loadbalancer" }, { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }], "6443/tcp": [{ HostIp: "0.0.0.0", HostPort: "45311" }] });
const v5Server = inspect("k3d-openchoreo-server-0", { app: "k3d", "k3d.cluster": "openchoreo", "k3d.role": "server" }, {});
const registry = inspect("k3d-registry.localhost", { app: "k3d", "k3d.role": "registry" }, {});

describe("k3d containers of every era", () => {
  it.each([
    ["a k3d v1 server", v1Server, "k3d-node", "k3s-default", "server", "v1"],
    ["a k3d v1 worker", v1Worker, "k3d-node", "k3s-default", "agent", "v1"],
    ["a k3d v3 serverlb without k3d.cluster (cluster from its name)", v3Serverlb, "k3d-serverlb", "demo", "loadbalancer", "v3+"],
    ["a k3d v5 server", v5Server, "k3d-node", "openchoreo", "server", "v3+"],
  ] as const)("recognises %s", (_what, c, role, cluster, k3dRole, era) => {
    expect(containerRole(c)).toBe(role);
    expect(containerCluster(c)).toEqual({ flavor: "k3d", cluster });
    expect(k3dIdentity(c)).toEqual({ cluster, role: k3dRole, era });
  });

  it("does not take a shared k3d registry for a cluster container", () => {
    expect(containerCluster(registry)).toBeNull();
    expect(containerRole(registry)).toBe("other");
  });

  it("finds k3d v1 servers for the traefik-stays-disabled check", () => {
    expect(k3dServers([v1Server, v1Worker, v3Serverlb, v5Server]).map((c) => c.Name)).toEqual(["/k3d-k3s-default-server", "/k3d-openchoreo-server-0"]);
  });
});

describe("k3s version strings of every era", () => {
  it.each(["v1.14.6-k3s.1", "v1.16.3-k3s.2", "v1.18.3+k3s1", "v1.20.15+k3s1", "v1.33.4+k3s1"])("detects %s as k3s", (v) => {
    expect(isK3sVersion(v)).toBe(true);
  });
  it.each(["v1.33.1", "v1.27.3+rke2r1", "v1.30.2-gke.1", "v1.29.0-eks-5e0fdde", null])("does not take %s for k3s", (v) => {
    expect(isK3sVersion(v)).toBe(false);
  });

  it("detects plain k3s from a -k3s.N version when no k3d container publishes the API", () => {
    const r = detectFlavor({ context: "default", kubeCluster: "default", server: "https://10.0.0.5:6443", gitVersion: "v1.14.6-k3s.1", containers: [] });
    expect(r.flavor).toBe("k3s");
  });

  it("detects a k3d v1 cluster whose context is the cluster name", () => {
    const r = detectFlavor({ context: "k3s-default", kubeCluster: "k3s-default", server: "https://localhost:6550", gitVersion: "v1.14.6-k3s.1", containers: [v1Server, v1Worker] });
    expect(r).toMatchObject({ flavor: "k3d", cluster: "k3s-default", warning: null });
    expect(r.containers).toEqual(["k3d-k3s-default-server", "k3d-k3s-default-worker-0"]);
  });

  it("finds a k3d v1 cluster from the API port its server listens on (--https-listen-port)", () => {
    const r = detectFlavor({ context: "dev", kubeCluster: "dev", server: "https://localhost:6550", gitVersion: "v1.17.4+k3s1", containers: [v1Server] });
    expect(r).toMatchObject({ flavor: "k3d", cluster: "k3s-default" });
    expect(r.basis.join("; ")).toContain("API port 6550 published by k3d-k3s-default-server");
  });
});

// ---------------------------------------------------------------- Kubernetes objects

function svc(ns: string, name: string, ports: [number, number | string, number][], labels: Record<string, string> = {}, selector: Record<string, string> = { app: name }, clusterIP = "10.43.134.66"): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, uid: `${name}-0d1e-4c3a-9f7e-5b2a1c9d8e7f`, labels },
    spec: { type: "LoadBalancer", clusterIP, selector, ports: ports.map(([port, targetPort, nodePort]) => ({ name: `p${port}`, protocol: "TCP", port, targetPort, nodePort })) },
    status: { loadBalancer: {} },
  };
}

/** A svclb pod as k3s before v1.21 made it: DaemonSet `svclb-<svc>` in the Service's namespace, only the svcname label, DEST_IP. */
function oldSvclbPod(s: Service, suffix: string, phase: "Running" | "Pending", node = "k3d-demo-server-0"): Pod {
  const ds = `svclb-${s.metadata.name}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${ds}-${suffix}`,
      namespace: s.metadata.namespace,
      uid: `uid-${ds}-${suffix}`,
      labels: { app: ds, "controller-revision-hash": "9fcfcdcf5", "pod-template-generation": "1", "svccontroller.k3s.cattle.io/svcname": s.metadata.name },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: ds, uid: `uid-${ds}`, controller: true }],
    },
    spec: {
      ...(phase === "Running" ? { nodeName: node } : {}),
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }] } } },
      containers: (s.spec.ports ?? []).map((p) => ({
        name: `lb-port-${p.port}`,
        image: "rancher/klipper-lb:v0.1.2",
        ports: [{ name: `lb-port-${p.port}`, containerPort: p.port, hostPort: p.port, protocol: "TCP" }],
        env: [
          { name: "SRC_PORT", value: String(p.port) },
          { name: "DEST_PROTO", value: "TCP" },
          { name: "DEST_PORT", value: String(p.port) },
          { name: "DEST_IP", value: s.spec.clusterIP! },
        ],
      })),
    },
    status:
      phase === "Running"
        ? { phase, hostIP: "172.20.0.2", podIP: "10.42.0.7", conditions: [{ type: "Ready", status: "True" }] }
        : { phase, conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports." }] },
  };
}

function pod(ns: string, name: string, spec: Partial<Pod["spec"]>, labels: Record<string, string>, owner: { kind: string; name: string } | null, node = "k3d-demo-server-0"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels, ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true }] } : {}) },
    spec: { nodeName: node, containers: [], ...spec },
    status: { phase: "Running", podIP: "10.42.0.12", conditions: [{ type: "Ready", status: "True" }] },
  };
}

/** Contour's Envoy DaemonSet pod (projectcontour/contour examples/contour/03-envoy.yaml): hostPort 80 → 8080, 443 → 8443. */
const envoyPod = (node: string, suffix = "x8k2p") =>
  pod(
    "projectcontour",
    `envoy-${suffix}`,
    {
      containers: [
        { name: "shutdown-manager", image: "ghcr.io/projectcontour/contour:v1.33.0", command: ["/bin/contour"], args: ["envoy", "shutdown-manager"] },
        {
          name: "envoy",
          image: "docker.io/envoyproxy/envoy:distroless-v1.35.8",
          ports: [
            { name: "http", containerPort: 8080, hostPort: 80, protocol: "TCP" },
            { name: "https", containerPort: 8443, hostPort: 443, protocol: "TCP" },
          ],
        },
      ],
    },
    { app: "envoy", "controller-revision-hash": "7c9d5b8f6", "pod-template-generation": "1" },
    { kind: "DaemonSet", name: "envoy" },
    node,
  );

/** A user's nginx with hostNetwork: true (its declared port 80 is a port of the node). */
const hostNetworkPod = pod(
  "web",
  "edge-nginx-5d8f7c9b4-q2w7x",
  { hostNetwork: true, containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, protocol: "TCP" }] }] },
  { app: "edge-nginx", "pod-template-hash": "5d8f7c9b4" },
  { kind: "ReplicaSet", name: "edge-nginx-5d8f7c9b4" },
);

/** k3s (≤ v1.20) traefik 1.x: Service kube-system/traefik from the stable/traefik chart, labels app/chart/release/heritage. */
const traefik1 = svc("kube-system", "traefik", [[80, "http", 31080], [443, "https", 31443]], { app: "traefik", chart: "traefik-1.81.0", heritage: "Helm", release: "traefik" }, { app: "traefik", release: "traefik" }, "10.43.76.12");
const backend = svc("default", "backend-service", [[80, 8080, 30837]]);
const traefikHelmChart: HelmChart = {
  apiVersion: "helm.cattle.io/v1",
  kind: "HelmChart",
  metadata: { name: "traefik", namespace: "kube-system" },
  spec: { chart: "https://%{KUBERNETES_API}%/static/charts/traefik-1.81.0.tgz" },
};

describe("k3s ServiceLB before it moved to kube-system", () => {
  const p = oldSvclbPod(backend, "zjnx4", "Pending");
  it("reads the Service of a svclb pod labelled only with svcname from the pod's own namespace", () => {
    expect(svclbServiceOf(p)).toEqual({ namespace: "default", name: "backend-service" });
    expect(svclbFor({ namespace: "default", name: "backend-service" }, [], [p]).pods).toEqual([p]);
    expect(svclbFor({ namespace: "kube-system", name: "backend-service" }, [], [p]).pods).toEqual([]);
  });
  it("reads where a svclb pod forwards from DEST_IP as well as DEST_IPS", () => {
    expect(svclbDestination(p)).toEqual({ ips: ["10.43.134.66"], port: 80, variable: "DEST_IP" });
    const now = { ...p, spec: { ...p.spec, containers: [{ name: "lb-tcp-80", env: [{ name: "DEST_PORT", value: "80" }, { name: "DEST_IPS", value: "10.43.119.113 fd00::1" }] }] } };
    expect(svclbDestination(now)).toEqual({ ips: ["10.43.119.113", "fd00::1"], port: 80, variable: "DEST_IPS" });
  });
  it("names the node a Pending DaemonSet pod was made for", () => {
    expect(podNode(p)).toBe("k3d-demo-server-0");
  });
});

describe("who holds a node port", () => {
  it("counts a hostNetwork pod's declared port as a port of the node", () => {
    expect(hostPortsOf(hostNetworkPod, 80).map((h) => h.container)).toEqual(["nginx"]);
    expect(hostPortsOf(hostNetworkPod, 8080)).toEqual([]);
  });
  it("names the Deployment behind a ReplicaSet and the DaemonSet of a DaemonSet pod", () => {
    expect(workloadOf(hostNetworkPod)).toEqual({ kind: "Deployment", namespace: "web", name: "edge-nginx" });
    expect(workloadOf(envoyPod("kind-worker"))).toEqual({ kind: "DaemonSet", namespace: "projectcontour", name: "envoy" });
  });
  it("puts a LoadBalancer Service that asks for traefik's port before traefik itself", () => {
    const pods = [oldSvclbPod(traefik1, "7k2nq", "Running"), oldSvclbPod(backend, "zjnx4", "Pending")];
    const takers = portTakers({ port: 80, protocol: "tcp", role: "k3d-serverlb", container: "k3d-demo-serverlb" }, [traefik1, backend], pods, []);
    expect(takers.map((t) => `${t.service?.metadata.name}/${t.via}/${t.active}`)).toEqual(["backend-service/svclb/false", "traefik/svclb/true"]);
  });
  it("recognises k3s' traefik 1.x Service as the traefik ingress controller", () => {
    expect(ingressImplementationOf(traefik1)).toBe("traefik");
    expect(ingressImplementationOf(backend)).toBeNull();
  });
});

// ---------------------------------------------------------------- checks

function ctxFor(kube: MemoryData["kube"], facts: PathFacts, containers?: ContainerInspect[]): CheckContext {
  const s = memorySources({ kube, ...(containers ? { containers } : {}) });
  return {
    target: { url: "http://localhost:8080/", scheme: "http", host: "localhost", port: 8080, path: "/" },
    kube: s.kube,
    docker: s.docker,
    host: s.host,
    probe: s.probe,
    facts,
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  };
}

const failedScheduling = (p: Pod, message: string): KubeEvent => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: `${p.metadata.name}.165a0f3c2b1d9e7f`, namespace: p.metadata.namespace },
  involvedObject: { kind: "Pod", namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
  reason: "FailedScheduling",
  message,
  type: "Warning",
  source: { component: "default-scheduler" },
  firstTimestamp: T0,
  lastTimestamp: T0,
});

const serverlb = { id: "c0ffee", name: "k3d-demo-serverlb", role: "k3d-serverlb" as const, cluster: "demo", hostIp: "0.0.0.0", hostPort: 8080, containerPort: 80, protocol: "tcp" as const, running: true, networks: { "k3d-demo": "172.20.0.3" } };

describe("service.port-free names whoever holds the port", () => {
  it("fails on old k3s with the svclb in the Service's namespace, names traefik 1.x's svclb pod and its node, and offers remove-traefik", async () => {
    const pending = oldSvclbPod(backend, "zjnx4", "Pending");
    const kube = {
      services: [traefik1, backend],
      pods: [oldSvclbPod(traefik1, "7k2nq", "Running"), pending],
      events: [failedScheduling(pending, "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.")],
      helmcharts: [traefikHelmChart],
    };
    const r = await receivesPort.run(ctxFor(kube, { container: serverlb }));
    expect(r.facts?.service).toMatchObject({ namespace: "default", name: "backend-service", via: "svclb" });
    const out = await portFree.run(ctxFor(kube, { container: serverlb, service: r.facts!.service! }));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "svclb pod default/svclb-backend-service-zjnx4 is Pending for node k3d-demo-server-0: port 80 is held by svclb-traefik-7k2nq (Service kube-system/traefik) on node k3d-demo-server-0; expected port 80 free for Service default/backend-service",
    );
    expect(out.fixes).toEqual(["remove-traefik"]);
    expect(out.evidence?.["holders"]).toEqual([expect.objectContaining({ pod: "kube-system/svclb-traefik-7k2nq", forwardsTo: { DEST_IP: "10.43.76.12", DEST_PORT: 80 } })]);
  });

  it("names Contour's Envoy DaemonSet pod holding hostPort 80 and offers no traefik fix", async () => {
    const gw = svc("web", "gateway", [[80, 8080, 31380]], { "gateway.networking.k8s.io/gateway-name": "gateway" });
    const pending = { ...oldSvclbPod(gw, "m4v9c", "Pending"), metadata: { ...oldSvclbPod(gw, "m4v9c", "Pending").metadata, labels: { app: "svclb-gateway-1d2c3b4a", "svccontroller.k3s.cattle.io/svcname": "gateway", "svccontroller.k3s.cattle.io/svcnamespace": "web" }, namespace: "kube-system" } };
    const kube = { services: [gw], pods: [envoyPod("k3d-demo-server-0"), pending], events: [failedScheduling(pending, "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")] };
    const out = await portFree.run(ctxFor(kube, { container: serverlb, service: { namespace: "web", name: "gateway", type: "LoadBalancer", port: 80, nodePort: 31380, targetPort: 8080, via: "svclb" } }));
    expect(out.status).toBe("fail");
    expect(out.summary).toContain("port 80 is held by pod projectcontour/envoy-x8k2p (DaemonSet projectcontour/envoy, hostPort 80) on node k3d-demo-server-0");
    expect(out.fixes ?? []).toEqual([]);
    expect(out.details).toContain("Remove the holder");
  });

  it("names a hostNetwork pod holding the port through its Deployment", async () => {
    const pending = oldSvclbPod(backend, "zjnx4", "Pending");
    const kube = { services: [backend], pods: [hostNetworkPod, pending], events: [failedScheduling(pending, "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.")] };
    const out = await portFree.run(ctxFor(kube, { container: serverlb, service: { namespace: "default", name: "backend-service", type: "LoadBalancer", port: 80, nodePort: 30837, targetPort: 8080, via: "svclb" } }));
    expect(out.summary).toContain("port 80 is held by pod web/edge-nginx-5d8f7c9b4-q2w7x (Deployment web/edge-nginx, hostNetwork, port 80) on node k3d-demo-server-0");
  });

  it("checks the pods of a hostPort entry too: ingress-nginx Pending because a user's DaemonSet holds port 80", async () => {
    const nginxSvc: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" } },
      spec: { type: "NodePort", selector: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }, ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 31080, protocol: "TCP" }] },
    };
    const controller: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "ingress-nginx-controller-6d9fb88895-8qr2g",
        namespace: "ingress-nginx",
        uid: "uid-inc",
        labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx", "pod-template-hash": "6d9fb88895" },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "ingress-nginx-controller-6d9fb88895", uid: "uid-rs", controller: true }],
      },
      spec: { containers: [{ name: "controller", image: "registry.k8s.io/ingress-nginx/controller:v1.5.1", ports: [{ name: "http", containerPort: 80, hostPort: 80, protocol: "TCP" }] }] },
      status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports." }] },
    };
    const userDs = pod("default", "web-proxy-7wq4d", { containers: [{ name: "haproxy", image: "haproxy:2.9", ports: [{ containerPort: 80, hostPort: 80, protocol: "TCP" }] }] }, { app: "web-proxy" }, { kind: "DaemonSet", name: "web-proxy" }, "kind-control-plane");
    const kube = { services: [nginxSvc], pods: [controller, userDs], events: [] };
    const facts: PathFacts = {
      container: { ...serverlb, name: "kind-control-plane", role: "kind-node", cluster: "kind", hostPort: 80, containerPort: 80 },
      service: { namespace: "ingress-nginx", name: "ingress-nginx-controller", type: "NodePort", port: 80, nodePort: 31080, targetPort: "http", via: "hostport" },
    };
    const out = await portFree.run(ctxFor(kube, facts));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "pod ingress-nginx/ingress-nginx-controller-6d9fb88895-8qr2g is Pending: port 80 is held by pod default/web-proxy-7wq4d (DaemonSet default/web-proxy, hostPort 80) on node kind-control-plane; expected port 80 free for Service ingress-nginx/ingress-nginx-controller",
    );
  });

  it("passes when the Service's own svclb pods hold the port, and says on which node", async () => {
    const kube = { services: [backend], pods: [oldSvclbPod(backend, "zjnx4", "Running")], events: [] };
    const out = await portFree.run(ctxFor(kube, { container: serverlb, service: { namespace: "default", name: "backend-service", type: "LoadBalancer", port: 80, nodePort: 30837, targetPort: 8080, via: "svclb" } }));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe("no other pod holds port 80; svclb pods of Service default/backend-service: svclb-backend-service-zjnx4 Running on k3d-demo-server-0");
  });
});

// ---------------------------------------------------------------- several nodes (issue 10 §6)

describe("which nodes a published port reaches", () => {
  const lb = (env: string[]) => inspect("k3d-demo-serverlb", { app: "k3d", "k3d.role": "loadbalancer" }, { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] }, { Config: { Image: "docker.io/rancher/k3d-proxy:v3.4.0", Labels: { app: "k3d", "k3d.role": "loadbalancer" }, Env: env } });
  it.each([
    ["a k3d v3/v4 serverlb: its SERVERS, agents left out", ["SERVERS=k3d-demo-server-0,k3d-demo-server-1", "PORTS=6443,80"], 80, ["k3d-demo-server-0", "k3d-demo-server-1"]],
    ["a port the v3/v4 serverlb does not proxy", ["SERVERS=k3d-demo-server-0", "PORTS=6443,443"], 80, []],
    ["a k3d v5 serverlb (upstreams in /etc/confd/values.yaml): every node", ["PATH=/usr/local/sbin"], 80, null],
  ] as const)("reads %s", (_what, env, port, want) => {
    const c = lb([...env]);
    expect(serverlbUpstreams(c, port)).toEqual(want);
    expect(nodesReached({ ...serverlb, id: c.Id, containerPort: port }, [c])).toEqual(want);
  });
  it("reaches only the node container itself on kind and for a directly mapped k3d node", () => {
    expect(nodesReached({ ...serverlb, name: "kind-control-plane", role: "kind-node" }, null)).toEqual(["kind-control-plane"]);
    expect(nodesReached({ ...serverlb, name: "k3d-k3s-default-worker-0", role: "k3d-node" }, null)).toEqual(["k3d-k3s-default-worker-0"]);
  });
  it("lists the hostPort pods on nodes the connection does not reach", () => {
    const pods = [envoyPod("kind-worker2"), envoyPod("kind-control-plane", "q9z4t")];
    expect(offNodeHolders(80, "tcp", ["kind-control-plane"], pods).map((p) => p.metadata.name)).toEqual(["envoy-x8k2p"]);
    expect(offNodeHolders(80, "tcp", null, pods)).toEqual([]);
  });
});

describe("a proxy at the entry is the gateway of the path, never its backend", () => {
  it.each([
    ["Contour's Envoy DaemonSet pod (named by its Envoy image)", envoyPod("kind-worker"), "contour", "docker.io/envoyproxy/envoy:distroless-v1.35.8"],
    ["ingress-nginx's controller with a digest", { ...hostNetworkPod, spec: { containers: [{ name: "controller", image: "registry.k8s.io/ingress-nginx/controller:v1.5.1@sha256:4ba73c697770664c1e00e9f968de14e08f606ff961c76e5d7033a4a9c593c629" }] } }, "ingress-nginx", "registry.k8s.io/ingress-nginx/controller:v1.5.1@sha256:4ba73c697770664c1e00e9f968de14e08f606ff961c76e5d7033a4a9c593c629"],
    ["k3s' traefik 1.x", { ...hostNetworkPod, spec: { containers: [{ name: "traefik", image: "rancher/library-traefik:1.7.19" }] } }, "traefik", "rancher/library-traefik:1.7.19"],
  ] as const)("recognises %s", (_what, p, implementation, image) => {
    expect(proxyOfPod(p as Pod)).toEqual({ implementation, image });
  });
  it("does not take an application's nginx for a proxy", () => {
    expect(proxyOfPod(hostNetworkPod)).toBeNull();
    expect(imageRepository("localhost:5000/team/nginx:1.27")).toBe("team/nginx");
  });
  it("gives no backend when the entry Service is a proxy, and the entry Service when it is the application", () => {
    const service = { namespace: "projectcontour", name: "envoy", type: "LoadBalancer", port: 80, nodePort: 31380, targetPort: 8080, via: "hostport" as const };
    expect(backendOfPath({ service: { ...service, proxy: entryProxy([envoyPod("kind-control-plane")]) } })).toBeNull();
    expect(backendOfPath({ service })).toMatchObject({ namespace: "projectcontour", name: "envoy", from: "entry-service" });
  });
});

describe("service.receives-port on several nodes", () => {
  const kindCp = { ...serverlb, name: "kind-control-plane", role: "kind-node" as const, cluster: "kind", hostPort: 80, containerPort: 80 };
  const contourSvc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "envoy", namespace: "projectcontour", labels: { app: "envoy" } },
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", selector: { app: "envoy" }, ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 31380, protocol: "TCP" }, { name: "https", port: 443, targetPort: 8443, nodePort: 31443, protocol: "TCP" }] },
  };
  it("fails when the hostPort proxy runs on another node than the kind node with the mapping, naming both nodes", async () => {
    const out = await receivesPort.run(ctxFor({ services: [contourSvc], pods: [envoyPod("kind-worker2")] }, { container: kindCp }));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "kind-control-plane maps host 80 → node port 80; nothing takes port 80 on node kind-control-plane: pod projectcontour/envoy-x8k2p (DaemonSet projectcontour/envoy) holds port 80 on node kind-worker2, which the port mapping does not reach; expected it on kind-control-plane",
    );
    expect(out.facts?.service).toMatchObject({ namespace: "projectcontour", name: "envoy", via: "hostport", proxy: { implementation: "contour", nodes: ["kind-worker2"] } });
  });
  it("publishes the Service with the held port whichever order the Services are listed in", async () => {
    // ingress-nginx's -admission Service selects the controller pods too, for the webhook port only.
    const webhook: Service = { ...contourSvc, metadata: { ...contourSvc.metadata, name: "envoy-admission" }, spec: { ...contourSvc.spec, type: "ClusterIP", ports: [{ name: "webhook", port: 443, targetPort: 8443, protocol: "TCP" }] } };
    for (const services of [[webhook, contourSvc], [contourSvc, webhook]]) {
      const out = await receivesPort.run(ctxFor({ services, pods: [envoyPod("kind-worker2")] }, { container: kindCp }));
      expect(out.facts?.service).toMatchObject({ namespace: "projectcontour", name: "envoy", port: 80, via: "hostport" });
    }
  });
  it("passes when it runs on the mapped node, names the node, and marks the entry as a proxy", async () => {
    const out = await receivesPort.run(ctxFor({ services: [contourSvc], pods: [envoyPod("kind-control-plane")] }, { container: kindCp }));
    expect(out.status).toBe("pass");
    expect(out.summary).toContain("pod projectcontour/envoy-x8k2p takes it as hostPort 80 (Service projectcontour/envoy port 80) on node kind-control-plane");
    expect(out.summary).toContain("its pods run Contour's Envoy: the path's ingress proxy, not its backend");
  });
});

describe("gateway.hostport-proxy-reached", () => {
  const kindCp = { ...serverlb, name: "kind-control-plane", role: "kind-node" as const, cluster: "kind", hostPort: 80, containerPort: 80 };
  const fact = (nodes: string[]) => ({
    namespace: "projectcontour",
    name: "envoy",
    type: "LoadBalancer",
    port: 80,
    nodePort: 31380,
    targetPort: 8080,
    via: "hostport" as const,
    proxy: { implementation: "contour", image: "docker.io/envoyproxy/envoy:distroless-v1.35.8", pods: nodes.map((n) => `projectcontour/envoy-${n}`), nodes },
  });
  it("names Contour's Envoy as the ingress proxy of the path on the node the port reaches", async () => {
    const out = await hostportProxyReached.run(ctxFor({}, { container: kindCp, service: fact(["kind-control-plane", "kind-worker"]) }));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe(
      "Contour's Envoy (Service projectcontour/envoy, docker.io/envoyproxy/envoy:distroless-v1.35.8) is the ingress proxy of this path, on node kind-control-plane, which kind-control-plane reaches",
    );
  });
  it("fails when every proxy pod runs on a node the port does not reach, naming the nodes", async () => {
    const out = await hostportProxyReached.run(ctxFor({}, { container: kindCp, service: fact(["kind-worker2"]) }));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "Contour's Envoy (Service projectcontour/envoy, docker.io/envoyproxy/envoy:distroless-v1.35.8) runs on kind-worker2; kind-control-plane reaches kind-control-plane only; expected a proxy pod on kind-control-plane",
    );
  });
  it("does not apply to a proxy reached through its LoadBalancer or NodePort, which answers on every node", async () => {
    const out = await hostportProxyReached.run(ctxFor({}, { container: kindCp, service: { ...fact(["kind-worker2"]), via: "nodeport" } }));
    expect(out.status).toBe("skip");
  });
});

describe("service.port-free on several nodes", () => {
  const gw = svc("web", "gateway", [[80, 8080, 31380]]);
  const svclbOn = (node: string, suffix: string, phase: "Running" | "Pending") => {
    const p = oldSvclbPod(gw, suffix, phase, node);
    return { ...p, metadata: { ...p.metadata, namespace: "kube-system", labels: { ...p.metadata.labels, "svccontroller.k3s.cattle.io/svcnamespace": "web" } } };
  };
  const pending = svclbOn("k3d-demo-agent-0", "r8t2w", "Pending");
  const msg = "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector.";
  const kube = { services: [gw], pods: [svclbOn("k3d-demo-server-0", "k4m9s", "Running"), pending, envoyPod("k3d-demo-agent-0")], events: [failedScheduling(pending, msg)] };
  const fact = { namespace: "web", name: "gateway", type: "LoadBalancer", port: 80, nodePort: 31380, targetPort: 8080, via: "svclb" as const };
  const v3lb = inspect("k3d-demo-serverlb", { app: "k3d", "k3d.role": "loadbalancer" }, {}, { Config: { Labels: { app: "k3d", "k3d.role": "loadbalancer" }, Env: ["SERVERS=k3d-demo-server-0", "PORTS=6443,80"] } });

  it("fails when a svclb pod is Pending on one node the serverlb reaches, naming the holder on that node", async () => {
    const out = await portFree.run(ctxFor(kube, { container: serverlb, service: fact }));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "svclb pod kube-system/svclb-gateway-r8t2w is Pending for node k3d-demo-agent-0: port 80 is held by pod projectcontour/envoy-x8k2p (DaemonSet projectcontour/envoy, hostPort 80) on node k3d-demo-agent-0; expected port 80 free for Service web/gateway",
    );
  });

  it("passes when the node it is Pending for is one a k3d v3/v4 serverlb does not forward to", async () => {
    const out = await portFree.run(ctxFor(kube, { container: { ...serverlb, id: v3lb.Id }, service: fact }, [v3lb]));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe(
      "no other pod holds port 80 on k3d-demo-server-0; svclb pods of Service web/gateway: svclb-gateway-k4m9s Running on k3d-demo-server-0, svclb-gateway-r8t2w Pending for node k3d-demo-agent-0; Pending for node k3d-demo-agent-0, which the path does not reach (k3d-demo-server-0)",
    );
  });
});
