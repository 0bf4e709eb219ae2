import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, reportSchemaPath, validateReport } from "../../src/report/schema.js";
import { renderJson } from "../../src/report/json.js";
import type { Report } from "../../src/report/types.js";
import { makeReport } from "./fixture-report.js";

describe("report schema", () => {
  it("finds the schema file under the package root", () => {
    expect(existsSync(join(packageRoot(), "package.json"))).toBe(true);
    expect(existsSync(reportSchemaPath())).toBe(true);
  });

  it("finds the same package root from the compiled location dist/src/report", () => {
    const root = packageRoot();
    expect(packageRoot(join(root, "dist", "src", "report"))).toBe(root);
  });

  it("accepts a realistic two-path report", () => {
    const result = validateReport(makeReport());
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("accepts the report after a JSON round trip through renderJson", () => {
    expect(validateReport(JSON.parse(renderJson(makeReport()))).valid).toBe(true);
  });

  it("accepts unknown fields anywhere (forward compatible)", () => {
    const r = makeReport() as Report & { extra: unknown };
    r.extra = { any: 1 };
    (r.paths[0]!.checks[0] as unknown as Record<string, unknown>).newField = "x";
    (r.paths[0]!.resolution.service as unknown as Record<string, unknown>).clusterIP = "10.43.12.7";
    expect(validateReport(r).valid).toBe(true);
  });

  it("accepts null resolution entries, a null blockedBy and a not-run probe", () => {
    const r = makeReport();
    const p = r.paths[1]!;
    p.resolution = { address: null, listener: null, forwarder: null, container: null, service: null, gateway: null, route: null, backend: null };
    p.probe = { outcome: "not-run", signature: null, durationMs: 0 };
    r.paths[0]!.checks[2]!.blockedBy = "host-port.port-open";
    expect(validateReport(r).errors).toEqual([]);
  });

  // Each mutation names the instance path the error must point at.
  const mutations: { name: string; mutate: (r: Report) => void; error: RegExp }[] = [
    { name: "a path status outside pass|warn|fail", mutate: (r) => ((r.paths[0] as { status: string }).status = "broken"), error: /^\/paths\/0\/status: must be one of pass, warn, fail/ },
    { name: "a check status outside the enum", mutate: (r) => ((r.paths[0]!.checks[0] as { status: string }).status = "ok"), error: /^\/paths\/0\/checks\/0\/status: must be one of pass, warn, fail, skip, error/ },
    { name: "a code that is not ND + 3 digits", mutate: (r) => (r.paths[0]!.checks[5]!.code = "ND52"), error: /^\/paths\/0\/checks\/5\/code: "ND52" does not match/ },
    { name: "a check id without a hop prefix", mutate: (r) => (r.checks[0]!.id = "kubeconfig"), error: /^\/checks\/0\/id: "kubeconfig" does not match/ },
    { name: "a verdict without its summary", mutate: (r) => delete (r.paths[0]!.verdict as Partial<NonNullable<Report["paths"][0]["verdict"]>>).summary, error: /^\/paths\/0\/verdict: must have required property 'summary'/ },
    { name: "a failing path without a verdict", mutate: (r) => (r.paths[0]!.verdict = null), error: /^\/paths\/0\/verdict: must be object/ },
    { name: "a passing path with a verdict", mutate: (r) => (r.paths[1]!.verdict = r.paths[0]!.verdict), error: /^\/paths\/1\/verdict: must be null/ },
    { name: "an unknown fix id", mutate: (r) => ((r.fixes[0] as { id: string }).id = "restart-docker"), error: /^\/fixes\/0\/id: must be one of remove-traefik/ },
    { name: "an unknown probe signature", mutate: (r) => ((r.paths[0]!.probe as { signature: string }).signature = "haproxy-503"), error: /^\/paths\/0\/probe\/signature: must be one of success/ },
    { name: "an unknown flavor", mutate: (r) => ((r.environment as { flavor: string }).flavor = "minikube"), error: /^\/environment\/flavor: must be one of k3d, kind, k3s, generic, none/ },
    { name: "a wrong schemaVersion", mutate: (r) => ((r as { schemaVersion: number }).schemaVersion = 2), error: /^\/schemaVersion: must be 1/ },
    { name: "a missing resolution entry", mutate: (r) => delete (r.paths[0]!.resolution as Partial<Report["paths"][0]["resolution"]>).forwarder, error: /^\/paths\/0\/resolution: must have required property 'forwarder'/ },
    { name: "a resolution service with a string port", mutate: (r) => ((r.paths[0]!.resolution.service as { port: unknown }).port = "80"), error: /^\/paths\/0\/resolution\/service\/port: must be integer/ },
    { name: "an HTTP probe without its status", mutate: (r) => delete r.paths[0]!.probe.status, error: /^\/paths\/0\/probe: must have required property 'status'/ },
  ];

  it.each(mutations)("rejects $name with a readable error", ({ mutate, error }) => {
    const r = makeReport();
    mutate(r);
    const result = validateReport(r);
    expect(result.valid).toBe(false);
    expect(result.errors.some((e) => error.test(e)), result.errors.join("\n")).toBe(true);
    // Readable: one line per error, no leftover "must be null" noise from nullable branches.
    for (const e of result.errors) expect(e).not.toMatch(/\n/);
  });

  it("does not report the null branch of a nullable object whose fields are wrong", () => {
    const r = makeReport();
    delete (r.paths[0]!.verdict as Partial<NonNullable<Report["paths"][0]["verdict"]>>).summary;
    expect(validateReport(r).errors).not.toContain("/paths/0/verdict: must be null");
  });
});

describe("renderJson", () => {
  it("prints one document with a 2-space indent and a trailing newline", () => {
    const out = renderJson(makeReport());
    expect(out.endsWith("}\n")).toBe(true);
    expect(out.split("\n")[1]).toBe('  "schemaVersion": 1,');
    expect(JSON.parse(out)).toEqual(makeReport());
  });
});
