import { ConfigError, loadConfig, type MonitoringConfig } from "@agentwatch/config";
import { CliError, ExitCode } from "./errors.js";
import { userPath } from "./sources.js";
import { type CliLogger, createLogger } from "./logger.js";

/** Flags every command takes. */
export interface GlobalFlags {
  readonly config?: string | undefined;
  readonly stateDir?: string | undefined;
  readonly summaryDir?: string | undefined;
  readonly logLevel?: string | undefined;
}

/** What a command runs with: the process's streams and environment, made explicit for tests. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when stdout or stderr is gone (a hung-up terminal, a closed pipe): stop as on a signal. */
  readonly gone?: AbortSignal | undefined;
  /** Told when another writer of stderr (the logger) finds it gone. */
  readonly onOutputError?: ((error: unknown) => void) | undefined;
  /** The path of this program's entry script (`process.argv[1]`), to tell people how to run it. */
  readonly self?: string | undefined;
  /** The directory the user ran the command in; relative paths and `~` in flags resolve there. */
  readonly cwd?: string | undefined;
}

/** A command's resolved settings. */
export interface CommandContext {
  readonly config: MonitoringConfig;
  readonly logger: CliLogger;
  readonly io: CliIO;
  /** Colours and redraws: stdout is a terminal and NO_COLOR is not set. */
  readonly rich: boolean;
}

/**
 * Loads the config (defaults < --config file < AGENTWATCH_* < flags) and makes the logger.
 *
 * @throws {CliError} with exit code 2 for a bad config file, variable or flag value.
 */
export async function commandContext(
  flags: GlobalFlags,
  io: CliIO,
  overrides: Partial<Record<keyof MonitoringConfig, unknown>> = {},
): Promise<CommandContext> {
  let config: MonitoringConfig;
  try {
    config = await loadConfig({
      file: flags.config,
      env: io.env,
      overrides: {
        state_dir: flags.stateDir,
        summary_dir: flags.summaryDir,
        ...overrides,
      } as Partial<MonitoringConfig>,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(error.message, ExitCode.USAGE, { cause: error });
    }
    throw error;
  }
  let logger: CliLogger;
  try {
    logger = createLogger({
      level: flags.logLevel ?? nonEmpty(io.env.AGENTWATCH_LOG_LEVEL),
      stderr: io.stderr,
      onOutputError: io.onOutputError,
    });
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.USAGE, { cause: error });
  }
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  // `~` and relative directories mean what they mean where the user ran the command.
  const paths = Object.freeze({
    ...config,
    state_dir: userPath(config.state_dir, io),
    summary_dir: userPath(config.summary_dir, io),
    log_dir: userPath(config.log_dir, io),
  });
  return { config: paths, logger, io, rich: io.stdout.isTTY === true && !noColor };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Writes a line to stdout. */
export function print(context: { io: CliIO }, text: string): void {
  if (context.io.gone?.aborted === true) return;
  context.io.stdout.write(`${text}\n`);
}
