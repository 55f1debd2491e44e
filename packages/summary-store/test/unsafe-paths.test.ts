import {
  appendFile,
  chmod,
  chown,
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SummaryStore, UnsafePathError } from "../src/index.js";
import { listTree, makeSummary, recordingLogger, useSummaryDir } from "./helpers.js";
import { OTHER_UID, canActAsOtherUser } from "@agentwatch/test-kit";

let root: string;
let summaryDir: string;
useSummaryDir((dirs) => ({ root, summaryDir } = dirs));

/** The error `run` rejects with, checked to be an `UnsafePathError`. */
async function refusal(run: Promise<unknown>): Promise<UnsafePathError> {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafePathError);
  return error as UnsafePathError;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const line = (id: string, n: number) => `${JSON.stringify(makeSummary(id, n))}\n`;

describe.runIf(canActAsOtherUser)("a summary directory another user controls", () => {
  it("is refused by write and by every read, naming the path and the owner, and nothing is written", async () => {
    await mkdir(join(summaryDir, "a"), { recursive: true });
    await writeFile(join(summaryDir, "a", "latest_summary.json"), line("a", 1));
    await chown(summaryDir, OTHER_UID, OTHER_UID);
    const before = await listTree(summaryDir);
    const store = new SummaryStore(summaryDir);

    const error = await refusal(store.write(makeSummary("b", 1)));
    expect(error.code).toBe("UNSAFE_PATH");
    expect(error.reason).toBe("UNSAFE_OWNER");
    expect(error.path).toBe(summaryDir);
    expect(error.message).toContain(`refusing to use ${summaryDir} as the summary directory`);
    expect(error.message).toContain(`uid ${OTHER_UID}`);
    expect(error.message).not.toContain("\n");

    for (const read of [
      store.getAllLatest(),
      store.listInstances(),
      store.getLatest("a"),
      store.getHistory("a"),
    ]) {
      const readError = await refusal(read);
      expect(readError.message).toBe(error.message);
    }
    expect(await listTree(summaryDir)).toEqual(before);
  });

  it("a summary directory deleted and recreated by another user after a write is refused at the next write", async () => {
    const store = new SummaryStore(summaryDir);
    await store.write(makeSummary("a", 1));
    await rm(summaryDir, { recursive: true });
    await mkdir(summaryDir, { mode: 0o777 });
    await chown(summaryDir, OTHER_UID, OTHER_UID);

    const error = await refusal(store.write(makeSummary("a", 2)));
    expect(error.message).toContain(`uid ${OTHER_UID}`);
    expect(await readdir(summaryDir)).toEqual([]);
  });
});

describe("a summary directory that is missing or unsafe by its mode", () => {
  it("is created with mode 0700 at the first write, and recreated when deleted later", async () => {
    const store = new SummaryStore(summaryDir);
    expect(await store.getAllLatest()).toEqual([]);
    expect(await readdir(root)).toEqual([]); // reads never create it
    await store.write(makeSummary("a", 1));
    expect(await mode(summaryDir)).toBe(0o700);
    await rm(summaryDir, { recursive: true });
    expect(await store.getLatest("a")).toBeUndefined();
    await store.write(makeSummary("a", 2));
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 2)]);
    expect(await mode(summaryDir)).toBe(0o700);
  });

  it("a summary directory that others can write is refused, naming the fix", async () => {
    await mkdir(summaryDir);
    await chmod(summaryDir, 0o777);
    const store = new SummaryStore(summaryDir);
    const error = await refusal(store.write(makeSummary("a", 1)));
    expect(error.reason).toBe("UNSAFE_MODE");
    expect(error.message).toContain(`chmod go-w ${summaryDir}`);
    await expect(store.getAllLatest()).rejects.toThrow(error.message);
    expect(await readdir(summaryDir)).toEqual([]);
  });
});

