/**
 * The built-in check registry: every check module, sorted by code (DESIGN §6).
 * Validated at load time and in tests: unique ids and codes, known
 * dependencies, no cycles (src/engine/registry.ts).
 */
import type { Check } from "../src/index.js";

import envKubeconfigLoaded from "./env/kubeconfig-loaded.js";
import envApiReachable from "./env/api-reachable.js";
import envDockerReachable from "./env/docker-reachable.js";
import envGatewayApiInstalled from "./env/gateway-api-installed.js";
import envPermissionsSufficient from "./env/permissions-sufficient.js";
import envClusterFlavorDetected from "./env/cluster-flavor-detected.js";
import envKubeconfigMatchesCluster from "./env/kubeconfig-matches-cluster.js";
import envTraefikStaysDisabled from "./env/traefik-stays-disabled.js";
import dnsNameResolves from "./dns/name-resolves.js";
import hostPortAcceptsConnections from "./host-port/accepts-connections.js";
import hostPortListenerIdentified from "./host-port/listener-identified.js";
import hostPortNodeIdentified from "./host-port/node-identified.js";
import hostPortListenerNotShadowed from "./host-port/listener-not-shadowed.js";
import hostPortVmPortForwarded from "./host-port/vm-port-forwarded.js";
import forwarderUpstreamReachable from "./forwarder/upstream-reachable.js";
import forwarderChainComplete from "./forwarder/chain-complete.js";
import forwarderContainerProcessAlive from "./forwarder/container-process-alive.js";
import forwarderPortForwardsDurable from "./forwarder/port-forwards-durable.js";
import forwarderVmForwardReachesNode from "./forwarder/vm-forward-reaches-node.js";
import forwarderPodServesPort from "./forwarder/pod-serves-port.js";
import forwarderRecordedForwardRunning from "./forwarder/recorded-forward-running.js";
import forwarderAttachedPodExists from "./forwarder/attached-pod-exists.js";
import containerPublishesPort from "./container/publishes-port.js";
import containerRunning from "./container/running.js";
import serviceReceivesPort from "./service/receives-port.js";
import servicePortFree from "./service/port-free.js";
import serviceLoadBalancerReady from "./service/load-balancer-ready.js";
import gatewayFound from "./gateway/found.js";
import gatewayClassAccepted from "./gateway/class-accepted.js";
import gatewayProgrammed from "./gateway/programmed.js";
import gatewayListenerServesPort from "./gateway/listener-serves-port.js";
import gatewayProxyReady from "./gateway/proxy-ready.js";
import gatewayIngressControllerReady from "./gateway/ingress-controller-ready.js";
import gatewayHostportProxyReached from "./gateway/hostport-proxy-reached.js";
import routeHostMatches from "./route/host-matches.js";
import routeAccepted from "./route/accepted.js";
import routeRefsResolved from "./route/refs-resolved.js";
import routeIngressRuleMatches from "./route/ingress-rule-matches.js";
import backendServiceExists from "./backend/service-exists.js";
import backendEndpointsReady from "./backend/endpoints-ready.js";
import backendPodsReady from "./backend/pods-ready.js";
import backendTargetPortMatches from "./backend/target-port-matches.js";
import backendAnswers from "./backend/answers.js";
import backendNetworkPolicyAdmitsProxy from "./backend/network-policy-admits-proxy.js";

/** Every built-in check, sorted by code. */
export const checks: readonly Check[] = [
  envKubeconfigLoaded, // ND001
  envApiReachable, // ND002
  envDockerReachable, // ND003
  envGatewayApiInstalled, // ND004
  envPermissionsSufficient, // ND005
  envClusterFlavorDetected, // ND006
  envKubeconfigMatchesCluster, // ND007
  envTraefikStaysDisabled, // ND008
  dnsNameResolves, // ND101
  hostPortAcceptsConnections, // ND201
  hostPortListenerIdentified, // ND202
  hostPortNodeIdentified, // ND203
  hostPortListenerNotShadowed, // ND204
  hostPortVmPortForwarded, // ND207
  forwarderUpstreamReachable, // ND301
  forwarderChainComplete, // ND302
  forwarderContainerProcessAlive, // ND303
  forwarderPortForwardsDurable, // ND304
  forwarderVmForwardReachesNode, // ND305
  forwarderPodServesPort, // ND306
  forwarderRecordedForwardRunning, // ND307
  forwarderAttachedPodExists, // ND308
  containerPublishesPort, // ND401
  containerRunning, // ND402
  serviceReceivesPort, // ND501
  servicePortFree, // ND502
  serviceLoadBalancerReady, // ND503
  gatewayFound, // ND601
  gatewayClassAccepted, // ND602
  gatewayProgrammed, // ND603
  gatewayListenerServesPort, // ND604
  gatewayProxyReady, // ND605
  gatewayIngressControllerReady, // ND606
  gatewayHostportProxyReached, // ND607
  routeHostMatches, // ND701
  routeAccepted, // ND702
  routeRefsResolved, // ND703
  routeIngressRuleMatches, // ND704
  backendServiceExists, // ND801
  backendEndpointsReady, // ND802
  backendPodsReady, // ND803
  backendTargetPortMatches, // ND804
  backendAnswers, // ND805
  backendNetworkPolicyAdmitsProxy, // ND808
];
