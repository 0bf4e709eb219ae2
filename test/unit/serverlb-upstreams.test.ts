/**
 * A k3d v5 serverlb forwards each published port only to the nodes its
 * /etc/confd/values.yaml lists (issue 10 §6): netdoctor reads that list
 * through the Docker source and uses it where it asks which nodes a port
 * reaches. Shapes from docs/facts/k3d-serverlb.md (k3d pkg/types/loadbalancer.go,
 * pkg/client/ports.go, proxy/templates/nginx.tmpl; k3s pkg/cloudprovider/servicelb.go).
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, ContainerFact, PathFacts } from "../../src/engine/types.js";
import type { DaemonSet, Pod, Service } from "../../src/kube/types.js";
import type { ContainerInspect } from "../../src/sources/types.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import { describeReach, k3dUpstreamAdvice, nodeReach, parseServerlbConfig, reachEvidence, serverlbPortKey, SERVERLB_CONFIG_PATH } from "../../src/host/serverlb.js";
import receivesPort from "../../checks/service/receives-port.js";
import portFree from "../../checks/service/port-free.js";
import hostportProxyReached from "../../checks/gateway/hostport-proxy-reached.js";
import publishesPort from "../../checks/container/publishes-port.js";

/** What k3d v5 writes for `k3d cluster create dev --agents 2 -p "8080:80@agent:0"` (sigs.k8s.io/yaml: keys sorted, items not indented). */
const AGENT0 = "ports:\n  6443.tcp:\n  - k3d-dev-server-0\n  80.tcp:\n  - k3d-dev-agent-0\nsettings:\n  workerConnections: 1024\n";
/** `-p "8080:80@loadbalancer"`: servers:*:proxy, agents:*:proxy. */
const EVERY = "ports:\n  6443.tcp:\n  - k3d-dev-server-0\n  80.tcp:\n  - k3d-dev-server-0\n  - k3d-dev-agent-0\n  - k3d-dev-agent-1\nsettings:\n  workerConnections: 1024\n";

const LB_ID = "9d3c1f0e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d";
const v5lb: ContainerInspect = {
  Id: LB_ID,
  Name: "/k3d-dev-serverlb",
  State: { Status: "running", Running: true },
  Config: { Image: "ghcr.io/k3d-io/k3d-proxy:5.6.0", Labels: { app: "k3d", "k3d.cluster": "dev", "k3d.role": "loadbalancer", "k3d.version": "v5.6.0" }, Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"] },
  HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] } },
  NetworkSettings: { Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] }, Networks: {} },
};
const v4lb: ContainerInspect = { ...v5lb, Id: "4".repeat(64), Name: "/k3d-old-serverlb", Config: { ...v5lb.Config, Image: "docker.io/rancher/k3d-proxy:v4.4.8", Env: ["SERVERS=k3d-old-server-0", "PORTS=6443,80"] } };
const serverlb: ContainerFact = { id: LB_ID, name: "k3d-dev-serverlb", role: "k3d-serverlb", cluster: "dev", hostIp: "0.0.0.0", hostPort: 8080, containerPort: 80, protocol: "tcp", running: true, networks: { "k3d-dev": "172.22.0.5" } };

const signal = () => new AbortController().signal;
const docker = (data: MemoryData) => memorySources(data).docker;

