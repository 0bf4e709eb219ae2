/**
 * Optimistic concurrency of fixes against the lab's API stand-in: a change
 * made by someone else between planning and applying (a real `kubectl`
 * PATCH) makes the fix refuse with nothing changed; a change that lands while
 * the fix runs makes the API server refuse the write, and the fix rolls back
 * what it had already done.
 */
import { execa } from "execa";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTarget } from "../../src/engine/target.js";
import { createFixRunner, diagnoseFor, type Diagnosis } from "../../src/fixes/runner.js";
import { listRecords } from "../../src/fixes/undo.js";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { loadChecks } from "../../src/load-checks.js";
import type { KubeWriter } from "../../src/sources/kube-writer.js";
import { createLiveSources } from "../../src/sources/live/index.js";
import type { Sources } from "../../src/sources/types.js";

const scenarios = join(import.meta.dirname, "..", "..", "fixtures", "scenarios");
let home: string;
let lab: RunningLab;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-home-"));
});
afterEach(async () => {
  await lab?.stop();
  await rm(home, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<string> {
  const r = await execa("kubectl", ["--cache-dir", join(home, "kube-cache"), ...args], { env: { PATH: process.env["PATH"], HOME: home, KUBECONFIG: lab.env.KUBECONFIG }, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A runner over a fresh diagnosis of the lab; `wrap` may wrap the API writer the fix uses. */
async function runnerFor(scenario: string, wrap?: (w: KubeWriter) => KubeWriter) {
  lab = await startLab(join(scenarios, scenario));
  const env = { ...process.env, ...lab.env };
  const checks = await loadChecks(undefined);
  const targets = lab.state.targets.map(parseTarget);
  const sourcesOf = (): Sources => {
    const s = createLiveSources({ env }).sources;
    if (!wrap) return s;
    const w = wrap(s.kube.writer!());
    return { ...s, kube: { ...s.kube, writer: () => w } };
  };
  const diagnose = (sources: Sources, t = targets): Promise<Diagnosis> =>
    diagnoseFor({ checks, targets: t, sources, options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 3000 }, timeoutMs: 20_000, toolVersion: "test" });
  const initial = await diagnose(sourcesOf());
  return createFixRunner({ initial, rediagnose: (t) => diagnose(sourcesOf(), t), targets, lab: lab.state, home, env, platform: process.platform, options: {}, settleMs: 0 });
}

const helmCharts = () => lab.scenario().objects.filter((o) => o.kind === "HelmChart").map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();

describe("a fix whose objects changed", () => {
  it("is refused with nothing changed when an object was patched after planning", async () => {
    const runner = await runnerFor("k3d-openchoreo-traefik-conflict");
    const plan = await runner.plan("remove-traefik", 0);
    expect(plan.refusal).toBeNull();
    await kubectl("-n", "kube-system", "annotate", "helmchart", "traefik-crd", "example.com/touched=yes");
    const before = helmCharts();
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome.applied).toBe(false);
    expect(outcome.undoId).toBeNull();
    expect(outcome.error).toMatch(/^helm\.cattle\.io\/v1 HelmChart kube-system\/traefik-crd changed after the plan was made \(resourceVersion \d+ → \d+\): nothing was changed, so that change is not overwritten; run the fix again to re-plan$/);
    expect(helmCharts()).toEqual(before);
    expect(helmCharts()).toHaveLength(2);
    expect((await listRecords(home)).records).toEqual([]);
  });

  it("rolls back the deletes already made when the API server refuses a later one (409)", async () => {
    let deletes = 0;
    const runner = await runnerFor("k3d-openchoreo-traefik-conflict", (w) => ({
      ...w,
      async delete(ref, pre, signal) {
        // Someone changes traefik-crd right after the fix deleted traefik.
        if (++deletes === 2) await kubectl("-n", "kube-system", "label", "helmchart", "traefik-crd", "example.com/touched=yes");
        return w.delete(ref, pre, signal);
      },
    }));
    const plan = await runner.plan("remove-traefik", 0);
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome.applied).toBe(false);
    expect(outcome.error).toMatch(/^helm\.cattle\.io\/v1 HelmChart kube-system\/traefik-crd changed while the fix ran, so the delete was refused by the API server \(.*Precondition failed.*\); the changes made before that were rolled back$/);
    // traefik was deleted and recreated from the saved copy; traefik-crd keeps the other change.
    expect(await kubectl("-n", "kube-system", "get", "helmchart", "-o", "name")).toBe("helmchart.helm.cattle.io/traefik\nhelmchart.helm.cattle.io/traefik-crd");
    expect(await kubectl("-n", "kube-system", "get", "helmchart", "traefik-crd", "-o", "jsonpath={.metadata.labels.example\\.com/touched}")).toBe("yes");
    const { records } = await listRecords(home);
    expect(records).toHaveLength(1);
    expect(records[0]!.undoneAt).not.toBeNull();
    expect(records[0]!.entries.map((e) => e.type)).toEqual(["deleted"]);
    expect(await readdir(join(home, "undo", records[0]!.id))).toContain("01-helmchart-kube-system-traefik.yaml");
  });

  it("is refused for a Service patched after planning (service-to-nodeport)", async () => {
    const runner = await runnerFor("kind-service-clusterip");
    const plan = await runner.plan("service-to-nodeport", 0);
    expect(plan.refusal).toBeNull();
    await kubectl("-n", "default", "patch", "service", "web", "--type", "merge", "-p", '{"metadata":{"labels":{"tier":"frontend"}}}');
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome.applied).toBe(false);
    expect(outcome.error).toMatch(/^v1 Service default\/web changed after the plan was made/);
    expect(await kubectl("-n", "default", "get", "service", "web", "-o", "jsonpath={.spec.type}")).toBe("ClusterIP");
  });
});
