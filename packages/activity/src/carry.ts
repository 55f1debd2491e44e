import { MAX_ERROR_SIGHTINGS } from "./error-window.js";
import { MAX_ROW_TOOLS } from "./fact-collector.js";
import {
  emptySnapshotCarry,
  MAX_HELD_LINES,
  SNAPSHOT_TAIL_LINES,
  type SnapshotCarry,
} from "./snapshot-filter.js";
import { CARRIED_ROW_CHARS, WINDOW_ROWS, type ScreenCarry } from "./terminal-screen.js";

/** The tool call being repeated, and how many times in a row. */
export interface ToolRun {
  tool: string;
  argument: string;
  count: number;
  /** The screen row it was last read from (a redraw of the same row is not a new call). */
  row_id: number;
}

/** One sighting of an error line. */
export interface ErrorSighting {
  /** The normalised text two sightings of the same error share. */
  key: string;
  text: string;
  /** Which meaningful line it was (a counter across calls). */
  seq: number;
}

/** Where the line parser stood: inside a block, a wrapped tool call, a multi-line test summary. */
export interface ParserCarry {
  /** Lines of the current `npm ERR!` block counted so far. */
  npm_block: number;
  /** Inside Codex's `• Explored` list or a multi-file `• Edited N files` list. */
  block: "explored" | "patch" | null;
  /** A Claude Code tool call whose argument wraps onto the next lines. */
  pending: { tool: string; argument: string; row_id: number; continuations: number } | null;
  /** aider's SEARCH/REPLACE block being read, the edits read but not yet applied, a confirmed shell command. */
  aider?:
    | {
        path: string | null;
        section: "search" | "replace" | null;
        removed: string;
        added: string;
        edits: { path: string; removed: string; added: string }[];
        run: boolean;
      }
    | undefined;
  /** A multi-line test summary being read (mocha, Playwright, node:test). */
  test_group: {
    passed: number;
    failed: number;
    skipped: number | null;
    raw: string;
    seq: number;
    fields: string[];
  } | null;
}

/** State carried from one `analyzeActivity` call to the next through `previous.carry`. */
export interface ActivityCarry {
  version: 1;
  /** The editable screen rows and cursor of the virtual terminal. */
  screen: ScreenCarry;
  /** The snapshot filter (the original orchestrator's log format). */
  snapshot: SnapshotCarry;
  /** The current run of identical tool calls. */
  tool_run: ToolRun | null;
  /** The last tool call read from each recent screen row, as `[row id, "tool\0argument"]`. */
  row_tools: [number, string][];
  /** Recent error sightings (the error window). */
  error_window: ErrorSighting[];
  /** Meaningful lines seen so far, across calls. */
  line_seq: number;
  /** The line parser's position. */
  parser: ParserCarry;
  /** The line of the last progress (a success, an edit): errors before it make no loop. */
  progress_seq?: number | undefined;
  /** Recent failure text (at most 1,500 characters), to judge edits of expected values. */
  failure_text?: string | undefined;
}

/** A parser at no block. */
export function emptyParserCarry(): ParserCarry {
  return { npm_block: 0, block: null, pending: null, test_group: null };
}

function parserCarry(v: unknown): ParserCarry {
  const fresh = emptyParserCarry();
  if (!isObject(v)) return fresh;
  if (isInt(v.npm_block) && v.npm_block >= 0) fresh.npm_block = v.npm_block;
  if (v.block === "explored" || v.block === "patch") fresh.block = v.block;
  const p = v.pending;
  if (
    isObject(p) &&
    isString(p.tool) &&
    isString(p.argument) &&
    p.argument.length <= 4096 &&
    isInt(p.row_id) &&
    isInt(p.continuations)
  )
    fresh.pending = p as unknown as ParserCarry["pending"];
  const g = v.test_group;
  if (
    isObject(g) &&
    isInt(g.passed) &&
    isInt(g.failed) &&
    (g.skipped === null || isInt(g.skipped)) &&
    isString(g.raw) &&
    g.raw.length <= 4096 &&
    isInt(g.seq) &&
    isStringArray(g.fields, 8)
  )
    fresh.test_group = g as unknown as ParserCarry["test_group"];
  const a = v.aider;
  if (
    isObject(a) &&
    (a.path === null || (isString(a.path) && a.path.length <= 300)) &&
    (a.section === null || a.section === "search" || a.section === "replace") &&
    isString(a.removed) &&
    a.removed.length <= 600 &&
    isString(a.added) &&
    a.added.length <= 600 &&
    typeof a.run === "boolean" &&
    Array.isArray(a.edits) &&
    a.edits.length <= 8 &&
    a.edits.every(
      (e) =>
        isObject(e) &&
        isString(e.path) &&
        isString(e.removed) &&
        isString(e.added) &&
        e.removed.length <= 600 &&
        e.added.length <= 600,
    )
  )
    fresh.aider = a as unknown as ParserCarry["aider"];
  return fresh;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown, max: number): v is string[] =>
  Array.isArray(v) && v.length <= max && v.every(isString);