describe("a k3d v5 serverlb's values.yaml", () => {
  it.each([
    ["k3d's own marshalling of `-p 8080:80@agent:0`", AGENT0, { "6443.tcp": ["k3d-dev-server-0"], "80.tcp": ["k3d-dev-agent-0"] }],
    ["k3d's proxy test file (indented items, a udp port)", "ports:\n  1234.tcp:\n    - server-0\n    - server-1\n  4321.udp:\n    - agent-0\n    - agent-1\n\nsettings:\n  workerConnections: 1030\n", { "1234.tcp": ["server-0", "server-1"], "4321.udp": ["agent-0", "agent-1"] }],
    ["a port whose last node was removed (null)", "ports:\n  80.tcp:\nsettings: {}\n", { "80.tcp": [] }],
    ["no ports at all", "settings:\n  workerConnections: 1024\n", {}],
  ])("reads %s", (_what, text, ports) => {
    expect(parseServerlbConfig(text).ports).toEqual(ports);
  });

  it.each([
    ["text that is not YAML", "ports: [\n", /^not YAML: /],
    ["a list at the top", "- 80.tcp\n", "not a mapping with `ports:`"],
    ["ports as a list", "ports:\n- k3d-dev-agent-0\n", "`ports:` is not a mapping"],
    ["a port mapped to one name instead of a list", "ports:\n  80.tcp: k3d-dev-agent-0\n", "`ports.80.tcp` is not a list of node names"],
  ])("rejects %s with a one-line reason", (_what, text, message) => {
    expect(() => parseServerlbConfig(text)).toThrow(message);
  });

  it("keys a container port as k3d does: port, dot, protocol", () => {
    expect(serverlbPortKey(80)).toBe("80.tcp");
    expect(serverlbPortKey(53, "UDP")).toBe("53.udp");
  });
});

describe("which nodes a published port reaches", () => {
  it("is the upstream list values.yaml gives the port, read from the serverlb container", async () => {
    const reach = await nodeReach(docker({ containers: [v5lb], files: { "k3d-dev-serverlb": { [SERVERLB_CONFIG_PATH]: AGENT0 } } }), serverlb, signal());
    expect(reach).toEqual({ nodes: ["k3d-dev-agent-0"], from: "serverlb-config", config: { file: "/etc/confd/values.yaml", key: "80.tcp", ports: { "6443.tcp": ["k3d-dev-server-0"], "80.tcp": ["k3d-dev-agent-0"] } } });
    expect(describeReach(reach)).toBe("its upstreams for 80.tcp in /etc/confd/values.yaml");
    expect(reachEvidence(reach)).toMatchObject({ nodes: ["k3d-dev-agent-0"], upstreamsFrom: "serverlb-config", valuesYaml: { key: "80.tcp" } });
  });

  it("is no node for a published port values.yaml has no upstream for (nginx does not listen on it)", async () => {
    const reach = await nodeReach(docker({ containers: [v5lb], files: { "k3d-dev-serverlb": { [SERVERLB_CONFIG_PATH]: AGENT0 } } }), { ...serverlb, containerPort: 443 }, signal());
    expect(reach.nodes).toEqual([]);
  });

  it("is the servers of a k3d v3/v4 serverlb's environment, without reading a file", async () => {
    const reach = await nodeReach(docker({ containers: [v4lb] }), { ...serverlb, id: v4lb.Id, name: "k3d-old-serverlb" }, signal());
    expect(reach).toEqual({ nodes: ["k3d-old-server-0"], from: "serverlb-env" });
  });

  it("is the node container itself for a kind node or a k3d node mapped directly", async () => {
    await expect(nodeReach(docker({}), { ...serverlb, name: "kind-control-plane", role: "kind-node" }, signal())).resolves.toEqual({ nodes: ["kind-control-plane"], from: "node-container" });
  });

  it.each([
    ["the serverlb has no values.yaml (not a k3d v5 serverlb)", { containers: [v5lb] }, "could not read /etc/confd/values.yaml from k3d-dev-serverlb (no such file: not a k3d v5 serverlb): assuming every node (k3d's @loadbalancer default)"],
    ["values.yaml is not k3d's format", { containers: [v5lb], files: { "k3d-dev-serverlb": { [SERVERLB_CONFIG_PATH]: "ports: nope\n" } } }, "/etc/confd/values.yaml of k3d-dev-serverlb is not k3d's format (`ports:` is not a mapping): assuming every node (k3d's @loadbalancer default)"],
    ["Docker cannot be reached", { containers: [v5lb], dockerUnavailable: "unreachable" as const }, "k3d-dev-serverlb's upstreams are unknown (docker: unreachable): assuming every node"],
  ])("falls back to every node and says why when %s", async (_what, data, note) => {
    await expect(nodeReach(docker(data), serverlb, signal())).resolves.toEqual({ nodes: null, from: "assumed", note });
  });

  it("falls back to every node when the Docker source cannot read files", async () => {
    const { file: _omitted, ...noFiles } = docker({ containers: [v5lb] });
    const reach = await nodeReach(noFiles, serverlb, signal());
    expect(reach).toMatchObject({ nodes: null, from: "assumed", note: expect.stringContaining("cannot read /etc/confd/values.yaml") });
  });
});

