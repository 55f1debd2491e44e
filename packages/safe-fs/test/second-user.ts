import { spawnSync } from "node:child_process";

/** A uid and gid no one on a test machine uses, for files "owned by another user". */
export const OTHER_UID = 4242;

/**
 * Whether this process can make files of another user (root: chown) and run commands as one
 * (`setpriv`). The ownership tests need it; CI runs as root.
 */
export const canActAsOtherUser: boolean =
  process.geteuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
