/**
 * Fixes that cannot be tripped up (issue 11 §5): deleting an object that is
 * already gone counts as done (as `kubectl delete --ignore-not-found`), so a
 * controller or a colleague deleting first does not turn success into a
 * rollback; undo that cannot recreate an object because its kind is no longer
 * served says so and keeps the record.
 */
import { execa } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTarget } from "../../src/engine/target.js";
import { createFixRunner, diagnoseFor, type Diagnosis } from "../../src/fixes/runner.js";
import { listRecords, restoreEntries } from "../../src/fixes/undo.js";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { loadChecks } from "../../src/load-checks.js";
import type { KubeWriter } from "../../src/sources/kube-writer.js";
import { createLiveSources } from "../../src/sources/live/index.js";
import { SourceError, type Sources } from "../../src/sources/types.js";

const scenarios = join(import.meta.dirname, "..", "..", "fixtures", "scenarios");
let home: string;
let lab: RunningLab | undefined;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-home-"));
});
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
  await rm(home, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<string> {
  const r = await execa("kubectl", ["--cache-dir", join(home, "kube-cache"), ...args], { env: { PATH: process.env["PATH"], HOME: home, KUBECONFIG: lab!.env.KUBECONFIG }, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function runnerFor(scenario: string, prepare?: () => Promise<unknown>) {
  const started = await startLab(join(scenarios, scenario));
  lab = started;
  await prepare?.();
  const env = { ...process.env, ...started.env };
  const checks = await loadChecks(undefined);
  const targets = started.state.targets.map(parseTarget);
  const sourcesOf = (): Sources => createLiveSources({ env }).sources;
  const diagnose = (sources: Sources, t = targets): Promise<Diagnosis> =>
    diagnoseFor({ checks, targets: t, sources, options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 3000 }, timeoutMs: 20_000, toolVersion: "test" });
  const initial = await diagnose(sourcesOf());
  return createFixRunner({ initial, rediagnose: (t) => diagnose(sourcesOf(), t), targets, lab: started.state, home, env, platform: process.platform, options: {}, settleMs: 0 });
}

describe("a fix racing someone who deletes first", () => {
  it("counts a HelmChart a colleague deleted between plan and apply as done, and applies the rest", async () => {
    const runner = await runnerFor("k3d-evidence-fix-race-colleague-deletes");
    const plan = await runner.plan("remove-traefik", 0);
    expect(plan.refusal).toBeNull();
    await kubectl("-n", "kube-system", "delete", "helmchart", "traefik-crd");
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome.error).toBeNull();
    expect(outcome.applied).toBe(true);
    expect(outcome.plan.find((s) => s.object?.endsWith("HelmChart kube-system/traefik-crd"))!.note).toMatch(/^already absent/);
    expect(outcome.after).toMatchObject({ status: "pass" });
    const { records } = await listRecords(home);
    expect(records).toHaveLength(1);
    expect(records[0]!.entries.map((e) => (e.type === "deleted" ? e.ref.name : e.type))).toEqual(["traefik"]);
  });

  it("counts a 404 on its own delete as done instead of rolling back", async () => {
    // The scenario's reaction: once traefik is deleted, traefik-crd disappears too (someone else deletes it first).
    const runner = await runnerFor("k3d-evidence-fix-race-colleague-deletes");
    const plan = await runner.plan("remove-traefik", 0);
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome.error).toBeNull();
    expect(outcome.applied).toBe(true);
    expect(outcome.plan.find((s) => s.object?.endsWith("HelmChart kube-system/traefik-crd"))!.note).toMatch(/^already absent/);
    expect(outcome.plan.find((s) => s.object?.endsWith("HelmChart kube-system/traefik"))!.note).not.toMatch(/^already absent/);
    expect(await kubectl("-n", "kube-system", "get", "helmchart", "-o", "name")).toBe("");
    const { records } = await listRecords(home);
    expect(records[0]!.undoneAt).toBeNull();
  });

  it("plans a chart that is gone already as 'already absent'", async () => {
    // The colleague was first: traefik-crd is gone before netdoctor diagnoses.
    const runner = await runnerFor("k3d-evidence-fix-race-colleague-deletes", () => kubectl("-n", "kube-system", "delete", "helmchart", "traefik-crd"));
    const plan = await runner.plan("remove-traefik", 0);
    expect(plan.refusal).toBeNull();
    expect(plan.steps.map((s) => [s.object, s.note?.startsWith("already absent") ?? false])).toEqual([
      ["helm.cattle.io/v1 HelmChart kube-system/traefik", false],
      ["helm.cattle.io/v1 HelmChart kube-system/traefik-crd", true],
    ]);
    const { outcome } = await runner.apply(plan, 0);
    expect(outcome).toMatchObject({ applied: true, error: null });
  });
});

describe("undo of an object whose kind is no longer served", () => {
  it("says so and does not count it as restored, so the record stays", async () => {
    const ref = { apiVersion: "helm.cattle.io/v1", kind: "HelmChart", namespace: "kube-system", name: "traefik" };
    const kube = {
      create: async () => {
        throw new SourceError("not-found", "kube", "kube-system/traefik", "POST helm.cattle.io/v1 HelmChart kube-system/traefik: not found (404): the server could not find the requested resource");
      },
    } as unknown as KubeWriter;
    const [step] = await restoreEntries([{ type: "deleted", ref, object: { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: "traefik", namespace: "kube-system" } } }], {
      kube,
      stopForward: async () => ({ stopped: false }),
      signal: AbortSignal.timeout(5000),
    });
    expect(step).toMatchObject({ ok: false });
    expect(step!.message).toMatch(/^not recreated: the API server no longer serves helm\.cattle\.io\/v1 HelmChart .*the saved copy is kept: run netdoctor undo again once the kind is served$/);
  });
});
