export {
  tmuxSource,
  type ListedPane,
  type PaneDescription,
  type PaneSelection,
  type TmuxSource,
  type TmuxSourceOptions,
} from "./tmux-source.js";
export {
  CaptureManager,
  paneKey,
  type CaptureMode,
  type CaptureOptions,
  type CaptureRecord,
} from "./captures.js";
export { PANE_FORMAT, paneName, paneTarget, parsePanes, type TmuxPane } from "./panes.js";
export { DEFAULT_AGENT_COMMANDS, agentOf } from "./recognize.js";
export { readProcessTable, type ProcessTable } from "./process-table.js";
export { TmuxClient, type TmuxServerOptions } from "./tmux-client.js";
export { TmuxError, type TmuxErrorCode } from "./errors.js";
