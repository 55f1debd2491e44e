import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type Logger, silentLogger } from "@agentwatch/models";
import { SeverityNumber, type Logger as OtelLogger } from "@opentelemetry/api-logs";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtobufLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtobufMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import {
  BoundedLogProcessor,
  CountingLogExporter,
  CountingMetricExporter,
  ExportCounters,
  type ExportStats,
} from "./counting.js";
import {
  type AgentwatchLogRecord,
  agentRemovedRecord,
  cycleRecord,
  stateChangeRecord,
  summaryRecord,
} from "./log-records.js";
import { MonitorMetrics } from "./metrics.js";
import type { MonitorLike } from "./monitor-like.js";
import {
  type OtelExporterOptions,
  type ResolvedExporterOptions,
  resolveExporterOptions,
} from "./options.js";
import { OtelAttributes as A, OtelNames } from "./semantic.js";

/** How often one kind of export failure is logged at most. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** What `shutdown()` reports. */
export interface ShutdownResult {
  /** True when the deadline passed first: what was still queued or in flight is dropped. */
  readonly timedOut: boolean;
}

/**
 * Exports a monitoring service's summaries, state changes and metrics over OTLP/HTTP with the
 * OpenTelemetry SDK. Build it with `createOtelExporter`, then `attach(service)`.
 *
 * Export never slows the service: a listener only hands a record to the SDK's batch processor
 * (whose queue is bounded by `maxQueueSize`; records beyond it are dropped and counted), and the
 * batches travel on their own timers.
 */
export class OtelExporter {
  readonly #options: ResolvedExporterOptions;
  readonly #logger: Logger;
  readonly #counters = new ExportCounters();
  readonly #loggerProvider: LoggerProvider;
  readonly #meterProvider: MeterProvider | undefined;
  readonly #otelLogger: OtelLogger;
  readonly #metrics: MonitorMetrics | undefined;
  readonly #lastFailureLog = new Map<string, number>();
  readonly #hostName: string;
  readonly #serviceInstanceId: string;
  #unsubscribe: Array<() => void> = [];
  #shutdown: Promise<ShutdownResult> | undefined;

