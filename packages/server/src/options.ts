import type { LookupAddress } from "node:dns";
import type { MonitoringConfig } from "@agentwatch/config";
import type { Clock, Logger, PositionStore } from "@agentwatch/models";
import type { GeneratorStats, MonitoringService } from "@agentwatch/monitor";
import type { SummaryStore } from "@agentwatch/summary-store";
import { InvalidServerOptionError } from "./errors.js";
import type { OtlpReceiverOptions } from "./otlp-receiver.js";

/** The configuration fields the server reads (a whole `MonitoringConfig` will do). */
export type ServerConfig = Pick<
  MonitoringConfig,
  "server_host" | "server_port" | "token" | "max_clients" | "enable_streaming"
> &
  Partial<Pick<MonitoringConfig, "poll_interval_seconds">>;

/** The part of `MonitoringService` the server uses: its events and its agents. */
export type SummarySource = Pick<MonitoringService, "on" | "getAgents">;

/** The part of `SummaryStore` the server reads. */
export type SummaryReader = Pick<SummaryStore, "getLatest" | "getAllLatest" | "getHistory">;

/** Sizes, counts and times the server enforces; every field is optional in `createServer`. */
export interface ServerLimits {
  /** Longest request target (path and query) in bytes; longer gets 414. 8 KiB by default. */
  readonly maxUrlBytes: number;
  /** Largest request body in bytes (no route takes one; bigger gets 413). 16 KiB by default. */
  readonly maxBodyBytes: number;
  /** Largest WebSocket message a client may send; bigger closes it with 1009. 64 KiB by default. */
  readonly maxPayloadBytes: number;
  /** A client whose unsent data passes this many bytes is dropped (close 4008). 4 MiB by default. */
  readonly maxBufferedBytes: number;
  /** Milliseconds between WebSocket pings; a client that missed the last pong is cut. 30 s by default. */
  readonly heartbeatIntervalMs: number;
  /** Milliseconds a closing handshake may take before the socket is destroyed. 2 s by default. */
  readonly closeTimeoutMs: number;
  /** `/healthz` answers 503 `stale` when the last cycle ended longer ago than this. 3 poll intervals + 30 s by default. */
  readonly staleAfterMs: number;
  /**
   * Milliseconds a client may take to send a request's headers, counted from its first byte (from
   * the connection for the first request); slower gets 408 and is closed. 10 s by default, and
   * never more than `requestTimeoutMs` unless given.
   */
  readonly headersTimeoutMs: number;
  /** Milliseconds a client may take to send a whole request; slower gets 408 and is closed. 30 s by default. */
  readonly requestTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection is kept between requests. 5 s by default. */
  readonly keepAliveTimeoutMs: number;
  /**
   * Connections one remote address may hold open at once (HTTP and WebSocket); more are closed
   * at once and counted in `/metrics`. 64 by default.
   */
  readonly maxConnectionsPerAddress: number;
}

/**
 * Resolves a host name to all its addresses; `dns.promises.lookup` (called with `{ all: true }`)
 * is the default and the model.
 */
export type HostLookup = (
  hostname: string,
  options: { all: true },
) => Promise<readonly LookupAddress[]>;

/** Cumulative counters of the summary generator (`SummaryGenerator.stats`), read for `/metrics`. */
export type GeneratorStatsReader = () => GeneratorStats | undefined;

/**
 * The counters of this process's OTLP exporter (`OtelExporter.stats` of `@agentwatch/otel`), read
 * for `agentwatch_otlp_export_*` in `/metrics`.
 */
export type ExportStatsReader = () =>
  | {
      readonly logs: {
        readonly exported: number;
        readonly failed: number;
        readonly dropped: number;
        readonly queued: number;
      };
      readonly metrics: { readonly exported: number; readonly failed: number };
    }
  | undefined;

