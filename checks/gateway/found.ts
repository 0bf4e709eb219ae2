/**
 * gateway.found (ND601): the Gateway behind the entry Service. Publishes
 * `facts.gateway`.
 */
import {
  defineCheck,
  fail,
  isSourceError,
  pass,
  skip,
  warn,
  type Check,
  type CheckContext,
  type CheckOutcome,
  type Gateway,
  type GatewayClass,
  type GatewayFact,
  type Service,
} from "../../src/index.js";
import { gatewayOfService, implementationOfController, isObject, podsSelectedBy, proxyServicesOf, ref } from "../../src/kube/helpers.js";
import { gatewayImplementation, implementationOf, implementationTitle, listenerPortFor, ownServiceGateways } from "../../src/gateway/implementations.js";

/** The listener name when exactly one listener of `gw` uses `port`, else null. */
function uniqueListener(gw: Gateway, port: number): string | null {
  const on = (gw.spec.listeners ?? []).filter((l) => l.port === port);
  return on.length === 1 ? on[0]!.name : null;
}

/** GatewayClasses, or none when they cannot be read (cluster-scoped RBAC often differs): the class only refines `implementation`. */
async function classesOrNone(list: () => Promise<GatewayClass[]>): Promise<GatewayClass[]> {
  try {
    return await list();
  } catch (e) {
    if (isSourceError(e)) return [];
    throw e;
  }
}

/**
 * The Gateway behind `svc` when `svc` is the controller's own Service of an
 * implementation that serves every Gateway of its classes through it
 * (traefik: listeners bind to entryPoints by the port inside the pod, so the
 * listener port is the container port the Service port targets). Null when
 * `svc` is not such a Service or no Gateway of its classes exists.
 */
async function ownServiceGateway(ctx: CheckContext, svc: Service, servicePort: number): Promise<CheckOutcome | null> {
  const sp = (svc.spec.ports ?? []).find((p) => p.port === servicePort);
  if (!sp) return null;
  const [gateways, classes, pods] = await Promise.all([
    ctx.kube.list("gateways", ctx.signal).catch((e: unknown) => (isSourceError(e) ? [] : Promise.reject(e))),
    classesOrNone(() => ctx.kube.list("gatewayclasses", ctx.signal)),
    ctx.kube.list("pods", ctx.signal),
  ]);
  const ns = svc.metadata.namespace ?? "default";
  const selected = podsSelectedBy(pods, ns, svc.spec.selector);
  const probe = ownServiceGateways(svc, sp.port, gateways, classes);
  if (!probe) return null;
  const listenerPort = listenerPortFor(probe.implementation.id, sp, selected);
  const found = ownServiceGateways(svc, listenerPort, gateways, classes)!;
  const gw = found.onPort[0] ?? found.gateways[0]!;
  const className = gw.spec.gatewayClassName ?? null;
  const fact: GatewayFact = {
    namespace: gw.metadata.namespace ?? "default",
    name: gw.metadata.name,
    className,
    listener: uniqueListener(gw, listenerPort),
    port: listenerPort,
    implementation: found.implementation.id,
  };
  const via = `Service ${ref(svc)} port ${sp.port} → container port ${listenerPort}`;
  const evidence = { service: ref(svc), servicePort: sp.port, listenerPort, gateway: ref(gw), gateways: found.gateways.map(ref), className, implementation: found.implementation.id, portMapping: found.implementation.portMapping };
  const others = found.gateways.length > 1 ? ` (other ${found.implementation.title} Gateways: ${found.gateways.filter((g) => g !== gw).map(ref).join(", ")})` : "";
  return pass(`${via} is ${found.implementation.title}, the proxy of Gateway ${ref(gw)} (class ${className ?? "<none>"})${others}`, {
    details: `${found.implementation.title} serves every Gateway of its classes through its own Service: ${found.implementation.portMapping}. So this request is for a listener on port ${listenerPort}.`,
    evidence,
    facts: { gateway: fact },
  });
}

/**
 * Why this matters: the Gateway (kgateway, Envoy Gateway) programs the Envoy
 * proxy behind the entry Service; every later gateway and route check needs to
 * know which Gateway that is. When no Service takes the node port but a
 * Gateway has a listener on it, the missing proxy Service is the root cause.
 */
