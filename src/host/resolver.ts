/**
 * Pure parsers for the files that decide how the system resolver answers a
 * name, and the rules that explain an answer.
 *
 * Sources: nsswitch.conf(5) (`hosts: files mdns4_minimal [NOTFOUND=return] dns`,
 * actions in brackets apply to the source before them), resolv.conf(5)
 * (`nameserver ADDR`, `search DOMAIN…`, `domain D`; `#` and `;` start
 * comments), RFC 6762 (`.local` is the mDNS domain: nss-mdns'
 * `mdns4_minimal [NOTFOUND=return]` answers it and stops the lookup before
 * DNS), systemd-resolved (a `nameserver 127.0.0.53` stub).
 */

/** The sources of the `hosts:` line of nsswitch.conf text, in order; brackets kept as single items (`[NOTFOUND=return]`). Empty when no `hosts:` line. */
export function parseNsswitchHosts(text: string): string[] {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    const m = /^hosts\s*:\s*(.*)$/i.exec(line);
    if (!m) continue;
    return m[1]!.match(/\[[^\]]*\]|[^\s[]+/g) ?? [];
  }
  return [];
}

/** `nameserver` addresses and `search`/`domain` domains of resolv.conf text, in file order (the last `search`/`domain` wins, as in glibc). */
export function parseResolvConf(text: string): { nameservers: string[]; searchDomains: string[] } {
  const nameservers: string[] = [];
  let searchDomains: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*/, "").trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === "nameserver" && rest[0]) nameservers.push(rest[0]);
    else if ((key === "search" || key === "domain") && rest.length) searchDomains = rest;
  }
  return { nameservers, searchDomains };
}

/** True for a name in the mDNS domain `.local` (RFC 6762 §3); a trailing dot is allowed. */
export function isMdnsName(name: string): boolean {
  return /\.local\.?$/i.test(name);
}

/**
 * True when the nsswitch `hosts:` order ends a `.local` lookup at mDNS: an
 * `mdns*_minimal` source followed by `[NOTFOUND=return]` before `dns`
 * (Debian/Ubuntu default with libnss-mdns), so unicast DNS never sees it.
 */
export function mdnsStopsLocal(nsswitchHosts: readonly string[]): boolean {
  const dns = nsswitchHosts.indexOf("dns");
  for (let i = 0; i < nsswitchHosts.length - 1; i++) {
    if (!/^mdns[46]?_minimal$/.test(nsswitchHosts[i]!)) continue;
    const action = nsswitchHosts[i + 1]!.toLowerCase().replace(/\s+/g, "");
    if (/^\[.*notfound=return.*\]$/.test(action) && (dns < 0 || dns > i)) return true;
  }
  return false;
}

/** True for the systemd-resolved stub listener (`127.0.0.53`, `127.0.0.54`). */
export function isResolvedStub(address: string): boolean {
  return address === "127.0.0.53" || address === "127.0.0.54";
}

/**
 * One sentence naming the sources the system resolver consults, e.g.
 * `/etc/hosts, then mdns4_minimal [NOTFOUND=return], then DNS 127.0.0.53 (systemd-resolved stub)`.
 * `nsswitchHosts` empty = no nsswitch.conf (macOS, musl): hosts file then DNS.
 */
export function describeResolverOrder(cfg: { hostsPath: string; nsswitchHosts: readonly string[]; nameservers: readonly string[] }): string {
  const dns = cfg.nameservers.length
    ? `DNS ${cfg.nameservers.map((n) => (isResolvedStub(n) ? `${n} (systemd-resolved stub)` : n)).join(", ")}`
    : "DNS (no nameserver in resolv.conf)";
  const order = cfg.nsswitchHosts.length ? cfg.nsswitchHosts : ["files", "dns"];
  const parts: string[] = [];
  for (const s of order) {
    if (s.startsWith("[")) {
      if (parts.length) parts[parts.length - 1] += ` ${s}`;
      continue;
    }
    parts.push(s === "files" ? cfg.hostsPath : s === "dns" ? dns : s);
  }
  return parts.join(", then ");
}
