import { stat } from "node:fs/promises";
import { join } from "node:path";
import { scaled, waitFor } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { PositionLockError, PositionTracker, STATE_FILE_NAME } from "../src/index.js";
import { lockReleased, position, readStateJson, startChild, tempDir } from "./helpers.js";

const CHILDREN = 4;
const UPDATES = 200;
const KEYS = 4;

describe("several processes sharing one state dir", () => {
  it(
    `${CHILDREN} processes making ${UPDATES} updates each at the same time lose none of them`,
    { timeout: scaled(60_000) },
    async () => {
      const dir = await tempDir();
      const setup = await PositionTracker.open(dir);
      await setup.updatePosition(position("pre-existing"));
      const children = Array.from({ length: CHILDREN }, (_, n) =>
        startChild("update-loop.ts", [dir, `proc${n}`, String(UPDATES), String(KEYS)]),
      );
      await Promise.all(
        children.map((child, n) =>
          child.waitForLine((line) => line === "loaded", { what: `child ${n} to open the store` }),
        ),
      );
      // All four have loaded and opened the store: start them together.
      for (const child of children) child.child.stdin?.write("go\n");
      await Promise.all(
        children.map((child, n) =>
          child.waitForLine((line) => line.startsWith("done "), {
            what: `child ${n} to make its ${UPDATES} updates`,
            timeoutMs: 45_000,
          }),
        ),
      );
      const exits = await Promise.all(children.map((child) => child.exited));
      exits.forEach(({ code }, n) => expect(code, children[n]?.stderr()).toBe(0));

      const onDisk = await readStateJson(dir);
      expect(Object.keys(onDisk)).toHaveLength(CHILDREN * KEYS + 1);
      expect(onDisk["pre-existing:tmux_output"]).toEqual(position("pre-existing"));
      for (let n = 0; n < CHILDREN; n++) {
        for (let j = 0; j < KEYS; j++) {
          const lastUpdate = UPDATES - KEYS + j; // the last i with i % KEYS === j
          expect(onDisk[`proc${n}-${j}:tmux_output`]?.last_byte_offset).toBe(lastUpdate + 1);
        }
      }
      await setup.refresh();
      expect(setup.getAllPositions()).toHaveLength(CHILDREN * KEYS + 1);
      await setup.close();
    },
  );

  it("two trackers on one dir keep each other's positions and removals", async () => {
    const dir = await tempDir();
    const a = await PositionTracker.open(dir);
    const b = await PositionTracker.open(dir);
    await a.updatePosition(position("from-a"));
    await b.updatePosition(position("from-b"));
    await a.updatePosition(position("from-a", "tmux_output", { last_byte_offset: 2 }));
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "from-a:tmux_output",
      "from-b:tmux_output",
    ]);
    expect(a.getPosition("from-b", "tmux_output")).toEqual(position("from-b")); // merged in by a's write
    await expect(b.removePosition("from-b", "tmux_output")).resolves.toBe(true);
    await a.updatePositions([
      position("from-a", "tmux_output", { last_byte_offset: 3 }),
      position("more-a"),
    ]);
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "from-a:tmux_output",
      "more-a:tmux_output",
    ]);
    await Promise.all([a.close(), b.close()]);
  });

  it("a tracker writing without pause keeps the lock between writes, yet lets another one in", async () => {
    const dir = await tempDir();
    const busy = await PositionTracker.open(dir);
    const other = await PositionTracker.open(dir, { lockTimeoutMs: scaled(5000) });
    let writing = true;
    let writes = 0;
    const loop = (async () => {
      while (writing)
        await busy.updatePosition(position("busy", "tmux_output", { last_byte_offset: ++writes }));
    })();
    await waitFor(() => busy.stats.writes >= 2, { what: "the busy tracker to write" });
    // The busy tracker releases the kept lock after at most a second, then pauses for waiters.
    await other.updatePosition(position("other"));
    writing = false;
    await loop;
    expect(busy.stats.writes).toBe(writes);
    const state = await readStateJson(dir);
    expect(state["busy:tmux_output"]?.last_byte_offset).toBe(writes);
    expect(state["other:tmux_output"]).toEqual(position("other"));
    await Promise.all([busy.close(), other.close()]);
  });

  it("a lock left by a killed process blocks only until lockStaleMs, then is taken over", async () => {
    const dir = await tempDir();
    // The holder refreshes its lock every staleMs / 2: on a loaded machine that refresh may come
    // late, so the staleness is scaled like every other deadline.
    const lockStaleMs = scaled(2000);
    const tracker = await PositionTracker.open(dir, { lockStaleMs, lockTimeoutMs: 500 });
    const holder = startChild("hold-lock.ts", [dir, String(lockStaleMs)]);
    await holder.waitForLine((line) => line === "locked", { what: "the holder to take the lock" });
    // While the holder lives, the lock is respected.
    await expect(tracker.updatePosition(position("early"))).rejects.toThrow(PositionLockError);
    await holder.stop("SIGKILL");
    expect((await stat(join(dir, `${STATE_FILE_NAME}.lock`))).isDirectory()).toBe(true);

    const patient = await PositionTracker.open(dir, { lockStaleMs });
    await patient.updatePosition(position("after-kill"));
    expect(Object.keys(await readStateJson(dir))).toEqual(["after-kill:tmux_output"]);
    await lockReleased(dir); // kept for a few ms after the write, then released: not left behind
    await expect(stat(join(dir, `${STATE_FILE_NAME}.lock`))).rejects.toMatchObject({
      code: "ENOENT",
    });
    await Promise.all([tracker.close(), patient.close()]);
  });
});
