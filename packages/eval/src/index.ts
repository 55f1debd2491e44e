export { CaseError, EvalError, UsageError } from "./errors.js";
export {
  CASE_ID,
  EVAL_AGENT_KINDS,
  parseCaseMeta,
  type CaseMeta,
  type EvalAgentKind,
  type EvalCase,
  type TranscriptForm,
  type Truth,
} from "./eval-case.js";
export {
  CASE_FILE,
  DEFAULT_CASES_DIR,
  LOG_FILE,
  loadCase,
  loadCases,
  type LoadCasesOptions,
} from "./load-cases.js";
export {
  CutPlanError,
  MAX_CUT_LINES,
  MIN_CUT_LINES,
  cutBytes,
  planCuts,
  splitLines,
} from "./cuts.js";
export { SeededRandom, seedOf } from "./random.js";
export { EVAL_FORMS, formsOf, type EvalForm } from "./forms.js";
export { entryTimes, sessionCuts, sessionCwd } from "./session-cuts.js";
export {
  SESSION_PROGRAM,
  paneSource,
  sessionPath,
  sessionSources,
  type PaneOptions,
} from "./session-home.js";
export {
  CLOCK_START_MS,
  POLL_SECONDS,
  caseSeed,
  runCase,
  type CaseRun,
  type PollVerdict,
  type RunCaseOptions,
} from "./run-case.js";
export {
  CALIBRATION_EDGES,
  WAITING_STATES,
  computeMetrics,
  flagged,
  headline,
  needsHuman,
  type CalibrationBucket,
  type Confusion,
  type Metrics,
  type Ratio,
  type ScoredCase,
} from "./metrics.js";
export { DEFAULT_FLOORS, belowFloors, type Floors } from "./floors.js";
export {
  formatReport,
  formsNote,
  type CaseResult,
  type FormsNote,
  type ReportInput,
} from "./report.js";
export { runEval, runToJson, scoreOf, type EvalRun, type RunEvalOptions } from "./run-eval.js";
export { evalCommand, type CliIo } from "./cli.js";
