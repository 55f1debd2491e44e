import type { MonitoringService } from "@agentwatch/monitor";
import {
  type Notifier,
  type NotifierStats,
  NotifyError,
  TARGET_FORMS,
  createNotifier,
  parseTargetSpec,
} from "@agentwatch/notify";
import type { Command } from "commander";
import type { CommandContext } from "./context.js";
import { CliError, ExitCode } from "./errors.js";

/** The notification flags of `watch` and `serve`. */
export interface NotifyFlags {
  /** `--notify TARGET` (repeatable): added to the config's `notify` list. */
  readonly notify?: readonly string[] | undefined;
  /** `--notify-turn-end`: also notify an agent finishing its turn. */
  readonly notifyTurnEnd?: boolean | undefined;
  /** `--json`: events as JSON lines on stdout, which a bell would interleave with. */
  readonly json?: boolean | undefined;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds `--notify` and `--notify-turn-end` to a command. */
export function notifyOptions(command: Command): Command {
  return command
    .option(
      "--notify <target>",
      `notify when an agent needs a person (waiting for permission or an answer, blocked, off track): ${TARGET_FORMS}; repeatable, added to the config's notify list`,
      collect,
    )
    .option(
      "--notify-turn-end",
      "also notify when an agent finishes its turn (config notify_turn_end)",
    );
}

/** The notifier of a command, before and after it is attached to its service. */
export interface Notifications {
  /** Passes the service's state changes and summaries to the notifier. */
  attach(service: MonitoringService): void;
  /** The notifier's counters, or null when no target is configured. */
  stats(): NotifierStats | null;
  /** Sends what is held back and delivers what is queued, within 5 s. */
  close(): Promise<void>;
}

const NONE: Notifications = { attach: () => {}, stats: () => null, close: async () => {} };

/**
 * Builds the notifier from the config's `notify` list and `--notify` flags. Called before anything
 * starts, so a target that cannot work is a usage error (exit 2) naming it.
 *
 * @throws {CliError} exit code 2 for a bad target spec or a target that cannot work here.
 */
export async function createNotifications(
  context: CommandContext,
  flags: NotifyFlags,
): Promise<Notifications> {
  const { config, io, logger } = context;
  if (config.notify.length === 0 && (flags.notify ?? []).length === 0) return NONE;
  // Each spec is read first, so a bad one is named with where it came from.
  const specs = [
    ...config.notify.map((spec) => [spec, "config notify"] as const),
    ...(flags.notify ?? []).map((spec) => [spec, "--notify"] as const),
  ].map(([spec, from]) => {
    try {
      return parseTargetSpec(spec);
    } catch (error) {
      throw new CliError(`${from}: ${(error as Error).message}`, ExitCode.USAGE, { cause: error });
    }
  });
  const terminal = io.stdout.isTTY === true && flags.json !== true;
  if (!terminal && specs.some((spec) => spec.kind === "bell")) {
    logger.warn("the bell target rings only when stdout is a terminal (and not with --json)");
  }
  let notifier: Notifier;
  try {
    notifier = await createNotifier({
      targets: specs,
      turnEnd: flags.notifyTurnEnd === true || config.notify_turn_end,
      cooldownMs: config.notify_cooldown_seconds * 1000,
      rateLimit: config.notify_rate_per_minute,
      bell: () => {
        if (terminal && io.gone?.aborted !== true) io.stdout.write("\u0007");
      },
      env: io.env,
      logger,
    });
  } catch (error) {
    if (error instanceof NotifyError) {
      throw new CliError(error.message, ExitCode.USAGE, { cause: error });
    }
    throw error;
  }
  return {
    attach(service) {
      service.on("state_change", (change) => {
        const status = service.getAgents().find((a) => a.agent.instance_id === change.instance_id);
        notifier.notify({
          ...change,
          instance_name: status?.agent.instance_name,
          where: status?.agent.log_file_path,
          summary: status?.latest_summary,
        });
      });
      service.on("summary", ({ summary }) => notifier.summary(summary.instance_id, summary));
    },
    stats: () => notifier.stats(),
    async close() {
      const stats = await notifier.close({ timeoutMs: 5_000 });
      const dropped = stats.targets.reduce((sum, target) => sum + target.dropped, 0);
      if (dropped > 0) {
        logger.warn(`${dropped} notifications were not delivered before agentwatch stopped`);
      }
    },
  };
}
