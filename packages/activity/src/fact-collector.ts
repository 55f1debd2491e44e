import type { ActivityLoop, ErrorCount, TestResult, ToolCall } from "./activity-analysis.js";
import type { ErrorSighting, ParserCarry, ToolRun } from "./carry.js";
import type { CleanLine } from "./clean-line.js";
import type { LineInfo } from "./classify-line.js";
import { cutChars } from "./error-line.js";
import { ErrorWindow } from "./error-window.js";
import {
  isFileTool,
  looksLikePath,
  MAX_PATH_CHARS,
  pathFromArgument,
  pathFromLine,
} from "./paths.js";
import { RecentSet } from "./recent-set.js";
import { TestSummaryReader } from "./test-summary-reader.js";
import { CODEX_EXPLORE_STEP } from "./tool-call.js";

/** Most tool calls listed per call. */
export const MAX_TOOL_CALLS = 100;
/** Tools kept in `recent_tools`. */
export const RECENT_TOOLS = 5;
/** Files kept in `files_touched`. */
export const MAX_FILES = 50;
/** Commands kept in `commands_run`. */
export const MAX_COMMANDS = 50;
/** Identical tool calls in a row that make a loop. */
export const TOOL_LOOP_COUNT = 5;
/** Most rows whose tool call is remembered (a little more than the screen window). */
export const MAX_ROW_TOOLS = 128;

const SHELL_TOOLS = new Set(["Bash", "shell"]);
const MAX_CONTINUATION_LINES = 10;
const NOT_CONTENT = new Set(["agent_prompt", "option_selected", "hint", "working", "finished"]);

interface PendingCall {
  tool: string;
  argument: string;
  line: number;
  rowId: number;
  continuations: number;
}

/** What the collector starts from: the facts and carry of the previous call. */
export interface CollectorStart {
  recentTools: readonly string[];
  lastTool: string | null;
  files: readonly string[];
  commands: readonly string[];
  tests: TestResult | null;
  toolRun: ToolRun | null;
  rowTools: readonly [number, string][];
  errorWindow: readonly ErrorSighting[];
  lineSeq: number;
  parser: ParserCarry;
}

/**
 * Collects the facts from the new meaningful lines of one call, in order: tool calls (with
 * wrapped Claude Code calls joined and redraws of the same screen row ignored), files, commands,
 * error sightings, test summaries and the current run of identical tool calls.
 */
export class FactCollector {
  /** Tool calls of this call (trimmed to the last `MAX_TOOL_CALLS` on output). */
  readonly toolCalls: ToolCall[] = [];
  /** Meaningful lines taken in this call. */
  newLines = 0;
  private readonly recent: string[];
  private lastTool: string | null;
  private readonly files: RecentSet;
  private readonly commands: RecentSet;
  private readonly tests: TestSummaryReader;
  private readonly errorWindow: ErrorWindow;
  private toolRun: ToolRun | null;
  private readonly rowTools: Map<number, string>;
  private seq: number;
  private pending: PendingCall | null = null;
  private block: ParserCarry["block"];

  constructor(start: CollectorStart) {
    this.recent = start.recentTools.slice(-RECENT_TOOLS);
    this.lastTool = start.lastTool;
    this.files = new RecentSet(start.files, MAX_FILES);
    this.commands = new RecentSet(start.commands, MAX_COMMANDS);
    this.tests = new TestSummaryReader(start.tests, start.parser.test_group);
    this.errorWindow = new ErrorWindow(start.errorWindow, start.parser.npm_block);
    this.toolRun = start.toolRun ? { ...start.toolRun } : null;
    this.rowTools = new Map(start.rowTools);
    this.seq = start.lineSeq;
    this.block = start.parser.block;
    const pending = start.parser.pending;
    if (pending) this.pending = { ...pending, rowId: pending.row_id, line: -1 };
  }

  /** Takes one new meaningful line and its classification. */
  add(line: CleanLine, info: LineInfo): void {
    this.seq++;
    this.newLines++;
    if (this.pending) {
      if (this.continuePending(info)) return;
      this.finishPending();
    }
    if (this.block && info.indent > 0 && this.inBlock(info, line)) return;
    this.block = null;

    if (info.kind === "tool_call") {
      const call = info.tool!;
      if (call.complete) {
        this.recordCall(call.tool, call.argument, line.source, line.rowId);
        if (call.tool === "apply_patch" && !looksLikePath(call.argument)) this.block = "patch";
      } else {
        this.pending = { ...call, line: line.source, rowId: line.rowId, continuations: 0 };
      }
      return;
    }
    if (info.kind === "shell_command") {
      this.commands.add(cutChars(info.command!, MAX_PATH_CHARS));
      return;
    }
    if (NOT_CONTENT.has(info.kind)) return;
    if (info.trimmed === "• Explored" || info.trimmed === "• Exploring") {
      this.block = "explored";
      return;
    }
    this.errorWindow.line(info.error, info.body, this.seq);
    const path = pathFromLine(info.body);
    if (path) this.files.add(path);
    this.tests.line(info.body, this.seq);
  }

