import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./cli.js";
import { hasTmux, tmuxSession } from "./tmux.js";

// A guided fix in a real terminal (issue 4): tmux runs the built CLI against
// the lab, send-keys types, capture-pane reads the screen. Needs `npm run build`.
const { session, tmux, screen, waitFor } = tmuxSession(`netdoctor-tui-fix-${process.pid}`);

/** Poll until `file` exists (the shell writes the exit code there when the CLI ended). */
async function waitForFile(file: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${file}; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  if (!hasTmux) return;
  try {
    tmux("kill-session", "-t", session);
  } catch {
    // already gone
  }
});

describe.skipIf(!hasTmux)("a guided fix in the TUI, in a real terminal", () => {
  it("offers remove-traefik on the failing hop, shows its plan on f, applies it on y and shows the re-check in place", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "netdoctor-tui-fix-"));
    const home = join(dir, "netdoctor");
    const exitFile = join(dir, "exit");
    const env = `env -u CI -u NETDOCTOR_LAB -u KUBECONFIG -u DOCKER_HOST HOME=${JSON.stringify(dir)} NETDOCTOR_HOME=${JSON.stringify(home)}`;
    const cmd = `cd ${JSON.stringify(root)} && ${env} node bin/netdoctor.js --lab k3d-openchoreo-traefik-conflict; echo $? > ${JSON.stringify(exitFile)}; sleep 60`;
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", cmd);

    // The final frame, with the runner ready: the fix on the failing hop and `f fix` in the footer.
    const done = await waitFor(/FAIL {2}\d+ paths?: .* f fix · q quit/, 60_000);
    expect(done).toMatch(/✖ service\s+svclb pod kube-system\/svclb-gateway-default-\S+ is Pending/);
    expect(done).toMatch(/^\s+fix: remove-traefik \(f\)$/m);

    tmux("send-keys", "-t", session, "f");
    const plan = await waitFor(/Plan:|To do by hand:|│ ✖ /);
    expect(plan).toContain("Fix remove-traefik — Remove k3s' bundled traefik  (disruptive)");
    expect(plan).toMatch(/delete helm\.cattle\.io\/v1 HelmChart kube-system\/traefik\b/);
    expect(plan).toMatch(/apply\? y\/n/);

    tmux("send-keys", "-t", session, "y");
    const after = await waitFor(/→ after: |✖ not applied|│ ✖ /, 150_000);
    expect(after).toMatch(/✔ applied {2}before: FAIL service \(ND502\) → after: PASS/);
    expect(after).toMatch(/ND502 service\.port-free: fail → pass/);
    const undoId = /undo: netdoctor undo (\S+)/.exec(after)?.[1];
    expect(undoId).toMatch(/-remove-traefik$/);
    expect(existsSync(join(home, "undo", undoId!))).toBe(true);
    // The path above re-rendered from the re-check's report.
    expect(after).toMatch(/http:\/\/api\.openchoreo\.localhost:\d+\/ {2}PASS/);
    expect(after).not.toMatch(/fix: remove-traefik \(f\)/);

    tmux("send-keys", "-t", session, "q");
    await waitForFile(exitFile);
    // The exit code follows the last re-check the user saw: everything passes now.
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");
  });
});