describe("the k3d fix for a port that misses the node", () => {
  it("deletes the mapping with its node filter, then adds it for every node, or recreates with the right filter", () => {
    const reach = { nodes: ["k3d-dev-agent-0"], from: "serverlb-config" as const, config: { file: SERVERLB_CONFIG_PATH, key: "80.tcp", ports: {} } };
    expect(k3dUpstreamAdvice(serverlb, reach, ["k3d-dev-server-0"])).toBe(
      "Make the serverlb forward port 80 to k3d-dev-server-0: `k3d cluster edit dev --port-delete 8080:80@agent:0` then `k3d cluster edit dev --port-add 8080:80@loadbalancer` (k3d v5, experimental: recreates the serverlb; @loadbalancer forwards to every server and agent); or recreate the cluster with `-p \"8080:80@loadbalancer\"` or `-p \"8080:80@server:0\"`; or run what takes the port on k3d-dev-agent-0",
    );
  });
});

// ---------------------------------------------------------------- checks

function ctxFor(kube: MemoryData["kube"], facts: PathFacts, files?: string): CheckContext {
  const s = memorySources({ kube, containers: [v5lb], ...(files ? { files: { "k3d-dev-serverlb": { [SERVERLB_CONFIG_PATH]: files } } } : {}) });
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

const web: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", uid: "69cbd91b-7477-4d09-ac31-bfe8724a694e" },
  spec: { type: "LoadBalancer", clusterIP: "10.43.88.21", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 80, nodePort: 31845, protocol: "TCP" }] },
  status: { loadBalancer: { ingress: [{ ip: "172.22.0.2" }] } },
};
const ENABLE_LB = "svccontroller.k3s.cattle.io/enablelb";
/** k3s ServiceLB's DaemonSet for default/web once a node is labelled enablelb=true (pkg/cloudprovider/servicelb.go newDaemonSet). */
const svclbDs: DaemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "svclb-web-69cbd91b", namespace: "kube-system", labels: { "svccontroller.k3s.cattle.io/nodeselector": "true", "svccontroller.k3s.cattle.io/svcname": "web", "svccontroller.k3s.cattle.io/svcnamespace": "default" } },
  spec: { selector: { matchLabels: { app: "svclb-web-69cbd91b" } }, template: { metadata: { labels: { app: "svclb-web-69cbd91b" } }, spec: { nodeSelector: { [ENABLE_LB]: "true" }, containers: [] } } },
} as unknown as DaemonSet;
const svclbPod = (node: string, suffix: string): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `svclb-web-69cbd91b-${suffix}`,
    namespace: "kube-system",
    uid: `uid-${suffix}`,
    labels: { app: "svclb-web-69cbd91b", "svccontroller.k3s.cattle.io/svcname": "web", "svccontroller.k3s.cattle.io/svcnamespace": "default" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "svclb-web-69cbd91b", uid: "uid-ds", controller: true }],
  },
  spec: {
    nodeName: node,
    nodeSelector: { [ENABLE_LB]: "true" },
    containers: [{ name: "lb-tcp-80", image: "rancher/klipper-lb:v0.4.9", ports: [{ name: "lb-tcp-80", containerPort: 80, hostPort: 80, protocol: "TCP" }], env: [{ name: "DEST_PORT", value: "80" }, { name: "DEST_IPS", value: "10.43.88.21" }] }],
  },
  status: { phase: "Running", hostIP: "172.22.0.2", podIP: "10.42.0.9", conditions: [{ type: "Ready", status: "True" }] },
});
/** ingress-nginx with `controller.hostPort.enabled=true`, one replica scheduled on agent-1. */
const nginxController: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "ingress-nginx-controller-6b5f7c8d9-k2x4p", namespace: "ingress-nginx", uid: "uid-inc", labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller", "pod-template-hash": "6b5f7c8d9" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "ingress-nginx-controller-6b5f7c8d9", uid: "uid-rs", controller: true }] },
  spec: { nodeName: "k3d-dev-agent-1", containers: [{ name: "controller", image: "registry.k8s.io/ingress-nginx/controller:v1.11.2", ports: [{ name: "http", containerPort: 80, hostPort: 80, protocol: "TCP" }] }] },
  status: { phase: "Running", podIP: "10.42.2.7", conditions: [{ type: "Ready", status: "True" }] },
};

