// Child process for the kill test: says "loaded", waits for "go", opens the store, says "ready",
// then updates its keys forever (1 to 3 concurrent updates at a time, offsets increasing per key,
// file_path of random length so the file's size keeps changing). After each update resolves it
// prints "ok <key> <offset>", so the parent knows what was durably acknowledged when it kills.
import { PositionTracker } from "@agentwatch/position-store";
import { position } from "./child-position.js";
import { waitForStdinLine } from "./stdin-lines.js";

const KEYS = ["writer-0", "writer-1", "writer:2", "writer-3"];
const [stateDir = ""] = process.argv.slice(2);
console.log("loaded");
await waitForStdinLine("go");
// A small journal, so that kills also land in rewrites of the state file (compactions).
const tracker = await PositionTracker.open(stateDir, { maxJournalBytes: 8192 });
const offsets = KEYS.map((key) => tracker.getPosition(key, "tmux_output")?.last_byte_offset ?? 0);
console.log("ready");
for (;;) {
  const count = 1 + Math.floor(Math.random() * 3);
  const chosen = [...KEYS.keys()].sort(() => Math.random() - 0.5).slice(0, count);
  await Promise.all(
    chosen.map(async (k) => {
      const offset = (offsets[k] ?? 0) + 1 + Math.floor(Math.random() * 1000);
      offsets[k] = offset;
      const filler = "f".repeat(Math.floor(Math.random() * 2000));
      await tracker.updatePosition(
        position(KEYS[k] ?? "", "tmux_output", offset, { file_path: `/logs/${filler}.log` }),
      );
      process.stdout.write(`ok ${k} ${offset}\n`);
    }),
  );
}
