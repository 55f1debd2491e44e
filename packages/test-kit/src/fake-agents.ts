import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Claude Code at a permission prompt. */
export const CLAUDE_PROMPT = [
  "╭───────────────────────────────────────────╮",
  "│ ✻ Welcome to Claude Code!                 │",
  "╰───────────────────────────────────────────╯",
  "> Reinstall the dependencies",
  "⏺ Bash(rm -rf node_modules && npm install)",
  "╭──────────────────────────────────────────╮",
  "│ Bash command                             │",
  "│   rm -rf node_modules && npm install     │",
  "│ Do you want to proceed?                  │",
  "│ ❯ 1. Yes                                 │",
  "│   2. Yes, and don't ask again            │",
  "│   3. No, and tell Claude what to do differently (esc) │",
  "╰──────────────────────────────────────────╯",
];

/** Codex CLI at work. */
export const CODEX_WORKING = [
  ">_ OpenAI Codex (v0.46.0)",
  "› Refactor the payment module to use the Money type",
  "• Ran rg -n Money src/payments",
  "  └ src/payments/charge.ts:12: amount: number",
  "• Edited src/payments/charge.ts (+4 -2)",
  "• Running pnpm vitest run src/payments",
];

/** aider at its prompt. */
export const AIDER_IDLE = [
  "Aider v0.86.1",
  "Main model: anthropic/claude-sonnet-4 with diff edit format",
  "Git repo: .git with 42 files",
  "Added src/app.py to the chat.",
  "Applied edit to src/app.py",
  "Commit 1a2b3c4 fix: handle empty input",
  "> ",
];

/**
 * Writes fake agents into `<dir>/bin`: shell scripts named like the real programs (`claude`,
 * `codex`, `aider`), which print agent-like output and then wait for input, as the real ones do
 * in their panes. Resolves to the bin directory.
 */
export async function writeFakeAgents(dir: string): Promise<string> {
  const bin = join(dir, "bin");
  await mkdir(bin, { recursive: true });
  const script = (lines: string[]) =>
    [
      "#!/bin/sh",
      ...lines.map((line) => `printf '%s\\n' '${line.replace(/'/g, `'\\''`)}'`),
      "while read -r answer; do printf 'answered: %s\\n' \"$answer\"; done",
      "",
    ].join("\n");
  for (const [name, lines] of [
    ["claude", CLAUDE_PROMPT],
    ["codex", CODEX_WORKING],
    ["aider", AIDER_IDLE],
  ] as const) {
    await writeFile(join(bin, name), script([...lines]));
    await chmod(join(bin, name), 0o755);
  }
  return bin;
}
