/**
 * Fault corpus, issue 14: a Docker daemon that accepts the connection and
 * never answers is reported as "did not answer within N s" after the Docker
 * request timeout (a quarter of --timeout or 5 s, whichever is smaller), and
 * every check that does not need Docker still runs — the run does not wait
 * for its deadline.
 */
import { describe, expect, it } from "vitest";
import { validateReport } from "../../src/report/schema.js";
import type { Report } from "../../src/report/types.js";
import { DOCKER_REQUEST_TIMEOUT_CAP_MS, dockerRequestTimeoutMs, createDockerSource } from "../../src/sources/live/docker.js";
import { expectNoCrash, hungUnixSocket, oneJsonDocument, runFault } from "./harness.js";

describe("the Docker request timeout", () => {
  it.each([
    [20_000, 5_000],
    [8_000, 2_000],
    [1_000, 250],
    [60_000, DOCKER_REQUEST_TIMEOUT_CAP_MS],
  ])("is a quarter of --timeout %i ms or 5 s, whichever is smaller: %i ms", (run, docker) => {
    expect(dockerRequestTimeoutMs(run)).toBe(docker);
  });

  it("names the socket and the seconds, and asks a daemon that did not answer only once per run", async () => {
    const sock = await hungUnixSocket();
    const docker = createDockerSource({ host: `unix://${sock}`, requestTimeoutMs: 100 });
    const run = new AbortController().signal;
    const first = await docker.version(run).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: "timeout", message: `Docker Engine at unix://${sock} did not answer within 0.1 s (GET /_ping): it accepts connections but sends nothing` });
    // The same error, memoised: asking again would cost the timeout again.
    expect(await docker.version(run).catch((e: unknown) => e)).toBe(first);
  });
});

describe("a hung Docker daemon", () => {
  it("is reported as no answer within 5 s at the default --timeout, and the checks that do not need Docker finish before the deadline", async () => {
    const sock = await hungUnixSocket();
    const r = await runFault(["--lab", "--docker-host", `unix://${sock}`, "--json"]);
    expectNoCrash(r);
    const rep = oneJsonDocument(r.stdout) as unknown as Report;
    expect(validateReport(rep).errors).toEqual([]);
    const all = [...rep.checks, ...rep.paths.flatMap((p) => p.checks)];
    const docker = all.find((c) => c.id === "env.docker-reachable")!;
    expect(docker.status).toBe("fail");
    expect(docker.summary).toBe(`Docker Engine at unix://${sock} (a Docker host) did not answer within 5 s; the container hop falls back to what the docker-proxy listener shows`);
    // Nothing waited for the run's deadline: no check ended as `error: deadline`.
    expect(all.filter((c) => c.summary.startsWith("deadline:")).map((c) => c.id)).toEqual([]);
    // The cluster hops, read through the API server, still say what is wrong (the lab's default scenario: traefik holds port 80).
    expect(all.find((c) => c.id === "env.api-reachable")?.status).toBe("pass");
    expect(all.find((c) => c.id === "service.port-free")?.status).toBe("fail");
    expect(rep.paths.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expect(r.leftBehind).toEqual([]);
  });

  it("prints the same finding in the text report", async () => {
    const sock = await hungUnixSocket();
    const r = await runFault(["--lab", "--docker-host", `unix://${sock}`, "--timeout", "8", "--verbose"]);
    expectNoCrash(r);
    expect(r.stdout).toContain(`Docker Engine at unix://${sock} (a Docker host) did not answer within 2 s`);
    expect(r.stdout).not.toMatch(/deadline: did not finish/);
    expect(r.code).toBe(1);
    expect(r.leftBehind).toEqual([]);
  });
});
