/**
 * gateway.proxy-ready (ND605): the Gateway's proxy (Envoy) pods are ready.
 */
import { defineCheck, fail, pass, skip, warn, isSourceError, type Check, type CheckOutcome, type KubeEvent, type Pod, type Service } from "../../src/index.js";
import { gatewayImplementation, implementationTitle, sharedProxyPodsOf } from "../../src/gateway/implementations.js";
import { describePodState, formatEvent, formatSelector, isObject, matchesLabelSelector, podEvents, podState, podsSelectedBy, proxyServicesOf, ref } from "../../src/kube/helpers.js";

/** Outcome over shared data-plane pods (every pod should be Ready: each node answers the Gateway's ports). */
function podsOutcome(pods: Pod[], events: KubeEvent[], base: Record<string, unknown>, what: string, gateway: string): CheckOutcome {
  const states = pods.map(podState);
  const ready = states.filter((s) => s.ready);
  const notReady = states.filter((s) => !s.ready);
  const warnings = pods
    .filter((p) => !podState(p).ready)
    .flatMap((p) => podEvents(events, p).filter((e) => e.type === "Warning").slice(0, 1))
    .map(formatEvent);
  const evidence = { ...base, pods: states, events: warnings };
  if (!ready.length) {
    return fail(`no pod of ${what} is Ready (0/${states.length}): ${notReady.map(describePodState).join("; ")}; expected Ready pods to serve Gateway ${gateway}`, {
      details: warnings.length ? `Newest warning events: ${warnings.join(" | ")}` : undefined,
      evidence,
    });
  }
  if (notReady.length) return warn(`${ready.length}/${states.length} pods of ${what} are Ready; not Ready: ${notReady.map(describePodState).join("; ")}`, { evidence });
  return pass(`${ready.length}/${states.length} pods of ${what} are Ready (${ready.map((s) => s.name).join(", ")})`, { evidence });
}

/**
 * Why this matters: the Gateway is only configuration; the Envoy pods behind
 * its proxy Service carry the traffic. With none Ready, the Service has no
 * endpoints and the node port answers nothing (refused / reset).
 */