describe("service.receives-port with a k3d v5 serverlb's upstreams", () => {
  it("fails when the Service's svclb pods run only on nodes the serverlb does not forward to, naming pods, nodes, the upstream list and the k3d fix", async () => {
    const out = await receivesPort.run(ctxFor({ services: [web], pods: [svclbPod("k3d-dev-server-0", "x2j8q")], daemonsets: [svclbDs] }, { container: serverlb }, AGENT0));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "k3d-dev-serverlb forwards host 8080 → port 80 to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml); nothing takes port 80 there: LoadBalancer Service default/web's svclb pod svclb-web-69cbd91b-x2j8q runs only on k3d-dev-server-0, which the serverlb does not forward to; expected a svclb pod on k3d-dev-agent-0",
    );
    expect(out.details).toContain(`selects nodes with ${ENABLE_LB}=true`);
    expect(out.details).toContain("`k3d cluster edit dev --port-delete 8080:80@agent:0` then `k3d cluster edit dev --port-add 8080:80@loadbalancer`");
    expect(out.evidence).toMatchObject({ nodesReached: ["k3d-dev-agent-0"], serverlbUpstreams: { upstreamsFrom: "serverlb-config", valuesYaml: { key: "80.tcp" } }, svclbNodeSelector: { [ENABLE_LB]: "true" } });
    expect(out.facts?.service).toMatchObject({ namespace: "default", name: "web", via: "svclb" });
  });

  it("passes when a svclb pod runs on the upstream node", async () => {
    const out = await receivesPort.run(ctxFor({ services: [web], pods: [svclbPod("k3d-dev-server-0", "x2j8q"), svclbPod("k3d-dev-agent-0", "m7c4v")], daemonsets: [svclbDs] }, { container: serverlb }, AGENT0));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe("k3d-dev-serverlb forwards host 8080 → port 80 to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml); LoadBalancer Service default/web takes it through k3s ServiceLB (svclb, port 80)");
  });

  it("keeps today's every-node assumption, and says so in evidence, when the serverlb has no values.yaml", async () => {
    const out = await receivesPort.run(ctxFor({ services: [web], pods: [svclbPod("k3d-dev-server-0", "x2j8q")], daemonsets: [svclbDs] }, { container: serverlb }));
    expect(out.status).toBe("pass");
    expect(out.summary).toMatch(/^k3d-dev-serverlb forwards host 8080 → port 80 on the nodes; /);
    expect(out.evidence).toMatchObject({ nodesReached: null, serverlbUpstreams: { upstreamsFrom: "assumed", note: expect.stringContaining("assuming every node") } });
  });

  it("fails when the only hostPort ingress proxy runs on a node the upstream list leaves out", async () => {
    const out = await receivesPort.run(ctxFor({ services: [], pods: [nginxController] }, { container: serverlb }, AGENT0));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "k3d-dev-serverlb forwards host 8080 → port 80 to k3d-dev-agent-0 only (its upstreams for 80.tcp in /etc/confd/values.yaml); nothing takes port 80 on its upstream node k3d-dev-agent-0: pod ingress-nginx/ingress-nginx-controller-6b5f7c8d9-k2x4p (Deployment ingress-nginx/ingress-nginx-controller) holds port 80 on node k3d-dev-agent-1, which the serverlb does not forward to; expected it on k3d-dev-agent-0",
    );
    expect(out.details).toContain("only to the nodes listed for 80.tcp in /etc/confd/values.yaml (k3d-dev-agent-0)");
    expect(out.details).toContain("-p \"8080:80@agent:1\"");
  });

  it("passes that same proxy when the mapping is @loadbalancer (every node is an upstream)", async () => {
    const out = await receivesPort.run(ctxFor({ services: [], pods: [nginxController] }, { container: serverlb }, EVERY));
    expect(out.status).toBe("pass");
  });
});

