/**
 * Why this matters: the request cannot leave the client until its host name
 * becomes an address, and the address decides which listener answers. Names
 * under `.localhost` are the classic trap: curl and browsers resolve them to
 * loopback themselves (RFC 6761), while Go, Python and kubectl-based tools ask
 * the system resolver, which often does not — "works in curl, fails in my
 * tool".
 */
import { defineCheck, fail, isSourceError, pass, skip, warn, type CheckContext, type HostListener, type Target } from "../../src/index.js";
import { formatHostPort, isIpLiteral, isLocalhostName, isLoopback, normalizeAddress, preferIpv4 } from "../../src/host/addresses.js";
import { coveringListeners, describeOwner } from "../../src/host/listeners.js";
import { describeResolverOrder, isMdnsName, mdnsStopsLocal } from "../../src/host/resolver.js";
import { identifyNode } from "../../src/host/node-direct.js";
import type { ResolverConfig } from "../../src/index.js";

/** The resolver's sources, when the host source can tell; never throws for a SourceError. */
async function resolverConfigFor(ctx: CheckContext): Promise<ResolverConfig | null> {
  if (!ctx.host.resolverConfig) return null;
  try {
    return await ctx.host.resolverConfig(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return null;
  }
}

/** The hosts file path and whether it names `host`; never throws for a SourceError. */
async function hostsFileFor(ctx: CheckContext, host: string): Promise<{ path: string; lists: boolean }> {
  try {
    const f = await ctx.host.hostsFile(ctx.signal);
    return { path: f.path, lists: f.entries.some((e) => e.names.some((n) => n.toLowerCase() === host)) };
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return { path: ctx.host.platform() === "win32" ? "C:\\Windows\\System32\\drivers\\etc\\hosts" : "/etc/hosts", lists: false };
  }
}

/**
 * True when `address` leads straight to a Kubernetes node (src/host/node-direct.ts):
 * a node's InternalIP/ExternalIP, a LoadBalancer IP ServiceLB published, or
 * an address of this host when this host is a node (k3s on a host or a VM).
 * False when that cannot be told (the API or nodes unreadable).
 */
async function reachesNodeDirectly(ctx: CheckContext, address: string): Promise<boolean> {
  try {
    const [nodes, services] = await Promise.all([ctx.kube.list("nodes", ctx.signal), ctx.kube.list("services", ctx.signal)]);
    const interfaces = ctx.host.interfaces ? await ctx.host.interfaces(ctx.signal).catch(() => null) : null;
    return identifyNode(address, interfaces, nodes, services).node !== null;
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return false;
  }
}

/**
 * The host listener a connection to `address:port` would reach, when this
 * host can tell: `address` is loopback or one of this host's interface
 * addresses, and a listening socket on `port` is bound to it or to the
 * wildcard (0.0.0.0 / ::, as docker-proxy binds a published port).
 * `unknown` when the listeners or (for a non-loopback address) the
 * interfaces cannot be read; never throws for a SourceError.
 */
async function listenerFor(ctx: CheckContext, address: string, port: number): Promise<{ listener: HostListener | null; local: boolean; onPort: number } | "unknown"> {
  let local = isLoopback(address);
  if (!local) {
    const interfaces = ctx.host.interfaces ? await ctx.host.interfaces(ctx.signal).catch(() => null) : null;
    if (!interfaces) return "unknown";
    local = interfaces.some((i) => normalizeAddress(i.address) === normalizeAddress(address));
  }
  let listeners: HostListener[];
  try {
    listeners = await ctx.host.listeners(ctx.signal);
  } catch (e) {
    if (!isSourceError(e)) throw e;
    return "unknown";
  }
  const onPort = listeners.filter((l) => l.port === port).length;
  return { listener: local ? (coveringListeners(listeners, address, port)[0] ?? null) : null, local, onPort };
}

/**
 * Whether the resolved address differs from where the cluster's ports are
 * published (`--host-address`) in a way that will go wrong: `warn` says what
 * will fail and what to do; `note` explains why a different address is still
 * fine (it reaches the same listener, e.g. 127.0.1.1 or the host's LAN
 * address while docker-proxy binds 0.0.0.0; or it is a node's own address).
 * Null when the address is the published one.
 */
async function scopeCheck(ctx: CheckContext, target: Target, address: string): Promise<{ warn: string; details: string } | { note: string } | null> {
  const published = ctx.options.hostAddress;
  if (!published) return null;
  if (normalizeAddress(address) === normalizeAddress(published)) return null;
  if (await reachesNodeDirectly(ctx, address)) return { note: `${address} is a Kubernetes node's own address` };
  const found = await listenerFor(ctx, address, target.port);
  const where = formatHostPort(address, target.port);
  if (found !== "unknown" && found.listener) {
    const l = found.listener;
    return { note: `the cluster's ports are published on ${published}, and ${describeOwner(l)} on ${formatHostPort(l.address, l.port)} also receives connections to ${where}` };
  }
  const bothLoopback = isLoopback(address) && isLoopback(published);
  // Two loopback addresses: harmless unless a listener on the port is known to miss this one (e.g. kubectl port-forward on 127.0.0.1 only, the name on 127.0.1.1).
  if (bothLoopback && (found === "unknown" || found.onPort === 0)) return null;
  const hostsPath = ctx.host.platform() === "win32" ? "C:\\Windows\\System32\\drivers\\etc\\hosts" : "/etc/hosts";
  const todo = `point ${target.host} at ${published} (\`${published} ${target.host.toLowerCase()}\` in ${hostsPath}), or bind the listener to 0.0.0.0 so every address of this host reaches it`;
  if (found === "unknown") {
    return {
      warn: `${target.host} resolves to ${address}, but the cluster's ports are published on ${published}; whether ${where} reaches them cannot be told (this host's sockets or addresses are not readable)`,
      details: `If the cluster's ports are bound to every address (0.0.0.0) this still works; if they are bound to ${published} only, connections to ${where} are refused: ${todo}.`,
    };
  }
  if (!found.local) {
    return {
      warn: `${target.host} resolves to ${address}, which is not an address of this host, but the cluster's ports are published on ${published}: requests go to another machine, not to this cluster`,
      details: `To reach this cluster, ${todo}.`,
    };
  }
  return {
    warn: `${target.host} resolves to ${address}, but the cluster's ports are published on ${published}: nothing listens on ${where} (nor on 0.0.0.0), so the connection will be refused`,
    details: `To fix it, ${todo}.`,
  };
}

export default defineCheck({
  id: "dns.name-resolves",
  code: "ND101",
  hop: "dns",
  title: "the target host name resolves",
  fixes: ["hosts-entry"],
  explain: {
    meaning: "The target's host name resolves to an address: an IP literal, a --resolve override, the loopback address for localhost and *.localhost (RFC 6761), or the system resolver's answer (hosts file, DNS). When it does not, the summary gives the exact hosts line to add and the details name every source the system resolver consults (hosts file path, the nsswitch.conf `hosts:` order, the resolv.conf nameservers). A name resolving away from where the cluster's ports are published (--host-address) warns only when that address misses the listener on the target port (a listener bound to 127.0.0.1 only while the name resolves to 127.0.1.1 or a LAN address) or is not an address of this host; when a wildcard bind (docker-proxy on 0.0.0.0) also receives it, the check passes and says so.",
    causes: "No hosts-file entry and no DNS record for a made-up development name (e.g. api.platform.test); the entry was written to a file the resolver does not read (a tool's own hosts file, a container's /etc/hosts); a `.local` name, which nsswitch hands to mDNS only (RFC 6762); a hosts entry pointing at an old VM address; the client tool does not implement RFC 6761 for *.localhost (Go, Python, kubectl-based tools ask the system resolver, which on many systems does not resolve them).",
    fix: "Add `127.0.0.1 NAME` (or the address where the cluster's ports are published) to the hosts file — `netdoctor fix hosts-entry` prints or applies it — or use a *.localhost name with a client that resolves it (curl ≥ 7.85, browsers).",
    links: ["https://www.rfc-editor.org/rfc/rfc6761#section-6.3", "https://github.com/curl/curl/pull/9296", "https://man7.org/linux/man-pages/man5/nsswitch.conf.5.html", "https://www.rfc-editor.org/rfc/rfc6762#section-3"],
  },
  async run(ctx) {
    const target = ctx.target;
    if (!target) return skip("not applicable: no target (environment run)");
    const host = target.host.toLowerCase();

    if (isIpLiteral(host)) {
      const address = normalizeAddress(host);
      const scope = await scopeCheck(ctx, target, address);
      const facts = { address };
      const evidence = { address, via: "literal" };
      if (scope && "warn" in scope) return warn(`${scope.warn}; the target is an IP literal`, { facts, evidence, details: scope.details });
      return pass(`${address} is an IP literal${scope ? `; ${scope.note}` : ""}`, { facts, evidence });
    }

    const override = ctx.options.resolve.find((r) => (r.host.toLowerCase() === host || r.host === "*") && r.port === target.port);
    if (override) {
      const address = normalizeAddress(override.address);
      const facts = { address };
      const evidence = { address, via: "--resolve", override: `${override.host}:${override.port}:${override.address}` };
      const scope = await scopeCheck(ctx, target, address);
      if (scope && "warn" in scope) return warn(`${scope.warn} (by --resolve)`, { facts, evidence, details: scope.details });
      return pass(`${target.host} resolved by --resolve to ${address}${scope ? `; ${scope.note}` : ""}`, { facts, evidence });
    }

    const answer = await ctx.host.resolve(host, ctx.signal);
    const systemAddresses = answer.addresses.map(normalizeAddress);

    if (isLocalhostName(host)) {
      // RFC 6761 §6.3: loopback, whatever the resolver says. Docker publishes on 0.0.0.0 and ::, so IPv4 loopback is the address to follow.
      const address = "127.0.0.1";
      const facts = { address };
      const evidence = { address, via: "rfc6761", system: systemAddresses, systemError: answer.error ?? null };
      let note: string;
      if (systemAddresses.length === 0) {
        note = `; the system resolver does not resolve it (${answer.error ?? "no address"}): curl ≥7.85 and browsers do, Go/Python/kubectl tools may not`;
      } else if (!systemAddresses.every(isLoopback)) {
        note = `; the system resolver disagrees (${systemAddresses.join(", ")}): curl ≥7.85 and browsers use loopback, Go/Python/kubectl tools use the resolver's answer`;
      } else {
        note = ` (system resolver agrees: ${systemAddresses.join(", ")})`;
      }
      const details =
        systemAddresses.length === 0
          ? `Tools that use the system resolver need a hosts-file entry \`127.0.0.1 ${host}\`; \`netdoctor fix hosts-entry\` prints it.`
          : undefined;
      const scope = await scopeCheck(ctx, target, address);
      if (scope && "warn" in scope) return warn(`${scope.warn}${note}`, { facts, evidence, details: details ? `${scope.details} ${details}` : scope.details });
      return pass(`${target.host} is a loopback name by RFC 6761: ${address}${note}${scope ? `; ${scope.note}` : ""}`, { facts, evidence, ...(details ? { details } : {}) });
    }

    if (systemAddresses.length === 0) {
      const hosts = await hostsFileFor(ctx, host);
      const cfg = await resolverConfigFor(ctx);
      const line = `${ctx.options.hostAddress || "127.0.0.1"} ${host}`;
      const order = cfg ? describeResolverOrder({ ...cfg, hostsPath: hosts.path }) : null;
      // RFC 6762: `.local` belongs to mDNS; with `mdns4_minimal [NOTFOUND=return]` before `dns` unicast DNS never sees it.
      const mdns = cfg && isMdnsName(host) && mdnsStopsLocal(cfg.nsswitchHosts);
      const notes = [
        order ? `The system resolver consults: ${order}. An entry written to any other file is never read.` : null,
        mdns ? `${host} is under .local, the mDNS domain (RFC 6762): nsswitch answers it from ${hosts.path} or mDNS and stops there ([NOTFOUND=return]), so no DNS server is ever asked.` : null,
      ].filter(Boolean).join(" ");
      return fail(`${target.host} does not resolve (${answer.error ?? "no address"}); expected the line \`${line}\` in ${hosts.path} or a DNS record`, {
        details: `Add \`${line}\` to ${hosts.path} (\`netdoctor fix hosts-entry\`), or use a name under .localhost, which curl ≥ 7.85 and browsers resolve to loopback on their own (RFC 6761; Go, Python and kubectl-based tools ask the system resolver instead).${notes ? ` ${notes}` : ""}`,
        evidence: {
          host,
          error: answer.error ?? null,
          hostsFile: hosts.path,
          line,
          ...(cfg ? { nsswitchHosts: cfg.nsswitchHosts, nameservers: cfg.nameservers, searchDomains: cfg.searchDomains, mdnsOnly: !!mdns } : {}),
        },
        fixes: ["hosts-entry"],
      });
    }

    const address = preferIpv4(systemAddresses)[0]!;
    const hosts = await hostsFileFor(ctx, host);
    const via = hosts.lists ? hosts.path : "the system resolver";
    const facts = { address };
    const evidence = { address, addresses: systemAddresses, via };
    const scope = await scopeCheck(ctx, target, address);
    if (scope && "warn" in scope) return warn(`${scope.warn} (via ${via})`, { facts, evidence, details: scope.details });
    return pass(`${target.host} resolves to ${systemAddresses.join(", ")} (via ${via})${scope ? `; ${scope.note}` : ""}`, { facts, evidence });
  },
});
