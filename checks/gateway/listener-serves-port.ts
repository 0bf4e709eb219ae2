/**
 * gateway.listener-serves-port (ND604): a listener of the Gateway serves the
 * port (and host) of the request. Publishes `facts.gateway` with `listener`.
 */
import { defineCheck, fail, pass, routingHostOf, skip, warn, type Check, type Condition, type Listener } from "../../src/index.js";
import { formatCondition, getCondition, isObject, listenerHostnameScore, ref } from "../../src/kube/helpers.js";
import { gatewayImplementation, proxyContainerPorts } from "../../src/gateway/implementations.js";

/** Plain explanations of listener condition reasons (Gateway API v1 gateway_types.go, real-world-facts §5.2). */
const REASONS: Record<string, string> = {
  PortUnavailable: "the controller cannot bind this port for the listener (another listener already uses it in an incompatible way, or the implementation does not allow the port); the listener serves nothing",
  UnsupportedProtocol: "the controller does not support this listener protocol",
  UnsupportedValue: "a listener field has a value the controller does not support",
  NoValidCACertificate: "the client-certificate validation CA is missing or invalid",
  HostnameConflict: "another listener on the same port has the same hostname, so requests cannot be told apart; the controller serves neither until one hostname changes",
  ProtocolConflict: "another listener on the same port uses an incompatible protocol (e.g. HTTP and HTTPS, or HTTP and TCP, on one port); give each protocol its own port",
  InvalidCertificateRef:
    "tls.certificateRefs names a Secret that does not exist, is in another namespace without a ReferenceGrant, or is not a kubernetes.io/tls Secret with tls.crt and tls.key; the HTTPS listener cannot terminate TLS",
  RefNotPermitted: "a reference to another namespace is not allowed by a ReferenceGrant",
  InvalidRouteKinds: "allowedRoutes.kinds names a route kind the controller does not support",
  Invalid: "the listener is invalid",
  Pending: "the controller has not processed the listener yet",
};

/** Listener conditions in their unhealthy polarity: Conflicted is bad when True, the others when not True. */
function problems(conds: Condition[] | undefined): Condition[] {
  return (conds ?? []).filter((c) => (c.type === "Conflicted" ? c.status === "True" : ["Accepted", "ResolvedRefs", "Programmed"].includes(c.type) && c.status !== "True"));
}

function show(l: Listener): string {
  return `${l.name} ${l.port}/${l.protocol}${l.hostname ? ` ${l.hostname}` : ""}`;
}

/**
 * Why this matters: the connection port selects the Gateway listener (and so
 * the routes attached to it); with no listener on the port the proxy has
 * nothing bound there (connection refused / reset), and a listener the
 * controller rejected (PortUnavailable, HostnameConflict, InvalidCertificateRef)
 * serves nothing either.
 */
