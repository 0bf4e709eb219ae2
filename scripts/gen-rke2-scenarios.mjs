#!/usr/bin/env node
/**
 * Writes the rke2-host-* lab scenarios: RKE2 v1.31 installed on this Ubuntu
 * workstation with get.rke2.io (node `labhost`, InternalIP 192.168.1.60, no
 * Docker), with the packaged components as RKE2 deploys them. Facts and
 * sources: docs/facts/rke2.md. Objects follow
 * - rancher/rke2 pkg/cli/cmds/server.go (`enable-servicelb`, `ingress-controller`),
 *   tests/docker (DaemonSets `rke2-canal`, `rke2-ingress-nginx-controller`);
 * - rancher/rke2-charts packages/rke2-ingress-nginx values.yaml.patch
 *   (DaemonSet, hostPort 80/443, container `rke2-ingress-nginx-controller`,
 *   image rancher/nginx-ingress-controller, no controller Service);
 * - pasted `kubectl get all -A -o wide` of RKE2 users (rancher/rke2#2428,
 *   #2524, #3893: pod, DaemonSet and Service names, selectors, images);
 * - node labels/annotations as pasted in rancher/rke2#2589 and rancher/k3k#347;
 * - ServiceLB on RKE2: label `svccontroller.rke2.cattle.io/*` (k3s
 *   servicelb.go `"svccontroller." + version.Program + ".cattle.io/svcname"`),
 *   DaemonSet `svclb-<svc>-<uid8>` in kube-system (rancher/rke2#5882).
 * The Envoy Gateway quickstart of the -holds-80 scenario is copied from
 * k3s-host-traefik-conflict (same objects, the svclb relabelled for RKE2).
 *
 * Usage: node scripts/gen-rke2-scenarios.mjs
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { dump, ingressNginxContainer, readDocs, resourceVersions, SCENARIOS, uid } from "./lib/scenario-gen.mjs";

const EG_BASE = join(SCENARIOS, "k3s-host-traefik-conflict");
const NODE = "labhost";
const NODE_IP = "192.168.1.60";
const VERSION = "v1.31.9+rke2r1";
const T0 = "2026-03-04T07:12:40Z";
const T_READY = "2026-03-04T07:14:02Z";
const NGINX_IMAGE = "rancher/nginx-ingress-controller:v1.12.1-hardened1";
const TRAEFIK_VERSION = "v1.36.3+rke2r1";
const TRAEFIK_IMAGE = "rancher/hardened-traefik:v3.6.16-build20260506";

const rv = resourceVersions(1200, 7);
const readyConds = [
  { lastTransitionTime: T0, status: "True", type: "PodReadyToStartContainers" },
  { lastTransitionTime: T0, status: "True", type: "Initialized" },
  { lastTransitionTime: T_READY, status: "True", type: "Ready" },
  { lastTransitionTime: T_READY, status: "True", type: "ContainersReady" },
  { lastTransitionTime: T0, status: "True", type: "PodScheduled" },
];
const cstatus = (name, image) => ({
  containerID: `containerd://${uid(`cid:${name}:${image}`).replace(/-/g, "")}${uid(`cid2:${name}`).replace(/-/g, "")}`,
  image: `docker.io/${image}`,
  imageID: `docker.io/${image.split(":")[0]}@sha256:${uid(`img:${image}`).replace(/-/g, "")}${uid(`img2:${image}`).replace(/-/g, "")}`,
  lastState: {},
  name,
  ready: true,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: T0 } },
});
const owner = (kind, name) => [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind, name, uid: uid(`owner:${name}`) }];
const pod = ({ name, namespace = "kube-system", labels, ownerKind, ownerName, containers, podIP, hostNetwork = false, annotations }) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: T0, generateName: name.replace(/[^-]+$/, ""), labels, name, namespace, ownerReferences: owner(ownerKind, ownerName), resourceVersion: rv(), uid: uid(`pod:${name}`) },
  spec: { containers, dnsPolicy: hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst", ...(hostNetwork ? { hostNetwork: true } : {}), nodeName: NODE, restartPolicy: "Always", serviceAccountName: ownerName },
  status: {
    conditions: readyConds,
    containerStatuses: containers.map((c) => cstatus(c.name, c.image)),
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    phase: "Running",
    podIP,
    podIPs: [{ ip: podIP }],
    qosClass: "Burstable",
    startTime: T0,
  },
});
const helmChart = (name, chartVersion, extra = {}) => ({
  apiVersion: "helm.cattle.io/v1",
  kind: "HelmChart",
  metadata: {
    annotations: { "helm.cattle.io/chart-url": `https://rke2-charts.rancher.io/assets/${name}/${name}-${chartVersion}.tgz` },
    creationTimestamp: T0,
    finalizers: ["wrangler.cattle.io/on-helm-chart-remove"],
    generation: 1,
    name,
    namespace: "kube-system",
    resourceVersion: rv(),
    uid: uid(`helmchart:${name}`),
  },
  spec: { bootstrap: name !== "rke2-ingress-nginx" && name !== "rke2-metrics-server", chartContent: "H4sIFAAAAAAA/ykAK2FIUjBjSE02THk5NWIzVjBkUzVpWlM5Nk9WVjZNV2xqYW5keVRRbz1IZWxtAOy9", set: { "global.clusterCIDR": "10.42.0.0/16", "global.clusterDNS": "10.43.0.10", "global.serviceCIDR": "10.43.0.0/16", "global.systemDefaultRegistry": "" }, ...extra },
  status: { jobName: `helm-install-${name}` },
});

// ---------------------------------------------------------------- node

/** The RKE2 server node: labels and annotations as rancher/rke2#2589 and rancher/k3k#347 paste them. */
function node(nodeArgs, version = VERSION) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      annotations: {
        "alpha.kubernetes.io/provided-node-ip": NODE_IP,
        "etcd.rke2.cattle.io/local-snapshots-timestamp": "2026-03-04T12:00:03Z",
        "etcd.rke2.cattle.io/node-address": NODE_IP,
        "etcd.rke2.cattle.io/node-name": `${NODE}-6f1c2a9e`,
        "flannel.alpha.coreos.com/backend-data": '{"VNI":1,"VtepMAC":"3a:6e:d1:0f:7c:22"}',
        "flannel.alpha.coreos.com/backend-type": "vxlan",
        "flannel.alpha.coreos.com/kube-subnet-manager": "true",
        "flannel.alpha.coreos.com/public-ip": NODE_IP,
        "node.alpha.kubernetes.io/ttl": "0",
        "projectcalico.org/IPv4Address": `${NODE_IP}/24`,
        "projectcalico.org/IPv4IPIPTunnelAddr": "10.42.0.1",
        "rke2.io/hostname": NODE,
        "rke2.io/internal-ip": NODE_IP,
        "rke2.io/node-args": JSON.stringify(nodeArgs),
        "rke2.io/node-config-hash": "QX7K2ZB3VNMHDP4YLJ5TWE6RCUO3SGAIF2KH7M5N4RBXQ3PLD5JA====",
        "rke2.io/node-env": "{}",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
      creationTimestamp: "2026-03-04T07:10:55Z",
      finalizers: ["wrangler.cattle.io/node", "wrangler.cattle.io/managed-etcd-controller"],
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": "rke2",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": NODE,
        "kubernetes.io/os": "linux",
        "node-role.kubernetes.io/control-plane": "true",
        "node-role.kubernetes.io/etcd": "true",
        "node-role.kubernetes.io/master": "true",
        "node.kubernetes.io/instance-type": "rke2",
      },
      name: NODE,
      resourceVersion: rv(),
      uid: uid("node"),
    },
    spec: { podCIDR: "10.42.0.0/24", podCIDRs: ["10.42.0.0/24"], providerID: `rke2://${NODE}` },
    status: {
      addresses: [{ address: NODE_IP, type: "InternalIP" }, { address: NODE, type: "Hostname" }],
      allocatable: { cpu: "8", "ephemeral-storage": "480948544523", memory: "32563572Ki", pods: "110" },
      capacity: { cpu: "8", "ephemeral-storage": "494384768Ki", memory: "32563572Ki", pods: "110" },
      conditions: [
        { lastHeartbeatTime: "2026-03-04T12:40:21Z", lastTransitionTime: "2026-03-04T07:10:55Z", message: "kubelet has sufficient memory available", reason: "KubeletHasSufficientMemory", status: "False", type: "MemoryPressure" },
        { lastHeartbeatTime: "2026-03-04T12:40:21Z", lastTransitionTime: "2026-03-04T07:10:55Z", message: "kubelet has no disk pressure", reason: "KubeletHasNoDiskPressure", status: "False", type: "DiskPressure" },
        { lastHeartbeatTime: "2026-03-04T12:40:21Z", lastTransitionTime: "2026-03-04T07:10:55Z", message: "kubelet has sufficient PID available", reason: "KubeletHasSufficientPID", status: "False", type: "PIDPressure" },
        { lastHeartbeatTime: "2026-03-04T12:40:21Z", lastTransitionTime: "2026-03-04T07:11:41Z", message: "kubelet is posting ready status", reason: "KubeletReady", status: "True", type: "Ready" },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "amd64",
        bootID: uid("boot"),
        containerRuntimeVersion: "containerd://1.7.27-k3s1",
        kernelVersion: "6.8.0-85-generic",
        kubeProxyVersion: "",
        kubeletVersion: version,
        machineID: uid("machine").replace(/-/g, ""),
        operatingSystem: "linux",
        osImage: "Ubuntu 24.04.3 LTS",
        systemUUID: uid("system"),
      },
    },
  };
}

