import type { ActivityAnalysisLike, ActivityAnalyzer, ActivityState } from "../../src/index.js";

/** A scripted analysis: `[state:<state>]` in a line sets the state; other output means working. */
export interface FakeAnalysis extends ActivityAnalysisLike {
  readonly lines: number;
}

/** Every call of `fakeAnalyze`: the number of lines it was given. */
export const analyzeCalls: number[] = [];

export const fakeAnalyze: ActivityAnalyzer = (lines, { previous }) => {
  analyzeCalls.push(lines.length);
  let state: ActivityState | undefined;
  for (const line of lines) {
    const match = /\[state:(\w+)\]/.exec(line);
    if (match !== null) state = match[1] as ActivityState;
  }
  if (state === undefined && lines.length > 0) state = "working";
  state ??= previous?.state ?? "unknown";
  return { state, lines: lines.length } satisfies FakeAnalysis;
};
