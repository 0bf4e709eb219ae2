import { describe, expect, it } from "vitest";
import {
  goDurationMs,
  kubectlPairFor,
  parseForwarderCommand,
  parsePortPair,
  parseSshForward,
  splitCommandLine,
  upstreamOf,
  type ForwarderCommand,
} from "../../src/host/forwarders.js";
import { bindCovers, formatHostPort, isLoopback, normalizeAddress, parseHostPort } from "../../src/host/addresses.js";

describe("splitCommandLine", () => {
  it.each([
    ["collapses odd spacing", "kubectl   port-forward\t -n  ns  svc/x   8080:80 ", ["kubectl", "port-forward", "-n", "ns", "svc/x", "8080:80"]],
    ["keeps quoted arguments together", `ncat -l 8080 --sh-exec "ncat 10.0.0.5 80"`, ["ncat", "-l", "8080", "--sh-exec", "ncat 10.0.0.5 80"]],
    ["keeps single-quoted arguments verbatim", `nc -l -p 8080 -c 'nc "h" 80'`, ["nc", "-l", "-p", "8080", "-c", `nc "h" 80`]],
    ["returns nothing for an empty line", "   ", []],
  ])("%s", (_name, line, expected) => {
    expect(splitCommandLine(line)).toEqual(expected);
  });
});

describe("kubectl port-forward", () => {
  const cases: { name: string; line: string; expected: Partial<Extract<ForwarderCommand, { kind: "kubectl-port-forward" }>> }[] = [
    {
      name: "reads the metal3 Service forward from the reference listener",
      line: "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6185",
      expected: { namespace: "metal3-system", target: { type: "service", name: "metal3-metal3-ironic" }, ports: [{ local: 6385, remote: 6185 }], addresses: ["localhost"] },
    },
    {
      name: "takes a bare name as a pod and a single port as local=remote",
      line: "/usr/local/bin/kubectl port-forward openchoreo-api-7c9d8b6f5-x2x9z 8080",
      expected: { namespace: null, target: { type: "pod", name: "openchoreo-api-7c9d8b6f5-x2x9z" }, ports: [{ local: 8080, remote: 8080 }] },
    },
    {
      name: "splits --address=0.0.0.0,localhost and reads --namespace=",
      line: "kubectl port-forward --address=0.0.0.0,localhost --namespace=openchoreo-control-plane deploy/gateway-default 8080:8080 :9090",
      expected: {
        namespace: "openchoreo-control-plane",
        target: { type: "deployment", name: "gateway-default" },
        ports: [{ local: 8080, remote: 8080 }, { local: null, remote: 9090 }],
        addresses: ["0.0.0.0", "localhost"],
      },
    },
    {
      name: "reads --address given as a separate argument and global flags before the verb",
      line: "kubectl --context k3d-openchoreo -v=6 port-forward --address 0.0.0.0 service/backstage 7007:http -nopenchoreo-control-plane",
      expected: {
        context: "k3d-openchoreo",
        namespace: "openchoreo-control-plane",
        target: { type: "service", name: "backstage" },
        ports: [{ local: 7007, remote: "http" }],
        addresses: ["0.0.0.0"],
      },
    },
    {
      name: "accepts the group-qualified type deployment.apps/NAME",
      line: "kubectl port-forward deployment.apps/web 3000:80 --pod-running-timeout 2m",
      expected: { target: { type: "deployment", name: "web" }, ports: [{ local: 3000, remote: 80 }] },
    },
  ];
  it.each(cases)("$name", ({ line, expected }) => {
    const cmd = parseForwarderCommand(line, "kubectl");
    expect(cmd.kind).toBe("kubectl-port-forward");
    expect(cmd).toMatchObject(expected);
  });

  it("names kubectl subcommands that are not port-forward instead of guessing", () => {
    expect(parseForwarderCommand("kubectl proxy --port 8001", "kubectl")).toEqual({ kind: "unknown", program: "kubectl proxy" });
  });

  it("picks the pair serving a local port, or the only random-port pair", () => {
    const cmd = parseForwarderCommand("kubectl port-forward pod/p 8080:80 :9090");
    if (cmd.kind !== "kubectl-port-forward") throw new Error(cmd.kind);
    expect(kubectlPairFor(cmd, 8080)).toEqual({ local: 8080, remote: 80 });
    expect(kubectlPairFor(cmd, 41234)).toEqual({ local: null, remote: 9090 });
    expect(upstreamOf(cmd, 8080)).toBe("-/pod/p:80");
  });

  it.each([
    ["8080:80", { local: 8080, remote: 80 }],
    [":80", { local: null, remote: 80 }],
    ["0:80", { local: null, remote: 80 }],
    ["5000", { local: 5000, remote: 5000 }],
    ["8080:http-port", { local: 8080, remote: "http-port" }],
    ["99999:80", null],
    ["a:b:c", null],
  ])("parses the port spec %s", (spec, expected) => {
    expect(parsePortPair(spec)).toEqual(expected);
  });
});

