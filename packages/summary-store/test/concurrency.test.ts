import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentSummary } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SummaryStore } from "../src/index.js";
import { makeSummary, makeTempDir, removeTempDir } from "./helpers.js";

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(root);
});

describe("concurrent writes", () => {
  it("50 agents × 20 concurrent writes: each latest is the agent's last write and each history has all 20 in order", async () => {
    const store = new SummaryStore(root);
    const agents = Array.from({ length: 50 }, (_, i) => `agent-${i}`);
    await Promise.all(
      agents.flatMap((id) => Array.from({ length: 20 }, (_, n) => store.write(makeSummary(id, n)))),
    );
    expect(await store.listInstances()).toEqual([...agents].sort());
    for (const id of agents) {
      expect(await store.getLatest(id)).toEqual(makeSummary(id, 19));
      const lines = (await readFile(join(root, id, "summary_history.jsonl"), "utf8"))
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as AgentSummary);
      expect(lines).toEqual(Array.from({ length: 20 }, (_, n) => makeSummary(id, n)));
    }
    const all = await store.getAllLatest();
    expect(all).toHaveLength(50);
    expect(all.every((s) => s.output_preview === "output 19")).toBe(true);
  });

  it("concurrent writes of one agent that rotate its history lose nothing that rotation keeps", async () => {
    const lineBytes = Buffer.byteLength(JSON.stringify(makeSummary("a", 10))) + 1;
    const store = new SummaryStore(root, { maxHistoryBytes: lineBytes * 5, historyFiles: 3 });
    await Promise.all(Array.from({ length: 40 }, (_, n) => store.write(makeSummary("a", n + 10))));
    const history = await store.getHistory("a", { limit: Infinity });
    expect(history.map((s) => s.output_preview)).toEqual(
      Array.from({ length: 15 }, (_, i) => `output ${49 - i}`),
    );
  });
});
