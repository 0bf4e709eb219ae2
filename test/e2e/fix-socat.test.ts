/**
 * socat-forward end to end: in the lab scenario where one of several
 * parallel `kubectl port-forward`s died, `netdoctor fix socat-forward`
 * starts a real socat on loopback that relays to the lab's listener for the
 * Service's NodePort on the node, the re-check passes, `netdoctor forwards`
 * lists it alive, and `forwards stop` / `undo` stop it. Needs Debian's socat
 * (.ci/run installs it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLab, type RunningLab } from "../../src/lab/lab.js";
import { runCli, scenariosDir } from "./cli.js";

let home: string;
let lab: RunningLab | null = null;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "netdoctor-home-"));
});
afterEach(async () => {
  // Never leave a relay behind, whatever the test did.
  await runCli(["undo", "--force"], { NETDOCTOR_HOME: home });
  await lab?.stop();
  lab = null;
  await rm(home, { recursive: true, force: true });
});

/** One HTTP/1.1 request over a fresh loopback connection; resolves to the status line, or the socket error code. */
function statusLine(port: number, host: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    let data = "";
    s.on("connect", () => s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    s.on("data", (d) => (data += d.toString()));
    s.on("end", () => resolve(data.split("\r\n")[0] ?? ""));
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

interface Forward {
  id: string;
  pid: number;
  listen: { address: string; port: number };
  upstream: string;
  alive: boolean;
}

describe("netdoctor fix socat-forward", () => {
  it("replaces the dead port-forward with a socat relay to the NodePort, listed by forwards and stopped by forwards stop and by undo", async () => {
    lab = await startLab(join(scenariosDir, "host-parallel-portforwards"));
    const env = { ...lab.env, NETDOCTOR_HOME: home };
    const dead = lab.state.portMap["8891"]!;
    expect(await statusLine(dead, "www.example.com")).toBe("ECONNREFUSED");

    const r = await runCli(["fix", "socat-forward", `http://www.example.com:${dead}/`, "--yes", "--json"], env);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout).fixes[0];
    expect(f).toMatchObject({ id: "socat-forward", applied: true, error: null, before: { status: "fail" }, after: { status: "pass" } });
    expect(f.plan).toEqual([expect.objectContaining({ action: "start-forward", command: `socat TCP-LISTEN:${dead},fork,reuseaddr,bind=127.0.0.1 TCP:172.18.0.2:30080` })]);
    // A real relay: the port answers as the Envoy behind NodePort 30080 does.
    expect(await statusLine(dead, "www.example.com")).toMatch(/^HTTP\/1\.1 200 /);

    const list = await runCli(["forwards", "--json"], env);
    expect(list.code).toBe(0);
    const forwards = JSON.parse(list.stdout).forwards as Forward[];
    expect(forwards).toEqual([expect.objectContaining({ listen: { address: "127.0.0.1", port: dead }, upstream: "172.18.0.2:30080", alive: true })]);

    const stop = await runCli(["forwards", "stop", forwards[0]!.id], env);
    expect(stop.code).toBe(0);
    expect(await statusLine(dead, "www.example.com")).toBe("ECONNREFUSED");
    expect(JSON.parse((await runCli(["forwards", "--json"], env)).stdout).forwards).toEqual([]);
    // undo of a fix whose forward was already stopped by hand: nothing left to stop, and that is fine.
    const u1 = await runCli(["undo", "--json"], env);
    expect(u1.code).toBe(0);
    expect(JSON.parse(u1.stdout).undo.steps).toEqual([expect.objectContaining({ ok: true, message: "already stopped" })]);

    // Again, and this time undo stops it.
    const again = await runCli(["fix", "socat-forward", `http://www.example.com:${dead}/`, "--yes", "--json"], env);
    expect(JSON.parse(again.stdout).fixes[0].applied).toBe(true);
    expect(await statusLine(dead, "www.example.com")).toMatch(/^HTTP\/1\.1 200 /);
    const u2 = await runCli(["undo", "--json"], env);
    expect(u2.code).toBe(0);
    expect(JSON.parse(u2.stdout).undo.steps).toEqual([expect.objectContaining({ ok: true, message: "stopped" })]);
    expect(await statusLine(dead, "www.example.com")).toBe("ECONNREFUSED");
  });

  it("refuses a port the lab's kubectl port-forward still holds, and listens elsewhere with --port", async () => {
    lab = await startLab(join(scenariosDir, "host-parallel-portforwards"));
    const env = { ...lab.env, NETDOCTOR_HOME: home };
    const held = lab.state.portMap["8888"]!;
    const refused = await runCli(["fix", "socat-forward", `http://www.example.com:${held}/echo`, "--yes", "--json"], env);
    expect(refused.code).toBe(1);
    const f = JSON.parse(refused.stdout).fixes[0];
    expect(f.applied).toBe(false);
    expect(f.error).toBe(`port ${held} is held by kubectl (pid 52011) in the lab: let socat listen elsewhere with --port`);

    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const moved = await runCli(["fix", "socat-forward", `http://www.example.com:${held}/echo`, "--port", String(free), "--yes", "--json"], env);
    const m = JSON.parse(moved.stdout).fixes[0];
    expect(m).toMatchObject({ applied: true, target: `http://www.example.com:${free}/echo` });
    expect(await statusLine(free, "www.example.com")).toMatch(/^HTTP\/1\.1 200 /);
  });
});
