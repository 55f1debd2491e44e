/** Codes of `ServerError` and its subclasses. */
export type ServerErrorCode =
  "TOKEN_REQUIRED" | "INVALID_OPTION" | "LISTEN_FAILED" | "SERVER_STATE";

/** Base class of every error thrown by `@agentwatch/server`. */
export class ServerError extends Error {
  /** A stable machine-readable code, such as `TOKEN_REQUIRED`. */
  readonly code: ServerErrorCode;
  constructor(message: string, code: ServerErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServerError";
    this.code = code;
  }
}

/**
 * Thrown by `listen()` when no token is configured and the host resolves to (or was bound to) an
 * address beyond loopback.
 */
export class TokenRequiredError extends ServerError {
  /** The host that was refused. */
  readonly host: string;
  constructor(message: string, host: string, options?: ErrorOptions) {
    super(message, "TOKEN_REQUIRED", options);
    this.name = "TokenRequiredError";
    this.host = host;
  }
}

/** Thrown by `createServer()` for an option out of range (a limit, an origin, the config). */
export class InvalidServerOptionError extends ServerError {
  /** The offending option's name, such as `limits.maxClients`. */
  readonly option: string;
  constructor(message: string, option: string, options?: ErrorOptions) {
    super(message, "INVALID_OPTION", options);
    this.name = "InvalidServerOptionError";
    this.option = option;
  }
}

/**
 * Thrown by `listen()` when the host does not resolve or the port cannot be bound (`ENOTFOUND`,
 * `EADDRINUSE`, `EACCES`…); `cause` holds the system error.
 */
export class ListenError extends ServerError {
  /** The host and port that could not be bound. */
  readonly host: string;
  readonly port: number;
  constructor(message: string, host: string, port: number, options?: ErrorOptions) {
    super(message, "LISTEN_FAILED", options);
    this.name = "ListenError";
    this.host = host;
    this.port = port;
  }
}

/** The `ListenError` for a failed bind, with what to do about it. */
export function listenFailure(error: unknown, host: string, port: number): ListenError {
  const code = (error as NodeJS.ErrnoException).code ?? "unknown";
  const hint =
    code === "EADDRINUSE"
      ? "address already in use; choose another port (0 picks a free one)"
      : code === "EACCES"
        ? "permission denied; choose a port above 1023"
        : code === "EADDRNOTAVAIL"
          ? "no such address on this machine; choose another host"
          : code === "ENOTFOUND" || code === "EAI_AGAIN"
            ? "the host name does not resolve; choose a host that does, such as 127.0.0.1"
            : (error as Error).message;
  return new ListenError(`cannot listen on ${host}:${port}: ${hint} (${code})`, host, port, {
    cause: error,
  });
}

/** Thrown when `listen()` is called twice, or after `close()`. */
export class ServerStateError extends ServerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "SERVER_STATE", options);
    this.name = "ServerStateError";
  }
}
