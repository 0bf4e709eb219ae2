/**
 * Command-line arguments are denied by default in bundles (issue 14 §4):
 * what netdoctor's parsers read stays, and the parse of a redacted command
 * line is the parse of the original.
 */
import { describe, expect, it } from "vitest";
import { redactArgv, redactScript } from "../../src/bundle/arguments.js";
import { parseForwarderCommand } from "../../src/host/forwarders.js";
import { disablesTraefik } from "../../src/host/k3s.js";
import { scriptCommands } from "../../src/host/container-forwarders.js";
import { parseVmForwarder } from "../../src/host/vm-forwarders.js";

describe("command lines netdoctor parses", () => {
  it.each([
    "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6185",
    "kubectl port-forward --address 0.0.0.0 --namespace openchoreo-control-plane svc/openchoreo-api 8080:8080",
    "kubectl --context k3d-dev port-forward my-pod-7c9d 8080 :9090",
    "/usr/local/bin/kubectl port-forward --pod-running-timeout=1m0s deploy/web 18080:http",
    "socat TCP-LISTEN:8080,fork,reuseaddr,bind=127.0.0.1 TCP:172.19.0.2:31462",
    "socat -d -d TCP4-LISTEN:9443,reuseaddr,fork TCP:192.168.64.2:443",
    "socat -d -d TCP4-LISTEN:8085,fork,reuseaddr TCP4:10.42.0.17:8080,connect-timeout=5",
    "ssh -fN -L 8080:localhost:80 -p 2222 dev@192.168.64.5",
    "ssh -N -L 0.0.0.0:6443:127.0.0.1:6443 -i /home/dev/.ssh/id_ed25519 -o StrictHostKeyChecking=no ubuntu@lima-k3s",
    "nc -lk -p 8080 -c 'nc 10.43.12.7 80'",
    "ncat -l 127.0.0.1 9000 --sh-exec \"ncat svc.ns.svc.cluster.local 80\"",
    "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080 -use-listen-fd",
  ])("parses the same after redaction: %s", (line) => {
    const r = redactScript(line);
    expect(parseForwarderCommand(r.value)).toEqual(parseForwarderCommand(line));
  });

  it.each([
    "/opt/homebrew/bin/limactl hostagent --pidfile /Users/dev/.colima/_lima/colima/ha.pid --socket /Users/dev/.colima/_lima/colima/ha.sock --guestagent /opt/homebrew/share/lima/lima-guestagent.Linux-aarch64.gz colima",
    "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl hostagent --pidfile /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.pid --socket /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.sock 0",
    "/usr/local/bin/limactl hostagent --pidfile /Users/dev/.lima/k3s/ha.pid --socket /Users/dev/.lima/k3s/ha.sock k3s",
    "ssh: /Users/dev/.colima/_lima/colima/ssh.sock [mux]",
  ])("reads the same VM forwarder after redaction: %s", (line) => {
    const r = redactScript(line);
    expect(parseVmForwarder(r.value)).toEqual(parseVmForwarder(line));
    expect(parseVmForwarder(line)).not.toBeNull();
  });

  it("keeps what k3s and the ingress controllers are read for", () => {
    const k3s = ["server", "--disable=traefik", "--disable", "servicelb", "--no-deploy", "metrics-server", "--https-listen-port", "6443", "--token", "S1", "--tls-san", "0.0.0.0"];
    const r = redactArgv(k3s, "/bin/k3d-entrypoint.sh");
    expect(r.value).toEqual(["server", "--disable=traefik", "--disable", "servicelb", "--no-deploy", "metrics-server", "--https-listen-port", "6443", "--token", "REDACTED", "--tls-san", "0.0.0.0"]);
    expect(disablesTraefik(r.value)).toBe(true);
    const nginx = ["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller", "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--watch-ingress-without-class=true"];
    expect(redactArgv(nginx).value).toEqual(["/nginx-ingress-controller", "--publish-service=REDACTED", "--election-id=REDACTED", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--watch-ingress-without-class=true"]);
  });

  it("keeps the forwarders of a shell script, so the container's configured forwarders read the same", () => {
    const script = "kubectl port-forward --address 0.0.0.0 svc/api 8080:80 > /tmp/pf.log 2>&1 & API_TOKEN=S2 ./start --seed S3 && sleep infinity";
    const r = redactScript(script);
    expect(r.value).toBe("kubectl port-forward --address 0.0.0.0 svc/api 8080:80 > /tmp/pf.log 2>&1 & API_TOKEN=REDACTED ./start --seed REDACTED && sleep REDACTED");
    expect(scriptCommands([r.value])).toEqual(scriptCommands([script]));
    const argv = redactArgv(["/bin/sh", "-c", script]);
    expect(argv.value[2]).toBe(r.value);
  });
});

describe("arguments netdoctor has never heard of", () => {
  it.each([
    ["--my-flag=S", ["/app", "--my-flag=pl4nted-1"], ["/app", "--my-flag=REDACTED"]],
    ["--my-flag S", ["/app", "--my-flag", "pl4nted-2"], ["/app", "--my-flag", "REDACTED"]],
    ["-p S of an unknown program", ["/app", "-p", "pl4nted-3"], ["/app", "-p", "REDACTED"]],
    ["-pS of an unknown program", ["/app", "-ppl4nted-4"], ["/app", "-pREDACTED"]],
    ["a positional after an unknown flag", ["/app", "--verbose", "pl4nted-5", "serve"], ["/app", "--verbose", "REDACTED", "serve"]],
    ["a java system property", ["java", "-Djavax.net.ssl.keyStorePassword=pl4nted-6", "-jar", "/app.jar"], ["java", "-Djavax.net.ssl.keyStorePassword=REDACTED", "-jar", "/app.jar"]],
    ["a bare positional", ["/app", "pl4nted-7"], ["/app", "REDACTED"]],
    ["the ssh key and options", ["ssh", "-i", "pl4nted-8", "-o", "ProxyCommand=pl4nted-9", "host"], ["ssh", "-i", "REDACTED", "-o", "REDACTED", "host"]],
  ])("denies %s", (_what, argv, want) => {
    const r = redactArgv(argv);
    expect(r.value).toEqual(want);
    expect(r.deniedValues.length).toBeGreaterThan(0);
  });

  it("denies them in a one-string command line, keeping its quoting", () => {
    expect(redactScript(`/app --my-flag "two words" -p 'pl4nted' --ok=1`).value).toBe(`/app --my-flag "REDACTED" -p 'REDACTED' --ok=REDACTED`);
  });
});
