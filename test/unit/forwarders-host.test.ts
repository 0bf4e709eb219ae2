/**
 * Host-side recognisers added for the forwarder chain, container insight and
 * resolver sources: real command lines (odd spacing, IPv6, --address lists,
 * socat option variants), `docker top` answers, shell snippets from container
 * configuration, nsswitch.conf and resolv.conf.
 */
import { describe, expect, it } from "vitest";
import { parseForwarderCommand, upstreamOf } from "../../src/host/forwarders.js";
import { scriptCommands, topCommands } from "../../src/host/container-forwarders.js";
import { describeResolverOrder, isMdnsName, mdnsStopsLocal, parseNsswitchHosts, parseResolvConf } from "../../src/host/resolver.js";

describe("recognisers on the command lines of the host-side situations", () => {
  it.each([
    {
      name: "kubectl port-forward with an --address list and odd spacing",
      line: "kubectl   port-forward  --address=0.0.0.0,::   -n   dev  svc/console   3000:3000",
      want: { kind: "kubectl-port-forward", namespace: "dev", target: { type: "service", name: "console" }, addresses: ["0.0.0.0", "::"], ports: [{ local: 3000, remote: 3000 }] },
      upstream: "dev/svc/console:3000",
      port: 3000,
    },
    {
      name: "kubectl port-forward with --address given twice (string slice) and an IPv6 loopback",
      line: "/usr/local/bin/kubectl port-forward --address 127.0.0.1 --address ::1 pod/console-7d4b9f6c8-w2xkq 8080:http",
      want: { kind: "kubectl-port-forward", namespace: null, target: { type: "pod", name: "console-7d4b9f6c8-w2xkq" }, addresses: ["127.0.0.1", "::1"], ports: [{ local: 8080, remote: "http" }] },
      upstream: "-/pod/console-7d4b9f6c8-w2xkq:http",
      port: 8080,
    },
    {
      name: "socat on the libvirt bridge address relaying to the loopback port-forward",
      line: "socat TCP-LISTEN:6385,bind=192.168.122.1,reuseaddr,fork TCP:localhost:6385",
      want: { kind: "socat", listen: { port: 6385, bind: "192.168.122.1", family: null }, upstream: { host: "localhost", port: 6385 } },
      upstream: "localhost:6385",
      port: 6385,
    },
    {
      name: "socat with verbose flags, TCP4 keywords and a connect-timeout option (agent tunnel)",
      line: "socat -d -d TCP4-LISTEN:8085,fork,reuseaddr TCP4:10.42.0.17:8080,connect-timeout=5",
      want: { kind: "socat", listen: { port: 8085, family: 4 }, upstream: { host: "10.42.0.17", port: 8080, family: 4 } },
      upstream: "10.42.0.17:8080",
      port: 8085,
    },
    {
      name: "socat with pf=ip6 and a bracketed bind",
      line: "socat TCP-LISTEN:9443,pf=ip6,bind=[::],fork TCP:[fd00:10:244::5]:8443",
      want: { kind: "socat", listen: { port: 9443, bind: "::", family: 6 }, upstream: { host: "fd00:10:244::5", port: 8443 } },
      upstream: "[fd00:10:244::5]:8443",
      port: 9443,
    },
    {
      name: "the macOS self-loop: socat on every address relaying to localhost on the same port",
      line: "socat TCP-LISTEN:6385,fork,reuseaddr TCP:localhost:6385",
      want: { kind: "socat", listen: { port: 6385, bind: null }, upstream: { host: "localhost", port: 6385 } },
      upstream: "localhost:6385",
      port: 6385,
    },
    {
      name: "a bare nc -lk placeholder",
      line: "nc -lk 8090",
      want: { kind: "nc", port: 8090, bind: null, upstream: null },
      upstream: null,
      port: 8090,
    },
  ])("$name", ({ line, want, upstream, port }) => {
    const cmd = parseForwarderCommand(line);
    expect(cmd).toMatchObject(want);
    expect(upstreamOf(cmd, port)).toBe(upstream);
  });
});

