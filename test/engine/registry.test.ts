import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checks } from "../../checks/index.js";
import { validateRegistry } from "../../src/engine/registry.js";
import { HOPS } from "../../src/engine/types.js";

const root = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("the built-in registry", () => {
  it("is well-formed: unique ids and codes, known dependencies, no cycles", () => {
    expect(() => validateRegistry(checks)).not.toThrow();
  });

  it("is sorted by code and every code sits in its hop's range (0xx env … 8xx backend)", () => {
    const codes = checks.map((c) => c.code);
    expect(codes).toEqual([...codes].sort());
    for (const c of checks) {
      const hundred = Number(c.code.slice(2, 3));
      expect(c.hop === "env" ? 0 : HOPS.indexOf(c.hop as (typeof HOPS)[number]) + 1, `${c.id} ${c.code}`).toBe(hundred);
    }
  });

  it("keeps the ND code prefix for netdoctor's own checks", () => {
    for (const c of checks) expect(c.code, c.id).toMatch(/^ND\d{3}$/);
  });

  it("registers every check module under checks/", () => {
    const modules = files("checks").filter((f) => f !== join("checks", "index.ts") && /export default/.test(readFileSync(join(root, f), "utf8")));
    expect(modules.length).toBe(checks.length);
  });

  it("explains every check and gives every title as a lower-case statement", () => {
    for (const c of checks) {
      expect(c.explain?.meaning, c.id).toBeTruthy();
      expect(c.explain?.fix, c.id).toBeTruthy();
      expect(c.title[0], c.id).toBe(c.title[0]!.toLowerCase());
    }
  });
});

describe("module boundaries (STYLE: shape of the code)", () => {
  const clientLibs = /from "(@kubernetes\/client-node|dockerode|execa|undici|hpagent|socks-proxy-agent)"|import\("(@kubernetes\/client-node|dockerode|execa|undici|hpagent|socks-proxy-agent)"\)/;
  // The layers that touch the world: sources read it, fixes change it (k3d cluster edit), the lab serves it.
  it("only src/sources, src/fixes and src/lab import the client libraries", () => {
    const world = [join("src", "sources"), join("src", "fixes"), join("src", "lab")];
    const offenders = [...files("src"), ...files("checks")].filter((f) => !world.some((d) => f.startsWith(d)) && clientLibs.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the engine and the checks never import Ink or React, and the view never imports sources or checks", () => {
    const ink = /from "(ink|react)"|import\("(ink|react)"\)/;
    const engineSide = [...files(join("src", "engine")), ...files("checks"), ...files(join("src", "sources"))];
    expect(engineSide.filter((f) => ink.test(readFileSync(join(root, f), "utf8")))).toEqual([]);
    const view = files(join("src", "ui")).filter((f) => /from "\.\.\/(sources|\.\.\/checks)|from "\.\.\/\.\.\/checks/.test(readFileSync(join(root, f), "utf8")));
    expect(view.map((f) => relative(root, f))).toEqual([]);
  });
});
