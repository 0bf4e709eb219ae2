/**
 * `npm run bench`: the performance budgets of DESIGN §10, measured against
 * the lab over real sockets, never asserted by timing tests.
 *
 * Prints, as a table and as JSON (`--json`):
 *  1. healthy scenario, 0 ms API latency: netdoctor's wall time (median of N
 *     runs of the built CLI) beside `kubectl get svc,endpointslices,pods,
 *     gateways,httproutes -A -o json` against the same lab, and the API
 *     requests netdoctor made, per kind (each kind must be fetched once);
 *  2. the same with 100 ms injected API latency: wall time and the implied
 *     round trips on the critical path ((wall − wall at 0 ms) / 100 ms);
 *  3. `--version` and `--help` wall time;
 *  4. (with `--large`) a generated cluster of 5,000 Services, 20,000 Pods and
 *     2,000 HTTPRoutes in 200 namespaces: wall time and peak RSS;
 *  5. `netdoctor fix remove-traefik --yes` on the traefik scenario (a fresh
 *     lab per run): wall time of diagnose + plan + apply + re-check, and its
 *     API requests.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenario, startLab, type RunningLab } from "../src/lab/index.js";
import { packageRoot } from "../src/version.js";

const root = packageRoot();
const cli = join(root, "bin", "netdoctor.js");
const runs = Number(process.env["BENCH_RUNS"] ?? 7);
const args = new Set(process.argv.slice(2));

interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command asynchronously (the lab serves from this process: never block its event loop). */
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - t, code, stdout, stderr }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function labEnv(lab: RunningLab): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...lab.env };
  delete env["CI"];
  return env;
}

/** Median wall time of netdoctor and kubectl against one lab, and netdoctor's API requests of one run. */
async function compare(lab: RunningLab, n: number) {
  const env = labEnv(lab);
  const nd: number[] = [];
  const kc: number[] = [];
  let requests: Record<string, number> = {};
  let total = 0;
  for (let i = 0; i < n; i++) {
    lab.resetApiStats();
    const r = await timed(process.execPath, [cli, "--json"], env);
    if (r.code === 2) throw new Error(`netdoctor failed: ${r.stderr.trim()}`);
    nd.push(r.ms);
    const stats = lab.apiStats();
    requests = stats.byPath;
    total = stats.requests;
    const k = await timed("kubectl", ["get", "svc,endpointslices,pods,gateways,httproutes", "-A", "-o", "json"], env);
    if (k.code !== 0) throw new Error(`kubectl failed: ${k.stderr.trim()}`);
    kc.push(k.ms);
  }
  return { netdoctorMs: median(nd), kubectlMs: median(kc), apiRequests: total, byPath: requests };
}

/** Requests per list path, to show each kind was fetched once (paths with a `continue` count as pages). */
function listsPerKind(byPath: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, n] of Object.entries(byPath)) out[path] = (out[path] ?? 0) + n;
  return out;
}

/** A copy of the healthy scenario plus a large generated cluster, in a temp dir. */
function largeScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), "netdoctor-bench-large-"));
  cpSync(join(root, "fixtures", "scenarios", "k3d-openchoreo-healthy"), dir, { recursive: true });
  const items: unknown[] = [];
  const ts = "2026-03-02T09:00:00Z";
  for (let n = 0; n < 200; n++) {
    const ns = `team-${n}`;
    items.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, uid: `ns-${n}`, resourceVersion: "1", creationTimestamp: ts, labels: { "kubernetes.io/metadata.name": ns } } });
    for (let s = 0; s < 25; s++) {
      const name = `svc-${s}`;
      items.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: ns, uid: `svc-${n}-${s}`, resourceVersion: "1", creationTimestamp: ts, labels: { app: name } },
        spec: { type: "ClusterIP", selector: { app: name }, ports: [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }], clusterIP: `10.43.${n}.${s}` },
      });
      for (let p = 0; p < 4; p++) {
        items.push({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: `${name}-7c9d5b8f4d-${p}x${s}`, namespace: ns, uid: `pod-${n}-${s}-${p}`, resourceVersion: "1", creationTimestamp: ts, labels: { app: name } },
          spec: { nodeName: "k3d-openchoreo-server-0", containers: [{ name: "app", image: "ghcr.io/example/app:1.0.0", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
          status: { phase: "Running", podIP: `10.42.${n}.${s * 4 + p}`, conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: { startedAt: ts } } }] },
        });
      }
    }
    for (let r = 0; r < 10; r++) {
      items.push({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: `route-${r}`, namespace: ns, uid: `rt-${n}-${r}`, resourceVersion: "1", generation: 1, creationTimestamp: ts },
        spec: {
          parentRefs: [{ name: "gateway-default", namespace: "openchoreo-control-plane" }],
          hostnames: [`r${r}.${ns}.openchoreo.localhost`],
          rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: `svc-${r}`, port: 8080 }] }],
        },
      });
    }
  }
  writeFileSync(join(dir, "cluster", "zz-large.yaml"), JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  return dir;
}

