import { access, constants, readFile, realpath } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { CliIO } from "./context.js";

/** `text` quoted for a POSIX shell when it needs to be. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * How a person can run this same agentwatch again from a shell: `agentwatch` when that command on
 * their PATH is this program, else `node <this program's main.js>` (which works from anywhere).
 */
export async function selfCommand(io: CliIO): Promise<string> {
  const self = io.self;
  if (self === undefined) return "agentwatch";
  const mine = await realpath(self).catch(() => self);
  for (const dir of (io.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "agentwatch");
    try {
      await access(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // The launcher `pnpm run install-cli` writes names main.js; a symlink resolves to it.
    if ((await realpath(candidate).catch(() => candidate)) === mine) return "agentwatch";
    if (await launches(candidate, mine)) return "agentwatch";
    break; // the first agentwatch on PATH is another program
  }
  return `node ${shellQuote(mine)}`;
}

async function launches(launcher: string, main: string): Promise<boolean> {
  try {
    const text = await readFile(launcher, "utf8");
    return text.length < 4096 && text.includes(main);
  } catch {
    return false;
  }
}