describe("service.receives-port with a nodePort whose externalTrafficPolicy is Local", () => {
  /** The k3d docs' NodePort example: `-p "8082:30080@agent:0"`. */
  const NODEPORT = "ports:\n  30080.tcp:\n  - k3d-dev-agent-0\n  6443.tcp:\n  - k3d-dev-server-0\nsettings:\n  workerConnections: 1024\n";
  const np = { ...serverlb, hostPort: 8082, containerPort: 30080 };
  const local: Service = { ...web, spec: { ...web.spec, type: "NodePort", externalTrafficPolicy: "Local", ports: [{ name: "http", port: 80, targetPort: 80, nodePort: 30080, protocol: "TCP" }] }, status: { loadBalancer: {} } };
  const webPod = (node: string): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-6c8d7f9b5d-t4w9k", namespace: "default", uid: "uid-web", labels: { app: "web", "pod-template-hash": "6c8d7f9b5d" } },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx:1.27.1", ports: [{ containerPort: 80, protocol: "TCP" }] }] },
    status: { phase: "Running", podIP: "10.42.2.5", conditions: [{ type: "Ready", status: "True" }] },
  });

  it("fails when its only ready pod runs on a node the serverlb does not forward to: kube-proxy on the upstream node drops the connection", async () => {
    const out = await receivesPort.run(ctxFor({ services: [local], pods: [webPod("k3d-dev-agent-1")] }, { container: np }, NODEPORT));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "k3d-dev-serverlb forwards host 8082 → port 30080 to k3d-dev-agent-0 only (its upstreams for 30080.tcp in /etc/confd/values.yaml); NodePort Service default/web takes it as nodePort 30080, but its externalTrafficPolicy is Local and its ready pod web-6c8d7f9b5d-t4w9k runs only on k3d-dev-agent-1: kube-proxy on k3d-dev-agent-0 drops the connection; expected a ready pod on k3d-dev-agent-0, or externalTrafficPolicy Cluster",
    );
    expect(out.details).toContain(`kubectl -n default patch service web -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`);
    expect(out.details).toContain("-p \"8082:30080@agent:1\"");
    expect(out.facts?.service).toMatchObject({ name: "web", via: "nodeport", nodePort: 30080 });
  });

  it.each([
    ["its pod runs on the upstream node", local, "k3d-dev-agent-0"],
    ["its externalTrafficPolicy is Cluster (kube-proxy forwards to other nodes)", { ...local, spec: { ...local.spec, externalTrafficPolicy: "Cluster" } }, "k3d-dev-agent-1"],
  ])("passes when %s", async (_what, svc, node) => {
    const out = await receivesPort.run(ctxFor({ services: [svc], pods: [webPod(node)] }, { container: np }, NODEPORT));
    expect(out.status).toBe("pass");
  });
});

