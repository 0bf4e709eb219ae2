/**
 * Core contracts of netdoctor: hops, checks, outcomes, the context a check
 * reads the world through, and the facts checks hand to the checks after them.
 *
 * Source: ../shared/DESIGN.md §2 (hops), §6 (check contract), §7 (sources).
 * This module imports nothing but other type modules: the engine has no view
 * and no client library.
 */
import type { DockerSource, HostSource, KubeSource, ProbeSource, TcpResult } from "../sources/types.js";
import type { GatewayImplementationId } from "../gateway/implementations.js";

/** Hop ids in path order, from the client inward (DESIGN §2, contract). */
export const HOPS = ["dns", "host-port", "forwarder", "container", "service", "gateway", "route", "backend"] as const;

/** One layer of the request path. */
export type Hop = (typeof HOPS)[number];

/** A hop as it appears in reports: path hops plus `env` for environment checks. */
export type ReportHop = Hop | "env";

/** The status a check's `run` may return. */
export type OutcomeStatus = "pass" | "warn" | "fail" | "skip";

/** The status of a check in a report: an outcome status, or `error` when the check threw. */
export type CheckStatus = OutcomeStatus | "error";

/** The status of a path or a run: the worst status over its checks (`skip` counts as pass, `error` as fail). */
export type PathStatus = "pass" | "warn" | "fail";

/** Fix ids (DESIGN §5, contract). */
export type FixId =
  | "remove-traefik"
  | "service-to-nodeport"
  | "socat-forward"
  | "kind-port-mapping"
  | "k3d-port-mapping"
  | "hosts-entry";

/** The request a path diagnoses. `port` is the TCP port the client connects to. */
export interface Target {
  /** The URL as the user gave it, normalised (`http://host:port/path`). */
  url: string;
  scheme: "http" | "https";
  /** Host name or IP literal, lower-cased, without port and brackets. */
  host: string;
  /** TCP port (default 80 for http, 443 for https). */
  port: number;
  /** Path with query, always starting with `/`. */
  path: string;
  /** `-X/--request`: the method sent and matched, upper-case; absent = GET (not given). */
  method?: string;
  /**
   * `-H/--header`, in the order given, names as typed; absent = none. A
   * `Host` entry replaces the Host header sent and is the host route
   * matching uses; the connection still goes to `host` (src/engine/request.ts).
   */
  headers?: RequestHeader[];
}

/** One request header as `-H` gave it. */
export interface RequestHeader {
  /** As typed (header names are case-insensitive, RFC 9110 §5.1). */
  name: string;
  /** Trimmed; may be empty (`-H 'Name;'`). */
  value: string;
}

/** A `--resolve HOST:PORT:ADDR` override, as curl takes it. */
export interface ResolveOverride {
  host: string;
  port: number;
  address: string;
}

/** Run-wide options a check may read. */
export interface CheckOptions {
  /** `--resolve` overrides, in the order given. */
  resolve: ResolveOverride[];
  /** Where host-published ports are reached (`--host-address`), e.g. `127.0.0.1`. */
  hostAddress: string;
  /** `-n/--namespace` when given: narrows discovery; checks may prefer it. */
  namespace: string | null;
  /** Timeout of one probe attempt, in milliseconds. */
  probeTimeoutMs: number;
}

/**
 * What one check sees. Checks read the world only through these sources, so
 * the same check runs live, against a bundle and against the lab.
 */
export interface CheckContext {
  /** The path's target; null for environment checks (hop `env`). */
  target: Target | null;
  kube: KubeSource;
  docker: DockerSource;
  host: HostSource;
  probe: ProbeSource;
  /** Facts published by the checks this one depends on (directly or transitively). */
  facts: PathFacts;
  options: CheckOptions;
  /** Aborted at the run's deadline; pass it to every source call. */
  signal: AbortSignal;
}

