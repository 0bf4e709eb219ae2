/**
 * NetworkPolicy ingress semantics (src/kube/network-policy.ts), case by case
 * from https://kubernetes.io/docs/concepts/services-networking/network-policies/.
 */
import { describe, expect, it } from "vitest";
import type { Namespace, NetworkPolicy, Pod } from "../../src/kube/types.js";
import { decideIngress, describeAdmitted, governsIngress, type PolicySource } from "../../src/kube/network-policy.js";

const api: Pod = {
  metadata: { name: "openchoreo-api-7c9d5b8f4d-xmgzj", namespace: "openchoreo-control-plane", labels: { "app.kubernetes.io/component": "api-server", "app.kubernetes.io/name": "openchoreo" } },
  spec: { containers: [{ name: "api", image: "ghcr.io/openchoreo/openchoreo-api:v0.3.0", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
  status: { phase: "Running", podIP: "10.42.0.14" },
} as Pod;

const namespaces: Namespace[] = [
  { metadata: { name: "openchoreo-control-plane", labels: { "kubernetes.io/metadata.name": "openchoreo-control-plane" } } },
  { metadata: { name: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } } },
  { metadata: { name: "monitoring", labels: { team: "sre" } } },
];

const envoy: PolicySource = { kind: "pod", namespace: "openchoreo-control-plane", name: "gateway-default-7d96c4b7f8-ch4wf", labels: { "gateway.networking.k8s.io/gateway-name": "gateway-default" } };
const nginx: PolicySource = { kind: "pod", namespace: "ingress-nginx", name: "ingress-nginx-controller-5c8d66c76d-x2k9p", labels: { "app.kubernetes.io/component": "controller" } };
const prometheus: PolicySource = { kind: "pod", namespace: "monitoring", name: "prometheus-0", labels: { app: "prometheus" } };
const apiServer: PolicySource = { kind: "address", address: "172.19.0.2", what: "the API server" };
const apiServerUnknown: PolicySource = { kind: "address", address: null, what: "the API server" };

function policy(name: string, spec: NetworkPolicy["spec"], namespace = "openchoreo-control-plane"): NetworkPolicy {
  return { metadata: { name, namespace }, spec } as NetworkPolicy;
}
const selectApi = { matchLabels: { "app.kubernetes.io/component": "api-server" } };

describe("decideIngress", () => {
  it.each([
    ["admits everything when no policy selects the pod", [policy("other", { podSelector: { matchLabels: { app: "x" } }, ingress: [] })], envoy, 8080, true],
    ["denies everything with an empty ingress list (default deny)", [policy("deny-all", { podSelector: {}, policyTypes: ["Ingress"], ingress: [] })], envoy, 8080, false],
    ["denies everything when ingress is absent and policyTypes defaults to Ingress", [policy("deny-all", { podSelector: {} })], envoy, 8080, false],
    ["ignores an Egress-only policy for ingress", [policy("egress", { podSelector: {}, policyTypes: ["Egress"], egress: [] })], envoy, 8080, true],
    ["admits every source through a rule without from", [policy("open", { podSelector: selectApi, ingress: [{ ports: [{ port: 8080 }] }] })], prometheus, 8080, true],
    ["keeps a podSelector-only peer to the policy's own namespace", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "gateway-default" } } }] }] })], envoy, 8080, true],
    ["does not admit a matching pod of another namespace through a podSelector-only peer", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ podSelector: { matchLabels: { app: "prometheus" } } }] }] })], prometheus, 8080, false],
    ["admits every pod of a namespace through a namespaceSelector-only peer, by the automatic metadata.name label", [policy("nginx", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] }] })], nginx, 8080, true],
    ["does not admit the gateway's pods through a policy for the ingress-nginx namespace", [policy("nginx", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] }] })], envoy, 8080, false],
    ["needs both selectors of one peer to match (AND)", [policy("and", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "sre" } }, podSelector: { matchLabels: { app: "grafana" } } }] }] })], prometheus, 8080, false],
    ["admits when either of two peers matches (OR)", [policy("or", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "sre" } } }, { podSelector: { matchLabels: { app: "grafana" } } }] }] })], prometheus, 8080, true],
    ["adds policies up: a second policy may admit what the first does not", [policy("nginx", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] }] }), policy("gw", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "gateway-default" } } }] }] })], envoy, 8080, true],
    ["does not admit a rule for another port", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 9090 }] }] })], envoy, 8080, false],
    ["matches a named port against the pod's container port name", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: "http" }] }] })], envoy, 8080, true],
    ["matches a port range with endPort", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8000, endPort: 8999 }] }] })], envoy, 8080, true],
    ["does not admit a UDP-only rule for a TCP connection", [policy("gw", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: "UDP" }] }] })], envoy, 8080, false],
    ["never admits the API server through pod or namespace selectors", [policy("all-pods", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {} }] }] })], apiServer, 8080, false],
    ["admits the API server through an ipBlock holding its node address", [policy("nodes", { podSelector: selectApi, ingress: [{ from: [{ ipBlock: { cidr: "172.19.0.0/16" } }] }] })], apiServer, 8080, true],
    ["does not admit an address the ipBlock excepts", [policy("nodes", { podSelector: selectApi, ingress: [{ from: [{ ipBlock: { cidr: "172.19.0.0/16", except: ["172.19.0.0/24"] } }] }] })], apiServer, 8080, false],
    ["does not admit pods through an ipBlock (pod addresses are implementation-defined)", [policy("nodes", { podSelector: selectApi, ingress: [{ from: [{ ipBlock: { cidr: "10.42.0.0/16" } }] }] })], envoy, 8080, false],
  ] as const)("%s", (_name, policies, source, port, admitted) => {
    expect(decideIngress(policies as unknown as NetworkPolicy[], namespaces, source, { pod: api, port }).admitted).toBe(admitted);
  });

  it("leaves an ipBlock undecided when the source's address is not known", () => {
    const d = decideIngress([policy("nodes", { podSelector: selectApi, ingress: [{ from: [{ ipBlock: { cidr: "172.19.0.0/16" } }] }] })], namespaces, apiServerUnknown, { pod: api, port: 8080 });
    expect(d).toMatchObject({ admitted: false, undecided: true });
  });

  it("names the policy that admits, and every policy that selects", () => {
    const a = policy("nginx", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] }] });
    const b = policy("gw", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "gateway-default" } } }] }] });
    const d = decideIngress([a, b], namespaces, envoy, { pod: api, port: 8080 });
    expect(d.selecting.map((p) => p.metadata.name)).toEqual(["nginx", "gw"]);
    expect(d.admittedBy?.metadata.name).toBe("gw");
  });

  it("only selects pods of the policy's own namespace", () => {
    const elsewhere = policy("deny-all", { podSelector: {}, ingress: [] }, "monitoring");
    expect(decideIngress([elsewhere], namespaces, envoy, { pod: api, port: 8080 }).admitted).toBe(true);
  });
});

describe("governsIngress", () => {
  it("defaults policyTypes to Ingress, and counts Egress only when listed", () => {
    expect(governsIngress(policy("a", { podSelector: {} }))).toBe(true);
    expect(governsIngress(policy("b", { podSelector: {}, policyTypes: ["Egress"] }))).toBe(false);
    expect(governsIngress(policy("c", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }))).toBe(true);
  });
});

describe("describeAdmitted", () => {
  it("says what each rule admits, and deny-all for an empty ingress list", () => {
    expect(describeAdmitted(policy("gw", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "gateway-default" } } }], ports: [{ port: 8080, protocol: "TCP" }] }] }))).toBe(
      "pods gateway.networking.k8s.io/gateway-name=gateway-default in every namespace on port 8080/TCP",
    );
    expect(describeAdmitted(policy("nginx", { podSelector: selectApi, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }, { ipBlock: { cidr: "172.19.0.0/16" } }] }] }))).toBe(
      "every pod in namespaces kubernetes.io/metadata.name=ingress-nginx or ipBlock 172.19.0.0/16",
    );
    expect(describeAdmitted(policy("deny", { podSelector: {}, ingress: [] }))).toBe("nothing (empty ingress list: deny all)");
  });
});