const check: Check = defineCheck({
  id: "gateway.found",
  code: "ND601",
  hop: "gateway",
  title: "a Gateway is behind the entry Service",
  // gateway.ingress-controller-ready: to tell an ingress controller from a Gateway proxy (and so that the
  // checks after this one see facts.ingressController). It reads nothing new when the entry Service is not
  // an ingress controller, so it adds no round trip to Gateway paths.
  after: ["service.receives-port", "gateway.ingress-controller-ready"],
  explain: {
    meaning:
      "Gateway controllers create a proxy Service per Gateway and label it: kgateway, Istio (<gw>-istio) and NGINX Gateway Fabric (<gw>-nginx) with gateway.networking.k8s.io/gateway-name in the Gateway's namespace, Envoy Gateway with gateway.envoyproxy.io/owning-gateway-name/-namespace (envoy-<ns>-<gw>-<hash> in envoy-gateway-system), Cilium with io.cilium.gateway/owning-gateway (cilium-gateway-<gw>), Contour's provisioner with projectcontour.io/owning-gateway-name (envoy-<gw>). traefik serves its Gateways through its own Service. This check follows those labels from the entry Service to its Gateway, and names the implementation from the GatewayClass's controllerName; an implementation netdoctor does not know is diagnosed from the Gateway's status and addresses and reported as generic.",
    causes:
      "The Service is not a Gateway proxy (an application exposed directly, or an ingress controller such as ingress-nginx or traefik: then this check is skipped and gateway.ingress-controller-ready and route.ingress-rule-matches follow the Ingress path); the Gateway the labels name was deleted; or the controller never created the proxy Service (controller not installed, wrong gatewayClassName).",
    fix: "If a Gateway should be behind the port, check gateway.class-accepted and gateway.programmed for why its controller did not create the proxy.",
    links: ["https://gateway-api.sigs.k8s.io/api-types/gateway/", "https://gateway.envoyproxy.io/docs/tasks/operations/deployment-mode/"],
  },
  async run(ctx) {
    const svcFact = ctx.facts.service;
    const ingress = ctx.facts.ingressController;
    if (ingress) {
      const entry = svcFact ? `Service ${svcFact.namespace}/${svcFact.name}` : `${ingress.namespace}/${ingress.name}`;
      return skip(`not applicable: ${entry} is an ingress controller (${ingress.implementation}), not a Gateway proxy`, { facts: { gateway: null } });
    }
    const services = await ctx.kube.list("services", ctx.signal);

    if (svcFact) {
      const svc = services.find((s) => isObject(s, svcFact.namespace, svcFact.name));
      const name = `${svcFact.namespace}/${svcFact.name}`;
      const owner = svc ? gatewayOfService(svc) : null;
      if (!owner) {
        // A controller whose own Service is the proxy of all its Gateways (traefik as a Gateway API provider).
        const shared = svc ? await ownServiceGateway(ctx, svc, svcFact.port) : null;
        if (shared) return shared;
        return skip(`not applicable: Service ${name} is not a Gateway proxy`, { facts: { gateway: null } });
      }
      const [gateways, classes] = await Promise.all([ctx.kube.list("gateways", ctx.signal), classesOrNone(() => ctx.kube.list("gatewayclasses", ctx.signal))]);
      const gw = gateways.find((g) => isObject(g, owner.namespace, owner.name));
      if (!gw) {
        return fail(`Service ${name} is labelled as the proxy of Gateway ${owner.namespace}/${owner.name}, which does not exist; expected that Gateway`, {
          details: "The Gateway was deleted (or renamed) but its proxy Service is still there; the proxy has no configuration for this path.",
          evidence: { service: name, labels: svc!.metadata.labels ?? {}, gateway: `${owner.namespace}/${owner.name}` },
          facts: { gateway: null },
        });
      }
      const className = gw.spec.gatewayClassName ?? null;
      const cls = classes.find((c) => c.metadata.name === className);
      const implementation = implementationOf(className, classes, owner);
      const fact: GatewayFact = {
        namespace: owner.namespace,
        name: owner.name,
        className,
        listener: uniqueListener(gw, svcFact.port),
        port: svcFact.port,
        implementation,
      };
      const generic = implementation === "other" ? `; generic: ${cls?.spec.controllerName ?? "unknown controller"} is not an implementation netdoctor knows, so only the Gateway's status and addresses are diagnosed` : "";
      return pass(`Service ${name} is the proxy of Gateway ${ref(gw)} (class ${className ?? "<none>"}, ${implementationTitle(implementation)})${generic}`, {
        evidence: { service: name, gateway: ref(gw), className, controllerName: cls?.spec.controllerName ?? null, implementation, labelledBy: owner.implementation },
        facts: { gateway: fact },
      });
    }

    // No Service takes the node port: a Gateway listening on that port without a proxy Service explains why.
    const container = ctx.facts.container;
    if (!container || container.role === "other") return skip("not applicable: no Service on the path", { facts: { gateway: null } });
    const port = container.containerPort;
    const [gateways, classes] = await Promise.all([ctx.kube.list("gateways", ctx.signal), classesOrNone(() => ctx.kube.list("gatewayclasses", ctx.signal))]);
    // A kind node receives a nodePort, which no listener uses: there any Gateway without its proxy Service is the candidate
    // (except implementations serving all Gateways through their own Service, traefik).
    const kindNode = container.role === "kind-node";
    const orphans = gateways.filter(
      (g) =>
        (kindNode ? !gatewayImplementation(implementationOf(g.spec.gatewayClassName, classes))?.ownServiceLabels : (g.spec.listeners ?? []).some((l) => l.port === port)) &&
        proxyServicesOf({ namespace: g.metadata.namespace ?? "default", name: g.metadata.name }, services as Service[]).length === 0,
    );
    if (!orphans.length) {
      // The entry Service could not be resolved (service.receives-port errored or was skipped): a Gateway
      // whose proxy exists and listens on the node port is still the best answer.
      const listening = svcFact === undefined ? gateways.filter((g) => (g.spec.listeners ?? []).some((l) => l.port === port)) : [];
      if (listening.length === 1) {
        const gw = listening[0]!;
        const proxy = proxyServicesOf({ namespace: gw.metadata.namespace ?? "default", name: gw.metadata.name }, services as Service[])[0]!;
        const cls = classes.find((c) => c.metadata.name === gw.spec.gatewayClassName);
        const fact: GatewayFact = {
          namespace: gw.metadata.namespace ?? "default",
          name: gw.metadata.name,
          className: gw.spec.gatewayClassName ?? null,
          listener: uniqueListener(gw, port),
          port,
          implementation: implementationOf(gw.spec.gatewayClassName, classes, gatewayOfService(proxy)),
        };
        return pass(`Gateway ${ref(gw)} listens on port ${port} (proxy Service ${ref(proxy)}); the entry Service itself was not resolved`, {
          evidence: { port, gateway: ref(gw), proxyService: ref(proxy) },
          facts: { gateway: fact },
        });
      }
      return skip(`not applicable: no Service takes port ${port} and no Gateway listens on it`, { facts: { gateway: null } });
    }
    const gw = orphans[0]!;
    const className = gw.spec.gatewayClassName ?? null;
    const cls = classes.find((c) => c.metadata.name === className);
    const fact: GatewayFact = {
      namespace: gw.metadata.namespace ?? "default",
      name: gw.metadata.name,
      className,
      listener: kindNode ? (gw.spec.listeners?.length === 1 ? gw.spec.listeners[0]!.name : null) : uniqueListener(gw, port),
      port: kindNode ? (gw.spec.listeners?.[0]?.port ?? port) : port,
      implementation: implementationOf(className, classes),
    };
    const what = kindNode ? `Gateway ${ref(gw)} has no proxy Service, so nothing takes node port ${port}` : `Gateway ${ref(gw)} has a listener on port ${port} but no proxy Service`;
    return warn(`${what}; expected its controller (${implementationTitle(fact.implementation)}) to create one (class ${className ?? "<none>"})`, {
      causedBy: ["gateway.class-accepted", "gateway.programmed"],
      details:
        `Nothing takes port ${port} on the nodes because the Gateway's proxy Service does not exist. The controller of GatewayClass ${className ?? "<none>"} creates it once it accepts and programs the Gateway: ` +
        "gateway.class-accepted and gateway.programmed say why it has not." +
        (orphans.length > 1 ? ` Other Gateways in the same state: ${orphans.slice(1).map(ref).join(", ")}.` : ""),
      evidence: { port, gateways: orphans.map(ref), className, controllerName: cls?.spec.controllerName ?? null },
      facts: { gateway: fact },
    });
  },
});

export default check;
