import {
  type OtelExporter,
  OtelOptionError,
  createOtelExporter,
  otelOptionsFromEnv,
} from "@agentwatch/otel";
import type { GeneratorStats, MonitoringService } from "@agentwatch/monitor";
import type { OtlpReceiverOptions } from "@agentwatch/server";
import { InvalidArgumentError, type Command } from "commander";
import type { CommandContext } from "./context.js";
import { CliError, ExitCode } from "./errors.js";

/** The export flags of `watch` and `serve`. */
export interface ExportFlags {
  readonly otlpEndpoint?: string | undefined;
  readonly hostName?: string | undefined;
}

/** The receiver flags of `serve`. */
export interface ReceiverFlags {
  readonly otlpReceiver?: boolean | undefined;
  readonly otlpStaleAfter?: number | undefined;
  readonly otlpRemoveAfter?: number | undefined;
}

function seconds(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(parsed >= 1 && parsed <= 7 * 24 * 3600)) {
      throw new InvalidArgumentError(`${flag} takes seconds from 1 to 604800, got "${value}"`);
    }
    return parsed;
  };
}

/**
 * Adds the OTLP flags of a command that runs the monitoring service: `--otlp-endpoint` and
 * `--host-name`, and on `serve` also the receiver's (`--otlp-receiver`, `--otlp-stale-after`,
 * `--otlp-remove-after`).
 */
export function otelOptions(command: Command): Command {
  const exporting = exportOptions(command);
  return command.name() === "serve" ? receiverOptions(exporting) : exporting;
}

/** Adds `--otlp-endpoint` and `--host-name`. */
export function exportOptions(command: Command): Command {
  return command
    .option(
      "--otlp-endpoint <url>",
      "export summaries, state changes and metrics over OTLP/HTTP to this collector or agentwatch server (default: OTEL_EXPORTER_OTLP_ENDPOINT; headers, timeout and per-signal endpoints from the other OTEL_EXPORTER_OTLP_* variables)",
    )
    .option(
      "--host-name <name>",
      "the host.name this process exports under (default: the machine's host name)",
    );
}

/** Adds `--otlp-receiver`, `--otlp-stale-after` and `--otlp-remove-after`. */
export function receiverOptions(command: Command): Command {
  return command
    .option(
      "--otlp-receiver",
      "accept OTLP/HTTP logs on POST /v1/logs from other hosts' agentwatch (or a collector) and show their agents too",
      false,
    )
    .option(
      "--otlp-stale-after <seconds>",
      "mark a host's agents stale when it sent nothing for this long (default 60)",
      seconds("--otlp-stale-after"),
    )
    .option(
      "--otlp-remove-after <seconds>",
      "remove a host's agents when it sent nothing for this long (default 900)",
      seconds("--otlp-remove-after"),
    );
}

/** The receiver's options from the flags, or undefined when `--otlp-receiver` is not given. */
export function receiverFrom(flags: ReceiverFlags): OtlpReceiverOptions | undefined {
  if (flags.otlpReceiver !== true) return undefined;
  const ms = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1000));
  const staleAfterMs = ms(flags.otlpStaleAfter);
  const removeAfterMs = ms(flags.otlpRemoveAfter);
  return {
    staleAfterMs,
    removeAfterMs:
      removeAfterMs ??
      (staleAfterMs === undefined ? undefined : Math.max(15 * 60_000, staleAfterMs)),
  };
}

/**
 * Starts exporting the service's events over OTLP when `--otlp-endpoint` or an
 * `OTEL_EXPORTER_OTLP_*ENDPOINT` variable says where; undefined (nothing exported) otherwise.
 *
 * @throws {CliError} (exit 2) for a bad URL or variable.
 */
export function startExport(
  context: CommandContext,
  service: MonitoringService,
  flags: object,
  generatorStats?: () => GeneratorStats | undefined,
): OtelExporter | undefined {
  const { otlpEndpoint, hostName } = flags as ExportFlags;
  try {
    const fromEnv = otelOptionsFromEnv(context.io.env);
    const endpoint = otlpEndpoint ?? fromEnv.endpoint;
    if (endpoint === undefined && fromEnv.logsEndpoint === undefined) return undefined;
    const exporter = createOtelExporter({
      ...fromEnv,
      endpoint,
      hostName,
      logger: context.logger,
      generatorStats,
    });
    exporter.attach(service);
    context.logger.info(
      { logs: exporter.logsUrl, metrics: exporter.metricsUrl, host: exporter.hostName },
      `exporting over OTLP to ${exporter.logsUrl}`,
    );
    return exporter;
  } catch (error) {
    if (error instanceof OtelOptionError) {
      const hint = otlpEndpoint !== undefined ? " (--otlp-endpoint)" : "";
      throw new CliError(`${error.message}${hint}`, ExitCode.USAGE, { cause: error });
    }
    throw error;
  }
}

/** Sends what is left and stops the exporter, within 5 s whatever the receiver does. */
export async function stopExport(exporter: OtelExporter | undefined): Promise<void> {
  await exporter?.shutdown({ timeoutMs: 5_000 });
}
