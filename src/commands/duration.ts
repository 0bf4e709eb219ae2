/**
 * One convention for every duration flag (issue 13 §2): `--timeout`,
 * `--probe-timeout`, `watch --interval`, `fix --wait`. A plain number is
 * seconds (`20`, `0.5`); a number with a unit is what it says — `500ms`,
 * `20s`, `1m`, `1h` — and units combine as in kubectl's Go durations
 * (`1m30s`).
 */
import { UsageError } from "../errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parse a duration flag into milliseconds (rounded to whole ms).
 * @param flag the flag's name, for the message (`--timeout`).
 * @param allowZero accept 0 (a pause between requests may be none).
 * @throws UsageError (exit 2) for anything else, or 0 when not allowed:
 *   `--timeout "20x": expected a duration such as 500ms, 20s, 1m or a number of seconds`.
 */
export function parseDuration(flag: string, raw: string, opts: { allowZero?: boolean } = {}): number {
  const text = raw.trim();
  let ms: number | null = null;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(text)) ms = Number(text) * 1000;
  else if (/^((\d+(\.\d*)?|\.\d+)(ms|s|m|h))+$/.test(text)) {
    ms = 0;
    for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (ms === null || !Number.isFinite(ms)) throw new UsageError(`${flag} ${JSON.stringify(raw)}: expected a duration such as 500ms, 20s, 1m or a number of seconds`);
  if (ms === 0 && !opts.allowZero) throw new UsageError(`${flag} ${JSON.stringify(raw)}: expected a duration above zero`);
  return Math.round(ms);
}
