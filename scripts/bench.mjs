// `pnpm bench [--quick]`: runs every package's benchmark script, one at a time (figures of one
// must not be disturbed by another), passing the flags on, then prints all figures in one table.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
const env = { TURBO_TELEMETRY_DISABLED: "1", ...process.env };
const turbo = spawnSync("turbo", ["run", "bench", "--concurrency=1", "--", ...args], {
  stdio: "inherit",
  env,
});
if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message}; run pnpm install first`);
const summary = spawnSync("tsx", ["scripts/bench-summary.ts"], { stdio: "inherit", env });
process.exit(turbo.status !== 0 ? (turbo.status ?? 1) : (summary.status ?? 1));
