/**
 * backend.target-port-matches (ND804): the backend Service's targetPort is a
 * port the selected pods' containers declare.
 */
import { defineCheck, fail, pass, skip, type Check } from "../../src/index.js";
import { backendOfPath, findServicePort, isObject, podPorts, podsSelectedBy, sameProtocol } from "../../src/kube/helpers.js";

/**
 * Why this matters: the Service forwards to targetPort on the pod. When the
 * application listens elsewhere, every connection is refused inside the pod
 * although the endpoints look Ready: Envoy answers 503 `upstream connect error
 * or disconnect/reset before headers … delayed connect error: 111`.
 */
const check: Check = defineCheck({
  id: "backend.target-port-matches",
  code: "ND804",
  hop: "backend",
  title: "the Service targetPort matches a container port",
  dependsOn: ["backend.service-exists"],
  contradiction:
    "the application listens on the targetPort although its pod spec declares other container ports (containerPort is informational: the kubelet opens nothing); update the containerPort declaration so the manifest says what the application does, or, if a rollout is under way, the old pods still answer and the new ones will not",
  explain: {
    meaning:
      "The Service port the path uses forwards to targetPort (a number, or the name of a container port; absent = the Service port). A numeric targetPort should be a declared containerPort of the selected pods, a named one must be.",
    causes: "The application's port changed (chart values, env PORT) but the Service kept the old targetPort; the targetPort names a port no container declares; the Service port and targetPort were swapped.",
    fix: "Set the Service's targetPort to the port the container listens on (or its name), e.g. `kubectl -n NS patch svc NAME --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/targetPort\",\"value\":8080}]'`.",
    links: ["https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service"],
  },
  async run(ctx) {
    const backend = backendOfPath(ctx.facts);
    if (!backend) return skip("not applicable: no backend Service on the path");
    const name = `${backend.namespace}/${backend.name}`;
    const [services, pods] = await Promise.all([ctx.kube.list("services", ctx.signal), ctx.kube.list("pods", ctx.signal)]);
    const svc = services.find((s) => isObject(s, backend.namespace, backend.name));
    const sp = svc && findServicePort(svc, backend.port);
    if (!svc || !sp) return skip(`not applicable: Service ${name} has no port ${backend.port}`);
    if (!Object.keys(svc.spec.selector ?? {}).length) return skip(`not applicable: Service ${name} has no selector`);
    const selected = podsSelectedBy(pods, backend.namespace, svc.spec.selector).filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    if (!selected.length) return skip(`not applicable: Service ${name} selects no pods (see backend.pods-ready)`);
    const target = sp.targetPort ?? sp.port;
    const protocol = sp.protocol ?? "TCP";
    const declared = (p: (typeof selected)[number]) => podPorts(p).filter((x) => sameProtocol(x.protocol, protocol));
    const show = (p: (typeof selected)[number]) => declared(p).map((x) => `${x.containerPort}${x.name ? ` (${x.name})` : ""}`).join(", ");
    const podNames = selected.map((p) => p.metadata.name);
    const exposes = [...new Set(selected.map(show).filter(Boolean))].join("; ") || "no ports";
    const evidence = { service: name, port: sp.port, targetPort: target, pods: selected.map((p) => ({ pod: p.metadata.name, ports: declared(p) })) };
    const upstream = "Envoy answers such a path with 503 `upstream connect error or disconnect/reset before headers … delayed connect error: 111` (connection refused in the pod).";

    const isNumber = typeof target === "number" || /^\d+$/.test(target);
    if (isNumber) {
      const n = Number(target);
      const matching = selected.filter((p) => declared(p).some((x) => x.containerPort === n));
      if (matching.length === selected.length) return pass(`Service ${name} targetPort ${n} is a container port of ${podNames.join(", ")}`, { evidence });
      const silent = selected.filter((p) => declared(p).length === 0);
      if (silent.length === selected.length) {
        // Normal and harmless (issue 11 §2): containerPort is informational, many charts omit it; backend.answers tests the port itself.
        return pass(`Service ${name} targetPort ${n}; pods ${podNames.join(", ")} declare no container ports (informational in Kubernetes), so the port is tested by backend.answers`, {
          details: "containerPort declarations are informational in Kubernetes (the kubelet opens nothing for them): the Service works when the application listens on the targetPort. A numeric targetPort needs no declaration; only a named one does.",
          evidence,
        });
      }
      const wrong = selected.filter((p) => declared(p).length > 0 && !declared(p).some((x) => x.containerPort === n));
      if (!wrong.length) {
        // Some pods declare the port, the others declare none: nothing contradicts the targetPort.
        return pass(`Service ${name} targetPort ${n} is a container port of ${matching.map((p) => p.metadata.name).join(", ")}; ${silent.map((p) => p.metadata.name).join(", ")} declare no container ports`, { evidence });
      }
      return fail(`Service ${svc.metadata.name} targetPort ${n}; pods ${wrong.map((p) => p.metadata.name).join(", ")} expose ${[...new Set(wrong.map(show))].join("; ")}`, {
        details: `Service port ${sp.port} forwards to port ${n} in the pods, but their containers declare other ports. ${upstream}`,
        evidence,
      });
    }
    const missing = selected.filter((p) => !declared(p).some((x) => x.name === target));
    if (!missing.length) {
      const resolved = [...new Set(selected.flatMap((p) => declared(p).filter((x) => x.name === target).map((x) => x.containerPort)))];
      return pass(`Service ${name} targetPort ${target} resolves to container port ${resolved.join(", ")} of ${podNames.join(", ")}`, { evidence });
    }
    return fail(`Service ${svc.metadata.name} targetPort ${target}; pods ${missing.map((p) => p.metadata.name).join(", ")} have no container port named ${target} (they expose ${exposes})`, {
      details: `A named targetPort is looked up among each pod's named container ports; without a match the pod gets no endpoint for this port. ${upstream}`,
      evidence,
    });
  },
});

export default check;
