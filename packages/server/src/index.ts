export { createServer } from "./create-server.js";
export { AgentwatchServer, type ServerAddress } from "./agentwatch-server.js";
export {
  DEFAULT_LIMITS,
  type GeneratorStatsReader,
  type HostLookup,
  type ExportStatsReader,
  type NotifyStatsReader,
  type NotifyTargetCounts,
  type ServerConfig,
  type ServerLimits,
  type ServerOptions,
  type SummaryReader,
  type SummarySource,
} from "./options.js";
export {
  CloseCode,
  PROTOCOL_VERSION,
  SUMMARIES_PATH,
  type AgentAddedMessage,
  type AgentRemovedMessage,
  type AgentStaleMessage,
  type ClientPingMessage,
  type CycleMessage,
  type ErrorMessage,
  type PongMessage,
  type ServerMessage,
  type SnapshotMessage,
  type StateChangeMessage,
  type SummaryUpdateMessage,
  type WireAgent,
  type WireAgentInfo,
} from "./messages.js";
export type { HealthBody } from "./health.js";
export { MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT } from "./query.js";
export { defaultDashboardDir } from "./dashboard-files.js";
export {
  InvalidServerOptionError,
  ListenError,
  ServerError,
  ServerStateError,
  TokenRequiredError,
  type ServerErrorCode,
} from "./errors.js";
export {
  OTLP_LOGS_PATH,
  type OtlpReceiverOptions,
  type OtlpRequestResult,
} from "./otlp-receiver.js";
export { remoteId, type RemoteSummary } from "./remote-agents.js";
