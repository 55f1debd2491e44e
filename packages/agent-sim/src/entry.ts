import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** How to start a simulated agent process: the command and the arguments before its own flags. */
export interface AgentProcessCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * The command that runs `agent-process` with this Node.js: the built `.js` when this package runs
 * from `dist`, or the `.ts` source through tsx when it runs from `src` (tests, no build).
 */
export function agentProcessCommand(): AgentProcessCommand {
  const js = fileURLToPath(new URL("./agent-process.js", import.meta.url));
  if (existsSync(js)) return { command: process.execPath, args: [js] };
  const ts = fileURLToPath(new URL("./agent-process.ts", import.meta.url));
  return { command: process.execPath, args: ["--import", "tsx", ts] };
}
