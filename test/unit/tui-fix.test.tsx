import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { App } from "../../src/ui/App.js";
import { createRunStore } from "../../src/ui/store.js";
import type { FixRunner } from "../../src/fixes/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";
import { appliedOutcome, conflictOutcome, fakeRunner, fixedReport, manualPlan, patchPlan, refusedPlan, removeTraefikPlan } from "./tui-fix-fixtures.js";

// ink-testing-library renders at a fixed width of 100 columns.
// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

/** The App over the finished two-path run (the API path fails at service with remove-traefik offered). */
function mount(props: { fixer?: FixRunner; interactive?: boolean; color?: boolean } = {}) {
  const store = createRunStore();
  for (const e of eventsFor(makeReport())) store.dispatch(e);
  const onQuit = vi.fn();
  const onReport = vi.fn();
  const app = render(<App store={store} onQuit={onQuit} onReport={onReport} {...props} />);
  const frame = () => plain(app.lastFrame());
  /** Waits until the latest frame satisfies `check` (renders follow store changes and settled promises). */
  const frameWhere = (check: (f: string) => void) => vi.waitFor(() => check(frame()), { timeout: 5000, interval: 5 });
  return { ...app, store, frame, frameWhere, onQuit, onReport };
}

/** The line of a frame that starts (after the cursor column) with `mark hop`. */
function hopLine(frame: string, hop: string): string | undefined {
  return frame.split("\n").find((l) => new RegExp(`^[ ›] \\S ${hop}(\\s|$)`).test(l));
}

/** Mounts with a fake runner, presses f and shows `plan`. */
async function planShown(plan = removeTraefikPlan(), props: { color?: boolean } = {}) {
  const fake = fakeRunner();
  const app = mount({ fixer: fake.runner, ...props });
  await app.frameWhere((f) => expect(f).toContain("f fix"));
  app.stdin.write("f");
  await app.frameWhere((f) => expect(f).toContain("planning…"));
  fake.plans[0]!.resolve(plan);
  await app.frameWhere((f) => expect(f).not.toContain("planning…"));
  return { ...app, ...fake };
}

afterEach(() => cleanup());

