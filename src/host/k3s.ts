/**
 * k3s server arguments as k3d passes them to its server containers (`docker
 * inspect` Args / Config.Cmd): what tells whether k3s' packaged components
 * are disabled for good.
 */
import type { ContainerInspect } from "../sources/types.js";
import { k3dIdentity } from "./containers.js";

/**
 * True when k3s server arguments disable the packaged traefik:
 * `--disable=traefik`, `--disable traefik`, a comma list (`--disable=traefik,servicelb`),
 * or the pre-1.20 `--no-deploy traefik` (k3s server --help: "--disable value (components)
 * Do not deploy packaged components and delete any deployed components").
 */
export function disablesTraefik(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(disable|no-deploy)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const value = m[2] ?? args[i + 1] ?? "";
    if (value.split(",").map((v) => v.trim()).includes("traefik")) return true;
  }
  return false;
}


/** The k3s arguments of a k3d server container (`Args`, else `Config.Cmd`). */
export function k3sServerArgs(c: ContainerInspect): string[] {
  return [...(c.Args ?? c.Config.Cmd ?? [])];
}

/** The k3d server containers (label `k3d.role=server`, or k3d v1's `component=server`) among `containers`. */
export function k3dServers(containers: readonly ContainerInspect[]): ContainerInspect[] {
  return containers.filter((c) => k3dIdentity(c)?.role === "server");
}

/**
 * True when k3s server arguments disable the packaged `component`
 * (`traefik`, `servicelb`, `metrics-server` …), in any of the spellings
 * `disablesTraefik` accepts.
 */
export function disablesComponent(args: readonly string[], component: string): boolean {
  for (let i = 0; i < args.length; i++) {
    const m = /^--(disable|no-deploy)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[2] ?? args[i + 1] ?? "";
    if (value.split(",").map((v) => v.trim()).includes(component)) return true;
  }
  return false;
}

/**
 * The k3s arguments a node was started with, from its `k3s.io/node-args`
 * annotation (a JSON array k3s writes on every node, e.g.
 * `["server","--disable=traefik","--flannel-iface","eth0"]`; k3s
 * pkg/nodeconfig). Empty when absent or not JSON.
 */
export function nodeK3sArgs(node: { metadata: { annotations?: Record<string, string> } }): string[] {
  const raw = node.metadata.annotations?.["k3s.io/node-args"];
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
