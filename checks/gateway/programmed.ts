/**
 * gateway.programmed (ND603): the Gateway is Accepted and Programmed by its
 * controller.
 */
import { defineCheck, fail, pass, skip, warn, type Check, type Condition } from "../../src/index.js";
import { formatCondition, getCondition, isObject, ref } from "../../src/kube/helpers.js";
import { gatewayImplementation, implementationTitle } from "../../src/gateway/implementations.js";

/**
 * Plain explanations of Gateway `Accepted` / `Programmed` reasons (Gateway API
 * v1 gateway_types.go; messages of Envoy Gateway internal/gatewayapi/status
 * and kgateway, real-world-facts §5).
 */
const REASONS: Record<string, string> = {
  Pending:
    "no controller has processed the Gateway (\"Waiting for controller\" is the default status the API server writes): the GatewayClass's controller is not installed or not running, or spec.gatewayClassName names a class nobody serves",
  AddressNotAssigned:
    "the controller could not get an address for the Gateway (Envoy Gateway: \"No addresses have been assigned to the Gateway\"): its LoadBalancer Service has no EXTERNAL-IP (kind without cloud-provider-kind or MetalLB, or k3s svclb pods Pending); see service.load-balancer-ready",
  AddressNotUsable: "an address requested in spec.addresses cannot be used",
  NoResources:
    "the proxy Deployment has no available replicas (Envoy Gateway says \"Envoy replicas unavailable\"): the Envoy pods are not Ready, so nothing serves the listeners; gateway.proxy-ready names the pods and why",
  Invalid:
    "the controller rejected the Gateway as written; the condition message names the field (for example spec.infrastructure.parametersRef naming a missing EnvoyProxy, or no valid listener)",
  InvalidParameters: "spec.infrastructure.parametersRef points to a missing or invalid object",
  UnsupportedAddress: "spec.addresses asks for an address type the controller does not support",
  ListenersNotValid: "one or more listeners are invalid (see gateway.listener-serves-port)",
  NotReconciled: "the controller did not reconcile the Gateway",
};

function explain(c: Condition | undefined): string | null {
  return c?.reason && REASONS[c.reason] ? `${c.type} ${c.reason}: ${REASONS[c.reason]}.` : null;
}

/**
 * Why this matters: until the controller has Accepted and Programmed the
 * Gateway, the Envoy proxy either does not exist or has no configuration for
 * its listeners; the request stops at the proxy Service (or before it).
 */
