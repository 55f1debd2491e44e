import type { SeededRandom } from "./random.js";

/** One piece of terminal output and the pause before the next one. */
export interface SimStep {
  /** Text to write (may lack a trailing newline: a prompt waiting for an answer). */
  readonly text: string;
  /** Milliseconds to wait after writing it. */
  readonly pauseMs: number;
}

/** The kinds of simulated agent. */
export const SCENARIOS = [
  "implement-feature",
  "codex-refactor",
  "permission-prompt",
  "error-loop",
  "unicode-docs",
  "test-runner",
] as const;

/** A scenario name: what the simulated agent does. */
export type Scenario = (typeof SCENARIOS)[number];

const ESC = "\u001b";
const dim = (text: string) => `${ESC}[2m${text}${ESC}[22m`;
const green = (text: string) => `${ESC}[32m${text}${ESC}[39m`;
const red = (text: string) => `${ESC}[31m${text}${ESC}[39m`;

const SPINNER_WORDS = ["Transfiguring", "Pondering", "Churning", "Percolating", "Synthesizing"];
const FILES = [
  "src/auth/jwt.ts",
  "src/auth/middleware.ts",
  "src/routes/login.ts",
  "src/db/users.ts",
  "test/auth/jwt.test.ts",
];

function step(text: string, pauseMs: number): SimStep {
  return { text, pauseMs };
}

function* spinner(random: SeededRandom, turn: number): Generator<SimStep> {
  const word = random.pick(SPINNER_WORDS);
  const seconds = random.int(2, 59);
  const tokens = (random.int(10, 900) / 10).toFixed(1);
  yield step(`✶ ${word}… (${turn}m ${seconds}s · ↓ ${tokens}k tokens · esc to interrupt)\n`, 150);
}

function* claudeTool(random: SeededRandom, tool: string, argument: string, result: string) {
  yield step(`${random.chance(0.5) ? "⏺" : "●"} ${tool}(${argument})\n`, random.int(40, 160));
  yield step(`  ⎿  ${result}\n`, random.int(80, 300));
}

function* implementFeature(random: SeededRandom): Generator<SimStep> {
  yield step("╭───────────────────────────────────────────────╮\n", 20);
  yield step("│ ✻ Welcome to Claude Code!                     │\n", 20);
  yield step("╰───────────────────────────────────────────────╯\n", 200);
  yield step("> Implement JWT authentication for the login route\n", 300);
  for (let turn = 1; ; turn++) {
    yield* spinner(random, turn);
    const file = random.pick(FILES);
    yield* claudeTool(random, "Read", file, `Read ${random.int(20, 600)} lines`);
    yield* claudeTool(
      random,
      "Update",
      file,
      `Updated ${file} with ${random.int(1, 30)} additions`,
    );
    yield step(
      dim(`       ${random.int(10, 99)} +  export function verifyToken(token: string) {`) + "\n",
      60,
    );
    yield* claudeTool(random, "Bash", "npm test", "Running tests…");
    const failed = random.int(0, 3);
    for (let i = 0; i < random.int(40, 160); i++) {
      const ok = i % 17 !== 3 || failed === 0;
      yield step(
        `    ${ok ? green("✓") : red("✗")} auth › case ${turn}.${i} ${ok ? "" : "(expected 401, got 200)"}\n`,
        5,
      );
    }
    yield step(
      failed > 0
        ? `  Tests: ${red(`${failed} failed`)}, ${random.int(20, 90)} passed, ${random.int(25, 95)} total\n`
        : `  Tests: ${green(`${random.int(20, 90)} passed`)}, ${random.int(20, 90)} total\n`,
      200,
    );
    yield step(`✻ Churned for ${random.int(5, 90)}s\n`, random.int(300, 900));
  }
}

function* codexRefactor(random: SeededRandom): Generator<SimStep> {
  yield step(">_ OpenAI Codex (v0.46.0)\n", 100);
  yield step("› Refactor the payment module to use the new Money type\n", 300);
  for (let turn = 1; ; turn++) {
    for (let s = 1; s <= random.int(2, 5); s++)
      yield step(`• Working (${s}s • esc to interrupt)\n`, 120);
    const file = random.pick([
      "src/payments/money.ts",
      "src/payments/charge.ts",
      "src/payments/refund.ts",
    ]);
    yield step(`• Ran rg -n "amountCents" ${file}\n`, 80);
    for (let i = 0; i < random.int(2, 8); i++) {
      yield step(
        `  └ ${file}:${random.int(1, 300)}:  const amountCents = order.total * 100;\n`,
        20,
      );
    }
    yield step(`• Edited ${file} (+${random.int(1, 40)} -${random.int(1, 20)})\n`, 150);
    yield step("• Ran pnpm vitest run src/payments\n", 200);
    yield step(`  └ Test Files  ${random.int(1, 4)} passed (${random.int(1, 4)})\n`, 400);
  }
}

