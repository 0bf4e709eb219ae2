/**
 * Builders for k3d v5 clusters as `kubectl get -o yaml` and `docker inspect`
 * show them, for the scenario generators that rebuild what users pasted in
 * k3d / k3s issue threads (scripts/gen-real-k3s-scenarios.mjs). Shapes from
 * ../shared/reference/real-world-facts.md §1 (k3d container names, labels,
 * port bindings, serverlb) and §2 (k3s ServiceLB, packaged traefik), with
 * the versions each thread names. Deterministic: uids from seeds.
 */
import { uid } from "./scenario-gen.mjs";

const hex = (seed, n) => (uid(`a:${seed}`) + uid(`b:${seed}`)).replace(/-/g, "").slice(0, n);

/** Pod phases the builders write: Running and Ready, or one of the ways a pod is not. */
export const podState = {
  running: (t) => ({ phase: "Running", ready: true, state: { running: { startedAt: t } } }),
  creating: (reason = "ContainerCreating") => ({ phase: "Pending", ready: false, state: { waiting: { reason } } }),
  crashLoop: (t, exitCode, restarts, message) => ({
    phase: "Running",
    ready: false,
    restarts,
    state: { waiting: { message, reason: "CrashLoopBackOff" } },
    lastState: { terminated: { exitCode, reason: "Error", startedAt: t, finishedAt: t, containerID: null } },
  }),
  unschedulable: (message) => ({ phase: "Pending", unschedulable: message }),
};

/**
 * A Pod owned by a ReplicaSet, DaemonSet or Job. `state` from `podState`;
 * `containers` as in a pod spec. Host and pod IPs only when scheduled and
 * past sandbox creation.
 */
export function pod({ name, namespace, labels, owner, node, nodeIP, podIP, containers, state, t, annotations, affinityNode, serviceAccountName, priorityClassName, tolerations }) {
  const scheduled = !state.unschedulable;
  const started = state.phase === "Running";
  const ready = !!state.ready;
  const conditions = state.unschedulable
    ? [{ lastProbeTime: null, lastTransitionTime: t, message: state.unschedulable, reason: "Unschedulable", status: "False", type: "PodScheduled" }]
    : [
        ...(started ? [{ lastProbeTime: null, lastTransitionTime: t, status: "True", type: "PodReadyToStartContainers" }] : [{ lastProbeTime: null, lastTransitionTime: t, status: "False", type: "PodReadyToStartContainers" }]),
        { lastProbeTime: null, lastTransitionTime: t, status: "True", type: "Initialized" },
        ready
          ? { lastProbeTime: null, lastTransitionTime: t, status: "True", type: "Ready" }
          : { lastProbeTime: null, lastTransitionTime: t, message: `containers with unready status: [${containers.map((c) => c.name).join(" ")}]`, reason: "ContainersNotReady", status: "False", type: "Ready" },
        ready
          ? { lastProbeTime: null, lastTransitionTime: t, status: "True", type: "ContainersReady" }
          : { lastProbeTime: null, lastTransitionTime: t, message: `containers with unready status: [${containers.map((c) => c.name).join(" ")}]`, reason: "ContainersNotReady", status: "False", type: "ContainersReady" },
        { lastProbeTime: null, lastTransitionTime: t, status: "True", type: "PodScheduled" },
      ];
  const spec = {
    ...(affinityNode ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [affinityNode] }] }] } } } } : {}),
    containers,
    dnsPolicy: "ClusterFirst",
    enableServiceLinks: true,
    ...(scheduled ? { nodeName: node } : {}),
    preemptionPolicy: "PreemptLowerPriority",
    priority: priorityClassName === "system-node-critical" ? 2000001000 : priorityClassName === "system-cluster-critical" ? 2000000000 : 0,
    ...(priorityClassName ? { priorityClassName } : {}),
    restartPolicy: owner.kind === "Job" ? "OnFailure" : "Always",
    schedulerName: "default-scheduler",
    securityContext: {},
    serviceAccount: serviceAccountName ?? "default",
    serviceAccountName: serviceAccountName ?? "default",
    terminationGracePeriodSeconds: 30,
    ...(tolerations ? { tolerations } : {}),
  };
  const status = {
    conditions,
    ...(scheduled
      ? {
          containerStatuses: containers.map((c) => ({
            ...(started || state.restarts ? { containerID: `containerd://${hex(`cid:${name}:${c.name}`, 64)}` } : {}),
            image: `docker.io/${c.image}`,
            imageID: started ? `docker.io/${c.image.split(":")[0]}@sha256:${hex(`img:${c.image}`, 64)}` : "",
            lastState: state.lastState ? { terminated: { ...state.lastState.terminated, containerID: `containerd://${hex(`old:${name}:${c.name}`, 64)}` } } : {},
            name: c.name,
            ready,
            restartCount: state.restarts ?? 0,
            started: started && ready,
            state: state.state,
          })),
          hostIP: nodeIP,
          hostIPs: [{ ip: nodeIP }],
          ...(started && podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
          startTime: t,
        }
      : {}),
    phase: state.phase,
    qosClass: "BestEffort",
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(annotations ? { annotations } : {}),
      creationTimestamp: t,
      generateName: name.replace(/[^-]+$/, ""),
      labels,
      name,
      namespace,
      ownerReferences: [{ apiVersion: owner.kind === "Job" ? "batch/v1" : "apps/v1", blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.name, uid: uid(`owner:${namespace}/${owner.name}`) }],
      resourceVersion: String(1000 + (parseInt(hex(`rv:${name}`, 4), 16) % 9000)),
      uid: uid(`pod:${namespace}/${name}`),
    },
    spec,
    status,
  };
}

