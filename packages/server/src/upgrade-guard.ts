import type { IncomingMessage } from "node:http";
import type { HttpFailure } from "./http-util.js";
import { SUMMARIES_PATH } from "./messages.js";
import { originAllowed } from "./origin.js";
import { type GuardSettings, checkHost, checkToken, requestUrl } from "./request-guard.js";
import type { RejectReason } from "./ws-counters.js";

/** What a WebSocket upgrade is checked against. */
export interface UpgradeSettings {
  readonly guard: GuardSettings;
  readonly streaming: boolean;
  readonly origins: ReadonlySet<string>;
}

/** A refused upgrade: why (for the metrics) and the answer. */
export interface UpgradeRefusal {
  readonly reason: RejectReason;
  readonly failure: HttpFailure;
}

/**
 * Checks a WebSocket upgrade in order: size, path, streaming switch, `Host` (without a token),
 * token, `Origin`. Resolves to undefined when it may proceed.
 */
export function checkUpgrade(
  request: IncomingMessage,
  settings: UpgradeSettings,
): UpgradeRefusal | undefined {
  const url = requestUrl(request, settings.guard);
  if (!(url instanceof URL)) return { reason: "too_long", failure: url };
  if (url.pathname !== SUMMARIES_PATH) {
    return {
      reason: "not_found",
      failure: {
        status: 404,
        code: "NOT_FOUND",
        message: `no WebSocket endpoint at ${url.pathname}; connect to ${SUMMARIES_PATH}`,
      },
    };
  }
  if (!settings.streaming) {
    return {
      reason: "not_found",
      failure: {
        status: 404,
        code: "STREAMING_DISABLED",
        message:
          "streaming is disabled (enable_streaming is false); poll GET /api/summaries instead",
      },
    };
  }
  const hostFailure = checkHost(request, settings.guard);
  if (hostFailure !== undefined) return { reason: "host", failure: hostFailure };
  const denied = checkToken(request, url, settings.guard, SUMMARIES_PATH);
  if (denied !== undefined) return { reason: "unauthorized", failure: denied };
  const origin = request.headers.origin;
  if (!originAllowed(origin, request.headers.host, settings.origins)) {
    return {
      reason: "origin",
      failure: {
        status: 403,
        code: "ORIGIN_NOT_ALLOWED",
        message: `Origin ${JSON.stringify(origin)} refused: only pages served by this server, or allowedOrigins, may connect`,
      },
    };
  }
  return undefined;
}
