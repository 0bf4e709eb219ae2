import { describe, expect, it, vi } from "vitest";
import { createFixController, type FixKey } from "../../src/ui/fix-controller.js";
import { closedPanel, hopFixIds, panelKeys, reduceFixPanel, type FixAction, type FixInfo, type FixPanel } from "../../src/ui/fix-panel.js";
import { hopView, initialState, reduce, rows, type UiState } from "../../src/ui/state.js";
import { createRunStore } from "../../src/ui/store.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";
import { appliedOutcome, fakeRunner, fixedReport, manualPlan, refusedPlan, removeTraefikPlan } from "./tui-fix-fixtures.js";

const traefik: FixInfo = { id: "remove-traefik", title: "Remove k3s' bundled traefik", risk: "disruptive" };
const nodeport: FixInfo = { id: "service-to-nodeport", title: "service-to-nodeport", risk: null };
const finished = (report = makeReport()): UiState => eventsFor(report).reduce(reduce, initialState);
/** Lets every settled promise's callbacks run (the controller calls the runner a microtask after the key). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const key = (input: string, flags: Partial<Omit<FixKey, "input">> = {}): FixKey => ({ input, escape: false, enter: false, up: false, down: false, ctrl: false, ...flags });
const ESC = key("", { escape: true });
const ENTER = key("\r", { enter: true });
const fold = (actions: FixAction[], from: FixPanel = closedPanel): FixPanel => actions.reduce(reduceFixPanel, from);

/** A store holding the finished two-path run, its controller over a fake runner, and a way to let promises settle. */
function setup(offers?: Parameters<typeof fakeRunner>[0], report = makeReport()) {
  const store = createRunStore(finished(report));
  const fake = fakeRunner(offers);
  const onReport = vi.fn();
  const ctl = createFixController(store, fake.runner, { onReport });
  const panel = () => store.getState().fix;
  return { store, ...fake, ctl, panel, onReport };
}

describe("reduceFixPanel", () => {
  it.each<[string, FixAction[], Partial<FixPanel> | "closed"]>([
    ["opens a chooser when several fixes are offered", [{ type: "fix-choose", path: 0, options: [traefik, nodeport] }], { mode: "choosing", index: 0 }],
    ["opens nothing when no fix is offered", [{ type: "fix-choose", path: 0, options: [] }], "closed"],
    ["wraps the chooser's highlight around", [{ type: "fix-choose", path: 0, options: [traefik, nodeport] }, { type: "fix-move", delta: -1 }], { mode: "choosing", index: 1 }],
    ["shows the plan of the request in flight", [{ type: "fix-plan", path: 0, fix: traefik, seq: 2 }, { type: "fix-planned", seq: 2, plan: removeTraefikPlan() }], { mode: "planned" }],
    ["drops a plan that arrives for an older request", [{ type: "fix-plan", path: 0, fix: traefik, seq: 2 }, { type: "fix-planned", seq: 1, plan: removeTraefikPlan() }], { mode: "planning" }],
    ["drops a plan that arrives after the panel was closed", [{ type: "fix-plan", path: 0, fix: traefik, seq: 1 }, { type: "fix-close" }, { type: "fix-planned", seq: 1, plan: removeTraefikPlan() }], "closed"],
    ["does not apply a refused plan", [{ type: "fix-plan", path: 0, fix: traefik, seq: 1 }, { type: "fix-planned", seq: 1, plan: refusedPlan() }, { type: "fix-apply", seq: 2 }], { mode: "planned" }],
    ["does not apply a plan the user carries out by hand", [{ type: "fix-plan", path: 0, fix: traefik, seq: 1 }, { type: "fix-planned", seq: 1, plan: manualPlan() }, { type: "fix-apply", seq: 2 }], { mode: "planned" }],
    ["shows a failed plan as one line", [{ type: "fix-plan", path: 0, fix: traefik, seq: 1 }, { type: "fix-failed", seq: 1, error: "forbidden" }], { mode: "failed", error: "forbidden" }],
  ])("%s", (_name, actions, expected) => {
    const panel = fold(actions);
    if (expected === "closed") expect(panel).toEqual(closedPanel);
    else expect(panel).toMatchObject(expected);
  });

  it("keeps the panel open while applying, and notes that the user asked to quit", () => {
    const applying = fold([
      { type: "fix-plan", path: 0, fix: traefik, seq: 1 },
      { type: "fix-planned", seq: 1, plan: removeTraefikPlan() },
      { type: "fix-apply", seq: 2 },
      { type: "fix-close" },
      { type: "fix-plan", path: 0, fix: nodeport, seq: 3 },
    ]);
    expect(applying).toMatchObject({ mode: "applying", seq: 2, quitAsked: false, fix: traefik });
    expect(panelKeys(applying)).toBe("applying, please wait");
    expect(reduceFixPanel(applying, { type: "fix-quit-blocked" })).toMatchObject({ mode: "applying", quitAsked: true });
    expect(reduceFixPanel(applying, { type: "fix-progress", progress: { what: "re-checking", attempt: 2 } })).toMatchObject({ progress: { what: "re-checking", attempt: 2 } });
    expect(reduceFixPanel(closedPanel, { type: "fix-progress", progress: { what: "applying", attempt: 0 } })).toBe(closedPanel);
    const done = reduceFixPanel(applying, { type: "fix-applied", seq: 2, outcome: appliedOutcome() });
    expect(done).toMatchObject({ mode: "applied", outcome: { undoId: "20261122T101500Z-remove-traefik" } });
  });
});

