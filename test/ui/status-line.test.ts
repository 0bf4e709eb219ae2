import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { fitStatus, statusText } from "../../src/ui/status-line.js";

const parts = {
  word: "FAIL",
  details: ["3 paths: 3 fail, 0 warn, 0 pass · 1369 ms", "3 paths: 3 fail, 0 warn, 0 pass", "3 fail, 0 warn, 0 pass"],
  hints: ["↑↓ move · enter expand · f fix · q quit · ? keys", "f fix · q quit · ? keys", "f fix · ? keys", "? keys"],
};

describe("fitting the status line", () => {
  it("shows every part when the terminal is wide", () => {
    expect(statusText(fitStatus(parts, 160))).toBe("FAIL  3 paths: 3 fail, 0 warn, 0 pass · 1369 ms  ↑↓ move · enter expand · f fix · q quit · ? keys");
  });

  it("shortens the key hints first", () => {
    expect(fitStatus(parts, 80)).toEqual({ word: "FAIL", detail: parts.details[0], hints: "f fix · q quit · ? keys" });
  });

  it("drops the hints before it shortens the detail, and keeps the status word and its counts to the end", () => {
    expect(fitStatus(parts, 47)).toEqual({ word: "FAIL", detail: parts.details[0], hints: "" });
    expect(fitStatus(parts, 40)).toEqual({ word: "FAIL", detail: "3 paths: 3 fail, 0 warn, 0 pass", hints: "" });
    expect(fitStatus(parts, 28)).toEqual({ word: "FAIL", detail: "3 fail, 0 warn, 0 pass", hints: "" });
    expect(fitStatus(parts, 10).word).toBe("FAIL");
  });

  it("never returns a line wider than the terminal while the word and the poorest detail fit", () => {
    for (let w = 28; w <= 160; w++) expect(stringWidth(statusText(fitStatus(parts, w)))).toBeLessThanOrEqual(w);
  });
});
