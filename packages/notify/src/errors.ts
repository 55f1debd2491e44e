/** Codes of `NotifyError`. */
export type NotifyErrorCode =
  /** A target spec that cannot be read (`webhook=` with no URL, an unknown kind, a bad URL). */
  | "NOTIFY_INVALID_TARGET"
  /** A target that cannot work here: the desktop tool is not installed, no bell callback. */
  | "NOTIFY_TARGET_UNAVAILABLE"
  /** An option of `createNotifier` out of range. */
  | "NOTIFY_INVALID_OPTION";

/** A failure to set up notifications; the message names the value and what to do. */
export class NotifyError extends Error {
  readonly code: NotifyErrorCode;
  constructor(message: string, code: NotifyErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotifyError";
    this.code = code;
  }
}

/**
 * One failed delivery attempt: why, and whether trying again may help (timeouts, connection
 * errors, 5xx and 429 may; 4xx and a command's non-zero exit do not).
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** How long the receiver asked to wait before the next try (`Retry-After`), if it did. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: { retryable: boolean; retryAfterMs?: number | undefined },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DeliveryError";
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}
