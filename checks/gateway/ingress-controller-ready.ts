/**
 * gateway.ingress-controller-ready (ND606): when the entry Service (or the
 * hostPort pod that takes the node port) is an ingress controller —
 * ingress-nginx, traefik or Contour's Envoy — its pods are Ready. Publishes
 * `facts.ingressController` (null when the entry is not an ingress controller).
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
  type Deployment,
  type Gateway,
  type GatewayClass,
  type Ingress,
  type IngressClass,
  type IngressControllerFact,
  type Pod,
  type Service,
} from "../../src/index.js";
import {
  describePodState,
  formatEvent,
  formatSelector,
  hostPortsOf,
  isObject,
  matchesLabelSelector,
  podEvents,
  podState,
  podsSelectedBy,
  ref,
} from "../../src/kube/helpers.js";
import { listenerPortFor, ownServiceGateways, ownServiceImplementations } from "../../src/gateway/implementations.js";
import { classesOfController, contourServeArgs, controllerConfig, ingressImplementationOf, ingressImplementationOfService, podArgs, type IngressImplementation } from "../../src/ingress/index.js";

/** Label kind's ingress guide puts on the node that runs ingress-nginx (kind docs "Ingress", kubeadmConfigPatches node-labels). */
const INGRESS_READY_LABEL = "ingress-ready";

const live = (p: Pod) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed";

/** A kind-listing that may be forbidden: [] and a note instead of a SourceError. */
async function soft<T>(p: Promise<T[]>, kind: string, unavailable: Record<string, string>): Promise<T[]> {
  try {
    return await p;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    unavailable[kind] = e.message;
    return [];
  }
}

/** What the entry of the path is, when it is an ingress controller. */
interface Entry {
  implementation: IngressImplementation;
  namespace: string;
  service: Service | null;
  /** The controller's pods (selected by the Service, or the hostPort pod's siblings). */
  pods: Pod[];
  /** How the entry was found, for the summary. */
  via: string;
  /** Every pod listed (Contour's class flags live on the `contour serve` pods, not on Envoy's). */
  allPods: Pod[];
}

/**
 * When the entry Service is the controller's own Service of a Gateway API
 * provider (traefik with providers.kubernetesGateway) and the request is for
 * one of its Gateways — a Gateway of its classes listens on the entryPoint
 * port, or no Ingress names the request host — a phrase naming that Gateway;
 * else null (the Ingress path).
 */
async function servesGatewayHere(ctx: CheckContext, svc: Service, servicePort: number, pods: Pod[]): Promise<string | null> {
  if (!ownServiceImplementations(svc).length) return null;
  const sp = (svc.spec.ports ?? []).find((p) => p.port === servicePort);
  if (!sp) return null;
  const unavailable: Record<string, string> = {};
  const [gateways, classes, ingresses] = await Promise.all([
    soft<Gateway>(ctx.kube.list("gateways", ctx.signal), "gateways", unavailable),
    soft<GatewayClass>(ctx.kube.list("gatewayclasses", ctx.signal), "gatewayclasses", unavailable),
    soft<Ingress>(ctx.kube.list("ingresses", ctx.signal), "ingresses", unavailable),
  ]);
  const first = ownServiceGateways(svc, sp.port, gateways, classes);
  if (!first) return null;
  const listenerPort = listenerPortFor(first.implementation.id, sp, podsSelectedBy(pods, svc.metadata.namespace ?? "default", svc.spec.selector));
  const owned = ownServiceGateways(svc, listenerPort, gateways, classes)!;
  const host = ctx.target?.host;
  const ingressNamesHost = host !== undefined && ingresses.some((i) => (i.spec?.rules ?? []).some((r) => r.host === host));
  if (!owned.onPort.length && ingressNamesHost) return null;
  const gw = owned.onPort[0] ?? owned.gateways[0]!;
  return `${owned.implementation.title}, the proxy of Gateway ${ref(gw)} (GatewayClass ${gw.spec.gatewayClassName}), not an Ingress path`;
}

