/**
 * Command-line entry (DESIGN §3): `main(argv)` resolves to the exit code.
 * This module stays tiny so start-up reads one small file: `--version`
 * (`-V`, `version`, `version --json`) prints the version without loading the
 * argument parser; every other command line goes to src/commands/program.ts
 * (commander and the command definitions), loaded on demand.
 */
import { toolVersion } from "./version.js";

/**
 * The version line a command line asks for on its own (`--version`, `-V`,
 * `version`, `version --json`: exactly what commander prints for them), or
 * null when the command line asks for anything else.
 */
export function versionOnly(argv: readonly string[]): string | null {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version")) return `${toolVersion()}\n`;
  if (argv.length === 2 && argv[0] === "version" && argv[1] === "--json") return `${JSON.stringify({ version: toolVersion() })}\n`;
  return null;
}

/**
 * Run the CLI with `argv` (without node and script). Resolves to the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const version = versionOnly(argv);
  if (version !== null) {
    process.stdout.write(version);
    return 0;
  }
  const { runCommandLine } = await import("./commands/program.js");
  return runCommandLine(argv);
}
