import type { Logger } from "@agentwatch/models";
import type { GeneratorStats } from "@agentwatch/monitor";
import { OtelOptionError } from "./errors.js";

/** How records travel: OTLP/HTTP with protobuf bodies (the OTLP default) or JSON bodies. */
export type OtlpProtocol = "http/protobuf" | "http/json";

/** Options of `createOtelExporter`; only an endpoint is required. */
export interface OtelExporterOptions {
  /**
   * The base URL of an OTLP/HTTP receiver (a collector, or an agentwatch `serve --otlp-receiver`):
   * logs go to `<endpoint>/v1/logs`, metrics to `<endpoint>/v1/metrics`.
   */
  readonly endpoint?: string | undefined;
  /** The full URL logs are sent to, instead of `<endpoint>/v1/logs`. */
  readonly logsEndpoint?: string | undefined;
  /** The full URL metrics are sent to, instead of `<endpoint>/v1/metrics`; without either, no metrics. */
  readonly metricsEndpoint?: string | undefined;
  /** Headers on every request, such as `{ Authorization: "Bearer …" }`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Milliseconds one export (retries included) may take before it fails. 10 s by default. */
  readonly timeoutMs?: number | undefined;
  /** Milliseconds between metric exports. 60 s by default. */
  readonly exportIntervalMs?: number | undefined;
  /** `http/protobuf` (default) or `http/json`. */
  readonly protocol?: OtlpProtocol | undefined;
  /** `gzip` to compress request bodies; `none` by default. */
  readonly compression?: "gzip" | "none" | undefined;
  /** `host.name` of the resource; the machine's host name by default. */
  readonly hostName?: string | undefined;
  /** `service.instance.id` of the resource; a random UUID per exporter (per process run) by default. */
  readonly serviceInstanceId?: string | undefined;
  /** `service.version` of the resource, when given. */
  readonly serviceVersion?: string | undefined;
  /** Log records waiting to be sent at most; more are dropped and counted. 2048 by default. */
  readonly maxQueueSize?: number | undefined;
  /** Log records per request at most. 512 by default (never more than `maxQueueSize`). */
  readonly maxExportBatchSize?: number | undefined;
  /** Milliseconds a log record may wait for its batch. 1 s by default. */
  readonly scheduledDelayMs?: number | undefined;
  /** Where export failures are told (at most once a minute each). Silent by default. */
  readonly logger?: Logger | undefined;
  /** The summary generator's cumulative counters, for the model token and cost counters. */
  readonly generatorStats?: (() => GeneratorStats | undefined) | undefined;
}

/** The options with their defaults, and the two URLs worked out. */
export interface ResolvedExporterOptions {
  readonly logsUrl: string;
  readonly metricsUrl: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly exportIntervalMs: number;
  readonly protocol: OtlpProtocol;
  readonly compression: "gzip" | "none";
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
}

function httpUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OtelOptionError(
      `invalid ${option} ${JSON.stringify(value)}: not a URL; give one such as http://collector:4318`,
      option,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OtelOptionError(
      `invalid ${option} ${JSON.stringify(value)}: expected an http:// or https:// URL`,
      option,
    );
  }
  return url.href;
}

/** `<base>/v1/<signal>`, as the OTLP exporter specification appends it to the base endpoint. */
export function signalUrl(base: string, signal: "logs" | "metrics"): string {
  return `${base.replace(/\/+$/, "")}/v1/${signal}`;
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new OtelOptionError(
      `invalid ${option}: expected a positive whole number, got ${String(value)}`,
      option,
    );
  }
  return value;
}

/**
 * The options with defaults filled in, each checked.
 *
 * @throws {OtelOptionError} naming the option at fault; also when no endpoint is given.
 */
export function resolveExporterOptions(options: OtelExporterOptions): ResolvedExporterOptions {
  const { endpoint, logsEndpoint, metricsEndpoint } = options;
  if (endpoint === undefined && logsEndpoint === undefined) {
    throw new OtelOptionError(
      "no OTLP endpoint: give endpoint (or logsEndpoint), such as http://collector:4318",
      "endpoint",
    );
  }
  const base = endpoint === undefined ? undefined : httpUrl(endpoint, "endpoint");
  const logsUrl =
    logsEndpoint !== undefined
      ? httpUrl(logsEndpoint, "logsEndpoint")
      : signalUrl(base as string, "logs");
  const metricsUrl =
    metricsEndpoint !== undefined
      ? httpUrl(metricsEndpoint, "metricsEndpoint")
      : base === undefined
        ? undefined
        : signalUrl(base, "metrics");
  const protocol = options.protocol ?? "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new OtelOptionError(
      `invalid protocol ${JSON.stringify(protocol)}: expected http/protobuf or http/json`,
      "protocol",
    );
  }
  const compression = options.compression ?? "none";
  if (compression !== "gzip" && compression !== "none") {
    throw new OtelOptionError(
      `invalid compression ${JSON.stringify(compression)}: expected gzip or none`,
      "compression",
    );
  }
  const maxQueueSize = positive(options.maxQueueSize, 2048, "maxQueueSize");
  return {
    logsUrl,
    metricsUrl,
    headers: { ...options.headers },
    timeoutMs: positive(options.timeoutMs, 10_000, "timeoutMs"),
    exportIntervalMs: positive(options.exportIntervalMs, 60_000, "exportIntervalMs"),
    protocol,
    compression,
    maxQueueSize,
    maxExportBatchSize: Math.min(
      positive(options.maxExportBatchSize, 512, "maxExportBatchSize"),
      maxQueueSize,
    ),
    scheduledDelayMs: positive(options.scheduledDelayMs, 1_000, "scheduledDelayMs"),
  };
}

