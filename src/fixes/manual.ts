/**
 * The port-mapping fixes (DESIGN §5). kind cannot add a port mapping to a
 * running node (the node container's port bindings are fixed at `docker
 * run`), so kind-port-mapping prints the `extraPortMappings` entry and the
 * recreate commands. k3d can: `k3d cluster edit CLUSTER --port-add
 * HOST:CONTAINER@loadbalancer` recreates the serverlb with the new binding
 * (k3d v5.x), and the serverlb forwards CONTAINER to the same port on every
 * node — netdoctor runs it with consent when the k3d CLI is installed.
 */
import { FIXES } from "./catalog.js";
import { execa } from "execa";
import { which } from "./which.js";
import { FixError, type Fix, type FixPlan } from "./types.js";

export const kindPortMapping: Fix = {
  ...FIXES["kind-port-mapping"],
  answers: ["container.publishes-port", "service.receives-port"],
  async plan(ctx) {
    const s = ctx.facts.service;
    const c = ctx.facts.container;
    const port = ctx.path.target.port;
    // A target port that is itself a Service's nodePort no node publishes (container.publishes-port names it).
    const named = ctx.path.checks.find((x) => x.id === "container.publishes-port")?.evidence?.["nodePortService"] as { namespace: string; name: string } | undefined;
    const svc = s ?? (named ? { namespace: named.namespace, name: named.name } : null);
    const nodePort = s?.nodePort ?? (named ? port : null);
    const cluster = c?.cluster ?? ctx.report.environment.cluster ?? "kind";
    const plan: FixPlan = { fixId: "kind-port-mapping", steps: [], refusal: null, automatic: false, notes: [], state: null };
    if (nodePort === null) {
      plan.refusal = `the entry Service${svc ? ` ${svc.namespace}/${svc.name}` : ""} has no nodePort to map: make it type NodePort first (service-to-nodeport)`;
      return plan;
    }
    plan.steps.push(
      { action: "manual", file: "your kind config", line: `nodes[role=control-plane].extraPortMappings: - { containerPort: ${nodePort}, hostPort: ${port}, listenAddress: "127.0.0.1", protocol: TCP }`, note: `the node then publishes host port ${port} to NodePort ${nodePort} of Service ${svc!.namespace}/${svc!.name}` },
      { action: "manual", command: `kind delete cluster --name ${cluster}`, note: "kind cannot add a port mapping to a running node: the cluster must be recreated (its workloads are lost)" },
      { action: "manual", command: `kind create cluster --name ${cluster} --config <your kind config>` },
    );
    if (c && c.hostPort === port) plan.notes.push(`host port ${port} is already mapped to node port ${c.containerPort}: change that entry's containerPort to ${nodePort} instead of adding one`);
    return plan;
  },
  async apply() {
    throw new FixError("kind-port-mapping is applied by hand: kind cannot add a port mapping to a running node");
  },
};

export const k3dPortMapping: Fix = {
  ...FIXES["k3d-port-mapping"],
  answers: ["container.publishes-port", "service.receives-port"],
  async plan(ctx) {
    const c = ctx.facts.container;
    const cluster = c?.cluster ?? ctx.report.environment.cluster;
    const port = ctx.path.target.port;
    const containerPort = ctx.facts.service?.port ?? port;
    const plan: FixPlan = { fixId: "k3d-port-mapping", steps: [], refusal: null, automatic: false, notes: [], state: null };
    if (!cluster) {
      plan.refusal = "the k3d cluster's name is unknown (no k3d container or kube context names it)";
      return plan;
    }
    const args = ["cluster", "edit", cluster, "--port-add", `${port}:${containerPort}@loadbalancer`];
    const k3d = ctx.lab ? null : await which("k3d", ctx.env);
    plan.steps.push({ action: k3d ? "run" : "manual", command: `k3d ${args.join(" ")}`, note: `the serverlb is recreated with host ${port} → ${containerPort}, which it forwards to port ${containerPort} on every node` });
    plan.notes.push("k3d cluster edit recreates the load balancer container: connections through it drop for a moment", `netdoctor cannot undo this; remove the mapping by hand: k3d ${args.slice(0, 3).join(" ")} --port-delete ${port}:${containerPort}@loadbalancer (k3d v5, experimental: the spec must be the one added)`);
    if (k3d) {
      plan.automatic = true;
      plan.state = { k3d, args };
    } else if (!ctx.lab) {
      plan.notes.push("the k3d CLI is not on PATH: run the command where k3d is installed");
    }
    return plan;
  },
  async apply(ctx, plan) {
    const st = plan.state as { k3d: string; args: string[] } | null;
    if (!st) throw new FixError("k3d-port-mapping is applied by hand here");
    const r = await execa(st.k3d, st.args, { reject: false, timeout: 180_000, cancelSignal: ctx.signal, stdin: "ignore" });
    if (r.exitCode !== 0) throw new FixError(`k3d ${st.args.join(" ")} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).split("\n").filter(Boolean).pop() ?? ""}`);
  },
};
