// The state directory is checked (owner, mode, the directories above it) and every file in it is
// private and never read or written through a symbolic link. The default state dir lives under
// /tmp, where another local user can create a directory or plant a link first.
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PositionTracker,
  STATE_FILE_NAME,
  StateDirError,
  UnsafeStateDirError,
} from "../src/index.js";
import { lockReleased, position, readStateJson, recordingLogger, tempDir } from "./helpers.js";
import { OTHER_UID, canActAsOtherUser } from "@agentwatch/test-kit";

const FILE = STATE_FILE_NAME;
const BAK = `${STATE_FILE_NAME}.bak`;
const JOURNAL = `${STATE_FILE_NAME}.journal`;
const FIXED_CLOCK = () => Date.UTC(2025, 0, 15, 10, 30, 0, 123);
const CORRUPT = `${STATE_FILE_NAME}.corrupt-2025-01-15T10-30-00-123Z`;

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

async function refusal(run: Promise<unknown>): Promise<UnsafeStateDirError> {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafeStateDirError);
  expect(error).toBeInstanceOf(StateDirError);
  return error as UnsafeStateDirError;
}

function stateText(...positions: ReturnType<typeof position>[]): string {
  return JSON.stringify(
    Object.fromEntries(positions.map((p) => [`${p.instance_id}:${p.log_type}`, p])),
    null,
    2,
  );
}

describe("the state directory", () => {
  describe.runIf(canActAsOtherUser)("of another user", () => {
    it("open() refuses it in one line naming the directory and its owner, and writes nothing there", async () => {
      const dir = join(await tempDir(), "monitoring_state");
      await mkdir(dir, { mode: 0o700 });
      await chown(dir, OTHER_UID, OTHER_UID);
      const error = await refusal(PositionTracker.open(dir));
      expect(error.code).toBe("STATE_DIR_UNSAFE");
      expect(error.path).toBe(dir);
      expect(error.message).toMatch(
        new RegExp(
          `^refusing to use ${dir} as the state directory: it is owned by uid ${OTHER_UID}, not by you`,
        ),
      );
      expect(error.message).not.toContain("\n");
      expect(error.message).not.toContain("cannot use state dir");
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("open() refuses a state dir that others can write, naming its mode", async () => {
    const dir = join(await tempDir(), "monitoring_state");
    await mkdir(dir);
    await chmod(dir, 0o777);
    const error = await refusal(PositionTracker.open(dir));
    expect(error.code).toBe("STATE_DIR_UNSAFE");
    expect(error.message).toBe(
      `refusing to use ${dir} as the state directory: it is writable by its group and others (mode 0777); run chmod go-w ${dir} or choose another directory`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("creates the state dir and its parents 0700 and every file 0600", async () => {
    const root = await tempDir();
    const dir = join(root, "madrox_logs", "monitoring_state");
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("a")); // the first write creates the state file
    await tracker.updatePosition(position("b")); // appended to the journal
    await tracker.compact(); // keeps the previous state file as .bak
    await tracker.close();
    expect(await mode(join(root, "madrox_logs"))).toBe(0o700);
    expect(await mode(dir)).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual([FILE, BAK, JOURNAL].sort());
    for (const name of [FILE, BAK, JOURNAL])
      expect([name, await mode(join(dir, name))]).toEqual([name, 0o600]);
  });
});

describe("symbolic links in the state directory", () => {
  it("a journal that is a symlink to another file is never appended to, nor read", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const setup = await PositionTracker.open(dir);
    await setup.updatePosition(position("a"));
    await setup.close();
    // The victim holds a copy of the journal, so that read through the link it looks valid.
    const victim = join(root, "victim");
    const victimText = await readFile(join(dir, JOURNAL), "utf8");
    await writeFile(victim, victimText);
    await rm(join(dir, JOURNAL));
    await symlink(victim, join(dir, JOURNAL));

    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    await tracker.updatePosition(position("b"));
    await tracker.updatePosition(position("c"));
    expect(await readFile(victim, "utf8")).toBe(victimText);
    expect((await lstat(join(dir, JOURNAL))).isFile()).toBe(true);
    expect(await readlink(join(dir, `${JOURNAL}.corrupt-2025-01-15T10-30-00-123Z`))).toBe(victim);
    expect(
      warnings().some((w) => w.includes(join(dir, JOURNAL)) && w.includes("symbolic link")),
    ).toBe(true);
    await tracker.close();
    expect(await readFile(victim, "utf8")).toBe(victimText);
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "a:tmux_output",
      "b:tmux_output",
      "c:tmux_output",
    ]);
  });

  it("a journal replaced by a symlink while a tracker is open is never appended to", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("a"));
    await tracker.updatePosition(position("b"));
    await lockReleased(dir); // the next write takes the lock anew and looks at the files
    const victim = join(root, "victim");
    const victimText = await readFile(join(dir, JOURNAL), "utf8");
    await writeFile(victim, victimText);
    await rm(join(dir, JOURNAL));
    await symlink(victim, join(dir, JOURNAL));
    await tracker.updatePosition(position("c"));
    await tracker.updatePosition(position("d"));
    await tracker.close();
    expect(await readFile(victim, "utf8")).toBe(victimText);
    expect((await lstat(join(dir, JOURNAL))).isFile()).toBe(true);
    expect(Object.keys(await readStateJson(dir))).toEqual(
      expect.arrayContaining(["c:tmux_output", "d:tmux_output"]),
    );
  });

  it("a state file that is a symlink is not read through: it is kept aside like a corrupt file and the .bak used", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    await mkdir(dir, { mode: 0o700 });
    const victim = join(root, "victim.json");
    const victimText = stateText(position("victim"));
    await writeFile(victim, victimText);
    await writeFile(join(dir, BAK), stateText(position("from-bak")));
    await symlink(victim, join(dir, FILE));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    expect(tracker.getAllPositions()).toEqual([position("from-bak")]);
    expect(
      warnings().some(
        (w) => w.includes(join(dir, FILE)) && w.includes("symbolic link") && w.includes(CORRUPT),
      ),
    ).toBe(true);
    await tracker.updatePosition(position("new"));
    await tracker.close();
    expect(await readFile(victim, "utf8")).toBe(victimText);
    expect((await lstat(join(dir, FILE))).isFile()).toBe(true);
    expect(await mode(join(dir, FILE))).toBe(0o600);
    expect(await readlink(join(dir, CORRUPT))).toBe(victim);
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "from-bak:tmux_output",
      "new:tmux_output",
    ]);
  });

  it("a .bak that is a symlink is not read through: the store starts empty", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    await mkdir(dir, { mode: 0o700 });
    const victim = join(root, "victim.json");
    await writeFile(victim, stateText(position("victim")));
    await writeFile(join(dir, FILE), "not json");
    await symlink(victim, join(dir, BAK));
    const tracker = await PositionTracker.open(dir, { clock: FIXED_CLOCK });
    expect(tracker.getAllPositions()).toEqual([]);
    await tracker.close();
  });
});
