import { createHash } from "node:crypto";
import type { LogPosition } from "@agentwatch/models";

/** How many leading bytes the Python implementation hashed (`hashlib.md5(f.read(16))`). */
export const LEGACY_FINGERPRINT_BYTES = 16;

/** The hex md5 of `buf[0, length)`. */
export function md5Hex(buf: Buffer, length: number): string {
  return createHash("md5").update(buf.subarray(0, length)).digest("hex");
}

/** The checksum a position at `offset` stores: the md5 of the first min(fingerprintBytes, offset) bytes. */
export function checksumAt(head: Buffer, offset: number, fingerprintBytes: number): string {
  return md5Hex(head, Math.min(fingerprintBytes, offset));
}

/** How many leading bytes to read so that every fingerprint of a file of `size` bytes can be checked. */
export function headLength(size: number, fingerprintBytes: number): number {
  return Math.min(size, Math.max(fingerprintBytes, LEGACY_FINGERPRINT_BYTES));
}

/**
 * Whether a file whose first bytes are `head` is the file `saved` was taken from.
 *
 * The file must hold at least `saved.last_byte_offset` bytes. The checksum is compared over
 * min(fingerprintBytes, offset) bytes; a position without device and inode (saved by the
 * Python implementation, which hashed only the first 16 bytes) also matches over min(16, offset).
 */
export function matchesSaved(head: Buffer, saved: LogPosition, fingerprintBytes: number): boolean {
  const offset = saved.last_byte_offset;
  const wanted = saved.checksum.toLowerCase();
  if (head.length < Math.min(fingerprintBytes, offset)) return false;
  if (checksumAt(head, offset, fingerprintBytes) === wanted) return true;
  const legacy = saved.device === undefined && saved.inode === undefined;
  return legacy && md5Hex(head, Math.min(LEGACY_FINGERPRINT_BYTES, offset)) === wanted;
}
