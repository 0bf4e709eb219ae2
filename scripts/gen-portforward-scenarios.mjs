#!/usr/bin/env node
/**
 * Writes the lab scenarios of `kubectl port-forward` to a pod or a workload
 * (pod/NAME, a bare pod name, deploy/NAME): cluster states rebuilt from what
 * users pasted in public threads, on a plain kind cluster (kind v0.29,
 * Kubernetes v1.33.1: nodes, kube-system, local-path-storage and the node
 * container copied from fixtures/scenarios/kind-service-clusterip). Each
 * scenario's description names its thread; docs/facts/kubectl-port-forward-pods.md
 * records what was pasted, kubectl's behaviour (with the source file) and
 * netdoctor's verdict.
 *
 * Usage: node scripts/gen-portforward-scenarios.mjs
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { dump, readDocs, SCENARIOS } from "./lib/scenario-gen.mjs";
import { deployment, endpointSlice, event, namespaces, pod, podState, service } from "./lib/k3d-cluster.mjs";

const BASE = join(SCENARIOS, "kind-service-clusterip");
const NODE = "kind-control-plane";
const NODE_IP = "172.18.0.2";
/** The kind cluster's own sockets: resolver, sshd, the API server's docker-proxy (the base's extraPortMappings 8080 → 30080 left out: these clusters were made without it). */
const BASE_LISTENERS = parse(readFileSync(join(BASE, "host/listeners.yaml"), "utf8")).filter((l) => l.port !== 8080);
/** Traffic of the base cluster's own ports: the API server (TLS). */
const BASE_TRAFFIC = [
  { port: 41633, mode: "tls" },
  { port: 6443, address: NODE_IP, mode: "tls" },
];

const NGINX_WELCOME = parse(readFileSync(join(BASE, "scenario.yaml"), "utf8")).serviceProxy["default/web:80"].body;

/** A kubectl port-forward's two listeners: kubectl binds 127.0.0.1 and [::1] for the default --address localhost; `startedAt` as /proc tells it. */
function kubectlListeners(pid, port, command, startedAt) {
  return [
    { address: "127.0.0.1", port, pid, process: "kubectl", command, startedAt },
    { address: "::1", port, pid, process: "kubectl", command, startedAt },
  ];
}

/** The kind node container without the base's extraPortMappings (no 30080 → 8080 binding). */
function kindContainers() {
  const containers = JSON.parse(readFileSync(join(BASE, "docker/containers.json"), "utf8"));
  for (const c of containers) {
    for (const ports of [c.HostConfig?.PortBindings, c.Config?.ExposedPorts, c.NetworkSettings?.Ports]) if (ports) delete ports["30080/tcp"];
  }
  return JSON.stringify(containers, null, 2) + "\n";
}

/** The usual events of a pod that started: Scheduled, Pulled, Created, Started (kubelet, default-scheduler). */
function startEvents(ns, name, container, image, t) {
  const obj = { kind: "Pod", namespace: ns, name };
  return [
    event({ obj, type: "Normal", reason: "Scheduled", message: `Successfully assigned ${ns}/${name} to ${NODE}`, t, source: "default-scheduler" }),
    event({ obj, type: "Normal", reason: "Pulled", message: `Container image "${image}" already present on machine`, t, source: "kubelet" }),
    event({ obj, type: "Normal", reason: "Created", message: `Created container: ${container}`, t, source: "kubelet" }),
    event({ obj, type: "Normal", reason: "Started", message: `Started container ${container}`, t, source: "kubelet" }),
  ];
}

