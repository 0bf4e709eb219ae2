/**
 * Port-forwards recorded in a working tree (src/host/recorded-forwards.ts),
 * one case per format, written as the projects' docs write them, and the
 * bounded reader (src/host/workdir.ts).
 */
import { mkdtemp, mkdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES, recordedForwards, type RecordedForward } from "../../src/host/recorded-forwards.js";
import { readWorkdir } from "../../src/host/workdir.js";
import { memorySources, type MemoryData } from "../../src/sources/memory.js";
import type { CheckContext, CheckOutcome, Deployment, PathFacts, Pod, Service } from "../../src/index.js";
import recordedForwardRunning from "../../checks/forwarder/recorded-forward-running.js";

const one = (path: string, text: string): RecordedForward[] => recordedForwards([{ path, text }]);

describe("recordedForwards", () => {
  it("reads a Makefile recipe started in the background, with its namespace", () => {
    const text = ["dev:", "\tkubectl apply -k deploy/", "", "port-forward:", "\t@kubectl -n shop port-forward svc/storefront 8080:80 > /tmp/pf.log 2>&1 &", ""].join("\n");
    expect(one("Makefile", text)).toEqual([
      { where: "Makefile:5", tool: "kubectl", text: "kubectl -n shop port-forward svc/storefront 8080:80 > /tmp/pf.log 2>&1 &", namespace: "shop", target: { type: "service", name: "storefront" }, local: 8080, remote: 80, addresses: ["localhost"] },
    ]);
  });

  it("joins a recipe continued with backslashes and keeps the line it starts on", () => {
    const text = ["pf:", "\tkubectl port-forward \\", "\t  --address 0.0.0.0 \\", "\t  service/api 9000:8080"].join("\n");
    expect(one("Makefile", text)).toMatchObject([{ where: "Makefile:2", target: { type: "service", name: "api" }, local: 9000, remote: 8080, addresses: ["0.0.0.0"] }]);
  });

  it("reads every forward of a shell script, skipping comments", () => {
    const text = ["#!/usr/bin/env bash", "set -euo pipefail", "# kubectl port-forward svc/old 1234:80", "kubectl port-forward -n argocd svc/argocd-server 8443:443 &", "nohup kubectl port-forward deploy/grafana 3000 &"].join("\n");
    expect(one("scripts/pf.sh", text).map((r) => [r.where, r.target.name, r.local, r.remote])).toEqual([
      ["scripts/pf.sh:4", "argocd-server", 8443, 443],
      ["scripts/pf.sh:5", "grafana", 3000, 3000],
    ]);
  });

  it("reads a package.json script", () => {
    const text = JSON.stringify({ name: "web", scripts: { dev: "vite", "pf:api": "kubectl port-forward svc/api 8080:80 & vite" } }, null, 2);
    expect(one("package.json", text)).toMatchObject([{ where: "package.json:5", target: { name: "api" }, local: 8080, remote: 80 }]);
  });

  it("reads a VS Code task whose command and args are split (comments allowed, as tasks.json does)", () => {
    const text = [
      "{",
      "  // See https://go.microsoft.com/fwlink/?LinkId=733558",
      '  "version": "2.0.0",',
      '  "tasks": [',
      "    {",
      '      "label": "port-forward api",',
      '      "type": "shell",',
      '      "command": "kubectl",',
      '      "args": ["port-forward", "-n", "dev", "svc/api", "8080:80"],',
      '      "isBackground": true',
      "    }",
      "  ]",
      "}",
    ].join("\n");
    expect(one(".vscode/tasks.json", text)).toMatchObject([{ where: ".vscode/tasks.json:8", namespace: "dev", target: { name: "api" }, local: 8080, remote: 80 }]);
  });

  it("reads a devcontainer postStartCommand", () => {
    const text = ["{", '  "name": "console",', '  "forwardPorts": [3000],', '  "postStartCommand": "nohup kubectl port-forward --address=0.0.0.0 svc/console 3000:3000 > /tmp/pf.log 2>&1 &"', "}"].join("\n");
    expect(one(".devcontainer/devcontainer.json", text)).toMatchObject([{ where: ".devcontainer/devcontainer.json:4", target: { name: "console" }, local: 3000, addresses: ["0.0.0.0"] }]);
  });

  it("reads skaffold.yaml portForward entries, localPort defaulting to port", () => {
    const text = [
      "apiVersion: skaffold/v4beta11",
      "kind: Config",
      "metadata:",
      "  name: shop",
      "manifests:",
      "  rawYaml: [k8s/*.yaml]",
      "portForward:",
      "- resourceType: service",
      "  resourceName: storefront",
      "  namespace: shop",
      "  port: 80",
      "  localPort: 8080",
      "- resourceType: deployment",
      "  resourceName: worker",
      "  port: 9090",
    ].join("\n");
    expect(one("skaffold.yaml", text)).toMatchObject([
      { where: "skaffold.yaml:8", tool: "skaffold", namespace: "shop", target: { type: "service", name: "storefront" }, local: 8080, remote: 80 },
      { where: "skaffold.yaml:13", tool: "skaffold", namespace: null, target: { type: "deployment", name: "worker" }, local: 9090, remote: 9090 },
    ]);
  });

  it("reads a Tiltfile's port_forwards as an int, a string, and port_forward() in a list", () => {
    const text = [
      "k8s_yaml('k8s.yaml')",
      "docker_build('api-image', '.')",
      "k8s_resource('api', port_forwards='8080:80')",
      "k8s_resource('frontend',",
      "             port_forwards=[3000, port_forward(9229, 9229, name='debugger')])",
      "# k8s_resource('old', port_forwards=1234)",
    ].join("\n");
    expect(one("Tiltfile", text).map((r) => [r.where, r.target.name, r.local, r.remote])).toEqual([
      ["Tiltfile:3", "api", 8080, 80],
      ["Tiltfile:5", "frontend", 9229, 9229],
      ["Tiltfile:5", "frontend", 3000, 3000],
    ]);
  });

  it("reads a Tiltfile list of plain ports", () => {
    expect(one("Tiltfile", "k8s_resource('db', port_forwards=[5432, '6379:6380'])\n").map((r) => [r.local, r.remote])).toEqual([
      [5432, 5432],
      [6379, 6380],
    ]);
  });
});