const namespaces = (extra) =>
  ["default", "kube-node-lease", "kube-public", "kube-system", ...extra].map((name) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { creationTimestamp: "2026-03-04T07:10:50Z", labels: { "kubernetes.io/metadata.name": name }, name, resourceVersion: rv(), uid: uid(`ns:${name}`) },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  }));

// ---------------------------------------------------------------- kube-system (RKE2 packaged components)

const NGINX_LABELS = { "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "rke2-ingress-nginx", "app.kubernetes.io/name": "rke2-ingress-nginx" };
const nginxContainer = ingressNginxContainer({
  name: "rke2-ingress-nginx-controller",
  image: NGINX_IMAGE,
  args: [
    "--election-id=rke2-ingress-nginx-leader",
    "--controller-class=k8s.io/ingress-nginx",
    "--ingress-class=nginx",
    "--configmap=$(POD_NAMESPACE)/rke2-ingress-nginx-controller",
    "--validating-webhook=:8443",
    "--validating-webhook-certificate=/usr/local/certificates/cert",
    "--validating-webhook-key=/usr/local/certificates/key",
    "--watch-ingress-without-class=true",
  ],
  ports: [
    { containerPort: 80, hostPort: 80, name: "http", protocol: "TCP" },
    { containerPort: 443, hostPort: 443, name: "https", protocol: "TCP" },
    { containerPort: 8443, name: "webhook", protocol: "TCP" },
  ],
});

function kubeSystem({ nginx = true, traefik = false } = {}) {
  const out = [];
  out.push(helmChart("rke2-canal", "v3.29.3-build2025040801"), helmChart("rke2-coredns", "1.39.201"));
  if (nginx) out.push(helmChart("rke2-ingress-nginx", "4.12.103", { set: { "global.clusterCIDR": "10.42.0.0/16", "global.clusterDNS": "10.43.0.10", "global.serviceCIDR": "10.43.0.0/16", "global.systemDefaultRegistry": "" } }));
  out.push(helmChart("rke2-metrics-server", "3.12.203"));
  // rke2-canal: calico-node + kube-flannel, hostNetwork (rancher/rke2#2635 `kubectl get ds -o wide`).
  const canalLabels = { "k8s-app": "canal" };
  out.push({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { annotations: { "deprecated.daemonset.template.generation": "1", "meta.helm.sh/release-name": "rke2-canal", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { "app.kubernetes.io/managed-by": "Helm" }, name: "rke2-canal", namespace: "kube-system", resourceVersion: rv(), uid: uid("owner:rke2-canal") },
    spec: { selector: { matchLabels: canalLabels }, template: { metadata: { labels: canalLabels }, spec: { containers: [{ name: "calico-node", image: "rancher/hardened-calico:v3.29.3-build20250408" }, { name: "kube-flannel", image: "rancher/hardened-flannel:v0.26.7-build20250409" }], hostNetwork: true, nodeSelector: { "kubernetes.io/os": "linux" } } } },
    status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1 },
  });
  out.push(
    pod({
      name: "rke2-canal-7x2kd",
      labels: { ...canalLabels, "controller-revision-hash": "6d4f8b9c7", "pod-template-generation": "1" },
      ownerKind: "DaemonSet",
      ownerName: "rke2-canal",
      hostNetwork: true,
      podIP: NODE_IP,
      containers: [
        { name: "calico-node", image: "rancher/hardened-calico:v3.29.3-build20250408", ports: [] },
        { name: "kube-flannel", image: "rancher/hardened-flannel:v0.26.7-build20250409", ports: [] },
      ],
    }),
  );
  // CoreDNS: Deployment and Service rke2-coredns-rke2-coredns (rancher/rke2#2428, #3893).
  const dnsLabels = { "app.kubernetes.io/instance": "rke2-coredns", "app.kubernetes.io/name": "rke2-coredns", "k8s-app": "kube-dns" };
  out.push({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { annotations: { "deployment.kubernetes.io/revision": "1", "meta.helm.sh/release-name": "rke2-coredns", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { ...dnsLabels, "app.kubernetes.io/managed-by": "Helm" }, name: "rke2-coredns-rke2-coredns", namespace: "kube-system", resourceVersion: rv(), uid: uid("owner:rke2-coredns-rke2-coredns") },
    spec: { replicas: 1, selector: { matchLabels: dnsLabels }, template: { metadata: { labels: dnsLabels }, spec: { containers: [{ name: "coredns", image: "rancher/hardened-coredns:v1.12.1-build20250401", ports: [{ containerPort: 53, name: "udp-53", protocol: "UDP" }, { containerPort: 53, name: "tcp-53", protocol: "TCP" }] }] } } },
    status: { availableReplicas: 1, observedGeneration: 1, readyReplicas: 1, replicas: 1, updatedReplicas: 1 },
  });
  out.push(
    pod({
      name: "rke2-coredns-rke2-coredns-6c8f9b7d5-qz4lm",
      labels: { ...dnsLabels, "pod-template-hash": "6c8f9b7d5" },
      ownerKind: "ReplicaSet",
      ownerName: "rke2-coredns-rke2-coredns-6c8f9b7d5",
      podIP: "10.42.0.3",
      containers: [{ name: "coredns", image: "rancher/hardened-coredns:v1.12.1-build20250401", ports: [{ containerPort: 53, name: "udp-53", protocol: "UDP" }, { containerPort: 53, name: "tcp-53", protocol: "TCP" }] }],
    }),
  );
  out.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: { annotations: { "meta.helm.sh/release-name": "rke2-coredns", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, labels: { ...dnsLabels, "app.kubernetes.io/managed-by": "Helm", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" }, name: "rke2-coredns-rke2-coredns", namespace: "kube-system", resourceVersion: rv(), uid: uid("svc:coredns") },
    spec: { clusterIP: "10.43.0.10", clusterIPs: ["10.43.0.10"], internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ name: "udp-53", port: 53, protocol: "UDP", targetPort: 53 }, { name: "tcp-53", port: 53, protocol: "TCP", targetPort: 53 }], selector: dnsLabels, sessionAffinity: "None", type: "ClusterIP" },
    status: { loadBalancer: {} },
  });
  if (nginx) {
    // rke2-ingress-nginx: a DaemonSet with hostPort 80/443 and no controller Service (rke2-charts values.yaml.patch:
    // kind DaemonSet, hostPort.enabled true, service.enabled false, publishService.enabled false).
    out.push({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { annotations: { "deprecated.daemonset.template.generation": "1", "meta.helm.sh/release-name": "rke2-ingress-nginx", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { ...NGINX_LABELS, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/part-of": "rke2-ingress-nginx", "app.kubernetes.io/version": "1.12.1", "helm.sh/chart": "rke2-ingress-nginx-4.12.103" }, name: "rke2-ingress-nginx-controller", namespace: "kube-system", resourceVersion: rv(), uid: uid("owner:rke2-ingress-nginx-controller") },
      spec: { selector: { matchLabels: NGINX_LABELS }, template: { metadata: { labels: NGINX_LABELS }, spec: { containers: [nginxContainer], dnsPolicy: "ClusterFirstWithHostNet", nodeSelector: { "kubernetes.io/os": "linux" }, serviceAccountName: "rke2-ingress-nginx" } } },
      status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1 },
    });
    out.push(
      pod({
        name: "rke2-ingress-nginx-controller-2k6l4",
        labels: { ...NGINX_LABELS, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/part-of": "rke2-ingress-nginx", "app.kubernetes.io/version": "1.12.1", "controller-revision-hash": "7c9d5b8f4", "helm.sh/chart": "rke2-ingress-nginx-4.12.103", "pod-template-generation": "1" },
        ownerKind: "DaemonSet",
        ownerName: "rke2-ingress-nginx-controller",
        podIP: "10.42.0.6",
        containers: [nginxContainer],
      }),
    );
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { annotations: { "meta.helm.sh/release-name": "rke2-ingress-nginx", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, labels: { ...NGINX_LABELS, "app.kubernetes.io/managed-by": "Helm" }, name: "rke2-ingress-nginx-controller-admission", namespace: "kube-system", resourceVersion: rv(), uid: uid("svc:nginx-admission") },
      spec: { clusterIP: "10.43.243.168", clusterIPs: ["10.43.243.168"], ipFamilies: ["IPv4"], ipFamilyPolicy: "PreferDualStack", ports: [{ appProtocol: "https", name: "https-webhook", port: 443, protocol: "TCP", targetPort: "webhook" }], selector: NGINX_LABELS, sessionAffinity: "None", type: "ClusterIP" },
      status: { loadBalancer: {} },
    });
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { annotations: { "meta.helm.sh/release-name": "rke2-ingress-nginx", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { ...NGINX_LABELS, "app.kubernetes.io/managed-by": "Helm" }, name: "nginx", resourceVersion: rv(), uid: uid("ingressclass:nginx") },
      spec: { controller: "k8s.io/ingress-nginx" },
    });
  }
  if (traefik) {
    // rke2-traefik (v1.36 default, or ingress-controller: traefik): a DaemonSet whose entryPoints web :8000 and
    // websecure :8443 are hostPorts 80/443, behind a ClusterIP Service (rke2-charts rke2-traefik values.yaml.patch).
    const tLabels = { "app.kubernetes.io/instance": "rke2-traefik-kube-system", "app.kubernetes.io/name": "rke2-traefik" };
    const tContainer = {
      args: [
        "--entryPoints.metrics.address=:9100/tcp",
        "--entryPoints.traefik.address=:8080/tcp",
        "--entryPoints.web.address=:8000/tcp",
        "--entryPoints.websecure.address=:8443/tcp",
        "--api.dashboard=true",
        "--ping=true",
        "--metrics.prometheus=true",
        "--metrics.prometheus.entrypoint=metrics",
        "--providers.kubernetescrd",
        "--providers.kubernetescrd.allowEmptyServices=true",
        "--providers.kubernetesingress",
        "--providers.kubernetesingress.allowEmptyServices=true",
        "--providers.kubernetesingress.ingressclass=traefik",
        "--entryPoints.websecure.http.tls=true",
        "--log.level=INFO",
      ],
      image: TRAEFIK_IMAGE,
      imagePullPolicy: "IfNotPresent",
      name: "rke2-traefik",
      ports: [
        { containerPort: 9100, name: "metrics", protocol: "TCP" },
        { containerPort: 8080, name: "traefik", protocol: "TCP" },
        { containerPort: 8000, hostPort: 80, name: "web", protocol: "TCP" },
        { containerPort: 8443, hostPort: 443, name: "websecure", protocol: "TCP" },
      ],
      readinessProbe: { failureThreshold: 1, httpGet: { path: "/ping", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 2, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 2 },
    };
    out.push(helmChart("rke2-traefik", "39.0.502"), helmChart("rke2-traefik-crd", "39.0.502"));
    out.push({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { annotations: { "deprecated.daemonset.template.generation": "1", "meta.helm.sh/release-name": "rke2-traefik", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { ...tLabels, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "rke2-traefik-39.0.502_up39.0.5" }, name: "rke2-traefik", namespace: "kube-system", resourceVersion: rv(), uid: uid("owner:rke2-traefik") },
      spec: { selector: { matchLabels: tLabels }, template: { metadata: { labels: tLabels }, spec: { containers: [tContainer], nodeSelector: { "kubernetes.io/os": "linux" }, serviceAccountName: "rke2-traefik" } } },
      status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1 },
    });
    out.push(pod({ name: "rke2-traefik-4xq8d", labels: { ...tLabels, "app.kubernetes.io/managed-by": "Helm", "controller-revision-hash": "5f7d9c6b8", "helm.sh/chart": "rke2-traefik-39.0.502_up39.0.5", "pod-template-generation": "1" }, ownerKind: "DaemonSet", ownerName: "rke2-traefik", podIP: "10.42.0.7", containers: [tContainer] }));
    out.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { annotations: { "meta.helm.sh/release-name": "rke2-traefik", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, labels: { ...tLabels, "app.kubernetes.io/managed-by": "Helm" }, name: "rke2-traefik", namespace: "kube-system", resourceVersion: rv(), uid: uid("svc:rke2-traefik") },
      spec: { clusterIP: "10.43.77.31", clusterIPs: ["10.43.77.31"], ipFamilies: ["IPv4"], ipFamilyPolicy: "PreferDualStack", ports: [{ name: "web", port: 80, protocol: "TCP", targetPort: "web" }, { name: "websecure", port: 443, protocol: "TCP", targetPort: "websecure" }], selector: tLabels, sessionAffinity: "None", type: "ClusterIP" },
      status: { loadBalancer: {} },
    });
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { annotations: { "ingressclass.kubernetes.io/is-default-class": "true", "meta.helm.sh/release-name": "rke2-traefik", "meta.helm.sh/release-namespace": "kube-system" }, creationTimestamp: T0, generation: 1, labels: { ...tLabels, "app.kubernetes.io/managed-by": "Helm" }, name: "traefik", resourceVersion: rv(), uid: uid("ingressclass:traefik") },
      spec: { controller: "traefik.io/ingress-controller" },
    });
  }
  return out;
}

