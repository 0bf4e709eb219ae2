#!/usr/bin/env node
/**
 * Writes the gw-* lab scenarios (fixtures/scenarios/gw-<implementation>-<state>)
 * for the Gateway API implementations of src/gateway/implementations.ts.
 *
 * Each scenario is the kind cluster of fixtures/scenarios/kind-envoy-gateway-healthy
 * (one node kind-control-plane, extraPortMappings host 8080 → node 30080, the
 * echo backend default/backend:3000, HTTPRoute default/backend for
 * www.example.com) with that scenario's Envoy Gateway objects replaced by the
 * objects the implementation's controller creates: names, labels, ports,
 * status conditions and messages as read in its source
 * (docs/facts/gateway-implementations.md). Run it after changing the facts:
 *
 *   node scripts/gen-gateway-scenarios.mjs
 *
 * It overwrites the gw-* directories it owns and touches nothing else.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { dump, readDocs, SCENARIOS } from "./lib/scenario-gen.mjs";

const BASE = join(SCENARIOS, "kind-envoy-gateway-healthy");

const T_CTRL = "2026-03-04T09:04:10Z";
const T_GW = "2026-03-04T09:05:03Z";
const T_READY = "2026-03-04T09:05:21Z";
const T_ROUTE = "2026-03-04T09:06:01Z";
const NODE = "kind-control-plane";
const NODE_IP = "172.18.0.2";


/** A stable fake UID from a name (scenarios must not change between runs). */
function uid(seed) {
  let h = 2166136261;
  const hex = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${seed}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex.push(h.toString(16).padStart(8, "0"));
  }
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
const hash = (seed, n) => uid(seed).replace(/-/g, "").slice(0, n);

const cond = (type, status, reason, message, extra = {}) => ({ lastTransitionTime: extra.at ?? T_GW, message, observedGeneration: 1, reason, status, type });

/** Ready or not-ready container status. */
function containerStatus(name, image, ready, notReady) {
  const id = hash(`${name}${image}`, 32) + hash(`${image}${name}`, 32);
  if (ready) return { containerID: `containerd://${id}`, image, imageID: `${image.split(":")[0]}@sha256:${id}`, lastState: {}, name, ready: true, restartCount: 0, started: true, state: { running: { startedAt: T_READY } } };
  return { containerID: `containerd://${id}`, image, imageID: `${image.split(":")[0]}@sha256:${id}`, lastState: notReady.lastState ?? {}, name, ready: false, restartCount: notReady.restartCount ?? 0, started: notReady.started ?? true, state: notReady.state };
}

