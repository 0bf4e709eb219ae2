#!/usr/bin/env node
/**
 * Writes the k3s-host-hostnetwork-* lab scenarios: k3s on this host (the
 * k3s-host-* workstation, node devbox 192.168.1.50) started with
 * `--disable=traefik`, and ingress-nginx installed from its Helm chart the
 * bare-metal "via the host network" way: `controller.kind=DaemonSet`,
 * `controller.hostNetwork=true`, `controller.dnsPolicy=ClusterFirstWithHostNet`,
 * `controller.service.type=ClusterIP`. The controller pod listens on the
 * node's own :80/:443 (pod IP = node IP); the API server defaults each
 * declared port's hostPort to its containerPort (core/v1 SetDefaults_Pod),
 * which is what `kubectl get pod -o yaml` shows and what the scheduler's
 * NodePorts filter counts.
 *
 * - healthy: an Ingress of class nginx served through the hostNetwork proxy;
 * - holds-80: Envoy Gateway's quickstart added (objects copied from
 *   k3s-host-traefik-conflict): its LoadBalancer Service gets a svclb pod that
 *   stays Pending, "0/1 nodes are available: 1 node(s) didn't have free ports
 *   for the requested pod ports", because the hostNetwork controller holds 80.
 *
 * Sources: kubernetes/ingress-nginx docs deploy/baremetal.md ("Via the host
 * network"), charts/ingress-nginx values.yaml (controller.hostNetwork,
 * controller.kind, controller.dnsPolicy, controller.service.type);
 * kubernetes/ingress-nginx#6043, #6048, #6054 (k3s v1.18.3+k3s1,
 * `--set controller.hostNetwork=true`, FailedScheduling "didn't have free
 * ports for the requested pod ports" — maintainer: "this is a scheduling
 * issue … check what is using the ports"); orbstack/orbstack#1322
 * (svclb-ingress-nginx-controller-8ae15c6d-8qvrd 0/2 Pending on k3s).
 * Facts: docs/facts/k3d-k3s-legacy-hostport-multinode.md §6.
 *
 * Usage: node scripts/gen-hostnetwork-scenarios.mjs
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { dump, ingressNginxContainer, readDocs, resourceVersions, SCENARIOS, uid } from "./lib/scenario-gen.mjs";

const CONFLICT = join(SCENARIOS, "k3s-host-traefik-conflict");
const HEALTHY = join(SCENARIOS, "k3s-host-healthy");
const NODE = "devbox";
const NODE_IP = "192.168.1.50";
const T0 = "2026-03-02T09:05:31Z";
const T_READY = "2026-03-02T09:06:12Z";
const NGINX_IMAGE = "registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fbc4ec70d8aa2050dd91a91506e998765e86c96f32cffb56c503c9c34eed5b";
const POD = "ingress-nginx-controller-xk4rp";

const rv = resourceVersions(2400, 5);


// ---------------------------------------------------------------- the cluster without traefik

/** The k3s-host node, started with --disable=traefik (k3s.io/node-args records the server flags). */
function nodes() {
  return readDocs(join(CONFLICT, "cluster/nodes.yaml")).map((o) => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, "k3s.io/node-args": '["server","--disable","traefik"]' } } }));
}
const isTraefik = (o) => /traefik/.test(o.metadata.name) && o.metadata.namespace === "kube-system" || o.kind === "IngressClass" && o.metadata.name === "traefik";
const kubeSystem = (withSvclb) => readDocs(join(CONFLICT, "cluster/kube-system.yaml")).filter((o) => !isTraefik(o) && (withSvclb || !o.metadata.name.startsWith("svclb-")));
const namespaces = (extra) => [
  ...readDocs(join(CONFLICT, "cluster/namespaces.yaml")).filter((o) => extra.includes(o.metadata.name) || ["default", "kube-node-lease", "kube-public", "kube-system"].includes(o.metadata.name)),
  { apiVersion: "v1", kind: "Namespace", metadata: { creationTimestamp: T0, labels: { "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx", "kubernetes.io/metadata.name": "ingress-nginx" }, name: "ingress-nginx", resourceVersion: rv(), uid: uid("ns:ingress-nginx") }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
];

// ---------------------------------------------------------------- ingress-nginx, hostNetwork DaemonSet (Helm chart 4.12.1)

const SELECTOR = { "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx" };
const LABELS = { ...SELECTOR, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/part-of": "ingress-nginx", "app.kubernetes.io/version": "1.12.1", "helm.sh/chart": "ingress-nginx-4.12.1" };
const helm = { "meta.helm.sh/release-name": "ingress-nginx", "meta.helm.sh/release-namespace": "ingress-nginx" };
/** The controller container as the API returns it for a hostNetwork pod: every containerPort with hostPort defaulted to it. */
const controller = ingressNginxContainer({
  name: "controller",
  image: NGINX_IMAGE,
  args: [
    "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
    "--election-id=ingress-nginx-leader",
    "--controller-class=k8s.io/ingress-nginx",
    "--ingress-class=nginx",
    "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
    "--validating-webhook=:8443",
    "--validating-webhook-certificate=/usr/local/certificates/cert",
    "--validating-webhook-key=/usr/local/certificates/key",
  ],
  ports: [
    { containerPort: 80, hostPort: 80, name: "http", protocol: "TCP" },
    { containerPort: 443, hostPort: 443, name: "https", protocol: "TCP" },
    { containerPort: 8443, hostPort: 8443, name: "webhook", protocol: "TCP" },
  ],
});
function ingressNginx() {
  const template = { metadata: { labels: LABELS }, spec: { containers: [controller], dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true, nodeSelector: { "kubernetes.io/os": "linux" }, serviceAccountName: "ingress-nginx", terminationGracePeriodSeconds: 300 } };
  return [
    { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { annotations: { ...helm, "deprecated.daemonset.template.generation": "1" }, creationTimestamp: T0, generation: 1, labels: LABELS, name: "ingress-nginx-controller", namespace: "ingress-nginx", resourceVersion: rv(), uid: uid("ds:ingress-nginx-controller") }, spec: { revisionHistoryLimit: 10, selector: { matchLabels: SELECTOR }, template, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: "RollingUpdate" } }, status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1 } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { creationTimestamp: T0, generateName: "ingress-nginx-controller-", labels: { ...LABELS, "controller-revision-hash": "6b9d8c7f54", "pod-template-generation": "1" }, name: POD, namespace: "ingress-nginx", ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "DaemonSet", name: "ingress-nginx-controller", uid: uid("ds:ingress-nginx-controller") }], resourceVersion: rv(), uid: uid(`pod:${POD}`) },
      spec: { ...template.spec, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [NODE] }] }] } } }, enableServiceLinks: true, nodeName: NODE, restartPolicy: "Always", schedulerName: "default-scheduler" },
      status: {
        conditions: [
          { lastTransitionTime: T0, status: "True", type: "PodReadyToStartContainers" },
          { lastTransitionTime: T0, status: "True", type: "Initialized" },
          { lastTransitionTime: T_READY, status: "True", type: "Ready" },
          { lastTransitionTime: T_READY, status: "True", type: "ContainersReady" },
          { lastTransitionTime: T0, status: "True", type: "PodScheduled" },
        ],
        containerStatuses: [{ containerID: `containerd://${uid("cid:controller").replace(/-/g, "")}${uid("cid2:controller").replace(/-/g, "")}`, image: NGINX_IMAGE.split("@")[0], imageID: NGINX_IMAGE.replace(/:v[^@]+@/, "@"), lastState: {}, name: "controller", ready: true, restartCount: 0, started: true, state: { running: { startedAt: T0 } } }],
        hostIP: NODE_IP,
        hostIPs: [{ ip: NODE_IP }],
        phase: "Running",
        podIP: NODE_IP,
        podIPs: [{ ip: NODE_IP }],
        qosClass: "Burstable",
        startTime: T0,
      },
    },
    { apiVersion: "v1", kind: "Service", metadata: { annotations: helm, creationTimestamp: T0, labels: LABELS, name: "ingress-nginx-controller", namespace: "ingress-nginx", resourceVersion: rv(), uid: uid("svc:ingress-nginx-controller") }, spec: { clusterIP: "10.43.151.20", clusterIPs: ["10.43.151.20"], internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ appProtocol: "http", name: "http", port: 80, protocol: "TCP", targetPort: "http" }, { appProtocol: "https", name: "https", port: 443, protocol: "TCP", targetPort: "https" }], selector: SELECTOR, sessionAffinity: "None", type: "ClusterIP" }, status: { loadBalancer: {} } },
    { apiVersion: "v1", kind: "Service", metadata: { annotations: helm, creationTimestamp: T0, labels: LABELS, name: "ingress-nginx-controller-admission", namespace: "ingress-nginx", resourceVersion: rv(), uid: uid("svc:ingress-nginx-controller-admission") }, spec: { clusterIP: "10.43.88.201", clusterIPs: ["10.43.88.201"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ appProtocol: "https", name: "https-webhook", port: 443, protocol: "TCP", targetPort: "webhook" }], selector: SELECTOR, sessionAffinity: "None", type: "ClusterIP" }, status: { loadBalancer: {} } },
    {
      addressType: "IPv4",
      apiVersion: "discovery.k8s.io/v1",
      endpoints: [{ addresses: [NODE_IP], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE, targetRef: { kind: "Pod", name: POD, namespace: "ingress-nginx", uid: uid(`pod:${POD}`) } }],
      kind: "EndpointSlice",
      metadata: { creationTimestamp: T0, generateName: "ingress-nginx-controller-", labels: { ...LABELS, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "ingress-nginx-controller" }, name: "ingress-nginx-controller-r7m2x", namespace: "ingress-nginx", resourceVersion: rv(), uid: uid("eps:ingress-nginx-controller") },
      ports: [{ appProtocol: "http", name: "http", port: 80, protocol: "TCP" }, { appProtocol: "https", name: "https", port: 443, protocol: "TCP" }],
    },
    { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { annotations: helm, creationTimestamp: T0, generation: 1, labels: LABELS, name: "nginx", resourceVersion: rv(), uid: uid("ingressclass:nginx") }, spec: { controller: "k8s.io/ingress-nginx" } },
  ];
}