// ---------------------------------------------------------------- host

const interfaces = [
  { name: "lo", address: "127.0.0.1", internal: true },
  { name: "lo", address: "::1", internal: true },
  { name: "enp3s0", address: NODE_IP },
  { name: "enp3s0", address: "fe80::5054:ff:fe3a:91c2" },
  { name: "flannel.1", address: "10.42.0.0" },
  { name: "cali3f1a9c2d7e4", address: "fe80::ecee:eeff:feee:eeee" },
];
const proc = (address, port, pid, process, command) => ({ address, port, pid, process, command });
const listeners = [
  proc("0.0.0.0", 22, 1043, "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"),
  proc("127.0.0.53", 53, 712, "systemd-resolve", "/usr/lib/systemd/systemd-resolved"),
  proc("127.0.0.1", 2379, 2420, "etcd", "etcd --config-file=/var/lib/rancher/rke2/server/db/etcd/config"),
  proc(NODE_IP, 2379, 2420, "etcd", "etcd --config-file=/var/lib/rancher/rke2/server/db/etcd/config"),
  proc(NODE_IP, 2380, 2420, "etcd", "etcd --config-file=/var/lib/rancher/rke2/server/db/etcd/config"),
  proc("::", 6443, 2611, "kube-apiserver", "kube-apiserver --advertise-address=192.168.1.60 --allow-privileged=true --anonymous-auth=false --authorization-mode=Node,RBAC --bind-address=0.0.0.0 --secure-port=6443 --service-cluster-ip-range=10.43.0.0/16"),
  proc("::", 9345, 1988, "rke2", "/usr/local/bin/rke2 server"),
  proc("127.0.0.1", 10010, 2031, "containerd", "containerd -c /var/lib/rancher/rke2/agent/etc/containerd/config.toml -a /run/k3s/containerd/containerd.sock --state /run/k3s/containerd --root /var/lib/rancher/rke2/agent/containerd"),
  proc("127.0.0.1", 10248, 2105, "kubelet", "kubelet --volume-plugin-dir=/var/lib/kubelet/volumeplugins --file-check-frequency=5s --sync-frequency=30s --config=/var/lib/rancher/rke2/agent/etc/kubelet.conf.d --hostname-override=labhost --node-ip=192.168.1.60"),
  proc("::", 10250, 2105, "kubelet", "kubelet --volume-plugin-dir=/var/lib/kubelet/volumeplugins --file-check-frequency=5s --sync-frequency=30s --config=/var/lib/rancher/rke2/agent/etc/kubelet.conf.d --hostname-override=labhost --node-ip=192.168.1.60"),
  proc("127.0.0.1", 10249, 2712, "kube-proxy", "kube-proxy --cluster-cidr=10.42.0.0/16 --conntrack-max-per-core=0 --hostname-override=labhost --kubeconfig=/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig --proxy-mode=iptables"),
  proc("::", 10256, 2712, "kube-proxy", "kube-proxy --cluster-cidr=10.42.0.0/16 --conntrack-max-per-core=0 --hostname-override=labhost --kubeconfig=/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig --proxy-mode=iptables"),
];
const hostsFile = (extra) => `127.0.0.1 localhost\n127.0.1.1 ${NODE}\n\n# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n${extra}`;
const flow = (o) => stringify(o, { lineWidth: 0, collectionStyle: "flow" });