/** A Pod as `kubectl get -o yaml` shows it. `notReady`: { state, restartCount?, lastState? } for not-ready containers. */
function pod({ ns, name, labels, owner, containers, ready = true, notReady, annotations, hostPorts = false, podIP, phase = "Running", nodeSelector }) {
  const allReady = ready;
  const p = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(annotations ? { annotations } : {}),
      creationTimestamp: T_GW,
      generateName: name.replace(/[a-z0-9]+$/, ""),
      labels,
      name,
      namespace: ns,
      ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.name, uid: uid(`${ns}/${owner.name}`) }],
      resourceVersion: String(1300 + (hash(name, 3).charCodeAt(0) % 90)),
      uid: uid(`${ns}/${name}`),
    },
    spec: {
      containers: containers.map((c) => ({ name: c.name, image: c.image, ...(c.args ? { args: c.args } : {}), ...(c.ports ? { ports: c.ports.map((pp) => ({ ...pp, protocol: "TCP" })) } : {}), ...(c.readinessProbe ? { readinessProbe: c.readinessProbe } : {}) })),
      ...(phase === "Pending" ? {} : { nodeName: NODE }),
      ...(nodeSelector ? { nodeSelector } : {}),
      restartPolicy: "Always",
      ...(hostPorts ? {} : {}),
    },
    status: {
      conditions: [
        { lastProbeTime: null, lastTransitionTime: T_GW, status: "True", type: "PodReadyToStartContainers" },
        { lastProbeTime: null, lastTransitionTime: T_GW, status: "True", type: "Initialized" },
        { lastProbeTime: null, lastTransitionTime: T_READY, status: allReady ? "True" : "False", type: "Ready", ...(allReady ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${containers.filter((c) => !c.alwaysReady).map((c) => c.name).join(" ")}]` }) },
        { lastProbeTime: null, lastTransitionTime: T_READY, status: allReady ? "True" : "False", type: "ContainersReady", ...(allReady ? {} : { reason: "ContainersNotReady", message: `containers with unready status: [${containers.filter((c) => !c.alwaysReady).map((c) => c.name).join(" ")}]` }) },
        { lastProbeTime: null, lastTransitionTime: T_GW, status: "True", type: "PodScheduled" },
      ],
      containerStatuses: containers.map((c) => containerStatus(c.name, c.image, allReady || c.alwaysReady, notReady)),
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      phase,
      podIP: podIP ?? NODE_IP,
      podIPs: [{ ip: podIP ?? NODE_IP }],
      qosClass: "Burstable",
      startTime: T_GW,
    },
  };
  return p;
}

/** A Deployment (or DaemonSet) owning `pods`. */
function workload({ kind = "Deployment", ns, name, labels, selector, podLabels, containers, ready = true, annotations, ownerReferences, hostNetwork }) {
  const replicas = 1;
  const w = {
    apiVersion: "apps/v1",
    kind,
    metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: T_GW, generation: 1, labels, name, namespace: ns, ...(ownerReferences ? { ownerReferences } : {}), resourceVersion: "1342", uid: uid(`${ns}/${name}`) },
    spec: {
      ...(kind === "Deployment" ? { progressDeadlineSeconds: 600, replicas, revisionHistoryLimit: 10 } : {}),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: containers.map((c) => ({ name: c.name, image: c.image, ...(c.args ? { args: c.args } : {}), ...(c.ports ? { ports: c.ports.map((pp) => ({ ...pp, protocol: "TCP" })) } : {}), ...(c.readinessProbe ? { readinessProbe: c.readinessProbe } : {}) })), ...(hostNetwork ? { hostNetwork: true } : {}) },
      },
    },
    status:
      kind === "Deployment"
        ? {
            ...(ready ? { availableReplicas: 1, readyReplicas: 1 } : { unavailableReplicas: 1 }),
            observedGeneration: 1,
            replicas: 1,
            updatedReplicas: 1,
            conditions: [
              ready
                ? { lastTransitionTime: T_READY, lastUpdateTime: T_READY, message: "Deployment has minimum availability.", reason: "MinimumReplicasAvailable", status: "True", type: "Available" }
                : { lastTransitionTime: T_GW, lastUpdateTime: T_GW, message: "Deployment does not have minimum availability.", reason: "MinimumReplicasUnavailable", status: "False", type: "Available" },
            ],
          }
        : { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: ready ? 1 : 0, numberMisscheduled: 0, numberReady: ready ? 1 : 0, ...(ready ? {} : { numberUnavailable: 1 }), observedGeneration: 1, updatedNumberScheduled: 1 },
  };
  return w;
}

function service({ ns, name, labels, selector, ports, type = "NodePort", clusterIP, annotations, ownerReferences, ipFamilyPolicy = "SingleStack", lbPending = false }) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: T_GW, labels, name, namespace: ns, ...(ownerReferences ? { ownerReferences } : {}), resourceVersion: "1301", uid: uid(`svc:${ns}/${name}`) },
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      ...(type !== "ClusterIP" ? { externalTrafficPolicy: "Cluster" } : {}),
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy,
      ports: ports.map((p) => ({ ...p, protocol: "TCP" })),
      ...(selector ? { selector } : {}),
      sessionAffinity: "None",
      type,
    },
    status: { loadBalancer: lbPending ? {} : {} },
  };
}

function endpointSlice({ ns, service: svcName, labels, addresses, ports, ready = true, pods = [] }) {
  return {
    addressType: "IPv4",
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      creationTimestamp: T_GW,
      generateName: `${svcName}-`,
      generation: 2,
      labels: { ...labels, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": svcName },
      name: `${svcName}-${hash(svcName, 5).replace(/[0-9]/g, (d) => "bcdfghjkmn"[d])}`,
      namespace: ns,
      ownerReferences: [{ apiVersion: "v1", blockOwnerDeletion: true, controller: true, kind: "Service", name: svcName, uid: uid(`svc:${ns}/${svcName}`) }],
      resourceVersion: "1344",
      uid: uid(`eps:${ns}/${svcName}`),
    },
    endpoints: addresses.map((a, i) => ({
      addresses: [a],
      conditions: { ready, serving: ready, terminating: false },
      nodeName: NODE,
      ...(pods[i] ? { targetRef: { kind: "Pod", name: pods[i].metadata.name, namespace: pods[i].metadata.namespace, uid: pods[i].metadata.uid } } : {}),
    })),
    ports: ports.map((p) => ({ ...p, protocol: "TCP" })),
  };
}

function event({ ns, kind = "Pod", name, objUid, type = "Normal", reason, message, component = "kubelet", count = 1, at = T_READY, fieldPath }) {
  return {
    apiVersion: "v1",
    count,
    eventTime: null,
    firstTimestamp: T_GW,
    involvedObject: { apiVersion: kind === "Pod" ? "v1" : "apps/v1", ...(fieldPath ? { fieldPath } : {}), kind, name, namespace: ns, uid: objUid },
    kind: "Event",
    lastTimestamp: at,
    message,
    metadata: { creationTimestamp: T_GW, name: `${name}.${hash(`${name}${reason}${message}`, 16)}`, namespace: ns, resourceVersion: "1590", uid: uid(`ev:${name}${reason}`) },
    reason,
    reportingComponent: component,
    reportingInstance: component === "kubelet" ? NODE : "",
    source: component === "kubelet" ? { component, host: NODE } : { component },
    type,
  };
}

function gatewayClass({ name, controllerName, accepted = true, message, parametersRef, description }) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { creationTimestamp: T_CTRL, generation: 1, name, resourceVersion: "1180", uid: uid(`gc:${name}`) },
    spec: { controllerName, ...(description ? { description } : {}), ...(parametersRef ? { parametersRef } : {}) },
    status: {
      conditions: accepted
        ? [cond("Accepted", "True", "Accepted", message, { at: T_CTRL })]
        : [{ lastTransitionTime: "1970-01-01T00:00:00Z", message: "Waiting for controller", reason: "Pending", status: "Unknown", type: "Accepted" }],
    },
  };
}

function gateway({ ns, name, className, listeners, status, annotations }) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: T_GW, generation: 1, name, namespace: ns, resourceVersion: "1388", uid: uid(`gw:${ns}/${name}`) },
    spec: { gatewayClassName: className, listeners },
    status,
  };
}

const BASE_KIND_NODE_MAPPING = "extraPortMappings hostPort 8080 → containerPort 30080";

// ---------------------------------------------------------------- backend and route from the base scenario

const baseEg = readDocs(join(BASE, "cluster/envoy-gateway.yaml"));
const backendObjects = baseEg.filter((d) => d.metadata?.namespace === "default" && d.metadata.name.startsWith("backend") && d.kind !== "HTTPRoute");
const baseRoute = baseEg.find((d) => d.kind === "HTTPRoute");
const baseScenario = parseAllDocuments(readFileSync(join(BASE, "scenario.yaml"), "utf8"))[0].toJS();
const echoBody = baseScenario.traffic[0].respond[0].body;

/** The HTTPRoute default/backend attached to `gw`, with the implementation's route status. */
function route({ gwNs, gwName, controllerName, accepted, resolved }) {
  const r = structuredClone(baseRoute);
  const parentRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: gwName, ...(gwNs !== "default" ? { namespace: gwNs } : {}) };
  r.spec.parentRefs = [parentRef];
  r.status = {
    parents: [
      {
        conditions: [
          { lastTransitionTime: T_ROUTE, message: accepted.message, observedGeneration: 1, reason: accepted.reason, status: accepted.status ?? "True", type: "Accepted" },
          { lastTransitionTime: T_ROUTE, message: resolved.message, observedGeneration: 1, reason: resolved.reason ?? "ResolvedRefs", status: resolved.status ?? "True", type: "ResolvedRefs" },
        ],
        controllerName,
        parentRef,
      },
    ],
  };
  return r;
}

// ---------------------------------------------------------------- writing a scenario

function writeScenario({ dir, description, objects, namespaces, events = [], traffic, expect, dropKubeSystem = [], addKubeSystem = [] }) {
  const out = join(SCENARIOS, dir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "cluster"), { recursive: true });
  cpSync(join(BASE, "docker"), join(out, "docker"), { recursive: true });
  cpSync(join(BASE, "host"), join(out, "host"), { recursive: true });
  for (const f of ["local-path-storage.yaml", "nodes.yaml"]) cpSync(join(BASE, "cluster", f), join(out, "cluster", f));
  const kubeSystem = readDocs(join(BASE, "cluster/kube-system.yaml")).filter((d) => !dropKubeSystem.some((prefix) => d.metadata.name.startsWith(prefix)));
  writeFileSync(join(out, "cluster/kube-system.yaml"), dump([...kubeSystem, ...addKubeSystem]));
  const ns = readDocs(join(BASE, "cluster/namespaces.yaml")).filter((d) => d.metadata.name !== "envoy-gateway-system");
  for (const n of namespaces) {
    ns.push({ apiVersion: "v1", kind: "Namespace", metadata: { creationTimestamp: T_CTRL, labels: { "kubernetes.io/metadata.name": n }, name: n, resourceVersion: "1102", uid: uid(`ns:${n}`) }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  }
  writeFileSync(join(out, "cluster/namespaces.yaml"), dump(ns));
  cpSync(join(BASE, "cluster/apps.yaml"), join(out, "cluster/apps.yaml"));
  writeFileSync(join(out, "cluster/gateway.yaml"), dump([...objects, ...backendObjects]));
  const baseEvents = readDocs(join(BASE, "cluster/events.yaml"));
  writeFileSync(join(out, "cluster/events.yaml"), dump([...baseEvents, ...events]));
  const scenario = {
    name: dir,
    description,
    context: "kind-kind",
    targets: ["http://www.example.com:8080/"],
    apiServer: { latencyMs: 0, forbid: [] },
    traffic: [
      { port: 8080, ...traffic },
      { port: 41633, mode: "tls" },
      { port: 30080, address: NODE_IP, ...traffic },
      { port: 6443, address: NODE_IP, mode: "tls" },
    ],
    serviceProxy: baseScenario.serviceProxy,
    expect,
  };
  writeFileSync(join(out, "scenario.yaml"), stringify(scenario, { lineWidth: 110 }));
}

const ok200 = (headers) => ({ host: "www.example.com", status: 200, headers: { "content-type": "application/json", "x-content-type-options": "nosniff", ...headers }, body: echoBody });
const healthyExpect = {
  status: "pass",
  paths: [{ url: "http://www.example.com:8080/", status: "pass", hop: null, route: { kind: "HTTPRoute", namespace: "default", name: "backend", rule: 0 }, backend: { namespace: "default", name: "backend", port: 3000 } }],
};

// ================================================================ Istio

function istio(broken) {
  const ns = "istio-ingress";
  const gw = "gateway";
  const proxyName = `${gw}-istio`;
  const image = "docker.io/istio/proxyv2:1.27.1";
  const selector = { "gateway.networking.k8s.io/gateway-name": gw };
  const svcLabels = { "gateway.networking.k8s.io/gateway-class-name": "istio", "gateway.networking.k8s.io/gateway-name": gw };
  const podLabels = {
    "gateway.istio.io/managed": "istio.io-gateway-controller",
    "gateway.networking.k8s.io/gateway-class-name": "istio",
    "gateway.networking.k8s.io/gateway-name": gw,
    "service.istio.io/canonical-name": proxyName,
    "service.istio.io/canonical-revision": "latest",
    "sidecar.istio.io/inject": "false",
  };
  const owner = [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: gw, uid: uid(`gw:${ns}/${gw}`) }];
  const rs = `${proxyName}-6b8f9c7d5`;
  const proxyContainer = {
    name: "istio-proxy",
    image,
    args: ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel", "warning", "--proxyComponentLogLevel", "misc:error", "--log_output_level", "default:info"],
    ports: [
      { containerPort: 15020, name: "metrics" },
      { containerPort: 15021, name: "status-port" },
      { containerPort: 15090, name: "http-envoy-prom" },
    ],
    readinessProbe: { failureThreshold: 4, httpGet: { path: "/healthz/ready", port: 15021, scheme: "HTTP" }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 1 },
  };
  const podIP = "10.244.0.14";
  const proxyPod = pod({
    ns,
    name: `${rs}-q4wzn`,
    labels: { ...podLabels, "pod-template-hash": "6b8f9c7d5" },
    owner: { kind: "ReplicaSet", name: rs },
    containers: [proxyContainer],
    ready: !broken,
    notReady: { state: { running: { startedAt: T_GW } }, started: true },
    annotations: { "istio.io/rev": "default", "prometheus.io/path": "/stats/prometheus", "prometheus.io/port": "15020", "prometheus.io/scrape": "true" },
    podIP,
  });
  const istiodLabels = { app: "istiod", istio: "pilot", "istio.io/rev": "default", "install.operator.istio.io/owning-resource": "unknown", "operator.istio.io/component": "Pilot" };
  const istiodImage = "docker.io/istio/pilot:1.27.1";
  const istiodContainers = [{ name: "discovery", image: istiodImage, args: ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info", "--domain", "cluster.local", "--keepaliveMaxServerConnectionAge", "30m"], ports: [{ containerPort: 8080, name: "http-debug" }, { containerPort: 15010, name: "grpc-xds" }, { containerPort: 15012, name: "tls-xds" }, { containerPort: 15017, name: "https-webhooks" }, { containerPort: 15014, name: "http-monitoring" }] }];
  const istiodPod = pod({
    ns: "istio-system",
    name: "istiod-7d4b9c6f85-zr8kp",
    labels: { ...istiodLabels, "pod-template-hash": "7d4b9c6f85", "sidecar.istio.io/inject": "false" },
    owner: { kind: "ReplicaSet", name: "istiod-7d4b9c6f85" },
    containers: istiodContainers,
    ready: !broken,
    notReady: { state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container=discovery pod=istiod-7d4b9c6f85-zr8kp_istio-system(…)" } }, restartCount: 9, started: false, lastState: { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: T_GW, finishedAt: T_READY } } },
    podIP: "10.244.0.6",
  });
  const hostname = `${proxyName}.${ns}.svc.cluster.local`;
  const gwStatus = broken
    ? {
        addresses: [{ type: "Hostname", value: hostname }],
        conditions: [
          cond("Accepted", "True", "Accepted", "Resource accepted"),
          cond("Programmed", "False", "AddressNotAssigned", `Failed to assign to any requested addresses: no instances found for hostname "${hostname}"`),
          cond("ResolvedRefs", "True", "ResolvedRefs", "All references resolved"),
        ],
        listeners: [istioListenerStatus()],
      }
    : {
        addresses: [{ type: "Hostname", value: hostname }],
        conditions: [
          cond("Accepted", "True", "Accepted", "Resource accepted"),
          cond("Programmed", "True", "Programmed", `Resource programmed, assigned to service(s) ${hostname}:80`),
          cond("ResolvedRefs", "True", "ResolvedRefs", "All references resolved"),
        ],
        listeners: [istioListenerStatus()],
      };
  function istioListenerStatus() {
    return {
      attachedRoutes: 1,
      conditions: [
        cond("Accepted", "True", "Accepted", "No errors found"),
        cond("NoConflicts", "False", "NoConflicts", "No errors found"),
        cond("Programmed", "True", "Programmed", "No errors found"),
        cond("ResolvedRefs", "True", "ResolvedRefs", "No errors found"),
      ].map((c) => (c.type === "NoConflicts" ? { ...c, type: "Conflicted" } : c)),
      name: "http",
      supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }],
    };
  }
  const objects = [
    workload({ ns: "istio-system", name: "istiod", labels: istiodLabels, selector: { app: "istiod", istio: "pilot" }, podLabels: { ...istiodLabels, "sidecar.istio.io/inject": "false" }, containers: istiodContainers, ready: !broken }),
    istiodPod,
    service({ ns: "istio-system", name: "istiod", labels: { app: "istiod", istio: "pilot", "istio.io/rev": "default" }, selector: { app: "istiod", istio: "pilot" }, type: "ClusterIP", clusterIP: "10.96.47.212", ports: [{ name: "grpc-xds", port: 15010, targetPort: 15010 }, { name: "https-dns", port: 15012, targetPort: 15012 }, { name: "https-webhook", port: 443, targetPort: 15017 }, { name: "http-monitoring", port: 15014, targetPort: 15014 }] }),
    gatewayClass({ name: "istio", controllerName: "istio.io/gateway-controller", message: "Handled by Istio controller", description: "The default Istio GatewayClass" }),
    gateway({
      ns,
      name: gw,
      className: "istio",
      annotations: { "networking.istio.io/service-type": "NodePort" },
      listeners: [{ allowedRoutes: { namespaces: { from: "All" } }, name: "http", port: 80, protocol: "HTTP" }],
      status: gwStatus,
    }),
    workload({
      ns,
      name: proxyName,
      labels: { "gateway.istio.io/managed": "istio.io-gateway-controller", "gateway.networking.k8s.io/gateway-class-name": "istio", "gateway.networking.k8s.io/gateway-name": gw },
      selector,
      podLabels,
      containers: [proxyContainer],
      ready: !broken,
      ownerReferences: owner,
    }),
    proxyPod,
    service({ ns, name: proxyName, labels: svcLabels, selector, ownerReferences: owner, clusterIP: "10.96.133.58", ipFamilyPolicy: "PreferDualStack", ports: [{ appProtocol: "tcp", name: "status-port", port: 15021, targetPort: 15021, nodePort: 31944 }, { appProtocol: "http", name: "http", port: 80, targetPort: 80, nodePort: 30080 }] }),
    endpointSlice({ ns, service: proxyName, labels: svcLabels, addresses: [podIP], ports: [{ name: "http", port: 80 }, { name: "status-port", port: 15021 }], ready: !broken, pods: [proxyPod] }),
    route({ gwNs: ns, gwName: gw, controllerName: "istio.io/gateway-controller", accepted: { reason: "Accepted", message: "Route was valid" }, resolved: { message: "All references resolved" } }),
  ];
  const events = broken
    ? [
        event({ ns, name: proxyPod.metadata.name, objUid: proxyPod.metadata.uid, type: "Warning", reason: "Unhealthy", message: "Readiness probe failed: HTTP probe failed with statuscode: 503", count: 213, fieldPath: "spec.containers{istio-proxy}" }),
        event({ ns: "istio-system", name: istiodPod.metadata.name, objUid: istiodPod.metadata.uid, type: "Warning", reason: "BackOff", message: "Back-off restarting failed container discovery in pod istiod-7d4b9c6f85-zr8kp_istio-system(…)", count: 41, fieldPath: "spec.containers{discovery}" }),
      ]
    : [];
  const istioHeaders = { server: "istio-envoy", "x-envoy-upstream-service-time": "1" };
  writeScenario({
    dir: broken ? "gw-istio-proxy-not-ready" : "gw-istio-healthy",
    description: broken
      ? `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with Istio 1.27 (istioctl install --set profile=minimal) and Gateway API: Gateway istio-ingress/gateway of GatewayClass istio (controllerName istio.io/gateway-controller), annotated networking.istio.io/service-type: NodePort, nodePort pinned to 30080. istiod is OOMKilled and crash-looping, so the gateway Deployment gateway-istio (container istio-proxy) never receives its configuration: its readiness probe on :15021/healthz/ready answers 503 ("Envoy proxy is NOT ready: config not received from XDS server", istio/istio#22697, #43939), the pod is not Ready and the NodePort Service gateway-istio has no ready endpoints. Istio reports Programmed=False AddressNotAssigned "Failed to assign to any requested addresses: no instances found for hostname …" (pilot/pkg/config/kube/gatewaycommon/context.go, conversion.go). curl http://www.example.com:8080/ gets an empty reply. Names and labels from istio/istio manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml (Deployment/Service <gateway>-<class>, label gateway.networking.k8s.io/gateway-name, gateway.istio.io/managed).`
      : `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with Istio 1.27 and Gateway API: GatewayClass istio (controllerName istio.io/gateway-controller, "Handled by Istio controller"), Gateway istio-ingress/gateway (HTTP listener 80) annotated networking.istio.io/service-type: NodePort with nodePort 30080 pinned. istiod created Deployment and Service gateway-istio (<gateway>-<class>, istio/istio pilot/pkg/config/kube/gatewaycommon/gateway_utils.go GetDefaultName; labels gateway.networking.k8s.io/gateway-name, gateway.networking.k8s.io/gateway-class-name; pod label gateway.istio.io/managed=istio.io-gateway-controller, from manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml). The Service has no targetPort: the istio-proxy container binds port 80 itself (sysctl net.ipv4.ip_unprivileged_port_start=0). The Gateway is Programmed "Resource programmed, assigned to service(s) gateway-istio.istio-ingress.svc.cluster.local:80"; HTTPRoute default/backend sends www.example.com to the echo backend, which answers through Envoy with server: istio-envoy.`,
    objects,
    namespaces: ["istio-system", ns],
    events,
    traffic: broken ? { mode: "empty-reply" } : { mode: "http", respond: [ok200(istioHeaders)], default: { status: 404, headers: { "content-length": "0", server: "istio-envoy" }, body: "" } },
    expect: broken ? { status: "fail", hop: "gateway", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "gateway" }] } : healthyExpect,
  });
}