function screenCarry(v: unknown): ScreenCarry | null {
  if (!isObject(v)) return null;
  const { rows, row_ids } = v;
  if (!isStringArray(rows, WINDOW_ROWS) || rows.some((r) => r.length > CARRIED_ROW_CHARS))
    return null;
  if (!Array.isArray(row_ids) || row_ids.length !== rows.length || !row_ids.every(isInt))
    return null;
  const ints = [
    "cursor_row",
    "cursor_col",
    "saved_row",
    "saved_col",
    "screen_height",
    "next_row_id",
    "unemitted_tail",
  ];
  if (!ints.every((k) => isInt(v[k])) || typeof v.alt_screen !== "boolean") return null;
  const erased = v.erased;
  if (
    !Array.isArray(erased) ||
    erased.length > WINDOW_ROWS ||
    !erased.every((e) => Array.isArray(e) && e.length === 2 && isInt(e[0]) && isInt(e[1]))
  )
    delete v.erased;
  return v as unknown as ScreenCarry;
}

function snapshotCarry(v: unknown): SnapshotCarry | null {
  if (!isObject(v)) return null;
  const rowList = (list: unknown, indexed: boolean) =>
    Array.isArray(list) &&
    list.length <= MAX_HELD_LINES + 256 &&
    list.every(
      (h) =>
        isObject(h) &&
        isString(h.text) &&
        isInt(h.row_id) &&
        isInt(h.source) &&
        (!indexed || isInt(h.index)),
    );
  if (!rowList(v.pending, false) || (v.pending as unknown[]).length > 2) return null;
  if (!rowList(v.held, true)) return null;
  if (v.previous !== null && !isStringArray(v.previous, SNAPSHOT_TAIL_LINES)) return null;
  if (!isStringArray(v.tail, SNAPSHOT_TAIL_LINES * 2)) return null;
  if (v.candidates !== null && !(Array.isArray(v.candidates) && v.candidates.every(isInt)))
    return null;
  if (!["trailing_blanks", "count", "match", "head_anchor"].every((k) => isInt(v[k]))) return null;
  if (typeof v.active !== "boolean" || typeof v.anchored !== "boolean") return null;
  const previousLength = Array.isArray(v.previous) ? v.previous.length : 0;
  const match = v.match as number;
  if (match < 0 || match > previousLength) return null;
  const candidates: number[] = Array.isArray(v.candidates) ? v.candidates : [];
  if (candidates.some((j) => j < 0 || j >= previousLength)) return null;
  return v as unknown as SnapshotCarry;
}

/**
 * Reads a carry from a previous analysis, defensively: it may come from disk or another version.
 * Anything malformed gives a fresh state rather than an exception.
 */
export function readCarry(value: unknown): ActivityCarry {
  const fresh: ActivityCarry = {
    version: 1,
    screen: {
      rows: [],
      row_ids: [],
      cursor_row: 0,
      cursor_col: 0,
      saved_row: 0,
      saved_col: 0,
      alt_screen: false,
      screen_height: 0,
      next_row_id: 0,
      unemitted_tail: 0,
    },
    snapshot: emptySnapshotCarry(),
    tool_run: null,
    row_tools: [],
    error_window: [],
    line_seq: 0,
    parser: emptyParserCarry(),
  };
  if (!isObject(value) || value.version !== 1) return fresh;
  const copy = structuredClone(value);
  const screen = screenCarry(copy.screen);
  const snapshot = snapshotCarry(copy.snapshot);
  if (screen) fresh.screen = screen;
  if (snapshot) fresh.snapshot = snapshot;
  const run = copy.tool_run;
  if (
    isObject(run) &&
    isString(run.tool) &&
    isString(run.argument) &&
    isInt(run.count) &&
    isInt(run.row_id)
  )
    fresh.tool_run = run as unknown as ToolRun;
  if (Array.isArray(copy.row_tools))
    fresh.row_tools = copy.row_tools
      .filter((e): e is [number, string] => Array.isArray(e) && isInt(e[0]) && isString(e[1]))
      .slice(-MAX_ROW_TOOLS);
  if (Array.isArray(copy.error_window))
    fresh.error_window = copy.error_window
      .filter(
        (e): e is ErrorSighting =>
          isObject(e) && isString(e.key) && isString(e.text) && isInt(e.seq),
      )
      .slice(-MAX_ERROR_SIGHTINGS);
  if (isInt(copy.line_seq) && copy.line_seq >= 0) fresh.line_seq = copy.line_seq;
  if (isInt(copy.progress_seq) && copy.progress_seq >= 0) fresh.progress_seq = copy.progress_seq;
  if (isString(copy.failure_text)) fresh.failure_text = copy.failure_text.slice(-1500);
  fresh.parser = parserCarry(copy.parser);
  return fresh;
}
