import { seedOf } from "../random.js";
import { CRLF, bashPrompt } from "./ansi.js";

const SUBJECTS = [
  "fix: handle empty input",
  "chore: bump dev dependencies",
  "docs: clarify setup steps",
  "feat: add --verbose flag",
  "test: cover error paths",
  "refactor: split large module",
  "ci: cache dependencies",
  "fix: off-by-one in pager",
  "feat: export as JSON",
  "chore: update lockfile",
  "fix: race in shutdown",
  "docs: changelog for last release",
  "perf: avoid second parse",
  "build: pin toolchain",
  "fix: timezone in reports",
  "style: format with the new config",
];
const ENTRIES = [
  ".editorconfig",
  ".github",
  ".gitignore",
  "CHANGELOG.md",
  "LICENSE",
  "Makefile",
  "README.md",
  "docs",
  "scripts",
  "src",
  "tests",
  "package.json",
  "pyproject.toml",
  "Cargo.toml",
  "go.mod",
  "Dockerfile",
  ".env.example",
  "config",
];

/**
 * What a pane holds before the agent's own work: the shell where it was started, with the
 * orientation a session begins with (`git status`, `git log`, `ls -la`), drawn from the case's
 * name so each case has its own history.
 */
export function shellPreamble(user: string, host: string, cwd: string, name: string): string {
  const home = cwd.replace(`/home/${user}`, "~");
  const pick = (i: number, n: number) => seedOf(`${name}:${i}`) % n;
  const prompt = bashPrompt(user, host, home);
  const lines: string[] = [];
  lines.push(
    `${prompt}git status`,
    "On branch main",
    "Your branch is up to date with 'origin/main'.",
    "",
    "nothing to commit, working tree clean",
  );
  lines.push(`${prompt}git log --oneline -12`);
  for (let i = 0; i < 12; i++) {
    const sha = seedOf(`${name}:sha${i}`).toString(16).padStart(8, "0").slice(0, 7);
    lines.push(`\u001b[33m${sha}\u001b[m ${SUBJECTS[pick(i, SUBJECTS.length)] ?? ""}`);
  }
  lines.push(`${prompt}ls -la`, `total ${40 + pick(99, 60)}`);
  const entries = [
    ...new Set(
      Array.from({ length: 14 }, (_, i) => ENTRIES[pick(i + 20, ENTRIES.length)] ?? "src"),
    ),
  ].sort();
  lines.push(
    "drwxr-xr-x  9 " + `${user} ${user}` + "  4096 Jun  2 08:12 .",
    "drwxr-x--- 31 " + `${user} ${user}` + "  4096 Jun  2 07:58 ..",
  );
  for (const entry of entries) {
    const dir = !entry.includes(".") || entry === ".github";
    lines.push(
      `${dir ? "drwxr-xr-x" : "-rw-r--r--"}  1 ${user} ${user} ${String(dir ? 4096 : 200 + pick(entries.indexOf(entry) + 50, 9000)).padStart(5)} May ${10 + pick(entries.indexOf(entry) + 80, 20)} 17:${String(pick(entries.indexOf(entry) + 90, 60)).padStart(2, "0")} ${dir ? `\u001b[01;34m${entry}\u001b[0m` : entry}`,
    );
  }
  return lines.join(CRLF) + CRLF;
}
