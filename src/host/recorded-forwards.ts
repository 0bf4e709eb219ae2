/**
 * Port-forwards recorded in a working tree: the `kubectl port-forward`
 * commands (and tool-managed forwards) that a project's files start, with
 * the file and line that records each. Pure parsing; reading the files is
 * the host source's (bounded, see WORKDIR_FILES).
 *
 * Formats and their sources:
 * - Makefile recipes and shell scripts (`scripts/*.sh`, `*.sh` at the top):
 *   command lines, split on `;`, `&&`, `|`, `&` (src/host/container-forwarders.ts `scriptCommands`).
 * - package.json `scripts` (npm docs: "scripts" is a map of script name →
 *   command line), VS Code `.vscode/tasks.json` tasks (`command` + `args`,
 *   code.visualstudio.com/docs/editor/tasks-appendix), and devcontainer.json
 *   `postStartCommand` / `postCreateCommand` / `postAttachCommand` (string,
 *   array or object of commands; containers.dev/implementors/json_reference):
 *   every JSON string literal of a line is taken as a command line; a task's
 *   `command` and its `args` array are joined.
 * - skaffold.yaml `portForward:` entries (`resourceType`, `resourceName`,
 *   `namespace`, `port`, `localPort`, `address`; skaffold.dev/docs/port-forwarding/):
 *   localPort defaults to `port`.
 * - Tiltfile `k8s_resource('name', port_forwards=…)`: an int (`8000`), a
 *   string (`'8000:80'`), `port_forward(8000, 80)`, or a list of those
 *   (docs.tilt.dev/api.html#api.k8s_resource, #api.port_forward): the
 *   resource is a workload, forwarded to one of its pods.
 */
import { parseAllDocuments, LineCounter } from "yaml";
import { parseForwarderCommand, type KubectlPortForwardCommand, type KubectlTarget } from "./forwarders.js";
import { scriptCommands } from "./container-forwarders.js";

/** A file of the working tree: path relative to the tree, text. */
export interface WorkdirFile {
  path: string;
  text: string;
}

/** A port-forward recorded in a file. */
export interface RecordedForward {
  /** `path:line` (1-based line) of the record. */
  where: string;
  /** How it is recorded: `kubectl` (a command line), `skaffold` (portForward entry), `tilt` (k8s_resource port_forwards). */
  tool: "kubectl" | "skaffold" | "tilt";
  /** The record as written (one line, trimmed). */
  text: string;
  /** `-n` / `namespace:`; null = the context's default namespace. */
  namespace: string | null;
  /** What it forwards to. Tilt names a resource (workload), recorded as `deployment`. */
  target: KubectlTarget;
  /** Local port (host side) and remote port (Service port, or container port for pods and workloads). */
  local: number;
  remote: number | string;
  /** Bind addresses (`--address`, skaffold `address`); kubectl's and the tools' default is localhost. */
  addresses: string[];
}

const TARGET_TYPES = new Set<KubectlTarget["type"]>(["pod", "service", "deployment", "replicaset", "statefulset", "daemonset"]);
const RECORD_TOOLS = new Set<RecordedForward["tool"]>(["kubectl", "skaffold", "tilt"]);

/**
 * Recorded forwards read back from a bundle's `host/recorded-forwards.json`
 * (an array of `RecordedForward` as `recordedForwards` returned them). An
 * entry of another shape is left out; anything but an array gives [].
 */
export function parseRecordedForwards(list: unknown): RecordedForward[] {
  if (!Array.isArray(list)) return [];
  const out: RecordedForward[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const o = item as Record<string, unknown>;
    const t = o["target"] as Record<string, unknown> | null | undefined;
    if (typeof o["where"] !== "string" || typeof o["text"] !== "string" || !RECORD_TOOLS.has(o["tool"] as RecordedForward["tool"])) continue;
    if (!t || typeof t !== "object" || !TARGET_TYPES.has(t["type"] as KubectlTarget["type"]) || typeof t["name"] !== "string") continue;
    if (typeof o["local"] !== "number" || !(typeof o["remote"] === "number" || typeof o["remote"] === "string")) continue;
    const addresses = Array.isArray(o["addresses"]) ? o["addresses"].filter((a): a is string => typeof a === "string") : ["localhost"];
    out.push({
      where: o["where"],
      tool: o["tool"] as RecordedForward["tool"],
      text: o["text"],
      namespace: typeof o["namespace"] === "string" ? o["namespace"] : null,
      target: { type: t["type"] as KubectlTarget["type"], name: t["name"] },
      local: o["local"],
      remote: o["remote"],
      addresses,
    });
  }
  return out;
}

