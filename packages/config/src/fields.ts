/** The kinds of value a configuration field holds. */
export type FieldKind =
  | "positive-integer"
  | "port"
  | "path"
  | "string"
  | "optional-string"
  | "boolean"
  | "string-list"
  | "price-table";

/** A model's prices in US dollars per million tokens, as `model_prices` gives them. */
export interface TokenPrices {
  readonly input: number;
  readonly output: number;
  readonly cache_read: number;
  readonly cache_creation: number;
}

/** How one field of `MonitoringConfig` is read and checked. */
export interface FieldSpec {
  readonly kind: FieldKind;
  /** The environment variable that sets it. */
  readonly env: string;
  /** One line for `--help` and the README. */
  readonly description: string;
  /** The largest value allowed, for numbers that have one, and why. */
  readonly max?: { readonly value: number; readonly why: string } | undefined;
}

/** The longest a Node.js timer can wait, in whole seconds (2^31 - 1 ms). */
export const MAX_TIMER_SECONDS = 2_147_483;

/**
 * agentwatch's configuration, with the seed's snake_case field names (the JSON config file uses
 * the same names).
 */
export interface MonitoringConfig {
  /** Seconds between the starts of two poll cycles. */
  readonly poll_interval_seconds: number;
  /** Where `<instance_id>/latest_summary.json` and `summary_history.jsonl` live. */
  readonly summary_dir: string;
  /** Where `monitor_positions.json` lives. */
  readonly state_dir: string;
  /** The model asked for judgements, when one is configured. */
  readonly model: string;
  /** The most lines read from one log in one poll. */
  readonly max_log_lines_per_read: number;
  /** Seconds before an agent whose processing failed is tried again. */
  readonly error_backoff_seconds: number;
  /** Whether summaries are streamed to WebSocket clients. */
  readonly enable_streaming: boolean;
  /** The original orchestrator's log directory: `<log_dir>/instances/<id>/tmux_output.log`. */
  readonly log_dir: string;
  /** How many agents one poll cycle processes at the same time. */
  readonly agent_concurrency: number;
  /** Seconds an agent whose log disappeared stays listed as exited before its position is removed. */
  readonly exited_grace_seconds: number;
  /** The address the server listens on; beyond loopback it requires `token`. */
  readonly server_host: string;
  /** The server's port (0: any free port). */
  readonly server_port: number;
  /** The token HTTP and WebSocket clients must present; empty means none. */
  readonly token: string;
  /** The most WebSocket clients served at once. */
  readonly max_clients: number;
  /**
   * Where to send notifications of agents that need a person: target specs such as `bell`,
   * `desktop`, `webhook=URL`, `ntfy=URL`, `command=CMD` (read by `@agentwatch/notify`).
   */
  readonly notify: readonly string[];
  /** Seconds within which the same agent entering the same state is not notified again. */
  readonly notify_cooldown_seconds: number;
  /** The most notifications per minute across all agents; the rest are folded into one digest. */
  readonly notify_rate_per_minute: number;
  /** Whether an agent finishing its turn (working, then idle) is notified too. */
  readonly notify_turn_end: boolean;
  /**
   * A log met for the first time with more than this many bytes is read from near its end (its
   * last `catch_up_lines` lines), not from its start.
   */
  readonly catch_up_bytes: number;
  /** How many of its last lines a log met with a long history is read from. */
  readonly catch_up_lines: number;
  /**
   * Seconds an agent may show it is busy (a spinner, a running tool) without any output before it
   * is judged stalled, which blocks it.
   */
  readonly stall_seconds: number;
  /**
   * Prices of models in US dollars per million tokens (`input`, `output`, `cache_read`,
   * `cache_creation`), by model id, over the dated table `@agentwatch/transcripts` ships: to
   * correct a price or add a model. A dated id (`claude-sonnet-4-5-20250929`) takes the price of the
   * entry it extends.
   */
  readonly model_prices: Readonly<Record<string, TokenPrices>>;
}

/** The seed's defaults. */
export const DEFAULT_CONFIG: MonitoringConfig = Object.freeze({
  poll_interval_seconds: 12,
  summary_dir: "/tmp/madrox_logs/summaries",
  state_dir: "/tmp/madrox_logs/monitoring_state",
  model: "claude-haiku-4-5",
  max_log_lines_per_read: 200,
  error_backoff_seconds: 10,
  enable_streaming: true,
  log_dir: "/tmp/madrox_logs",
  agent_concurrency: 4,
  exited_grace_seconds: 300,
  server_host: "127.0.0.1",
  server_port: 8001,
  token: "",
  max_clients: 100,
  notify: Object.freeze([]),
  notify_cooldown_seconds: 60,
  notify_rate_per_minute: 5,
  notify_turn_end: false,
  catch_up_bytes: 262_144,
  catch_up_lines: 200,
  stall_seconds: 300,
  model_prices: Object.freeze({}) as Readonly<Record<string, TokenPrices>>,
});

