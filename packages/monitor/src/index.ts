export type { AgentStatus } from "./agent-registry.js";
export {
  MonitoringService,
  type MonitoringServiceParts,
  type StopOptions,
  type StopResult,
} from "./monitoring-service.js";
export type { MonitorSettings } from "./settings.js";
export {
  createMonitoringService,
  type MonitoringServiceOverrides,
} from "./create-monitoring-service.js";
export {
  DEFAULT_LOG_TYPE,
  bareAgent,
  type AgentJoinKeys,
  type AgentStream,
  type LogFormat,
  type AgentInfo,
  type AgentSource,
  type SourceContext,
} from "./agent-source.js";
export { layoutSource, INSTANCES_STATE_FILE, METADATA_FILE } from "./sources/layout-source.js";
export { globSource, type GlobSourceOptions } from "./sources/glob-source.js";
export {
  agentsFileSource,
  parseAgentsFile,
  parseAgentsFilePanes,
  type PaneEntry,
  type ParseAgentsFileOptions,
} from "./sources/agents-file-source.js";
export { combineSources } from "./sources/combine-sources.js";
export {
  DEFAULT_SESSION_IDLE_MS,
  claudeSessionsSource,
  codexSessionsSource,
  type SessionSource,
  type SessionSourceOptions,
} from "./sources/session-sources.js";
export { joinSessions } from "./sources/join-sessions.js";
export {
  createTranscriptsAnalyzer,
  transcriptsAnalyzer,
  type ModelTokenPrices,
  type TranscriptsAnalyzerOptions,
} from "./transcripts-analyzer.js";
export {
  ModelLane,
  type ModelCallCounts,
  type ModelJudgeLike,
  type ModelLaneOptions,
  type ModelStatus,
} from "./model-lane.js";
export { SourceWatcher, type SourceWatcherOptions, type WatchFunction } from "./source-watcher.js";
export { DEFAULT_CATCH_UP_BYTES, DEFAULT_CATCH_UP_LINES } from "./settings.js";
export {
  HOOKS_INSTANCE_ID,
  HOOKS_LOG_TYPE,
  HookFeed,
  type HookFeedOptions,
  type HookSession,
} from "./hook-feed.js";
export type { SourcePathOptions } from "./sources/source-paths.js";
export {
  ORCHESTRATOR_STATES,
  activityOfOrchestratorState,
  type OrchestratorState,
} from "./sources/orchestrator-state.js";
export type {
  AgentEvent,
  AgentStateSnapshot,
  CycleStats,
  ErrorEvent,
  MonitorEventName,
  MonitorEvents,
  MonitorListener,
  StateChangeEvent,
  SummaryEvent,
} from "./events.js";
export type { ActivityState } from "@agentwatch/activity";
export {
  type ActivityAnalysisLike,
  type ActivityAnalyzer,
  type AgentContext,
  type AnalyzeContext,
  type GeneratorStats,
  type HookEventLike,
  type ParsedEvents,
  type StructuredAnalyzerLike,
  type StructuredFormat,
  type LogReaderLike,
  type MonitoredSummary,
  type PositionTrackerLike,
  type SummaryGeneratorLike,
  type SummaryStoreLike,
  type Timer,
} from "./parts.js";
export { backoffSeconds, MAX_BACKOFF_SECONDS } from "./backoff.js";
export { nextSlot, systemTimer, type NextSlot } from "./schedule.js";
export {
  AgentProcessingError,
  AgentsFileError,
  InstanceIdError,
  InvalidOptionError,
  MonitorError,
  ServiceAlreadyStartedError,
  ServiceStoppedError,
  SourceError,
  type AgentStage,
  type MonitorErrorCode,
} from "./errors.js";
