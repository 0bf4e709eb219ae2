/**
 * route.ingress-rule-matches (ND704): an Ingress rule served by the ingress
 * controller on the path covers this host and path. Publishes `facts.route`
 * (kind Ingress) and `facts.backend`.
 */
import {
  defineCheck,
  fail,
  isSourceError,
  pass,
  routingHostOf,
  skip,
  warn,
  type BackendFact,
  type Check,
  type CheckContext,
  type CheckOutcome,
  type ContainerFact,
  type ContainerInspect,
  type Ingress,
  type IngressClass,
  type RouteFact,
  type Service,
} from "../../src/index.js";
import { containerCluster, containerName, portBindings } from "../../src/host/containers.js";
import { findServicePort, isObject } from "../../src/kube/helpers.js";
import { describeIngressPath, predictIngress, type IngressBackendRef, type IngressControllerConfig, type IngressPrediction } from "../../src/ingress/index.js";

/** What each controller answers when no rule matches (ingress-nginx default backend page; traefik `http.NotFound`). */
const NOT_FOUND: Record<IngressControllerConfig["implementation"], string> = {
  "ingress-nginx": 'ingress-nginx answers from its default backend: 404 with the HTML page "404 Not Found … <center>nginx</center>".',
  traefik: 'traefik answers 404 with the text body "404 page not found".',
  contour: "Contour's Envoy answers 404 with an empty body and the header server: envoy (no virtual host or route for the request).",
};

const nn = (o: { metadata: { name: string; namespace?: string } }) => `${o.metadata.namespace ?? "default"}/${o.metadata.name}`;

function closestLines(p: IngressPrediction): string {
  if (!p.closest.length) return p.served.length ? "No Ingress rule comes close." : "The controller serves no Ingress at all.";
  return ["Closest Ingress rules, closest first:", ...p.closest.map((c) => `  - Ingress ${c.namespace}/${c.name}${c.rule === null ? "" : ` rule ${c.rule}`}: ${c.reason}`)].join("\n");
}

/** An application Service of type NodePort that no Ingress routes to, and the host ports (if any) that publish its nodePort. */
interface NodePortBypass {
  service: string;
  port: number;
  nodePort: number;
  /** `host 8080 → k3d-x-server-0:30950`, per container binding of this cluster whose container port is the nodePort. */
  publishedOn: string[];
}

/** Most NodePort Services a summary names. */
const BYPASS_MAX = 3;

/**
 * NodePort Services outside kube-system (not the ingress controller's own)
 * that no Ingress names as a backend: the app is exposed by nodePort, past
 * the ingress, and reaching it takes a port mapping to that nodePort (k3d
 * `--port HOST:NODEPORT@server:0`, kind extraPortMappings containerPort).
 * Docker not readable: publishedOn stays empty.
 */
