/**
 * The command line (DESIGN §3), as src/cli.ts hands it over: argument
 * parsing, mode selection and the exit code. Only this module decides the
 * exit code: 0 no failing check, 1 at least one failing check (moved by
 * --fail-on), 2 usage error or netdoctor could not run. Each command lives in
 * src/commands/ with its flags; this module only wires them. Heavy modules
 * (engine, sources, Ink) are imported lazily by the commands so `--help`
 * stays fast.
 */
import { Command, CommanderError } from "commander";
import { defineBundle } from "./bundle.js";
import { defineCompletion } from "./completion.js";
import { defineDiagnose } from "./diagnose.js";
import { defineFix } from "./fix.js";
import { defineForwards } from "./forwards.js";
import { defineLab } from "./lab.js";
import type { OnAction } from "./run-options.js";
import { honourOptionsEverywhere, unbindOptionalValues } from "./placement.js";
import { defineUndo } from "./undo.js";
import { defineVersion } from "./version.js";
import { defineWatch } from "./watch.js";
import { isUserFacingError } from "../errors.js";
import { toolVersion } from "../version.js";

/**
 * `netdoctor checks` and `netdoctor explain` (src/commands/catalog.ts, loaded
 * when one of them runs: the check registry is not part of `--help`).
 */
function defineCatalog(program: Command, onAction: OnAction): void {
  program
    .command("checks")
    .description("list every check: id, code, hop, title, dependsOn, fixes")
    .option("--json", "as JSON")
    .option("--checks-dir <dir>", "include checks from DIR")
    .action((flags: { json?: boolean; checksDir?: string }) => onAction(import("./catalog.js").then((m) => m.checksCommand(flags))));
  program
    .command("explain")
    .description("what a check code or id means, why it happens, how to fix it; or what a fix id does")
    .argument("<code-or-id>", "e.g. ND502, service.port-free or remove-traefik")
    .option("--checks-dir <dir>", "include checks from DIR")
    .action((what: string, flags: { checksDir?: string }) => onAction(import("./catalog.js").then((m) => m.explainCommand(what, flags))));
}

/** Build the commander program: the root (diagnose) and every subcommand, each defined by its module in src/commands/. */
function program(onAction: OnAction): Command {
  const cmd = new Command("netdoctor")
    .description(
      "Diagnose the network path of a local Kubernetes dev cluster: dns → host port → forwarder → container → Service → Gateway → route → backend.",
    )
    .version(toolVersion(), "-V, --version")
    .showHelpAfterError("(run netdoctor --help for usage)")
    .helpCommand("help [command]", "show the help of netdoctor or of COMMAND")
    // Options after a subcommand name belong to it (`netdoctor checks --json`).
    .enablePositionalOptions();
  defineDiagnose(cmd, onAction);
  defineLab(cmd.command("lab"), onAction);
  defineWatch(cmd.command("watch"), onAction);
  defineBundle(cmd.command("bundle"), onAction);
  defineFix(cmd.command("fix"), onAction);
  defineUndo(cmd.command("undo"), onAction);
  defineForwards(cmd.command("forwards"), onAction);
  defineCatalog(cmd, onAction);
  defineVersion(cmd.command("version"), onAction);
  defineCompletion(cmd); // it reads every command and option defined above
  // Options written before a subcommand's name reach it, or are refused (exit 2).
  honourOptionsEverywhere(cmd);
  return cmd;
}

/**
 * Run the command line `argv` (without node and script). Resolves to the exit code.
 */
export async function runCommandLine(argv: string[]): Promise<number> {
  // Under --json every run prints one JSON document: the command's, or the error document (src/lifecycle.ts).
  const end = argv.indexOf("--");
  const json = (end === -1 ? argv : argv.slice(0, end)).includes("--json");
  // The process guards come with the first action (or the first error): `--help` and a usage error before any action do not load them.
  const loaded: { lifecycle?: Promise<typeof import("../lifecycle.js")> } = {};
  const guarded = (): Promise<typeof import("../lifecycle.js")> =>
    (loaded.lifecycle ??= import("../lifecycle.js").then((m) => {
      // Installed for the life of the process: a timer or a child that outlives the command is still cleaned up after.
      m.installProcessGuards({ json });
      return m;
    }));
  const failed = async (e: unknown, code: string | null, message: string, exitCode: number): Promise<number> => {
    const { wroteToStdout, errorDocument, errorCodeOf } = await guarded();
    if (json && !wroteToStdout()) process.stdout.write(`${JSON.stringify(errorDocument(code ?? errorCodeOf(e), message, exitCode), null, 2)}\n`);
    return exitCode;
  };
  try {
    return await runMain(argv, guarded, failed);
  } finally {
    if (loaded.lifecycle) await (await loaded.lifecycle).runCleanups();
  }
}

async function runMain(argv: string[], guarded: () => Promise<unknown>, failed: (e: unknown, code: string | null, message: string, exitCode: number) => Promise<number>): Promise<number> {
  let action: Promise<number> | null = null;
  const cmd = program((p) => {
    action = p;
  });
  // Before any command's action runs (commander awaits it): the process guards are in place.
  cmd.hook("preAction", async () => void (await guarded()));
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
    await cmd.parseAsync(unbindOptionalValues(argv, cmd), { from: "user" });
    return action ? await action : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      // commander already printed the one-line error
      return failed(e, "usage", e.message.replace(/^error: /, "").split("\n")[0] ?? e.message, 2);
    }
    const { maskCredentials } = await import("../report/mask.js");
    if (isUserFacingError(e)) {
      const message = e.message.split("\n")[0] ?? "";
      process.stderr.write(`netdoctor: ${maskCredentials(message)}\n`);
      return failed(e, null, message, 2);
    }
    const message = `could not run: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
    process.stderr.write(`netdoctor: ${maskCredentials(message)}\n`);
    if (process.env["NETDOCTOR_DEBUG"] && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return failed(e, "error", message, 2);
  }
}
