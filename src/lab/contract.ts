/**
 * What a running lab tells the netdoctor process that diagnoses it (DESIGN §8).
 *
 * `netdoctor lab DIR --print-env` prints `export` lines for `KUBECONFIG`,
 * `DOCKER_HOST` and `NETDOCTOR_LAB`; the last names a JSON file of this shape.
 * The live host and probe sources read it: the host source then reports the
 * scenario's host listeners and hosts file instead of this machine's, and the
 * probe source opens connections only to 127.0.0.0/8, answering other
 * addresses from `probeMap` or as unreachable without sending a packet.
 */
export interface LabState {
  /** Scenario name (`scenario.yaml` `name`). */
  scenario: string;
  /** Scenario directory the lab serves, absolute. */
  dir: string;
  /** Targets of the scenario with host ports remapped. */
  targets: string[];
  /** Targets written with request options (`{url, method, headers}`), URLs remapped as in `targets`; absent when none. */
  requests?: { url: string; method?: string; headers?: string[] }[];
  /** kubeconfig file the lab wrote (points at the API stand-in). */
  kubeconfig: string;
  /** Context name in that kubeconfig. */
  context: string;
  /** `unix:///…/docker.sock` of the Docker Engine API stand-in. */
  dockerHost: string;
  /** File with the scenario's host listeners (YAML list of HostListener, ports remapped). */
  listenersFile: string;
  /** File with the scenario's hosts-file content. */
  hostsFile: string;
  /** File with the scenario's `/etc/nsswitch.conf` content (optional: absent or missing file = none). */
  nsswitchFile?: string;
  /** File with the scenario's `/etc/resolv.conf` content (optional: absent or missing file = none). */
  resolvConfFile?: string;
  /**
   * File with the scenario's host interface addresses (YAML list of
   * `{ name, address, family?, internal? }`, the scenario's
   * `host/interfaces.yaml`). Optional: absent or missing file = loopback only.
   */
  interfacesFile?: string;
  /**
   * The scenario's `workdir/` directory, absolute: the working tree whose
   * recorded port-forwards (Makefile, scripts, package.json, skaffold.yaml …)
   * netdoctor reads instead of the current directory. Absent = none.
   */
  workdir?: string;
  /** Names the lab's resolver answers, beyond the hosts file (`localhost` is always loopback). */
  resolver: Record<string, string[]>;
  /**
   * Where a probe of `address:port` really goes. Keys are `address:port` as
   * the checks ask for them (a remapped host port on 127.0.0.1, or a node IP
   * such as `172.19.0.2:30080`), values the loopback `address:port` the lab
   * serves it on. A non-loopback address missing here is unreachable.
   */
  probeMap: Record<string, string>;
  /** Always true: the probe source refuses every address outside 127.0.0.0/8. */
  loopbackOnly: true;
  /** Host port remapping applied: original host port → port served. */
  portMap: Record<string, number>;
}

/** Environment variable naming the LabState file. */
export const LAB_ENV = "NETDOCTOR_LAB";
