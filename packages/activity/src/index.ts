export { analyzeActivity } from "./analyze-activity.js";
export { questionToReader } from "./question.js";
export { cleanTerminalOutput } from "./clean-terminal-output.js";
export { detectAgentKind } from "./detect-agent-kind.js";
export { ActivityState, ACTIVITY_STATES, isActivityState } from "./activity-state.js";
export { AgentKind, AGENT_KINDS, isAgentKind } from "./agent-kind.js";
export { ActivityError, InvalidActivityInputError } from "./errors.js";
export { DEFAULT_STALL_SECONDS } from "./analyze-activity.js";
export {
  commandMeaning,
  editMeaning,
  isCiPath,
  isTestPath,
  type ActionMeaning,
  type EditToJudge,
  type MeaningContext,
  type SubversionRule,
} from "./action-meaning.js";
export {
  ACTION_LOOP_COUNT,
  actionKey,
  actionKindOf,
  appendActions,
  findActionLoop,
  MAX_ACTIONS,
  type ActionKind,
  type AgentAction,
} from "./action-window.js";
export type {
  ActivityAnalysis,
  ActivityLoop,
  AnalyzeActivityOptions,
  ErrorCount,
  FileEdit,
  TestResult,
  ToolCall,
} from "./activity-analysis.js";
export type { ActivityCarry, ErrorSighting, ParserCarry, ToolRun } from "./carry.js";
export type { ScreenCarry } from "./terminal-screen.js";
export type { SnapshotCarry } from "./snapshot-filter.js";
