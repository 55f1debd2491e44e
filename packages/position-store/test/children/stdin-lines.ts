import { createInterface } from "node:readline";

/** Resolves when the parent writes `line` to this process's stdin. */
export function waitForStdinLine(line: string): Promise<void> {
  return new Promise((resolve) => {
    const input = createInterface({ input: process.stdin });
    input.on("line", (received) => {
      if (received.trim() !== line) return;
      input.close();
      process.stdin.destroy(); // or the open pipe keeps this process alive
      resolve();
    });
  });
}
