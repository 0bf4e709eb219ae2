/**
 * backend.service-exists (ND801): the backend Service exists and has the
 * port the route (or the entry mapping) sends to.
 */
import { defineCheck, fail, pass, skip, type Check } from "../../src/index.js";
import { backendOfPath, findServicePort, formatServicePorts, isObject } from "../../src/kube/helpers.js";

/**
 * Why this matters: a backendRef to a missing Service or a port the Service
 * does not define is an invalid backend: Envoy-based gateways answer 500 with
 * an empty body (Gateway API: invalid backendRef "MUST receive a 500"), and
 * the route reports ResolvedRefs=False BackendNotFound.
 */
const check: Check = defineCheck({
  id: "backend.service-exists",
  code: "ND801",
  hop: "backend",
  title: "the backend Service exists with the referenced port",
  after: ["route.host-matches", "route.ingress-rule-matches", "gateway.found", "service.receives-port"],
  explain: {
    meaning: "The backend the selected route rule sends to (or, with no Gateway on the path, the entry Service itself) must exist in its namespace and list the referenced port in spec.ports[].port.",
    causes: "The Service was never created or was renamed; the release is in another namespace; the backendRef port is the container port (targetPort) instead of the Service port.",
    fix: "Create the Service, or fix the backendRef name/namespace/port to match `kubectl -n NS get svc NAME`.",
    links: ["https://gateway-api.sigs.k8s.io/api-types/httproute/#backendrefs"],
  },
  async run(ctx) {
    const backend = backendOfPath(ctx.facts);
    if (!backend) return skip("not applicable: no backend Service on the path");
    const name = `${backend.namespace}/${backend.name}`;
    const services = await ctx.kube.list("services", ctx.signal);
    const svc = services.find((s) => isObject(s, backend.namespace, backend.name));
    const route = ctx.facts.route;
    const by = route ? ` (backendRef of ${route.kind} ${route.namespace}/${route.name} rule ${route.rule})` : "";
    const facts = backend.from === "entry-service" ? { backend: { namespace: backend.namespace, name: backend.name, port: backend.port } } : undefined;
    if (!svc) {
      const sameName = services.filter((s) => s.metadata.name === backend.name).map((s) => s.metadata.namespace);
      return fail(`Service ${name} does not exist${by}; expected a Service ${backend.name} in namespace ${backend.namespace}`, {
        details:
          "Envoy-based gateways answer an invalid backendRef with 500 and an empty body." +
          (sameName.length ? ` A Service ${backend.name} exists in namespace ${sameName.join(", ")}: the backendRef may need a namespace (and a ReferenceGrant).` : ""),
        evidence: { backend: name, from: backend.from, sameNameIn: sameName },
        facts,
      });
    }
    const sp = findServicePort(svc, backend.port);
    const ports = (svc.spec.ports ?? []).map((p) => `${p.port}${p.name ? ` (${p.name})` : ""}`).join(", ") || "none";
    const evidence = { backend: name, port: backend.port, type: svc.spec.type ?? "ClusterIP", ports: formatServicePorts(svc, true), from: backend.from };
    if (!sp) {
      const asTarget = (svc.spec.ports ?? []).find((p) => p.targetPort === backend.port);
      return fail(`Service ${name} has no port ${backend.port}${by}; ports: ${ports}`, {
        details:
          "A backendRef names the Service port (spec.ports[].port), not the container port." +
          (asTarget ? ` ${backend.port} is the targetPort of Service port ${asTarget.port}: reference port ${asTarget.port}.` : ""),
        evidence,
        facts,
      });
    }
    return pass(`Service ${name} exists with port ${sp.port}${sp.name ? ` (${sp.name})` : ""} → targetPort ${sp.targetPort ?? sp.port}`, { evidence, facts });
  },
});

export default check;
