import type { EvalCase } from "./eval-case.js";
import { EVAL_FORMS, type EvalForm, formsOf } from "./forms.js";
import { type Metrics, type ScoredCase, computeMetrics } from "./metrics.js";
import { type CaseResult, type FormsNote, formsNote } from "./report.js";
import { runCase } from "./run-case.js";

/** Options of `runEval`. */
export interface RunEvalOptions {
  /** The run's seed (cuts); 1 by default. */
  readonly seed?: number | undefined;
  /** Only these forms (all a case has by default). */
  readonly forms?: readonly EvalForm[] | undefined;
  /** Called after each run of a case in a form, for progress. */
  readonly onCase?: ((result: CaseResult, index: number, total: number) => void) | undefined;
}

/**
 * A whole run: each case's result in each form, the figures over all runs together, the figures
 * of each form, and how many runs each form had.
 */
export interface EvalRun {
  readonly seed: number;
  /** Per case, its forms in `EVAL_FORMS` order. */
  readonly results: readonly CaseResult[];
  /** Over every run of every form: what the headline shows. */
  readonly metrics: Metrics;
  /** Per form; null for a form with no run. */
  readonly by_form: Readonly<Record<EvalForm, Metrics | null>>;
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
 * Runs every case through the monitor in each of its forms (one after the other, see `runCase`)
 * and scores them. A run the harness cannot make is reported with its reason and counted wrong;
 * the run goes on.
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
  const wanted = new Set(options.forms ?? EVAL_FORMS);
  const plan = cases.flatMap((evalCase) =>
    formsOf(evalCase)
      .filter((form) => wanted.has(form))
      .map((form) => ({ evalCase, form })),
  );
  const results: CaseResult[] = [];
  for (const [index, { evalCase, form }] of plan.entries()) {
    let result: CaseResult;
    try {
      result = {
        case: evalCase,
        form,
        run: await runCase(evalCase, { seed, form }),
        failure: null,
      };
    } catch (error) {
      result = { case: evalCase, form, run: null, failure: (error as Error).message };
    }
    results.push(result);
    options.onCase?.(result, index, plan.length);
  }
  const by_form = Object.fromEntries(
    EVAL_FORMS.map((form) => {
      const of = results.filter((result) => result.form === form);
      return [form, of.length === 0 ? null : computeMetrics(of.map(scoreOf))];
    }),
  ) as Record<EvalForm, Metrics | null>;
  return {
    seed,
    results,
    metrics: computeMetrics(results.map(scoreOf)),
    by_form,
    forms: formsNote(results),
  };
}

/** A run as JSON for tools: per run the case, form, truth, verdict, cuts and trajectory; the figures. */
export function runToJson(run: EvalRun, floorsMissed: readonly string[] | null): object {
  return {
    seed: run.seed,
    metrics: run.metrics,
    metrics_by_form: run.by_form,
    forms: run.forms,
    floors_missed: floorsMissed,
    cases: run.results.map(({ case: c, form, run: r, failure }) => ({
      id: c.id,
      form,
      kind: c.kind,
      tags: c.tags,
      task: c.task,
      expected: c.truth,
      got:
        r === null
          ? null
          : {
              instance_id: r.instance_id,
              state: r.state,
              status: r.status,
              confidence: r.confidence,
              activity: r.activity,
              reasons: r.reasons,
            },
      pass: r !== null && r.state === c.truth.state && r.status === c.truth.status,
      cuts: r?.cuts ?? null,
      session_cuts: r?.session_cuts ?? null,
      trajectory: r?.trajectory ?? null,
      errors: r?.errors ?? [],
      notes: r?.notes ?? [],
      failure,
    })),
  };
}
