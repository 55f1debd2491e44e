// Child process: opens the store, says "loaded", waits for "go" on stdin, then makes `count`
// sequential updates (each awaited) round-robin over its own `keys` keys, `<name>-<j>:tmux_output`,
// update i writing offset i + 1. Prints "done <count>" at the end.
import { PositionTracker } from "@agentwatch/position-store";
import { position } from "./child-position.js";
import { waitForStdinLine } from "./stdin-lines.js";

const [stateDir = "", name = "child", count = "200", keys = "4"] = process.argv.slice(2);
const tracker = await PositionTracker.open(stateDir);
console.log("loaded");
await waitForStdinLine("go");
for (let i = 0; i < Number(count); i++) {
  await tracker.updatePosition(position(`${name}-${i % Number(keys)}`, "tmux_output", i + 1));
}
await tracker.close();
console.log(`done ${count} writes=${tracker.stats.writes}`);
