/**
 * Versions of the command-line tools a local cluster is driven with
 * (kubectl, docker, k3d, kind, socat), for bug-report bundles (DESIGN §9).
 * Each tool is run once with its own version flag through execa; a tool that
 * is not on PATH is reported as missing, never as an error of the bundle.
 */

/** How each tool prints its version (its own documented flag). */
export const TOOL_VERSION_COMMANDS: Record<string, readonly string[]> = {
  // kubectl: `version --client` never contacts the API server.
  kubectl: ["version", "--client"],
  // docker: `--version` prints the client version only (no daemon round trip).
  docker: ["--version"],
  k3d: ["version"],
  kind: ["version"],
  socat: ["-V"],
};

/** One tool's answer: the first lines of its version output, or why there is none. */
export interface ToolVersion {
  /** `present`: ran and exited 0; `missing`: not on PATH; `error`: ran but failed or timed out. */
  status: "present" | "missing" | "error";
  /** Version output, trimmed, at most 5 lines (socat -V prints build details after them). */
  version?: string;
  /** One line: why there is no version. */
  error?: string;
}

/**
 * Run every tool of TOOL_VERSION_COMMANDS concurrently (5 s each), with
 * `env` as their environment. Never throws; keys are sorted tool names.
 */
export async function toolVersions(signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, ToolVersion>> {
  const { execa } = await import("execa");
  const names = Object.keys(TOOL_VERSION_COMMANDS).sort();
  const answers = await Promise.all(
    names.map(async (name): Promise<ToolVersion> => {
      try {
        const r = await execa(name, [...TOOL_VERSION_COMMANDS[name]!], { reject: false, cancelSignal: signal, timeout: 5_000, env, extendEnv: false, stdin: "ignore" });
        const code = (r as { code?: string }).code;
        if (code === "ENOENT" || /ENOENT/.test(String(r.message ?? ""))) return { status: "missing", error: `${name}: not found on PATH` };
        const text = `${r.stdout ?? ""}`.trim() || `${r.stderr ?? ""}`.trim();
        if (r.failed || r.exitCode !== 0) return { status: "error", error: `${name}: ${r.timedOut ? "timed out after 5 s" : (r.shortMessage ?? `exit ${r.exitCode}`).split("\n")[0]}` };
        return { status: "present", version: text.split("\n").slice(0, 5).join("\n") };
      } catch (e) {
        return { status: "error", error: `${name}: ${String((e as Error).message ?? e).split("\n")[0]}` };
      }
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, answers[i]!]));
}
