/**
 * `npm run bench`: the performance budgets of issue 12 (DESIGN §10), measured
 * against the lab over real sockets, side by side with kubectl in the same
 * run, never asserted by timing tests. Every row is printed with its target.
 *
 *  1. one target, lab at 0 ms API latency: netdoctor's wall time (median of
 *     N runs of the built CLI) ÷ `kubectl get svc,endpointslices,pods,
 *     gateways,httproutes -A -o json` against the same lab, run alternately;
 *     netdoctor's code cache (src/code-cache.ts) in a directory of the bench's
 *     own, written by one untimed run first; beside it the same diagnosis
 *     without the cache (the first run after an install), and the floor: a
 *     bare Node.js program making the same API requests and nothing else
 *     (bench/floor.cjs), the least any Node.js program takes for them, run
 *     alternately too;
 *  2. the same at 100 ms injected API latency;
 *  3. API round trips on the critical path, counted by the lab's API server
 *     (the longest chain of requests each sent after the answer before it),
 *     at 100 ms latency;
 *  4. peak RSS of one diagnosis (`/usr/bin/time`), beside kubectl's;
 *  5. a generated cluster of 5,000 Services, 20,000 Pods and 2,000
 *     HTTPRoutes in 200 namespaces, one path: wall time, peak RSS, ÷ the
 *     kubectl list (skip with `--quick`);
 *  6. `--version` and `--help` ÷ `node -e 0`;
 *  7. the package: `npm pack` sizes and what an install downloads besides;
 *  8. `netdoctor fix remove-traefik --yes` on the traefik scenario (a fresh
 *     lab per run): diagnose + plan + apply + re-check, and its API requests.
 *
 * When the machine sets NODE_EXTRA_CA_CERTS (Node parses that file at every
 * start, before any script runs; kubectl never reads it), the 0 ms row and
 * --help are also measured without it, printed beside the rows.
 *
 * Beside each wall time the CPU time the process spent (user + system, from
 * `/usr/bin/time`, 10 ms resolution), which moves less with the machine's
 * load than the wall time does, and the load average when the bench started
 * and ended.
 *
 * `--json` prints the measurements as JSON. BENCH_RUNS sets N (default 7).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, cpSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenario, startLab, type RunningLab } from "../src/lab/index.js";
import { packageRoot } from "../src/version.js";

const root = packageRoot();
const cli = join(root, "bin", "netdoctor.js");
const floorScript = join(root, "bench", "floor.cjs");
const runs = Number(process.env["BENCH_RUNS"] ?? 7);
const args = new Set(process.argv.slice(2));
const KUBECTL_LIST = ["get", "svc,endpointslices,pods,gateways,httproutes", "-A", "-o", "json"];
const useTime = existsSync("/usr/bin/time");

interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak RSS in MiB (from /usr/bin/time), or null. */
  rssMb: number | null;
  /** User + system CPU time in ms (from /usr/bin/time), or null. */
  cpuMs: number | null;
}

/** Run a command asynchronously (the lab serves from this process: never block its event loop), under /usr/bin/time when present (peak RSS, CPU time). */
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const [c, a] = useTime ? ["/usr/bin/time", ["-f", "ND_BENCH_RSS_KB=%M ND_BENCH_CPU_S=%U+%S", cmd, ...argv]] : [cmd, argv];
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(c as string, a as string[], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const rss = /ND_BENCH_RSS_KB=(\d+)/.exec(stderr);
      const cpu = /ND_BENCH_CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve({
        ms: performance.now() - t,
        code,
        stdout,
        stderr: stderr.replace(/ND_BENCH_RSS_KB=\d+ ND_BENCH_CPU_S=\S+\n?/, ""),
        rssMb: rss ? Number(rss[1]) / 1024 : null,
        cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null,
      });
    });
  });
}