/** Every field's kind, environment variable and description. */
export const CONFIG_FIELDS: Readonly<Record<keyof MonitoringConfig, FieldSpec>> = Object.freeze({
  poll_interval_seconds: {
    kind: "positive-integer",
    env: "AGENTWATCH_POLL_INTERVAL_SECONDS",
    description: "seconds between the starts of two poll cycles",
    max: { value: MAX_TIMER_SECONDS, why: "the longest a timer can wait" },
  },
  summary_dir: {
    kind: "path",
    env: "AGENTWATCH_SUMMARY_DIR",
    description: "directory of per-agent latest_summary.json and summary_history.jsonl",
  },
  state_dir: {
    kind: "path",
    env: "AGENTWATCH_STATE_DIR",
    description: "directory of monitor_positions.json",
  },
  model: {
    kind: "string",
    env: "AGENTWATCH_MODEL",
    description: "model asked for on-track judgements",
  },
  max_log_lines_per_read: {
    kind: "positive-integer",
    env: "AGENTWATCH_MAX_LOG_LINES_PER_READ",
    description: "most lines read from one log in one poll",
  },
  error_backoff_seconds: {
    kind: "positive-integer",
    env: "AGENTWATCH_ERROR_BACKOFF_SECONDS",
    description: "seconds before a failed agent is tried again (doubling)",
  },
  enable_streaming: {
    kind: "boolean",
    env: "AGENTWATCH_ENABLE_STREAMING",
    description: "stream summaries to WebSocket clients",
  },
  log_dir: {
    kind: "path",
    env: "AGENTWATCH_LOG_DIR",
    description: "the orchestrator's log directory (<log_dir>/instances/<id>/tmux_output.log)",
  },
  agent_concurrency: {
    kind: "positive-integer",
    env: "AGENTWATCH_AGENT_CONCURRENCY",
    description: "agents processed at the same time in one poll cycle",
  },
  exited_grace_seconds: {
    kind: "positive-integer",
    env: "AGENTWATCH_EXITED_GRACE_SECONDS",
    description: "seconds an exited agent stays listed before its position is removed",
  },
  server_host: {
    kind: "string",
    env: "AGENTWATCH_SERVER_HOST",
    description: "address the server listens on (beyond loopback a token is required)",
  },
  server_port: {
    kind: "port",
    env: "AGENTWATCH_SERVER_PORT",
    description: "the server's port (0: any free port)",
  },
  token: {
    kind: "optional-string",
    env: "AGENTWATCH_TOKEN",
    description: "token HTTP and WebSocket clients must present (empty: none)",
  },
  max_clients: {
    kind: "positive-integer",
    env: "AGENTWATCH_MAX_CLIENTS",
    description: "most WebSocket clients served at once",
  },
  notify: {
    kind: "string-list",
    env: "AGENTWATCH_NOTIFY",
    description:
      "notification targets: bell, desktop, webhook=URL, ntfy=URL, command=CMD (in the environment a JSON array, or one target)",
  },
  notify_cooldown_seconds: {
    kind: "positive-integer",
    env: "AGENTWATCH_NOTIFY_COOLDOWN_SECONDS",
    description: "seconds before the same agent entering the same state is notified again",
    max: { value: MAX_TIMER_SECONDS, why: "the longest a timer can wait" },
  },
  notify_rate_per_minute: {
    kind: "positive-integer",
    env: "AGENTWATCH_NOTIFY_RATE_PER_MINUTE",
    description: "most notifications a minute across all agents; the rest go in one digest",
  },
  notify_turn_end: {
    kind: "boolean",
    env: "AGENTWATCH_NOTIFY_TURN_END",
    description: "also notify an agent finishing its turn (working, then idle)",
  },
  catch_up_bytes: {
    kind: "positive-integer",
    env: "AGENTWATCH_CATCH_UP_BYTES",
    description:
      "a log first met with more bytes than this is read from its last catch_up_lines lines (watch --from-start reads it all)",
  },
  catch_up_lines: {
    kind: "positive-integer",
    env: "AGENTWATCH_CATCH_UP_LINES",
    description: "how many last lines of a long log first met are read",
  },
  stall_seconds: {
    kind: "positive-integer",
    env: "AGENTWATCH_STALL_SECONDS",
    description:
      "seconds an agent may look busy without output before it is judged stalled (blocked)",
    max: { value: MAX_TIMER_SECONDS, why: "the longest a timer can wait" },
  },
  model_prices: {
    kind: "price-table",
    env: "AGENTWATCH_MODEL_PRICES",
    description:
      'USD per million tokens by model, over the built-in dated table: {"model": {"input": 3, "output": 15, "cache_read": 0.3, "cache_creation": 3.75}} (in the environment as JSON)',
  },
});

/** The field names, in declaration order. */
export const CONFIG_KEYS = Object.freeze(
  Object.keys(CONFIG_FIELDS),
) as readonly (keyof MonitoringConfig)[];