/** What a check returns (DESIGN §6, contract). */
export interface CheckOutcome {
  status: OutcomeStatus;
  /** One line that names the objects involved: "observed; expected". */
  summary: string;
  /** The explanation a newcomer needs. */
  details?: string;
  /** What was observed, machine-readable. */
  evidence?: Record<string, unknown>;
  /** What later checks on the path may read: the next hop's identity. */
  facts?: Partial<PathFacts>;
  /** Fix ids this outcome recommends (a subset of the check's `fixes`). */
  fixes?: FixId[];
  /**
   * Check ids that may cause this finding, in order of preference (e.g.
   * `["service.port-free"]` for a LoadBalancer whose svclb pods are Pending).
   * After the run the engine links the first of them that found a problem on
   * the same path (or in the environment) as this check's `causedBy`.
   * Optional; ignored on a pass or skip.
   */
  causedBy?: string[];
  /**
   * Check ids whose findings this one causes (the other direction, for a check
   * that runs after its consequence, e.g. an ingress controller Pending on no
   * labelled node causes "no hostPort 80 on the node"). Linked only when the
   * consequence found a problem and names no cause of its own. Optional.
   */
  causes?: string[];
  /**
   * Likely reasons for this very finding when the end-to-end request reaches
   * the application anyway (e.g. the NetworkPolicy that admits only the
   * gateway), replacing the check's general `contradiction` sentence in
   * `overruled.likely`. Optional; used only when the probe overrules a fail.
   */
  contradiction?: string;
}

