/**
 * Options are honoured wherever they are written, or refused (issue 13 §2,
 * DESIGN §3 "Options used everywhere (before or after a subcommand)"):
 * `netdoctor --context nope fix --dry-run` runs fix against context nope.
 *
 * Commander gives options written before a subcommand's name to the parent
 * (positional options). Before the subcommand parses its own arguments, each
 * option the user gave the parent is handed to the subcommand when the
 * subcommand defines the same option (same flags); what the subcommand then
 * reads on its own command line comes after, and wins (a repeatable option
 * adds to it). An option the subcommand does not take is a usage error (exit
 * 2), never silently dropped. `-o json` becomes `--json` for a subcommand
 * that takes `--json` and no `-o`.
 */
import type { Command, Option } from "commander";
import { UsageError } from "../errors.js";

/** The value of `opt` on `cmd` when the user gave it (command line or environment), else undefined. */
function given(cmd: Command, opt: Option): { key: string; value: unknown } | undefined {
  const key = opt.attributeName();
  const source = cmd.getOptionValueSource(key);
  if (source !== "cli" && source !== "env") return undefined;
  return { key, value: cmd.getOptionValue(key) };
}

/** How the user wrote an option, for messages: `--verbose`, `-o json`. */
function written(opt: Option, value: unknown): string {
  const name = opt.long ?? opt.short ?? opt.flags;
  return typeof value === "string" ? `${name} ${value}` : name;
}

/**
 * Hand `parent`'s given options to `sub`, or refuse them.
 * @throws UsageError naming the option and the subcommand it does not apply to.
 */
export function handOptions(parent: Command, sub: Command): void {
  for (const opt of parent.options) {
    const g = given(parent, opt);
    if (!g) continue;
    const same = sub.options.find((o) => o.flags === opt.flags);
    if (same) {
      sub.setOptionValueWithSource(same.attributeName(), g.value, "cli");
      continue;
    }
    if (opt.long === "--output" && g.value === "json" && !sub.options.some((o) => o.long === "--output")) {
      const json = sub.options.find((o) => o.long === "--json");
      if (json) {
        sub.setOptionValueWithSource(json.attributeName(), true, "cli");
        continue;
      }
    }
    const path = [];
    for (let c: Command | null = sub; c; c = c.parent) path.unshift(c.name());
    throw new UsageError(`${written(opt, g.value)} does not apply to '${path.join(" ")}' (see ${path.join(" ")} --help)`);
  }
}

/** Install {@link handOptions} on `cmd` and every command below it that has subcommands. */
export function honourOptionsEverywhere(cmd: Command): void {
  if (cmd.commands.length === 0) return;
  cmd.hook("preSubcommand", (parent, sub) => handOptions(parent, sub));
  for (const sub of cmd.commands) honourOptionsEverywhere(sub);
}

/**
 * An option whose value is optional (`--lab [scenario]`) would take a
 * following command name as its value (`netdoctor --lab fix` would start the
 * lab scenario "fix"). Written right before a command name, it is moved
 * behind it, where the command reads it as given without a value.
 */
export function unbindOptionalValues(argv: readonly string[], root: Command): string[] {
  const commands = new Set(root.commands.map((c) => c.name()));
  const optional = new Set(root.options.filter((o) => o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)));
  const out = [...argv];
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i] === "--") break;
    if (commands.has(out[i]!)) break; // from here on, the command's own arguments
    if (optional.has(out[i]!) && commands.has(out[i + 1]!)) {
      const [opt] = out.splice(i, 1);
      out.splice(i + 1, 0, opt!);
      break;
    }
  }
  return out;
}
