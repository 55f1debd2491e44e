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
import { isCiPath, isTestPath } from "./action-meaning.js";
import {
  addEditLine,
  addResultLine,
  findActionLoop,
  judgeEdit,
  MAX_ACTIONS,
  newAction,
  type AgentAction,
} from "./action-window.js";

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
  /** The window of actions of the previous call. */
  actions: readonly AgentAction[];
  /** Recent failure text (assertion messages, errors), for telling an expected value set to the actual one. */
  failureText: string;
  /** The line of the last progress (a success or an edit): errors before it make no loop. */
  progressSeq: number;
}

/** Output lines that always count for an action's result; past them, only errors and test summaries. */
const RESULT_HEAD_LINES = 12;

/** Characters of recent failure text kept. */
export const FAILURE_TEXT_CHARS = 1500;

const DIFF_LINE = /^(\d+)\s*([-+])(?:\s(.*))?$/;
const UNIFIED_LINE = /^([-+])(?![-+]{2}\s)(.*)$/;
const NUMBERED_LINE = /^(\d+)\s+(.*)$/;
const FAILURE_HINT =
  /[Ee]xpected|[Rr]eceived|[Aa]ctual|\bgot\b|!=|[Aa]ssert|[Mm]ismatch|to (?:be|equal)|should (?:be|equal)|Diff:|\bwant\b/;
const SUCCESS =
  /^(?:Build succeeded|Compiled successfully|Successfully (?:built|compiled|installed)|All (?:checks|tests) passed|✓ built in|Finished .*(?:release|dev)|Done in \d|ok\s+\S+\s+\d|PASS\b|Tests? passed|No errors? found|Found 0 errors)/i;
