export { displayWidth, fitWidth, formatBytes, padWidth, visibleText } from "./display.js";
export { colors, type Colors } from "./colors.js";
