/**
 * The lab (DESIGN §8): scenario loader, Kubernetes API and Docker Engine API
 * stand-ins, traffic listeners, and `startLab` that runs them together.
 */
export { loadScenario, resolveScenario, packageRoot, ScenarioError } from "./scenario.js";
export type { Scenario, TrafficEntry, TrafficMode, TrafficRule, HttpAnswer, Reaction } from "./scenario.js";
export { startLab, formatEnv, hostPorts, remapScenario, remapTargetUrl, synthesizeListeners } from "./lab.js";
export type { RunningLab, LabOptions } from "./lab.js";
export { startApiServer, LAB_USER } from "./api-server.js";
export type { ApiServer, ApiServerConfig, ApiStats, ApiChange } from "./api-server.js";
export { startDockerApi, DOCKER_API_VERSION } from "./docker-api.js";
export type { DockerApi, DockerApiConfig } from "./docker-api.js";
export { startTraffic, freePort, portIsFree } from "./traffic.js";
export type { Traffic, TrafficListener } from "./traffic.js";
export { LAB_ENV } from "./contract.js";
export type { LabState } from "./contract.js";
