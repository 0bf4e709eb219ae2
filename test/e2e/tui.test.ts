import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checks } from "../../checks/index.js";
import { root } from "./cli.js";
import { tmuxSession } from "./tmux.js";

// The TUI as a whole, in a real terminal: tmux runs the built CLI, send-keys
// types, capture-pane reads the screen (STYLE: one real terminal run).
const { session, tmux, waitFor } = tmuxSession(`netdoctor-tui-${process.pid}`);

afterAll(() => {
  try {
    tmux("kill-session", "-t", session);
  } catch {
    // already gone
  }
});

describe("the TUI in a real terminal", () => {
  it("diagnoses the default lab, expands a hop on enter and quits on q with the run's exit code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "netdoctor-tui-"));
    const exitFile = join(dir, "exit");
    const cmd = `cd ${JSON.stringify(root)} && env -u CI -u NETDOCTOR_LAB -u KUBECONFIG -u DOCKER_HOST node bin/netdoctor.js --lab --probe-timeout 15s; echo $? > ${JSON.stringify(exitFile)}; sleep 60`;
    tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "80", cmd); // tall enough for the whole first path
    const done = await waitFor(/FAIL  \d+ paths?: .* q quit/);
    expect(done).toMatch(/✖ service\s+svclb pod kube-system\/svclb-gateway-default-\S+ is Pending/);
    expect(done).toMatch(/Verdict: the request stops at the service hop/);
    expect(done).toMatch(/Probe: HTTP 404 traefik-404/);
    // Move from the environment row down to the service hop and expand it.
    for (let i = 0; i < 5; i++) tmux("send-keys", "-t", session, "j");
    tmux("send-keys", "-t", session, "Enter");
    const title = (code: string) => checks.find((c) => c.code === code)!.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const expanded = await waitFor(new RegExp(`${title("ND502")}\\s+ND502`));
    expect(expanded).toMatch(new RegExp(`${title("ND501")}\\s+ND501`));
    tmux("send-keys", "-t", session, "q");
    const until = Date.now() + 20_000;
    while (!existsSync(exitFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(exitFile, "utf8").trim()).toBe("1");
  });
});