/**
 * Files read from a working tree, relative paths: the well-known ones, then
 * up to `MAX_SCRIPTS` shell scripts of `scripts/` and the top level. Each at
 * most `MAX_FILE_BYTES`; symlinks leading out of the tree are not followed.
 */
export const WORKDIR_FILES = ["Makefile", "makefile", "GNUmakefile", "package.json", ".vscode/tasks.json", ".devcontainer/devcontainer.json", ".devcontainer.json", "skaffold.yaml", "skaffold.yml", "Tiltfile"] as const;
/** Most shell scripts read (sorted by name) from `scripts/` and the top level. */
export const MAX_SCRIPTS = 40;
/** Largest file read, in bytes; larger files are skipped. */
export const MAX_FILE_BYTES = 256 * 1024;

const TYPES: Record<string, KubectlTarget["type"]> = { service: "service", svc: "service", pod: "pod", deployment: "deployment", deploy: "deployment", statefulset: "statefulset", sts: "statefulset", replicaset: "replicaset", rs: "replicaset", daemonset: "daemonset", ds: "daemonset" };

/** Every kubectl port-forward in one command-line snippet. */
function kubectlForwards(snippet: string): KubectlPortForwardCommand[] {
  return scriptCommands([snippet])
    .map((line) => parseForwarderCommand(line))
    .filter((c): c is KubectlPortForwardCommand => c.kind === "kubectl-port-forward");
}

function fromKubectl(where: string, text: string, cmd: KubectlPortForwardCommand): RecordedForward[] {
  return cmd.ports.filter((p) => p.local !== null).map((p) => ({ where, tool: "kubectl" as const, text, namespace: cmd.namespace, target: cmd.target, local: p.local!, remote: p.remote, addresses: cmd.addresses }));
}

/** JSON string literals of one line, decoded. */
function jsonStrings(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      out.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      /* not a valid literal: skip */
    }
  }
  return out;
}

/** Shell-like files: each line (Makefile recipes joined on trailing backslashes) is a command line. */
function scanShell(file: WorkdirFile): RecordedForward[] {
  const lines = file.text.split("\n");
  const out: RecordedForward[] = [];
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const start = i;
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const t = text.trim().replace(/^@/, "");
    if (!t || t.startsWith("#")) continue;
    for (const cmd of kubectlForwards(t)) out.push(...fromKubectl(`${file.path}:${start + 1}`, t, cmd));
  }
  return out;
}

/** JSON(C) files: every string literal of a line is a command; `"args": [...]` following a `"command": "kubectl"` on the lines after are joined. */
function scanJson(file: WorkdirFile): RecordedForward[] {
  const lines = file.text.split("\n");
  const out: RecordedForward[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*\/\//.test(line)) continue;
    for (const s of jsonStrings(line)) for (const cmd of kubectlForwards(s)) out.push(...fromKubectl(`${file.path}:${i + 1}`, s, cmd));
    // VS Code task: "command": "kubectl", "args": ["port-forward", …] (possibly over several lines).
    const m = /"command"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (m && /(^|\/)(kubectl|oc)$/.test(m[1]!.trim())) {
      const rest = lines.slice(i, i + 20).join("\n");
      const args = /"args"\s*:\s*\[([^\]]*)\]/.exec(rest);
      if (args) {
        const argv = jsonStrings(args[1]!.replace(/\n/g, " "));
        const joined = [m[1]!, ...argv.map((a) => (/\s/.test(a) ? `'${a}'` : a))].join(" ");
        for (const cmd of kubectlForwards(joined)) out.push(...fromKubectl(`${file.path}:${i + 1}`, joined, cmd));
      }
    }
  }
  return out;
}

