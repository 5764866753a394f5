/** Public API of the DRBD Lab engine. */

export type {
  FieldChange,
  ResourceLifeEvent,
  SplitBrainEvent,
  StateChangeEvent,
  StateEvent,
  StateField,
  StateHistory,
  StateObject,
} from "./drbd/history";
export {
  type CreateLabOptions,
  createLab,
  type ExecOptions,
  Lab,
  type LabEvent,
  type LabExecResult,
  outputDigest,
  promptOf,
  type ReplayEvent,
  type ReplayObserver,
  type ReplayStep,
  replay,
  replayLab,
  type Target,
  type TtyChunk,
} from "./lab";
export { checkTargets, type ParsedScript, parseLabScript, runLabScriptSteps, type Step } from "./lab-script";
export type * from "./lab-state";
export { getScenario, listScenarios, registerScenario, type Scenario } from "./scenarios";
export { LabNetwork } from "./world/network";
export { getTopology, type NodeSpec, TOPOLOGIES, type Topology } from "./world/topology";
export type * from "./world/types";
export { type CreateWorldOptions, createWorld, LabWorld } from "./world/world";
