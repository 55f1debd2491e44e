/** Where a configuration value came from. */
export type ConfigSource =
  | { kind: "default" }
  | { kind: "file"; path: string }
  | { kind: "env"; variable: string }
  | { kind: "override" };

/** Describes a source for messages: `config file /etc/agentwatch.json`, `environment variable X`. */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case "default":
      return "the defaults";
    case "file":
      return `config file ${source.path}`;
    case "env":
      return `environment variable ${source.variable}`;
    case "override":
      return "overrides";
  }
}

/** Codes of `ConfigError`. */
export type ConfigErrorCode =
  | "CONFIG_INVALID_VALUE"
  | "CONFIG_UNKNOWN_KEY"
  | "CONFIG_FILE_UNREADABLE"
  | "CONFIG_FILE_MALFORMED";

/**
 * Thrown by `loadConfig` for a bad value, an unknown key, or an unreadable or malformed file.
 *
 * The message names the key, where it came from and what was expected, for example
 * `poll_interval_seconds from environment variable AGENTWATCH_POLL_INTERVAL_SECONDS: expected a
 * positive integer, got "soon"`.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  /** The offending key (field name or variable name), when there is one. */
  readonly key: string | undefined;
  /** Where the offending value came from. */
  readonly source: ConfigSource;
  constructor(
    message: string,
    code: ConfigErrorCode,
    details: { key?: string | undefined; source: ConfigSource },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ConfigError";
    this.code = code;
    this.key = details.key;
    this.source = details.source;
  }
}
