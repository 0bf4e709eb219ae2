/**
 * A request's `-X`/`-H` options as text, for the text report, the TUI and
 * `watch` (DESIGN §3): curl flags a user can paste back. Pure functions.
 */

/** What the text needs of a target or report target. */
interface RequestLike {
  method?: string;
  headers?: readonly { name: string; value: string }[];
}

/** Single-quote a word for a POSIX shell when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request options as curl flags, for text output: `-X POST -H 'version: two'`;
 * "" for a plain GET.
 */
export function describeRequestFlags(target: RequestLike): string {
  const parts: string[] = [];
  if (target.method !== undefined) parts.push(`-X ${target.method}`);
  for (const h of target.headers ?? []) parts.push(`-H ${shellWord(h.value === "" ? `${h.name};` : `${h.name}: ${h.value}`)}`);
  return parts.join(" ");
}

/** A target for one-line output: the URL, then its `-X`/`-H` flags when any (`http://a:8080/ -X POST -H 'v: 2'`). */
export function describeTarget(target: RequestLike & { url: string }): string {
  const flags = describeRequestFlags(target);
  return flags ? `${target.url} ${flags}` : target.url;
}
