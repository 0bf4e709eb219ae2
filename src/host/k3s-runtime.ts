/**
 * What runs a k3s cluster that has no node container, told from the
 * kubeconfig context name, and how to keep k3s' packaged traefik off there.
 * Pure.
 *
 * Sources:
 * - k3s writes /etc/rancher/k3s/k3s.yaml with cluster, user and context all
 *   named `default`; Colima copies it and renames them to the profile id
 *   (`colima`, or `colima-<profile>`; abiosoft/colima
 *   environment/container/kubernetes/kubeconfig.go); Rancher Desktop names
 *   its context `rancher-desktop` (docs.rancherdesktop.io).
 * - Keeping traefik off: k3s server `--disable=traefik`, or `disable:
 *   [traefik]` in /etc/rancher/k3s/config.yaml (docs.k3s.io/installation/
 *   configuration, /installation/packaged-components), or the install script's
 *   `INSTALL_K3S_EXEC="--disable=traefik"` (k3s install.sh usage comment);
 *   Rancher Desktop: Preferences → Kubernetes → "Enable Traefik", or `rdctl
 *   set --kubernetes.options.traefik=false`; Colima: `kubernetes.k3sArgs:
 *   [--disable=traefik]` in colima.yaml (`colima start --edit`), or `colima
 *   start --kubernetes --k3s-arg=--disable=traefik` (Colima's default
 *   already disables traefik, colima#133).
 */

/** A k3s runtime recognised from its context name, or `host` (k3s installed on a machine: this host, a VM, a home-lab server). */
export type K3sRuntime = "rancher-desktop" | "colima" | "host";

/** The runtime a context name points at (rules in the module comment); `host` for anything else. */
export function k3sRuntimeOf(context: string | null | undefined): K3sRuntime {
  if (!context) return "host";
  if (context === "rancher-desktop") return "rancher-desktop";
  if (context === "colima" || context.startsWith("colima-")) return "colima";
  return "host";
}

/** A runtime's name for messages. */
export function runtimeName(r: K3sRuntime): string {
  return r === "rancher-desktop" ? "Rancher Desktop" : r === "colima" ? "Colima" : "k3s on a host or VM";
}

/**
 * One sentence: how to keep traefik from coming back at the next k3s start
 * on `runtime` (sources in the module comment). `profile` is the Colima
 * profile (context name) when known.
 */
export function keepTraefikOff(runtime: K3sRuntime, profile?: string | null): string {
  switch (runtime) {
    case "rancher-desktop":
      return "keep traefik off in Rancher Desktop: Preferences → Kubernetes → uncheck \"Enable Traefik\", or `rdctl set --kubernetes.options.traefik=false`";
    case "colima": {
      const p = profile && profile !== "colima" ? ` --profile ${profile.replace(/^colima-/, "")}` : "";
      return `keep traefik off in Colima: keep \`--disable=traefik\` in kubernetes.k3sArgs (\`colima start${p} --edit\`), or start with \`colima start${p} --kubernetes --k3s-arg=--disable=traefik\``;
    }
    case "host":
      return "keep traefik off at the next k3s start: add `disable: [traefik]` to /etc/rancher/k3s/config.yaml (or `--disable=traefik` to the k3s server flags, e.g. INSTALL_K3S_EXEC=\"--disable=traefik\" when installing with get.k3s.io), then `sudo systemctl restart k3s`";
  }
}
