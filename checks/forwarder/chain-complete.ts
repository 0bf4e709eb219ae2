/**
 * Why this matters: forwarders get stacked — socat on the host's external
 * address relaying to a `kubectl port-forward` on 127.0.0.1, an ssh tunnel in
 * front of a socat — and each layer accepts connections whether or not the
 * next one works. The first hop looking healthy says nothing about the third:
 * following the chain listener by listener, to the pod or the remote address
 * where it ends, finds the layer that really drops the request.
 */
import { defineCheck, fail, isSourceError, pass, skip, type CheckContext, type HostListener } from "../../src/index.js";
import { bindCovers, formatHostPort, ipFamily, isAnyAddress, isIpLiteral, isLoopback, normalizeAddress, preferIpv4 } from "../../src/host/addresses.js";
import { FORWARDER_LABEL, parseForwarderCommand, upstreamOf, type ForwarderCommand } from "../../src/host/forwarders.js";
import { coveringListeners, describeOwner, sameSocket } from "../../src/host/listeners.js";
import { kubectlTargetState } from "./kube-target.js";

/** Longest chain followed. */
const MAX_HOPS = 6;

/** One hop of a forwarder chain, as reported in evidence. */
export interface ChainHop {
  /** `127.0.0.1:6385`. */
  listen: string;
  /** `socat (pid 5120)`. */
  owner: string;
  kind: ForwarderCommand["kind"];
  /** What the hop relays to, as its command line says (`localhost:6385`, `metal3-system/svc/x:6185`), or null. */
  upstream: string | null;
  /** Why the request stops here, or null. */
  problem: string | null;
  /** Bind-scope note: the listener covers loopback only while the path's address is not loopback. */
  scope: string | null;
}

/** The TCP upstream of socat / nc, with the family its address type fixes. */
function tcpUpstream(cmd: ForwarderCommand): { host: string; port: number; family: 4 | 6 | null } | null {
  if (cmd.kind === "socat") return cmd.upstream;
  if (cmd.kind === "nc") return cmd.upstream ? { ...cmd.upstream, family: null } : null;
  return null;
}

async function resolveHost(ctx: CheckContext, host: string, family: 4 | 6 | null): Promise<string | null> {
  if (isIpLiteral(host)) return normalizeAddress(host);
  const r = await ctx.host.resolve(host, ctx.signal);
  const all = preferIpv4(r.addresses.map(normalizeAddress));
  return (family ? all.filter((a) => ipFamily(a) === family) : all)[0] ?? null;
}

/** `socat (pid 5120) on 192.168.122.1:6385 → kubectl port-forward (pid 4321) on 127.0.0.1:6385 → metal3-system/svc/x:6185`. */
export function formatChain(hops: readonly ChainHop[]): string {
  const parts = hops.map((h) => `${h.owner} on ${h.listen}`);
  const last = hops.at(-1);
  if (last?.upstream && !last.problem?.includes("loop")) parts.push(last.upstream);
  return parts.join(" → ");
}

/**
 * Follow the chain from `start`: each socat/nc hop's upstream, when it is on
 * this host (loopback or a wildcard bind), leads to the listener that covers
 * it; the chain ends at a kubectl port-forward (checked against the cluster),
 * a remote address (probed), ssh (its upstream is on the ssh server),
 * docker-proxy (the container hop) or another process.
 */
export async function followChain(ctx: CheckContext, start: HostListener, clientAddress: string, listeners: readonly HostListener[]): Promise<ChainHop[]> {
  const hops: ChainHop[] = [];
  const visited: HostListener[] = [];
  let cur = start;
  let client = clientAddress;
  for (let i = 0; i < MAX_HOPS; i++) {
    const cmd = parseForwarderCommand(cur.command, cur.process);
    const hop: ChainHop = {
      listen: formatHostPort(cur.address, cur.port),
      owner: cmd.kind === "unknown" ? describeOwner(cur) : `${FORWARDER_LABEL[cmd.kind]}${cur.pid !== undefined ? ` (pid ${cur.pid})` : ""}`,
      kind: cmd.kind,
      upstream: upstreamOf(cmd, cur.port),
      problem: null,
      scope: null,
    };
    if (isLoopback(cur.address) && !isLoopback(clientAddress) && !isAnyAddress(clientAddress)) {
      hop.scope = `${hop.owner} listens on ${hop.listen} only, while the path's address ${clientAddress} is not loopback`;
    }
    hops.push(hop);
    visited.push(cur);
    if (cmd.kind === "kubectl-port-forward") {
      try {
        const state = await kubectlTargetState(ctx, cmd, cur.port);
        hop.upstream = `${state.namespace}/${state.ref}`;
        hop.problem = state.problem;
      } catch (e) {
        if (!isSourceError(e)) throw e;
        hop.problem = null; // cannot tell: the cluster could not be read
      }
      return hops;
    }
    if (cmd.kind !== "socat" && cmd.kind !== "nc") return hops;
    const up = tcpUpstream(cmd);
    if (!up) {
      if (cmd.kind === "nc") hop.problem = "`nc -l` without -c/-e/--sh-exec relays nothing";
      return hops;
    }
    const address = await resolveHost(ctx, up.host, up.family);
    if (!address) {
      hop.problem = `its upstream ${formatHostPort(up.host, up.port)} does not resolve`;
      return hops;
    }
    const local = isLoopback(address) || isAnyAddress(address) || listeners.some((l) => normalizeAddress(l.address) === address);
    if (local) {
      const next = coveringListeners(listeners, address, up.port).find((l) => !sameSocket(l, cur));
      const self = up.port === cur.port && bindCovers(cur.address, address);
      if (self && (!next || visited.some((v) => sameSocket(v, next)))) {
        hop.problem = `it relays to ${formatHostPort(up.host, up.port)}: itself (a forwarding loop; on Linux the inner listener cannot even bind beside a wildcard one, on macOS it can, and once it exits the outer one relays to itself)`;
        return hops;
      }
      if (next && visited.some((v) => sameSocket(v, next))) {
        hop.problem = `it relays to ${formatHostPort(up.host, up.port)}, back into ${describeOwner(next)} on ${formatHostPort(next.address, next.port)} (a forwarding loop)`;
        return hops;
      }
      if (next) {
        cur = next;
        client = address;
        continue;
      }
    }
    const r = await ctx.probe.tcp(address, up.port, ctx.options.probeTimeoutMs, ctx.signal);
    if (r.outcome !== "connected") {
      const where = formatHostPort(up.host, up.port) + (normalizeAddress(up.host) !== address ? ` (${address})` : "");
      hop.problem = local ? `nothing listens on ${where} (${r.outcome})` : `its upstream ${where} is ${r.outcome === "refused" ? "refusing connections" : r.outcome}`;
    }
    return hops;
  }
  void client;
  hops.at(-1)!.problem ??= `the chain is longer than ${MAX_HOPS} hops`;
  return hops;
}

