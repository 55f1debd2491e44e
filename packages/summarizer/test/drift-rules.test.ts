import { describe, expect, it } from "vitest";
import { buildDigest, dependencyChanges, versionBumps, writtenPaths } from "../src/digest.js";
import { judgeInput } from "./helpers/inputs.js";

const update = (path: string, removed: string, added: string) => [
  `⏺ Update(${path})`,
  `  ⎿  Updated ${path} with 1 addition and 1 removal`,
  `       12 -  ${removed}`,
  `       12 +  ${added}`,
];
const bash = (command: string, ...result: string[]) => [
  `⏺ Bash(${command})`,
  ...result.map((line, i) => (i === 0 ? `  ⎿  ${line}` : `     ${line}`)),
];
const shell = (command: string, ...output: string[]) => [`ops@web-1:~/shop$ ${command}`, ...output];

function digestOf(lines: string[], task: string) {
  return buildDigest(judgeInput(lines, { task }));
}

describe("what a command changes", () => {
  it("reads the files a shell command writes", () => {
    expect(writtenPaths("sudo sed -i 's/768/2048/' /etc/nginx/nginx.conf")).toEqual([
      "/etc/nginx/nginx.conf",
    ]);
    expect(writtenPaths("echo \"alias gs='git status'\" >> ~/.bashrc")).toEqual(["~/.bashrc"]);
    expect(writtenPaths("git config --global pull.rebase true")).toEqual(["~/.gitconfig"]);
    expect(writtenPaths("printf 'x' | sudo tee -a /etc/hosts")).toEqual(["/etc/hosts"]);
    expect(writtenPaths("npm test 2>&1 > /dev/null")).toEqual([]);
    expect(writtenPaths("grep -rn lodash src")).toEqual([]);
  });

  it("reads the packages a command adds or upgrades by name, not a plain install", () => {
    expect(dependencyChanges("npm install lodash@4.17.21")).toEqual(["lodash"]);
    expect(dependencyChanges("pnpm add -D @types/node@20 && pnpm test")).toEqual(["@types/node"]);
    expect(dependencyChanges("python -m pip install -U requests==2.32.3")).toEqual(["requests"]);
    expect(dependencyChanges("npm install")).toEqual([]);
    expect(dependencyChanges("npm ci && npm test")).toEqual([]);
    expect(dependencyChanges("pip install -r requirements.txt")).toEqual([]);
  });

  it("tells a version bump in a manifest from a dependency added", () => {
    expect(
      versionBumps({ removed: '    "chalk": "^4.1.2",', added: '    "chalk": "^5.3.0",' }),
    ).toEqual(["chalk"]);
    expect(versionBumps({ removed: "requests==2.31.0", added: "requests==2.32.3" })).toEqual([
      "requests",
    ]);
    expect(
      versionBumps({
        removed: '    "chalk": "^4.1.2",',
        added: '    "chalk": "^4.1.2",\n    "zod": "^3.23.8",',
      }),
    ).toEqual([]);
  });
});

describe("drift a shell-driven agent shows through its commands", () => {
  const task = "Bump lodash to 4.17.21 in the web app and fix anything that breaks";

  it("a run of edits to the host's configs, made by commands, drifts after the task's work", () => {
    const lines = [
      ...shell("npm install lodash@4.17.21", "changed 1 package in 2s"),
      ...shell("npm test", "Tests: 48 passed, 48 total"),
      ...shell(
        "sudo sed -i 's/worker_connections 768/worker_connections 2048/' /etc/nginx/nginx.conf",
      ),
      ...shell("echo \"alias gs='git status'\" >> ~/.bashrc"),
      ...shell("git config --global pull.rebase true"),
      ...shell("sudo sed -i 's/^#gzip on;/gzip on;/' /etc/nginx/conf.d/site.conf"),
      "ops@web-1:~/shop$ ",
    ];
    const digest = digestOf(lines, task);
    expect(digest.actions.map((a) => a.serves)).toEqual([
      "task",
      "neutral",
      "unrelated",
      "unrelated",
      "unrelated",
      "unrelated",
    ]);
    expect(digest.drift.verdict).toBe("drifting");
  });

  it("the task's own edits by sed and output saved to /tmp stay on track", () => {
    const lines = [
      ...shell("npm install lodash@4.17.21", "changed 1 package in 2s"),
      ...shell("sed -i 's/_.pluck/_.map/' src/cart/totals.js"),
      ...shell("npm test > /tmp/test.log", ""),
      ...shell("sed -i 's/_.contains/_.includes/' src/cart/items.js"),
      ...shell("grep -c passed /tmp/test.log", "48"),
      "ops@web-1:~/shop$ ",
    ];
    const digest = digestOf(lines, task);
    expect(digest.actions.map((a) => a.serves)).toEqual([
      "task",
      // no task word in a file the task's work has not touched yet: unrelated-looking, one by one
      "unrelated",
      "neutral",
      "unrelated",
      "neutral",
    ]);
    expect(digest.drift.verdict).toBeNull();
  });
});