describe("guided fixes in the TUI", () => {
  it("lists the offered fix under the failing hop and f in the footer", async () => {
    const { runner } = fakeRunner();
    const app = mount({ fixer: runner });
    await app.frameWhere((f) => expect(f).toContain("FAIL  2 paths"));
    const lines = app.frame().split("\n");
    const service = lines.findIndex((l) => l === hopLine(app.frame(), "service"));
    const gateway = lines.findIndex((l) => l === hopLine(app.frame(), "gateway"));
    const fixLine = lines.findIndex((l) => l.trim() === "fix: remove-traefik (f)");
    expect(fixLine).toBeGreaterThan(service);
    expect(fixLine).toBeLessThan(gateway);
    expect(app.frame()).toMatch(/↑↓ move · enter expand · f fix · q quit/);
    expect(runner.offered).toHaveBeenCalledWith(0);
  });

  it.each([
    ["without a runner", { fixer: undefined }],
    ["when not interactive", { fixer: fakeRunner().runner, interactive: false }],
  ])("shows nothing about fixes beyond the verdict's list %s", async (_name, props) => {
    const app = mount(props);
    await app.frameWhere((f) => expect(f).toContain("FAIL  2 paths"));
    expect(app.frame()).toContain("Fixes: remove-traefik — Remove k3s' bundled traefik");
    expect(app.frame()).not.toContain("(f)");
    expect(app.frame()).not.toContain("f fix");
    if (props.fixer) expect(props.fixer.offered).not.toHaveBeenCalled();
  });

  it("shows the plan on f: title, risk, steps, commands, notes and the prompt", async () => {
    const app = await planShown();
    const f = app.frame();
    expect(app.runner.plan).toHaveBeenCalledWith("remove-traefik", 0);
    expect(f).toContain("Fix remove-traefik — Remove k3s' bundled traefik  (disruptive)");
    expect(f).toContain("Plan:");
    expect(f).toContain("1. delete helm.cattle.io/v1 HelmChart kube-system/traefik");
    expect(f).toContain("$ kubectl -n kube-system delete helmchart traefik");
    expect(f).toContain("helm-controller uninstalls the traefik release");
    expect(f).toContain("2. delete helm.cattle.io/v1 HelmChart kube-system/traefik-crd");
    expect(f).toContain('note: add --k3s-arg "--disable=traefik@server:*"');
    expect(f).toContain("apply? y/n");
    expect(f).toMatch(/y apply · n back · q quit/);
    expect(f).not.toContain("Fixes: remove-traefik"); // the verdict leaves the fix to the panel
    // The panel sits under the failing path, above the second one.
    expect(f.indexOf("apply? y/n")).toBeLessThan(f.indexOf("http://openchoreoapis.localhost:19080/"));
  });

  it("shows a patch's diff lines under its step", async () => {
    const app = await planShown(patchPlan());
    const lines = app.frame().split("\n").map((l) => l.replace(/^[\s│]+|[\s│]+$/g, ""));
    const step = lines.indexOf("1. patch v1 Service openchoreo-control-plane/gateway-default");
    expect(step).toBeGreaterThan(-1);
    expect(lines.slice(step + 1, step + 4)).toEqual(["- type: LoadBalancer", "+ type: NodePort", "+ nodePort: 30080"]);
  });

  it.each([
    ["n", "n"],
    ["Esc", "\u001B"],
  ])("closes the plan on %s without applying anything", async (_name, k) => {
    const app = await planShown();
    app.stdin.write(k);
    await app.frameWhere((f) => expect(f).not.toContain("apply? y/n"));
    expect(app.frame()).toContain("fix: remove-traefik (f)");
    app.stdin.write("y");
    await app.frameWhere((f) => expect(f).toContain("f fix · q quit"));
    expect(app.runner.apply).not.toHaveBeenCalled();
    expect(app.onQuit).not.toHaveBeenCalled();
  });

  it("applies on y, then shows the outcome and re-renders the paths from the re-check's report", async () => {
    const app = await planShown();
    app.stdin.write("y");
    await app.frameWhere((f) => expect(f).toContain("applying… / re-checking…"));
    expect(app.frame()).toMatch(/applying, please wait$/m);
    expect(app.runner.apply).toHaveBeenCalledTimes(1);
    expect(app.runner.apply.mock.calls[0]).toEqual([expect.objectContaining({ fixId: "remove-traefik" }), 0]);
    app.applies[0]!.resolve({ outcome: appliedOutcome(), report: fixedReport() });
    await app.frameWhere((f) => expect(f).toContain("before: FAIL service (ND502) → after: PASS"));
    const f = app.frame();
    expect(f).toContain("✔ applied");
    expect(f).toContain("ND502 service.port-free: fail → pass");
    expect(f).toContain("undo: netdoctor undo 20261122T101500Z-remove-traefik");
    expect(hopLine(f, "service")).toMatch(/✔ service\s+svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Running with hostPort 80/);
    expect(f).toMatch(/http:\/\/api\.openchoreo\.localhost:8080\/ {2}PASS/);
    expect(f).toContain("PASS  2 paths: 0 fail, 0 warn, 2 pass");
    expect(f).not.toContain("fix: remove-traefik (f)");
    expect(app.onReport).toHaveBeenCalledWith(expect.objectContaining({ status: "pass" }));
    expect(app.runner.apply).toHaveBeenCalledTimes(1);
    app.stdin.write("\u001B");
    await app.frameWhere((f) => expect(f).not.toContain("before: FAIL"));
    expect(f).not.toContain("f fix");
    expect(app.onQuit).not.toHaveBeenCalled();
  });

  it("shows a failed apply's error in place, with no undo", async () => {
    const app = await planShown();
    app.stdin.write("y");
    await app.frameWhere((f) => expect(f).toContain("applying… / re-checking…"));
    app.applies[0]!.resolve({ outcome: conflictOutcome(), report: makeReport() });
    await app.frameWhere((f) => expect(f).toContain("✖ not applied  before: FAIL service (ND502)"));
    const f = app.frame().replace(/\s*│\n│\s*/g, " ");
    expect(f).toContain("HelmChart kube-system/traefik changed since it was planned");
    expect(f).not.toContain("undo:");
    expect(f).not.toContain("→ after");
  });

  it("shows a refusal in one line with nothing to confirm", async () => {
    const app = await planShown(refusedPlan());
    const f = app.frame();
    expect(f).toContain("✖ HelmChart kube-system/traefik is not found");
    expect(f).not.toContain("apply? y/n");
    expect(f).toContain("esc back");
    app.stdin.write("y");
    await app.frameWhere((f) => expect(f).toContain("esc back · q quit"));
    expect(app.runner.apply).not.toHaveBeenCalled();
  });

  it("shows a plan netdoctor does not apply as steps to do by hand", async () => {
    const app = await planShown(manualPlan());
    const f = app.frame();
    expect(f).toContain("To do by hand:");
    expect(f).toContain("1. manual");
    expect(f).toContain("kind.yaml: - {containerPort: 30080, hostPort: 8080}");
    expect(f).toContain("$ kind create cluster --name dev --config kind.yaml");
    expect(f).not.toContain("apply? y/n");
  });

  it("does not quit on q while a fix is applying, and quits once it is done", async () => {
    const app = await planShown();
    app.stdin.write("y");
    await app.frameWhere((f) => expect(f).toContain("applying… / re-checking…"));
    app.stdin.write("q");
    await app.frameWhere((f) => expect(f).toContain("applying, please wait (Ctrl-C to quit anyway)"));
    expect(app.onQuit).not.toHaveBeenCalled();
    app.applies[0]!.resolve({ outcome: appliedOutcome(), report: fixedReport() });
    await app.frameWhere((f) => expect(f).toContain("→ after: PASS"));
    expect(app.onQuit).not.toHaveBeenCalled();
    app.stdin.write("q");
    await vi.waitFor(() => expect(app.onQuit).toHaveBeenCalledTimes(1));
  });

  it("quits on q with a plan on screen", async () => {
    const app = await planShown();
    app.stdin.write("q");
    await vi.waitFor(() => expect(app.onQuit).toHaveBeenCalledTimes(1));
    expect(app.runner.apply).not.toHaveBeenCalled();
  });
});