// ================================================================ Cilium

function cilium(broken) {
  const ns = "default";
  const gw = "my-gateway";
  const svcName = `cilium-gateway-${gw}`;
  const className = broken ? "cilium" : "cilium-nodeport";
  const owner = [{ apiVersion: "gateway.networking.k8s.io/v1", controller: true, kind: "Gateway", name: gw, uid: uid(`gw:${ns}/${gw}`) }];
  const agentImage = "quay.io/cilium/cilium:v1.18.2";
  const envoyImage = "quay.io/cilium/cilium-envoy:v1.34.7-1757592137-1a52bb680a956879722f48c591a2ca90f7791324";
  const agentLabels = { "app.kubernetes.io/name": "cilium-agent", "app.kubernetes.io/part-of": "cilium", "k8s-app": "cilium" };
  const envoyLabels = { "app.kubernetes.io/name": "cilium-envoy", "app.kubernetes.io/part-of": "cilium", "k8s-app": "cilium-envoy", name: "cilium-envoy" };
  const opLabels = { "app.kubernetes.io/name": "cilium-operator", "app.kubernetes.io/part-of": "cilium", "io.cilium/app": "operator", name: "cilium-operator" };
  const agentContainers = [{ name: "cilium-agent", image: agentImage, args: ["--config-dir=/tmp/cilium/config-map"], readinessProbe: { httpGet: { host: "127.0.0.1", path: "/healthz", port: 9879, scheme: "HTTP" }, periodSeconds: 30 } }];
  const envoyContainers = [{ name: "cilium-envoy", image: envoyImage, args: ["--", "--config-path /var/run/cilium/envoy/bootstrap-config.json", "--base-id 0"], ports: [{ containerPort: 9964, hostPort: 9964, name: "envoy-metrics" }], readinessProbe: { httpGet: { host: "127.0.0.1", path: "/healthz", port: 9878, scheme: "HTTP" }, periodSeconds: 30 } }];
  const opContainers = [{ name: "cilium-operator", image: "quay.io/cilium/operator-generic:v1.18.2", args: ["--config-dir=/tmp/cilium/config-map", "--debug=$(CILIUM_DEBUG)"] }];
  const kubeSystemAdds = [
    workload({ kind: "DaemonSet", ns: "kube-system", name: "cilium", labels: agentLabels, selector: { "k8s-app": "cilium" }, podLabels: agentLabels, containers: agentContainers, hostNetwork: true }),
    pod({ ns: "kube-system", name: "cilium-4kz8p", labels: { ...agentLabels, "controller-revision-hash": "7c6d9f8b54", "pod-template-generation": "1" }, owner: { kind: "DaemonSet", name: "cilium" }, containers: agentContainers }),
    workload({ kind: "DaemonSet", ns: "kube-system", name: "cilium-envoy", labels: envoyLabels, selector: { "k8s-app": "cilium-envoy" }, podLabels: envoyLabels, containers: envoyContainers, hostNetwork: true }),
    pod({ ns: "kube-system", name: "cilium-envoy-7xq2m", labels: { ...envoyLabels, "controller-revision-hash": "5f8d7b6c49", "pod-template-generation": "1" }, owner: { kind: "DaemonSet", name: "cilium-envoy" }, containers: envoyContainers }),
    workload({ ns: "kube-system", name: "cilium-operator", labels: opLabels, selector: { "io.cilium/app": "operator", name: "cilium-operator" }, podLabels: opLabels, containers: opContainers }),
    pod({ ns: "kube-system", name: "cilium-operator-6b9d8c7f5d-wq2lp", labels: { ...opLabels, "pod-template-hash": "6b9d8c7f5d" }, owner: { kind: "ReplicaSet", name: "cilium-operator-6b9d8c7f5d" }, containers: opContainers }),
  ];
  const gwStatus = broken
    ? {
        conditions: [cond("Accepted", "True", "Accepted", "Gateway successfully scheduled"), cond("Programmed", "False", "AddressNotAssigned", "Gateway waiting for address")],
        listeners: [ciliumListener(false)],
      }
    : {
        addresses: [{ type: "IPAddress", value: NODE_IP }],
        conditions: [cond("Accepted", "True", "Accepted", "Gateway successfully scheduled"), cond("Programmed", "True", "Programmed", "Gateway Programmed")],
        listeners: [ciliumListener(true)],
      };
  function ciliumListener(programmed) {
    return {
      attachedRoutes: 1,
      conditions: [
        cond("Accepted", "True", "Accepted", "Listener Accepted"),
        programmed ? cond("Programmed", "True", "Programmed", "Listener Programmed") : cond("Programmed", "False", "Pending", "Address not ready yet"),
        cond("ResolvedRefs", "True", "ResolvedRefs", "Resolved Refs"),
      ],
      name: "web-gw",
      supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }],
    };
  }
  const svc = service({
    ns,
    name: svcName,
    labels: { "io.cilium.gateway/owning-gateway": gw },
    ownerReferences: owner,
    type: broken ? "LoadBalancer" : "NodePort",
    clusterIP: "10.96.182.203",
    ports: [{ name: "port-80", port: 80, targetPort: 80, nodePort: broken ? 31647 : 30080 }],
  });
  if (broken) svc.spec.allocateLoadBalancerNodePorts = true;
  svc.spec.loadBalancerSourceRanges = ["0.0.0.0/0", "::/0"];
  const placeholder = endpointSlice({ ns, service: svcName, labels: { "io.cilium.gateway/owning-gateway": gw }, addresses: ["192.192.192.192"], ports: [{ name: "port-80", port: 9999 }] });
  placeholder.metadata.labels["endpointslice.kubernetes.io/managed-by"] = "endpointslicemirroring-controller.k8s.io";
  const objects = [
    ...(broken ? [] : [gatewayClass({ name: "cilium", controllerName: "io.cilium/gateway-controller", message: "Valid GatewayClass", description: "The default Cilium GatewayClass" })]),
    gatewayClass({
      name: className,
      controllerName: "io.cilium/gateway-controller",
      message: "Valid GatewayClass",
      description: broken ? "The default Cilium GatewayClass" : "A Cilium GatewayClass for local k8s testing with NodePort svc.",
      ...(broken ? {} : { parametersRef: { group: "cilium.io", kind: "CiliumGatewayClassConfig", name: "nodeport-gateway-config", namespace: "kube-system" } }),
    }),
    gateway({ ns, name: gw, className, listeners: [{ allowedRoutes: { namespaces: { from: "Same" } }, name: "web-gw", port: 80, protocol: "HTTP" }], status: gwStatus }),
    svc,
    placeholder,
    route({ gwNs: ns, gwName: gw, controllerName: "io.cilium/gateway-controller", accepted: { reason: "Accepted", message: "Accepted HTTPRoute" }, resolved: { message: "Service reference is valid" } }),
  ];
  const ciliumHeaders = { server: "envoy", "x-envoy-upstream-service-time": "1" };
  writeScenario({
    dir: broken ? "gw-cilium-no-address" : "gw-cilium-healthy",
    description: broken
      ? `kind cluster kind created with disableDefaultCNI and kubeProxyMode none (${BASE_KIND_NODE_MAPPING}), Cilium 1.18 installed with kubeProxyReplacement=true and gatewayAPI.enabled=true but without LB-IPAM or L2 announcements. Gateway default/my-gateway uses the default GatewayClass cilium, so the operator created Service cilium-gateway-my-gateway as type LoadBalancer (operator/pkg/model/translation/gateway-api/translator.go getService): nothing assigns it an address (EXTERNAL-IP <pending>) and its nodePort is the random 31647, not the 30080 kind maps. The Gateway stays Programmed=False AddressNotAssigned "Gateway waiting for address" with listener Programmed=False Pending "Address not ready yet" (operator/pkg/gateway-api/gateway_reconcile.go, gateway_status.go). curl http://www.example.com:8080/ gets an empty reply: nothing takes node port 30080.`
      : `kind cluster kind created with disableDefaultCNI and kubeProxyMode none (${BASE_KIND_NODE_MAPPING}), Cilium 1.18 (kubeProxyReplacement=true, gatewayAPI.enabled=true, envoy.enabled=true: Envoy runs in the DaemonSet kube-system/cilium-envoy, k8s-app=cilium-envoy). GatewayClass cilium-nodeport (controllerName io.cilium/gateway-controller) has parametersRef CiliumGatewayClassConfig kube-system/nodeport-gateway-config with service.type NodePort (cilium examples/kubernetes/gateway/gateway-with-parameters.yaml); Gateway default/my-gateway listens on HTTP 80. The operator created Service cilium-gateway-my-gateway (label io.cilium.gateway/owning-gateway=my-gateway, no selector, placeholder endpoint 192.192.192.192:9999; translator.go) whose nodePort the user pinned to 30080. There are no per-Gateway proxy pods: cilium's eBPF hands the connection to the node's Envoy. The Gateway is Programmed "Gateway Programmed" with the node address; curl http://www.example.com:8080/ answers 200 from the echo backend with server: envoy.`,
    objects,
    namespaces: [],
    dropKubeSystem: ["kindnet", "kube-proxy"],
    addKubeSystem: kubeSystemAdds,
    traffic: broken ? { mode: "empty-reply" } : { mode: "http", respond: [ok200(ciliumHeaders)], default: { status: 404, headers: { "content-length": "0", server: "envoy" }, body: "" } },
    expect: broken ? { status: "fail", hop: "service", fixes: ["service-to-nodeport"], paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "service" }] } : healthyExpect,
  });
}

