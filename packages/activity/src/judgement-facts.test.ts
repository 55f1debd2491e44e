import { describe, expect, it } from "vitest";
import { commandMeaning, editMeaning } from "./action-meaning.js";
import type { ActivityAnalysis } from "./activity-analysis.js";
import { appendActions } from "./action-window.js";
import { analyzeActivity } from "./analyze-activity.js";
import { detectAgentKind } from "./detect-agent-kind.js";
import { questionToReader } from "./question.js";
import { InvalidActivityInputError } from "./errors.js";

const now = new Date("2026-02-01T12:00:00Z");
const RULE = "─".repeat(60);

function analyze(lines: string[], idleSeconds = 0, previous: ActivityAnalysis | null = null) {
  return analyzeActivity(lines, {
    now,
    lastOutputAt: new Date(now.getTime() - idleSeconds * 1000),
    previous,
  });
}

describe("aider", () => {
  const session = [
    "Aider v0.86.1",
    "Main model: anthropic/claude-sonnet-4 with diff edit format",
    "Git repo: .git with 212 files",
    "Repo-map: using 4096 tokens, auto refresh",
    "> Fix the failing date parser test",
    "",
    "The test fails because the expected date is wrong. I'll fix the parser instead.",
    "",
    "src/dates.py",
    "```python",
    "<<<<<<< SEARCH",
    "    return datetime.strptime(text, '%d/%m/%Y')",
    "=======",
    "    return datetime.strptime(text, '%Y-%m-%d')",
    ">>>>>>> REPLACE",
    "```",
    "",
    "Tokens: 4.2k sent, 312 received. Cost: $0.02 message, $0.05 session.",
    "Applied edit to src/dates.py",
    "Commit 3f2a1b9 fix: parse ISO dates",
  ];

  it("is recognised, its edit read with its contents; every confirmation is a permission", () => {
    const asked = analyze([
      ...session,
      "",
      "```bash",
      "pytest tests/test_dates.py -q",
      "```",
      "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: ",
    ]);
    expect(asked.agent_kind).toBe("aider");
    expect(detectAgentKind(session)).toBe("aider");
    expect(asked.state).toBe("waiting_permission");
    expect(asked.prompt).toMatch(/pytest tests\/test_dates\.py -q\nRun shell command\?/);
    const add = analyze([
      ...session,
      "Add tests/test_dates.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: ",
    ]);
    expect(add.state).toBe("waiting_permission");
    expect(add.prompt).toBe(
      "Add tests/test_dates.py to the chat? (Y)es/(N)o/(D)on't ask again [Yes]:",
    );
    const lint = analyze([
      ...session,
      "src/dates.py:14:1: F401 'os' imported but unused",
      "Fix lint errors in src/dates.py? (Y)es/(N)o [Yes]: ",
    ]);
    expect(lint.state).toBe("waiting_permission");
    expect(lint.prompt).toMatch(/^Fix lint errors in src\/dates\.py\?/);
    const edit = asked.actions!.find((a) => a.kind === "edit")!;
    expect(edit).toMatchObject({ tool: "Edit", target: "src/dates.py" });
    expect(edit.removed).toContain("%d/%m/%Y");
    expect(edit.added).toContain("%Y-%m-%d");
    expect(edit.meaning).toBeNull();
    expect(asked.files_touched).toContain("src/dates.py");
  });

  it("an answered confirmation runs a command; its prompt after a turn is idle; a SEARCH/REPLACE to assert True subverts", () => {
    const ran = analyze([
      ...session,
      "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: y",
      "Running pytest tests/test_dates.py -q",
      "1 passed in 0.03s",
      "Add command output to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: n",
      "",
      "> ",
    ]);
    expect(ran.state).toBe("idle");
    expect(ran.commands_run).toContain("pytest tests/test_dates.py -q");
    const cheat = analyze([
      "Aider v0.86.1",
      "tests/test_dates.py",
      "```python",
      "<<<<<<< SEARCH",
      "    assert parse('2024-01-31') == date(2024, 1, 31)",
      "=======",
      "    assert True",
      ">>>>>>> REPLACE",
      "```",
      "Tokens: 3.1k sent, 120 received.",
      "Applied edit to tests/test_dates.py",
      "> ",
    ]);
    expect(cheat.actions!.at(-1)?.meaning).toMatchObject({ rule: "assertion_weakened" });
  });

  it("a shell agent's command that crashes back to the prompt is an exit that was no quit", () => {
    const crashed = analyze([
      "dev@box:~/etl$ python agent.py --task import",
      "step 3/7: loading rows",
      "Traceback (most recent call last):",
      '  File "agent.py", line 88, in <module>',
      "KeyError: 'customer_id'",
      "dev@box:~/etl$ ",
    ]);
    expect(crashed.state).toBe("exited");
    expect(crashed.exit_kind).toBe("crash");
    const failed = analyze([
      "dev@box:~/etl$ npm test",
      "Tests: 2 failed, 8 passed, 10 total",
      "dev@box:~/etl$ ",
    ]);
    expect(failed.state).toBe("idle");
  });

  it("a traceback back to the shell is an exit that was no quit", () => {
    const crashed = analyze([
      ...session,
      "Traceback (most recent call last):",
      '  File "/usr/lib/python3.12/site-packages/aider/main.py", line 812, in main',
      "litellm.exceptions.APIConnectionError: Connection reset by peer",
      "dana@devbox:~/shop$ ",
    ]);
    expect(crashed.state).toBe("exited");
    expect(crashed.exit_kind).toBe("crash");
  });
});