async function main() {
  const results: Record<string, unknown> = {};
  const healthy = join(root, "fixtures", "scenarios", "k3d-openchoreo-healthy");

  if (args.has("--large-only")) {
    results["latency0"] = { netdoctorMs: NaN, kubectlMs: NaN, apiRequests: 0, byPath: {} };
    results["latency100"] = { netdoctorMs: NaN, kubectlMs: NaN, apiRequests: 0 };
  } else {
  // 1. 0 ms latency, side by side with kubectl.
  const lab0 = await startLab(healthy, {});
  try {
    results["latency0"] = await compare(lab0, runs);
  } finally {
    await lab0.stop();
  }

  // 2. 100 ms injected latency.
  const slow = await loadScenario(healthy);
  slow.apiServer.latencyMs = 100;
  const lab100 = await startLab(slow, {});
  try {
    results["latency100"] = await compare(lab100, Math.max(3, Math.floor(runs / 2)));
  } finally {
    await lab100.stop();
  }
  const l0 = results["latency0"] as { netdoctorMs: number };
  const l100 = results["latency100"] as { netdoctorMs: number };
  results["roundTripsAt100ms"] = Math.max(0, (l100.netdoctorMs - l0.netdoctorMs) / 100);

  // 3. --version and --help.
  const v: number[] = [];
  const h: number[] = [];
  for (let i = 0; i < runs; i++) {
    v.push((await timed(process.execPath, [cli, "--version"], process.env)).ms);
    h.push((await timed(process.execPath, [cli, "--help"], process.env)).ms);
  }
  results["versionMs"] = median(v);
  results["helpMs"] = median(h);
  results["nodeStartMs"] = median(await Promise.all([0, 1, 2].map(async () => (await timed(process.execPath, ["-e", "0"], process.env)).ms)));
  }

  // 5. A guided fix: diagnose, plan, apply (two guarded deletes), re-check — a fresh lab per run, since the fix changes it.
  if (!args.has("--large-only")) {
    const conflict = join(root, "fixtures", "scenarios", "k3d-openchoreo-traefik-conflict");
    const home = mkdtempSync(join(tmpdir(), "netdoctor-bench-home-"));
    const wall: number[] = [];
    let requests = 0;
    try {
      for (let i = 0; i < Math.max(3, Math.floor(runs / 2)); i++) {
        const lab = await startLab(conflict, {});
        try {
          const r = await timed(process.execPath, [cli, "fix", "remove-traefik", "--yes", "--json", "--wait", "0"], { ...labEnv(lab), NETDOCTOR_HOME: home });
          if (r.code !== 0) throw new Error(`netdoctor fix failed (exit ${r.code}): ${r.stderr.trim().split("\n").pop()}`);
          wall.push(r.ms);
          requests = lab.apiStats().requests;
        } finally {
          await lab.stop();
        }
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    results["fix"] = { wallMs: median(wall), apiRequests: requests };
  }

  // 4. Large cluster.
  if (args.has("--large") || args.has("--large-only")) {
    const dir = largeScenario();
    const lab = await startLab(dir, {});
    try {
      const env = labEnv(lab);
      const useTime = existsSync("/usr/bin/time");
      // The budget is for the diagnosis of a path: name one target (discovery would diagnose every route).
      const argv = [cli, "--json", lab.state.targets[0]!];
      const r = useTime ? await timed("/usr/bin/time", ["-f", "RSS_KB=%M", process.execPath, ...argv], env) : await timed(process.execPath, argv, env);
      const rss = /RSS_KB=(\d+)/.exec(r.stderr);
      results["large"] = { wallMs: r.ms, peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null, exit: r.code, apiRequests: lab.apiStats().requests };
    } finally {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  if (args.has("--json")) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const r0 = results["latency0"] as { netdoctorMs: number; kubectlMs: number; apiRequests: number; byPath: Record<string, number> };
  const r1 = results["latency100"] as { netdoctorMs: number; kubectlMs: number; apiRequests: number };
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(52)} ${v}\n`);
  process.stdout.write(`netdoctor bench (median of ${runs} runs, healthy scenario, lab on loopback)\n\n`);
  line("diagnosis wall time, 0 ms API latency", `${r0.netdoctorMs.toFixed(0)} ms`);
  line("kubectl get svc,endpointslices,pods,gateways,httproutes", `${r0.kubectlMs.toFixed(0)} ms`);
  line("ratio netdoctor / kubectl (budget ≤ 1.0)", (r0.netdoctorMs / r0.kubectlMs).toFixed(2));
  line("API requests per diagnosis", String(r0.apiRequests));
  const repeated = Object.entries(listsPerKind(r0.byPath)).filter(([, n]) => n > 1);
  line("paths requested more than once", repeated.length ? repeated.map(([p, n]) => `${p}×${n}`).join(", ") : "none");
  line("diagnosis wall time, 100 ms API latency", `${r1.netdoctorMs.toFixed(0)} ms (kubectl ${r1.kubectlMs.toFixed(0)} ms)`);
  line("implied API round trips on the critical path (≤ 4)", (results["roundTripsAt100ms"] as number).toFixed(1));
  line("netdoctor --version (budget ≤ 150 ms)", `${(results["versionMs"] as number).toFixed(0)} ms`);
  line("netdoctor --help (budget ≤ 150 ms)", `${(results["helpMs"] as number).toFixed(0)} ms`);
  line("node -e 0 on this machine (for reference)", `${(results["nodeStartMs"] as number).toFixed(0)} ms`);
  if (results["fix"]) {
    const f = results["fix"] as { wallMs: number; apiRequests: number };
    line("fix remove-traefik: diagnose, plan, apply, re-check", `${f.wallMs.toFixed(0)} ms, ${f.apiRequests} API requests`);
  }
  if (results["large"]) {
    const l = results["large"] as { wallMs: number; peakRssMb: number | null; apiRequests: number };
    line("large cluster: diagnosis wall time (≤ 3 s)", `${l.wallMs.toFixed(0)} ms`);
    line("large cluster: peak RSS (≤ 300 MB)", l.peakRssMb === null ? "n/a (no /usr/bin/time)" : `${l.peakRssMb} MB`);
  } else {
    line("large cluster (5k Services, 20k Pods, 2k HTTPRoutes)", "run `npm run bench -- --large`");
  }
  process.stdout.write("\nAPI requests by path (one diagnosis):\n");
  for (const [p, n] of Object.entries(r0.byPath).sort()) process.stdout.write(`  ${String(n).padStart(3)}  ${p}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