describe("socat", () => {
  it.each([
    {
      name: "reads the reference relay TCP-LISTEN:6385,reuseaddr,fork TCP:localhost:6185",
      line: "socat TCP-LISTEN:6385,reuseaddr,fork TCP:localhost:6185",
      listen: { port: 6385, bind: null, family: null, options: ["reuseaddr", "fork"] },
      upstream: { host: "localhost", port: 6185, family: null },
    },
    {
      name: "reads bind= on a TCP4 listener with options in another order",
      line: "/usr/bin/socat -d -d TCP4-LISTEN:8080,fork,reuseaddr,bind=127.0.0.1 TCP4:172.19.0.2:30080",
      listen: { port: 8080, bind: "127.0.0.1", family: 4, options: ["fork", "reuseaddr", "bind=127.0.0.1"] },
      upstream: { host: "172.19.0.2", port: 30080, family: 4 },
    },
    {
      name: "reads an IPv6 listener and a bracketed IPv6 upstream",
      line: "socat TCP6-LISTEN:8443,fork,bind=[::1] TCP6:[fd00::2]:443",
      listen: { port: 8443, bind: "::1", family: 6 },
      upstream: { host: "fd00::2", port: 443, family: 6 },
    },
    {
      name: "accepts lower-case keywords, the TCP-L abbreviation and connect options",
      line: "socat -lf /tmp/socat.log tcp-l:9000,fork tcp-connect:k3d-openchoreo-server-0:9000,connect-timeout=5",
      listen: { port: 9000, bind: null, family: null },
      upstream: { host: "k3d-openchoreo-server-0", port: 9000, family: null },
    },
    {
      name: "finds the listener when it is the second address",
      line: "socat TCP:127.0.0.1:6185 TCP-LISTEN:6385,fork",
      listen: { port: 6385 },
      upstream: { host: "127.0.0.1", port: 6185 },
    },
  ])("$name", ({ line, listen, upstream }) => {
    const cmd = parseForwarderCommand(line);
    expect(cmd.kind).toBe("socat");
    expect(cmd).toMatchObject({ listen, upstream });
  });

  it("keeps a non-TCP upstream as written and reports no TCP upstream", () => {
    const cmd = parseForwarderCommand("socat TCP-LISTEN:2375,fork,reuseaddr UNIX-CONNECT:/var/run/docker.sock");
    expect(cmd).toMatchObject({ kind: "socat", upstream: null, upstreamSpec: "UNIX-CONNECT:/var/run/docker.sock" });
    expect(upstreamOf(cmd, 2375)).toBeNull();
  });

  it("formats the upstream for the forwarder fact", () => {
    expect(upstreamOf(parseForwarderCommand("socat TCP6-LISTEN:8443 TCP6:[fd00::2]:443"), 8443)).toBe("[fd00::2]:443");
  });
});

