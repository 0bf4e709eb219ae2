/**
 * gateway.class-accepted (ND602): the Gateway's GatewayClass exists and a
 * controller has accepted it.
 */
import { defineCheck, fail, pass, skip, type Check } from "../../src/index.js";
import { formatCondition, getCondition, isObject } from "../../src/kube/helpers.js";
import { implementationOfControllerName, implementationTitle } from "../../src/gateway/implementations.js";

/** Plain explanations of GatewayClass `Accepted` reasons (Gateway API v1 gatewayclass_types.go). */
const REASONS: Record<string, string> = {
  Pending: "no controller has acted on it yet: nothing with this controllerName is running",
  Waiting: "the controller is waiting for something before it accepts the class",
  InvalidParameters: "its parametersRef points to a missing or invalid parameters object",
  Unsupported: "the controller does not support this class (e.g. an unsupported Gateway API version)",
  UnsupportedVersion: "the installed Gateway API CRD version is not supported by the controller",
};

/** The implementation a controllerName belongs to, in words ("the controller" for one netdoctor does not know). */
function controllerTitle(controllerName: string): string {
  const id = implementationOfControllerName(controllerName);
  return id && id !== "other" ? implementationTitle(id) : "the controller";
}

/**
 * Why this matters: a Gateway is only programmed by the controller whose
 * controllerName its GatewayClass names. A missing class, or a class no
 * controller accepted, means no proxy is created or configured: the classic
 * "kgateway / Envoy Gateway not installed" or "wrong gatewayClassName".
 */
const check: Check = defineCheck({
  id: "gateway.class-accepted",
  code: "ND602",
  hop: "gateway",
  title: "the GatewayClass is accepted by a controller",
  dependsOn: ["gateway.found"],
  explain: {
    meaning: "The Gateway's spec.gatewayClassName must name an existing GatewayClass whose controller (spec.controllerName) has set Accepted=True on it.",
    causes: "The controller (kgateway, Envoy Gateway) is not installed or not running; the Gateway names a class that does not exist (typo, or a class from another install); the class's parametersRef is invalid.",
    fix: "Install or restart the controller (e.g. `helm install kgateway oci://cr.kgateway.dev/kgateway-dev/charts/kgateway`), or fix spec.gatewayClassName to a class listed by `kubectl get gatewayclass`.",
    links: ["https://gateway-api.sigs.k8s.io/api-types/gatewayclass/"],
  },
  async run(ctx) {
    const fact = ctx.facts.gateway;
    if (!fact) return skip("not applicable: no Gateway on the path");
    const gwName = `${fact.namespace}/${fact.name}`;
    const [classes, gateways] = await Promise.all([ctx.kube.list("gatewayclasses", ctx.signal), ctx.kube.list("gateways", ctx.signal)]);
    const gw = gateways.find((g) => isObject(g, fact.namespace, fact.name));
    const className = gw?.spec.gatewayClassName ?? fact.className;
    if (!className) return fail(`Gateway ${gwName} has no gatewayClassName; expected the name of a GatewayClass`);
    const cls = classes.find((c) => c.metadata.name === className);
    const evidence = { gateway: gwName, gatewayClass: className, controllerName: cls?.spec.controllerName ?? null, conditions: cls?.status?.conditions ?? [], classes: classes.map((c) => c.metadata.name) };
    if (!cls) {
      return fail(`GatewayClass ${className} does not exist; no controller will program Gateway ${gwName} (GatewayClasses: ${classes.map((c) => c.metadata.name).join(", ") || "none"})`, {
        details: "A Gateway is programmed by the controller its GatewayClass names. Install the controller that creates this class, or set spec.gatewayClassName to an existing class.",
        evidence,
      });
    }
    const conds = cls.status?.conditions ?? [];
    const accepted = getCondition(conds, "Accepted");
    if (!conds.length) {
      return fail(`GatewayClass ${className} has no status: no controller has acted on it (is ${controllerTitle(cls.spec.controllerName)} installed and running? controllerName ${cls.spec.controllerName}); expected Accepted=True`, { evidence });
    }
    if (accepted?.status === "True") return pass(`GatewayClass ${className} is Accepted by ${cls.spec.controllerName}`, { evidence });
    const why = accepted?.reason ? REASONS[accepted.reason] : undefined;
    const waiting = accepted?.reason === "Pending" || accepted?.message === "Waiting for controller";
    return fail(
      accepted
        ? `GatewayClass ${className} is ${formatCondition(accepted)}${waiting ? `: no controller ${cls.spec.controllerName} is running (is ${controllerTitle(cls.spec.controllerName)} installed?)` : ""}; expected Accepted=True`
        : `GatewayClass ${className} has no Accepted condition; expected Accepted=True from ${cls.spec.controllerName}`,
      { details: why ? `${accepted!.reason}: ${why}.` : undefined, evidence },
    );
  },
});

export default check;
