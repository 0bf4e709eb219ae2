/**
 * The JSON report (DESIGN §4, contract, `schemaVersion: 1`) and the run events
 * every reporter consumes (STYLE: one event stream, many reporters).
 * `schema/report.schema.json` describes the same shape; tests validate real
 * reports against it.
 */
import type { CheckStatus, FixId, Hop, PathStatus, ReportHop, Target } from "../engine/types.js";
import type { ProbeSignature } from "../sources/types.js";

/** One check's result in a report. */
export interface CheckResult {
  id: string;
  code: string;
  hop: ReportHop;
  title: string;
  status: CheckStatus;
  summary: string;
  details?: string;
  evidence?: Record<string, unknown>;
  fixes: FixId[];
  /** Id of the check whose failure or skip blocked this one; null otherwise. */
  blockedBy: string | null;
  durationMs: number;
  /**
   * Present when the check found a failure but the end-to-end probe got the
   * application's answer (DESIGN §2 evidence precedence): the check is then
   * reported as `warn`. `was` is the status the check returned, `probe` what
   * the probe got ("HTTP 200"), `likely` the likely reasons for the
   * contradiction. Optional, additive to schemaVersion 1.
   */
  overruled?: { was: "fail"; probe: string; likely: string };
  /**
   * Code of the finding that causes this one (e.g. `ND502` for a LoadBalancer
   * that stays Pending because traefik's svclb holds the port): this check is a
   * consequence, and the headline and the offered fix name the cause.
   * Optional, additive to schemaVersion 1.
   */
  causedBy?: string;
  /**
   * Present when a suppression in the configuration file matches this
   * finding (issue 13 §4): the finding keeps its status, is listed as
   * suppressed with the reason, and does not count toward the path's status,
   * its verdict or `--fail-on`. Optional, additive to schemaVersion 1.
   */
  suppressed?: { reason: string };
}

/** Where the path stops: the failing check on the hop closest to the client. */
export interface Verdict {
  hop: Hop;
  checkId: string;
  code: string;
  summary: string;
  /**
   * When the verdict's check is a consequence (`causedBy`), the finding at the
   * end of that chain: the headline and the offered fix name it. Optional,
   * additive to schemaVersion 1.
   */
  rootCause?: { hop: ReportHop; checkId: string; code: string; summary: string };
}

/** The end-to-end probe's outcome, as reported. */
export interface ProbeReport {
  outcome: "http" | "refused" | "reset" | "timeout" | "empty-reply" | "unreachable" | "error" | "not-run";
  status?: number;
  signature: ProbeSignature | null;
  durationMs: number;
  /** The hop the signature points to; null for success or not run. */
  hop?: Hop | null;
  error?: string;
}

/** The objects a request traverses (a traceroute through Docker and Kubernetes objects). */
export interface Resolution {
  address: string | null;
  listener: { address: string; port: number; process: string | null; pid: number | null } | null;
  /** The forwarder that owns the port; `chain` lists every hop when forwarders relay to forwarders (socat → kubectl port-forward …). */
  forwarder: { kind: string; pid: number | null; upstream: string | null; chain?: { listen: string; owner: string; kind: string; upstream: string | null }[] } | null;
  container: { name: string; hostPort: number; containerPort: number } | null;
  /** The node the address reaches directly (k3s on this host or a VM, no node container); absent on older reports. */
  node?: {
    name: string;
    address: string;
    local: boolean;
    /** The desktop VM tool (`lima`, `colima`, `rancher-desktop`) whose port forwarder carries the port into this node's VM, its Lima instance and the forwarder's socket; absent when the address reaches the node directly. */
    forwardedBy?: { tool: string; instance: string | null; listen: string };
  } | null;
  service: { namespace: string; name: string; type: string; port: number } | null;
  gateway: { namespace: string; name: string; listener: string | null } | null;
  route: { kind: "HTTPRoute" | "Ingress"; namespace: string; name: string; rule: number } | null;
  backend: { namespace: string; name: string; port: number } | null;
}

/** Per-hop summary of a path. */
export interface HopSummary {
  hop: Hop;
  /** Worst status of the hop's checks; `skip` when every check was skipped. */
  status: CheckStatus;
  summary: string;
}