/** A Deployment and its ReplicaSet (`hash`), `ready` of `replicas` available. */
export function deployment({ name, namespace, labels, selector, hash, containers, replicas = 1, ready = replicas, t, extraMeta = {} }) {
  const meta = (n, extra) => ({ creationTimestamp: t, ...extra, name: n, namespace, resourceVersion: String(1000 + (parseInt(hex(`rv:${namespace}/${n}`, 4), 16) % 9000)), uid: uid(`owner:${namespace}/${n}`) });
  const tmpl = { metadata: { labels: { ...selector } }, spec: { containers } };
  const avail = ready >= replicas;
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { ...meta(name, { annotations: { "deployment.kubernetes.io/revision": "1" }, labels, ...extraMeta }) },
      spec: { progressDeadlineSeconds: 600, replicas, revisionHistoryLimit: 10, selector: { matchLabels: selector }, strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" }, template: tmpl },
      status: {
        ...(ready ? { availableReplicas: ready, readyReplicas: ready } : { unavailableReplicas: replicas }),
        conditions: [
          avail
            ? { lastTransitionTime: t, lastUpdateTime: t, message: "Deployment has minimum availability.", reason: "MinimumReplicasAvailable", status: "True", type: "Available" }
            : { lastTransitionTime: t, lastUpdateTime: t, message: "Deployment does not have minimum availability.", reason: "MinimumReplicasUnavailable", status: "False", type: "Available" },
          { lastTransitionTime: t, lastUpdateTime: t, message: `ReplicaSet "${name}-${hash}" ${avail ? "has successfully progressed" : "is progressing"}.`, reason: avail ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", status: "True", type: "Progressing" },
        ],
        observedGeneration: 1,
        replicas,
        updatedReplicas: replicas,
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        ...meta(`${name}-${hash}`, { annotations: { "deployment.kubernetes.io/desired-replicas": String(replicas), "deployment.kubernetes.io/max-replicas": String(replicas + 1), "deployment.kubernetes.io/revision": "1" }, labels: { ...selector, "pod-template-hash": hash } }),
        ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "Deployment", name, uid: uid(`owner:${namespace}/${name}`) }],
      },
      spec: { replicas, selector: { matchLabels: { ...selector, "pod-template-hash": hash } }, template: { metadata: { labels: { ...selector, "pod-template-hash": hash } }, spec: { containers } } },
      status: { ...(ready ? { availableReplicas: ready, readyReplicas: ready } : {}), fullyLabeledReplicas: replicas, observedGeneration: 1, replicas },
    },
  ];
}

