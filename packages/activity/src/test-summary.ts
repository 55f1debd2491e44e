/** The result of the last test run visible in the output. */
export interface TestResult {
  /** Tests that passed. */
  passed: number;
  /** Tests that failed (pytest errors included). */
  failed: number;
  /** Tests skipped, pending or todo, when the runner prints them. */
  skipped?: number;
  /** The summary line(s) as printed, such as `Tests:  2 failed, 10 passed, 12 total`. */
  raw: string;
}

const JEST = /^Tests:\s+(.+)$/;
const VITEST = /^Tests\s{2,}(.+?)\s*(?:\(\d+\))?$/;
const PYTEST = /^=+ (.+?) in \d+(?:\.\d+)?s(?: \([^)]*\))? =+$/;
const PYTEST_SHORT = /^(\d+ (?:passed|failed)\b.*?) in \d+(?:\.\d+)?s$/;
const CARGO = /^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored\b/;
const COUNT_LINE =
  /^(\d+) (passing|failing|pending|passed|failed|flaky|skipped)(?: \([^)]{1,24}\))?$/;
const NODE_TEST = /^[ℹ#] (tests|pass|fail|skipped|todo|cancelled) (\d+)$/;
const COUNT = /(\d+) (passed|failed|skipped|todo|pending|errors?|xfailed|xpassed)\b/g;

function fromCounts(text: string, raw: string): TestResult | null {
  let passed = -1;
  let failed = 0;
  let skipped: number | undefined;
  let seen = false;
  for (const match of text.matchAll(COUNT)) {
    const n = Number(match[1]);
    const word = match[2]!;
    seen = true;
    if (word === "passed" || word === "xpassed") passed = Math.max(0, passed) + n;
    else if (word === "failed" || word === "error" || word === "errors") failed += n;
    else if (word === "skipped" || word === "todo" || word === "pending" || word === "xfailed")
      skipped = (skipped ?? 0) + n;
  }
  if (!seen) return null;
  const result: TestResult = { passed: Math.max(0, passed), failed, raw };
  if (skipped !== undefined) result.skipped = skipped;
  return result;
}

/** A line that belongs to a multi-line summary (mocha's `N passing`, node:test's `ℹ pass N`). */
export interface TestSummaryPart {
  readonly field: "passed" | "failed" | "skipped" | "total";
  readonly count: number;
  /** Whether this line opens a new summary (mocha's `passing`, node:test's `tests`). */
  readonly starts: boolean;
}

/**
 * Reads a one-line test summary (jest, vitest, pytest, cargo), or a part of a multi-line one
 * (mocha, Playwright, node:test), from a trimmed line.
 */
export function parseTestSummary(body: string): TestResult | TestSummaryPart | null {
  if (body.length > 500) return null;
  const first = body[0];
  if (first === "T") {
    const jest = JEST.exec(body);
    if (jest) return / total$/.test(body) ? fromCounts(jest[1]!, body) : null;
    const vitest = VITEST.exec(body);
    if (vitest && !body.startsWith("Test Files"))
      return fromCounts(vitest[1]!.replace(/\|/g, ","), body);
    return null;
  }
  if (first === "=") {
    const pytest = PYTEST.exec(body);
    return pytest ? fromCounts(pytest[1]!, body) : null;
  }
  if (first === "t") {
    const cargo = CARGO.exec(body);
    if (!cargo) return null;
    return {
      passed: Number(cargo[1]),
      failed: Number(cargo[2]),
      skipped: Number(cargo[3]),
      raw: body,
    };
  }
  if (first === "ℹ" || first === "#") {
    const node = NODE_TEST.exec(body);
    if (!node) return null;
    const word = node[1]!;
    const count = Number(node[2]);
    if (word === "tests") return { field: "total", count, starts: true };
    if (word === "pass") return { field: "passed", count, starts: false };
    if (word === "fail") return { field: "failed", count, starts: false };
    if (word === "skipped" || word === "todo") return { field: "skipped", count, starts: false };
    return null;
  }
  if (first !== undefined && first >= "0" && first <= "9") {
    // mocha (`12 passing (2s)`, `1 failing`) and Playwright (`2 failed`, `29 passed (48.2s)`)
    const part = COUNT_LINE.exec(body);
    if (part) {
      const word = part[2]!;
      const count = Number(part[1]);
      if (word === "passing") return { field: "passed", count, starts: true };
      if (word === "passed") return { field: "passed", count, starts: false };
      if (word === "failing" || word === "failed") return { field: "failed", count, starts: false };
      return { field: "skipped", count, starts: false };
    }
    const short = PYTEST_SHORT.exec(body);
    return short ? fromCounts(short[1]!, body) : null;
  }
  return null;
}

/** Whether a parse result is a part of a multi-line summary rather than a whole one. */
export function isSummaryPart(value: TestResult | TestSummaryPart): value is TestSummaryPart {
  return "field" in value;
}
