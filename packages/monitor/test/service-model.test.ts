import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Harness, Workspace, harness } from "./helpers/workspace.js";

const AGENTS = ["m0", "m1", "m2"];

type Action =
  | { kind: "append"; agent: number; lines: number }
  | { kind: "fail"; agent: number; times: number }
  | { kind: "cycle"; advanceSeconds: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("append" as const),
    agent: fc.integer({ min: 0, max: 2 }),
    lines: fc.integer({ min: 1, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("fail" as const),
    agent: fc.integer({ min: 0, max: 2 }),
    times: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant("cycle" as const), advanceSeconds: fc.constantFrom(1, 12, 40) }),
);

describe("MonitoringService against a model", () => {
  it("delivers every appended line to a successful summary exactly once, in order, whatever fails", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const ws = await Workspace.create();
        let h: Harness | undefined;
        try {
          for (const id of AGENTS) ws.addAgent(id);
          h = await harness(ws, { error_backoff_seconds: 5 }, { maxLinesPerRead: 4 });
          const generator = h.generator;
          const failuresLeft = AGENTS.map(() => 0);
          const failed = new Set<object>();
          generator.failWhen = (call) => {
            const index = AGENTS.indexOf(call.instanceId);
            if (failuresLeft[index]! <= 0) return false;
            failuresLeft[index]!--;
            failed.add(call);
            return true;
          };
          const written = AGENTS.map(() => [] as string[]);
          for (const step of actions) {
            if (step.kind === "append") {
              const lines = Array.from(
                { length: step.lines },
                (_, i) => `${AGENTS[step.agent]} line ${written[step.agent]!.length + i}`,
              );
              ws.append(AGENTS[step.agent]!, ...lines);
              written[step.agent]!.push(...lines);
            } else if (step.kind === "fail") {
              failuresLeft[step.agent]! += step.times;
            } else {
              await h.service.runOnce();
              h.clock.advance(step.advanceSeconds * 1000);
            }
          }
          failuresLeft.fill(0);
          // drain: every backlog and backoff runs out well within 40 cycles of 5 minutes
          for (let i = 0; i < 40; i++) {
            const stats = await h.service.runOnce();
            h.clock.advance(300_000);
            if (stats.lines === 0 && stats.failures === 0 && i > 0) break;
          }

          AGENTS.forEach((id, index) => {
            const delivered = generator
              .callsFor(id)
              .filter((call) => !failed.has(call))
              .flatMap((call) => call.lines);
            expect(delivered).toEqual(written[index]);
            expect(h!.tracker.getPosition(id, "tmux_output")?.last_line_number ?? 0).toBe(
              written[index]!.length,
            );
          });
          const modelCalls = h.of("cycle").reduce((sum, stats) => sum + stats.model_calls, 0);
          expect(modelCalls).toBe(generator.stats.modelCalls);
          expect(h.of("error").length).toBe(failed.size);
        } finally {
          await h?.service.stop();
          await ws.remove();
        }
      }),
      { numRuns: 25 },
    );
  });
});
