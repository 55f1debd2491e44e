// Child process: takes the state file's lock with proper-lockfile, exactly as a writer does, says
// "locked" and keeps it (refreshing it) until it is killed. The lock is stale after `staleMs`
// without a refresh (2000 by default); proper-lockfile refreshes it every staleMs / 2.
import { join } from "node:path";
import { lock } from "proper-lockfile";

const [stateDir = "", staleMs = "2000"] = process.argv.slice(2);
const file = join(stateDir, "monitor_positions.json");
await lock(file, { lockfilePath: `${file}.lock`, realpath: false, stale: Number(staleMs) });
console.log("locked");
setInterval(() => {}, 1000);
