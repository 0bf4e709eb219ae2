/**
 * remove-traefik's keep-off note speaks the k3d version that created the
 * cluster (issue 10 §3): a k3d v3 cluster (serverlb rancher/k3d-proxy:v3.4.0)
 * is told `--k3s-server-arg --disable=traefik`, a k3d v5 one (label
 * k3d.version=v5.8.3) `--k3s-arg "--disable=traefik@server:*"`. Through the
 * built CLI against the lab; per-era cases in test/unit/fix-plans.test.ts and
 * checks-env-traefik.test.ts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, scenariosDir } from "./cli.js";

async function notes(scenario: string): Promise<string[]> {
  const r = await runCli(["--lab", join(scenariosDir, scenario), "fix", "remove-traefik", "--dry-run", "--json"]);
  const doc = JSON.parse(r.stdout) as { fixes: { id: string; notes?: string[] }[] };
  return doc.fixes.find((f) => f.id === "remove-traefik")?.notes ?? [];
}

describe("remove-traefik's keep-off note per k3d version", () => {
  it("gives a k3d v3 cluster --k3s-server-arg", async () => {
    expect(await notes("k3d-v3-svclb-traefik1-conflict")).toContain(
      "keep traefik from coming back at the next server start: k3d v3 passes k3s flags with --k3s-server-arg; recreate the cluster with `k3d cluster create demo --k3s-server-arg --disable=traefik`",
    );
  });

  it("gives a k3d v5 cluster --k3s-arg with a node filter", async () => {
    const n = await notes("k3d-openchoreo-traefik-conflict");
    expect(n.join("\n")).toContain('k3d cluster create openchoreo --k3s-arg "--disable=traefik@server:*"');
    expect(n.join("\n")).not.toContain("--k3s-server-arg");
  });
});