describe("symbolic links inside the summary directory", () => {
  it("a history file linked to a victim file fails the write with a SYMLINK refusal and leaves the victim untouched", async () => {
    const store = new SummaryStore(summaryDir);
    await store.write(makeSummary("a", 1));
    const victim = join(root, "victim.txt");
    await writeFile(victim, "precious\n");
    const history = join(summaryDir, "a", "summary_history.jsonl");
    await rm(history);
    await symlink(victim, history);

    const error = await refusal(store.write(makeSummary("a", 2)));
    expect(error.reason).toBe("SYMLINK");
    expect(error.path).toBe(history);
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    await expect(store.getHistory("a")).rejects.toThrow(/symbolic link/);
    expect(await readFile(victim, "utf8")).toBe("precious\n");
  });

  it("an agent directory that links to another directory is neither written to nor read", async () => {
    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, "latest_summary.json"), line("a", 9));
    await writeFile(join(elsewhere, "summary_history.jsonl"), line("a", 9));
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("b", 1));
    await symlink(elsewhere, join(summaryDir, "a"));

    const error = await refusal(store.write(makeSummary("a", 2)));
    expect(error.reason).toBe("SYMLINK");
    expect(error.path).toBe(join(summaryDir, "a"));
    expect((await readdir(elsewhere)).sort()).toEqual([
      "latest_summary.json",
      "summary_history.jsonl",
    ]);
    expect(await readFile(join(elsewhere, "summary_history.jsonl"), "utf8")).toBe(line("a", 9));

    await expect(store.getLatest("a")).rejects.toThrow(UnsafePathError);
    await expect(store.getHistory("a")).rejects.toThrow(UnsafePathError);
    expect(await store.listInstances()).toEqual(["b"]);
    expect(await store.getAllLatest()).toEqual([makeSummary("b", 1)]);
    const warnings = calls.filter((c) => c.level === "warn");
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) {
      expect(warning.message).toContain(join(summaryDir, "a"));
      expect(warning.message).toMatch(/symbolic link/);
      expect(JSON.stringify(warning)).not.toContain(elsewhere);
    }
  });

  it("a latest_summary.json that links elsewhere is never read", async () => {
    const elsewhere = join(root, "other-agent.json");
    await writeFile(elsewhere, line("a", 9));
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 1));
    const latest = join(summaryDir, "a", "latest_summary.json");
    await rm(latest);
    await symlink(elsewhere, latest);

    const error = await refusal(store.getLatest("a"));
    expect(error.reason).toBe("SYMLINK");
    expect(error.path).toBe(latest);
    expect(await store.getAllLatest()).toEqual([]);
    expect(calls.filter((c) => c.level === "warn").map((c) => c.message)).toEqual([
      expect.stringContaining(`refusing to open ${latest}: it is a symbolic link`),
    ]);
    // A write replaces the link with a file of its own and leaves the target alone.
    await store.write(makeSummary("a", 2));
    expect(await store.getLatest("a")).toEqual(makeSummary("a", 2));
    expect(await readFile(elsewhere, "utf8")).toBe(line("a", 9));
  });
});

describe("file and directory modes", () => {
  it("directories are 0700 and files 0600 after writes and a rotation", async () => {
    const lineBytes = Buffer.byteLength(line("a", 10));
    const store = new SummaryStore(summaryDir, { maxHistoryBytes: lineBytes * 2 });
    for (let n = 10; n < 15; n++) await store.write(makeSummary("a", n));
    expect(await mode(summaryDir)).toBe(0o700);
    expect(await mode(join(summaryDir, "a"))).toBe(0o700);
    const files = (await readdir(join(summaryDir, "a"))).sort();
    expect(files).toEqual([
      "latest_summary.json",
      "summary_history.1.jsonl",
      "summary_history.2.jsonl",
      "summary_history.jsonl",
    ]);
    for (const name of files) expect(await mode(join(summaryDir, "a", name))).toBe(0o600);
  });

  it("files left readable by others by an older version are made private at the next write", async () => {
    await mkdir(join(summaryDir, "a"), { recursive: true, mode: 0o700 });
    await writeFile(join(summaryDir, "a", "latest_summary.json"), line("a", 1), { mode: 0o644 });
    await writeFile(join(summaryDir, "a", "summary_history.jsonl"), line("a", 1), { mode: 0o644 });
    const store = new SummaryStore(summaryDir);
    await store.write(makeSummary("a", 2));
    expect(await mode(join(summaryDir, "a", "latest_summary.json"))).toBe(0o600);
    expect(await mode(join(summaryDir, "a", "summary_history.jsonl"))).toBe(0o600);
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 2), makeSummary("a", 1)]);
  });
});

describe("a summary stored under another agent's directory", () => {
  it("is ignored with a warning: it neither masks that agent nor counts as its own directory's", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 1));
    const impostor = makeSummary("a", 1_000_000, { current_activity: "all is well" });
    await mkdir(join(summaryDir, "b"));
    await writeFile(join(summaryDir, "b", "latest_summary.json"), JSON.stringify(impostor));
    await writeFile(join(summaryDir, "b", "summary_history.jsonl"), line("a", 1_000_000));
    await appendFile(join(summaryDir, "a", "summary_history.jsonl"), line("b", 5));

    expect(await store.getAllLatest()).toEqual([makeSummary("a", 1)]);
    expect(await store.getLatest("b")).toBeUndefined();
    expect(await store.getHistory("b")).toEqual([]);
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 1)]);
    const warnings = calls.filter((c) => c.level === "warn").map((c) => c.message ?? "");
    expect(warnings.filter((m) => m.includes("does not match"))).toHaveLength(4);
    expect(warnings.join("\n")).not.toContain("all is well");
  });
});
