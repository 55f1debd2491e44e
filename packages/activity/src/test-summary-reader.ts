import type { ParserCarry } from "./carry.js";
import { cutChars } from "./error-line.js";
import { isSummaryPart, parseTestSummary, type TestResult } from "./test-summary.js";

/** Lines a multi-line test summary may span (Playwright lists every failed test in between). */
const TEST_GROUP_LINES = 40;

interface TestGroup {
  result: TestResult;
  seq: number;
  fields: Set<string>;
}

/** Follows test summaries line by line; a multi-line one (mocha, Playwright, node:test) may span calls. */
export class TestSummaryReader {
  /** The last test result seen. */
  result: TestResult | null;
  private group: TestGroup | null = null;

  constructor(last: TestResult | null, carry: ParserCarry["test_group"]) {
    this.result = last;
    if (carry) {
      const result: TestResult = { passed: carry.passed, failed: carry.failed, raw: carry.raw };
      if (carry.skipped !== null) result.skipped = carry.skipped;
      this.group = { result, seq: carry.seq, fields: new Set(carry.fields) };
    }
  }

  /** Takes meaningful line `seq`. */
  line(body: string, seq: number): void {
    const parsed = parseTestSummary(body);
    if (!parsed) return;
    if (!isSummaryPart(parsed)) {
      this.result = parsed;
      this.group = null;
      return;
    }
    let group = this.group;
    if (
      parsed.starts ||
      !group ||
      seq - group.seq > TEST_GROUP_LINES ||
      group.fields.has(parsed.field)
    ) {
      group = { result: { passed: 0, failed: 0, raw: "" }, seq, fields: new Set() };
      this.group = group;
    }
    group.fields.add(parsed.field);
    const result = group.result;
    if (parsed.field === "passed") result.passed = parsed.count;
    else if (parsed.field === "failed") result.failed = parsed.count;
    else if (parsed.field === "skipped") result.skipped = parsed.count;
    result.raw = result.raw ? `${result.raw}, ${body}` : body;
    group.seq = seq;
    this.result = { ...result };
  }

  /** The open multi-line summary, to carry. */
  carry(): ParserCarry["test_group"] {
    const g = this.group;
    if (!g) return null;
    return {
      passed: g.result.passed,
      failed: g.result.failed,
      skipped: g.result.skipped ?? null,
      raw: cutChars(g.result.raw, 4096),
      seq: g.seq,
      fields: [...g.fields],
    };
  }
}
