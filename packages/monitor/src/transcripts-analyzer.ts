import type { ActivityAnalysis } from "@agentwatch/activity";
import type { AgentEvent } from "@agentwatch/models";
import {
  DEFAULT_PRICES,
  type EventAnalysis,
  type PriceTable,
  analyzeEvents,
  mergeAnalyses,
  parseClaudeLines,
  parseCodexLines,
  parseHookLines,
} from "@agentwatch/transcripts";
import type { StructuredAnalyzerLike } from "./parts.js";

/** Characters of one event's text in the lines the generator is given. */
const LINE_CHARS = 400;

function cut(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line;
}

/** One line for a model saying what an event did, in the shape of Claude Code's screen. */
function lineOf(event: AgentEvent): string | null {
  switch (event.type) {
    case "user_prompt":
      return `> ${cut(event.text)}`;
    case "assistant_text":
      return `⏺ ${cut(event.text)}`;
    case "tool_call": {
      const input = event.input;
      const what = input.command ?? input.file_path ?? input.pattern ?? input.description ?? "";
      return `⏺ ${event.tool}(${cut(what)})`;
    }
    case "tool_result":
      return `  ⎿  ${event.is_error ? "Error: " : ""}${cut(event.excerpt)}`;
    case "permission_request":
      return `Permission requested${event.tool === null ? "" : ` for ${event.tool}`}: ${cut(event.message ?? "")}`;
    case "question":
      return `Question to the user: ${cut(event.text)}`;
    case "error":
      return `Error: ${cut(event.message)}`;
    case "turn_end":
      return "(the agent finished its turn)";
    case "session_end":
      return `(the session ended${event.reason === null ? "" : `: ${cut(event.reason)}`})`;
    case "session_start":
    case "usage":
      return null; // facts for the analysis (the directory, tokens), not actions
  }
}

/** A model's prices in US dollars per million tokens (config `model_prices`). */
export interface ModelTokenPrices {
  readonly input: number;
  readonly output: number;
  readonly cache_read: number;
  readonly cache_creation: number;
}

/** Options of {@link createTranscriptsAnalyzer}. */
export interface TranscriptsAnalyzerOptions {
  /**
   * Prices by model id over `@agentwatch/transcripts`' dated `DEFAULT_PRICES`: to correct one or
   * add a model (config `model_prices`).
   */
  readonly prices?: Readonly<Record<string, ModelTokenPrices>> | undefined;
}

/**
 * The structured sources as `@agentwatch/transcripts` reads them: Claude Code transcripts, Codex
 * CLI rollouts and the Claude Code hooks JSONL parsed into events, analyzed (tokens priced from
 * the dated table, with `prices` over it), and merged with the analysis of the agent's screen
 * when it has one.
 *
 * @example
 * const structured = createTranscriptsAnalyzer({ prices: config.model_prices });
 * const service = await createMonitoringService(config, { structured });
 */
export function createTranscriptsAnalyzer(
  options: TranscriptsAnalyzerOptions = {},
): StructuredAnalyzerLike {
  const given = Object.entries(options.prices ?? {});
  const prices: PriceTable =
    given.length === 0
      ? DEFAULT_PRICES
      : {
          ...DEFAULT_PRICES,
          ...Object.fromEntries(
            given.map(([model, price]) => [
              model.toLowerCase(),
              { ...price, source: "agentwatch configuration (model_prices)" },
            ]),
          ),
        };
  return { ...base, analyze: (events, context) => analyze(events, context, prices) };
}

function analyze(
  events: readonly AgentEvent[],
  context: Parameters<StructuredAnalyzerLike["analyze"]>[1],
  prices: PriceTable,
) {
  return analyzeEvents([...events], {
    now: context.now,
    lastOutputAt: context.lastOutputAt,
    previous: (context.previous ?? null) as EventAnalysis | null,
    prices,
  });
}

const base: StructuredAnalyzerLike = {
  parse(format, lines, carry) {
    const parsed =
      format === "claude_transcript"
        ? parseClaudeLines(lines, carry ?? null)
        : parseCodexLines(lines, carry ?? null);
    return { events: parsed.events, carry: parsed.state };
  },
  parseHooks(lines) {
    return parseHookLines(lines, null).hooks.map((hook) => ({
      event: hook.event,
      session_id: hook.session_id,
      transcript_path: hook.transcript_path,
      pids: hook.ppids,
    }));
  },
  analyze: (events, context) => analyze(events, context, DEFAULT_PRICES),
  merge(terminal, events) {
    return mergeAnalyses(
      (terminal ?? null) as ActivityAnalysis | null,
      (events ?? null) as EventAnalysis | null,
    )!;
  },
  describe(events) {
    const lines: string[] = [];
    for (const event of events) {
      const line = lineOf(event);
      if (line !== null) lines.push(line);
    }
    return lines;
  },
};

/** The structured sources with the dated price table: what the service uses by default. */
export const transcriptsAnalyzer: StructuredAnalyzerLike = base;
