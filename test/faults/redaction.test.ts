/**
 * Fault corpus, issue 14 §4: credentials in URLs are masked wherever
 * netdoctor prints them (a kubeconfig server URL with a password), and the
 * free-text rules catch what real logs, headers and command lines carry.
 * The planted-secrets bundle itself is test/bundle/write-e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { redactDocument, redactText } from "../../src/bundle/redact.js";
import { maskUrlCredentials } from "../../src/report/mask.js";
import { closedPort, kubeconfigFor, oneJsonDocument, runFault, scratch } from "./harness.js";

describe("credentials in URLs", () => {
  it("masks the password of a URL's userinfo and keeps the user and host", () => {
    expect(maskUrlCredentials("API server https://admin:s3cret@10.0.0.5:6443 and tcp://u:p4ss@dock:2376")).toBe("API server https://admin:REDACTED@10.0.0.5:6443 and tcp://u:REDACTED@dock:2376");
    expect(maskUrlCredentials("http://api.openchoreo.localhost:8080/")).toBe("http://api.openchoreo.localhost:8080/");
  });

  it("never prints a kubeconfig server URL's password, in text or JSON", async () => {
    const port = await closedPort();
    const kubeconfig = kubeconfigFor(`https://admin:pl4nted-server-pw@127.0.0.1:${port}`);
    const docker = `unix://${scratch()}/no.sock`;
    for (const extra of [[], ["--json"]]) {
      const r = await runFault([`http://127.0.0.1:${port}/`, "--kubeconfig", kubeconfig, "--docker-host", docker, "--timeout", "5", ...extra]);
      expect(r.stdout + r.stderr).not.toContain("pl4nted-server-pw");
      expect(r.stdout).toContain(`https://admin:REDACTED@127.0.0.1:${port}`);
      if (extra.length) oneJsonDocument(r.stdout);
    }
  });
});

describe("free-text rules", () => {
  it.each([
    ["query-credential", "GET /cb?access_token=abc123&state=x", "abc123"],
    ["query-credential", "GET /hook?id=1&token=tok-99", "tok-99"],
    ["query-credential", "https://maps.example.com/geo?api_key=k-77&q=x", "k-77"],
    ["auth-header", "X-Auth-Token: xa-1", "xa-1"],
    ["auth-header", "PRIVATE-TOKEN: gl-2", "gl-2"],
    ["auth-header", "x-api-key: ak-3", "ak-3"],
    ["sensitive-name", '{"level":"debug","password":"pw-4"}', "pw-4"],
    ["sensitive-name", "loaded: aws_secret_access_key = aws-5", "aws-5"],
    ["command-credential", "sshpass -p sp-6 ssh deploy@box", "sp-6"],
    ["command-credential", "mysql -h db -u root -pmy-7 app", "my-7"],
    ["command-credential", "curl -sf -u admin:cu-8 http://r/", "cu-8"],
    ["command-credential", "redis-server --requirepass rq-9", "rq-9"],
    ["gitleaks:github-pat", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
    ["gitleaks:aws-access-token", "key AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"],
    ["gitleaks:slack-bot-token", "xoxb-123456789012-1234567890123-abcDEF", "xoxb-123456789012-1234567890123-abcDEF"],
    ["gitleaks:stripe-access-token", "sk_live_abcdefghij0123 ok", "sk_live_abcdefghij0123"],
  ])("%s: %j loses its secret", (rule, input, secret) => {
    const r = redactText(input);
    expect(r.text).not.toContain(secret);
    expect(r.rules).toContain(rule);
  });

  it("leaves ordinary log text alone", () => {
    for (const line of ["GET /health 200 0.4ms", "listening on :8080", "status=200 path=/api/v1/orgs?page=2", "mysql connection pool ready", "curl http://localhost:8080/"]) {
      expect(redactText(line)).toEqual({ text: line, rules: [] });
    }
  });
});

describe("deny by default", () => {
  it("drops env values, ConfigMap data and annotation values netdoctor does not need, and says where", () => {
    const doc = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "ns", annotations: { "example.com/owner": "team-a", "meta.helm.sh/release-name": "app" } },
      data: { "app.properties": "mode=fast", "upstream.yaml": "url: http://x" },
    };
    const { value, redactions } = redactDocument(doc, "cluster/ns/configmaps/cfg.yaml");
    expect(value.data).toEqual({ "app.properties": "REDACTED", "upstream.yaml": "REDACTED" });
    expect(value.metadata.annotations).toEqual({ "example.com/owner": "REDACTED", "meta.helm.sh/release-name": "app" });
    expect(redactions.map((r) => [r.path, r.rule])).toEqual([
      ["/metadata/annotations/example.com~1owner", "annotation-value"],
      ["/data/app.properties", "configmap-data"],
      ["/data/upstream.yaml", "configmap-data"],
    ]);
  });

  it("keeps the env values netdoctor reads (klipper-lb's DEST_*)", () => {
    const pod = { spec: { containers: [{ name: "lb-tcp-80", env: [{ name: "DEST_PORT", value: "80" }, { name: "DEST_IPS", value: "10.43.0.10" }, { name: "MY_CFG", value: "x" }] }] } };
    const { value } = redactDocument(pod, "cluster/kube-system/pods/svclb.yaml");
    expect(value.spec.containers[0]!.env.map((e) => e.value)).toEqual(["80", "10.43.0.10", "REDACTED"]);
  });
});
