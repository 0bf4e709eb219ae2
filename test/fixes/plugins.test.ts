/**
 * The fix plugins against the check registry: a fix declares the checks it
 * answers, and those are exactly the checks that name it in `fixes`.
 */
import { describe, expect, it } from "vitest";
import { checks } from "../../checks/index.js";
import { FIXES } from "../../src/fixes/catalog.js";
import { FIX_PLUGINS } from "../../src/fixes/index.js";

describe("fix plugins", () => {
  it("exist for every fix id of the contract, with the catalogue's title and risk", () => {
    expect(Object.keys(FIX_PLUGINS).sort()).toEqual(Object.keys(FIXES).sort());
    for (const [id, f] of Object.entries(FIX_PLUGINS)) expect({ id: f.id, title: f.title, risk: f.risk }).toEqual({ id, title: FIXES[f.id].title, risk: FIXES[f.id].risk });
  });

  it.each(Object.values(FIX_PLUGINS).map((f) => [f.id, f] as const))("%s answers exactly the checks that recommend it", (id, fix) => {
    const recommending = checks.filter((c) => c.fixes?.includes(id)).map((c) => c.id).sort();
    expect([...fix.answers].sort()).toEqual(recommending);
  });
});