/** Writes one scenario directory: the base kind cluster plus `apps` objects, events, listeners and scenario.yaml. */
function write(name, { scenario, apps, events, namespaces: extraNs, listeners, files = {}, workdir = null }) {
  const dir = join(SCENARIOS, name);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["cluster", "docker", "host"]) mkdirSync(join(dir, sub), { recursive: true });
  for (const f of ["cluster/kube-system.yaml", "cluster/local-path-storage.yaml", "cluster/nodes.yaml", "docker/networks.json", "docker/top.json", "host/hosts"]) {
    copyFileSync(join(BASE, f), join(dir, f));
  }
  writeFileSync(join(dir, "docker/containers.json"), kindContainers());
  const baseNs = readDocs(join(BASE, "cluster/namespaces.yaml"));
  writeFileSync(join(dir, "cluster/namespaces.yaml"), dump([...baseNs, ...namespaces(extraNs, "2026-03-03T14:04:10Z")]));
  // The default namespace's kubernetes Service and its EndpointSlice, as in every cluster.
  const kubernetes = readDocs(join(BASE, "cluster/apps.yaml")).filter((o) => o.metadata.namespace === "default" && (o.metadata.name === "kubernetes" || o.metadata.labels?.["kubernetes.io/service-name"] === "kubernetes"));
  writeFileSync(join(dir, "cluster/apps.yaml"), dump([...kubernetes, ...apps]));
  writeFileSync(join(dir, "cluster/events.yaml"), dump(events));
  for (const [file, docs] of Object.entries(files)) writeFileSync(join(dir, "cluster", `${file}.yaml`), dump(docs));
  if (workdir) {
    mkdirSync(join(dir, "workdir"), { recursive: true });
    for (const [file, text] of Object.entries(workdir)) writeFileSync(join(dir, "workdir", file), text);
  }
  writeFileSync(join(dir, "host/listeners.yaml"), stringify([...BASE_LISTENERS, ...listeners], { lineWidth: 0 }));
  writeFileSync(join(dir, "scenario.yaml"), stringify({ name, ...scenario }, { lineWidth: 0 }));
}

// ------------------------------------------------------------------ kubernetes-sigs/kind#869: a bare pod name, a port nothing listens on

{
  const ns = "dev-201902";
  const t = "2026-03-03T14:06:02Z";
  const image = "camunda/camunda-bpm-platform:7.11.0";
  const hash = "79bddd6df4";
  const podName = `camunda-${hash}-ft5jx`;
  // camunda/docker-camunda-bpm-platform README: `docker run -d --name camunda -p 8080:8080 camunda/camunda-bpm-platform:latest`;
  // its image exposes 8000 (debug), 8080 (Tomcat) and 9404 (JMX exporter), as `docker container ls` shows.
  const containers = [{ image, imagePullPolicy: "IfNotPresent", name: "camunda", ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }] }];
  const command = `kubectl port-forward ${podName} -n ${ns} 5010:6000`;
  write("real-kind-portforward-pod-wrong-port", {
    namespaces: [ns],
    apps: [
      ...deployment({ name: "camunda", namespace: ns, labels: { app: "camunda" }, selector: { app: "camunda" }, hash, containers, t }),
      pod({ name: podName, namespace: ns, labels: { app: "camunda", "pod-template-hash": hash }, owner: { kind: "ReplicaSet", name: `camunda-${hash}` }, node: NODE, nodeIP: NODE_IP, podIP: "10.244.0.7", containers, state: podState.running(t), t }),
    ],
    events: startEvents(ns, podName, "camunda", image, t),
    listeners: kubectlListeners(76692, 5010, command, "2026-03-03T14:12:37Z"),
    scenario: {
      description:
        `Rebuilt from kubernetes-sigs/kind#869 (https://github.com/kubernetes-sigs/kind/issues/869, "Port-forward problem"): the user ran \`${command}\` (a bare pod name: kubectl takes it as pod/NAME) and every request to localhost:5010 failed; kubectl logged ` +
        `"an error occurred forwarding 5010 -> 6000: error forwarding port 6000 to pod …, uid : failed to execute portforward in network namespace \\"/var/run/netns/cni-…\\": socat command returns error: exit status 1, stderr: \\"… socat[96552] E connect(5, AF=2 127.0.0.1:6000, 16): Connection refused\\"". ` +
        `A kind maintainer (aojea): "that error typically happens when the pod doesn't have anything listen on that port"; the user: "Yes. I found out". Camunda's image serves Tomcat on 8080 (camunda/docker-camunda-bpm-platform README: docker run -p 8080:8080), ` +
        `declared as containerPort 8080 (http). kubectl port-forward accepts the connection and closes it when its connect inside the pod is refused: curl gets an empty reply. netdoctor names the port the pod declares (ND306).`,
      context: "kind-kind",
      targets: ["http://localhost:5010/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 5010, mode: "empty-reply" }, ...BASE_TRAFFIC],
      expect: {
        status: "fail",
        hop: "forwarder",
        paths: [
          {
            url: "http://localhost:5010/",
            status: "fail",
            hop: "forwarder",
            probe: { signature: "empty-reply", hop: "forwarder" },
            verdict: { code: "ND306", mentions: ["port 6000", "8080 (containerPort http of camunda)"] },
          },
        ],
      },
    },
  });
}

