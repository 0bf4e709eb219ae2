/**
 * A small bundle writer for the reading side's tests: writes the DESIGN §9
 * layout (manifest.json, report.json, cluster/<ns>/<kind>/<name>.yaml,
 * docker/*.json, host/*) from a scenario as a running lab serves it (ports
 * remapped) and the JSON report of a run against that lab. Independent of the
 * real bundle writer (src/bundle/write.ts) on purpose: it pins the layout the
 * reader must accept.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import * as tar from "tar";
import { synthesizeListeners, type Scenario } from "../../src/lab/index.js";
import { KIND_INFO, type KubeKind } from "../../src/kube/types.js";
import type { Report } from "../../src/report/types.js";

/** Kind plural of an object, by kind name (falls back to lower-case kind + "s"). */
function plural(kind: string): string {
  const k = (Object.keys(KIND_INFO) as KubeKind[]).find((x) => KIND_INFO[x].kind === kind);
  return k ?? `${kind.toLowerCase()}s`;
}

/** Options of writeBundleDir: failures to record in the manifest. */
export interface FixtureOptions {
  failed?: { collector: string; code?: string; error: string }[];
  /** Leave out docker/ (as when the docker socket was missing). */
  noDocker?: boolean;
}

/** Writes the bundle layout into `dir` (created). */
export async function writeBundleDir(dir: string, s: Scenario, report: Report, opts: FixtureOptions = {}): Promise<string> {
  const put = async (rel: string, text: string): Promise<void> => {
    const f = path.join(dir, rel);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, text);
  };
  const failed = [...(opts.failed ?? []), ...s.apiServer.forbid.map((k) => ({ collector: `kube/${k}`, code: "forbidden", error: `${k} is forbidden: User "netdoctor" cannot list resource "${k}" (403)` }))];
  const events = s.objects.filter((o) => o.kind === "Event");
  const collected: string[] = [];
  for (const o of s.objects) {
    if (o.kind === "Event") continue;
    const ns = o.metadata.namespace ?? "_cluster";
    const rel = `cluster/${ns}/${plural(o.kind ?? "Unknown")}/${o.metadata.name}.yaml`;
    collected.push(rel);
    await put(rel, stringify(o));
  }
  await put("cluster/events.yaml", stringify({ apiVersion: "v1", kind: "List", items: events }));
  if (!opts.noDocker) {
    await put("docker/containers.json", JSON.stringify(s.containers, null, 2));
    await put("docker/networks.json", JSON.stringify(s.networks, null, 2));
    // Not in the DESIGN §9 list, but read by forwarder.container-process-alive (docker top): the reader accepts it.
    if (Object.keys(s.top).length > 0) await put("docker/top.json", JSON.stringify(s.top, null, 2));
  }
  await put("host/listeners.yaml", stringify(s.listeners ?? synthesizeListeners(s.containers)));
  await put("host/hosts", s.hosts ?? "127.0.0.1\tlocalhost\n");
  await put("host/resolver.json", JSON.stringify(s.resolver, null, 2));
  await put("host/versions.json", JSON.stringify({ netdoctor: report.tool.version }));
  await put("redactions.json", "[]\n");
  await put("report.json", JSON.stringify(report, null, 2));
  await put(
    "manifest.json",
    JSON.stringify(
      { schemaVersion: 1, tool: report.tool, createdAt: report.startedAt, flags: {}, environment: report.environment, collected, failed },
      null,
      2,
    ),
  );
  return dir;
}

/** Packs a bundle directory into `file` (.tar.gz) with the `tar` library, entries under one top-level directory as a writer may do. */
export async function packBundle(dir: string, file: string, wrap = true): Promise<string> {
  if (wrap) await tar.c({ gzip: true, file, cwd: path.dirname(dir), portable: true }, [path.basename(dir)]);
  else await tar.c({ gzip: true, file, cwd: dir, portable: true }, ["."]);
  return file;
}
