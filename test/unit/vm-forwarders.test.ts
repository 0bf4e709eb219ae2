/**
 * Desktop VM tools' port forwarders recognised from the command lines users
 * paste (`ps`, `lsof`): Lima's host agent and ssh ControlMaster, Colima's and
 * Rancher Desktop's Lima instances, and the k3s node each VM is. Facts:
 * docs/facts/vm-tool-forwarders.md.
 */
import { describe, expect, it } from "vitest";
import { expectedNodeNames, hostAgentLog, parseVmForwarder } from "../../src/host/vm-forwarders.js";

describe("parseVmForwarder", () => {
  it("reads Colima's host agent with its instance directory and a macOS host", () => {
    const vm = parseVmForwarder(
      "/opt/homebrew/bin/limactl hostagent --pidfile /Users/dev/.colima/_lima/colima/ha.pid --socket /Users/dev/.colima/_lima/colima/ha.sock --guestagent /opt/homebrew/share/lima/lima-guestagent.Linux-aarch64.gz colima",
    );
    expect(vm).toEqual({ tool: "colima", instance: "colima", instanceDir: "/Users/dev/.colima/_lima/colima", mechanism: "hostagent", hostOs: "darwin" });
    expect(expectedNodeNames(vm!)[0]).toBe("colima");
  });

  it("reads a Colima profile's ssh ControlMaster (Lima's SSH forwarder)", () => {
    const vm = parseVmForwarder("ssh: /Users/you/.colima/_lima/colima-dev/ssh.sock [mux]");
    expect(vm).toMatchObject({ tool: "colima", instance: "colima-dev", mechanism: "ssh-mux", hostOs: "darwin" });
    expect(hostAgentLog(vm!)).toBe("/Users/you/.colima/_lima/colima-dev/ha.stderr.log");
  });

  it("reads Rancher Desktop's instance 0 even though its paths contain spaces", () => {
    const vm = parseVmForwarder(
      "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl hostagent --pidfile /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.pid --socket /Users/dev/Library/Application Support/rancher-desktop/lima/0/ha.sock 0",
    );
    expect(vm).toMatchObject({ tool: "rancher-desktop", instance: "0", instanceDir: "/Users/dev/Library/Application Support/rancher-desktop/lima/0", hostOs: "darwin" });
    expect(expectedNodeNames(vm!)[0]).toBe("lima-rancher-desktop");
  });

  it("tells Rancher Desktop on Linux by its data directory", () => {
    const vm = parseVmForwarder(
      "/opt/rancher-desktop/resources/resources/linux/lima/bin/limactl hostagent --pidfile /home/dev/.local/share/rancher-desktop/lima/0/ha.pid --socket /home/dev/.local/share/rancher-desktop/lima/0/ha.sock 0",
    );
    expect(vm).toMatchObject({ tool: "rancher-desktop", instance: "0", hostOs: "linux" });
    expect(hostAgentLog(vm!)).toBe("~/.local/share/rancher-desktop/logs/lima.ha.stderr.log");
  });

  it("names a plain Lima instance's node lima-<instance>", () => {
    const vm = parseVmForwarder("limactl hostagent --pidfile /Users/dev/.lima/k3s/ha.pid --socket /Users/dev/.lima/k3s/ha.sock --guestagent /usr/local/share/lima/lima-guestagent.Linux-x86_64 k3s");
    expect(vm).toMatchObject({ tool: "lima", instance: "k3s", mechanism: "hostagent" });
    expect(expectedNodeNames(vm!)).toEqual(["lima-k3s", "k3s"]);
    expect(expectedNodeNames({ ...vm!, instance: "my_dev.box" })[0]).toBe("lima-my-dev-box");
  });

  it("is null for any other process, an ssh client tunnel included", () => {
    expect(parseVmForwarder("ssh -N -L 8080:localhost:80 dev@box")).toBeNull();
    expect(parseVmForwarder("ssh: /home/dev/.ssh/cm-dev@box:22 [mux]")).toBeNull();
    expect(parseVmForwarder("/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80")).toBeNull();
    expect(parseVmForwarder("limactl list")).toBeNull();
    expect(parseVmForwarder("", "socat")).toBeNull();
  });
});
