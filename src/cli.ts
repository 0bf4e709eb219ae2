/**
 * Command-line entry (DESIGN §3): argument parsing, mode selection and the
 * exit code. Only this module decides the exit code: 0 no failing check,
 * 1 at least one failing check (moved by --fail-on), 2 usage error or
 * netdoctor could not run. Heavy modules (engine, sources, Ink) are imported
 * lazily so `--version` and `--help` stay fast.
 */
import { Command, CommanderError, Option } from "commander";
import { isUserFacingError } from "./errors.js";
import { toolVersion } from "./version.js";

/** Options every command that runs a diagnosis takes (diagnose, bundle), as parsed. */
export interface RunFlags {
  json?: boolean;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  dockerHost?: string;
  hostAddress?: string;
  resolve: string[];
  timeout: string;
  probeTimeout: string;
  lab?: string | boolean;
  keepPorts?: boolean;
  checksDir?: string;
}

/** Options of the diagnose command, as parsed. */
export interface DiagnoseFlags extends RunFlags {
  /** `--from BUNDLE`: analyse a bundle (.tar.gz or extracted directory) offline. */
  from?: string;
  color: boolean;
  verbose?: boolean;
  failOn: "fail" | "warn" | "never";
  /** `--junit FILE`: also write a JUnit XML report there after the run. */
  junit?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options that say which cluster and Docker host a run talks to and how names resolve (diagnose, bundle). */
function withClusterOptions(c: Command): Command {
  return c
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)")
    .option("-n, --namespace <ns>", "namespace to prefer")
    .option("--docker-host <url>", "Docker host (default: DOCKER_HOST, then the current docker context, then the platform socket)")
    .option("--host-address <addr>", "where host-published ports are reached (default: from the docker host)")
    .option("--resolve <host:port:addr>", "resolve HOST:PORT to ADDR, as curl does (repeatable)", collect, []);
}

