import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** Module specifiers a source file imports (static `import … from`, `export … from`, and `import(…)`). */
function importsOf(file: string): string[] {
  // Comments may mention imports (e.g. how the CLI loads this module): drop them first.
  const src = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g), ...src.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)];
  return specs.map((m) => m[1]!);
}

const filesIn = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => join(root, dir, f));

describe("layering of the reporters", () => {
  it("keeps the view on engine/report types, Ink and React only (STYLE: the view never imports sources or checks)", () => {
    // string-width: the column measure Ink itself uses, for fitting the status line.
    const allowed = /^(ink|react|react\/jsx-runtime|string-width|\.\/[\w-]+\.js|\.\.\/report\/[\w-]+\.js|\.\.\/engine\/types\.js)$/;
    const files = filesIn("src/ui");
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) for (const spec of importsOf(f)) expect(spec, `${f} imports ${spec}`).toMatch(allowed);
  });

  it("keeps Ink and React out of src/report, so --json and plain text never load them", () => {
    for (const f of filesIn("src/report")) {
      for (const spec of importsOf(f)) {
        expect(spec, `${f} imports ${spec}`).not.toMatch(/^(ink|react)(\/|$)/);
        expect(spec, `${f} imports ${spec}`).not.toMatch(/\/ui\//);
      }
    }
  });
});
