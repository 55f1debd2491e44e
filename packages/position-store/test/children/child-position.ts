import type { LogPosition } from "@agentwatch/models";

/** The position child processes write: `offset` as both byte offset and line number. */
export function position(
  instanceId: string,
  logType: string,
  offset: number,
  overrides: Partial<LogPosition> = {},
): LogPosition {
  return {
    instance_id: instanceId,
    log_type: logType,
    file_path: `/logs/${instanceId}/${logType}.log`,
    last_byte_offset: offset,
    last_line_number: offset,
    last_read_timestamp: new Date().toISOString(),
    checksum: "0123456789abcdef0123456789abcdef",
    ...overrides,
  };
}
