import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(fileURLToPath(new URL(".", import.meta.url)), "fixtures");

/** The text of a fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(join(dir, name), "utf8");
}

/**
 * The lines of a fixture as the incremental reader gives them: split on `\n`, the empty string
 * after a final newline dropped; an unterminated last line is included (as when the reader flushes
 * a partial line after the file has been quiet).
 */
export function fixtureLines(name: string): string[] {
  const lines = fixtureText(name).split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * The usage an independent, simple reading of a Claude Code transcript gives: every assistant
 * entry's `message.usage`, once per message id + request id (the largest value of each field, as
 * Claude Code writes the final count on the message's lines), leaving out `<synthetic>` messages.
 */
export function claudeUsageOracle(lines: readonly string[]): {
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
} {
  const byMessage = new Map<string, number[]>();
  for (const line of lines) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const message = entry.message as Record<string, unknown> | undefined;
    if (entry.type !== "assistant" || !message?.usage || message.model === "<synthetic>") continue;
    if (entry.isApiErrorMessage === true) continue;
    const u = message.usage as Record<string, number>;
    const key = `${String(message.id)}|${String(entry.requestId)}`;
    const values = [
      u.input_tokens ?? 0,
      u.output_tokens ?? 0,
      u.cache_read_input_tokens ?? 0,
      u.cache_creation_input_tokens ?? 0,
    ];
    const old = byMessage.get(key) ?? [0, 0, 0, 0];
    byMessage.set(
      key,
      values.map((v, i) => Math.max(v, old[i]!)),
    );
  }
  const sum = [0, 0, 0, 0];
  for (const v of byMessage.values()) v.forEach((n, i) => (sum[i]! += n));
  return { input: sum[0]!, output: sum[1]!, cache_read: sum[2]!, cache_creation: sum[3]! };
}
