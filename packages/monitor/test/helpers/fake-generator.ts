import type { AgentSummary, OnTrackStatus } from "@agentwatch/models";
import type { AgentContext, MonitoredSummary, SummaryGeneratorLike } from "../../src/index.js";

/** One call the fake generator received. */
export interface GeneratorCall {
  readonly instanceId: string;
  readonly lines: string[];
  readonly context: AgentContext;
  readonly at: number;
}

/**
 * A generator double: summarizes by echoing the last line, takes the on-track status from a
 * `[track:<status>]` marker (else keeps the previous one, else `on_track`), counts a model call
 * per call with lines, and fails when `failWhen` says so.
 */
export class FakeGenerator implements SummaryGeneratorLike {
  readonly calls: GeneratorCall[] = [];
  readonly #clock: () => number;
  #modelCalls = 0;
  failWhen: (call: GeneratorCall) => boolean = () => false;
  /** Runs inside each call before it returns (to hold calls open, move the clock, ...). */
  during: (call: GeneratorCall) => Promise<void> | void = () => {};

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  get stats(): { modelCalls: number } {
    return { modelCalls: this.#modelCalls };
  }

  async generateSummary(
    instanceId: string,
    newLogLines: string[],
    context: AgentContext,
  ): Promise<MonitoredSummary> {
    const call: GeneratorCall = {
      instanceId,
      lines: [...newLogLines],
      context,
      at: this.#clock(),
    };
    this.calls.push(call);
    await this.during(call);
    if (this.failWhen(call)) throw new Error(`model unavailable for ${instanceId}`);
    if (newLogLines.length > 0) this.#modelCalls++;
    const previous: AgentSummary | null = context.previous_summary;
    let status: OnTrackStatus = previous?.on_track_status ?? "on_track";
    for (const line of newLogLines) {
      const match = /\[track:(\w+)\]/.exec(line);
      if (match !== null) status = match[1] as OnTrackStatus;
    }
    return {
      instance_id: instanceId,
      instance_name: context.instance_name,
      timestamp: new Date(this.#clock()).toISOString(),
      current_activity: newLogLines.at(-1) ?? previous?.current_activity ?? "",
      on_track_status: status,
      confidence_score: 0.5,
      assigned_task: context.assigned_task,
      parent_instance_id: context.parent_instance_id,
      role: context.role,
      last_tool_used: null,
      recent_tools: [],
      output_preview: newLogLines.slice(-3).join("\n"),
      idle_duration_seconds: 0,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
    };
  }

  /** Calls for one agent. */
  callsFor(instanceId: string): GeneratorCall[] {
    return this.calls.filter((call) => call.instanceId === instanceId);
  }
}
