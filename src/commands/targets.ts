/**
 * What a TARGET may be (issue 13 §2): a URL, `host:port`, or a name that
 * resolves. A bare word — no scheme, no port, no dot — is not sent to a
 * resolver: within edit distance 2 of a command it is a mistyped command
 * (`chekcs` → "did you mean checks?"); a command name written after a target
 * belongs in front; otherwise it is a host name only when `localhost`, the
 * hosts file or `--resolve` knows it. A dotted name is taken as is: whether
 * it resolves is what the dns hop diagnoses.
 */
import { UsageError } from "../errors.js";

/** Levenshtein distance (insertions, deletions, substitutions) between two short words. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The command closest to `word` within edit distance 2, if any (ties: the first in `commands`). */
export function nearestCommand(word: string, commands: readonly string[]): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of commands) {
    const d = editDistance(word.toLowerCase(), name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

/**
 * Refuse TARGET words that are not targets.
 * @param known names a bare word may be (hosts file names, `--resolve` hosts); `localhost` always.
 * @throws UsageError (exit 2): `unknown command 'chekcs' (did you mean 'checks'?)`,
 *   `'fix' is a command: write it first (netdoctor fix …)`, or
 *   `TARGET 'foo' is not a URL, host:port or a known host name …`.
 */
export function checkTargetWords(raw: readonly string[], commands: readonly string[], known: ReadonlySet<string>): void {
  raw.forEach((word, i) => {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(word)) return; // has a scheme, a port, a dot or a path: a URL or host:port
    const lower = word.toLowerCase();
    if (commands.includes(lower)) {
      if (i === 0) return; // cannot happen: commander dispatched it
      throw new UsageError(`'${word}' is a command: write it first (netdoctor ${lower} …)`);
    }
    if (lower === "localhost" || known.has(lower)) return;
    const near = nearestCommand(word, commands);
    if (near) throw new UsageError(`unknown command '${word}' (did you mean '${near}'?)`);
    throw new UsageError(`TARGET '${word}' is not a URL, host:port or a known host name: pass a URL such as http://${lower}:8080/ (or see netdoctor --help)`);
  });
}
