import { AnthropicProvider, HeuristicProvider, SummaryGenerator } from "@agentwatch/summarizer";
import type { CommandContext } from "./context.js";

/**
 * The summary generator: the Anthropic provider (model from config) when ANTHROPIC_API_KEY is set
 * and `offline` is not asked for, else the offline heuristic provider.
 */
export function createGenerator(
  context: CommandContext,
  options: { offline: boolean },
): SummaryGenerator {
  const useModel = !options.offline && (context.io.env.ANTHROPIC_API_KEY ?? "") !== "";
  const provider = useModel
    ? new AnthropicProvider({ model: context.config.model })
    : new HeuristicProvider();
  context.logger.info(
    { provider: provider.name, model: useModel ? context.config.model : null },
    useModel
      ? `judging with ${context.config.model}`
      : "judging offline with the heuristic provider",
  );
  return new SummaryGenerator({ provider, logger: context.logger });
}
