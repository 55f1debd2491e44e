import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import { DEFAULT_FLOORS, type Floors, belowFloors } from "./floors.js";
import { EVAL_FORMS, type EvalForm } from "./forms.js";
import { DEFAULT_CASES_DIR, loadCases } from "./load-cases.js";
import { formatReport } from "./report.js";
import { runEval, runToJson } from "./run-eval.js";

/** Where the runner writes: stdout for the report, stderr for progress and problems. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `usage: pnpm eval [--json] [--floors] [--floor NAME=VALUE]… [--cases DIR] [--only ID,ID] [--forms F,F] [--seed N] [--progress]
  --json      one JSON document (per-run results, metrics, metrics per form) instead of the text report
  --floors    exit 1 when a figure is below its floor (status 0.85, needs-a-person 0.90,
              false alarms at most 0.10, drift 0.70)
  --floor     hold a figure to another value (status_acc, needs_human_recall, drift_recall: at
              least; false_alarm_rate: at most); implies --floors for every figure named
  --cases     the directory of case directories (default: packages/eval/cases)
  --only      run only these case ids
  --forms     run only these forms: terminal, transcript, joined (default: every form a case has)
  --seed      the seed of the cuts (default 1)
  --progress  a line on stderr per case`;

const FLOOR_NAMES = [
  "status_acc",
  "needs_human_recall",
  "false_alarm_rate",
  "drift_recall",
] as const;
type FloorName = (typeof FLOOR_NAMES)[number];

/** `NAME=VALUE` of `--floor`, checked. */
function parseFloor(text: string): [FloorName, number] {
  const [name, raw] = text.split("=", 2);
  const value = Number(raw);
  if (!(FLOOR_NAMES as readonly string[]).includes(name ?? "") || raw === undefined || raw === "") {
    throw new UsageError(
      `invalid --floor ${text}: expected NAME=VALUE with NAME one of ${FLOOR_NAMES.join(", ")}`,
    );
  }
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`invalid --floor ${text}: expected a value from 0 to 1`);
  }
  return [name as FloorName, value];
}

/**
 * The floors to hold a run to: the (with `--floors`) or none, with those given by
 * `--floor` replacing them; a figure with no floor is held to nothing.
 */
function floorsFrom(base: Floors | null, given: readonly [FloorName, number][]): Floors {
  const floors: Record<FloorName, number> = {
    status_acc: base?.status_acc ?? 0,
    needs_human_recall: base?.needs_human_recall ?? 0,
    false_alarm_rate: base?.false_alarm_rate ?? 1,
    drift_recall: base?.drift_recall ?? 0,
  };
  for (const [name, value] of given) floors[name] = value;
  return floors;
}

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
        floor: { type: "string", multiple: true },
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
    const given = (values.floor ?? []).map(parseFloor);
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
    const missed =
      values.floors || given.length > 0
        ? belowFloors(run.metrics, floorsFrom(values.floors ? DEFAULT_FLOORS : null, given))
        : null;
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
