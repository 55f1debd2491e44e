// Model-based test: random sequences of updates, removals, clears, refreshes, reopens and bursts
// of concurrent calls, checked after every step against a Map that does the same in call order.
import { type LogPosition, positionKey } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PositionTracker } from "../src/index.js";
import { readStateJson, tempDir } from "./helpers.js";

/** (instance_id, log_type) pairs, including two that share the key "a:b:c". */
const LOGS: readonly (readonly [string, string])[] = [
  ["agent-1", "tmux_output"],
  ["agent-2", "tmux_output"],
  ["agent-1", "stderr"],
  ["", ""],
  ["a:b", "c"],
  ["a", "b:c"],
  ["агент", "🤖"],
];

type Op =
  | { kind: "update"; log: number; offset: number; checksum: string }
  | { kind: "updateMany"; items: { log: number; offset: number; checksum: string }[] }
  | { kind: "remove"; log: number }
  | { kind: "clear" };
type Command =
  | Op
  | { kind: "reopen" }
  | { kind: "crash" }
  | { kind: "compact" }
  | { kind: "refresh" }
  | { kind: "burst"; ops: Op[] };

const item = fc.record({
  log: fc.nat({ max: LOGS.length - 1 }),
  offset: fc.oneof(fc.constantFrom(0, 1, 2), fc.maxSafeNat()),
  checksum: fc.constantFrom("aa", "bb"),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: item.map((i) => ({ kind: "update" as const, ...i })) },
  {
    weight: 2,
    arbitrary: fc
      .array(item, { maxLength: 4 })
      .map((items) => ({ kind: "updateMany" as const, items })),
  },
  {
    weight: 3,
    arbitrary: fc.nat({ max: LOGS.length - 1 }).map((log) => ({ kind: "remove" as const, log })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: op },
  { weight: 1, arbitrary: fc.constant({ kind: "reopen" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "crash" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "compact" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "refresh" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .array(op, { minLength: 2, maxLength: 8 })
      .map((ops) => ({ kind: "burst" as const, ops })),
  },
);

function positionOf(log: number, offset: number, checksum: string): LogPosition {
  const [instanceId, logType] = LOGS[log] ?? ["", ""];
  return {
    instance_id: instanceId,
    log_type: logType,
    file_path: `/logs/${instanceId}/${logType}.log`,
    last_byte_offset: offset,
    last_line_number: offset % 1000,
    last_read_timestamp: "2025-01-15T10:30:00.123456",
    checksum,
  };
}

/** The model: what a correct tracker holds, keyed like the file. */
class Model {
  readonly map = new Map<string, LogPosition>();
  get(log: number): LogPosition | undefined {
    const [instanceId = "", logType = ""] = LOGS[log] ?? [];
    const found = this.map.get(positionKey(instanceId, logType));
    return found?.instance_id === instanceId && found.log_type === logType ? found : undefined;
  }
  /** Applies `o`; returns what the tracker's call must resolve to. */
  apply(o: Op): unknown {
    switch (o.kind) {
      case "update":
        this.map.set(
          positionKey(...(LOGS[o.log] ?? ["", ""])),
          positionOf(o.log, o.offset, o.checksum),
        );
        return undefined;
      case "updateMany":
        for (const i of o.items) this.apply({ kind: "update", ...i });
        return undefined;
      case "remove": {
        if (this.get(o.log) === undefined) return false;
        this.map.delete(positionKey(...(LOGS[o.log] ?? ["", ""])));
        return true;
      }
      case "clear":
        this.map.clear();
        return undefined;
    }
  }
}

function call(tracker: PositionTracker, o: Op): Promise<unknown> {
  switch (o.kind) {
    case "update":
      return tracker.updatePosition(positionOf(o.log, o.offset, o.checksum));
    case "updateMany":
      return tracker.updatePositions(o.items.map((i) => positionOf(i.log, i.offset, i.checksum)));
    case "remove": {
      const [instanceId = "", logType = ""] = LOGS[o.log] ?? [];
      return tracker.removePosition(instanceId, logType);
    }
    case "clear":
      return tracker.clearAllPositions();
  }
}

const byKey = (list: LogPosition[]) =>
  [...list].sort((a, b) =>
    positionKey(a.instance_id, a.log_type) < positionKey(b.instance_id, b.log_type) ? -1 : 1,
  );

function expectSame(tracker: PositionTracker, model: Model): void {
  expect(byKey(tracker.getAllPositions())).toEqual(byKey([...model.map.values()]));
  LOGS.forEach(([instanceId, logType], log) =>
    expect(tracker.getPosition(instanceId, logType)).toEqual(model.get(log)),
  );
}

describe("PositionTracker against a model", () => {
  it("any sequence of operations leaves memory and disk equal to the model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
        const dir = await tempDir();
        const model = new Model();
        // A small journal and a short idle time, so that rewrites of the state file happen often.
        const open = () =>
          PositionTracker.open(dir, { maxJournalBytes: 1500, compactAfterIdleMs: 2 });
        let tracker = await open();
        const abandoned: PositionTracker[] = [];
        try {
          for (const c of commands) {
            if (c.kind === "reopen") {
              await tracker.close();
              tracker = await open();
            } else if (c.kind === "crash") {
              // As if the process died: no close(); a new tracker starts from what is on disk.
              abandoned.push(tracker);
              tracker = await open();
            } else if (c.kind === "compact") {
              await tracker.compact();
            } else if (c.kind === "refresh") {
              await tracker.refresh();
            } else if (c.kind === "burst") {
              const expected = c.ops.map((o) => model.apply(o));
              expect(await Promise.all(c.ops.map((o) => call(tracker, o)))).toEqual(expected);
            } else {
              const unchanged =
                c.kind === "update" &&
                model.get(c.log) !== undefined &&
                model.get(c.log)?.last_byte_offset === c.offset &&
                model.get(c.log)?.checksum === c.checksum;
              const writesBefore = tracker.stats.writes;
              const expected = model.apply(c);
              expect(await call(tracker, c)).toEqual(expected);
              if (unchanged) expect(tracker.stats.writes).toBe(writesBefore);
            }
            expectSame(tracker, model);
          }
          await tracker.close();
          const reopened = await PositionTracker.open(dir);
          expectSame(reopened, model);
          await reopened.close();
          const onDisk = await readStateJson(dir).catch(() => ({}));
          expect(byKey(Object.values(onDisk))).toEqual(byKey([...model.map.values()]));
        } finally {
          await tracker.close();
          await Promise.all(abandoned.map((old) => old.close()));
        }
      }),
      { numRuns: 100 },
    );
  });
});
