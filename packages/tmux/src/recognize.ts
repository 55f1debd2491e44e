/** The agents recognised in a pane by default: the commands they run as. */
export const DEFAULT_AGENT_COMMANDS: readonly string[] = Object.freeze([
  "claude",
  "codex",
  "aider",
  "gemini",
  "opencode",
]);

/** Where the npm packages of known agents put their entry points, and the agent each one is. */
const PACKAGE_PATHS: readonly (readonly [string, string])[] = [
  ["/@anthropic-ai/claude-code/", "claude"],
  ["/@openai/codex/", "codex"],
  ["/@google/gemini-cli/", "gemini"],
  ["/opencode-ai/", "opencode"],
];

function baseName(arg: string): string {
  const name = arg.slice(arg.lastIndexOf("/") + 1);
  return name.replace(/\.(?:js|mjs|cjs|py|exe)$/, "");
}

/** Programs that run a script named by their first argument that is not an option. */
const INTERPRETER =
  /^(?:node(?:js)?|bun|deno|python[\d.]*|pypy[\d.]*|ruby|perl|sh|bash|zsh|dash|env|npx|uv|uvx|pipx)$/;

function agentNamed(arg: string, wanted: ReadonlySet<string>): string | undefined {
  const name = baseName(arg);
  if (wanted.has(name)) return name;
  for (const [path, agent] of PACKAGE_PATHS) {
    if (`${arg}/`.includes(path) && wanted.has(agent)) return agent;
  }
  return undefined;
}

/**
 * The agent a command line runs, if it runs one of `commands`: the program itself (`codex …`), or
 * the script an interpreter runs (`node /usr/local/bin/claude`, `python3 …/aider`), also from
 * inside a known agent's npm package (`node …/@anthropic-ai/claude-code/cli.js`). Arguments of the
 * program are not looked at, so `vim claude.md` is no agent.
 *
 * @example
 * agentOf(["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"], DEFAULT_AGENT_COMMANDS); // "claude"
 */
export function agentOf(argv: readonly string[], commands: readonly string[]): string | undefined {
  const wanted = new Set(commands);
  const program = argv[0];
  if (program === undefined) return undefined;
  const direct = agentNamed(program, wanted);
  if (direct !== undefined) return direct;
  if (!INTERPRETER.test(baseName(program))) return undefined;
  const script = argv.slice(1).find((arg) => !arg.startsWith("-"));
  return script === undefined ? undefined : agentNamed(script, wanted);
}
