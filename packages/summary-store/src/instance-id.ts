import { isAbsolute, relative, resolve, sep } from "node:path";
import { InvalidInstanceIdError } from "./errors.js";

/** The longest accepted instance id, in bytes of UTF-8 (file systems allow 255-byte names). */
export const MAX_INSTANCE_ID_BYTES = 128;

function reject(instanceId: string, why: string): never {
  const shown = JSON.stringify(instanceId.length > 60 ? `${instanceId.slice(0, 60)}…` : instanceId);
  throw new InvalidInstanceIdError(
    `invalid instance id ${shown}: ${why}; instance ids become directory names, so use 1 to ${MAX_INSTANCE_ID_BYTES} bytes without "/", "\\" or NUL, and not "." or ".."`,
    instanceId,
  );
}

/**
 * Checks that `instanceId` can safely name a directory under the summary dir.
 *
 * @throws {InvalidInstanceIdError} when it is not a string, empty, `.` or `..`, contains `/`, `\`
 *   or NUL, or is longer than {@link MAX_INSTANCE_ID_BYTES} bytes of UTF-8.
 * @example
 * assertValidInstanceId("agent-123"); // ok
 * assertValidInstanceId("../etc"); // throws InvalidInstanceIdError
 */
export function assertValidInstanceId(instanceId: unknown): asserts instanceId is string {
  if (typeof instanceId !== "string") {
    throw new InvalidInstanceIdError(
      `invalid instance id: expected a string, got ${typeof instanceId}; pass the agent's instance_id`,
      String(instanceId),
    );
  }
  if (instanceId.length === 0) reject(instanceId, "it is empty");
  if (instanceId === "." || instanceId === "..") reject(instanceId, "it is a relative path");
  if (instanceId.includes("/") || instanceId.includes("\\")) {
    reject(instanceId, "it contains a path separator");
  }
  if (instanceId.includes("\0")) reject(instanceId, "it contains a NUL character");
  const bytes = Buffer.byteLength(instanceId, "utf8");
  if (bytes > MAX_INSTANCE_ID_BYTES) reject(instanceId, `it is ${bytes} bytes long`);
}

/** Whether `name` is a valid instance id (used to pick agent directories out of a listing). */
export function isValidInstanceId(name: string): boolean {
  try {
    assertValidInstanceId(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The directory of one agent, `<summaryDir>/<instanceId>`, after checking that it is a direct
 * child of `summaryDir`.
 *
 * @throws {InvalidInstanceIdError} when the id is invalid or would resolve outside `summaryDir`.
 */
export function instanceDir(summaryDir: string, instanceId: unknown): string {
  assertValidInstanceId(instanceId);
  const root = resolve(summaryDir);
  const dir = resolve(root, instanceId);
  const rel = relative(root, dir);
  if (rel.length === 0 || isAbsolute(rel) || rel.startsWith("..") || rel.includes(sep)) {
    reject(instanceId, `it resolves outside the summary dir ${root}`);
  }
  return dir;
}
