import { describe, expect, it } from "vitest";
import { isSensitiveName, redactDocument, redactText, redactTextFile, REDACTED } from "../../src/bundle/redact.js";

const JWT =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6InRodW5kZXIifQ.eyJpc3MiOiJodHRwOi8vdGh1bmRlci5vcGVuY2hvcmVvLmxvY2FsaG9zdDo4MDgwIn0.c2lnbmF0dXJlLWJ5dGVz";
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecretbody\nmorebody==\n-----END RSA PRIVATE KEY-----";

describe("names that look like credentials", () => {
  it.each([
    ["DB_PASSWORD", true],
    ["POSTGRES_PASSWORD", true],
    ["dbpassword", true],
    ["GITHUB_TOKEN", true],
    ["K3S_TOKEN", true],
    ["token", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["client_secret", true],
    ["API_KEY", true],
    ["STRIPE_KEY", true],
    ["apiKey", true],
    ["privateKey", true],
    ["access-key", true],
    ["client-key-data", true],
    ["GOOGLE_APPLICATION_CREDENTIALS", true],
    ["registryCredential", true],
    ["PASSWD", true],
  ])("%s is sensitive", (name, want) => {
    expect(isSensitiveName(name)).toBe(want);
  });

  it.each([
    ["secretKeyRef", "a reference to a Secret key, not a value"],
    ["configMapKeyRef", "a reference"],
    ["secretName", "names a Secret"],
    ["SECRET_NAME", "names a Secret"],
    ["tokenFile", "a path to a token"],
    ["PASSWORD_FILE", "a path to a password"],
    ["privateKeySecretRef", "a reference"],
    ["KEY_ID", "an identifier"],
    ["key", "secretKeyRef.key / matchExpressions[].key name a key"],
    ["publicKey", "public by definition"],
    ["SSH_PUBLIC_KEY", "public by definition"],
    ["SandboxKey", "Docker's netns path"],
    ["hostKey", "a lookup key"],
    ["cacheKey", "a lookup key"],
    ["MONKEY", "KEY only as a word"],
    ["keyboard", "KEY only as a word"],
    ["LOG_LEVEL", "nothing sensitive"],
    ["SERVER_PORT", "nothing sensitive"],
  ])("%s is not sensitive (%s)", (name) => {
    expect(isSensitiveName(name)).toBe(false);
  });
});

describe("text rules", () => {
  it.each([
    ["bearer-token", `curl -H "X: Bearer abcdefgh12345678"`, "abcdefgh12345678"],
    ["auth-header", "Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"],
    ["auth-header", `{"cookie":"session=s3cr3tvalue"}`, "s3cr3tvalue"],
    ["auth-header", "set-cookie: id=abcdef; Path=/", "id=abcdef"],
    ["jwt", `assertion=${JWT}`, JWT],
    ["private-key", `key:\n${PEM}\nafter`, "secretbody"],
    ["private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (truncated)", "b3BlbnNzaC1rZXktdjEAAAAA"],
    ["connection-string-password", "url=postgres://app:hunter22@db:5432/app", "hunter22"],
    ["connection-string-password", "redis://:onlypass@cache:6379/0", "onlypass"],
    ["kubeconfig-credential", "users:\n- name: me\n  user:\n    token: kc-token-123", "kc-token-123"],
    ["kubeconfig-credential", "    client-key-data: LS0tLS1CRUdJTi", "LS0tLS1CRUdJTi"],
    ["sensitive-name", "run --token=abc123 --verbose", "abc123"],
    ["sensitive-name", "run --db-password hunter22", "hunter22"],
    ["sensitive-name", "export API_TOKEN=tok-42", "tok-42"],
  ])("%s: %j loses its value", (rule, input, secret) => {
    const r = redactText(input);
    expect(r.text).not.toContain(secret);
    expect(r.text).toContain(REDACTED);
    expect(r.rules).toContain(rule);
  });

  it("keeps the user of a connection string and the host", () => {
    expect(redactText("postgres://app:pw1@db.example:5432/app").text).toBe("postgres://app:REDACTED@db.example:5432/app");
  });

  it.each([
    ["a URL without a password", "http://api.openchoreo.localhost:8080/path"],
    ["a user without a password", "ssh://git@github.com/org/repo"],
    ["a public key", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"],
    ["a certificate", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ\n-----END CERTIFICATE-----"],
    ["a reference flag", "--secret-name=my-secret --token-file=/var/run/token"],
    ["a flag followed by another flag", "--token --verbose"],
    ["a harmless env assignment", "LOG_LEVEL=debug SERVER_PORT=8080"],
    ["base64 that is not a JWT", "eyJhbGciOiJ9"],
    ["an already redacted value", "Authorization: REDACTED"],
  ])("leaves %s alone", (_what, input) => {
    const r = redactText(input);
    expect(r.text).toBe(input);
    expect(r.rules).toEqual([]);
  });
});

describe("document redaction", () => {
  it("redacts env values by the variable's name and records a JSON pointer, never the value", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "api", namespace: "ns" },
      spec: {
        containers: [
          {
            name: "api",
            args: ["--config=/etc/app.yaml", "--token", "argtok99", "--api-key=ak-1"],
            env: [
              { name: "LOG_LEVEL", value: "info" },
              { name: "DB_PASSWORD", value: "pw-1" },
              { name: "DATABASE_URL", value: "mysql://u:pw-2@db/app" },
              { name: "TOKEN_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "token" } } },
            ],
          },
        ],
      },
    };
    const { value, redactions } = redactDocument(pod, "cluster/ns/pods/api.yaml");
    const c = value.spec.containers[0]!;
    // Deny by default: netdoctor does not need LOG_LEVEL, so its value is not kept either.
    expect(c.env[0]!.value).toBe(REDACTED);
    expect(c.env[1]!.value).toBe(REDACTED);
    expect(c.env[2]!.value).toBe("mysql://u:REDACTED@db/app");
    expect(c.env[3]!.valueFrom).toEqual({ secretKeyRef: { name: "s", key: "token" } });
    expect(c.args).toEqual(["--config=/etc/app.yaml", "--token", REDACTED, "--api-key=REDACTED"]);
    expect(redactions).toEqual([
      { file: "cluster/ns/pods/api.yaml", path: "/spec/containers/0/args/2", rule: "sensitive-name" },
      { file: "cluster/ns/pods/api.yaml", path: "/spec/containers/0/args/3", rule: "sensitive-name" },
      { file: "cluster/ns/pods/api.yaml", path: "/spec/containers/0/env/0/value", rule: "env-value" },
      { file: "cluster/ns/pods/api.yaml", path: "/spec/containers/0/env/1/value", rule: "sensitive-name" },
      { file: "cluster/ns/pods/api.yaml", path: "/spec/containers/0/env/2/value", rule: "connection-string-password" },
    ]);
    expect(JSON.stringify(redactions)).not.toMatch(/pw-1|pw-2|argtok99|ak-1/);
    expect(pod.spec.containers[0]!.env[1]!.value).toBe("pw-1");
  });

  it("keeps Secret keys and drops their values", () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { password: "cHc=" }, stringData: { url: "x" } };
    const { value, redactions } = redactDocument(secret, "f");
    expect(value).toMatchObject({ data: { password: REDACTED }, stringData: { url: REDACTED } });
    expect(redactions.map((r) => [r.path, r.rule])).toEqual([
      ["/data/password", "secret-data"],
      ["/stringData/url", "secret-data"],
    ]);
  });

  it("redacts kubeconfig credentials and header maps by key", () => {
    const doc = {
      users: [{ name: "u", user: { token: "t1", "client-key-data": "k1", "client-certificate-data": "c1", username: "admin", password: "p1" } }],
      headers: { Authorization: "Basic eA==", Cookie: "a=b", "Content-Type": "text/plain" },
      httpHeaders: [{ name: "Authorization", value: "Bearer zz" }],
    };
    const { value, redactions } = redactDocument(doc, "f");
    expect(value.users[0]!.user).toEqual({ token: REDACTED, "client-key-data": REDACTED, "client-certificate-data": REDACTED, username: "admin", password: REDACTED });
    expect(value.headers).toEqual({ Authorization: REDACTED, Cookie: REDACTED, "Content-Type": "text/plain" });
    expect(value.httpHeaders[0]!.value).toBe(REDACTED);
    expect(new Set(redactions.map((r) => r.rule))).toEqual(new Set(["kubeconfig-credential", "auth-header"]));
  });

  it("redacts inside the last-applied-configuration annotation and keeps it JSON", () => {
    const applied = JSON.stringify({ spec: { containers: [{ env: [{ name: "API_TOKEN", value: "tok-7" }] }] } });
    const { value, redactions } = redactDocument({ metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": applied } } }, "f");
    const out = value.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"];
    expect(JSON.parse(out)).toEqual({ spec: { containers: [{ env: [{ name: "API_TOKEN", value: REDACTED }] }] } });
    expect(redactions).toEqual([{ file: "f", path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration/spec/containers/0/env/0/value", rule: "sensitive-name" }]);
  });

  it("keeps a boolean switch named like a credential", () => {
    const env = [{ name: "AUTH_PASS_CREDENTIALS", value: "false" }];
    expect(redactDocument(env, "f")).toEqual({ value: env, redactions: [] });
  });

  it("redacts Docker env lists by default but keeps what netdoctor reads, and leaves numbers, booleans and harmless fields", () => {
    const c = { Config: { Env: ["K3S_TOKEN=abc", "PATH=/usr/bin", "SERVERS=k3d-dev-server-0", "PORTS=6443,80"], Labels: { "k3d.role": "server" } }, NetworkSettings: { SandboxKey: "/var/run/docker/netns/1" }, automountServiceAccountToken: true, port: 8080 };
    const { value, redactions } = redactDocument(c, "docker/containers.json");
    expect(value.Config.Env).toEqual(["K3S_TOKEN=REDACTED", "PATH=REDACTED", "SERVERS=k3d-dev-server-0", "PORTS=6443,80"]);
    expect(value.NetworkSettings.SandboxKey).toBe("/var/run/docker/netns/1");
    expect(value.automountServiceAccountToken).toBe(true);
    expect(redactions).toEqual([
      { file: "docker/containers.json", path: "/Config/Env/0", rule: "sensitive-name" },
      { file: "docker/containers.json", path: "/Config/Env/1", rule: "env-value" },
    ]);
  });
});

describe("text files", () => {
  it("records each redaction at its line in the written file, a PEM block once", () => {
    const log = `start\n${PEM}\nGET / Authorization: Bearer abcdefgh12345678\ndone\n`;
    const { text, redactions } = redactTextFile(log, "logs/ns/p/c.log");
    expect(text).toBe("start\nREDACTED\nGET / Authorization: REDACTED\ndone\n");
    expect(redactions).toEqual([
      { file: "logs/ns/p/c.log", path: "/line/2", rule: "private-key" },
      { file: "logs/ns/p/c.log", path: "/line/3", rule: "auth-header" },
    ]);
  });
});