// ---------------------------------------------------------------- writers

const NGINX_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const nginx404 = { status: 404, headers: { "content-type": "text/html" }, body: NGINX_404 };

function writeScenario(name, { cluster, scenario, hostsFrom }) {
  const dir = join(SCENARIOS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "cluster"), { recursive: true });
  mkdirSync(join(dir, "host"), { recursive: true });
  for (const [file, docs] of Object.entries(cluster)) writeFileSync(join(dir, "cluster", `${file}.yaml`), dump(docs));
  for (const f of ["interfaces.yaml", "listeners.yaml", "hosts"]) copyFileSync(join(hostsFrom, "host", f), join(dir, "host", f));
  writeFileSync(join(dir, "scenario.yaml"), stringify(scenario, { lineWidth: 100 }));
}

const SOURCES =
  "Sources: kubernetes/ingress-nginx docs/deploy/baremetal.md (\"Via the host network\": hostNetwork: true, the controller binds ports 80 and 443 of the node; dnsPolicy ClusterFirstWithHostNet) and charts/ingress-nginx values.yaml (controller.kind DaemonSet, controller.hostNetwork, controller.service.type); kubernetes/ingress-nginx#6043, #6048, #6054 (k3s v1.18.3+k3s1 with `--set controller.hostNetwork=true`, FailedScheduling \"0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.\"); core/v1 SetDefaults_Pod (hostPort defaulted to containerPort for hostNetwork pods). Facts: docs/facts/k3d-k3s-legacy-hostport-multinode.md §6.";

