/**
 * Undo records (src/fixes/undo.ts): what a fix saves before it changes
 * anything, how records are listed, and how `netdoctor undo` replays them —
 * against an in-memory KubeWriter that keeps resourceVersions the way the API
 * server does (409 on a stale precondition, 404 for a missing object).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { UndoEntry } from "../../src/fixes/types.js";
import { forCreate, listRecords, markUndone, openJournal, restoreEntries, restorePatch, undoDir, type RestoreDeps, type UndoRecord } from "../../src/fixes/undo.js";
import type { KubeObject } from "../../src/kube/types.js";
import { defaultService } from "../../src/lab/service-defaults.js";
import { mergePatch, strategicMergePatch } from "../../src/lab/patch.js";
import { refOf, refText, type KubeWriter, type ObjectRef, type PatchType } from "../../src/sources/kube-writer.js";
import { SourceError } from "../../src/sources/types.js";

// ---------------------------------------------------------------------------
// An in-memory KubeWriter with the API server's concurrency semantics.

/** Objects keyed by `refText`; every write bumps a cluster-wide resourceVersion, as etcd does. */
class MemoryKube implements KubeWriter {
  readonly objects = new Map<string, KubeObject>();
  /** Every call, `verb apiVersion Kind ns/name`. */
  readonly calls: string[] = [];
  /** Failure to throw on the next call of a verb (then cleared). */
  readonly failNext: Partial<Record<"get" | "delete" | "patch" | "create", SourceError>> = {};
  private rv = 100;
  private uids = 0;

  /** Store an object as the API server would hand it out (uid, resourceVersion, creationTimestamp set). */
  seed(o: KubeObject): KubeObject {
    const stored = structuredClone(o);
    stored.metadata.uid ??= `uid-${++this.uids}`;
    stored.metadata.creationTimestamp ??= "2026-11-20T08:00:00Z";
    stored.metadata.resourceVersion = String(++this.rv);
    this.objects.set(refText(refOf(stored)), stored);
    return structuredClone(stored);
  }

  /** Someone else changes the object (new resourceVersion). */
  touch(ref: ObjectRef, change: (o: KubeObject) => void): KubeObject {
    const o = this.objects.get(refText(ref))!;
    change(o);
    o.metadata.resourceVersion = String(++this.rv);
    return structuredClone(o);
  }

  peek(ref: ObjectRef): KubeObject | undefined {
    const o = this.objects.get(refText(ref));
    return o && structuredClone(o);
  }

  private fail(verb: keyof MemoryKube["failNext"]): void {
    const e = this.failNext[verb];
    if (e) {
      delete this.failNext[verb];
      throw e;
    }
  }

  private resource(ref: ObjectRef): string {
    return `${ref.kind.toLowerCase()}s${ref.apiVersion.includes("/") ? `.${ref.apiVersion.split("/")[0]}` : ""}`;
  }

  private conflict(ref: ObjectRef, why: string): SourceError {
    return new SourceError("conflict", "kube", refText(ref), `${refText(ref)}: Operation cannot be fulfilled on ${this.resource(ref)} "${ref.name}": ${why}`);
  }

  private notFound(ref: ObjectRef): SourceError {
    return new SourceError("not-found", "kube", refText(ref), `${refText(ref)}: not found (404): ${this.resource(ref)} "${ref.name}" not found`);
  }

  async get(ref: ObjectRef): Promise<KubeObject | null> {
    this.calls.push(`get ${refText(ref)}`);
    this.fail("get");
    return this.peek(ref) ?? null;
  }

