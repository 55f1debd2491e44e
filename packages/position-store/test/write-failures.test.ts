// Tests run as root, for whom chmod-based permission errors do not happen. The failures here are
// real ones root cannot bypass: a state dir replaced by a regular file (ENOTDIR), a removed state
// dir that cannot be recreated (ENOTDIR), a directory where the state file goes (EISDIR), a
// process file size limit set with prlimit (EFBIG, what a full disk looks like to a writer), and
// a lock held by someone else.
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PositionLockError,
  PositionReadError,
  PositionTracker,
  PositionWriteError,
  STATE_FILE_NAME,
  StateDirError,
} from "../src/index.js";
import { position, readStateJson, startChild, tempDir } from "./helpers.js";

async function failure(promise: Promise<unknown>): Promise<PositionWriteError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PositionWriteError);
  return error as PositionWriteError;
}

describe("write failures", () => {
  it("a state dir replaced by a regular file rejects every update of the batch; memory keeps the disk's state", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 1 }));
    await rename(dir, join(root, "moved"));
    await writeFile(dir, "a file, not a directory");
    const calls = [
      tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 2 })),
      tracker.updatePosition(position("b")),
      tracker.removePosition("a", "tmux_output"),
    ];
    const errors = await Promise.all(calls.map(failure));
    const file = join(dir, STATE_FILE_NAME);
    for (const error of errors) {
      expect(error.code).toBe("POSITION_WRITE_FAILED");
      expect(error.systemCode).toBe("ENOTDIR");
      expect(error.path).toBe(file);
      expect(error.message).toContain(`cannot write ${file}: not a directory (ENOTDIR)`);
      expect(error.message).toContain("choose a writable state dir");
    }
    expect(tracker.stats).toMatchObject({ writes: 1, failedWrites: 1 });
    expect(tracker.getPosition("a", "tmux_output")?.last_byte_offset).toBe(1);
    expect(tracker.getPosition("b", "tmux_output")).toBeUndefined();

    await rm(dir);
    await rename(join(root, "moved"), dir);
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 3 }));
    expect((await readStateJson(dir))["a:tmux_output"]?.last_byte_offset).toBe(3);
    await tracker.close();
  });

  it("a removed state dir that cannot be recreated (a file took its parent's place) rejects naming the path", async () => {
    const root = await tempDir();
    const dir = join(root, "parent", "state");
    const tracker = await PositionTracker.open(dir);
    await rm(join(root, "parent"), { recursive: true });
    await writeFile(join(root, "parent"), "a file, not a directory");
    const error = await failure(tracker.updatePosition(position()));
    expect(error.systemCode).toBe("ENOTDIR");
    expect(error.message).toMatch(
      /^cannot write .*monitor_positions\.json: not a directory \(ENOTDIR\)/,
    );
    expect(tracker.getAllPositions()).toEqual([]);
    await tracker.close();
  });

  it("a directory where the state file goes rejects with EISDIR and leaves no temp file", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await mkdir(join(dir, STATE_FILE_NAME));
    const error = await failure(tracker.updatePosition(position()));
    expect(error.systemCode).toBe("EISDIR");
    expect(error.message).toContain("is a directory (EISDIR)");
    expect(await readdir(dir)).toEqual([STATE_FILE_NAME]);
    await tracker.close();
  });

  it("a file size limit (like a full disk) rejects the update and the file keeps the old state", async () => {
    const dir = await tempDir();
    const setup = await PositionTracker.open(dir);
    await setup.updatePosition(position("small"));
    await setup.close();
    const before = await readFile(join(dir, STATE_FILE_NAME), "utf8");
    const child = startChild("limited-writer.ts", [dir, "4096"]);
    await child.waitForLine((line) => line.startsWith("{"), { what: "the writer's outcome" });
    const { code } = await child.exited;
    expect(code, child.stderr()).toBe(0);
    const outcome = JSON.parse(child.lines[0] ?? "{}") as Record<string, unknown>;
    expect(outcome).toMatchObject({
      ok: false,
      name: "PositionWriteError",
      code: "POSITION_WRITE_FAILED",
      systemCode: "EFBIG",
      path: join(dir, STATE_FILE_NAME),
      bigVisible: false,
      smallVisible: true,
      stats: { writes: 0, failedWrites: 1 },
    });
    expect(outcome.message).toContain("file too large (EFBIG)");
    expect(await readFile(join(dir, STATE_FILE_NAME), "utf8")).toBe(before);
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("a lock held by a live process past lockTimeoutMs rejects with PositionLockError", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir, { lockTimeoutMs: 300 });
    await mkdir(join(dir, `${STATE_FILE_NAME}.lock`)); // fresh: held, not stale
    const error = await failure(tracker.updatePosition(position()));
    expect(error).toBeInstanceOf(PositionLockError);
    expect(error.code).toBe("POSITION_LOCK_FAILED");
    expect(error.message).toContain("is still held by another process after 300 ms");
    expect(tracker.getAllPositions()).toEqual([]);
    await rm(join(dir, `${STATE_FILE_NAME}.lock`), { recursive: true });
    await tracker.updatePosition(position());
    expect(Object.keys(await readStateJson(dir))).toEqual(["agent-1:tmux_output"]);
    await tracker.close();
  });
});

describe("open failures", () => {
  it("a state dir under a regular file throws StateDirError naming it", async () => {
    const root = await tempDir();
    await writeFile(join(root, "file"), "x");
    const dir = join(root, "file", "state");
    const error: unknown = await PositionTracker.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirError);
    expect((error as StateDirError).code).toBe("STATE_DIR_UNUSABLE");
    expect((error as Error).message).toContain(
      `cannot use state dir ${dir}: not a directory (ENOTDIR)`,
    );
  });

  it("a state dir that is a regular file throws StateDirError", async () => {
    const root = await tempDir();
    await writeFile(join(root, "state"), "x");
    await expect(PositionTracker.open(join(root, "state"))).rejects.toThrow(
      /cannot use state dir .*state: it exists and is not a directory/,
    );
  });

  it("a state file that cannot be read (a directory) throws PositionReadError", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, STATE_FILE_NAME));
    const error: unknown = await PositionTracker.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PositionReadError);
    expect((error as Error).message).toContain("is a directory (EISDIR)");
  });
});