// 1. Healthy: the hostNetwork ingress-nginx DaemonSet is the path's ingress proxy.
{
  const apps = readDocs(join(HEALTHY, "cluster/apps.yaml")).map((o) => (o.kind === "Ingress" ? { ...o, spec: { ...o.spec, ingressClassName: "nginx" }, status: { loadBalancer: { ingress: [{ ip: "10.43.151.20" }] } } } : o));
  const base = parseAllDocuments(readFileSync(join(HEALTHY, "scenario.yaml"), "utf8"))[0].toJS();
  const host = "whoami.127.0.0.1.sslip.io";
  const body = base.serviceProxy["default/whoami:80"].body.replace("X-Forwarded-Server: traefik-c98fdf6fb-fwfp9\n", "X-Forwarded-Scheme: http\nX-Request-Id: 8b1f0c2d9e7a4f36b5c4d3e2a1f09e8d\nX-Scheme: http\n").replace("RemoteAddr: 10.42.0.7:53728", `RemoteAddr: ${NODE_IP}:53728`);
  const ok = { host, status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body };
  writeScenario("k3s-host-hostnetwork-ingress-healthy", {
    hostsFrom: HEALTHY,
    cluster: { nodes: nodes(), namespaces: namespaces([]), "kube-system": kubeSystem(false), "ingress-nginx": ingressNginx(), apps },
    scenario: {
      name: "k3s-host-hostnetwork-ingress-healthy",
      description: `k3s v1.33.4+k3s1 on this Ubuntu workstation (node ${NODE}, ${NODE_IP}), installed with INSTALL_K3S_EXEC="--disable=traefik", then ingress-nginx from its Helm chart the bare-metal way: \`helm install ingress-nginx ingress-nginx/ingress-nginx -n ingress-nginx --create-namespace --set controller.kind=DaemonSet --set controller.hostNetwork=true --set controller.dnsPolicy=ClusterFirstWithHostNet --set controller.service.type=ClusterIP\`. The controller pod ${POD} runs in the node's network namespace (pod IP ${NODE_IP}; the API server defaulted hostPort 80/443/8443 to its containerPorts) and is the path's ingress proxy, not its backend; the whoami Ingress (class nginx) answers 200 at http://${host}/. ${SOURCES}`,
      context: "default",
      remapHostPorts: false,
      targets: [`http://${host}/`],
      apiServer: { latencyMs: 0, forbid: [] },
      resolver: { [host]: ["127.0.0.1"] },
      traffic: [
        { port: 80, mode: "http", respond: [ok], default: nginx404 },
        { port: 80, address: NODE_IP, mode: "http", respond: [ok], default: nginx404 },
        { port: 443, mode: "tls" },
        { port: 443, address: NODE_IP, mode: "tls" },
      ],
      serviceProxy: { "default/whoami:80": { status: 200, body } },
      expect: { status: "pass", paths: [{ url: `http://${host}/`, status: "pass", hop: null, route: { kind: "Ingress", namespace: "default", name: "whoami" }, backend: { namespace: "default", name: "whoami", port: 80 } }] },
    },
  });
}