// ------------------------------------------------------------------ deploy/NAME that works: the first pod in kubectl's order, the declared port

{
  const ns = "default";
  const hash = "6c9b8d7f54";
  const image = "nginx:1.27.5";
  const containers = [
    {
      image,
      imagePullPolicy: "IfNotPresent",
      name: "nginx",
      ports: [{ containerPort: 80, name: "http", protocol: "TCP" }],
      readinessProbe: { failureThreshold: 3, httpGet: { path: "/", port: 80, scheme: "HTTP" }, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 },
    },
  ];
  const older = { name: `web-${hash}-5pv5z`, t: "2026-03-03T14:05:22Z", ip: "10.244.0.5" };
  const newer = { name: `web-${hash}-q9xkt`, t: "2026-03-03T14:41:07Z", ip: "10.244.0.9" };
  const pods = [older, newer].map((p) =>
    pod({ name: p.name, namespace: ns, labels: { app: "web", "pod-template-hash": hash }, owner: { kind: "ReplicaSet", name: `web-${hash}` }, node: NODE, nodeIP: NODE_IP, podIP: p.ip, containers, state: podState.running(p.t), t: p.t }),
  );
  const command = "kubectl port-forward deploy/web 8888:80";
  write("host-portforward-deploy-answers", {
    namespaces: [],
    apps: [
      ...deployment({ name: "web", namespace: ns, labels: { app: "web" }, selector: { app: "web" }, hash, containers, replicas: 2, t: older.t }),
      ...pods,
      service({ name: "web", namespace: ns, labels: { app: "web" }, clusterIP: "10.96.114.23", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }], t: older.t }),
      endpointSlice({ service: "web", namespace: ns, t: older.t, endpoints: [older, newer].map((p) => ({ ip: p.ip, node: NODE, pod: p.name, ready: true })), ports: [{ name: "http", port: 80, protocol: "TCP" }] }),
    ],
    events: [...startEvents(ns, older.name, "nginx", image, older.t), ...startEvents(ns, newer.name, "nginx", image, newer.t)],
    listeners: kubectlListeners(51207, 8888, command, "2026-03-03T14:52:19Z"),
    scenario: {
      description:
        `kubectl port-forward to a Deployment, as the Kubernetes docs' "Use Port Forwarding to Access Applications in a Cluster" shows (\`kubectl port-forward deployment/mongo 28015:27017\`, https://kubernetes.io/docs/tasks/access-application-cluster/port-forward-access-application-cluster/): ` +
        `\`${command}\` on kind, Deployment default/web with two ready nginx pods. kubectl attached to ONE pod when it started: the first by the selector in kubectl's ActivePods order (kubernetes/kubectl pkg/polymorphichelpers/attachablepodforobject.go, pkg/util/podutils/podutils.go: ready for longer first), ${older.name}; ` +
        `port 80 is its container's declared containerPort (http) and its readiness probe's port, and curl http://localhost:8888/ gets nginx's welcome page. kubectl started at 14:52:19, after both pods: netdoctor names the pod and the port (ND306 passes), follows them to Service default/web, whose targetPort http is that container port, as the path's backend (ND501; its endpoints, pods and answer through the service proxy are checked), that the forward is attached to a pod that still exists (ND308 passes), and warns only that the forward dies with that pod (ND304).`,
      context: "kind-kind",
      targets: ["http://localhost:8888/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [
        { port: 8888, mode: "http", respond: [], default: { status: 200, headers: { "content-type": "text/html", server: "nginx/1.27.5" }, body: NGINX_WELCOME } },
        ...BASE_TRAFFIC,
      ],
      serviceProxy: { "default/web:80": { status: 200, body: NGINX_WELCOME } },
      expect: {
        status: "warn",
        paths: [{ url: "http://localhost:8888/", status: "warn", hop: null, warnings: [{ code: "ND304", mentions: ["is pinned to one pod"] }], backend: { namespace: "default", name: "web", port: 80 } }],
      },
    },
  });
}