export interface PathReport {
  /** `method` and `headers` only when `-X` / `-H` were given (additive, DESIGN §3). */
  target: { url: string; host: string; port: number; path: string; method?: string; headers?: { name: string; value: string }[] };
  status: PathStatus;
  verdict: Verdict | null;
  /**
   * What the status rests on (DESIGN §2 evidence precedence): `probe` when the
   * end-to-end request was sent and its answer decided or confirmed the
   * status; `static` when the probe could not run (the name did not resolve,
   * the lab does not reach the address), so only the static checks decided.
   * Optional, additive to schemaVersion 1.
   */
  basis?: "probe" | "static";
  probe: ProbeReport;
  resolution: Resolution;
  hops: HopSummary[];
  checks: CheckResult[];
}

export interface FixReport {
  id: FixId;
  title: string;
  risk: "safe" | "disruptive";
  forChecks: string[];
  steps: string[];
  applied: boolean;
}

export interface Environment {
  flavor: "k3d" | "kind" | "k3s" | "generic" | "none";
  cluster: string | null;
  context: string | null;
  apiServer: string | null;
  dockerHost: string | null;
  hostAddress: string;
}

/**
 * What discovery found when no TARGET was given (DESIGN §3): a one-line
 * summary and the entry points it diagnosed, each with the chain of objects
 * that led to it. Absent when targets were given.
 */
export interface DiscoveryReport {
  /** `k3d cluster openchoreo, traefik disabled, kgateway: 1 Gateway, 3 HTTPRoutes; entry points: 3`. */
  summary: string;
  entryPoints: { url: string; why: string }[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: "netdoctor"; version: string };
  startedAt: string;
  durationMs: number;
  status: PathStatus;
  environment: Environment;
  checks: CheckResult[];
  paths: PathReport[];
  fixes: FixReport[];
  /** Present when the targets were discovered (no TARGET given). */
  discovery?: DiscoveryReport;
  /** Present for `--from BUNDLE`: this is an offline analysis of a recording, not of the cluster as it is now. */
  recording?: RecordingInfo;
}

/**
 * Where an offline analysis (`--from BUNDLE`) got its data: the bundle as
 * named, when it was recorded and by which netdoctor. Probes in such a run
 * report their recorded outcomes; nothing was sent to the cluster.
 */
export interface RecordingInfo {
  /** The bundle as the user named it (a .tar.gz or an extracted directory). */
  bundle: string;
  /** When the bundle was written (ISO 8601, from its manifest), or null when it does not say. */
  recordedAt: string | null;
  /** The netdoctor version that wrote it, or null when it does not say. */
  recordedBy: string | null;
}

/**
 * Run events, in order: `run-start`, then for env checks and each path
 * `check-start`/`check-end` (interleaved: checks run concurrently),
 * `probe-end`, `path-end`, and finally `run-end` with the whole report.
 * A path check that found a failure gets its `check-end` after its path's
 * `probe-end`, once evidence precedence (DESIGN §2) has decided whether the
 * fail stands or becomes a warn.
 * `path` is the index into `report.paths`, or null for environment checks.
 */
export type RunEvent =
  | {
      type: "run-start";
      startedAt: string;
      targets: Target[];
      checks: { id: string; hop: ReportHop; title: string; path: number | null }[];
      /** What is known about the environment before any check ran (e.g. the kubeconfig context); optional. */
      environment?: Partial<Environment>;
      /** What discovery found, when the targets were discovered; optional. */
      discovery?: DiscoveryReport;
      /** For `--from BUNDLE`: the recording analysed; optional. */
      recording?: RecordingInfo;
    }
  | { type: "check-start"; path: number | null; id: string }
  | { type: "check-end"; path: number | null; result: CheckResult }
  | { type: "probe-end"; path: number; probe: ProbeReport }
  | { type: "path-end"; path: number; report: PathReport }
  | { type: "run-end"; report: Report };

/** A reporter: consumes run events. The engine never writes to stdout itself. */
export type RunListener = (event: RunEvent) => void;