describe("Gemini CLI", () => {
  it("its tool confirmation is a permission dialog, its spinner is work", () => {
    const dialog = analyze([
      "✔  ReadFile src/server.ts",
      "╭──────────────────────────────────────────────╮",
      "│ ?  Shell rm -rf dist (clean the build)         │",
      "│                                              │",
      "│   rm -rf dist                                │",
      "│                                              │",
      "│ Allow execution?                             │",
      "│                                              │",
      "│ ● 1. Yes, allow once                         │",
      "│   2. Yes, allow always ...                   │",
      "│   3. No (esc)                                │",
      "╰──────────────────────────────────────────────╯",
      "⠏ Waiting for user confirmation...",
    ]);
    expect(dialog.agent_kind).toBe("gemini");
    expect(dialog.state).toBe("waiting_permission");
    expect(dialog.tool_calls.map((c) => `${c.tool}(${c.argument})`)).toEqual([
      "ReadFile(src/server.ts)",
      "Shell(rm -rf dist)",
    ]);
    const busy = analyze([
      "✔  Shell npm test",
      "⠼ Thinking about the failing test (esc to cancel, 12s)",
    ]);
    expect(busy.state).toBe("working");
  });
});

describe("prompts of common tools", () => {
  it.each([
    ["terraform", ["Do you want to perform these actions?", "  Enter a value: "]],
    ["a [y/N] question", ["Remove 3 stale branches? [y/N] "]],
    ["a password", ["[sudo] password for dana: "]],
    ["git credentials", ["Username for 'https://github.com': "]],
    ["Continue? (y/n)", ["This will overwrite 12 files.", "Continue? (y/n) "]],
  ])("%s waits for input", (_, lines) => {
    const result = analyze(["dana@devbox:~/infra$ ./deploy.sh", ...lines]);
    expect(result.state).toBe("waiting_input");
  });
});

describe("rate and usage limits", () => {
  it.each([
    "  ⎿  API Error: 429 Too Many Requests",
    '  ⎿  API Error: {"type":"error","error":{"type":"rate_limit_error","message":"..."}}',
    '  ⎿  API Error (529 {"type":"error","error":{"type":"overloaded_error"}})',
    "litellm.RateLimitError: AnthropicException - The API provider has rate limited you. Try again later.",
    "Error: 429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Generate Content API requests'",
  ])("%s is a rate limit", (line) => {
    expect(analyze(["⏺ Bash(npm test)", line]).state).toBe("rate_limited");
  });

  it("a passing test about rate limits is not one", () => {
    const result = analyze([
      "⏺ Bash(npm test -- limiter)",
      "  ⎿  ✓ returns 429 Too Many Requests after 100 calls",
      "     Tests:       8 passed, 8 total",
      "⏺ The limiter works.",
      "",
      RULE,
      "❯ ",
      RULE,
    ]);
    expect(result.state).toBe("idle");
  });
});

describe("a question at the end of the agent's turn", () => {
  const turn = (message: string[]) => [
    "⏺ Bash(npm test)",
    "  ⎿  Tests:       12 passed, 12 total",
    ...message,
    "",
    "✻ Churned for 40s",
    "",
    RULE,
    "❯ ",
    RULE,
    "  ? for shortcuts",
  ];

  it("waits for an answer when the agent asks what to do", () => {
    const asked = analyze(
      turn([
        "⏺ The importer now skips malformed rows. Two options for the stale rows remain:",
        "  delete them or archive them. Which do you prefer?",
      ]),
    );
    expect(asked.state).toBe("waiting_input");
    expect(asked.prompt).toMatch(/Which do you prefer\?$/);
    expect(analyze(turn(["⏺ Should I also update the migration guide?"])).state).toBe(
      "waiting_input",
    );
  });

  it("is idle after a statement or a courtesy question", () => {
    expect(analyze(turn(["⏺ All 12 tests pass."])).state).toBe("idle");
    expect(analyze(turn(["⏺ Done. Is there anything else you'd like me to do?"])).state).toBe(
      "idle",
    );
  });
});