  async delete(ref: ObjectRef, pre: { resourceVersion?: string; uid?: string }): Promise<void> {
    this.calls.push(`delete ${refText(ref)}`);
    this.fail("delete");
    const cur = this.objects.get(refText(ref));
    if (!cur) throw this.notFound(ref);
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) throw this.conflict(ref, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
    if (pre.uid && pre.uid !== cur.metadata.uid) throw this.conflict(ref, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
    this.objects.delete(refText(ref));
    this.rv++;
  }

  async patch(ref: ObjectRef, patch: Record<string, unknown>, type: PatchType): Promise<KubeObject> {
    this.calls.push(`patch ${refText(ref)}`);
    this.fail("patch");
    const cur = this.objects.get(refText(ref));
    if (!cur) throw this.notFound(ref);
    const want = (patch["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (want && want !== cur.metadata.resourceVersion) throw this.conflict(ref, "the object has been modified; please apply your changes to the latest version and try again");
    const next = (type === "merge" ? mergePatch(cur, patch) : strategicMergePatch(cur, patch)) as KubeObject;
    if (ref.kind === "Service" && ref.apiVersion === "v1") defaultService(next, cur, [...this.objects.values()].filter((o) => o.kind === "Service"));
    next.metadata = { ...next.metadata, name: cur.metadata.name, namespace: cur.metadata.namespace, uid: cur.metadata.uid, resourceVersion: String(++this.rv) };
    this.objects.set(refText(ref), next);
    return structuredClone(next);
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const ref = refOf(object);
    this.calls.push(`create ${refText(ref)}`);
    this.fail("create");
    if (object.metadata.resourceVersion) throw new SourceError("error", "kube", refText(ref), `${refText(ref)}: resourceVersion should not be set on objects to be created`);
    if (this.objects.has(refText(ref))) throw new SourceError("conflict", "kube", refText(ref), `${refText(ref)}: ${this.resource(ref)} "${ref.name}" already exists`);
    return this.seed({ ...object, metadata: { ...object.metadata, uid: undefined, creationTimestamp: undefined } });
  }
}

// ---------------------------------------------------------------------------
// Objects.

function helmChart(name: string): KubeObject {
  return {
    apiVersion: "helm.cattle.io/v1",
    kind: "HelmChart",
    metadata: { name, namespace: "kube-system", labels: { "objectset.rio.cattle.io/hash": "0ed6d3e6a3cf5d5ac6e4e5c3d2d1b0b1a0f0e0d0" }, annotations: { "objectset.rio.cattle.io/applied": "H4sI…" } },
    spec: { chart: `https://%{KUBERNETES_API}%/static/charts/${name}-27.0.201+up27.0.2.tgz`, targetNamespace: "kube-system" },
    status: { jobName: `helm-install-${name}` },
  };
}

function service(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", labels: { app: "web" } }, spec };
}

const clusterIpSpec = { type: "ClusterIP", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] };
const noForwards: RestoreDeps["stopForward"] = async () => {
  throw new Error("no forward expected");
};

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-undo-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const meta = { context: "k3d-openchoreo", server: "https://127.0.0.1:6550", target: "http://openchoreo.localhost:8080/" };
const NOW = new Date("2026-11-22T10:15:00.123Z");

async function recordJson(dir: string): Promise<UndoRecord> {
  return JSON.parse(await readFile(join(dir, "record.json"), "utf8")) as UndoRecord;
}

// ---------------------------------------------------------------------------

describe("forCreate", () => {
  it("strips the server-owned metadata and status and keeps labels, annotations and spec", () => {
    const o: KubeObject = {
      apiVersion: "helm.cattle.io/v1",
      kind: "HelmChart",
      metadata: {
        name: "traefik",
        namespace: "kube-system",
        labels: { a: "1" },
        annotations: { b: "2" },
        resourceVersion: "1234",
        uid: "0f3c…",
        creationTimestamp: "2026-11-20T08:00:00Z",
        managedFields: [{ manager: "k3s" }],
        generation: 3,
        deletionTimestamp: "2026-11-22T10:00:00Z",
        deletionGracePeriodSeconds: 0,
        selfLink: "/apis/helm.cattle.io/v1/namespaces/kube-system/helmcharts/traefik",
        finalizers: ["wrangler.cattle.io/on-helm-chart-remove"],
      },
      spec: { chart: "traefik", valuesContent: "x: 1\n" },
      status: { jobName: "helm-install-traefik" },
    };
    const before = structuredClone(o);
    expect(forCreate(o)).toEqual({
      apiVersion: "helm.cattle.io/v1",
      kind: "HelmChart",
      metadata: { name: "traefik", namespace: "kube-system", labels: { a: "1" }, annotations: { b: "2" }, finalizers: ["wrangler.cattle.io/on-helm-chart-remove"] },
      spec: { chart: "traefik", valuesContent: "x: 1\n" },
    });
    expect(o).toEqual(before);
  });
});

describe("restorePatch", () => {
  it("sets every saved spec key, nulls the keys only the current spec has, and carries the current resourceVersion", () => {
    const saved = service(clusterIpSpec);
    const current = service({ ...clusterIpSpec, type: "NodePort", externalTrafficPolicy: "Cluster", ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080, nodePort: 30080 }] });
    current.metadata.resourceVersion = "207";
    expect(restorePatch(saved, current)).toEqual({
      metadata: { resourceVersion: "207" },
      spec: { type: "ClusterIP", selector: { app: "web" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }], externalTrafficPolicy: null },
    });
  });

