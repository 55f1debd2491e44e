import type { ActivityState, OnTrackStatus } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeTime } from "../test/fake-time.js";
import type { Notification } from "./message.js";
import { NotifyPolicy, type PolicyOptions } from "./policy.js";
import { type AgentTransition, reasonOf } from "./transition.js";

type State = [ActivityState | null, OnTrackStatus | null];

function change(id: string, from: State, to: State, extra: Partial<AgentTransition> = {}) {
  return {
    instance_id: id,
    previous: { activity_state: from[0], on_track_status: from[1] },
    current: { activity_state: to[0], on_track_status: to[1] },
    ...extra,
  } satisfies AgentTransition;
}

const WORKING: State = ["working", "on_track"];
const PERMISSION: State = ["waiting_permission", "blocked"];
const LIMITED: State = ["rate_limited", "blocked"];

function setup(options: Partial<PolicyOptions> = {}) {
  const time = fakeTime();
  const sent: Notification[] = [];
  const sentAt: number[] = [];
  const policy = new NotifyPolicy(
    {
      turnEnd: false,
      cooldownMs: 60_000,
      rateLimit: 5,
      rateWindowMs: 60_000,
      summaryWaitMs: 0,
      clock: time.clock,
      timer: time.timer,
      ...options,
    },
    (notification) => {
      sent.push(notification);
      sentAt.push(time.clock());
    },
  );
  return { time, sent, sentAt, policy };
}

describe("what notifies", () => {
  it.each<[string, State, State, boolean, ReturnType<typeof reasonOf>]>([
    [
      "entering a permission prompt",
      WORKING,
      ["waiting_permission", "on_track"],
      false,
      "waiting_permission",
    ],
    ["entering a question", [null, null], ["waiting_input", null], false, "waiting_input"],
    [
      "the summary then saying blocked",
      ["waiting_permission", "on_track"],
      PERMISSION,
      false,
      null,
    ],
    ["a usage limit judged blocked", ["rate_limited", "on_track"], LIMITED, false, "blocked"],
    ["a verdict of off track", WORKING, ["working", "off_track"], false, "off_track"],
    [
      "staying off track with a new activity",
      ["working", "off_track"],
      ["idle", "off_track"],
      false,
      null,
    ],
    ["a finished turn, not asked for", WORKING, ["idle", "on_track"], false, null],
    ["a finished turn, asked for", WORKING, ["idle", "on_track"], true, "turn_end"],
    ["going back to work", PERMISSION, WORKING, true, null],
    [
      "an answered prompt whose old verdict still says blocked",
      PERMISSION,
      ["idle", "blocked"],
      false,
      null,
    ],
  ])("%s", (_, from, to, turnEnd, expected) => {
    expect(reasonOf(change("a", from, to), turnEnd)).toBe(expected);
  });
});