  /** Use `createOtelExporter()`, which checks the options. */
  constructor(options: OtelExporterOptions, resolved: ResolvedExporterOptions) {
    this.#options = resolved;
    this.#logger = options.logger ?? silentLogger;
    this.#hostName = options.hostName ?? hostname();
    this.#serviceInstanceId = options.serviceInstanceId ?? randomUUID();
    const resource = resourceFromAttributes({
      [A.SERVICE_NAME]: OtelNames.SERVICE_NAME,
      [A.HOST_NAME]: this.#hostName,
      [A.SERVICE_INSTANCE_ID]: this.#serviceInstanceId,
      ...(options.serviceVersion === undefined
        ? {}
        : { [A.SERVICE_VERSION]: options.serviceVersion }),
    });
    const onFailure = (error: Error | undefined, signal: "logs" | "metrics") =>
      this.#failed(error, signal);
    const common = {
      headers: { ...resolved.headers },
      timeoutMillis: resolved.timeoutMs,
      compression:
        resolved.compression === "gzip" ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      concurrencyLimit: 2,
    };
    const json = resolved.protocol === "http/json";
    const logExporter = json
      ? new JsonLogExporter({ ...common, url: resolved.logsUrl })
      : new ProtobufLogExporter({ ...common, url: resolved.logsUrl });
    const batch = new BatchLogRecordProcessor({
      exporter: new CountingLogExporter(logExporter, this.#counters, onFailure),
      maxQueueSize: resolved.maxQueueSize,
      maxExportBatchSize: resolved.maxExportBatchSize,
      scheduledDelayMillis: resolved.scheduledDelayMs,
      exportTimeoutMillis: resolved.timeoutMs,
    });
    this.#loggerProvider = new LoggerProvider({
      resource,
      processors: [new BoundedLogProcessor(batch, this.#counters, resolved.maxQueueSize)],
    });
    this.#otelLogger = this.#loggerProvider.getLogger(OtelNames.SCOPE);
    if (resolved.metricsUrl !== undefined) {
      const url = resolved.metricsUrl;
      const metricExporter = json
        ? new JsonMetricExporter({ ...common, url })
        : new ProtobufMetricExporter({ ...common, url });
      this.#meterProvider = new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter: new CountingMetricExporter(metricExporter, this.#counters, onFailure),
            exportIntervalMillis: resolved.exportIntervalMs,
            exportTimeoutMillis: Math.min(resolved.timeoutMs, resolved.exportIntervalMs),
          }),
        ],
      });
      this.#metrics = new MonitorMetrics(
        this.#meterProvider.getMeter(OtelNames.SCOPE),
        options.generatorStats,
      );
    }
  }

  /** `host.name` of the resource. */
  get hostName(): string {
    return this.#hostName;
  }

  /** `service.instance.id` of the resource (stable for this exporter's life). */
  get serviceInstanceId(): string {
    return this.#serviceInstanceId;
  }

  /** Where log records go. */
  get logsUrl(): string {
    return this.#options.logsUrl;
  }

  /** Where metrics go, or undefined when they are not exported. */
  get metricsUrl(): string | undefined {
    return this.#options.metricsUrl;
  }

  /** What was exported, failed and dropped so far. */
  get stats(): ExportStats {
    return this.#counters.snapshot();
  }

  /**
   * Exports the service's events from now on: each `summary` (as `gen_ai.evaluation.result`),
   * `state_change`, `agent_removed` and `cycle` becomes a log record, and the gauges read its
   * agents. Returns a function that stops it.
   */
  attach(service: MonitorLike): () => void {
    const now = () => Date.now();
    this.#metrics?.watch(service);
    const offs = [
      service.on("summary", ({ summary }) => {
        this.#emit(summaryRecord(summary, now()));
        this.#metrics?.summary(summary);
      }),
      service.on("state_change", (change) => {
        this.#emit(stateChangeRecord(change, now()));
        this.#metrics?.stateChange();
      }),
      service.on("agent_removed", (event) => {
        this.#emit(agentRemovedRecord(event, now()));
        this.#metrics?.removed(event.instance_id);
      }),
      service.on("cycle", (cycle) => {
        this.#emit(cycleRecord(cycle, now()));
        this.#metrics?.cycle(cycle);
      }),
    ];
    const off = () => {
      for (const unsubscribe of offs) unsubscribe();
      this.#metrics?.watch(undefined);
    };
    this.#unsubscribe.push(off);
    return off;
  }

  /** Sends what is queued now; resolves when the requests ended (or failed). */
  async flush(): Promise<void> {
    await Promise.all([this.#loggerProvider.forceFlush(), this.#meterProvider?.forceFlush()]);
  }

  /**
   * Stops exporting: detaches from the service, sends what is queued and the last metrics, and
   * resolves within `timeoutMs` (5 s by default) whatever the receiver does; what could not be
   * sent by then is counted as dropped. Safe to call twice.
   */
  shutdown(options: { timeoutMs?: number } = {}): Promise<ShutdownResult> {
    this.#shutdown ??= this.#stop(options.timeoutMs ?? 5_000);
    return this.#shutdown;
  }

  async #stop(timeoutMs: number): Promise<ShutdownResult> {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const done = Promise.allSettled([
      this.#loggerProvider.shutdown(),
      this.#meterProvider?.shutdown(),
    ]).then(() => "done" as const);
    const outcome = await Promise.race([done, deadline]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      const counters = this.#counters;
      const unsent = counters.queued;
      counters.dropped += unsent;
      counters.emitted = counters.handed;
      this.#logger.warn(
        { url: this.#options.logsUrl, dropped: unsent },
        `OTLP export did not finish within ${timeoutMs} ms of shutdown; ${unsent} queued log records were dropped`,
      );
    }
    return { timedOut: outcome === "timeout" };
  }

  #emit(record: AgentwatchLogRecord): void {
    if (this.#shutdown !== undefined) return;
    this.#otelLogger.emit({
      eventName: record.eventName,
      timestamp: record.timeMs,
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      attributes: record.attributes,
      body: record.body,
    });
  }

  #failed(error: Error | undefined, signal: "logs" | "metrics"): void {
    const now = Date.now();
    const last = this.#lastFailureLog.get(signal) ?? -Infinity;
    if (now - last < FAILURE_LOG_INTERVAL_MS) return;
    this.#lastFailureLog.set(signal, now);
    const url = signal === "logs" ? this.#options.logsUrl : this.#options.metricsUrl;
    const { dropped, failed } = this.#counters.snapshot().logs;
    this.#logger.warn(
      { err: error, url, signal },
      `cannot export ${signal} to ${url}: ${error?.message ?? "export failed"}; monitoring goes on (${failed} log records failed, ${dropped} dropped so far)`,
    );
  }
}

/**
 * Builds an OTLP exporter for a monitoring service's events. Nothing is sent until `attach()`
 * and an event.
 *
 * @throws {OtelOptionError} when no endpoint is given or an option is out of range.
 * @example
 * const exporter = createOtelExporter({ endpoint: "http://collector:4318", logger });
 * exporter.attach(service);
 * service.start();
 * // on shutdown
 * await service.stop();
 * await exporter.shutdown({ timeoutMs: 5_000 });
 */
export function createOtelExporter(options: OtelExporterOptions): OtelExporter {
  return new OtelExporter(options, resolveExporterOptions(options));
}
