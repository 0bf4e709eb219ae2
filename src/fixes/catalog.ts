/**
 * The fix catalogue: ids, titles, risk and the concrete steps each fix would
 * take for the paths where it was recommended (DESIGN §5, ids are a
 * contract). This module only describes fixes; nothing here changes anything.
 */
import type { Environment, FixReport, PathReport } from "../report/types.js";
import { keepTraefikOff, k3sRuntimeOf } from "../host/k3s-runtime.js";
import type { FixId, PathFacts } from "../engine/types.js";

/** Static description of a fix. */
export interface FixInfo {
  id: FixId;
  /** Imperative title. */
  title: string;
  risk: "safe" | "disruptive";
  /** When it applies (DESIGN §5). */
  appliesWhen: string;
}

/** Every fix netdoctor knows, by id (DESIGN §5). */
export const FIXES: Record<FixId, FixInfo> = {
  "remove-traefik": {
    id: "remove-traefik",
    title: "Remove k3s' bundled traefik",
    risk: "disruptive",
    appliesWhen: "traefik's svclb holds the port the gateway Service needs, or traefik answers instead of the gateway",
  },
  "service-to-nodeport": {
    id: "service-to-nodeport",
    title: "Patch the entry Service to type NodePort with the nodePort the node mapping expects",
    risk: "safe",
    appliesWhen: "the entry Service is ClusterIP, LoadBalancer-pending, or NodePort with the wrong nodePort",
  },
  "socat-forward": {
    id: "socat-forward",
    title: "Replace the kubectl port-forward with a socat forward to a NodePort",
    risk: "safe",
    appliesWhen: "a kubectl port-forward owns or owned the port and the target Service has (or can get) a NodePort",
  },
  "kind-port-mapping": {
    id: "kind-port-mapping",
    title: "Add the missing extraPortMappings entry to the kind config",
    risk: "disruptive",
    appliesWhen: "the kind node does not publish the needed NodePort",
  },
  "k3d-port-mapping": {
    id: "k3d-port-mapping",
    title: "Publish the port on the k3d load balancer",
    risk: "disruptive",
    appliesWhen: "the k3d load balancer does not publish the needed port",
  },
  "hosts-entry": {
    id: "hosts-entry",
    title: "Add a hosts-file entry for the target name",
    risk: "safe",
    appliesWhen: "the target name does not resolve through the system resolver",
  },
};

/** Steps of a fix for one path, derived from what the path resolved. */
function stepsFor(id: FixId, path: PathReport, facts: PathFacts, environment?: Environment): string[] {
  const c = facts.container;
  const s = facts.service;
  const port = path.target.port;
  switch (id) {
    case "remove-traefik":
      return [
        "kubectl -n kube-system delete helmchart traefik traefik-crd",
        // k3s without a node container (on this host, in a VM): the runtime's own setting, not k3d's config.
        facts.node || environment?.flavor === "k3s"
          ? keepTraefikOff(k3sRuntimeOf(environment?.context), environment?.context)
          : "keep it from coming back at the next server start: add `--disable=traefik` to the k3s server args (k3d config: options.k3s.extraArgs: [{arg: --disable=traefik, nodeFilters: [server:*]}])",
      ];
    case "service-to-nodeport": {
      const nodePort = c?.containerPort ?? "<node port the mapping expects>";
      const ns = s?.namespace ?? "<namespace>";
      const name = s?.name ?? "<service>";
      const svcPort = s?.port ?? "<port>";
      // Strategic merge (kubectl's default) merges Service ports on their `port` key and keeps
      // targetPort, name and protocol; a JSON merge patch would replace the whole ports list.
      return [`kubectl -n ${ns} patch service ${name} --type strategic -p '{"spec":{"type":"NodePort","ports":[{"port":${svcPort},"nodePort":${nodePort}}]}}'`];
    }
    case "socat-forward": {
      const fw = facts.forwarder;
      // A kubectl port-forward's upstream is a cluster object (ns/svc/x:port), not an address socat can dial:
      // the replacement relays to a node address and that Service's nodePort.
      const up = fw && fw.kind !== "kubectl-port-forward" && fw.upstream ? fw.upstream : `<node-address>:<nodePort of ${fw?.upstream ?? "the Service"}>`;
      return [`socat TCP-LISTEN:${port},fork,reuseaddr,bind=127.0.0.1 TCP:${up}`];
    }
    case "kind-port-mapping": {
      const containerPort = s?.nodePort ?? "<the Service's nodePort>";
      return [
        `add to the kind config (nodes[role=control-plane].extraPortMappings): { containerPort: ${containerPort}, hostPort: ${port}, protocol: TCP }`,
        `kind cannot add a mapping to a running node: recreate the cluster (kind delete cluster${c?.cluster ? ` --name ${c.cluster}` : ""} && kind create cluster --config <config>)`,
      ];
    }
    case "k3d-port-mapping": {
      const cluster = c?.cluster ?? "<cluster>";
      const containerPort = s?.port ?? port;
      return [`k3d cluster edit ${cluster} --port-add ${port}:${containerPort}@loadbalancer`];
    }
    case "hosts-entry": {
      const addr = facts.address ?? "127.0.0.1";
      return [`echo "${addr} ${path.target.host}" | sudo tee -a /etc/hosts`];
    }
  }
}

/**
 * The report's `fixes[]`: one entry per recommended fix id, with the steps
 * for the first path that recommended it. `applied` is always false here.
 */
export function describeFixes(recommended: Map<FixId, string[]>, paths: PathReport[], facts: PathFacts[], environment?: Environment): FixReport[] {
  const out: FixReport[] = [];
  for (const [id, forChecks] of recommended) {
    const info = FIXES[id];
    const p = paths.findIndex((path) => path.checks.some((c) => c.fixes.includes(id) && (c.status === "fail" || c.status === "warn")));
    const steps = p >= 0 ? stepsFor(id, paths[p]!, facts[p] ?? {}, environment) : [];
    out.push({ id, title: info.title, risk: info.risk, forChecks, steps, applied: false });
  }
  return out;
}
