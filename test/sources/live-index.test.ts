import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLiveSources } from "../../src/sources/live/index.js";

describe("createLiveSources", () => {
  it("wires the lab from NETDOCTOR_LAB and the docker host from DOCKER_HOST", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nd-live-"));
    writeFileSync(join(dir, "listeners.yaml"), "- { address: 0.0.0.0, port: 8080, pid: 2211, process: docker-proxy }\n");
    writeFileSync(join(dir, "hosts"), "");
    writeFileSync(
      join(dir, "lab.json"),
      JSON.stringify({
        scenario: "s",
        dir,
        targets: [],
        kubeconfig: join(dir, "kubeconfig"),
        context: "k3d-s",
        dockerHost: `unix://${dir}/docker.sock`,
        listenersFile: join(dir, "listeners.yaml"),
        hostsFile: join(dir, "hosts"),
        resolver: {},
        probeMap: {},
        loopbackOnly: true,
        portMap: {},
      }),
    );
    const live = createLiveSources({ env: { NETDOCTOR_LAB: join(dir, "lab.json"), DOCKER_HOST: `unix://${dir}/docker.sock`, HOME: dir } });
    expect(live.lab?.scenario).toBe("s");
    expect(live.dockerHost).toBe(`unix://${dir}/docker.sock`);
    expect(live.sources.docker.host()).toBe(live.dockerHost);
    const signal = new AbortController().signal;
    expect(await live.sources.host.listeners(signal)).toEqual([{ address: "0.0.0.0", port: 8080, pid: 2211, process: "docker-proxy" }]);
    expect((await live.sources.probe.tcp("10.43.0.10", 80, 1000, signal)).outcome).toBe("unreachable");
    expect(() => live.sources.kube.info()).toThrow(/^no kubeconfig: /);
  });

  it("prefers --docker-host over DOCKER_HOST", () => {
    const live = createLiveSources({ dockerHost: "tcp://192.168.64.2:2375", env: { DOCKER_HOST: "unix:///x.sock", HOME: tmpdir() } });
    expect(live.dockerHost).toBe("tcp://192.168.64.2:2375");
    expect(live.lab).toBeNull();
  });
});
