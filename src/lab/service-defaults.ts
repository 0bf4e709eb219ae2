/**
 * What the real API server does to a Service on every write, so the lab's
 * stand-in answers a patch as kube-apiserver would (pkg/registry/core/service
 * strategy and allocator, pkg/apis/core/v1 defaults, Kubernetes ≥ 1.20):
 *
 * - every port: `protocol` defaults to TCP, `targetPort` to `port`;
 * - type NodePort / LoadBalancer: every port without `nodePort` gets one
 *   from the NodePort range (30000-32767); `externalTrafficPolicy` defaults
 *   to `Cluster`; a nodePort another Service holds is refused with 422
 *   `spec.ports[i].nodePort: Invalid value: N: provided port is already allocated`;
 * - type ClusterIP: nodePorts and `externalTrafficPolicy` left over from the
 *   previous type are dropped (`dropTypeDependentFields`); newly set ones are
 *   refused with 422 (`may not be used when type is 'ClusterIP'`).
 */
import type { KubeObject } from "../kube/types.js";

/** A 422 the caller turns into a Status answer. */
export class ServiceInvalid extends Error {}

interface Port {
  port: number;
  protocol?: string;
  nodePort?: number;
  [k: string]: unknown;
}
interface Spec {
  type?: string;
  ports?: Port[];
  externalTrafficPolicy?: string;
  [k: string]: unknown;
}

const MIN = 30000;
const MAX = 32767;

/**
 * Apply the defaults to `next` in place. `current` is the stored object
 * before the write (null on create); `others` every other Service.
 * @throws ServiceInvalid with the API server's message.
 */
export function defaultService(next: KubeObject, current: KubeObject | null, others: Iterable<KubeObject>): void {
  const spec = (next["spec"] ??= {}) as Spec;
  const before = (current?.["spec"] ?? {}) as Spec;
  const type = spec.type ?? "ClusterIP";
  const name = next.metadata.name;
  const invalid = (field: string, value: unknown, why: string) => new ServiceInvalid(`Service "${name}" is invalid: ${field}: ${why.startsWith("Forbidden") ? why : `Invalid value: ${JSON.stringify(value)}: ${why}`}`);
  const taken = new Set<number>();
  for (const o of others) {
    if (o.metadata.namespace === next.metadata.namespace && o.metadata.name === name) continue;
    for (const p of ((o["spec"] as Spec | undefined)?.ports ?? [])) if (p.nodePort) taken.add(p.nodePort);
  }
  const ports = spec.ports ?? [];
  // SetDefaults_Service: protocol TCP, targetPort = port.
  for (const p of ports) {
    p.protocol ??= "TCP";
    p["targetPort"] ??= p.port;
  }
  if (type === "NodePort" || type === "LoadBalancer") {
    spec.externalTrafficPolicy ??= "Cluster";
    ports.forEach((p, i) => {
      if (p.nodePort !== undefined && p.nodePort !== null) {
        if (p.nodePort < MIN || p.nodePort > MAX) throw invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${MIN}-${MAX}`);
        if (taken.has(p.nodePort)) throw invalid(`spec.ports[${i}].nodePort`, p.nodePort, "provided port is already allocated");
        taken.add(p.nodePort);
        return;
      }
      let n = MIN;
      while (taken.has(n) && n <= MAX) n++;
      if (n > MAX) throw new ServiceInvalid(`Internal error occurred: failed to allocate a nodePort: range is full`);
      p.nodePort = n;
      taken.add(n);
    });
  } else if (type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort === undefined || p.nodePort === null) return;
      const old = (before.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? "TCP") === (p.protocol ?? "TCP"));
      if (old?.nodePort === p.nodePort) delete p.nodePort;
      else throw invalid(`spec.ports[${i}].nodePort`, p.nodePort, "Forbidden: may not be used when `type` is 'ClusterIP'");
    });
    if (spec.externalTrafficPolicy !== undefined) {
      if (spec.externalTrafficPolicy === before.externalTrafficPolicy) delete spec.externalTrafficPolicy;
      else throw invalid("spec.externalTrafficPolicy", spec.externalTrafficPolicy, "may only be set for externally-accessible services");
    }
  }
}
