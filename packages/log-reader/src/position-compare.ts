import type { LogPosition } from "@agentwatch/models";

/** Whether two saved positions are the same record (both absent counts as the same). */
export function samePosition(a: LogPosition | undefined, b: LogPosition | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.instance_id === b.instance_id &&
    a.log_type === b.log_type &&
    a.file_path === b.file_path &&
    a.last_byte_offset === b.last_byte_offset &&
    a.last_line_number === b.last_line_number &&
    a.last_read_timestamp === b.last_read_timestamp &&
    a.checksum.toLowerCase() === b.checksum.toLowerCase() &&
    (a.device ?? undefined) === (b.device ?? undefined) &&
    (a.inode ?? undefined) === (b.inode ?? undefined)
  );
}
