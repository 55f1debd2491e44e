import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";

/** The processes of the machine: who is whose child, and each one's command line on demand. */
export interface ProcessTable {
  /** The pids of `pid`'s descendants, nearest first, `pid` included. */
  descendants(pid: number): number[];
  /** A process's arguments (`argv`), or [] when it is gone or hidden. */
  argv(pid: number): Promise<string[]>;
}

/** At most this many descendants of one pane are looked at. */
const MAX_DESCENDANTS = 256;

function tableFrom(
  children: Map<number, number[]>,
  argv: (pid: number) => Promise<string[]>,
): ProcessTable {
  return {
    descendants(pid) {
      const found = [pid];
      for (let i = 0; i < found.length && found.length < MAX_DESCENDANTS; i++) {
        for (const child of children.get(found[i]!) ?? []) found.push(child);
      }
      return found.slice(0, MAX_DESCENDANTS);
    },
    argv,
  };
}

function addChild(children: Map<number, number[]>, parent: number, pid: number): void {
  const list = children.get(parent);
  if (list === undefined) children.set(parent, [pid]);
  else list.push(pid);
}

/** From /proc (Linux): one read of each process's `stat`; `cmdline` only when asked. */
async function fromProc(): Promise<ProcessTable> {
  const children = new Map<number, number[]>();
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    pids.map(async (name) => {
      try {
        const stat = await readFile(`/proc/${name}/stat`, "utf8");
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ")".
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (Number.isInteger(ppid)) addChild(children, ppid, Number(name));
      } catch {
        // It exited meanwhile.
      }
    }),
  );
  return tableFrom(children, async (pid) => {
    try {
      const text = await readFile(`/proc/${pid}/cmdline`, "utf8");
      return text.split("\0").filter((arg, i, all) => arg !== "" || i < all.length - 1);
    } catch {
      return [];
    }
  });
}

/** From `ps` (macOS, BSD): one run for every process. */
function fromPs(): Promise<ProcessTable> {
  return new Promise((resolve, reject) => {
    execFile(
      "ps",
      ["-A", "-o", "pid=", "-o", "ppid=", "-o", "args="],
      { maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout) => {
        if (error !== null)
          return reject(
            new Error(`cannot list processes with ps: ${error.message}`, { cause: error }),
          );
        const children = new Map<number, number[]>();
        const args = new Map<number, string[]>();
        for (const line of stdout.split("\n")) {
          const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
          if (match === null) continue;
          const pid = Number(match[1]);
          addChild(children, Number(match[2]), pid);
          args.set(pid, match[3]!.split(/\s+/));
        }
        resolve(tableFrom(children, (pid) => Promise.resolve(args.get(pid) ?? [])));
      },
    );
  });
}

/** The machine's process table now: from /proc where there is one, else from `ps`. */
export async function readProcessTable(): Promise<ProcessTable> {
  try {
    return await fromProc();
  } catch {
    return fromPs();
  }
}
