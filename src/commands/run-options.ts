/**
 * The options shared by the commands that run a diagnosis (netdoctor,
 * bundle, fix): their parsed shape and the commander definitions that add
 * them. Each command module owns the rest of its flags; `src/cli.ts` only
 * wires the commands together, and nothing imports from it.
 */
import type { Command } from "commander";

/** `-H` / `-X` as commander parses them (validated by `parseRequestOptions`, src/engine/request.ts). */
export interface RequestFlags {
  /** `-H/--header 'Name: value'`, repeatable, in order. */
  header: string[];
  /** `-X/--request METHOD`. */
  request?: string;
}

/** Options every command that runs a diagnosis takes (diagnose, bundle, fix), as parsed. */
export interface RunFlags extends RequestFlags {
  json?: boolean;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  dockerHost?: string;
  hostAddress?: string;
  resolve: string[];
  timeout: string;
  probeTimeout: string;
  lab?: string | boolean;
  keepPorts?: boolean;
  checksDir?: string;
}

/** How a command hands its work to the entry: the promise of its exit code (DESIGN §3). */
export type OnAction = (exitCode: Promise<number>) => void;

/** Commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The options that say which cluster and Docker host a run talks to and how names resolve (diagnose, bundle, fix). */
export function withClusterOptions(c: Command): Command {
  return c
    .option("--context <name>", "kubeconfig context")
    .option("--kubeconfig <file>", "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)")
    .option("-n, --namespace <ns>", "namespace to prefer")
    .option("--docker-host <url>", "Docker host (default: DOCKER_HOST, then the current docker context, then the platform socket)")
    .option("--host-address <addr>", "where host-published ports are reached (default: from the docker host)")
    .option("--resolve <host:port:addr>", "resolve HOST:PORT to ADDR, as curl does (repeatable)", collect, []);
}

/**
 * curl's request options (DESIGN §3) for every command that sends the
 * target request (diagnose, bundle, fix, watch): the probe sends them and
 * route matching uses them.
 */
export function withRequestOptions(c: Command): Command {
  return c
    .option("-H, --header <header>", "send this request header, as curl: 'Name: value' (repeatable); route matching uses it, and 'Host: x' replaces the Host header", collect, [])
    .option("-X, --request <method>", "send the request with this method, as curl (default GET); route matching uses it");
}

/**
 * Whether to colour: `--no-color` turns colour off, and so does `NO_COLOR`
 * set to anything but the empty string (https://no-color.org).
 */
export function colorWanted(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag && !env["NO_COLOR"];
}