const check: Check = defineCheck({
  id: "gateway.programmed",
  code: "ND603",
  hop: "gateway",
  title: "the Gateway is Accepted and Programmed",
  dependsOn: ["gateway.found"],
  contradiction:
    "the Gateway's status is stale or describes a change the controller has not applied: the proxy still serves its previous configuration, and the next reconcile may take it down; fix the condition the status reports before it does",
  explain: {
    meaning: "A Gateway's controller sets status.conditions Accepted=True once it takes the Gateway and Programmed=True once the proxy has its configuration and an address.",
    causes:
      "Accepted=Unknown Pending \"Waiting for controller\": no controller for the GatewayClass. Programmed=False AddressNotAssigned: the proxy's LoadBalancer Service has no address. NoResources: proxy pods unavailable. Invalid / ListenersNotValid: spec errors.",
    fix: "Install or fix the controller (see gateway.class-accepted), give the proxy Service an address (service.load-balancer-ready), or fix the proxy pods (gateway.proxy-ready).",
    links: ["https://gateway-api.sigs.k8s.io/api-types/gateway/", "https://gateway.envoyproxy.io/docs/tasks/quickstart/"],
  },
  async run(ctx) {
    const fact = ctx.facts.gateway;
    if (!fact) return skip("not applicable: no Gateway on the path");
    const gateways = await ctx.kube.list("gateways", ctx.signal);
    const gw = gateways.find((g) => isObject(g, fact.namespace, fact.name));
    const name = `${fact.namespace}/${fact.name}`;
    if (!gw) return fail(`Gateway ${name} does not exist; expected it to be Accepted and Programmed`);
    const conds = gw.status?.conditions ?? [];
    const accepted = getCondition(conds, "Accepted");
    const programmed = getCondition(conds, "Programmed");
    const addresses = (gw.status?.addresses ?? []).map((a) => a.value);
    const evidence = { gateway: ref(gw), generation: gw.metadata.generation ?? null, conditions: conds, addresses };

    if (!accepted && !programmed) {
      return fail(`Gateway ${name} has no status conditions: no controller has processed it; expected Accepted=True and Programmed=True from the controller of GatewayClass ${gw.spec.gatewayClassName}`, {
        details: REASONS["Pending"],
        evidence,
        causedBy: ["gateway.class-accepted"],
      });
    }
    if (accepted?.status !== "True" || programmed?.status !== "True") {
      const bad = [accepted, programmed].filter((c): c is Condition => !!c && c.status !== "True");
      const missing = [!accepted && "Accepted", !programmed && "Programmed"].filter(Boolean).join(", ");
      const summary = `Gateway ${name} is ${bad.map(formatCondition).join(", ")}${missing ? ` (no ${missing} condition)` : ""}; expected Accepted=True and Programmed=True`;
      const details = [...new Set(bad.map(explain).filter((x): x is string => !!x))].join(" ") || undefined;
      // Without an address the proxy still serves through a nodePort / hostPort mapping: the path works.
      // Some implementations say AddressNotAssigned when their proxy has no ready endpoints (Istio "no instances found"): not an address problem.
      const proxyDown = gatewayImplementation(fact.implementation)?.proxyNotReadyMessage?.test(programmed?.message ?? "") ?? false;
      if (proxyDown) {
        return fail(summary, {
          details: `${implementationTitle(fact.implementation)} reports AddressNotAssigned because the proxy Service has no ready endpoints: the proxy pods are not Ready, so nothing serves the listeners. gateway.proxy-ready names the pods and why.`,
          evidence,
        });
      }
      const addressOnly = accepted?.status === "True" && programmed?.reason === "AddressNotAssigned";
      const via = ctx.facts.service?.via;
      // AddressNotAssigned while the proxy's LoadBalancer Service has its address: the controller did not
      // write the address it has into the Gateway's status (envoyproxy/gateway#8953, #5715: "traffic routing
      // is completely unaffected"; touching the Service made Envoy Gateway reconcile within a second).
      const entry = ctx.facts.service;
      if (addressOnly && entry?.type === "LoadBalancer") {
        const svc = (await ctx.kube.list("services", ctx.signal)).find((s) => isObject(s, entry.namespace, entry.name));
        const lbAddresses = (svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname).filter((a): a is string => !!a);
        if (lbAddresses.length) {
          return warn(`${summary} — yet its proxy Service ${entry.namespace}/${entry.name} has EXTERNAL-IP ${lbAddresses.join(", ")}: the Gateway's status is stale`, {
            details: `The controller reports no address, but the LoadBalancer Service it created for the Gateway has one (status.loadBalancer.ingress ${lbAddresses.join(", ")}); the proxy serves traffic, yet anything that reads the Gateway's address (kubectl get gateway, external-dns, tests waiting for Programmed) sees none. The controller missed the Service's status update; a change to the Service makes it reconcile: \`kubectl -n ${entry.namespace} annotate svc ${entry.name} netdoctor.io/touch="$(date -u +%FT%TZ)" --overwrite\`. If the condition comes back, look at the controller's logs.`,
            evidence: { ...evidence, serviceAddresses: lbAddresses },
          });
        }
      }
      if (addressOnly && (via === "nodeport" || via === "hostport" || via === "port-forward")) {
        const how = via === "nodeport" ? `nodePort ${ctx.facts.service?.nodePort}` : via === "hostport" ? "a hostPort pod" : "kubectl port-forward";
        return warn(summary, {
          details: `${details ?? ""} This path reaches the proxy through ${how}, which works without an address.`.trim(),
          evidence,
          causedBy: ["service.load-balancer-ready"],
        });
      }
      // No address: the LoadBalancer is not ready (e.g. its svclb pods Pending); otherwise the class may be the cause.
      const causedBy = programmed?.reason === "AddressNotAssigned" ? ["service.load-balancer-ready", "gateway.class-accepted"] : ["gateway.class-accepted"];
      return fail(summary, { details, evidence, causedBy });
    }
    const stale = [accepted, programmed].some((c) => typeof c.observedGeneration === "number" && typeof gw.metadata.generation === "number" && c.observedGeneration < gw.metadata.generation);
    if (stale) {
      return warn(
        `Gateway ${name} is Accepted and Programmed, but for generation ${Math.min(accepted.observedGeneration ?? 0, programmed.observedGeneration ?? 0)} while the spec is at generation ${gw.metadata.generation}; expected the controller to catch up`,
        {
          details:
            "The controller has not processed the latest change to the Gateway: it may be stuck, restarting or not running any more. The status describes an older spec, and the proxy still runs it. If this persists beyond a few seconds, look at the controller's pods and logs (the controller of the GatewayClass, e.g. `kubectl -n kgateway-system logs deploy/kgateway`).",
          evidence,
        },
      );
    }
    return pass(`Gateway ${name} is Accepted and Programmed${addresses.length ? ` (address ${addresses.join(", ")})` : ""}`, { evidence });
  },
});

export default check;