const check: Check = defineCheck({
  id: "gateway.listener-serves-port",
  code: "ND604",
  hop: "gateway",
  title: "a listener serves the port",
  dependsOn: ["gateway.found"],
  contradiction:
    "the proxy still runs the configuration it had before the Gateway's listeners changed: the controller has not reconciled the proxy Service and Envoy yet, and when it does, the Service port and the listener will move and this path will stop answering; align spec.listeners[].port with the Service port and the node mapping before that happens",
  explain: {
    meaning:
      "The Gateway must have a listener whose port is the port the proxy Service receives the request on, with protocol HTTP (or HTTPS for https), a hostname that accepts the request host (exact > wildcard > none), and status conditions Accepted=True, Programmed=True, ResolvedRefs=True, Conflicted=False.",
    causes:
      "The listener port differs from the Service port (chart values like gateway.httpPort changed on one side only); the only listener on the port is HTTPS/TLS while the request is plain HTTP; the listener hostname does not match the request host; the controller rejected the listener (PortUnavailable, HostnameConflict, ProtocolConflict, InvalidCertificateRef).",
    fix: "Align the listener port with the Service port (and the k3d/kind mapping), fix the listener hostname or the request host, or fix the condition the controller reports.",
    links: ["https://gateway-api.sigs.k8s.io/reference/spec/#listener", "https://gateway-api.sigs.k8s.io/guides/multiple-ns/"],
  },
  async run(ctx) {
    const fact = ctx.facts.gateway;
    if (!fact) return skip("not applicable: no Gateway on the path");
    const gateways = await ctx.kube.list("gateways", ctx.signal);
    const gw = gateways.find((g) => isObject(g, fact.namespace, fact.name));
    const name = `${fact.namespace}/${fact.name}`;
    if (!gw) return fail(`Gateway ${name} does not exist; expected a listener on port ${fact.port}`, { facts: { gateway: { ...fact, listener: null } } });
    const all = gw.spec.listeners ?? [];
    const onPort = all.filter((l) => l.port === fact.port);
    const noListener = { gateway: { ...fact, listener: null } };
    const evidence: Record<string, unknown> = { gateway: ref(gw), port: fact.port, listeners: all.map(show), listenerStatus: gw.status?.listeners ?? [] };
    if (!onPort.length) {
      return fail(`Gateway ${name} has no listener on port ${fact.port}; listeners: ${all.map(show).join(", ") || "none"}`, {
        details:
          gatewayImplementation(fact.implementation)?.listenerPortIs === "container-port"
            ? `${gatewayImplementation(fact.implementation)!.title} binds a listener to the entryPoint with the same port inside its pod (${gatewayImplementation(fact.implementation)!.portMapping}); the request reaches the entryPoint on port ${fact.port}, so a listener must use port ${fact.port}, not the Service port. The controller reports the other listeners PortUnavailable ("Cannot find entryPoint for Gateway").`
            : `The proxy receives the request on port ${fact.port} (the Service port) but the Gateway asks it to listen on other ports, so nothing answers there. Align spec.listeners[].port with the Service port and the node mapping.`,
        evidence,
        facts: noListener,
      });
    }

    // Request scheme → listener protocols that can serve an HTTPRoute for it.
    const scheme = ctx.target?.scheme ?? "http";
    const wanted = scheme === "https" ? "HTTPS" : "HTTP";
    const usable = onPort.filter((l) => l.protocol.toUpperCase() === wanted);
    if (!usable.length) {
      return fail(`Gateway ${name} listener ${onPort.map(show).join(", ")} does not speak ${wanted} for this ${scheme} request; expected a ${wanted} listener on port ${fact.port}`, {
        details:
          wanted === "HTTP"
            ? "An HTTPS/TLS listener expects a TLS handshake; a plain HTTP request to it fails (reset or a TLS error). Use https:// or add an HTTP listener."
            : "The listener on this port is plain HTTP (or TCP/UDP): a TLS handshake to it fails. Use http:// or add an HTTPS listener with a certificate.",
        evidence,
        facts: noListener,
      });
    }

    // Listener isolation: exact hostname > longest wildcard > no hostname (Gateway API listener ordering).
    // The Host header selects the listener (a -H 'Host: …' included), not the name connected to.
    const host = ctx.target ? routingHostOf(ctx.target) : null;
    let chosen: Listener | null = null;
    if (host) {
      const ranked = usable.map((l) => ({ l, score: listenerHostnameScore(l.hostname, host) })).filter((x) => x.score >= 0).sort((a, b) => b.score - a.score);
      chosen = ranked[0]?.l ?? null;
      if (!chosen) {
        return fail(`no listener of Gateway ${name} on port ${fact.port} accepts host ${host}; listeners: ${usable.map(show).join(", ")}`, {
          details: "The Gateway picks the listener by port, then by hostname; when no listener hostname matches the Host header, the request is rejected with 404 (Gateway API listener hostname rules).",
          evidence,
          facts: noListener,
        });
      }
    } else if (usable.length === 1) {
      chosen = usable[0]!;
    }
    const published = { gateway: { ...fact, listener: chosen?.name ?? null } };

    // The Service targetPort must be a container port the implementation's proxy binds for the listener
    // (Envoy Gateway 80 → 10080, kgateway and Contour 80 → 8080; implementations table).
    const svc = ctx.facts.service;
    const impl = gatewayImplementation(fact.implementation);
    const allowed = chosen ? proxyContainerPorts(chosen.port, fact.implementation) : null;
    const expectedTarget = allowed?.[0] ?? null;
    const targetMismatch =
      svc && impl && allowed && typeof svc.targetPort === "number" && !allowed.includes(svc.targetPort)
        ? `Service ${svc.namespace}/${svc.name} port ${svc.port} targets ${svc.targetPort}, but ${impl.title} binds listener port ${chosen!.port} at container port ${allowed.join(" or ")}`
        : null;

    const checked = chosen ? [chosen] : usable;
    const statuses = checked.map((l) => ({ l, st: (gw.status?.listeners ?? []).find((s) => s.name === l.name) }));
    const bad = statuses.flatMap(({ l, st }) => problems(st?.conditions).map((c) => ({ l, c })));
    if (bad.length) {
      const why = [...new Set(bad.map(({ c }) => (c.reason && REASONS[c.reason] ? `${c.reason}: ${REASONS[c.reason]}.` : null)).filter((x): x is string => !!x))];
      return fail(`listener ${bad.map(({ l, c }) => `${l.name} is ${formatCondition(c)}`).join("; ")} on Gateway ${name}; expected Accepted=True, Programmed=True, ResolvedRefs=True, Conflicted=False`, {
        details: why.join(" ") || undefined,
        evidence,
        facts: published,
      });
    }
    if (targetMismatch) {
      return fail(`${targetMismatch}; expected targetPort ${allowed!.join(" or ")}`, {
        details: `${impl!.title} maps ports this way: ${impl!.portMapping}. A Service whose targetPort is another port sends the connection to a port nothing listens on in the proxy pod (connection refused or reset).`,
        evidence,
        facts: published,
      });
    }
    const which = chosen ? `listener ${show(chosen)}` : `listeners ${usable.map(show).join(", ")} (host unknown)`;
    if (statuses.some(({ st }) => !st)) {
      return warn(`Gateway ${name} ${which} serves port ${fact.port}, but the controller reported no status for it; expected listener conditions (see gateway.programmed)`, {
        evidence,
        facts: published,
        causedBy: ["gateway.class-accepted", "gateway.programmed"],
      });
    }
    // A proxy that binds the listener at another port inside the pod (Envoy Gateway 80 → 10080): say so, it explains the targetPort.
    const bound = svc && typeof svc.targetPort === "number" && allowed?.includes(svc.targetPort) ? svc.targetPort : expectedTarget;
    const shift =
      chosen && impl && bound !== null && bound !== chosen.port ? ` (${impl.title} binds it at container port ${bound}${svc ? `, Service ${svc.namespace}/${svc.name} targetPort ${svc.targetPort}` : ""})` : "";
    return pass(`Gateway ${name} ${which} serves port ${fact.port}${host ? ` for host ${host}` : ""}${shift}`, { evidence, facts: published });
  },
});

export default check;
