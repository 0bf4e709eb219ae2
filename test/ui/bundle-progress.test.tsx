import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import { BundleProgress, createBundleProgressStore } from "../../src/ui/BundleProgress.js";
import { SPINNER_FRAMES } from "../../src/ui/marks.js";

describe("BundleProgress", () => {
  it("marks each finished collector, spins on the one in progress, and stops spinning when done", async () => {
    const store = createBundleProgressStore();
    const app = render(<BundleProgress store={store} />);
    expect(app.lastFrame()).toContain("collecting…");
    expect(SPINNER_FRAMES.some((f) => app.lastFrame()!.includes(f))).toBe(true);
    store.push("collected cluster objects: 63 in 3 namespaces");
    store.push("could not collect docker containers: no such socket");
    store.push("collected pod logs: 3 containers of 4 pods (1 failed)");
    await vi.waitFor(() => expect(app.lastFrame()).toContain("pod logs"));
    const lines = app.lastFrame()!.split("\n");
    expect(lines[0]).toBe("✔ collected cluster objects: 63 in 3 namespaces");
    expect(lines[1]).toMatch(/^✖ could not collect docker containers/);
    expect(lines[2]).toMatch(/^✖ collected pod logs: .*\(1 failed\)$/);
    store.finish();
    await vi.waitFor(() => expect(app.lastFrame()).not.toContain("collecting…"));
    app.unmount();
  });
});
