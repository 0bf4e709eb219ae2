/**
 * backend.answers (ND805): the backend answers HTTP through the API server's
 * service proxy.
 */
import { defineCheck, fail, isSourceError, pass, skip, type Check } from "../../src/index.js";
import { backendOfPath } from "../../src/kube/helpers.js";
import { apiServerBlockedBy, backendPolicyView } from "./network-policies.js";

/**
 * The NetworkPolicies that keep the API server from the backend pods (one
 * sentence naming them), or null when none does or they cannot be read
 * (NetworkPolicies forbidden: the general reasons stand).
 */
async function policyBlock(ctx: Parameters<Check["run"]>[0]): Promise<ReturnType<typeof apiServerBlockedBy>> {
  try {
    const view = await backendPolicyView(ctx);
    return view ? apiServerBlockedBy(view) : null;
  } catch (e) {
    if (isSourceError(e)) return null;
    throw e;
  }
}

/** Bodies the API server's service proxy writes when it cannot reach the Service (apiserver proxy error handler). */
const PROXY_ERROR = /error trying to reach service|connection refused|no endpoints available for service|i\/o timeout|connection reset/i;

/** First line of a body, cut to a readable length. */
function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim()) ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/**
 * The message of a `Status` object, which the API server's service proxy
 * writes on a 503 (`{"kind":"Status",…,"message":"error trying to reach
 * service: dial tcp 10.44.0.6:8443: i/o timeout","reason":"ServiceUnavailable"}`,
 * as pasted in mmumshad/kubernetes-the-hard-way#313); otherwise the first line.
 */
function proxyMessage(body: string): string {
  try {
    const o = JSON.parse(body) as { kind?: unknown; message?: unknown };
    if (o && o.kind === "Status" && typeof o.message === "string") return firstLine(o.message);
  } catch {
    // Not JSON: an older API server or a plain-text error.
  }
  return firstLine(body);
}

/**
 * Why this matters: endpoints can be Ready while the application does not
 * answer on the Service port (wrong targetPort, app bound to 127.0.0.1,
 * readiness probe on another port). A request through the API server's
 * service proxy reaches the Service from inside the cluster, without the
 * gateway, so it separates "backend broken" from "gateway broken".
 */
const check: Check = defineCheck({
  id: "backend.answers",
  code: "ND805",
  hop: "backend",
  title: "the backend answers through the API server's service proxy",
  dependsOn: ["backend.endpoints-ready"],
  contradiction:
    "the API server's own connection to the pods is blocked while the gateway's is not: a NetworkPolicy that admits only the gateway's pods (the API server is not a pod, so podSelector and namespaceSelector rules never admit it; allow the node addresses with an ipBlock if you need `kubectl proxy` or proxy URLs), or an API server that cannot reach the pod network (a control-plane node without the CNI); the application itself is fine",
  explain: {
    meaning: "netdoctor sends GET / to the backend Service through the API server (/api/v1/namespaces/NS/services/NAME:PORT/proxy/). Any HTTP answer from the application — even 404 or 401 — means the backend is reachable on that port.",
    causes: "The application listens on another port than the targetPort, listens on 127.0.0.1 only, hangs, or crashes on requests; a NetworkPolicy blocks the API server.",
    fix: "Check `kubectl -n NS port-forward svc/NAME PORT` and the application's listen address and port; fix the Service targetPort (backend.target-port-matches).",
    links: ["https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls"],
  },
  async run(ctx) {
    const backend = backendOfPath(ctx.facts);
    if (!backend) return skip("not applicable: no backend Service on the path");
    const name = `${backend.namespace}/${backend.name}`;
    let status: number;
    let body: string;
    try {
      ({ status, body } = await ctx.kube.serviceProxy(backend.namespace, backend.name, backend.port, "/", ctx.signal));
    } catch (e) {
      // A 5xx surfaced as an error by the source still says the proxy could not reach the Service.
      if (isSourceError(e) && e.code === "error" && PROXY_ERROR.test(e.message)) {
        const blocked = await policyBlock(ctx);
        return fail(`the API server cannot reach Service ${name}:${backend.port}: ${firstLine(e.message)}${blocked ? ` (${blocked.policies.map((p) => `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}`).join(", ")} does not admit it)` : ""}; expected an HTTP answer from the application`, {
          evidence: { service: name, port: backend.port, error: e.message, ...(blocked ? { networkPolicies: blocked.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`) } : {}) },
          causedBy: ["backend.network-policy-admits-proxy"],
          ...(blocked ? { details: `${blocked.sentence}. Whether the path's gateway is admitted is backend.network-policy-admits-proxy's finding (ND808).`, contradiction: blocked.contradiction } : {}),
        });
      }
      throw e;
    }
    const evidence = { service: name, port: backend.port, path: "/", status, body: firstLine(body) };
    if ((status === 502 || status === 503) && PROXY_ERROR.test(body)) {
      const blocked = await policyBlock(ctx);
      if (blocked) {
        const names = blocked.policies.map((p) => `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}`).join(", ");
        return fail(`the API server's service proxy got no answer from Service ${name}:${backend.port} (${status}: ${proxyMessage(body)}); ${names} does not admit it; expected an HTTP answer from the application`, {
          causedBy: ["backend.network-policy-admits-proxy", "backend.target-port-matches"],
          details: `${blocked.sentence}. Whether the path's gateway is admitted is backend.network-policy-admits-proxy's finding (ND808).`,
          contradiction: blocked.contradiction,
          evidence: { ...evidence, networkPolicies: blocked.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`) },
        });
      }
      return fail(`the API server's service proxy got no answer from Service ${name}:${backend.port} (${status}: ${proxyMessage(body)}); expected an HTTP answer from the application`, {
        causedBy: ["backend.target-port-matches"],
        details: /i\/o timeout|timed out/i.test(body)
          ? "The API server's connection to the pod timed out: its packets are dropped on the way, not refused. Typical causes: a NetworkPolicy that selects the pods and does not admit the API server (it is not a pod, so podSelector/namespaceSelector rules never match it), or an API server that has no route to the pod network. Traffic from the gateway may still work (see the probe)."
          : "The endpoints exist but nothing accepts connections on the target port inside the pods: the application listens on another port or address (e.g. 127.0.0.1). A gateway in front answers 503 `upstream connect error … delayed connect error: 111`.",
        evidence,
      });
    }
    if (status >= 500) {
      // Reachable is what this check tests; the application's answer to the path you asked for is the probe's (issue 11 §2: no warning about /).
      return pass(`Service ${name}:${backend.port} answered ${status} to GET / through the API server (${firstLine(body) || "empty body"}): the application is reachable; the end-to-end probe tests the path you asked for`, { evidence });
    }
    return pass(`Service ${name}:${backend.port} answered ${status} to GET / through the API server`, { evidence });
  },
});

export default check;
