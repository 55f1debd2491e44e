/** Codes of `TmuxError`. */
export type TmuxErrorCode =
  /** tmux is not installed, or no server runs on the socket. */
  | "TMUX_UNAVAILABLE"
  /** A tmux command failed. */
  | "TMUX_COMMAND_FAILED";

/** A failure to talk to tmux; the message names the command and what to do. */
export class TmuxError extends Error {
  readonly code: TmuxErrorCode;
  constructor(message: string, code: TmuxErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "TmuxError";
    this.code = code;
  }
}
