import type { EvalCase } from "./eval-case.js";
import { EVAL_AGENT_KINDS } from "./eval-case.js";
import { EVAL_FORMS, type EvalForm } from "./forms.js";
import { type Confusion, type Metrics, type Ratio, headline } from "./metrics.js";
import type { CaseRun } from "./run-case.js";

/** One run of a case in one form, as the report shows it. */
export interface CaseResult {
  readonly case: EvalCase;
  /** The form it was run in. */
  readonly form: EvalForm;
  readonly run: CaseRun | null;
  /** Why the harness could not run it, if it could not. */
  readonly failure: string | null;
}

/** How many runs each form had, and the formats of the session files run. */
export interface FormsNote {
  readonly runs: Readonly<Record<EvalForm, number>>;
  /** Session files run alone, by format (`claude-transcript`, `codex-rollout`). */
  readonly transcript_formats: Readonly<Record<string, number>>;
}

/** What was run: runs per form, and the formats of the session files. */
export function formsNote(results: readonly Pick<CaseResult, "case" | "form">[]): FormsNote {
  const runs = Object.fromEntries(EVAL_FORMS.map((form) => [form, 0])) as Record<EvalForm, number>;
  const formats: Record<string, number> = {};
  for (const { case: c, form } of results) {
    runs[form] += 1;
    if (form === "transcript" && c.transcript !== null)
      formats[c.transcript.format] = (formats[c.transcript.format] ?? 0) + 1;
  }
  return { runs, transcript_formats: formats };
}

/** What the report needs of a run (an `EvalRun`). */
export interface ReportInput {
  readonly results: readonly CaseResult[];
  readonly metrics: Metrics;
  readonly by_form: Readonly<Record<EvalForm, Metrics | null>>;
  readonly forms: FormsNote;
}

function pct(r: Ratio | undefined, none = "n/a"): string {
  return r === undefined || r.value === null ? none : `${r.value.toFixed(2)} (${r.hits}/${r.of})`;
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

function caseLines(results: readonly CaseResult[]): string[] {
  const idWidth = Math.max(4, ...results.map((r) => r.case.id.length)) + 2;
  const lines = [
    pad("case", idWidth) +
      pad("kind", 13) +
      pad("expected", 34) +
      pad("got", 34) +
      pad("conf", 6) +
      "result",
  ];
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
    for (const note of run?.notes ?? []) lines.push(`  harness: ${note}`);
    for (const error of run?.errors ?? []) lines.push(`  monitor error: ${error}`);
  }
  return lines;
}

const FORM_TITLES: Readonly<Record<EvalForm, string>> = {
  terminal: "terminal log (the original layout)",
  transcript: "session file alone (found by the session sources)",
  joined: "pane joined with its session file",
};

function formHeader(form: EvalForm, forms: FormsNote): string {
  const formats = Object.entries(forms.transcript_formats)
    .map(([format, n]) => `${n} ${format}`)
    .join(", ");
  const detail = form === "transcript" && formats !== "" ? `: ${formats}` : "";
  return `== ${form}: ${FORM_TITLES[form]}, ${forms.runs[form]} runs${detail} ==`;
}

function figures(metrics: Metrics): string {
  return (
    `state ${pct(metrics.state_acc)}, status ${pct(metrics.status_acc)}, needs a person found ${pct(metrics.needs_human_recall)}, ` +
    `healthy flagged ${pct(metrics.false_alarm_rate)}, drifting/off-track found ${pct(metrics.drift_recall)}`
  );
}

/**
 * The text report: per form, one line per case; the confusion matrices over all runs; accuracy
 * per agent kind and form; calibration; each form's figures; and as its last lines each form's
 * headline and the headline over all runs.
 */
export function formatReport(input: ReportInput): string {
  const { results, metrics, by_form: byForm, forms } = input;
  const ran = EVAL_FORMS.filter((form) => byForm[form] !== null);
  const lines: string[] = [];
  for (const form of ran) {
    lines.push(formHeader(form, forms));
    lines.push(...caseLines(results.filter((result) => result.form === form)));
    lines.push("");
  }
  lines.push(...matrix("activity state, all runs", metrics.state_confusion));
  lines.push("");
  lines.push(...matrix("on-track status, all runs", metrics.status_confusion));
  for (const [title, key] of [
    ["state", "state_acc_by_kind"],
    ["status", "status_acc_by_kind"],
  ] as const) {
    lines.push("");
    lines.push(
      pad(`${title} accuracy per agent kind`, 32) +
        [...ran, "all runs"].map((form) => pad(form, 17)).join(""),
    );
    for (const kind of EVAL_AGENT_KINDS) {
      const cells = ran.map((form) => pad(pct(byForm[form]?.[key][kind], "-"), 17));
      lines.push(`  ${pad(kind, 30)}${cells.join("")}${pct(metrics[key][kind], "-")}`);
    }
  }
  lines.push("");
  lines.push("calibration, all runs (status right, by the confidence it was given with)");
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
  for (const form of ran) lines.push(`${pad(`${form}:`, 12)}${figures(byForm[form]!)}`);
  lines.push(`${pad("all runs:", 12)}${figures(metrics)}`);
  lines.push(
    `forms: ${ran.map((form) => `${forms.runs[form]} ${form}`).join(", ")} (${metrics.cases} runs); ` +
      `the last line is over all of them`,
  );
  for (const form of ran)
    lines.push(`form=${form} runs=${forms.runs[form]} ${headline(byForm[form]!)}`);
  lines.push(headline(metrics));
  return lines.join("\n");
}