/** The ingress controller at the entry of the path, or a skip reason. */
async function findEntry(ctx: CheckContext): Promise<Entry | string> {
  const svcFact = ctx.facts.service;
  const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
  if (svcFact) {
    const svc = services.find((s) => isObject(s, svcFact.namespace, svcFact.name));
    const name = `${svcFact.namespace}/${svcFact.name}`;
    const impl = svc ? ingressImplementationOfService(svc, pods) : null;
    if (!svc || !impl) return `not applicable: Service ${name} is not an ingress controller`;
    const gatewayPath = await servesGatewayHere(ctx, svc, svcFact.port, pods);
    if (gatewayPath) return `not applicable: Service ${name} is ${gatewayPath}; see gateway.found`;
    return {
      implementation: impl,
      namespace: svcFact.namespace,
      service: svc,
      pods: podsSelectedBy(pods, svcFact.namespace, svc.spec.selector).filter(live),
      allPods: pods,
      via: `Service ${name}${svcFact.via === "hostport" ? ` (its pods take node port ${ctx.facts.container?.containerPort ?? svcFact.port} as hostPort)` : ""}`,
    };
  }
  // No Service resolved: a controller pod with hostPort C on the node (kind's ingress-nginx manifest, RKE2's
  // rke2-ingress-nginx DaemonSet, which has no controller Service) still is the entry — on a node container,
  // or on a node reached directly (k3s / RKE2 on this host or in a VM).
  const c = ctx.facts.container;
  const n = !c && ctx.target ? ctx.facts.node : null;
  const at = c && c.role !== "other" && c.role !== "k3d-serverlb" ? { node: c.name, port: c.containerPort, protocol: c.protocol } : n ? { node: n.name, port: ctx.target!.port, protocol: "TCP" } : null;
  if (!at) return "not applicable: no Service or hostPort pod on the path";
  const holders = pods.filter((p) => live(p) && (!p.spec.nodeName || p.spec.nodeName === at.node) && hostPortsOf(p, at.port, at.protocol).length > 0);
  const holder = holders.find((p) => ingressImplementationOf(p) !== null);
  if (!holder) return `not applicable: no ingress controller takes port ${at.port} on ${at.node}`;
  const impl = ingressImplementationOf(holder)!;
  const ns = holder.metadata.namespace ?? "default";
  return {
    implementation: impl,
    namespace: ns,
    service: null,
    pods: pods.filter((p) => live(p) && (p.metadata.namespace ?? "default") === ns && ingressImplementationOf(p) === impl),
    allPods: pods,
    via: `pod ${ref(holder)} (hostPort ${at.port} on ${at.node})`,
  };
}

/**
 * Why this matters: with Ingress instead of Gateway API, the ingress
 * controller (kind's ingress-nginx quick start, k3s' bundled traefik) is the
 * proxy behind the node port. With no Ready controller pod, the hostPort or
 * Service has nothing behind it (connection refused / reset); knowing which
 * controller it is, and which IngressClasses it owns, is what the route hop
 * needs to pick the Ingress rule.
 */
