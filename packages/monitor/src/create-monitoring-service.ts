import { analyzeActivity } from "@agentwatch/activity";
import type { MonitoringConfig } from "@agentwatch/config";
import { IncrementalLogReader } from "@agentwatch/log-reader";
import { silentLogger, systemClock } from "@agentwatch/models";
import { PositionTracker } from "@agentwatch/position-store";
import { SummaryGenerator } from "@agentwatch/summarizer";
import { SummaryStore } from "@agentwatch/summary-store";
import { InvalidOptionError } from "./errors.js";
import { MonitoringService, type MonitoringServiceParts } from "./monitoring-service.js";
import { layoutSource } from "./sources/layout-source.js";

/** Parts to use instead of the real ones `createMonitoringService` builds; all optional. */
export type MonitoringServiceOverrides = Partial<MonitoringServiceParts>;

/**
 * Builds a `MonitoringService` from a `MonitoringConfig` with the real parts: a `PositionTracker`
 * in `state_dir`, an `IncrementalLogReader` reading `max_log_lines_per_read` lines at a time, a
 * `SummaryGenerator` (heuristic, offline, unless you pass one with a model provider), a
 * `SummaryStore` in `summary_dir`, `analyzeActivity`, `@agentwatch/transcripts` for structured
 * streams (Claude Code transcripts, Codex rollouts, the hooks file) and the original layout under
 * `log_dir` as the agent source. Any part can be replaced; a replaced reader must come with the tracker it
 * commits to.
 *
 * @throws {InvalidOptionError} when a reader is given without its tracker, or a setting is invalid.
 * @throws {StateDirError} (from `@agentwatch/position-store`) when `state_dir` cannot be used.
 * @example
 * const config = await loadConfig({ env: process.env });
 * const service = await createMonitoringService(config, { logger });
 * service.on("state_change", (change) => logger.info(change, "state change"));
 * service.start();
 */
export async function createMonitoringService(
  config: MonitoringConfig,
  overrides: MonitoringServiceOverrides = {},
): Promise<MonitoringService> {
  if (overrides.reader !== undefined && overrides.tracker === undefined) {
    throw new InvalidOptionError(
      "invalid parts: a reader was given without its tracker; pass the PositionStore the reader commits to as tracker",
      "tracker",
    );
  }
  const logger = overrides.logger ?? silentLogger;
  const clock = overrides.clock ?? systemClock;
  const tracker =
    overrides.tracker ?? (await PositionTracker.open(config.state_dir, { logger, clock }));
  const reader =
    overrides.reader ??
    new IncrementalLogReader({
      positionTracker: tracker,
      maxLinesPerRead: config.max_log_lines_per_read,
      logger,
      clock,
    });
  const parts: MonitoringServiceParts = {
    ...overrides,
    tracker,
    reader,
    generator: overrides.generator ?? new SummaryGenerator({ logger, clock }),
    store: overrides.store ?? new SummaryStore(config.summary_dir, { logger }),
    source: overrides.source ?? layoutSource(config.log_dir),
    analyze: overrides.analyze ?? analyzeActivity,
    logger,
    clock,
  };
  try {
    return new MonitoringService(config, parts);
  } catch (error) {
    if (overrides.tracker === undefined) await tracker.close?.();
    throw error;
  }
}
