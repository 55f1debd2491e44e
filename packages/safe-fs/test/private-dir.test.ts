import { chmod, chown, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SafeFsError,
  ensurePrivateDir,
  ensurePrivateSubdir,
  privateSubdirExists,
} from "../src/index.js";
import { OTHER_UID, canActAsOtherUser } from "@agentwatch/test-kit";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "safe-fs-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(run: Promise<unknown>): Promise<SafeFsError> {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafeFsError);
  return error as SafeFsError;
}

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

describe("ensurePrivateDir", () => {
  it("creates a missing directory and its missing parents with mode 0700", async () => {
    const dir = join(root, "a", "b", "state");
    await expect(ensurePrivateDir(dir, { role: "state directory" })).resolves.toBe(dir);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(root, "a"))).toBe(0o700);
  });

  it("accepts an existing directory of this user's that others can read but not write", async () => {
    const dir = join(root, "summaries");
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await expect(ensurePrivateDir(dir)).resolves.toBe(dir);
  });

  it("refuses a directory others can write, naming it, its mode and the fix", async () => {
    const dir = join(root, "shared");
    await mkdir(dir);
    await chmod(dir, 0o777);
    const error = await refusal(ensurePrivateDir(dir, { role: "summary directory" }));
    expect(error.code).toBe("UNSAFE_MODE");
    expect(error.message).toBe(
      `refusing to use ${dir} as the summary directory: it is writable by its group and others (mode 0777); run chmod go-w ${dir} or choose another directory`,
    );
  });

  it("refuses a path that is a file", async () => {
    const file = join(root, "file");
    await writeFile(file, "x");
    const error: unknown = await ensurePrivateDir(file).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("EEXIST");
  });

  it("follows a symlink given as the directory itself and checks its target", async () => {
    const target = join(root, "real");
    await mkdir(target, { mode: 0o700 });
    const link = join(root, "link");
    await symlink(target, link);
    await expect(ensurePrivateDir(link)).resolves.toBe(target);
    await chmod(target, 0o777);
    expect((await refusal(ensurePrivateDir(link))).code).toBe("UNSAFE_MODE");
  });

  it("refuses a directory below one that others can write without the sticky bit, and accepts it with the bit", async () => {
    const open = join(root, "open");
    await mkdir(open);
    await chmod(open, 0o777);
    const dir = join(open, "state");
    const error = await refusal(ensurePrivateDir(dir, { role: "state directory" }));
    expect(error.code).toBe("UNSAFE_MODE");
    expect(error.path).toBe(open);
    expect(error.message).toContain(`${open} above it is writable by its group and others`);
    await chmod(open, 0o1777);
    await expect(ensurePrivateDir(dir)).resolves.toBe(dir);
  });

  describe.runIf(canActAsOtherUser)("with another user's directories", () => {
    it("refuses a directory another user made first, naming its owner", async () => {
      const dir = join(root, "summaries");
      await mkdir(dir, { mode: 0o700 });
      await chown(dir, OTHER_UID, OTHER_UID);
      const error = await refusal(ensurePrivateDir(dir, { role: "summary directory" }));
      expect(error.code).toBe("UNSAFE_OWNER");
      expect(error.message).toContain(`refusing to use ${dir} as the summary directory`);
      expect(error.message).toContain(`owned by uid ${OTHER_UID}`);
      expect(error.message).not.toContain("\n");
    });

    it("refuses a directory below one that another user owns", async () => {
      const theirs = join(root, "theirs");
      await mkdir(theirs, { mode: 0o755 });
      await chown(theirs, OTHER_UID, OTHER_UID);
      const dir = join(theirs, "mine");
      await mkdir(dir, { mode: 0o700 });
      const error = await refusal(ensurePrivateDir(dir));
      expect(error.code).toBe("UNSAFE_OWNER");
      expect(error.path).toBe(theirs);
    });
  });
});

describe("ensurePrivateSubdir", () => {
  it("creates the directory with mode 0700 once, and accepts it after", async () => {
    const dir = join(root, "agent-1");
    expect(await ensurePrivateSubdir(dir)).toBe(true);
    expect(await mode(dir)).toBe(0o700);
    expect(await ensurePrivateSubdir(dir)).toBe(false);
  });

  it("refuses a symlink in its place and never follows it", async () => {
    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere, { mode: 0o700 });
    const dir = join(root, "agent-1");
    await symlink(elsewhere, dir);
    const error = await refusal(ensurePrivateSubdir(dir, "agent directory"));
    expect(error.code).toBe("SYMLINK");
    expect(error.message).toContain(`refusing to use ${dir} as the agent directory`);
  });

  it("refuses a file in its place", async () => {
    const dir = join(root, "agent-1");
    await writeFile(dir, "x");
    expect((await refusal(ensurePrivateSubdir(dir))).code).toBe("WRONG_TYPE");
  });
});

describe("privateSubdirExists", () => {
  it("says whether the directory is there, creating nothing, and refuses what ensurePrivateSubdir refuses", async () => {
    const dir = join(root, "agent-1");
    expect(await privateSubdirExists(dir)).toBe(false);
    await expect(stat(dir)).rejects.toMatchObject({ code: "ENOENT" });
    await ensurePrivateSubdir(dir);
    expect(await privateSubdirExists(dir)).toBe(true);
    const link = join(root, "agent-2");
    await symlink(dir, link);
    expect((await refusal(privateSubdirExists(link, "agent directory"))).code).toBe("SYMLINK");
  });
});