/** A message of Claude Code, Codex or Gemini at the margin (`⏺ The route returns 500.`). */
const AGENT_MESSAGE = /^(?:[⏺●•✦]\s)/;
/** The branch a shell prompt shows: `➜ api git:(main) …`, `dana@box:~/api (main)$ …`. */
const PROMPT_BRANCH = /git:\(([\w./-]+)\)|\(([\w./-]+)\)\s*[$#%]/;
const AIDER_APPLIED = /^Applied edit to (\S+)$/;
/** aider's report of an edit that did not apply: the file is unchanged. */
const AIDER_EDIT_FAILED =
  /^(?:##\s*)?SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in (\S+)$/;
const AIDER_RUN_CONFIRMED = /^Run shell commands?\?.*\]:\s*(?:y|yes)$/i;
const AIDER_RUNNING = /^Running (\S.*)$/;
const AIDER_RUN_COMMAND = /^> \/run (\S.*)$/;

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
  private readonly actions: AgentAction[];
  private failureText: string;
  private aider: NonNullable<ParserCarry["aider"]>;

  constructor(start: CollectorStart) {
    this.recent = start.recentTools.slice(-RECENT_TOOLS);
    this.lastTool = start.lastTool;
    this.files = new RecentSet(start.files, MAX_FILES);
    this.commands = new RecentSet(start.commands, MAX_COMMANDS);
    this.tests = new TestSummaryReader(start.tests, start.parser.test_group);
    this.errorWindow = new ErrorWindow(
      start.errorWindow,
      start.parser.npm_block,
      start.progressSeq,
    );
    this.toolRun = start.toolRun ? { ...start.toolRun } : null;
    this.rowTools = new Map(start.rowTools);
    this.seq = start.lineSeq;
    this.block = start.parser.block;
    const pending = start.parser.pending;
    if (pending) this.pending = { ...pending, rowId: pending.row_id, line: -1 };
    this.actions = start.actions.map((a) => ({ ...a }));
    this.failureText = start.failureText;
    const aider = start.parser.aider;
    this.aider = aider
      ? { ...aider, edits: aider.edits.map((e) => ({ ...e })) }
      : { path: null, section: null, removed: "", added: "", edits: [], run: false };
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
        this.recordCall(call.tool, call.argument, line.source, line.rowId, info.trimmed);
        if (info.trimmed.startsWith("• Deleted ")) this.deleted(call.argument);
        if (call.tool === "apply_patch" && !looksLikePath(call.argument)) this.block = "patch";
      } else {
        this.pending = { ...call, line: line.source, rowId: line.rowId, continuations: 0 };
      }
      return;
    }
    if (info.kind === "shell_command") {
      const command = cutChars(info.command!, MAX_PATH_CHARS);
      this.commands.add(command);
      if (!/^(?:exit|logout)$/.test(command)) {
        const branch = PROMPT_BRANCH.exec(info.trimmed);
        const context = { ...this.context(), branch: branch?.[1] ?? branch?.[2] };
        this.pushAction(newAction("shell", command, context));
      }
      return;
    }
    if (info.kind === "shell_prompt") {
      // The prompt came back: the command's output ended; the prompt is not part of its result.
      const open = this.actions.at(-1);
      if (open?.tool === "shell" && open.closed !== true) open.closed = true;
      return;
    }
    if (NOT_CONTENT.has(info.kind)) return;
    if (info.trimmed === "• Explored" || info.trimmed === "• Exploring") {
      this.block = "explored";
      return;
    }
    if (this.aiderLine(info, line)) return;
    const before = this.tests.result;
    this.tests.line(info.body, this.seq);
    const after = this.tests.result;
    this.resultLine(info, after !== before);
    this.errorWindow.line(info.error, info.body, this.seq);
    const path = pathFromLine(info.body);
    if (path) this.files.add(path);
    if (after !== before && after !== null && after.failed === 0 && after.passed > 0)
      this.errorWindow.progress(this.seq);
    else if (info.error === null && SUCCESS.test(info.body)) this.errorWindow.progress(this.seq);
  }

  /** Codex deleted a file: a test file or a CI workflow deleted subverts the task. */
  private deleted(path: string): void {
    const open = this.actions.at(-1);
    if (!open || open.target !== path) return;
    if (isCiPath(path))
      open.meaning = { rule: "ci_disabled", evidence: `deletes the CI workflow ${path}` };
    else if (isTestPath(path))
      open.meaning = { rule: "test_deleted", evidence: `deletes the test file ${path}` };
    if (open.meaning) open.closed = true; // no contents follow (judgeEdit keeps it: none are known)
  }

  /** A frame line (`=======`, aider's SEARCH/REPLACE divider, is one). */
  frame(text: string): void {
    if (text === "=======" && this.aider.section === "search") this.aider.section = "replace";
  }

  /**
   * An edit the tool reports it could not apply: an action on the file whose result is the
   * failure, its contents left out (a failed edit changed nothing, whatever it tried), so the
   * same failure again and again on the same file is a loop, and it counts as no progress.
   */
  private failedEdit(path: string, text: string, line: CleanLine): void {
    this.recordCall("Edit", path, line.source, line.rowId, undefined, false);
    const open = this.actions.at(-1);
    if (!open || open.kind !== "edit" || open.target !== path) return;
    open.result = "";
    open.lines = 0;
    addResultLine(open, text);
    open.closed = true;
  }

  /** What helps to judge an edit or a command. */
  private context(): { failureText: string } {
    return { failureText: this.failureText };
  }

  private pushAction(action: AgentAction, progress = true): void {
    const open = this.actions.at(-1);
    if (open) judgeEdit(open, this.context());
    this.actions.push(action);
    if (this.actions.length > MAX_ACTIONS)
      this.actions.splice(0, this.actions.length - MAX_ACTIONS);
    if (action.kind === "edit" && progress) this.errorWindow.progress(this.seq);
  }

  /** A line of output: part of the open action's result (an edit's diff lines are its contents). */
  private resultLine(info: LineInfo, summary: boolean): void {
    const body = info.body;
    if (info.error !== null || FAILURE_HINT.test(body)) {
      const joined = `${this.failureText}\n${body.slice(0, 300)}`;
      this.failureText =
        joined.length > FAILURE_TEXT_CHARS ? joined.slice(-FAILURE_TEXT_CHARS) : joined;
    }
    const open = this.actions.at(-1);
    if (!open || open.closed === true) return;
    if (info.indent === 0 && AGENT_MESSAGE.test(info.trimmed) && open.tool !== "shell") {
      judgeEdit(open, this.context());
      open.closed = true; // the agent's own words after the tool's output: not its result
      return;
    }
    // The head of the output, and past it only what tells results apart: errors, test summaries.
    if (open.lines < RESULT_HEAD_LINES || info.error !== null || summary)
      addResultLine(open, body, summary);
    if (open.kind !== "edit") return;
    const diff = DIFF_LINE.exec(body);
    if (diff) {
      addEditLine(open, diff[2] as "+" | "-", diff[3] ?? "");
      return;
    }
    const unified = UNIFIED_LINE.exec(body);
    if (unified && info.indent > 0) {
      addEditLine(open, unified[1] as "+" | "-", unified[2] ?? "");
      return;
    }
    if (open.tool === "Write" || open.tool === "Create") {
      const numbered = NUMBERED_LINE.exec(body);
      if (numbered) addEditLine(open, "+", numbered[2]!);
    }
  }

  /** aider's SEARCH/REPLACE blocks, `Applied edit to x` and shell commands it runs. */
  private aiderLine(info: LineInfo, line: CleanLine): boolean {
    const a = this.aider;
    const text = info.trimmed;
    if (a.section === null) {
      const first = text[0];
      if (
        info.indent === 0 &&
        text.length < 300 &&
        (text.includes("/") || text.includes(".")) &&
        !text.includes(" ") &&
        looksLikePath(text)
      )
        a.path = text;
      // every line below starts with one of these (a cheap test first: this runs on every line)
      if (first !== "<" && first !== "A" && first !== "R" && first !== ">" && first !== "#")
        return false;
    }
    if (a.section !== null) {
      if (text.startsWith(">>>>>>> REPLACE")) {
        const edit = { path: a.path ?? "", removed: a.removed, added: a.added };
        a.edits = [...a.edits.filter((e) => e.path !== edit.path), edit].slice(-8);
        a.section = null;
        a.removed = "";
        a.added = "";
        return true;
      }
      const cut = (t: string) => (t.length > 600 ? t.slice(0, 600) : t);
      const raw = line.text;
      if (a.section === "search") a.removed = cut(a.removed ? `${a.removed}\n${raw}` : raw);
      else a.added = cut(a.added ? `${a.added}\n${raw}` : raw);
      return true;
    }
    if (text.startsWith("<<<<<<< SEARCH")) {
      a.section = "search";
      return true;
    }
    const failed = AIDER_EDIT_FAILED.exec(text);
    if (failed) {
      this.failedEdit(failed[1]!, text, line);
      return false; // also an error sighting: the same failure again is an error loop
    }
    const applied = AIDER_APPLIED.exec(text);
    if (applied) {
      const path = applied[1]!;
      this.recordCall("Edit", path, line.source, line.rowId);
      const edit = a.edits.find(
        (e) => e.path === path || path.endsWith(e.path) || e.path.endsWith(path),
      );
      const open = this.actions.at(-1);
      if (edit && open && open.kind === "edit") {
        open.removed = edit.removed;
        open.added = edit.added;
        addResultLine(open, `${edit.removed}\u0000${edit.added}`);
        judgeEdit(open, this.context());
        a.edits = a.edits.filter((e) => e !== edit);
      }
      return true;
    }
    if (AIDER_RUN_CONFIRMED.test(text)) {
      a.run = true;
      return true;
    }
    const running = a.run ? AIDER_RUNNING.exec(text) : null;
    const typed = AIDER_RUN_COMMAND.exec(text);
    if (running || typed) {
      a.run = false;
      const command = cutChars((running ?? typed)![1]!, MAX_PATH_CHARS);
      this.commands.add(command);
      this.pushAction(newAction("shell", command, this.context()));
      return true;
    }
    return false;
  }

  /**
   * Ends the call. With `final`, a wrapped tool call still open is taken as it is; otherwise it
   * is carried, to be completed by the next call's lines.
   */
  finish(final: boolean): void {
    if (final && this.pending) this.finishPending();
    const open = this.actions.at(-1);
    if (open) judgeEdit(open, this.context());
  }

  /** The window of actions (across calls), oldest first. */
  actionWindow(): AgentAction[] {
    return this.actions.slice(-MAX_ACTIONS);
  }

  /** Recent failure text, to carry. */
  recentFailures(): string {
    return this.failureText;
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

  /**
   * The action loop: the same action with the same result, nothing changed between (see
   * `findActionLoop`). The run of identical calls is still counted and carried, but alone it is
   * no loop: five different edits of one file are work, not a loop.
   */
  toolLoop(): ActivityLoop | null {
    return findActionLoop(this.actions);
  }

  /** The carried parts this collector owns. */
  carry(): {
    toolRun: ToolRun | null;
    rowTools: [number, string][];
    errorWindow: ErrorSighting[];
    lineSeq: number;
    parser: ParserCarry;
    progressSeq: number;
  } {
    const errors = this.errorWindow.carry(this.seq);
    const pending = this.pending;
    return {
      toolRun: this.toolRun,
      rowTools: [...this.rowTools.entries()].slice(-MAX_ROW_TOOLS),
      errorWindow: errors.sightings,
      lineSeq: this.seq,
      progressSeq: errors.progressSeq,
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
        aider: this.aider,
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

  private recordCall(
    tool: string,
    rawArgument: string,
    line: number,
    rowId: number,
    callLine?: string,
    progress = true,
  ): void {
    const argument = cutChars(rawArgument, MAX_PATH_CHARS);
    if (this.isRedraw(rowId, `${tool}\u0000${argument}`)) return;
    const run = this.toolRun;
    if (run && run.tool === tool && run.argument === argument) {
      run.count++;
      run.row_id = rowId;
    } else this.toolRun = { tool, argument, count: 1, row_id: rowId };
    this.toolCalls.push({ tool, argument, line });
    const action = newAction(tool, argument, this.context());
    // An edit's call line may tell it from another (`• Edited a.ts (+12 -3)`): part of its result.
    if (action.kind === "edit" && callLine !== undefined) addResultLine(action, callLine, true);
    this.pushAction(action, progress);
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
