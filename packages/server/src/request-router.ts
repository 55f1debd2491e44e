import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock, Logger, PositionStore } from "@agentwatch/models";
import { handleApi } from "./api-routes.js";
import type { ClientHub } from "./client-hub.js";
import type { ConnectionGuard } from "./connection-guard.js";
import type { DashboardFiles } from "./dashboard-files.js";
import { health } from "./health.js";
import { sendFailure, sendJson, sendText } from "./http-util.js";
import { SUMMARIES_PATH } from "./messages.js";
import { renderMetrics } from "./metrics.js";
import type {
  ExportStatsReader,
  NotifyStatsReader,
  GeneratorStatsReader,
  SummaryReader,
  SummarySource,
} from "./options.js";
import { OTLP_LOGS_PATH, type OtlpContext, handleOtlpLogs } from "./otlp-receiver.js";
import { readBodyWithin } from "./read-body.js";
import { type GuardSettings, checkHost, checkToken, requestUrl } from "./request-guard.js";
import type { ServerStats } from "./server-stats.js";
import type { WsCounters } from "./ws-counters.js";

/** What the HTTP routes read. */
export interface RouteContext {
  readonly service: SummarySource | undefined;
  readonly store: SummaryReader;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly guard: GuardSettings;
  readonly maxBodyBytes: number;
  readonly staleAfterMs: number;
  readonly stats: ServerStats;
  readonly ws: WsCounters;
  readonly hub: ClientHub;
  readonly files: DashboardFiles;
  readonly generatorStats: GeneratorStatsReader | undefined;
  readonly positions: Pick<PositionStore, "getAllPositions"> | undefined;
  readonly connections: ConnectionGuard;
  /** The OTLP receiver, when enabled. */
  readonly otlp: OtlpContext | undefined;
  /** The OTLP exporter's counters, when this process exports. */
  readonly exportStats: ExportStatsReader | undefined;
  readonly notifyStats?: NotifyStatsReader | undefined;
}

/**
 * Answers one HTTP request: limits and `Host` first, then GET/HEAD only, the token on data
 * endpoints, then `/api/*`, `/healthz`, `/metrics`, or a dashboard file.
 */
export async function routeRequest(
  request: IncomingMessage,
  response: ServerResponse,
  context: RouteContext,
): Promise<void> {
  const url = requestUrl(request, context.guard);
  if (!(url instanceof URL)) return sendFailure(request, response, url);
  if (context.otlp !== undefined && url.pathname === OTLP_LOGS_PATH) {
    return handleOtlpLogs(request, response, url, context.otlp);
  }
  const bodyFailure = await readBodyWithin(request, context.maxBodyBytes);
  if (bodyFailure !== undefined) {
    return sendFailure(request, response, { ...bodyFailure, headers: { Connection: "close" } });
  }
  const hostFailure = checkHost(request, context.guard);
  if (hostFailure !== undefined) return sendFailure(request, response, hostFailure);
  if (request.method !== "GET" && request.method !== "HEAD") {
    return sendFailure(request, response, {
      status: 405,
      code: "METHOD_NOT_ALLOWED",
      message: `${request.method ?? "?"} is not allowed; the server only answers GET and HEAD`,
      headers: { Allow: "GET, HEAD" },
    });
  }
  const { pathname } = url;
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  if (isApi || pathname === "/healthz" || pathname === "/metrics" || pathname === SUMMARIES_PATH) {
    const denied = checkToken(request, url, context.guard, pathname);
    if (denied !== undefined) return sendFailure(request, response, denied);
  }
  const { service, store, logger, hub } = context;
  const remote = context.otlp?.remote;
  if (isApi) return handleApi(request, response, url, { store, service, logger, remote });
  if (pathname === "/healthz") {
    const body = health(
      context.stats,
      service !== undefined,
      service?.getAgents().length ?? null,
      hub.size,
      context.clock(),
      context.staleAfterMs,
    );
    return sendJson(request, response, body.status === "stale" ? 503 : 200, body);
  }
  if (pathname === "/metrics") {
    const text = await renderMetrics({
      service,
      store,
      stats: context.stats,
      ws: context.ws,
      clients: hub.size,
      bufferedBytes: hub.bufferedBytes(),
      generatorStats: context.generatorStats,
      positions: context.positions,
      connections: context.connections,
      remote,
      otlp: context.otlp?.counters,
      exportStats: context.exportStats,
      notifyStats: context.notifyStats,
    });
    return sendText(request, response, 200, "text/plain; version=0.0.4; charset=utf-8", text, {
      "Cache-Control": "no-store",
    });
  }
  if (pathname === SUMMARIES_PATH) {
    return sendFailure(request, response, {
      status: 426,
      code: "NOT_FOUND",
      message: `${SUMMARIES_PATH} is a WebSocket endpoint; connect with a WebSocket client`,
      headers: { Upgrade: "websocket" },
    });
  }
  return context.files.serve(request, response, pathname);
}
