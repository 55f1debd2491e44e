// Collects every package's .bench/results.json (written by @agentwatch/bench-kit) into one table.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchRow, formatTable } from "../packages/bench-kit/src/results.ts";

const rows: (BenchRow & { suite: string })[] = [];
for (const group of ["packages", "apps"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group).sort()) {
    const file = join(group, name, ".bench", "results.json");
    if (!existsSync(file)) continue;
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { suite: string; rows: BenchRow[] };
    for (const row of parsed.rows) rows.push({ ...row, suite: parsed.suite });
  }
}
if (rows.length === 0) {
  console.error("no benchmark results found (.bench/results.json): did any bench script run?");
  process.exit(1);
}
console.log(`\n${formatTable(rows)}`);
const missed = rows.filter((row) => row.pass === false).length;
console.log(`\n${rows.length} figures, ${missed} targets missed`);
