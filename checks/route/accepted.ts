/**
 * route.accepted (ND702): the route is Accepted by its Gateway.
 *
 * Why this matters: the data plane follows the controller, not the YAML. A
 * route that the rules say should attach still serves nothing while its
 * `status.parents[]` entry says `Accepted=False`, is missing (no controller
 * owns the Gateway: wrong gatewayClassName, controller not running), or is
 * stale (the controller has not processed the latest generation). Comparing
 * the status with netdoctor's own attachment computation (reference A3) also
 * catches controllers that disagree with the spec.
 */
import { defineCheck, fail, pass, skip, warn, type CheckOutcome } from "../../src/index.js";
import { compareRouteStatus, type ParentStatusComparison } from "../../src/gateway/index.js";
import { loadWorld, nn } from "./common.js";

const cond = (c: { status: string; reason?: string; message?: string } | null) => (c ? `Accepted=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? ` "${c.message}"` : ""}` : "no Accepted condition");

export default defineCheck({
  id: "route.accepted",
  code: "ND702",
  hop: "route",
  title: "the route is Accepted by its Gateway",
  dependsOn: ["route.host-matches"],
  explain: {
    meaning:
      "The Gateway's controller has processed the HTTPRoute for this Gateway: its status.parents entry for the parentRef has Accepted=True, written for the route's current generation, and agrees with what the Gateway API attachment rules predict.",
    causes:
      "Accepted=False NotAllowedByListeners (allowedRoutes namespaces from Same or a selector, or kinds), NoMatchingParent (parentRef sectionName or port names no listener), NoMatchingListenerHostname (no hostname intersection); no status at all when no controller owns the Gateway (wrong gatewayClassName, controller not installed or not running); a stale status when the controller is stuck or slow.",
    fix:
      "Read the condition (`kubectl get httproute NAME -n NS -o yaml`, status.parents[].conditions), then fix the parentRef, the listener's allowedRoutes or the hostnames; if status is missing or stale, check the GatewayClass controller (`kubectl get gatewayclass`) and its pods and logs.",
    links: ["https://gateway-api.sigs.k8s.io/reference/spec/#routeparentstatus", "https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason"],
  },
  async run(ctx): Promise<CheckOutcome> {
    const fact = ctx.facts.gateway;
    const rf = ctx.facts.route;
    if (!fact || !rf || rf.kind !== "HTTPRoute") return skip("not applicable: no HTTPRoute selected for this path");
    const loaded = await loadWorld(ctx, fact, false);
    const gwRef = `${fact.namespace}/${fact.name}`;
    const route = loaded.routes.find((r) => r.metadata.name === rf.name && (r.metadata.namespace ?? "default") === rf.namespace);
    if (!loaded.gateway || !route) return skip(`not applicable: ${loaded.gateway ? `HTTPRoute ${rf.namespace}/${rf.name}` : `Gateway ${gwRef}`} not found`);
    const all = compareRouteStatus(route, loaded.gateway, loaded.world?.namespaces ?? null);
    const mine = all.filter((c) => c.computed.listeners.some((l) => l.listener === fact.listener));
    const relevant = mine.length ? mine : all;
    const routeRef = nn(route);
    const evidence: Record<string, unknown> = {
      gateway: gwRef,
      route: routeRef,
      generation: route.metadata.generation ?? null,
      parents: relevant.map((c) => ({
        parentRef: c.parentRef,
        controllerName: c.controllerName,
        accepted: c.accepted,
        resolvedRefs: c.resolvedRefs,
        computed: { reason: c.computed.reason, listeners: c.computed.listeners.map((l) => l.listener) },
        missing: c.missing,
        pending: c.pending,
        stale: c.stale,
        disagreement: c.disagreement,
      })),
    };
    if (Object.keys(loaded.unavailable).length) evidence.unavailable = loaded.unavailable;
    if (!relevant.length) return skip(`not applicable: HTTPRoute ${routeRef} has no parentRef to Gateway ${gwRef}`, { evidence });

    const rejected = relevant.find((c) => c.accepted?.status === "False");
    if (rejected) {
      const hostless = !(route.spec.hostnames ?? []).length && rejected.accepted?.reason === "NoMatchingListenerHostname";
      const listenerHosts = loaded.gateway.spec.listeners.filter((l) => rejected.computed.listeners.some((c) => c.listener === l.name)).map((l) => l.hostname).filter((h): h is string => !!h);
      const computed = rejected.computed.accepted
        ? hostless
          ? `netdoctor's computation disagrees: the route names no hostnames, and by the Gateway API a route without hostnames takes the listener's (${listenerHosts.join(", ") || "any"}), so it attaches to listener ${rejected.computed.listeners.map((l) => l.listener).join(", ")}. The controller does not follow that rule (NGINX Gateway Fabric refused such routes until nginx/nginx-gateway-fabric#606 was fixed): upgrade it, or list hostnames in the route that fall under the listener's${listenerHosts.length ? ` (${listenerHosts.join(", ")})` : ""} until then.`
          : `netdoctor's computation disagrees: by the Gateway API rules it attaches to listener ${rejected.computed.listeners.map((l) => l.listener).join(", ")}, so the controller applies a rule of its own or works on an older spec.`
        : rejected.reasonDiffers
          ? `netdoctor's computation agrees that it does not attach, but names ${rejected.computed.reason} (${rejected.computed.message}); controllers order these checks differently (kgateway tests kinds and namespaces before sectionName and port), so fix both.`
          : `netdoctor's computation agrees: ${rejected.computed.reason} (${rejected.computed.message}).`;
      return fail(`HTTPRoute ${routeRef} is not Accepted by Gateway ${gwRef}: ${cond(rejected.accepted)}; expected Accepted=True`, {
        details: `The controller ${rejected.controllerName ?? "(unknown)"} refused the route for this parentRef, so the data plane has no configuration for it and requests get 404. ${computed}`,
        evidence,
      });
    }
    const first = (pred: (c: ParentStatusComparison) => boolean) => relevant.find(pred);
    const missing = first((c) => c.missing);
    if (missing) {
      return warn(`HTTPRoute ${routeRef} has no status for Gateway ${gwRef}; expected Accepted=True from the Gateway's controller`, {
        details:
          "No controller has written a status.parents entry for this parentRef. Either no controller owns the Gateway (wrong gatewayClassName, controller not installed or not running) or it has not reached this route yet. Until it does, the data plane has no route and requests get 404.",
        evidence,
        causedBy: ["gateway.class-accepted", "gateway.programmed"],
      });
    }
    const pending = first((c) => c.pending);
    if (pending) {
      return warn(`HTTPRoute ${routeRef} is not yet Accepted by Gateway ${gwRef}: ${cond(pending.accepted)}; expected Accepted=True`, {
        details: "Accepted is Unknown: the controller has not decided. It is usually still starting, or the Gateway itself is not accepted.",
        evidence,
        causedBy: ["gateway.class-accepted", "gateway.programmed"],
      });
    }
    const stale = first((c) => c.stale);
    if (stale) {
      const observed = Math.min(...(stale.status?.conditions ?? []).map((c) => c.observedGeneration ?? Number.POSITIVE_INFINITY));
      return warn(`status of HTTPRoute ${routeRef} for Gateway ${gwRef} is stale (observedGeneration ${observed} < generation ${route.metadata.generation}); expected the controller to have processed generation ${route.metadata.generation}`, {
        details: "The controller has not processed the latest change to this route: the data plane may still run the previous spec. A controller that stays behind is stuck or crash-looping: if it persists beyond a few seconds, look at the controller's pods and logs.",
        evidence,
      });
    }
    const disagree = first((c) => c.disagreement !== null);
    if (disagree) {
      return warn(`HTTPRoute ${routeRef} on Gateway ${gwRef}: ${disagree.disagreement}`, {
        details: "The controller's status and the Gateway API attachment rules disagree; the data plane follows the controller. The route may attach through a listener you do not expect.",
        evidence,
      });
    }
    const ok = relevant[0]!;
    return pass(`HTTPRoute ${routeRef} is Accepted by Gateway ${gwRef} (controller ${ok.controllerName ?? "unknown"})`, { evidence });
  },
});
