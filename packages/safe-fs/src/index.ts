export { SafeFsError, errnoCode, type SafeFsErrorCode } from "./errors.js";
export { fsyncDir, mkdirDurable } from "./durable.js";
export {
  ensurePrivateDir,
  ensurePrivateSubdir,
  privateSubdirExists,
  type PrivateDirOptions,
} from "./private-dir.js";
export {
  O_NOFOLLOW,
  openPrivateFile,
  readPrivateFile,
  tempPathFor,
  writeFileAtomic,
} from "./files.js";
export { currentUid, describeUser } from "./owners.js";
