import { describe, expect, it } from "vitest";
import { OtelOptionError, otelOptionsFromEnv, resolveExporterOptions } from "./index.js";

describe("otelOptionsFromEnv", () => {
  it("maps the standard OTEL_EXPORTER_OTLP_* variables, and nothing when none is set", () => {
    expect(otelOptionsFromEnv({})).toEqual({});
    expect(
      otelOptionsFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://logs.example:4318/custom/logs",
        OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20abc, x-tenant = team-1",
        OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
        OTEL_METRIC_EXPORT_INTERVAL: "15000",
      }),
    ).toEqual({
      endpoint: "http://collector:4318/",
      logsEndpoint: "http://logs.example:4318/custom/logs",
      headers: { Authorization: "Bearer abc", "x-tenant": "team-1" },
      timeoutMs: 2500,
      protocol: "http/json",
      compression: "gzip",
      exportIntervalMs: 15000,
    });
  });

  it("names the variable at fault", () => {
    expect(() => otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_TIMEOUT: "soon" })).toThrow(
      /OTEL_EXPORTER_OTLP_TIMEOUT/,
    );
    expect(() => otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/not grpc/);
    expect(() => otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: "novalue" })).toThrow(
      OtelOptionError,
    );
    expect(() => otelOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://x" })).toThrow(
      /http:\/\/ or https:\/\//,
    );
  });
});

describe("resolveExporterOptions", () => {
  it("appends /v1/logs and /v1/metrics to the base endpoint; a logs endpoint alone sends no metrics", () => {
    expect(resolveExporterOptions({ endpoint: "http://c:4318/" })).toMatchObject({
      logsUrl: "http://c:4318/v1/logs",
      metricsUrl: "http://c:4318/v1/metrics",
      protocol: "http/protobuf",
      maxQueueSize: 2048,
    });
    expect(resolveExporterOptions({ logsEndpoint: "http://c:9/logs" })).toMatchObject({
      logsUrl: "http://c:9/logs",
      metricsUrl: undefined,
    });
  });

  it("refuses to run without an endpoint, and bad sizes", () => {
    expect(() => resolveExporterOptions({})).toThrow(/no OTLP endpoint/);
    expect(() => resolveExporterOptions({ endpoint: "http://c", maxQueueSize: 0 })).toThrow(
      /maxQueueSize/,
    );
  });
});