  it("nulls every current key when the saved object had no spec", () => {
    const current = service({ type: "NodePort" });
    current.metadata.resourceVersion = "9";
    expect(restorePatch({ apiVersion: "v1", kind: "Service", metadata: { name: "web" } }, current)).toEqual({ metadata: { resourceVersion: "9" }, spec: { type: null } });
  });
});

describe("openJournal", () => {
  it("creates <home>/undo/<UTC stamp>-<fix> with an empty record.json, private to the user", async () => {
    const j = await openJournal(home, "remove-traefik", meta, NOW);
    expect(j.id).toBe("20261122T101500Z-remove-traefik");
    expect(j.dir).toBe(join(home, "undo", "20261122T101500Z-remove-traefik"));
    expect(undoDir(home)).toBe(join(home, "undo"));
    expect(await recordJson(j.dir)).toEqual({ id: j.id, fix: "remove-traefik", createdAt: "2026-11-22T10:15:00.123Z", ...meta, entries: [], undoneAt: null });
    expect((await stat(j.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(j.dir, "record.json"))).mode & 0o777).toBe(0o600);
  });

  it("appends -2, -3 when a record of the same second and fix exists", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await openJournal(home, "hosts-entry", meta, NOW)).id);
    expect(ids).toEqual(["20261122T101500Z-hosts-entry", "20261122T101500Z-hosts-entry-2", "20261122T101500Z-hosts-entry-3"]);
    expect((await readdir(undoDir(home))).sort()).toEqual(ids);
  });

  it("writes record.json with each entry as soon as it is recorded, and a YAML copy of each deleted or patched object", async () => {
    const j = await openJournal(home, "remove-traefik", meta, NOW);
    const chart = { ...helmChart("traefik"), metadata: { ...helmChart("traefik").metadata, resourceVersion: "501", uid: "u-1" } };
    const ns: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch", resourceVersion: "77" } };
    const entries: UndoEntry[] = [
      { type: "deleted", ref: refOf(chart), object: chart },
      { type: "forward-started", forwardId: "fw-8080-ab12" },
      { type: "patched", ref: refOf(ns), object: ns, resourceVersionAfter: null },
    ];
    for (let i = 0; i < entries.length; i++) {
      await j.record(entries[i]!);
      expect((await recordJson(j.dir)).entries).toEqual(entries.slice(0, i + 1));
    }
    expect(j.record_().entries).toEqual(entries);
    expect((await readdir(j.dir)).sort()).toEqual(["01-helmchart-kube-system-traefik.yaml", "03-namespace-cluster-scratch.yaml", "record.json"]);
    expect(parse(await readFile(join(j.dir, "01-helmchart-kube-system-traefik.yaml"), "utf8"))).toEqual(chart);
    expect(parse(await readFile(join(j.dir, "03-namespace-cluster-scratch.yaml"), "utf8"))).toEqual(ns);
    expect((await stat(join(j.dir, "01-helmchart-kube-system-traefik.yaml"))).mode & 0o777).toBe(0o600);
  });

  it("update replaces the last entry of the same type and object (e.g. the resourceVersion after a patch)", async () => {
    const j = await openJournal(home, "service-to-nodeport", meta, NOW);
    const svc = service(clusterIpSpec);
    const other = { ...service(clusterIpSpec), metadata: { name: "api", namespace: "default" } };
    await j.record({ type: "patched", ref: refOf(svc), object: svc, resourceVersionAfter: null });
    await j.record({ type: "patched", ref: refOf(other), object: other, resourceVersionAfter: null });
    await j.update({ type: "patched", ref: refOf(svc), object: svc, resourceVersionAfter: "302", specAfter: { type: "NodePort" } });
    expect((await recordJson(j.dir)).entries).toEqual([
      { type: "patched", ref: refOf(svc), object: svc, resourceVersionAfter: "302", specAfter: { type: "NodePort" } },
      { type: "patched", ref: refOf(other), object: other, resourceVersionAfter: null },
    ]);
  });

  it("update records the entry when there is none to replace", async () => {
    const j = await openJournal(home, "service-to-nodeport", meta, NOW);
    const svc = service(clusterIpSpec);
    await j.update({ type: "patched", ref: refOf(svc), object: svc, resourceVersionAfter: "302" });
    expect((await recordJson(j.dir)).entries).toHaveLength(1);
    expect(await readdir(j.dir)).toContain("01-service-default-web.yaml");
  });

  it("discardLast drops the last entry from record.json", async () => {
    const j = await openJournal(home, "remove-traefik", meta, NOW);
    const a = helmChart("traefik");
    const b = helmChart("traefik-crd");
    await j.record({ type: "deleted", ref: refOf(a), object: a });
    await j.record({ type: "deleted", ref: refOf(b), object: b });
    await j.discardLast();
    expect((await recordJson(j.dir)).entries).toEqual([{ type: "deleted", ref: refOf(a), object: a }]);
  });

  it("discardIfEmpty removes the record only when nothing was recorded", async () => {
    const j = await openJournal(home, "remove-traefik", meta, NOW);
    const a = helmChart("traefik");
    await j.record({ type: "deleted", ref: refOf(a), object: a });
    expect(await j.discardIfEmpty()).toBe(false);
    expect(await readdir(undoDir(home))).toEqual([j.id]);
    await j.discardLast();
    expect(await j.discardIfEmpty()).toBe(true);
    expect(await readdir(undoDir(home))).toEqual([]);
  });
});