// ---------------------------------------------------------------- responses

const NGINX_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const nginx404 = { status: 404, headers: { "content-type": "text/html" }, body: NGINX_404 };
const whoamiBody = (host) =>
  `Hostname: whoami-7f9c6d8b5c-m4rtz\nIP: 127.0.0.1\nIP: ::1\nIP: 10.42.0.14\nIP: fe80::a0c2:4fff:fe1b:7d33\nRemoteAddr: 10.42.0.6:47118\nGET / HTTP/1.1\nHost: ${host}\nUser-Agent: curl/8.5.0\nAccept: */*\nX-Forwarded-For: 192.168.1.60\nX-Forwarded-Host: ${host}\nX-Forwarded-Port: 80\nX-Forwarded-Proto: http\nX-Forwarded-Scheme: http\nX-Real-Ip: 192.168.1.60\nX-Request-Id: 5c0d8e1f7a9b4c2d6e3f8a1b0c9d7e6f\nX-Scheme: http\n\n`;

// ---------------------------------------------------------------- apps

const WHOAMI_HOST = "whoami.127.0.0.1.sslip.io";
function whoami(className = "nginx") {
  const labels = { app: "whoami" };
  const c = { image: "traefik/whoami:v1.11.0", imagePullPolicy: "IfNotPresent", name: "whoami", ports: [{ containerPort: 80, name: "web", protocol: "TCP" }] };
  return [
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { annotations: { "deployment.kubernetes.io/revision": "1" }, creationTimestamp: "2026-03-04T08:02:11Z", generation: 1, labels, name: "whoami", namespace: "default", resourceVersion: rv(), uid: uid("owner:whoami") }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [c] } } }, status: { availableReplicas: 1, observedGeneration: 1, readyReplicas: 1, replicas: 1, updatedReplicas: 1 } },
    { ...pod({ name: "whoami-7f9c6d8b5c-m4rtz", namespace: "default", labels: { ...labels, "pod-template-hash": "7f9c6d8b5c" }, ownerKind: "ReplicaSet", ownerName: "whoami-7f9c6d8b5c", podIP: "10.42.0.14", containers: [c] }) },
    { apiVersion: "v1", kind: "Service", metadata: { creationTimestamp: "2026-03-04T08:02:11Z", labels, name: "whoami", namespace: "default", resourceVersion: rv(), uid: uid("svc:whoami") }, spec: { clusterIP: "10.43.118.204", clusterIPs: ["10.43.118.204"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "web" }], selector: labels, sessionAffinity: "None", type: "ClusterIP" }, status: { loadBalancer: {} } },
    {
      addressType: "IPv4",
      apiVersion: "discovery.k8s.io/v1",
      endpoints: [{ addresses: ["10.42.0.14"], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE, targetRef: { kind: "Pod", name: "whoami-7f9c6d8b5c-m4rtz", namespace: "default", uid: uid("pod:whoami-7f9c6d8b5c-m4rtz") } }],
      kind: "EndpointSlice",
      metadata: { creationTimestamp: "2026-03-04T08:02:11Z", generateName: "whoami-", labels: { "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "whoami" }, name: "whoami-8q2vn", namespace: "default", ownerReferences: [{ apiVersion: "v1", blockOwnerDeletion: true, controller: true, kind: "Service", name: "whoami", uid: uid("svc:whoami") }], resourceVersion: rv(), uid: uid("eps:whoami") },
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { creationTimestamp: "2026-03-04T08:02:12Z", generation: 1, name: "whoami", namespace: "default", resourceVersion: rv(), uid: uid("ing:whoami") },
      spec: { ingressClassName: className, rules: [{ host: WHOAMI_HOST, http: { paths: [{ backend: { service: { name: "whoami", port: { number: 80 } } }, path: "/", pathType: "Prefix" }] } }] },
      status: { loadBalancer: { ingress: [{ ip: NODE_IP }] } },
    },
  ];
}