/** Build the commander program. `run` receives the chosen action. */
function program(onAction: (p: Promise<number>) => void): Command {
  const cmd = withClusterOptions(new Command("netdoctor"))
    .description(
      "Diagnose the network path of a local Kubernetes dev cluster: dns → host port → forwarder → container → Service → Gateway → route → backend.",
    )
    .version(toolVersion(), "-V, --version")
    .argument("[target...]", "URL (http://api.openchoreo.localhost:8080/path) or host:port")
    .option("--json", "print the JSON report (schemaVersion 1) and nothing else on stdout")
    .option("--timeout <seconds>", "deadline for the whole run", "20")
    .option("--probe-timeout <seconds>", "timeout of one probe attempt", "3")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and diagnose it")
    .option("--from <bundle>", "analyse a bug-report bundle offline (a .tar.gz or an extracted directory): re-run every check on the recorded data")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .option("--no-color", "no colours in the TUI")
    .option("--verbose", "list every check in text output")
    .option("--junit <file>", "also write a JUnit XML report (one testcase per check) to FILE")
    .addOption(new Option("--fail-on <level>", "exit 1 at this status or worse").choices(["fail", "warn", "never"]).default("fail"))
    .showHelpAfterError("(run netdoctor --help for usage)")
    // Options after a subcommand name belong to it (`netdoctor checks --json`).
    .enablePositionalOptions()
    .action((targets: string[], flags: DiagnoseFlags) => {
      onAction(import("./commands/diagnose.js").then((m) => m.diagnose(targets, flags)));
    });

  cmd
    .command("lab")
    .description("serve a lab scenario (Kubernetes API and Docker API stand-ins, traffic) on loopback until interrupted")
    .argument("[scenario]", "scenario name (see fixtures/scenarios) or directory", undefined)
    .option("--print-env", "print only the export lines for KUBECONFIG, DOCKER_HOST and NETDOCTOR_LAB")
    .option("--keep-ports", "keep the scenario's host ports when they are free")
    .action((scenario: string | undefined, flags: { printEnv?: boolean; keepPorts?: boolean }) => {
      onAction(import("./commands/lab.js").then((m) => m.labCommand(scenario, flags)));
    });

  cmd
    .command("watch")
    .description("send repeated requests to one target with N concurrent clients; report success rate, latency percentiles and error signatures")
    .argument("[target]", "URL (http://api.openchoreo.localhost:8080/path) or host:port; with --lab, default: the scenario's first target")
    .option("--interval <ms>", "pause of each client between its requests", "200")
    .option("--concurrency <n>", "clients sending in parallel (1-64)", "1")
    .option("--count <n>", "total requests", "100")
    .option("--timeout <seconds>", "deadline for the whole run", "30")
    .option("--probe-timeout <seconds>", "timeout of one request", "3")
    .option("--resolve <host:port:addr>", "resolve HOST:PORT to ADDR, as curl does (repeatable)", collect, [])
    .option("--json", "print the JSON summary (schemaVersion 1) and nothing else on stdout")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and watch its first target")
    .option("--no-color", "no colours in the TUI")
    .action((target: string | undefined, flags: import("./commands/watch.js").WatchFlags) => {
      onAction(import("./commands/watch.js").then((m) => m.watchCommand(target, flags)));
    });

  withClusterOptions(cmd.command("bundle"))
    .description("diagnose, then write a redacted bug-report bundle (tar.gz): report, cluster objects, pod logs, docker and host state")
    .argument("[target...]", "URL or host:port (default: the discovered entry points)")
    .option("-o, --output <file>", "write the bundle here (default: netdoctor-bundle-<context>-<UTC time>.tar.gz in the current directory)")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and bundle it")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--log-lines <n>", "lines of each gateway and backend container log to keep", "200")
    .option("--no-redact", "keep secrets (the file is named …-UNREDACTED.tar.gz)")
    .option("--json", "print one JSON line ({path, bytes, …}) on stdout instead of the path and size")
    .option("--timeout <seconds>", "deadline of the diagnosis, and of the collection", "20")
    .option("--probe-timeout <seconds>", "timeout of one probe attempt", "3")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .action((targets: string[], flags: import("./bundle/collect.js").BundleFlags) => {
      onAction(import("./commands/bundle.js").then((m) => m.bundleCommand(targets, flags)));
    });

  withClusterOptions(cmd.command("fix"))
    .description("diagnose, then plan the fixes the failing checks recommend (or the FIX-IDs named), ask, apply, re-check and report before → after")
    .argument("[fix-or-target...]", "fix ids (remove-traefik, service-to-nodeport, socat-forward, kind-port-mapping, k3d-port-mapping, hosts-entry) and/or URLs")
    .option("-y, --yes", "apply without asking (needed when stdin is not a terminal)")
    .option("--dry-run", "print the plans only; change nothing")
    .option("--json", "print one JSON document ({schemaVersion, fixes[]}) and nothing else on stdout")
    .option("--address <addr>", "socat-forward: address the forward listens on", undefined)
    .option("--port <port>", "socat-forward: port the forward listens on (default: the target's)")
    .option("--wait <seconds>", "keep re-checking this long after a fix while its checks still fail (controllers act asynchronously)", "30")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and fix it")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--timeout <seconds>", "deadline of each diagnosis", "20")
    .option("--probe-timeout <seconds>", "timeout of one probe attempt", "3")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .action((args: string[], flags: import("./commands/fix.js").FixFlags) => {
      onAction(import("./commands/fix.js").then((m) => m.fixCommand(args, flags)));
    });

  cmd
    .command("undo")
    .description("restore what a fix changed (default: the latest fix not undone): recreate deleted objects, restore patched ones, stop its forwards")
    .argument("[id]", "undo record id (see --list)")
    .option("--list", "list the undo records")
    .option("--json", "print JSON")
    .option("--force", "restore an object even when it changed after the fix; replay a record already undone")
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file")
    .action((id: string | undefined, flags: import("./commands/undo.js").UndoFlags) => {
      onAction(import("./commands/undo.js").then((m) => m.undoCommand(id, flags)));
    });

  const forwards = cmd
    .command("forwards")
    .description("list the socat forwards netdoctor started, with liveness; `forwards stop ID` stops one")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => {
      onAction(import("./commands/forwards.js").then((m) => m.forwardsCommand("list", undefined, flags)));
    });
  forwards
    .command("list")
    .description("list the socat forwards netdoctor started")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => {
      onAction(import("./commands/forwards.js").then((m) => m.forwardsCommand("list", undefined, flags)));
    });
  forwards
    .command("stop")
    .description("stop a forward netdoctor started")
    .argument("<id>", "forward id (see netdoctor forwards)")
    .option("--json", "print JSON")
    .action((id: string, flags: { json?: boolean }) => {
      onAction(import("./commands/forwards.js").then((m) => m.forwardsCommand("stop", id, flags)));
    });

  cmd
    .command("checks")
    .description("list every check: id, code, hop, title, dependsOn, fixes")
    .option("--json", "as JSON")
    .option("--checks-dir <dir>", "include checks from DIR")
    .action((flags: { json?: boolean; checksDir?: string }) => {
      onAction(import("./commands/catalog.js").then((m) => m.checksCommand(flags)));
    });

  cmd
    .command("explain")
    .description("what a check code or id means, why it happens, how to fix it; or what a fix id does")
    .argument("<code-or-id>", "e.g. ND502, service.port-free or remove-traefik")
    .option("--checks-dir <dir>", "include checks from DIR")
    .action((what: string, flags: { checksDir?: string }) => {
      onAction(import("./commands/catalog.js").then((m) => m.explainCommand(what, flags)));
    });
  return cmd;
}

/**
 * Run the CLI with `argv` (without node and script). Resolves to the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let action: Promise<number> | null = null;
  const cmd = program((p) => {
    action = p;
  });
  cmd.exitOverride();
  cmd.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
  });
  const override = (c: Command): void => {
    for (const sub of c.commands) {
      sub.exitOverride();
      override(sub);
    }
  };
  override(cmd);
  try {
    await cmd.parseAsync(argv, { from: "user" });
    return action ? await action : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 2; // commander already printed the one-line error
    }
    if (isUserFacingError(e)) {
      process.stderr.write(`netdoctor: ${e.message.split("\n")[0]}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`netdoctor: could not run: ${message.split("\n")[0]}\n`);
    if (process.env["NETDOCTOR_DEBUG"] && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
}
