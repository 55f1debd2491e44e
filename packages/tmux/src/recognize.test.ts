import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_COMMANDS, agentOf } from "./recognize.js";

describe("agentOf", () => {
  it.each([
    [["claude"], "claude"],
    [["node", "/usr/local/bin/claude", "--resume"], "claude"],
    [["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"], "claude"],
    [["/opt/homebrew/bin/codex", "exec", "fix it"], "codex"],
    [["node", "/home/u/.npm/lib/node_modules/@openai/codex/bin/codex.js"], "codex"],
    [["/usr/bin/python3", "/home/u/.local/bin/aider", "--model", "sonnet"], "aider"],
    [["node", "--no-warnings", "/usr/local/bin/gemini"], "gemini"],
    [["opencode"], "opencode"],
  ])("recognises %j as %s", (argv, agent) => {
    expect(agentOf(argv, DEFAULT_AGENT_COMMANDS)).toBe(agent);
  });

  it.each([
    [["bash"]],
    [["vim", "claude.md"]], // a file named like an agent, edited
    [["grep", "-r", "codex", "src"]],
    [["node", "server.js", "--name", "claude"]],
    [[]],
  ])("does not take %j for an agent", (argv) => {
    expect(agentOf(argv, DEFAULT_AGENT_COMMANDS)).toBeUndefined();
  });

  it("takes the commands it is given", () => {
    expect(agentOf(["/usr/bin/goose", "session"], [...DEFAULT_AGENT_COMMANDS, "goose"])).toBe(
      "goose",
    );
    expect(agentOf(["claude"], ["codex"])).toBeUndefined();
  });
});
