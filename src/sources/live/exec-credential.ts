/**
 * Exec credential plugins (kubeconfig `users[].user.exec`), run the way
 * client-go runs them (k8s.io/client-go/plugin/pkg/client/auth/exec,
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins):
 *
 * - the command gets `KUBERNETES_EXEC_INFO` (an `ExecCredential` with
 *   `spec.interactive: false`, plus `spec.cluster` when `provideClusterInfo`)
 *   and the `env` entries on top of netdoctor's environment;
 * - stdout must be an `ExecCredential` of the `apiVersion` the kubeconfig
 *   names (`client.authentication.k8s.io/v1` or `v1beta1`) with
 *   `status.token` or `status.clientCertificateData` + `clientKeyData`;
 * - the credential is cached for the process, keyed by the exec config and
 *   cluster, until `status.expirationTimestamp` (without one: until the API
 *   server answers 401); concurrent callers share one plugin run.
 *
 * Unlike client-go, netdoctor never runs a plugin interactively: stdin is
 * closed and `interactiveMode: Always` is refused in one line. The plugin is
 * killed (SIGTERM, then SIGKILL after 2 s) when the run's signal aborts and
 * when netdoctor exits, so a hung plugin neither outlives netdoctor nor keeps
 * it running. Its stderr is kept and quoted when it fails.
 */
import type { ChildProcess } from "node:child_process";
import { SourceError } from "../types.js";

/** The `exec` map of a kubeconfig user (client-go `api.ExecConfig`). */
export interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

/** What a plugin gave: a bearer token and/or a client certificate (PEM). */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since epoch; undefined: valid until the API server answers 401. */
  expiresAt?: number;
}

/** Cluster information for `spec.cluster` (`provideClusterInfo: true`). */
export interface ExecClusterInfo {
  server: string;
  "tls-server-name"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "certificate-authority-data"?: string;
  "proxy-url"?: string;
  "disable-compression"?: boolean;
  config?: unknown;
}

const API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

const cache = new Map<string, ExecCredential>();
const inflight = new Map<string, Promise<ExecCredential>>();
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Counts of plugin runs, for tests and the bench (`runs` since the process started). */
export const execStats = { runs: 0 };

function execError(message: string, cause?: unknown): SourceError {
  return new SourceError("unauthorized", "kube", "exec-credential", message, cause === undefined ? undefined : { cause });
}

function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/** The last few non-empty lines of a plugin's stderr, as one line. */
function stderrTail(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.slice(-3).join(" | ").slice(0, 400);
}

/** Drop a cached credential (after a 401 with it), so the next caller runs the plugin again. */
export function forgetExecCredential(key: string): void {
  cache.delete(key);
}

/** The cache key of an exec config against one cluster. */
export function execCacheKey(exec: ExecConfig, cluster: ExecClusterInfo): string {
  return JSON.stringify([exec, cluster.server]);
}

/**
 * The credential of `exec`: cached while it has not expired, else from one
 * run of the plugin shared by concurrent callers. `signal` aborting kills a
 * plugin this call started and rejects with SourceError `timeout`.
 * @throws SourceError `invalid-config` (bad exec config), `unauthorized` (the plugin failed or printed no credential), `timeout`.
 */