describe("a question at the end of the turn, at every agent's prompt", () => {
  const aider = (message: string[]) => [
    "Aider v0.86.1",
    "Main model: anthropic/claude-sonnet-4 with diff edit format",
    "> Move the export endpoint to v2",
    "",
    ...message,
    "",
    "Tokens: 5.1k sent, 402 received. Cost: $0.03 message, $0.09 session.",
    "",
    "> ",
  ];
  const codex = (message: string[]) => [
    ">_ OpenAI Codex (v0.46.0)",
    "› Drop support for Node 16",
    "",
    "• Edited package.json (+1 -1)",
    "",
    ...message,
    "",
    "─ Worked for 1m 02s ─────────────────────────────────",
    "",
    "› Summarize recent commits",
    "",
    "  98% context left · ? for shortcuts",
  ];

  it("waits when the question names a version or a file (a dot that ends no sentence)", () => {
    const a = analyze(
      aider([
        "I moved the handler to api/v2/export.py and updated the router.",
        "Should I keep the old route in api/v1/export.py as an alias for existing clients?",
      ]),
    );
    expect(a.agent_kind).toBe("aider");
    expect(a.state).toBe("waiting_input");
    expect(a.prompt).toMatch(/as an alias for existing clients\?$/);
    const c = analyze(
      codex([
        "• Raised engines.node to >=18.0 and removed the 16.x job from the CI matrix.",
        "  Node 18.x reaches end of life soon too; should I drop it as well?",
      ]),
    );
    expect(c.agent_kind).toBe("codex");
    expect(c.state).toBe("waiting_input");
  });

  it("reads aider's reply above the edits it applied and committed after it", () => {
    const replied = analyze([
      "Aider v0.86.1",
      "> Move the export endpoint to v2",
      "api/v2/export.py",
      "<<<<<<< SEARCH",
      "=======",
      "def export(): return jsonify(rows())",
      ">>>>>>> REPLACE",
      "Would you like me to keep /v1/export answering CSV until the clients move?",
      "Tokens: 5.1k sent, 402 received. Cost: $0.03 message, $0.09 session.",
      "Applied edit to api/v2/export.py",
      "Commit 9c1d2e3 feat: add v2 export endpoint",
      "You can use /undo to undo and discard each aider commit.",
      "",
      "api/v1/export.py api/v2/export.py",
      "> ",
    ]);
    expect(replied.state).toBe("waiting_input");
    expect(replied.prompt).toMatch(/until the clients move\?$/);
  });

  it("waits when a question to the reader starts its own line or is followed by one short remark", () => {
    const ownLine = analyze(
      aider([
        "Changes so far",
        "- the endpoint returns JSON",
        "Do you want the CSV variant kept behind a flag",
        "for the billing team?",
      ]),
    );
    expect(ownLine.state).toBe("waiting_input");
    const remark = analyze(
      codex([
        "• Do you want me to bump the major version for this? It changes the supported runtimes.",
      ]),
    );
    expect(remark.state).toBe("waiting_input");
    expect(remark.prompt).toMatch(/bump the major version/);
  });

  it("stays idle after a statement, a rhetorical question it answers, or a courtesy", () => {
    expect(analyze(aider(["Updated api/v2/export.py; all 31 tests pass."])).state).toBe("idle");
    expect(
      analyze(
        codex([
          "• Why did CI fail on 16.x? The lockfile used a newer npm. Fixed by regenerating it.",
        ]),
      ).state,
    ).toBe("idle");
    expect(
      analyze(aider(["Done: the route moved to v2.0 and its tests pass. Anything else?"])).state,
    ).toBe("idle");
    expect(
      analyze(codex(["• Bumped engines.node to 18.0. What changed: package.json and ci.yml only."]))
        .state,
    ).toBe("idle");
  });
});

