/**
 * RKE2 recognition (src/host/rke2.ts) and what RKE2 changes in the shared
 * helpers: svclb labels `svccontroller.rke2.cattle.io/*`, RKE2's packaged
 * ingress images and labels. Cases from docs/facts/rke2.md (pasted node
 * annotations, rke2-charts values, RKE2 issues).
 */
import { describe, expect, it } from "vitest";
import type { Node, Pod } from "../../src/kube/types.js";
import { detectFlavor } from "../../src/host/flavor.js";
import { isRke2Node, isRke2Version, keepRke2IngressOff, rke2IngressOf, rke2NodeArgs, rke2ServiceLbEnabled } from "../../src/host/rke2.js";
import { svclbFor, svclbServiceOf } from "../../src/kube/helpers.js";
import { proxyOfPod } from "../../src/kube/proxies.js";
import { ingressImplementationOf } from "../../src/ingress/classes.js";

const node = (annotations: Record<string, string>, labels: Record<string, string> = {}): Node =>
  ({ apiVersion: "v1", kind: "Node", metadata: { name: "labhost", annotations, labels }, spec: {}, status: {} }) as unknown as Node;

const pod = (name: string, labels: Record<string, string>, image: string, owner?: { kind: string; name: string }): Pod =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "kube-system", labels, ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: owner.kind, name: owner.name, uid: "u", controller: true }] } : {}) },
    spec: { containers: [{ name: "c", image }] },
    status: { phase: "Running" },
  }) as unknown as Pod;

describe("RKE2 version strings and nodes", () => {
  it.each(["v1.31.9+rke2r1", "v1.28.3-rc2+rke2r1", "v1.18.10+rke2r1"])("takes %s for RKE2", (v) => {
    expect(isRke2Version(v)).toBe(true);
  });

  it.each(["v1.33.4+k3s1", "v1.31.5", "v1.27.3-eks-1", null])("does not take %s for RKE2", (v) => {
    expect(isRke2Version(v)).toBe(false);
  });

  it("recognises an RKE2 node by its instance-type label or rke2.io annotations (rancher/k3k#347, rancher/rke2#2589)", () => {
    expect(isRke2Node(node({}, { "node.kubernetes.io/instance-type": "rke2" }))).toBe(true);
    expect(isRke2Node(node({ "rke2.io/node-args": '["server"]' }))).toBe(true);
    expect(isRke2Node(node({ "k3s.io/node-args": '["server"]' }, { "node.kubernetes.io/instance-type": "k3s" }))).toBe(false);
  });

  it("stays flavor generic and names RKE2 in the basis", () => {
    const r = detectFlavor({ context: "default", kubeCluster: "default", server: "https://127.0.0.1:6443", gitVersion: "v1.31.9+rke2r1", containers: null });
    expect(r.flavor).toBe("generic");
    expect(r.basis).toContain("RKE2 version v1.31.9+rke2r1");
  });
});

describe("whether RKE2 runs ServiceLB", () => {
  it("reads enable-servicelb from the server's rke2.io/node-args (config-file values included, rancher/rke2#2589)", () => {
    expect(rke2NodeArgs(node({ "rke2.io/node-args": '["server","--write-kubeconfig-mode","0644","--enable-servicelb","true"]' }))).toContain("--enable-servicelb");
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": '["server","--enable-servicelb","true"]' })])).toBe(true);
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": '["server","--enable-servicelb"]' })])).toBe(true);
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": '["server","--enable-servicelb=true"]' })])).toBe(true);
  });

  it("is off by default and when the flag says false", () => {
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": '["server"]' })])).toBe(false);
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": '["server","--enable-servicelb","false"]' })])).toBe(false);
  });

  it("cannot tell without RKE2 arguments on any node, nor from a garbled annotation", () => {
    expect(rke2ServiceLbEnabled([node({})])).toBeNull();
    expect(rke2ServiceLbEnabled([node({ "rke2.io/node-args": "not json" })])).toBeNull();
  });

  it("finds svclb objects labelled svccontroller.rke2.cattle.io (k3s servicelb.go builds the label from version.Program)", () => {
    const p = pod("svclb-contour-envoy-b1fbfa01-x2k9p", { "svccontroller.rke2.cattle.io/svcname": "contour-envoy", "svccontroller.rke2.cattle.io/svcnamespace": "default" }, "rancher/klipper-lb:v0.4.9");
    expect(svclbServiceOf(p)).toEqual({ namespace: "default", name: "contour-envoy" });
    expect(svclbFor({ namespace: "default", name: "contour-envoy" }, [], [p]).pods).toEqual([p]);
  });
});

describe("RKE2's packaged ingress controllers", () => {
  const nginx = pod(
    "rke2-ingress-nginx-controller-2k6l4",
    { "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "rke2-ingress-nginx", "app.kubernetes.io/name": "rke2-ingress-nginx" },
    "rancher/nginx-ingress-controller:nginx-1.0.2-hardened2",
    { kind: "DaemonSet", name: "rke2-ingress-nginx-controller" },
  );
  const traefik = pod("rke2-traefik-4xq8d", { "app.kubernetes.io/instance": "rke2-traefik-kube-system", "app.kubernetes.io/name": "rke2-traefik" }, "rancher/hardened-traefik:v3.6.16-build20260506", { kind: "DaemonSet", name: "rke2-traefik" });

  it("recognises rke2-ingress-nginx by its labels and image (rancher/rke2#2635, rke2-charts values.yaml.patch)", () => {
    expect(ingressImplementationOf(nginx)).toBe("ingress-nginx");
    expect(proxyOfPod(nginx)?.implementation).toBe("ingress-nginx");
    expect(rke2IngressOf(nginx)).toBe("rke2-ingress-nginx");
  });

  it("recognises rke2-traefik by its labels, image and DaemonSet", () => {
    expect(ingressImplementationOf(traefik)).toBe("traefik");
    expect(proxyOfPod(traefik)?.implementation).toBe("traefik");
    expect(rke2IngressOf(traefik)).toBe("rke2-traefik");
  });

  it("does not take a user's ingress-nginx in another namespace for RKE2's", () => {
    const own = { ...nginx, metadata: { ...nginx.metadata, namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" }, ownerReferences: [] } } as Pod;
    expect(rke2IngressOf(own)).toBeNull();
  });

  it("says how to keep it off in /etc/rancher/rke2/config.yaml (docs.rke2.io networking_services, packaged_components)", () => {
    const note = keepRke2IngressOff("rke2-ingress-nginx");
    expect(note).toContain("`ingress-controller: none`");
    expect(note).toContain("`disable: [rke2-ingress-nginx]` in /etc/rancher/rke2/config.yaml");
    expect(note).toContain("sudo systemctl restart rke2-server");
  });
});
