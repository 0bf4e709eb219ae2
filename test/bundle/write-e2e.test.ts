/**
 * End to end: `netdoctor bundle` through the built CLI against the lab,
 * unpacked with node-tar. Run `npm run build` first.
 */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLab } from "../../src/lab/index.js";
import { runCli, scenariosDir } from "../e2e/cli.js";

const SCENARIO = join(scenariosDir, "k3d-secrets-planted");

/** Every secret planted in the scenario (see its scenario.yaml description). */
const PLANTED: Record<string, string> = {
  "pod env DB_PASSWORD": "Pl4nted-DbPass-3c9e1f",
  "password of DATABASE_URL": "Pl4nted-PgPass-77ab2d",
  "--token= arg": "pl4nted-arg-token-5d21e0c8",
  "JWT in an annotation": "eyJhbGciOiJSUzI1NiIsImtpZCI6InRodW5kZXItMjAyNi0wMyJ9",
  "JWT payload": "eyJpc3MiOiJodHRwOi8vdGh1bmRlci5vcGVuY2hvcmVvLmxvY2FsaG9zdDo4MDgwIiwic3ViIjoib3BlbmNob3Jlby1hcGktYm9vdHN0cmFwIiwiYXVkIjoib3BlbmNob3Jlby1hcGkiLCJleHAiOjE3NzI0NDIwMDB9",
  "private key body": "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCpl4ntedKeyBody",
  "kubeconfig token": "pl4nted-kubeconfig-token-e8f0a1b2c3d4",
  "Secret data": "pl4nted-secret-data-99aa",
  "Secret data, base64": Buffer.from("pl4nted-secret-data-99aa").toString("base64"),
  "Secret stringData": "pl4nted-secret-stringdata-41f1",
  "bearer token in the access log": "pl4nted-bearer-0f9e8d7c6b5a",
  "session cookie in the access log": "pl4nted-cookie-1a2b3c",
  "K3S_TOKEN of the k3d server container": "bWzqTfkHnRcXpLdVjYsA",
  // Issue 14 §4: what leaked before redaction denied by default.
  "env var with an innocuous name": "pl4nted-innocuous-env-7e1d",
  "PGPASS env var": "pl4nted-pgpass-2b8c",
  "GH_PAT env var": "pl4nted-gh-pat-value-55aa",
  'JSON log line "password"': "pl4nted-json-password-a1",
  "?access_token= in a log": "pl4nted-query-access-b2",
  "&token= in a log": "pl4nted-query-token-c3",
  "?api_key= in a log": "pl4nted-query-apikey-d4",
  "X-Auth-Token header": "pl4nted-xauth-e5",
  "PRIVATE-TOKEN header": "pl4nted-gitlab-private-f6",
  "X-Api-Key header": "pl4nted-xapikey-g7",
  "aws_secret_access_key = …": "pl4nted-aws-secret-h8",
  "GitHub token ghp_…": "ghp_Pl4ntedGithubPat0123456789abcdefABCD",
  "AWS key id AKIA…": "AKIAPL4NTEDAWSKEY234",
  "Slack bot token xoxb-…": "xoxb-123456789012-1234567890123-Pl4ntedSlackBot",
  "Stripe key sk_live_…": "sk_live_Pl4ntedStripeKey0123456789",
  "sshpass -p": "pl4nted-sshpass-i9",
  "mysql -pX": "pl4nted-mysql-j10",
  "curl -u user:pass": "pl4nted-curl-k11",
  "--requirepass": "pl4nted-requirepass-l12",
  "Event message with ?access_token=": "pl4nted-event-token-m13",
  // Issue 14 §4: command-line values netdoctor does not read are denied by default, whatever the flag.
  "--my-flag=S": "pl4nted-unknown-eq-n14",
  "--my-flag S": "pl4nted-unknown-space-o15",
  "-p S": "pl4nted-short-p-p16",
  "a positional after --verbose": "pl4nted-positional-q17",
  "a host process's unknown flag": "pl4nted-host-relay-r18",
  "a host process's unknown short flag": "pl4nted-host-short-s19",
  "a k3s arg of the k3d server container": "pl4nted-docker-arg-t20",
  // Issue 14 §4, end to end: the target URL, the service-proxy answers and the probe's answer.
  "?access_token= of the target URL": "pl4nted-target-query-u21",
  "Authorization echoed by the service proxy": "pl4nted-proxy-bearer-v22",
  "Cookie echoed by the service proxy": "pl4nted-proxy-cookie-w23",
  '"password" in the service-proxy body': "pl4nted-proxy-pw-x24",
  "?access_token= in the service-proxy body": "pl4nted-proxy-at-y25",
  "&token= in the service-proxy body": "pl4nted-proxy-tk-z26",
  '"token" in the probe\'s answer': "pl4nted-probe-token-a27",
  "?access_token= in the probe's answer": "pl4nted-probe-query-b28",
};

