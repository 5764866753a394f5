export { getScenario, listScenarios, registerScenario, type Scenario } from "./registry";