/** The `OTEL_EXPORTER_OTLP_*` (and `OTEL_METRIC_EXPORT_INTERVAL`) variables this package maps. */
export const OTEL_ENV_VARIABLES = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TIMEOUT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_COMPRESSION",
  "OTEL_METRIC_EXPORT_INTERVAL",
] as const;

/**
 * Parses `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, percent-decoded.
 *
 * @throws {OtelOptionError} for a pair without `=` or an empty key.
 */
export function parseOtlpHeaders(text: string, variable: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    const key = at < 0 ? "" : safeDecode(part.slice(0, at).trim());
    if (at < 0 || key === "") {
      throw new OtelOptionError(
        `invalid ${variable}: expected key=value pairs separated by commas, such as Authorization=Bearer%20abc`,
        variable,
      );
    }
    headers[key] = safeDecode(part.slice(at + 1).trim());
  }
  return headers;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function envNumber(value: string, variable: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new OtelOptionError(
      `invalid ${variable} ${JSON.stringify(value)}: expected a positive whole number of milliseconds`,
      variable,
    );
  }
  return parsed;
}

/**
 * The exporter options the standard OpenTelemetry variables give, for an app to pass on (this
 * package never reads `process.env` itself). Empty values count as unset. Returns `{}` when none
 * is set, so `endpoint` is absent and nothing is exported unless the app adds one.
 *
 * @throws {OtelOptionError} naming the variable at fault.
 * @example
 * const fromEnv = otelOptionsFromEnv(process.env);
 * const options = { ...fromEnv, endpoint: flags.otlpEndpoint ?? fromEnv.endpoint };
 */
export function otelOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Partial<OtelExporterOptions> {
  const get = (name: (typeof OTEL_ENV_VARIABLES)[number]) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const options: { -readonly [K in keyof OtelExporterOptions]?: OtelExporterOptions[K] } = {};
  const endpoint = get("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (endpoint !== undefined) options.endpoint = httpUrl(endpoint, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const logs = get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");
  if (logs !== undefined) options.logsEndpoint = httpUrl(logs, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");
  const metrics = get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  if (metrics !== undefined) {
    options.metricsEndpoint = httpUrl(metrics, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  }
  const headers = get("OTEL_EXPORTER_OTLP_HEADERS");
  if (headers !== undefined) {
    options.headers = parseOtlpHeaders(headers, "OTEL_EXPORTER_OTLP_HEADERS");
  }
  const timeout = get("OTEL_EXPORTER_OTLP_TIMEOUT");
  if (timeout !== undefined) options.timeoutMs = envNumber(timeout, "OTEL_EXPORTER_OTLP_TIMEOUT");
  const interval = get("OTEL_METRIC_EXPORT_INTERVAL");
  if (interval !== undefined) {
    options.exportIntervalMs = envNumber(interval, "OTEL_METRIC_EXPORT_INTERVAL");
  }
  const protocol = get("OTEL_EXPORTER_OTLP_PROTOCOL");
  if (protocol !== undefined) {
    if (protocol !== "http/protobuf" && protocol !== "http/json") {
      throw new OtelOptionError(
        `unsupported OTEL_EXPORTER_OTLP_PROTOCOL ${JSON.stringify(protocol)}: agentwatch exports over http/protobuf or http/json (not grpc)`,
        "OTEL_EXPORTER_OTLP_PROTOCOL",
      );
    }
    options.protocol = protocol;
  }
  const compression = get("OTEL_EXPORTER_OTLP_COMPRESSION");
  if (compression !== undefined) {
    if (compression !== "gzip" && compression !== "none") {
      throw new OtelOptionError(
        `invalid OTEL_EXPORTER_OTLP_COMPRESSION ${JSON.stringify(compression)}: expected gzip or none`,
        "OTEL_EXPORTER_OTLP_COMPRESSION",
      );
    }
    options.compression = compression;
  }
  return options;
}
