export { SummaryStore, LATEST_FILE } from "./summary-store.js";
export type { HistoryQuery, SummaryStoreOptions } from "./options.js";
export { HISTORY_FILE, historyFileName } from "./history-files.js";
export { MAX_INSTANCE_ID_BYTES, assertValidInstanceId } from "./instance-id.js";
export {
  InvalidInstanceIdError,
  InvalidOptionError,
  InvalidSummaryError,
  SummaryReadError,
  SummaryStoreError,
  SummaryWriteError,
  UnsafePathError,
  type SummaryStoreErrorCode,
  type UnsafePathReason,
} from "./errors.js";
