/**
 * Why this matters: the gateway and route hops read Gateway API objects. On a
 * cluster without the CRDs those checks cannot apply, and netdoctor must say
 * so once, plainly, instead of reporting a 404 per check.
 */
import { defineCheck, isSourceError, pass, skip } from "../../src/index.js";

export default defineCheck({
  id: "env.gateway-api-installed",
  code: "ND004",
  hop: "env",
  title: "the Gateway API CRDs are served",
  dependsOn: ["env.api-reachable"],
  explain: {
    meaning: "The API server serves gateways.gateway.networking.k8s.io (the Gateway API CRDs are installed).",
    causes: "The cluster uses Ingress only (k3s' bundled traefik, ingress-nginx), or the Gateway API CRDs were never applied (they are not part of Kubernetes itself).",
    fix: "Install the Gateway API CRDs when the platform needs them: `kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/<version>/standard-install.yaml` (your gateway implementation's install usually does this).",
    links: ["https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api"],
  },
  async run(ctx) {
    try {
      const gateways = await ctx.kube.list("gateways", ctx.signal);
      const namespaces = new Set(gateways.map((g) => g.metadata.namespace ?? ""));
      const where = gateways.length ? ` in ${namespaces.size} namespace${namespaces.size === 1 ? "" : "s"}` : "";
      return pass(`gateways.gateway.networking.k8s.io is served: ${gateways.length} Gateway${gateways.length === 1 ? "" : "s"}${where}`, {
        evidence: { gateways: gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`) },
      });
    } catch (e) {
      if (isSourceError(e) && e.code === "not-found") {
        return skip(
          "not applicable: Gateway API CRDs are not installed (gateways.gateway.networking.k8s.io not served); Ingress-only clusters are normal",
          { evidence: { code: e.code, message: e.message } },
        );
      }
      throw e;
    }
  },
});
