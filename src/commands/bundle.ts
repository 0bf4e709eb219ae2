/**
 * `netdoctor bundle [TARGET...] [-o FILE] [--lab …]` (DESIGN §9, issue 5):
 * diagnose, collect, redact, write the tar.gz. Progress goes to stderr, one
 * plain line per collector; the final line on stdout names the file and its
 * size (`--json`: one JSON object instead). Exit 0 when the bundle was
 * written, whatever the diagnosis found; 2 for bad input.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { BundleFlags } from "../bundle/collect.js";
import { withClusterOptions, withRequestOptions, type OnAction } from "./run-options.js";

/** Define `netdoctor bundle` on `cmd` (a fresh subcommand). */
export function defineBundle(cmd: Command, onAction: OnAction): Command {
  return withRequestOptions(withClusterOptions(cmd))
    .description("diagnose, then write a redacted bug-report bundle (tar.gz): report, cluster objects, pod logs, docker and host state")
    .argument("[target...]", "URL or host:port (default: the discovered entry points)")
    .option("-o, --output <file>", "write the bundle here (default: netdoctor-bundle-<context>-<UTC time>.tar.gz in the current directory)")
    .option("--lab [scenario]", "start the built-in lab (a scenario name or directory) and bundle it")
    .option("--keep-ports", "with --lab: keep the scenario's host ports when they are free")
    .option("--log-lines <n>", "lines of each gateway and backend container log to keep", "200")
    .option("--no-redact", "keep secrets (the file is named …-UNREDACTED.tar.gz, mode 0600)")
    .option("--force", "with -o: replace an existing file that is not a netdoctor bundle")
    .option("--json", "print one JSON line ({path, bytes, …}) on stdout instead of the path and size")
    .option("--timeout <duration>", "deadline of the diagnosis, and of the collection (500ms, 20s, 1m; a plain number is seconds)", "20s")
    .option("--probe-timeout <duration>", "timeout of one probe attempt", "3s")
    .option("--checks-dir <dir>", "load extra checks from *.js / *.mjs modules in DIR")
    .action((targets: string[], flags: BundleFlags) => onAction(bundleCommand(targets, flags)));
}

/** The command line as recorded in manifest.json: flag values that carry no secret (file paths, names, numbers), and -H/-X (redacted like every file). */
function recordedFlags(flags: BundleFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {
    timeout: flags.timeout,
    probeTimeout: flags.probeTimeout,
    logLines: flags.logLines,
    redact: flags.redact,
  };
  for (const k of ["context", "kubeconfig", "namespace", "dockerHost", "hostAddress", "lab", "keepPorts", "checksDir", "output"] as const) {
    if (flags[k] !== undefined) out[k] = flags[k];
  }
  if (flags.resolve.length) out["resolve"] = flags.resolve;
  // -H / -X, so `--from` replays the same request (credential header values are redacted with the rest of the bundle).
  if (flags.header.length) out["header"] = flags.header;
  if (flags.request !== undefined) out["request"] = flags.request;
  return out;
}

/** Human size: `812 B`, `14.2 KiB`, `1.3 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Run `netdoctor bundle`. Resolves to the exit code. @throws UsageError / ScenarioError for bad input. */
export async function bundleCommand(targets: string[], flags: BundleFlags): Promise<number> {
  const { collectBundle, parseLogLines } = await import("../bundle/collect.js");
  const { bundleFiles, bundleFileName, writeTarGz } = await import("../bundle/write.js");
  parseLogLines(flags.logLines);
  // The output is checked before anything is collected: a bad -o costs nothing.
  const { checkBundleOutput } = await import("../bundle/output.js");
  const chosen = flags.output === undefined ? undefined : await checkBundleOutput(flags.output, { redact: flags.redact, force: !!flags.force });
  if (!flags.redact) {
    process.stderr.write(
      "WARNING: --no-redact: this bundle will contain UNREDACTED data — tokens, passwords, private keys and other secrets found in the collected objects, logs and containers. Do not share it.\n",
    );
  }
  // A spinner per collector on a terminal; plain lines in CI, in pipes and with --json.
  const tty = !!process.stderr.isTTY && !process.env["CI"] && !flags.json;
  const view = tty ? (await import("../ui/run-bundle-progress.js")).startBundleProgress() : null;
  const progress = view ? view.progress : (line: string) => void process.stderr.write(`${line}\n`);
  const started = Date.now();
  let data: Awaited<ReturnType<typeof collectBundle>>;
  try {
    data = await collectBundle(targets, flags, progress);
  } finally {
    await view?.done();
  }
  const files = bundleFiles(data, { redact: flags.redact, flags: recordedFlags(flags) });
  const out = chosen ?? resolve(bundleFileName(data.run.context, new Date(data.run.createdAt), flags.redact));
  const size = await writeTarGz(files, out, { private: !flags.redact });
  const redactions = (JSON.parse(files.get("redactions.json")!) as { count: number }).count;
  const failed = data.collectors.filter((c) => c.status !== "ok").map((c) => c.name);
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  log(
    `bundle: ${files.size} files, ${flags.redact ? `${redactions} values redacted` : "NOT REDACTED"}${failed.length ? `, incomplete: ${failed.join(", ")} (see manifest.json)` : ""}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!flags.redact) process.stderr.write(`WARNING: ${out} is UNREDACTED: it may contain secrets. Do not share it.\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ path: out, bytes: size, files: files.size, redacted: flags.redact, redactions, status: data.report.status, incomplete: failed })}\n`);
  } else {
    process.stdout.write(`${out} (${formatSize(size)})\n`);
  }
  return 0;
}
