import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

/** The directory of the vendored official OTLP `.proto` files (the package's `proto/`). */
export const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));

/** The OTLP logs request and response types, from the official definitions. */
export interface OtlpLogsTypes {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
}

let types: OtlpLogsTypes | undefined;

/**
 * `ExportLogsServiceRequest` and `ExportLogsServiceResponse`, loaded once from the official
 * opentelemetry-proto definitions shipped in this package (`proto/`, v1.11.0).
 */
export function otlpLogsTypes(): OtlpLogsTypes {
  if (types !== undefined) return types;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync("opentelemetry/proto/collector/logs/v1/logs_service.proto", { keepCase: false });
  root.resolveAll();
  types = {
    request: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest"),
    response: root.lookupType("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse"),
  };
  return types;
}

let metricsRequest: protobuf.Type | undefined;

/**
 * `ExportMetricsServiceRequest` from the official definitions, for tests and tools that read
 * what the exporter sends to `/v1/metrics`.
 */
export function otlpMetricsRequestType(): protobuf.Type {
  if (metricsRequest !== undefined) return metricsRequest;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync("opentelemetry/proto/collector/metrics/v1/metrics_service.proto");
  root.resolveAll();
  metricsRequest = root.lookupType(
    "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest",
  );
  return metricsRequest;
}