async function nodePortBypass(ctx: CheckContext, services: Service[], ingresses: Ingress[], ic: NonNullable<CheckContext["facts"]["ingressController"]>): Promise<NodePortBypass[]> {
  const routed = new Set<string>();
  for (const ing of ingresses) {
    const ns = ing.metadata.namespace ?? "default";
    const backends = [ing.spec.defaultBackend, ...(ing.spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((x) => x.backend))];
    for (const b of backends) if (b?.service?.name) routed.add(`${ns}/${b.service.name}`);
  }
  const candidates = services.filter(
    (s) =>
      s.spec.type === "NodePort" &&
      (s.metadata.namespace ?? "default") !== "kube-system" &&
      !(s.metadata.namespace === ic.namespace && s.metadata.name === ic.name) &&
      !routed.has(`${s.metadata.namespace ?? "default"}/${s.metadata.name}`),
  );
  if (!candidates.length) return [];
  let containers: ContainerInspect[] = [];
  try {
    containers = await ctx.docker.containers(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  const cluster = ctx.facts.container?.cluster ?? null;
  const ours = containers.filter((c) => cluster === null || containerCluster(c)?.cluster === cluster);
  return candidates.slice(0, BYPASS_MAX).flatMap((s) =>
    (s.spec.ports ?? [])
      .filter((sp) => typeof sp.nodePort === "number")
      .map((sp) => ({
        service: `${s.metadata.namespace ?? "default"}/${s.metadata.name}`,
        port: sp.port,
        nodePort: sp.nodePort!,
        publishedOn: ours.flatMap((c) => portBindings(c).filter((b) => b.containerPort === sp.nodePort).map((b) => `host ${b.hostPort} → ${containerName(c)}:${b.containerPort}`)),
      })),
  );
}

/** The NodePort Services in one clause, with how to reach them from this host. */
function describeBypass(list: NodePortBypass[], container: ContainerFact | null, hostPort: number): string {
  const first = list[0]!;
  const names = list.map((b) => `NodePort Service ${b.service} (${b.port}:${b.nodePort}${b.publishedOn.length ? `, published as ${b.publishedOn.join(", ")}` : ""})`).join(", ");
  const unpublished = list.find((b) => !b.publishedOn.length);
  const how = !unpublished
    ? "reach it at the host port that publishes its nodePort"
    : container?.role === "k3d-serverlb" || container?.role === "k3d-node"
      ? `no host port reaches nodePort ${unpublished.nodePort}: map one to it on a node (\`k3d cluster create … --port "${hostPort}:${unpublished.nodePort}@server:0"\` in place of the mapping to the load balancer, or \`k3d cluster edit ${container.cluster ?? "CLUSTER"} --port-add FREE_HOST_PORT:${unpublished.nodePort}@server:0\`), or add an Ingress for it`
      : container?.role === "kind-node"
        ? `no host port reaches nodePort ${unpublished.nodePort}: add an extraPortMappings entry with containerPort ${unpublished.nodePort} (recreate the kind cluster), or add an Ingress for it`
        : `it is reached at a node address and nodePort ${unpublished.nodePort}, not through ${container ? container.name : "this port"}; or add an Ingress for it`;
  return `no Ingress routes to ${list.length === 1 ? "" : "the "}${names}: ${list.length === 1 ? `the app of ${first.service} is exposed by nodePort, past the ingress controller; ` : ""}${how}`;
}

/**
 * Why this matters: behind an ingress controller a request that reaches a
 * healthy controller still gets a bare 404 when no Ingress rule carries the
 * Host (a typo, a `*.` wildcard that covers one label only, an Ingress of
 * another class) or no path covers the URL. The controller says nothing about
 * why; this check predicts its choice with the Ingress rules and names the
 * rules that came closest.
 */
const check: Check = defineCheck({
  id: "route.ingress-rule-matches",
  code: "ND704",
  hop: "route",
  title: "an Ingress rule serves this host and path",
  // facts.ingressController comes from the gateway hop; `after` so this still runs when its pods are not ready.
  // route.host-matches publishes `route: null` when no Gateway is on the path; facts merge in dependency
  // order, so this check comes after it for its Ingress route to be the one the path reports.
  after: ["gateway.ingress-controller-ready", "route.host-matches"],
  explain: {
    meaning:
      "Among the networking.k8s.io/v1 Ingresses the controller serves (spec.ingressClassName naming one of its IngressClasses, the legacy kubernetes.io/ingress.class annotation, the default IngressClass, or no class when the controller watches Ingresses without class), a rule's host covers the Host header (exact, or *.domain for exactly one label, or no host) and one of its paths covers the URL path (Exact; Prefix element-wise; the longest path wins, Exact before Prefix of the same length). Without a matching path, spec.defaultBackend serves; without that, the controller's own 404.",
    causes:
      "A typo in spec.rules[].host; a wildcard host expected to cover several labels (*.example.com does not match a.b.example.com nor example.com); an Ingress with another ingressClassName, or none while the controller does not watch Ingresses without class; a Prefix path that matches whole segments only (/api does not match /apis); an Exact path with a different trailing slash.",
    fix:
      "Compare `kubectl get ingress -A` (CLASS, HOSTS) with the host you request and `kubectl get ingressclass`; fix the host, the ingressClassName, or add a path that covers the URL.",
    links: [
      "https://kubernetes.io/docs/concepts/services-networking/ingress/",
      "https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/",
      "https://kind.sigs.k8s.io/docs/user/ingress/",
    ],
  },
  async run(ctx): Promise<CheckOutcome> {
    const ic = ctx.facts.ingressController;
    // No facts on skip: an HTTPRoute found by route.host-matches must not be overwritten.
    if (!ic) return skip("not applicable: no ingress controller on this path");
    if (!ctx.target) return skip("not applicable: no target");
    const unavailable: Record<string, string> = {};
    const [ingresses, classes, services] = await Promise.all([
      ctx.kube.list("ingresses", ctx.signal),
      ctx.kube.list("ingressclasses", ctx.signal).catch((e: unknown): IngressClass[] => {
        if (!isSourceError(e)) throw e;
        unavailable.ingressclasses = e.message;
        return [];
      }),
      ctx.kube.list("services", ctx.signal),
    ]);
    const cfg: IngressControllerConfig = { implementation: ic.implementation, controller: ic.controller, annotationClasses: ic.annotationClasses, watchWithoutClass: ic.watchWithoutClass };
    const p = predictIngress(cfg, ingresses, classes, { host: routingHostOf(ctx.target), path: ctx.target.path, headers: ctx.target.headers ?? [] });
    const controller = `${ic.implementation} (${ic.classNames.length ? `class ${ic.classNames.join(", ")}` : ic.controller})`;
    const evidence: Record<string, unknown> = {
      controller: ic,
      request: p.request,
      outcome: p.outcome,
      served: p.served.map((s) => ({ ingress: nn(s.ingress), by: s.decision.by, hosts: (s.ingress.spec.rules ?? []).map((r) => r.host ?? "*") })),
      notServed: p.notServed.map((s) => ({ ingress: nn(s.ingress), reason: s.decision.reason })),
      notes: p.notes,
      ...(Object.keys(unavailable).length ? { unavailable, assumed: { ingressclasses: "none (only Ingresses without class or with a matching annotation count as served)" } } : {}),
    };
    const shown = `${p.request.host}${p.request.path}`;

    if (p.outcome === "no-host" || p.outcome === "no-path") {
      evidence.closest = p.closest;
      const top = p.closest[0];
      const summary =
        p.outcome === "no-host"
          ? `no Ingress served by ${controller} has a rule for host ${p.request.host}; expected a rule with host ${p.request.host}, a one-label wildcard covering it, or no host`
          : `no path of the Ingress rules for host ${p.request.host} matches ${p.request.path}; expected a path covering ${p.request.path}`;
      // The app may not be meant for the ingress at all: a NodePort Service no Ingress routes to is reached at its
      // nodePort, which the port mapping of this cluster may not publish (k3d `-p 80:80@loadbalancer` leads to traefik).
      const bypass = await nodePortBypass(ctx, services, ingresses, ic);
      evidence.nodePortServices = bypass.map((b) => ({ service: b.service, nodePort: b.nodePort, publishedOn: b.publishedOn }));
      const closest = top ? ` (closest: Ingress ${top.namespace}/${top.name}${top.rule === null ? "" : ` rule ${top.rule}`}, ${top.reason})` : "";
      return fail(`${summary}${closest}${bypass.length ? `; ${describeBypass(bypass, ctx.facts.container ?? null, ctx.target.port)}` : ""}`, {
        details: [`${NOT_FOUND[ic.implementation]}`, closestLines(p), ...p.notes].join("\n"),
        evidence,
        facts: { route: null, backend: null },
      });
    }

    // matched or default-backend: resolve the backend port (a port name refers to the Service's spec.ports[].name).
    // An ingress-nginx canary whose rules pick it for this request serves instead of the main Ingress.
    const toCanary = p.canary?.decision.to === "canary" ? p.canary : null;
    const ing = toCanary ? toCanary.ingress : p.outcome === "matched" ? p.match!.ingress : p.defaultBackend!.ingress;
    const ruleIndex = toCanary ? toCanary.rule : p.outcome === "matched" ? p.match!.rule : Math.max(0, (ing.spec.rules ?? []).findIndex((r) => !r.host || r.host.toLowerCase() === p.request.host));
    const route: RouteFact = { kind: "Ingress", namespace: ing.metadata.namespace ?? "default", name: ing.metadata.name, rule: ruleIndex, ...(p.outcome === "default-backend" ? { defaultBackend: true } : {}) };
    const ref: IngressBackendRef | null = p.backend;
    let backend: BackendFact | null = null;
    let portNote: string | null = null;
    if (ref) {
      if (typeof ref.port === "number") backend = { namespace: ref.namespace, name: ref.name, port: ref.port };
      else {
        const svc = services.find((s) => isObject(s, ref.namespace, ref.name));
        const sp = svc ? findServicePort(svc, ref.port) : undefined;
        if (sp) backend = { namespace: ref.namespace, name: ref.name, port: sp.port };
        else portNote = svc ? `Service ${ref.namespace}/${ref.name} has no port named ${ref.port}` : `Service ${ref.namespace}/${ref.name} does not exist, so port name ${ref.port} does not resolve`;
      }
    }
    evidence.route = route;
    evidence.backend = ref;
    const c = p.canary ?? null;
    if (c) evidence.canary = { ingress: nn(c.ingress), rule: c.rule, backend: c.backend, decision: c.decision };
    const canaryClause = !c
      ? ""
      : c.decision.to === "canary"
        ? ` through canary Ingress ${nn(c.ingress)} (${c.decision.reason}; main Ingress ${nn(p.match!.ingress)} rule ${p.match!.rule})`
        : c.decision.to === "split"
          ? ` — split: ${c.decision.reason} go to canary Ingress ${nn(c.ingress)} → Service ${c.backend ? `${c.backend.name}:${c.backend.port}` : "?"}, the rest here`
          : ` (canary Ingress ${nn(c.ingress)} not taken: ${c.decision.reason})`;
    const head =
      p.outcome === "matched"
        ? `Ingress ${nn(ing)} rule ${ruleIndex} (${describeIngressPath(p.match!)}) serves ${shown}${canaryClause}`
        : `no Ingress path matches ${shown}; the spec.defaultBackend of Ingress ${nn(ing)} serves it`;
    const to = ref ? ` → Service ${ref.namespace === route.namespace ? ref.name : `${ref.namespace}/${ref.name}`}:${backend ? backend.port : ref.port}` : "";
    const details = [
      p.outcome === "default-backend" ? "Requests that match no rule path go to the Ingress's spec.defaultBackend (Kubernetes Ingress \"DefaultBackend\")." : null,
      p.closest.length && p.outcome === "default-backend" ? closestLines(p) : null,
      ...p.notes,
    ]
      .filter((x): x is string => !!x)
      .join("\n");
    if (!ref) {
      // A resource backend (e.g. a StorageBucket) is valid Ingress and nothing the user must act on: the backend hop does not apply (issue 11 §2).
      return pass(`${head} → a resource backend (not a Service); the backend hop does not apply`, { details: details || undefined, evidence, facts: { route, backend: null } });
    }
    if (portNote) {
      return warn(`${head}${to}, but ${portNote}; ${ic.implementation} answers 503 for it`, { details: details || undefined, evidence, facts: { route, backend: null } });
    }
    return pass(`${head}${to}`, { details: details || undefined, evidence, facts: { route, backend } });
  },
});

export default check;