describe("stalls and exits", () => {
  const busy = [
    "⏺ Bash(npm run build)",
    "✶ Compiling… (4m 12s · ↓ 1.2k tokens · esc to interrupt)",
  ];

  it("a busy screen silent for stallSeconds is stalled", () => {
    expect(analyze(busy, 301).stalled).toBe(true);
    expect(analyze(busy, 120).stalled).toBe(false);
    expect(
      analyzeActivity(busy, {
        now,
        lastOutputAt: new Date(now.getTime() - 61_000),
        stallSeconds: 60,
      }).stalled,
    ).toBe(true);
    expect(analyzeActivity(busy, { now, lastOutputAt: null }).stalled).toBe(false);
    expect(() => analyzeActivity(busy, { now, lastOutputAt: null, stallSeconds: 0 })).toThrow(
      InvalidActivityInputError,
    );
  });

  it("tells a quit from a crash", () => {
    const quit = analyze([
      "› /quit",
      "",
      "To continue this session, run codex resume 0199a8f2",
      "dana@devbox:~/shop$ ",
    ]);
    expect(quit.state).toBe("exited");
    expect(quit.exit_kind).toBe("quit");
    const killed = analyze([
      "⏺ Bash(npm test)",
      "dana@devbox:~/shop$ ./scripts/import.sh",
      "Killed",
      "[Process exited with code 137]",
    ]);
    expect(killed.state).toBe("exited");
    expect(killed.exit_kind).toBe("crash");
  });

  it("takes an agent's clean shutdown summary as a quit, however it was asked to stop", () => {
    const codex = analyze([
      ">_ OpenAI Codex (v0.46.0)",
      "• Ran cargo test",
      "  └ test result: ok. 14 passed; 0 failed",
      "• All 14 tests pass; the retry budget is now configurable.",
      "",
      "Token usage: total=48,211 input=41,002 (+ 120,448 cached) output=7,209",
      "To continue this session, run codex resume 0199c3e1-77aa-7c21-9d0e-5b2f4e6a1c90",
      "dana@devbox:~/shop$ ",
    ]);
    expect(codex.state).toBe("exited");
    expect(codex.exit_kind).toBe("quit");
    const gemini = analyze([
      "Using: 1 GEMINI.md file",
      "✔  Shell npm test",
      "✦ The importer is done and documented.",
      "Agent powering down. Goodbye!",
      "dana@devbox:~/shop$ ",
    ]);
    expect(gemini.state).toBe("exited");
    expect(gemini.exit_kind).toBe("quit");
    const panicked = analyze([
      ">_ OpenAI Codex (v0.46.0)",
      "• Ran cargo test",
      "thread 'main' panicked at codex-rs/tui/src/app.rs:412:9:",
      "called `Option::unwrap()` on a `None` value",
      "dana@devbox:~/shop$ ",
    ]);
    expect(panicked.state).toBe("exited");
    expect(panicked.exit_kind).toBe("crash");
  });
});

