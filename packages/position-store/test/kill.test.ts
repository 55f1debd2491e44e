import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type NodeChild, scaled } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { PositionTracker, STATE_FILE_NAME } from "../src/index.js";
import { parseStateText } from "../src/state-format.js";
import { readStateJson, recordingLogger, startChild, tempDir } from "./helpers.js";

const KILLS = 50;
const KEYS = ["writer-0", "writer-1", "writer:2", "writer-3"];
/** Children started ahead of time (they load, then wait for "go"), so startup overlaps the runs. */
const WARM = 2;
/** Each writer is killed once it has acknowledged a random number of updates, up to this many. */
const MAX_ACKS = 24;

const started: NodeChild[] = [];
function startWarm(dir: string): NodeChild {
  const child = startChild("kill-loop.ts", [dir]);
  started.push(child);
  return child;
}

describe("SIGKILL at random moments", () => {
  it(
    `a writer killed ${KILLS} times leaves a valid file holding every acknowledged update`,
    { timeout: scaled(120_000) },
    async () => {
      const dir = await tempDir();
      const file = join(dir, STATE_FILE_NAME);
      const acknowledged = new Map<string, number>(); // key -> highest offset whose update resolved
      const pool = Array.from({ length: WARM }, () => startWarm(dir));
      let totalAcks = 0;
      let awaitedAcks = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const child = pool.shift() as NodeChild;
        pool.push(startWarm(dir));
        await child.waitForLine((line) => line === "loaded", { what: `writer ${kill} to load` });
        child.child.stdin?.write("go\n");
        await child.waitForLine((line) => line === "ready", { what: `writer ${kill} to open` });
        // The moment of the kill is random: after 0 to MAX_ACKS acknowledged updates, while the
        // writer goes on with its next ones (a journal append, a compaction, a lock handover).
        const acks = Math.floor(Math.random() * (MAX_ACKS + 1));
        if (acks > 0) {
          const what = `writer ${kill} to acknowledge ${acks} updates`;
          await child.waitForLine((line) => line.startsWith("ok "), { what, nth: acks });
        }
        awaitedAcks += acks;
        const { signal } = await child.stop("SIGKILL");
        expect(signal, child.stderr()).toBe("SIGKILL");

        for (const line of child.lines) {
          const match = /^ok (\d) (\d+)$/.exec(line);
          if (match === null) continue;
          totalAcks++;
          const key = `${KEYS[Number(match[1])]}:tmux_output`;
          acknowledged.set(key, Math.max(acknowledged.get(key) ?? 0, Number(match[2])));
        }
        const text = await readFile(file, "utf8").catch(() => "{}");
        const parsed = parseStateText(text);
        expect(parsed.ok, `kill ${kill}: ${text.slice(0, 200)}`).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.problems).toEqual([]);
        // The durable state: the state file with its journal's complete records applied.
        const durable = await readStateJson(dir);
        for (const [key, offset] of acknowledged) {
          expect(
            durable[key]?.last_byte_offset ?? -1,
            `kill ${kill}, ${key}`,
          ).toBeGreaterThanOrEqual(offset);
        }
        expect((await readdir(dir)).filter((name) => name.includes(".corrupt-"))).toEqual([]);
        // The killed writer is dead: clear a lock it may have held instead of waiting lockStaleMs
        // for the takeover (that takeover has its own test in multi-process.test.ts).
        await rm(`${file}.lock`, { recursive: true, force: true });
      }
      // No writer may be alive while the sweep below is checked.
      await Promise.all(pool.map((warm) => warm.stop("SIGKILL")));
      // Every kill came after the acknowledgements it waited for (and perhaps more).
      expect(totalAcks).toBeGreaterThanOrEqual(awaitedAcks);

      const { logger, warnings } = recordingLogger();
      const tracker = await PositionTracker.open(dir, { logger });
      for (const [key, offset] of acknowledged) {
        const [instanceId = "", logType = ""] = [key.slice(0, key.lastIndexOf(":")), "tmux_output"];
        expect(tracker.getPosition(instanceId, logType)?.last_byte_offset).toBeGreaterThanOrEqual(
          offset,
        );
      }
      await tracker.clearAllPositions(); // a write under the lock sweeps the killed writers' temp files
      expect(warnings()).toEqual([]);
      // The pids in a temp file's name tell who left it, should this ever fail.
      const pids = `this process ${process.pid}, children ${started.map((c) => c.child.pid).join(" ")}`;
      expect(
        (await readdir(dir)).filter((name) => name.endsWith(".tmp")),
        pids,
      ).toEqual([]);
      await tracker.close();
    },
  );
});
