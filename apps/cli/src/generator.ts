import type { ModelJudgeLike } from "@agentwatch/monitor";
import {
  AnthropicProvider,
  type GeneratorStats,
  GuardedProvider,
  HeuristicProvider,
  SummaryGenerator,
} from "@agentwatch/summarizer";
import type { CommandContext } from "./context.js";

/** How the CLI judges: offline at once, and with a model beside the cycle when one is set. */
export interface Judges {
  /** The offline generator every cycle's summaries come from. */
  readonly generator: SummaryGenerator;
  /** The model beside the cycle, when ANTHROPIC_API_KEY is set and `--offline` is not given. */
  readonly model: ModelJudgeLike | undefined;
  /** The counters of the generator that calls a model (the offline one when there is none). */
  readonly stats: () => GeneratorStats;
}

/**
 * The summary generators: the offline heuristic one for every summary, at once; and when
 * ANTHROPIC_API_KEY is set and `offline` is not asked for, the Anthropic model (from config)
 * beside the cycle, each call with a deadline and behind a circuit breaker, whose verdicts replace
 * the offline ones as they come.
 */
export function createJudges(context: CommandContext, options: { offline: boolean }): Judges {
  const stallSeconds = context.config.stall_seconds;
  const generator = new SummaryGenerator({
    provider: new HeuristicProvider(),
    logger: context.logger,
    stallSeconds,
  });
  const useModel = !options.offline && (context.io.env.ANTHROPIC_API_KEY ?? "") !== "";
  if (!useModel) {
    context.logger.info({ provider: "heuristic" }, "judging offline with the heuristic provider");
    return { generator, model: undefined, stats: () => generator.stats };
  }
  const provider = new GuardedProvider(
    new AnthropicProvider({ model: context.config.model, logger: context.logger }),
  );
  const modelGenerator = new SummaryGenerator({ provider, logger: context.logger, stallSeconds });
  context.logger.info(
    { provider: provider.name, model: context.config.model },
    `judging offline at once, and with ${context.config.model} beside the cycle`,
  );
  return {
    generator,
    stats: () => modelGenerator.stats,
    model: {
      name: provider.name,
      generateSummary: (id, lines, agentContext) =>
        modelGenerator.generateSummary(id, lines, agentContext),
      get stats() {
        return modelGenerator.stats;
      },
      status: () => provider.status(),
      calls: () => provider.stats,
    },
  };
}