/** A Service; `ports` as in its spec (nodePorts filled for NodePort/LoadBalancer), `ingressIPs` its LoadBalancer status. */
export function service({ name, namespace, labels, annotations, type = "ClusterIP", clusterIP, ports, selector, ingressIPs, t }) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: t, ...(labels ? { labels } : {}), name, namespace, resourceVersion: String(1000 + (parseInt(hex(`rv:svc:${namespace}/${name}`, 4), 16) % 9000)), uid: uid(`svc:${namespace}/${name}`) },
    spec: {
      ...(type === "LoadBalancer" || type === "NodePort" ? { allocateLoadBalancerNodePorts: type === "LoadBalancer" ? true : undefined, externalTrafficPolicy: "Cluster" } : {}),
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports,
      ...(selector ? { selector } : {}),
      sessionAffinity: "None",
      type,
    },
    status: { loadBalancer: ingressIPs?.length ? { ingress: ingressIPs.map((ip) => ({ ip, ipMode: "VIP" })) } : {} },
  };
}

/** The EndpointSlice of a Service: `endpoints` as `{ ip, node, pod, ready }`, `ports` as `{ name?, port, protocol }`. */
export function endpointSlice({ service: svc, namespace, endpoints, ports, t, managedBy = "endpointslice-controller.k8s.io" }) {
  return {
    addressType: "IPv4",
    apiVersion: "discovery.k8s.io/v1",
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready, serving: e.ready, terminating: false },
      nodeName: e.node,
      ...(e.pod ? { targetRef: { kind: "Pod", name: e.pod, namespace, uid: uid(`pod:${namespace}/${e.pod}`) } } : {}),
    })),
    kind: "EndpointSlice",
    metadata: {
      creationTimestamp: t,
      generateName: `${svc}-`,
      labels: { "endpointslice.kubernetes.io/managed-by": managedBy, "kubernetes.io/service-name": svc },
      name: `${svc}-${hex(`eps:${namespace}/${svc}`, 5).replace(/[0-9]/g, (d) => "bcdfghjklm"[+d])}`,
      namespace,
      ownerReferences: [{ apiVersion: "v1", blockOwnerDeletion: true, controller: true, kind: "Service", name: svc, uid: uid(`svc:${namespace}/${svc}`) }],
      resourceVersion: String(1000 + (parseInt(hex(`rv:eps:${namespace}/${svc}`, 4), 16) % 9000)),
      uid: uid(`eps:${namespace}/${svc}`),
    },
    ports,
  };
}

/** A core/v1 Event about `obj` (`{ kind, name, namespace }`). */
export function event({ obj, type = "Warning", reason, message, count = 1, t, source }) {
  const name = `${obj.name}.${hex(`ev:${obj.name}:${reason}`, 16)}`;
  return {
    apiVersion: "v1",
    count,
    firstTimestamp: t,
    involvedObject: { apiVersion: obj.kind === "Pod" ? "v1" : "apps/v1", kind: obj.kind, name: obj.name, namespace: obj.namespace, uid: uid(`${obj.kind === "Pod" ? "pod" : "owner"}:${obj.namespace}/${obj.name}`) },
    kind: "Event",
    lastTimestamp: t,
    message,
    metadata: { creationTimestamp: t, name, namespace: obj.namespace, resourceVersion: String(2000 + (parseInt(hex(`rv:${name}`, 4), 16) % 9000)), uid: uid(`event:${name}`) },
    reason,
    reportingComponent: source,
    reportingInstance: "",
    source: { component: source },
    type,
  };
}