describe("listRecords", () => {
  it("answers no records when the undo directory does not exist", async () => {
    expect(await listRecords(home)).toEqual({ records: [], broken: [] });
  });

  it("lists records newest first (same time: the later id first) and skips directories without a readable record.json", async () => {
    await openJournal(home, "remove-traefik", meta, new Date("2026-11-22T10:15:00Z"));
    await openJournal(home, "hosts-entry", meta, new Date("2026-11-23T09:00:00Z"));
    await openJournal(home, "hosts-entry", meta, new Date("2026-11-23T09:00:00Z"));
    await openJournal(home, "service-to-nodeport", meta, new Date("2026-11-21T00:00:00Z"));
    await mkdir(join(undoDir(home), "20261124T000000Z-empty"));
    await mkdir(join(undoDir(home), "20261124T000001Z-garbled"));
    await writeFile(join(undoDir(home), "20261124T000001Z-garbled", "record.json"), "{ not json");
    const { records, broken } = await listRecords(home);
    expect(records.map((r) => r.id)).toEqual(["20261123T090000Z-hosts-entry-2", "20261123T090000Z-hosts-entry", "20261122T101500Z-remove-traefik", "20261121T000000Z-service-to-nodeport"]);
    expect(broken).toEqual([
      { name: "20261124T000000Z-empty", why: "no readable record.json (ENOENT)" },
      { name: "20261124T000001Z-garbled", why: "record.json is not JSON" },
    ]);
  });

  it("markUndone stamps the record on disk", async () => {
    const j = await openJournal(home, "hosts-entry", meta, NOW);
    await markUndone(home, j.record_(), new Date("2026-11-22T11:00:00Z"));
    expect((await listRecords(home)).records[0]!.undoneAt).toBe("2026-11-22T11:00:00.000Z");
  });
});