export function execCredential(exec: ExecConfig, cluster: ExecClusterInfo, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<ExecCredential> {
  const key = execCacheKey(exec, cluster);
  const cached = cache.get(key);
  if (cached && (cached.expiresAt === undefined || Date.now() < cached.expiresAt)) return Promise.resolve(cached);
  let p = inflight.get(key);
  if (!p) {
    p = runPlugin(exec, cluster, signal, env).then(
      (cred) => {
        inflight.delete(key);
        cache.set(key, cred);
        return cred;
      },
      (err: unknown) => {
        inflight.delete(key);
        throw err;
      },
    );
    inflight.set(key, p);
  }
  if (signal.aborted) return Promise.reject(new SourceError("timeout", "kube", "exec-credential", "exec credential plugin: aborted: the run's deadline passed"));
  const shared = p;
  return new Promise<ExecCredential>((resolve, reject) => {
    const onAbort = () => reject(new SourceError("timeout", "kube", "exec-credential", "exec credential plugin: aborted: the run's deadline passed"));
    signal.addEventListener("abort", onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function runPlugin(exec: ExecConfig, cluster: ExecClusterInfo, signal: AbortSignal, env: NodeJS.ProcessEnv): Promise<ExecCredential> {
  const command = exec.command;
  const apiVersion = exec.apiVersion ?? "";
  if (!command) return Promise.reject(execError("exec credential plugin: the kubeconfig's exec has no command"));
  if (!API_VERSIONS.includes(apiVersion)) {
    return Promise.reject(
      new SourceError("invalid-config", "kube", "exec-credential", `exec credential plugin ${command}: apiVersion "${apiVersion}" is not supported (use ${API_VERSIONS.join(" or ")})`),
    );
  }
  if (exec.interactiveMode === "Always") {
    return Promise.reject(
      new SourceError("invalid-config", "kube", "exec-credential", `exec credential plugin ${command} needs an interactive terminal (interactiveMode: Always); netdoctor runs plugins non-interactively: log in with kubectl first`),
    );
  }
  if (signal.aborted) return Promise.reject(new SourceError("timeout", "kube", "exec-credential", `exec credential plugin ${command}: aborted: the run's deadline passed`));
  const info = { apiVersion, kind: "ExecCredential", spec: { interactive: false, ...(exec.provideClusterInfo ? { cluster } : {}) } };
  const childEnv: NodeJS.ProcessEnv = { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env ?? []) if (e && typeof e.name === "string") childEnv[e.name] = String(e.value ?? "");
  execStats.runs++;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", killAll);
  }
  // node:child_process loads with the first plugin run: a kubeconfig without exec never pays for it.
  return import("node:child_process").then(
    ({ spawn }) =>
      new Promise<ExecCredential>((resolve, reject) => {
        if (signal.aborted) return reject(new SourceError("timeout", "kube", "exec-credential", `exec credential plugin ${command}: aborted: the run's deadline passed`));
        const child = spawn(command, exec.args ?? [], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
        running.add(child);
        let stdout = "";
        let stderr = "";
        let killTimer: NodeJS.Timeout | undefined;
        let abortedBy: string | undefined;
        const onAbort = () => {
          abortedBy = "aborted: the run's deadline passed";
          child.kill("SIGTERM");
          killTimer = setTimeout(() => child.kill("SIGKILL"), 2_000);
          killTimer.unref();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-8192)));
        let settled = false;
        const done = (err: SourceError | null, cred?: ExecCredential) => {
          if (settled) return;
          settled = true;
          running.delete(child);
          signal.removeEventListener("abort", onAbort);
          if (killTimer) clearTimeout(killTimer);
          if (err) reject(err);
          else resolve(cred!);
        };
        child.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "ENOENT") {
            done(execError(`exec credential plugin ${command}: executable not found${exec.installHint ? `: ${exec.installHint.trim().split("\n")[0]}` : ""}`, err));
          } else {
            done(execError(`exec credential plugin ${command}: ${err.message}`, err));
          }
        });
        child.on("close", (code, sig) => {
          const tail = stderrTail(stderr);
          if (abortedBy) return done(new SourceError("timeout", "kube", "exec-credential", `exec credential plugin ${command}: ${abortedBy}`));
          if (code !== 0) return done(execError(`exec credential plugin ${command} failed (${sig ? `killed by ${sig}` : `exit ${code}`})${tail ? `: ${tail}` : ""}`));
          try {
            done(null, parseCredential(stdout, apiVersion, command));
          } catch (err) {
            done(err as SourceError);
          }
        });
      }),
  );
}

/** Parse the plugin's stdout (an ExecCredential). @throws SourceError `unauthorized` naming what is wrong */
export function parseCredential(stdout: string, apiVersion: string, command: string): ExecCredential {
  let doc: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw execError(`exec credential plugin ${command} printed no ExecCredential JSON on stdout`);
  }
  if (!doc || typeof doc !== "object" || doc.kind !== "ExecCredential") throw execError(`exec credential plugin ${command} printed something that is not an ExecCredential`);
  if (doc.apiVersion !== apiVersion) throw execError(`exec credential plugin ${command} answered apiVersion ${String(doc.apiVersion)}, the kubeconfig asked for ${apiVersion}`);
  const s = doc.status ?? {};
  const str = (k: string) => (typeof s[k] === "string" && s[k] ? (s[k] as string) : undefined);
  const cred: ExecCredential = {};
  const token = str("token");
  const cert = str("clientCertificateData");
  const key = str("clientKeyData");
  if (token) cred.token = token;
  if (cert || key) {
    if (!cert || !key) throw execError(`exec credential plugin ${command} gave ${cert ? "clientCertificateData without clientKeyData" : "clientKeyData without clientCertificateData"}`);
    cred.clientCertificateData = cert;
    cred.clientKeyData = key;
  }
  if (!cred.token && !cred.clientCertificateData) throw execError(`exec credential plugin ${command} gave neither a token nor a client certificate`);
  const exp = str("expirationTimestamp");
  if (exp) {
    const t = Date.parse(exp);
    if (Number.isNaN(t)) throw execError(`exec credential plugin ${command} gave an expirationTimestamp that is not a time: ${exp}`);
    cred.expiresAt = t;
  }
  return cred;
}