describe("ssh -L", () => {
  it.each([
    ["port:host:hostport", "8080:localhost:80", { bind: null, port: 8080, host: "localhost", hostPort: 80 }],
    ["bind:port:host:hostport", "0.0.0.0:8080:10.0.0.5:80", { bind: "0.0.0.0", port: 8080, host: "10.0.0.5", hostPort: 80 }],
    ["an IPv6 bind address", "[::1]:8080:127.0.0.1:8080", { bind: "::1", port: 8080, host: "127.0.0.1", hostPort: 8080 }],
    ["a * bind address", "*:6443:k3d-openchoreo-server-0:6443", { bind: "0.0.0.0", port: 6443, host: "k3d-openchoreo-server-0", hostPort: 6443 }],
    ["a unix-socket forward (ignored)", "/tmp/docker.sock:/var/run/docker.sock", null],
  ])("parses %s", (_name, spec, expected) => {
    expect(parseSshForward(spec)).toEqual(expected);
  });

  it("reads attached and separate -L values, combined flags and the destination", () => {
    const cmd = parseForwarderCommand("ssh -fNL 8080:localhost:80 -L9090:127.0.0.1:9090 -p 60022 -o StrictHostKeyChecking=no user@127.0.0.1");
    expect(cmd).toMatchObject({
      kind: "ssh",
      destination: "user@127.0.0.1",
      sshPort: 60022,
      forwards: [
        { bind: null, port: 8080, host: "localhost", hostPort: 80 },
        { bind: null, port: 9090, host: "127.0.0.1", hostPort: 9090 },
      ],
    });
    expect(upstreamOf(cmd, 9090)).toBe("127.0.0.1:9090");
    expect(upstreamOf(cmd, 1234)).toBeNull();
  });
});

describe("nc -l", () => {
  it.each([
    ["a bare OpenBSD listener", "nc -lk 8080", { port: 8080, bind: null, upstream: null }],
    ["an OpenBSD listener on an address", "nc -l 127.0.0.1 8080", { port: 8080, bind: "127.0.0.1", upstream: null }],
    ["a traditional relay with -c", "nc.traditional -l -p 8080 -c 'nc 172.19.0.2 30080'", { port: 8080, upstream: { host: "172.19.0.2", port: 30080 } }],
    ["an ncat relay with --sh-exec", `ncat -l 8080 --keep-open --sh-exec "ncat localhost 6185"`, { port: 8080, upstream: { host: "localhost", port: 6185 } }],
  ])("reads %s", (_name, line, expected) => {
    const cmd = parseForwarderCommand(line);
    expect(cmd.kind).toBe("nc");
    expect(cmd).toMatchObject(expected);
  });

  it("does not take a connecting nc for a listener", () => {
    expect(parseForwarderCommand("nc 127.0.0.1 8080")).toEqual({ kind: "unknown", program: "nc" });
  });
});

describe("docker-proxy", () => {
  it("reads the reference docker-proxy line", () => {
    expect(parseForwarderCommand("/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.19.0.3 -container-port 8080")).toEqual({
      kind: "docker-proxy",
      proto: "tcp",
      hostIp: "0.0.0.0",
      hostPort: 8080,
      containerIp: "172.19.0.3",
      containerPort: 8080,
    });
  });

  it("reads the IPv6 form with = values and the listen-fd flag of newer engines", () => {
    const cmd = parseForwarderCommand("/usr/libexec/docker/docker-proxy -proto tcp -host-ip=:: -host-port=8080 -container-ip=172.19.0.3 -container-port=8080 -use-listen-fd");
    expect(cmd).toMatchObject({ kind: "docker-proxy", hostIp: "::", hostPort: 8080, containerIp: "172.19.0.3", containerPort: 8080 });
    expect(upstreamOf(cmd, 8080)).toBe("172.19.0.3:8080");
  });
});

describe("Rancher Desktop's Port Forwarding", () => {
  it.each([
    ["the macOS app (a path with spaces, quotes lost)", "/Applications/Rancher Desktop.app/Contents/MacOS/Rancher Desktop", null, "darwin"],
    ["the Linux package in /opt/rancher-desktop", "/opt/rancher-desktop/rancher-desktop", null, "linux"],
    ["the Windows app", "C:\\Users\\dev\\AppData\\Local\\Programs\\Rancher Desktop\\Rancher Desktop.exe", null, "win32"],
    ["the process name when the command line is not readable", "", "Rancher Desktop", null],
  ])("recognises %s as the app's main process", (_name, line, proc, os) => {
    expect(parseForwarderCommand(line, proc)).toEqual({ kind: "rancher-desktop-port-forward", hostOs: os });
  });

  it.each([
    ["an Electron helper", "/Applications/Rancher Desktop.app/Contents/Frameworks/Rancher Desktop Helper.app/Contents/MacOS/Rancher Desktop Helper --type=utility --utility-sub-type=network.mojom.NetworkService"],
    ["Rancher Desktop's Lima host agent", "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl hostagent --pidfile /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.pid 0"],
    ["the guest agent", "/usr/local/bin/rancher-desktop-guestagent -kubernetes"],
  ])("does not take %s for it", (_name, line) => {
    expect(parseForwarderCommand(line).kind).not.toBe("rancher-desktop-port-forward");
  });

  it("names no upstream: the Service is not on the command line", () => {
    expect(upstreamOf(parseForwarderCommand("/opt/rancher-desktop/rancher-desktop"), 8080)).toBeNull();
  });
});

