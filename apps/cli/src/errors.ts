/** The exit codes of the `agentwatch` command. */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** It ran but failed: a file could not be read or written, an agent was not found. */
  FAILURE: 1,
  /** Bad usage: an unknown command or flag, a bad value, a bad config file or variable. */
  USAGE: 2,
  /** Stopped by a second Ctrl-C before it had finished shutting down. */
  INTERRUPTED: 130,
} as const;

/** A failure to report as one line on stderr, then exit with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.FAILURE, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
