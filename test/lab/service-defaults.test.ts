/**
 * The lab API stand-in's Service defaulting (src/lab/service-defaults.ts):
 * what kube-apiserver does to a Service on every write — protocol and
 * targetPort defaults, NodePort allocation and its 422s, and the fields
 * dropped or refused when the type goes back to ClusterIP.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/kube/types.js";
import { defaultService, ServiceInvalid } from "../../src/lab/service-defaults.js";

type Spec = Record<string, unknown>;

/** A Service `namespace/name` with `spec`. */
function svc(spec: Spec, name = "web", namespace = "default"): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: structuredClone(spec) };
}

/** Another Service holding `nodePorts` (one port each). */
function holder(name: string, nodePorts: number[], namespace = "other"): KubeObject {
  return svc({ type: "NodePort", ports: nodePorts.map((n, i) => ({ port: 80 + i, protocol: "TCP", targetPort: 80 + i, nodePort: n })) }, name, namespace);
}

/** Run defaultService and give back the resulting spec. */
function defaulted(spec: Spec, current: Spec | null = null, others: KubeObject[] = []): Spec {
  const next = svc(spec);
  defaultService(next, current ? svc(current) : null, others);
  return next["spec"] as Spec;
}

/** The message defaultService throws, or null. */
function refusal(spec: Spec, current: Spec | null = null, others: KubeObject[] = []): string | null {
  try {
    defaulted(spec, current, others);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceInvalid);
    return (e as Error).message;
  }
}

describe("defaultService: port defaults", () => {
  it.each([
    { case: "a port without protocol and targetPort gets TCP and targetPort = port", ports: [{ port: 80 }], want: [{ port: 80, protocol: "TCP", targetPort: 80 }] },
    { case: "a named targetPort and a UDP protocol are kept", ports: [{ port: 53, protocol: "UDP", targetPort: "dns" }], want: [{ port: 53, protocol: "UDP", targetPort: "dns" }] },
    {
      case: "every port of the Service is defaulted",
      ports: [{ port: 80, targetPort: 8080 }, { port: 443 }],
      want: [
        { port: 80, protocol: "TCP", targetPort: 8080 },
        { port: 443, protocol: "TCP", targetPort: 443 },
      ],
    },
  ])("$case", ({ ports, want }) => {
    expect(defaulted({ type: "ClusterIP", ports })).toEqual({ type: "ClusterIP", ports: want });
  });

  it("treats a Service without type as ClusterIP: no nodePort, no externalTrafficPolicy", () => {
    expect(defaulted({ ports: [{ port: 80 }] })).toEqual({ ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] });
  });

  it("gives a Service without spec an empty one", () => {
    const next: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "bare", namespace: "default" } };
    defaultService(next, null, []);
    expect(next["spec"]).toEqual({});
  });
});