describe("readWorkdir", () => {
  it("reads the well-known files and scripts, and never follows a symlink out of the tree or reads an oversized file", async () => {
    const root = await mkdtemp(join(tmpdir(), "nd-workdir-"));
    const outside = await mkdtemp(join(tmpdir(), "nd-outside-"));
    await writeFile(join(outside, "secret.sh"), "kubectl port-forward svc/x 1111:80\n");
    await mkdir(join(root, "scripts"));
    await writeFile(join(root, "Makefile"), "pf:\n\tkubectl port-forward svc/api 8080:80\n");
    await writeFile(join(root, "scripts", "dev.sh"), "kubectl port-forward svc/web 3000:80 &\n");
    await symlink(join(outside, "secret.sh"), join(root, "scripts", "linked.sh"));
    await writeFile(join(root, "scripts", "huge.sh"), `${"#".repeat(MAX_FILE_BYTES)}\nkubectl port-forward svc/big 2222:80\n`);
    const files = await readWorkdir(root);
    expect(files.map((f) => f.path).sort()).toEqual(["Makefile", "scripts/dev.sh"]);
    expect(recordedForwards(files).map((r) => r.local)).toEqual([8080, 3000]);
  });

  it("reads nothing from a directory that does not exist", async () => {
    expect(await readWorkdir(join(tmpdir(), "nd-no-such-dir-7f3a"))).toEqual([]);
  });
});

