import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One figure of a benchmark, as `pnpm bench` prints it. */
export interface BenchRow {
  /** What was measured, such as `sequential updatePosition`. */
  readonly name: string;
  /** The figure (a median where runs were repeated). */
  readonly value: number;
  /** Its unit, such as `ops/s`, `ms`, `lines/s`, `x baseline`. */
  readonly unit: string;
  /** The target, in words, such as `>= 0.5x baseline`. */
  readonly target?: string | undefined;
  /** Whether the target was met (undefined when there is none). */
  readonly pass?: boolean | undefined;
  /** Anything a reader needs to interpret the figure. */
  readonly note?: string | undefined;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** Renders rows as an aligned plain-text table. */
export function formatTable(rows: readonly (BenchRow & { suite?: string })[]): string {
  const cells = rows.map((row) => [
    row.suite ?? "",
    row.name,
    `${formatValue(row.value)} ${row.unit}`,
    row.target ?? "",
    row.pass === undefined ? "" : row.pass ? "ok" : "MISSED",
    row.note ?? "",
  ]);
  const header = ["suite", "figure", "value", "target", "", "note"];
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Prints the rows and writes them to `<packageDir>/.bench/results.json`, where the root
 * `pnpm bench` collects every package's figures into one table.
 */
export function writeBenchResults(
  packageDir: string,
  suite: string,
  rows: readonly BenchRow[],
): void {
  const dir = join(packageDir, ".bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "results.json"),
    `${JSON.stringify({ suite, node: process.version, date: new Date().toISOString(), rows }, null, 2)}\n`,
  );
  console.log(formatTable(rows.map((row) => ({ ...row, suite }))));
}