// ================================================================ NGINX Gateway Fabric

function ngf(broken) {
  const ns = "default";
  const gw = "gateway";
  const proxyName = `${gw}-nginx`;
  const selector = { "app.kubernetes.io/instance": "ngf", "app.kubernetes.io/managed-by": "ngf-nginx", "app.kubernetes.io/name": proxyName, "gateway.networking.k8s.io/gateway-name": gw };
  const owner = [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: gw, uid: uid(`gw:${ns}/${gw}`) }];
  const rs = `${proxyName}-7c9d8b6f4`;
  const nginxContainers = [
    { name: "nginx", image: "ghcr.io/nginx/nginx-gateway-fabric/nginx:2.1.1", ports: [{ containerPort: 80, name: "port-80" }], readinessProbe: { httpGet: { path: "/readyz", port: 8081, scheme: "HTTP" }, initialDelaySeconds: 3, periodSeconds: 1 } },
  ];
  const podIP = "10.244.0.17";
  const proxyPod = pod({ ns, name: `${rs}-m2vts`, labels: { ...selector, "pod-template-hash": "7c9d8b6f4" }, owner: { kind: "ReplicaSet", name: rs }, containers: nginxContainers, podIP });
  const ctrlLabels = { "app.kubernetes.io/instance": "ngf", "app.kubernetes.io/name": "nginx-gateway-fabric" };
  const ctrlContainers = [{ name: "nginx-gateway", image: "ghcr.io/nginx/nginx-gateway-fabric:2.1.1", args: ["controller", "--gateway-ctlr-name=gateway.nginx.org/nginx-gateway-controller", "--gatewayclass=nginx", "--config=ngf-config", "--service=ngf-nginx-gateway-fabric", "--agent-tls-secret=agent-tls"] }];
  const listenerOk = (name) => ({
    attachedRoutes: 1,
    conditions: [
      cond("Accepted", "True", "Accepted", "The Listener is accepted"),
      cond("Programmed", "True", "Programmed", "The Listener is programmed"),
      cond("ResolvedRefs", "True", "ResolvedRefs", "All references are resolved"),
      cond("Conflicted", "False", "NoConflicts", "No conflicts"),
    ],
    name,
    supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }],
  });
  const conflictMsg = "Multiple listeners for the same port 80 specify incompatible protocols; ensure only one protocol per port";
  const listenerConflict = (name, kinds) => ({
    attachedRoutes: 0,
    conditions: [
      cond("Accepted", "False", "ProtocolConflict", conflictMsg),
      cond("Conflicted", "True", "ProtocolConflict", conflictMsg),
      cond("Programmed", "False", "ProtocolConflict", conflictMsg),
      cond("ResolvedRefs", "True", "ResolvedRefs", "All references are resolved"),
    ],
    name,
    supportedKinds: kinds,
  });
  const httpKinds = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }];
  const listeners = broken
    ? [
        { allowedRoutes: { namespaces: { from: "Same" } }, name: "http", port: 80, protocol: "HTTP" },
        { allowedRoutes: { namespaces: { from: "Same" } }, name: "https", port: 80, protocol: "HTTPS", tls: { certificateRefs: [{ group: "", kind: "Secret", name: "example-com-tls" }], mode: "Terminate" } },
      ]
    : [{ allowedRoutes: { namespaces: { from: "Same" } }, name: "http", port: 80, protocol: "HTTP" }];
  const gwStatus = broken
    ? {
        conditions: [cond("Accepted", "False", "ListenersNotValid", "The Gateway has no valid listeners"), cond("Programmed", "False", "Invalid", "The Gateway has no valid listeners")],
        listeners: [listenerConflict("http", httpKinds), listenerConflict("https", httpKinds)],
      }
    : {
        addresses: [{ type: "IPAddress", value: "10.96.140.21" }],
        conditions: [cond("Accepted", "True", "Accepted", "The Gateway is accepted"), cond("Programmed", "True", "Programmed", "The Gateway is programmed")],
        listeners: [listenerOk("http")],
      };
  const objects = [
    workload({ ns: "nginx-gateway", name: "ngf-nginx-gateway-fabric", labels: ctrlLabels, selector: ctrlLabels, podLabels: ctrlLabels, containers: ctrlContainers }),
    pod({ ns: "nginx-gateway", name: "ngf-nginx-gateway-fabric-5b8c9d7f6c-x7k2p", labels: { ...ctrlLabels, "pod-template-hash": "5b8c9d7f6c" }, owner: { kind: "ReplicaSet", name: "ngf-nginx-gateway-fabric-5b8c9d7f6c" }, containers: ctrlContainers, podIP: "10.244.0.8" }),
    {
      ...gatewayClass({ name: "nginx", controllerName: "gateway.nginx.org/nginx-gateway-controller", message: "The GatewayClass is accepted", parametersRef: { group: "gateway.nginx.org", kind: "NginxProxy", name: "ngf-proxy-config", namespace: "nginx-gateway" } }),
    },
    gateway({ ns, name: gw, className: "nginx", listeners, status: gwStatus }),
    workload({ ns, name: proxyName, labels: selector, selector, podLabels: selector, containers: nginxContainers, ownerReferences: owner }),
    proxyPod,
    service({ ns, name: proxyName, labels: selector, selector, ownerReferences: owner, clusterIP: "10.96.140.21", ports: [{ name: "port-80", port: 80, targetPort: 80, nodePort: 30080 }] }),
    endpointSlice({ ns, service: proxyName, labels: selector, addresses: [podIP], ports: [{ name: "port-80", port: 80 }], pods: [proxyPod] }),
    route(
      broken
        ? { gwNs: ns, gwName: gw, controllerName: "gateway.nginx.org/nginx-gateway-controller", accepted: { status: "False", reason: "InvalidListener", message: "The Listener is invalid for this parent ref" }, resolved: { message: "All references are resolved" } }
        : { gwNs: ns, gwName: gw, controllerName: "gateway.nginx.org/nginx-gateway-controller", accepted: { reason: "Accepted", message: "The Route is accepted" }, resolved: { message: "All references are resolved" } },
    ),
  ];
  // The GatewayClass also reports SupportedVersion (conditions.go "The Gateway API CRD versions are supported").
  objects[2].status.conditions.push(cond("SupportedVersion", "True", "SupportedVersion", "The Gateway API CRD versions are supported", { at: T_CTRL }));
  const nginx404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  writeScenario({
    dir: broken ? "gw-nginx-gateway-fabric-listener-conflict" : "gw-nginx-gateway-fabric-healthy",
    description: broken
      ? `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with NGINX Gateway Fabric 2.1 (helm release ngf in nginx-gateway, GatewayClass nginx, controllerName gateway.nginx.org/nginx-gateway-controller, NginxProxy ngf-proxy-config with service type NodePort and nodePorts [{port: 30080, listenerPort: 80}]). Adding TLS, the user gave Gateway default/gateway a second listener https with protocol HTTPS on port 80 instead of 443. NGF's port conflict resolver invalidates both listeners: Accepted=False / Conflicted=True / Programmed=False ProtocolConflict "Multiple listeners for the same port 80 specify incompatible protocols; ensure only one protocol per port" (internal/controller/state/graph/gateway_listener.go, conditions.go), the Gateway is Accepted=False ListenersNotValid "The Gateway has no valid listeners", and HTTPRoute default/backend is Accepted=False InvalidListener. nginx in gateway-nginx has no server on port 80: curl http://www.example.com:8080/ is reset.`
      : `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with NGINX Gateway Fabric 2.1 (helm release ngf in nginx-gateway; GatewayClass nginx, controllerName gateway.nginx.org/nginx-gateway-controller, parametersRef NginxProxy ngf-proxy-config with kubernetes.service.type NodePort and nodePorts [{port: 30080, listenerPort: 80}]). For Gateway default/gateway the provisioner created Deployment and Service gateway-nginx (CreateNginxResourceName <gateway>-<class>; labels app.kubernetes.io/name=gateway-nginx, app.kubernetes.io/instance=ngf, app.kubernetes.io/managed-by=ngf-nginx, gateway.networking.k8s.io/gateway-name=gateway; Service port 80 → targetPort 80, internal/controller/provisioner/objects.go). Gateway and listener conditions use NGF's messages ("The Gateway is programmed", "The Listener is accepted"). curl http://www.example.com:8080/ answers 200 from the echo backend; other hosts get nginx's 404 page (default server return 404, servers_template.go).`,
    objects,
    namespaces: ["nginx-gateway"],
    traffic: broken ? { mode: "reset" } : { mode: "http", respond: [ok200({ server: "nginx" })], default: { status: 404, headers: { "content-type": "text/html", server: "nginx" }, body: nginx404 } },
    expect: broken ? { status: "fail", hop: "gateway", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "gateway" }] } : healthyExpect,
  });
}

