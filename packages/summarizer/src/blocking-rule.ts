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
}

/** The confidence of a verdict decided by rule from measured facts. */
export const RULE_CONFIDENCE = 0.9;

/** The prefixes of the reasons this rule writes, to tell them from a provider's reasons. */
export const BLOCK_REASON_PREFIXES: readonly string[] = [
  "waiting for permission: ",
  "waiting for input: ",
  "usage limit reached: ",
  "stuck in a loop: ",
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
 * usage limit, or repeats a tool call or an error in a loop (in that order of precedence).
 */
export function blockOf(
  activity: Pick<ActivityAnalysis, "state" | "prompt" | "loop" | "output_preview">,
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
        confidence: RULE_CONFIDENCE,
      };
    case "waiting_input":
      return {
        reason: reason(`waiting for input: ${oneLine(prompt) || "a question is open"}`),
        action: action(
          prompt
            ? `Answer the agent's question: ${prompt}`
            : "Answer the question in the agent's terminal.",
        ),
        confidence: RULE_CONFIDENCE,
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
        confidence: RULE_CONFIDENCE,
      };
    }
    case "working":
    case "idle":
    case "errored":
    case "exited":
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
        confidence: RULE_CONFIDENCE,
      }
    : {
        reason: reason(`stuck in a loop: the same error ${loop.count} times: ${what}`),
        action: action(`Interrupt the agent and fix the cause of the repeated error: ${what}`),
        confidence: RULE_CONFIDENCE,
      };
}

/** Whether a drift reason was written by `blockOf`. */
export function isBlockReason(text: string): boolean {
  return BLOCK_REASON_PREFIXES.some((prefix) => text.startsWith(prefix));
}
