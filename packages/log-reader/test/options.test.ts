import { InMemoryPositionStore } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import {
  DEFAULTS,
  IncrementalLogReader,
  InvalidOptionError,
  LogReaderError,
} from "../src/index.js";

const store = new InMemoryPositionStore();

describe("constructor options", () => {
  it("has the issue's defaults", () => {
    expect(DEFAULTS).toEqual({
      maxLinesPerRead: 200,
      fingerprintBytes: 1024,
      partialLineFlushMs: 1000,
      maxLineBytes: 1_048_576,
      catchUp: "page",
    });
    expect(new IncrementalLogReader({ positionTracker: store })).toBeInstanceOf(
      IncrementalLogReader,
    );
  });

  it.each([
    ["maxLinesPerRead", 0],
    ["maxLinesPerRead", -5],
    ["maxLinesPerRead", 1.5],
    ["maxLinesPerRead", Number.NaN],
    ["fingerprintBytes", 0],
    ["maxLineBytes", 0],
    ["maxLineBytes", "1024"],
    ["partialLineFlushMs", -1],
    ["partialLineFlushMs", Number.POSITIVE_INFINITY],
    ["catchUp", "tail"],
    ["clock", 42],
  ])("rejects %s = %j with an InvalidOptionError naming it", (option, value) => {
    let thrown: unknown;
    try {
      new IncrementalLogReader({ positionTracker: store, [option]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect(thrown).toBeInstanceOf(LogReaderError);
    expect((thrown as InvalidOptionError).code).toBe("INVALID_OPTION");
    expect((thrown as InvalidOptionError).option).toBe(option);
    expect((thrown as Error).message).toContain(option);
  });

  it("rejects a missing or incomplete position store", () => {
    expect(() => new IncrementalLogReader({} as never)).toThrow(InvalidOptionError);
    expect(
      () =>
        new IncrementalLogReader({ positionTracker: { getPosition: () => undefined } } as never),
    ).toThrow(/positionTracker/);
  });

  it("accepts partialLineFlushMs 0 and catchUp skip", () => {
    expect(
      () =>
        new IncrementalLogReader({
          positionTracker: store,
          partialLineFlushMs: 0,
          catchUp: "skip",
        }),
    ).not.toThrow();
  });
});
