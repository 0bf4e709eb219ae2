import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventsFor, makeReport } from "../report/fixture-report.js";

// Colour support is decided when chalk (inside Ink) is first loaded: force it
// on, then load Ink and the App, so that "no colour" is a real assertion.
type Modules = {
  render: typeof import("ink-testing-library").render;
  cleanup: typeof import("ink-testing-library").cleanup;
  App: typeof import("../../src/ui/App.js").App;
  createRunStore: typeof import("../../src/ui/store.js").createRunStore;
};
let m: Modules;
beforeAll(async () => {
  vi.stubEnv("FORCE_COLOR", "1");
  vi.resetModules();
  const itl = await import("ink-testing-library");
  m = { render: itl.render, cleanup: itl.cleanup, App: (await import("../../src/ui/App.js")).App, createRunStore: (await import("../../src/ui/store.js")).createRunStore };
});
afterAll(() => {
  m.cleanup();
  vi.unstubAllEnvs();
});

// SGR foreground colours (30–37, 90–97); bold/dim are attributes, not colours.
// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[(3[0-7]|9[0-7])m/;

describe("App colours", () => {
  it.each([
    { name: "colours marks and statuses by default", color: true, expected: true },
    { name: "draws no colour with color=false (--no-color)", color: false, expected: false },
  ])("$name", async ({ color, expected }) => {
    const store = m.createRunStore();
    for (const e of eventsFor(makeReport())) store.dispatch(e);
    const app = m.render(<m.App store={store} color={color} />);
    await vi.waitFor(() => expect(app.lastFrame() ?? "").toContain("Verdict:"));
    expect(COLOUR.test(app.lastFrame() ?? "")).toBe(expected);
    expect(app.lastFrame()).toContain("✖");
  });
});