describe("restoreEntries: deleted objects", () => {
  it("recreates deleted objects last change first, without server-owned fields", async () => {
    const kube = new MemoryKube();
    const traefik = kube.seed(helmChart("traefik"));
    const crd = kube.seed(helmChart("traefik-crd"));
    await kube.delete(refOf(traefik), {});
    await kube.delete(refOf(crd), {});
    kube.calls.length = 0;
    const steps = await restoreEntries(
      [
        { type: "deleted", ref: refOf(traefik), object: traefik },
        { type: "deleted", ref: refOf(crd), object: crd },
      ],
      { kube, stopForward: noForwards, signal: AbortSignal.timeout(10_000) },
    );
    expect(steps).toEqual([
      { entry: "deleted", subject: "helm.cattle.io/v1 HelmChart kube-system/traefik-crd", ok: true, message: "recreated" },
      { entry: "deleted", subject: "helm.cattle.io/v1 HelmChart kube-system/traefik", ok: true, message: "recreated" },
    ]);
    expect(kube.calls).toEqual(["create helm.cattle.io/v1 HelmChart kube-system/traefik-crd", "create helm.cattle.io/v1 HelmChart kube-system/traefik"]);
    const again = kube.peek(refOf(traefik))!;
    expect(again.metadata.uid).not.toBe(traefik.metadata.uid);
    expect(again["spec"]).toEqual(traefik["spec"]);
    expect(again.metadata.labels).toEqual(traefik.metadata.labels);
    expect(again["status"]).toBeUndefined();
  });

  it("leaves an object that already exists again alone and counts that as restored", async () => {
    const kube = new MemoryKube();
    const traefik = kube.seed(helmChart("traefik"));
    const steps = await restoreEntries([{ type: "deleted", ref: refOf(traefik), object: traefik }], { kube, stopForward: noForwards, signal: AbortSignal.timeout(10_000) });
    expect(steps).toEqual([{ entry: "deleted", subject: "helm.cattle.io/v1 HelmChart kube-system/traefik", ok: true, message: "already exists again: left as it is" }]);
  });

  it.each([
    { case: "the create fails", kube: true, message: 'not recreated: helm.cattle.io/v1 HelmChart kube-system/traefik: helmcharts.helm.cattle.io "traefik" is forbidden' },
    { case: "there is no cluster to write to", kube: false, message: "no cluster to restore it to" },
  ])("reports a deleted object as not restored when $case", async ({ kube: withKube, message }) => {
    const kube = new MemoryKube();
    const chart = helmChart("traefik");
    kube.failNext.create = new SourceError("forbidden", "kube", "helmcharts", 'helm.cattle.io/v1 HelmChart kube-system/traefik: helmcharts.helm.cattle.io "traefik" is forbidden');
    const steps = await restoreEntries([{ type: "deleted", ref: refOf(chart), object: chart }], { kube: withKube ? kube : null, stopForward: noForwards, signal: AbortSignal.timeout(10_000) });
    expect(steps).toEqual([{ entry: "deleted", subject: "helm.cattle.io/v1 HelmChart kube-system/traefik", ok: false, message }]);
  });
});

describe("restoreEntries: patched objects", () => {
  /** A Service patched from ClusterIP to NodePort 30080, journalled as guardedPatch does. */
  async function patchedService(): Promise<{ kube: MemoryKube; entry: UndoEntry & { type: "patched" }; ref: ObjectRef }> {
    const kube = new MemoryKube();
    const before = kube.seed(service(clusterIpSpec));
    const ref = refOf(before);
    const after = await kube.patch(ref, { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] } }, "strategic");
    return { kube, ref, entry: { type: "patched", ref, object: before, resourceVersionAfter: after.metadata.resourceVersion ?? null, specAfter: after["spec"] } };
  }
  const signal = () => AbortSignal.timeout(10_000);

  it("restores the spec it saved when the spec is still what the fix left", async () => {
    const { kube, entry, ref } = await patchedService();
    expect(kube.peek(ref)!["spec"]).toMatchObject({ type: "NodePort", externalTrafficPolicy: "Cluster" });
    const steps = await restoreEntries([entry], { kube, stopForward: noForwards, signal: signal() });
    expect(steps).toEqual([{ entry: "patched", subject: "v1 Service default/web", ok: true, message: "spec restored" }]);
    expect(kube.peek(ref)!["spec"]).toEqual(clusterIpSpec);
  });

  it("restores it when only the status or metadata moved on (a controller wrote, the spec is unchanged)", async () => {
    const { kube, entry, ref } = await patchedService();
    kube.touch(ref, (o) => {
      o["status"] = { loadBalancer: {} };
      o.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{}" };
    });
    const steps = await restoreEntries([entry], { kube, stopForward: noForwards, signal: signal() });
    expect(steps).toEqual([{ entry: "patched", subject: "v1 Service default/web", ok: true, message: "spec restored" }]);
    expect(kube.peek(ref)!["spec"]).toEqual(clusterIpSpec);
  });

  it("does not overwrite a spec someone changed after the fix, unless forced", async () => {
    const { kube, entry, ref } = await patchedService();
    kube.touch(ref, (o) => {
      (o["spec"] as { ports: { nodePort: number }[] }).ports[0]!.nodePort = 30090;
    });
    const changed = kube.peek(ref)!;
    const steps = await restoreEntries([entry], { kube, stopForward: noForwards, signal: signal() });
    expect(steps).toEqual([
      { entry: "patched", subject: "v1 Service default/web", ok: false, message: "its spec changed after the fix: not restored, so that change is not overwritten; use --force to restore it anyway" },
    ]);
    expect(kube.peek(ref)).toEqual(changed);

    const forced = await restoreEntries([entry], { kube, stopForward: noForwards, signal: signal(), force: true });
    expect(forced).toEqual([{ entry: "patched", subject: "v1 Service default/web", ok: true, message: "spec restored" }]);
    expect(kube.peek(ref)!["spec"]).toEqual(clusterIpSpec);
  });

  it("falls back to comparing resourceVersions for a record without specAfter", async () => {
    const { kube, entry, ref } = await patchedService();
    const { specAfter: _drop, ...old } = entry;
    kube.touch(ref, (o) => {
      o["status"] = { loadBalancer: {} };
    });
    const steps = await restoreEntries([old], { kube, stopForward: noForwards, signal: signal() });
    expect(steps[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^its spec changed after the fix/) });
  });

  it.each([
    { case: "the object is gone", setup: (k: MemoryKube, ref: ObjectRef) => void k.objects.delete(refText(ref)), message: "it no longer exists: not restored" },
    {
      case: "the API refuses the patch",
      setup: (k: MemoryKube) => void (k.failNext.patch = new SourceError("forbidden", "kube", "services", 'v1 Service default/web: services "web" is forbidden: User "dev" cannot patch resource "services"')),
      message: 'not restored: v1 Service default/web: services "web" is forbidden: User "dev" cannot patch resource "services"',
    },
  ])("reports the patched object as not restored when $case", async ({ setup, message }) => {
    const { kube, entry, ref } = await patchedService();
    setup(kube, ref);
    expect(await restoreEntries([entry], { kube, stopForward: noForwards, signal: signal() })).toEqual([{ entry: "patched", subject: "v1 Service default/web", ok: false, message }]);
  });
});

