export {
  SummaryGenerator,
  type GeneratorStats,
  type SummaryGeneratorOptions,
} from "./summary-generator.js";
export type { AgentContext, MonitoredSummary } from "./agent-context.js";
export {
  HeuristicProvider,
  HEURISTIC_MAX_CONFIDENCE,
  SUBVERSION_CONFIDENCE,
  SUBVERSION_REASON,
} from "./heuristic-provider.js";
export {
  buildDigest,
  DIGEST_ACTIONS,
  type DigestAction,
  type DriftWindow,
  type JudgeDigest,
  type Relevance,
} from "./digest.js";
export { enforceHardRules } from "./hard-rules.js";
export {
  GuardedProvider,
  type BreakerStatus,
  type GuardedProviderOptions,
  type GuardStats,
} from "./guarded-provider.js";
export { AnthropicProvider, type AnthropicProviderOptions } from "./anthropic-provider.js";
export type { JudgeInput, Judgement, ProviderUsage, SummaryProvider } from "./provider.js";
export {
  CONFIDENCE_LEVELS,
  LIST_ITEM_MAX_CHARS,
  LIST_MAX_ITEMS,
  parseConfidence,
  parseJudgement,
} from "./judgement.js";
export { DEFAULT_PRICING, type ModelPrice } from "./pricing.js";
export { REPORT_TOOL_NAME, SYSTEM_PROMPT } from "./model-prompt.js";
export { MODEL_UNAVAILABLE } from "./compose-summary.js";
export { OFF_TRACK_MIN_CONFIDENCE, UNCONFIRMED_OFF_TRACK } from "./smoothing.js";
export { RULE_CONFIDENCE } from "./blocking-rule.js";
export {
  InvalidArgumentError,
  InvalidReplyError,
  ModelCallError,
  ProviderError,
  SummarizerError,
  type ModelCallErrorCode,
  type ModelCallErrorDetails,
} from "./errors.js";
