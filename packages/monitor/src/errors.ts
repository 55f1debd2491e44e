/** Codes of `MonitorError` and its subclasses. */
export type MonitorErrorCode =
  | "ALREADY_STARTED"
  | "SERVICE_STOPPED"
  | "INVALID_OPTION"
  | "AGENTS_FILE_INVALID"
  | "SOURCE_FAILED"
  | "INSTANCE_ID_CONFLICT"
  | "INVALID_INSTANCE_ID"
  | "AGENT_PROCESSING_FAILED";

/** Base class of every error thrown or emitted by `@agentwatch/monitor`. */
export class MonitorError extends Error {
  /** A stable machine-readable code, such as `ALREADY_STARTED`. */
  readonly code: MonitorErrorCode;
  constructor(message: string, code: MonitorErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = "MonitorError";
    this.code = code;
  }
}

/** Thrown by `start()` when the service was already started. */
export class ServiceAlreadyStartedError extends MonitorError {
  constructor(message: string) {
    super(message, "ALREADY_STARTED");
    this.name = "ServiceAlreadyStartedError";
  }
}

/** Thrown by `start()` and `runOnce()` once `stop()` was called: a stopped service cannot run again. */
export class ServiceStoppedError extends MonitorError {
  constructor(message: string) {
    super(message, "SERVICE_STOPPED");
    this.name = "ServiceStoppedError";
  }
}

/** Thrown when a configuration value or a part passed to the service is invalid. */
export class InvalidOptionError extends MonitorError {
  /** The offending option's name, such as `poll_interval_seconds` or `generator`. */
  readonly option: string;
  constructor(message: string, option: string, options?: ErrorOptions) {
    super(message, "INVALID_OPTION", options);
    this.name = "InvalidOptionError";
    this.option = option;
  }
}

/** Emitted (as an `error` event) when an agents file cannot be read or parsed; the previous list is kept. */
export class AgentsFileError extends MonitorError {
  /** The agents file. */
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, "AGENTS_FILE_INVALID", options);
    this.name = "AgentsFileError";
    this.path = path;
  }
}

/** Emitted when an agent source fails to list its agents; its previous list is kept. */
export class SourceError extends MonitorError {
  /** The failing source's name. */
  readonly source: string;
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(message, "SOURCE_FAILED", options);
    this.name = "SourceError";
    this.source = source;
  }
}

/**
 * Reported (as an `error` event) when a source cannot give a log the instance id its name gives:
 * `INSTANCE_ID_CONFLICT` when another log already has it (this one is shown under a numbered id,
 * `instanceId`), `INVALID_INSTANCE_ID` when the name cannot be an instance id (the log is skipped,
 * `instanceId` is null). Reported once per log; the other logs are listed as usual.
 */
export class InstanceIdError extends MonitorError {
  /** The log file concerned. */
  readonly path: string;
  /** The id it is shown under, or null when it is skipped. */
  readonly instanceId: string | null;
  constructor(
    message: string,
    code: "INSTANCE_ID_CONFLICT" | "INVALID_INSTANCE_ID",
    path: string,
    instanceId: string | null,
    options?: ErrorOptions,
  ) {
    super(message, code, options);
    this.name = "InstanceIdError";
    this.path = path;
    this.instanceId = instanceId;
  }
}

/** The steps of one agent's processing, in order. */
export type AgentStage = "read" | "analyze" | "summarize" | "store" | "commit" | "exit" | "remove";

/**
 * Emitted when one agent's processing fails; the agent is retried after a backoff while every
 * other agent goes on. `cause` holds the original error.
 */
export class AgentProcessingError extends MonitorError {
  /** The agent. */
  readonly instanceId: string;
  /** The step that failed. */
  readonly stage: AgentStage;
  /** Consecutive failures of this agent, this one included. */
  readonly failures: number;
  /** Seconds until the agent is tried again. */
  readonly retryInSeconds: number;
  constructor(
    instanceId: string,
    stage: AgentStage,
    failures: number,
    retryInSeconds: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const next =
      stage === "exit" || stage === "remove"
        ? `it is tried again in ${retryInSeconds} s`
        : `its position was not committed, so the same output is read again in ${retryInSeconds} s`;
    super(
      `cannot process agent ${JSON.stringify(instanceId)} (${stage} failed): ${reason}; ${next} ` +
        `(failure ${failures} in a row)`,
      "AGENT_PROCESSING_FAILED",
      { cause },
    );
    this.name = "AgentProcessingError";
    this.instanceId = instanceId;
    this.stage = stage;
    this.failures = failures;
    this.retryInSeconds = retryInSeconds;
  }
}
