#!/usr/bin/env node
/**
 * Writes the k3d-v5-serverlb-agent-mapping-* lab scenarios from
 * k3d-multinode-svclb-healthy (k3d v5.6.0 cluster `dev`: server-0, agent-0,
 * agent-1; traefik disabled; default/web nginx behind LoadBalancer Service
 * default/web port 80, ServiceLB DaemonSet kube-system/svclb-web-69cbd91b).
 * The cluster is created with `-p "8080:80@agent:0"` instead of
 * `@loadbalancer`, so the serverlb's /etc/confd/values.yaml lists agent-0
 * alone for `80.tcp` (k3d pkg/client/ports.go TransformPorts: the default
 * suffix is `proxy`, the serverlb forwards to the filtered nodes;
 * pkg/client/loadbalancer.go loadbalancerAddPortConfigs). The file is
 * written as k3d marshals `LoadbalancerConfig` (sigs.k8s.io/yaml: keys
 * sorted, list items not indented, pkg/types/loadbalancer.go).
 *
 * - healthy: svclb pods on every node, so agent-0 takes port 80 (k3d docs
 *   exposing_services "via NodePort" uses the same `@agent:0` filter).
 * - misses-svclb: server-0 was labelled
 *   `svccontroller.k3s.cattle.io/enablelb=true` (`--k3s-node-label
 *   "svccontroller.k3s.cattle.io/enablelb=true@server:0"`, k3s docs
 *   "Controlling ServiceLB Node Selection"; k3s-io/k3s#9993), so ServiceLB
 *   gives its DaemonSet nodeSelector enablelb=true and label
 *   nodeselector=true (k3s pkg/cloudprovider/servicelb.go newDaemonSet) and
 *   the only svclb pod runs on server-0: the serverlb forwards 80 to
 *   agent-0, where nothing listens, and curl gets "Empty reply from server"
 *   (the shape of k3d-io/k3d#1267: reachable through agent-0 only).
 *
 * - nodeport-local: the k3d docs' NodePort example as written (`-p
 *   "8082:30080@agent:0"`: values.yaml `30080.tcp: [k3d-dev-agent-0]`),
 *   with default/web made a NodePort Service on 30080 with
 *   `externalTrafficPolicy: Local` (to keep the client address) and its one
 *   nginx pod scheduled on agent-1. kube-proxy on agent-0 drops nodePort
 *   traffic without a local endpoint (Kubernetes docs "Using Source IP";
 *   k3s-io/k3s#3245 "Can only access NodePort through the node the app is
 *   running on"), the serverlb's connect times out after 2 s and curl gets
 *   "Empty reply from server".
 *
 * - misses-proxy: ServiceLB disabled as well (`--k3s-arg
 *   "--disable=servicelb@server:*"`), ingress-nginx applied from its kind
 *   provider manifest (hostPort 80/443; objects taken from
 *   kind-multinode-ingress-on-worker, renamed to this cluster's nodes,
 *   addresses and k3s' 10.42/10.43 ranges) with the `ingress-ready`
 *   nodeSelector removed so the pod would start (kubernetes/ingress-nginx#8874);
 *   the scheduler put it on agent-1, the serverlb forwards 80 to agent-0
 *   only: curl gets "Empty reply from server".
 *
 * Facts: docs/facts/k3d-serverlb.md.
 *
 * Usage: node scripts/gen-serverlb-scenarios.mjs
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { dump, readDocs, SCENARIOS } from "./lib/scenario-gen.mjs";

const BASE = join(SCENARIOS, "k3d-multinode-svclb-healthy");
const ENABLE_LB = "svccontroller.k3s.cattle.io/enablelb";

/** values.yaml as k3d v5.6.0 writes it for `-p 8080:80@agent:0` on cluster dev (1 server, 2 agents). */
const VALUES_YAML = ["ports:", "  6443.tcp:", "  - k3d-dev-server-0", "  80.tcp:", "  - k3d-dev-agent-0", "settings:", "  workerConnections: 1024", ""].join("\n");

const CREATE = 'k3d cluster create dev --agents 2 -p "8080:80@agent:0" --k3s-arg "--disable=traefik@server:*"';

