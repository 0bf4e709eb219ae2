/**
 * `netdoctor fix` and `netdoctor undo` end to end against the lab: the real
 * CLI deletes and patches objects through the lab's API stand-in, the lab
 * reacts as the controllers would, the re-check runs, and undo puts the
 * objects back. The lab runs in this process (startLab) so it outlives each
 * CLI run; kubectl (the real CLI) confirms what the API server holds.
 */
import { execa } from "execa";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { loadScenario } from "../../src/lab/scenario.js";
import { validateFixDocument } from "../../src/report/schema.js";
import { runCli, scenariosDir } from "./cli.js";

interface FixJson {
  schemaVersion: number;
  fixes: {
    id: string;
    applied: boolean;
    plan: { action: string; object?: string }[];
    before: { status: string; verdict: { hop: string; checkId: string } | null };
    after: { status: string; verdict: unknown } | null;
    checks: { id: string; before: string; after: string | null }[];
    undoId: string | null;
    error: string | null;
  }[];
}

let home: string;
let lab: RunningLab | null = null;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-home-"));
});
afterEach(async () => {
  await lab?.stop();
  lab = null;
  await rm(home, { recursive: true, force: true });
});

async function open(scenario: string): Promise<Record<string, string>> {
  lab = await startLab(join(scenariosDir, scenario));
  return { ...lab.env, NETDOCTOR_HOME: home };
}

async function kubectl(env: Record<string, string>, ...args: string[]): Promise<string> {
  const r = await execa("kubectl", args, { env: { KUBECONFIG: env["KUBECONFIG"]!, HOME: home }, extendEnv: false, reject: false });
  return `${r.stdout}${r.stderr}`;
}