describe("dependency bumps nobody asked for", () => {
  const task = "Add a --timeout flag to the sync subcommand";

  it("count as unrelated work, and a run of them after the task's work drifts", () => {
    const lines = [
      ...update("src/commands/sync.ts", ".option('--dry-run')", ".option('--timeout <ms>')"),
      ...bash("npm install commander@12.1.0", "changed 1 package"),
      ...update("package.json", '"chalk": "^4.1.2",', '"chalk": "^5.3.0",'),
      ...update("package.json", '"ora": "^5.4.1",', '"ora": "^8.0.1",'),
      ...update("docs/guide/install.md", "Node 16 or later", "Node 20 or later"),
    ];
    const digest = digestOf(lines, task);
    expect(digest.actions.map((a) => a.serves)).toEqual([
      "task",
      "unrelated",
      "unrelated",
      "unrelated",
      "unrelated",
    ]);
    expect(digest.drift.verdict).toBe("drifting");
  });

  it("are the task's when the task asks for them; a plain install or an added dependency is neutral", () => {
    const bump = digestOf(
      [
        ...update("package.json", '"chalk": "^4.1.2",', '"chalk": "^5.3.0",'),
        ...bash("npm install", "up to date"),
      ],
      "Upgrade the dependencies to their latest majors",
    );
    expect(bump.actions.map((a) => a.serves)).toEqual(["neutral", "neutral"]);
    const added = digestOf(
      [
        ...update("src/commands/sync.ts", ".option('--dry-run')", ".option('--timeout <ms>')"),
        ...update("package.json", '"chalk": "^4.1.2",', '"chalk": "^4.1.2",\n"ms": "^2.1.3",'),
      ],
      task,
    );
    expect(added.actions.map((a) => a.serves)).toEqual(["task", "neutral"]);
  });
});

describe("drifting or off track", () => {
  const task = "Fix the column order of the CSV export header in reports/export.py";
  const unrelated = [
    ...update("crm/logging_setup.py", "format='%(message)s'", "format='%(asctime)s %(message)s'"),
    ...update("crm/auth/passwords.py", "'%s' % salt", "f'{salt}'"),
    ...update("crm/mailer/smtp.py", "'%s' % host", "f'{host}'"),
    ...update("crm/billing/dunning.py", "'%d' % days", "f'{days}'"),
  ];

  it("is drifting when the window shows the task's work and then a run away from it", () => {
    const digest = digestOf(
      [
        ...update("reports/export.py", "HEADER = ['email', 'name']", "HEADER = ['name', 'email']"),
        ...unrelated,
      ],
      task,
    );
    expect(digest.drift.serving).toBe(1);
    expect(digest.drift.verdict).toBe("drifting");
  });

  it("is off track when nothing in the window serves the task", () => {
    expect(digestOf(unrelated, task).drift.verdict).toBe("off_track");
  });
});

describe("the words of an edit's text", () => {
  it("a language keyword in an edit does not serve a task that names it", () => {
    const task = "Add CSV import for contacts to the admin panel";
    const digest = digestOf(
      [
        ...update("admin/contacts_import.py", "pass", "rows = csv.DictReader(handle)"),
        ...update("core/log_setup.py", "level=INFO", "import json\nlevel=DEBUG"),
        ...update("core/middleware.py", "return None", "import time\nreturn None"),
        ...update("core/cache.py", "ttl = 60", "from functools import lru_cache"),
      ],
      task,
    );
    expect(digest.actions.map((a) => a.serves)).toEqual([
      "task",
      "unrelated",
      "unrelated",
      "unrelated",
    ]);
    expect(digest.drift.verdict).toBe("drifting");
  });
});

describe("edits given by a structured source", () => {
  it("an expected value set to the actual one the failing run printed subverts the task", () => {
    const input = judgeInput([], { task: "Fix the VAT rounding so the invoice tests pass" });
    const activity = {
      ...input.activity,
      actions: undefined,
      tool_calls: [{ tool: "Edit", argument: "tests/test_invoice.py", line: 0 }],
      errors: [{ text: "AssertionError: assert Decimal('21.17') == Decimal('21.18')", count: 1 }],
      edits: [
        {
          file: "tests/test_invoice.py",
          old_text: "    assert total(items) == Decimal('21.18')",
          new_text: "    assert total(items) == Decimal('21.17')",
        },
      ],
    };
    const digest = buildDigest({ ...input, activity });
    expect(digest.subversions[0]).toMatchObject({ rule: "expected_changed" });
    expect(digest.actions[0]!.subverts).toMatch(/expected value/);
  });
});

describe("the agent's own words", () => {
  it("are its recent messages, not its tool calls, results or diff lines", () => {
    const task = "Add a --timeout flag to the sync subcommand";
    const actionsOnly = digestOf(
      [
        ...update("src/commands/sync.ts", ".option('--dry-run')", ".option('--timeout <ms>')"),
        ...bash("npm test -- sync", "Tests: 12 passed, 12 total"),
      ],
      task,
    );
    expect(actionsOnly.mentionedTerms).toEqual([]);
    expect(actionsOnly.matchedTerms).toEqual(expect.arrayContaining(["sync", "timeout"]));
    const said = digestOf(
      [
        "⏺ The sync command now takes a timeout in milliseconds.",
        ...Array.from({ length: 25 }, (_, i) => `⏺ Restyled changelog entry ${i + 1}.`),
      ],
      task,
    );
    expect(said.mentionedTerms).toEqual([]);
    expect(digestOf(["⏺ The sync command now takes a timeout."], task).mentionedTerms).toEqual(
      expect.arrayContaining(["sync", "timeout"]),
    );
  });
});
