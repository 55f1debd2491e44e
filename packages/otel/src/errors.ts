/** Codes of `OtelError` and its subclasses. */
export type OtelErrorCode = "INVALID_OPTION" | "OTLP_DECODE";

/** Base class of every error thrown by `@agentwatch/otel`. */
export class OtelError extends Error {
  /** A stable machine-readable code, such as `INVALID_OPTION`. */
  readonly code: OtelErrorCode;
  constructor(message: string, code: OtelErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "OtelError";
    this.code = code;
  }
}

/** Thrown for an exporter option (or `OTEL_EXPORTER_OTLP_*` variable) out of range. */
export class OtelOptionError extends OtelError {
  /** The option or variable at fault, such as `endpoint` or `OTEL_EXPORTER_OTLP_TIMEOUT`. */
  readonly option: string;
  constructor(message: string, option: string, options?: ErrorOptions) {
    super(message, "INVALID_OPTION", options);
    this.name = "OtelOptionError";
    this.option = option;
  }
}

/** Thrown by `decodeLogsRequest` for a body that is not an OTLP logs request. */
export class OtlpDecodeError extends OtelError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "OTLP_DECODE", options);
    this.name = "OtlpDecodeError";
  }
}