describe("defaultService: NodePort allocation", () => {
  it.each([
    { case: "the first NodePort Service gets 30000", type: "NodePort", others: [] as KubeObject[], ports: [{ port: 80 }], want: [30000] },
    { case: "a LoadBalancer Service gets a nodePort too", type: "LoadBalancer", others: [], ports: [{ port: 80 }], want: [30000] },
    { case: "the lowest free port is taken, skipping ports other Services hold", type: "NodePort", others: [holder("a", [30000, 30001]), holder("b", [30003])], ports: [{ port: 80 }], want: [30002] },
    { case: "each port of one Service gets its own nodePort", type: "NodePort", others: [holder("a", [30000])], ports: [{ port: 80 }, { port: 443 }], want: [30001, 30002] },
    { case: "a port that asks for a nodePort keeps it and the others get free ones around it", type: "NodePort", others: [], ports: [{ port: 80, nodePort: 30000 }, { port: 443 }], want: [30000, 30001] },
    { case: "a Service of the same name in another namespace holds its ports", type: "NodePort", others: [holder("web", [30000], "staging")], ports: [{ port: 80 }], want: [30001] },
    { case: "the Service's own stored ports do not count as taken (an update keeps its nodePort)", type: "NodePort", others: [holder("web", [30080], "default")], ports: [{ port: 80, nodePort: 30080 }], want: [30080] },
  ])("$case", ({ type, others, ports, want }) => {
    const spec = defaulted({ type, ports }, null, others);
    expect((spec["ports"] as { nodePort?: number }[]).map((p) => p.nodePort)).toEqual(want);
  });

  it.each([
    { nodePort: 30000, ok: true },
    { nodePort: 32767, ok: true },
    { nodePort: 29999, ok: false },
    { nodePort: 32768, ok: false },
    { nodePort: 8080, ok: false },
  ])("accepts nodePort $nodePort only inside 30000-32767 (ok: $ok)", ({ nodePort, ok }) => {
    expect(refusal({ type: "NodePort", ports: [{ port: 80, nodePort }] })).toBe(
      ok ? null : `Service "web" is invalid: spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`,
    );
  });

  it("refuses a nodePort another Service holds with the API server's 422 message, naming the port's index", () => {
    expect(refusal({ type: "NodePort", ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] }, null, [holder("api", [30443])])).toBe(
      'Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 30443: provided port is already allocated',
    );
  });

  it("refuses the same nodePort asked for twice within one Service", () => {
    expect(refusal({ type: "NodePort", ports: [{ port: 80, nodePort: 30080 }, { port: 443, nodePort: 30080 }] })).toBe(
      'Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated',
    );
  });
});

describe("defaultService: externalTrafficPolicy", () => {
  it.each([
    { case: "NodePort without a policy gets Cluster", spec: { type: "NodePort", ports: [{ port: 80 }] }, want: "Cluster" },
    { case: "LoadBalancer without a policy gets Cluster", spec: { type: "LoadBalancer", ports: [{ port: 80 }] }, want: "Cluster" },
    { case: "NodePort with Local keeps Local", spec: { type: "NodePort", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }, want: "Local" },
    { case: "ClusterIP gets no policy", spec: { type: "ClusterIP", ports: [{ port: 80 }] }, want: undefined },
  ])("$case", ({ spec, want }) => {
    expect(defaulted(spec)["externalTrafficPolicy"]).toBe(want);
  });
});

describe("defaultService: back to ClusterIP", () => {
  /** The Service as it was stored while it was type NodePort. */
  const wasNodePort: Spec = { type: "NodePort", externalTrafficPolicy: "Cluster", ports: [{ port: 80, protocol: "TCP", targetPort: 8080, nodePort: 30080 }] };

  it("drops the nodePort and externalTrafficPolicy left over from the previous type (a merge patch that only sets type)", () => {
    const next = { ...structuredClone(wasNodePort), type: "ClusterIP" };
    expect(defaulted(next, wasNodePort)).toEqual({ type: "ClusterIP", ports: [{ port: 80, protocol: "TCP", targetPort: 8080 }] });
  });

  it("matches a carried-over nodePort on port and protocol (protocol TCP when unset)", () => {
    const stored: Spec = { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] };
    expect(defaulted({ type: "ClusterIP", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] }, stored)).toEqual({ type: "ClusterIP", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] });
  });

  it.each([
    { case: "a nodePort on a ClusterIP Service that had none", current: null, spec: { type: "ClusterIP", ports: [{ port: 80, nodePort: 30080 }] }, field: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
    { case: "a nodePort other than the one the Service had", current: wasNodePort, spec: { type: "ClusterIP", ports: [{ port: 80, nodePort: 30081 }] }, field: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
    { case: "the previous nodePort on another protocol", current: wasNodePort, spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "UDP", nodePort: 30080 }] }, field: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
    { case: "a newly set externalTrafficPolicy", current: null, spec: { type: "ClusterIP", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }, field: 'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services' },
    { case: "an externalTrafficPolicy other than the previous one", current: wasNodePort, spec: { type: "ClusterIP", externalTrafficPolicy: "Local", ports: [{ port: 80 }] }, field: 'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services' },
  ])("refuses $case with 422", ({ current, spec, field }) => {
    expect(refusal(spec, current)).toBe(`Service "web" is invalid: ${field}`);
  });
});
