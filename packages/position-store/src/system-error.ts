/** The `code` of a Node.js system error (`"ENOENT"`, `"EROFS"`, ...), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  EEXIST: "already exists",
  EIO: "input/output error",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
};

const ADVICE: Readonly<Record<string, string>> = {
  ENOSPC: "free some disk space",
  EDQUOT: "free some disk space or raise the quota",
  EFBIG: "free some disk space or raise the file size limit",
  EMFILE: "close files or raise the open-file limit",
  ENFILE: "close files or raise the open-file limit",
  EIO: "check the disk",
};

/**
 * Describes a system error for a message: `read-only file system (EROFS)`, naming the path it
 * happened on when that is not `mainPath`.
 */
export function describeSystemError(error: unknown, mainPath?: string): string {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined) return message;
  const text = DESCRIPTIONS[code] ?? message.replace(/^[A-Z]+: /, "");
  const path = (error as { path?: unknown }).path;
  const where = typeof path === "string" && path !== mainPath ? ` on ${path}` : "";
  return `${text} (${code})${where}`;
}

/** What a user should do about a system error, as the end of a message. */
export function adviceFor(error: unknown): string {
  const code = errnoCode(error);
  return (code !== undefined ? ADVICE[code] : undefined) ?? "choose a writable state dir";
}
