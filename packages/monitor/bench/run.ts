/**
 * `pnpm bench` of the monitor: the cycle benchmark, then the cost of watching idle logs, then the
 * hook latency, each in its own process, with the same flags (`--quick` …). The later ones add
 * their rows to the first one's results.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

for (const script of ["monitor.bench.ts", "watch-cost.bench.ts", "hook.bench.ts"]) {
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      fileURLToPath(new URL(script, import.meta.url)),
      ...process.argv.slice(2),
    ],
    { stdio: "inherit" },
  );
  if (run.status !== 0) process.exit(run.status ?? 1);
}