const check: Check = defineCheck({
  id: "gateway.ingress-controller-ready",
  code: "ND606",
  hop: "gateway",
  title: "the ingress controller pods are ready",
  after: ["service.receives-port"],
  explain: {
    meaning:
      "The entry Service (or the pod holding the node port as hostPort) belongs to an ingress controller: ingress-nginx (Service ingress-nginx/ingress-nginx-controller, labels app.kubernetes.io/name=ingress-nginx, app.kubernetes.io/component=controller) traefik (k3s: Service kube-system/traefik, app.kubernetes.io/name=traefik) or Contour's Envoy (DaemonSet and Service projectcontour/envoy, hostPort 80/443). Its pods must be Ready; the IngressClasses whose spec.controller it claims (k8s.io/ingress-nginx, traefik.io/ingress-controller) decide which Ingresses it serves — Contour instead matches the class name against `contour serve --ingress-class-name` (default contour).",
    causes:
      "kind: the ingress-nginx controller is Pending because no node carries the label ingress-ready=true (the kind cluster was created without the kubeadmConfigPatches node-labels of the ingress guide), or hostPort 80/443 is taken on that node; the controller crash-loops (admission secret missing while the ingress-nginx-admission-create Job has not run); the image cannot be pulled.",
    fix:
      "`kubectl -n ingress-nginx describe pod -l app.kubernetes.io/component=controller` and fix what the events say; on kind, create the cluster with the ingress-ready=true node label and extraPortMappings 80/443 from the kind ingress guide, then `kubectl wait --namespace ingress-nginx --for=condition=ready pod --selector=app.kubernetes.io/component=controller`.",
    links: [
      "https://kind.sigs.k8s.io/docs/user/ingress/",
      "https://kubernetes.github.io/ingress-nginx/deploy/",
      "https://docs.k3s.io/networking/networking-services#traefik-ingress-controller",
    ],
  },
  async run(ctx) {
    const entry = await findEntry(ctx);
    if (typeof entry === "string") return skip(entry, { facts: { ingressController: null } });
    const unavailable: Record<string, string> = {};
    const [classes, deployments, events, nodes] = await Promise.all([
      soft<IngressClass>(ctx.kube.list("ingressclasses", ctx.signal), "ingressclasses", unavailable),
      soft<Deployment>(ctx.kube.list("deployments", ctx.signal), "deployments", unavailable),
      soft(ctx.kube.list("events", ctx.signal), "events", unavailable),
      soft(ctx.kube.list("nodes", ctx.signal), "nodes", unavailable),
    ]);
    const deps = deployments.filter(
      (d) =>
        (d.metadata.namespace ?? "default") === entry.namespace &&
        (entry.pods.some((p) => matchesLabelSelector(p.metadata.labels, d.spec.selector)) ||
          (!entry.pods.length && entry.service !== null && matchesLabelSelector(entry.service.spec.selector, d.spec.selector))),
    );
    const states = entry.pods.map(podState);
    // Flags from a Ready pod, else any pod, else the Deployment's pod template.
    const argsPod = entry.pods.find((p) => podState(p).ready) ?? entry.pods[0];
    const args = argsPod ? podArgs(argsPod) : deps[0] ? (deps[0].spec.template.spec.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]) : [];
    const cfg = controllerConfig(entry.implementation, entry.implementation === "contour" ? contourServeArgs(entry.allPods, entry.namespace) : args);
    const fact: IngressControllerFact = {
      namespace: entry.namespace,
      name: entry.service?.metadata.name ?? deps[0]?.metadata.name ?? entry.pods[0]?.metadata.name ?? entry.implementation,
      implementation: entry.implementation,
      controller: cfg.controller,
      // Contour claims no IngressClass controller: the class names it matches are its classes.
      classNames: entry.implementation === "contour" ? cfg.annotationClasses : classesOfController(cfg.controller, classes),
      annotationClasses: cfg.annotationClasses,
      watchWithoutClass: cfg.watchWithoutClass,
    };
    const what = `${entry.implementation} controller ${entry.namespace}/${fact.name}`;
    const classes_ = entry.implementation === "contour" ? `Ingresses of class ${fact.classNames.join(", ")} (matched by name)` : fact.classNames.length ? `IngressClass ${fact.classNames.join(", ")} (${cfg.controller})` : `no IngressClass with controller ${cfg.controller}`;
    const evidence: Record<string, unknown> = {
      entry: entry.via,
      service: entry.service ? ref(entry.service) : null,
      selector: entry.service ? formatSelector(entry.service.spec.selector) : null,
      deployments: deps.map((d) => ({ name: ref(d), replicas: d.spec.replicas ?? 1, readyReplicas: d.status?.readyReplicas ?? 0 })),
      pods: states,
      ingressController: fact,
      ...(Object.keys(unavailable).length ? { unavailable } : {}),
    };
    if (!entry.pods.length) {
      return fail(`${entry.via} is the ${entry.implementation} ingress controller, but no controller pod exists; expected Ready ${entry.implementation} pods${deps.length ? ` of Deployment ${ref(deps[0]!)}` : ""}`, {
        details: "Without controller pods nothing answers behind the node port: connections are refused or reset. Look at the Deployment's ReplicaSet events (`kubectl -n NS describe deploy NAME`).",
        evidence,
        facts: { ingressController: fact },
      });
    }
    const ready = states.filter((s) => s.ready);
    const notReady = states.filter((s) => !s.ready);
    const warnings = entry.pods
      .filter((p) => !podState(p).ready)
      .flatMap((p) => podEvents(events, p).filter((e) => e.type === "Warning").slice(0, 1))
      .map(formatEvent);
    // kind: the ingress-nginx manifest pins the controller to nodes labelled ingress-ready=true.
    const wantsLabel = entry.pods.some((p) => {
      const sel = p.spec["nodeSelector"] as Record<string, string> | undefined;
      return sel?.[INGRESS_READY_LABEL] === "true" && !p.spec.nodeName;
    });
    const labelled = nodes.filter((n) => n.metadata.labels?.[INGRESS_READY_LABEL] === "true");
    const hint =
      wantsLabel && !labelled.length && !unavailable.nodes
        ? ` The controller's nodeSelector needs a node labelled ${INGRESS_READY_LABEL}=true and no node has it: create the kind cluster with kubeadmConfigPatches node-labels: "${INGRESS_READY_LABEL}=true" (kind ingress guide), or label a node.`
        : "";
    if (!ready.length) {
      const label = hint ? `; no node carries the label ${INGRESS_READY_LABEL}=true its nodeSelector asks for` : "";
      return fail(`no ${entry.implementation} controller pod is Ready (0/${states.length}): ${notReady.map(describePodState).join("; ")}${label}; expected a Ready controller behind ${entry.via}`, {
        details: `${warnings.length ? `Newest warning events: ${warnings.join(" | ")}.` : "No warning events recorded."}${hint}`,
        evidence: { ...evidence, events: warnings },
        facts: { ingressController: fact },
        // A controller pod that should hold the hostPort but is not running is why no Service or pod takes the node port (issue 11 §3).
        ...(entry.service === null ? { causes: ["service.receives-port"] } : {}),
      });
    }
    if (notReady.length) {
      return warn(`${ready.length}/${states.length} pods of the ${what} are Ready; not Ready: ${notReady.map(describePodState).join("; ")}`, {
        details: warnings.length ? `Newest warning events: ${warnings.join(" | ")}` : undefined,
        evidence: { ...evidence, events: warnings },
        facts: { ingressController: fact },
      });
    }
    return pass(`${ready.length}/${states.length} pods of the ${what} are Ready (${ready.map((s) => s.name).join(", ")}); it serves ${classes_}${cfg.watchWithoutClass ? " and Ingresses without class" : ""}`, {
      details: `The entry is ${entry.via}: an ingress controller, not a Gateway proxy; the route hop matches the request against the Ingresses it serves.`,
      evidence,
      facts: { ingressController: fact },
    });
  },
});

export default check;