let work: string;

/** Unpack a bundle with node-tar; returns path → content. */
async function unpack(file: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(work, "x-"));
  await tar.x({ file, cwd: dir });
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, "utf8"));
    }
  };
  await walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Redactions {
  count: number;
  redactions: { file: string; path: string; rule: string }[];
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "netdoctor-bundle-test-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("a bundle of a cluster with planted secrets", () => {
  let files: Map<string, string>;
  let stdout: string;
  let stderr: string;

  beforeAll(async () => {
    const out = join(work, "planted.tar.gz");
    const r = await runCli(["bundle", "--lab", SCENARIO, "-o", out]);
    expect(r.stderr).not.toMatch(/could not run/);
    expect(r.code).toBe(0);
    stdout = r.stdout;
    stderr = r.stderr;
    files = await unpack(out);
  });

  it("prints one progress line per collector on stderr and the path and size on stdout", () => {
    expect(stderr).toMatch(/^collected cluster objects: \d+ in \d+ namespaces$/m);
    expect(stderr).toMatch(/^collected pod logs: \d+ containers/m);
    expect(stdout.trim()).toMatch(/planted\.tar\.gz \(\d+(\.\d)? (B|KiB|MiB)\)$/);
  });

  it("has the DESIGN §9 layout", () => {
    for (const f of ["manifest.json", "report.json", "redactions.json", "cluster/events.yaml", "docker/containers.json", "docker/networks.json", "host/listeners.yaml", "host/hosts", "host/resolver.json", "host/versions.json"]) {
      expect(files.has(f), f).toBe(true);
    }
    expect([...files.keys()].some((f) => /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-[a-z0-9-]+\.yaml$/.test(f))).toBe(true);
    expect([...files.keys()].some((f) => /^cluster\/_cluster\/nodes\/.+\.yaml$/.test(f))).toBe(true);
    expect(files.has("logs/openchoreo-control-plane/gateway-default-7d96c4b7f8-ch4wf/kgateway-proxy.log")).toBe(true);
    expect(files.has("logs/openchoreo-control-plane/openchoreo-api-7c9d5b8f4d-xmgzj/openchoreo-api.log")).toBe(true);
    const manifest = JSON.parse(files.get("manifest.json")!) as { files: string[] };
    expect(manifest.files).toEqual([...files.keys()]);
    expect((JSON.parse(files.get("report.json")!) as { status: string }).status).toBe("pass");
  });

  it.each(Object.entries(PLANTED))("contains the %s in no file", (_what, value) => {
    const hits = [...files.entries()].filter(([, text]) => text.includes(value)).map(([f]) => f);
    expect(hits).toEqual([]);
  });

  it("collects no Secret at all", () => {
    expect([...files.keys()].filter((f) => /\/secrets\//.test(f))).toEqual([]);
  });

  it.each([
    ["pod env DB_PASSWORD", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/env/3/value", "sensitive-name"],
    ["password of DATABASE_URL", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/env/4/value", "connection-string-password"],
    ["--token= arg", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/args/1", "sensitive-name"],
    ["Deployment env DB_PASSWORD", /^cluster\/openchoreo-control-plane\/deployments\/openchoreo-api\.yaml$/, "/spec/template/spec/containers/0/env/3/value", "sensitive-name"],
    ["last-applied-configuration", /^cluster\/openchoreo-control-plane\/deployments\/openchoreo-api\.yaml$/, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration/spec/template/spec/containers/0/env/3/value", "sensitive-name"],
    ["JWT in an annotation", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/metadata/annotations/openchoreo.dev~1bootstrap-assertion", "jwt"],
    ["kubeconfig token in the log", /openchoreo-api\.log$/, "/line/6", "kubeconfig-credential"],
    ["private key in the log", /openchoreo-api\.log$/, "/line/8", "private-key"],
    ["database URL in the log", /openchoreo-api\.log$/, "/line/9", "connection-string-password"],
    ["Authorization header in the log", /openchoreo-api\.log$/, "/line/12", "auth-header"],
    ["bearer token in the access log", /kgateway-proxy\.log$/, "/line/1", "auth-header"],
    ["K3S_TOKEN of the server container", /^docker\/containers\.json$/, null, "sensitive-name"],
    ["--my-flag=S", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/args/2", "argument-value"],
    ["--my-flag S", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/args/4", "argument-value"],
    ["-p S", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/args/6", "argument-value"],
    ["positional after --verbose", /^cluster\/openchoreo-control-plane\/pods\/openchoreo-api-/, "/spec/containers/0/args/8", "argument-value"],
    ["--node-label of the server container", /^docker\/containers\.json$/, null, "argument-value"],
    ["the host process's flags", /^host\/listeners\.yaml$/, null, "argument-value"],
    ["the target URL's access_token", /^report\.json$/, "/paths/0/target/url", "query-credential"],
  ])("lists the %s in redactions.json", (_what, file, path, rule) => {
    const r = JSON.parse(files.get("redactions.json")!) as Redactions;
    const hit = r.redactions.find((x) => file.test(x.file) && (path === null || x.path === path) && x.rule === rule);
    expect(hit, JSON.stringify(r.redactions.filter((x) => file.test(x.file)))).toBeDefined();
    expect(r.count).toBe(r.redactions.length);
  });
});

/** A file's content with the run's times and durations removed (they are expected to differ). */
function withoutTimes(path: string, text: string): string {
  if (path !== "report.json" && path !== "manifest.json") return text;
  return JSON.stringify(JSON.parse(text), (k, v: unknown) => (["startedAt", "durationMs", "createdAt", "output"].includes(k) ? undefined : v));
}

describe("bundles of the same state", () => {
  it("have the same files with the same contents, apart from times in manifest.json and report.json", async () => {
    const lab = await startLab(SCENARIO, {});
    try {
      const env = { KUBECONFIG: lab.state.kubeconfig, DOCKER_HOST: lab.state.dockerHost, NETDOCTOR_LAB: lab.stateFile };
      const a = join(work, "a.tar.gz");
      const b = join(work, "b.tar.gz");
      expect((await runCli(["bundle", "-o", a], env)).code).toBe(0);
      expect((await runCli(["bundle", "-o", b], env)).code).toBe(0);
      const fa = await unpack(a);
      const fb = await unpack(b);
      expect([...fb.keys()]).toEqual([...fa.keys()]);
      for (const [path, text] of fa) expect(withoutTimes(path, fb.get(path)!), path).toBe(withoutTimes(path, text));
      // Tar headers are portable: fixed mtime, no owner.
      const headers: { path: string; mtime?: Date; uid?: number; mode?: number }[] = [];
      await tar.t({ file: a, onReadEntry: (e) => void headers.push({ path: e.path, mtime: e.mtime, uid: e.uid, mode: e.mode }) });
      expect(headers.map((h) => h.path)).toEqual([...fa.keys()]);
      for (const h of headers) expect([h.mtime?.toISOString(), h.uid ?? 0, h.mode]).toEqual(["2000-01-01T00:00:00.000Z", 0, 0o644]);
    } finally {
      await lab.stop();
    }
  });
});

describe("a bundle whose collectors fail", () => {
  it("completes and records the docker failure in manifest.json", async () => {
    const out = join(work, "nodocker.tar.gz");
    const r = await runCli(["bundle", "--lab", SCENARIO, "--docker-host", `unix://${join(work, "no-such.sock")}`, "-o", out, "--json"]);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim()) as { path: string; bytes: number; incomplete: string[] };
    expect(line.path).toBe(out);
    expect(line.bytes).toBeGreaterThan(0);
    expect(line.incomplete).toContain("docker containers");
    expect(r.stderr).toMatch(/^could not collect docker containers: /m);
    const files = await unpack(out);
    const manifest = JSON.parse(files.get("manifest.json")!) as { collected: { name: string; status: string; errors: { code: string; message: string }[] }[] };
    const docker = manifest.collected.find((c) => c.name === "docker containers")!;
    expect(docker.status).toBe("failed");
    expect(docker.errors[0]!.code).toBe("unreachable");
    expect(files.get("docker/containers.json")!.trim()).toBe("[]");
  });

  it("names an unredacted bundle so and warns on stderr", async () => {
    const r = await runCli(["bundle", "--lab", SCENARIO, "--no-redact", "--log-lines", "5", "--json"], {}, undefined);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim()) as { path: string; redacted: boolean };
    try {
      expect(line.path).toMatch(/netdoctor-bundle-k3d-openchoreo-\d{8}T\d{6}Z-UNREDACTED\.tar\.gz$/);
      expect(line.redacted).toBe(false);
      expect(r.stderr).toMatch(/WARNING: --no-redact/);
      expect(r.stderr).toMatch(/UNREDACTED/);
      const files = await unpack(line.path);
      expect(files.get("logs/openchoreo-control-plane/openchoreo-api-7c9d5b8f4d-xmgzj/openchoreo-api.log")!.split("\n").filter(Boolean)).toHaveLength(5);
      expect((JSON.parse(files.get("redactions.json")!) as Redactions).count).toBe(0);
      // The same search that finds nothing in a redacted bundle finds the planted values here.
      expect([...files.values()].some((t) => t.includes(PLANTED["pod env DB_PASSWORD"]!))).toBe(true);
    } finally {
      await rm(line.path, { force: true });
    }
  });
});
