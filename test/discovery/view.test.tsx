/**
 * The discovery summary in the views: printed first in text output and under
 * the TUI header, with the discovered paths grouped by entry (host) port.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { App } from "../../src/ui/App.js";
import { createRunStore } from "../../src/ui/store.js";
import { createTextReporter, renderText } from "../../src/report/text.js";
import type { DiscoveryReport, Report, RunEvent } from "../../src/report/types.js";
import { eventsFor, makeReport } from "../report/fixture-report.js";

// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined): string => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

const discovery: DiscoveryReport = {
  summary: "k3d cluster openchoreo, traefik disabled, kgateway: 1 Gateway, 2 HTTPRoutes; entry points: 2",
  entryPoints: [
    { url: "http://api.openchoreo.localhost:8080/", why: "k3d-openchoreo-serverlb publishes 8080→8080; HTTPRoute openchoreo-control-plane/openchoreo-api" },
    { url: "http://dp.openchoreo.localhost:9080/", why: "k3d-openchoreo-serverlb publishes 9080→9080; HTTPRoute dp/web" },
  ],
};

/** The fixture report with its second path moved to another port, and discovery attached. */
function discovered(): Report {
  const r = makeReport();
  const p = r.paths[1]!;
  p.target = { url: "http://dp.openchoreo.localhost:9080/", host: "dp.openchoreo.localhost", port: 9080, path: "/" };
  return { ...r, discovery };
}

function withDiscovery(events: RunEvent[]): RunEvent[] {
  return events.map((e) => (e.type === "run-start" ? { ...e, discovery } : e));
}

afterEach(() => cleanup());

describe("text output with discovery", () => {
  it("starts with the discovery summary and, with --verbose, heads each entry port's paths", () => {
    const text = renderText(discovered(), { verbose: true });
    const lines = text.split("\n");
    expect(lines[2]).toBe(`Discovered: ${discovery.summary}`);
    const headers = lines.filter((l) => l.startsWith("== port "));
    expect(headers).toEqual(["== port 8080 ==", "== port 9080 =="]);
    expect(lines.indexOf("== port 9080 ==")).toBeLessThan(lines.findIndex((l) => l.startsWith("http://dp.openchoreo.localhost:9080/")));
  });

  it("prints no port headers when targets were given", () => {
    expect(renderText(makeReport())).not.toMatch(/^== port/m);
  });

  it("lists each entry point with its reason under the summary with --verbose", () => {
    const lines = renderText(discovered(), { verbose: true }).split("\n");
    expect(lines[2]).toBe(`Discovered: ${discovery.summary}`);
    expect(lines[3]).toBe(`  ${discovery.entryPoints[0]!.url}  ← ${discovery.entryPoints[0]!.why}`);
  });
});

describe("TUI with discovery", () => {
  it("shows the summary under the header and a header per entry port", async () => {
    const store = createRunStore();
    const report = discovered();
    for (const e of withDiscovery(eventsFor(report, report.paths.map((p) => ({ ...p.target, scheme: "http" as const }))))) store.dispatch(e);
    const app = render(<App store={store} interactive={false} />);
    await vi.waitFor(() => expect(plain(app.lastFrame())).toContain("Port 9080"), { timeout: 5000, interval: 5 });
    const lines = plain(app.lastFrame()).split("\n");
    expect(lines[1]).toMatch(/^Discovered: k3d cluster openchoreo, traefik disabled/); // wraps at the 100-column test width
    const port8080 = lines.indexOf("Port 8080");
    const port9080 = lines.indexOf("Port 9080");
    expect(port8080).toBeGreaterThan(1);
    expect(lines.findIndex((l) => l.startsWith("http://api.openchoreo.localhost:8080/"))).toBeGreaterThan(port8080);
    expect(lines.findIndex((l) => l.startsWith("http://dp.openchoreo.localhost:9080/"))).toBeGreaterThan(port9080);
  });
});
