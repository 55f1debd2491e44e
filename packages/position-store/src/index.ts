export { PositionTracker } from "./position-tracker.js";
export type { PositionTrackerOptions, PositionTrackerStats } from "./tracker-options.js";
export {
  InvalidPositionError,
  PositionLockError,
  PositionReadError,
  PositionStoreClosedError,
  PositionStoreError,
  PositionWriteError,
  StateDirError,
  UnsafeStateDirError,
} from "./errors.js";
export { STATE_FILE_NAME } from "./state-paths.js";
