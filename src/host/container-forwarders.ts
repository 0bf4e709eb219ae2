/**
 * Pure helpers over what Docker says about a container's processes: the
 * command lines of `GET /containers/{id}/top`, and the individual commands
 * inside shell scripts found in its configuration.
 *
 * Sources: Docker Engine API ContainerTop (`Titles` from `ps -ef`: `UID PID
 * PPID C STIME TTY TIME CMD`; with `ps_args=aux`: `COMMAND`); POSIX shell
 * list operators (`&&`, `||`, `;`, `&`, `|`, newline) separate commands.
 */
import type { ContainerTop } from "../sources/types.js";

/** One process of a `top` answer: pid (host pid namespace as Docker reports it) and command line. */
export interface TopProcess {
  pid: number | null;
  command: string;
}

/** The processes of a `top` answer, reading the `PID` and `CMD`/`COMMAND` columns by title; rows without a command are dropped. */
export function topCommands(top: ContainerTop): TopProcess[] {
  const titles = top.Titles.map((t) => t.toUpperCase());
  const cmdAt = titles.findIndex((t) => t === "CMD" || t === "COMMAND");
  const pidAt = titles.indexOf("PID");
  const out: TopProcess[] = [];
  for (const row of top.Processes) {
    const command = (cmdAt >= 0 ? row[cmdAt] : row.at(-1))?.trim();
    if (!command) continue;
    const pid = pidAt >= 0 && /^\d+$/.test(row[pidAt] ?? "") ? Number(row[pidAt]) : null;
    out.push({ pid, command });
  }
  return out;
}

/**
 * Split shell snippets into single commands on list operators outside
 * quotes, dropping quotes, redirections, `nohup`/`exec`/`setsid` and empty
 * parts, and keep the
 * ones that name a forwarder program (kubectl port-forward, socat, nc/ncat,
 * ssh -L). Duplicates are dropped, first occurrence kept.
 */
export function scriptCommands(snippets: readonly string[]): string[] {
  const out: string[] = [];
  for (const snippet of snippets) {
    let cur = "";
    let quote: string | null = null;
    const parts: string[] = [];
    for (let i = 0; i < snippet.length; i++) {
      const ch = snippet[i]!;
      if (quote) {
        if (ch === quote) quote = null;
        else cur += ch;
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = ch;
        continue;
      }
      if (ch === "&" || ch === ";" || ch === "|" || ch === "\n") {
        parts.push(cur);
        cur = "";
        continue;
      }
      cur += ch;
    }
    parts.push(cur);
    for (const p of parts) {
      // Drop wrappers and redirections (`> /tmp/pf.log`, `2>`; the `&1` of `2>&1` is split off above).
      const t = p.replace(/\s+\d*>{1,2}\s*\S*/g, "").trim().replace(/^(nohup|exec|setsid)\s+/, "");
      if (!t) continue;
      if (!/(^|\/)(kubectl|oc)(\s.*)?\sport-forward\b|(^|\/)(socat|nc|ncat|netcat)\s|(^|\/)(ssh|autossh)\s.*-\w*L/.test(t)) continue;
      if (!out.includes(t)) out.push(t);
    }
  }
  return out;
}
