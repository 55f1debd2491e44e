// Child process: opens the store, lowers its own file size limit (RLIMIT_FSIZE) with prlimit, then
// tries an update too big for it. Prints one JSON line describing what happened.
import { execFileSync } from "node:child_process";
import { PositionTracker } from "@agentwatch/position-store";
import { position } from "./child-position.js";

const [stateDir = "", limitBytes = "4096"] = process.argv.slice(2);
const tracker = await PositionTracker.open(stateDir);
// Exceeding the limit raises SIGXFSZ, which kills by default; handled, the write fails with EFBIG.
process.on("SIGXFSZ", () => {});
execFileSync("prlimit", ["--pid", String(process.pid), `--fsize=${limitBytes}`]);
const big = position("big", "tmux_output", 1, {
  file_path: `/${"x".repeat(3 * Number(limitBytes))}`,
});
let outcome: Record<string, unknown>;
try {
  await tracker.updatePosition(big);
  outcome = { ok: true };
} catch (error) {
  const e = error as Error & { code?: string; systemCode?: string; path?: string };
  outcome = {
    ok: false,
    name: e.name,
    code: e.code,
    systemCode: e.systemCode,
    path: e.path,
    message: e.message,
  };
}
outcome.bigVisible = tracker.getPosition("big", "tmux_output") !== undefined;
outcome.smallVisible = tracker.getPosition("small", "tmux_output") !== undefined;
outcome.stats = tracker.stats;
await tracker.close();
console.log(JSON.stringify(outcome));