// ------------------------------------------------------------------ kubernetes/kubectl#686: svc/NAME forwarded, then `kubectl rollout restart`

{
  const ns = "default";
  const image = "nginx";
  const oldHash = "7848d4b86f";
  const newHash = "5c6b9d8f47";
  const created = "2026-03-03T14:16:52Z";
  const restartedAt = "2026-03-03T14:31:40Z";
  // `kubectl create deployment nginx --image nginx --replicas 3 --port 80`: container nginx, containerPort 80 (no name).
  const containers = [{ image, imagePullPolicy: "Always", name: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }];
  const [dep, newRs] = deployment({ name: "nginx", namespace: ns, labels: { app: "nginx" }, selector: { app: "nginx" }, hash: newHash, containers, replicas: 3, t: created });
  // `kubectl rollout restart` stamps the template (kubectl pkg/polymorphichelpers/objectrestarter.go) and the Deployment controller rolls a new ReplicaSet.
  dep.metadata.annotations["deployment.kubernetes.io/revision"] = "2";
  dep.metadata.generation = 2;
  dep.spec.template.metadata.annotations = { "kubectl.kubernetes.io/restartedAt": restartedAt };
  dep.status.observedGeneration = 2;
  for (const c of dep.status.conditions) if (c.type === "Progressing") Object.assign(c, { lastUpdateTime: "2026-03-03T14:31:49Z" });
  newRs.metadata.annotations["deployment.kubernetes.io/revision"] = "2";
  newRs.metadata.creationTimestamp = restartedAt;
  newRs.spec.template.metadata.annotations = { "kubectl.kubernetes.io/restartedAt": restartedAt };
  const [, oldRs] = deployment({ name: "nginx", namespace: ns, labels: { app: "nginx" }, selector: { app: "nginx" }, hash: oldHash, containers, replicas: 3, t: created });
  oldRs.metadata.annotations["deployment.kubernetes.io/desired-replicas"] = "3";
  oldRs.spec.replicas = 0;
  oldRs.status = { observedGeneration: 3, replicas: 0 };
  const newPods = [
    { name: `nginx-${newHash}-8kq2w`, t: "2026-03-03T14:31:40Z", ip: "10.244.0.14" },
    { name: `nginx-${newHash}-tx4vd`, t: "2026-03-03T14:31:44Z", ip: "10.244.0.15" },
    { name: `nginx-${newHash}-zb7mr`, t: "2026-03-03T14:31:47Z", ip: "10.244.0.16" },
  ];
  const oldPods = [`nginx-${oldHash}-2wfhx`, `nginx-${oldHash}-c9jnl`, `nginx-${oldHash}-vp5rs`];
  const pods = newPods.map((p) =>
    pod({ name: p.name, namespace: ns, labels: { app: "nginx", "pod-template-hash": newHash }, annotations: { "kubectl.kubernetes.io/restartedAt": restartedAt }, owner: { kind: "ReplicaSet", name: `nginx-${newHash}` }, node: NODE, nodeIP: NODE_IP, podIP: p.ip, containers, state: podState.running(p.t), t: p.t }),
  );
  const command = "kubectl port-forward svc/nginx 8080:8080";
  const depObj = { kind: "Deployment", namespace: ns, name: "nginx" };
  const scaling = [
    [`Scaled up replica set nginx-${newHash} from 0 to 1`, "2026-03-03T14:31:40Z"],
    [`Scaled down replica set nginx-${oldHash} from 3 to 2`, "2026-03-03T14:31:44Z"],
    [`Scaled up replica set nginx-${newHash} from 1 to 2`, "2026-03-03T14:31:44Z"],
    [`Scaled down replica set nginx-${oldHash} from 2 to 1`, "2026-03-03T14:31:47Z"],
    [`Scaled up replica set nginx-${newHash} from 2 to 3`, "2026-03-03T14:31:47Z"],
    [`Scaled down replica set nginx-${oldHash} from 1 to 0`, "2026-03-03T14:31:49Z"],
  ];
  write("real-kubectl-portforward-rollout-restart", {
    namespaces: [],
    apps: [
      dep,
      oldRs,
      newRs,
      ...pods,
      // `kubectl expose deployment nginx --port 8080 --target-port 80`: no port name.
      service({ name: "nginx", namespace: ns, labels: { app: "nginx" }, clusterIP: "10.101.229.137", selector: { app: "nginx" }, ports: [{ port: 8080, protocol: "TCP", targetPort: 80 }], t: "2026-03-03T14:17:30Z" }),
      endpointSlice({ service: "nginx", namespace: ns, t: "2026-03-03T14:31:49Z", endpoints: newPods.map((p) => ({ ip: p.ip, node: NODE, pod: p.name, ready: true })), ports: [{ name: "", port: 80, protocol: "TCP" }] }),
    ],
    events: [
      ...scaling.map(([message, t], i) => ({ ...event({ obj: depObj, type: "Normal", reason: "ScalingReplicaSet", message, t, source: "deployment-controller" }), metadata: { ...event({ obj: depObj, type: "Normal", reason: "ScalingReplicaSet", message, t, source: "deployment-controller" }).metadata, name: `nginx.${String(17983412 + i).padStart(16, "0")}` } })),
      ...oldPods.map((name, i) => event({ obj: { kind: "Pod", namespace: ns, name }, type: "Normal", reason: "Killing", message: "Stopping container nginx", t: scaling[1 + 2 * i][1], source: "kubelet" })),
      ...newPods.flatMap((p) => startEvents(ns, p.name, "nginx", image, p.t)),
    ],
    listeners: kubectlListeners(100413, 8080, command, "2026-03-03T14:20:05Z"),
    scenario: {
      description:
        `Rebuilt from kubernetes/kubectl#686 (https://github.com/kubernetes/kubectl/issues/686, "Service port forwarding recovery on restarted pods"), a kubectl maintainer's reproduction: ` +
        `\`kubectl create deployment nginx --image nginx --replicas 3 --port 80\`, \`kubectl expose deployment nginx --port 8080 --target-port 80\`, \`${command} &\` ("Forwarding from 127.0.0.1:8080 -> 80"), curl answers; ` +
        `then \`kubectl rollout restart deployment nginx\` and curl localhost:8080 gets "E0721 … portforward.go:340] error creating error stream for port 8080 -> 80: Timeout occurred" and "curl: (56) Recv failure: Connection reset by peer" ` +
        `(later in the thread, kubectl v1.23.8: "failed to find sandbox … in store: not found", "lost connection to pod", "never recovers"). Rebuilt on kind: kubectl (pid 100413) started at 14:20:05; the rollout at 14:31:40 replaced all three pods, ` +
        `so the Service, its EndpointSlice and its three new pods are healthy (the service proxy answers) while the forward stays attached to a deleted pod. netdoctor sets the forward's start time (/proc) against the pods' creation times (ND308).`,
      context: "kind-kind",
      targets: ["http://localhost:8080/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 8080, mode: "reset" }, ...BASE_TRAFFIC],
      serviceProxy: { "default/nginx:8080": { status: 200, body: NGINX_WELCOME } },
      expect: {
        status: "fail",
        hop: "forwarder",
        paths: [
          {
            url: "http://localhost:8080/",
            status: "fail",
            hop: "forwarder",
            probe: { signature: "reset", hop: "forwarder" },
            verdict: { code: "ND308", mentions: ["14:20:05 UTC", "every pod Service default/nginx selects now was created after it started", "has been deleted"] },
          },
        ],
      },
    },
  });
}

// ------------------------------------------------------------------ kserve/kserve#966: the Service's port forwarded to the ingress gateway's pod

{
  // Istio's istio-ingressgateway as scenario real-istio-kind-nodeport-unmapped holds it (Istio 1.12.9 on kind:
  // container istio-proxy listens on 8080/8443, status port 15021; Service port 80 → targetPort 8080), moved to this cluster's time.
  const t = "2026-03-03T14:08:40Z";
  const istio = JSON.parse(JSON.stringify(readDocs(join(SCENARIOS, "real-istio-kind-nodeport-unmapped/cluster/istio-system.yaml"))).replaceAll("2022-08-08T06:12:40Z", t));
  const gwPod = istio.find((o) => o.kind === "Pod");
  const command = `kubectl port-forward --namespace istio-system ${gwPod.metadata.name} 8080:80`;
  const host = "sklearn-iris.kfserving-test.example.com";
  write("real-kserve-portforward-ingressgateway-pod", {
    namespaces: ["kfserving-test"],
    apps: [],
    files: { "istio-system": istio },
    events: [],
    listeners: kubectlListeners(71077, 8080, command, "2026-03-03T14:29:02Z"),
    scenario: {
      description:
        `Rebuilt from kserve/kserve#966 (https://github.com/kserve/kserve/issues/966, "should the port forwarding be on service or pod in the tutorial on README.md?"): KFServing's README had users run ` +
        `\`kubectl port-forward --namespace istio-system $(kubectl get pod --namespace istio-system --selector="app=istio-ingressgateway" --output jsonpath='{.items[0].metadata.name}') 8080:80 &\`, ` +
        `then \`curl -H "Host: \${SERVICE_HOSTNAME}" http://localhost:8080/v1/models/sklearn-iris:predict -d @./docs/samples/sklearn/iris-input.json\` → "curl: (52) Empty reply from server", kubectl logging ` +
        `"an error occurred forwarding 8080 -> 80: … socat[58515] E connect(5, AF=2 127.0.0.1:80, 16): Connection refused"; "port forwarding on service works" (\`svc/istio-ingressgateway 8080:80\`). ` +
        `Port 80 is the Service's port; the gateway's container istio-proxy listens on its targetPort 8080 (Istio runs the gateway unprivileged), and kubectl translates a Service port only for svc/NAME targets. ` +
        `The gateway is Istio 1.12.9's istio-ingressgateway on kind as in scenario real-istio-kind-nodeport-unmapped; the InferenceService behind it (namespace kfserving-test, Knative) is left out: the request stops at the forwarder. ` +
        `netdoctor names the Service port and the container port it sends to, with both commands that work (ND306).`,
      context: "kind-kind",
      targets: [{ url: "http://localhost:8080/v1/models/sklearn-iris:predict", method: "POST", headers: [`Host: ${host}`] }],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 8080, mode: "empty-reply" }, ...BASE_TRAFFIC],
      expect: {
        status: "fail",
        hop: "forwarder",
        paths: [
          {
            url: "http://localhost:8080/v1/models/sklearn-iris:predict",
            request: { method: "POST", headers: [`Host: ${host}`] },
            status: "fail",
            hop: "forwarder",
            probe: { signature: "empty-reply", hop: "forwarder" },
            verdict: { code: "ND306", mentions: ["to port 80 of pod istio-system/istio-ingressgateway-", "80 is the port of Service istio-system/istio-ingressgateway, which sends it to container port 8080"] },
          },
        ],
      },
    },
  });
}