/** Namespaces as k3s creates them, plus `extra`. */
export function namespaces(names, t) {
  return names.map((n) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { creationTimestamp: t, labels: { "kubernetes.io/metadata.name": n }, name: n, resourceVersion: String(100 + names.indexOf(n)), uid: uid(`ns:${n}`) },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  }));
}

/**
 * The k3d node list of a cluster: `k3d-<cluster>-server-0`, `…-agent-N`
 * with InternalIP on the cluster network (k3d pkg/client/cluster.go
 * GenerateNodeName; real-world-facts §1.1), k3s node labels and version.
 */
export function k3dNodes({ cluster, agents, subnetPrefix, k3sVersion, t, kernel = "5.15.0-91-generic", osImage }) {
  const names = [`k3d-${cluster}-server-0`, ...Array.from({ length: agents }, (_, i) => `k3d-${cluster}-agent-${i}`)];
  return names.map((n, i) => {
    const server = i === 0;
    const ip = `${subnetPrefix}.${i + 2}`;
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        annotations: {
          "flannel.alpha.coreos.com/backend-data": `{"VNI":1,"VtepMAC":"${hex(`mac:${n}`, 12).replace(/(..)(?!$)/g, "$1:")}"}`,
          "flannel.alpha.coreos.com/backend-type": "vxlan",
          "flannel.alpha.coreos.com/kube-subnet-manager": "true",
          "flannel.alpha.coreos.com/public-ip": ip,
          "k3s.io/hostname": n,
          "k3s.io/internal-ip": ip,
          "k3s.io/node-args": JSON.stringify(server ? ["server", "--tls-san", "0.0.0.0"] : ["agent"]),
          "node.alpha.kubernetes.io/ttl": "0",
          "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        },
        creationTimestamp: t,
        finalizers: ["wrangler.cattle.io/node"],
        labels: {
          "beta.kubernetes.io/arch": "amd64",
          "beta.kubernetes.io/instance-type": "k3s",
          "beta.kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "kubernetes.io/hostname": n,
          "kubernetes.io/os": "linux",
          ...(server ? { "node-role.kubernetes.io/control-plane": "true", "node-role.kubernetes.io/master": "true" } : {}),
          "node.kubernetes.io/instance-type": "k3s",
        },
        name: n,
        resourceVersion: String(900 + i),
        uid: uid(`node:${n}`),
      },
      spec: { podCIDR: `10.42.${i}.0/24`, podCIDRs: [`10.42.${i}.0/24`], providerID: `k3s://${n}` },
      status: {
        addresses: [{ address: ip, type: "InternalIP" }, { address: n, type: "Hostname" }],
        allocatable: { cpu: "4", "ephemeral-storage": "61255492Ki", memory: "8048700Ki", pods: "110" },
        capacity: { cpu: "4", "ephemeral-storage": "61255492Ki", memory: "8048700Ki", pods: "110" },
        conditions: [
          { lastHeartbeatTime: t, lastTransitionTime: t, message: "kubelet has sufficient memory available", reason: "KubeletHasSufficientMemory", status: "False", type: "MemoryPressure" },
          { lastHeartbeatTime: t, lastTransitionTime: t, message: "kubelet has no disk pressure", reason: "KubeletHasNoDiskPressure", status: "False", type: "DiskPressure" },
          { lastHeartbeatTime: t, lastTransitionTime: t, message: "kubelet has sufficient PID available", reason: "KubeletHasSufficientPID", status: "False", type: "PIDPressure" },
          { lastHeartbeatTime: t, lastTransitionTime: t, message: "kubelet is posting ready status", reason: "KubeletReady", status: "True", type: "Ready" },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: "amd64",
          containerRuntimeVersion: `containerd://${k3sVersion.startsWith("v1.22") ? "1.5.9-k3s1" : "1.7.23-k3s2"}`,
          kernelVersion: kernel,
          kubeProxyVersion: k3sVersion,
          kubeletVersion: k3sVersion,
          operatingSystem: "linux",
          osImage: osImage ?? `K3s ${k3sVersion}`,
        },
      },
    };
  });
}

