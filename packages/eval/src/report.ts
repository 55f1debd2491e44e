import type { EvalCase } from "./eval-case.js";
import { EVAL_AGENT_KINDS } from "./eval-case.js";
import { type Confusion, type Metrics, type Ratio, headline } from "./metrics.js";
import type { CaseRun } from "./run-case.js";

/** One case's outcome as the report shows it. */
export interface CaseResult {
  readonly case: EvalCase;
  readonly run: CaseRun | null;
  /** Why the harness could not run it, if it could not. */
  readonly failure: string | null;
}

/** What was run and what was not: the forms of the cases the monitor cannot read yet. */
export interface FormsNote {
  readonly terminal_run: number;
  readonly transcripts_not_run: Readonly<Record<string, number>>;
}

/** The forms of the cases: every terminal log is run; transcripts are kept but not run. */
export function formsNote(cases: readonly EvalCase[]): FormsNote {
  const notRun: Record<string, number> = {};
  for (const c of cases) {
    if (c.transcript !== null) notRun[c.transcript.format] = (notRun[c.transcript.format] ?? 0) + 1;
  }
  return { terminal_run: cases.length, transcripts_not_run: notRun };
}

function pct(r: Ratio): string {
  return r.value === null ? "n/a" : `${r.value.toFixed(2)} (${r.hits}/${r.of})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function matrix(title: string, confusion: Confusion): string[] {
  const rows = Object.keys(confusion.counts);
  const used = confusion.labels.filter((label) =>
    rows.some((row) => (confusion.counts[row]?.[label] ?? 0) > 0),
  );
  const shown = rows.filter((row) => Object.values(confusion.counts[row] ?? {}).some((n) => n > 0));
  const first = Math.max(10, ...shown.map((row) => row.length)) + 2;
  const widths = used.map((label) => Math.max(4, label.length) + 2);
  const lines = [
    `${title} (rows: truth, columns: monitor)`,
    pad("", first) + used.map((label, i) => pad(label, widths[i] ?? 6)).join(""),
  ];
  for (const row of shown) {
    lines.push(
      pad(row, first) +
        used
          .map((label, i) => pad(String(confusion.counts[row]?.[label] ?? 0), widths[i] ?? 6))
          .join(""),
    );
  }
  return lines;
}

/**
 * The text report: one line per case, the confusion matrices, accuracy per agent kind,
 * calibration, which forms were not run, and as its last line the headline figures.
 */
export function formatReport(
  results: readonly CaseResult[],
  metrics: Metrics,
  forms: FormsNote,
): string {
  const lines: string[] = [];
  const idWidth = Math.max(4, ...results.map((r) => r.case.id.length)) + 2;
  lines.push(
    pad("case", idWidth) +
      pad("kind", 13) +
      pad("expected", 34) +
      pad("got", 34) +
      pad("conf", 6) +
      "result",
  );
  for (const { case: c, run, failure } of results) {
    const expected = `${c.truth.state}/${c.truth.status}`;
    const got =
      run === null ? "(harness failed)" : `${run.state ?? "none"}/${run.status ?? "none"}`;
    const stateOk = run?.state === c.truth.state;
    const statusOk = run?.status === c.truth.status;
    const verdict =
      stateOk && statusOk ? "pass" : `FAIL${stateOk ? "" : " state"}${statusOk ? "" : " status"}`;
    const conf = run?.confidence == null ? "-" : run.confidence.toFixed(2);
    lines.push(
      pad(c.id, idWidth) +
        pad(c.kind, 13) +
        pad(expected, 34) +
        pad(got, 34) +
        pad(conf, 6) +
        verdict,
    );
    if (failure !== null) lines.push(`  harness: ${failure}`);
    for (const error of run?.errors ?? []) lines.push(`  monitor error: ${error}`);
  }
  lines.push("");
  lines.push(...matrix("activity state", metrics.state_confusion));
  lines.push("");
  lines.push(...matrix("on-track status", metrics.status_confusion));
  lines.push("");
  lines.push("accuracy per agent kind        state            status");
  for (const kind of EVAL_AGENT_KINDS) {
    lines.push(
      `  ${pad(kind, 28)}${pad(pct(metrics.state_acc_by_kind[kind]), 17)}${pct(metrics.status_acc_by_kind[kind])}`,
    );
  }
  lines.push("");
  lines.push("calibration (status right, by the confidence it was given with)");
  for (const bucket of metrics.calibration) {
    const range = `${bucket.from.toFixed(1)}–${bucket.to.toFixed(1)}`;
    lines.push(
      `  ${range}  ${pad(`${bucket.verdicts} verdicts`, 13)}` +
        (bucket.accuracy === null
          ? "-"
          : `right ${bucket.accuracy.toFixed(2)} (mean confidence ${(bucket.mean_confidence ?? 0).toFixed(2)})`),
    );
  }
  lines.push("");
  lines.push(
    `state ${pct(metrics.state_acc)}, status ${pct(metrics.status_acc)}, needs a person found ${pct(metrics.needs_human_recall)}, ` +
      `healthy flagged ${pct(metrics.false_alarm_rate)}, drifting/off-track found ${pct(metrics.drift_recall)}`,
  );
  const notRun = Object.entries(forms.transcripts_not_run)
    .map(([format, n]) => `${n} ${format}`)
    .join(", ");
  lines.push(
    `forms: ${forms.terminal_run} terminal logs run; ` +
      (notRun === ""
        ? "no transcript forms in this set"
        : `not run: ${notRun} (the monitor does not read transcripts yet)`),
  );
  lines.push(headline(metrics));
  return lines.join("\n");
}
