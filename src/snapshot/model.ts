/**
 * The snapshot model (DESIGN §8, §9): what a cluster and its host looked like,
 * as plain data. A lab scenario serves one, a bug-report bundle records one
 * together with the run that saw it (manifest + report), and the recorded
 * sources (`--from`) answer from a recorded one. Bundle, lab and recorded
 * sources each depend on this module, never on each other in a circle.
 */
import type { HostListener } from "../engine/types.js";
import type { RecordedForward } from "../host/recorded-forwards.js";
import { KIND_INFO, type KubeKind, type KubeObject } from "../kube/types.js";
import type { Environment, Report } from "../report/types.js";
import type { ContainerInspect, ContainerTop, HostInterface, NetworkInspect, SourceErrorCode } from "../sources/types.js";

/** A cluster and its host at one moment: the files under `cluster/`, `docker/` and `host/`, parsed. */
export interface ClusterSnapshot {
  /** Kubernetes objects (Lists flattened), in file order. */
  objects: KubeObject[];
  /** `docker inspect` objects (`docker/containers.json`); null when they were not recorded. */
  containers: ContainerInspect[] | null;
  /** `docker network inspect` objects (`docker/networks.json`, else []). */
  networks: NetworkInspect[];
  /** `GET /containers/{id}/top` answers by container name (`docker/top.json`, else {}). */
  top: Record<string, ContainerTop>;
  /** Files inside containers by container name, then absolute path (`docker/files.yaml`, e.g. a k3d v5 serverlb's /etc/confd/values.yaml). Optional; absent = none. */
  files?: Record<string, Record<string, string>>;
  /** `host/listeners.yaml`, or null when not recorded. */
  listeners: HostListener[] | null;
  /** `host/hosts` content, or null. */
  hosts: string | null;
  /**
   * This host's interface addresses (`host/interfaces.yaml` in a scenario,
   * `host/interfaces.json` in a bundle), to tell whether a node is this host;
   * null or absent when not recorded (the lab then serves loopback only). Optional.
   */
  interfaces?: HostInterface[] | null;
  /**
   * Port-forwards the working tree recorded (`host/recorded-forwards.json`
   * in a bundle; a scenario gives a `workdir/` instead); null or absent when
   * not recorded. Optional.
   */
  recordedForwards?: RecordedForward[] | null;
  /** Name → addresses the resolver answers (names that did not resolve map to []). */
  resolver: Record<string, string[]>;
}

/** Something the bundle writer could not collect, normalised from `manifest.json`. */
export interface BundleFailure {
  /** Which source the collector read: a kube kind list, docker, host files, pod logs. */
  source: "kube" | "docker" | "host" | "logs" | "other";
  /** What was read: a kind plural (`events`), `version` for the whole API server, `listeners`, `containers` … */
  subject: string;
  /** The SourceError code the live read failed with (given by the manifest, or derived from its message: 403 → `forbidden`). */
  code: SourceErrorCode;
  /** One line, as recorded. */
  message: string;
}

/** `manifest.json`, with the fields readers rely on picked out (everything else is kept in `raw`). */
export interface BundleManifest {
  raw: Record<string, unknown>;
  /** netdoctor version that wrote the bundle, when recorded. */
  toolVersion: string | null;
  /** When the bundle was written (ISO 8601), when recorded. */
  createdAt: string | null;
  /** `manifest.environment` merged over `report.environment` (the manifest wins). */
  environment: Partial<Environment> & { platform?: string };
  /** Command-line flags of the recorded run (`resolve`, `namespace`, …): `flags` or `command.flags`, as recorded. */
  flags: Record<string, unknown>;
  /** What could not be collected, and why. */
  failures: BundleFailure[];
  /** Lower-cased text of the manifest's record of what was collected (`collected`), to ask "was kind X collected?". */
  collectedText: string;
}

/** A snapshot together with the run that recorded it: what the recorded sources serve. */
export interface RecordedRun extends ClusterSnapshot {
  manifest: BundleManifest;
  /** The recorded run's JSON report (schemaVersion 1). */
  report: Report;
  /** The directory holding the bundle's `logs/<namespace>/<pod>/<container>.log`, when its files are on disk (an opened bundle). */
  dir?: string;
}

const KINDS = Object.keys(KIND_INFO) as KubeKind[];

/** The kube kind plural a collector name or subject names (`kube/events`, `cluster/_cluster/nodes`, `HTTPRoute`, `httproutes.gateway.networking.k8s.io`). */
export function kindIn(text: string): KubeKind | null {
  const words = text.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  for (const k of KINDS) if (words.includes(k)) return k;
  for (const k of KINDS) if (words.includes(KIND_INFO[k].kind.toLowerCase())) return k;
  return null;
}