/** Options of `createServer`. */
export interface ServerOptions {
  /** The monitoring service whose events are streamed; without one only stored summaries are served. */
  readonly service?: SummarySource | undefined;
  /** Where stored summaries are read (`SummaryStore`). */
  readonly store: SummaryReader;
  /** Host, port, token, max clients and streaming switch. */
  readonly config: ServerConfig;
  /** A pino-compatible logger; silent by default. */
  readonly logger?: Logger | undefined;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly clock?: Clock | undefined;
  /** The built dashboard (`index.html` and `assets/`); the dashboard package's `dist` by default. */
  readonly dashboardDir?: string | undefined;
  /** Limits to change; the others keep their defaults. */
  readonly limits?: Partial<ServerLimits> | undefined;
  /** Browser origins allowed on the WebSocket besides the server's own, such as `https://ops.example.com`. */
  readonly allowedOrigins?: readonly string[] | undefined;
  /** The generator's cumulative counters, for model calls, tokens, cost and fallbacks in `/metrics`. */
  readonly generatorStats?: GeneratorStatsReader | undefined;
  /** The read positions (`PositionTracker`), for `agentwatch_read_lag_bytes` in `/metrics`. */
  readonly positions?: Pick<PositionStore, "getAllPositions"> | undefined;
  /**
   * Resolves `config.server_host` before `listen()` binds it: the token is optional only when every
   * address it resolves to is loopback, and the first one is bound. `dns.promises.lookup` by default.
   */
  readonly lookup?: HostLookup | undefined;
  /**
   * Accept OTLP/HTTP logs on `POST /v1/logs` (protobuf or JSON, gzip or not) from other hosts'
   * agentwatch or a collector, and show their agents beside the local ones, with ids
   * `<host>/<instance id>`. Off unless given (`{}` for the defaults).
   */
  readonly otlpReceiver?: OtlpReceiverOptions | undefined;
  /** This process's OTLP exporter counters, for `/metrics`. */
  readonly exportStats?: ExportStatsReader | undefined;
  /** The notifier's deliveries per target (`@agentwatch/notify`), for `/metrics`. */
  readonly notifyStats?: NotifyStatsReader | undefined;
}

/** One notification target's delivery counters, as `@agentwatch/notify`'s `stats()` gives them. */
export interface NotifyTargetCounts {
  /** The target as shown (a URL only up to its host). */
  readonly target: string;
  readonly kind: string;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly retried: number;
  readonly queued: number;
}

/** Reads the notifier's counters now; null when there is no notifier. */
export type NotifyStatsReader = () => { readonly targets: readonly NotifyTargetCounts[] } | null;

/** The default limits (`staleAfterMs` is computed from the poll interval when not given). */
export const DEFAULT_LIMITS: Omit<ServerLimits, "staleAfterMs"> = Object.freeze({
  maxUrlBytes: 8 * 1024,
  maxBodyBytes: 16 * 1024,
  maxPayloadBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  heartbeatIntervalMs: 30_000,
  closeTimeoutMs: 2_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerAddress: 64,
});

/**
 * The limits with defaults filled in, each checked to be a positive integer, and
 * `headersTimeoutMs` no longer than `requestTimeoutMs` (the default follows a shorter
 * `requestTimeoutMs` down).
 *
 * @throws {InvalidServerOptionError} naming the first limit out of range.
 */
export function resolveLimits(
  given: Partial<ServerLimits> | undefined,
  pollIntervalSeconds: number,
): ServerLimits {
  const defined = Object.fromEntries(
    Object.entries(given ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<ServerLimits>;
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    staleAfterMs: (3 * pollIntervalSeconds + 30) * 1000,
    ...defined,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new InvalidServerOptionError(
        `invalid limits.${name}: expected a positive integer, got ${String(value)}`,
        `limits.${name}`,
      );
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    if (defined.headersTimeoutMs !== undefined) {
      throw new InvalidServerOptionError(
        `invalid limits.headersTimeoutMs: ${limits.headersTimeoutMs} is longer than limits.requestTimeoutMs (${limits.requestTimeoutMs}); choose a header timeout no longer than the request timeout`,
        "limits.headersTimeoutMs",
      );
    }
    return { ...limits, headersTimeoutMs: limits.requestTimeoutMs };
  }
  return limits;
}

/**
 * `allowedOrigins` normalised to `scheme://host[:port]`.
 *
 * @throws {InvalidServerOptionError} for an entry that is not an http(s) origin.
 */
export function resolveOrigins(given: readonly string[] | undefined): Set<string> {
  const origins = new Set<string>();
  for (const entry of given ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new InvalidServerOptionError(
        `invalid allowedOrigins entry ${JSON.stringify(entry)}: expected an origin such as https://ops.example.com`,
        "allowedOrigins",
      );
    }
    origins.add(url.origin);
  }
  return origins;
}
