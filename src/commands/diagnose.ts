/**
 * The diagnose command's definition (DESIGN §3): its arguments and options,
 * and the action that picks the output mode and hands the run to
 * src/commands/diagnose-run.ts — loaded from the CommonJS diagnosis bundle
 * (through a V8 code cache, src/code-cache.ts) for text, JSON and the other
 * printed formats, and from the ES module part with the TUI binding
 * (src/commands/diagnose-tui.ts) on a terminal.
 */
import { Option, type Command } from "commander";
import { chooseMode, exitCodeFor, OUTPUT_FORMATS } from "./output-mode.js";
import { collect, withClusterOptions, withRequestOptions, type OnAction, type RunFlags } from "./run-options.js";
import { checkTargetWords } from "./targets.js";

export { exitCodeFor, OUTPUT_FORMATS };

/** Options of the diagnose command, as parsed. */
export interface DiagnoseFlags extends RunFlags {
  /** `--from BUNDLE`: analyse a bundle (.tar.gz or extracted directory) offline. */
  from?: string;
  color: boolean;
  verbose?: boolean;
  failOn: "fail" | "warn" | "never";
  /** `--junit FILE`: also write a JUnit XML report there after the run. */
  junit?: string;
  /** `--skip X` / `--only X` (repeatable, or comma-separated): check codes, check ids or hops. */
  skip: string[];
  only: string[];
  /** `--config FILE`: the configuration file (default: .netdoctor.yaml up from the working directory, then the user's config dir). */
  config?: string;
  /** `-o FORMAT`: text, short, wide, json (= --json), yaml, github (annotations only). */
  output?: (typeof OUTPUT_FORMATS)[number];
}

/** Give the root command its diagnose arguments, options and action (`netdoctor [TARGET...]`). */
export function defineDiagnose(cmd: Command, onAction: OnAction): Command {
  return withRequestOptions(withClusterOptions(cmd))
    .argument("[target...]", "URL (http://api.openchoreo.localhost:8080/path) or host:port")
    .option("--json", "print the JSON report (schemaVersion 1) and nothing else on stdout (= -o json)")
    .addOption(new Option("-o, --output <format>", "output format: text (the answer first), short (one line per path), wide (short + probe and objects), json, yaml, github (GitHub Actions annotations)").choices(OUTPUT_FORMATS))
    .option("--skip <check>", "leave out a check: its code (ND502), id (service.port-free) or hop (service); repeatable or comma-separated", collect, [])
    .option("--only <check>", "run the report on these checks only (codes, ids or hops); repeatable or comma-separated", collect, [])
    .option("--config <file>", "configuration file with skip, only and suppressions (default: .netdoctor.yaml here or in a parent directory, then ~/.config/netdoctor/config.yaml)")
    .option("--timeout <duration>", "deadline for the whole run (500ms, 20s, 1m; a plain number is seconds)", "20s")
    .option("--probe-timeout <duration>", "timeout of one probe attempt", "3s")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and diagnose it")
    .option("--from <bundle>", "analyse a bug-report bundle offline (a .tar.gz or an extracted directory): re-run every check on the recorded data")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .option("--no-color", "no colours in the TUI (also when NO_COLOR is set)")
    .option("--verbose", "list every check of every path in text output")
    .option("--junit <file>", "also write a JUnit XML report (one testcase per check) to FILE")
    .addOption(new Option("--fail-on <level>", "exit 1 at this status or worse").choices(["fail", "warn", "never"]).default("fail"))
    .action((targets: string[], flags: DiagnoseFlags) => onAction(refuseNonTargets(targets, flags, [...cmd.commands.map((c) => c.name()), "help"]).then(() => diagnose(targets, flags))));
}

/**
 * A TARGET must be a URL, host:port or a known name (issue 13 §2): a bare
 * word is checked against the commands, `localhost`, the hosts file and
 * `--resolve` before anything runs. @throws UsageError
 */
async function refuseNonTargets(targets: string[], flags: DiagnoseFlags, commands: string[]): Promise<void> {
  if (!targets.some((t) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(t))) return;
  const known = new Set(flags.resolve.map((r) => r.split(":")[0]!.toLowerCase()));
  const { hostsFilePath, parseHostsFile } = await import("../sources/live/host.js");
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(hostsFilePath(process.platform), "utf8").catch(() => "");
  for (const e of parseHostsFile(text)) for (const n of e.names) known.add(n.toLowerCase());
  checkTargetWords(targets, commands, known);
}


/**
 * Diagnose the targets (or the lab's). Resolves to the exit code.
 * @throws UsageError / ScenarioError / PluginError for bad input (exit 2).
 */
export async function diagnose(rawTargets: string[], flags: DiagnoseFlags): Promise<number> {
  // A bad combination (--json -o text) is refused by the run, after the checks of the flags before it, as ever.
  let tui = false;
  try {
    tui = chooseMode(flags) === "tui";
  } catch {
    tui = false;
  }
  if (tui) {
    const [{ runDiagnose }, { tuiBinding }] = await Promise.all([import("./diagnose-run.js"), import("./diagnose-tui.js")]);
    return runDiagnose(rawTargets, flags, tuiBinding);
  }
  // The printed formats run from one CommonJS file whose compiled code is cached (scripts/bundle.mjs, src/code-cache.ts).
  const { runDiagnose } = await import("./diagnose-cached.js");
  return runDiagnose(rawTargets, flags);
}