describe("service.port-free and gateway.hostport-proxy-reached with the upstream list", () => {
  it("port-free only looks at the upstream nodes and records where the list came from", async () => {
    const fact = { namespace: "default", name: "web", type: "LoadBalancer", port: 80, nodePort: 31845, targetPort: 80, via: "svclb" as const };
    const out = await portFree.run(ctxFor({ services: [web], pods: [svclbPod("k3d-dev-agent-0", "m7c4v"), { ...nginxController, spec: { ...nginxController.spec, nodeName: "k3d-dev-agent-1" } }], daemonsets: [svclbDs] }, { container: serverlb, service: fact }, AGENT0));
    expect(out.status).toBe("pass");
    expect(out.summary).toMatch(/^no other pod holds port 80 on k3d-dev-agent-0; /);
    expect(out.evidence).toMatchObject({ serverlbUpstreams: { nodes: ["k3d-dev-agent-0"], upstreamsFrom: "serverlb-config" } });
  });

  it("hostport-proxy-reached names the upstream list when the proxy runs elsewhere", async () => {
    const fact = {
      namespace: "ingress-nginx",
      name: "ingress-nginx-controller",
      type: "NodePort",
      port: 80,
      nodePort: 31080,
      targetPort: "http",
      via: "hostport" as const,
      proxy: { implementation: "ingress-nginx", image: "registry.k8s.io/ingress-nginx/controller:v1.11.2", pods: ["ingress-nginx/ingress-nginx-controller-6b5f7c8d9-k2x4p"], nodes: ["k3d-dev-agent-1"] },
    };
    const out = await hostportProxyReached.run(ctxFor({}, { container: serverlb, service: fact }, AGENT0));
    expect(out.status).toBe("fail");
    expect(out.summary).toMatch(/ runs on k3d-dev-agent-1; k3d-dev-serverlb reaches k3d-dev-agent-0 only \(its upstreams for 80\.tcp in \/etc\/confd\/values\.yaml\); expected a proxy pod on k3d-dev-agent-0$/);
    expect(out.details).toContain("--port-delete 8080:80@agent:0");
  });
});

describe("container.publishes-port names where a k3d serverlb sends the port", () => {
  it("passes naming the upstream nodes values.yaml lists for the port", async () => {
    const out = await publishesPort.run(ctxFor({}, {}, AGENT0));
    expect(out.status).toBe("pass");
    expect(out.summary).toBe("k3d-dev-serverlb publishes 0.0.0.0:8080 → 80/tcp (k3d load balancer of cluster dev), forwarding port 80 to k3d-dev-agent-0 (its upstreams for 80.tcp in /etc/confd/values.yaml)");
    expect(out.evidence).toMatchObject({ serverlbUpstreams: { nodes: ["k3d-dev-agent-0"], upstreamsFrom: "serverlb-config" } });
  });

  it("fails when values.yaml has no upstream for the published port: nginx does not listen on it", async () => {
    const out = await publishesPort.run(ctxFor({}, {}, "ports:\n  6443.tcp:\n  - k3d-dev-server-0\nsettings:\n  workerConnections: 1024\n"));
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "k3d-dev-serverlb publishes 0.0.0.0:8080 → 80/tcp (k3d load balancer of cluster dev), but its /etc/confd/values.yaml has no upstream for 80.tcp: the serverlb's nginx does not listen on port 80; expected 80.tcp with the nodes that take port 80",
    );
    expect(out.facts?.container).toMatchObject({ name: "k3d-dev-serverlb", containerPort: 80 });
  });

  it("passes as before, naming no upstreams, when the serverlb has no values.yaml", async () => {
    const out = await publishesPort.run(ctxFor({}, {}));
    expect(out.summary).toBe("k3d-dev-serverlb publishes 0.0.0.0:8080 → 80/tcp (k3d load balancer of cluster dev)");
    expect(out.evidence).toMatchObject({ serverlbUpstreams: { nodes: null, upstreamsFrom: "assumed" } });
  });
});
