/**
 * Fault corpus, issue 14 §4: credentials a user passes on the command line
 * (`-H 'Authorization: …'`, Cookie, X-Api-Key, a token query parameter) are
 * masked in every output — --json, text, -o wide/yaml, JUnit, GitHub
 * annotations and job summary, the TUI, watch — keeping the header name and
 * the auth scheme (`Authorization: Bearer ***`), while the probe still sends
 * the real values.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCredentialHeader, maskCredentials, maskCredentialsIn, maskHeaderValue } from "../../src/report/mask.js";
import type { Report } from "../../src/report/types.js";
import { root } from "../e2e/cli.js";
import { hasTmux, tmuxSession } from "../e2e/tmux.js";
import { closedPort, expectNoCrash, kubeconfigFor, oneJsonDocument, runFault, scratch } from "./harness.js";

const SECRETS = {
  bearer: "pl4nted-bearer-hdr-0a1b2c",
  cookie: "pl4nted-cookie-hdr-3d4e",
  apiKey: "pl4nted-apikey-hdr-5f6a",
  privateToken: "pl4nted-gitlab-hdr-7b8c",
  query: "pl4nted-query-token-9d0e",
};

describe("masking a text", () => {
  it.each([
    ["-H 'Authorization: Bearer abc.def-123'", "-H 'Authorization: Bearer ***'"],
    ["Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic ***"],
    ["-H 'Cookie: sid=abc; theme=dark'", "-H 'Cookie: ***'"],
    ["-H 'X-Api-Key: k-123456'", "-H 'X-Api-Key: ***'"],
    ["-H 'PRIVATE-TOKEN: glpat-abc'", "-H 'PRIVATE-TOKEN: ***'"],
    ["GET http://app.localhost:8080/cb?access_token=abc123&state=x", "GET http://app.localhost:8080/cb?access_token=***&state=x"],
    ["http://h/x?id=1&token=tok-99", "http://h/x?id=1&token=***"],
    ["https://admin:s3cret@10.0.0.5:6443", "https://admin:REDACTED@10.0.0.5:6443"],
    ["token ghp_abcdefghijklmnopqrstuvwxyz0123456789 used", "token *** used"],
  ])("%j prints as %j", (input, want) => {
    expect(maskCredentials(input)).toBe(want);
  });

  it("leaves ordinary text alone", () => {
    for (const t of ["http://api.openchoreo.localhost:8080/?page=2", "-H 'x-canary: true'", "Authorization header missing", "status=200 path=/api/v1/orgs"]) expect(maskCredentials(t)).toBe(t);
  });

  it("masks the value of every header the secret rules flag, keeping the scheme, and no other", () => {
    expect(maskHeaderValue("Authorization", "Bearer eyJhbGciOi.x.y")).toBe("Bearer ***");
    expect(maskHeaderValue("authorization", "s3cret")).toBe("***");
    expect(maskHeaderValue("X-Session-Token", "abc")).toBe("***");
    expect(maskHeaderValue("X-Auth-Token", "abc")).toBe("***");
    expect(maskHeaderValue("x-canary", "true")).toBe("true");
    expect(maskHeaderValue("x-request-id", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toBe("***");
    expect(isCredentialHeader("Cookie")).toBe(true);
    expect(isCredentialHeader("Accept")).toBe(false);
  });

  it("masks header pairs and header maps in a report-shaped value and leaves the input unchanged", () => {
    const target = { url: "http://a:8080/?api_key=k1", headers: [{ name: "Authorization", value: "Bearer t1" }, { name: "env", value: "canary" }] };
    const evidence = { request: { headers: { authorization: "Bearer t1", "x-canary": "true" } } };
    expect(maskCredentialsIn({ target, evidence })).toEqual({
      target: { url: "http://a:8080/?api_key=***", headers: [{ name: "Authorization", value: "Bearer ***" }, { name: "env", value: "canary" }] },
      evidence: { request: { headers: { authorization: "Bearer ***", "x-canary": "true" } } },
    });
    expect(target.headers[0]!.value).toBe("Bearer t1");
  });

  it("copies every key of a parsed object as its own property, __proto__ included, in the same order", () => {
    const parsed = JSON.parse('{"b":"https://u:pw@h/","__proto__":"x","a":[{"Cookie":"sid=1"}],"n":1}') as Record<string, unknown>;
    const masked = maskCredentialsIn(parsed);
    expect(Object.keys(masked)).toEqual(["b", "__proto__", "a", "n"]);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(masked, "__proto__")?.value).toBe("x");
    expect(masked).toEqual({ b: "https://u:REDACTED@h/", ["__proto__"]: "x", a: [{ Cookie: "***" }], n: 1 });
  });
});

/** A web server on 127.0.0.1 that records the request headers and URL it got (what the probe really sent). */
let seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let port = 0;
const srv = createServer((req, res) => {
  seen.push({ url: req.url ?? "", headers: req.headers });
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
});
beforeAll(async () => {
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  port = (srv.address() as { port: number }).port;
});
afterAll(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

/** The target and -H flags every run gets; the cluster is absent (a closed API port, no Docker), the probe answers 200. */
async function args(): Promise<string[]> {
  const kubeconfig = kubeconfigFor(`https://127.0.0.1:${await closedPort()}`);
  return [
    `http://127.0.0.1:${port}/api?access_token=${SECRETS.query}`,
    "-H", `Authorization: Bearer ${SECRETS.bearer}`,
    "-H", `Cookie: sid=${SECRETS.cookie}`,
    "-H", `X-Api-Key: ${SECRETS.apiKey}`,
    "-H", `PRIVATE-TOKEN: ${SECRETS.privateToken}`,
    "-H", "x-canary: true",
    "--kubeconfig", kubeconfig,
    "--docker-host", `unix://${scratch()}/no.sock`,
    "--timeout", "10",
  ];
}

function expectNoSecret(where: string, text: string): void {
  for (const [what, s] of Object.entries(SECRETS)) expect(text.includes(s), `${what} in ${where}`).toBe(false);
}

describe("credentials given on the command line, in every output", () => {
  it("are masked in --json, and the probe sent the real values", async () => {
    seen = [];
    const r = await runFault([...(await args()), "--json"]);
    expectNoCrash(r);
    expectNoSecret("stdout", r.stdout);
    expectNoSecret("stderr", r.stderr);
    const rep = oneJsonDocument(r.stdout) as unknown as Report;
    const t = rep.paths[0]!.target;
    expect(t.url).toBe(`http://127.0.0.1:${port}/api?access_token=***`);
    expect(t.headers).toEqual([
      { name: "Authorization", value: "Bearer ***" },
      { name: "Cookie", value: "***" },
      { name: "X-Api-Key", value: "***" },
      { name: "PRIVATE-TOKEN", value: "***" },
      { name: "x-canary", value: "true" },
    ]);
    expect(rep.paths[0]!.probe).toMatchObject({ outcome: "http", status: 200 });
    // The request as it reached the server: the real credentials.
    const got = seen.find((s) => s.url.startsWith("/api"))!;
    expect(got.url).toBe(`/api?access_token=${SECRETS.query}`);
    expect(got.headers["authorization"]).toBe(`Bearer ${SECRETS.bearer}`);
    expect(got.headers["cookie"]).toBe(`sid=${SECRETS.cookie}`);
    expect(got.headers["x-api-key"]).toBe(SECRETS.apiKey);
    expect(got.headers["private-token"]).toBe(SECRETS.privateToken);
    expect(r.leftBehind).toEqual([]);
  });

  it.each([
    ["text", []],
    ["text --verbose", ["--verbose"]],
    ["-o wide", ["-o", "wide"]],
    ["-o short", ["-o", "short"]],
    ["-o yaml", ["-o", "yaml"]],
    ["-o github", ["-o", "github"]],
  ])("are masked in %s output", async (_mode, extra) => {
    const r = await runFault([...(await args()), ...extra]);
    expectNoCrash(r);
    expectNoSecret("stdout", r.stdout);
    expectNoSecret("stderr", r.stderr);
    if (extra.includes("yaml")) expect(r.stdout).toContain("access_token=***");
    // The path passes (the probe got 200): its line shows with --verbose and in the one-line forms.
    if (extra.includes("--verbose") || extra.includes("wide") || extra.includes("short")) expect(r.stdout).toContain("access_token=***");
    if (extra.includes("--verbose")) expect(r.stdout).toContain("-H 'Authorization: Bearer ***'");
    if (extra.includes("yaml")) expect(r.stdout).toMatch(/value: Bearer \*\*\*/);
  });

  it("are masked in the JUnit file and the GitHub job summary", async () => {
    const dir = scratch();
    const junit = join(dir, "junit.xml");
    const summary = join(dir, "summary.md");
    writeFileSync(summary, ""); // the runner creates it; @actions/core appends
    const r = await runFault([...(await args()), "--junit", junit], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
    expectNoCrash(r);
    expectNoSecret("stdout", r.stdout);
    const xml = readFileSync(junit, "utf8");
    expectNoSecret("junit", xml);
    expect(xml).toContain("access_token=***");
    const md = readFileSync(summary, "utf8");
    expectNoSecret("job summary", md);
    expect(md).toContain("access_token=***");
  });

  it("are masked in watch's text and JSON", async () => {
    for (const extra of [[], ["--json"]]) {
      const r = await runFault(["watch", `http://127.0.0.1:${port}/api?access_token=${SECRETS.query}`, "-H", `Authorization: Bearer ${SECRETS.bearer}`, "-H", `X-Api-Key: ${SECRETS.apiKey}`, "--count", "2", "--interval", "10ms", ...extra]);
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expectNoSecret("watch stdout", r.stdout);
      expect(r.stdout).toContain("access_token=***");
      if (extra.length) expect((oneJsonDocument(r.stdout) as { headers: unknown }).headers).toEqual([{ name: "Authorization", value: "Bearer ***" }, { name: "X-Api-Key", value: "***" }]);
      else expect(r.stdout).toContain("-H 'Authorization: Bearer ***'");
    }
  });

  it.skipIf(!hasTmux)("are masked in the TUI", async () => {
    const { session, tmux, waitFor, screen } = tmuxSession(`netdoctor-mask-${process.pid}`);
    const dir = mkdtempSync(join(tmpdir(), "netdoctor-mask-tui-"));
    const exitFile = join(dir, "exit");
    const quoted = (await args()).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const cmd = `cd ${JSON.stringify(root)} && env -u CI -u NETDOCTOR_LAB -u KUBECONFIG -u DOCKER_HOST node bin/netdoctor.js ${quoted}; echo $? > ${JSON.stringify(exitFile)}; sleep 60`;
    try {
      tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", cmd);
      const done = await waitFor(/(FAIL|WARN|PASS)\s+\d+ paths?:.*q quit/);
      expect(done).toContain("access_token=***");
      expect(done).toContain("Authorization: Bearer ***");
      expectNoSecret("the TUI", screen());
      tmux("send-keys", "-t", session, "q");
      const until = Date.now() + 20_000;
      while (!existsSync(exitFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      try {
        tmux("kill-session", "-t", session);
      } catch {
        // already gone
      }
    }
  });
});
