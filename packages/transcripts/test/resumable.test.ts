import { type AgentEvent, addTokenUsage, emptyTokenUsage } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeEvents, type EventAnalysis } from "../src/analyze-events.js";
import { parseClaudeLines } from "../src/claude-parser.js";
import { parseCodexLines } from "../src/codex-parser.js";
import { parseHookLines } from "../src/hook-parser.js";
import { claudeUsageOracle, fixtureLines } from "./fixtures.js";

type PageParser = (
  lines: readonly string[],
  state: unknown,
) => { events: AgentEvent[]; state: unknown };

const parsers: Record<string, PageParser> = {
  claude: parseClaudeLines,
  codex: parseCodexLines,
  hooks: (lines, state) => {
    const page = parseHookLines(lines, state);
    return { events: page.hooks.map((h) => h.event), state: page.state };
  },
};

/** How a monitor feeds a stream: pages of random sizes, some after a restart, some delivered twice after a crash. */
const schedule = fc.array(
  fc.record({
    size: fc.integer({ min: 1, max: 60 }),
    restart: fc.boolean(), // the state was stored as JSON and read back before this page
    crash: fc.boolean(), // the page was parsed, then the process died before committing it
  }),
  { minLength: 1, maxLength: 40 },
);

interface Step {
  size: number;
  restart: boolean;
  crash: boolean;
}

function feed(parse: PageParser, lines: readonly string[], plan: readonly Step[]) {
  const events: AgentEvent[] = [];
  let committed: unknown = null; // what the monitor stored with the last committed position
  let at = 0;
  let step = 0;
  while (at < lines.length) {
    const { size, restart, crash } = plan[step++ % plan.length]!;
    const page = lines.slice(at, at + size);
    const from: unknown = restart ? JSON.parse(JSON.stringify(committed)) : committed;
    const first = parse(page, from);
    if (crash) {
      // the events and state of `first` are lost with the process; the page comes again, from
      // the state stored before it
      const again = parse(page, JSON.parse(JSON.stringify(committed)));
      expect(again.events).toEqual(first.events);
      events.push(...again.events);
      committed = again.state;
    } else {
      events.push(...first.events);
      committed = first.state;
    }
    at += size;
  }
  return { events, state: committed };
}

const usageTotal = (events: AgentEvent[]) =>
  events.reduce(
    (sum, e) => (e.type === "usage" ? addTokenUsage(sum, e.tokens) : sum),
    emptyTokenUsage(),
  );

describe("parsing resumes across pages, restarts and re-delivered pages", () => {
  const streams: [string, string[]][] = [
    ["claude", fixtureLines("claude-session.jsonl")],
    [
      "claude",
      [
        ...fixtureLines("claude-session.jsonl").slice(0, -1),
        ...fixtureLines("claude-resumed.jsonl"),
        ...fixtureLines("claude-subagent.jsonl"),
      ],
    ],
    ["codex", [...fixtureLines("codex-rollout.jsonl"), ...fixtureLines("codex-legacy.jsonl")]],
    ["hooks", fixtureLines("hooks.jsonl")],
  ];
  for (const [format, lines] of streams) {
    const parse = parsers[format]!;
    const whole = parse(lines, null);
    it(`${format} (${lines.length} lines): the same events, each usage once, however the lines are cut`, () => {
      fc.assert(
        fc.property(schedule, (plan) => {
          const { events, state } = feed(parse, lines, plan);
          expect(events).toEqual(whole.events);
          expect(state).toEqual(JSON.parse(JSON.stringify(whole.state)));
          if (format === "claude") expect(usageTotal(events)).toEqual(claudeUsageOracle(lines));
        }),
        { numRuns: 60 },
      );
    });
  }

  it("claude: the same on a long stream whose memory of ids wraps around, with repeated lines", () => {
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) {
      for (const [part, block] of [
        ["a", { type: "text", text: `step ${i}` }],
        [
          "b",
          { type: "tool_use", id: `t${i}`, name: "Read", input: { file_path: `f${i % 50}.ts` } },
        ],
      ] as const)
        lines.push(
          JSON.stringify({
            type: "assistant",
            sessionId: "s",
            cwd: "/w",
            uuid: `u${i}${part}`,
            requestId: `r${i}`,
            message: {
              id: `m${i}`,
              model: "claude-haiku-4-5",
              content: [block],
              usage: { input_tokens: 3, output_tokens: part === "a" ? 1 : 9 },
            },
          }),
        );
      if (i % 97 === 0 && i > 0)
        lines.push(lines[lines.length - 1 - ((i * 13) % Math.min(lines.length - 1, 2500))]!);
    }
    const whole = parseClaudeLines(lines, null);
    fc.assert(
      fc.property(schedule, (plan) => {
        const { events, state } = feed(parseClaudeLines, lines, plan);
        expect(events).toEqual(whole.events);
        expect(state).toEqual(JSON.parse(JSON.stringify(whole.state)));
      }),
      { numRuns: 15 },
    );
  });

  it("claude: a page delivered again after it was committed adds no event and no usage", () => {
    const lines = fixtureLines("claude-session.jsonl");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: lines.length - 1 }),
        fc.integer({ min: 1, max: 80 }),
        (start, size) => {
          const before = parseClaudeLines(lines.slice(0, start), null);
          const page = parseClaudeLines(lines.slice(start, start + size), before.state);
          const again = parseClaudeLines(lines.slice(start, start + size), page.state);
          expect(again.events).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the analysis resumes across calls", () => {
  const { events } = parseClaudeLines(fixtureLines("claude-session.jsonl"), null);
  const now = new Date("2026-11-20T10:00:00.000Z");
  const lastOutputAt = new Date("2026-11-20T09:59:30.000Z");
  const whole = analyzeEvents(events, { now, lastOutputAt });
  const facts = [
    "state",
    "prompt",
    "last_tool_used",
    "recent_tools",
    "files_touched",
    "commands_run",
    "tests",
    "edits",
    "errors",
    "loop",
    "tokens",
    "cost_usd",
    "first_user_message",
    "waiting",
    "pending_tool",
    "session_id",
    "model",
  ] as const;

  it("gives the same facts whatever the batches, stored as JSON between calls", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 20 }),
        (sizes) => {
          let previous: EventAnalysis | null = null;
          let at = 0;
          let i = 0;
          while (at < events.length) {
            const size = sizes[i++ % sizes.length]!;
            const analysis: EventAnalysis = analyzeEvents(events.slice(at, at + size), {
              now,
              lastOutputAt,
              previous,
            });
            previous = JSON.parse(JSON.stringify(analysis)) as EventAnalysis;
            at += size;
          }
          for (const key of facts) expect(previous![key]).toEqual(whole[key]);
          expect(JSON.stringify(previous!.events_carry).length).toBeLessThan(64 * 1024);
        },
      ),
      { numRuns: 40 },
    );
  });
});
