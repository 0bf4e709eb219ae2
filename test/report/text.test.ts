import { describe, expect, it } from "vitest";
import { createTextReporter, renderText } from "../../src/report/text.js";
import type { Report } from "../../src/report/types.js";
import { eventsFor, makeReport } from "./fixture-report.js";

/** Lines of the block that starts with `header`, up to the next blank line. */
function block(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `block ${header}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf("", start);
  return lines.slice(start, end === -1 ? undefined : end);
}

describe("renderText", () => {
  const text = renderText(makeReport());

  it("never writes an escape code", () => {
    expect(text).not.toMatch(/\x1b/);
    expect(renderText(makeReport(), { verbose: true })).not.toMatch(/\x1b/);
  });

  it("shows control characters from report data as visible \\xNN", () => {
    const r = makeReport();
    r.paths[0]!.checks[5]!.summary = "body was \x1b[31mred\x1b[0m";
    const out = renderText(r);
    expect(out).not.toMatch(/\x1b/);
    expect(out).toContain("body was \\x1b[31mred\\x1b[0m");
  });

  it("heads each path with its URL and status", () => {
    expect(block(text, "http://api.openchoreo.localhost:8080/")[0]).toBe("http://api.openchoreo.localhost:8080/  FAIL");
    expect(block(text, "http://openchoreoapis.localhost:19080/")[0]).toBe("http://openchoreoapis.localhost:19080/  PASS");
  });

  it("lists the hops in path order with ASCII marks", () => {
    const hopLines = block(text, "http://api.openchoreo.localhost:8080/").filter((l) => /^ {2}\[/.test(l));
    expect(hopLines.map((l) => l.slice(2, 8).trim() + " " + l.slice(9).split(/\s+/)[0])).toEqual([
      "[ok] dns",
      "[ok] host-port",
      "[skip] forwarder",
      "[ok] container",
      "[FAIL] service",
      "[ok] gateway",
      "[ok] route",
      "[ok] backend",
    ]);
  });

  it("orders hops by the path even when the report lists them out of order", () => {
    const r = makeReport();
    r.paths[0]!.hops.reverse();
    const hops = block(renderText(r), "http://api").filter((l) => /^ {2}\[/.test(l)).map((l) => l.slice(9).split(/\s+/)[0]);
    expect(hops[0]).toBe("dns");
    expect(hops.at(-1)).toBe("backend");
  });

  it("shows the failing check with code, id, summary and evidence under its hop", () => {
    const lines = block(text, "http://api.openchoreo.localhost:8080/");
    const hop = lines.findIndex((l) => l.startsWith("  [FAIL] service"));
    expect(lines[hop + 1]).toMatch(/^\s+\[FAIL\] ND502 service\.port-free {2}svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Pending/);
    expect(lines[hop + 2]).toMatch(/^\s+pod: kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q$/);
    expect(lines.slice(hop + 1).join("\n")).toContain("didn't have free ports for the requested pod ports");
    // passing checks on a passing hop are not listed without --verbose
    expect(lines.join("\n")).not.toContain("ND501 service.entry-found");
  });

  it("ends a failing path with the verdict, the probe and the fixes offered", () => {
    const lines = block(text, "http://api.openchoreo.localhost:8080/");
    const verdict = lines.findIndex((l) => l.startsWith("  Verdict: "));
    expect(lines[verdict]).toMatch(/^ {2}Verdict: the request stops at the service hop — svclb pod .* \(ND502 service\.port-free\)$/);
    expect(lines[verdict + 1]).toMatch(/^ {2}Probe: HTTP 404 traefik-404 in 3 ms/);
    expect(lines[verdict + 2]).toBe("  Fixes: remove-traefik — Remove k3s' bundled traefik (disruptive)");
    expect(lines[verdict + 3]).toBe("           kubectl -n kube-system delete helmchart traefik traefik-crd");
  });

  it("says a passing path passes every hop and offers no fixes", () => {
    const lines = block(text, "http://openchoreoapis.localhost:19080/");
    expect(lines).toContain("  Verdict: the request passes every hop");
    expect(lines).toContain("  Probe: HTTP 200 success in 12 ms");
    expect(lines.some((l) => l.includes("Fixes:"))).toBe(false);
  });

  it("puts the environment checks first, in their own block", () => {
    const env = text.indexOf("Environment  PASS");
    expect(env).toBeGreaterThan(0);
    expect(env).toBeLessThan(text.indexOf("http://api.openchoreo.localhost:8080/"));
    expect(block(text, "Environment")).toContain("  [ok]   ND002 env.api-server-reachable  https://0.0.0.0:6550 answers: Kubernetes v1.36.1+k3s1");
  });

  it("lists every check with --verbose", () => {
    const verbose = renderText(makeReport(), { verbose: true });
    for (const id of ["ND501 service.entry-found", "ND101 dns.name-resolves", "ND801 backend.endpoints-ready"]) expect(verbose).toContain(id);
    expect(verbose).toContain("k3s servicelb runs one svclb pod per LoadBalancer Service"); // details
  });

  const probes: { name: string; probe: Report["paths"][0]["probe"]; line: string }[] = [
    { name: "a refused connection", probe: { outcome: "refused", signature: "refused", durationMs: 1, hop: "host-port" }, line: "  Probe: connection refused in 1 ms; points at the host-port hop" },
    { name: "a probe that was not run", probe: { outcome: "not-run", signature: null, durationMs: 0 }, line: "  Probe: not run" },
    { name: "an Envoy 503", probe: { outcome: "http", status: 503, signature: "envoy-503-no-healthy-upstream", durationMs: 7, hop: "backend" }, line: "  Probe: HTTP 503 envoy-503-no-healthy-upstream in 7 ms; points at the backend hop" },
  ];
  it.each(probes)("describes $name in the probe line", ({ probe, line }) => {
    const r = makeReport();
    r.paths[0]!.probe = probe;
    expect(renderText(r).split("\n")).toContain(line);
  });

  it("says how many warnings a warning path has", () => {
    const r = makeReport();
    const p = r.paths[1]!;
    p.status = "warn";
    p.checks[0]!.status = "warn";
    p.hops[0]!.status = "warn";
    const lines = block(renderText(r), "http://openchoreoapis.localhost:19080/");
    expect(lines[0]).toBe("http://openchoreoapis.localhost:19080/  WARN");
    expect(lines).toContain("  [warn] dns        openchoreoapis.localhost resolves to 127.0.0.1 (RFC 6761 *.localhost)");
    expect(lines).toContain("  Verdict: the request passes every hop, with 1 warning");
  });

  it("closes with the overall result", () => {
    expect(text.trimEnd().split("\n").at(-1)).toBe("Result: FAIL  2 paths (1 fail, 0 warn, 1 pass), 22 checks in 812 ms");
    expect(text.endsWith("\n")).toBe(true);
  });

  it("gives the same text for the same report", () => {
    expect(renderText(makeReport())).toBe(text);
  });
});

describe("createTextReporter", () => {
  it("prints a line per finished check as events arrive, then exactly renderText's block", () => {
    const out: string[] = [];
    const listener = createTextReporter((s) => out.push(s));
    const events = eventsFor(makeReport());
    const firstEnd = events.findIndex((e) => e.type === "check-end");
    for (const e of events.slice(0, firstEnd + 1)) listener(e);
    expect(out.join("")).toContain("[ok]   env  ND001 env.kubeconfig-loaded  context k3d-openchoreo");
    for (const e of events.slice(firstEnd + 1)) listener(e);
    const all = out.join("");
    expect(all).toContain("[FAIL] api.openchoreo.localhost:8080  ND502 service.port-free  svclb pod");
    expect(all).toContain("probe  api.openchoreo.localhost:8080  HTTP 404 traefik-404 in 3 ms");
    expect(all.endsWith("\n\n" + renderText(makeReport()))).toBe(true);
    expect(all).not.toMatch(/\x1b/);
    for (const chunk of out) expect(chunk.endsWith("\n")).toBe(true);
  });

  it("passes --verbose to the final block", () => {
    const out: string[] = [];
    const listener = createTextReporter((s) => out.push(s), { verbose: true });
    for (const e of eventsFor(makeReport())) listener(e);
    expect(out.at(-1)).toBe("\n" + renderText(makeReport(), { verbose: true }));
  });
});
