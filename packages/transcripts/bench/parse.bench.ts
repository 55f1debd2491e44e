/**
 * Benchmark of the Claude Code transcript parser on a generated transcript of about 100 MB (the
 * shape of a long real session: prompts, assistant messages written over several lines that
 * repeat their usage, tool calls with their input, tool results up to several KiB), in the same
 * run as a bare `JSON.parse` of every line, which is the floor any parser of these files pays:
 * - `parseClaudeLine` over every line with one state: lines/s and MB/s, and the ratio to the bare
 *   parse;
 * - `parseClaudeLines` in pages of 1,000 lines with the state stored as JSON and read back between
 *   pages, as a monitor that commits after every page does.
 * Medians of several runs. `--quick` parses about 10 MB to check that the script works.
 */
import { fileURLToPath } from "node:url";
import { type BenchRow, timeSync, writeBenchResults } from "@agentwatch/bench-kit";
import { createClaudeParseState, parseClaudeLine, parseClaudeLines } from "../src/index.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const TARGET_BYTES = (quick ? 10 : 100) * 1024 * 1024;
const RUNS = quick ? 3 : 5;
const PAGE = 1000;

/** A deterministic pseudo-random generator (mulberry32), so every run parses the same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(targetBytes: number): { lines: string[]; bytes: number } {
  const rand = random(17);
  const words =
    "the order service returns a status code when the cancel request reaches the handler and the test suite checks it".split(
      " ",
    );
  const prose = (n: number) =>
    Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");
  const lines: string[] = [];
  let bytes = 0;
  let n = 0;
  const sessionId = "7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60";
  const push = (entry: Record<string, unknown>) => {
    n++;
    const line = JSON.stringify({
      parentUuid: n > 1 ? `00000000-0000-4000-8000-${String(n - 1).padStart(12, "0")}` : null,
      isSidechain: false,
      userType: "external",
      cwd: "/home/dev/shop-api",
      sessionId,
      version: "2.0.14",
      gitBranch: "main",
      uuid: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      timestamp: new Date(Date.UTC(2026, 10, 20, 9) + n * 1000).toISOString(),
      ...entry,
    });
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  };
  let message = 0;
  while (bytes < targetBytes) {
    if (message % 40 === 0) push({ type: "user", message: { role: "user", content: prose(30) } });
    message++;
    const id = `msg_01${String(message).padStart(22, "0")}`;
    const requestId = `req_011${String(message).padStart(21, "0")}`;
    const usage = {
      input_tokens: 4,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 20000 + message,
      output_tokens: 120,
      service_tier: "standard",
    };
    const tool = ["Read", "Bash", "Edit", "Grep"][message % 4]!;
    const toolInput =
      tool === "Read"
        ? { file_path: `/home/dev/shop-api/src/file${message % 300}.ts` }
        : tool === "Bash"
          ? { command: `npm test -- file${message % 300}`, description: "Run the tests" }
          : tool === "Edit"
            ? {
                file_path: `/home/dev/shop-api/src/file${message % 300}.ts`,
                old_string: prose(40),
                new_string: prose(50),
              }
            : { pattern: "cancelOrder", path: "src" };
    const blocks = [
      { type: "text", text: prose(20 + Math.floor(rand() * 60)) },
      { type: "tool_use", id: `toolu_${message}`, name: tool, input: toolInput },
    ];
    for (const block of blocks)
      push({
        type: "assistant",
        requestId,
        message: {
          id,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [block],
          stop_reason: null,
          stop_sequence: null,
          usage,
        },
      });
    const output = prose(50 + Math.floor(rand() * (rand() < 0.1 ? 1500 : 250)));
    push({
      type: "user",
      message: {
        role: "user",
        content: [
          {
            tool_use_id: `toolu_${message}`,
            type: "tool_result",
            content: output,
            is_error: rand() < 0.05,
          },
        ],
      },
      toolUseResult: { stdout: output, stderr: "", interrupted: false, isImage: false },
    });
  }
  return { lines, bytes };
}

const { lines, bytes } = generate(TARGET_BYTES);
const megabytes = bytes / (1024 * 1024);
let sink = 0;

const bare = timeSync(
  () => {
    for (const line of lines) sink += (JSON.parse(line) as { type: string }).type.length;
  },
  { runs: RUNS, warmup: 1 },
);
const parser = timeSync(
  () => {
    const state = createClaudeParseState();
    for (const line of lines) sink += parseClaudeLine(line, state).length;
  },
  { runs: RUNS, warmup: 1 },
);
const paged = timeSync(
  () => {
    let state: unknown = null;
    for (let i = 0; i < lines.length; i += PAGE) {
      const page = parseClaudeLines(lines.slice(i, i + PAGE), state);
      sink += page.events.length;
      state = JSON.parse(JSON.stringify(page.state));
    }
  },
  { runs: RUNS, warmup: 1 },
);
if (sink === 0) throw new Error("nothing was parsed");

const perSecond = (ms: number) => (lines.length / ms) * 1000;
const mbPerSecond = (ms: number) => (megabytes / ms) * 1000;
const size = `${megabytes.toFixed(0)} MB, ${lines.length.toLocaleString("en-US")} lines`;
const rows: BenchRow[] = [
  {
    name: `bare JSON.parse per line (${size})`,
    value: perSecond(bare.medianMs),
    unit: "lines/s",
    note: `${mbPerSecond(bare.medianMs).toFixed(1)} MB/s; median of ${RUNS}: ${bare.medianMs.toFixed(0)} ms`,
  },
  {
    name: `parseClaudeLine (${size})`,
    value: perSecond(parser.medianMs),
    unit: "lines/s",
    note: `${mbPerSecond(parser.medianMs).toFixed(1)} MB/s; median of ${RUNS}: ${parser.medianMs.toFixed(0)} ms`,
  },
  {
    name: "parseClaudeLine time / bare JSON.parse time",
    value: parser.medianMs / bare.medianMs,
    unit: "x baseline",
    note: "1.0 would be parsing for free",
  },
  {
    name: `parseClaudeLines, pages of ${PAGE}, state through JSON between pages`,
    value: perSecond(paged.medianMs),
    unit: "lines/s",
    note: `${mbPerSecond(paged.medianMs).toFixed(1)} MB/s; median of ${RUNS}: ${paged.medianMs.toFixed(0)} ms`,
  },
];
writeBenchResults(packageDir, "transcripts", rows);
