import type { ActivityAnalysis, TestResult, ToolCall } from "@agentwatch/activity";
import { ACTIVITY_MAX_CHARS } from "./judgement.js";
import { oneLine, truncate } from "./text.js";
import { pathOf, toolKind } from "./tool-kind.js";

const TEST_COMMAND = /\b(?:test|tests|jest|vitest|pytest|mocha|ava|tap|spec|rspec|phpunit|e2e)\b/i;

function testsNote(command: string, tests: TestResult | null): string {
  if (tests === null || !TEST_COMMAND.test(command)) return "";
  return tests.failed > 0 ? ` (${tests.failed} failed)` : ` (${tests.passed} passed)`;
}

/** A call as a lower-case gerund phrase: "running `npm test` (2 failed)", "editing src/a.ts". */
function phrase(call: ToolCall, tests: TestResult | null): string {
  const argument = truncate(oneLine(call.argument), 100);
  switch (toolKind(call.tool)) {
    case "command":
      return argument
        ? `running \`${argument}\`${testsNote(call.argument, tests)}`
        : "running a command";
    case "edit":
      return `editing ${truncate(pathOf(call), 100) || "a file"}`;
    case "read":
      return `reading ${truncate(pathOf(call), 100) || "a file"}`;
    case "search":
      return argument ? `searching ${argument}` : "searching the code";
    case "web":
      return argument ? `looking up ${argument}` : "browsing the web";
    case "plan":
      return "updating its plan";
    case "delegate":
      return argument ? `delegating ${argument}` : "delegating to a sub-agent";
    case "other":
      return argument ? `using ${call.tool}(${argument})` : `using ${call.tool}`;
  }
}

/** What the last call of this poll did, with the edit that preceded a command. */
function lastStep(activity: ActivityAnalysis): string | null {
  const calls = activity.tool_calls;
  const last = calls.at(-1);
  if (last === undefined) return null;
  let text = phrase(last, activity.tests);
  if (toolKind(last.tool) === "command") {
    const edited = [
      ...new Set(calls.filter((call) => toolKind(call.tool) === "edit").map((c) => pathOf(c))),
    ];
    const latest = edited.at(-1);
    if (latest !== undefined) {
      const more = edited.length - 1;
      text += ` after editing ${truncate(latest, 100)}`;
      if (more > 0) text += ` and ${more} other file${more === 1 ? "" : "s"}`;
    }
  }
  return text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lastLine(preview: string): string {
  const lines = preview.split("\n").filter((line) => line.trim() !== "");
  return truncate(oneLine(lines.at(-1) ?? ""), 120);
}

/**
 * One sentence on what the agent is doing, composed from measured facts only, such as
 * "Running `npm test` (2 failed) after editing src/auth/jwt.ts" or
 * "Waiting for permission: Bash command npm install lodash Do you want to proceed?".
 */
export function describeActivity(activity: ActivityAnalysis): string {
  const step = lastStep(activity);
  const after = step === null ? "" : ` after ${step}`;
  let text: string;
  switch (activity.state) {
    case "waiting_permission":
      text = `Waiting for permission: ${truncate(oneLine(activity.prompt ?? "") || "a permission dialog is open", 200)}`;
      break;
    case "waiting_input":
      text = `Waiting for an answer: ${truncate(oneLine(activity.prompt ?? "") || "a question is open", 200)}`;
      break;
    case "rate_limited":
      text = `Stopped by a usage limit${after}`;
      break;
    case "errored": {
      const error = activity.errors.at(-1)?.text ?? lastLine(activity.output_preview);
      text = `Stopped on an error: ${truncate(oneLine(error), 160) || "see its output"}`;
      break;
    }
    case "exited":
      text = `Exited${after}`;
      break;
    case "idle":
      text = `Idle at its prompt${after}`;
      break;
    case "working":
    case "unknown": {
      const line = lastLine(activity.output_preview);
      text =
        step !== null ? capitalize(step) : line ? `Writing output: ${line}` : "No activity seen";
      break;
    }
  }
  return truncate(text, ACTIVITY_MAX_CHARS);
}
