/**
 * Shell completion, end to end: the hidden `complete -- WORDS` protocol the
 * scripts call, and the scripts themselves in real bash (with Debian's
 * bash-completion), fish and zsh, with `netdoctor` on PATH.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { checks } from "../../checks/index.js";
import { root, runCli } from "./cli.js";

let dir: string;
let env: Record<string, string>;

/** Candidates of `netdoctor complete -- ...words`: the values, without descriptions or the directive line. */
async function complete(words: string[], extra: Record<string, string> = {}): Promise<string[]> {
  const r = await runCli(["complete", "--", ...words], { ...env, ...extra });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe("");
  const lines = r.stdout.trimEnd().split("\n");
  expect(lines.at(-1)).toMatch(/^:\d+$/);
  return lines.slice(0, -1).map((l) => l.split("\t")[0]!);
}

function kubeconfig(name: string, contexts: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, stringify({ apiVersion: "v1", kind: "Config", contexts: contexts.map((c) => ({ name: c, context: { cluster: c, user: c } })) }));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "netdoctor-completion-"));
  const bin = join(dir, "bin");
  spawnSync("mkdir", ["-p", bin]);
  writeFileSync(join(bin, "netdoctor"), `#!/bin/sh\nexec "${process.execPath}" "${join(root, "bin", "netdoctor.js")}" "$@"\n`);
  chmodSync(join(bin, "netdoctor"), 0o755);
  env = { PATH: `${bin}${delimiter}${process.env["PATH"]}`, HOME: dir, NETDOCTOR_HOME: join(dir, ".netdoctor"), KUBECONFIG: kubeconfig("config", ["k3d-openchoreo", "kind-kind"]) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("netdoctor complete -- WORDS (what the scripts ask)", () => {
  it("offers the commands, completion among them", async () => {
    const got = await complete([""]);
    for (const c of ["lab", "watch", "bundle", "fix", "undo", "forwards", "checks", "explain", "completion"]) expect(got).toContain(c);
    expect(got).not.toContain("complete");
  });

  it("offers flags by prefix, the subcommand's own after it", async () => {
    expect(await complete(["--ti"])).toEqual(["--timeout"]);
    expect(await complete(["fix", "--dr"])).toEqual(["--dry-run"]);
  });

  it("offers every check code and the probe's ND901 for explain, by prefix", async () => {
    expect(await complete(["explain", "ND50"])).toEqual(checks.filter((c) => c.code.startsWith("ND50")).map((c) => c.code));
    expect(await complete(["explain", "ND9"])).toEqual(["ND901"]);
    expect(await complete(["explain", "service.port"])).toContain("service.port-free");
    expect(await complete(["explain", "remove-"])).toEqual(["remove-traefik"]);
  });

  it("offers fix ids after fix", async () => {
    expect(await complete(["fix", ""])).toEqual(["remove-traefik", "service-to-nodeport", "socat-forward", "kind-port-mapping", "k3d-port-mapping", "hosts-entry"]);
  });

  it("offers the contexts of every KUBECONFIG file, as kubectl merges them", async () => {
    const both = [env["KUBECONFIG"]!, kubeconfig("other", ["minikube", "kind-kind"])].join(delimiter);
    expect(await complete(["--context", ""], { KUBECONFIG: both })).toEqual(["k3d-openchoreo", "kind-kind", "minikube"]);
    expect(await complete(["fix", "--context", "k3d"])).toEqual(["k3d-openchoreo"]);
  });

  it("offers nothing, and no error, for a kubeconfig that does not parse", async () => {
    const bad = join(dir, "bad");
    writeFileSync(bad, "contexts: [ {");
    expect(await complete(["--context", ""], { KUBECONFIG: bad })).toEqual([]);
  });

  it("offers the built-in scenarios for --lab and lab", async () => {
    expect(await complete(["--lab", "kind-nodeport-"])).toContain("kind-nodeport-healthy");
    expect(await complete(["lab", "k3d-openchoreo-h"])).toEqual(["k3d-openchoreo-healthy"]);
  });
});

describe("the completion scripts in real shells", () => {
  const script = async (shell: string) => {
    const r = await runCli(["completion", shell], env);
    expect(r.code).toBe(0);
    const file = join(dir, `netdoctor.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };

  it("bash completes `netdoctor explain ND50` through bash-completion", async () => {
    const file = await script("bash");
    const cmd = [
      "source /usr/share/bash-completion/bash_completion",
      `source ${file}`,
      'COMP_LINE="netdoctor explain ND50"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(netdoctor explain ND50); COMP_CWORD=2',
      "__netdoctor_complete 2>/dev/null",
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join("\n");
    const r = spawnSync("bash", ["-c", cmd], { env: { ...process.env, ...env }, encoding: "utf8" });
    expect(r.stdout.trim().split("\n")).toEqual(checks.filter((c) => c.code.startsWith("ND50")).map((c) => c.code));
  });

  it("fish completes `netdoctor fix rem` and `netdoctor --context ki`", async () => {
    const file = await script("fish");
    const ask = (line: string) => spawnSync("fish", ["--no-config", "-c", `source ${file}; complete --do-complete '${line}'`], { env: { ...process.env, ...env }, encoding: "utf8" }).stdout;
    expect(ask("netdoctor fix rem").split("\n")[0]).toMatch(/^remove-traefik\t/);
    expect(ask("netdoctor --context ki").split("\n")[0]).toMatch(/^kind-kind\t/);
  });

  it("zsh accepts the script and it asks netdoctor complete", async () => {
    const file = await script("zsh");
    const r = spawnSync("zsh", ["-n", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const defined = spawnSync("zsh", ["-c", `autoload -U compinit && compinit -u -D; source ${file}; whence -w _netdoctor`], { env: { ...process.env, ...env }, encoding: "utf8" });
    expect(defined.stdout).toMatch(/_netdoctor: function/);
  });

  it("refuses an unknown shell with exit 2", async () => {
    const r = await runCli(["completion", "tcsh"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tcsh/);
  });
});
