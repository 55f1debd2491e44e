import type { ActivityAnalysis } from "@agentwatch/activity";
import type { AgentSummary, OnTrackStatus } from "@agentwatch/models";
import type { JudgeDigest } from "./digest.js";

/** What a provider is asked to judge: one agent, its task, its new output and the measured facts. */
export interface JudgeInput {
  /** The agent instance. */
  readonly instanceId: string;
  /** Its human-readable name (the instance id when the context gives none). */
  readonly instanceName: string;
  /** Its role, if known. */
  readonly role: string | null;
  /** The task it was given, if known. */
  readonly assignedTask: string | null;
  /** The agent that started it, if any. */
  readonly parentInstanceId: string | null;
  /** The new raw log lines (never empty: with no new lines no provider is asked). */
  readonly lines: readonly string[];
  /** The same lines as `cleanTerminalOutput` gives them, the last 100 at most. */
  readonly cleanedLines: readonly string[];
  /** The facts measured by `@agentwatch/activity` (tools, state, files, commands, tests, loops). */
  readonly activity: ActivityAnalysis;
  /** The agent's previous summary, if any. */
  readonly previousSummary: AgentSummary | null;
  /** The current time, from the generator's clock. */
  readonly now: Date;
  /**
   * The structured digest (actions with their meaning, the drift window, the loop), made by the
   * generator; providers build it with `buildDigest` when it is absent.
   */
  readonly digest?: JudgeDigest | undefined;
}

/** Requests, tokens and cost a provider spent on one `judge()` call (zero for offline providers). */
export interface ProviderUsage {
  /** Requests sent to a model API, retries included. */
  readonly requests: number;
  /** Input tokens billed, summed over the requests. */
  readonly inputTokens: number;
  /** Output tokens billed, summed over the requests. */
  readonly outputTokens: number;
  /** Cost in US dollars from the provider's price table (0 when the model has no price). */
  readonly costUsd: number;
}

/** The judged fields of an AgentSummary: what a provider decides, as opposed to what is measured. */
export interface Judgement {
  /** One or two sentences on what the agent is doing now. */
  current_activity: string;
  /** The on-track verdict. */
  on_track_status: OnTrackStatus;
  /** How sure the verdict is, from 0 to 1. */
  confidence_score: number;
  /** Why the agent drifts from its task (empty when it does not). */
  drift_reasons: string[];
  /** Terms shared by the task and the agent's activity. */
  alignment_keywords: string[];
  /** What a supervisor should do, if anything. */
  recommended_action: string | null;
  /** What the verdict cost, for the generator's `stats`; absent for offline providers. */
  usage?: ProviderUsage | undefined;
}

/**
 * A source of verdicts: `HeuristicProvider` (offline), `AnthropicProvider`, or your own.
 *
 * `judge()` may throw (a `ProviderError` ideally, carrying `usage` when it is a
 * `ModelCallError`); `SummaryGenerator` then falls back to the heuristic verdict. It may return
 * loose values: the generator normalises the status, clamps the confidence and caps the lists.
 */
export interface SummaryProvider {
  /** A short name for logs and fallback reasons, such as `heuristic` or `anthropic:claude-haiku-4-5`. */
  readonly name: string;
  /** Judges one agent's new output against its task. */
  judge(input: JudgeInput): Promise<Judgement>;
}
