/**
 * Fixtures of the TUI's fix tests: plans and outcomes of `remove-traefik` for
 * the traefik-conflict report of ../report/fixture-report.ts (DESIGN §5), the
 * report after the fix, and a fake FixRunner (a test double whose `plan` and
 * `apply` resolve when the test says so).
 */
import { vi } from "vitest";
import type { FixId } from "../../src/engine/types.js";
import type { FixOutcome, FixPlan, FixRunner } from "../../src/fixes/types.js";
import type { Report } from "../../src/report/types.js";
import { makeReport } from "../report/fixture-report.js";

/** The plan of remove-traefik on a k3d cluster: two HelmChart deletions, applied by netdoctor. */
export function removeTraefikPlan(): FixPlan {
  return {
    fixId: "remove-traefik",
    steps: [
      { action: "delete", object: "helm.cattle.io/v1 HelmChart kube-system/traefik", command: "kubectl -n kube-system delete helmchart traefik", note: "helm-controller uninstalls the traefik release, svclb-traefik frees hostPort 80" },
      { action: "delete", object: "helm.cattle.io/v1 HelmChart kube-system/traefik-crd", command: "kubectl -n kube-system delete helmchart traefik-crd" },
    ],
    refusal: null,
    automatic: true,
    notes: ['add --k3s-arg "--disable=traefik@server:*" to the k3d cluster config, or traefik comes back at the next server start'],
    state: { resourceVersions: { traefik: "812", "traefik-crd": "811" } },
  };
}

/** The same fix refused: nothing to confirm. */
export function refusedPlan(): FixPlan {
  return {
    ...removeTraefikPlan(),
    refusal: "HelmChart kube-system/traefik is not found: traefik was not installed by k3s' helm-controller; remove Service kube-system/traefik yourself",
    steps: [],
    notes: [],
  };
}

/** A plan netdoctor only prints (kind cannot add port mappings to a running node). */
export function manualPlan(): FixPlan {
  return {
    fixId: "kind-port-mapping",
    steps: [
      { action: "manual", file: "kind.yaml", line: "- {containerPort: 30080, hostPort: 8080}", note: "kind applies extraPortMappings only when it creates the node" },
      { action: "manual", command: "kind create cluster --name dev --config kind.yaml" },
    ],
    refusal: null,
    automatic: false,
    notes: [],
    state: null,
  };
}

/** A plan with a patch, to show its diff. */
export function patchPlan(): FixPlan {
  return {
    fixId: "service-to-nodeport",
    steps: [
      {
        action: "patch",
        object: "v1 Service openchoreo-control-plane/gateway-default",
        diff: ["- type: LoadBalancer", "+ type: NodePort", "+ nodePort: 30080"],
        command: "kubectl -n openchoreo-control-plane patch service gateway-default -p '{\"spec\":{\"type\":\"NodePort\"}}'",
      },
    ],
    refusal: null,
    automatic: true,
    notes: [],
    state: null,
  };
}

/** The run's report after remove-traefik: the API path passes, nothing left to fix. */
export function fixedReport(): Report {
  const r = makeReport();
  const p = r.paths[0]!;
  const summary = "svclb pod kube-system/svclb-gateway-default-6d1c3f7a-x2x9q is Running with hostPort 80";
  p.status = "pass";
  p.verdict = null;
  p.probe = { outcome: "http", status: 200, signature: "success", durationMs: 6, hop: null };
  const hop = p.hops.find((h) => h.hop === "service")!;
  hop.status = "pass";
  hop.summary = summary;
  const c = p.checks.find((x) => x.id === "service.port-free")!;
  Object.assign(c, { status: "pass", summary, fixes: [] });
  delete c.evidence;
  delete c.details;
  r.status = "pass";
  r.fixes = [];
  return r;
}

/** The outcome of applying {@link removeTraefikPlan}: fail at service before, pass after. */
export function appliedOutcome(): FixOutcome {
  const plan = removeTraefikPlan();
  return {
    id: "remove-traefik",
    title: "Remove k3s' bundled traefik",
    risk: "disruptive",
    applied: true,
    plan: plan.steps,
    notes: plan.notes,
    target: "http://api.openchoreo.localhost:8080/",
    before: {
      status: "fail",
      verdict: { hop: "service", checkId: "service.port-free", code: "ND502", summary: "svclb pod kube-system/svclb-gateway-default-6d1c3f7a-x2x9q is Pending" },
    },
    after: { status: "pass", verdict: null },
    checks: [{ id: "service.port-free", code: "ND502", before: "fail", after: "pass" }],
    undoId: "20261122T101500Z-remove-traefik",
    error: null,
  };
}

/** The outcome of an apply the cluster refused (conflict): rolled back, nothing changed. */
export function conflictOutcome(): FixOutcome {
  return {
    ...appliedOutcome(),
    applied: false,
    after: null,
    checks: [{ id: "service.port-free", code: "ND502", before: "fail", after: null }],
    undoId: null,
    error: "HelmChart kube-system/traefik changed since it was planned (resourceVersion 812, now 845); nothing was changed",
  };
}

/** A promise the test settles. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A fake FixRunner: `offered` answers from `offers` (path index → ids);
 * each `plan`/`apply` call returns a fresh deferred the test settles through
 * `plans`/`applies` (in call order).
 */
export function fakeRunner(offers: Record<number, FixId[]> = { 0: ["remove-traefik"] }) {
  const plans: ReturnType<typeof deferred<FixPlan>>[] = [];
  const applies: ReturnType<typeof deferred<{ outcome: FixOutcome; report: Report }>>[] = [];
  const runner = {
    offered: vi.fn((path: number): FixId[] => offers[path] ?? []),
    plan: vi.fn((_id: FixId, _path: number) => {
      const d = deferred<FixPlan>();
      plans.push(d);
      return d.promise;
    }),
    apply: vi.fn((_plan: FixPlan, _path: number) => {
      const d = deferred<{ outcome: FixOutcome; report: Report }>();
      applies.push(d);
      return d.promise;
    }),
  } satisfies FixRunner;
  return { runner, plans, applies };
}