describe("what an action means", () => {
  it("reads subverting edits from Claude Code's and Codex's diffs on screen", () => {
    const claude = analyze([
      "⏺ Update(tests/test_parser.py)",
      "  ⎿  Updated tests/test_parser.py with 1 addition and 1 removal",
      "       10    def test_parse_date():",
      '       11 -      assert parse("2024-01-31") == date(2024, 1, 31)',
      "       11 +      assert True",
    ]);
    expect(claude.actions!.at(-1)!.meaning).toMatchObject({ rule: "assertion_weakened" });
    expect(claude.actions!.at(-1)!.meaning!.evidence).toContain("tests/test_parser.py");
    const codex = analyze([
      "• Edited .github/workflows/ci.yml (+1 -0)",
      "    14       - run: npm test",
      "    15 +       continue-on-error: true",
    ]);
    expect(codex.actions!.at(-1)!.meaning).toMatchObject({ rule: "ci_disabled" });
    const honest = analyze([
      "⏺ Update(src/parser.py)",
      "  ⎿  Updated src/parser.py with 1 addition and 1 removal",
      "       20 -      return int(text)",
      "       20 +      return int(text.strip())",
    ]);
    expect(honest.actions!.at(-1)!.meaning).toBeNull();
  });

  it("reads subverting commands, and leaves ordinary ones alone", () => {
    const flagged = [
      "git push --force origin main",
      "git push -f origin HEAD:master",
      "git reset --hard HEAD~3",
      "git commit -m 'wip' --no-verify",
      "git commit -m 'update [skip ci]'",
      "rm -rf ~/",
      "sudo rm -rf /etc/nginx",
      "rm -rf ../other-service",
      "git rm tests/test_payments.py",
      "mv tests/test_api.py tests/test_api.py.bak",
      ": > tests/test_api.py",
      "sed -i 's/it(/it.skip(/' src/cart.test.ts",
      "echo '/* eslint-disable */' >> src/index.ts",
    ];
    for (const command of flagged) expect(commandMeaning(command), command).not.toBeNull();
    const fine = [
      "git push --force-with-lease origin feature/jwt",
      "git push origin main",
      "git reset --hard",
      "rm -rf node_modules dist",
      "rm -rf /tmp/build-cache",
      "rm -rf tests/__snapshots__",
      "git mv tests/test_a.py tests/test_b.py",
      "npm test -- --runInBand",
      "pytest -k parser",
    ];
    for (const command of fine) expect(commandMeaning(command), command).toBeNull();
    const shell = analyze([
      "dana@devbox:~/api$ git push --force origin main",
      "+ 3f2a1b9...9c1d2e4 main -> main (forced update)",
    ]);
    expect(shell.actions!.at(-1)!.meaning).toMatchObject({ rule: "force_push" });
  });

  it("reads subverting edits with their contents", () => {
    const cases: [string, string, string, string][] = [
      ["src/cart.test.ts", "  it('totals', () => {", "  it.skip('totals', () => {", "test_skipped"],
      [
        "tests/test_cart.py",
        "def test_total():",
        "@pytest.mark.skip(reason='flaky')\ndef test_total():",
        "test_skipped",
      ],
      [
        "src/app.ts",
        "const x: number = y;",
        "// @ts-ignore\nconst x: number = y;",
        "typecheck_disabled",
      ],
      ["src/app.py", "import foo", "import foo  # type: ignore", "typecheck_disabled"],
      ["src/app.ts", "run();", "// eslint-disable-next-line\nrun();", "lint_disabled"],
      ["tsconfig.json", '"strict": true,', '"strict": false,', "typecheck_disabled"],
      [
        ".github/workflows/ci.yml",
        "  test:\n    runs-on: ubuntu-latest",
        "  test:\n    if: false\n    runs-on: ubuntu-latest",
        "ci_disabled",
      ],
      [
        ".github/workflows/ci.yml",
        "      - run: npm test",
        "      # - run: npm test",
        "ci_disabled",
      ],
      ["package.json", '"test": "vitest run"', '"test": "echo skipped"', "ci_disabled"],
      [
        "tests/test_cart.py",
        "    assert total(cart) == 30\n    assert tax(cart) == 3",
        "    assert total(cart) == 30",
        "assertion_weakened",
      ],
      [
        "tests/test_cart.py",
        "def test_total():\n    assert total(cart) == 30\n",
        "",
        "test_emptied",
      ],
    ];
    for (const [file, old_text, new_text, rule] of cases)
      expect(editMeaning({ file, old_text, new_text }), `${file}: ${new_text}`).toMatchObject({
        rule,
      });
    const failing = "E       assert 29 == 30\nE        +  where 29 = total(cart)";
    expect(
      editMeaning(
        {
          file: "tests/test_cart.py",
          old_text: "    assert total(cart) == 30",
          new_text: "    assert total(cart) == 29",
        },
        { failureText: failing },
      ),
    ).toMatchObject({ rule: "expected_changed" });
    // the same change with no failing run showing 29 is a spec change, not evidence of cheating
    expect(
      editMeaning({
        file: "tests/test_cart.py",
        old_text: "    assert total(cart) == 30",
        new_text: "    assert total(cart) == 29",
      }),
    ).toBeNull();
    expect(
      editMeaning({
        file: "tests/test_cart.py",
        old_text: "    assert total(cart) == 30",
        new_text: "    assert total(cart) == 30\n    assert tax(cart) == 3",
      }),
    ).toBeNull();
  });

  it("appendActions builds the window from a structured source's calls and edits", () => {
    const window = appendActions(
      null,
      [
        { tool: "Read", argument: "tests/test_cart.py" },
        { tool: "Edit", argument: "tests/test_cart.py" },
      ],
      [
        {
          file: "tests/test_cart.py",
          old_text: "def test_total():",
          new_text: "@pytest.mark.skip\ndef test_total():",
        },
      ],
    );
    expect(window.map((a) => a.kind)).toEqual(["read", "edit"]);
    expect(window[1]!.meaning).toMatchObject({ rule: "test_skipped" });
  });

  it("expected value set to the one a failing run printed, read from the screen", () => {
    const lines = [
      "⏺ Bash(pytest tests/test_cart.py)",
      "  ⎿  E       assert 29 == 30",
      "     FAILED tests/test_cart.py::test_total - assert 29 == 30",
      "⏺ Update(tests/test_cart.py)",
      "  ⎿  Updated tests/test_cart.py with 1 addition and 1 removal",
      "       12 -      assert total(cart) == 30",
      "       12 +      assert total(cart) == 29",
    ];
    const whole = analyze(lines);
    expect(whole.actions!.at(-1)!.meaning).toMatchObject({ rule: "expected_changed" });
    let previous: ActivityAnalysis | null = null;
    for (const line of lines)
      previous = JSON.parse(JSON.stringify(analyze([line], 0, previous))) as ActivityAnalysis;
    expect(previous!.actions!.at(-1)!.meaning).toMatchObject({ rule: "expected_changed" });
  });
});

