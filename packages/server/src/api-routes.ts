import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@agentwatch/models";
import { InvalidInstanceIdError } from "@agentwatch/summary-store";
import { type HttpFailure, sendFailure, sendJson } from "./http-util.js";
import type { SummaryReader, SummarySource } from "./options.js";
import { parseHistoryParams } from "./query.js";
import type { RemoteAgents } from "./remote-agents.js";
import { latestSummaries } from "./snapshot.js";

/** What the REST routes read. */
export interface ApiContext {
  readonly store: SummaryReader;
  readonly service: SummarySource | undefined;
  readonly logger: Logger;
  /** Agents of other hosts (OTLP receiver), when enabled. */
  readonly remote?: RemoteAgents | undefined;
}

const NOT_FOUND: HttpFailure = {
  status: 404,
  code: "NOT_FOUND",
  message:
    "no such endpoint; try /api/summaries, /api/summaries/<id> or /api/summaries/<id>/history",
};

function failureOf(error: unknown, logger: Logger): HttpFailure {
  if (error instanceof InvalidInstanceIdError) {
    return { status: 400, code: "INVALID_INSTANCE_ID", message: error.message };
  }
  logger.error({ err: error }, "cannot read summaries");
  return {
    status: 500,
    code: "STORE_READ_FAILED",
    message: `cannot read summaries: ${(error as Error).message}`,
  };
}

function decodeId(segment: string): string | HttpFailure {
  try {
    return decodeURIComponent(segment);
  } catch {
    return {
      status: 400,
      code: "INVALID_INSTANCE_ID",
      message: `invalid instance id ${JSON.stringify(segment)}: not valid percent-encoding`,
    };
  }
}

/**
 * Answers `GET /api/summaries`, `/api/summaries/:id` and `/api/summaries/:id/history`; a JSON
 * `{ error: { code, message } }` for anything else.
 */
export async function handleApi(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: ApiContext,
): Promise<void> {
  const parts = url.pathname.split("/").slice(1); // ["api", "summaries", id?, "history"?]
  if (parts[0] !== "api" || parts[1] !== "summaries" || parts.length > 4) {
    sendFailure(request, response, NOT_FOUND);
    return;
  }
  const { store, logger } = context;
  try {
    if (parts.length === 2 || (parts.length === 3 && parts[2] === "")) {
      const summaries = await latestSummaries(store, context.service, logger, context.remote);
      sendJson(request, response, 200, { summaries });
      return;
    }
    const id = decodeId(parts[2] ?? "");
    if (typeof id !== "string") {
      sendFailure(request, response, id);
      return;
    }
    const remote = context.remote;
    if (remote !== undefined && id.includes("/")) {
      const latest = remote.latest(id);
      const history = remote.history(id);
      if (latest === undefined || history === undefined) {
        sendFailure(request, response, unknownAgent(id));
      } else if (parts.length === 3) {
        sendJson(request, response, 200, { summary: latest });
      } else if (parts[3] !== "history") {
        sendFailure(request, response, NOT_FOUND);
      } else {
        const params = parseHistoryParams(url.searchParams);
        if ("status" in params) sendFailure(request, response, params);
        else {
          const since = params.since === undefined ? -Infinity : Date.parse(params.since);
          const summaries = history
            .filter((s) => Date.parse(s.timestamp) >= since)
            .slice(0, params.limit);
          sendJson(request, response, 200, { instance_id: id, summaries });
        }
      }
      return;
    }
    if (parts.length === 3) {
      const summary = await store.getLatest(id);
      if (summary === undefined) {
        sendFailure(request, response, unknownAgent(id));
        return;
      }
      sendJson(request, response, 200, { summary });
      return;
    }
    if (parts[3] !== "history") {
      sendFailure(request, response, NOT_FOUND);
      return;
    }
    const params = parseHistoryParams(url.searchParams);
    if ("status" in params) {
      sendFailure(request, response, params);
      return;
    }
    const summaries = await store.getHistory(id, params);
    if (summaries.length === 0 && (await store.getLatest(id)) === undefined) {
      sendFailure(request, response, unknownAgent(id));
      return;
    }
    sendJson(request, response, 200, { instance_id: id, summaries });
  } catch (error) {
    sendFailure(request, response, failureOf(error, logger));
  }
}

function unknownAgent(id: string): HttpFailure {
  return {
    status: 404,
    code: "UNKNOWN_AGENT",
    message: `no summary of agent ${JSON.stringify(id)}; GET /api/summaries lists the agents`,
  };
}
