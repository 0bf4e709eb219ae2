import { describe, expect, it } from "vitest";
import { hopView, initialState, reduce, rows, type Action, type UiState } from "../../src/ui/state.js";
import type { RunEvent } from "../../src/report/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";

const events = eventsFor(makeReport());
const fold = (list: Action[], from: UiState = initialState): UiState => list.reduce(reduce, from);
const upTo = (pred: (e: RunEvent) => boolean): RunEvent[] => events.slice(0, events.findIndex(pred) + 1);

describe("reduce", () => {
  it("declares every check as pending at run-start, with the hops in path order", () => {
    const s = fold(events.slice(0, 1));
    expect(s.phase).toBe("running");
    expect(s.env.map((c) => c.state)).toEqual(["pending", "pending", "pending", "pending", "pending"]);
    expect(rows(s).filter((r) => r.path === 0).map((r) => r.hop)).toEqual([
      "dns", "host-port", "forwarder", "container", "service", "gateway", "route", "backend",
    ]);
    expect(rows(s)[0]).toEqual({ key: "env", path: null, hop: "env" });
    expect(hopView(s, 0, "dns").status).toBe("pending");
  });

  it("marks a hop running once one of its checks started, and done with the worst status when all finished", () => {
    const started = fold(upTo((e) => e.type === "check-start" && e.path === 0 && e.id === "service.port-free"));
    expect(hopView(started, 0, "service").status).toBe("running");
    expect(hopView(started, 0, "dns").status).toBe("pass");
    expect(hopView(started, 0, "gateway").status).toBe("pending");

    const end = events.find((e) => e.type === "check-end" && e.path === 0 && e.result.id === "service.port-free")!;
    const ended = reduce(started, end);
    const v = hopView(ended, 0, "service");
    expect(v.status).toBe("fail");
    expect(v.summary).toMatch(/^svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Pending/);
    expect(v.problem?.id).toBe("service.port-free");
  });

  it("shows a failing check under a hop that is still running", () => {
    const r = makeReport();
    // service.port-free ends before service.entry-found has started
    const s = fold([
      events[0]!,
      { type: "check-start", path: 0, id: "service.port-free" },
      { type: "check-end", path: 0, result: r.paths[0]!.checks[5]! },
      { type: "check-start", path: 0, id: "service.entry-found" },
    ]);
    const v = hopView(s, 0, "service");
    expect(v.status).toBe("running");
    expect(v.problem?.code).toBe("ND502");
  });

  it("takes the engine's hop summaries at path-end", () => {
    const r = makeReport();
    r.paths[0]!.hops[0]!.summary = "engine says: resolves";
    const s = fold([...upTo((e) => e.type === "path-end" && e.path === 0).slice(0, -1), { type: "path-end", path: 0, report: r.paths[0]! }]);
    expect(hopView(s, 0, "dns").summary).toBe("engine says: resolves");
    expect(s.paths[0]!.report?.verdict?.code).toBe("ND502");
    expect(s.paths[1]!.report).toBeNull();
  });

  it("builds the complete final state from run-end alone", () => {
    const s = fold([events.at(-1)!]);
    expect(s.phase).toBe("done");
    expect(s.environment.context).toBe("k3d-openchoreo");
    expect(s.fixes.map((f) => f.id)).toEqual(["remove-traefik"]);
    expect(s.paths).toHaveLength(2);
    expect(hopView(s, 0, "service").status).toBe("fail");
    expect(hopView(s, null, "env")).toMatchObject({ status: "pass", summary: "5 checks: 5 pass" });
  });

  it("keeps a check the run-start did not announce", () => {
    const r = makeReport();
    const extra = { ...r.paths[0]!.checks[0]!, id: "dns.hosts-entry-consistent", code: "ND102", status: "warn" as const, summary: "extra" };
    const s = fold([events[0]!, { type: "check-end", path: 0, result: extra }]);
    expect(s.paths[0]!.checks.find((c) => c.id === "dns.hosts-entry-consistent")?.result?.status).toBe("warn");
  });

  it("ignores events for a path index it does not know", () => {
    const s = fold(events.slice(0, 1));
    expect(reduce(s, { type: "probe-end", path: 7, probe: { outcome: "not-run", signature: null, durationMs: 0 } })).toBe(s);
  });

  it("moves the cursor within the rows and toggles the row under it", () => {
    let s = fold(events);
    const n = rows(s).length;
    expect(n).toBe(1 + 8 + 7);
    s = reduce(s, { type: "ui-move", delta: -3 });
    expect(s.cursor).toBe(0);
    s = reduce(s, { type: "ui-move", delta: 100 });
    expect(s.cursor).toBe(n - 1);
    s = reduce(reduce(s, { type: "ui-move", delta: -(n - 1) + 5 }), { type: "ui-toggle" });
    expect(s.expanded).toEqual(["0:service"]);
    expect(reduce(s, { type: "ui-toggle" }).expanded).toEqual([]);
  });

  it("never mutates the state it is given", () => {
    const before = fold(events.slice(0, 20));
    const copy = structuredClone(before);
    for (const e of events.slice(20)) reduce(before, e);
    reduce(before, { type: "ui-toggle" });
    expect(before).toEqual(copy);
  });
});
