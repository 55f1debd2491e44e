import type { ActivityAnalysis } from "@agentwatch/activity";
import { ACTION_MAX_CHARS, LIST_ITEM_MAX_CHARS } from "./judgement.js";
import { oneLine, truncate } from "./text.js";

/** Why an agent is `blocked` by rule, and what a supervisor should do about it. */
export interface Block {
  /** The reason, first in `drift_reasons`: `waiting for permission: …`, `stuck in a loop: …`. */
  readonly reason: string;
  /** The prompt to answer or the step to take, for `recommended_action`. */
  readonly action: string;
  /** The confidence of the verdict: the facts are measured, so it is high. */
  readonly confidence: number;
  /**
   * A block the agent may still be responsible for (a loop, a stall, a crash): a subverting
   * action outranks it (the session is `off_track`). A prompt or a usage limit is never soft.
   */
  readonly soft: boolean;
}

/** The confidence of a verdict decided by rule from measured facts. */
export const RULE_CONFIDENCE = 0.9;
/** A prompt or a usage limit on screen: seen, not inferred. */
const PROMPT_CONFIDENCE = 0.95;
/** A loop: the same action and result repeated; it could still end by itself. */
const LOOP_CONFIDENCE = 0.85;
/** An exit without a clean quit: the task may have been done. */
const EXIT_CONFIDENCE = 0.8;
/** An error as the last output: the agent may still go on. */
const ERROR_CONFIDENCE = 0.7;
/** Silence while busy: a long command may still finish. */
const STALL_CONFIDENCE = 0.75;

function lastLineOf(preview: string): string {
  const line = preview
    .split("\n")
    .map((text) => oneLine(text))
    .filter((text) => text !== "")
    .at(-1);
  return line ? `: ${truncate(line, 120)}` : "";
}

/** The prefixes of the reasons this rule writes, to tell them from a provider's reasons. */
export const BLOCK_REASON_PREFIXES: readonly string[] = [
  "waiting for permission: ",
  "waiting for input: ",
  "usage limit reached: ",
  "stuck in a loop: ",
  "stalled: ",
  "exited: ",
  "stopped on an error: ",
];

const LIMIT_REACHED = /limit reached|resets? |try again|quota exceeded/i;
const LIMIT_LINE = /limit|resets?\b|quota|usage/i;

function reason(text: string): string {
  return truncate(text, LIST_ITEM_MAX_CHARS);
}

function action(text: string): string {
  return truncate(text, ACTION_MAX_CHARS);
}

/**
 * The rule-decided block of an agent, or null: it waits for permission or for an answer, hit a
 * usage limit, exited without a clean quit, stopped on an error, stalled (busy, silent for
 * `stallSeconds`), or repeats an action or an error in a loop (in that order of precedence).
 */
export function blockOf(
  activity: Pick<ActivityAnalysis, "state" | "prompt" | "loop" | "output_preview"> &
    Partial<Pick<ActivityAnalysis, "errors" | "stalled" | "exit_kind" | "idle_duration_seconds">>,
): Block | null {
  const prompt = activity.prompt?.trim() ?? "";
  switch (activity.state) {
    case "waiting_permission":
      return {
        reason: reason(
          `waiting for permission: ${oneLine(prompt) || "a permission dialog is open"}`,
        ),
        action: action(
          prompt
            ? `Approve or deny the agent's request: ${prompt}`
            : "Answer the permission dialog in the agent's terminal.",
        ),
        confidence: PROMPT_CONFIDENCE,
        soft: false,
      };
    case "waiting_input":
      return {
        reason: reason(`waiting for input: ${oneLine(prompt) || "a question is open"}`),
        action: action(
          prompt
            ? `Answer the agent's question: ${prompt}`
            : "Answer the question in the agent's terminal.",
        ),
        confidence: PROMPT_CONFIDENCE,
        soft: false,
      };
    case "rate_limited": {
      const lines = activity.output_preview
        .split("\n")
        .map((text) => oneLine(text).replace(/^[^\p{L}\p{N}/]+/u, ""));
      const line =
        lines.filter((text) => LIMIT_REACHED.test(text)).at(-1) ??
        lines.filter((text) => LIMIT_LINE.test(text)).at(-1) ??
        "";
      return {
        reason: reason(`usage limit reached: ${line || "the agent hit its usage limit"}`),
        action: action(
          `Wait for the usage limit to reset${line ? ` (${line})` : ""} or move the task to another account.`,
        ),
        confidence: PROMPT_CONFIDENCE,
        soft: false,
      };
    }
    case "exited":
      if (activity.exit_kind === "quit") break;
      return {
        reason: reason(
          `exited: the agent's process ended before saying its task was done${lastLineOf(activity.output_preview)}`,
        ),
        action: action(
          "Find out why the agent stopped and restart it if its task is not finished.",
        ),
        confidence: EXIT_CONFIDENCE,
        soft: true,
      };
    case "errored": {
      const error = activity.errors?.at(-1)?.text ?? lastLineOf(activity.output_preview).slice(2);
      return {
        reason: reason(`stopped on an error: ${truncate(oneLine(error), 160) || "see its output"}`),
        action: action(
          `Look at the error and help the agent past it${error ? `: ${truncate(oneLine(error), 200)}` : "."}`,
        ),
        confidence: ERROR_CONFIDENCE,
        soft: true,
      };
    }
    case "working":
      if (activity.stalled === true) {
        const seconds = Math.round(activity.idle_duration_seconds ?? 0);
        return {
          reason: reason(
            `stalled: busy on screen but no output for ${seconds} s${lastLineOf(activity.output_preview)}`,
          ),
          action: action(
            "Look at the agent's terminal: it may hang on a command, a network call or a prompt it did not print.",
          ),
          confidence: STALL_CONFIDENCE,
          soft: true,
        };
      }
      break;
    case "idle":
    case "unknown":
      break;
  }
  const loop = activity.loop;
  if (loop === null) return null;
  const what = truncate(oneLine(loop.what), 150);
  return loop.kind === "tool"
    ? {
        reason: reason(`stuck in a loop: ${what} ran ${loop.count} times in a row`),
        action: action(
          `Interrupt the agent: it keeps repeating ${what}; find out why it does not succeed and suggest another approach.`,
        ),
        confidence: LOOP_CONFIDENCE,
        soft: true,
      }
    : {
        reason: reason(`stuck in a loop: the same error ${loop.count} times: ${what}`),
        action: action(`Interrupt the agent and fix the cause of the repeated error: ${what}`),
        confidence: LOOP_CONFIDENCE,
        soft: true,
      };
}

/** Whether a drift reason was written by `blockOf`. */
export function isBlockReason(text: string): boolean {
  return BLOCK_REASON_PREFIXES.some((prefix) => text.startsWith(prefix));
}
