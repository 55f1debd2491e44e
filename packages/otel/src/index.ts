export { createOtelExporter, OtelExporter, type ShutdownResult } from "./otel-exporter.js";
export {
  OTEL_ENV_VARIABLES,
  otelOptionsFromEnv,
  parseOtlpHeaders,
  resolveExporterOptions,
  signalUrl,
  type OtelExporterOptions,
  type OtlpProtocol,
  type ResolvedExporterOptions,
} from "./options.js";
export type { ExportStats, LogExportStats, MetricExportStats } from "./counting.js";
export {
  agentRemovedRecord,
  conversationIdOf,
  cycleRecord,
  stateChangeRecord,
  summaryRecord,
  type AgentwatchLogRecord,
  type RecordAttributes,
} from "./log-records.js";
export { OtelAttributes, OtelMetrics, OtelNames } from "./semantic.js";
export type { MonitorLike } from "./monitor-like.js";
export { OtelError, OtelOptionError, OtlpDecodeError, type OtelErrorCode } from "./errors.js";
