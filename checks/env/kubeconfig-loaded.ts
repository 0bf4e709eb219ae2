/**
 * Why this matters: every cluster-side check reads through the kubeconfig
 * context. When none is loaded (no file, unknown `--context`, malformed YAML),
 * nothing past the container hop can be diagnosed, and the user should learn
 * that first, in one line, rather than as a cascade of skips.
 */
import { defineCheck, fail, isSourceError, pass } from "../../src/index.js";

export default defineCheck({
  id: "env.kubeconfig-loaded",
  code: "ND001",
  hop: "env",
  title: "a kubeconfig and context are loaded",
  explain: {
    meaning: "netdoctor found a kubeconfig (--kubeconfig, KUBECONFIG, or ~/.kube/config) and the context it uses (--context or current-context).",
    causes: "No kubeconfig file; KUBECONFIG points at a missing file; --context names a context that the kubeconfig does not define; the file is not valid YAML; the cluster was deleted (k3d cluster delete / kind delete cluster remove its context).",
    fix: "Point netdoctor at the right file and context: `kubectl config get-contexts` lists them; k3d writes `k3d-<cluster>` (`k3d kubeconfig merge <cluster> --kubeconfig-switch-context`), kind writes `kind-<cluster>` (`kind export kubeconfig --name <cluster>`).",
    links: ["https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/"],
  },
  async run(ctx) {
    try {
      const info = ctx.kube.info();
      return pass(`context ${info.context} (cluster ${info.cluster}, server ${info.server}, namespace ${info.namespace})`, {
        evidence: { context: info.context, cluster: info.cluster, server: info.server, namespace: info.namespace },
      });
    } catch (e) {
      if (!isSourceError(e)) throw e;
      return fail(`${e.message}; expected a kubeconfig with a usable context`, {
        details:
          "netdoctor reads the kubeconfig the way kubectl does: --kubeconfig, then KUBECONFIG (several paths joined by ':'), then ~/.kube/config; the context is --context or the file's current-context. Checks of the cluster hops (service, gateway, route, backend) are skipped without it; the client-side hops (dns, host-port, forwarder, container) still run.",
        evidence: { code: e.code, subject: e.subject },
      });
    }
  },
});