// 2. The hostNetwork controller holds :80, so the Gateway's svclb pod stays Pending.
{
  const base = parseAllDocuments(readFileSync(join(CONFLICT, "scenario.yaml"), "utf8"))[0].toJS();
  const echo = base.serviceProxy["default/backend:3000"].body;
  writeScenario("k3s-host-hostnetwork-holds-80", {
    hostsFrom: CONFLICT,
    cluster: {
      nodes: nodes(),
      namespaces: namespaces(["envoy-gateway-system"]),
      "kube-system": kubeSystem(true),
      "ingress-nginx": ingressNginx(),
      "envoy-gateway": readDocs(join(CONFLICT, "cluster/envoy-gateway.yaml")),
      events: readDocs(join(CONFLICT, "cluster/events.yaml")),
    },
    scenario: {
      name: "k3s-host-hostnetwork-holds-80",
      description: `k3s v1.33.4+k3s1 on this workstation (node ${NODE}, ${NODE_IP}, no Docker), traefik disabled, ingress-nginx installed with \`--set controller.kind=DaemonSet --set controller.hostNetwork=true\` (pod ${POD} listens on the node's own :80 and :443). Then Envoy Gateway v1.5.1's quickstart: its proxy Service envoy-gateway-system/envoy-default-eg-e41e7b31 is type LoadBalancer on port 80, ServiceLB creates kube-system/svclb-envoy-default-eg-e41e7b31-9c2e7b41, and its pod stays Pending with FailedScheduling "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports." — the hostNetwork controller holds port 80, and \`curl http://www.example.com/\` gets ingress-nginx's own 404 page. ND502 must name the hostNetwork pod and its DaemonSet, not a svclb. ${SOURCES} Envoy Gateway objects as in k3s-host-traefik-conflict.`,
      context: "default",
      docker: false,
      remapHostPorts: false,
      targets: ["http://www.example.com/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [
        { port: 80, mode: "http", respond: [], default: nginx404 },
        { port: 80, address: NODE_IP, mode: "http", respond: [], default: nginx404 },
        { port: 443, mode: "tls" },
        { port: 31437, address: NODE_IP, mode: "http", respond: [{ host: "www.example.com", status: 200, headers: { "content-type": "application/json", "x-content-type-options": "nosniff" }, body: echo }], default: { status: 404, headers: { "content-length": "0" }, body: "" } },
      ],
      serviceProxy: { "default/backend:3000": { status: 200, body: echo } },
      expect: { status: "fail", hop: "service", paths: [{ url: "http://www.example.com/", status: "fail", hop: "service" }] },
    },
  });
}
