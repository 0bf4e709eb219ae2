/** `netdoctor version [--json]`: the version, as `--version` prints it. */
import type { Command } from "commander";
import { toolVersion } from "../version.js";
import type { OnAction } from "./run-options.js";

/** Define `netdoctor version` on `cmd` (a fresh subcommand). */
export function defineVersion(cmd: Command, onAction: OnAction): Command {
  return cmd
    .description("print netdoctor's version")
    .option("--json", 'print {"version": "…"}')
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? `${JSON.stringify({ version: toolVersion() })}\n` : `${toolVersion()}\n`);
      onAction(Promise.resolve(0));
    });
}
