import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@agentwatch/models";
import { afterEach, describe, expect, it } from "vitest";
import { PositionLockError } from "./errors.js";
import { statePaths } from "./state-paths.js";
import { withStateLock } from "./state-lock.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function paths() {
  const dir = await mkdtemp(join(tmpdir(), "position-store-lock-"));
  dirs.push(dir);
  return statePaths(dir);
}

const options = { staleMs: 10_000, timeoutMs: 1000, logger: silentLogger };

describe("withStateLock", () => {
  it("holds the lock directory while the work runs and removes it after", async () => {
    const p = await paths();
    const inside = await withStateLock(p, options, async (assertLockHeld) => {
      await assertLockHeld();
      return (await stat(p.lock)).isDirectory();
    });
    expect(inside).toBe(true);
    await expect(stat(p.lock)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a lock taken over by another process before the commit point aborts, and theirs is left alone", async () => {
    const p = await paths();
    const work = withStateLock(p, options, async (assertLockHeld) => {
      await rm(p.lock, { recursive: true }); // another process judged it stale and took it over
      await mkdir(p.lock);
      await assertLockHeld();
      return "committed";
    });
    await expect(work).rejects.toThrow(PositionLockError);
    await expect(work).rejects.toThrow(/was lost while writing/);
    expect((await stat(p.lock)).isDirectory()).toBe(true);
  });

  it("a lock removed while held aborts the commit", async () => {
    const p = await paths();
    const work = withStateLock(p, options, async (assertLockHeld) => {
      await rm(p.lock, { recursive: true });
      await assertLockHeld();
    });
    await expect(work).rejects.toMatchObject({ code: "POSITION_LOCK_FAILED" });
  });

  it("a lock replaced while held (its state dir removed and created again) is left alone on release", async () => {
    const p = await paths();
    const work = withStateLock(p, options, async () => {
      // A cleanup job removes the state dir; another process creates it again and locks it.
      await rm(p.dir, { recursive: true });
      await mkdir(p.lock, { recursive: true });
      return "done";
    });
    await expect(work).resolves.toBe("done");
    expect((await stat(p.lock)).isDirectory()).toBe(true);
  });
});
