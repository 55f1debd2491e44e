import type { CaseMeta } from "./eval-case.js";

/**
 * The forms a case is run in: `terminal` (its terminal log as the orchestrator's layout gives it),
 * `transcript` (its session file alone, found by the session sources in a fake home) and `joined`
 * (the terminal log as a tmux pane joined with the session file, one agent with two streams).
 */
export const EVAL_FORMS = ["terminal", "transcript", "joined"] as const;

/** One of the forms a case is run in. */
export type EvalForm = (typeof EVAL_FORMS)[number];

/** The forms `c` can be run in: the terminal always; the other two when it has a transcript. */
export function formsOf(c: Pick<CaseMeta, "transcript">): EvalForm[] {
  return c.transcript === null ? ["terminal"] : [...EVAL_FORMS];
}