// ---------------------------------------------------------------- writers

function writeScenario(name, { scenario, cluster, hosts }) {
  const dir = join(SCENARIOS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "cluster"), { recursive: true });
  mkdirSync(join(dir, "host"), { recursive: true });
  for (const [file, docs] of Object.entries(cluster)) writeFileSync(join(dir, "cluster", `${file}.yaml`), dump(docs));
  writeFileSync(join(dir, "host/interfaces.yaml"), interfaces.map((i) => `- ${flow(i).trim()}\n`).join(""));
  writeFileSync(join(dir, "host/listeners.yaml"), listeners.map((l) => `- ${flow(l).trim()}\n`).join(""));
  writeFileSync(join(dir, "host/hosts"), hostsFile(hosts));
  writeFileSync(join(dir, "scenario.yaml"), stringify(scenario, { lineWidth: 100 }));
}

const FACTS = "Facts: docs/facts/rke2.md.";

// 1. Healthy: RKE2's packaged ingress-nginx serves an Ingress through its hostPort 80.
writeScenario("rke2-host-ingress-healthy", {
  cluster: { nodes: [node(["server"])], namespaces: namespaces([]), "kube-system": kubeSystem(), apps: whoami() },
  hosts: "",
  scenario: {
    name: "rke2-host-ingress-healthy",
    description:
      `RKE2 ${VERSION} installed on this Ubuntu workstation with get.rke2.io (\`curl -sfL https://get.rke2.io | sh -\`, no /etc/rancher/rke2/config.yaml): the node ${NODE} is this host (InternalIP ${NODE_IP} is enp3s0's address), there is no node container and no Docker. RKE2 deploys its packaged ingress-nginx as DaemonSet kube-system/rke2-ingress-nginx-controller with hostPorts 80 and 443 and no controller Service, so \`ss -tlnp\` shows nothing on port 80 while nginx answers there. The whoami Ingress (class nginx) for ${WHOAMI_HOST} answers 200. The cluster is flavor generic (RKE2 is recognised from +rke2r1 in the version and the node's rke2.io annotations). Sources: docs.rke2.io/networking/networking_services ("Ports 80 and 443 will be bound by the ingress controller"); rancher/rke2-charts packages/rke2-ingress-nginx values.yaml.patch (DaemonSet, hostPort.enabled true, service.enabled false); rancher/rke2#2428, #2635, #3893 (kubectl get all -A -o wide on RKE2: rke2-ingress-nginx-controller-2k6l4, rke2-coredns-rke2-coredns, rke2-canal, selectors and images); rancher/rke2#2589 and rancher/k3k#347 (node labels node.kubernetes.io/instance-type=rke2, rke2.io/node-args); rancher/rke2#6214 (--watch-ingress-without-class=true). ${FACTS}`,
    context: "default",
    docker: false,
    remapHostPorts: false,
    targets: [`http://${WHOAMI_HOST}/`],
    apiServer: { latencyMs: 0, forbid: [] },
    resolver: { [WHOAMI_HOST]: ["127.0.0.1"] },
    traffic: [
      { port: 80, mode: "http", respond: [{ host: WHOAMI_HOST, status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: whoamiBody(WHOAMI_HOST) }], default: nginx404 },
      { port: 80, address: NODE_IP, mode: "http", respond: [{ host: WHOAMI_HOST, status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: whoamiBody(WHOAMI_HOST) }], default: nginx404 },
      { port: 443, mode: "tls" },
      { port: 443, address: NODE_IP, mode: "tls" },
    ],
    serviceProxy: { "default/whoami:80": { status: 200, body: whoamiBody(WHOAMI_HOST) } },
    expect: { status: "pass", paths: [{ url: `http://${WHOAMI_HOST}/`, status: "pass", route: { kind: "Ingress", namespace: "default", name: "whoami" }, backend: { namespace: "default", name: "whoami", port: 80 } }] },
  },
});

