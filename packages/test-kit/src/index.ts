export { scaled, timeoutScale, waitFor, type WaitOptions } from "./deadline.js";
export { TmuxServer, type SessionOptions } from "./tmux.js";
export { OTHER_UID, asOtherUser, canActAsOtherUser } from "./other-user.js";
export { processAlive } from "./process-alive.js";
export { runNode, type NodeRun, type RunNodeOptions } from "./run-node.js";
