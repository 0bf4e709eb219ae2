/**
 * kubectl port-forward to a pod or workload, followed into the cluster:
 * the pod kubectl attaches to (its ActivePods order), the port inside it
 * (named ports), where the pod says its application listens, and check
 * forwarder.pod-serves-port (ND306) over recorded objects.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, CheckOutcome, Deployment, HostListener, PathFacts, Pod, Service, Target } from "../../src/index.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import { attachOrder, attachablePod, describeHints, lessActive, likelyPort, listenHints, resolvePodPort } from "../../src/kube/port-forward-pod.js";
import podServesPort from "../../checks/forwarder/pod-serves-port.js";
import attachedPodExists from "../../checks/forwarder/attached-pod-exists.js";

// ------------------------------------------------------------------ fixtures (kubernetes-sigs/kind#869's camunda pod; nginx as `kubectl create deployment web --image nginx --port 80` makes it)

interface PodOpts {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  created?: string;
  readySince?: string | null;
  phase?: "Pending" | "Running" | "Unknown";
  node?: string | null;
  restarts?: number;
  deleting?: string;
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  container?: Record<string, unknown>;
  owner?: { kind: string; name: string };
}

function pod(o: PodOpts): Pod {
  const ready = o.readySince !== null && o.readySince !== undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: o.name,
      namespace: o.namespace ?? "default",
      labels: o.labels ?? { app: "web", "pod-template-hash": "6c9b8d7f54" },
      creationTimestamp: o.created ?? "2026-03-03T14:05:22Z",
      ...(o.deleting ? { deletionTimestamp: o.deleting } : {}),
      ownerReferences: [{ apiVersion: "apps/v1", kind: o.owner?.kind ?? "ReplicaSet", name: o.owner?.name ?? "web-6c9b8d7f54", controller: true }],
    },
    spec: {
      ...(o.node === null ? {} : { nodeName: o.node ?? "kind-control-plane" }),
      containers: [{ name: "nginx", image: "nginx:1.27.5", ports: o.ports ?? [{ containerPort: 80, name: "http", protocol: "TCP" }], ...o.container }],
    },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False", ...(ready ? { lastTransitionTime: o.readySince! } : {}) }],
      containerStatuses: [{ name: "nginx", ready, restartCount: o.restarts ?? 0, state: { running: {} } }],
    },
  };
}

const webDeployment: Deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27.5" }] } } },
};

const webService: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { type: "ClusterIP", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
};

const camunda = pod({
  name: "camunda-79bddd6df4-ft5jx",
  namespace: "dev-201902",
  labels: { app: "camunda", "pod-template-hash": "79bddd6df4" },
  readySince: "2026-03-03T14:06:30Z",
  ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
  owner: { kind: "ReplicaSet", name: "camunda-79bddd6df4" },
});

// ------------------------------------------------------------------ kubectl's pick

describe("the pod kubectl port-forward attaches to", () => {
  const older = pod({ name: "web-a", readySince: "2026-03-03T14:05:30Z", created: "2026-03-03T14:05:22Z" });
  const newer = pod({ name: "web-b", readySince: "2026-03-03T14:41:15Z", created: "2026-03-03T14:41:07Z" });

  it.each([
    { name: "a scheduled pod before an unassigned one", first: pod({ name: "on-node", readySince: null, phase: "Pending" }), second: pod({ name: "unassigned", node: null, phase: "Pending", readySince: null }) },
    { name: "a Running pod before a Pending one", first: pod({ name: "running", readySince: null }), second: pod({ name: "pending", phase: "Pending", readySince: null }) },
    { name: "a ready pod before a not-ready one", first: pod({ name: "ready", readySince: "2026-03-03T14:05:30Z" }), second: pod({ name: "not-ready", readySince: null }) },
    { name: "a pod not being deleted before a terminating one", first: older, second: pod({ name: "terminating", readySince: "2026-03-03T14:00:00Z", deleting: "2026-03-03T14:50:00Z" }) },
    { name: "the pod ready for longer before the one ready since later", first: older, second: newer },
    { name: "fewer restarts before more, when ready as long", first: pod({ name: "calm", readySince: "2026-03-03T14:05:30Z" }), second: pod({ name: "restarted", readySince: "2026-03-03T14:05:30Z", restarts: 3 }) },
    { name: "the older pod before the newer, all else equal", first: pod({ name: "old", readySince: null, created: "2026-03-03T14:00:00Z" }), second: pod({ name: "new", readySince: null, created: "2026-03-03T14:10:00Z" }) },
  ])("puts $name", ({ first, second }) => {
    expect(lessActive(second, first)).toBe(true);
    expect(lessActive(first, second)).toBe(false);
    expect(attachOrder([second, first]).map((p) => p.metadata.name)).toEqual([first.metadata.name, second.metadata.name]);
  });

  it("takes the first pod of a Deployment's selector in that order", () => {
    const picked = attachablePod({ type: "deployment", name: "web" }, "default", { pods: [newer, older], deployments: [webDeployment] });
    expect(picked).toMatchObject({ via: "Deployment default/web", candidates: 2 });
    expect("pod" in picked && picked.pod.metadata.name).toBe("web-a");
  });

  it("takes a pod target as named, and says when it does not exist", () => {
    expect(attachablePod({ type: "pod", name: "web-b" }, "default", { pods: [older, newer] })).toMatchObject({ via: "pod", candidates: 1, pod: { metadata: { name: "web-b" } } });
    expect(attachablePod({ type: "pod", name: "web-gone" }, "default", { pods: [older] })).toEqual({ problem: "pod default/web-gone does not exist" });
  });

  it("takes a DaemonSet's pods by their owner, as kubectl port-forward ds/NAME does by its selector", () => {
    const exporter = pod({ name: "node-exporter-7xq2k", labels: { app: "node-exporter" }, readySince: "2026-03-03T14:05:30Z", owner: { kind: "DaemonSet", name: "node-exporter" }, ports: [{ containerPort: 9100, name: "metrics" }] });
    expect(attachablePod({ type: "daemonset", name: "node-exporter" }, "default", { pods: [older, exporter] })).toMatchObject({ via: "DaemonSet default/node-exporter", candidates: 1, pod: { metadata: { name: "node-exporter-7xq2k" } } });
  });

  it("says when a workload selects no pod in its namespace", () => {
    expect(attachablePod({ type: "deployment", name: "web" }, "default", { pods: [camunda], deployments: [webDeployment] })).toEqual({ problem: "Deployment default/web selects no pod" });
    expect(attachablePod({ type: "deployment", name: "api" }, "default", { pods: [older], deployments: [webDeployment] })).toEqual({ problem: "Deployment default/api does not exist" });
    expect(attachablePod({ type: "statefulset", name: "db" }, "default", { pods: [older] })).toEqual({ problem: "StatefulSet default/db selects no pod" });
  });
});

describe("the port a wrong forward most likely meant", () => {
  // Istio's ingress gateway pod (kserve/kserve#966): status port 15021 (its readiness probe), 8080, 8443, 15090.
  const gateway = pod({
    name: "istio-ingressgateway-6b7b8f6c9d-vh2xk",
    namespace: "istio-system",
    labels: { app: "istio-ingressgateway", istio: "ingressgateway" },
    readySince: "2026-03-03T14:08:50Z",
    ports: [{ containerPort: 15021, protocol: "TCP" }, { containerPort: 8080, protocol: "TCP" }, { containerPort: 8443, protocol: "TCP" }, { containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }],
    container: { readinessProbe: { httpGet: { path: "/healthz/ready", port: 15021 } } },
  });
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "istio-ingressgateway", namespace: "istio-system" },
    spec: { type: "LoadBalancer", selector: { app: "istio-ingressgateway", istio: "ingressgateway" }, ports: [{ name: "status-port", port: 15021, targetPort: 15021 }, { name: "http2", port: 80, targetPort: 8080 }, { name: "https", port: 443, targetPort: 8443 }] },
  };

  it("is the targetPort of the Service port that was forwarded to the pod", () => {
    expect(likelyPort(listenHints(gateway, [svc]), 80)).toEqual({ port: 8080, viaService: { name: "istio-system/istio-ingressgateway", port: 80 } });
  });

  it("is a declared port no probe checks when no Service port explains it", () => {
    expect(likelyPort(listenHints(gateway), 9000)).toEqual({ port: 8080, viaService: null });
    expect(likelyPort([], 9000)).toBeNull();
  });
});

describe("the port kubectl connects to inside the pod", () => {
  it("uses a number as given and names the container that declares it", () => {
    expect(resolvePodPort(camunda, 8080)).toMatchObject({ port: 8080, name: null, declared: { container: "nginx", name: "http" } });
    expect(resolvePodPort(camunda, 6000)).toEqual({ port: 6000, name: null, declared: null });
  });

  it("looks a named port up among the containers' ports, with kubectl's error when absent", () => {
    expect(resolvePodPort(camunda, "http")).toMatchObject({ port: 8080, name: "http" });
    expect(resolvePodPort(camunda, "metrics")).toEqual({ error: "Pod 'camunda-79bddd6df4-ft5jx' does not have a named port 'metrics'" });
  });

  it("reads where the pod says it listens from containerPorts, probes (named ports resolved) and Services' targetPorts", () => {
    const p = pod({
      name: "web-a",
      readySince: "2026-03-03T14:05:30Z",
      container: { readinessProbe: { httpGet: { path: "/", port: "http" } }, livenessProbe: { tcpSocket: { port: 80 } }, startupProbe: { exec: { command: ["true"] } } },
    });
    const hints = listenHints(p, [webService]);
    expect(hints.map((h) => `${h.port} ${h.source}`)).toEqual(["80 containerPort http", "80 readinessProbe httpGet", "80 livenessProbe tcpSocket", "80 Service default/web targetPort"]);
    expect(describeHints(hints)).toBe("80 (containerPort http of nginx, readinessProbe httpGet of nginx, livenessProbe tcpSocket of nginx, Service default/web targetPort)");
  });
});

// ------------------------------------------------------------------ ND306

const kubectl = (command: string, port = 5010): HostListener => ({ address: "127.0.0.1", port, pid: 76692, process: "kubectl", command });

interface Case {
  name: string;
  data: MemoryData;
  listener: HostListener;
  status: CheckOutcome["status"];
  summary: string;
}

function target(port: number): Target {
  return { url: `http://localhost:${port}/`, scheme: "http", host: "localhost", port, path: "/" };
}

async function run(c: Case, check = podServesPort): Promise<CheckOutcome> {
  const sources = memorySources(c.data);
  const ctx: CheckContext = {
    ...sources,
    target: target(c.listener.port),
    facts: { listener: c.listener } as PathFacts,
    options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 },
    signal: new AbortController().signal,
  };
  return check.run(ctx);
}

const web = pod({ name: "web-6c9b8d7f54-5pv5z", readySince: "2026-03-03T14:05:30Z", container: { readinessProbe: { httpGet: { path: "/", port: 80 } } } });
const webNewer = pod({ name: "web-6c9b8d7f54-q9xkt", readySince: "2026-03-03T14:41:15Z", created: "2026-03-03T14:41:07Z" });

const cases: Case[] = [
  {
    name: "a bare pod name forwarded to a port the pod does not serve (kind#869)",
    data: { kube: { pods: [camunda] } },
    listener: kubectl("kubectl port-forward camunda-79bddd6df4-ft5jx -n dev-201902 5010:6000"),
    status: "fail",
    summary: "kubectl port-forward (pid 76692) forwards 127.0.0.1:5010 to port 6000 of pod dev-201902/camunda-79bddd6df4-ft5jx, but the pod says its application listens on 8080 (containerPort http of nginx)",
  },
  {
    name: "a Deployment forwarded to its container's port",
    data: { kube: { pods: [webNewer, web], deployments: [webDeployment], services: [webService] } },
    listener: kubectl("kubectl port-forward deploy/web 8888:80", 8888),
    status: "pass",
    summary: "to port 80 of pod default/web-6c9b8d7f54-5pv5z (the first of the 2 pods of Deployment default/web in kubectl's order); container nginx declares it",
  },
  {
    name: "a Deployment forwarded to its Service's port instead of the container's",
    data: { kube: { pods: [web], deployments: [webDeployment], services: [{ ...webService, spec: { ...webService.spec, ports: [{ port: 8080, targetPort: 80 }] } }] } },
    listener: kubectl("kubectl port-forward deployment/web 8080:8080", 8080),
    status: "fail",
    summary:
      "to port 8080 of pod default/web-6c9b8d7f54-5pv5z (the only pod of Deployment default/web), but the pod says its application listens on 80 (containerPort http of nginx, readinessProbe httpGet of nginx, Service default/web targetPort); 8080 is the port of Service default/web, which sends it to container port 80",
  },
  {
    name: "a named remote port resolved among the containerPorts",
    data: { kube: { pods: [camunda] } },
    listener: kubectl("kubectl port-forward -n dev-201902 pod/camunda-79bddd6df4-ft5jx 5010:http"),
    status: "pass",
    summary: "to port 8080 (http) of pod dev-201902/camunda-79bddd6df4-ft5jx; container nginx declares it",
  },
  {
    name: "a named remote port the pod no longer has",
    data: { kube: { pods: [camunda] } },
    listener: kubectl("kubectl port-forward -n dev-201902 pod/camunda-79bddd6df4-ft5jx 5010:debug"),
    status: "fail",
    summary: `which has no port named debug (kubectl: "Pod 'camunda-79bddd6df4-ft5jx' does not have a named port 'debug'")`,
  },
  {
    name: "an undeclared port a probe names",
    data: { kube: { pods: [pod({ name: "api-0", readySince: "2026-03-03T14:05:30Z", ports: [], container: { readinessProbe: { httpGet: { path: "/healthz", port: 3000 } } } })] } },
    listener: kubectl("kubectl port-forward pod/api-0 3000:3000", 3000),
    status: "pass",
    summary: "to port 3000 of pod default/api-0; 3000 (readinessProbe httpGet of nginx) name it",
  },
  {
    name: "a pod that declares no ports and no probes",
    data: { kube: { pods: [pod({ name: "api-0", readySince: "2026-03-03T14:05:30Z", ports: [] })] } },
    listener: kubectl("kubectl port-forward pod/api-0 3000", 3000),
    status: "pass",
    summary: "the pod declares no ports or probes, so its spec does not say where the application listens",
  },
  {
    name: "a pod that no longer exists (forwarder.upstream-reachable says so)",
    data: { kube: { pods: [] } },
    listener: kubectl("kubectl port-forward pod/api-0 3000", 3000),
    status: "skip",
    summary: "not applicable: pod default/api-0 does not exist (see forwarder.upstream-reachable)",
  },
  {
    name: "a Service target (its targetPort is the service hop's)",
    data: { kube: { pods: [web], services: [webService] } },
    listener: kubectl("kubectl port-forward svc/web 8888:80", 8888),
    status: "skip",
    summary: "not applicable: kubectl port-forward to svc/web forwards to its Service port's targetPort",
  },
  {
    name: "a socat relay",
    data: {},
    listener: { address: "0.0.0.0", port: 8080, pid: 5150, process: "socat", command: "socat TCP-LISTEN:8080,fork TCP:172.18.0.2:30080" },
    status: "skip",
    summary: "not applicable: no kubectl port-forward owns the port",
  },
  {
    name: "pods that cannot be listed",
    data: { unavailable: { pods: "forbidden" } },
    listener: kubectl("kubectl port-forward pod/api-0 3000", 3000),
    status: "skip",
    summary: "unavailable: pods.core forbidden (403)",
  },
];

describe("forwarder.pod-serves-port (ND306)", () => {
  it.each(cases)("$name → $status", async (c) => {
    const out = await run(c);
    expect(out.status).toBe(c.status);
    expect(out.summary).toContain(c.summary);
  });

  it("gives the command that forwards to the port the pod declares", async () => {
    const out = await run(cases[0]!);
    expect(out.details).toContain("`kubectl port-forward -n dev-201902 pod/camunda-79bddd6df4-ft5jx 5010:8080`");
    expect(out.details).toContain("lost connection to pod");
  });
});


// ------------------------------------------------------------------ ND308 (kubernetes/kubectl#686: svc/nginx forwarded, then `kubectl rollout restart`)

const nginxService: Service = { apiVersion: "v1", kind: "Service", metadata: { name: "nginx", namespace: "default" }, spec: { type: "ClusterIP", selector: { app: "nginx" }, ports: [{ port: 8080, targetPort: 80, protocol: "TCP" }] } };
const nginxPod = (name: string, created: string, deleting?: string) =>
  pod({ name, labels: { app: "nginx", "pod-template-hash": "5c6b9d8f47" }, created, readySince: created, ...(deleting ? { deleting } : {}), owner: { kind: "ReplicaSet", name: "nginx-5c6b9d8f47" } });
const rolledOut = [nginxPod("nginx-5c6b9d8f47-8kq2w", "2026-03-03T14:31:40Z"), nginxPod("nginx-5c6b9d8f47-tx4vd", "2026-03-03T14:31:44Z")];
const pfStarted = (command: string, startedAt: string | undefined, port = 8080): HostListener => ({ ...kubectl(command, port), pid: 100413, ...(startedAt ? { startedAt } : {}) });

const attachedCases: (Case & { fixes?: string[] })[] = [
  {
    name: "a Service forward started before a rollout replaced every pod",
    data: { kube: { pods: rolledOut, services: [nginxService] } },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", "2026-03-03T14:20:05Z"),
    status: "fail",
    summary:
      "kubectl port-forward (pid 100413) on 127.0.0.1:8080 started at 2026-03-03 14:20:05 UTC and forwards to svc/nginx in default, but every pod Service default/nginx selects now was created after it started (nginx-5c6b9d8f47-8kq2w at 14:31:40 UTC, nginx-5c6b9d8f47-tx4vd at 14:31:44 UTC): the pod it attached to has been deleted",
  },
  {
    name: "the same forward offered socat-forward when the Service has a NodePort",
    data: { kube: { pods: rolledOut, services: [{ ...nginxService, spec: { ...nginxService.spec, type: "NodePort", ports: [{ port: 8080, targetPort: 80, nodePort: 30080 }] } }] } },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", "2026-03-03T14:20:05Z"),
    status: "fail",
    summary: "the pod it attached to has been deleted",
    fixes: ["socat-forward"],
  },
  {
    name: "a Service forward started after the rollout",
    data: { kube: { pods: rolledOut, services: [nginxService] } },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", "2026-03-03T14:35:00Z"),
    status: "pass",
    summary: "it is attached to one of the 2 pods of Service default/nginx that existed then (nginx-5c6b9d8f47-8kq2w, nginx-5c6b9d8f47-tx4vd)",
  },
  {
    name: "a Deployment forward started before its first pod appeared (kubectl waits up to --pod-running-timeout)",
    data: { kube: { pods: [rolledOut[0]!], deployments: [{ ...webDeployment, metadata: { name: "nginx", namespace: "default" }, spec: { ...webDeployment.spec, selector: { matchLabels: { app: "nginx" } } } }] } },
    listener: pfStarted("kubectl port-forward deploy/nginx 8080:80", "2026-03-03T14:31:05Z"),
    status: "pass",
    summary: "it is attached to pod default/nginx-5c6b9d8f47-8kq2w, the only pod of Deployment default/nginx that existed then",
  },
  {
    name: "a forward whose --pod-running-timeout is too short for a pod created 35 s later",
    data: { kube: { pods: [rolledOut[0]!], deployments: [{ ...webDeployment, metadata: { name: "nginx", namespace: "default" }, spec: { ...webDeployment.spec, selector: { matchLabels: { app: "nginx" } } } }] } },
    listener: pfStarted("kubectl port-forward --pod-running-timeout 1s deploy/nginx 8080:80", "2026-03-03T14:31:05Z"),
    status: "fail",
    summary: "every pod Deployment default/nginx selects now was created after it started",
  },
  {
    name: "a StatefulSet pod recreated under the same name",
    data: { kube: { pods: [pod({ name: "db-0", created: "2026-03-03T15:02:10Z", readySince: "2026-03-03T15:02:20Z", owner: { kind: "StatefulSet", name: "db" } })] } },
    listener: pfStarted("kubectl port-forward pod/db-0 5432", "2026-03-03T14:40:00Z", 5432),
    status: "fail",
    summary: "but pod default/db-0 was created at 15:02:10 UTC, after it started: it is a new pod under the same name, and the forward stays attached to the deleted one",
  },
  {
    name: "a forward whose only pods are terminating",
    data: { kube: { pods: [nginxPod("nginx-7848d4b86f-2wfhx", "2026-03-03T14:16:52Z", "2026-03-03T14:31:44Z")], services: [nginxService] } },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", "2026-03-03T14:20:05Z"),
    status: "fail",
    summary: "the only pods Service default/nginx selects are terminating (nginx-7848d4b86f-2wfhx at 14:16:52 UTC (terminating)): the pod it attached to is going away",
  },
  {
    name: "a Service forward whose pod, the only one then, crash-loops while a newer pod is ready",
    data: {
      kube: {
        pods: [
          {
            ...nginxPod("nginx-5c6b9d8f47-8kq2w", "2026-03-03T14:10:00Z"),
            status: {
              phase: "Running",
              conditions: [{ type: "Ready", status: "False" }],
              containerStatuses: [{ name: "nginx", ready: false, restartCount: 6, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", exitCode: 1, finishedAt: "2026-03-03T14:44:10Z" } } }],
            },
          },
          nginxPod("nginx-5c6b9d8f47-tx4vd", "2026-03-03T14:31:44Z"),
        ],
        services: [nginxService],
      },
    },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", "2026-03-03T14:20:05Z"),
    status: "fail",
    summary:
      "it is attached to pod default/nginx-5c6b9d8f47-8kq2w, the only pod of Service default/nginx that existed then, which is not ready (nginx-5c6b9d8f47-8kq2w: CrashLoopBackOff, 6 restarts, last exit code 1), while the target's newer pod nginx-5c6b9d8f47-tx4vd is",
  },
  {
    name: "a pod forward whose container restarted since, and the forward survived",
    data: {
      kube: {
        pods: [
          {
            ...pod({ name: "db-0", created: "2026-03-03T14:00:00Z", readySince: "2026-03-03T14:50:30Z", owner: { kind: "StatefulSet", name: "db" } }),
            status: {
              phase: "Running",
              conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-03-03T14:50:30Z" }],
              containerStatuses: [{ name: "nginx", ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137, finishedAt: "2026-03-03T14:50:12Z" } } }],
            },
          },
        ],
      },
    },
    listener: pfStarted("kubectl port-forward pod/db-0 5432", "2026-03-03T14:40:00Z", 5432),
    status: "pass",
    summary: "it is attached to pod default/db-0; its container restarted at 14:50:12 UTC (1 restart in all) since, and the forward survived",
  },
  {
    name: "a forward whose start time is not known",
    data: { kube: { pods: rolledOut, services: [nginxService] } },
    listener: pfStarted("kubectl port-forward svc/nginx 8080:8080", undefined),
    status: "skip",
    summary: "not applicable: when kubectl port-forward (pid 100413) started is not known",
  },
];

describe("forwarder.attached-pod-exists (ND308)", () => {
  it.each(attachedCases)("$name → $status", async (c) => {
    const out = await run(c, attachedPodExists);
    expect(out.status).toBe(c.status);
    expect(out.summary).toContain(c.summary);
    expect(out.fixes ?? []).toEqual(c.fixes ?? []);
  });
});
