import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AnthropicProvider,
  GuardedProvider,
  type ProviderError,
  SummaryGenerator,
} from "../src/index.js";
import { FakeAnthropic, reply } from "./helpers/fake-anthropic.js";
import { judgeInput } from "./helpers/inputs.js";

const VERDICT = {
  current_activity: "Writing the JWT middleware",
  on_track_status: "on_track",
  confidence_score: 0.8,
  drift_reasons: [],
  alignment_keywords: ["jwt"],
  recommended_action: null,
};
const LINES = ["⏺ Edit(src/auth/jwt.ts)", "  ⎿  Updated src/auth/jwt.ts with 12 additions"];

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await FakeAnthropic.start();
});
afterEach(async () => {
  await fake.close();
});

/** A clock the test moves. */
function fakeClock(start = Date.parse("2026-12-06T10:00:00Z")) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

function model(): AnthropicProvider {
  // one attempt per verdict and a long request timeout: the guard's deadline is what ends a call
  return new AnthropicProvider({
    apiKey: "test-key",
    baseURL: fake.baseURL,
    maxAttempts: 1,
    timeoutMs: 60_000,
  });
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    return error as ProviderError;
  }
  throw new Error("expected a rejection");
}

describe("GuardedProvider", () => {
  it("a silent endpoint: each call ends at its deadline, the breaker opens after three, and no call is sent while it is open", async () => {
    const clock = fakeClock();
    const guarded = new GuardedProvider(model(), { deadlineMs: 200, clock: clock.read });
    fake.script(reply.hang(), reply.hang(), reply.hang());
    for (let i = 0; i < 3; i++) {
      const error = await rejection(guarded.judge(judgeInput(LINES)));
      expect(error.code).toBe("MODEL_DEADLINE");
    }
    expect(guarded.status().state).toBe("open");
    expect(guarded.status().unavailableSince).toBe(clock.now);
    const sent = fake.requests.length;
    const refused = await rejection(guarded.judge(judgeInput(LINES)));
    expect(refused.code).toBe("MODEL_UNAVAILABLE");
    expect(refused.message).toMatch(/model unavailable since 2026-12-06T10:00:00.000Z/);
    expect(fake.requests.length).toBe(sent); // nothing sent
    expect(guarded.stats).toEqual({ started: 3, finished: 0, failed: 3, skipped: 1 });
  });

  it("after the open time one probe goes; its success closes the breaker", async () => {
    const clock = fakeClock();
    const guarded = new GuardedProvider(model(), {
      deadlineMs: 60_000,
      openMs: 60_000,
      clock: clock.read,
    });
    fake.script(...Array.from({ length: 3 }, () => reply.error(500, "api_error")));
    for (let i = 0; i < 3; i++) await rejection(guarded.judge(judgeInput(LINES)));
    clock.now += 59_000;
    expect((await rejection(guarded.judge(judgeInput(LINES)))).code).toBe("MODEL_UNAVAILABLE");
    clock.now += 2_000;
    fake.script(reply.tool(VERDICT));
    const verdict = await guarded.judge(judgeInput(LINES));
    expect(verdict.on_track_status).toBe("on_track");
    expect(guarded.status()).toEqual({
      state: "closed",
      unavailableSince: null,
      retryAt: null,
      lastError: null,
    });
  });

  it("a failed probe opens the breaker again at once", async () => {
    const clock = fakeClock();
    const guarded = new GuardedProvider(model(), { openMs: 1_000, clock: clock.read });
    fake.script(...Array.from({ length: 4 }, () => reply.error(500, "api_error")));
    for (let i = 0; i < 3; i++) await rejection(guarded.judge(judgeInput(LINES)));
    clock.now += 1_001;
    await rejection(guarded.judge(judgeInput(LINES))); // the probe
    expect(guarded.status().state).toBe("open");
    expect(guarded.status().retryAt).toBe(clock.now + 1_000);
  });

  it("behind a SummaryGenerator, an open breaker gives the offline verdict with the reason", async () => {
    const clock = fakeClock();
    const guarded = new GuardedProvider(model(), { deadlineMs: 100, clock: clock.read });
    fake.script(reply.hang(), reply.hang(), reply.hang());
    const generator = new SummaryGenerator({ provider: guarded, clock: clock.read });
    for (let i = 0; i < 3; i++) await generator.generateSummary("a", LINES, {});
    const summary = await generator.generateSummary("a", LINES, {});
    expect(summary.drift_reasons.join(" ")).toMatch(/model unavailable/);
    expect(guarded.stats.skipped).toBe(1);
  });

  it("refuses options out of range", () => {
    expect(() => new GuardedProvider(model(), { failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new GuardedProvider(model(), { deadlineMs: -1 })).toThrow(/deadlineMs/);
  });
});