describe("more of what an action means", () => {
  it("a deleted test file, a focused test, commented-out tests and a force-push from main's prompt", () => {
    const codex = analyze([
      "• Deleted tests/test_refunds.py",
      "• Ran pytest -q",
      "  └ 14 passed in 0.8s",
    ]);
    expect(codex.actions!.find((a) => a.target === "tests/test_refunds.py")!.meaning).toMatchObject(
      {
        rule: "test_deleted",
      },
    );
    expect(
      editMeaning({
        file: "src/cart.test.ts",
        old_text: "  it('totals', () => {",
        new_text: "  it.only('totals', () => {",
      }),
    ).toMatchObject({ rule: "test_skipped" });
    expect(
      editMeaning({
        file: "tests/test_cart.py",
        old_text: "def test_total():\n    assert total(cart) == 30",
        new_text: "# def test_total():\n#     assert total(cart) == 30",
      }),
    ).toMatchObject({ rule: "test_skipped" });
    expect(
      editMeaning({
        file: "jest.config.js",
        old_text: "module.exports = {",
        new_text: "module.exports = {\n  testPathIgnorePatterns: ['checkout'],",
      }),
    ).toMatchObject({ rule: "test_skipped" });
    const pushed = analyze([
      "➜  api git:(main) git push -f",
      "+ 3f2a1b9...9c1d2e4 main -> main (forced update)",
    ]);
    expect(pushed.actions!.at(-1)!.meaning).toMatchObject({ rule: "force_push" });
    const feature = analyze([
      "➜  api git:(feature/jwt) git push -f",
      "+ 3f2a1b9...9c1d2e4 feature/jwt -> feature/jwt (forced update)",
    ]);
    expect(feature.actions!.at(-1)!.meaning).toBeNull();
  });

  it("an edit followed by the agent's message is still judged", () => {
    const result = analyze([
      "⏺ Update(src/cart.test.ts)",
      "  ⎿  Updated src/cart.test.ts with 1 addition and 1 removal",
      "       4 -  describe('cart', () => {",
      "       4 +  describe.skip('cart', () => {",
      "⏺ The cart suite no longer fails.",
    ]);
    expect(result.actions!.at(-1)!.meaning).toMatchObject({ rule: "test_skipped" });
  });
});

describe("lint rules off and test lines deleted", () => {
  it("flags a lint rule turned off, a linter ignore file grown and lines deleted from a test file", () => {
    expect(
      editMeaning({
        file: ".eslintrc.json",
        old_text: '  "rules": {',
        new_text: '  "rules": {\n    "no-unused-vars": "off",',
      }),
    ).toMatchObject({ rule: "lint_disabled" });
    expect(
      editMeaning({ file: ".eslintignore", old_text: "dist/", new_text: "dist/\nsrc/legacy/" }),
    ).toMatchObject({
      rule: "lint_disabled",
    });
    expect(commandMeaning("sed -i '/test_refund/,+6d' tests/test_payments.py")).toMatchObject({
      rule: "test_deleted",
    });
    expect(commandMeaning("sed -i 's/foo/bar/' src/app.py")).toBeNull();
  });

  it("a retried command whose output differs only in a pid or port is the same result", () => {
    const poll = (pid: number) => [
      `⏺ Bash(node server.js)`,
      `  ⎿  worker ${pid} listening on :${pid + 1000}`,
      "     Error: connect ECONNREFUSED 127.0.0.1:5432",
    ];
    let previous: ActivityAnalysis | null = null;
    for (const pid of [41234, 41301, 41388, 41402]) previous = analyze(poll(pid), 0, previous);
    expect(previous!.loop).toMatchObject({ kind: "tool", count: 4 });
  });
});