// ================================================================ Contour (Gateway Provisioner)

function contour(broken) {
  const ns = "projectcontour";
  const gw = "contour";
  const envoyName = `envoy-${gw}`;
  const ownerLabels = { "gateway.networking.k8s.io/gateway-name": gw, "projectcontour.io/owning-gateway-name": gw };
  const workloadLabels = { ...ownerLabels, "app.kubernetes.io/component": "ingress-controller", "app.kubernetes.io/instance": gw, "app.kubernetes.io/managed-by": "contour-gateway-provisioner", "app.kubernetes.io/name": "contour" };
  const owner = [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name: gw, uid: uid(`gw:${ns}/${gw}`) }];
  const contourImage = "ghcr.io/projectcontour/contour:v1.33.0";
  const envoyImage = "docker.io/envoyproxy/envoy:distroless-v1.35.2";
  const envoyContainers = [
    { name: "shutdown-manager", image: contourImage, args: ["envoy", "shutdown-manager"] },
    {
      name: "envoy",
      image: envoyImage,
      args: ["-c", "/config/envoy.json", "--service-cluster $(CONTOUR_NAMESPACE)", "--service-node $(ENVOY_POD_NAME)", "--log-level info"],
      ports: [{ containerPort: 8080, name: "http-80" }, { containerPort: 8002, name: "metrics" }],
      readinessProbe: { httpGet: { path: "/ready", port: 8002, scheme: "HTTP" }, initialDelaySeconds: 3, periodSeconds: 4 },
    },
  ];
  const podIP = "10.244.0.19";
  const envoyPod = pod({ ns, name: `${envoyName}-6wqlt`, labels: { app: envoyName, ...workloadLabels, "controller-revision-hash": "7d9c5b8f46", "pod-template-generation": "1" }, owner: { kind: "DaemonSet", name: envoyName }, containers: envoyContainers, podIP });
  const contourContainers = [{ name: "contour", image: contourImage, args: ["serve", "--incluster", "--xds-address=0.0.0.0", "--xds-port=8001", "--contour-cafile=/certs/ca.crt", "--contour-cert-file=/certs/tls.crt", "--contour-key-file=/certs/tls.key", `--contour-config-name=contourconfig-${gw}`, `--leader-election-resource-name=leader-elect-${gw}`, `--envoy-service-name=${envoyName}`, "--kubernetes-debug=0"] }];
  const provLabels = { "control-plane": "contour-gateway-provisioner" };
  const provContainers = [{ name: "contour-gateway-provisioner", image: contourImage, args: ["gateway-provisioner", "--metrics-addr=127.0.0.1:8080", "--enable-leader-election"] }];
  const contourParams = { group: "projectcontour.io", kind: "ContourDeployment", name: "contour-params", namespace: ns };
  const cls = gatewayClass({ name: "contour", controllerName: "projectcontour.io/gateway-controller", message: "GatewayClass has been accepted by the controller", parametersRef: contourParams });
  if (broken) {
    cls.status.conditions = [
      cond("Accepted", "False", "InvalidParameters", 'invalid ContourDeployment spec.envoy.networkPublishing.type "NodePort", must be LoadBalancerService, NoderPortService or ClusterIPService', { at: T_CTRL }),
    ];
  }
  cls.status.conditions.push(cond("SupportedVersion", "True", "SupportedVersion", "Gateway API CRD bundle version v1.3.0 is supported.", { at: T_CTRL }));
  const pending = { lastTransitionTime: "1970-01-01T00:00:00Z", message: "Waiting for controller", reason: "Pending", status: "Unknown" };
  const gwStatus = broken
    ? { conditions: [{ ...pending, type: "Accepted" }, { ...pending, type: "Programmed" }] }
    : {
        conditions: [cond("Accepted", "True", "Accepted", "Gateway is accepted"), cond("Programmed", "True", "Programmed", "Valid Gateway")],
        listeners: [
          {
            attachedRoutes: 1,
            conditions: [cond("Programmed", "True", "Programmed", "Valid listener"), cond("Accepted", "True", "Accepted", "Listener accepted"), cond("ResolvedRefs", "True", "ResolvedRefs", "Listener references resolved")],
            name: "http",
            supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }],
          },
        ],
      };
  const objects = [
    workload({ ns, name: "contour-gateway-provisioner", labels: provLabels, selector: provLabels, podLabels: provLabels, containers: provContainers }),
    pod({ ns, name: "contour-gateway-provisioner-7b6d9f5c8d-qv7rn", labels: { ...provLabels, "pod-template-hash": "7b6d9f5c8d" }, owner: { kind: "ReplicaSet", name: "contour-gateway-provisioner-7b6d9f5c8d" }, containers: provContainers, podIP: "10.244.0.11" }),
    cls,
    gateway({ ns, name: gw, className: "contour", listeners: [{ allowedRoutes: { namespaces: { from: "All" } }, name: "http", port: 80, protocol: "HTTP" }], status: gwStatus }),
  ];
  if (!broken) {
    objects.push(
      workload({ ns, name: `contour-${gw}`, labels: workloadLabels, selector: { app: `contour-${gw}` }, podLabels: { app: `contour-${gw}`, ...workloadLabels }, containers: contourContainers, ownerReferences: owner }),
      pod({ ns, name: `contour-${gw}-5f7c9d8b64-hx2nw`, labels: { app: `contour-${gw}`, ...workloadLabels, "pod-template-hash": "5f7c9d8b64" }, owner: { kind: "ReplicaSet", name: `contour-${gw}-5f7c9d8b64` }, containers: contourContainers, podIP: "10.244.0.18" }),
      workload({ kind: "DaemonSet", ns, name: envoyName, labels: workloadLabels, selector: { app: envoyName }, podLabels: { app: envoyName, ...workloadLabels }, containers: envoyContainers, ownerReferences: owner }),
      envoyPod,
      service({ ns, name: envoyName, labels: ownerLabels, selector: { app: envoyName }, ownerReferences: owner, clusterIP: "10.96.91.160", ports: [{ name: "http-80", port: 80, targetPort: 8080, nodePort: 30080 }] }),
      endpointSlice({ ns, service: envoyName, labels: ownerLabels, addresses: [podIP], ports: [{ name: "http-80", port: 8080 }], pods: [envoyPod] }),
    );
  }
  objects.push(
    route(
      broken
        ? { gwNs: ns, gwName: gw, controllerName: "projectcontour.io/gateway-controller", accepted: { reason: "Accepted", message: "Accepted HTTPRoute" }, resolved: { message: "References resolved" } }
        : { gwNs: ns, gwName: gw, controllerName: "projectcontour.io/gateway-controller", accepted: { reason: "Accepted", message: "Accepted HTTPRoute" }, resolved: { message: "References resolved" } },
    ),
  );
  if (broken) delete objects[objects.length - 1].status; // no controller has processed the route
  writeScenario({
    dir: broken ? "gw-contour-class-invalid-parameters" : "gw-contour-healthy",
    description: broken
      ? `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with the Contour Gateway Provisioner v1.33 (Deployment projectcontour/contour-gateway-provisioner). GatewayClass contour (controllerName projectcontour.io/gateway-controller) points at ContourDeployment projectcontour/contour-params whose spec.envoy.networkPublishing.type is "NodePort" — the valid value is NodePortService — so the provisioner sets the class Accepted=False InvalidParameters 'invalid ContourDeployment spec.envoy.networkPublishing.type "NodePort", must be LoadBalancerService, NoderPortService or ClusterIPService' (internal/provisioner/controller/gatewayclass.go, typo included) and reconciles none of its Gateways: Gateway projectcontour/contour keeps the API server's default "Waiting for controller", no envoy-contour Service or DaemonSet exists, and nothing takes node port 30080. curl http://www.example.com:8080/ gets an empty reply.`
      : `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with the Contour Gateway Provisioner v1.33: GatewayClass contour (controllerName projectcontour.io/gateway-controller, "GatewayClass has been accepted by the controller") with ContourDeployment projectcontour/contour-params publishing Envoy as NodePortService (nodePort 30080). For Gateway projectcontour/contour the provisioner created Deployment contour-contour and DaemonSet/Service envoy-contour (internal/provisioner/model/names.go; labels projectcontour.io/owning-gateway-name and gateway.networking.k8s.io/gateway-name, pods selected by app=envoy-contour, dataplane.go EnvoyPodSelector). Envoy listens at container port 8080 for listener port 80 (toContainerPort +8000, internal/gatewayapi/listeners.go), so the Service maps 80 → 8080. Gateway "Valid Gateway", listener "Valid listener", HTTPRoute "Accepted HTTPRoute"; curl http://www.example.com:8080/ answers 200 from the echo backend with server: envoy.`,
    objects,
    namespaces: [ns],
    traffic: broken ? { mode: "empty-reply" } : { mode: "http", respond: [ok200({ server: "envoy", "x-envoy-upstream-service-time": "1" })], default: { status: 404, headers: { "content-length": "0", server: "envoy" }, body: "" } },
    expect: broken ? { status: "fail", hop: "service", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "service" }] } : healthyExpect,
  });
}