// ------------------------------------------------------------------ a Makefile's deploy/NAME forward with the Service's port: it dies at its first request

{
  const ns = "default";
  const image = "nginx";
  const hash = "5c6b9d8f47";
  const t = "2026-03-03T14:16:52Z";
  const containers = [{ image, imagePullPolicy: "Always", name: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }];
  const pods = [
    { name: `nginx-${hash}-8kq2w`, t: "2026-03-03T14:16:52Z", ip: "10.244.0.14" },
    { name: `nginx-${hash}-tx4vd`, t: "2026-03-03T14:16:55Z", ip: "10.244.0.15" },
  ];
  const makefile = [
    ".PHONY: deploy dev",
    "",
    "deploy:",
    "\tkubectl create deployment nginx --image nginx --replicas 2 --port 80",
    "\tkubectl expose deployment nginx --port 8080 --target-port 80",
    "",
    "dev:",
    "\tkubectl port-forward deploy/nginx 8080:8080 > /tmp/pf.log 2>&1 &",
    "\tsleep 2",
    "\tcurl -sS http://localhost:8080/",
    "",
  ].join("\n");
  write("host-workdir-portforward-deploy-service-port", {
    namespaces: [],
    apps: [
      ...deployment({ name: "nginx", namespace: ns, labels: { app: "nginx" }, selector: { app: "nginx" }, hash, containers, replicas: 2, t }),
      ...pods.map((p) => pod({ name: p.name, namespace: ns, labels: { app: "nginx", "pod-template-hash": hash }, owner: { kind: "ReplicaSet", name: `nginx-${hash}` }, node: NODE, nodeIP: NODE_IP, podIP: p.ip, containers, state: podState.running(p.t), t: p.t })),
      service({ name: "nginx", namespace: ns, labels: { app: "nginx" }, clusterIP: "10.101.229.137", selector: { app: "nginx" }, ports: [{ port: 8080, protocol: "TCP", targetPort: 80 }], t: "2026-03-03T14:17:30Z" }),
      endpointSlice({ service: "nginx", namespace: ns, t: "2026-03-03T14:17:30Z", endpoints: pods.map((p) => ({ ip: p.ip, node: NODE, pod: p.name, ready: true })), ports: [{ name: "", port: 80, protocol: "TCP" }] }),
    ],
    events: pods.flatMap((p) => startEvents(ns, p.name, "nginx", image, p.t)),
    listeners: [],
    workdir: { Makefile: makefile },
    scenario: {
      description:
        "The project's Makefile deploys nginx as kubernetes/kubectl#686's reproduction does (`kubectl create deployment nginx --image nginx --replicas 2 --port 80`, `kubectl expose deployment nginx --port 8080 --target-port 80`, https://github.com/kubernetes/kubectl/issues/686) " +
        "and its `dev` target runs `kubectl port-forward deploy/nginx 8080:8080 &`: the Service's port used on the Deployment. kubectl translates a Service port only for svc/NAME (kubernetes/kubectl pkg/cmd/portforward/portforward.go translateServicePortToTargetPort), " +
        "so it connects to port 8080 inside the pod, where nothing listens; the first curl gets an empty reply and kubectl v1.23+ exits (\"lost connection to pod\", kubernetes/kubernetes#103526, kubernetes/kubectl#1169), the next ones `Connection refused`. " +
        "netdoctor, run in the project's directory (workdir/), finds nothing on 8080, relates the port to the Makefile's forward and says it dies at its first request and why (ND307, with the pod's port from ND306's rules): re-running `make dev` will not help.",
      context: "kind-kind",
      targets: ["http://localhost:8080/"],
      apiServer: { latencyMs: 0, forbid: [] },
      traffic: [{ port: 8080, mode: "refuse" }, ...BASE_TRAFFIC],
      expect: {
        status: "fail",
        hop: "host-port",
        paths: [
          {
            url: "http://localhost:8080/",
            status: "fail",
            hop: "host-port",
            verdict: { rootCause: "ND307", mentions: ["exited at its first connection: port 8080 of pod default/nginx-5c6b9d8f47-8kq2w is not where the pod says its application listens"] },
          },
        ],
      },
    },
  });
}