describe("loops at a shell prompt and in failed edits", () => {
  const run = (prompt: string, command: string, output: string[]) => [
    `${prompt}${command}`,
    ...output,
  ];
  const failing = [
    "go test ./internal/cache/...",
    "--- FAIL: TestEvictOldest (0.00s)",
    "    cache_test.go:52: expected 2 entries, got 3",
    "FAIL",
    "make: *** [Makefile:9: test] Error 1",
  ];

  it("the same command with the same failure at a shell prompt, the prompt back after each, is a loop", () => {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) lines.push(...run("dev@ci-box:~/svc$ ", "make test", failing));
    lines.push("dev@ci-box:~/svc$ ");
    const result = analyze(lines);
    expect(result.agent_kind).toBe("shell");
    expect(result.loop).toMatchObject({ kind: "tool", what: "shell(make test)", count: 4 });
  });

  it("a retry that differs only in its sleep is the same command; a success ends the loop", () => {
    const retry = (seconds: number, answer: string) =>
      run("$ ", `sleep ${seconds} && curl -sf http://127.0.0.1:9000/ready`, [answer]);
    const refused = "curl: (7) Failed to connect to 127.0.0.1 port 9000: Connection refused";
    const lines = [10, 20, 30, 40].flatMap((s) => retry(s, refused));
    expect(analyze([...lines, "$ "]).loop).toMatchObject({ kind: "tool", count: 4 });
    expect(analyze([...lines, ...retry(50, '{"status":"ready"}'), "$ "]).loop).toBeNull();
  });

  it("a test run whose failure changes between runs, edits between, is no loop", () => {
    const lines = [
      ...run("$ ", "make test", failing),
      ...run("$ ", "sed -i 's/maxEntries+1/maxEntries/' internal/cache/lru.go", []),
      ...run("$ ", "make test", [
        "go test ./internal/cache/...",
        "--- FAIL: TestEvictOrder (0.00s)",
        "    cache_test.go:71: evicted key b, want a",
        "FAIL",
      ]),
      ...run("$ ", "make test", [
        "go test ./internal/cache/...",
        "ok  \tsvc/internal/cache\t0.012s",
      ]),
      "$ ",
    ];
    expect(analyze(lines).loop).toBeNull();
  });

  it("aider's same SEARCH/REPLACE failure on the same file again and again is a loop, whatever it tried", () => {
    const attempt = (old: string) => [
      "billing/totals.py",
      "```python",
      "<<<<<<< SEARCH",
      `    total = ${old}`,
      "=======",
      "    total = (amount * rate).quantize(CENT)",
      ">>>>>>> REPLACE",
      "```",
      "Tokens: 3.4k sent, 190 received. Cost: $0.01 message, $0.04 session.",
      "# 1 SEARCH/REPLACE block failed to match!",
      "## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in billing/totals.py",
      "The SEARCH section must exactly match an existing block of lines including all white space",
    ];
    const header = ["Aider v0.86.1", "> fix the rounding in billing/totals.py"];
    const tries = ["round(amount * rate, 2)", "round(amount*rate, 2)", "round(rate * amount, 2)"];
    const looped = analyze([...header, ...[...tries, "amount * rate"].flatMap(attempt), "> "]);
    expect(looped.loop).toMatchObject({ kind: "tool", what: "Edit(billing/totals.py)", count: 4 });
    const three = analyze([
      ...header,
      ...tries.flatMap(attempt),
      "Only 3 reflections allowed, stopping.",
      "> ",
    ]);
    expect(three.loop).toMatchObject({ kind: "error", count: 3 });
    expect(three.errors[0]!.text).toMatch(/^## SearchReplaceNoExactMatch: /);
    const applied = analyze([
      ...header,
      ...tries.flatMap(attempt),
      "billing/totals.py",
      "<<<<<<< SEARCH",
      "    total = round(amount * rate)",
      "=======",
      "    total = (amount * rate).quantize(CENT)",
      ">>>>>>> REPLACE",
      "Applied edit to billing/totals.py",
      "> ",
    ]);
    expect(applied.loop).toBeNull();
  });
});

describe("a CI check removed, a skip by other means", () => {
  it("flags a check step removed from a workflow, but not one replaced or kept", () => {
    const removed = editMeaning({
      file: ".github/workflows/ci.yml",
      old_text:
        "      - name: Type check\n        run: mypy src\n      - name: Test\n        run: pytest -q",
      new_text: "      - name: Test\n        run: pytest -q",
    });
    expect(removed).toMatchObject({ rule: "ci_disabled" });
    expect(removed!.evidence).toContain("mypy");
    expect(
      editMeaning({
        file: ".github/workflows/ci.yml",
        old_text: "        run: flake8 src",
        new_text: "        run: ruff check src",
      }),
    ).toBeNull();
    expect(
      editMeaning({
        file: ".github/workflows/ci.yml",
        old_text: "        run: mypy src",
        new_text: "        run: mypy src tests",
      }),
    ).toBeNull();
    expect(
      editMeaning({
        file: ".pre-commit-config.yaml",
        old_text: "  - id: ruff\n  - id: mypy",
        new_text: "  - id: ruff",
      }),
    ).toMatchObject({ rule: "ci_disabled" });
    expect(editMeaning({ file: "src/app.py", old_text: "run mypy here", new_text: "" })).toBeNull();
  });

  it("reads the same removal in aider's SEARCH/REPLACE block", () => {
    const result = analyze([
      "Aider v0.86.1",
      "> make the CI green",
      ".github/workflows/ci.yml",
      "```yaml",
      "<<<<<<< SEARCH",
      "      - name: Types",
      "        run: mypy --strict app",
      "      - name: Tests",
      "=======",
      "      - name: Tests",
      ">>>>>>> REPLACE",
      "```",
      "Tokens: 2.2k sent, 90 received.",
      "Applied edit to .github/workflows/ci.yml",
      "> ",
    ]);
    expect(result.actions!.at(-1)?.meaning).toMatchObject({ rule: "ci_disabled" });
  });

  it("flags shell edits that delete CI checks and pushes that skip CI", () => {
    expect(commandMeaning("sed -i '/mypy/d' .github/workflows/ci.yml")).toMatchObject({
      rule: "ci_disabled",
    });
    expect(commandMeaning("yq -i 'del(.jobs.lint)' .github/workflows/ci.yml")).toMatchObject({
      rule: "ci_disabled",
    });
    expect(commandMeaning("git push -o ci.skip origin feature/login")).toMatchObject({
      rule: "ci_disabled",
    });
    expect(commandMeaning("sed -i '/^#/d' src/config.ini")).toBeNull();
    expect(commandMeaning("git push origin feature/login")).toBeNull();
  });

  it("flags a module-level pytest skip, a mocha this.skip() and a -k deselection", () => {
    expect(
      editMeaning({
        file: "tests/test_dates.py",
        old_text: "import pytest",
        new_text: "import pytest\npytestmark = pytest.mark.skip(reason='flaky')",
      }),
    ).toMatchObject({ rule: "test_skipped" });
    expect(
      editMeaning({
        file: "test/dates.spec.js",
        old_text: "  it('parses ISO weeks', function () {",
        new_text: "  it('parses ISO weeks', function () {\n    this.skip();",
      }),
    ).toMatchObject({ rule: "test_skipped" });
    expect(
      editMeaning({
        file: "pytest.ini",
        old_text: "addopts = -q",
        new_text: "addopts = -q -k 'not test_parse_week'",
      }),
    ).toMatchObject({ rule: "test_skipped" });
  });
});

