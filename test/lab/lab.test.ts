import { describe, expect, it } from "vitest";
import { readFile, stat } from "node:fs/promises";
import net from "node:net";
import { once } from "node:events";
import { parse } from "yaml";
import { startLab, formatEnv, remapTargetUrl } from "../../src/lab/lab.js";
import { portIsFree, freePort } from "../../src/lab/traffic.js";
import { loadScenario } from "../../src/lab/scenario.js";
import type { LabState } from "../../src/lab/contract.js";
import { DEMO, kube, tcp } from "./helpers.js";

describe("startLab", () => {
  it("remaps every host port consistently across docker, listeners, targets, traffic and state", async () => {
    const lab = await startLab(DEMO);
    try {
      const pm = lab.state.portMap;
      expect(Object.keys(pm).sort()).toEqual(["10443", "11080", "19080", "19443", "6550", "8080", "8443"]);
      expect(new Set(Object.values(pm)).size).toBe(7);
      const lb = pm["8080"]!;
      const state = JSON.parse(await readFile(lab.stateFile, "utf8")) as LabState;
      expect(state).toEqual(lab.state);
      expect(state.targets).toEqual([`http://api.demo.localhost:${lb}/healthz`]);
      expect(state.loopbackOnly).toBe(true);
      expect(state.probeMap[`127.0.0.1:${lb}`]).toBe(`127.0.0.1:${lb}`);
      expect(state.probeMap["172.19.0.2:30080"]).toMatch(/^127\.0\.0\.1:\d+$/);
      const serverlb = lab.scenario().containers.find((c) => c.Name === "/k3d-demo-serverlb")!;
      expect(serverlb.HostConfig.PortBindings!["8080/tcp"]![0]!.HostPort).toBe(String(lb));
      expect(serverlb.NetworkSettings.Ports!["8080/tcp"]!.map((b) => b.HostPort)).toEqual([String(lb), String(lb)]);
      const ok = await tcp(lb, "GET /healthz HTTP/1.1\r\nHost: api.demo.localhost\r\nConnection: close\r\n\r\n");
      expect(ok.data).toMatch(/^HTTP\/1\.1 200 OK/);
      // Without host/listeners.yaml, one docker-proxy per published binding of a running container.
      const listeners = parse(await readFile(state.listenersFile, "utf8"));
      expect(listeners).toEqual([
        { address: "0.0.0.0", port: pm["6550"], pid: 2211, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port ${pm["6550"]} -container-ip 172.19.0.3 -container-port 6443` },
        { address: "0.0.0.0", port: lb, pid: 2224, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port ${lb} -container-ip 172.19.0.3 -container-port 8080` },
        { address: "::", port: lb, pid: 2237, process: "docker-proxy", command: `/usr/bin/docker-proxy -proto tcp -host-ip :: -host-port ${lb} -container-ip 172.19.0.3 -container-port 8080` },
      ]);
      expect(await readFile(state.hostsFile, "utf8")).toContain("127.0.0.1\tapi.demo.localhost");
      const kc = parse(await readFile(state.kubeconfig, "utf8"));
      expect(kc["current-context"]).toBe("k3d-demo");
      expect(kc.clusters[0].cluster.server).toBe(lab.api.url);
      expect(kc.clusters[0].cluster["certificate-authority-data"]).toBe(Buffer.from(lab.api.ca).toString("base64"));
      expect(kc.users[0].user.token).toBe(lab.api.token);
    } finally {
      await lab.stop();
    }
  });

  it("maps a URL the user typed through the port remapping, as the scenario's own targets", async () => {
    const lab = await startLab(DEMO);
    try {
      const lb = lab.state.portMap["8080"]!;
      expect(remapTargetUrl(lab, "http://openchoreo.localhost:8080/console")).toBe(`http://openchoreo.localhost:${lb}/console`);
      expect(remapTargetUrl(lab, "http://127.0.0.1:8080/")).toBe(`http://127.0.0.1:${lb}/`);
      // A port the scenario does not publish, and a node address, stay as typed.
      expect(remapTargetUrl(lab, "http://api.demo.localhost:9999/")).toBe("http://api.demo.localhost:9999/");
      expect(remapTargetUrl(lab, "http://172.19.0.2:8080/")).toBe("http://172.19.0.2:8080/");
    } finally {
      await lab.stop();
    }
  });

  it("keeps the scenario's ports with keepPorts when they are free", async () => {
    const s = await loadScenario(DEMO);
    const a = await freePort();
    const b = await freePort();
    s.traffic = [{ ...s.traffic[0]!, port: a }];
    s.targets = [`http://api.demo.localhost:${a}/`];
    s.containers = [];
    s.listeners = [{ address: "127.0.0.1", port: b, pid: 4321, process: "kubectl", command: `kubectl port-forward -n demo svc/openchoreo-api ${b}:8080` }];
    const lab = await startLab(s, { keepPorts: true });
    try {
      expect(lab.state.portMap).toEqual({ [a]: a, [b]: b });
      expect(lab.state.targets).toEqual([`http://api.demo.localhost:${a}/`]);
    } finally {
      await lab.stop();
    }
  });

  it("rewrites forwarder command lines with the remapped port", async () => {
    const s = await loadScenario(DEMO);
    s.listeners = [{ address: "127.0.0.1", port: 6385, pid: 4321, process: "kubectl", command: "kubectl port-forward -n metal3-system svc/metal3-metal3-ironic 6385:6185" }];
    const lab = await startLab(s);
    try {
      const [l] = parse(await readFile(lab.state.listenersFile, "utf8"));
      const p = lab.state.portMap["6385"];
      expect(l).toEqual({ address: "127.0.0.1", port: p, pid: 4321, process: "kubectl", command: `kubectl port-forward -n metal3-system svc/metal3-metal3-ironic ${p}:6185` });
    } finally {
      await lab.stop();
    }
  });

  it("leaves nothing listening and removes its state dir after stop()", async () => {
    const lab = await startLab(DEMO);
    const ports = [...Object.values(lab.state.portMap), lab.api.port, ...Object.values(lab.state.probeMap).map((v) => Number(v.split(":")[1]))];
    const sock = net.connect(lab.state.portMap["19080"]!, "127.0.0.1");
    await once(sock, "connect");
    const closed = once(sock, "close");
    await lab.stop();
    await lab.stop();
    await closed;
    for (const p of ports) expect(await portIsFree(p)).toBe(true);
    expect(await stat(lab.stateFile).catch(() => null)).toBeNull();
  });

  it("switches objects and traffic when a reaction's change reaches the API", async () => {
    const lab = await startLab(DEMO);
    try {
      const lb = lab.state.portMap["8080"]!;
      const req = "GET /other HTTP/1.1\r\nHost: api.demo.localhost\r\nConnection: close\r\n\r\n";
      expect((await tcp(lb, req)).data).toMatch(/^HTTP\/1\.1 404/);
      const del = await kube(lab.api, "DELETE", "/apis/helm.cattle.io/v1/namespaces/kube-system/helmcharts/traefik");
      expect(del.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "traefik", group: "helm.cattle.io", kind: "helmcharts" } });
      expect((await tcp(lb, req)).data).toMatch(/\r\n\r\nfixed$/);
      expect(lab.state.scenario).toBe("k3d-demo-fixed");
      expect((await kube(lab.api, "GET", "/api/v1/services")).json.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["openchoreo-api"]);
      expect(JSON.parse(await readFile(lab.stateFile, "utf8")).scenario).toBe("k3d-demo-fixed");
    } finally {
      await lab.stop();
    }
  });

  it("formats --print-env lines", async () => {
    expect(formatEnv({ env: { KUBECONFIG: "/tmp/a b/kubeconfig", DOCKER_HOST: "unix:///tmp/x/docker.sock", NETDOCTOR_LAB: "/tmp/x/lab.json" } })).toBe(
      "export KUBECONFIG='/tmp/a b/kubeconfig'\nexport DOCKER_HOST=unix:///tmp/x/docker.sock\nexport NETDOCTOR_LAB=/tmp/x/lab.json",
    );
  });

  it("serves @kubernetes/client-node and dockerode through the files it writes", async () => {
    const lab = await startLab(DEMO);
    try {
      const k8s = await import("@kubernetes/client-node");
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(lab.env.KUBECONFIG);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const svcs = await core.listServiceForAllNamespaces({ limit: 2 });
      expect(svcs.items.map((s) => s.metadata?.name)).toEqual(["kubernetes", "gateway-default"]);
      expect(svcs.metadata?._continue).toBeTruthy();
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const routes = (await custom.listClusterCustomObject({ group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes" })) as { items: { spec: { hostnames: string[] } }[] };
      expect(routes.items[0]!.spec.hostnames).toEqual(["api.demo.localhost"]);
      const Docker = (await import("dockerode")).default;
      const d = new Docker({ socketPath: lab.env.DOCKER_HOST.replace(/^unix:\/\//, "") });
      const list = await d.listContainers({ all: true, filters: { label: ["k3d.cluster=demo"] } });
      expect(list.map((c) => c.Names[0])).toEqual(["/k3d-demo-serverlb", "/k3d-demo-server-0", "/k3d-demo-tools"]);
      await expect(d.getContainer("nope").inspect()).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await lab.stop();
    }
  });
});
