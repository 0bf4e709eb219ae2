#!/usr/bin/env node
/**
 * Writes the real-k3d-* / real-k3s-* lab scenarios: cluster states that users
 * pasted in public k3d / k3s issue threads, rebuilt with their names, images,
 * versions, status reasons, event messages and answers. Each scenario's
 * description names its thread; docs/facts/real-threads-k3s.md records what
 * was pasted, the real cause and netdoctor's verdict before and after.
 *
 * Usage: node scripts/gen-real-k3s-scenarios.mjs
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { dump, readDocs, SCENARIOS } from "./lib/scenario-gen.mjs";
import { deployment, endpointSlice, event, k3dDocker, k3dNodes, namespaces, pod, podState, service } from "./lib/k3d-cluster.mjs";

const HOSTS = "127.0.0.1 localhost\n127.0.1.1 devbox\n\n# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n";
const SYSTEM_LISTENERS = [
  { address: "127.0.0.53", port: 53, pid: 812, process: "systemd-resolve", command: "/usr/lib/systemd/systemd-resolved" },
  { address: "0.0.0.0", port: 22, pid: 1104, process: "sshd", command: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups" },
];
const TRAEFIK_404 = { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "404 page not found\n" };
const CRITICAL_TOLERATIONS = [
  { key: "CriticalAddonsOnly", operator: "Exists" },
  { effect: "NoSchedule", key: "node-role.kubernetes.io/control-plane", operator: "Exists" },
  { effect: "NoSchedule", key: "node-role.kubernetes.io/master", operator: "Exists" },
];

/** Writes one scenario directory from its parts. */
function write(name, { scenario, cluster, docker, listeners, logs = {}, hosts = HOSTS }) {
  const dir = join(SCENARIOS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "cluster"), { recursive: true });
  writeFileSync(join(dir, "scenario.yaml"), stringify({ name, ...scenario }, { lineWidth: 0 }));
  for (const [file, docs] of Object.entries(cluster)) writeFileSync(join(dir, "cluster", `${file}.yaml`), dump(docs));
  if (docker) {
    mkdirSync(join(dir, "docker"), { recursive: true });
    writeFileSync(join(dir, "docker/containers.json"), JSON.stringify(docker.containers, null, 1) + "\n");
    writeFileSync(join(dir, "docker/networks.json"), JSON.stringify(docker.networks, null, 1) + "\n");
  }
  mkdirSync(join(dir, "host"), { recursive: true });
  writeFileSync(join(dir, "host/listeners.yaml"), stringify(listeners, { lineWidth: 0 }));
  writeFileSync(join(dir, "host/hosts"), hosts);
  for (const [path, text] of Object.entries(logs)) {
    mkdirSync(join(dir, "logs", path, ".."), { recursive: true });
    writeFileSync(join(dir, "logs", path), text);
  }
}

/**
 * k3s' packaged components of one era in kube-system: coredns,
 * local-path-provisioner, metrics-server and the traefik HelmCharts with
 * their helm-install pods. `state(name)` gives each pod's state.
 */
