/**
 * `pnpm bench` of the server: the WebSocket load test, the OTLP receiver benchmark, then the
 * wake-up latency benchmark, each in its own process, with the same flags (`--quick` …).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

for (const script of ["load.bench.ts", "otlp-receiver.bench.ts", "wake.bench.ts"]) {
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
