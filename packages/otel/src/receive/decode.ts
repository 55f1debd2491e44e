import { OtlpDecodeError } from "../errors.js";
import { otlpLogsTypes } from "./proto.js";

/** A body encoding of OTLP/HTTP. */
export type OtlpEncoding = "protobuf" | "json";

/** An OTLP `AnyValue`, as decoded (one of the fields is set). */
export interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  /** int64, as a decimal string. */
  readonly intValue?: string;
  readonly doubleValue?: number;
  readonly bytesValue?: string;
  readonly arrayValue?: { readonly values?: readonly OtlpAnyValue[] };
  readonly kvlistValue?: { readonly values?: readonly OtlpKeyValue[] };
}

/** An OTLP attribute. */
export interface OtlpKeyValue {
  readonly key: string;
  readonly value?: OtlpAnyValue;
}

/** An OTLP `LogRecord`, as decoded (the fields agentwatch reads). */
export interface OtlpLogRecord {
  /** Nanoseconds since the epoch, as a decimal string. */
  readonly timeUnixNano?: string;
  readonly observedTimeUnixNano?: string;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly eventName?: string;
  readonly body?: OtlpAnyValue;
  readonly attributes?: readonly OtlpKeyValue[];
}

/** An OTLP `ExportLogsServiceRequest`, as decoded. */
export interface OtlpLogsRequest {
  readonly resourceLogs?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly OtlpKeyValue[] };
    readonly scopeLogs?: ReadonlyArray<{
      readonly scope?: { readonly name?: string; readonly version?: string };
      readonly logRecords?: readonly OtlpLogRecord[];
    }>;
  }>;
}

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false } as const;

/**
 * The body encoding a `Content-Type` names: `application/x-protobuf` (or `application/protobuf`)
 * or `application/json`, parameters ignored; undefined for anything else.
 */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

/**
 * Decodes an OTLP/HTTP logs request body (already decompressed) with the official OTLP
 * definitions: protobuf-encoded `ExportLogsServiceRequest`, or its JSON mapping.
 *
 * @throws {OtlpDecodeError} saying what is wrong with the body.
 * @example
 * const request = decodeLogsRequest(body, encodingOf(headers["content-type"]) ?? "protobuf");
 */
export function decodeLogsRequest(body: Uint8Array, encoding: OtlpEncoding): OtlpLogsRequest {
  const { request } = otlpLogsTypes();
  if (encoding === "protobuf") {
    let message: ReturnType<typeof request.decode>;
    try {
      message = request.decode(body);
    } catch (error) {
      throw new OtlpDecodeError(
        `not a protobuf ExportLogsServiceRequest: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return request.toObject(message, TO_OBJECT);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch (error) {
    throw new OtlpDecodeError(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError(
      "not an ExportLogsServiceRequest: expected a JSON object with resourceLogs",
    );
  }
  try {
    return request.toObject(request.fromObject(parsed), TO_OBJECT);
  } catch (error) {
    throw new OtlpDecodeError(`not an ExportLogsServiceRequest: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Encodes an OTLP logs request (in the decoded shape, or the OTLP JSON mapping) as protobuf or
 * JSON: for tests, benchmarks and tools that send to a receiver.
 *
 * @throws {OtlpDecodeError} when the object does not fit the definitions.
 */
export function encodeLogsRequest(request: OtlpLogsRequest, encoding: OtlpEncoding): Buffer {
  const { request: type } = otlpLogsTypes();
  if (encoding === "json") return Buffer.from(JSON.stringify(request), "utf8");
  try {
    return Buffer.from(type.encode(type.fromObject(request as Record<string, unknown>)).finish());
  } catch (error) {
    throw new OtlpDecodeError(`cannot encode the request: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * An `ExportLogsServiceResponse` body: empty on full success, with `partial_success` when some
 * records were rejected.
 */
export function encodeLogsResponse(
  encoding: OtlpEncoding,
  rejected: { readonly count: number; readonly message: string } | undefined,
): Buffer {
  const object =
    rejected === undefined || rejected.count === 0
      ? {}
      : {
          partialSuccess: {
            rejectedLogRecords: String(rejected.count),
            errorMessage: rejected.message,
          },
        };
  if (encoding === "json") return Buffer.from(JSON.stringify(object), "utf8");
  const { response } = otlpLogsTypes();
  return Buffer.from(response.encode(response.fromObject(object)).finish());
}
