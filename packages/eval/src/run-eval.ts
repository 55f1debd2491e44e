import type { EvalCase } from "./eval-case.js";
import { type Metrics, type ScoredCase, computeMetrics } from "./metrics.js";
import { type CaseResult, type FormsNote, formsNote } from "./report.js";
import { runCase } from "./run-case.js";

/** Options of `runEval`. */
export interface RunEvalOptions {
  /** The run's seed (cuts); 1 by default. */
  readonly seed?: number | undefined;
  /** Called after each case, for progress. */
  readonly onCase?: ((result: CaseResult, index: number, total: number) => void) | undefined;
}

/** A whole run: each case's result, the figures, and which forms were not run. */
export interface EvalRun {
  readonly seed: number;
  readonly results: readonly CaseResult[];
  readonly metrics: Metrics;
  readonly forms: FormsNote;
}

/** A case result as the metrics take it; a case the harness could not run counts as wrong. */
export function scoreOf(result: CaseResult): ScoredCase {
  const { case: c, run } = result;
  return {
    id: c.id,
    kind: c.kind,
    expected: { state: c.truth.state, status: c.truth.status },
    got: {
      state: run?.state ?? null,
      status: run?.status ?? null,
      confidence: run?.confidence ?? null,
    },
  };
}

/**
 * Runs every case through the monitor (one after the other, see `runCase`) and scores them. A case
 * the harness cannot run is reported with its reason and counted wrong; the run goes on.
 *
 * @example
 * const run = await runEval(await loadCases());
 * console.log(headline(run.metrics));
 */
export async function runEval(
  cases: readonly EvalCase[],
  options: RunEvalOptions = {},
): Promise<EvalRun> {
  const seed = options.seed ?? 1;
  const results: CaseResult[] = [];
  for (const [index, evalCase] of cases.entries()) {
    let result: CaseResult;
    try {
      result = { case: evalCase, run: await runCase(evalCase, { seed }), failure: null };
    } catch (error) {
      result = { case: evalCase, run: null, failure: (error as Error).message };
    }
    results.push(result);
    options.onCase?.(result, index, cases.length);
  }
  return { seed, results, metrics: computeMetrics(results.map(scoreOf)), forms: formsNote(cases) };
}

/** A run as JSON for tools: per case truth, verdict, cuts and trajectory; the figures. */
export function runToJson(run: EvalRun, floorsMissed: readonly string[] | null): object {
  return {
    seed: run.seed,
    metrics: run.metrics,
    forms: run.forms,
    floors_missed: floorsMissed,
    cases: run.results.map(({ case: c, run: r, failure }) => ({
      id: c.id,
      kind: c.kind,
      tags: c.tags,
      task: c.task,
      expected: c.truth,
      got:
        r === null
          ? null
          : {
              state: r.state,
              status: r.status,
              confidence: r.confidence,
              activity: r.activity,
              reasons: r.reasons,
            },
      pass: r !== null && r.state === c.truth.state && r.status === c.truth.status,
      cuts: r?.cuts ?? null,
      trajectory: r?.trajectory ?? null,
      errors: r?.errors ?? [],
      failure,
    })),
  };
}
