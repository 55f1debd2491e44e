// A cleanup job removing the state directory (`rm -rf /tmp/madrox_logs`) while a tracker is open:
// the next write recreates it, with the same checks as open(), and writes back every position the
// tracker holds, so the monitor neither fails every commit nor starts over from offset zero.
import { chown, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PositionLockError,
  PositionTracker,
  STATE_FILE_NAME,
  UnsafeStateDirError,
} from "../src/index.js";
import { lockReleased, position, readStateJson, recordingLogger, tempDir } from "./helpers.js";
import { OTHER_UID, canActAsOtherUser } from "@agentwatch/test-kit";

const mode = async (path: string) => (await stat(path)).mode & 0o7777;
const keys = (positions: { instance_id: string }[]) => positions.map((p) => p.instance_id).sort();

async function openWithPositions(dir: string) {
  const recorded = recordingLogger();
  // No compaction when idle: the journal keeps records (close() then has them to write).
  const tracker = await PositionTracker.open(dir, {
    logger: recorded.logger,
    compactAfterIdleMs: 600_000,
  });
  await tracker.updatePositions([position("a"), position("b")]); // the state file
  await tracker.updatePosition(position("c")); // a journal record
  return { tracker, ...recorded };
}

describe("a state directory deleted while a tracker is open", () => {
  it.each([
    ["right after a write (the lock may still be kept)", false],
    ["once the lock was released", true],
  ])(
    "removed %s, the next write recreates it (0700) and writes back every position",
    async (_when, waitForRelease) => {
      const root = await tempDir();
      const dir = join(root, "madrox_logs", "monitoring_state");
      const { tracker, warnings } = await openWithPositions(dir);
      if (waitForRelease) await lockReleased(dir);
      await rm(join(root, "madrox_logs"), { recursive: true, force: true });

      await tracker.updatePosition(position("d"));
      expect(await mode(dir)).toBe(0o700);
      expect(await mode(join(root, "madrox_logs"))).toBe(0o700);
      expect(keys(tracker.getAllPositions())).toEqual(["a", "b", "c", "d"]);
      const reopened = await PositionTracker.open(dir);
      expect(keys(reopened.getAllPositions())).toEqual(["a", "b", "c", "d"]);
      await reopened.close();

      await tracker.updatePosition(position("e"));
      const recreated = warnings().filter((w) => w.includes(`${dir} was removed`));
      expect(recreated).toHaveLength(1);
      expect(recreated[0]).toContain("recreated");
      await tracker.close();
      expect(Object.keys(await readStateJson(dir)).sort()).toEqual(
        ["a", "b", "c", "d", "e"].map((id) => `${id}:tmux_output`),
      );
    },
  );

  it("close() after the directory was removed writes every position back", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const { tracker } = await openWithPositions(dir);
    await rm(dir, { recursive: true, force: true });
    await tracker.close();
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual(
      ["a", "b", "c"].map((id) => `${id}:tmux_output`),
    );
  });

  it("a removal is written back too", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const { tracker } = await openWithPositions(dir);
    await rm(dir, { recursive: true, force: true });
    await expect(tracker.removePosition("b", "tmux_output")).resolves.toBe(true);
    await tracker.close();
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual(
      ["a", "c"].map((id) => `${id}:tmux_output`),
    );
  });

  it("a write back that failed (the lock was held) is tried again by the next write, whole", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const recorded = recordingLogger();
    const tracker = await PositionTracker.open(dir, {
      logger: recorded.logger,
      lockTimeoutMs: 300,
    });
    await tracker.updatePositions([position("a"), position("b")]);
    await lockReleased(dir);
    await rm(dir, { recursive: true, force: true });
    // Created again by someone else of this user's, who holds the lock in it.
    await mkdir(join(dir, `${STATE_FILE_NAME}.lock`), { recursive: true, mode: 0o700 });
    await expect(tracker.updatePosition(position("c"))).rejects.toBeInstanceOf(PositionLockError);
    await rm(join(dir, `${STATE_FILE_NAME}.lock`), { recursive: true });
    await tracker.updatePosition(position("d"));
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual(
      ["a", "b", "d"].map((id) => `${id}:tmux_output`),
    );
    expect(recorded.warnings().filter((w) => w.includes(`${dir} was replaced`))).toHaveLength(1);
    await tracker.close();
  });

  describe.runIf(canActAsOtherUser)("and recreated by another user", () => {
    it("the next write is refused, naming the directory and its owner, and writes nothing there", async () => {
      const root = await tempDir();
      const dir = join(root, "state");
      const { tracker } = await openWithPositions(dir);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { mode: 0o700 });
      await chown(dir, OTHER_UID, OTHER_UID);
      const error: unknown = await tracker.updatePosition(position("d")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsafeStateDirError);
      expect((error as Error).message).toContain(`refusing to use ${dir} as the state directory`);
      expect((error as Error).message).toContain(`uid ${OTHER_UID}`);
      expect(await readdir(dir)).toEqual([]);
      expect(keys(tracker.getAllPositions())).toEqual(["a", "b", "c"]);
      await tracker.close();
      expect(await readdir(dir)).toEqual([]);
    });
  });
});
