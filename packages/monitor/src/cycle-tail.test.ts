import { describe, expect, it } from "vitest";
import { CycleTail } from "./cycle-tail.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("CycleTail", () => {
  it("starts commits in batches and the rest on drain, reporting each outcome", async () => {
    const tail = new CycleTail(4, 3);
    const started: number[] = [];
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      tail.commit(
        () => {
          started.push(i);
          return i === 5 ? Promise.reject(new Error("EIO")) : Promise.resolve();
        },
        (error) => outcomes.push(error === undefined ? `ok ${i}` : `failed ${i}`),
      );
      if (i === 1) expect(started).toEqual([]); // a batch of 3 is not full yet
    }
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);

    await tail.drain();

    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(outcomes.sort()).toEqual(["failed 5", "ok 0", "ok 1", "ok 2", "ok 3", "ok 4", "ok 6"]);
  });

  it("runs at most `storeLimit` tasks at once and drain waits for tasks that queue commits", async () => {
    const tail = new CycleTail(2, 100);
    let running = 0;
    let peak = 0;
    const committed: number[] = [];
    for (let i = 0; i < 6; i++) {
      tail.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        tail.commit(
          () => Promise.resolve(),
          () => committed.push(i),
        );
      });
    }

    await tail.drain();

    expect(peak).toBe(2);
    expect(committed.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
