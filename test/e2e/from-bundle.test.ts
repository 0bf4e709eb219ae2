/**
 * Issue 5 acceptance: for every fixture scenario, bundle its lab run, then
 * `netdoctor --from` the bundle (tarball and directory): same status, same
 * verdict hops, same set of failing check codes as the live run. Also
 * `netdoctor --lab BUNDLE` (a bundle is a scenario) gives the same verdict hops.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLab } from "../../src/lab/index.js";
import type { Report } from "../../src/report/types.js";
import { validateReport } from "../../src/report/schema.js";
import * as tar from "tar";
import { root, runCli, scenariosDir } from "./cli.js";

const scenarios = readdirSync(scenariosDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ name: d.name, dir: path.join(scenariosDir, d.name) }));

/** What must survive the round trip, per path (keyed by URL: the bundle keeps the lab's remapped ports). */
function diagnosis(r: Report) {
  return {
    status: r.status,
    paths: Object.fromEntries(
      r.paths.map((p) => [p.target.url, { status: p.status, hop: p.verdict?.hop ?? null, fails: p.checks.filter((c) => c.status === "fail").map((c) => c.code).sort() }]),
    ),
    envFails: r.checks.filter((c) => c.status === "fail").map((c) => c.code).sort(),
  };
}

/** The verdict hops of a run, sorted (a new lab remaps ports again, and a flaky port fails a path chosen by arrival order). */
function verdictHops(r: Report): (string | null)[] {
  return r.paths.map((p) => p.verdict?.hop ?? null).sort();
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "netdoctor-from-test-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * Bundle a lab run of `dir` with the real `netdoctor bundle` (it diagnoses, then collects), and extract it.
 * The live run is the one the bundle recorded (its report.json).
 */
async function bundleOfLabRun(name: string, dir: string): Promise<{ live: Report; bundleDir: string; tarball: string }> {
  const lab = await startLab(dir);
  try {
    const out = path.join(tmp, name);
    await mkdir(out, { recursive: true });
    const tarball = path.join(out, `${name}.tar.gz`);
    const w = await runCli(["bundle", "--json", "-o", tarball], lab.env);
    expect(w.code, w.stderr).toBe(0);
    const bundleDir = path.join(out, "extracted");
    await mkdir(bundleDir);
    await tar.x({ file: tarball, cwd: bundleDir });
    const live = JSON.parse(await readFile(path.join(bundleDir, "report.json"), "utf8")) as Report;
    return { live, bundleDir, tarball };
  } finally {
    await lab.stop();
  }
}

describe("netdoctor --from BUNDLE on a bundle of every scenario's lab run", () => {
  it.each(scenarios)("$name: same status, verdict hops and failing codes as the live run", async (s) => {
    const { live, bundleDir, tarball } = await bundleOfLabRun(s.name, s.dir);
    const fromTar = await runCli(["--from", tarball, "--json"]);
    expect(fromTar.stderr).toBe("");
    const replay = JSON.parse(fromTar.stdout) as Report;
    expect(validateReport(replay).errors).toEqual([]);
    expect(diagnosis(replay)).toEqual(diagnosis(live));
    expect(fromTar.code).toBe(live.status === "fail" ? 1 : 0);

    const fromDir = await runCli(["--from", bundleDir, "--json"]);
    expect(diagnosis(JSON.parse(fromDir.stdout) as Report)).toEqual(diagnosis(live));

    // A bundle is also a scenario: the lab serves it and a live run against it reaches the same verdicts.
    const asLab = await runCli(["--lab", tarball, "--json"]);
    expect(asLab.stderr).toBe("");
    expect(verdictHops(JSON.parse(asLab.stdout) as Report)).toEqual(verdictHops(live));
  });

  it("replays the cause a crash-looping svclb pod logged: the bundle keeps that pod's log and --from quotes it as the live run did", async () => {
    const { live, tarball } = await bundleOfLabRun("svclb-log", path.join(scenariosDir, "real-k3d-svclb-iptables-nat"));
    const replay = JSON.parse((await runCli(["--from", tarball, "--json"])).stdout) as Report;
    const logged = 'lb-port-80 logged "iptables v1.8.4 (legacy): can\'t initialize iptables table `nat\': Table does not exist (do you need to insmod?)"';
    expect(live.paths[0]!.verdict!.summary).toContain(logged);
    expect(replay.paths[0]!.verdict!.summary).toContain(logged);
  });
});

describe("a bundle of a run with -X / -H", () => {
  it("records them in manifest flags and each path's target (credentials redacted), and --from replays the same request", async () => {
    const lab = await startLab(path.join(scenariosDir, "kind-eg-method-not-matched"));
    const out = path.join(tmp, "request-options");
    await mkdir(out, { recursive: true });
    const tarball = path.join(out, "request-options.tar.gz");
    try {
      const w = await runCli(["bundle", "--json", "-o", tarball, "-X", "post", "-H", "Authorization: Bearer s3cr3t-token-value", "-H", "x-canary: true"], lab.env);
      expect(w.code, w.stderr).toBe(0);
    } finally {
      await lab.stop();
    }
    const dir = path.join(out, "extracted");
    await mkdir(dir);
    await tar.x({ file: tarball, cwd: dir });
    const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as { command: { flags: Record<string, unknown> } };
    expect(manifest.command.flags["request"]).toBe("post");
    expect(manifest.command.flags["header"]).toEqual(["Authorization: REDACTED", "x-canary: true"]);
    const live = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report;
    expect(live.paths.length).toBeGreaterThan(0);
    for (const p of live.paths) {
      expect(p.target.method).toBe("POST");
      expect(p.target.headers).toEqual([{ name: "Authorization", value: "REDACTED" }, { name: "x-canary", value: "true" }]);
      // The route matches only GET: every POST stops at the route hop.
      expect(p.verdict?.hop).toBe("route");
    }
    expect(await readFile(tarball)).not.toContain(Buffer.from("s3cr3t-token-value"));

    const replay = await runCli(["--from", tarball, "--json"]);
    expect(replay.stderr).toBe("");
    const r = JSON.parse(replay.stdout) as Report;
    expect(diagnosis(r)).toEqual(diagnosis(live));
    expect(r.paths.map((p) => [p.target.method, p.target.headers?.length])).toEqual(live.paths.map(() => ["POST", 2]));
    const hostMatches = r.paths[0]!.checks.find((c) => c.id === "route.host-matches")!;
    expect(hostMatches.summary).toContain("matches POST /");

    // -X given now replaces the recorded one: the same bundle replayed as a GET reaches the backend.
    const asGet = JSON.parse((await runCli(["--from", tarball, "--json", "-X", "GET"])).stdout) as Report;
    expect(asGet.paths.map((p) => p.target.method)).toEqual(live.paths.map(() => "GET"));
    expect(asGet.paths.map((p) => p.checks.find((c) => c.id === "route.host-matches")?.status)).toEqual(live.paths.map(() => "pass"));
  });
});

describe("netdoctor --from and lab with a bundle, at the command line", () => {
  it.each([
    [["--from", "no-such-bundle.tar.gz"], /^netdoctor: no-such-bundle\.tar\.gz: no such bundle file or directory\n$/],
    [["--from", "fixtures/scenarios/k3d-openchoreo-healthy"], /manifest\.json: missing \(not a netdoctor bundle\)\n$/],
    [["--from", "x.tar.gz", "--lab"], /--from and --lab cannot be combined/],
  ])("netdoctor %j exits 2 with one line on stderr", async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("netdoctor lab BUNDLE --print-env serves the bundle: kubectl get svc -A lists its Services", async () => {
    const { tarball } = await bundleOfLabRun("served", path.join(scenariosDir, "k3d-openchoreo-traefik-conflict"));
    const child = spawn(process.execPath, [path.join(root, "bin", "netdoctor.js"), "lab", tarball, "--print-env"], { cwd: root, env: { ...process.env, KUBECONFIG: undefined } });
    try {
      const exports = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (/NETDOCTOR_LAB=.*\n/.test(out)) resolve(out);
        });
        child.on("exit", (code) => reject(new Error(`lab exited ${code}`)));
      });
      const env: Record<string, string> = {};
      for (const m of exports.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!.replace(/^'|'$/g, "");
      const r = spawnSync("kubectl", ["--cache-dir", path.join(tmp, "kube-cache"), "get", "svc", "-A"], { env: { ...process.env, KUBECONFIG: env["KUBECONFIG"] }, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/openchoreo-control-plane\s+gateway-default\s+LoadBalancer/);
      expect(r.stdout).toMatch(/kube-system\s+traefik\s+LoadBalancer/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("a bundle written by netdoctor bundle", () => {
  it.each(["k3d-openchoreo-traefik-conflict", "kind-ingress-nginx-healthy", "host-devcontainer-portforward-dead"])("%s: --from its tarball gives the diagnosis of the run it recorded", async (name) => {
    const file = path.join(tmp, `written-${name}.tar.gz`);
    const w = await runCli(["bundle", "--lab", path.join(scenariosDir, name), "-o", file]);
    expect(w.code, w.stderr).toBe(0);
    const { openBundle } = await import("../../src/bundle/read.js");
    const b = await openBundle(file);
    const recorded = b.report;
    await b.cleanup();
    const r = await runCli(["--from", file, "--json"]);
    expect(r.stderr).toBe("");
    const replay = JSON.parse(r.stdout) as Report;
    expect(diagnosis(replay)).toEqual(diagnosis(recorded));
    // It says it is an offline analysis of a recording, and when that was made.
    expect(replay.recording).toEqual({ bundle: file, recordedAt: b.manifest.createdAt, recordedBy: b.manifest.toolVersion });
    expect(replay.recording?.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const text = await runCli(["--from", file], { CI: "true" });
    const when = replay.recording!.recordedAt!.slice(0, 16).replace("T", " ");
    expect(text.stdout.split("\n").slice(0, 3).join("\n")).toContain(`Offline analysis of bundle ${file}, recorded ${when} UTC by netdoctor `);
  });
});