function k3sSystem({ images, t, node, nodeIP, state, podIPs, hashes, helmDone }) {
  const out = [];
  const sys = (name, hash, suffix, labels, selector, image, ip, extra = {}) => {
    out.push(...deployment({ name, namespace: "kube-system", labels, selector, hash, t, containers: [{ name: extra.container ?? name, image, imagePullPolicy: "IfNotPresent", ...(extra.ports ? { ports: extra.ports } : {}) }], ready: state(name).ready ? 1 : 0 }));
    out.push(pod({ name: `${name}-${hash}-${suffix}`, namespace: "kube-system", labels: { ...selector, "pod-template-hash": hash }, owner: { kind: "ReplicaSet", name: `${name}-${hash}` }, node, nodeIP, podIP: ip, containers: [{ name: extra.container ?? name, image, imagePullPolicy: "IfNotPresent", ...(extra.ports ? { ports: extra.ports } : {}) }], state: state(name), t, priorityClassName: "system-cluster-critical", tolerations: CRITICAL_TOLERATIONS, serviceAccountName: extra.sa ?? name }));
  };
  sys("coredns", hashes.coredns, "x2xqd", { "k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS", "objectset.rio.cattle.io/hash": "bce283298811743a0386ab510f2f67ef74240c57" }, { "k8s-app": "kube-dns" }, images.coredns, podIPs.coredns, { ports: [{ containerPort: 53, name: "dns", protocol: "UDP" }, { containerPort: 53, name: "dns-tcp", protocol: "TCP" }, { containerPort: 9153, name: "metrics", protocol: "TCP" }] });
  sys("local-path-provisioner", hashes.localPath, "lzkbp", { "objectset.rio.cattle.io/hash": "183f35c65ffbc3064603f43f1580d8c68a2dabd4" }, { app: "local-path-provisioner" }, images.localPath, podIPs.localPath, { sa: "local-path-provisioner-service-account" });
  sys("metrics-server", hashes.metrics, "9pqrs", { "k8s-app": "metrics-server", "objectset.rio.cattle.io/hash": "a5d3bc601c871e123fa32b27f549b6ea770bcf4a" }, { "k8s-app": "metrics-server" }, images.metrics, podIPs.metrics, { ports: [{ containerPort: 4443, name: "https", protocol: "TCP" }] });
  out.push(service({ name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" }, clusterIP: "10.43.0.10", selector: { "k8s-app": "kube-dns" }, t, ports: [{ name: "dns", port: 53, protocol: "UDP", targetPort: 53 }, { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 }, { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 }] }));
  out.push(endpointSlice({ service: "kube-dns", namespace: "kube-system", t, endpoints: state("coredns").ready ? [{ ip: podIPs.coredns, node, pod: `coredns-${hashes.coredns}-x2xqd`, ready: true }] : [], ports: [{ name: "dns-tcp", port: 53, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }, { name: "metrics", port: 9153, protocol: "TCP" }] }));
  for (const chart of ["traefik-crd", "traefik"]) {
    out.push({
      apiVersion: "helm.cattle.io/v1",
      kind: "HelmChart",
      metadata: {
        annotations: { "objectset.rio.cattle.io/applied": "", "objectset.rio.cattle.io/id": "", "objectset.rio.cattle.io/owner-gvk": "k3s.cattle.io/v1, Kind=Addon", "objectset.rio.cattle.io/owner-name": "traefik", "objectset.rio.cattle.io/owner-namespace": "kube-system" },
        creationTimestamp: t,
        finalizers: ["wrangler.cattle.io/on-helm-chart-remove"],
        generation: 1,
        labels: { "objectset.rio.cattle.io/hash": "c2d2e15ec8eb5ab8e2fb0d6d1f1cd3db4c6dc5a7" },
        name: chart,
        namespace: "kube-system",
        resourceVersion: String(400 + chart.length),
        uid: `${chart === "traefik" ? "8a1d2c3e" : "7b2e3d4f"}-5b6a-4c7d-8e9f-0a1b2c3d4e5f`,
      },
      spec: { chart: `https://%{KUBERNETES_API}%/static/charts/${chart}-${images.traefikChart}.tgz`, ...(chart === "traefik" ? { set: { "global.systemDefaultRegistry": "" }, valuesContent: "rbac:\n  enabled: true\nports:\n  websecure:\n    tls:\n      enabled: true\npodAnnotations:\n  prometheus.io/port: \"8082\"\n  prometheus.io/scrape: \"true\"\nproviders:\n  kubernetesIngress:\n    publishedService:\n      enabled: true\npriorityClassName: \"system-cluster-critical\"\nimage:\n  name: \"rancher/mirrored-library-traefik\"\ntolerations:\n- key: \"CriticalAddonsOnly\"\n  operator: \"Exists\"\n- key: \"node-role.kubernetes.io/control-plane\"\n  operator: \"Exists\"\n  effect: \"NoSchedule\"\n- key: \"node-role.kubernetes.io/master\"\n  operator: \"Exists\"\n  effect: \"NoSchedule\"\n" } : {}) },
      status: { jobName: `helm-install-${chart}` },
    });
    const jobPod = `helm-install-${chart}-${chart === "traefik" ? "4nfgv" : "9rmtw"}`;
    out.push(pod({
      name: jobPod,
      namespace: "kube-system",
      labels: { "controller-uid": `${chart === "traefik" ? "3f1c" : "2e0b"}9a7e-6d5c-4b3a-8291-0f1e2d3c4b5a`, "helmcharts.helm.cattle.io/chart": chart, "job-name": `helm-install-${chart}` },
      owner: { kind: "Job", name: `helm-install-${chart}` },
      node,
      nodeIP,
      podIP: null,
      containers: [{ name: "helm", image: images.klipperHelm, imagePullPolicy: "IfNotPresent", args: ["install"], env: [{ name: "NAME", value: chart }, { name: "VERSION" }, { name: "REPO" }, { name: "HELM_DRIVER", value: "secret" }, { name: "CHART_NAMESPACE", value: "kube-system" }, { name: "CHART", value: `https://10.43.0.1:443/static/charts/${chart}-${images.traefikChart}.tgz` }] }],
      state: helmDone ? { phase: "Succeeded", ready: false, state: { terminated: { exitCode: 0, reason: "Completed", startedAt: t, finishedAt: t } } } : state(`helm-install-${chart}`),
      t,
      serviceAccountName: `helm-${chart}`,
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------
// real-k3d-demo-images-blocked — k3d-io/k3d-demo#12
// ---------------------------------------------------------------------------
{
  const t = "2022-02-03T09:14:27Z";
  const cluster = "demo";
  const subnet = "172.19.0";
  const k3sVersion = "v1.22.6+k3s1";
  const docker = k3dDocker({
    cluster,
    agents: 3,
    subnetPrefix: subnet,
    k3dVersion: "v5.3.0",
    k3sImage: "docker.io/rancher/k3s:v1.22.6-k3s1",
    proxyImage: "docker.io/rancher/k3d-proxy:5.3.0",
    apiPort: 6550,
    ports: [{ host: 8080, container: 80 }],
    t,
  });
  const nodes = k3dNodes({ cluster, agents: 3, subnetPrefix: subnet, k3sVersion, t, kernel: "3.10.0-1160.53.1.el7.x86_64" });
  const server = `k3d-${cluster}-server-0`;
  const images = { coredns: "rancher/mirrored-coredns-coredns:1.8.6", localPath: "rancher/local-path-provisioner:v0.0.21", metrics: "rancher/mirrored-metrics-server:v0.5.2", klipperHelm: "rancher/klipper-helm:v0.6.6-build20211022", traefikChart: "10.9.100" };
  const sandbox = "docker.io/rancher/pause:3.1";
  const pullError = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "${sandbox}": failed to pull image "${sandbox}": failed to pull and unpack image "${sandbox}": failed to resolve reference "${sandbox}": failed to do request: Head "https://registry-1.docker.io/v2/rancher/pause/manifests/3.1": dial tcp 34.205.13.154:443: i/o timeout`;
  const system = k3sSystem({ images, t, node: server, nodeIP: `${subnet}.2`, state: () => podState.creating(), podIPs: {}, hashes: { coredns: "96cc4f57d", localPath: "84bb864455", metrics: "ff9dbcb6c" } });
  const events = system
    .filter((o) => o.kind === "Pod")
    .map((p) => event({ obj: { kind: "Pod", name: p.metadata.name, namespace: "kube-system" }, reason: "FailedCreatePodSandBox", message: pullError, count: 31, t: "2022-02-03T09:41:02Z", source: "kubelet" }));
  const nodeTraffic = docker.nodeIPs.flatMap((ip) => [{ port: 80, address: ip, mode: "refuse" }, { port: 6443, address: ip, mode: "tls" }]).filter((e, i) => e.port !== 6443 || i === 1);
  write("real-k3d-demo-images-blocked", {
    scenario: {
      description:
        "k3d-io/k3d-demo#12 (https://github.com/k3d-io/k3d-demo/issues/12): `make demo` stopped after its first step, `k3d cluster create demo --api-port 6550 --servers 1 --agents 3 --port 8080:80@loadbalancer --wait` (k3d-io/k3d-demo scripts/lifecycle.sh), on a CentOS 7 VM behind a corporate firewall; `curl localhost:8080` printed `Empty reply from server` where Ubuntu printed traefik's `404 page not found`. The user's own finding: \"The pods in name space kube-system could not load their images. That became clear doing kubectl get -A\". So no pod of kube-system starts: kubelet cannot pull the sandbox image (docker.io/rancher/pause:3.1, the k3s v1.22.6+k3s1 of k3d v5.3.0) and every pod stays ContainerCreating with FailedCreatePodSandBox; helm-install-traefik never runs, traefik and its svclb never exist, nothing takes port 80 on the nodes, and the serverlb (rancher/k3d-proxy:5.3.0) closes every connection it cannot pass on. Images of that k3s from k3d v5.3.0's image list as users mirror it for air-gapped k3d; the containerd pull error's wording is containerd's.",
      context: `k3d-${cluster}`,
      targets: ["http://localhost:8080/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 8080, mode: "empty-reply" }, { port: 6550, mode: "tls" }, ...nodeTraffic],
      expect: { status: "fail", hop: "service", paths: [{ url: "http://localhost:8080/", status: "fail", hop: "service", verdict: { code: "ND501", mentions: ["packaged traefik", "is not installed", "helm-install-traefik-4nfgv: ContainerCreating", "failed to get sandbox image \"docker.io/rancher/pause:3.1\""] } }] },
    },
    cluster: { nodes, namespaces: namespaces(["default", "kube-system", "kube-public", "kube-node-lease"], t), "kube-system": system, events },
    docker,
    listeners: [...SYSTEM_LISTENERS, ...docker.listeners],
  });
}

/** What differs between the k3s eras the scenarios use (images, names; real-world-facts §2.2). */
const ERA_1_22 = { traefikImage: "rancher/mirrored-library-traefik:2.5.6", chart: "traefik-10.9.100", klipperLb: "rancher/klipper-lb:v0.3.4", lbPrefix: "lb-port", svclbName: "svclb-traefik" };
const ERA_1_31 = { traefikImage: "rancher/mirrored-library-traefik:2.11.18", chart: "traefik-27.0.201_up27.0.2", klipperLb: "rancher/klipper-lb:v0.4.9", lbPrefix: "lb-tcp", svclbName: "svclb-traefik-5a4f6e30" };

/**
 * k3s' packaged traefik of k3s v1.22 once installed: Deployment, Service
 * (LoadBalancer web 80 / websecure 443), IngressClass, and the ServiceLB
 * DaemonSet `svclb-traefik` (k3s ≤1.22 names it without the uid part and its
 * containers `lb-port-80` / `lb-port-443`; klipper-lb v0.3 reads DEST_IPS).
 * `svclb(nodeName)` gives each svclb pod's state; the Service's LoadBalancer
 * ingress lists only nodes whose svclb pod is Ready (k3s servicelb.go `podIPs`).
 */
function traefikV1_22({ t, nodes, traefikState, svclb, podIP, nodeOfTraefik, lbNodePorts = [30872, 32461], era = ERA_1_22, suffixes = ["dkgkq", "7xwzp", "m4c2r", "q9tfn"] }) {
  const out = [];
  const image = era.traefikImage;
  const labels = { "app.kubernetes.io/instance": "traefik-kube-system", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "traefik", "helm.sh/chart": era.chart };
  if (era === ERA_1_22) labels["app.kubernetes.io/instance"] = "traefik";
  const selector = { "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"], "app.kubernetes.io/name": "traefik" };
  const ports = [{ containerPort: 9000, name: "traefik", protocol: "TCP" }, { containerPort: 8000, name: "web", protocol: "TCP" }, { containerPort: 8443, name: "websecure", protocol: "TCP" }];
  const container = { name: "traefik", image, imagePullPolicy: "IfNotPresent", args: ["--global.checknewversion", "--global.sendanonymoususage", "--entrypoints.metrics.address=:9100/tcp", "--entrypoints.traefik.address=:9000/tcp", "--entrypoints.web.address=:8000/tcp", "--entrypoints.websecure.address=:8443/tcp", "--api.dashboard=true", "--ping=true", "--metrics.prometheus=true", "--metrics.prometheus.entrypoint=metrics", "--providers.kubernetescrd", "--providers.kubernetesingress", "--providers.kubernetesingress.ingressendpoint.publishedservice=kube-system/traefik", "--entrypoints.websecure.http.tls=true"], ports };
  out.push(...deployment({ name: "traefik", namespace: "kube-system", labels, selector, hash: "56c4b88c4b", containers: [container], ready: traefikState.ready ? 1 : 0, t }));
  out.push(pod({ name: "traefik-56c4b88c4b-8bg2w", namespace: "kube-system", labels: { ...selector, "pod-template-hash": "56c4b88c4b" }, owner: { kind: "ReplicaSet", name: "traefik-56c4b88c4b" }, node: nodeOfTraefik.name, nodeIP: nodeOfTraefik.ip, podIP, containers: [container], state: traefikState, t, priorityClassName: "system-cluster-critical", tolerations: CRITICAL_TOLERATIONS, serviceAccountName: "traefik" }));
  const readyNodes = nodes.filter((n) => svclb(n.name).ready);
  out.push(service({ name: "traefik", namespace: "kube-system", labels, annotations: { "meta.helm.sh/release-name": "traefik", "meta.helm.sh/release-namespace": "kube-system" }, type: "LoadBalancer", clusterIP: "10.43.70.41", selector, t, ingressIPs: readyNodes.map((n) => n.ip), ports: [{ name: "web", nodePort: lbNodePorts[0], port: 80, protocol: "TCP", targetPort: "web" }, { name: "websecure", nodePort: lbNodePorts[1], port: 443, protocol: "TCP", targetPort: "websecure" }] }));
  out.push(endpointSlice({ service: "traefik", namespace: "kube-system", t, endpoints: traefikState.ready ? [{ ip: podIP, node: nodeOfTraefik.name, pod: "traefik-56c4b88c4b-8bg2w", ready: true }] : [], ports: [{ name: "web", port: 8000, protocol: "TCP" }, { name: "websecure", port: 8443, protocol: "TCP" }] }));
  out.push({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { annotations: { "ingressclass.kubernetes.io/is-default-class": "true", "meta.helm.sh/release-name": "traefik", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: t, labels, name: "traefik", resourceVersion: "611", uid: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5" }, spec: { controller: "traefik.io/ingress-controller" } });
  const lbContainer = (port) => ({
    name: `${era.lbPrefix}-${port}`,
    image: era.klipperLb,
    imagePullPolicy: "IfNotPresent",
    env: [{ name: "SRC_PORT", value: String(port) }, ...(era === ERA_1_22 ? [] : [{ name: "SRC_RANGES", value: "0.0.0.0/0" }]), { name: "DEST_PROTO", value: "TCP" }, { name: "DEST_PORT", value: String(port) }, { name: "DEST_IPS", value: "10.43.70.41" }],
    ports: [{ containerPort: port, hostPort: port, name: `${era.lbPrefix}-${port}`, protocol: "TCP" }],
    securityContext: { capabilities: { add: ["NET_ADMIN"] } },
  });
  const ds = era.svclbName;
  const nsLabel = era === ERA_1_22 ? {} : { "svccontroller.k3s.cattle.io/svcnamespace": "kube-system" };
  const dsLabels = { "objectset.rio.cattle.io/hash": "f31475152fbf70655d3c016d368e90118938f6ea", "svccontroller.k3s.cattle.io/nodeselector": "false", "svccontroller.k3s.cattle.io/svcname": "traefik", ...nsLabel };
  out.push({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { annotations: { "deprecated.daemonset.template.generation": "1", "objectset.rio.cattle.io/id": "svccontroller" }, creationTimestamp: t, generation: 1, labels: dsLabels, name: ds, namespace: "kube-system", ownerReferences: [{ apiVersion: "v1", controller: true, kind: "Service", name: "traefik", uid: "svc-traefik" }], resourceVersion: "702", uid: "5f4e3d2c-1b0a-4987-8654-3210fedcba98" },
    spec: { selector: { matchLabels: { app: ds } }, template: { metadata: { labels: { app: ds, "svccontroller.k3s.cattle.io/svcname": "traefik", ...nsLabel } }, spec: { containers: [lbContainer(80), lbContainer(443)], tolerations: CRITICAL_TOLERATIONS } }, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: "RollingUpdate" } },
    status: { currentNumberScheduled: nodes.length, desiredNumberScheduled: nodes.length, numberAvailable: readyNodes.length, numberMisscheduled: 0, numberReady: readyNodes.length, ...(readyNodes.length < nodes.length ? { numberUnavailable: nodes.length - readyNodes.length } : {}), observedGeneration: 1, updatedNumberScheduled: nodes.length },
  });
  nodes.forEach((n, i) => {
    out.push(pod({ name: `${ds}-${suffixes[i]}`, namespace: "kube-system", labels: { app: ds, "controller-revision-hash": "6f4b9d8c5", "pod-template-generation": "1", "svccontroller.k3s.cattle.io/svcname": "traefik", ...nsLabel }, owner: { kind: "DaemonSet", name: ds }, node: n.name, nodeIP: n.ip, podIP: `10.42.${i}.${i ? 3 : 8}`, containers: [lbContainer(80), lbContainer(443)], state: svclb(n.name), t, affinityNode: n.name, tolerations: CRITICAL_TOLERATIONS }));
  });
  return out;
}

// ---------------------------------------------------------------------------
// real-k3d-svclb-iptables-nat — k3s-io/klipper-lb#34 (k3d-io/k3d#1021)
// ---------------------------------------------------------------------------
{
  const t = "2022-04-04T13:02:11Z";
  const cluster = "infra";
  const subnet = "172.20.0";
  const k3sVersion = "v1.22.6+k3s1";
  const docker = k3dDocker({ cluster, agents: 0, subnetPrefix: subnet, k3dVersion: "v5.3.0", k3sImage: "docker.io/rancher/k3s:v1.22.6-k3s1", proxyImage: "docker.io/rancher/k3d-proxy:5.3.0", apiPort: 6550, ports: [{ host: 80, container: 80 }, { host: 443, container: 443 }], t });
  const nodes = k3dNodes({ cluster, agents: 0, subnetPrefix: subnet, k3sVersion, t, kernel: "4.18.0-348.20.1.el8_5.x86_64" });
  const server = { name: `k3d-${cluster}-server-0`, ip: `${subnet}.2` };
  const images = { coredns: "rancher/mirrored-coredns-coredns:1.8.6", localPath: "rancher/local-path-provisioner:v0.0.21", metrics: "rancher/mirrored-metrics-server:v0.5.2", klipperHelm: "rancher/klipper-helm:v0.6.6-build20211022", traefikChart: "10.9.100" };
  const crash = podState.crashLoop("2022-04-04T13:31:40Z", 3, 11, "back-off 5m0s restarting failed container=lb-port-80 pod=svclb-traefik-dkgkq_kube-system(7d0e5c1a-2b3f-4e6d-9a8c-1f2e3d4c5b6a)");
  const system = [
    ...k3sSystem({ images, t, node: server.name, nodeIP: server.ip, state: () => podState.running(t), podIPs: { coredns: "10.42.0.5", localPath: "10.42.0.4", metrics: "10.42.0.6" }, hashes: { coredns: "96cc4f57d", localPath: "84bb864455", metrics: "ff9dbcb6c" }, helmDone: true }),
    ...traefikV1_22({ t, nodes: [server], traefikState: podState.running(t), svclb: () => crash, podIP: "10.42.0.9", nodeOfTraefik: server }),
  ];
  const app = [
    ...deployment({ name: "whoami", namespace: "dev", labels: { app: "whoami" }, selector: { app: "whoami" }, hash: "5b69d8c4f7", containers: [{ name: "whoami", image: "traefik/whoami:v1.7.1", imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 80, name: "web", protocol: "TCP" }] }], t }),
    pod({ name: "whoami-5b69d8c4f7-hx2vk", namespace: "dev", labels: { app: "whoami", "pod-template-hash": "5b69d8c4f7" }, owner: { kind: "ReplicaSet", name: "whoami-5b69d8c4f7" }, node: server.name, nodeIP: server.ip, podIP: "10.42.0.11", containers: [{ name: "whoami", image: "traefik/whoami:v1.7.1", ports: [{ containerPort: 80, name: "web", protocol: "TCP" }] }], state: podState.running(t), t }),
    service({ name: "whoami", namespace: "dev", labels: { app: "whoami" }, clusterIP: "10.43.152.37", selector: { app: "whoami" }, t, ports: [{ name: "web", port: 80, protocol: "TCP", targetPort: "web" }] }),
    endpointSlice({ service: "whoami", namespace: "dev", t, endpoints: [{ ip: "10.42.0.11", node: server.name, pod: "whoami-5b69d8c4f7-hx2vk", ready: true }], ports: [{ name: "web", port: 80, protocol: "TCP" }] }),
    { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { creationTimestamp: t, generation: 1, name: "whoami", namespace: "dev", resourceVersion: "1893", uid: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a" }, spec: { ingressClassName: "traefik", rules: [{ http: { paths: [{ backend: { service: { name: "whoami", port: { name: "web" } } }, path: "/", pathType: "Prefix" }] } }] }, status: { loadBalancer: {} } },
  ];
  const events = [
    event({ obj: { kind: "Pod", name: "svclb-traefik-dkgkq", namespace: "kube-system" }, reason: "BackOff", message: "Back-off restarting failed container", count: 52, t: "2022-04-04T13:36:02Z", source: "kubelet" }),
    { ...event({ obj: { kind: "Service", name: "traefik", namespace: "kube-system" }, reason: "UnAvailableLoadBalancer", message: "There are no available nodes for LoadBalancer", t: "2022-04-04T13:03:15Z", source: "service-lb-controller" }), involvedObject: { apiVersion: "v1", kind: "Service", name: "traefik", namespace: "kube-system", uid: "svc-traefik" } },
  ];
  const log = (port) => `+ trap exit TERM INT\n+ echo 10.43.70.41\n+ grep -Eq :\n+ cat /proc/sys/net/ipv4/ip_forward\n+ '[' 1 '!=' 1 ]\n+ iptables -t nat -I PREROUTING '!' -s 10.43.70.41/32 -p TCP --dport ${port} -j DNAT --to 10.43.70.41:${port}\nmodprobe: can't change directory to '/lib/modules': No such file or directory\nmodprobe: can't change directory to '/lib/modules': No such file or directory\nmodprobe: can't change directory to '/lib/modules': No such file or directory\nmodprobe: can't change directory to '/lib/modules': No such file or directory\nmodprobe: can't change directory to '/lib/modules': No such file or directory\niptables v1.8.4 (legacy): can't initialize iptables table \`nat': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`;
  write("real-k3d-svclb-iptables-nat", {
    scenario: {
      description:
        "k3s-io/klipper-lb#34 (https://github.com/k3s-io/klipper-lb/issues/34, first filed as k3d-io/k3d#1021): a one-node k3d cluster on Rocky Linux 8 (`Linux rockylinux8.linuxvmimages.local`, kernel 4.18 el8); after the host crashed and k3d was restarted, \"I am no longer able to connect to any app service through ingress\". The user pasted `kubectl -n kube-system logs svclb-traefik-dkgkq lb-port-80`: klipper-lb's entry script runs `iptables -t nat -I PREROUTING '!' -s 10.43.70.41/32 -p TCP --dport 80 -j DNAT --to 10.43.70.41:80`, modprobe cannot load modules inside the node container, and `iptables v1.8.4 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)`. So the svclb pod crash-loops, nothing takes port 80/443 on the node, traefik's LoadBalancer Service has no ingress (k3s servicelb.go `podIPs` counts only Ready svclb pods: \"There are no available nodes for LoadBalancer\"), and the serverlb closes every connection: curl gets an empty reply. The real cause is the host kernel: the legacy iptables nat table is not available to the node container (on RHEL 8 the kernel's iptable_nat module is not loaded once nothing on the host uses legacy iptables; the same message and cause in k3s-io/k3s#783 and the k3s known issues on iptables) — load it on the host (`modprobe iptable_nat`) or run an iptables that matches the host's nftables backend. The cluster: k3d v5.3.0 with k3s v1.22.6+k3s1 (svclb DaemonSet `svclb-traefik` with containers `lb-port-80`/`lb-port-443`, klipper-lb v0.3.4, DEST_IPS), ports 80 and 443 on the loadbalancer as in the same user's k3d-io/k3d#960 config; the whoami app in namespace dev stands in for \"any app service\" the thread does not name.",
      context: `k3d-${cluster}`,
      targets: ["http://localhost/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 80, mode: "empty-reply" }, { port: 443, mode: "empty-reply" }, { port: 6550, mode: "tls" }, { port: 80, address: server.ip, mode: "refuse" }, { port: 443, address: server.ip, mode: "refuse" }, { port: 6443, address: server.ip, mode: "tls" }, { port: 30872, address: server.ip, mode: "http", respond: [], default: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Hostname: whoami-5b69d8c4f7-hx2vk\nIP: 127.0.0.1\nIP: 10.42.0.11\nRemoteAddr: 10.42.0.9:51482\nGET / HTTP/1.1\nHost: localhost\nUser-Agent: curl/7.61.1\nAccept: */*\n" } }],
      serviceProxy: { "dev/whoami:80": { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Hostname: whoami-5b69d8c4f7-hx2vk\nIP: 127.0.0.1\nIP: 10.42.0.11\n" } },
      expect: { status: "fail", hop: "service", paths: [{ url: "http://localhost/", status: "fail", hop: "service", probe: { signature: "empty-reply" }, verdict: { code: "ND503", mentions: ["svclb-traefik-dkgkq: CrashLoopBackOff", "can't initialize iptables table `nat': Table does not exist", "nat table"] } }] },
    },
    cluster: { nodes, namespaces: namespaces(["default", "kube-system", "kube-public", "kube-node-lease", "dev"], t), "kube-system": system, apps: app, events },
    docker,
    listeners: [...SYSTEM_LISTENERS, ...docker.listeners],
    logs: { "kube-system/svclb-traefik-dkgkq/lb-port-80.log": log(80), "kube-system/svclb-traefik-dkgkq/lb-port-443.log": log(443) },
  });
}

// ---------------------------------------------------------------------------
// Rancher Desktop's own Port Forwarding (Preferences → Port Forwarding):
// vm-rancher-desktop-port-forwarding (v1.15+, 127.0.0.1) and
// real-rd-port-forwarding-one-family (rancher-desktop#7248, before v1.15).
// The cluster is vm-rancher-desktop-healthy's (Rancher Desktop on a Mac, k3s
// in its Lima VM, the whoami example).
// ---------------------------------------------------------------------------
{
  const base = join(SCENARIOS, "vm-rancher-desktop-healthy");
  const baseScenario = parse(readFileSync(join(base, "scenario.yaml"), "utf8"));
  const baseListeners = parse(readFileSync(join(base, "host/listeners.yaml"), "utf8"));
  const cluster = Object.fromEntries(["apps", "kube-system", "namespaces", "nodes"].map((f) => [f, readDocs(join(base, "cluster", `${f}.yaml`))]));
  const whoami = baseScenario.serviceProxy["default/whoami:80"];
  const app = { pid: 1712, process: "Rancher Desktop", command: "/Applications/Rancher Desktop.app/Contents/MacOS/Rancher Desktop" };
  const writeRd = (name, { description, listener, traffic, targets, expect }) => {
    write(name, {
      scenario: {
        description,
        context: "rancher-desktop",
        targets,
        apiServer: { latencyMs: 0, forbid: [] },
        traffic,
        serviceProxy: baseScenario.serviceProxy,
        expect,
        docker: false,
        remapHostPorts: false,
      },
      cluster,
      listeners: [...baseListeners, listener],
      hosts: readFileSync(join(base, "host/hosts"), "utf8"),
    });
    writeFileSync(join(SCENARIOS, name, "host/interfaces.yaml"), readFileSync(join(base, "host/interfaces.yaml"), "utf8"));
  };
  writeRd("vm-rancher-desktop-port-forwarding", {
    description:
      "Rancher Desktop 1.15+ on a Mac (the cluster of vm-rancher-desktop-healthy: k3s in Rancher Desktop's Lima VM, the traefik whoami example). The user forwards Service default/whoami port http on Rancher Desktop's Port Forwarding page (Preferences → Port Forwarding) to host port 8080: not Lima's forwarder, but the app's main process itself listens on 127.0.0.1:8080 (`/Applications/Rancher Desktop.app/Contents/MacOS/Rancher Desktop`) and relays each connection through the Kubernetes API server's port-forward to a ready pod behind the Service, looked up on every connection. `curl http://localhost:8080/` answers whoami's echo. Sources: rancher-sandbox/rancher-desktop pkg/rancher-desktop/backend/kube/client.ts (`createForwardingServer`, `server.listen({ port: hostPort, host: '127.0.0.1' })` since 22ec51a4, v1.15), packaging/electron-builder.yml (productName `Rancher Desktop`), rancher-desktop#390 and #7248. Facts: docs/facts/vm-tool-forwarders.md §6.",
      listener: { address: "127.0.0.1", port: 8080, ...app },
      targets: ["http://localhost:8080/"],
      traffic: [...baseScenario.traffic, { port: 8080, mode: "http", respond: [], default: whoami }],
      expect: { status: "pass", paths: [{ url: "http://localhost:8080/", status: "pass", hop: null, forwarder: { kind: "rancher-desktop-port-forward" } }] },
    });
  writeRd("real-rd-port-forwarding-one-family", {
    description:
      "rancher-desktop#7248 (https://github.com/rancher-sandbox/rancher-desktop/issues/7248): \"When using the Port Forwarding tab, I will only see a listen server on the local address that my DNS … response to `ping localhost` resolves to\" — one listener, on [::1], where `kubectl port-forward` opens 127.0.0.1 and ::1. Rancher Desktop 1.14.1 called `server.listen({ port: hostPort, host: 'localhost' })` (pkg/rancher-desktop/backend/kube/client.ts), so Node bound only the first address `localhost` resolved to; a client that connects to 127.0.0.1 is refused. Fixed in v1.15 by listening on 127.0.0.1 (commit 22ec51a4 \"Favor 127.0.0.1 instead of localhost or :: to just force IPv4 binding\"). The user was on Windows, where netdoctor reads no listeners; this is the same app code on a Mac whose resolver puts ::1 first (the cluster of vm-rancher-desktop-healthy: whoami forwarded to host port 8080), with the client going to http://127.0.0.1:8080/ [infer: macOS resolver order].",
      listener: { address: "::1", port: 8080, ...app },
      targets: ["http://127.0.0.1:8080/"],
      traffic: [...baseScenario.traffic, { port: 8080, mode: "refuse" }],
      expect: { status: "fail", hop: "host-port", paths: [{ url: "http://127.0.0.1:8080/", status: "fail", hop: "host-port", probe: { signature: "refused" }, verdict: { code: "ND201", rootCause: "ND202", mentions: ["listens on [::1]:8080", "Rancher Desktop's Port Forwarding listens on ::1 only", "rancher-desktop#7248"] } }] },
    });
}

// ---------------------------------------------------------------------------
// real-k3d-wasmcloud-nodeport-behind-traefik — wasmCloud/wasmcloud.com#1141
// ---------------------------------------------------------------------------
{
  const t = "2026-04-29T18:02:44Z";
  const cluster = "wasmcloud";
  const subnet = "172.18.0";
  const k3sVersion = "v1.31.5+k3s1";
  const docker = k3dDocker({ cluster, agents: 0, subnetPrefix: subnet, k3dVersion: "v5.8.3", k3sImage: "docker.io/rancher/k3s:v1.31.5-k3s1", proxyImage: "ghcr.io/k3d-io/k3d-proxy:5.8.3", apiPort: 35917, ports: [{ host: 80, container: 80 }], t });
  const nodes = k3dNodes({ cluster, agents: 0, subnetPrefix: subnet, k3sVersion, t, kernel: "6.8.0-57-generic" });
  const server = { name: `k3d-${cluster}-server-0`, ip: `${subnet}.2` };
  const images = { coredns: "rancher/mirrored-coredns-coredns:1.12.0", localPath: "rancher/local-path-provisioner:v0.0.30", metrics: "rancher/mirrored-metrics-server:v0.7.2", klipperHelm: "rancher/klipper-helm:v0.9.3-build20241008", traefikChart: "27.0.201+up27.0.2" };
  const system = [
    ...k3sSystem({ images, t, node: server.name, nodeIP: server.ip, state: () => podState.running(t), podIPs: { coredns: "10.42.0.3", localPath: "10.42.0.2", metrics: "10.42.0.4" }, hashes: { coredns: "ccb96694c", localPath: "5cf85fd84d", metrics: "5985cbc9d7" }, helmDone: true }),
    ...traefikV1_22({ t, nodes: [server], traefikState: podState.running(t), svclb: () => podState.running(t), podIP: "10.42.0.8", nodeOfTraefik: server, lbNodePorts: [31527, 30183], era: ERA_1_31 }),
  ];
  // wasmCloud's runtime-operator chart (charts/runtime-operator, values.local.yaml: gateway disabled, host group "default" of 3 hosts with HTTP on port 80).
  const tag = "2.0.3";
  const wl = (name, selector, image, replicas, ips, ports, suffixes, hash) => [
    ...deployment({ name, namespace: "wasmcloud", labels: { ...selector, "app.kubernetes.io/instance": "wasmcloud", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "runtime-operator", "helm.sh/chart": `runtime-operator-${tag}` }, selector, hash, replicas, containers: [{ name: name === "runtime-operator" ? "runtime-operator" : name === "nats" ? "nats" : "host", image, imagePullPolicy: "Always", ...(ports ? { ports } : {}) }], t }),
    ...suffixes.map((sfx, i) => pod({ name: `${name}-${hash}-${sfx}`, namespace: "wasmcloud", labels: { ...selector, "pod-template-hash": hash }, owner: { kind: "ReplicaSet", name: `${name}-${hash}` }, node: server.name, nodeIP: server.ip, podIP: ips[i], containers: [{ name: name === "runtime-operator" ? "runtime-operator" : name === "nats" ? "nats" : "host", image, imagePullPolicy: "Always", ...(ports ? { ports } : {}) }], state: podState.running(t), t })),
  ];
  const hosts = ["10.42.0.11", "10.42.0.12", "10.42.0.13"];
  const app = [
    ...wl("runtime-operator", { "wasmcloud.com/name": "runtime-operator" }, `ghcr.io/wasmcloud/runtime-operator:${tag}`, 1, ["10.42.0.9"], null, ["7wq4k"], "6b8d4c7f9d"),
    ...wl("nats", { "wasmcloud.com/name": "nats" }, "docker.io/nats:2.11.3-alpine", 1, ["10.42.0.10"], [{ containerPort: 4222, name: "client", protocol: "TCP" }], ["h2x8n"], "7d5f8b9c6c"),
    ...wl("hostgroup-default", { "wasmcloud.com/hostgroup": "default", "wasmcloud.com/name": "hostgroup" }, `ghcr.io/wasmcloud/wash:${tag}`, 3, hosts, [{ containerPort: 80, name: "http", protocol: "TCP" }], ["4mzqt", "9kcvb", "tr6xp"], "5c9d7b8f4"),
    service({ name: "hello-world", namespace: "default", annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"hello-world","namespace":"default"},"spec":{"ports":[{"name":"http","nodePort":30950,"port":80,"protocol":"TCP"}],"type":"NodePort"}}\n' }, type: "NodePort", clusterIP: "10.43.117.209", t, ports: [{ name: "http", nodePort: 30950, port: 80, protocol: "TCP", targetPort: 80 }] }),
    {
      addressType: "IPv4",
      apiVersion: "discovery.k8s.io/v1",
      endpoints: hosts.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true } })),
      kind: "EndpointSlice",
      metadata: { creationTimestamp: t, labels: { "kubernetes.io/service-name": "hello-world", "wasmcloud.dev/route-manager": "true" }, name: "hello-world-428d118e", namespace: "default", ownerReferences: [{ apiVersion: "v1", blockOwnerDeletion: true, controller: true, kind: "Service", name: "hello-world", uid: "svc-hello-world" }], resourceVersion: "2311", uid: "4e2b7c91-0d3a-4f58-9b6e-7a1c2d3e4f50" },
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
    },
  ];
  const hello = { status: 200, headers: { "content-type": "text/plain" }, body: "Hello from wasmCloud!\n" };
  write("real-k3d-wasmcloud-nodeport-behind-traefik", {
    scenario: {
      description:
        "wasmCloud/wasmcloud.com#1141 (https://github.com/wasmCloud/wasmcloud.com/pull/1141, commit a0b35061): the k3d quickstart said `k3d cluster create wasmcloud --port \"80:80@loadbalancer\"`, \"which connects host port 80 to k3d's bundled Traefik LoadBalancer. The hello-world manifest applied later uses Service type NodePort (port 30950), which Traefik does not route. Result: install succeeded and the workload reached Ready, but curl localhost returned 404 page not found from Traefik.\" The fix maps host port 80 to the nodePort: `k3d cluster create wasmcloud --port \"80:30950@server:0\"`. Rebuilt: k3d v5.8.3 (its default k3s v1.31.5+k3s1, ghcr.io/k3d-io/k3d-proxy:5.8.3), k3s' packaged traefik holding port 80 through svclb, wasmCloud's runtime-operator chart 2.0.3 with values.local.yaml (namespace wasmcloud: runtime-operator, nats, hostgroup-default with 3 hosts serving HTTP on port 80), and the wasmCloud-hosted hello-world manifest (wasmCloud/wasmCloud templates/http-hello-world/manifests/workloaddeployment.yaml): Service default/hello-world NodePort 80:30950 without a selector, its EndpointSlice hello-world-428d118e written by the operator (label wasmcloud.dev/route-manager, runtime-operator workload_route_controller.go) with the three hosts; the WorkloadDeployment CR itself is not modelled. No Ingress exists. Versions of the k3s components and traefik 2.11.18 of k3s v1.31 are [infer]; the thread names none.",
      context: `k3d-${cluster}`,
      targets: ["http://localhost/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [
        { port: 80, mode: "http", respond: [], default: TRAEFIK_404 },
        { port: 35917, mode: "tls" },
        { port: 80, address: server.ip, mode: "http", respond: [], default: TRAEFIK_404 },
        { port: 443, address: server.ip, mode: "tls" },
        { port: 6443, address: server.ip, mode: "tls" },
        { port: 30950, address: server.ip, mode: "http", respond: [{ host: "localhost", ...hello }], default: { status: 404, headers: { "content-length": "0" }, body: "" } },
        { port: 31527, address: server.ip, mode: "http", respond: [], default: TRAEFIK_404 },
      ],
      serviceProxy: { "default/hello-world:80": hello, "kube-system/traefik:80": TRAEFIK_404 },
      expect: { status: "fail", hop: "route", paths: [{ url: "http://localhost/", status: "fail", hop: "route", probe: { signature: "traefik-404" }, verdict: { code: "ND704", mentions: ["no Ingress routes to NodePort Service default/hello-world (80:30950)", "no host port reaches nodePort 30950", ":30950@server:0"] } }] },
    },
    cluster: { nodes, namespaces: namespaces(["default", "kube-system", "kube-public", "kube-node-lease", "wasmcloud"], t), "kube-system": system, apps: app },
    docker,
    listeners: [...SYSTEM_LISTENERS, ...docker.listeners],
  });
}

// ---------------------------------------------------------------------------
// real-k3s-svclb-selinux-denied — k3s-io/k3s#2424 (k3s on a RHEL 8.2 host)
// ---------------------------------------------------------------------------
{
  const t = "2020-10-23T22:11:39Z";
  const k3sVersion = "v1.19.3+k3s1";
  const hostName = "rhel8-k3s";
  const hostIP = "192.168.122.50";
  const [node] = k3dNodes({ cluster: "x", agents: 0, subnetPrefix: "192.168.122", k3sVersion, t, kernel: "4.18.0-193.el8.x86_64", osImage: "Red Hat Enterprise Linux 8.2 (Ootpa)" });
  const rename = (o) => JSON.parse(JSON.stringify(o).replaceAll("k3d-x-server-0", hostName).replaceAll("192.168.122.2", hostIP));
  const n = rename(node);
  n.metadata.annotations["k3s.io/node-args"] = JSON.stringify(["server"]);
  n.status.nodeInfo.containerRuntimeVersion = "containerd://1.4.1-k3s1";
  const server = { name: hostName, ip: hostIP };
  const era = { traefikImage: "rancher/library-traefik:1.7.19", chart: "traefik-1.81.0", klipperLb: "rancher/klipper-lb:v0.1.2", lbPrefix: "lb-port", svclbName: "svclb-traefik" };
  const images = { coredns: "rancher/coredns-coredns:1.6.9", localPath: "rancher/local-path-provisioner:v0.0.14", metrics: "rancher/metrics-server:v0.3.6", klipperHelm: "rancher/klipper-helm:v0.3.0", traefikChart: "1.81.0" };
  const crash = podState.crashLoop("2020-10-23T22:28:06Z", 3, 8, "back-off 5m0s restarting failed container=lb-port-80 pod=svclb-traefik-8m7zp_kube-system(2c5e1f0a-7b3d-4e29-9a61-3f8d2b1c0e47)");
  const system = [
    ...k3sSystem({ images, t, node: server.name, nodeIP: server.ip, state: () => podState.running(t), podIPs: { coredns: "10.42.0.2", localPath: "10.42.0.4", metrics: "10.42.0.3" }, hashes: { coredns: "66c464876b", localPath: "7ff9579c6", metrics: "7b4f8b595" }, helmDone: true }),
    ...traefikV1_22({ t, nodes: [server], traefikState: podState.running(t), svclb: () => crash, podIP: "10.42.0.6", nodeOfTraefik: server, lbNodePorts: [31234, 30587], era, suffixes: ["8m7zp"] }),
  ].map((o) => JSON.parse(JSON.stringify(o).replaceAll("10.43.70.41", "10.43.86.88")));
  const log = (port) => `+ trap exit TERM INT\n/usr/bin/entry: line 6: can't create /proc/sys/net/ipv4/ip_forward: Read-only file system\n+ echo 1\n+ true\n+ cat /proc/sys/net/ipv4/ip_forward\n+ '[' 1 '!=' 1 ]\n+ iptables -t nat -I PREROUTING '!' -s 10.43.86.88/32 -p TCP --dport ${port} -j DNAT --to 10.43.86.88:${port}\niptables v1.6.2: can't initialize iptables table \`nat': Permission denied\nPerhaps iptables or your kernel needs to be upgraded.\n`;
  const dir = "real-k3s-svclb-selinux-denied";
  write(dir, {
    scenario: {
      description:
        "k3s-io/k3s#2424 (https://github.com/k3s-io/k3s/issues/2424): k3s v1.19.3+k3s1 (974ad30b) installed with the install script on a single RHEL 8.2 node with SELinux enforcing and k3s-selinux-0.2-1.el7_8; `kube-system svclb-traefik-8m7zp 0/2 CrashLoopBackOff 16 17m`, and `kubectl logs -n kube-system svclb-traefik-8m7zp lb-port-80` ends in `iptables v1.6.2: can't initialize iptables table `nat': Permission denied`; the audit log shows `avc: denied { module_request } for … comm=\"iptables\"`. The real cause is the SELinux policy: klipper-lb's iptables may not load the nat module under the k3s-selinux policy of the day (fixed by a k3s-selinux update; the issue was a release blocker). So nothing takes port 80 on the node and `curl localhost` is refused. Objects of k3s v1.19's packaged traefik 1.x (chart traefik-1.81.0, rancher/library-traefik:1.7.19, svclb DaemonSet svclb-traefik, containers lb-port-80/lb-port-443, klipper-lb v0.1.2); the node name and address (rhel8-k3s, 192.168.122.50) stand in for the ones the thread does not give, as do the k3s component images of that release [infer].",
      context: "default",
      docker: false,
      remapHostPorts: false,
      targets: ["http://localhost/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 80, mode: "refuse" }, { port: 80, address: hostIP, mode: "refuse" }, { port: 443, address: hostIP, mode: "refuse" }],
      serviceProxy: { "kube-system/traefik:80": TRAEFIK_404 },
      expect: { status: "fail", hop: "host-port", paths: [{ url: "http://localhost/", status: "fail", hop: "host-port", probe: { signature: "refused" }, verdict: { code: "ND201", rootCause: "ND503", mentions: ["svclb-traefik-8m7zp: CrashLoopBackOff", "can't initialize iptables table `nat': Permission denied", "SELinux"] } }] },
    },
    cluster: { nodes: [n], namespaces: namespaces(["default", "kube-system", "kube-public", "kube-node-lease"], t), "kube-system": system },
    listeners: [
      { address: "0.0.0.0", port: 22, pid: 1043, process: "sshd", command: "/usr/sbin/sshd -D" },
      { address: "::", port: 6443, pid: 1988, process: "k3s-server", command: "/usr/local/bin/k3s server" },
      { address: "127.0.0.1", port: 6444, pid: 1988, process: "k3s-server", command: "/usr/local/bin/k3s server" },
      { address: "::", port: 10250, pid: 1988, process: "k3s-server", command: "/usr/local/bin/k3s server" },
    ],
    logs: { "kube-system/svclb-traefik-8m7zp/lb-port-80.log": log(80), "kube-system/svclb-traefik-8m7zp/lb-port-443.log": log(443) },
    hosts: "127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n",
  });
  writeFileSync(join(SCENARIOS, dir, "host/interfaces.yaml"), stringify([{ name: "lo", address: "127.0.0.1", internal: true }, { name: "lo", address: "::1", internal: true }, { name: "eth0", address: hostIP }, { name: "cni0", address: "10.42.0.1" }], { flow: false }));
}
