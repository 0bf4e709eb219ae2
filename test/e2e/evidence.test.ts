/**
 * Issue 11 through the built CLI: the lab diagnoses the URL the user typed
 * (§6), and evidence precedence holds end to end (§1).
 */
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/types.js";
import { runCli } from "./cli.js";

describe("netdoctor --lab DIR URL", () => {
  it("maps the URL's port through the lab's port remapping, as the scenario's own targets", async () => {
    const r = await runCli(["--lab", "k3d-openchoreo-healthy", "http://api.openchoreo.localhost:8080/", "--json"]);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(report.paths).toHaveLength(1);
    const p = report.paths[0]!;
    expect(p.target.host).toBe("api.openchoreo.localhost");
    expect(p.target.port).not.toBe(8080);
    expect(p.target.url).toBe(`http://api.openchoreo.localhost:${p.target.port}/`);
    expect(p).toMatchObject({ status: "pass", probe: { signature: "success" } });
    expect(r.code).toBe(0);
  });
});

describe("evidence precedence through the CLI", () => {
  it("reports a NetworkPolicy that blocks only the service proxy as a warning, with the probe's 200 and the likely reasons", async () => {
    const r = await runCli(["--lab", "k3d-evidence-netpol-blocks-proxy", "http://api.openchoreo.localhost:8080/"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Verdict: the request reaches the application (HTTP 200)");
    expect(r.stdout).toMatch(/\[warn\] backend +ND805 backend\.answers .*i\/o timeout.*yet the end-to-end request got HTTP 200/);
    expect(r.stdout).toContain(
      "likely: NetworkPolicy openchoreo-control-plane/openchoreo-api-from-gateway admits only pods gateway.networking.k8s.io/gateway-name=gateway-default in every namespace on port 8080/TCP; the API server's service proxy is not among them",
    );
    expect(r.stdout).toContain("traffic through the gateway works, this is expected");
    expect(r.stdout).not.toContain("FAIL");
  });

  it("names the NetworkPolicy that admits only the old ingress-nginx namespace as the root cause of Envoy's 503", async () => {
    const r = await runCli(["--lab", "k3d-evidence-netpol-blocks-gateway", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const p = report.paths.find((x) => x.target.host === "api.openchoreo.localhost")!;
    expect(p.probe).toMatchObject({ signature: "envoy-503-upstream-connect-error", hop: "backend" });
    expect(p.verdict).toMatchObject({ hop: "backend", checkId: "backend.answers", rootCause: { checkId: "backend.network-policy-admits-proxy", code: "ND808" } });
    expect(p.verdict!.rootCause!.summary).toMatch(/^NetworkPolicy openchoreo-control-plane\/allow-from-ingress-nginx admits only every pod in namespaces kubernetes\.io\/metadata\.name=ingress-nginx on port 8080\/TCP; the proxy pod openchoreo-control-plane\/gateway-default-\S+ is not among them/);
    const nd808 = p.checks.find((c) => c.code === "ND808")!;
    expect(nd808.details).toContain("namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: openchoreo-control-plane}}");
    // The backend without a policy on the same cluster passes, and says why.
    const backstage = report.paths.find((x) => x.target.host === "openchoreo.localhost")!;
    expect(backstage.status).toBe("pass");
    expect(backstage.checks.find((c) => c.code === "ND808")!.summary).toMatch(/^no NetworkPolicy selects the pods of Service openchoreo-control-plane\/backstage/);
  });
});

describe("root causes lead through the CLI", () => {
  it("marks the traefik conflict's pending LoadBalancer and unprogrammed Gateway as consequences of ND502", async () => {
    const r = await runCli(["--lab", "k3d-openchoreo-traefik-conflict", "http://api.openchoreo.localhost:8080/", "--json"]);
    const p = (JSON.parse(r.stdout) as Report).paths[0]!;
    const by = (id: string) => p.checks.find((c) => c.id === id)!;
    expect(by("service.port-free").causedBy).toBeUndefined();
    expect(by("service.load-balancer-ready")).toMatchObject({ status: "fail", causedBy: "ND502" });
    expect(by("gateway.programmed")).toMatchObject({ status: "fail", causedBy: "ND503" });
    expect(p.verdict).toMatchObject({ checkId: "service.port-free" });
    expect(p.verdict!.rootCause).toBeUndefined();
  });

  it("headlines a missing GatewayClass as the root cause of a port no Service takes, in JSON and text", async () => {
    const json = JSON.parse((await runCli(["--lab", "k3d-gateway-not-programmed", "--json"])).stdout) as Report;
    const p = json.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", checkId: "service.receives-port", rootCause: { hop: "gateway", checkId: "gateway.class-accepted", code: "ND602" } });
    expect(p.checks.find((c) => c.id === "service.receives-port")!.causedBy).toBe("ND601");
    const text = (await runCli(["--lab", "k3d-gateway-not-programmed"])).stdout;
    // Answer first: the root cause heads the entry, and the verdict check is among what it explains.
    expect(text).toMatch(/^\[FAIL\] gateway hop: ND602 gateway\.class-accepted — 1 path\n {7}why: GatewayClass kgateway does not exist/m);
    expect(text).toMatch(/^ {7}explains: ND501 service\.receives-port, /m);
    // Every consequence names its cause among the detail of each check (--verbose).
    expect((await runCli(["--lab", "k3d-gateway-not-programmed", "--verbose"])).stdout).toContain("caused by ND601 gateway.found");
  });
});

describe("a chain of causes on kind", () => {
  it("headlines the ingress controller no node can schedule (no ingress-ready label) and offers no port-mapping fix for its consequence", async () => {
    const r = await runCli(["--lab", "kind-ingress-nginx-no-ingress-ready", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    const p = report.paths[0]!;
    expect(p.verdict).toMatchObject({ hop: "service", checkId: "service.receives-port", rootCause: { checkId: "gateway.ingress-controller-ready", code: "ND606" } });
    expect(p.verdict!.rootCause!.summary).toContain("no node carries the label ingress-ready=true");
    expect(p.checks.find((c) => c.id === "service.receives-port")!.causedBy).toBe("ND606");
    expect(report.fixes.map((f) => f.id)).not.toContain("kind-port-mapping");
  });
});

describe("a dead forwarder that left no process", () => {
  it("names the likely kubectl port-forward from the dev container's port, Service, labels and mounted kubeconfig", async () => {
    const r = await runCli(["--lab", "kind-evidence-devcontainer-forward-gone", "http://localhost:3000/", "--json"]);
    const p = (JSON.parse(r.stdout) as Report).paths[0]!;
    expect(p).toMatchObject({ status: "fail", verdict: { hop: "forwarder", checkId: "forwarder.container-process-alive" } });
    const c = p.checks.find((x) => x.id === "forwarder.container-process-alive")!;
    expect(c.summary).toContain("most likely a `kubectl port-forward --address=0.0.0.0 svc/console 3000:3000` typed in a terminal died with its pod");
    expect(c.evidence).toMatchObject({ kubeconfig: "/home/dev/.kube mounted at /home/node/.kube", candidates: ["default/console:3000"], service: { name: "console", nodePort: null } });
    expect(c.details).toContain("not on the cluster's network kind");
    expect(c.details).toContain("is the container's own loopback there");
    expect(c.fixes).toEqual(["socat-forward", "service-to-nodeport"]);
    expect(p.resolution.forwarder).toMatchObject({ kind: "kubectl-port-forward", pid: null, upstream: "default/svc/console:3000" });
  });
});

describe("a host-side forwarder that died, recorded in the working tree", () => {
  it("names the Makefile line of the dead kubectl port-forward as the root cause of the refused port, with its Service's NodePort", async () => {
    const r = await runCli(["--lab", "host-workdir-portforward-dead", "--json"]);
    const p = (JSON.parse(r.stdout) as Report).paths.find((x) => x.target.path === "/" && x.status === "fail")!;
    expect(p.verdict).toMatchObject({ hop: "host-port", checkId: "host-port.accepts-connections", rootCause: { hop: "forwarder", checkId: "forwarder.recorded-forward-running", code: "ND307" } });
    expect(p.verdict!.rootCause!.summary).toContain("where Makefile:11 records `kubectl -n envoy-gateway-system port-forward svc/envoy-default-eg-e41e7b31 8888:80 > /tmp/pf.log 2>&1 &`");
    const c = p.checks.find((x) => x.code === "ND307")!;
    expect(c.evidence).toMatchObject({ service: { namespace: "envoy-gateway-system", name: "envoy-default-eg-e41e7b31", nodePort: 30080 } });
    expect(c.fixes).toEqual(["socat-forward"]);
  });

  it("relates skaffold's running kubectl port-forward to the portForward entry of skaffold.yaml, and passes", async () => {
    const r = await runCli(["--lab", "host-workdir-skaffold-forward-running", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const c = report.paths[0]!.checks.find((x) => x.code === "ND307")!;
    expect(c.status).toBe("pass");
    expect(c.summary).toMatch(/^kubectl \(pid 61488\) serves port \d+, the forward skaffold\.yaml:12 records/);
  });
});
