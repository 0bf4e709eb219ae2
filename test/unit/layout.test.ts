/**
 * The layout the README's "Architecture" section promises (issue 13 §8): the
 * commands live in src/commands/ and nothing imports the CLI entry.
 * The import graph is read with TypeScript's own pre-processor, static and
 * dynamic imports alike (`import type` too: a type cycle is still a
 * dependency cycle between areas).
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root } from "../e2e/cli.js";

const src = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** src-relative module → the src-relative modules it imports (only those under src/). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((n) => n.startsWith("."))
      .map((n) => resolve(dirname(file), n).replace(/\.js$/, ""))
      .map((abs) => [`${abs}.ts`, `${abs}.tsx`].find((c) => graph.has(relative(src, c)) || sourceFiles(dirname(c)).includes(c)))
      .filter((p): p is string => !!p && p.startsWith(src + "/"))
      .map((p) => relative(src, p));
    graph.set(relative(src, file), deps);
  }
  return graph;
}

describe("the source layout", () => {
  const graph = importGraph();

  it("keeps every command in src/commands/", () => {
    const topLevel = [...graph.keys()].filter((m) => !m.includes("/"));
    expect(topLevel.filter((m) => /command|diagnose/.test(m))).toEqual([]);
    for (const c of ["diagnose", "fix", "undo", "bundle", "lab", "watch", "catalog", "forwards"]) expect(graph.has(`commands/${c}.ts`)).toBe(true);
  });

  it("has no module that imports the CLI entry", () => {
    const importers = [...graph].filter(([, deps]) => deps.includes("cli.ts")).map(([m]) => m);
    expect(importers).toEqual([]);
  });
});