const hasKubectl = (await execa("kubectl", ["version", "--client"], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;

describe("netdoctor fix remove-traefik", () => {
  it("deletes both HelmCharts through the API, the re-check passes, and undo recreates them", async () => {
    const env = await open("k3d-openchoreo-traefik-conflict");
    const r = await runCli(["fix", "remove-traefik", "--yes", "--json"], env);
    expect(r.stderr).not.toMatch(/could not run/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FixJson;
    expect(validateFixDocument(doc)).toEqual({ valid: true, errors: [] });
    expect(doc.schemaVersion).toBe(1);
    expect(doc.fixes).toHaveLength(1);
    const f = doc.fixes[0]!;
    expect(f).toMatchObject({ id: "remove-traefik", applied: true, error: null });
    expect(f.plan.map((s) => `${s.action} ${s.object}`)).toEqual(["delete helm.cattle.io/v1 HelmChart kube-system/traefik", "delete helm.cattle.io/v1 HelmChart kube-system/traefik-crd"]);
    expect(f.before).toMatchObject({ status: "fail", verdict: { hop: "service", checkId: "service.port-free" } });
    expect(f.after).toEqual({ status: "pass", verdict: null });
    expect(f.checks).toContainEqual({ id: "service.port-free", code: "ND502", before: "fail", after: "pass" });
    expect(f.undoId).toMatch(/^\d{8}T\d{6}Z-remove-traefik$/);
    // The objects as they were are saved before the change.
    const saved = await readdir(join(home, "undo", f.undoId!));
    expect(saved.sort()).toEqual(["01-helmchart-kube-system-traefik.yaml", "02-helmchart-kube-system-traefik-crd.yaml", "record.json"]);
    expect(await readFile(join(home, "undo", f.undoId!, "01-helmchart-kube-system-traefik.yaml"), "utf8")).toMatch(/name: traefik\n/);
    if (hasKubectl) expect(await kubectl(env, "-n", "kube-system", "get", "helmchart", "traefik")).toMatch(/NotFound/);

    const u = await runCli(["undo", "--json"], env);
    expect(u.stderr).toBe("");
    expect(u.code).toBe(0);
    const undo = JSON.parse(u.stdout) as { undo: { id: string; complete: boolean; steps: { subject: string; ok: boolean; message: string }[] } };
    expect(undo.undo.id).toBe(f.undoId);
    expect(undo.undo.complete).toBe(true);
    expect(undo.undo.steps.map((s) => `${s.subject}: ${s.message}`)).toEqual([
      "helm.cattle.io/v1 HelmChart kube-system/traefik-crd: recreated",
      "helm.cattle.io/v1 HelmChart kube-system/traefik: recreated",
    ]);
    if (hasKubectl) expect(await kubectl(env, "-n", "kube-system", "get", "helmchart", "traefik", "traefik-crd", "-o", "name")).toBe("helmchart.helm.cattle.io/traefik\nhelmchart.helm.cattle.io/traefik-crd");
    // The lab went back to the conflict, and the diagnosis says so again.
    const again = await runCli(["--json"], env);
    expect(again.code).toBe(1);
    expect(JSON.stringify(JSON.parse(again.stdout).fixes)).toContain("remove-traefik");
    // Nothing left to undo.
    const none = await runCli(["undo"], env);
    expect(none.stdout).toBe("nothing to undo\n");
  });

  it("without --yes and without a terminal changes nothing and says why (exit 2)", async () => {
    const env = await open("k3d-openchoreo-traefik-conflict");
    const r = await runCli(["fix", "remove-traefik", "--json"], env);
    expect(r.code).toBe(2);
    expect(validateFixDocument(JSON.parse(r.stdout))).toEqual({ valid: true, errors: [] });
    const f = (JSON.parse(r.stdout) as FixJson).fixes[0]!;
    expect(f.applied).toBe(false);
    expect(f.undoId).toBeNull();
    expect(f.error).toMatch(/stdin is not a terminal; rerun with --yes/);
    expect(f.plan).toHaveLength(2);
    expect(lab!.scenario().objects.filter((o) => o.kind === "HelmChart").map((o) => o.metadata.name).sort()).toEqual(["traefik", "traefik-crd"]);
    await expect(readdir(join(home, "undo"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses in one line and changes nothing when RBAC forbids the delete (403)", async () => {
    const scenario = await loadScenario(join(scenariosDir, "k3d-openchoreo-traefik-conflict"));
    scenario.apiServer.forbid = ["delete helmcharts"];
    lab = await startLab(scenario);
    const r = await runCli(["fix", "remove-traefik", "--yes", "--json"], { ...lab.env, NETDOCTOR_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/could not run|at .*\.js:\d+/);
    const f = (JSON.parse(r.stdout) as FixJson).fixes[0]!;
    expect(f.applied).toBe(false);
    expect(f.undoId).toBeNull();
    expect(f.error).toBe('delete helm.cattle.io/v1 HelmChart kube-system/traefik is forbidden (403): User "system:serviceaccount:default:netdoctor" cannot delete resource "helmcharts" in API group "helm.cattle.io" in the namespace "kube-system"');
    expect(lab.scenario().objects.filter((o) => o.kind === "HelmChart")).toHaveLength(2);
    expect((await readdir(join(home, "undo"))).length).toBe(0);
  });

  it("--yes without naming it does not apply a disruptive fix, and says how to", async () => {
    const env = await open("k3d-openchoreo-traefik-conflict");
    const r = await runCli(["fix", "--yes", "--json"], env);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as FixJson).fixes[0]!;
    expect(f).toMatchObject({ id: "remove-traefik", applied: false, undoId: null });
    expect(f.error).toBe("not applied: remove-traefik is disruptive, and --yes applies a disruptive fix only when it is named: netdoctor fix remove-traefik --yes");
    expect(lab!.scenario().objects.filter((o) => o.kind === "HelmChart")).toHaveLength(2);
  });

  it("--dry-run prints the plan and changes nothing", async () => {
    const env = await open("k3d-openchoreo-traefik-conflict");
    const r = await runCli(["fix", "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Fix remove-traefik (disruptive)");
    expect(r.stdout).toContain("$ kubectl -n kube-system delete helmchart traefik");
    expect(r.stdout).toContain("--disable=traefik");
    expect(r.stdout).toContain("--dry-run: nothing was changed");
    expect(lab!.scenario().objects.filter((o) => o.kind === "HelmChart")).toHaveLength(2);
  });
});

describe.each([
  { scenario: "kind-service-clusterip", typeBefore: "ClusterIP", diff: "- spec.type: ClusterIP" },
  { scenario: "kind-nodeport-mismatch", typeBefore: "NodePort", diff: "- spec.ports[port=80].nodePort: 30081" },
])("netdoctor fix service-to-nodeport on $scenario", ({ scenario, typeBefore, diff }) => {
  it("patches Service default/web to NodePort 30080, the re-check passes, and undo restores it", async () => {
    const env = await open(scenario);
    const dry = await runCli(["fix", "service-to-nodeport", "--dry-run"], env);
    expect(dry.stdout).toContain(diff);
    expect(dry.stdout).toContain("+ spec.ports[port=80].nodePort: 30080");

    const r = await runCli(["fix", "service-to-nodeport", "--yes", "--json"], env);
    expect(r.code).toBe(0);
    expect(validateFixDocument(JSON.parse(r.stdout))).toEqual({ valid: true, errors: [] });
    const f = (JSON.parse(r.stdout) as FixJson).fixes[0]!;
    expect(f).toMatchObject({ id: "service-to-nodeport", applied: true, error: null, after: { status: "pass" } });
    expect(f.plan).toEqual([expect.objectContaining({ action: "patch", object: "v1 Service default/web" })]);
    if (hasKubectl) expect(await kubectl(env, "-n", "default", "get", "service", "web", "-o", "jsonpath={.spec.type} {.spec.ports[0].nodePort} {.spec.ports[0].targetPort}")).toMatch(/^NodePort 30080 \S+$/);

    const u = await runCli(["undo", f.undoId!, "--json"], env);
    expect(u.code).toBe(0);
    expect(JSON.parse(u.stdout).undo.steps).toEqual([expect.objectContaining({ subject: "v1 Service default/web", ok: true, message: "spec restored" })]);
    if (hasKubectl) expect(await kubectl(env, "-n", "default", "get", "service", "web", "-o", "jsonpath={.spec.type}")).toBe(typeBefore);
    const again = await runCli(["--json"], env);
    expect(again.code).toBe(1);
  });
});

describe("netdoctor fix: usage", () => {
  it("names an unknown fix id in one line (exit 2)", async () => {
    const r = await runCli(["fix", "remove-trafik", "--lab", "k3d-openchoreo-traefik-conflict"], { NETDOCTOR_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netdoctor: unknown fix "remove-trafik": did you mean remove-traefik? (fixes: remove-traefik, service-to-nodeport, socat-forward, kind-port-mapping, k3d-port-mapping, hosts-entry)\n');
  });

  it("says a named fix is not recommended when no failing check asks for it, and changes nothing (exit 1)", async () => {
    const r = await runCli(["fix", "remove-traefik", "--lab", "kind-nodeport-healthy", "--yes", "--json"], { NETDOCTOR_HOME: home });
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as FixJson).fixes[0]!;
    expect(f.applied).toBe(false);
    expect(f.error).toMatch(/^not recommended: no failing check on .* asks for remove-traefik$/);
  });

  it("explain FIX-ID says what the fix does, its risk, and which checks recommend it", async () => {
    const r = await runCli(["explain", "service-to-nodeport"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fix service-to-nodeport \(safe\)\nPatch the entry Service to type NodePort/);
    expect(r.stdout).toMatch(/\nRecommended by: .*ND501 service\.receives-port/);
    expect(r.stdout).toContain("Plan it: netdoctor fix service-to-nodeport --dry-run");
  });

  it("undo with an unknown id lists the records it has (exit 2)", async () => {
    const r = await runCli(["undo", "20200101T000000Z-nothing"], { NETDOCTOR_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netdoctor: no undo record "20200101T000000Z-nothing" in .*\/undo\n$/);
  });

  it("refuses to undo into another cluster than the one the fix changed", async () => {
    const env = await open("kind-service-clusterip");
    const r = await runCli(["fix", "service-to-nodeport", "--yes", "--json"], env);
    expect(r.code).toBe(0);
    await lab!.stop();
    lab = null;
    const other = await open("kind-service-clusterip");
    const u = await runCli(["undo"], other);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/^netdoctor: \S+-service-to-nodeport changed the cluster at https:\/\/127\.0\.0\.1:\d+ \(context kind-kind\), but the current context kind-kind talks to https:\/\/127\.0\.0\.1:\d+: switch with --context\n$/);
  });
});

describe("schema/fix.schema.json", () => {
  it("rejects a fix entry without its before state or with an unknown fix id", () => {
    const entry = { id: "remove-traefik", applied: false, plan: [], after: null, undoId: null, error: null };
    expect(validateFixDocument({ schemaVersion: 1, fixes: [entry] }).errors).toEqual(["/fixes/0: must have required property 'before'"]);
    const unknown = { ...entry, id: "reboot", before: { status: "fail", verdict: null } };
    expect(validateFixDocument({ schemaVersion: 1, fixes: [unknown] }).errors).toEqual([
      '/fixes/0/id: must be one of remove-traefik, service-to-nodeport, socat-forward, kind-port-mapping, k3d-port-mapping, hosts-entry (got "reboot")',
    ]);
  });
});