describe("restoreEntries: created objects, forwards and processes", () => {
  it("deletes a created object by uid, and counts one already gone as restored", async () => {
    const kube = new MemoryKube();
    const created = kube.seed(service(clusterIpSpec));
    const entry: UndoEntry = { type: "created", ref: refOf(created), uid: created.metadata.uid as string };
    const deps = { kube, stopForward: noForwards, signal: AbortSignal.timeout(10_000) };
    expect(await restoreEntries([entry], deps)).toEqual([{ entry: "created", subject: "v1 Service default/web", ok: true, message: "deleted" }]);
    expect(kube.peek(refOf(created))).toBeUndefined();
    expect(await restoreEntries([entry], deps)).toEqual([{ entry: "created", subject: "v1 Service default/web", ok: true, message: "already gone" }]);
  });

  it("does not delete an object of the same name created by someone else since (another uid)", async () => {
    const kube = new MemoryKube();
    const mine = kube.seed(service(clusterIpSpec));
    await kube.delete(refOf(mine), {});
    kube.seed(service(clusterIpSpec));
    const steps = await restoreEntries([{ type: "created", ref: refOf(mine), uid: mine.metadata.uid as string }], { kube, stopForward: noForwards, signal: AbortSignal.timeout(10_000) });
    expect(steps[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^not deleted: .*Precondition failed: UID in precondition/) });
    expect(kube.peek(refOf(mine))).toBeDefined();
  });

  it.each([
    { case: "a forward it stops", stop: async () => ({ stopped: true }), ok: true, message: "stopped" },
    { case: "a forward that had exited", stop: async () => ({ stopped: false }), ok: true, message: "was no longer running" },
    {
      case: "a forward stopped by hand already (NETDOCTOR_FORWARD_UNKNOWN)",
      stop: async () => {
        throw Object.assign(new Error("no forward fw-8080-ab12"), { code: "NETDOCTOR_FORWARD_UNKNOWN" });
      },
      ok: true,
      message: "already stopped",
    },
    {
      case: "a forward that cannot be stopped",
      stop: async () => {
        throw Object.assign(new Error("kill EPERM\nmore"), { code: "EPERM" });
      },
      ok: false,
      message: "kill EPERM",
    },
  ])("reports $case", async ({ stop, ok, message }) => {
    const seen: string[] = [];
    const steps = await restoreEntries([{ type: "forward-started", forwardId: "fw-8080-ab12" }], {
      kube: null,
      stopForward: async (id) => {
        seen.push(id);
        return stop();
      },
      signal: AbortSignal.timeout(10_000),
    });
    expect(seen).toEqual(["fw-8080-ab12"]);
    expect(steps).toEqual([{ entry: "forward-started", subject: "forward fw-8080-ab12", ok, message }]);
  });

  it("does not restart a stopped process, and says how to", async () => {
    const steps = await restoreEntries([{ type: "process-stopped", pid: 4242, command: "kubectl port-forward -n default svc/web 8080:80" }], { kube: null, stopForward: noForwards, signal: AbortSignal.timeout(10_000) });
    expect(steps).toEqual([{ entry: "process-stopped", subject: "pid 4242", ok: true, message: "not restarted (netdoctor does not restart processes); to restart it: kubectl port-forward -n default svc/web 8080:80" }]);
  });
});

