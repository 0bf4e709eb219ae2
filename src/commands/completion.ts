/**
 * Shell completion for bash, zsh, fish (and PowerShell): `netdoctor
 * completion SHELL` prints the script to source; the script calls the hidden
 * `netdoctor complete -- WORDS…`, which answers with candidates, one
 * `value<TAB>description` per line and a `:directive` line (the cobra
 * protocol, as implemented by @bomb.sh/tab).
 *
 * Commands and flags come from the commander program itself (so they never
 * drift from what the parser accepts); values come from what the user has:
 * kubeconfig contexts (from KUBECONFIG or ~/.kube/config, read as YAML
 * without loading the Kubernetes client), check codes and ids, fix ids,
 * scenario names, undo record ids.
 */
import { Argument, type Command } from "commander";
import type { Complete, RootCommand } from "@bomb.sh/tab";
import type { CompletionValues } from "./completion-values.js";

/** The shells `netdoctor completion` writes scripts for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** Filled by the hidden `complete` command before it answers (the value sources are loaded only then). */
let values: CompletionValues | null = null;

const offer = (pick: (v: CompletionValues) => readonly (readonly [string, string])[]) => (complete: Complete) => {
  if (values) for (const [v, d] of pick(values)) complete(v, d);
};
const checkKeys = (v: CompletionValues) => [...v.codes, ...v.checkIds];

/** Value handlers by long option name, for that option wherever it appears. */
const OPTION_VALUES: Record<string, (complete: Complete) => void> = {
  context: offer((v) => v.contexts()),
  lab: offer((v) => v.scenarios()),
  skip: offer((v) => [...checkKeys(v), ...v.hops]),
  only: offer((v) => [...checkKeys(v), ...v.hops]),
};

/** Value handlers of positional arguments, by command path and argument name. */
const ARGUMENT_VALUES: Record<string, Record<string, (complete: Complete) => void>> = {
  explain: { "code-or-id": offer((v) => [...checkKeys(v), ...v.fixIds]) },
  fix: { "fix-or-target": offer((v) => v.fixIds) },
  lab: { scenario: offer((v) => v.scenarios()) },
  undo: { id: offer((v) => v.undoIds()) },
};

/**
 * Add `completion SHELL` and the hidden `complete -- WORDS…` to the program.
 * Call it last, once every command and option is defined. The two commands
 * are defined here as @bomb.sh/tab's commander adapter defines them (same
 * names, arguments, choices and messages), and the adapter itself — with the
 * completion tree it builds from the whole program — is loaded only when one
 * of them runs, so `--help` and a diagnosis do not pay for it.
 */
export function defineCompletion(program: Command): void {
  program
    .command("completion")
    .description("print the shell completion script to source (bash, zsh, fish, powershell): source <(netdoctor completion bash)")
    .addArgument(new Argument("<shell>", "Shell type for completion script").choices(["zsh", "bash", "fish", "powershell"]))
    .action(async (shell: string) => {
      const root = await completionTree(program);
      root.setup(program.name(), program.name(), shell);
    });
  program
    .command("complete", { hidden: true })
    .description("Generate completion suggestions")
    .usage("-- [args...]")
    .argument("[args...]")
    .action(async (words: string[]) => {
      if (words.length === 1 && !(program as unknown as { rawArgs: string[] }).rawArgs.includes("--")) {
        program.error(`error: completion requests are called like \`complete -- [args]\`.\n(Did you mean \`completion ${words[0]}\` to generate shell script?)`);
      }
      const root = await completionTree(program);
      // The value sources (checks, fixes, kubeconfig, scenarios) load only now: no other command pays for them.
      values = await (await import("./completion-values.js")).loadCompletionValues();
      root.parse(words);
    });
}

/**
 * The completion tree of the program, built by @bomb.sh/tab's commander
 * adapter from every command and option, with netdoctor's value handlers.
 * The adapter adds its own `completion` and `complete` commands, so the two
 * defined above make way for them first.
 */
async function completionTree(program: Command): Promise<RootCommand> {
  const { default: tab } = await import("@bomb.sh/tab/commander");
  const commands = program.commands as Command[];
  for (const name of ["completion", "complete"]) {
    const i = commands.findIndex((c) => c.name() === name);
    if (i >= 0) commands.splice(i, 1);
  }
  const root = tab(program, { completionCommandName: "completion" });
  const visit = (cmd: { options: Map<string, { handler?: unknown }>; arguments: Map<string, { handler?: unknown }> }, path: string) => {
    for (const [name, opt] of cmd.options) {
      const values = OPTION_VALUES[name];
      if (values) opt.handler = values;
    }
    for (const [name, arg] of cmd.arguments) {
      const values = ARGUMENT_VALUES[path]?.[name];
      if (values) arg.handler = values;
    }
  };
  visit(root, "");
  for (const [path, cmd] of root.commands) visit(cmd, path);
  return root;
}