describe("topCommands", () => {
  it("reads PID and CMD by title from a ps -ef answer", () => {
    const top = {
      Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
      Processes: [
        ["root", "48211", "48190", "0", "15:20", "?", "00:00:00", "/bin/sh -c echo Container started"],
        ["1000", "48690", "48211", "0", "15:21", "?", "00:00:02", "kubectl port-forward --address=0.0.0.0 svc/console 3000:3000"],
      ],
    };
    expect(topCommands(top)).toEqual([
      { pid: 48211, command: "/bin/sh -c echo Container started" },
      { pid: 48690, command: "kubectl port-forward --address=0.0.0.0 svc/console 3000:3000" },
    ]);
  });

  it("reads the COMMAND column of a ps aux answer", () => {
    const top = { Titles: ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"], Processes: [["root", "7", "0.0", "0.1", "1", "2", "?", "S", "10:00", "0:00", "socat TCP-LISTEN:3000,fork TCP:172.18.0.2:30080"]] };
    expect(topCommands(top)).toEqual([{ pid: 7, command: "socat TCP-LISTEN:3000,fork TCP:172.18.0.2:30080" }]);
  });
});

describe("scriptCommands", () => {
  it.each([
    {
      name: "a devcontainer postStartCommand run in the background with redirections",
      snippets: ["nohup kubectl port-forward --address=0.0.0.0 svc/console 3000:3000 > /tmp/port-forward.log 2>&1 &"],
      want: ["kubectl port-forward --address=0.0.0.0 svc/console 3000:3000"],
    },
    {
      name: "an sh -c script that starts socat and then sleeps",
      snippets: ["socat TCP-LISTEN:3000,fork TCP:172.18.0.2:30080 & sleep infinity"],
      want: ["socat TCP-LISTEN:3000,fork TCP:172.18.0.2:30080"],
    },
    { name: "the devcontainers entrypoint script names no forwarder", snippets: ['echo Container started\ntrap "exit 0" 15\n\nexec "$@"\nwhile sleep 1 & wait $!; do :; done'], want: [] },
    { name: "kubectl subcommands other than port-forward are ignored", snippets: ["kubectl get pods -A && kubectl proxy --port=8001"], want: [] },
  ])("$name", ({ snippets, want }) => {
    expect(scriptCommands(snippets)).toEqual(want);
  });

  it("leaves a command that parses back into the same forwarder", () => {
    const [line] = scriptCommands(["nohup kubectl port-forward --address=0.0.0.0 svc/console 3000:3000 > /tmp/pf.log 2>&1 &"]);
    expect(parseForwarderCommand(line)).toMatchObject({ kind: "kubectl-port-forward", target: { type: "service", name: "console" }, ports: [{ local: 3000, remote: 3000 }], addresses: ["0.0.0.0"] });
  });
});

describe("resolver sources", () => {
  it.each([
    { name: "Ubuntu with nss-mdns", text: "passwd: files systemd\nhosts:          files mdns4_minimal [NOTFOUND=return] dns\n", want: ["files", "mdns4_minimal", "[NOTFOUND=return]", "dns"], stops: true },
    { name: "Fedora with myhostname and resolve", text: "hosts: files myhostname resolve [!UNAVAIL=return] dns # comment", want: ["files", "myhostname", "resolve", "[!UNAVAIL=return]", "dns"], stops: false },
    { name: "Debian without mdns", text: "hosts:          files dns\n", want: ["files", "dns"], stops: false },
    { name: "no hosts line", text: "# empty\npasswd: files\n", want: [], stops: false },
    { name: "mdns after dns does not stop it", text: "hosts: files dns mdns4_minimal [NOTFOUND=return]", want: ["files", "dns", "mdns4_minimal", "[NOTFOUND=return]"], stops: false },
  ])("reads the nsswitch hosts order: $name", ({ text, want, stops }) => {
    const order = parseNsswitchHosts(text);
    expect(order).toEqual(want);
    expect(mdnsStopsLocal(order)).toBe(stops);
  });

  it("reads nameservers (IPv4 and IPv6) and the last search line of resolv.conf", () => {
    const text = "# Generated by NetworkManager\ndomain home\nsearch fritz.box corp.example ; trailing\nnameserver 192.168.178.1\nnameserver fd00::3681:c4ff:fe21:9a01\noptions edns0\n";
    expect(parseResolvConf(text)).toEqual({ nameservers: ["192.168.178.1", "fd00::3681:c4ff:fe21:9a01"], searchDomains: ["fritz.box", "corp.example"] });
  });

  it("names the sources in order, marking the systemd-resolved stub", () => {
    expect(describeResolverOrder({ hostsPath: "/etc/hosts", nsswitchHosts: ["files", "mdns4_minimal", "[NOTFOUND=return]", "dns"], nameservers: ["127.0.0.53"] })).toBe(
      "/etc/hosts, then mdns4_minimal [NOTFOUND=return], then DNS 127.0.0.53 (systemd-resolved stub)",
    );
    expect(describeResolverOrder({ hostsPath: "/etc/hosts", nsswitchHosts: [], nameservers: [] })).toBe("/etc/hosts, then DNS (no nameserver in resolv.conf)");
  });

  it.each([
    ["name-staging.local", true],
    ["name-staging.local.", true],
    ["console.platform.test", false],
    ["openchoreo.localhost", false],
  ])("tells whether %s is in the mDNS domain", (name, want) => {
    expect(isMdnsName(name)).toBe(want);
  });
});