describe("restoreEntries: appended hosts lines", () => {
  const LINE = "127.0.0.1 console.platform.test";
  const deps = (): RestoreDeps => ({ kube: null, stopForward: noForwards, signal: AbortSignal.timeout(10_000) });

  it("removes the appended line and leaves every other line, including ones added after it, as they are", async () => {
    const file = join(home, "hosts");
    const backup = join(home, "hosts.bak");
    const original = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n";
    await writeFile(backup, original);
    await writeFile(file, `${original}${LINE}\n10.0.0.7 added-later.test\n`);
    const steps = await restoreEntries([{ type: "file-appended", file, backup, line: LINE }], deps());
    expect(steps).toEqual([{ entry: "file-appended", subject: file, ok: true, message: `removed "${LINE}" (the file before the fix: ${backup})` }]);
    expect(await readFile(file, "utf8")).toBe(`${original}10.0.0.7 added-later.test\n`);
    // What the file held just before undo is kept next to the backup.
    expect(await readFile(`${backup}.before-undo`, "utf8")).toBe(`${original}${LINE}\n10.0.0.7 added-later.test\n`);
  });

  it("removes only the last copy of a line that appears twice", async () => {
    const file = join(home, "hosts");
    await writeFile(file, `${LINE}\n127.0.0.1 localhost\n${LINE}\n`);
    await restoreEntries([{ type: "file-appended", file, backup: join(home, "hosts.bak"), line: LINE }], deps());
    expect(await readFile(file, "utf8")).toBe(`${LINE}\n127.0.0.1 localhost\n`);
  });

  it("leaves the file alone when the line is no longer there", async () => {
    const file = join(home, "hosts");
    await writeFile(file, "127.0.0.1 localhost\n");
    const steps = await restoreEntries([{ type: "file-appended", file, backup: join(home, "hosts.bak"), line: LINE }], deps());
    expect(steps).toEqual([{ entry: "file-appended", subject: file, ok: true, message: `the line "${LINE}" is no longer there` }]);
    expect(await readFile(file, "utf8")).toBe("127.0.0.1 localhost\n");
  });

  it("reports a file it cannot read as not restored, naming the backup", async () => {
    const file = join(home, "missing", "hosts");
    const backup = join(home, "hosts.bak");
    const steps = await restoreEntries([{ type: "file-appended", file, backup, line: LINE }], deps());
    expect(steps).toEqual([{ entry: "file-appended", subject: file, ok: false, message: expect.stringMatching(new RegExp(`^not restored: ENOENT.*; the file before the fix: ${backup.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)) }]);
  });
});

describe("restoreEntries: a record with several kinds of change", () => {
  it("undoes every entry in reverse order even when one of them fails", async () => {
    const kube = new MemoryKube();
    const file = join(home, "hosts");
    await writeFile(file, "127.0.0.1 localhost\n127.0.0.1 app.test\n");
    const chart = helmChart("traefik");
    kube.failNext.create = new SourceError("unreachable", "kube", "helmcharts", "connect ECONNREFUSED 127.0.0.1:6550");
    const steps = await restoreEntries(
      [
        { type: "deleted", ref: refOf(chart), object: chart },
        { type: "forward-started", forwardId: "fw-1" },
        { type: "file-appended", file, backup: join(home, "hosts.bak"), line: "127.0.0.1 app.test" },
      ],
      { kube, stopForward: async () => ({ stopped: true }), signal: AbortSignal.timeout(10_000) },
    );
    expect(steps.map((s) => `${s.entry} ${s.ok} ${s.message}`)).toEqual([
      `file-appended true removed "127.0.0.1 app.test" (the file before the fix: ${join(home, "hosts.bak")})`,
      "forward-started true stopped",
      "deleted false not recreated: connect ECONNREFUSED 127.0.0.1:6550",
    ]);
  });
});