/** A check: data plus one function (DESIGN §6, contract). */
export interface Check {
  /** `<hop>.<subject>-<healthy-predicate>`, kebab-case, e.g. `route.host-matches`. */
  id: string;
  /** `ND` + 3 digits, grouped by hop (0xx env … 8xx backend, 9xx probe). Stable forever. */
  code: string;
  hop: ReportHop;
  /** Lower-case statement of the healthy state, reads after ✔/✖. */
  title: string;
  /** Check ids; when one fails, errors or is skipped, this one is skipped with `blockedBy`. */
  dependsOn?: string[];
  /** Check ids whose facts this check reads but whose failure does not block it. */
  after?: string[];
  /** Fix ids this check may recommend. */
  fixes?: FixId[];
  /** What it means, why it happens, how to fix it (for `netdoctor explain`). */
  explain?: { meaning: string; causes: string; fix: string; links?: string[] };
  /**
   * Likely reasons this check can find a failure while the end-to-end request
   * reaches the application anyway (one sentence, e.g. "a NetworkPolicy that
   * admits only the gateway's namespace blocks the API server"). Shown when
   * the probe overrules the check's `fail` (DESIGN §2 evidence precedence);
   * optional — without it a generic sentence is used.
   */
  contradiction?: string;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** A host listening socket with its owning process (DESIGN §8 `host/listeners.yaml` shape). */
export interface HostListener {
  /** Bind address: `127.0.0.1`, `0.0.0.0`, `::`, `::1`, … */
  address: string;
  port: number;
  pid?: number;
  /** Process name (comm), e.g. `docker-proxy`, `kubectl`, `socat`. */
  process?: string;
  /** Full command line, arguments joined by single spaces. */
  command?: string;
  /**
   * When the owning process started (RFC 3339, UTC), when the host collector
   * can tell: Linux `/proc/PID/stat` starttime after `/proc/stat` btime,
   * macOS `ps -o lstart=`. Tells which cluster objects a long-running
   * forwarder (a `kubectl port-forward`, which attaches to one pod when it
   * starts) predates. Absent = not known.
   */
  startedAt?: string;
}

/** A userspace forwarder that owns the target port. */
export interface ForwarderFact {
  kind: "socat" | "kubectl-port-forward" | "ssh" | "nc" | "docker-proxy" | "rancher-desktop-port-forward" | "unknown";
  pid: number | null;
  /** `host:port` the forwarder relays to, when it can be told; null otherwise. */
  upstream: string | null;
  command: string | null;
}

/** One hop of a forwarder chain: the socket, the process that owns it, and where it relays. */
export interface ForwarderHop {
  /** `address:port` the hop listens on. */
  listen: string;
  /** The owning process, e.g. `socat (pid 5120)`. */
  owner: string;
  kind: ForwarderFact["kind"] | string;
  /** Where it relays (`host:port`, or `ns/svc/name:port` for kubectl port-forward); null when unknown. */
  upstream: string | null;
}

/** The container that publishes the target port. */
export interface ContainerFact {
  id: string;
  name: string;
  /** `k3d-serverlb` (k3d load balancer), `k3d-node`, `kind-node`, or `other`. */
  role: "k3d-serverlb" | "k3d-node" | "kind-node" | "other";
  /** Cluster name from the k3d / kind labels, or null. */
  cluster: string | null;
  hostIp: string;
  hostPort: number;
  /** The container port the host port maps to: what the node sees the request on. */
  containerPort: number;
  protocol: "tcp" | "udp" | "sctp";
  running: boolean;
  /** Addresses of the container on its networks, keyed by network name. */
  networks: Record<string, string>;
  /**
   * True when Docker could not be asked and the fact was inferred from a
   * docker-proxy command line (`-container-ip`/`-container-port`) plus the
   * cluster's Nodes and the kube context: then `id` is `""`, `networks` has
   * the container IP under `unknown`, and `running` only reflects that a
   * docker-proxy exists (Docker runs it while the container's endpoint is
   * up), not an inspected state. Absent when read from `docker inspect`.
   */
  inferred?: boolean;
}

/** The Service that takes the traffic from the node. */
export interface ServiceFact {
  namespace: string;
  name: string;
  type: string;
  /** Service port (`spec.ports[].port`) the request arrives on. */
  port: number;
  /** `spec.ports[].nodePort`, when the Service has one. */
  nodePort: number | null;
  /** `spec.ports[].targetPort` as written (number or named port). */
  targetPort: number | string | null;
  /**
   * How the node hands the port to the Service; `port-forward`: no node port at
   * all — a `kubectl port-forward svc/NAME` carries the request through the API
   * server to a pod of the Service (the documented way to reach a Gateway on
   * kind without a LoadBalancer: Envoy Gateway's quickstart, Istio's kind page),
   * or a forward to a pod or workload carries it to a pod this Service routes
   * that container port to (the Service port is the one whose targetPort it is).
   */
  via: "svclb" | "nodeport" | "hostport" | "loadbalancer-ip" | "cluster-ip" | "port-forward";
  /**
   * Set when the pods behind the entry are a gateway / ingress data-plane
   * proxy (recognised from their images, src/kube/proxies.ts): the entry is
   * the proxy of the path, not its application. Absent or null otherwise.
   */
  proxy?: { implementation: string; image: string; pods: string[]; nodes: string[] } | null;
}

/** The Gateway (and listener) behind the entry Service. */
export interface GatewayFact {
  namespace: string;
  name: string;
  className: string | null;
  /** Name of the listener that serves the port, or null when none does. */
  listener: string | null;
  /** The listener port: the Service port that carries it. */
  port: number;
  /** Implementation id from src/gateway/implementations.ts; `other` = generic (Gateway status and addresses only). */
  implementation: GatewayImplementationId;
}

/** The route (and rule) the Gateway API rules select for host, port and path. */
export interface RouteFact {
  kind: "HTTPRoute" | "Ingress";
  namespace: string;
  name: string;
  /** Index of the rule in `spec.rules`. */
  rule: number;
  /**
   * Ingress only: true when the Ingress's `spec.defaultBackend` serves the
   * request (no rule path matched); `rule` is then the host rule the request
   * fell through, or 0 for an Ingress without rules. Absent = false.
   */
  defaultBackend?: boolean;
}

/** The backend Service the selected rule sends to. */
export interface BackendFact {
  namespace: string;
  name: string;
  port: number;
}

/**
 * The ingress controller behind the entry Service (gateway hop, when the path
 * has an Ingress controller instead of a Gateway proxy).
 */
export interface IngressControllerFact {
  /** Namespace of the controller's Service (or pods). */
  namespace: string;
  /** The controller's Service (e.g. `ingress-nginx-controller`, `traefik`), or its Deployment when no Service selects the pod. */
  name: string;
  implementation: "ingress-nginx" | "traefik" | "contour";
  /** IngressClass `spec.controller` value it claims: `k8s.io/ingress-nginx`, `traefik.io/ingress-controller`; `""` for Contour (it matches class names). */
  controller: string;
  /** Names of the IngressClasses whose `spec.controller` is `controller`. */
  classNames: string[];
  /** `kubernetes.io/ingress.class` annotation values it answers (ingress-nginx `--ingress-class`); for Contour every class name it serves (`--ingress-class-name`, default `contour`). */
  annotationClasses: string[];
  /** Whether it serves Ingresses without any class (ingress-nginx `--watch-ingress-without-class`, traefik default). */
  watchWithoutClass: boolean;
}

/**
 * The Kubernetes node a path's address reaches directly, without a node
 * container: k3s (or RKE2) installed on this host, or on a VM or machine
 * reached by its address (Colima, Rancher Desktop, Lima, multipass, a
 * Raspberry Pi). The node itself takes the port (k3s ServiceLB / hostPort
 * DNAT rules, kube-proxy NodePorts).
 */
export interface NodeFact {
  /** Node name (`metadata.name`). */
  name: string;
  /** The node address the path reaches it by (one of its `status.addresses`). */
  address: string;
  /** Type of that address in `status.addresses`: `InternalIP`, `ExternalIP`, `Hostname`. */
  addressType: string;
  /** True when the node is this host (one of its addresses is an address of this host's interfaces). */
  local: boolean;
  /** How the target address leads to the node: this host's own address (loopback included), the node's address, or a LoadBalancer ingress IP ServiceLB published. */
  via: "this-host" | "node-address" | "load-balancer-ip" | "vm-forwarder";
  /**
   * With `via: "vm-forwarder"`: the desktop VM tool whose port forwarder owns
   * the target port on this host and carries it into the VM that is this node
   * (Lima, Colima, Rancher Desktop; src/host/vm-forwarders.ts). Absent otherwise.
   */
  forwardedBy?: {
    tool: "lima" | "colima" | "rancher-desktop";
    /** Lima instance name (`colima`, `0`, `k3s`), or null when not shown. */
    instance: string | null;
    /** `hostagent` (limactl hostagent listens) or `ssh-mux` (Lima's ssh ControlMaster listens). */
    mechanism: "hostagent" | "ssh-mux";
    /** The forwarder's listening socket, `127.0.0.1:8080`. */
    listen: string;
    pid: number | null;
    /** The host agent's log, where it records each `Forwarding TCP from …` and `Not forwarding TCP …`. */
    log: string;
  };
}

/**
 * Facts along one path: each hop's identity, as resolved by the checks so
 * far. `undefined` = not resolved (yet); `null` = resolved as "does not apply".
 */
export interface PathFacts {
  /** Address the target host resolves to (dns hop). */
  address?: string;
  /** Outcome of the TCP connect to `address` and the target port (host-port.accepts-connections); absent = not tried. */
  connect?: TcpResult["outcome"];
  listener?: HostListener | null;
  forwarder?: ForwarderFact | null;
  /** Every hop of a chain of forwarders on this host (socat → kubectl port-forward …), client side first; set only for chains of two or more. */
  forwarderChain?: ForwarderHop[] | null;
  /** The node the address reaches directly (no node container); null = the address is not a node's. */
  node?: NodeFact | null;
  container?: ContainerFact | null;
  service?: ServiceFact | null;
  gateway?: GatewayFact | null;
  /** The ingress controller behind the entry Service; null = the entry is not an ingress controller. */
  ingressController?: IngressControllerFact | null;
  route?: RouteFact | null;
  backend?: BackendFact | null;
}
