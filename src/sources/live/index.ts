/**
 * The live sources of a diagnosis run (DESIGN §7), wired from the CLI
 * options. Client libraries (dockerode for ssh:// Docker hosts, execa for
 * macOS listeners, proxy agents) are imported only when a source first needs them, so importing
 * this module is cheap; the CLI should still import it with `await import()`
 * so `--version` and `--help` never load it.
 */
import { setMaxListeners } from "node:events";
import { homedir } from "node:os";
import type { LabState } from "../../lab/contract.js";
import { resolveDockerHost, type ResolvedDockerHost } from "../docker-host.js";
import type { KubeKind } from "../../kube/types.js";
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
  /** Per-request timeout of API server requests, default 10 000 ms; also of Docker requests when `dockerRequestTimeoutMs` is absent. */
  requestTimeoutMs?: number;
  /** Per-request timeout of Docker Engine requests in ms (a run passes `dockerRequestTimeoutMs(--timeout)`); default `requestTimeoutMs`, else 5 000 ms. */
  dockerRequestTimeoutMs?: number;
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
      docker: createDockerSource({ host: resolved.host, env, ...(opts.dockerRequestTimeoutMs !== undefined ? { requestTimeoutMs: opts.dockerRequestTimeoutMs } : timeout) }),
      host: createHostSource({ lab, env }),
      probe: createProbeSource({ lab }),
    },
    lab,
    dockerHost: resolved.host,
    dockerHostFrom: resolved,
  };
}

/**
 * The resource kinds a diagnosis lists (every check's reads together):
 * all KubeKinds but `customresourcedefinitions`, which only bundles read.
 * test/sources/live-index.test.ts keeps this in step with what a lab
 * diagnosis actually reads.
 */
export const DIAGNOSIS_KINDS: readonly KubeKind[] = [
  "namespaces",
  "nodes",
  "services",
  "endpointslices",
  "pods",
  "events",
  "deployments",
  "daemonsets",
  "ingresses",
  "ingressclasses",
  "networkpolicies",
  "gatewayclasses",
  "gateways",
  "httproutes",
  "referencegrants",
  "helmcharts",
];

/**
 * Start, all at once, every read a diagnosis makes of the API server and the
 * Docker daemon (`/version`, each list of DIAGNOSIS_KINDS, the Docker
 * version, containers and networks) and the host's listeners, hosts
 * file and interface addresses, so checks and discovery find them in flight instead of asking one
 * after another (issue 12: one round trip instead of one per check that
 * waited on another). The reads are the sources' memoised ones: a later
 * caller shares the same request. Failures are left for those callers to
 * see; nothing here rejects unobserved. `signal`: the run's deadline.
 */
export function startReads(sources: Sources, signal: AbortSignal): void {
  const quiet = (p: Promise<unknown>) => void p.catch(() => undefined);
  setMaxListeners(0, signal); // one listener per read in flight, by design
  let kube = true;
  try {
    sources.kube.info();
  } catch {
    kube = false; // no kubeconfig: every kube read would fail the same way, and checks say so
  }
  if (kube) {
    quiet(sources.kube.version(signal));
    for (const kind of DIAGNOSIS_KINDS) quiet(sources.kube.list(kind, signal));
  }
  quiet(sources.docker.version(signal));
  quiet(sources.docker.containers(signal));
  quiet(sources.docker.networks(signal));
  quiet(sources.host.listeners(signal));
  quiet(sources.host.hostsFile(signal));
  if (sources.host.interfaces) quiet(sources.host.interfaces(signal));
  if (sources.host.recordedForwards) quiet(sources.host.recordedForwards(signal));
}
