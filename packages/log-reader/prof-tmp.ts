import { rm } from "node:fs/promises";
import { PositionTracker } from "@agentwatch/position-store";
import { IncrementalLogReader } from "./src/index.js";
const path = "/tmp/mb/big.bin";
for (let k = 0; k < 5; k++) {
  await rm("/tmp/mb/state", { recursive: true, force: true });
  const tracker = await PositionTracker.open("/tmp/mb/state");
  const reader = new IncrementalLogReader({ positionTracker: tracker, maxLinesPerRead: 10000 });
  let count = 0; const s = performance.now();
  for (;;) { const r = await reader.readNewContent("b", path); count += r.lines.length; if (r.lines.length === 0 && !r.hasMore) break; }
  const ms = performance.now() - s; console.log((count / ms / 1000).toFixed(2), "M lines/s");
  await tracker.close();
}
