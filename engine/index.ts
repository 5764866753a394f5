/** Public API of the DRBD Lab engine. */
export { createLab, replayLab, outputDigest, Lab, type CreateLabOptions, type LabEvent, type LabExecResult, type Target } from "./lab";
export { parseLabScript, runLabScriptSteps, checkTargets, type Step, type ParsedScript } from "./lab-script";
export { registerScenario, getScenario, listScenarios, type Scenario } from "./scenarios";
export { createWorld, LabWorld, type CreateWorldOptions } from "./world/world";
export { TOPOLOGIES, getTopology, type Topology, type NodeSpec } from "./world/topology";
export { LabNetwork } from "./world/network";
export type * from "./world/types";
