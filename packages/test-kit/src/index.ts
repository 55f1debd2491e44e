export { scaled, timeoutScale, waitFor, type WaitOptions } from "./deadline.js";
export { TmuxServer, type SessionOptions } from "./tmux.js";
export { OTHER_UID, asOtherUser, canActAsOtherUser } from "./other-user.js";
export { processAlive } from "./process-alive.js";
export { runNode, type NodeRun, type RunNodeOptions } from "./run-node.js";
export { builtFile, compileTestChildren, testChild } from "./children.js";
export {
  startNode,
  type ChildExit,
  type LineWaitOptions,
  type NodeChild,
  type StartNodeOptions,
} from "./start-node.js";
export { AIDER_IDLE, CLAUDE_PROMPT, CODEX_WORKING, writeFakeAgents } from "./fake-agents.js";