describe("hopFixIds", () => {
  it("lists the offered fixes a failing check of the hop recommends, and none on a passing hop", () => {
    const s = finished();
    expect(hopFixIds(hopView(s, 0, "service").checks, ["remove-traefik", "socat-forward"])).toEqual(["remove-traefik"]);
    expect(hopFixIds(hopView(s, 0, "gateway").checks, ["remove-traefik"])).toEqual([]);
  });
});

describe("report-replaced", () => {
  it("rebuilds every path and check from the re-check's report and keeps the cursor, expanded rows and panel", () => {
    const before = { ...finished(), cursor: 5, expanded: ["0:service"], fix: { mode: "planning", path: 0, fix: traefik, seq: 1 } as FixPanel };
    const after = reduce(before, { type: "report-replaced", report: fixedReport() });
    expect(after.report?.status).toBe("pass");
    expect(after.phase).toBe("done");
    expect(hopView(after, 0, "service").status).toBe("pass");
    expect(after.paths[0]!.checks.find((c) => c.id === "service.port-free")?.result?.status).toBe("pass");
    expect(after.paths[0]!.report?.verdict).toBeNull();
    expect(after.fixes).toEqual([]);
    expect(rows(after)).toEqual(rows(before));
    expect(after).toMatchObject({ cursor: 5, expanded: ["0:service"], fix: before.fix });
  });

  it("drops checks the re-check's report no longer has", () => {
    const r = fixedReport();
    r.paths = [r.paths[0]!];
    r.paths[0]!.checks = r.paths[0]!.checks.filter((c) => c.hop !== "backend");
    r.paths[0]!.hops = r.paths[0]!.hops.filter((h) => h.hop !== "backend");
    const after = reduce(finished(), { type: "report-replaced", report: r });
    expect(after.paths).toHaveLength(1);
    expect(rows(after).map((x) => x.hop)).not.toContain("backend");
  });
});