// 2. A LoadBalancer Service stuck <pending>: RKE2 runs no ServiceLB unless enable-servicelb: true.
{
  const ns = "test-loadbalancer";
  const labels = { app: "nginx-loadbalancer" };
  const c = { image: "nginx:1.27.4", imagePullPolicy: "IfNotPresent", name: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] };
  const apps = [
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { annotations: { "deployment.kubernetes.io/revision": "1" }, creationTimestamp: "2026-03-04T09:15:02Z", generation: 1, labels, name: "nginx-loadbalancer", namespace: ns, resourceVersion: rv(), uid: uid("owner:nginx-loadbalancer") }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [c] } } }, status: { availableReplicas: 1, observedGeneration: 1, readyReplicas: 1, replicas: 1, updatedReplicas: 1 } },
    pod({ name: "nginx-loadbalancer-5b7c9d6f48-wq8zt", namespace: ns, labels: { ...labels, "pod-template-hash": "5b7c9d6f48" }, ownerKind: "ReplicaSet", ownerName: "nginx-loadbalancer-5b7c9d6f48", podIP: "10.42.0.21", containers: [c] }),
    { apiVersion: "v1", kind: "Service", metadata: { creationTimestamp: "2026-03-04T09:15:02Z", labels, name: "nginx-loadbalancer-svc", namespace: ns, resourceVersion: rv(), uid: uid("svc:nginx-loadbalancer-svc") }, spec: { allocateLoadBalancerNodePorts: true, clusterIP: "10.43.26.134", clusterIPs: ["10.43.26.134"], externalTrafficPolicy: "Cluster", internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ nodePort: 30855, port: 8080, protocol: "TCP", targetPort: 80 }], selector: labels, sessionAffinity: "None", type: "LoadBalancer" }, status: { loadBalancer: {} } },
    {
      addressType: "IPv4",
      apiVersion: "discovery.k8s.io/v1",
      endpoints: [{ addresses: ["10.42.0.21"], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE, targetRef: { kind: "Pod", name: "nginx-loadbalancer-5b7c9d6f48-wq8zt", namespace: ns, uid: uid("pod:nginx-loadbalancer-5b7c9d6f48-wq8zt") } }],
      kind: "EndpointSlice",
      metadata: { creationTimestamp: "2026-03-04T09:15:02Z", generateName: "nginx-loadbalancer-svc-", labels: { "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "nginx-loadbalancer-svc" }, name: "nginx-loadbalancer-svc-k2m9x", namespace: ns, resourceVersion: rv(), uid: uid("eps:nginx-loadbalancer-svc") },
      ports: [{ name: "", port: 80, protocol: "TCP" }],
    },
  ];
  writeScenario("rke2-host-loadbalancer-pending", {
    cluster: { nodes: [node(["server"])], namespaces: namespaces([ns]), "kube-system": kubeSystem(), apps },
    hosts: "",
    scenario: {
      name: "rke2-host-loadbalancer-pending",
      description:
        `RKE2 ${VERSION} on this workstation (node ${NODE}, ${NODE_IP}; no /etc/rancher/rke2/config.yaml, so no enable-servicelb). The user creates a LoadBalancer Service test-loadbalancer/nginx-loadbalancer-svc on port 8080 in front of nginx, as on k3s, and \`kubectl get svc\` shows EXTERNAL-IP <pending> for ever: RKE2 runs no ServiceLB (klipper-lb) unless the server starts with enable-servicelb, so no svclb pod takes port 8080 on the node and \`curl http://localhost:8080/\` is refused, while the Service's nodePort 30855 answers. The diagnosis must say that RKE2 needs \`enable-servicelb: true\` in /etc/rancher/rke2/config.yaml (or to be reached through the nodePort). Sources: docs.rke2.io/networking/networking_services ("RKE2 can optionally deploy a load balancer controller known as ServiceLB … use the flag --enable-servicelb"); docs.rke2.io/reference/server_config (enable-servicelb, default false); rancher/rke2 pkg/cli/cmds/server.go (ServiceLBFlag); rancher/rke2#3419 (enable-servicelb: true in /etc/rancher/rke2/config.yaml); rancher/k3k#297 (\`nginx-loadbalancer-svc LoadBalancer 10.43.26.134 <pending> 8080:30855/TCP\` on an RKE2 host). ${FACTS}`,
      context: "default",
      docker: false,
      remapHostPorts: false,
      targets: ["http://localhost:8080/", "http://127.0.0.1:30855/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [
        { port: 8080, mode: "refuse" },
        { port: 8080, address: NODE_IP, mode: "refuse" },
        { port: 30855, address: NODE_IP, mode: "http", respond: [], default: { status: 200, headers: { "content-type": "text/html", server: "nginx/1.27.4" }, body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n" } },
        { port: 30855, mode: "http", respond: [], default: { status: 200, headers: { "content-type": "text/html", server: "nginx/1.27.4" }, body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n" } },
        { port: 80, mode: "http", respond: [], default: nginx404 },
        { port: 80, address: NODE_IP, mode: "http", respond: [], default: nginx404 },
      ],
      serviceProxy: { "test-loadbalancer/nginx-loadbalancer-svc:8080": { status: 200, body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n" } },
      // The request stops at the host port (refused); the root cause is the service hop's (asserted in test/e2e/shapes-rke2.test.ts).
      expect: { status: "fail", hop: "host-port", paths: [{ url: "http://localhost:8080/", status: "fail", hop: "host-port" }, { url: "http://127.0.0.1:30855/", status: "warn", hop: null, backend: { namespace: ns, name: "nginx-loadbalancer-svc", port: 8080 } }] },
    },
  });
}

// 3. enable-servicelb: true, and rke2-ingress-nginx's hostPort 80 keeps the Gateway's svclb pod Pending.
{
  const eg = readDocs(join(EG_BASE, "cluster/envoy-gateway.yaml"));
  const relabel = (o) => JSON.parse(JSON.stringify(o).replaceAll("svccontroller.k3s.cattle.io", "svccontroller.rke2.cattle.io").replaceAll('"devbox"', `"${NODE}"`).replaceAll("devbox", NODE));
  const svclb = readDocs(join(EG_BASE, "cluster/kube-system.yaml")).filter((o) => o.metadata.name.startsWith("svclb-envoy")).map(relabel);
  const events = readDocs(join(EG_BASE, "cluster/events.yaml")).map(relabel);
  const egRelabelled = eg.map((o) => JSON.parse(JSON.stringify(o).replaceAll("devbox", NODE).replaceAll("192.168.1.50", NODE_IP)));
  const cfg = ["server", "--enable-servicelb", "true"];
  const echo = parseAllDocuments(readFileSync(join(EG_BASE, "scenario.yaml"), "utf8"))[0].toJS();
  const echoBody = echo.serviceProxy["default/backend:3000"].body;
  writeScenario("rke2-host-ingress-nginx-holds-80", {
    cluster: { nodes: [node(cfg)], namespaces: namespaces(["envoy-gateway-system"]), "kube-system": [...kubeSystem(), ...svclb], "envoy-gateway": egRelabelled, events },
    hosts: "\n# Envoy Gateway quickstart\n127.0.0.1 www.example.com\n",
    scenario: {
      name: "rke2-host-ingress-nginx-holds-80",
      description:
        `RKE2 ${VERSION} on this workstation (node ${NODE}, ${NODE_IP}, no Docker) with \`enable-servicelb: true\` in /etc/rancher/rke2/config.yaml (node annotation rke2.io/node-args ["server","--enable-servicelb","true"]) and RKE2's packaged ingress-nginx still on. The user installs Envoy Gateway v1.5.1's quickstart (Gateway default/eg, HTTP listener 80, HTTPRoute backend for www.example.com); its proxy Service envoy-gateway-system/envoy-default-eg-e41e7b31 is type LoadBalancer on port 80, so ServiceLB creates kube-system/svclb-envoy-default-eg-e41e7b31-9c2e7b41 (labels svccontroller.rke2.cattle.io/*), whose pod stays Pending: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports" — hostPort 80 belongs to rke2-ingress-nginx-controller-2k6l4 (DaemonSet kube-system/rke2-ingress-nginx-controller). \`curl http://www.example.com/\` gets ingress-nginx's own 404 page. ND502 must name the ingress-nginx DaemonSet and how to keep it off (\`ingress-controller: none\`, or \`disable: [rke2-ingress-nginx]\`, in /etc/rancher/rke2/config.yaml). Sources: docs.rke2.io/networking/networking_services ("Ports 80 and 443 will be bound by the ingress controller … unusable for HostPort or NodePort services"; ingress-controller: none); docs.rke2.io/install/packaged_components (--disable=<AddOn>); rancher/rke2#5882 (enable-servicelb: true with disable: [rke2-ingress-nginx], svclb DaemonSet kube-system/svclb-contour-envoy-b1fbfa01); rancher/rke2-charts rke2-ingress-nginx values.yaml.patch (hostPort 80/443); Envoy Gateway quickstart objects as in k3s-host-traefik-conflict. ${FACTS}`,
      context: "default",
      docker: false,
      remapHostPorts: false,
      targets: ["http://www.example.com/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [
        { port: 80, mode: "http", respond: [], default: nginx404 },
        { port: 80, address: NODE_IP, mode: "http", respond: [], default: nginx404 },
        { port: 443, mode: "tls" },
        { port: 31437, address: NODE_IP, mode: "http", respond: [{ host: "www.example.com", status: 200, headers: { "content-type": "application/json", "x-content-type-options": "nosniff" }, body: echoBody }], default: { status: 404, headers: { "content-length": "0" }, body: "" } },
      ],
      serviceProxy: { "default/backend:3000": { status: 200, body: echoBody } },
      expect: { status: "fail", hop: "service", paths: [{ url: "http://www.example.com/", status: "fail", hop: "service" }] },
    },
  });
}

// 4. Healthy on RKE2 v1.36, whose default ingress controller is traefik (rke2-traefik DaemonSet, hostPort 80 → web :8000).
{
  const traefikBody = (host) =>
    `Hostname: whoami-7f9c6d8b5c-m4rtz\nIP: 127.0.0.1\nIP: ::1\nIP: 10.42.0.14\nIP: fe80::a0c2:4fff:fe1b:7d33\nRemoteAddr: 10.42.0.7:51324\nGET / HTTP/1.1\nHost: ${host}\nUser-Agent: curl/8.5.0\nAccept: */*\nAccept-Encoding: gzip\nX-Forwarded-For: 10.42.0.1\nX-Forwarded-Host: ${host}\nX-Forwarded-Port: 80\nX-Forwarded-Proto: http\nX-Forwarded-Server: rke2-traefik-4xq8d\nX-Real-Ip: 10.42.0.1\n\n`;
  const t404 = { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "404 page not found\n" };
  const ok = { host: WHOAMI_HOST, status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: traefikBody(WHOAMI_HOST) };
  writeScenario("rke2-host-traefik-healthy", {
    cluster: { nodes: [node(["server"], TRAEFIK_VERSION)], namespaces: namespaces([]), "kube-system": kubeSystem({ nginx: false, traefik: true }), apps: whoami("traefik") },
    hosts: "",
    scenario: {
      name: "rke2-host-traefik-healthy",
      description:
        `A new RKE2 ${TRAEFIK_VERSION} install on this workstation (node ${NODE}, ${NODE_IP}, no Docker, no config file): from v1.36 RKE2 deploys traefik as its default ingress controller — DaemonSet kube-system/rke2-traefik whose entryPoints web (:8000) and websecure (:8443) are hostPorts 80 and 443, a ClusterIP Service rke2-traefik, IngressClass traefik (controller traefik.io/ingress-controller) and --providers.kubernetesingress.ingressclass=traefik. The whoami Ingress of class traefik for ${WHOAMI_HOST} answers 200 through the node's port 80. Sources: docs.rke2.io/networking/networking_services (traefik tab, "ingress-controller: traefik"); docs.rke2.io/reference/ingress_migration and rancher/rke2 discussion #10486 ("Traefik is now the default for new clusters starting in v1.36"); rancher/rke2 pkg/cli/types.go (IngressItems = traefik, ingress-nginx), tests/docker/flannel (DaemonSet rke2-traefik); rancher/rke2-charts packages/rke2-traefik values.yaml.patch (kind DaemonSet, hostPort 80/443, Service ClusterIP, ingressClass traefik, image rancher/hardened-traefik). ${FACTS}`,
      context: "default",
      docker: false,
      remapHostPorts: false,
      targets: [`http://${WHOAMI_HOST}/`],
      apiServer: { latencyMs: 0, forbid: [] },
      resolver: { [WHOAMI_HOST]: ["127.0.0.1"] },
      traffic: [
        { port: 80, mode: "http", respond: [ok], default: t404 },
        { port: 80, address: NODE_IP, mode: "http", respond: [ok], default: t404 },
        { port: 443, mode: "tls" },
        { port: 443, address: NODE_IP, mode: "tls" },
      ],
      serviceProxy: { "default/whoami:80": { status: 200, body: traefikBody(WHOAMI_HOST) }, "kube-system/rke2-traefik:80": { status: 404, body: "404 page not found\n" } },
      expect: { status: "pass", paths: [{ url: `http://${WHOAMI_HOST}/`, status: "pass", route: { kind: "Ingress", namespace: "default", name: "whoami" }, backend: { namespace: "default", name: "whoami", port: 80 } }] },
    },
  });
}
