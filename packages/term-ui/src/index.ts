export { displayWidth, fitWidth, formatBytes, padWidth, visibleText } from "./display.js";
export { colors, type Colors } from "./colors.js";
export { guardStdio, type GuardedProcess, type StdioGuard } from "./stdio-guard.js";
export { oneLine, safeText } from "./safe-text.js";
