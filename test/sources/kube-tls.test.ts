import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeSource } from "../../src/sources/live/kube.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl in `dir`. */
function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=netdoctor-test-ca");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=admin/O=system:masters");
  ssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "1");
}

describe.runIf(hasOpenssl())("live kube source over TLS with client certificates", () => {
  const dir = mkdtempSync(join(tmpdir(), "nd-tls-"));
  let server: Server;
  let kubeconfig: string;
  const clients: string[] = [];
  let handshakes = 0;

  beforeAll(async () => {
    makeCerts(dir);
    const read = (f: string) => readFileSync(join(dir, f));
    server = createServer({ key: read("server.key"), cert: read("server.crt"), ca: read("ca.crt"), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      clients.push(String((req.socket as import("node:tls").TLSSocket).getPeerCertificate().subject.CN));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url === "/version" ? JSON.stringify({ gitVersion: "v1.31.5+k3s1" }) : JSON.stringify({ metadata: {}, items: [] }));
    });
    server.on("secureConnection", () => handshakes++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "clusters:",
        "- name: k3d-tls",
        "  cluster:",
        `    server: https://127.0.0.1:${port}`,
        `    certificate-authority-data: ${read("ca.crt").toString("base64")}`,
        "users:",
        "- name: admin@k3d-tls",
        "  user:",
        "    client-certificate: client.crt",
        "    client-key: client.key",
        "contexts:",
        "- name: k3d-tls",
        "  context: { cluster: k3d-tls, user: admin@k3d-tls }",
        "current-context: k3d-tls",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("verifies the server with the CA, presents the client certificate, and reuses one connection", async () => {
    const kube = createKubeSource({ kubeconfig });
    expect((await kube.version(new AbortController().signal)).gitVersion).toBe("v1.31.5+k3s1");
    await kube.list("services", new AbortController().signal);
    await kube.list("pods", new AbortController().signal);
    expect(clients).toEqual(["admin", "admin", "admin"]);
    expect(handshakes).toBe(1);
  });
});
