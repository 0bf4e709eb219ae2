import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { App } from "../../src/ui/App.js";
import { SPINNER_FRAMES } from "../../src/ui/marks.js";
import { createRunStore, type RunStore } from "../../src/ui/store.js";
import type { RunEvent } from "../../src/report/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";

// ink-testing-library renders at a fixed width of 100 columns.
// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");
const events = eventsFor(makeReport());
const until = (pred: (e: RunEvent) => boolean): RunEvent[] => events.slice(0, events.findIndex(pred) + 1);

function mount(store: RunStore, props: { onQuit?: () => void; interactive?: boolean } = {}) {
  const app = render(<App store={store} {...props} />);
  const frame = () => plain(app.lastFrame());
  /** Waits until the latest frame satisfies `check` (the store re-renders asynchronously). */
  const frameWhere = (check: (f: string) => void) => vi.waitFor(() => check(frame()), { timeout: 5000, interval: 5 });
  return { ...app, frame, frameWhere };
}

/** The line of a frame that starts (after the cursor column) with `mark hop`. */
function hopLine(frame: string, hop: string): string | undefined {
  return frame.split("\n").find((l) => new RegExp(`^[ ›] \\S ${hop}(\\s|$)`).test(l));
}

afterEach(() => cleanup());

describe("App", () => {
  it("shows spinners on running hops and pending marks on hops not started yet", async () => {
    const store = createRunStore();
    for (const e of until((e) => e.type === "check-start" && e.path === 0 && e.id === "service.entry-found")) store.dispatch(e);
    const app = mount(store);
    await app.frameWhere((f) => expect(f).toContain("http://api.openchoreo.localhost:8080/"));
    const f = app.frame();
    expect(hopLine(f, "dns")).toMatch(/✔ dns/);
    expect(hopLine(f, "forwarder")).toMatch(/– forwarder/);
    const service = hopLine(f, "service")!;
    expect(SPINNER_FRAMES.some((s) => service.includes(`${s} service`))).toBe(true);
    expect(service).toMatch(/service\s+checking: a Service takes the node port$/);
    expect(hopLine(f, "gateway")).toMatch(/· gateway/);
    expect(f).not.toContain("Verdict:");
    expect(f).toMatch(/running · \d+\/22 checks done/);
  });

  it("shows the context and flavor in the header once known", async () => {
    const store = createRunStore();
    const start = events[0] as Extract<RunEvent, { type: "run-start" }>;
    store.dispatch({ ...start, environment: { context: "k3d-openchoreo", flavor: "k3d" } });
    const app = mount(store);
    await app.frameWhere((f) => expect(f.split("\n")[0]).toBe("netdoctor  k3d-openchoreo (k3d)"));
  });

  it("fills the hop list in live as events arrive and ends with the verdict", async () => {
    const store = createRunStore();
    const app = mount(store);
    await app.frameWhere((f) => expect(f).toContain("starting"));
    for (const e of until((e) => e.type === "run-start")) store.dispatch(e);
    await app.frameWhere((f) => expect(hopLine(f, "dns")).toMatch(/· dns/));
    for (const e of events.slice(1)) store.dispatch(e);
    await app.frameWhere((f) => expect(f).toContain("FAIL  2 paths: 1 fail, 0 warn, 1 pass"));
    const f = app.frame();
    expect(hopLine(f, "service")).toMatch(/✖ service\s+svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Pending/);
    expect(f).toContain("ND502 service.port-free");
    expect(f).toContain("pod: kube-system/svclb-gateway-default-6d1c3f7a-x2x9q");
    expect(f.replace(/\n\s+/g, " ")).toContain("Verdict: the request stops at the service hop — svclb pod");
    expect(f).toContain("Probe: HTTP 404 traefik-404 in 3 ms");
    expect(f).toContain("Fixes: remove-traefik — Remove k3s' bundled traefik");
    // The second path is collapsed to one line until the cursor moves into it.
    expect(f).toContain("http://openchoreoapis.localhost:19080/  PASS  passes every hop");
    expect(f).not.toContain("Verdict: the request passes every hop");
    for (const s of SPINNER_FRAMES) expect(f).not.toContain(s);
  });

  it("expands the path under the cursor and collapses the others to one line", async () => {
    const store = createRunStore();
    for (const e of events) store.dispatch(e);
    const app = mount(store);
    await app.frameWhere((f) => expect(f).toMatch(/^› ✔ env/m));
    // env + the 8 hops of the first path, then the first hop of the second.
    for (let i = 0; i < 9; i++) app.stdin.write("j");
    await app.frameWhere((f) => expect(f).toContain("Verdict: the request passes every hop"));
    expect(app.frame()).toMatch(/http:\/\/api\.openchoreo\.localhost:8080\/ {2}FAIL {2}stops at service: ND502 service\.port-free/);
    expect(app.frame()).not.toContain("Probe: HTTP 404 traefik-404");
  });

  it("moves with j/k and arrows and expands the hop under the cursor on enter", async () => {
    const store = createRunStore();
    for (const e of events) store.dispatch(e);
    const app = mount(store);
    await app.frameWhere((f) => expect(f).toMatch(/^› ✔ env/m));
    // env -> dns -> host-port -> forwarder -> container -> service
    for (const key of ["j", "j", "\u001B[B", "j", "j"]) app.stdin.write(key);
    await app.frameWhere((f) => expect(hopLine(f, "service")).toMatch(/^› ✖ service/));
    expect(app.frame()).not.toContain("no other LoadBalancer holds the port");
    app.stdin.write("\r");
    await app.frameWhere((f) => expect(f).toContain("✖ no other LoadBalancer holds the port"));
    expect(app.frame()).toContain("✔ a Service takes the node port  ND501 service.entry-found");
    app.stdin.write(" ");
    await app.frameWhere((f) => expect(f).not.toContain("no other LoadBalancer holds the port"));
    app.stdin.write("k");
    await app.frameWhere((f) => expect(hopLine(f, "container")).toMatch(/^› ✔ container/));
    app.stdin.write("\u001B[A");
    await app.frameWhere((f) => expect(hopLine(f, "forwarder")).toMatch(/^› – forwarder/));
  });

  it("takes keys typed faster than they are read (one chunk) one by one", async () => {
    const store = createRunStore();
    for (const e of events) store.dispatch(e);
    const app = mount(store);
    await app.frameWhere((f) => expect(f).toMatch(/^› ✔ env/m));
    app.stdin.write("jjjjj\r");
    await app.frameWhere((f) => expect(f).toContain("✖ no other LoadBalancer holds the port"));
    expect(hopLine(app.frame(), "service")).toMatch(/^› ✖ service/);
  });

  it.each([
    ["q", "q"],
    ["Esc", "\u001B"],
    ["Ctrl-C", "\u0003"],
  ])("quits on %s", async (_name, key) => {
    const store = createRunStore();
    for (const e of events) store.dispatch(e);
    const onQuit = vi.fn();
    const app = mount(store, { onQuit });
    await app.frameWhere((f) => expect(f).toContain("q quit"));
    app.stdin.write(key);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });

  it("takes no keys and draws no cursor when not interactive", async () => {
    const store = createRunStore();
    for (const e of events.slice(0, 10)) store.dispatch(e);
    const onQuit = vi.fn();
    const app = mount(store, { onQuit, interactive: false });
    await app.frameWhere((f) => expect(f).toContain("running"));
    expect(app.frame()).not.toContain("q quit");
    expect(app.frame()).not.toContain("›");
    app.stdin.write("q");
    for (const e of events.slice(10)) store.dispatch(e);
    await app.frameWhere((f) => expect(f).toContain("Verdict: the request passes every hop"));
    expect(onQuit).not.toHaveBeenCalled();
  });
});
