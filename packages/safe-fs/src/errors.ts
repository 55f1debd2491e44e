/** Codes of `SafeFsError`. */
export type SafeFsErrorCode =
  /** A directory or file is owned by another user. */
  | "UNSAFE_OWNER"
  /** A directory is writable by users other than its owner. */
  | "UNSAFE_MODE"
  /** A symbolic link where agentwatch does not follow one. */
  | "SYMLINK"
  /** Something that should be a directory (or a regular file) is not. */
  | "WRONG_TYPE";

/**
 * A path that agentwatch refuses to use because another user could read, replace or redirect what
 * it writes there. The message names the path, what is wrong, who owns it and what to do.
 */
export class SafeFsError extends Error {
  /** A stable machine-readable code, such as `UNSAFE_OWNER`. */
  readonly code: SafeFsErrorCode;
  /** The path found unsafe (the directory itself, or the ancestor or file at fault). */
  readonly path: string;
  constructor(message: string, code: SafeFsErrorCode, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SafeFsError";
    this.code = code;
    this.path = path;
  }
}

/** The `code` of a Node.js system error (`"ENOENT"`, `"ELOOP"`, ...), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