// ================================================================ Traefik as a Gateway API provider

function traefikGateway(broken) {
  const ns = "traefik";
  const gw = "traefik-gateway";
  const selector = { "app.kubernetes.io/instance": "traefik-traefik", "app.kubernetes.io/name": "traefik" };
  const labels = { ...selector, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "traefik-37.1.1" };
  const image = "docker.io/traefik:v3.5.2";
  const containers = [
    {
      name: "traefik",
      image,
      args: [
        "--entryPoints.metrics.address=:9100/tcp",
        "--entryPoints.traefik.address=:8080/tcp",
        "--entryPoints.web.address=:8000/tcp",
        "--entryPoints.websecure.address=:8443/tcp",
        "--api.dashboard=true",
        "--ping=true",
        "--providers.kubernetescrd",
        "--providers.kubernetesingress",
        "--providers.kubernetesgateway",
        "--providers.kubernetesgateway.statusaddress.service.name=traefik",
        "--providers.kubernetesgateway.statusaddress.service.namespace=traefik",
        "--entryPoints.websecure.http.tls=true",
      ],
      ports: [
        { containerPort: 9100, name: "metrics" },
        { containerPort: 8080, name: "traefik" },
        { containerPort: 8000, name: "web" },
        { containerPort: 8443, name: "websecure" },
      ],
      readinessProbe: { failureThreshold: 1, httpGet: { path: "/ping", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 2, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 2 },
    },
  ];
  const podIP = "10.244.0.21";
  const tPod = pod({ ns, name: "traefik-6f8d9b7c5-x2lqm", labels: { ...labels, "pod-template-hash": "6f8d9b7c5" }, owner: { kind: "ReplicaSet", name: "traefik-6f8d9b7c5" }, containers, podIP });
  const listenerPort = broken ? 80 : 8000;
  const okCond = (type) => cond(type, "True", type, "No error found");
  const gwStatus = broken
    ? {
        conditions: [cond("Accepted", "False", "ListenersNotValid", "All Listeners must be valid")],
        listeners: [
          {
            attachedRoutes: 0,
            conditions: [cond("Accepted", "False", "PortUnavailable", 'Cannot find entryPoint for Gateway: no matching entryPoint for port 80 and protocol "HTTP"')],
            name: "web",
            supportedKinds: [],
          },
        ],
      }
    : {
        addresses: [{ type: "IPAddress", value: "10.96.215.9" }],
        conditions: [cond("Accepted", "True", "Accepted", "Gateway successfully scheduled"), cond("Programmed", "True", "Programmed", "Gateway successfully scheduled")],
        listeners: [{ attachedRoutes: 1, conditions: [okCond("Accepted"), okCond("ResolvedRefs"), okCond("Programmed")], name: "web", supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }] }],
      };
  const objects = [
    workload({ ns, name: "traefik", labels, selector, podLabels: labels, containers }),
    tPod,
    service({ ns, name: "traefik", labels, selector, clusterIP: "10.96.215.9", ports: [{ name: "web", port: 80, targetPort: "web", nodePort: 30080 }, { name: "websecure", port: 443, targetPort: "websecure", nodePort: 30443 }] }),
    endpointSlice({ ns, service: "traefik", labels, addresses: [podIP], ports: [{ name: "web", port: 8000 }, { name: "websecure", port: 8443 }], pods: [tPod] }),
    gatewayClass({ name: "traefik", controllerName: "traefik.io/gateway-controller", message: "Handled by Traefik controller" }),
    gateway({ ns, name: gw, className: "traefik", listeners: [{ allowedRoutes: { namespaces: { from: "All" } }, name: "web", port: listenerPort, protocol: "HTTP" }], status: gwStatus }),
    route({
      gwNs: ns,
      gwName: gw,
      controllerName: "traefik.io/gateway-controller",
      accepted: broken ? { status: "False", reason: "NoMatchingParent", message: "" } : { reason: "Accepted", message: "" },
      resolved: { message: "" },
    }),
  ];
  writeScenario({
    dir: broken ? "gw-traefik-listener-port-unavailable" : "gw-traefik-healthy",
    description: broken
      ? `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with traefik v3.5 from the traefik Helm chart (providers.kubernetesGateway.enabled, Service traefik NodePort: web 80 → targetPort web with nodePort 30080). Following a generic Gateway API guide, the user wrote Gateway traefik/traefik-gateway with listener web on port 80. traefik binds listeners to its entryPoints by port, and its web entryPoint is :8000 inside the pod, so the listener is Accepted=False PortUnavailable 'Cannot find entryPoint for Gateway: no matching entryPoint for port 80 and protocol "HTTP"' and the Gateway Accepted=False ListenersNotValid "All Listeners must be valid" (traefik pkg/provider/kubernetes/gateway/kubernetes.go); HTTPRoute default/backend is NoMatchingParent. traefik answers curl http://www.example.com:8080/ with its own 404 page not found.`
      : `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with traefik v3.5 from the traefik Helm chart: providers.kubernetesGateway enabled, GatewayClass traefik (controllerName traefik.io/gateway-controller, "Handled by Traefik controller"), Gateway traefik/traefik-gateway with listener web on port 8000 — the port of traefik's web entryPoint inside the pod (--entryPoints.web.address=:8000/tcp), as the chart's own Gateway does. traefik serves its Gateways through its own Service traefik (NodePort, web 80 → targetPort web, nodePort 30080); there is no per-Gateway proxy. HTTPRoute default/backend attaches to the listener; curl http://www.example.com:8080/ answers 200 from the echo backend.`,
    objects,
    namespaces: [ns],
    traffic: broken
      ? { mode: "http", respond: [], default: { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "404 page not found\n" } }
      : { mode: "http", respond: [ok200({})], default: { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "404 page not found\n" } },
    expect: broken ? { status: "fail", hop: "gateway", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "gateway", probe: { signature: "traefik-404", hop: "route" } }] } : healthyExpect,
  });
}

