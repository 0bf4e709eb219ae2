/**
 * `netdoctor lab [SCENARIO|DIR] [--print-env]`: serve a scenario on loopback
 * until interrupted (DESIGN §8).
 */
import type { Command } from "commander";
import type { OnAction } from "./run-options.js";

/** Options of `netdoctor lab`, as parsed. */
export interface LabFlags {
  printEnv?: boolean;
  keepPorts?: boolean;
}

/** Define `netdoctor lab` on `cmd` (a fresh subcommand). */
export function defineLab(cmd: Command, onAction: OnAction): Command {
  return cmd
    .description("serve a lab scenario (Kubernetes API and Docker API stand-ins, traffic) on loopback until interrupted")
    .argument("[scenario]", "scenario name (see fixtures/scenarios) or directory", undefined)
    .option("--print-env", "print only the export lines for KUBECONFIG, DOCKER_HOST and NETDOCTOR_LAB")
    .option("--keep-ports", "keep the scenario's host ports when they are free")
    .action((scenario: string | undefined, flags: LabFlags) => onAction(labCommand(scenario, flags)));
}

/** Start the lab, print how to use it, wait for SIGINT/SIGTERM/SIGHUP, stop it. */
export async function labCommand(scenario: string | undefined, flags: LabFlags): Promise<number> {
  const { resolveScenario, startLab, formatEnv } = await import("../lab/index.js");
  const { DEFAULT_LAB_SCENARIO, builtinScenariosDir } = await import("../lab/defaults.js");
  const dir = resolveScenario(scenario ?? DEFAULT_LAB_SCENARIO, builtinScenariosDir());
  const lab = await startLab(dir, { keepPorts: !!flags.keepPorts });
  const env = formatEnv(lab);
  if (flags.printEnv) {
    process.stdout.write(env.endsWith("\n") ? env : `${env}\n`);
  } else {
    process.stdout.write(
      [
        `lab ${lab.state.scenario} is serving on loopback (Ctrl-C to stop).`,
        "In another shell, run:",
        "",
        ...env.trimEnd().split("\n").map((l) => `  ${l}`),
        "",
        "then kubectl, docker and netdoctor talk to the lab:",
        ...labCommandLines(lab.state),
        "",
      ].join("\n"),
    );
  }
  // Ctrl-C, SIGTERM or SIGHUP (the terminal closed) stop the lab and remove its files.
  const { onInterrupt } = await import("../lifecycle.js");
  let stopListening = () => undefined as void;
  await new Promise<void>((resolve) => {
    stopListening = onInterrupt(() => resolve());
  });
  stopListening();
  await lab.stop();
  return 0;
}

/** One `netdoctor URL [-X M] [-H …]` line per scenario target (a URL with several requests gets a line for each). */
function labCommandLines(state: { targets: string[]; requests?: { url: string; method?: string; headers?: string[] }[] }): string[] {
  const lines: string[] = [];
  const quote = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  for (const url of new Set(state.targets)) {
    const requests = (state.requests ?? []).filter((r) => r.url === url);
    if (!requests.length) lines.push(`  netdoctor ${url}`);
    for (const r of requests) lines.push(`  netdoctor ${[url, ...(r.method ? ["-X", r.method] : []), ...(r.headers ?? []).flatMap((h) => ["-H", quote(h)])].join(" ")}`);
  }
  return lines;
}
