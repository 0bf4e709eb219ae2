import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { colorWanted } from "../../src/commands/run-options.js";
import { handOptions, unbindOptionalValues } from "../../src/commands/placement.js";
import { checkTargetWords, editDistance, nearestCommand } from "../../src/commands/targets.js";

describe("colorWanted", () => {
  it("is off with --no-color, or when NO_COLOR is set to anything but empty", () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(false, {})).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "" })).toBe(true);
  });
});

describe("command near misses", () => {
  it("measures edit distance", () => {
    expect(editDistance("chekcs", "checks")).toBe(2);
    expect(editDistance("fix", "fix")).toBe(0);
    expect(editDistance("lab", "")).toBe(3);
  });

  it("suggests the nearest command within distance 2, and nothing further", () => {
    const commands = ["lab", "watch", "bundle", "fix", "undo", "forwards", "checks", "explain", "version", "help"];
    expect(nearestCommand("chekcs", commands)).toBe("checks");
    expect(nearestCommand("explian", commands)).toBe("explain");
    expect(nearestCommand("frobnicate", commands)).toBeNull();
    expect(() => checkTargetWords(["http://x:8080/", "api.localhost", "db:5432", "localhost"], commands, new Set())).not.toThrow();
    expect(() => checkTargetWords(["wtach"], commands, new Set())).toThrow("unknown command 'wtach' (did you mean 'watch'?)");
    expect(() => checkTargetWords(["myhost"], commands, new Set(["myhost"]))).not.toThrow();
  });
});

describe("option placement", () => {
  const tree = () => {
    const root = new Command("netdoctor").enablePositionalOptions().option("--context <name>").option("--verbose").option("-o, --output <format>").option("--lab [scenario]");
    const fix = root.command("fix").option("--context <name>").option("--json").option("--lab [scenario]");
    root.command("bundle").option("-o, --output <file>");
    return { root, fix };
  };

  it("hands an option given before the subcommand to it when it defines the same one", () => {
    const { root, fix } = tree();
    root.parseOptions(["--context", "nope"]);
    handOptions(root, fix);
    expect(fix.opts()).toMatchObject({ context: "nope" });
  });

  it("turns -o json into --json for a subcommand without -o", () => {
    const { root, fix } = tree();
    root.parseOptions(["-o", "json"]);
    handOptions(root, fix);
    expect(fix.opts()).toMatchObject({ json: true });
  });

  it("refuses an option the subcommand does not take, or takes with another meaning", () => {
    const { root, fix } = tree();
    root.parseOptions(["--verbose"]);
    expect(() => handOptions(root, fix)).toThrow("--verbose does not apply to 'netdoctor fix'");
    const t = tree();
    t.root.parseOptions(["-o", "json"]);
    expect(() => handOptions(t.root, t.root.commands.find((c) => c.name() === "bundle")!)).toThrow("--output json does not apply to 'netdoctor bundle'");
  });

  it("moves an option with an optional value behind a command name it would swallow", () => {
    const { root } = tree();
    expect(unbindOptionalValues(["--lab", "fix", "--dry-run"], root)).toEqual(["fix", "--lab", "--dry-run"]);
    expect(unbindOptionalValues(["--lab", "k3d-x"], root)).toEqual(["--lab", "k3d-x"]);
    expect(unbindOptionalValues(["fix", "--lab", "bundle"], root)).toEqual(["fix", "--lab", "bundle"]);
  });
});