// ================================================================ Envoy Gateway: proxy pods not Ready

function envoyGatewayProxyNotReady() {
  const objects = structuredClone(baseEg.filter((d) => !backendObjects.includes(d)));
  const gwObj = objects.find((d) => d.kind === "Gateway");
  const programmed = gwObj.status.conditions.find((c) => c.type === "Programmed");
  Object.assign(programmed, { message: "Envoy replicas unavailable", reason: "NoResources", status: "False" });
  const proxyPod = objects.find((d) => d.kind === "Pod" && d.metadata.name.startsWith("envoy-default-eg-"));
  const image = "docker.io/envoyproxy/envoy:distroless-v1.35.0";
  for (const c of ["Ready", "ContainersReady"]) {
    const pc = proxyPod.status.conditions.find((x) => x.type === c);
    Object.assign(pc, { status: "False", reason: "ContainersNotReady", message: "containers with unready status: [envoy]" });
  }
  const envoyStatus = proxyPod.status.containerStatuses.find((x) => x.name === "envoy");
  Object.assign(envoyStatus, { ready: false, started: false, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } } });
  delete envoyStatus.containerID;
  delete envoyStatus.imageID;
  const dep = objects.find((d) => d.kind === "Deployment" && d.metadata.name.startsWith("envoy-default-eg-"));
  dep.status = {
    observedGeneration: 1,
    replicas: 1,
    unavailableReplicas: 1,
    updatedReplicas: 1,
    conditions: [{ lastTransitionTime: T_GW, lastUpdateTime: T_GW, message: "Deployment does not have minimum availability.", reason: "MinimumReplicasUnavailable", status: "False", type: "Available" }],
  };
  const eps = objects.find((d) => d.kind === "EndpointSlice" && d.metadata.name.startsWith("envoy-default-eg-"));
  for (const e of eps.endpoints) e.conditions = { ready: false, serving: false, terminating: false };
  const events = [
    event({ ns: proxyPod.metadata.namespace, name: proxyPod.metadata.name, objUid: proxyPod.metadata.uid, type: "Warning", reason: "Failed", fieldPath: "spec.containers{envoy}", count: 4, message: `Failed to pull image "${image}": failed to pull and unpack image "${image}": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/envoyproxy/envoy/manifests/sha256:7d2a5f8c1e4b7a0d3f6c9e2b5a8d1f4c7e0a3d6b9f2c5e8a1d4b7f0c3e6a9d2b: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit` }),
    event({ ns: proxyPod.metadata.namespace, name: proxyPod.metadata.name, objUid: proxyPod.metadata.uid, type: "Normal", reason: "BackOff", fieldPath: "spec.containers{envoy}", count: 37, message: `Back-off pulling image "${image}"` }),
  ];
  writeScenario({
    dir: "gw-envoy-gateway-proxy-not-ready",
    description: `The kind-envoy-gateway-healthy cluster (${BASE_KIND_NODE_MAPPING}, Envoy Gateway v1.5.1, Gateway default/eg, NodePort proxy Service envoy-gateway-system/envoy-default-eg-e41e7b31 → targetPort 10080) on the day Docker Hub rate-limits the node: the Envoy container of envoy-default-eg-e41e7b31 is in ImagePullBackOff ("429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit"), the Deployment has no available replica, the Service's endpoint is not ready, and Envoy Gateway reports the Gateway Programmed=False NoResources "Envoy replicas unavailable" (internal/gatewayapi/status/gateway.go, real-world-facts §5.4). curl http://www.example.com:8080/ gets an empty reply.`,
    objects,
    namespaces: ["envoy-gateway-system"],
    events,
    traffic: { mode: "empty-reply" },
    expect: { status: "fail", hop: "gateway", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "gateway" }] },
  });
}

