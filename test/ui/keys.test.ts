import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_GROUPS } from "../../src/ui/keys.js";

describe("the TUI's keys", () => {
  it("are each listed in the README's key table, as the ? help lists them", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    for (const g of KEY_GROUPS) for (const b of g.bindings) expect(readme).toContain(`| ${b.keys} |`);
  });
});
