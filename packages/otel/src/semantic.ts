/**
 * The names agentwatch gives its OpenTelemetry log records, attributes and metrics. The `gen_ai.*`
 * ones are the GenAI semantic conventions' (development status, so spelled out here rather than
 * imported from the conventions' incubating entry point); `agentwatch.*` ones are agentwatch's own.
 */
export const OtelNames = {
  /** The event of a stored summary (GenAI semantic conventions: an evaluation result). */
  EVALUATION_EVENT: "gen_ai.evaluation.result",
  /** The event of an agent's state change. */
  STATE_CHANGE_EVENT: "agentwatch.state_change",
  /** The event of an agent forgotten by its host's monitor. */
  AGENT_REMOVED_EVENT: "agentwatch.agent_removed",
  /** The event of a finished poll cycle: the host is alive even when no agent wrote anything. */
  CYCLE_EVENT: "agentwatch.cycle",
  /** `gen_ai.evaluation.name` of agentwatch's verdicts. */
  EVALUATION_NAME: "agentwatch.on_track",
  /** `service.name` of the resource. */
  SERVICE_NAME: "agentwatch",
  /** The instrumentation scope. */
  SCOPE: "@agentwatch/otel",
} as const;

/** Attribute keys of the log records. */
export const OtelAttributes = {
  EVALUATION_NAME: "gen_ai.evaluation.name",
  SCORE_LABEL: "gen_ai.evaluation.score.label",
  SCORE_VALUE: "gen_ai.evaluation.score.value",
  EXPLANATION: "gen_ai.evaluation.explanation",
  AGENT_ID: "gen_ai.agent.id",
  AGENT_NAME: "gen_ai.agent.name",
  CONVERSATION_ID: "gen_ai.conversation.id",
  ACTIVITY_STATE: "agentwatch.activity_state",
  IDLE_SECONDS: "agentwatch.idle_seconds",
  LAST_TOOL: "agentwatch.last_tool",
  RECOMMENDED_ACTION: "agentwatch.recommended_action",
  CURRENT_ACTIVITY: "agentwatch.current_activity",
  ROLE: "agentwatch.role",
  TOKENS_INPUT: "agentwatch.tokens.input",
  TOKENS_OUTPUT: "agentwatch.tokens.output",
  TOKENS_CACHE_READ: "agentwatch.tokens.cache_read",
  TOKENS_CACHE_CREATION: "agentwatch.tokens.cache_creation",
  COST_USD: "agentwatch.cost_usd",
  PREVIOUS_ACTIVITY_STATE: "agentwatch.previous.activity_state",
  PREVIOUS_STATUS: "agentwatch.previous.on_track_status",
  CURRENT_ACTIVITY_STATE: "agentwatch.current.activity_state",
  CURRENT_STATUS: "agentwatch.current.on_track_status",
  TRIGGER: "agentwatch.trigger",
  /** Resource attributes. */
  SERVICE_NAME: "service.name",
  SERVICE_VERSION: "service.version",
  SERVICE_INSTANCE_ID: "service.instance.id",
  HOST_NAME: "host.name",
} as const;

/** Metric instrument names. */
export const OtelMetrics = {
  AGENTS: "agentwatch.agents",
  AGENTS_BY_ACTIVITY: "agentwatch.agents.activity",
  SUMMARIES: "agentwatch.summaries",
  STATE_CHANGES: "agentwatch.state_changes",
  MODEL_CALLS: "agentwatch.model.calls",
  MODEL_TOKENS: "agentwatch.model.tokens",
  MODEL_COST: "agentwatch.model.cost",
  AGENT_TOKENS: "agentwatch.agent.tokens",
  AGENT_COST: "agentwatch.agent.cost",
  CYCLE_DURATION: "agentwatch.cycle.duration",
  READ_LAG: "agentwatch.read.lag",
} as const;
