import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DemoError } from "./errors.js";

/** What the demo was asked to do. */
export interface DemoOptions {
  /** The workspace of simulated agents; a new temporary one when absent. */
  readonly workspace: string | undefined;
  /** Real log files to watch instead of simulated agents. */
  readonly logs: string | undefined;
  /** Where positions are kept; defaults to `<workspace>/monitoring_state`. */
  readonly stateDir: string | undefined;
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  readonly maxLines: number;
  readonly agents: number;
  readonly once: boolean;
  /** Draw a live table (a terminal without NO_COLOR) or print plain lines. */
  readonly live: boolean;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
      throw new InvalidArgumentError(`${flag} takes a positive number of seconds, got "${value}"`);
    }
    return number;
  };
}

function integerIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(
        `${flag} takes a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return number;
  };
}

/**
 * Reads the command line. `--help` prints the usage and resolves to undefined.
 *
 * @throws {DemoError} for an unknown flag or a bad value, with a one-line message.
 */
export function parseDemoArgs(
  argv: readonly string[],
  io: {
    isTTY: boolean;
    env: Readonly<Record<string, string | undefined>>;
    write: (text: string) => void;
  },
): DemoOptions | undefined {
  const program = new Command("agentwatch-demo")
    .description(
      "Simulated coding agents write terminal output; agentwatch reads their logs incrementally and live.",
    )
    .option(
      "--workspace <dir>",
      "workspace of simulated agents (default: a new temporary directory); run again with the same one to resume",
    )
    .option(
      "--logs <glob>",
      "watch real log files instead, e.g. '/tmp/madrox_logs/instances/*/tmux_output.log' (instance id = parent directory name)",
    )
    .option(
      "--state-dir <dir>",
      "where read positions are kept (default: <workspace>/monitoring_state)",
    )
    .addOption(
      new Option("--interval <seconds>", "seconds between polls")
        .default(2)
        .argParser(positiveNumber("--interval")),
    )
    .addOption(
      new Option("--duration <seconds>", "seconds to run before stopping")
        .default(30)
        .argParser(positiveNumber("--duration")),
    )
    .addOption(
      new Option("--max-lines <n>", "most lines read from one log per poll")
        .default(200)
        .argParser(integerIn("--max-lines", 1, 1_000_000)),
    )
    .addOption(
      new Option("--agents <n>", "number of simulated agents")
        .default(5)
        .argParser(integerIn("--agents", 1, 6)),
    )
    .option("--once", "poll once and print JSON on stdout (for scripts)", false)
    .helpOption("-h, --help", "show this help")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.write(text),
      writeErr: () => {},
      outputError: () => {},
    })
    .allowExcessArguments(false);
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help")
        return undefined;
      const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
      throw new DemoError(`${message} (see --help)`, 2, { cause: error });
    }
    throw error;
  }
  const flags = program.opts<{
    workspace?: string;
    logs?: string;
    stateDir?: string;
    interval: number;
    duration: number;
    maxLines: number;
    agents: number;
    once: boolean;
  }>();
  if (flags.logs !== undefined && flags.workspace !== undefined) {
    throw new DemoError("--logs and --workspace cannot be used together (see --help)");
  }
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  return {
    workspace: flags.workspace,
    logs: flags.logs,
    stateDir: flags.stateDir,
    intervalSeconds: flags.interval,
    durationSeconds: flags.duration,
    maxLines: flags.maxLines,
    agents: flags.agents,
    once: flags.once,
    live: io.isTTY && !noColor && !flags.once,
  };
}
