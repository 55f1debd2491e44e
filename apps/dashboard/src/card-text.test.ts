import { describe, expect, it } from "vitest";
import { summaryText } from "./card-text.js";
import { summary } from "../test/helpers/fixtures.js";

const PROMPT = "Bash command\n  rm -rf node_modules\nDo you want to proceed?\n❯ 1. Yes\n  2. No";
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** A summary of an agent at a prompt, its fields as packages/summarizer writes them. */
function waiting(prompt: string, overrides: Parameters<typeof summary>[2] = {}) {
  return summary("a", 1, {
    activity_state: "waiting_permission",
    on_track_status: "blocked",
    current_activity: `Waiting for permission: ${oneLine(prompt)}`,
    drift_reasons: [`waiting for permission: ${oneLine(prompt)}`],
    recommended_action: `Approve or deny the agent's request: ${prompt}`,
    ...overrides,
  });
}

/** How often `needle` occurs in all the texts of `text`. */
function occurrences(text: ReturnType<typeof summaryText>, needle: string): number {
  const all = [text.activity, text.prompt, ...text.driftReasons, text.action].join("\n");
  return all.split(needle).length - 1;
}

describe("summaryText", () => {
  it("shows a waiting agent's prompt once, with its lines, and the lead-ins of the rest", () => {
    const text = summaryText(waiting(PROMPT));
    expect(text).toEqual({
      activity: "Waiting for permission",
      prompt: PROMPT,
      driftReasons: [],
      action: "Approve or deny the agent's request",
    });
    expect(occurrences(text, "rm -rf node_modules")).toBe(1);
  });

  it("does the same for a question, and keeps drift reasons that say something else", () => {
    const question = "Which database should I migrate?\n1. staging\n2. production";
    const text = summaryText(
      waiting(question, {
        activity_state: "waiting_input",
        current_activity: `Waiting for an answer: ${oneLine(question)}`,
        drift_reasons: [`waiting for input: ${oneLine(question)}`, "edits files outside its task"],
        recommended_action: `Answer the agent's question: ${question}`,
      }),
    );
    expect(text).toEqual({
      activity: "Waiting for an answer",
      prompt: question,
      driftReasons: ["edits files outside its task"],
      action: "Answer the agent's question",
    });
  });

  it("recognizes the prompt where the summarizer cut it short", () => {
    const long = `Bash command\n  ${"x".repeat(600)}\nDo you want to proceed?`;
    const cut = (text: string, max: number) => `${text.slice(0, max - 1)}…`;
    const text = summaryText(
      waiting(long, {
        current_activity: `Waiting for permission: ${cut(oneLine(long), 200)}`,
        drift_reasons: [cut(`waiting for permission: ${oneLine(long)}`, 200)],
        recommended_action: cut(`Approve or deny the agent's request: ${long}`, 500),
      }),
    );
    expect(text.activity).toBe("Waiting for permission");
    expect(text.driftReasons).toEqual([]);
    expect(text.prompt).toMatch(/^Bash command\n {2}x+…$/);
  });

  it("keeps an activity written otherwise (by a model), and drops the reason that repeats the prompt", () => {
    const text = summaryText(waiting(PROMPT, { current_activity: "Cleaning the build output" }));
    expect(text.activity).toBe("Cleaning the build output");
    expect(text.prompt).toBe(PROMPT);
    expect(text.driftReasons).toEqual([]);
    expect(occurrences(text, "rm -rf node_modules")).toBe(1);
  });

  it("uses the state's label when the activity is the prompt alone", () => {
    const text = summaryText(waiting(PROMPT, { current_activity: oneLine(PROMPT) }));
    expect(text.activity).toBe("Waiting for permission");
    expect(text.prompt).toBe(PROMPT);
  });

  it("drops a drift reason that only repeats the activity (a dialog without text)", () => {
    const text = summaryText(
      waiting("", {
        current_activity: "Waiting for permission: a permission dialog is open",
        drift_reasons: ["waiting for permission: a permission dialog is open"],
        recommended_action: "Answer the permission dialog in the agent's terminal.",
      }),
    );
    expect(text).toEqual({
      activity: "Waiting for permission: a permission dialog is open",
      prompt: null,
      driftReasons: [],
      action: "Answer the permission dialog in the agent's terminal.",
    });
  });

  it("leaves an agent that does not wait as it is, the action's lines kept", () => {
    const s = summary("a", 1, {
      activity_state: "errored",
      on_track_status: "blocked",
      current_activity: "Stopped on an error: Error: connect ECONNREFUSED 127.0.0.1:5432",
      drift_reasons: ["stuck in a loop: the same error 11 times: Error: connect ECONNREFUSED"],
      recommended_action: "Interrupt the agent: fix the cause\nthen retry",
    });
    expect(summaryText(s)).toEqual({
      activity: s.current_activity,
      prompt: null,
      driftReasons: s.drift_reasons,
      action: "Interrupt the agent: fix the cause\nthen retry",
    });
    expect(summaryText(summary("a", 1)).action).toBeNull();
  });

  it("leaves the action whole when nothing else repeats its text", () => {
    const text = summaryText(
      waiting(PROMPT, { current_activity: "Waiting", drift_reasons: ["needs a decision"] }),
    );
    expect(text.prompt).toBeNull();
    expect(text.action).toBe(`Approve or deny the agent's request: ${PROMPT}`);
    expect(text.driftReasons).toEqual(["needs a decision"]);
  });

  it("cleans every text, keeping the prompt's line breaks", () => {
    const noisy =
      "Bash command\r\n  rm -rf \u001b[1mnode_modules\u001b[0m\r\nDo you want to proceed?";
    const text = summaryText(
      waiting(noisy, {
        current_activity: `Waiting for permission:\u001b]52;c;ZXZpbA==\u0007 ${oneLine(noisy)}`,
        drift_reasons: [`waiting for permission: ${oneLine(noisy)}`, "\u001b[2Jsecond\nline\u0000"],
      }),
    );
    expect(text).toEqual({
      activity: "Waiting for permission",
      prompt: "Bash command\n  rm -rf node_modules\nDo you want to proceed?",
      driftReasons: ["second line"],
      action: "Approve or deny the agent's request",
    });
  });

  it("never changes the summary it reads", () => {
    const s = waiting(PROMPT);
    const before = JSON.stringify(s);
    summaryText(s);
    expect(JSON.stringify(s)).toBe(before);
  });
});
