import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzip } from "node:zlib";
import type { Clock, Logger } from "@agentwatch/models";
import {
  OtlpDecodeError,
  decodeLogsRequest,
  encodeLogsResponse,
  encodingOf,
  readAgentwatchRecords,
} from "@agentwatch/otel/receive";
import { InvalidServerOptionError } from "./errors.js";
import { SECURITY_HEADERS, type HttpFailure, sendFailure } from "./http-util.js";
import type { ServerMessage } from "./messages.js";
import { type GuardSettings, checkHost, checkToken } from "./request-guard.js";
import type { RemoteAgents } from "./remote-agents.js";

/** The OTLP path the receiver answers. */
export const OTLP_LOGS_PATH = "/v1/logs";

/** Options of the OTLP/HTTP logs receiver (`createServer({ otlpReceiver })`); all optional. */
export interface OtlpReceiverOptions {
  /** A host silent this long (milliseconds) has its agents marked stale. 60 s by default. */
  readonly staleAfterMs?: number | undefined;
  /** A host silent this long has its agents removed. 15 minutes by default (at least `staleAfterMs`). */
  readonly removeAfterMs?: number | undefined;
  /** Largest request body as sent (compressed), in bytes; bigger gets 413. 4 MiB by default. */
  readonly maxBodyBytes?: number | undefined;
  /** Largest request body once decompressed, in bytes; bigger gets 413. 16 MiB by default. */
  readonly maxDecodedBytes?: number | undefined;
  /** Remote agents kept at most; summaries of more new agents are refused and counted. 10,000 by default. */
  readonly maxAgents?: number | undefined;
}

/** The receiver's options with defaults filled in. */
export type ResolvedOtlpReceiver = Required<{
  [K in keyof OtlpReceiverOptions]: NonNullable<OtlpReceiverOptions[K]>;
}>;

/**
 * The receiver's options with their defaults, each checked.
 *
 * @throws {InvalidServerOptionError} naming the option out of range.
 */
export function resolveOtlpReceiver(given: OtlpReceiverOptions): ResolvedOtlpReceiver {
  const staleAfterMs = given.staleAfterMs ?? 60_000;
  const resolved: ResolvedOtlpReceiver = {
    staleAfterMs,
    removeAfterMs: given.removeAfterMs ?? Math.max(15 * 60_000, staleAfterMs),
    maxBodyBytes: given.maxBodyBytes ?? 4 * 1024 * 1024,
    maxDecodedBytes: given.maxDecodedBytes ?? 16 * 1024 * 1024,
    maxAgents: given.maxAgents ?? 10_000,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidServerOptionError(
        `invalid otlpReceiver.${name}: expected a positive integer, got ${String(value)}`,
        `otlpReceiver.${name}`,
      );
    }
  }
  if (resolved.removeAfterMs < resolved.staleAfterMs) {
    throw new InvalidServerOptionError(
      `invalid otlpReceiver.removeAfterMs: ${resolved.removeAfterMs} is shorter than staleAfterMs (${resolved.staleAfterMs}); agents are marked stale before they are removed`,
      "otlpReceiver.removeAfterMs",
    );
  }
  if (resolved.maxDecodedBytes < resolved.maxBodyBytes) {
    throw new InvalidServerOptionError(
      `invalid otlpReceiver.maxDecodedBytes: ${resolved.maxDecodedBytes} is smaller than maxBodyBytes (${resolved.maxBodyBytes})`,
      "otlpReceiver.maxDecodedBytes",
    );
  }
  return resolved;
}

/** Why a request was answered as it was, for `agentwatch_otlp_requests_total`. */
export type OtlpRequestResult =
  "accepted" | "partial" | "invalid" | "too_large" | "unsupported" | "refused";

/** What the receiver counts, for `/metrics`. */
export class OtlpCounters {
  readonly requests: Record<OtlpRequestResult, number> = {
    accepted: 0,
    partial: 0,
    invalid: 0,
    too_large: 0,
    unsupported: 0,
    refused: 0,
  };
  readonly records = { accepted: 0, rejected: 0, ignored: 0, duplicate: 0, overflow: 0 };
}

/** What the OTLP route needs. */
export interface OtlpContext {
  readonly options: ResolvedOtlpReceiver;
  readonly remote: RemoteAgents;
  readonly counters: OtlpCounters;
  readonly guard: GuardSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly broadcast: (message: ServerMessage) => void;
}

type Body = { readonly body: Buffer } | { readonly failure: HttpFailure };

function tooLarge(limit: number, what: string): HttpFailure {
  return {
    status: 413,
    code: "BODY_TOO_LARGE",
    message: `OTLP request ${what} larger than ${limit} bytes; send smaller batches (collector: batch processor send_batch_max_size)`,
    headers: { Connection: "close" },
  };
}

