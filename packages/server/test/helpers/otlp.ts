import { gzipSync } from "node:zlib";
import type { MonitoredSummary } from "@agentwatch/monitor";
import { type AgentwatchLogRecord, summaryRecord } from "@agentwatch/otel";
import {
  type OtlpEncoding,
  type OtlpLogsRequest,
  encodeLogsRequest,
} from "@agentwatch/otel/receive";
import { type HttpAnswer, http } from "./clients.js";

/** An OTLP logs request of one host's agentwatch carrying `records`. */
export function otlpRequest(
  host: string,
  records: readonly AgentwatchLogRecord[],
  serviceInstanceId = `${host}-run`,
): OtlpLogsRequest {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: "service.name", value: { stringValue: "agentwatch" } },
            { key: "host.name", value: { stringValue: host } },
            { key: "service.instance.id", value: { stringValue: serviceInstanceId } },
          ],
        },
        scopeLogs: [
          {
            scope: { name: "@agentwatch/otel" },
            logRecords: records.map((record) => ({
              timeUnixNano: String(BigInt(record.timeMs) * 1_000_000n),
              eventName: record.eventName,
              body: { stringValue: record.body },
              attributes: Object.entries(record.attributes).map(([key, value]) => ({
                key,
                value:
                  typeof value === "string"
                    ? { stringValue: value }
                    : typeof value === "boolean"
                      ? { boolValue: value }
                      : { doubleValue: value },
              })),
            })),
          },
        ],
      },
    ],
  };
}

/** The request of `host` carrying these summaries. */
export function summariesRequest(host: string, summaries: readonly MonitoredSummary[]) {
  return otlpRequest(
    host,
    summaries.map((s) => summaryRecord(s, Date.now())),
  );
}

/** POSTs an OTLP logs body to `/v1/logs`. */
export function postLogs(
  url: string,
  body: Buffer | string,
  options: { contentType?: string; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const payload = options.gzip === true ? gzipSync(body) : body;
  return http(url, "/v1/logs", {
    method: "POST",
    body: payload,
    headers: {
      "Content-Type": options.contentType ?? "application/x-protobuf",
      "Content-Length": String(Buffer.byteLength(payload)),
      ...(options.gzip === true ? { "Content-Encoding": "gzip" } : {}),
      ...options.headers,
    },
  });
}

/** Encodes and POSTs an OTLP logs request. */
export function sendLogs(
  url: string,
  request: OtlpLogsRequest,
  encoding: OtlpEncoding = "protobuf",
  options: { gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return postLogs(url, encodeLogsRequest(request, encoding), {
    ...options,
    contentType: encoding === "json" ? "application/json" : "application/x-protobuf",
  });
}
