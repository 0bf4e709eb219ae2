/**
 * Why this matters: a stopped k3d cluster or kind node looks, from the
 * browser, exactly like a broken gateway. Asking the API server for
 * `/version` first tells "the cluster is down" apart from "the path is
 * broken", and names the command that brings it back.
 */
import { defineCheck, fail, isSourceError, pass, warn, type CheckContext, type ContainerInspect } from "../../src/index.js";
import { containerCluster, containerName, describeState, KIND_LABELS, labelsOf } from "../../src/host/containers.js";

/** The one-line hint for a cluster that does not answer, from the context name and (when readable) its containers. */
async function hintFor(ctx: CheckContext, context: string): Promise<{ hint: string; stopped: string[] }> {
  const m = /^(k3d|kind)-(.+)$/.exec(context);
  if (!m) return { hint: "check that the cluster is running and that the kubeconfig's server address is reachable from here", stopped: [] };
  const flavor = m[1] as "k3d" | "kind";
  const cluster = m[2]!;
  let containers: ContainerInspect[] = [];
  try {
    containers = await ctx.docker.containers(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
  }
  const mine = containers.filter((c) => {
    const id = containerCluster(c);
    return id?.flavor === flavor && id.cluster === cluster;
  });
  const stopped = mine.filter((c) => !c.State.Running).map((c) => `${containerName(c)} is ${describeState(c)}`);
  if (flavor === "k3d") {
    return { hint: `k3d: the cluster may be stopped: \`k3d cluster start ${cluster}\``, stopped };
  }
  const node = mine.find((c) => labelsOf(c)[KIND_LABELS.role] === "control-plane");
  const name = node ? containerName(node) : `${cluster}-control-plane`;
  return { hint: `kind: the node container may be stopped: \`docker start ${name}\``, stopped };
}

/** The TLS error code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_WRONG_VERSION_NUMBER, …) somewhere in an error's cause chain, or null. Source: Node's tls/openssl error codes. */
export function tlsFailureCode(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === "string" && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO/.test(c)) return c;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** The hint for a TLS failure: the server answers, but not with the certificate this kubeconfig trusts — not a stopped cluster. */
function tlsHint(code: string, context: string): string {
  const m = /^(k3d|kind)-(.+)$/.exec(context);
  const reexport = m ? (m[1] === "k3d" ? `\`k3d kubeconfig merge ${m[2]} --kubeconfig-switch-context\`` : `\`kind export kubeconfig --name ${m[2]}\``) : "re-export the cluster's kubeconfig";
  if (/ERR_SSL_WRONG_VERSION_NUMBER|EPROTO/.test(code)) return `the server at this address does not speak TLS (${code}): the kubeconfig's server port may belong to another program; ${reexport}`;
  return `the API server's TLS certificate is not the one the kubeconfig trusts (${code}): the cluster was re-created or the kubeconfig is another cluster's; ${reexport}`;
}

export default defineCheck({
  id: "env.api-reachable",
  code: "ND002",
  hop: "env",
  title: "the Kubernetes API server answers",
  dependsOn: ["env.kubeconfig-loaded"],
  explain: {
    meaning: "GET /version on the kubeconfig's API server answered.",
    causes: "The cluster is stopped (k3d cluster stop, a reboot with a k3d cluster that did not restart, a stopped kind node container); the API port published by the k3d serverlb / kind control plane changed after a re-create while the kubeconfig kept the old one; the Docker VM (Colima, Docker Desktop) is stopped; expired or wrong credentials (401).",
    fix: "k3d: `k3d cluster start <cluster>` (then `k3d kubeconfig merge <cluster>` if the port changed). kind: `docker start <cluster>-control-plane`. Colima / Docker Desktop: start the VM first.",
    links: ["https://k3d.io/stable/usage/commands/k3d_cluster_start/", "https://kind.sigs.k8s.io/docs/user/known-issues/"],
  },
  async run(ctx) {
    const info = ctx.kube.info();
    try {
      const v = await ctx.kube.version(ctx.signal);
      return pass(`API server ${info.server} answers: ${v.gitVersion}`, { evidence: { server: info.server, gitVersion: v.gitVersion } });
    } catch (e) {
      if (!isSourceError(e)) throw e;
      if (e.code === "forbidden") {
        return warn(`API server ${info.server} answers but refuses GET /version (403): ${e.message}`, {
          evidence: { server: info.server, code: e.code },
        });
      }
      const tls = tlsFailureCode(e);
      const { hint, stopped } =
        e.code === "unauthorized"
          ? { hint: "the kubeconfig's credentials were rejected: re-export the kubeconfig of this cluster", stopped: [] }
          : tls
            ? { hint: tlsHint(tls, info.context), stopped: [] }
            : await hintFor(ctx, info.context);
      const observed = stopped.length ? `; ${stopped.join(", ")}` : "";
      const why = e.message.includes(e.code) ? e.message : `${e.code}: ${e.message}`;
      return fail(`API server ${info.server} ${tls ? "answers, but the TLS handshake failed" : "does not answer"} (${why})${observed}; ${hint}`, {
        details:
          "Every cluster-side check (service, gateway, route, backend) is skipped while the API server does not answer. The client-side hops still run, so a stopped load balancer or missing port mapping is still reported.",
        evidence: { server: info.server, context: info.context, code: e.code, message: e.message, stoppedContainers: stopped },
      });
    }
  },
});
