import { fork } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemoryPositionStore } from "@agentwatch/models";
import { testChild } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IncrementalLogReader } from "../src/index.js";
import { makeTempDir, removeDir } from "./helpers.js";

const writerSource = new URL("./child/writer.ts", import.meta.url);

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir("log-reader-live-");
});
afterEach(async () => {
  await removeDir(dir);
});

describe("a live writer in another process", () => {
  it.each([
    ["at line boundaries", "line"],
    ["in the middle of lines", "mid"],
  ])(
    "every line it writes, in pieces and across rename rotations %s, is read exactly once and whole",
    async (_, where) => {
      const log = join(dir, "app.log");
      await writeFile(log, "");
      const store = new InMemoryPositionStore();
      // the writer never pauses a line for a minute, so no partial line is flushed early
      const reader = new IncrementalLogReader({
        positionTracker: store,
        maxLinesPerRead: 37,
        partialLineFlushMs: 60_000,
      });
      const child = fork(testChild(writerSource), [dir, "4000", "12345", where], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        execArgv: [],
      });
      let done = false;
      let wantsRotation = false;
      let rotations = 0;
      child.on("message", (message) => {
        if (message === "done") done = true;
        if (message === "ready-to-rotate") wantsRotation = true;
        if (message === "rotated") rotations += 1;
      });
      let exitCode: number | null | undefined;
      const exited = new Promise((resolve) =>
        child.on("exit", (code) => {
          exitCode = code;
          resolve(code);
        }),
      );
      const delivered: string[] = [];
      for (let guard = 0; guard < 1_000_000; guard++) {
        if (exitCode !== undefined && exitCode !== 0)
          throw new Error(`the writer failed (${exitCode})`);
        const result = await reader.read("agent", log);
        if (result.error === null) {
          delivered.push(...result.lines);
          await result.commit();
        } else {
          expect(result.error.code).toBe("ENOENT"); // the instant between rename and reopen
        }
        const saved = store.getPosition("agent", "tmux_output");
        const onCurrent =
          saved !== undefined &&
          saved.inode === (await stat(log, { bigint: true }).catch(() => null))?.ino.toString();
        // ask for the next rotation only once this reader has moved on to the current file
        if (wantsRotation && onCurrent) {
          wantsRotation = false;
          child.send("rotate");
        }
        if (
          done &&
          result.error === null &&
          result.lines.length === 0 &&
          !result.hasMore &&
          result.pendingPartial === null
        )
          break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await exited;
      const written = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as string[];
      expect(rotations).toBe(6);
      expect(delivered.length).toBe(written.length);
      expect(delivered).toEqual(written);
    },
  );
});