/** Copy the base scenario to `name`, then let `edit` change its objects and scenario.yaml (and `values` the serverlb's values.yaml). */
function derive(name, edit, values = VALUES_YAML) {
  const dir = join(SCENARIOS, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(BASE, dir, { recursive: true });
  const scenario = parse(readFileSync(join(dir, "scenario.yaml"), "utf8"));
  const files = {};
  for (const f of ["nodes.yaml", "kube-system.yaml", "apps.yaml", "events.yaml"]) files[f] = readDocs(join(dir, "cluster", f));
  edit(scenario, files);
  scenario.name = name;
  for (const [f, docs] of Object.entries(files)) writeFileSync(join(dir, "cluster", f), dump(docs));
  writeFileSync(join(dir, "scenario.yaml"), stringify(scenario, { lineWidth: 110 }));
  writeFileSync(join(dir, "docker", "files.yaml"), stringify({ "k3d-dev-serverlb": { "/etc/confd/values.yaml": values } }));
  return dir;
}

derive("k3d-v5-serverlb-agent-mapping-healthy", (s) => {
  s.description =
    `A k3d v5.6.0 cluster named dev with one server and two agents, created with the node filter of the k3d docs' NodePort example (\`${CREATE}\`, k3s v1.30.4+k3s1). ` +
    "The port mapping is of type proxy, so the serverlb k3d-dev-serverlb publishes host 8080 → 80 and forwards port 80 only to agent-0: its /etc/confd/values.yaml lists `80.tcp: [k3d-dev-agent-0]` (and `6443.tcp: [k3d-dev-server-0]`). " +
    "The app default/web (nginx) is exposed by LoadBalancer Service default/web on port 80, and ServiceLB runs a svclb pod on every node, agent-0 included, so curl http://localhost:8080/ answers nginx. " +
    "Sources: k3d docs usage/exposing_services.md (`-p \"8082:30080@agent:0\" --agents 2`), k3d pkg/client/ports.go TransformPorts, pkg/types/loadbalancer.go LoadbalancerConfig, proxy/templates/nginx.tmpl; k3s pkg/cloudprovider/servicelb.go.";
});

derive("k3d-v5-serverlb-agent-mapping-misses-svclb", (s, f) => {
  s.description =
    `A k3d v5.6.0 cluster named dev with one server and two agents (\`${CREATE} --k3s-node-label "${ENABLE_LB}=true@server:0"\`, k3s v1.30.4+k3s1). ` +
    "The port mapping `@agent:0` is of type proxy: the serverlb k3d-dev-serverlb forwards port 80 only to agent-0 (/etc/confd/values.yaml `80.tcp: [k3d-dev-agent-0]`). " +
    `The user also wanted load-balancer traffic on the server only and labelled it ${ENABLE_LB}=true; once a node has that label, ServiceLB gives every svclb DaemonSet the nodeSelector ${ENABLE_LB}=true, so the only svclb pod of LoadBalancer Service default/web runs on k3d-dev-server-0. ` +
    "Nothing takes port 80 on agent-0: nginx in the serverlb gets connection refused and closes, curl http://localhost:8080/ prints `curl: (52) Empty reply from server`. " +
    'Sources: k3d docs usage/exposing_services.md, k3d pkg/client/ports.go TransformPorts and pkg/types/loadbalancer.go; k3s docs networking-services "Controlling ServiceLB Node Selection", k3s pkg/cloudprovider/servicelb.go newDaemonSet; k3s-io/k3s#9993; k3d-io/k3d#1267 (a Service reachable through the serverlb on agent-0 only).';
  // The serverlb accepts (docker-proxy, then nginx) and closes: agent-0 refuses port 80.
  const t8080 = s.traffic.find((t) => t.port === 8080 && !t.address);
  for (const k of Object.keys(t8080)) if (k !== "port") delete t8080[k];
  t8080.mode = "empty-reply";
  for (const t of s.traffic) {
    if (t.port === 80 && (t.address === "172.22.0.3" || t.address === "172.22.0.4")) {
      for (const k of Object.keys(t)) if (k !== "port" && k !== "address") delete t[k];
      t.mode = "refuse";
    }
  }
  s.expect = { status: "fail", hop: "service", paths: [{ url: "http://localhost:8080/", status: "fail", hop: "service" }] };

  const server = f["nodes.yaml"].find((n) => n.metadata.name === "k3d-dev-server-0");
  server.metadata.labels[ENABLE_LB] = "true";
  const ks = f["kube-system.yaml"];
  const ds = ks.find((o) => o.kind === "DaemonSet" && o.metadata.name === "svclb-web-69cbd91b");
  ds.metadata.labels["svccontroller.k3s.cattle.io/nodeselector"] = "true";
  ds.spec.template.spec.nodeSelector = { [ENABLE_LB]: "true" };
  Object.assign(ds.status, { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberReady: 1, updatedNumberScheduled: 1 });
  f["kube-system.yaml"] = ks.filter((o) => !(o.kind === "Pod" && o.metadata.name.startsWith("svclb-web-") && o.spec.nodeName !== "k3d-dev-server-0"));
  for (const p of f["kube-system.yaml"]) if (p.kind === "Pod" && p.metadata.name.startsWith("svclb-web-")) p.spec.nodeSelector = { [ENABLE_LB]: "true" };
  // k3s writes the addresses of the nodes running a svclb pod into the Service's status.
  const web = f["apps.yaml"].find((o) => o.kind === "Service" && o.metadata.name === "web");
  web.status.loadBalancer.ingress = [{ ip: "172.22.0.2" }];
});

/** values.yaml for the docs' `-p "8082:30080@agent:0"` (keys sorted as strings: 30080 before 6443). */
const NODEPORT_VALUES = ["ports:", "  30080.tcp:", "  - k3d-dev-agent-0", "  6443.tcp:", "  - k3d-dev-server-0", "settings:", "  workerConnections: 1024", ""].join("\n");

const npDir = derive(
  "k3d-v5-serverlb-agent-mapping-nodeport-local",
  (s, f) => {
    s.description =
      'A k3d v5.6.0 cluster named dev with one server and two agents, created as the k3d docs\' NodePort example does (`k3d cluster create dev --agents 2 -p "8082:30080@agent:0" --k3s-arg "--disable=traefik@server:*"`, k3s v1.30.4+k3s1): ' +
      "the serverlb k3d-dev-serverlb publishes host 8082 → 30080 and forwards it only to agent-0 (/etc/confd/values.yaml `30080.tcp: [k3d-dev-agent-0]`). " +
      "default/web (nginx) is a NodePort Service with nodePort 30080 and `externalTrafficPolicy: Local`, set to keep the client address, and its one pod was scheduled on k3d-dev-agent-1. " +
      "kube-proxy on agent-0 has no local endpoint and drops the connection; nginx in the serverlb gives up after its 2 s proxy_connect_timeout and closes, so curl http://localhost:8082/ prints `curl: (52) Empty reply from server`; curl to agent-1's own address would work. " +
      'Sources: k3d docs usage/exposing_services.md ("via NodePort"), k3d pkg/client/ports.go and proxy/templates/nginx.tmpl; Kubernetes docs "Using Source IP" (Type=NodePort with externalTrafficPolicy Local: "If there are no local endpoints, packets sent to the node are dropped"); k3s-io/k3s#3245.';
    s.targets = ["http://localhost:8082/"];
    const nginx = s.traffic.find((t) => t.port === 8080 && !t.address).default;
    s.traffic = s.traffic.filter((t) => !(t.port === 80 && t.address) && !(t.port === 8080 && !t.address));
    s.traffic.unshift({ port: 8082, mode: "empty-reply" });
    for (const t of s.traffic) {
      if (t.port !== 31845) continue;
      t.port = 30080;
      if (t.address !== "172.22.0.4") {
        for (const k of Object.keys(t)) if (k !== "port" && k !== "address") delete t[k];
        t.mode = "hang";
      } else t.default = nginx;
    }
    s.expect = { status: "fail", hop: "service", paths: [{ url: "http://localhost:8082/", status: "fail", hop: "service" }] };

    // A NodePort Service has no svclb DaemonSet and no LoadBalancer events.
    f["kube-system.yaml"] = f["kube-system.yaml"].filter((o) => !o.metadata.name.startsWith("svclb-web-"));
    f["events.yaml"] = f["events.yaml"].filter((e) => !(e.involvedObject?.kind === "Service" && e.involvedObject?.name === "web"));
    const web = f["apps.yaml"].find((o) => o.kind === "Service" && o.metadata.name === "web");
    web.spec.type = "NodePort";
    web.spec.externalTrafficPolicy = "Local";
    web.spec.ports[0].nodePort = 30080;
    web.status = { loadBalancer: {} };
    const pod = f["apps.yaml"].find((o) => o.kind === "Pod" && o.metadata.labels?.app === "web");
    pod.spec.nodeName = "k3d-dev-agent-1";
    pod.status.hostIP = "172.22.0.4";
    pod.status.podIP = "10.42.2.5";
    pod.status.podIPs = [{ ip: "10.42.2.5" }];
    const slice = f["apps.yaml"].find((o) => o.kind === "EndpointSlice" && o.metadata.labels?.["kubernetes.io/service-name"] === "web");
    slice.endpoints[0].nodeName = "k3d-dev-agent-1";
    slice.endpoints[0].addresses = ["10.42.2.5"];
  },
  NODEPORT_VALUES,
);
// The serverlb publishes 8082 → 30080 instead of 8080 → 80 (docker inspect and the docker-proxy listeners).
const containersFile = join(npDir, "docker", "containers.json");
const containers = JSON.parse(readFileSync(containersFile, "utf8"));
const lb = containers.find((c) => c.Name === "/k3d-dev-serverlb");
const swap = (m) => {
  if (!m || !m["80/tcp"]) return m;
  const { ["80/tcp"]: old, ...rest } = m;
  return { "30080/tcp": old.map((b) => (b.HostPort === "8080" ? { ...b, HostPort: "8082" } : b)), ...rest };
};
lb.HostConfig.PortBindings = swap(lb.HostConfig.PortBindings);
lb.NetworkSettings.Ports = swap(lb.NetworkSettings.Ports);
if (lb.Config.ExposedPorts) lb.Config.ExposedPorts = { ...lb.Config.ExposedPorts, "30080/tcp": {} };
writeFileSync(containersFile, `${JSON.stringify(containers, null, 2)}\n`);
const listenersFile = join(npDir, "host", "listeners.yaml");
writeFileSync(listenersFile, readFileSync(listenersFile, "utf8").replaceAll("port: 8080", "port: 8082").replaceAll("-host-port 8080 -container-ip 172.22.0.5 -container-port 80", "-host-port 8082 -container-ip 172.22.0.5 -container-port 30080"));

const KIND = join(SCENARIOS, "kind-multinode-ingress-on-worker");
/** kind's names and ranges → this cluster's (node containers, node addresses, k3s pod and Service CIDRs). */
const toK3d = (text) =>
  text
    .replaceAll("kind-worker2", "k3d-dev-agent-1")
    .replaceAll("kind-control-plane", "k3d-dev-server-0")
    .replaceAll("172.18.0.4", "172.22.0.4")
    .replaceAll("172.18.0.2", "172.22.0.2")
    .replaceAll("10.244.", "10.42.")
    .replaceAll("10.96.", "10.43.");

const proxyDir = derive("k3d-v5-serverlb-agent-mapping-misses-proxy", (s, f) => {
  s.description =
    'A k3d v5.6.0 cluster named dev with one server and two agents (`k3d cluster create dev --agents 2 -p "8080:80@agent:0" --k3s-arg "--disable=traefik@server:*" --k3s-arg "--disable=servicelb@server:*"`, k3s v1.30.4+k3s1): ' +
    "the serverlb k3d-dev-serverlb forwards port 80 only to agent-0 (/etc/confd/values.yaml `80.tcp: [k3d-dev-agent-0]`). " +
    "With ServiceLB off, ingress-nginx was applied from its kind provider manifest (controller v1.12.1, hostPort 80/443) and the Deployment's nodeSelector ingress-ready: \"true\" removed so that the pod would start, as in kubernetes/ingress-nginx#8874; the scheduler put it on k3d-dev-agent-1. " +
    "Ingress default/web (class nginx, host web.localhost) sends to ClusterIP Service default/web. Nothing listens on port 80 of agent-0, so curl http://web.localhost:8080/ gets `curl: (52) Empty reply from server`. " +
    "Sources: k3d docs usage/exposing_services.md, k3d pkg/client/ports.go and proxy/templates/nginx.tmpl; ingress-nginx deploy/static/provider/kind/deploy.yaml; kubernetes/ingress-nginx#8874; kubernetes-sigs/kind#758 (a hostPort proxy answers only on its node).";
  s.targets = ["http://web.localhost:8080/"];
  const kindScenario = parse(readFileSync(join(KIND, "scenario.yaml"), "utf8"));
  const answer = kindScenario.traffic.find((t) => t.port === 80 && t.address === "172.18.0.4");
  s.traffic = s.traffic.filter((t) => t.port !== 31845 && !(t.port === 80 && t.address) && !(t.port === 8080 && !t.address));
  s.traffic.unshift({ port: 8080, mode: "empty-reply" });
  s.traffic.push({ port: 80, address: "172.22.0.2", mode: "refuse" }, { port: 80, address: "172.22.0.3", mode: "refuse" }, { ...answer, address: "172.22.0.4" });
  s.expect = { status: "fail", hop: "service", paths: [{ url: "http://web.localhost:8080/", status: "fail", hop: "service" }] };

  // No ServiceLB: no svclb DaemonSet, pods or LoadBalancer events; web is a ClusterIP Service behind the Ingress.
  f["kube-system.yaml"] = f["kube-system.yaml"].filter((o) => !o.metadata.name.startsWith("svclb-web-"));
  f["events.yaml"] = f["events.yaml"].filter((e) => !(e.involvedObject?.kind === "Service" && e.involvedObject?.name === "web"));
  const web = f["apps.yaml"].find((o) => o.kind === "Service" && o.metadata.name === "web");
  web.spec.type = "ClusterIP";
  delete web.spec.externalTrafficPolicy;
  delete web.spec.ports[0].nodePort;
  web.status = { loadBalancer: {} };
  const ingress = readDocs(join(KIND, "cluster", "apps.yaml")).find((o) => o.kind === "Ingress" && o.metadata.name === "web");
  f["apps.yaml"].push(ingress);
});
writeFileSync(join(proxyDir, "cluster", "ingress-nginx.yaml"), toK3d(readFileSync(join(KIND, "cluster", "ingress-nginx.yaml"), "utf8")));
