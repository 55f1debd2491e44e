export { SeededRandom } from "./random.js";
export { SCENARIOS, scenarioSteps, type Scenario, type SimStep } from "./scenarios.js";
export {
  expectedLines,
  simulateAgent,
  simulatedBytes,
  type SimAgentOptions,
  type SimWrite,
} from "./simulate.js";
export { agentProcessCommand, type AgentProcessCommand } from "./entry.js";
export {
  SIM_AGENTS,
  logPathOf,
  nextRun,
  startAgent,
  type RunningAgent,
  type SimAgentSpec,
} from "./fleet.js";