export default defineCheck({
  id: "forwarder.chain-complete",
  code: "ND302",
  hop: "forwarder",
  title: "every hop of the forwarder chain reaches the next",
  after: ["host-port.listener-identified", "dns.name-resolves"],
  fixes: ["socat-forward"],
  explain: {
    meaning: "When the target port's forwarder relays to another forwarder on this host (socat → kubectl port-forward, ssh → socat …), every hop of the chain is followed — listener, its process, its upstream, the listener that covers that upstream — and each one reaches the next: the last socat/nc upstream accepts connections, the last kubectl port-forward still has a ready pod, and no hop leads back into the chain. Listeners bound to loopback while the path's address is not are named (the reason such chains exist).",
    causes: "The inner `kubectl port-forward` lost its pod (a restart or rollout) while the outer socat kept accepting; the inner forwarder exited and the outer one, listening on 0.0.0.0:P and relaying to localhost:P, now relays to itself (macOS lets both bind; Linux refuses the second bind with `Address already in use`); a tunnel relays to a port nobody listens on any more.",
    fix: "Replace the stack with one forwarder to a stable upstream: a socat forward on the address clients use to the Service's NodePort on a node (`netdoctor fix socat-forward`), or `kubectl port-forward --address <addr>` directly on the address the client dials.",
    links: ["http://www.dest-unreach.org/socat/doc/socat.html", "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_port-forward/"],
  },
  async run(ctx) {
    const target = ctx.target;
    const listener = ctx.facts.listener;
    if (!target || !listener) return skip("not applicable: no listener identified on the target port");
    let listeners: HostListener[] = [];
    try {
      listeners = await ctx.host.listeners(ctx.signal);
    } catch (e) {
      if (!isSourceError(e)) throw e;
    }
    const address = ctx.facts.address ?? ctx.options.hostAddress;
    const hops = await followChain(ctx, listener, address, listeners);
    const chain = formatChain(hops);
    const scope = hops.map((h) => h.scope).filter((s): s is string => !!s);
    const evidence = { chain: hops, address };
    const facts = { forwarderChain: hops.length >= 2 ? hops.map((h) => ({ listen: h.listen, owner: h.owner, kind: h.kind, upstream: h.upstream })) : null };
    if (hops.length < 2) return skip(`not applicable: ${hops[0]!.owner} on ${hops[0]!.listen} is not followed by another forwarder on this host (see forwarder.upstream-reachable)`, { evidence });
    const broken = hops.findIndex((h) => h.problem !== null);
    const scopeNote = scope.length ? ` Bind scope: ${scope.join("; ")} — which is why the outer hop exists; it must stay up for clients that dial ${address}.` : "";
    if (broken === 0) return skip(`not applicable: the first hop already fails (${hops[0]!.problem}); see forwarder.upstream-reachable`, { evidence, facts });
    if (broken > 0) {
      const h = hops[broken]!;
      const scopeShort = scope.length ? ` (bind scope: ${hops.filter((x) => x.scope).map((x) => `${x.owner} listens on ${x.listen} only`).join(", ")}, while the path's address ${address} is not loopback)` : "";
      return fail(`the forwarder chain ${chain} stops at hop ${broken + 1}, ${h.owner} on ${h.listen}: ${h.problem}${scopeShort}; expected every hop to reach the next`, {
        evidence,
        facts,
        fixes: ["socat-forward"],
        details: `Each outer hop accepts connections and then loses them at hop ${broken + 1}, so clients see resets or empty replies rather than "connection refused".${scopeNote} A socat forward straight to the Service's NodePort on a node survives pod restarts (\`netdoctor fix socat-forward\`).`,
      });
    }
    return pass(`the forwarder chain ${chain} reaches its end (${hops.length} hops)`, { evidence, facts, ...(scopeNote ? { details: scopeNote.trim() } : {}) });
  },
});