describe("forwarder.recorded-forward-running (ND307)", () => {
  const makefileForward: RecordedForward = { where: "Makefile:11", tool: "kubectl", text: "kubectl -n shop port-forward svc/storefront 8080:80 &", namespace: "shop", target: { type: "service", name: "storefront" }, local: 8080, remote: 80, addresses: ["localhost"] };
  const storefront = (type: "ClusterIP" | "NodePort"): Service =>
    ({ metadata: { name: "storefront", namespace: "shop" }, spec: { type, selector: { app: "storefront" }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP", ...(type === "NodePort" ? { nodePort: 31380 } : {}) }] } }) as Service;
  const target = { url: "http://localhost:8080/", scheme: "http" as const, host: "localhost", port: 8080, path: "/" };

  async function run(data: MemoryData, facts: PathFacts): Promise<CheckOutcome> {
    const sources = memorySources(data);
    const ctx: CheckContext = { ...sources, target, facts, options: { resolve: [], hostAddress: "127.0.0.1", namespace: null, probeTimeoutMs: 2000 }, signal: new AbortController().signal };
    return recordedForwardRunning.run(ctx);
  }

  it("names the dead forward the Makefile records, and offers a NodePort first for a ClusterIP Service", async () => {
    const out = await run({ recordedForwards: [makefileForward], kube: { services: [storefront("ClusterIP")] } }, { address: "127.0.0.1", connect: "refused", listener: null, container: null });
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "nothing listens on port 8080, where Makefile:11 records `kubectl -n shop port-forward svc/storefront 8080:80 &`: most likely that kubectl port-forward is no longer running (it exits when its pod is replaced); expected it running, or a forward that survives pod restarts",
    );
    expect(out.fixes).toEqual(["service-to-nodeport", "socat-forward"]);
    expect(out.causes).toEqual(["host-port.accepts-connections", "container.publishes-port"]);
    expect(out.facts?.forwarder).toMatchObject({ kind: "kubectl-port-forward", pid: null, upstream: "shop/svc/storefront:80" });
  });

  it("offers only the socat forward when the Service already has a NodePort", async () => {
    const out = await run({ recordedForwards: [makefileForward], kube: { services: [storefront("NodePort")] } }, { address: "127.0.0.1", connect: "refused", listener: null, container: null });
    expect(out.fixes).toEqual(["socat-forward"]);
    expect(out.details).toContain("Service shop/storefront has NodePort 31380");
  });

  it("says when the recorded Service no longer exists, and offers nothing to forward to", async () => {
    const out = await run({ recordedForwards: [makefileForward] }, { address: "127.0.0.1", connect: "refused", listener: null, container: null });
    expect(out.status).toBe("fail");
    expect(out.fixes).toEqual([]);
    expect(out.details).toContain("Service shop/storefront does not exist (any more)");
  });

  it("says a recorded forward to a Deployment's Service port dies at its first connection, and re-running it would too", async () => {
    const deployForward: RecordedForward = { where: "Makefile:14", tool: "kubectl", text: "kubectl -n shop port-forward deploy/storefront 8080:80 &", namespace: "shop", target: { type: "deployment", name: "storefront" }, local: 8080, remote: 80, addresses: ["localhost"] };
    const deployment = { metadata: { name: "storefront", namespace: "shop" }, spec: { replicas: 1, selector: { matchLabels: { app: "storefront" } }, template: { spec: { containers: [] } } } } as unknown as Deployment;
    const pod = {
      metadata: { name: "storefront-7d9c8b6f5-x2x9q", namespace: "shop", labels: { app: "storefront" }, creationTimestamp: "2026-03-03T14:05:22Z" },
      spec: { nodeName: "kind-control-plane", containers: [{ name: "storefront", ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }] }] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    } as unknown as Pod;
    const out = await run({ recordedForwards: [deployForward], kube: { services: [storefront("ClusterIP")], deployments: [deployment], pods: [pod] } }, { address: "127.0.0.1", connect: "refused", listener: null, container: null });
    expect(out.status).toBe("fail");
    expect(out.summary).toBe(
      "nothing listens on port 8080, where Makefile:14 records `kubectl -n shop port-forward deploy/storefront 8080:80 &`: that kubectl port-forward exited at its first connection: port 80 of pod shop/storefront-7d9c8b6f5-x2x9q is not where the pod says its application listens (8080 (containerPort http of storefront, Service shop/storefront targetPort)); expected a forward to a port the pod serves",
    );
    expect(out.details).toContain("80 is the port of Service shop/storefront, which sends it to container port 8080");
    expect(out.details).toContain("re-running the recorded command fails the same way");
    expect(out.details).toContain("deployment/storefront 8080:8080");
  });

  it("passes when a kubectl port-forward serves the recorded port", async () => {
    const listener = { address: "127.0.0.1", port: 8080, pid: 4711, process: "kubectl", command: "kubectl -n shop port-forward svc/storefront 8080:80" };
    const out = await run({ recordedForwards: [makefileForward] }, { address: "127.0.0.1", connect: "connected", listener, container: null });
    expect(out).toMatchObject({ status: "pass", summary: "kubectl (pid 4711) serves port 8080, the forward Makefile:11 records (kubectl -n shop port-forward svc/storefront 8080:80 &)" });
  });

  describe("with a kubectl port-forward to another target on the recorded port", () => {
    const pod = (name: string, labels: Record<string, string>, namespace = "shop") => ({ metadata: { name, namespace, labels }, spec: { containers: [] }, status: { phase: "Running" } }) as unknown as Pod;
    const storefrontPod = pod("storefront-7d9c8b6f5-x2x9q", { app: "storefront" });
    const legacyPod = pod("legacy-api-5f6c7d8e9-abcde", { app: "legacy-api" });
    const legacy = { metadata: { name: "legacy-api", namespace: "shop" }, spec: { type: "ClusterIP", selector: { app: "legacy-api" }, ports: [{ port: 80, targetPort: 9000, protocol: "TCP" }] } } as Service;
    const kube = { services: [storefront("ClusterIP"), legacy], pods: [storefrontPod, legacyPod] };
    const runWith = (command: string) =>
      run({ recordedForwards: [makefileForward], kube }, { address: "127.0.0.1", connect: "connected", listener: { address: "127.0.0.1", port: 8080, pid: 5120, process: "kubectl", command }, container: null });

    it("warns when it forwards into another namespace", async () => {
      const out = await runWith("kubectl port-forward svc/storefront 8080:80");
      expect(out.status).toBe("warn");
      expect(out.summary).toBe(
        "kubectl (pid 5120) holds port 8080, but not the forward Makefile:11 records (`kubectl -n shop port-forward svc/storefront 8080:80 &`): it forwards to service/storefront:80 in default, another namespace; expected the recorded target",
      );
      expect(out.details).toContain("unable to listen on any of the requested ports");
    });

    it("warns when it forwards to another port of the recorded Service", async () => {
      const out = await runWith("kubectl -n shop port-forward svc/storefront 8080:9090");
      expect(out.status).toBe("warn");
      expect(out.summary).toContain("it forwards to service/storefront:9090 in shop, another port of the same service");
    });

    it("warns when it forwards to a Service that shares no pod with the recorded one", async () => {
      const out = await runWith("kubectl -n shop port-forward svc/legacy-api 8080:80");
      expect(out.status).toBe("warn");
      expect(out.summary).toContain("it forwards to service/legacy-api:80 in shop, which reaches none of the pods service/storefront selects");
    });

    it("passes for a pod the recorded Service selects (how skaffold forwards a Service)", async () => {
      expect((await runWith("kubectl -n shop port-forward pod/storefront-7d9c8b6f5-x2x9q 8080:8080")).status).toBe("pass");
    });

    it("passes when what it reaches cannot be told (a pod that is gone)", async () => {
      expect((await runWith("kubectl -n shop port-forward pod/storefront-old-0 8080:8080")).status).toBe("pass");
    });
  });

  it.each([
    ["the working tree records no forward for the port", { recordedForwards: [{ ...makefileForward, local: 9090 }] }, { address: "127.0.0.1", connect: "refused" as const, listener: null, container: null }],
    ["the recorded forward binds loopback while the request goes to a LAN address", { recordedForwards: [makefileForward] }, { address: "192.168.1.20", connect: "refused" as const, listener: null, container: null }],
    ["a container publishes the port", { recordedForwards: [makefileForward] }, { address: "127.0.0.1", connect: "connected" as const, listener: null, container: { name: "kind-control-plane" } as PathFacts["container"] }],
    ["the source cannot read a working tree (a bundle)", {}, { address: "127.0.0.1", connect: "refused" as const, listener: null, container: null }],
  ])("does not apply when %s", async (_name, data, facts) => {
    expect((await run(data as MemoryData, facts as PathFacts)).status).toBe("skip");
  });
});
