/**
 * Helpers for end-to-end tests: spawn the built CLI (bin/netdoctor.js → dist/)
 * with a controlled environment and collect stdout, stderr and the exit code.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export const root = join(import.meta.dirname, "..", "..");
export const scenariosDir = join(root, "fixtures", "scenarios");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node bin/netdoctor.js ...args`; never inherits KUBECONFIG/DOCKER_HOST/NETDOCTOR_LAB/CI from the test runner unless given. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<CliResult> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || ["KUBECONFIG", "DOCKER_HOST", "NETDOCTOR_LAB", "CI", "FORCE_COLOR"].includes(k)) continue;
    base[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin", "netdoctor.js"), ...args], { env: base, cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}
