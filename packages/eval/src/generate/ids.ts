import { seedOf } from "../random.js";

/** Deterministic UUID-shaped ids from a name, so generated transcripts are stable. */
export function fakeUuid(name: string): string {
  const hex = [0, 1, 2, 3]
    .map((i) => seedOf(`${name}#${i}`).toString(16).padStart(8, "0"))
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A deterministic token-like id (`toolu_01…`, `call_…`, `msg_01…`). */
export function fakeId(prefix: string, name: string, length = 24): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let out = "";
  for (let i = 0; out.length < length; i++) {
    const n = seedOf(`${name}@${i}`);
    out += alphabet[n % alphabet.length] ?? "x";
  }
  return prefix + out;
}

/** ISO time `seconds` after `base`. */
export function isoAt(base: string, seconds: number): string {
  return new Date(Date.parse(base) + Math.round(seconds * 1000)).toISOString();
}
