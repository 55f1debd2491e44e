import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { InvalidReplyError, type ModelCallErrorCode } from "./errors.js";

/** How one failed attempt is handled. */
export interface Failure {
  /** The code the final `ModelCallError` gets if this is the last failure. */
  readonly code: ModelCallErrorCode;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** The HTTP status, if the API answered. */
  readonly status?: number | undefined;
  /** The delay the API asked for (`retry-after-ms` or `retry-after`), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** What failed, in words, for the message. */
  readonly what: string;
}

/**
 * The delay the API asked for in `retry-after-ms` (milliseconds) or `retry-after` (seconds or an
 * HTTP date, measured from `now`), or undefined when absent, unreadable or not positive.
 */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value > 0) return value;
  }
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isFinite(date) && date > now ? date - now : undefined;
}

/** The exponential backoff before attempt `attempt + 1`: base, 2×base, 4×base…, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

function statusFailure(
  error: APIError<number | undefined, Headers | undefined>,
  now: number,
): Failure {
  const status = error.status ?? 0;
  const header = error.headers?.get("x-should-retry");
  const told = header === "true" ? true : header === "false" ? false : undefined;
  const api = error.apiMessage ?? error.message;
  const base = { status, what: `HTTP ${status}: ${api}` };
  if (status === 429)
    return {
      ...base,
      code: "MODEL_RATE_LIMITED",
      retryable: told ?? true,
      retryAfterMs: retryAfterMs(error.headers, now),
    };
  if (status === 529 || error.type === "overloaded_error")
    return {
      ...base,
      code: "MODEL_OVERLOADED",
      retryable: told ?? true,
      retryAfterMs: retryAfterMs(error.headers, now),
    };
  if (status >= 500 || status === 408 || status === 409)
    return {
      ...base,
      code: status === 408 ? "MODEL_TIMEOUT" : "MODEL_SERVER_ERROR",
      retryable: told ?? true,
      retryAfterMs: retryAfterMs(error.headers, now),
    };
  if (status === 401 || status === 403)
    return { ...base, code: "MODEL_AUTH_FAILED", retryable: told ?? false };
  return { ...base, code: "MODEL_BAD_REQUEST", retryable: told ?? false };
}

/**
 * Classifies a failed attempt with the SDK's error classes: 429, 5xx, 529, 408, 409, timeouts,
 * connection errors and invalid replies (a reply that does not validate, a body that is not
 * JSON) are retried, honouring `x-should-retry`; 400, 401, 403, 404 and the rest are not.
 */
export function classifyFailure(error: unknown, now: number): Failure {
  if (error instanceof InvalidReplyError) {
    const prefix = `${error.provider}: `;
    const what = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return { code: "MODEL_INVALID_REPLY", retryable: true, what };
  }
  if (error instanceof SyntaxError)
    return {
      code: "MODEL_INVALID_REPLY",
      retryable: true,
      what: `the response body is not valid JSON (${error.message})`,
    };
  if (error instanceof APIUserAbortError)
    return { code: "MODEL_CALL_ABORTED", retryable: false, what: "the request was aborted" };
  if (error instanceof APIConnectionTimeoutError)
    return { code: "MODEL_TIMEOUT", retryable: true, what: "the request timed out" };
  if (error instanceof APIConnectionError)
    return {
      code: "MODEL_CONNECTION_FAILED",
      retryable: true,
      what: `cannot connect: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}`,
    };
  if (error instanceof APIError && typeof error.status === "number")
    return statusFailure(error as APIError<number | undefined, Headers | undefined>, now);
  if (error instanceof AnthropicError)
    return { code: "MODEL_CALL_FAILED", retryable: false, what: error.message };
  return {
    code: "MODEL_CALL_FAILED",
    retryable: false,
    what: error instanceof Error ? error.message : String(error),
  };
}

/** What to do about a failure, appended to the final error's message. */
export const REMEDIES: Readonly<Record<ModelCallErrorCode, string>> = {
  MODEL_RATE_LIMITED: "the API is rate limiting this key; poll less often or raise the limit",
  MODEL_OVERLOADED: "the API is overloaded; later calls will retry",
  MODEL_SERVER_ERROR: "the API failed; later calls will retry",
  MODEL_TIMEOUT: "no answer in time; raise timeoutMs or check the network",
  MODEL_CONNECTION_FAILED: "check the network and baseURL",
  MODEL_AUTH_FAILED: "check the API key (apiKey or ANTHROPIC_API_KEY) and its permissions",
  MODEL_BAD_REQUEST: "check the model name and options",
  MODEL_INVALID_REPLY: "the model did not return a valid verdict",
  MODEL_CALL_ABORTED: "the call was cancelled",
  MODEL_CALL_FAILED: "check the provider's configuration (apiKey, baseURL)",
};
