import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidInstanceIdError, SummaryStore } from "../src/index.js";
import { listTree, makeSummary, makeTempDir, removeTempDir } from "./helpers.js";

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(root);
});

const badIds: [string, string][] = [
  ["a parent traversal", "../x"],
  ["a deep traversal", "../../escape"],
  ["a nested path", "a/b"],
  ["an absolute path", "/tmp/evil"],
  ["a backslash traversal", "..\\x"],
  ["two dots", ".."],
  ["one dot", "."],
  ["a NUL", "agent\0x"],
  ["129 bytes", "a".repeat(129)],
  ["65 two-byte characters (130 bytes)", "é".repeat(65)],
  ["an empty id", ""],
];

describe("instance ids that are not safe directory names", () => {
  it.each(badIds)("%s is rejected by write, getLatest and getHistory", async (_, id) => {
    const summaryDir = join(root, "state", "summaries");
    const store = new SummaryStore(summaryDir);
    await store.write(makeSummary("good", 1));
    const before = await listTree(root);

    await expect(store.write(makeSummary(id, 2))).rejects.toThrow(InvalidInstanceIdError);
    await expect(store.getLatest(id)).rejects.toThrow(InvalidInstanceIdError);
    await expect(store.getHistory(id)).rejects.toThrow(InvalidInstanceIdError);

    expect(await listTree(root)).toEqual(before);
    expect(await store.getAllLatest()).toEqual([makeSummary("good", 1)]);
  });

  it("nothing at all is created for a rejected id in a fresh summary dir", async () => {
    const store = new SummaryStore(join(root, "summaries"));
    for (const [, id] of badIds) {
      await expect(store.write(makeSummary(id, 1))).rejects.toThrow(InvalidInstanceIdError);
    }
    expect(await listTree(root)).toEqual([]);
  });

  it("an id of exactly 128 bytes is accepted", async () => {
    const store = new SummaryStore(join(root, "summaries"));
    const id = "é".repeat(64);
    await store.write(makeSummary(id, 1));
    expect(await store.getLatest(id)).toEqual(makeSummary(id, 1));
  });
});
