#!/usr/bin/env node
/**
 * Writes the kind-contour-ingress-* lab scenarios: the kind-ingress-nginx-healthy
 * cluster (kind ingress guide: extraPortMappings 80 → 80) with Contour's static
 * quickstart install instead of ingress-nginx. Objects follow
 * projectcontour/contour examples/render/contour.yaml @31c4bb38 (Deployment
 * projectcontour/contour running `contour serve`, DaemonSet projectcontour/envoy
 * with shutdown-manager + envoy, containerPort 8080/8443 as hostPort 80/443,
 * Services contour and envoy). No IngressClass: the quickstart creates none,
 * Contour matches class names (internal/ingressclass/ingressclass.go).
 *
 * Usage: node scripts/gen-contour-ingress-scenarios.mjs
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parseDocument, stringify } from "yaml";
import { dump, resourceVersions, SCENARIOS, uid } from "./lib/scenario-gen.mjs";

const BASE = join(SCENARIOS, "kind-ingress-nginx-healthy");
const NS = "projectcontour";
const NODE = "kind-control-plane";
const NODE_IP = "172.18.0.2";
const T0 = "2026-03-03T14:03:42Z";
const T_READY = "2026-03-03T14:04:31Z";
const CONTOUR_IMAGE = "ghcr.io/projectcontour/contour:v1.33.0";
const ENVOY_IMAGE = "docker.io/envoyproxy/envoy:distroless-v1.35.1";

const rv = resourceVersions(900, 7);
const readyConds = [
  { lastTransitionTime: T0, status: "True", type: "PodReadyToStartContainers" },
  { lastTransitionTime: T0, status: "True", type: "Initialized" },
  { lastTransitionTime: T_READY, status: "True", type: "Ready" },
  { lastTransitionTime: T_READY, status: "True", type: "ContainersReady" },
  { lastTransitionTime: T0, status: "True", type: "PodScheduled" },
];
const cstatus = (name, image) => ({
  containerID: `containerd://${uid(`cid:${name}:${image}`).replace(/-/g, "")}${uid(`cid2:${name}`).replace(/-/g, "")}`,
  image,
  imageID: `${image.split(":")[0]}@sha256:${uid(`img:${image}`).replace(/-/g, "")}${uid(`img2:${image}`).replace(/-/g, "")}`,
  lastState: {},
  name,
  ready: true,
  restartCount: 0,
  started: true,
  state: { running: { startedAt: "2026-03-03T14:04:01Z" } },
});
const pod = ({ name, labels, owner, containers, initContainers, podIP, hostIP = NODE_IP, extraSpec = {} }) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { creationTimestamp: T0, generateName: name.replace(/[^-]+$/, ""), labels, name, namespace: NS, ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.name, uid: uid(`owner:${owner.name}`) }], resourceVersion: rv(), uid: uid(`pod:${name}`) },
  spec: { containers, ...(initContainers ? { initContainers } : {}), dnsPolicy: "ClusterFirst", nodeName: NODE, restartPolicy: "Always", ...extraSpec },
  status: {
    conditions: readyConds,
    containerStatuses: containers.map((c) => cstatus(c.name, c.image)),
    ...(initContainers ? { initContainerStatuses: initContainers.map((c) => ({ ...cstatus(c.name, c.image), ready: true, started: false, state: { terminated: { exitCode: 0, reason: "Completed", startedAt: T0, finishedAt: T0 } } })) } : {}),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    phase: "Running",
    podIP,
    podIPs: [{ ip: podIP }],
    qosClass: "BestEffort",
    startTime: T0,
  },
});

// ---- contour serve (Deployment projectcontour/contour, 2 replicas in the quickstart)
const contourContainers = (classFlag) => [
  {
    args: ["serve", "--incluster", "--xds-address=0.0.0.0", "--xds-port=8001", "--contour-cafile=/certs/ca.crt", "--contour-cert-file=/certs/tls.crt", "--contour-key-file=/certs/tls.key", "--config-path=/config/contour.yaml", ...(classFlag ? [classFlag] : [])],
    command: ["contour"],
    image: CONTOUR_IMAGE,
    imagePullPolicy: "IfNotPresent",
    name: "contour",
    ports: [{ containerPort: 8001, name: "xds", protocol: "TCP" }, { containerPort: 8000, name: "metrics", protocol: "TCP" }, { containerPort: 6060, name: "debug", protocol: "TCP" }],
    readinessProbe: { tcpSocket: { port: 8001 }, periodSeconds: 10 },
  },
];
const envoyContainers = [
  { args: ["envoy", "shutdown-manager"], command: ["/bin/contour"], image: CONTOUR_IMAGE, imagePullPolicy: "IfNotPresent", name: "shutdown-manager" },
  {
    args: ["-c", "/config/envoy.json", "--service-cluster $(CONTOUR_NAMESPACE)", "--service-node $(ENVOY_POD_NAME)", "--log-level info"],
    command: ["envoy"],
    image: ENVOY_IMAGE,
    imagePullPolicy: "IfNotPresent",
    name: "envoy",
    ports: [{ containerPort: 8080, hostPort: 80, name: "http", protocol: "TCP" }, { containerPort: 8443, hostPort: 443, name: "https", protocol: "TCP" }, { containerPort: 8002, name: "metrics", protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/ready", port: 8002 }, initialDelaySeconds: 3, periodSeconds: 4 },
  },
];
const envoyInit = [{ args: ["bootstrap", "/config/envoy.json", "--xds-address=contour", "--xds-port=8001", "--xds-resource-version=v3", "--resources-dir=/config/resources", "--envoy-cafile=/certs/ca.crt", "--envoy-cert-file=/certs/tls.crt", "--envoy-key-file=/certs/tls.key"], command: ["contour"], image: CONTOUR_IMAGE, imagePullPolicy: "IfNotPresent", name: "envoy-initconfig" }];

function contourObjects(classFlag) {
  const cPods = ["contour-7b9c6d8f5-4kq2x", "contour-7b9c6d8f5-m8zt6"].map((name, i) => pod({ name, labels: { app: "contour", "pod-template-hash": "7b9c6d8f5" }, owner: { kind: "ReplicaSet", name: "contour-7b9c6d8f5" }, containers: contourContainers(classFlag), podIP: `10.244.0.${11 + i}`, extraSpec: { serviceAccountName: "contour" } }));
  const ePod = pod({ name: "envoy-w7j5q", labels: { app: "envoy", "controller-revision-hash": "5f8d7c9b6", "pod-template-generation": "1" }, owner: { kind: "DaemonSet", name: "envoy" }, containers: envoyContainers, initContainers: envoyInit, podIP: "10.244.0.13", extraSpec: { automountServiceAccountToken: false, serviceAccountName: "envoy", terminationGracePeriodSeconds: 300 } });
  const svc = (name, selector, ports, type, clusterIP) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...(name === "envoy" ? { annotations: { "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp" } } : {}), creationTimestamp: T0, name, namespace: NS, resourceVersion: rv(), uid: uid(`svc:${name}`) },
    spec: { clusterIP, clusterIPs: [clusterIP], ...(type === "LoadBalancer" ? { allocateLoadBalancerNodePorts: true, externalTrafficPolicy: "Local", healthCheckNodePort: 31547 } : {}), internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports, selector, sessionAffinity: "None", type },
    status: { loadBalancer: {} },
  });
  const slice = (svcName, pods, ports) => ({
    apiVersion: "discovery.k8s.io/v1",
    endpoints: pods.map((p) => ({ addresses: [p.status.podIP], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE, targetRef: { kind: "Pod", name: p.metadata.name, namespace: NS, uid: p.metadata.uid } })),
    kind: "EndpointSlice",
    metadata: { creationTimestamp: T0, generateName: `${svcName}-`, generation: 2, labels: { "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": svcName }, name: `${svcName}-${svcName === "envoy" ? "h6x9d" : "p2m4r"}`, namespace: NS, ownerReferences: [{ apiVersion: "v1", blockOwnerDeletion: true, controller: true, kind: "Service", name: svcName, uid: uid(`svc:${svcName}`) }], resourceVersion: rv(), uid: uid(`eps:${svcName}`) },
    ports,
    addressType: "IPv4",
  });
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { creationTimestamp: T0, labels: { "kubernetes.io/metadata.name": NS }, name: NS, resourceVersion: rv(), uid: uid(`ns:${NS}`) }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { creationTimestamp: T0, generation: 1, labels: { app: "contour" }, name: "contour", namespace: NS, resourceVersion: rv(), uid: uid("owner:contour") },
      spec: { replicas: 2, selector: { matchLabels: { app: "contour" } }, strategy: { rollingUpdate: { maxSurge: "50%", maxUnavailable: "25%" }, type: "RollingUpdate" }, template: { metadata: { labels: { app: "contour" } }, spec: { containers: contourContainers(classFlag), serviceAccountName: "contour" } } },
      status: { availableReplicas: 2, observedGeneration: 1, readyReplicas: 2, replicas: 2, updatedReplicas: 2 },
    },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { creationTimestamp: T0, generation: 1, labels: { app: "envoy" }, name: "envoy", namespace: NS, resourceVersion: rv(), uid: uid("owner:envoy") },
      spec: { selector: { matchLabels: { app: "envoy" } }, template: { metadata: { labels: { app: "envoy" } }, spec: { automountServiceAccountToken: false, containers: envoyContainers, initContainers: envoyInit, serviceAccountName: "envoy", terminationGracePeriodSeconds: 300 } }, updateStrategy: { rollingUpdate: { maxUnavailable: "10%" }, type: "RollingUpdate" } },
      status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1 },
    },
    ...cPods,
    ePod,
    svc("contour", { app: "contour" }, [{ name: "xds", port: 8001, protocol: "TCP", targetPort: 8001 }], "ClusterIP", "10.96.44.120"),
    svc("envoy", { app: "envoy" }, [{ name: "http", nodePort: 32080, port: 80, protocol: "TCP", targetPort: 8080 }, { name: "https", nodePort: 32443, port: 443, protocol: "TCP", targetPort: 8443 }], "LoadBalancer", "10.96.61.18"),
    slice("contour", cPods, [{ name: "xds", port: 8001, protocol: "TCP" }]),
    slice("envoy", [ePod], [{ name: "http", port: 8080, protocol: "TCP" }, { name: "https", port: 8443, protocol: "TCP" }]),
  ];
}

const envoyOk = { "content-type": "text/html", server: "envoy", etag: '"6824e4b1-267"', "accept-ranges": "bytes", "x-envoy-upstream-service-time": "1" };
const envoy404 = { status: 404, headers: { server: "envoy", "content-length": "0" }, body: "" };

function write({ dir, description, ingressClass, classFlag, expect }) {
  const out = join(SCENARIOS, dir);
  rmSync(out, { recursive: true, force: true });
  cpSync(BASE, out, { recursive: true });
  rmSync(join(out, "cluster/ingress-nginx.yaml"));
  writeFileSync(join(out, "cluster/projectcontour.yaml"), dump(contourObjects(classFlag)));
  const apps = parseAllDocuments(readFileSync(join(out, "cluster/apps.yaml"), "utf8")).map((d) => d.toJS()).filter(Boolean);
  for (const d of apps) {
    if (d.kind !== "Ingress") continue;
    if (ingressClass) d.spec.ingressClassName = ingressClass;
    else delete d.spec.ingressClassName;
    // Contour writes the Envoy Service's load balancer status (none on kind); ingress-nginx wrote localhost.
    d.status = { loadBalancer: {} };
  }
  writeFileSync(join(out, "cluster/apps.yaml"), dump(apps));
  const doc = parseDocument(readFileSync(join(BASE, "scenario.yaml"), "utf8"));
  const s = doc.toJS();
  s.name = dir;
  s.description = description;
  for (const t of s.traffic) {
    if (t.mode !== "http") continue;
    t.respond = ingressClass === "nginx" ? [] : t.respond.map((r) => ({ ...r, headers: envoyOk }));
    t.default = envoy404;
  }
  s.expect = expect;
  writeFileSync(join(out, "scenario.yaml"), stringify(s, { lineWidth: 100 }));
}

const SOURCES =
  "Objects from Contour's quickstart (projectcontour/contour examples/render/contour.yaml: Deployment projectcontour/contour running contour serve, DaemonSet projectcontour/envoy with shutdown-manager and envoy containers, containerPort 8080/8443 as hostPort 80/443, LoadBalancer Service envoy 80 → 8080 whose EXTERNAL-IP stays pending on kind; the quickstart creates no IngressClass) and Contour's kind write-up (projectcontour.io/kindly-running-contour/, its kind config quoted in gist.github.com/hhoover/81842249879f0ee163b23d2add825cd3: extraPortMappings 80 → 80 and 443 → 443 for the hostPort Envoy). Contour selects Ingresses by class name, not by IngressClass controller: internal/ingressclass/ingressclass.go MatchesIngress, default class contour, --ingress-class-name in cmd/contour/serve.go.";
write({
  dir: "kind-contour-ingress-healthy",
  description: `A kind cluster named kind (extraPortMappings 80 → 80) with Contour v1.33 from the quickstart as the ingress controller instead of ingress-nginx. ${SOURCES} Contour runs without --ingress-class-name, so it serves Ingresses with no class or class contour; Ingress default/web names no class and sends web.localhost to the nginx app default/web:80. curl http://web.localhost/ answers the nginx welcome page through Envoy (server: envoy).`,
  ingressClass: null,
  classFlag: null,
  expect: { status: "pass", paths: [{ url: "http://web.localhost/", status: "pass", route: { kind: "Ingress", namespace: "default", name: "web", rule: 0 }, backend: { namespace: "default", name: "web", port: 80 } }] },
});
write({
  dir: "kind-contour-ingress-class-nginx",
  description: `A kind cluster named kind (extraPortMappings 80 → 80) where the user replaced ingress-nginx with Contour v1.33 from the quickstart but kept the Ingress of the kind ingress guide: Ingress default/web still says ingressClassName: nginx. ${SOURCES} Contour matches only Ingresses with no class or class contour, so it ignores default/web; Envoy has no virtual host for web.localhost and answers 404 with an empty body and server: envoy, the behaviour Contour documents in projectcontour/contour#2420 ("If any other value, Contour ignores the Ingress definition") and users hit in projectcontour/contour#7018 (an Ingress whose class does not match --ingress-class-name is not served and gets no load balancer status); kubectl get svc envoy as pasted in projectcontour/contour#4355 (LoadBalancer, selector app=envoy, 80:32265/TCP). curl http://web.localhost/ gets that 404.`,
  ingressClass: "nginx",
  classFlag: null,
  expect: { status: "fail", hop: "route", paths: [{ url: "http://web.localhost/", status: "fail", hop: "route" }] },
});
