export { ModelError, ValidationError, type ValidationIssue } from "./errors.js";
export { ACTIVITY_STATES, ActivityState, isActivityState } from "./activity-state.js";
export {
  OnTrackStatus,
  ON_TRACK_STATUSES,
  isOnTrackStatus,
  parseOnTrackStatus,
} from "./on-track-status.js";
export {
  logPositionSchema,
  parseLogPosition,
  positionKey,
  sameLogPosition,
  type LogPosition,
} from "./log-position.js";
export {
  AGENT_EVENT_SOURCES,
  AgentEventSource,
  addTokenUsage,
  agentEventSchema,
  emptyTokenUsage,
  parseAgentEvent,
  tokenUsageSchema,
  type AgentEvent,
  type AgentEventType,
  type AssistantTextEvent,
  type ErrorEvent,
  type PermissionRequestEvent,
  type QuestionEvent,
  type SessionEndEvent,
  type SessionStartEvent,
  type TokenUsage,
  type ToolCallEvent,
  type ToolInput,
  type ToolResultEvent,
  type TurnEndEvent,
  type UsageEvent,
  type UserPromptEvent,
} from "./agent-event.js";
export { agentSummarySchema, parseAgentSummary, type AgentSummary } from "./agent-summary.js";
export { InMemoryPositionStore, type PositionStore } from "./position-store.js";
export {
  silentLogger,
  systemClock,
  type Clock,
  type CommonOptions,
  type LogFn,
  type Logger,
} from "./options.js";