const check: Check = defineCheck({
  id: "gateway.proxy-ready",
  code: "ND605",
  hop: "gateway",
  title: "the gateway proxy pods are ready",
  dependsOn: ["gateway.found"],
  explain: {
    meaning:
      "The controller runs the Gateway's data plane as a Deployment or DaemonSet (kgateway: <gw>; Istio: <gw>-istio; NGINX Gateway Fabric: <gw>-nginx; Contour: envoy-<gw>, all in the Gateway's namespace; Envoy Gateway: envoy-<ns>-<gw>-<hash> in envoy-gateway-system). Its pods, selected by the proxy Service, must be Ready. Cilium has no per-Gateway pods: its Service has no selector and Envoy runs in the cilium-envoy DaemonSet (or the agent) on every node, whose pods must be Ready.",
    causes: "The controller never created the Deployment (see gateway.programmed); the image cannot be pulled; Envoy crashes on its bootstrap (CrashLoopBackOff); the pod cannot be scheduled (resources, hostPort).",
    fix: "Look at the pods' events and logs (`kubectl -n NS describe pod …`, `kubectl -n NS logs … -c envoy`) and fix the cause named there.",
    links: ["https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/"],
  },
  async run(ctx) {
    const fact = ctx.facts.gateway;
    if (!fact) return skip("not applicable: no Gateway on the path");
    const name = `${fact.namespace}/${fact.name}`;
    const [services, pods, events] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal), ctx.kube.list("events", ctx.signal)]);
    const fromPath = ctx.facts.service;
    const pathSvc = fromPath ? services.find((s) => isObject(s, fromPath.namespace, fromPath.name)) : undefined;
    const proxies: Service[] = pathSvc ? [pathSvc] : proxyServicesOf(fact, services);
    if (!proxies.length) {
      return fail(`Gateway ${name} has no proxy Service or pods; expected its controller to create an Envoy Deployment and Service`, {
      causedBy: ["gateway.class-accepted", "gateway.programmed"],
        details: "The controller creates the proxy once it accepts and programs the Gateway: see gateway.class-accepted and gateway.programmed.",
        evidence: { gateway: name },
      });
    }
    const svc = proxies[0]!;
    const ns = svc.metadata.namespace ?? "default";
    const live = (p: Pod) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";
    const impl = gatewayImplementation(fact.implementation);
    if (!Object.keys(svc.spec.selector ?? {}).length) {
      // No selector: the data plane is shared (Cilium's Envoy DaemonSet) or the controller manages the endpoints.
      const shared = sharedProxyPodsOf(fact.implementation, pods.filter(live));
      if (!shared) {
        return impl?.sharedProxyPods
          ? fail(`Gateway ${name} is served by ${impl.title}'s shared Envoy, but no ${impl.sharedProxyPods.map((s) => s.workload).join(" or ")} pod exists; expected Ready pods on the node`, {
              details: `${impl.proxyWorkload}. Without them nothing terminates the Gateway's listeners on the node.`,
              evidence: { service: ref(svc), implementation: fact.implementation },
            })
          : skip(`not applicable: Service ${ref(svc)} has no selector (its endpoints are managed by the ${implementationTitle(fact.implementation)} controller), so netdoctor cannot tell its proxy pods`);
      }
      return podsOutcome(shared.pods, events, { service: ref(svc), workload: shared.workload, implementation: fact.implementation }, `${shared.workload} (${impl?.title ?? "shared"} Envoy for Gateway ${name})`, name);
    }
    const selected = podsSelectedBy(pods, ns, svc.spec.selector).filter(live);
    const deployments = await ctx.kube.list("deployments", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e)));
    const deps = deployments.filter((d) => (d.metadata.namespace ?? "default") === ns && selected.some((p) => matchesLabelSelector(p.metadata.labels, d.spec.selector)));
    const states = selected.map(podState);
    const ready = states.filter((s) => s.ready);
    const evidence = {
      service: ref(svc),
      selector: formatSelector(svc.spec.selector),
      deployments: deps.map((d) => ({ name: ref(d), replicas: d.spec.replicas ?? 1, readyReplicas: d.status?.readyReplicas ?? 0 })),
      pods: states,
    };
    if (!selected.length) {
      return fail(`Service ${ref(svc)} selector ${formatSelector(svc.spec.selector)} matches no pods; expected the Envoy proxy pods of Gateway ${name}`, {
      causedBy: ["gateway.class-accepted", "gateway.programmed"],
        details: "Without proxy pods the Service has no endpoints: connections to it are refused. The controller should create the proxy Deployment; check its logs and gateway.programmed.",
        evidence,
      });
    }
    const notReady = states.filter((s) => !s.ready);
    const warnings = selected
      .filter((p) => !podState(p).ready)
      .flatMap((p) => podEvents(events, p).filter((e) => e.type === "Warning").slice(0, 1))
      .map(formatEvent);
    if (!ready.length) {
      return fail(`no proxy pod of Gateway ${name} is Ready (0/${states.length}): ${notReady.map(describePodState).join("; ")}; expected Ready Envoy pods behind Service ${ref(svc)}`, {
        details: warnings.length ? `Newest warning events: ${warnings.join(" | ")}` : undefined,
        evidence: { ...evidence, events: warnings },
      });
    }
    if (notReady.length) {
      return warn(`${ready.length}/${states.length} proxy pods of Gateway ${name} are Ready; not Ready: ${notReady.map(describePodState).join("; ")}`, { evidence: { ...evidence, events: warnings } });
    }
    return pass(`${ready.length}/${states.length} proxy pods of Gateway ${name} are Ready (${ready.map((s) => s.name).join(", ")})`, { evidence });
  },
});

export default check;
