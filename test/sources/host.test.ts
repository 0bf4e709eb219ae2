import { createServer, type Server } from "node:net";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LabState } from "../../src/lab/contract.js";
import { createHostSource, decodeProcAddress, parseBootTime, parseHostsFile, parseLsof, parseProcNetTcp, parsePsLstartLine, processStartedAt } from "../../src/sources/live/host.js";

const signal = () => new AbortController().signal;

// Lines as a little-endian x86_64 kernel prints them.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2211 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 20 4 30 10 -1
   3: 0200007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4321 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123457 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 556 1 0000000000000000 100 0 0 10 0
   3: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 557 1 0000000000000000 100 0 0 10 0
`;

describe("/proc/net/tcp parsing", () => {
  it("keeps only LISTEN sockets and decodes little-endian IPv4 addresses and ports", () => {
    expect(parseProcNetTcp(TCP, true)).toEqual([
      { address: "127.0.0.1", port: 8080, inode: "123456" },
      { address: "0.0.0.0", port: 80, inode: "2211" },
      { address: "127.0.0.2", port: 6379, inode: "4321" },
    ]);
  });

  it("decodes IPv6 loopback, wildcard, v4-mapped and global addresses", () => {
    expect(parseProcNetTcp(TCP6, true)).toEqual([
      { address: "::1", port: 8080, inode: "123457" },
      { address: "::", port: 22, inode: "555" },
      { address: "127.0.0.1", port: 9000, inode: "556" },
      { address: "2001:db8::1", port: 80, inode: "557" },
    ]);
  });

  it("reads addresses in network order on a big-endian host", () => {
    expect(decodeProcAddress("7F000001", false)).toBe("127.0.0.1");
  });
});

describe("live host listeners", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it.runIf(process.platform === "linux")("finds the test's own listener with its pid and command line", async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const listeners = await createHostSource({ lab: null }).listeners(signal());
    const mine = listeners.find((l) => l.port === port);
    expect(mine).toMatchObject({ address: "127.0.0.1", port, pid: process.pid, process: expect.any(String) });
    expect(mine?.command).toContain(process.argv0.split("/").pop()!);
    // /proc/PID/stat starttime (10 ms ticks) after /proc/stat btime (whole seconds, truncated): never later than now, and
    // no earlier than Node's own start less btime's truncation and the time exec took to reach Node's clock (bounded loosely).
    const startedAt = Date.parse(mine!.startedAt!);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(startedAt).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 10_000);
  });

  it("says listeners are not available on platforms it cannot read", async () => {
    await expect(createHostSource({ lab: null, platform: "win32" }).listeners(signal())).rejects.toMatchObject({
      code: "unsupported",
      message: "listening sockets: not available on win32 yet",
    });
  });
});

describe("process start times", () => {
  it("reads btime from /proc/stat", () => {
    expect(parseBootTime("cpu  2255 34 2290 22625563 6290 127 456 0 0 0\nintr 114930548\nctxt 1990473\nbtime 1772546400\nprocesses 2915\n")).toBe(1772546400);
    expect(parseBootTime("cpu  1 2 3\n")).toBeNull();
  });

  it("counts /proc/PID/stat fields after the last parenthesis, so a comm with spaces and parentheses is no trouble", () => {
    // kubectl started 1200.37 s after boot; the comm is as odd as TASK_COMM_LEN allows.
    const stat = "100413 (kube ctl) (x)) S 3120 100413 3120 34816 100413 4194560 2151 0 0 0 12 4 0 0 20 0 11 0 120037 1363947520 10935 18446744073709551615 1 1 0 0 0 0 0 0 2143420159 0 0 0 17 1 0 0 0 0 0";
    expect(processStartedAt(stat, 1772546400)).toBe("2026-03-03T14:20:00.370Z");
    expect(processStartedAt("100413 (kubectl) S 3120", 1772546400)).toBeNull();
  });

  it("reads pid, start time and command line from ps -o pid=,lstart=,command= (local time)", () => {
    const row = parsePsLstartLine("61488 Tue Mar  3 14:20:05 2026     kubectl port-forward svc/nginx 8080:8080");
    expect(row).toMatchObject({ pid: 61488, command: "kubectl port-forward svc/nginx 8080:8080" });
    expect(row!.startedAt).toBe(new Date(2026, 2, 3, 14, 20, 5).toISOString().replace(".000Z", "Z"));
    expect(parsePsLstartLine("  PID STARTED COMMAND")).toBeNull();
  });

  it.runIf(process.platform !== "win32" && existsSync("/bin/ps"))("reads the row the real ps prints for this process", () => {
    const line = execFileSync("/bin/ps", ["-o", "pid=,lstart=,command=", "-p", String(process.pid)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }).trim();
    const row = parsePsLstartLine(line);
    expect(row).toMatchObject({ pid: process.pid, command: expect.stringContaining(process.argv0.split("/").pop()!) });
    const startedAt = Date.parse(row!.startedAt!);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(startedAt).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 10_000);
  });
});

describe("lsof parsing", () => {
  it("reads pid, command, type and name fields, wildcard and IPv6 addresses", () => {
    const out = ["p611", "ccom.docker.backend", "f12", "tIPv6", "n*:8080", "f13", "tIPv4", "n127.0.0.1:6550", "p4321", "ckubectl", "f7", "tIPv6", "n[::1]:6385", ""].join("\n");
    expect(parseLsof(out)).toEqual([
      { address: "::", port: 8080, pid: 611, process: "com.docker.backend" },
      { address: "127.0.0.1", port: 6550, pid: 611, process: "com.docker.backend" },
      { address: "::1", port: 6385, pid: 4321, process: "kubectl" },
    ]);
  });
});

describe("hosts file parsing", () => {
  it("reads addresses with several names, ignores comments and blank lines, keeps IPv6", () => {
    const text = "# static table\n127.0.0.1\tlocalhost\n\n::1 localhost ip6-localhost ip6-loopback   # v6\n192.168.1.10 api.openchoreo.localhost  openchoreo.localhost\n10.0.0.1\n";
    expect(parseHostsFile(text)).toEqual([
      { address: "127.0.0.1", names: ["localhost"] },
      { address: "::1", names: ["localhost", "ip6-localhost", "ip6-loopback"] },
      { address: "192.168.1.10", names: ["api.openchoreo.localhost", "openchoreo.localhost"] },
    ]);
  });
});

describe("live host source under the lab", () => {
  const dir = mkdtempSync(join(tmpdir(), "nd-host-"));
  writeFileSync(join(dir, "listeners.yaml"), "- { address: 127.0.0.1, port: 6385, pid: 4321, process: kubectl, command: \"kubectl port-forward svc/x 6385:6185\" }\n");
  writeFileSync(join(dir, "hosts"), "127.0.0.1 api.openchoreo.localhost\n");
  const lab: LabState = {
    scenario: "t",
    dir,
    targets: [],
    kubeconfig: join(dir, "kubeconfig"),
    context: "k3d-t",
    dockerHost: `unix://${dir}/docker.sock`,
    listenersFile: join(dir, "listeners.yaml"),
    hostsFile: join(dir, "hosts"),
    resolver: { "registry.local": ["172.19.0.5"] },
    probeMap: {},
    loopbackOnly: true,
    portMap: {},
  };
  const host = createHostSource({ lab });

  it("serves the scenario's listeners and hosts file", async () => {
    expect(await host.listeners(signal())).toEqual([{ address: "127.0.0.1", port: 6385, pid: 4321, process: "kubectl", command: "kubectl port-forward svc/x 6385:6185" }]);
    expect(await host.hostsFile(signal())).toEqual({ path: join(dir, "hosts"), entries: [{ address: "127.0.0.1", names: ["api.openchoreo.localhost"] }] });
  });

  it.each([
    { name: "api.openchoreo.localhost", addresses: ["127.0.0.1"], error: undefined },
    { name: "registry.local", addresses: ["172.19.0.5"], error: undefined },
    { name: "localhost", addresses: ["127.0.0.1", "::1"], error: undefined },
    { name: "example.com", addresses: [], error: "ENOTFOUND" },
  ])("resolves $name from the lab only", async ({ name, addresses, error }) => {
    const r = await host.resolve(name, signal());
    expect(r.addresses).toEqual(addresses);
    expect(r.error).toBe(error);
  });
});

describe("live system resolver", () => {
  it("returns ENOTFOUND instead of throwing for a name that does not exist", async () => {
    const r = await createHostSource({ lab: null }).resolve("no-such-name.invalid", signal());
    expect(r.addresses).toEqual([]);
    expect(r.error).toMatch(/^E/);
  });
});
