// Child process helper: reads one log with a fresh reader over an in-memory store seeded with the
// given position, and prints {result, lastLines, position} as JSON. Run by errors.test.ts as
// another user; compiled by test/global-setup.ts, it runs this package's built code.
import { InMemoryPositionStore, type LogPosition } from "@agentwatch/models";
import { IncrementalLogReader } from "@agentwatch/log-reader";

const [path, positionJson] = process.argv.slice(2);
const store = new InMemoryPositionStore();
const seeded = JSON.parse(positionJson ?? "null") as LogPosition | null;
if (seeded !== null) await store.updatePosition(seeded);
const reader = new IncrementalLogReader({ positionTracker: store });
const result = await reader.readNewContent("i", path ?? "");
const lastLines = await reader.readLastNLines(path ?? "", 5);
process.stdout.write(
  JSON.stringify({ result, lastLines, position: store.getPosition("i", "tmux_output") ?? null }),
);