/** "2 CPUs" (what the load average compares to). */
function cpusNote(): string {
  const n = availableParallelism();
  return `${n} CPU${n === 1 ? "" : "s"}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

/** The bench's own code cache directory (src/code-cache.ts), so a run does not depend on what the user's holds. */
const codeCacheHome = mkdtempSync(join(tmpdir(), "netdoctor-bench-cache-"));

function labEnv(lab: RunningLab): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...lab.env, XDG_CACHE_HOME: codeCacheHome };
  delete env["CI"];
  delete env["NETDOCTOR_CODE_CACHE"];
  return env;
}

/**
 * NODE_EXTRA_CA_CERTS, when this machine sets it: Node 20 reads and parses
 * that certificate file at every start, before any script runs (measured
 * here with a 220 KB bundle: `node -e 0` 420 M instructions more, about
 * 100 ms of CPU), which kubectl does not pay. The rows are measured as the
 * machine is; beside them, the same without it.
 */
const extraCaCerts = process.env["NODE_EXTRA_CA_CERTS"] || null;
function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e = { ...env };
  delete e["NODE_EXTRA_CA_CERTS"];
  return e;
}

interface Comparison {
  netdoctorMs: number;
  kubectlMs: number;
  /** Median CPU time (user + system) of each, or null without /usr/bin/time. */
  netdoctorCpuMs: number | null;
  kubectlCpuMs: number | null;
  ratio: number;
  /** Median round trips on the critical path, counted at the API server. */
  roundTrips: number;
  apiRequests: number;
  byPath: Record<string, number>;
  netdoctorRssMb: number | null;
  kubectlRssMb: number | null;
  /** With `clean` on a machine that sets NODE_EXTRA_CA_CERTS: the same diagnosis without it, median wall and CPU time. */
  cleanMs?: number;
  cleanCpuMs?: number | null;
  /** With `floor`: bench/floor.cjs (the same API requests from a bare Node.js program), median wall and CPU time. */
  floorMs?: number;
  floorCpuMs?: number | null;
  /** With `cold`: the same diagnosis without the code cache (NETDOCTOR_CODE_CACHE=0, as the first run after an install or upgrade), median wall and CPU time. */
  coldMs?: number;
  coldCpuMs?: number | null;
}

/** Median wall time of netdoctor (one target) and the kubectl list against one lab, run alternately, with the server's counts. */
async function compare(lab: RunningLab, n: number, argv: string[], opts: { cold?: boolean; floor?: boolean; clean?: boolean } = {}): Promise<Comparison> {
  const env = labEnv(lab);
  // One run first, untimed: it writes the code cache the timed runs read (a user's every run but the first after an install).
  lab.resetApiStats();
  await timed(process.execPath, [cli, "--json", ...argv], env);
  // The floor asks for what that run asked for at set-up: every path but the checks' own later requests (a Service proxy).
  const floorEnv: NodeJS.ProcessEnv = {
    ...env,
    ND_FLOOR_SERVER: lab.api.url,
    ND_FLOOR_TOKEN: lab.api.token,
    ND_FLOOR_CA: lab.api.ca,
    ND_FLOOR_PATHS: JSON.stringify(Object.keys(lab.apiStats().byPath).filter((p) => !p.includes("/proxy"))),
  };
  const floor: number[] = [];
  const floorCpu: number[] = [];
  const clean: number[] = [];
  const cleanCpu: number[] = [];
  const withoutExtraCerts = opts.clean && extraCaCerts ? withoutExtraCaCerts(env) : null;
  const cold: number[] = [];
  const coldCpu: number[] = [];
  const nd: number[] = [];
  const kc: number[] = [];
  const ndCpu: number[] = [];
  const kcCpu: number[] = [];
  const trips: number[] = [];
  const ndRss: number[] = [];
  const kcRss: number[] = [];
  let byPath: Record<string, number> = {};
  let requests = 0;
  for (let i = 0; i < n; i++) {
    lab.resetApiStats();
    const r = await timed(process.execPath, [cli, "--json", ...argv], env);
    if (r.code === 2) throw new Error(`netdoctor failed: ${r.stderr.trim()}`);
    const stats = lab.apiStats();
    nd.push(r.ms);
    if (r.cpuMs !== null) ndCpu.push(r.cpuMs);
    trips.push(stats.roundTrips);
    if (r.rssMb !== null) ndRss.push(r.rssMb);
    byPath = stats.byPath;
    requests = stats.requests;
    if (opts.cold) {
      const c = await timed(process.execPath, [cli, "--json", ...argv], { ...env, NETDOCTOR_CODE_CACHE: "0" });
      if (c.code === 2) throw new Error(`netdoctor failed: ${c.stderr.trim()}`);
      cold.push(c.ms);
      if (c.cpuMs !== null) coldCpu.push(c.cpuMs);
    }
    if (withoutExtraCerts) {
      const c = await timed(process.execPath, [cli, "--json", ...argv], withoutExtraCerts);
      if (c.code === 2) throw new Error(`netdoctor failed: ${c.stderr.trim()}`);
      clean.push(c.ms);
      if (c.cpuMs !== null) cleanCpu.push(c.cpuMs);
    }
    if (opts.floor) {
      const f = await timed(process.execPath, [floorScript], floorEnv);
      if (f.code !== 0) throw new Error(`bench/floor.cjs failed: ${f.stderr.trim()}`);
      floor.push(f.ms);
      if (f.cpuMs !== null) floorCpu.push(f.cpuMs);
    }
    const k = await timed("kubectl", KUBECTL_LIST, env);
    if (k.code !== 0) throw new Error(`kubectl failed: ${k.stderr.trim()}`);
    kc.push(k.ms);
    if (k.cpuMs !== null) kcCpu.push(k.cpuMs);
    if (k.rssMb !== null) kcRss.push(k.rssMb);
  }
  const netdoctorMs = median(nd);
  const kubectlMs = median(kc);
  return {
    netdoctorMs,
    kubectlMs,
    netdoctorCpuMs: ndCpu.length ? median(ndCpu) : null,
    kubectlCpuMs: kcCpu.length ? median(kcCpu) : null,
    ratio: netdoctorMs / kubectlMs,
    roundTrips: median(trips),
    apiRequests: requests,
    byPath,
    netdoctorRssMb: ndRss.length ? Math.max(...ndRss) : null,
    kubectlRssMb: kcRss.length ? Math.max(...kcRss) : null,
    ...(opts.cold ? { coldMs: median(cold), coldCpuMs: coldCpu.length ? median(coldCpu) : null } : {}),
    ...(opts.floor ? { floorMs: median(floor), floorCpuMs: floorCpu.length ? median(floorCpu) : null } : {}),
    ...(clean.length ? { cleanMs: median(clean), cleanCpuMs: cleanCpu.length ? median(cleanCpu) : null } : {}),
  };
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

/** `npm pack --dry-run` sizes, and the runtime dependencies an install would download besides the tarball. */
function packageSizes(): { tarballMb: number; unpackedMb: number; files: number; runtimeDependencies: number } {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const p = (JSON.parse(out) as { size: number; unpackedSize: number; entryCount: number }[])[0]!;
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return { tarballMb: p.size / 1e6, unpackedMb: p.unpackedSize / 1e6, files: p.entryCount, runtimeDependencies: Object.keys(pkg.dependencies ?? {}).length };
}

async function main() {
  const results: Record<string, unknown> = {};
  const loadAtStart = loadavg();
  const healthy = join(root, "fixtures", "scenarios", "k3d-openchoreo-healthy");

  // 1 + 4. 0 ms latency, one target, side by side with kubectl.
  const lab0 = await startLab(healthy, {});
  try {
    results["latency0"] = await compare(lab0, runs, [lab0.state.targets[0]!], { cold: true, floor: true, clean: true });
  } finally {
    await lab0.stop();
  }

  // 2 + 3. 100 ms injected latency.
  const slow = await loadScenario(healthy);
  slow.apiServer.latencyMs = 100;
  const lab100 = await startLab(slow, {});
  try {
    results["latency100"] = await compare(lab100, Math.max(3, Math.floor(runs / 2)), [lab100.state.targets[0]!], { floor: true });
  } finally {
    await lab100.stop();
  }

  // 6. --version and --help beside node's own start-up, alternately.
  // Start-up is short and the machine's load moves it: three times the runs of the other rows.
  const v: Timed[] = [];
  const h: Timed[] = [];
  const n0: Timed[] = [];
  const hClean: Timed[] = [];
  const n0Clean: Timed[] = [];
  for (let i = 0; i < 3 * runs; i++) {
    n0.push(await timed(process.execPath, ["-e", "0"], process.env));
    v.push(await timed(process.execPath, [cli, "--version"], process.env));
    h.push(await timed(process.execPath, [cli, "--help"], process.env));
    if (extraCaCerts) {
      n0Clean.push(await timed(process.execPath, ["-e", "0"], withoutExtraCaCerts(process.env)));
      hClean.push(await timed(process.execPath, [cli, "--help"], withoutExtraCaCerts(process.env)));
    }
  }
  const cpuOf = (xs: Timed[]) => (xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs!)) : null);
  results["startup"] = {
    versionMs: median(v.map((x) => x.ms)),
    helpMs: median(h.map((x) => x.ms)),
    nodeMs: median(n0.map((x) => x.ms)),
    versionCpuMs: cpuOf(v),
    helpCpuMs: cpuOf(h),
    nodeCpuMs: cpuOf(n0),
    ...(extraCaCerts ? { helpCleanMs: median(hClean.map((x) => x.ms)), nodeCleanMs: median(n0Clean.map((x) => x.ms)) } : {}),
  };

  // 7. The package.
  try {
    results["package"] = packageSizes();
  } catch (e) {
    results["package"] = { error: String((e as Error).message).split("\n")[0] };
  }

  // 8. A guided fix: diagnose, plan, apply (two guarded deletes), re-check — a fresh lab per run, since the fix changes it.
  if (!args.has("--quick")) {
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

  // 5. Large cluster, one path, beside kubectl's list of the same objects.
  if (!args.has("--quick")) {
    const dir = largeScenario();
    const lab = await startLab(dir, {});
    try {
      const env = labEnv(lab);
      const n = Number(process.env["BENCH_LARGE_RUNS"] ?? 3);
      const nd: Timed[] = [];
      const kc: Timed[] = [];
      for (let i = 0; i < n; i++) {
        lab.resetApiStats();
        nd.push(await timed(process.execPath, [cli, "--json", lab.state.targets[0]!], env));
        kc.push(await timed("kubectl", KUBECTL_LIST, env));
      }
      const wallMs = median(nd.map((r) => r.ms));
      const kubectlMs = median(kc.map((r) => r.ms));
      const rss = nd.flatMap((r) => (r.rssMb === null ? [] : [r.rssMb]));
      const cpuMedian = (xs: Timed[]) => (xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs!)) : null);
      results["large"] = {
        wallMs,
        kubectlMs,
        ratio: wallMs / kubectlMs,
        cpuMs: cpuMedian(nd),
        kubectlCpuMs: cpuMedian(kc),
        peakRssMb: rss.length ? Math.max(...rss) : null,
        exit: nd[0]!.code,
        apiRequests: lab.apiStats().requests,
      };
    } finally {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  rmSync(codeCacheHome, { recursive: true, force: true });
  results["loadAverage"] = { start: loadAtStart, end: loadavg() };
  if (args.has("--json")) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const r0 = results["latency0"] as Comparison;
  const r1 = results["latency100"] as Comparison;
  const st = results["startup"] as {
    versionMs: number;
    helpMs: number;
    nodeMs: number;
    versionCpuMs: number | null;
    helpCpuMs: number | null;
    nodeCpuMs: number | null;
    helpCleanMs?: number;
    nodeCleanMs?: number;
  };
  const rows: [string, string, string, boolean | null][] = [];
  const row = (measure: string, value: string, target: string, ok: boolean | null) => rows.push([measure, value, target, ok]);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const mb = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(0)} MiB`);
  // CPU time beside wall time: "CPU 1.9× (170 / 90 ms)".
  const cpu = (a: number | null, b: number | null) => (a === null || b === null ? "" : `; CPU ${(a / b).toFixed(2)}× (${a.toFixed(0)} / ${b.toFixed(0)} ms)`);
  row("one target, 0 ms API latency ÷ kubectl list", `${r0.ratio.toFixed(2)}× (${ms(r0.netdoctorMs)} / ${ms(r0.kubectlMs)}${cpu(r0.netdoctorCpuMs, r0.kubectlCpuMs)})`, "≤ 1.5×", r0.ratio <= 1.5);
  if (r0.coldMs !== undefined) {
    row("  … without the code cache (first run after an install)", `${(r0.coldMs / r0.kubectlMs).toFixed(2)}× (${ms(r0.coldMs)}${cpu(r0.coldCpuMs ?? null, r0.kubectlCpuMs)})`, "—", null);
  }
  if (r0.cleanMs !== undefined) {
    row("  … without this machine's NODE_EXTRA_CA_CERTS", `${(r0.cleanMs / r0.kubectlMs).toFixed(2)}× (${ms(r0.cleanMs)}${cpu(r0.cleanCpuMs ?? null, r0.kubectlCpuMs)})`, "—", null);
  }
  if (r0.floorMs !== undefined) {
    row("  … the floor: the same API requests from a bare Node.js program ÷ kubectl", `${(r0.floorMs / r0.kubectlMs).toFixed(2)}× (${ms(r0.floorMs)}${cpu(r0.floorCpuMs ?? null, r0.kubectlCpuMs)})`, "—", null);
    row("  … netdoctor ÷ that floor", `${(r0.netdoctorMs / r0.floorMs).toFixed(2)}×${cpu(r0.netdoctorCpuMs, r0.floorCpuMs ?? null).replace(/^; /, " (") + (r0.floorCpuMs != null && r0.netdoctorCpuMs != null ? ")" : "")}`, "—", null);
  }
  row("same at 100 ms API latency", `${r1.ratio.toFixed(2)}× (${ms(r1.netdoctorMs)} / ${ms(r1.kubectlMs)}${cpu(r1.netdoctorCpuMs, r1.kubectlCpuMs)})`, "≤ 0.7×", r1.ratio <= 0.7);
  if (r1.floorMs !== undefined) {
    row("  … the floor at 100 ms ÷ kubectl", `${(r1.floorMs / r1.kubectlMs).toFixed(2)}× (${ms(r1.floorMs)})`, "—", null);
  }
  row("API round trips on the critical path (at the server, 100 ms)", `${r1.roundTrips} (${r1.apiRequests} requests)`, "2", r1.roundTrips <= 2);
  row("peak RSS of one diagnosis", `${mb(r0.netdoctorRssMb)} (kubectl ${mb(r0.kubectlRssMb)})`, "≤ 80 MiB", r0.netdoctorRssMb === null ? null : r0.netdoctorRssMb <= 80);
  if (results["large"]) {
    const l = results["large"] as { wallMs: number; kubectlMs: number; ratio: number; cpuMs: number | null; kubectlCpuMs: number | null; peakRssMb: number | null };
    row("5k Services / 20k Pods / 2k HTTPRoutes, one path: wall", `${ms(l.wallMs)}${l.cpuMs === null ? "" : ` (CPU ${ms(l.cpuMs)})`}`, "≤ 2 s", l.wallMs <= 2000);
    row("  … peak RSS", mb(l.peakRssMb), "≤ 200 MiB", l.peakRssMb === null ? null : l.peakRssMb <= 200);
    row("  … ÷ kubectl list of the same cluster", `${l.ratio.toFixed(2)}× (kubectl ${ms(l.kubectlMs)}${l.kubectlCpuMs === null ? "" : `, CPU ${ms(l.kubectlCpuMs)}`})`, "≤ 0.3×", l.ratio <= 0.3);
  } else {
    row("5k Services / 20k Pods / 2k HTTPRoutes, one path", "not run (--quick)", "≤ 2 s, ≤ 200 MiB, ≤ 0.3×", null);
  }
  row("--version ÷ node -e 0", `${(st.versionMs / st.nodeMs).toFixed(2)}× (${ms(st.versionMs)} / ${ms(st.nodeMs)}${cpu(st.versionCpuMs, st.nodeCpuMs)})`, "≤ 1.3×", st.versionMs / st.nodeMs <= 1.3);
  row("--help ÷ node -e 0", `${(st.helpMs / st.nodeMs).toFixed(2)}× (${ms(st.helpMs)}${cpu(st.helpCpuMs, st.nodeCpuMs)})`, "≤ 1.3×", st.helpMs / st.nodeMs <= 1.3);
  if (st.helpCleanMs !== undefined && st.nodeCleanMs !== undefined) {
    row("  … both without this machine's NODE_EXTRA_CA_CERTS", `${(st.helpCleanMs / st.nodeCleanMs).toFixed(2)}× (${ms(st.helpCleanMs)} / ${ms(st.nodeCleanMs)})`, "—", null);
  }
  const pk = results["package"] as { tarballMb: number; unpackedMb: number; files: number; runtimeDependencies: number; error?: string };
  if (pk.error) row("npm pack", pk.error, "one of the two", null);
  else {
    row(
      "npm pack unpacked size, and what an install downloads",
      `${pk.unpackedMb.toFixed(1)} MB unpacked (${pk.tarballMb.toFixed(1)} MB tarball, ${pk.files} files) + ${pk.runtimeDependencies} dependencies`,
      "one of the two, not both",
      pk.runtimeDependencies === 0 || pk.unpackedMb <= 2,
    );
  }
  if (results["fix"]) {
    const f = results["fix"] as { wallMs: number; apiRequests: number };
    row("fix remove-traefik: diagnose, plan, apply, re-check", `${ms(f.wallMs)}, ${f.apiRequests} API requests`, "—", null);
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.toString().length), ["measure", "value", "target"][i]!.length));
  const line = (c: string[]) => `| ${c.map((x, i) => (i < 3 ? x.padEnd(w[i]!) : x)).join(" | ")} |\n`;
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  process.stdout.write(`netdoctor bench: median of ${runs} runs (start-up: ${3 * runs}), healthy scenario, lab on loopback, kubectl alternating in the same run\n`);
  process.stdout.write(`load average (1, 5, 15 min) at the start: ${la(loadAtStart)}, at the end: ${la(loadavg())}; ${cpusNote()}\n`);
  if (extraCaCerts) process.stdout.write(`NODE_EXTRA_CA_CERTS=${extraCaCerts}: Node parses it at every start, before netdoctor runs (kubectl does not); rows marked so are measured without it too\n`);
  process.stdout.write("\n");
  process.stdout.write(line(["measure", "value", "target", "ok"]));
  process.stdout.write(line(w.map((n) => "-".repeat(n)).concat(["--"])));
  for (const [m, v2, t, ok] of rows) process.stdout.write(line([m, v2, t, ok === null ? "–" : ok ? "yes" : "NO"]));
  process.stdout.write("\nAPI requests by path (one diagnosis, one target, 0 ms):\n");
  for (const [p, n] of Object.entries(r0.byPath).sort()) process.stdout.write(`  ${String(n).padStart(3)}  ${p}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