function* permissionPrompt(random: SeededRandom): Generator<SimStep> {
  yield step("> Migrate the users table to add an email_verified column\n", 300);
  for (let turn = 1; turn <= 3; turn++) {
    yield* spinner(random, turn);
    yield* claudeTool(
      random,
      "Read",
      "migrations/0042_users.sql",
      `Read ${random.int(10, 80)} lines`,
    );
    yield* claudeTool(
      random,
      "Write",
      `migrations/004${turn + 2}_email_verified.sql`,
      "Wrote 12 lines",
    );
  }
  yield step('⏺ Bash(psql "$DATABASE_URL" -f migrations/0045_email_verified.sql)\n', 200);
  yield step("╭──────────────────────────────────────────────────────────────╮\n", 10);
  yield step("│ Bash command                                                 │\n", 10);
  yield step('│   psql "$DATABASE_URL" -f migrations/0045_email_verified.sql │\n', 10);
  yield step("│ Do you want to proceed?                                      │\n", 10);
  yield step("│ ❯ 1. Yes                                                     │\n", 10);
  yield step("│   2. Yes, and don't ask again for psql commands              │\n", 10);
  yield step("│   3. No, and tell Claude what to do differently (esc)        │\n", 10);
  yield step("╰──────────────────────────────────────────────────────────────╯\n", 10);
  // Waiting for an answer: the cursor sits after the prompt, no newline follows.
  yield step("  Esc to cancel · Enter to confirm", 3_600_000);
}

function* errorLoop(random: SeededRandom): Generator<SimStep> {
  yield step("$ npm run dev\n", 200);
  yield step("> api@1.4.0 dev\n> tsx watch src/server.ts\n", 300);
  for (let attempt = 1; ; attempt++) {
    yield step(`[${attempt}] connecting to postgres at 127.0.0.1:5432…\n`, 100);
    yield step("Error: connect ECONNREFUSED 127.0.0.1:5432\n", 20);
    yield step("    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n", 20);
    yield step(`retrying in ${random.int(1, 3)}s\n`, random.int(500, 1500));
  }
}

function* unicodeDocs(random: SeededRandom): Generator<SimStep> {
  yield step("> Translate the README into Japanese and add a changelog entry\n", 300);
  const lines = [
    "# エージェント監視 — agentwatch",
    "ログを少しずつ読み、各エージェントの状態を表示します 🚀",
    "- 進捗: ████████░░ 80%",
    "- Ünïcödé façade naïve café résumé",
    "- 数学: ∑ᵢ xᵢ² ≤ ∞, λ → 0",
    "- 絵文字: 👩‍💻 🧪 ✅ ❌ 🔁",
  ];
  for (let turn = 1; ; turn++) {
    yield* spinner(random, turn);
    yield* claudeTool(random, "Write", "docs/README.ja.md", `Wrote ${random.int(20, 120)} lines`);
    for (const line of lines) yield step(`  ${line}\n`, random.int(60, 240));
    yield step(`✻ Brewed for ${random.int(3, 40)}s\n`, random.int(800, 1600));
  }
}

function* testRunner(random: SeededRandom): Generator<SimStep> {
  for (let run = 1; ; run++) {
    yield step("$ pnpm vitest run\n", 100);
    const files = random.int(20, 60);
    for (let i = 0; i < files; i++) {
      const failed = random.chance(0.1);
      yield step(
        ` ${failed ? red("❯") : green("✓")} src/module-${i}.test.ts (${random.int(1, 40)} tests) ${random.int(3, 900)}ms\n`,
        10,
      );
      // Progress bars redraw in place with carriage returns.
      if (i % 10 === 0)
        yield step(`\r ${dim(`[${"#".repeat(i % 30)}${" ".repeat(30 - (i % 30))}]`)}\r`, 10);
    }
    const failed = random.int(0, 4);
    yield step(
      ` Test Files  ${failed > 0 ? red(`${failed} failed`) + " | " : ""}${files - failed} passed (${files})\n`,
      50,
    );
    yield step(`      Tests  ${random.int(100, 900)} passed\n`, random.int(1000, 2500));
  }
}

/** The steps of a scenario: an endless stream (or, for a prompt, one that stops to wait). */
export function scenarioSteps(scenario: Scenario, random: SeededRandom): Generator<SimStep> {
  switch (scenario) {
    case "implement-feature":
      return implementFeature(random);
    case "codex-refactor":
      return codexRefactor(random);
    case "permission-prompt":
      return permissionPrompt(random);
    case "error-loop":
      return errorLoop(random);
    case "unicode-docs":
      return unicodeDocs(random);
    case "test-runner":
      return testRunner(random);
  }
}
