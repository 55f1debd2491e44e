import type { ProviderUsage } from "./provider.js";

/** Base class of every error thrown by `@agentwatch/summarizer`. */
export class SummarizerError extends Error {
  /** A stable machine-readable code, such as `INVALID_ARGUMENT` or `MODEL_RATE_LIMITED`. */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SummarizerError";
    this.code = code;
  }
}

/**
 * Thrown for a programming error in a call or an option (an instance id that is not a string,
 * lines that are not strings, `maxAttempts: 0`); never because of what a log or a model says.
 */
export class InvalidArgumentError extends SummarizerError {
  /** The offending argument or option, such as `newLogLines[3]` or `options.maxAttempts`. */
  readonly argument: string;
  constructor(message: string, argument: string, options?: ErrorOptions) {
    super(message, "INVALID_ARGUMENT", options);
    this.name = "InvalidArgumentError";
    this.argument = argument;
  }
}

/** Base class of the errors a `SummaryProvider` throws when it cannot give a verdict. */
export class ProviderError extends SummarizerError {
  /** The provider's `name`, such as `anthropic:claude-haiku-4-5`. */
  readonly provider: string;
  constructor(message: string, code: string, provider: string, options?: ErrorOptions) {
    super(message, code, options);
    this.name = "ProviderError";
    this.provider = provider;
  }
}

/**
 * A model reply that is not a usable verdict: no tool call and no JSON object in the text, a
 * JSON array, a missing `current_activity`, a confidence that is not a number or a level word.
 * Retried by `AnthropicProvider`; the `cause` of a `ModelCallError` with code `MODEL_INVALID_REPLY`.
 */
export class InvalidReplyError extends ProviderError {
  /** The reply (or the part of it that failed), at most 500 characters, for the log. */
  readonly reply: string;
  constructor(message: string, provider: string, reply: string, options?: ErrorOptions) {
    super(message, "INVALID_REPLY", provider, options);
    this.name = "InvalidReplyError";
    this.reply = reply.length > 500 ? `${reply.slice(0, 500)}…` : reply;
  }
}

/** Codes of `ModelCallError`. */
export type ModelCallErrorCode =
  | "MODEL_RATE_LIMITED"
  | "MODEL_OVERLOADED"
  | "MODEL_SERVER_ERROR"
  | "MODEL_TIMEOUT"
  | "MODEL_CONNECTION_FAILED"
  | "MODEL_AUTH_FAILED"
  | "MODEL_BAD_REQUEST"
  | "MODEL_INVALID_REPLY"
  | "MODEL_CALL_ABORTED"
  | "MODEL_CALL_FAILED";

/** What a `ModelCallError` carries besides its message. */
export interface ModelCallErrorDetails {
  /** How many requests were sent, the last one included. */
  readonly attempts: number;
  /** The HTTP status of the last failure, if it had one. */
  readonly status?: number | undefined;
  /** The delay the API asked for (`retry-after`), when it was longer than the provider waits. */
  readonly retryAfterMs?: number | undefined;
  /** Tokens and cost of the failed attempts (invalid replies still cost tokens). */
  readonly usage: ProviderUsage;
  /** The last failure: an `@anthropic-ai/sdk` error, an `InvalidReplyError`, or another error. */
  readonly cause: unknown;
}

/**
 * Thrown by `AnthropicProvider.judge()` when no valid verdict came back: a failure that is not
 * retried (400, 401, 403, 404) or the last of `maxAttempts` retried ones (429, 5xx, 529, timeouts,
 * connection errors, invalid replies). `SummaryGenerator` catches it and falls back to the
 * heuristic verdict.
 */
export class ModelCallError extends ProviderError {
  declare readonly code: ModelCallErrorCode;
  /** How many requests were sent, the last one included. */
  readonly attempts: number;
  /** The HTTP status of the last failure, if it had one. */
  readonly status: number | undefined;
  /** The delay the API asked for, when it was longer than the provider is willing to wait. */
  readonly retryAfterMs: number | undefined;
  /** Tokens and cost of the failed attempts. */
  readonly usage: ProviderUsage;
  constructor(
    message: string,
    code: ModelCallErrorCode,
    provider: string,
    details: ModelCallErrorDetails,
  ) {
    super(message, code, provider, { cause: details.cause });
    this.name = "ModelCallError";
    this.attempts = details.attempts;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.usage = details.usage;
  }
}
