import { SeededRandom } from "./random.js";
import { type Scenario, scenarioSteps } from "./scenarios.js";

/** How a simulated agent behaves. The same options always give the same output. */
export interface SimAgentOptions {
  /** The seed of everything random: content, pauses and where writes are cut. */
  readonly seed: number;
  /** What the agent does. */
  readonly scenario: Scenario;
  /** Multiplies every pause (0.5 = twice as fast). Default 1. */
  readonly pauseScale?: number | undefined;
  /**
   * The chance that one step is written in two pieces, cut at a random byte (possibly inside a
   * multi-byte character). Default 0.25.
   */
  readonly splitChance?: number | undefined;
}

/** One write to the log: raw bytes, then a pause. */
export interface SimWrite {
  readonly bytes: Uint8Array;
  readonly pauseMs: number;
}

const encoder = new TextEncoder();

/**
 * The writes a simulated agent makes, in order. Endless for most scenarios; a scenario that waits
 * at a prompt ends with a long pause.
 *
 * @example
 * for (const write of simulateAgent({ seed: 1, scenario: "implement-feature" })) { ... }
 */
export function* simulateAgent(options: SimAgentOptions): Generator<SimWrite> {
  const random = new SeededRandom(options.seed);
  const cuts = new SeededRandom(options.seed ^ 0x5bd1e995);
  const scale = options.pauseScale ?? 1;
  const splitChance = options.splitChance ?? 0.25;
  for (const step of scenarioSteps(options.scenario, random)) {
    const bytes = encoder.encode(step.text);
    const pauseMs = Math.round(step.pauseMs * scale);
    if (bytes.length > 1 && cuts.chance(splitChance)) {
      const cut = cuts.int(1, bytes.length - 1);
      yield { bytes: bytes.subarray(0, cut), pauseMs: Math.min(pauseMs, Math.round(20 * scale)) };
      yield { bytes: bytes.subarray(cut), pauseMs };
    } else {
      yield { bytes, pauseMs };
    }
  }
}

/** The bytes of the first `writeCount` writes of a simulated agent, joined. */
export function simulatedBytes(options: SimAgentOptions, writeCount: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  let count = 0;
  if (writeCount > 0) {
    for (const write of simulateAgent(options)) {
      parts.push(write.bytes);
      length += write.bytes.length;
      if (++count >= writeCount) break;
    }
  }
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * The lines a lossless reader must deliver for `bytes`: split on `\n`, one trailing `\r` removed,
 * each line decoded as UTF-8 on its own; a final unterminated line counts as a line.
 */
export function expectedLines(bytes: Uint8Array): string[] {
  const decoder = new TextDecoder("utf-8");
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    if (i === bytes.length && start === bytes.length) break;
    let end = i;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    lines.push(decoder.decode(bytes.subarray(start, end)));
    start = i + 1;
  }
  return lines;
}
