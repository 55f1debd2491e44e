import type { AgentContext, MonitoredSummary, SummaryGeneratorLike } from "@agentwatch/monitor";

/** The facts of `analyzeActivity` the tiny generator reads (the monitor passes the whole analysis). */
interface Facts {
  readonly state?: string;
  readonly last_tool_used?: string | null;
  readonly recent_tools?: string[];
  readonly output_preview?: string;
  readonly idle_duration_seconds?: number;
}

/**
 * A summary generator without a model: the measured facts, and `blocked` while the agent waits
 * for permission or input. For tests and benchmarks of the server, which only stream summaries.
 */
export function tinyGenerator(clock: () => number = Date.now): SummaryGeneratorLike {
  let modelCalls = 0;
  return {
    get stats() {
      return { modelCalls };
    },
    generateSummary(instanceId, lines, context: AgentContext): Promise<MonitoredSummary> {
      if (lines.length > 0) modelCalls++;
      const facts = (context.activity ?? {}) as Facts;
      const state = facts.state ?? "unknown";
      const waiting = state === "waiting_permission" || state === "waiting_input";
      return Promise.resolve({
        instance_id: instanceId,
        instance_name: context.instance_name,
        timestamp: new Date(clock()).toISOString(),
        current_activity: `${state}: ${lines.length} new lines`,
        on_track_status: waiting ? "blocked" : state === "unknown" ? "unknown" : "on_track",
        confidence_score: 0.5,
        assigned_task: context.assigned_task,
        parent_instance_id: context.parent_instance_id,
        role: context.role,
        last_tool_used: facts.last_tool_used ?? null,
        recent_tools: facts.recent_tools ?? [],
        output_preview: facts.output_preview ?? "",
        idle_duration_seconds: facts.idle_duration_seconds ?? 0,
        drift_reasons: waiting ? [`the agent is ${state.replace("_", " for ")}`] : [],
        alignment_keywords: [],
        recommended_action: waiting ? "Answer the agent's prompt." : null,
      });
    },
  };
}