// ================================================================ traefik as the Ingress controller

function traefikIngress(broken) {
  const ns = "traefik";
  const selector = { "app.kubernetes.io/instance": "traefik-traefik", "app.kubernetes.io/name": "traefik" };
  const labels = { ...selector, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "traefik-37.1.1" };
  const containers = [
    {
      name: "traefik",
      image: "docker.io/traefik:v3.5.2",
      args: ["--entryPoints.metrics.address=:9100/tcp", "--entryPoints.traefik.address=:8080/tcp", "--entryPoints.web.address=:8000/tcp", "--entryPoints.websecure.address=:8443/tcp", "--api.dashboard=true", "--ping=true", "--providers.kubernetescrd", "--providers.kubernetesingress", "--providers.kubernetesingress.ingressendpoint.publishedservice=traefik/traefik", "--entryPoints.websecure.http.tls=true"],
      ports: [{ containerPort: 9100, name: "metrics" }, { containerPort: 8080, name: "traefik" }, { containerPort: 8000, name: "web" }, { containerPort: 8443, name: "websecure" }],
      readinessProbe: { failureThreshold: 1, httpGet: { path: "/ping", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 2, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 2 },
    },
  ];
  const podIP = "10.244.0.21";
  const tPod = pod({ ns, name: "traefik-6f8d9b7c5-x2lqm", labels: { ...labels, "pod-template-hash": "6f8d9b7c5" }, owner: { kind: "ReplicaSet", name: "traefik-6f8d9b7c5" }, containers, podIP });
  const ingress = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { creationTimestamp: T_ROUTE, generation: 1, name: "backend", namespace: "default", resourceVersion: "1420", uid: uid("ing:default/backend") },
    spec: {
      ingressClassName: broken ? "nginx" : "traefik",
      rules: [{ host: "www.example.com", http: { paths: [{ backend: { service: { name: "backend", port: { number: 3000 } } }, path: "/", pathType: "Prefix" }] } }],
    },
    status: { loadBalancer: broken ? {} : { ingress: [{ ip: "10.96.215.9" }] } },
  };
  const objects = [
    workload({ ns, name: "traefik", labels, selector, podLabels: labels, containers }),
    tPod,
    service({ ns, name: "traefik", labels, selector, clusterIP: "10.96.215.9", ports: [{ name: "web", port: 80, targetPort: "web", nodePort: 30080 }, { name: "websecure", port: 443, targetPort: "websecure", nodePort: 30443 }] }),
    endpointSlice({ ns, service: "traefik", labels, addresses: [podIP], ports: [{ name: "web", port: 8000 }, { name: "websecure", port: 8443 }], pods: [tPod] }),
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { annotations: { "ingressclass.kubernetes.io/is-default-class": "true", "meta.helm.sh/release-name": "traefik", "meta.helm.sh/release-namespace": ns }, creationTimestamp: T_CTRL, generation: 1, labels, name: "traefik", resourceVersion: "1190", uid: uid("ic:traefik") },
      spec: { controller: "traefik.io/ingress-controller" },
    },
    ingress,
  ];
  const notFound = { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "404 page not found\n" };
  writeScenario({
    dir: broken ? "kind-traefik-ingress-class-missing" : "kind-traefik-ingress-healthy",
    description: broken
      ? `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with traefik v3.5 from the traefik Helm chart as the only ingress controller (IngressClass traefik, controller traefik.io/ingress-controller, the default class; Service traefik NodePort web 80 → targetPort web :8000, nodePort 30080). Ingress default/backend was copied from an ingress-nginx guide and names ingressClassName: nginx — an IngressClass that does not exist — so traefik's Kubernetes Ingress provider skips it (doc.traefik.io/traefik/providers/kubernetes-ingress/, Kubernetes Ingress docs "Ingress class") and answers curl http://www.example.com:8080/ with its own 404 page not found.`
      : `kind cluster kind (${BASE_KIND_NODE_MAPPING}) with traefik v3.5 from the traefik Helm chart as the ingress controller: IngressClass traefik (controller traefik.io/ingress-controller, annotated as the default class), Deployment and NodePort Service traefik/traefik (web 80 → targetPort web, the :8000 entryPoint; nodePort 30080; labels app.kubernetes.io/name=traefik, app.kubernetes.io/instance=traefik-traefik). Ingress default/backend (ingressClassName traefik, host www.example.com, Prefix /) sends to the echo backend default/backend:3000; curl http://www.example.com:8080/ answers 200.`,
    objects,
    namespaces: [ns],
    traffic: broken ? { mode: "http", respond: [], default: notFound } : { mode: "http", respond: [ok200({})], default: notFound },
    expect: broken
      ? { status: "fail", hop: "route", paths: [{ url: "http://www.example.com:8080/", status: "fail", hop: "route", probe: { signature: "traefik-404", hop: "route" } }] }
      : { status: "pass", paths: [{ url: "http://www.example.com:8080/", status: "pass", hop: null, route: { kind: "Ingress", namespace: "default", name: "backend", rule: 0 }, backend: { namespace: "default", name: "backend", port: 3000 } }] },
  });
}

istio(false);
istio(true);
cilium(false);
cilium(true);
ngf(false);
ngf(true);
contour(false);
contour(true);
traefikGateway(false);
traefikGateway(true);
envoyGatewayProxyNotReady();
traefikIngress(false);
traefikIngress(true);
