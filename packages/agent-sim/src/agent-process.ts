import {
  closeSync,
  copyFileSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { SCENARIOS, type Scenario } from "./scenarios.js";
import { simulateAgent } from "./simulate.js";

// A simulated agent as a process: opens (creates) its log, prints {"ready":true} on stdout, then
// writes its scenario's output into the log the way `tmux pipe-pane` would, optionally rotating it
// once, and on SIGTERM (or when its stdin closes: the parent is gone) prints
// {"writes":N,"bytes":M} on stdout and exits 0, so the parent can rebuild exactly what was written.

const { values } = parseArgs({
  options: {
    log: { type: "string" },
    seed: { type: "string", default: "1" },
    scenario: { type: "string", default: "implement-feature" },
    "pause-scale": { type: "string", default: "1" },
    "rotate-after": { type: "string" },
    "rotate-mode": { type: "string", default: "rename" },
  },
});

function fail(message: string): never {
  process.stderr.write(`agent-sim: ${message}\n`);
  process.exit(2);
}

const logPath = values.log ?? fail("--log <path> is required");
const scenario = values.scenario as Scenario;
if (!SCENARIOS.includes(scenario))
  fail(`unknown --scenario ${values.scenario}; one of ${SCENARIOS.join(", ")}`);
const rotateAfter =
  values["rotate-after"] === undefined ? undefined : Number(values["rotate-after"]);
const rotateMode = values["rotate-mode"];
if (rotateMode !== "rename" && rotateMode !== "copytruncate")
  fail("--rotate-mode is rename or copytruncate");

mkdirSync(dirname(logPath), { recursive: true });
let fd = openSync(logPath, "a");
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
let writes = 0;
let bytes = 0;
let stopping = false;
let wake: (() => void) | undefined;

function rotate(): void {
  if (rotateMode === "rename") {
    renameSync(logPath, `${logPath}.1`);
    closeSync(fd);
    fd = openSync(logPath, "a");
  } else {
    copyFileSync(logPath, `${logPath}.1`);
    ftruncateSync(fd, 0);
  }
}

function stop(): void {
  stopping = true;
  wake?.();
}
process.on("SIGTERM", stop);
// When stdin is a pipe from the parent (startAgent makes it one) it is never written: its end means
// the parent is gone, however it went (even SIGKILL), and this agent must not outlive it.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) process.stdin.on("end", stop).on("error", stop).resume();
process.stdout.on("error", () => {}); // the parent may be gone when the final report is written

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

for (const write of simulateAgent({
  seed: Number(values.seed),
  scenario,
  pauseScale: Number(values["pause-scale"]),
})) {
  if (stopping) break;
  writeSync(fd, write.bytes);
  writes++;
  bytes += write.bytes.length;
  if (rotateAfter !== undefined && writes === rotateAfter) rotate();
  await sleep(write.pauseMs);
}
closeSync(fd);
process.stdout.write(`${JSON.stringify({ writes, bytes })}\n`);
process.stdin.destroy(); // it no longer needs to hear of its parent, and must not stay alive for it
