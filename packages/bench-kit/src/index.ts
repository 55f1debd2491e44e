export { median, percentile, timeAsync, timeSync, type Timing } from "./stats.js";
export { writeBenchResults, formatTable, type BenchRow } from "./results.js";