describe("unknown processes", () => {
  it.each([
    ["python3 -m http.server 8080", undefined, "python3"],
    ["/opt/homebrew/bin/node server.js", undefined, "node"],
    ["", "com.docker.backend", "com.docker.backend"],
    [null, "vpnkit-bridge", "vpnkit-bridge"],
    ["nginx: master process nginx -g daemon off;", "nginx", "nginx:"],
  ])("names %j (process %j) as %j without guessing", (line, proc, program) => {
    expect(parseForwarderCommand(line, proc)).toEqual({ kind: "unknown", program });
  });
});

describe("address helpers", () => {
  it.each([
    ["0.0.0.0", "127.0.0.1", true],
    ["::", "127.0.0.1", true],
    ["127.0.0.1", "127.0.0.1", true],
    ["[::1]", "::1", true],
    ["127.0.0.1", "192.168.1.20", false],
    ["::1", "127.0.0.1", false],
    ["::ffff:127.0.0.1", "127.0.0.1", true],
  ])("a bind on %s covers %s: %s", (bind, target, expected) => {
    expect(bindCovers(bind, target)).toBe(expected);
  });

  it("formats and parses IPv6 host:port with brackets", () => {
    expect(formatHostPort("::1", 8080)).toBe("[::1]:8080");
    expect(parseHostPort("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(parseHostPort("localhost:0")).toBeNull();
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
  });

  it("treats localhost names and 127.0.0.0/8 as loopback, and nothing else", () => {
    expect(["localhost", "api.openchoreo.localhost", "127.0.0.53", "::1"].every(isLoopback)).toBe(true);
    expect(["localhost.example.com", "192.168.5.2", "::"].some(isLoopback)).toBe(false);
  });
});

describe("kubectl --pod-running-timeout", () => {
  it.each([
    ["1s", 1000],
    ["1m0s", 60_000],
    ["1.5s", 1500],
    ["500ms", 500],
    ["2h3m", 7_380_000],
    ["0", 0],
    ["soon", null],
    ["5", null],
  ])("reads the Go duration %s as %s ms", (text, ms) => {
    expect(goDurationMs(text)).toBe(ms);
  });

  it("reads a DaemonSet target in kubectl's short and long forms", () => {
    for (const ref of ["ds/node-exporter", "daemonset/node-exporter", "daemonsets.apps/node-exporter"]) {
      expect(parseForwarderCommand(`kubectl -n monitoring port-forward ${ref} 9100`, "kubectl")).toMatchObject({ kind: "kubectl-port-forward", namespace: "monitoring", target: { type: "daemonset", name: "node-exporter" }, ports: [{ local: 9100, remote: 9100 }] });
    }
    expect(upstreamOf(parseForwarderCommand("kubectl -n monitoring port-forward daemonset/node-exporter 9100", "kubectl"), 9100)).toBe("monitoring/ds/node-exporter:9100");
  });

  it("defaults to kubectl's one minute and reads the flag in either form", () => {
    const pf = (line: string) => parseForwarderCommand(line, "kubectl") as Extract<ForwarderCommand, { kind: "kubectl-port-forward" }>;
    expect(pf("kubectl port-forward deploy/web 8080:80").podRunningTimeoutMs).toBe(60_000);
    expect(pf("kubectl --context kind-kind port-forward --pod-running-timeout 1s pod/x 8888:10080").podRunningTimeoutMs).toBe(1000);
    expect(pf("kubectl port-forward --pod-running-timeout=2m deploy/web 8080:80").podRunningTimeoutMs).toBe(120_000);
  });
});
