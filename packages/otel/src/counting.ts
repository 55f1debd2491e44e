import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadableLogRecord,
  SdkLogRecord,
} from "@opentelemetry/sdk-logs";
import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";

/** What happened to the log records handed to the exporter so far. */
export interface LogExportStats {
  /** Records the receiver accepted. */
  readonly exported: number;
  /** Records in requests that failed (receiver down, 5xx after retries, timeout, 4xx). */
  readonly failed: number;
  /** Requests that failed. */
  readonly failedBatches: number;
  /** Records never sent: the queue was full (`maxQueueSize`), or still queued at shutdown's deadline. */
  readonly dropped: number;
  /** Records waiting to be sent now (at most `maxQueueSize`), besides the request in flight. */
  readonly queued: number;
  /** Records in requests not answered yet. */
  readonly inFlight: number;
}

/** What happened to the metric exports so far (one request per export interval). */
export interface MetricExportStats {
  readonly exported: number;
  readonly failed: number;
}

/** The exporter's counters: what `/metrics` of a server shows as `agentwatch_otlp_*`. */
export interface ExportStats {
  readonly logs: LogExportStats;
  readonly metrics: MetricExportStats;
  /** The last failure's message, or null. */
  readonly lastError: string | null;
}

/** The mutable counters behind `ExportStats`. */
export class ExportCounters {
  emitted = 0;
  handed = 0;
  exported = 0;
  failed = 0;
  failedBatches = 0;
  dropped = 0;
  metricsExported = 0;
  metricsFailed = 0;
  lastError: string | null = null;

  /** Records in the batch processor's queue: passed to it and not yet handed to the exporter. */
  get queued(): number {
    return this.emitted - this.handed;
  }

  snapshot(): ExportStats {
    return {
      logs: {
        exported: this.exported,
        failed: this.failed,
        failedBatches: this.failedBatches,
        dropped: this.dropped,
        queued: this.queued,
        inFlight: this.handed - this.exported - this.failed,
      },
      metrics: { exported: this.metricsExported, failed: this.metricsFailed },
      lastError: this.lastError,
    };
  }
}

type FailureListener = (error: Error | undefined, signal: "logs" | "metrics") => void;

/** A log exporter that counts what it is given and how each request ended. */
export class CountingLogExporter implements LogRecordExporter {
  readonly #inner: LogRecordExporter;
  readonly #counters: ExportCounters;
  readonly #onFailure: FailureListener;

  constructor(inner: LogRecordExporter, counters: ExportCounters, onFailure: FailureListener) {
    this.#inner = inner;
    this.#counters = counters;
    this.#onFailure = onFailure;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const counters = this.#counters;
    counters.handed += logs.length;
    this.#inner.export(logs, (result) => {
      if (result.code === ExportResultCode.SUCCESS) counters.exported += logs.length;
      else {
        counters.failed += logs.length;
        counters.failedBatches++;
        counters.lastError = result.error?.message ?? "export failed";
        this.#onFailure(result.error, "logs");
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }
}

/**
 * Passes records on to the batch processor while its queue has room, else drops and counts them:
 * the queue never grows past `maxQueueSize`, whatever the receiver does.
 */
export class BoundedLogProcessor implements LogRecordProcessor {
  readonly #inner: LogRecordProcessor;
  readonly #counters: ExportCounters;
  readonly #maxQueueSize: number;
  #closed = false;

  constructor(inner: LogRecordProcessor, counters: ExportCounters, maxQueueSize: number) {
    this.#inner = inner;
    this.#counters = counters;
    this.#maxQueueSize = maxQueueSize;
  }

  onEmit(logRecord: SdkLogRecord): void {
    if (this.#closed || this.#counters.queued >= this.#maxQueueSize) {
      this.#counters.dropped++;
      return;
    }
    this.#counters.emitted++;
    this.#inner.onEmit(logRecord);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#closed = true;
    return this.#inner.shutdown();
  }
}

/** A metric exporter that counts how each export ended. */
export class CountingMetricExporter implements PushMetricExporter {
  readonly #inner: PushMetricExporter;
  readonly #counters: ExportCounters;
  readonly #onFailure: FailureListener;
  readonly selectAggregationTemporality: PushMetricExporter["selectAggregationTemporality"];
  readonly selectAggregation: PushMetricExporter["selectAggregation"];

  constructor(inner: PushMetricExporter, counters: ExportCounters, onFailure: FailureListener) {
    this.#inner = inner;
    this.#counters = counters;
    this.#onFailure = onFailure;
    this.selectAggregationTemporality = inner.selectAggregationTemporality?.bind(inner);
    this.selectAggregation = inner.selectAggregation?.bind(inner);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.#counters.metricsExported++;
      else {
        this.#counters.metricsFailed++;
        this.#counters.lastError = result.error?.message ?? "export failed";
        this.#onFailure(result.error, "metrics");
      }
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
