import { spawnSync } from "node:child_process";

/** A uid and gid no one on a test machine uses, for files and processes of "another user". */
export const OTHER_UID = 4242;

/**
 * Whether this process can make files of another user (root: chown) and run commands as one
 * (`setpriv`). The ownership tests need it; CI runs as root.
 */
export const canActAsOtherUser: boolean =
  process.geteuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;

/** `command args…` as run by {@link OTHER_UID}, through setpriv. */
export function asOtherUser(command: string, args: readonly string[]): [string, string[]] {
  const id = String(OTHER_UID);
  return ["setpriv", ["--reuid", id, "--regid", id, "--clear-groups", command, ...args]];
}