describe("cooldown and rate limit", () => {
  it("a flapping agent is told once per cooldown, and again after it", () => {
    const { time, sent, policy } = setup();
    for (let i = 0; i < 10; i++) {
      policy.transition(change("a", WORKING, PERMISSION));
      time.advance(5_000);
      policy.transition(change("a", PERMISSION, WORKING));
      time.advance(1_000);
    }
    expect(sent).toHaveLength(1);
    expect(policy.stats().cooldown).toBe(9);
    time.advance(60_000);
    policy.transition(change("a", WORKING, PERMISSION));
    expect(sent).toHaveLength(2);
  });

  it("the same agent entering another state within the cooldown is told", () => {
    const { sent, policy } = setup();
    policy.transition(change("a", WORKING, PERMISSION));
    policy.transition(change("a", PERMISSION, ["waiting_input", "blocked"]));
    expect(sent.map((n) => n.agents[0]!.reason)).toEqual(["waiting_permission", "waiting_input"]);
  });

  it("fifty agents hitting a usage limit at once give five messages and one digest", () => {
    const { time, sent, policy } = setup();
    for (let i = 0; i < 50; i++)
      policy.transition(change(`agent-${i}`, ["rate_limited", "on_track"], LIMITED));
    expect(sent).toHaveLength(5);
    expect(sent.every((n) => n.type === "agent")).toBe(true);
    time.advance(59_999);
    expect(sent).toHaveLength(5);
    time.advance(1);
    expect(sent).toHaveLength(6);
    const digest = sent[5]!;
    expect(digest.type).toBe("digest");
    expect(digest.agents).toHaveLength(45);
    expect(digest.title).toBe("agentwatch: and 45 more agents need you");
    expect(digest.text.split("\n")[0]).toMatch(
      /^agentwatch: and 45 more agents need you: agent-5 \(blocked\), agent-6 \(blocked\), .*, and 25 others$/,
    );
    expect(policy.stats()).toMatchObject({ notified: 5, folded: 45, digests: 1 });
  });

  it("an agent that left the state before the digest is not in it", () => {
    const { time, sent, policy } = setup({ rateLimit: 1 });
    policy.transition(change("a", WORKING, PERMISSION));
    policy.transition(change("b", WORKING, PERMISSION));
    policy.transition(change("c", WORKING, PERMISSION));
    policy.transition(change("b", PERMISSION, WORKING));
    time.advance(60_000);
    expect(sent).toHaveLength(2);
    // One agent left: it is told as itself, not as a digest of one.
    expect(sent[1]).toMatchObject({ type: "agent", agents: [{ instance_id: "c" }] });
    expect(policy.stats().resolved).toBe(1);
  });

  it("flush sends what the rate limit holds back at once", () => {
    const { sent, policy } = setup({ rateLimit: 1 });
    for (const id of ["a", "b", "c"]) policy.transition(change(id, WORKING, PERMISSION));
    expect(sent).toHaveLength(1);
    policy.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.agents.map((agent) => agent.instance_id)).toEqual(["b", "c"]);
  });

  it("under any sequence: no more messages per window than the limit, no agent told twice for one reason within the cooldown", () => {
    const states: State[] = [
      WORKING,
      PERMISSION,
      LIMITED,
      ["waiting_input", "blocked"],
      ["idle", "on_track"],
      ["working", "off_track"],
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            agent: fc.integer({ min: 0, max: 7 }),
            state: fc.integer({ min: 0, max: states.length - 1 }),
            wait: fc.integer({ min: 0, max: 30_000 }),
          }),
          { maxLength: 200 },
        ),
        fc.boolean(),
        (steps, turnEnd) => {
          const { time, sent, sentAt, policy } = setup({ turnEnd, rateLimit: 3 });
          const toldAt = new Map<string, number>();
          const current = new Map<number, State>();
          let checked = 0;
          const check = () => {
            for (const notification of sent.slice(checked)) {
              for (const agent of notification.agents) {
                const key = `${agent.instance_id}/${agent.reason}`;
                const last = toldAt.get(key);
                if (last !== undefined) {
                  expect(Date.parse(agent.at) - last).toBeGreaterThanOrEqual(60_000);
                }
                toldAt.set(key, Date.parse(agent.at));
              }
            }
            checked = sent.length;
            for (let i = 3; i < sentAt.length; i++) {
              expect(sentAt[i]! - sentAt[i - 3]!).toBeGreaterThanOrEqual(60_000);
            }
          };
          for (const step of steps) {
            const from = current.get(step.agent) ?? [null, null];
            const to = states[step.state]!;
            current.set(step.agent, to);
            policy.transition(
              change(`a${step.agent}`, from, to, { at: new Date(time.clock()).toISOString() }),
            );
            check();
            time.advance(step.wait);
            check();
          }
          time.advance(120_000);
          check();
          // Nothing is left behind once the window has passed.
          expect(time.pending()).toBe(0);
          expect(policy.stats().transitions).toBe(steps.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("waiting for the summary", () => {
  it("a prompt seen in a read waits for the summary that quotes it", () => {
    const { time, sent, policy } = setup({ summaryWaitMs: 2_000 });
    policy.transition(
      change("a", WORKING, ["waiting_permission", "on_track"], { instance_name: "db" }),
    );
    expect(sent).toHaveLength(0);
    policy.summary("a", {
      activity_state: "waiting_permission",
      on_track_status: "blocked",
      current_activity: "Waiting for permission: Bash(rm -rf build) Do you want to proceed?",
      drift_reasons: [],
      recommended_action: "Approve or deny the agent's request: rm -rf build",
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.agents[0]).toMatchObject({
      detail: "Waiting for permission: Bash(rm -rf build) Do you want to proceed?",
      recommended_action: "Approve or deny the agent's request: rm -rf build",
    });
    time.advance(10_000);
    expect(sent).toHaveLength(1);
  });

  it("without a summary in time it goes out with what is known", () => {
    const { time, sent, policy } = setup({ summaryWaitMs: 2_000 });
    policy.transition(change("a", WORKING, ["waiting_input", "on_track"]));
    // A summary of another state is no reason to send.
    policy.summary("a", {
      activity_state: "working",
      on_track_status: "on_track",
      current_activity: "Running tests",
      drift_reasons: [],
      recommended_action: null,
    });
    expect(sent).toHaveLength(0);
    time.advance(2_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.agents[0]).toMatchObject({
      detail: null,
      recommended_action: "answer its question in its terminal",
    });
  });

  it("an agent that stops waiting before its summary is not told", () => {
    const { time, sent, policy } = setup({ summaryWaitMs: 2_000 });
    policy.transition(change("a", WORKING, ["waiting_input", "on_track"]));
    policy.transition(change("a", ["waiting_input", "on_track"], WORKING));
    time.advance(5_000);
    expect(sent).toHaveLength(0);
  });
});
