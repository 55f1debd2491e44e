import {
  type ActivityAnalysis,
  type ActivityLoop,
  type ErrorCount,
  type FileEdit,
  isActivityState,
  isAgentKind,
  type TestResult,
  type ToolCall,
} from "@agentwatch/activity";

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

const records = (value: unknown): Loose[] => (Array.isArray(value) ? value.filter(isRecord) : []);

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;

function toolCalls(value: unknown): ToolCall[] {
  return records(value)
    .filter((call) => typeof call.tool === "string")
    .map((call) => ({
      tool: call.tool as string,
      argument: typeof call.argument === "string" ? call.argument : "",
      line: typeof call.line === "number" ? call.line : -1,
    }));
}

function errors(value: unknown): ErrorCount[] {
  return records(value)
    .filter((error) => typeof error.text === "string")
    .map((error) => ({ text: error.text as string, count: count(error.count) }));
}

function loop(value: unknown): ActivityLoop | null {
  if (!isRecord(value) || (value.kind !== "tool" && value.kind !== "error")) return null;
  const what = typeof value.what === "string" ? value.what : "";
  return { kind: value.kind, what, count: count(value.count) };
}

function tests(value: unknown): TestResult | null {
  if (!isRecord(value)) return null;
  const result: TestResult = {
    passed: count(value.passed),
    failed: count(value.failed),
    raw: typeof value.raw === "string" ? value.raw : "",
  };
  if (typeof value.skipped === "number") result.skipped = count(value.skipped);
  return result;
}

function fileEdits(value: unknown): FileEdit[] {
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return records(value)
    .filter((edit) => typeof edit.file === "string")
    .map((edit) => ({
      file: edit.file as string,
      old_text: text(edit.old_text),
      new_text: text(edit.new_text),
    }));
}

/**
 * An `ActivityAnalysis` with every field present and of the right type, from whatever the caller
 * passed as `activity` (a test double may give only `{ state }`); null when it is not an object.
 */
export function completeActivity(value: unknown): ActivityAnalysis | null {
  if (!isRecord(value)) return null;
  return {
    agent_kind: isAgentKind(value.agent_kind) ? value.agent_kind : "unknown",
    state: isActivityState(value.state) ? value.state : "unknown",
    prompt: typeof value.prompt === "string" ? value.prompt : null,
    last_tool_used: typeof value.last_tool_used === "string" ? value.last_tool_used : null,
    recent_tools: strings(value.recent_tools),
    tool_calls: toolCalls(value.tool_calls),
    errors: errors(value.errors),
    loop: loop(value.loop),
    output_preview: typeof value.output_preview === "string" ? value.output_preview : "",
    idle_duration_seconds: count(value.idle_duration_seconds),
    files_touched: strings(value.files_touched),
    commands_run: strings(value.commands_run),
    tests: tests(value.tests),
    new_output_lines: count(value.new_output_lines),
    first_user_message:
      typeof value.first_user_message === "string" ? value.first_user_message : null,
    ...(Array.isArray(value.actions)
      ? { actions: value.actions as ActivityAnalysis["actions"] }
      : {}),
    ...(Array.isArray(value.edits) ? { edits: fileEdits(value.edits) } : {}),
    ...(typeof value.stalled === "boolean" ? { stalled: value.stalled } : {}),
    ...(value.exit_kind === "quit" || value.exit_kind === "crash" || value.exit_kind === null
      ? { exit_kind: value.exit_kind }
      : {}),
    carry: (value.carry ?? {}) as ActivityAnalysis["carry"],
  };
}
