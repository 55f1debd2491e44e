import { describe, expect, it } from "vitest";
import { KeyedQueue } from "./keyed-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("KeyedQueue", () => {
  it("runs tasks of one key one at a time in call order", async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const gate = deferred();
    const first = queue.run("a", async () => {
      events.push("start 1");
      await gate.promise;
      events.push("end 1");
    });
    const second = queue.run("a", () => {
      events.push("start 2");
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(["start 1"]);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(["start 1", "end 1", "start 2"]);
  });

  it("runs tasks of different keys concurrently", async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    let bRan = false;
    const a = queue.run("a", () => gate.promise);
    await queue.run("b", () => {
      bRan = true;
      return Promise.resolve();
    });
    expect(bRan).toBe(true);
    gate.resolve();
    await a;
  });

  it("a failing task rejects only itself and the next task still runs", async () => {
    const queue = new KeyedQueue();
    const failed = queue.run("a", () => Promise.reject(new Error("boom")));
    const next = queue.run("a", () => Promise.resolve("ok"));
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });

  it("forgets a key once its tasks are done", async () => {
    const queue = new KeyedQueue();
    await queue.run("a", () => Promise.resolve());
    await new Promise((r) => setTimeout(r, 0));
    expect(queue.activeKeys).toBe(0);
  });
});
