// The journal appender keeps its O_DSYNC handle open across writes. It must never write through a
// symbolic link, and never acknowledge a record written to a journal that was deleted meanwhile.
import { lstat, mkdtemp, readFile, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalAppender } from "./journal.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "position-store-journal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("JournalAppender", () => {
  it("an append through a handle whose journal was deleted (its directory removed) rejects with ENOENT", async () => {
    const journal = join(dir, "monitor_positions.json.journal");
    await writeFile(journal, "header\n");
    const appender = new JournalAppender();
    const { ino } = await stat(journal, { bigint: true });
    await appender.append(journal, ino, "first\n", null);
    await unlink(journal);
    await expect(appender.append(journal, ino, "second\n", null)).rejects.toMatchObject({
      code: "ENOENT",
      path: journal,
    });
    await appender.close();
  });

  it("a journal that is a symbolic link is refused, and nothing is appended to its target", async () => {
    const victim = join(dir, "victim");
    await writeFile(victim, "keep me\n");
    const journal = join(dir, "monitor_positions.json.journal");
    await symlink(victim, journal);
    const appender = new JournalAppender();
    const { ino } = await stat(journal, { bigint: true }); // the target's inode, as stat() follows
    await expect(appender.append(journal, ino, "record\n", null)).rejects.toMatchObject({
      code: "SYMLINK",
    });
    expect(await readFile(victim, "utf8")).toBe("keep me\n");
    expect((await lstat(journal)).isSymbolicLink()).toBe(true);
    await appender.close();
  });
});
