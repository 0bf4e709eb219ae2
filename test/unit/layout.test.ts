/**
 * The layout the README's "Architecture" section promises (issue 13 §8): the
 * commands live in src/commands/, nothing imports the CLI entry, and the
 * bundle, the lab scenario and the recorded sources share the snapshot model
 * (src/snapshot/) instead of importing each other in a circle.
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

  it("lets the bundle, the lab and the recorded sources meet only in the snapshot model, with no import cycle", () => {
    const owner = (m: string): string | null =>
      m.startsWith("bundle/") ? "bundle" : m.startsWith("lab/") ? "lab" : m.startsWith("snapshot/") ? "snapshot" : m === "sources/recorded.ts" ? "recorded" : null;
    const uses = (from: string, to: string) =>
      [...graph].filter(([m, deps]) => owner(m) === from && deps.some((d) => owner(d) === to)).map(([m]) => m);
    // The shared model depends on none of its users; the bundle and the recorded sources know nothing of the lab or each other's readers.
    for (const user of ["bundle", "lab", "recorded"]) expect(uses("snapshot", user)).toEqual([]);
    expect(uses("bundle", "lab")).toEqual([]);
    expect(uses("bundle", "recorded")).toEqual([]);
    expect(uses("recorded", "bundle")).toEqual([]);
    expect(uses("recorded", "lab")).toEqual([]);
    // And no cycle through any module between them.
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (m: string) => {
      state.set(m, "open");
      stack.push(m);
      for (const d of graph.get(m) ?? []) {
        if (state.get(d) === "open") {
          const cycle = [...stack.slice(stack.indexOf(d)), d];
          if (new Set(cycle.map(owner).filter(Boolean)).size > 1) cycles.push(cycle.join(" → "));
        } else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(m, "done");
    };
    for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
    expect(cycles).toEqual([]);
  });
});
