export { IncrementalLogReader } from "./incremental-log-reader.js";
export { InvalidOptionError, LogReaderError } from "./errors.js";
export { DEFAULTS, type CatchUpMode, type IncrementalLogReaderOptions } from "./options.js";
export type { PendingRead, ReadError, ReadOptions, ReadResult } from "./read-result.js";
export { truncationSuffix } from "./line-decode.js";
