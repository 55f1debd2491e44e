export {
  createNotifier,
  type Notifier,
  type NotifierOptions,
  type NotifierStats,
} from "./notifier.js";
export {
  REASON_TEXT,
  DEFAULT_ACTION,
  reasonOf,
  type AgentStateLike,
  type AgentTransition,
  type NotifyReason,
  type SummaryLike,
} from "./transition.js";
export {
  TARGET_FORMS,
  describeTarget,
  parseTargetSpec,
  type TargetKind,
  type TargetSpec,
} from "./target-spec.js";
export { type NotifiedAgent, type Notification } from "./message.js";
export { type TargetStats } from "./delivery.js";
export { type PolicyStats, type NotifyTimer } from "./policy.js";
export { EXIT_TEMPFAIL, desktopTool, findExecutable, type Environment } from "./process-targets.js";
export { webhookBody, type FetchLike } from "./http-targets.js";
export { DeliveryError, NotifyError, type NotifyErrorCode } from "./errors.js";