/** Reads the whole body, at most `limit` bytes; the 413 when it is declared or turns out larger. */
function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && !(Number(declared) <= limit)) {
    return Promise.resolve({ failure: tooLarge(limit, "body") });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Body) => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        done({ failure: tooLarge(limit, "body") });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done({ body: Buffer.concat(chunks, size) });
    const onError = () =>
      done({
        failure: { status: 400, code: "INVALID_OTLP", message: "the request body was cut off" },
      });
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}

/** The body decompressed (gzip) within `limit` bytes, or the failure to answer. */
function decompress(body: Buffer, encoding: string | undefined, limit: number): Promise<Body> {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return Promise.resolve({ body });
  if (name !== "gzip") {
    return Promise.resolve({
      failure: {
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or no encoding`,
      },
    });
  }
  return new Promise((resolve) => {
    gunzip(body, { maxOutputLength: limit }, (error, output) => {
      if (error === null) resolve({ body: output });
      else if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        resolve({ failure: tooLarge(limit, "body once decompressed") });
      } else {
        resolve({
          failure: {
            status: 400,
            code: "INVALID_OTLP",
            message: `the body is not valid gzip: ${error.message}`,
          },
        });
      }
    });
  });
}

function resultOf(failure: HttpFailure): OtlpRequestResult {
  if (failure.status === 413) return "too_large";
  if (failure.status === 415) return "unsupported";
  if (failure.status === 400) return "invalid";
  return "refused";
}

/**
 * Answers `POST /v1/logs`: OTLP/HTTP logs, protobuf or JSON, gzip or not, from another host's
 * agentwatch or a collector. The `Host` and token rules of every data endpoint apply; bodies are
 * bounded before and after decompression. agentwatch's records update the remote agents and are
 * broadcast; a body that does not decode, or whose agentwatch records all fail validation, gets
 * 400; some failing gets 200 with `partial_success`. Everything is counted.
 */
export async function handleOtlpLogs(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: OtlpContext,
): Promise<void> {
  const { counters, options } = context;
  const fail = (failure: HttpFailure) => {
    counters.requests[resultOf(failure)]++;
    sendFailure(request, response, failure);
  };
  const refused =
    checkHost(request, context.guard) ?? checkToken(request, url, context.guard, OTLP_LOGS_PATH);
  if (refused !== undefined) {
    return fail({ ...refused, headers: { ...refused.headers, Connection: "close" } });
  }
  if (request.method !== "POST") {
    return fail({
      status: 405,
      code: "METHOD_NOT_ALLOWED",
      message: `${request.method ?? "?"} is not allowed on ${OTLP_LOGS_PATH}; send OTLP logs with POST`,
      headers: { Allow: "POST", Connection: "close" },
    });
  }
  const encoding = encodingOf(request.headers["content-type"]);
  if (encoding === undefined) {
    return fail({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: `Content-Type ${JSON.stringify(request.headers["content-type"] ?? "")} is not OTLP; send application/x-protobuf or application/json`,
      headers: { Connection: "close" },
    });
  }
  const raw = await readBody(request, options.maxBodyBytes);
  if ("failure" in raw) return fail(raw.failure);
  const plain = await decompress(
    raw.body,
    request.headers["content-encoding"],
    options.maxDecodedBytes,
  );
  if ("failure" in plain) return fail(plain.failure);
  let records: ReturnType<typeof readAgentwatchRecords>;
  try {
    records = readAgentwatchRecords(decodeLogsRequest(plain.body, encoding));
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    return fail({
      status: 400,
      code: "INVALID_OTLP",
      message: `invalid OTLP logs request (${encoding}): ${error.message}`,
    });
  }
  const { items, rejected, ignored } = records;
  counters.records.ignored += ignored;
  counters.records.rejected += rejected.length;
  const first = rejected[0];
  const why =
    first === undefined
      ? ""
      : `${rejected.length} agentwatch log record(s) rejected; first: ${first.eventName} from host ${JSON.stringify(first.host)}: ${first.reason}`;
  if (first !== undefined) {
    context.logger.warn({ host: first.host, rejected: rejected.length }, why);
    if (items.length === 0) {
      return fail({ status: 400, code: "INVALID_OTLP", message: why });
    }
  }
  const result = context.remote.accept(items, context.clock());
  counters.records.accepted += items.length - result.duplicates - result.overflow;
  counters.records.duplicate += result.duplicates;
  counters.records.overflow += result.overflow;
  for (const message of result.messages) context.broadcast(message);
  counters.requests[first === undefined ? "accepted" : "partial"]++;
  const body = encodeLogsResponse(
    encoding,
    first === undefined ? undefined : { count: rejected.length, message: why },
  );
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": encoding === "json" ? "application/json" : "application/x-protobuf",
    "Content-Length": body.length,
    "Cache-Control": "no-store",
  });
  response.end(body);
}
