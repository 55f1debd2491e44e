import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { DEFAULT_FLOORS, belowFloors } from "./floors.js";
import { EVAL_FORMS, type EvalForm } from "./forms.js";
import { DEFAULT_CASES_DIR, loadCases } from "./load-cases.js";
import { formatReport } from "./report.js";
import { runEval, runToJson } from "./run-eval.js";

/** Where the runner writes: stdout for the report, stderr for progress and problems. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `usage: pnpm eval [--json] [--floors] [--cases DIR] [--only ID,ID] [--forms F,F] [--seed N] [--progress]
  --json      one JSON document (per-run results, metrics, metrics per form) instead of the text report
  --floors    exit 1 when a figure is below its floor (status 0.85, needs-a-person 0.90,
              false alarms at most 0.10, drift 0.70)
  --cases     the directory of case directories (default: packages/eval/cases)
  --only      run only these case ids
  --forms     run only these forms: terminal, transcript, joined (default: every form a case has)
  --seed      the seed of the cuts (default 1)
  --progress  a line on stderr per case`;

/**
 * The `pnpm eval` command: runs the set, prints the report (its last line the headline figures)
 * or `--json`, and with `--floors` fails below the floors. Resolves to the exit code: 0, 1 below
 * a floor, 2 for bad arguments or an unusable set.
 */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        json: { type: "boolean", default: false },
        floors: { type: "boolean", default: false },
        cases: { type: "string" },
        only: { type: "string" },
        forms: { type: "string" },
        seed: { type: "string" },
        progress: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isSafeInteger(seed))
      throw new UsageError(`invalid --seed ${values.seed}: expected a whole number`);
    const only = values.only
      ?.split(",")
      .map((id) => id.trim())
      .filter(Boolean);
    const forms = values.forms
      ?.split(",")
      .map((form) => form.trim())
      .filter(Boolean);
    const unknown = forms?.filter((form) => !(EVAL_FORMS as readonly string[]).includes(form));
    if (unknown !== undefined && unknown.length > 0)
      throw new UsageError(
        `invalid --forms ${unknown.join(",")}: expected some of ${EVAL_FORMS.join(", ")}`,
      );
    const cases = await loadCases(values.cases ?? DEFAULT_CASES_DIR, { only });
    if (cases.length === 0) throw new UsageError("no cases to run");
    const run = await runEval(cases, {
      seed,
      forms: forms as EvalForm[] | undefined,
      onCase: values.progress
        ? (result, index, total) =>
            io.err(
              `[${index + 1}/${total}] ${result.case.id} ${result.form}${result.failure === null ? "" : " (failed)"}\n`,
            )
        : undefined,
    });
    const missed = values.floors ? belowFloors(run.metrics, DEFAULT_FLOORS) : null;
    if (values.json) io.out(`${JSON.stringify(runToJson(run, missed), null, 2)}\n`);
    else io.out(`${formatReport(run)}\n`);
    if (missed !== null && missed.length > 0) {
      for (const miss of missed) io.err(`eval: ${miss}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`eval: ${(error as Error).message}\n`);
    return 2;
  }
}
