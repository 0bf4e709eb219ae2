/**
 * remove-traefik (DESIGN §5): k3s deploys traefik from the HelmCharts
 * `kube-system/traefik` and `kube-system/traefik-crd` (k3s
 * manifests/traefik.yaml); traefik's LoadBalancer Service gets an svclb pod
 * holding hostPorts 80/443 on every node (k3s ServiceLB). Deleting the
 * HelmCharts makes the helm-controller uninstall the release, Service and
 * svclb included, which frees the ports. Deleting only the Deployment does
 * not: the Service and its svclb pods stay (reference/real-world-facts.md
 * §2.1), so this fix never does that. Without `--disable=traefik` k3s
 * rewrites the manifest at the next server start and traefik comes back.
 */
import { FIXES } from "./catalog.js";
import { keepTraefikOff, k3sRuntimeOf } from "../host/k3s-runtime.js";
import { k3dMajorVersion, keepTraefikOffK3d } from "../host/k3s.js";
import type { HelmChart, Ingress } from "../kube/types.js";
import { refText } from "../sources/kube-writer.js";
import { ALREADY_ABSENT, guardedDelete, planned, recheckForDelete, writerOf, type PlannedObject } from "./kube-steps.js";
import type { Fix, FixContext, FixPlan } from "./types.js";

/** The HelmCharts k3s' packaged traefik is installed from, in deletion order. */
export const TRAEFIK_CHARTS = ["traefik", "traefik-crd"] as const;

/**
 * How to keep traefik from coming back, for the flavor at hand: on k3d in the
 * syntax of the k3d version that created the cluster (src/host/k3s.ts
 * `k3dMajorVersion`, `keepTraefikOffK3d`).
 */
async function disableNote(ctx: FixContext): Promise<string> {
  const cluster = ctx.report.environment.cluster;
  if (ctx.report.environment.flavor === "k3d") {
    const containers = await ctx.sources.docker.containers(ctx.signal).catch(() => []);
    return keepTraefikOffK3d(k3dMajorVersion(containers, cluster)?.major ?? null, cluster);
  }
  // k3s on this host or in a VM: the runtime's own setting (Rancher Desktop, Colima, or the k3s config file).
  return keepTraefikOff(k3sRuntimeOf(ctx.report.environment.context), ctx.report.environment.context);
}

/** Ingresses traefik serves (class traefik, or no class), which stop working without it. */
function traefikIngresses(ingresses: Ingress[]): string[] {
  return ingresses
    .filter((i) => {
      const cls = i.spec?.ingressClassName ?? (i.metadata.annotations?.["kubernetes.io/ingress.class"] as string | undefined);
      return cls === undefined || cls === "traefik";
    })
    .map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
}

export const removeTraefik: Fix = {
  ...FIXES["remove-traefik"],
  answers: ["service.port-free", "host-port.listener-not-shadowed"],
  async plan(ctx) {
    const charts = (await ctx.sources.kube.list("helmcharts", ctx.signal)) as HelmChart[];
    const found = TRAEFIK_CHARTS.map((n) => charts.find((c) => c.metadata.namespace === "kube-system" && c.metadata.name === n)).filter((c): c is HelmChart => !!c);
    const notes = [await disableNote(ctx)];
    const plan: FixPlan = { fixId: "remove-traefik", steps: [], refusal: null, automatic: true, notes, state: [] as PlannedObject[] };
    if (found.length === 0) {
      plan.refusal = "there is no HelmChart kube-system/traefik or traefik-crd: this traefik was not installed by k3s' helm-controller; remove it the way it was installed (e.g. helm uninstall)";
      plan.automatic = false;
      return plan;
    }
    // In k3s' order; a chart that is gone already is done, and the plan says so (as `kubectl delete --ignore-not-found`).
    for (const n of TRAEFIK_CHARTS) {
      const c = found.find((x) => x.metadata.name === n);
      if (!c) {
        plan.steps.push({ action: "delete", object: `helm.cattle.io/v1 HelmChart kube-system/${n}`, command: `kubectl -n kube-system delete helmchart ${n} --ignore-not-found`, note: "already absent: nothing to do" });
        continue;
      }
      const p = planned(c);
      (plan.state as PlannedObject[]).push(p);
      plan.steps.push({
        action: "delete",
        object: refText(p.ref),
        command: `kubectl -n kube-system delete helmchart ${c.metadata.name}`,
        note: c.metadata.name === "traefik" ? "the helm-controller uninstalls the release: traefik's Deployment, its LoadBalancer Service and the svclb pods holding ports 80/443" : "the chart of traefik's CRDs",
      });
    }
    try {
      const users = traefikIngresses((await ctx.sources.kube.list("ingresses", ctx.signal)) as Ingress[]);
      if (users.length > 0) notes.unshift(`${users.length} Ingress${users.length === 1 ? "" : "es"} served by traefik stop working: ${users.slice(0, 5).join(", ")}${users.length > 5 ? ", …" : ""}`);
    } catch {
      // Ingresses unavailable (403, not served): the note is only a courtesy.
    }
    return plan;
  },
  async apply(ctx, plan, journal) {
    const kube = writerOf(ctx.kube);
    const objects = plan.state as PlannedObject[];
    const current = await recheckForDelete(kube, objects, ctx.signal);
    // A chart deleted by someone else first (before or while the fix runs) counts as done; the plan step says so.
    const absent = (i: number) => {
      const step = plan.steps.find((s) => s.object === refText(objects[i]!.ref));
      if (step) step.note = ALREADY_ABSENT;
    };
    for (const [i, o] of current.entries()) {
      if (!o || (await guardedDelete(kube, journal, o, ctx.signal)) === "already-absent") absent(i);
    }
  },
};