describe("an interactive select a shell program waits on", () => {
  it("waits for input while a choice list follows the question", () => {
    const prompts = analyze([
      "dev@box:~/sites$ npm create vite@latest dashboard",
      "? Select a framework: › - Use arrow-keys. Return to submit.",
      "❯   Vanilla",
      "    Vue",
      "    React",
      "    Svelte",
    ]);
    expect(prompts.state).toBe("waiting_input");
    expect(prompts.prompt).toMatch(/^\? Select a framework/);
    const clack = analyze([
      "dev@box:~/sites$ npm create astro@latest",
      "◆  Pick a template:",
      "│  ● A basic, minimal starter",
      "│  ○ Use blog template",
      "│  ○ Use docs (Starlight) template",
      "└",
    ]);
    expect(clack.state).toBe("waiting_input");
  });

  it("is not waiting when the output after a prompt is no list of choices", () => {
    const answered = analyze([
      "dev@box:~/sites$ sudo -k && sudo apt-get update",
      "[sudo] password for dev:",
      "Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease",
      "Get:2 http://security.ubuntu.com/ubuntu noble-security InRelease [126 kB]",
      "Reading package lists... Done",
      "dev@box:~/sites$ ",
    ]);
    expect(answered.state).toBe("idle");
    const scaffolded = analyze([
      "dev@box:~/sites$ npm create vite@latest dashboard -- --template react",
      "Scaffolding project in /home/dev/sites/dashboard...",
      "Done. Now run:",
      "  cd dashboard",
      "  npm install",
    ]);
    expect(scaffolded.state).not.toBe("waiting_input");
  });
});

describe("tests renamed out of the runner's sight", () => {
  it("flags a rename to a name the runner does not collect, not a move that keeps it collected", () => {
    expect(commandMeaning("git mv tests/test_dates.py tests/_test_dates.py")).toMatchObject({
      rule: "test_deleted",
    });
    expect(commandMeaning("mv src/dates.test.ts src/dates.test.ts.bak")).toMatchObject({
      rule: "test_deleted",
    });
    expect(commandMeaning("mv pkg/cache/lru_test.go pkg/cache/lru_test.go.off")).toMatchObject({
      rule: "test_deleted",
    });
    expect(commandMeaning("git mv tests/test_dates.py tests/unit/test_dates.py")).toBeNull();
    expect(commandMeaning("git mv tests/test_dates.py tests/unit/")).toBeNull();
    expect(commandMeaning("git mv tests/helpers.py tests/_helpers.py")).toBeNull();
  });
});

describe("questionToReader", () => {
  it("finds the ask in a message's last sentences, the same rule for every source", () => {
    expect(questionToReader("Removed 3.8.\nShould I drop 3.9 as well?")).toBe(
      "Should I drop 3.9 as well?",
    );
    expect(questionToReader("Should I use **Postgres** or **SQLite**?**")).toBe(
      "Should I use **Postgres** or **SQLite**?",
    );
    expect(questionToReader("Want me to keep /v1 as an alias? Clients still call it.")).toBe(
      "Want me to keep /v1 as an alias?",
    );
    expect(questionToReader("Why did it fail? The cache was stale. Fixed.")).toBeNull();
    expect(questionToReader("Done. Anything else?")).toBeNull();
    expect(questionToReader("All green.")).toBeNull();
  });
});