/** skaffold.yaml: every `portForward:` entry of every document (profiles included). */
function scanSkaffold(file: WorkdirFile): RecordedForward[] {
  const out: RecordedForward[] = [];
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(file.text, { lineCounter: lc });
  } catch {
    return out;
  }
  const docList = Array.isArray(docs) ? docs : [docs];
  for (const doc of docList) {
    const visit = (node: unknown): void => {
      if (!node || typeof node !== "object") return;
      const n = node as { items?: unknown[]; key?: { value?: unknown }; value?: unknown };
      if (n.key && (n.key as { value?: unknown }).value === "portForward") {
        const seq = n.value as { items?: { range?: [number, number]; toJSON?: () => unknown }[] } | undefined;
        for (const item of seq?.items ?? []) {
          const e = (item.toJSON?.() ?? {}) as { resourceType?: string; resourceName?: string; namespace?: string; port?: number | string; localPort?: number; address?: string };
          const type = TYPES[String(e.resourceType ?? "").toLowerCase()];
          if (!type || !e.resourceName || e.port === undefined) continue;
          const local = e.localPort ?? (typeof e.port === "number" ? e.port : Number(e.port));
          if (!Number.isInteger(local)) continue;
          const line = item.range ? lc.linePos(item.range[0]).line : 0;
          out.push({
            where: `${file.path}:${line}`,
            tool: "skaffold",
            text: `portForward ${e.resourceType}/${e.resourceName}${e.namespace ? ` -n ${e.namespace}` : ""} ${local}:${e.port}`,
            namespace: e.namespace ?? null,
            target: { type, name: e.resourceName },
            local,
            remote: typeof e.port === "number" || /^\d+$/.test(String(e.port)) ? Number(e.port) : String(e.port),
            addresses: [e.address ?? "127.0.0.1"],
          });
        }
        return;
      }
      for (const v of Object.values(n)) if (v && typeof v === "object") visit(v);
    };
    visit((doc as { contents?: unknown }).contents);
  }
  return out;
}

/** Tiltfile: `k8s_resource('name', …, port_forwards=…)` calls, the value an int, a string, port_forward(…) or a list of those. */
function scanTiltfile(file: WorkdirFile): RecordedForward[] {
  const out: RecordedForward[] = [];
  const text = file.text.replace(/#[^\n]*/g, (c) => " ".repeat(c.length));
  for (const call of text.matchAll(/k8s_resource\s*\(/g)) {
    // The call's argument text, up to its closing parenthesis.
    let depth = 1;
    let j = call.index! + call[0].length;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === "(") depth++;
      else if (text[j] === ")") depth--;
    }
    const args = text.slice(call.index! + call[0].length, j - 1);
    const name = /^\s*(?:workload\s*=\s*)?['"]([^'"]+)['"]/.exec(args)?.[1] ?? /workload\s*=\s*['"]([^'"]+)['"]/.exec(args)?.[1];
    const pf = /port_forwards\s*=\s*(\[[\s\S]*?\]|port_forward\s*\([^)]*\)|'[^']*'|"[^"]*"|\d+)/.exec(args);
    if (!name || !pf) continue;
    const line = text.slice(0, call.index! + call[0].length + (pf.index ?? 0)).split("\n").length;
    const specs: { local: number; remote: number }[] = [];
    // port_forward(local_port, container_port=None, name=…) calls first; then the plain ints and 'L:R' strings left.
    const calls = /port_forward\s*\(\s*(?:local_port\s*=\s*)?(\d+)(?:\s*,\s*(?:container_port\s*=\s*)?(\d+))?[^)]*\)/g;
    for (const m of pf[1]!.matchAll(calls)) specs.push({ local: Number(m[1]), remote: Number(m[2] ?? m[1]) });
    const rest = pf[1]!.replace(calls, " ");
    for (const m of rest.matchAll(/['"](\d+)(?::(\d+))?['"]|\b(\d+)\b/g)) {
      if (m[1]) specs.push({ local: Number(m[1]), remote: Number(m[2] ?? m[1]) });
      else if (m[3]) specs.push({ local: Number(m[3]), remote: Number(m[3]) });
    }
    for (const s of specs) {
      out.push({ where: `${file.path}:${line}`, tool: "tilt", text: `k8s_resource('${name}', port_forwards=${pf[1]!.replace(/\s+/g, " ")})`, namespace: null, target: { type: "deployment", name }, local: s.local, remote: s.remote, addresses: ["127.0.0.1"] });
    }
  }
  return out;
}

/** Every port-forward recorded in the files, in file order. */
export function recordedForwards(files: readonly WorkdirFile[]): RecordedForward[] {
  return files.flatMap((f) => {
    const base = f.path.split("/").pop() ?? f.path;
    if (/\.json$/.test(base)) return scanJson(f);
    if (/^skaffold\.ya?ml$/.test(base)) return scanSkaffold(f);
    if (base === "Tiltfile") return scanTiltfile(f);
    return scanShell(f);
  });
}

