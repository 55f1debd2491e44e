export {
  createClaudeParseState,
  parseClaudeLine,
  parseClaudeLines,
  readClaudeParseState,
  type ClaudeParseState,
  type CountedMessage,
  type ParsedPage,
} from "./claude-parser.js";
export {
  codexOutput,
  createCodexParseState,
  parseCodexLine,
  parseCodexLines,
  readCodexParseState,
  type CodexParseState,
} from "./codex-parser.js";
export {
  createHookParseState,
  parseHookLine,
  parseHookLines,
  readHookParseState,
  type HookEvent,
  type HookParseState,
} from "./hook-parser.js";
export { parsePatch, type PatchFile } from "./apply-patch.js";
export { claudeToolInput } from "./tool-input.js";
export { codexToolInput } from "./codex-tools.js";
export { emptyParseStats, type ParseStats } from "./parse-stats.js";
export { isRateLimited } from "./rate-limit.js";
export {
  analyzeEvents,
  trailingQuestion,
  APPROVAL_QUIET_SECONDS,
  DEFAULT_QUIET_SECONDS,
  type AnalyzeEventsOptions,
  type EventAnalysis,
  type ModelUsageSummary,
  type PendingTool,
} from "./analyze-events.js";
export {
  emptyEventCarry,
  readEventCarry,
  type CarriedEdit,
  type EventCarry,
  type ModelUsage,
  type OpenCall,
  type Waiting,
} from "./event-carry.js";
export { mergeAnalyses } from "./merge-analyses.js";
export {
  costOf,
  priceFor,
  DEFAULT_PRICES,
  PRICES_AS_OF,
  type ModelPrice,
  type PriceTable,
} from "./pricing.js";
export { InvalidTranscriptInputError, TranscriptError } from "./errors.js";
export { ARGUMENT_CHARS, EDIT_CHARS, EXCERPT_CHARS, MESSAGE_CHARS } from "./text.js";
