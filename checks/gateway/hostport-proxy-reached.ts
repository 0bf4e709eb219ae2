/**
 * gateway.hostport-proxy-reached (ND607): when the path enters the cluster
 * through a gateway / ingress proxy that takes the node port itself (hostPort
 * or hostNetwork: Contour's Envoy DaemonSet, ingress-nginx's kind manifest,
 * traefik), that proxy is the gateway of the path, and it runs on a node the
 * published port reaches.
 */
import { defineCheck, fail, pass, skip, type Check } from "../../src/index.js";
import { describeReach, k3dUpstreamAdvice, nodeReach, reachEvidence } from "../../src/host/serverlb.js";
import { proxyName } from "../../src/kube/proxies.js";

/**
 * Why this matters: a hostPort proxy answers only on the node it runs on. On
 * a cluster with several nodes the host port reaches one node container (a
 * kind node with extraPortMappings) or a few (a k3d v3/v4 serverlb's
 * servers): when the proxy was scheduled elsewhere, every request ends in
 * "Empty reply from server" although every pod is Ready. And such a proxy is
 * the path's gateway, not its application: naming it keeps the backend hop
 * from checking the proxy as if it were the app.
 */
const check: Check = defineCheck({
  id: "gateway.hostport-proxy-reached",
  code: "ND607",
  hop: "gateway",
  title: "the hostPort proxy runs on a node the port reaches",
  after: ["service.receives-port"],
  explain: {
    meaning:
      "The entry of the path is a gateway or ingress proxy that holds the node port itself (hostPort or hostNetwork), recognised from its images (Contour's Envoy, Envoy, ingress-nginx, NGINX Ingress, traefik, HAProxy, Kong, Istio): it is the gateway of the path, never its backend, and at least one of its pods runs on a node the published port reaches — the kind node container with the extraPortMappings entry, the servers a k3d v3/v4 serverlb forwards to (its SERVERS environment), or the nodes a k3d v5 serverlb lists for the port in its /etc/confd/values.yaml (read through the Docker archive endpoint; every node when it cannot be read).",
    causes:
      "kind: the ingress controller lost its nodeSelector ingress-ready: \"true\" (or the label went to another node, e.g. a worker patched with InitConfiguration instead of JoinConfiguration) and was scheduled on a node without the port mapping. k3d v3/v4: the proxy runs on an agent, but the serverlb forwards to server nodes only. k3d v5: the port was mapped with a node filter (`-p 8080:80@agent:0`) that leaves out the proxy's node.",
    fix: "Pin the proxy to the node with the mapping (label the node ingress-ready=true and keep the controller's nodeSelector), or map the port on the node where it runs (kind: recreate the cluster with extraPortMappings on that node; k3d v5: `k3d cluster edit CLUSTER --port-delete HOST:C@agent:0` then `--port-add HOST:C@loadbalancer`, or recreate with the right node filter).",
    links: ["https://kind.sigs.k8s.io/docs/user/ingress/", "https://github.com/kubernetes-sigs/kind/issues/758", "https://github.com/kubernetes/ingress-nginx/issues/8874"],
  },
  async run(ctx) {
    const svc = ctx.facts.service;
    const container = ctx.facts.container;
    if (svc?.via === "port-forward") return skip(`not applicable: kubectl port-forward reaches a pod of Service ${svc.namespace}/${svc.name} through the API server, on whichever node it runs`);
    if (!svc || !container) return skip("not applicable: no Service on the path");
    if (svc.via !== "hostport") {
      return skip(`not applicable: Service ${svc.namespace}/${svc.name} is reached through ${svc.via}, which answers on every node`);
    }
    const proxy = svc.proxy;
    if (!proxy) return skip(`not applicable: the pods behind Service ${svc.namespace}/${svc.name} are not a gateway or ingress proxy netdoctor recognises`);
    const reach = await nodeReach(ctx.docker, container, ctx.signal);
    const reached = reach.nodes;
    const name = `${proxyName(proxy.implementation)} (Service ${svc.namespace}/${svc.name}, ${proxy.image})`;
    const serverlb = container.role === "k3d-serverlb";
    const evidence = {
      service: `${svc.namespace}/${svc.name}`,
      implementation: proxy.implementation,
      image: proxy.image,
      pods: proxy.pods,
      nodes: proxy.nodes,
      nodesReached: reached,
      ...(serverlb ? { serverlbUpstreams: reachEvidence(reach) } : {}),
    };
    if (!reached) {
      return pass(`${name} is the ingress proxy of this path; its pods run on ${proxy.nodes.join(", ") || "no node yet"}, and the port reaches every node${reach.note ? ` (${reach.note})` : ""}`, { evidence });
    }
    const on = proxy.nodes.filter((n) => reached.includes(n));
    const how = describeReach(reach);
    if (on.length) {
      return pass(`${name} is the ingress proxy of this path, on node ${on.join(", ")}, which ${container.name} reaches${how ? ` (${how})` : ""}`, { evidence });
    }
    return fail(
      `${name} runs on ${proxy.nodes.join(", ") || "no node"}; ${container.name} reaches ${reached.length ? reached.join(", ") : "no node"} only${how ? ` (${how})` : ""}; expected a proxy pod on ${reached.join(", ") || "a reached node"}`,
      {
        details:
          serverlb && reach.from === "serverlb-config"
            ? `A hostPort proxy answers only on its own node, and k3d's serverlb forwards container port ${container.containerPort} only to the nodes listed for ${reach.config!.key} in ${reach.config!.file}, which the port mapping's node filter wrote (k3d pkg/client/ports.go). Pin ${proxy.pods[0] ?? "the proxy"} to ${reached.join(", ") || "an upstream node"} (a nodeSelector on kubernetes.io/hostname), or ${k3dUpstreamAdvice(container, reach, proxy.nodes).replace(/^Make/, "make")}.`
            : `A hostPort proxy answers only on its own node. Pin ${proxy.pods[0] ?? "the proxy"} to ${reached.join(", ")} (kind: the node labelled ingress-ready=true, with the controller's nodeSelector ingress-ready: "true"), or publish the port on ${proxy.nodes.join(", ")}.`,
        evidence,
      },
    );
  },
});

export default check;
