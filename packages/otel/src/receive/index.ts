export {
  decodeLogsRequest,
  encodeLogsRequest,
  encodeLogsResponse,
  encodingOf,
  type OtlpAnyValue,
  type OtlpEncoding,
  type OtlpKeyValue,
  type OtlpLogRecord,
  type OtlpLogsRequest,
} from "./decode.js";
export {
  attributeValue,
  eventNameOf,
  readAgentwatchRecords,
  type AgentwatchRecords,
  type ReceivedAgentState,
  type ReceivedItem,
  type RecordOrigin,
  type RejectedRecord,
} from "./agentwatch-records.js";
export { otlpLogsTypes, otlpMetricsRequestType, PROTO_DIR, type OtlpLogsTypes } from "./proto.js";
export { OtelAttributes, OtelNames } from "../semantic.js";
export { OtlpDecodeError } from "../errors.js";
