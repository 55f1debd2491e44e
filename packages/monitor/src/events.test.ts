import { describe, expect, it } from "vitest";
import { MonitorEmitter } from "./events.js";
import { mapLimit } from "./map-limit.js";

describe("MonitorEmitter", () => {
  it("calls every listener in order even when one throws, logging the throw", () => {
    const errors: unknown[] = [];
    const emitter = new MonitorEmitter({
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (fields) => errors.push(fields),
    });
    const calls: string[] = [];
    emitter.on("error", () => calls.push("first"));
    emitter.on("error", () => {
      throw new Error("boom");
    });
    emitter.on("error", () => calls.push("third"));

    emitter.emit("error", { error: new Error("x"), at: "2026-01-15T10:00:00.000Z" });

    expect(calls).toEqual(["first", "third"]);
    expect(errors).toHaveLength(1);
    expect(emitter.listenerCount("error")).toBe(3);
  });
});

describe("mapLimit", () => {
  it("keeps results in item order with at most `limit` calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (value) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, value));
      inFlight--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it("resolves with nothing for no items", async () => {
    expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]);
  });
});