  /**
   * Ends the call. With `final`, a wrapped tool call still open is taken as it is; otherwise it
   * is carried, to be completed by the next call's lines.
   */
  finish(final: boolean): void {
    if (final && this.pending) this.finishPending();
  }

  recentTools(): string[] {
    return this.recent.slice(-RECENT_TOOLS);
  }

  lastToolUsed(): string | null {
    return this.lastTool;
  }

  filesTouched(): string[] {
    return this.files.values();
  }

  commandsRun(): string[] {
    return this.commands.values();
  }

  lastTests(): TestResult | null {
    return this.tests.result;
  }

  /** Distinct errors in the window and the error loop, if any. */
  errors(): { errors: ErrorCount[]; loop: ActivityLoop | null } {
    return this.errorWindow.summary(this.seq);
  }

  /** The tool loop, when the current run of identical calls is long enough. */
  toolLoop(): ActivityLoop | null {
    const run = this.toolRun;
    if (!run || run.count < TOOL_LOOP_COUNT) return null;
    return { kind: "tool", what: `${run.tool}(${run.argument})`, count: run.count };
  }

  /** The carried parts this collector owns. */
  carry(): {
    toolRun: ToolRun | null;
    rowTools: [number, string][];
    errorWindow: ErrorSighting[];
    lineSeq: number;
    parser: ParserCarry;
  } {
    const errors = this.errorWindow.carry(this.seq);
    const pending = this.pending;
    return {
      toolRun: this.toolRun,
      rowTools: [...this.rowTools.entries()].slice(-MAX_ROW_TOOLS),
      errorWindow: errors.sightings,
      lineSeq: this.seq,
      parser: {
        npm_block: errors.npmBlock,
        block: this.block,
        pending: pending
          ? {
              tool: pending.tool,
              argument: cutChars(pending.argument, 4096),
              row_id: pending.rowId,
              continuations: pending.continuations,
            }
          : null,
        test_group: this.tests.carry(),
      },
    };
  }

  private continuePending(info: LineInfo): boolean {
    const pending = this.pending!;
    if (info.indent < 2 || info.kind === "tool_call" || info.kind === "tool_result") return false;
    if (pending.continuations >= MAX_CONTINUATION_LINES) return false;
    pending.continuations++;
    const piece = info.trimmed;
    const closes = piece.endsWith(")");
    pending.argument = `${pending.argument} ${closes ? piece.slice(0, -1) : piece}`.trim();
    if (closes) this.finishPending();
    return true;
  }

  private finishPending(): void {
    const p = this.pending!;
    this.pending = null;
    this.recordCall(p.tool, p.argument, p.line, p.rowId);
  }

  /** Lines under `• Explored` (`└ Read a.ts, b.ts`) or a multi-file `• Edited 2 files`. */
  private inBlock(info: LineInfo, line: CleanLine): boolean {
    const body = info.body;
    if (this.block === "explored") {
      const step = CODEX_EXPLORE_STEP.exec(body);
      if (!step) return false;
      const tool = step[1]!;
      const argument = step[2]!.trim();
      this.recordCall(tool, argument, line.source, line.rowId);
      if (tool === "Read")
        for (const part of argument.split(", ")) if (looksLikePath(part)) this.files.add(part);
      return true;
    }
    const stats = body.lastIndexOf(" (+");
    const path = stats > 0 ? body.slice(0, stats) : body;
    if (!looksLikePath(path)) return false;
    this.files.add(path);
    return true;
  }

  /** Whether `rowId` last showed this very call (a redraw of the row, not a new call). */
  private isRedraw(rowId: number, key: string): boolean {
    if (rowId < 0) return false;
    if (this.rowTools.get(rowId) === key) return true;
    this.rowTools.delete(rowId);
    this.rowTools.set(rowId, key);
    if (this.rowTools.size > MAX_ROW_TOOLS * 2) {
      const keep = [...this.rowTools.entries()].slice(-MAX_ROW_TOOLS);
      this.rowTools.clear();
      for (const [k, v] of keep) this.rowTools.set(k, v);
    }
    return false;
  }

  private recordCall(tool: string, rawArgument: string, line: number, rowId: number): void {
    const argument = cutChars(rawArgument, MAX_PATH_CHARS);
    if (this.isRedraw(rowId, `${tool}\u0000${argument}`)) return;
    const run = this.toolRun;
    if (run && run.tool === tool && run.argument === argument) {
      run.count++;
      run.row_id = rowId;
    } else this.toolRun = { tool, argument, count: 1, row_id: rowId };
    this.toolCalls.push({ tool, argument, line });
    if (this.toolCalls.length > MAX_TOOL_CALLS * 2) this.toolCalls.splice(0, MAX_TOOL_CALLS);
    this.recent.push(tool);
    if (this.recent.length > RECENT_TOOLS * 4)
      this.recent.splice(0, this.recent.length - RECENT_TOOLS);
    this.lastTool = tool;
    if (isFileTool(tool)) {
      const path = pathFromArgument(argument);
      if (path) this.files.add(path);
    } else if (tool === "apply_patch" && looksLikePath(argument)) {
      this.files.add(argument);
    } else if (SHELL_TOOLS.has(tool) && argument) {
      this.commands.add(argument);
    }
  }
}
