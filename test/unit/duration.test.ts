import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/commands/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["20s", 20_000],
    ["1m", 60_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["20", 20_000],
    ["0.5", 500],
    ["1.5s", 1500],
    [" 3s ", 3000],
  ])("reads %s as %i ms", (raw, ms) => {
    expect(parseDuration("--timeout", raw)).toBe(ms);
  });

  it.each(["", "abc", "20x", "-1", "1 m", "s", "1e3", "20sec"])("refuses %j with a usage error naming the flag", (raw) => {
    expect(() => parseDuration("--timeout", raw)).toThrow(expect.objectContaining({ code: "NETDOCTOR_USAGE", message: expect.stringContaining(`--timeout ${JSON.stringify(raw)}: expected a duration such as 500ms, 20s, 1m`) }));
  });

  it("refuses zero unless the flag allows none", () => {
    expect(() => parseDuration("--timeout", "0")).toThrow(/--timeout "0": expected a duration above zero/);
    expect(parseDuration("--interval", "0", { allowZero: true })).toBe(0);
    expect(parseDuration("--interval", "0ms", { allowZero: true })).toBe(0);
  });
});
