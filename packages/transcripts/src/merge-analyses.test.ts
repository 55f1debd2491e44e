import { analyzeActivity } from "@agentwatch/activity";
import type { AgentEvent } from "@agentwatch/models";
import { CLAUDE_PROMPT } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { analyzeEvents } from "./analyze-events.js";
import { mergeAnalyses } from "./merge-analyses.js";

const now = new Date("2026-11-20T10:00:00.000Z");
const recently = new Date("2026-11-20T09:59:58.000Z");
const base = {
  at: "2026-11-20T09:59:50.000Z",
  source: "claude_transcript" as const,
  session_id: "s",
};
const input = {
  command: "rm -rf node_modules && npm install",
  file_path: null,
  old_text: null,
  new_text: null,
  pattern: null,
  description: null,
};
const pendingBash: AgentEvent[] = [
  { ...base, type: "user_prompt", text: "Reinstall the dependencies" },
  { ...base, type: "tool_call", call_id: "t1", tool: "Bash", input },
];

describe("mergeAnalyses", () => {
  it("takes a permission dialog from the screen while the events show the call pending", () => {
    const terminal = analyzeActivity(CLAUDE_PROMPT, { now, lastOutputAt: recently });
    expect(terminal.state).toBe("waiting_permission");
    const events = analyzeEvents(pendingBash, { now, lastOutputAt: recently });
    expect(events.state).toBe("working");
    const merged = mergeAnalyses(terminal, events);
    expect(merged.state).toBe("waiting_permission");
    expect(merged.prompt).toContain("Do you want to proceed?");
    expect(merged.state_reason).toBe("screen: a permission dialog for Bash is open");
    expect(merged.pending_tool).toMatchObject({ tool: "Bash" });
  });

  it("takes a permission dialog from the screen while the events show only the agent's text", () => {
    const terminal = analyzeActivity(CLAUDE_PROMPT, { now, lastOutputAt: recently });
    const events = analyzeEvents(
      [
        { ...base, type: "user_prompt", text: "Reinstall the dependencies" },
        { ...base, type: "assistant_text", text: "I'll reinstall them from scratch." },
      ],
      { now, lastOutputAt: recently },
    );
    expect(events.state).toBe("working");
    const merged = mergeAnalyses(terminal, events);
    expect(merged.state).toBe("waiting_permission");
    expect(merged.state_reason).toBe("screen: a permission dialog is open");
  });

  it("keeps the events as the truth for tools, files and usage, and both carries", () => {
    const terminal = analyzeActivity(["⏺ Read(src/other.ts)", "⏺ Bash(make)"], {
      now,
      lastOutputAt: recently,
    });
    const events = analyzeEvents(pendingBash, { now, lastOutputAt: recently });
    const merged = mergeAnalyses(terminal, events);
    expect(merged.recent_tools).toEqual(["Bash"]);
    expect(merged.commands_run).toEqual(["rm -rf node_modules && npm install"]);
    expect(merged.carry).toBe(terminal.carry);
    expect(merged.events_carry).toBe(events.events_carry);
    // the merge can be passed back to both analyzers
    const next = analyzeActivity(["$ ls"], { now, lastOutputAt: recently, previous: merged });
    expect(next.agent_kind).toBe("claude-code");
    expect(
      analyzeEvents([], { now, lastOutputAt: recently, previous: merged }).recent_tools,
    ).toEqual(["Bash"]);
  });

  it("takes the end of the program from the screen", () => {
    const terminal = analyzeActivity(["$ claude", "[Process exited with code 0]"], {
      now,
      lastOutputAt: recently,
    });
    expect(terminal.state).toBe("exited");
    const merged = mergeAnalyses(
      terminal,
      analyzeEvents(pendingBash, { now, lastOutputAt: recently }),
    );
    expect(merged.state).toBe("exited");
  });

  it("fills the preview from the screen when the events give none, and keeps theirs otherwise", () => {
    const terminal = analyzeActivity(["Compiling 3 files", "done in 2.1s"], {
      now,
      lastOutputAt: recently,
    });
    const withoutText = mergeAnalyses(
      terminal,
      analyzeEvents(pendingBash, { now, lastOutputAt: recently }),
    );
    expect(withoutText.output_preview).toBe(terminal.output_preview);
    const withText = mergeAnalyses(
      terminal,
      analyzeEvents([{ ...base, type: "assistant_text", text: "Reinstalling now." }], {
        now,
        lastOutputAt: recently,
      }),
    );
    expect(withText.output_preview).toBe("Reinstalling now.");
  });

  it("prefers the screen's state to one the events only guess from silence", () => {
    const guessed = analyzeEvents(
      [
        { ...base, type: "user_prompt", text: "go" },
        { ...base, type: "assistant_text", text: "Writing the module now." },
      ],
      { now, lastOutputAt: new Date("2026-11-20T09:50:00.000Z") },
    );
    expect(guessed.state).toBe("idle");
    const terminal = analyzeActivity(["✻ Writing… (12s · esc to interrupt)"], {
      now,
      lastOutputAt: recently,
    });
    expect(terminal.state).toBe("working");
    expect(mergeAnalyses(terminal, guessed).state).toBe("working");
  });

  it("takes the prompt back on screen over events that only lack a turn end", () => {
    const answered: AgentEvent[] = [
      { ...base, type: "user_prompt", text: "Rename the helper" },
      { ...base, type: "assistant_text", text: "Renamed it in all three files." },
    ];
    const events = analyzeEvents(answered, { now, lastOutputAt: recently });
    expect(events.state).toBe("working");
    const terminal = analyzeActivity(["• Renamed it in all three files.", "", "› "], {
      now,
      lastOutputAt: recently,
    });
    expect(terminal.state).toBe("idle");
    const merged = mergeAnalyses(terminal, events);
    expect(merged.state).toBe("idle");
    expect(merged.state_reason).toBe("screen: the prompt is back and no call is running");
    // a call still running is not overruled by a prompt on screen
    const running = analyzeEvents(pendingBash, { now, lastOutputAt: recently });
    expect(mergeAnalyses(terminal, running).state).toBe("working");
  });

  it("takes a usage limit shown on screen even when the events of the same read are new", () => {
    const events = analyzeEvents(
      [{ ...base, type: "assistant_text", text: "Let me run the migration." }],
      { now, lastOutputAt: recently },
    );
    const terminal = analyzeActivity(
      ["⏺ Let me run the migration.", "  ⎿  5-hour limit reached ∙ resets 3pm"],
      { now, lastOutputAt: recently },
    );
    expect(terminal.state).toBe("rate_limited");
    expect(mergeAnalyses(terminal, events).state).toBe("rate_limited");
  });

  it("returns whichever analysis exists when the other does not", () => {
    const terminal = analyzeActivity(["$ ls"], { now, lastOutputAt: null });
    const events = analyzeEvents(pendingBash, { now, lastOutputAt: null });
    expect(mergeAnalyses(terminal, null)).toBe(terminal);
    expect(mergeAnalyses(null, events)).toBe(events);
    expect(mergeAnalyses(null, null)).toBeNull();
  });
});