/**
 * The Docker side of a k3d v5 cluster: node containers and the serverlb
 * (`docker inspect` shapes, labels from k3d pkg/types/types.go, real-world-
 * facts §1.3–1.4), the network, and the host's docker-proxy listeners.
 * `ports`: `[{ host, container }]` published on the serverlb (`-p
 * HOST:CONTAINER@loadbalancer`) or, with `node: "server-0"`, on that node
 * (`@server:0`). `proxyImage`: the serverlb image of that k3d version.
 */
export function k3dDocker({ cluster, agents, subnetPrefix, k3dVersion, k3sImage, proxyImage, apiPort, ports, t, serverArgs = ["server", "--tls-san", "0.0.0.0"], lbState }) {
  const net = `k3d-${cluster}`;
  const netId = hex(`net:${cluster}`, 64);
  const token = hex(`token:${cluster}`, 20);
  const common = {
    app: "k3d",
    "k3d.cluster": cluster,
    "k3d.cluster.imageVolume": `k3d-${cluster}-images`,
    "k3d.cluster.network": net,
    "k3d.cluster.network.external": "false",
    "k3d.cluster.network.id": netId,
    "k3d.cluster.network.iprange": `${subnetPrefix}.0/16`,
    "k3d.cluster.token": token,
    "k3d.cluster.url": `https://k3d-${cluster}-server-0:6443`,
    "k3d.server.loadbalancer": `k3d-${cluster}-serverlb`,
    "k3d.version": k3dVersion,
  };
  const running = (pid) => ({ Status: "running", Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, Error: "", StartedAt: t, FinishedAt: "0001-01-01T00:00:00Z" });
  const bindings = (list) => Object.fromEntries(list.map((p) => [`${p.container}/tcp`, [{ HostIp: p.hostIp ?? "", HostPort: String(p.host) }]]));
  const runtimePorts = (list) => Object.fromEntries(list.map((p) => [`${p.container}/tcp`, [{ HostIp: "0.0.0.0", HostPort: String(p.host) }, { HostIp: "::", HostPort: String(p.host) }]]));
  const nodes = [`server-0`, ...Array.from({ length: agents }, (_, i) => `agent-${i}`)];
  const containers = [];
  const listeners = [];
  let pid = 40211;
  nodes.forEach((role, i) => {
    const name = `k3d-${cluster}-${role}`;
    const server = role.startsWith("server");
    const direct = ports.filter((p) => p.node === role);
    const args = server ? serverArgs : ["agent"];
    containers.push({
      Id: hex(`ctr:${name}`, 64),
      Created: t,
      Path: "/bin/k3d-entrypoint.sh",
      Args: args,
      State: running(2468 + i * 131),
      Image: `sha256:${hex(`image:${k3sImage}`, 64)}`,
      Name: `/${name}`,
      RestartCount: 0,
      Driver: "overlay2",
      Platform: "linux",
      HostConfig: { NetworkMode: net, PortBindings: bindings(direct), RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 }, Privileged: true, Init: true, Tmpfs: { "/run": "", "/var/run": "" } },
      Config: {
        Hostname: name,
        Env: [
          `K3S_TOKEN=${token}`,
          ...(server ? ["K3S_KUBECONFIG_OUTPUT=/output/kubeconfig.yaml"] : [`K3S_URL=https://k3d-${cluster}-server-0:6443`]),
          "PATH=/var/lib/rancher/k3s/data/cni:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/bin/aux",
          "CRI_CONFIG_FILE=/var/lib/rancher/k3s/agent/etc/crictl.yaml",
        ],
        Cmd: args,
        Image: k3sImage,
        Labels: { ...common, "k3d.role": server ? "server" : "agent", ...(server ? { "k3d.server.api.host": "0.0.0.0", "k3d.server.api.hostIP": "0.0.0.0", "k3d.server.api.port": String(apiPort) } : {}) },
        ExposedPorts: Object.fromEntries(direct.map((p) => [`${p.container}/tcp`, {}])),
      },
      NetworkSettings: {
        Ports: runtimePorts(direct),
        Networks: { [net]: { IPAMConfig: null, Aliases: [name], NetworkID: netId, EndpointID: hex(`ep:${name}`, 64), Gateway: `${subnetPrefix}.1`, IPAddress: `${subnetPrefix}.${i + 2}`, IPPrefixLen: 16, MacAddress: `02:42:${hex(`m:${name}`, 8).replace(/(..)(?!$)/g, "$1:")}` } },
      },
    });
    for (const p of direct) {
      listeners.push({ address: "0.0.0.0", port: p.host, pid: pid++, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port ${p.host} -container-ip ${subnetPrefix}.${i + 2} -container-port ${p.container}` });
    }
  });
  const lbName = `k3d-${cluster}-serverlb`;
  const lbIP = `${subnetPrefix}.${nodes.length + 2}`;
  const lbPorts = [...ports.filter((p) => !p.node), { host: apiPort, container: 6443, hostIp: "0.0.0.0" }];
  const lbRunning = !lbState;
  containers.push({
    Id: hex(`ctr:${lbName}`, 64),
    Created: t,
    Path: "/bin/sh",
    Args: ["-c", "nginx-proxy"],
    State: lbState ?? running(16980),
    Image: `sha256:${hex(`image:${proxyImage}`, 64)}`,
    Name: `/${lbName}`,
    RestartCount: 0,
    Driver: "overlay2",
    Platform: "linux",
    HostConfig: { NetworkMode: net, PortBindings: bindings(lbPorts), RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 }, Privileged: true, Init: true, Tmpfs: { "/run": "", "/var/run": "" } },
    Config: {
      Hostname: lbName,
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.21.6"],
      Cmd: ["-c", "nginx-proxy"],
      Image: proxyImage,
      Labels: { ...common, "k3d.role": "loadbalancer" },
      ExposedPorts: Object.fromEntries(lbPorts.map((p) => [`${p.container}/tcp`, {}])),
    },
    NetworkSettings: {
      Ports: lbRunning ? runtimePorts(lbPorts) : {},
      Networks: { [net]: { IPAMConfig: null, Aliases: [lbName], NetworkID: netId, EndpointID: lbRunning ? hex(`ep:${lbName}`, 64) : "", Gateway: lbRunning ? `${subnetPrefix}.1` : "", IPAddress: lbRunning ? lbIP : "", IPPrefixLen: lbRunning ? 16 : 0, MacAddress: "" } },
    },
  });
  if (lbRunning) {
    for (const p of lbPorts) {
      listeners.push({ address: "0.0.0.0", port: p.host, pid: pid++, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port ${p.host} -container-ip ${lbIP} -container-port ${p.container}` });
      listeners.push({ address: "::", port: p.host, pid: pid++, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip :: -host-port ${p.host} -container-ip ${lbIP} -container-port ${p.container}` });
    }
  }
  const networks = [
    {
      Name: net,
      Id: netId,
      Created: t,
      Scope: "local",
      Driver: "bridge",
      EnableIPv6: false,
      IPAM: { Driver: "default", Options: null, Config: [{ Subnet: `${subnetPrefix}.0/16`, Gateway: `${subnetPrefix}.1` }] },
      Internal: false,
      Attachable: false,
      Containers: Object.fromEntries(
        containers.filter((c) => c.State.Running).map((c) => [c.Id, { Name: c.Name.slice(1), EndpointID: c.NetworkSettings.Networks[net].EndpointID, MacAddress: "", IPv4Address: `${c.NetworkSettings.Networks[net].IPAddress}/16`, IPv6Address: "" }]),
      ),
      Options: { "com.docker.network.bridge.enable_ip_masquerade": "true" },
      Labels: { app: "k3d" },
    },
  ];
  return { containers, networks, listeners, nodeIPs: nodes.map((_, i) => `${subnetPrefix}.${i + 2}`), lbIP };
}
