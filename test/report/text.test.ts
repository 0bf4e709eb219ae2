import { describe, expect, it } from "vitest";
import { createProgressReporter, createTextReporter, renderShort, renderText } from "../../src/report/text.js";
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

  it("opens with the result, then the root cause: hop, check, why, paths and fix", () => {
    const lines = text.split("\n");
    expect(lines[3]).toBe("Result: FAIL  2 paths (1 fail, 0 warn, 1 pass), 22 checks in 812 ms");
    const cause = lines.indexOf("[FAIL] service hop: ND502 service.port-free — 1 path");
    expect(cause).toBe(5);
    expect(lines[cause + 1]).toMatch(/^ {7}why: svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Pending/);
    expect(lines[cause + 2]).toBe("       path: http://api.openchoreo.localhost:8080/");
    expect(lines[cause + 3]).toBe("       fix: netdoctor fix remove-traefik — Remove k3s' bundled traefik (disruptive)");
  });

  it("gives a passing path one line", () => {
    expect(text.split("\n")).toContain("[ok]   http://openchoreoapis.localhost:19080/ — the request passes every hop; probe HTTP 200 success in 12 ms");
    expect(text).not.toMatch(/^http:\/\/openchoreoapis\.localhost:19080\/ {2}PASS/m);
  });

  it("heads the details of a failing path with its URL and status, after the causes", () => {
    expect(block(text, "http://api.openchoreo.localhost:8080/")[0]).toBe("http://api.openchoreo.localhost:8080/  FAIL");
    expect(text.indexOf("http://api.openchoreo.localhost:8080/  FAIL")).toBeGreaterThan(text.indexOf("Details: "));
  });

  it("shows only the failing and warning hops in the details, in path order", () => {
    const r = makeReport();
    r.paths[0]!.hops.reverse();
    const hopLines = block(renderText(r), "http://api.openchoreo.localhost:8080/").filter((l) => /^ {2}\[/.test(l));
    expect(hopLines.map((l) => l.slice(2, 8).trim() + " " + l.slice(9).split(/\s+/)[0])).toEqual(["[FAIL] service"]);
  });

  it("shows the failing check with code, id, summary and evidence under its hop", () => {
    const lines = block(text, "http://api.openchoreo.localhost:8080/");
    const hop = lines.findIndex((l) => l.startsWith("  [FAIL] service"));
    expect(lines[hop]).toMatch(/^ {2}\[FAIL\] service {4}ND502 service\.port-free {2}svclb pod kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q is Pending/);
    expect(lines[hop + 1]).toMatch(/^\s+pod: kube-system\/svclb-gateway-default-6d1c3f7a-x2x9q$/);
    expect(lines.slice(hop + 1).join("\n")).toContain("didn't have free ports for the requested pod ports");
    // passing checks are not listed without --verbose
    expect(text).not.toContain("ND501 service.entry-found");
  });

  it("ends a failing path's details with the objects traversed and the probe", () => {
    const lines = block(text, "http://api.openchoreo.localhost:8080/");
    expect(lines.at(-2)).toMatch(/^ {2}Through: 127\.0\.0\.1 -> 0\.0\.0\.0:8080 docker-proxy/);
    expect(lines.at(-1)).toBe("  Probe: HTTP 404 traefik-404 in 3 ms; points at the service hop");
  });

  it("groups paths with the same findings under one cause and one detail block", () => {
    const r = makeReport();
    const twin = structuredClone(r.paths[0]!);
    twin.target = { ...twin.target, url: "http://openchoreo.localhost:8080/", host: "openchoreo.localhost" };
    r.paths.push(twin);
    const out = renderText(r);
    expect(out).toContain("[FAIL] service hop: ND502 service.port-free — 2 paths");
    expect(out).toContain("       paths: http://api.openchoreo.localhost:8080/, http://openchoreo.localhost:8080/");
    expect(out.match(/ND502 service\.port-free {2}svclb/g)).toHaveLength(1);
    expect(out).toContain("http://api.openchoreo.localhost:8080/  FAIL  (same for http://openchoreo.localhost:8080/)");
  });

  it("lists a finding caused by another under its cause, not as a cause of its own", () => {
    const r = makeReport();
    const p = r.paths[0]!;
    const lb = p.checks.find((c) => c.id !== p.verdict!.checkId && c.hop === "service")!;
    lb.status = "fail";
    lb.causedBy = "ND502";
    const out = renderText(r);
    expect(out.match(/^\[FAIL\] /gm)).toHaveLength(1);
    expect(out).toContain(`       explains: ${lb.code} ${lb.id}`);
  });

  it("lists a warning as a cause of its own", () => {
    const r = makeReport();
    const p = r.paths[1]!;
    p.status = "warn";
    p.checks[0]!.status = "warn";
    p.hops[0]!.status = "warn";
    const out = renderText(r);
    expect(out).toContain(`[warn] ${p.checks[0]!.hop} hop: ${p.checks[0]!.code} ${p.checks[0]!.id} — 1 path`);
    const lines = block(out, "http://openchoreoapis.localhost:19080/");
    expect(lines[0]).toBe("http://openchoreoapis.localhost:19080/  WARN");
    expect(lines).toContain("  Verdict: the request passes every hop, with 1 warning");
  });

  it("names a verdict the probe alone gave as the path's cause, with its details block", () => {
    const r = makeReport();
    const p = r.paths[1]!;
    for (const c of p.checks) c.status = c.status === "skip" ? "skip" : "pass";
    p.status = "fail";
    p.probe = { outcome: "http", status: 404, signature: "nginx-404", durationMs: 3, hop: "route" };
    p.verdict = { hop: "route", checkId: "probe.end-to-end", code: "ND901", summary: "no static cause found: the end-to-end request got HTTP 404 (nginx-404), which points at the route hop" };
    const out = renderText(r);
    expect(out).toContain("[FAIL] route hop: ND901 probe.end-to-end — 1 path");
    expect(out).toContain(`       why: ${p.verdict.summary}`);
    expect(block(out, p.target.url)[0]).toBe(`${p.target.url}  FAIL`);
  });

  it("keeps the environment checks out of the text unless one fails, warns, or --verbose", () => {
    expect(text).not.toContain("Environment");
    const verbose = renderText(makeReport(), { verbose: true });
    expect(verbose.indexOf("Environment  PASS")).toBeGreaterThan(verbose.indexOf("Result: "));
    expect(block(verbose, "Environment")).toContain("  [ok]   ND002 env.api-server-reachable  https://0.0.0.0:6550 answers: Kubernetes v1.36.1+k3s1");
    const r = makeReport();
    r.checks[1]!.status = "fail";
    r.status = "fail";
    const out = renderText(r);
    expect(out).toMatch(/^\[FAIL\] environment: ND002 env\.api-server-reachable — every path$/m);
    expect(block(out, "Environment")[0]).toBe("Environment  FAIL");
  });

  it("lists every check of every path with --verbose", () => {
    const verbose = renderText(makeReport(), { verbose: true });
    for (const id of ["ND501 service.entry-found", "ND101 dns.name-resolves", "ND801 backend.endpoints-ready"]) expect(verbose).toContain(id);
    expect(verbose).toContain("k3s servicelb runs one svclb pod per LoadBalancer Service"); // details
    expect(block(verbose, "http://openchoreoapis.localhost:19080/")[0]).toBe("http://openchoreoapis.localhost:19080/  PASS");
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

  it("closes with the overall result", () => {
    expect(text.trimEnd().split("\n").at(-1)).toBe("Result: FAIL  2 paths (1 fail, 0 warn, 1 pass), 22 checks in 812 ms");
    expect(text.endsWith("\n")).toBe(true);
  });

  it("gives the same text for the same report", () => {
    expect(renderText(makeReport())).toBe(text);
  });
});

describe("createTextReporter", () => {
  it("writes nothing while the run goes on, then exactly renderText's text", () => {
    const out: string[] = [];
    const listener = createTextReporter((s) => out.push(s));
    const events = eventsFor(makeReport());
    for (const e of events.slice(0, -1)) listener(e);
    expect(out).toEqual([]);
    listener(events.at(-1)!);
    expect(out).toEqual([renderText(makeReport())]);
  });

  it("passes --verbose to the text", () => {
    const out: string[] = [];
    const listener = createTextReporter((s) => out.push(s), { verbose: true });
    for (const e of eventsFor(makeReport())) listener(e);
    expect(out.at(-1)).toBe(renderText(makeReport(), { verbose: true }));
  });
});

describe("createProgressReporter", () => {
  it("counts finished checks and paths on one line rewritten in place, and erases it at the end", () => {
    const out: string[] = [];
    const listener = createProgressReporter((s) => out.push(s));
    const events = eventsFor(makeReport());
    for (const e of events) listener(e);
    const checks = events.filter((e) => e.type === "check-end").length;
    expect(out.some((s) => s.includes(`netdoctor: ${checks}/${checks} checks, 2/2 paths`))).toBe(true);
    expect(out.every((s) => s.startsWith("\r\x1b[2K"))).toBe(true);
    expect(out.at(-1)).toBe("\r\x1b[2K");
  });
});

describe("renderShort", () => {
  it("prints a header and one line per path: status, URL, hop, check and why", () => {
    const lines = renderShort(makeReport()).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^STATUS {2}URL +HOP +CHECK {2}WHY$/);
    expect(lines[1]).toMatch(/^FAIL {4}http:\/\/api\.openchoreo\.localhost:8080\/ +service {2}ND502 {2}svclb pod/);
    expect(lines[2]).toMatch(/^PASS {4}http:\/\/openchoreoapis\.localhost:19080\/ +- +- +the request passes every hop$/);
  });

  it("adds the probe and the objects traversed with wide", () => {
    const lines = renderShort(makeReport(), { wide: true }).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^STATUS {2}URL +HOP +CHECK {2}PROBE +THROUGH +WHY$/);
    expect(lines[1]).toContain("HTTP 404 traefik-404 in 3 ms");
    expect(lines[1]).toContain("127.0.0.1 -> 0.0.0.0:8080 docker-proxy");
  });
});
