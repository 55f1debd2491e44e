import { readFileSync } from "node:fs";

let names: Map<number, string> | undefined;

/** The user name of `uid` from /etc/passwd, or undefined (no such entry, no file, Windows). */
export function userName(uid: number): string | undefined {
  if (names === undefined) {
    names = new Map();
    try {
      for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
        const [name, , id] = line.split(":");
        if (name !== undefined && id !== undefined && /^\d+$/.test(id)) names.set(Number(id), name);
      }
    } catch {
      // No passwd file (a minimal container): uids are shown as numbers.
    }
  }
  return names.get(uid);
}

/** `alice (uid 1001)`, or `uid 1001` when the name is unknown. */
export function describeUser(uid: number): string {
  const name = userName(uid);
  return name === undefined ? `uid ${uid}` : `${name} (uid ${uid})`;
}

/** `alice, uid 1000`, or `uid 1000` when the name is unknown: for inside parentheses. */
export function describeUserBriefly(uid: number): string {
  const name = userName(uid);
  return name === undefined ? `uid ${uid}` : `${name}, uid ${uid}`;
}

/** The effective uid of this process, or undefined where there are none (Windows). */
export function currentUid(): number | undefined {
  return typeof process.geteuid === "function" ? process.geteuid() : undefined;
}
