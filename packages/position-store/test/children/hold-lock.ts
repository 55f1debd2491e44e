// Child process: takes the state file's lock with proper-lockfile, exactly as a writer does, says
// "locked" and keeps it (refreshing it) until it is killed.
import { join } from "node:path";
import { lock } from "proper-lockfile";

const [stateDir = ""] = process.argv.slice(2);
const file = join(stateDir, "monitor_positions.json");
await lock(file, { lockfilePath: `${file}.lock`, realpath: false, stale: 2000 });
console.log("locked");
setInterval(() => {}, 1000);
