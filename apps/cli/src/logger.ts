import type { Logger } from "@agentwatch/models";
import { pino } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The app's logger: pino, JSON lines on stderr, level from `--log-level` or AGENTWATCH_LOG_LEVEL. */
export function createLogger(level: string | undefined): Logger & { level: string } {
  const chosen = level ?? "info";
  if (!(LEVELS as readonly string[]).includes(chosen)) {
    throw new Error(`log level must be one of ${LEVELS.join(", ")}, got "${chosen}"`);
  }
  return pino(
    { level: chosen, base: { name: "agentwatch" } },
    pino.destination({ fd: 2, sync: true }),
  );
}