describe("the fix controller", () => {
  it("offers nothing and takes no f before the run ended", () => {
    const store = createRunStore(eventsFor(makeReport()).slice(0, -1).reduce(reduce, initialState));
    const { runner } = fakeRunner();
    const ctl = createFixController(store, runner);
    expect(ctl.offered(0)).toEqual([]);
    expect(ctl.key(key("f"))).toBe(false);
    expect(runner.plan).not.toHaveBeenCalled();
  });

  it("offers only fixes a failing or warning check of the path recommends", () => {
    const { ctl } = setup({ 0: ["remove-traefik"], 1: ["remove-traefik"] });
    expect(ctl.offered(0)).toEqual(["remove-traefik"]);
    expect(ctl.offered(1)).toEqual([]); // the second path passes
  });

  it("plans the focused path's fix on f, applies it on y, and replaces the report with the re-check's", async () => {
    const t = setup();
    expect(t.ctl.key(key("f"))).toBe(true);
    expect(t.panel()).toMatchObject({ mode: "planning", path: 0, fix: traefik });
    await flush();
    expect(t.runner.plan).toHaveBeenCalledWith("remove-traefik", 0);
    t.plans[0]!.resolve(removeTraefikPlan());
    await vi.waitFor(() => expect(t.panel().mode).toBe("planned"));
    expect(t.ctl.key(key("j"))).toBe(true); // the panel takes every key
    expect(t.store.getState().cursor).toBe(0);
    t.ctl.key(key("y"));
    expect(t.panel().mode).toBe("applying");
    t.ctl.key(key("y"));
    await flush();
    expect(t.runner.apply).toHaveBeenCalledTimes(1);
    expect(t.runner.apply.mock.calls[0]![0]).toMatchObject({ fixId: "remove-traefik", state: { resourceVersions: { traefik: "812" } } });
    t.applies[0]!.resolve({ outcome: appliedOutcome(), report: fixedReport() });
    await vi.waitFor(() => expect(t.panel().mode).toBe("applied"));
    expect(t.store.getState().report?.status).toBe("pass");
    expect(t.onReport).toHaveBeenCalledWith(expect.objectContaining({ status: "pass" }));
    expect(t.ctl.offered(0)).toEqual([]);
    t.ctl.key(ESC);
    expect(t.panel()).toEqual(closedPanel);
  });

  it.each([
    ["n", key("n")],
    ["Esc", ESC],
  ])("closes the plan on %s without applying, and drops a plan that arrives later", async (_name, k) => {
    const t = setup();
    t.ctl.key(key("f"));
    t.ctl.key(k);
    expect(t.panel()).toEqual(closedPanel);
    await flush();
    t.plans[0]!.resolve(removeTraefikPlan());
    await flush();
    expect(t.panel()).toEqual(closedPanel);
    expect(t.ctl.key(key("y"))).toBe(false);
    expect(t.runner.apply).not.toHaveBeenCalled();
  });

  it("applies nothing on y when the plan is refused", async () => {
    const t = setup();
    t.ctl.key(key("f"));
    await flush();
    t.plans[0]!.resolve(refusedPlan());
    await vi.waitFor(() => expect(t.panel().mode).toBe("planned"));
    t.ctl.key(key("y"));
    expect(t.panel().mode).toBe("planned");
    expect(t.runner.apply).not.toHaveBeenCalled();
  });

  it("blocks q and Esc while applying, and lets a Ctrl-C after that through", async () => {
    const t = setup();
    t.ctl.key(key("f"));
    await flush();
    t.plans[0]!.resolve(removeTraefikPlan());
    await vi.waitFor(() => expect(t.panel().mode).toBe("planned"));
    expect(t.ctl.key(key("q"))).toBe(false); // with a plan on screen, q quits
    t.ctl.key(key("y"));
    expect(t.ctl.key(key("q"))).toBe(true);
    expect(t.ctl.key(ESC)).toBe(true);
    expect(t.panel()).toMatchObject({ mode: "applying", quitAsked: true });
    expect(t.ctl.key(key("c", { ctrl: true }))).toBe(false);
  });

  it("shows a rejected plan as one line", async () => {
    const t = setup();
    t.ctl.key(key("f"));
    await flush();
    t.plans[0]!.reject(new Error("the API server refused: 403 Forbidden\nstack…"));
    await vi.waitFor(() => expect(t.panel()).toMatchObject({ mode: "failed", error: "the API server refused: 403 Forbidden" }));
  });

  it("lets the user choose among several fixes with digits or the arrows and enter", async () => {
    // A fix is offered only when a failing check recommends it.
    const r = makeReport();
    r.paths[0]!.checks.find((c) => c.id === "service.port-free")!.fixes = ["remove-traefik", "service-to-nodeport"];
    const t = setup({ 0: ["remove-traefik", "service-to-nodeport"] }, r);
    t.ctl.key(key("f"));
    expect(t.panel()).toMatchObject({ mode: "choosing", options: [traefik, nodeport] });
    expect(panelKeys(t.panel())).toBe("↑↓ choose · enter or 1-2 plan · esc back");
    t.ctl.key(key("2"));
    await flush();
    expect(t.runner.plan).toHaveBeenLastCalledWith("service-to-nodeport", 0);
    t.ctl.key(ESC);
    t.ctl.key(key("f"));
    t.ctl.key(key("", { down: true }));
    t.ctl.key(ENTER);
    await flush();
    expect(t.runner.plan).toHaveBeenLastCalledWith("service-to-nodeport", 0);
    expect(t.runner.plan).toHaveBeenCalledTimes(2);
  });
});
