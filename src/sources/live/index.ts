/**
 * The live sources of a diagnosis run (DESIGN §7), wired from the CLI
 * options. Client libraries (@kubernetes/client-node, dockerode, execa,
 * undici) are imported only when a source first needs them, so importing
 * this module is cheap; the CLI should still import it with `await import()`
 * so `--version` and `--help` never load it.
 */
import { homedir } from "node:os";
import type { LabState } from "../../lab/contract.js";
import { resolveDockerHost, type ResolvedDockerHost } from "../docker-host.js";
import type { Sources } from "../types.js";
import { createDockerSource } from "./docker.js";
import { createHostSource } from "./host.js";
import { createKubeSource } from "./kube.js";
import { readLabState } from "./lab-state.js";
import { createProbeSource } from "./probe.js";

/** CLI options the live sources read (DESIGN §3). */
export interface LiveSourceOptions {
  /** `--kubeconfig`. */
  kubeconfig?: string;
  /** `--context`. */
  context?: string;
  /** `--docker-host`. */
  dockerHost?: string;
  /** Environment (`KUBECONFIG`, `DOCKER_HOST`, `DOCKER_CONTEXT`, `NETDOCTOR_LAB`, `HOME`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout of API server and Docker requests, default 10 000 ms. */
  requestTimeoutMs?: number;
}

/** The wired sources, the lab they serve (if any) and the resolved docker host. */
export interface LiveSources {
  sources: Sources;
  /** The LabState from `NETDOCTOR_LAB`, or null outside the lab. */
  lab: LabState | null;
  /** Resolved docker host URL (`unix:///var/run/docker.sock` …). */
  dockerHost: string;
  /** Where the docker host came from (flag, env, docker context, platform socket). */
  dockerHostFrom: ResolvedDockerHost;
}

/**
 * Create the four live sources. Reads `NETDOCTOR_LAB` (throws SourceError
 * `invalid-config` when it names an unreadable file); a kubeconfig problem
 * does not throw here — it surfaces from `kube.info()` and every kube read.
 */
export function createLiveSources(opts: LiveSourceOptions = {}): LiveSources {
  const env = opts.env ?? process.env;
  const lab = readLabState(env);
  const resolved = resolveDockerHost({ flag: opts.dockerHost, env, home: env.HOME || env.USERPROFILE || homedir() });
  const timeout = opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {};
  return {
    sources: {
      kube: createKubeSource({ kubeconfig: opts.kubeconfig, context: opts.context, env, ...timeout }),
      docker: createDockerSource({ host: resolved.host, env, ...timeout }),
      host: createHostSource({ lab, env }),
      probe: createProbeSource({ lab }),
    },
    lab,
    dockerHost: resolved.host,
    dockerHostFrom: resolved,
  };
}
